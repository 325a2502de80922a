"""The gemeente's decision on a herziening, over in-memory fakes: wijzigen, handhaven and
intrekken, who may decide, and that a herziening is decided once. The herziening itself is
built here as the monthly check leaves it (tests/unit/test_maandcheck.py tests how it arises);
the same flows run over HTTP in tests/integration/test_herzieningen.py."""

import copy
from datetime import date

import pytest
from pydantic import ValidationError

from tests.fakes import FakeAanvragen, FakeAuditlog, aanvraagdiensten
from tests.unit.test_aanvragen import ANNA, UTRECHT, beoordeling, dien_in
from vil.fouten import Conflict, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Herziening, HerzieningsbesluitSoort
from vil.models.api import HerzieningsbesluitRequest
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal, Principalsoort
from vil.rules import Catalogus
from vil.services import herzieningen
from vil.services.diensten import Aanvraagdiensten

KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"
AMERSFOORT = Principal(soort=Principalsoort.gemeente, gemeentecode="0307")
CHECK = date(2026, 6, 15)  # the fakes' domain clock: the day of the monthly check


def herzien(diensten: Aanvraagdiensten, catalogus: Catalogus, **feiten: object) -> Aanvraag:
    """Anna's kwijtschelding of € 412,60, granted on the spot, then flagged by a monthly check
    that found `feiten` changed: the aanvraag with its herziening and the check's verslag, as
    the monthly check writes them."""
    aanvraag = dien_in(diensten, beoordeling(catalogus), KWIJTSCHELDING)[KWIJTSCHELDING]
    assert aanvraag.status is AanvraagStatus.toegekend
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    (toekenning,) = diensten.aanvragen.beslisverslagen(aanvraag.id)
    huishouden = copy.deepcopy(toekenning.huishouden) | feiten
    (nieuw,) = catalogus.evaluate(
        Huishouden.model_validate(huishouden), CHECK, toekenning.herkomst, [KWIJTSCHELDING]
    ).resultaten
    assert nieuw.recht is not None
    assert not nieuw.indicatief
    herziening = Herziening(
        datum=CHECK,
        toelichting="Uw gegevens zijn veranderd.",
        recht=nieuw.recht,
        bedrag_eenmalig=nieuw.bedrag_eenmalig if nieuw.recht else None,
    )
    herzien = aanvraag.model_copy(update={"herziening": herziening})
    diensten.aanvragen.opgeslagen[aanvraag.id] = (str(ANNA.pseudoniem), herzien)
    verslag = toekenning.model_copy(
        update={"peildatum": CHECK, "huishouden": huishouden, "resultaat": nieuw}
    )
    diensten.aanvragen.verslagen[aanvraag.id].append(verslag)
    return herzien


def verzoek(
    besluit: str, per: date | None = None, motivering: str = "Gezien."
) -> HerzieningsbesluitRequest:
    return HerzieningsbesluitRequest.model_validate(
        {"besluit": besluit, "motivering": motivering, "per": per}
    )


@pytest.fixture
def diensten(catalogus: Catalogus) -> Aanvraagdiensten:
    return aanvraagdiensten(catalogus)


