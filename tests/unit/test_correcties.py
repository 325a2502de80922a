"""A correction of the past (issue 13 item 1): an explicit, separate, audited act with four eyes
that gives a value of a published version another value for every peildatum since that version
took effect, while what was decided before replays with the version it used.

Utrecht publishes the single person's IIT amount of 2026 from 1 July as € 276 (the rule file's
2024 amount) where it should have been € 290 (test values with a made-up publication, not
Utrecht's). On 1 September it corrects that for the months since 1 July. What is checked is the
amount the catalogue then computes, known by construction: the IIT pays the parameter's amount
to a single person under the limit (tests/unit/test_activering.py).
"""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.fakes import FakeRegelingversies, beheerdiensten
from tests.unit.test_activering import (
    BRON,
    JULI,
    Klok,
    alleenstaande,
    bevestiging,
    gezien,
    goedgekeurd,
    iit,
)
from tests.unit.test_beheer import AMERSFOORT, EERSTE, IIT, TWEEDE
from vil.fouten import Conflict, GeenToestemming, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import AanvraagStatus, Beslisverslag
from vil.models.beheer import CorrectieRequest, Versiestatus, VersiestatusRequest
from vil.models.gebeurtenis import REGELING_GEWIJZIGD, RegelingEventData
from vil.rules import Catalogus
from vil.services import beheer, herspelen
from vil.services.diensten import Impactstartdiensten

SEPTEMBER = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
AUGUSTUS = date(2026, 8, 1)


def correctie(bedrag: str = "290", vanaf: date = JULI, **anders: Any) -> CorrectieRequest:
    return CorrectieRequest.model_validate({
        "toelichting": "Het college stelde € 290 vast; er is € 276 gepubliceerd.",
        "waarden": [{"parameter": "bedragAlleenstaande", "vanaf": vanaf.isoformat(),
                     "waarde": bedrag, "bron": BRON, "status": "bevestigd"}],
        **anders,
    })  # fmt: skip


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def diensten(catalogus: Catalogus, klok: Klok) -> Impactstartdiensten:
    return beheerdiensten(catalogus, klok)


@pytest.fixture
def gepubliceerd(diensten: Impactstartdiensten, klok: Klok) -> int:
    """Version 1 (€ 276 from 1 July), approved on 15 June; the clock then on 1 September."""
    nummer = goedgekeurd(diensten, bevestiging())
    klok.moment = SEPTEMBER
    return nummer


def goedgekeurde_correctie(
    diensten: Impactstartdiensten, nummer: int, verzoek: CorrectieRequest | None = None
) -> int:
    """Proposed by anne, submitted, approved by bram naming his impact report."""
    versie = beheer.corrigeer(diensten, EERSTE, IIT, nummer, verzoek or correctie())
    beheer.wijzig_status(diensten, EERSTE, IIT, versie.versie,
                         VersiestatusRequest(status="ter-goedkeuring"))  # fmt: skip
    beheer.keur(diensten, TWEEDE, IIT, versie.versie, gezien(diensten, TWEEDE, versie.versie))
    return versie.versie


def test_a_correction_changes_the_past_peildata_and_old_verslagen_replay_as_decided(
    diensten: Impactstartdiensten, gepubliceerd: int
) -> None:
    # Given a decision for August made under version 1
    voor = iit(diensten, AUGUSTUS)
    assert (voor.bedrag_eenmalig, voor.indicatief) == ("276.00", False)
    verslag = Beslisverslag(
        aanvraag="a1", regeling=IIT, regelversie=voor.regelversie, peildatum=AUGUSTUS,
        huishouden=alleenstaande().model_dump(mode="json", by_alias=True), herkomst={},
        resultaat=voor, uitkomst=AanvraagStatus.toegekend, door="vil", op=SEPTEMBER,
    )  # fmt: skip
    juni = iit(diensten, date(2026, 6, 30))
    # When the correction is proposed it is a concept that changes nothing yet
    versie = beheer.corrigeer(diensten, EERSTE, IIT, gepubliceerd, correctie())
    assert (versie.status, versie.correctie_van, versie.ingangsdatum) == (
        Versiestatus.concept, gepubliceerd, JULI,
    )  # fmt: skip
    assert iit(diensten, AUGUSTUS) == voor
    # And once approved with four eyes
    beheer.wijzig_status(diensten, EERSTE, IIT, versie.versie,
                         VersiestatusRequest(status="ter-goedkeuring"))  # fmt: skip
    with pytest.raises(GeenToestemming):  # not by the proposer
        beheer.keur(diensten, EERSTE, IIT, versie.versie, gezien(diensten, EERSTE, versie.versie))
    beheer.keur(diensten, TWEEDE, IIT, versie.versie, gezien(diensten, TWEEDE, versie.versie))
    # Then a new evaluation of August (past) and of today uses € 290, with its own version
    na = iit(diensten, AUGUSTUS)
    assert (na.bedrag_eenmalig, na.indicatief) == ("290.00", False)
    assert na.regelversie == beheer.versie(diensten, EERSTE, IIT, versie.versie).regelversie
    assert iit(diensten, SEPTEMBER.date()).bedrag_eenmalig == "290.00"
    # And a peildatum before version 1 took effect keeps the rule file
    assert iit(diensten, date(2026, 6, 30)) == juni
    # And the verslag of August replays exactly as it was decided
    assert herspelen.herspeel(diensten.catalogus, verslag) == voor