def test_wijzigen_grants_the_herzienings_amount_per_the_date_with_a_new_beschikking(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    # Given an aanslag of € 500 instead of € 412,60, still wholly remitted (no capacity)
    aanvraag = herzien(diensten, catalogus, gemeentelijkeBelastingen=500)
    assert aanvraag.herziening is not None
    assert aanvraag.herziening.bedrag_eenmalig == "500.00"

    besloten = herzieningen.besluit(
        diensten, UTRECHT, aanvraag.id, verzoek("wijzigen", date(2026, 7, 1), "Nieuwe aanslag.")
    )

    assert besloten.status is AanvraagStatus.toegekend
    assert besloten.bedrag_eenmalig == "500.00"
    assert besloten.beschikking is not None
    tekst = besloten.beschikking.tekst
    assert "per 1 juli 2026" in tekst
    assert "€ 500,00" in tekst
    assert "was € 412,60" in tekst
    assert "Toelichting van de gemeente: Nieuwe aanslag." in tekst
    assert "Bent u het niet eens met dit besluit?" in tekst  # the rule file's rechtsbescherming
    assert besloten.herziening is not None
    assert besloten.herziening.besluit is not None
    assert besloten.herziening.besluit.besluit is HerzieningsbesluitSoort.wijzigen
    assert besloten.herziening.besluit.door == "0344"


def test_every_decision_writes_a_verslag_of_the_herziening_an_event_and_an_audit_record(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = herzien(diensten, catalogus, gemeentelijkeBelastingen=500)
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    assert isinstance(diensten.audit, FakeAuditlog)
    voor = len(diensten.aanvragen.outbox)

    herzieningen.besluit(diensten, UTRECHT, aanvraag.id, verzoek("wijzigen", date(2026, 7, 1)))

    *_, check, besluit = diensten.aanvragen.beslisverslagen(aanvraag.id)
    assert (besluit.door, besluit.uitkomst) == ("0344", AanvraagStatus.toegekend)
    assert besluit.resultaat == check.resultaat  # the evaluation the decision rests on
    assert besluit.motivering is not None
    assert besluit.motivering.startswith("Herziening wijzigen")
    (event,) = diensten.aanvragen.outbox[voor:]
    assert event.type == "nl.vil.aanvraag.herziening-besloten"
    assert event.data.status is AanvraagStatus.toegekend
    assert "herzieningsbesluit" in [r["verwerking"] for r in diensten.audit.records]


def test_handhaven_keeps_the_grant_and_its_beschikking_and_tells_the_reason(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = herzien(diensten, catalogus, gemeentelijkeBelastingen=500)

    besloten = herzieningen.besluit(
        diensten, UTRECHT, aanvraag.id, verzoek("handhaven", motivering="Aanslag al betaald.")
    )

    assert besloten.status is AanvraagStatus.toegekend
    assert besloten.bedrag_eenmalig == "412.60"
    assert besloten.beschikking == aanvraag.beschikking
    assert "Aanslag al betaald." in besloten.toelichting


def test_intrekken_ends_the_grant_per_the_date_and_frees_the_period(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    # Given a net income of € 2.500, which leaves no right to kwijtschelding
    aanvraag = herzien(diensten, catalogus, nettoInkomenPerMaand=2500)
    assert aanvraag.herziening is not None
    assert aanvraag.herziening.recht is False

    besloten = herzieningen.besluit(
        diensten, UTRECHT, aanvraag.id, verzoek("intrekken", date(2026, 8, 1), "Hoger inkomen.")
    )

    assert besloten.status is AanvraagStatus.ingetrokken
    assert besloten.beschikking is not None
    assert besloten.beschikking.besluit is AanvraagStatus.ingetrokken
    assert "trekken de toekenning van" in besloten.beschikking.tekst
    assert "per 1 augustus 2026" in besloten.beschikking.tekst
    assert isinstance(diensten.aanvragen, FakeAanvragen)
    assert (ANNA.pseudoniem, KWIJTSCHELDING) not in diensten.aanvragen.perioden


def test_wijzigen_is_refused_when_the_herziening_found_no_right(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = herzien(diensten, catalogus, nettoInkomenPerMaand=2500)
    with pytest.raises(Conflict):
        herzieningen.besluit(diensten, UTRECHT, aanvraag.id, verzoek("wijzigen", date(2026, 7, 1)))


def test_a_herziening_is_decided_once(diensten: Aanvraagdiensten, catalogus: Catalogus) -> None:
    aanvraag = herzien(diensten, catalogus, gemeentelijkeBelastingen=500)
    herzieningen.besluit(diensten, UTRECHT, aanvraag.id, verzoek("handhaven"))
    with pytest.raises(Conflict):
        herzieningen.besluit(diensten, UTRECHT, aanvraag.id, verzoek("wijzigen", date(2026, 7, 1)))


def test_a_grant_without_herziening_has_nothing_to_decide(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = dien_in(diensten, beoordeling(catalogus), KWIJTSCHELDING)[KWIJTSCHELDING]
    with pytest.raises(Conflict):
        herzieningen.besluit(diensten, UTRECHT, aanvraag.id, verzoek("handhaven"))


def test_a_decision_from_before_the_grant_is_refused(
    diensten: Aanvraagdiensten, catalogus: Catalogus
) -> None:
    aanvraag = herzien(diensten, catalogus, nettoInkomenPerMaand=2500)
    with pytest.raises(OngeldigVerzoek) as fout:
        herzieningen.besluit(
            diensten, UTRECHT, aanvraag.id, verzoek("intrekken", date(2025, 12, 31))
        )
    assert [veld for veld, _ in fout.value.velden] == ["body.per"]


@pytest.mark.parametrize(
    ("wie", "fout"),
    [
        (AMERSFOORT, NietGevonden),  # another gemeente's aanvraag
        (ANNA, NietGevonden),  # the resident does not decide
        (Principal(soort=Principalsoort.anoniem), NietGeauthenticeerd),
    ],
)
def test_only_the_deciding_gemeente_decides(
    diensten: Aanvraagdiensten, catalogus: Catalogus, wie: Principal, fout: type[Exception]
) -> None:
    aanvraag = herzien(diensten, catalogus, gemeentelijkeBelastingen=500)
    with pytest.raises(fout):
        herzieningen.besluit(diensten, wie, aanvraag.id, verzoek("handhaven"))


@pytest.mark.parametrize(
    ("besluit", "per"),
    [("wijzigen", None), ("intrekken", None), ("handhaven", date(2026, 7, 1))],
)
def test_per_is_required_exactly_when_something_changes(besluit: str, per: date | None) -> None:
    with pytest.raises(ValidationError):
        verzoek(besluit, per)