def test_a_correction_is_recorded_in_the_history_the_event_and_the_audit(
    diensten: Impactstartdiensten, gepubliceerd: int
) -> None:
    nummer = goedgekeurde_correctie(diensten, gepubliceerd)

    # Both versions say so: the corrected one lists it, both are in force
    oorspronkelijk = beheer.versie(diensten, EERSTE, IIT, gepubliceerd)
    gecorrigeerd = beheer.versie(diensten, EERSTE, IIT, nummer)
    assert (oorspronkelijk.status, oorspronkelijk.correcties) == (Versiestatus.actief, [nummer])
    assert (gecorrigeerd.status, gecorrigeerd.in_werking_vanaf) == (Versiestatus.actief, JULI)
    assert [(h.handeling, h.door) for h in gecorrigeerd.geschiedenis] == [
        ("correctie-voorgesteld", "anne"), ("ingediend", "anne"), ("goedgekeurd", "bram"),
    ]  # fmt: skip
    # The event says it corrects version 1 from a day already past
    versies = diensten.regelingversies
    assert isinstance(versies, FakeRegelingversies)
    event = versies.outbox[-1]
    assert event.type == REGELING_GEWIJZIGD
    assert event.data == RegelingEventData(
        regeling=IIT, gemeentecode="0344", versie=nummer, ingangsdatum=JULI,
        correctie_van=gepubliceerd, url=f"https://vil.test/v1/regelingen/{IIT}/versies/{nummer}",
    )  # fmt: skip
    assert event.model_dump(mode="json", by_alias=True)["data"]["correctieVan"] == gepubliceerd
    # Every act is audited, the proposal as a correction
    verwerkingen = [r["verwerking"] for r in diensten.audit.records]  # type: ignore[attr-defined]
    assert verwerkingen[-4:] == [
        "regelingversie-correctie-voorgesteld", "regelingversie-ingediend",
        "regelingversie-impact", "regelingversie-goedgekeurd",
    ]  # fmt: skip


def test_a_correction_only_of_the_gemeentes_own_published_version_in_force(
    diensten: Impactstartdiensten, klok: Klok
) -> None:
    nummer = goedgekeurd(diensten, bevestiging())
    # Not before it took effect: that is a new version from the same day
    with pytest.raises(Conflict):
        beheer.corrigeer(diensten, EERSTE, IIT, nummer, correctie())
    klok.moment = SEPTEMBER
    # Not by another gemeente's beheerder
    with pytest.raises(NietGevonden):
        beheer.corrigeer(diensten, AMERSFOORT, IIT, nummer, correctie())
    # Not of a concept, nor of a correction itself
    concept = beheer.stel_voor(diensten, EERSTE, IIT, bevestiging(date(2026, 10, 1), "300"))
    with pytest.raises(Conflict):
        beheer.corrigeer(diensten, EERSTE, IIT, concept.versie, correctie())
    gecorrigeerd = goedgekeurde_correctie(diensten, nummer)
    with pytest.raises(Conflict):
        beheer.corrigeer(diensten, EERSTE, IIT, gecorrigeerd, correctie("295"))


def test_a_correction_names_values_the_version_set(
    diensten: Impactstartdiensten, gepubliceerd: int
) -> None:
    verzoek = CorrectieRequest.model_validate({
        "toelichting": "t",
        "waarden": [
            correctie().waarden[0].model_dump(mode="json"),
            {**correctie(vanaf=date(2026, 8, 1)).waarden[0].model_dump(mode="json")},
            {**correctie().waarden[0].model_dump(mode="json"), "parameter": "bedragPaar"},
        ],
    })  # fmt: skip
    with pytest.raises(OngeldigVerzoek) as fout:
        beheer.corrigeer(diensten, EERSTE, IIT, gepubliceerd, verzoek)
    assert [veld for veld, _ in fout.value.velden] == ["body.waarden.1", "body.waarden.2"]
    assert beheer.versies(diensten, EERSTE, IIT)[0].versie == gepubliceerd  # nothing stored


def test_a_value_a_later_version_set_again_is_corrected_in_that_version(
    diensten: Impactstartdiensten, gepubliceerd: int
) -> None:
    # Version 2 sets the same value (from 1 July) again, from 1 September
    tweede = goedgekeurd(diensten, bevestiging(vanaf=JULI, bedrag="280"), TWEEDE, EERSTE)
    assert beheer.versie(diensten, EERSTE, IIT, tweede).in_werking_vanaf == SEPTEMBER.date()
    with pytest.raises(Conflict):
        beheer.corrigeer(diensten, EERSTE, IIT, gepubliceerd, correctie())


def test_a_correction_carries_into_the_versions_published_after_it(
    diensten: Impactstartdiensten, gepubliceerd: int, klok: Klok
) -> None:
    # Version 2 changes only the income limit, from 1 October
    oktober = date(2026, 10, 1)
    verzoek = bevestiging(vanaf=oktober)
    verzoek = verzoek.model_copy(update={"waarden": verzoek.waarden[1:]})  # the limit alone
    goedgekeurd(diensten, verzoek, TWEEDE, EERSTE)
    goedgekeurde_correctie(diensten, gepubliceerd)
    # The corrected amount holds in August and under version 2 from October alike
    assert iit(diensten, AUGUSTUS).bedrag_eenmalig == "290.00"
    assert iit(diensten, oktober).bedrag_eenmalig == "290.00"


def test_a_rolled_back_version_is_not_corrected(
    diensten: Impactstartdiensten, gepubliceerd: int
) -> None:
    from tests.unit.test_activering import keur
    from vil.models.beheer import TerugdraaiingRequest

    terug = TerugdraaiingRequest(ingangsdatum=SEPTEMBER.date(), toelichting="Terug.")
    nummer = beheer.draai_terug(diensten, TWEEDE, IIT, gepubliceerd, terug).versie
    keur(diensten, nummer, TWEEDE, EERSTE)
    with pytest.raises(Conflict):
        beheer.corrigeer(diensten, EERSTE, IIT, gepubliceerd, correctie())
