"""An approved version takes effect without a deploy, over in-memory fakes and the real catalogue
cache (vil.adapters.regelcatalogi): from its ingangsdatum, never for a peildatum before it;
`actief` and `vervangen`; rollback with four eyes; the event; the refresh within 60 seconds by
one pointer read; replay of a beslisverslag made before; the monthly check with the new values.

The version confirms Utrecht's IIT amounts for a single person (the 2024 amount, € 276, and the
110% income limit the rule file derives, now with status `bevestigd`) or raises the amount to
€ 290. Both are test values with a made-up publication, not Utrecht's: what is checked is that
the catalogue then computes with them, which is known by construction (the IIT pays the
parameter's amount to a single person under the limit, and a result is indicatief exactly while
a value it uses is unconfirmed).
"""

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.fakes import (
    MOMENT,
    FakeRegelingversies,
    beheerdiensten,
    maandcheckdiensten,
)
from tests.unit.test_beheer import AMERSFOORT, EERSTE, IIT, TWEEDE, vervangende_gevallen
from tests.unit.test_maandcheck import PSEUDONIEM, met_toestemming, prefill
from vil.adapters.regelcatalogi import Regelcatalogi
from vil.fouten import Conflict, GeenToestemming, NietGevonden
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beslisverslag
from vil.models.beheer import (
    GoedkeuringRequest,
    TerugdraaiingRequest,
    Versiestatus,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.models.gebeurtenis import REGELING_GEWIJZIGD, RegelingEventData, event_schemas
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal
from vil.models.maandcheck import MeldingSoort
from vil.models.prefill import Prefill
from vil.models.resultaat import FeitHerkomst, HerkomstSoort, Resultaat
from vil.models.toestemming import Doel
from vil.rules import Catalogus
from vil.services import beheer, herspelen, impactrapport, maandcheck
from vil.services.diensten import Impactstartdiensten

BRON = "Gemeenteblad 2026, 99999 (testwaarde)"
JULI = date(2026, 7, 1)


class Klok:
    """A domain clock the test moves."""

    def __init__(self, moment: datetime = MOMENT) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def alleenstaande() -> Huishouden:
    """A single person in Utrecht, 41, with € 1.200 net every month since 2023: under the
    110% limit (rules/individuele-inkomenstoeslag-utrecht.yaml, its first case)."""
    maanden = [f"{j}-{m:02d}" for j in (2023, 2024, 2025, 2026) for m in range(1, 13)]
    return Huishouden.model_validate(
        {
            "gemeentecode": "0344",
            "aanvrager": {
                "geboortedatum": "1985-05-01",
                "vermogen": 2000,
                "student": False,
                "studentAfgelopenDrieJaar": False,
                "geenUitzichtOpInkomensverbetering": True,
            },
            "inkomenshistorie": [
                {"maand": m, "nettoInkomen": 1200} for m in maanden if m < "2026-10"
            ],
        }
    )


def iit(diensten: Impactstartdiensten, peildatum: date) -> Resultaat:
    (resultaat,) = diensten.catalogus.evaluate(alleenstaande(), peildatum, None, [IIT]).resultaten
    return resultaat


def bevestiging(
    vanaf: date = JULI, bedrag: str = "276", catalogus: Catalogus | None = None
) -> VersievoorstelRequest:
    """The single person's amount and the income limit, published (`bevestigd`) from `vanaf`;
    from before 1 March 2026, with the rule file's cases of that day superseded (`catalogus`)."""
    tests = vervangende_gevallen(catalogus, f"{bedrag}.00") if catalogus else []
    return VersievoorstelRequest.model_validate(
        {
            "ingangsdatum": vanaf.isoformat(),
            "toelichting": "De bedragen van 2026 zijn vastgesteld.",
            "waarden": [
                {"parameter": "bedragAlleenstaande", "vanaf": vanaf.isoformat(), "waarde": bedrag,
                 "bron": BRON, "status": "bevestigd"},
                {"parameter": "inkomensgrensPercentage", "vanaf": vanaf.isoformat(),
                 "waarde": "110", "bron": BRON, "status": "bevestigd"},
            ],
            "tests": tests,
        }
    )  # fmt: skip


def goedgekeurd(
    diensten: Impactstartdiensten,
    verzoek: VersievoorstelRequest,
    voorsteller: Principal = EERSTE,
    keurder: Principal = TWEEDE,
) -> int:
    """Proposed, submitted and approved (four eyes): the version's number."""
    nummer = beheer.stel_voor(diensten, voorsteller, IIT, verzoek).versie
    keur(diensten, nummer, voorsteller, keurder)
    return nummer


def keur(
    diensten: Impactstartdiensten, nummer: int, voorsteller: Principal, keurder: Principal
) -> None:
    indienen = VersiestatusRequest(status="ter-goedkeuring")
    beheer.wijzig_status(diensten, voorsteller, IIT, nummer, indienen)
    beheer.keur(diensten, keurder, IIT, nummer, gezien(diensten, keurder, nummer))


def gezien(diensten: Impactstartdiensten, keurder: Principal, nummer: int) -> GoedkeuringRequest:
    """An approval that names the impact report the approver ran of the version."""
    rapport = impactrapport.start(diensten, keurder, IIT, nummer)
    verwijzing = {"id": rapport.id, "hash": rapport.hash}
    return GoedkeuringRequest.model_validate({"besluit": "goedkeuren", "impactrapport": verwijzing})


# An approval naming a report that cannot be found (for a caller who gets a 404 first)
ONGEZIEN = GoedkeuringRequest.model_validate(
    {"besluit": "goedkeuren", "impactrapport": {"id": "0" * 32, "hash": "sha256:" + "0" * 64}}
)


def status(diensten: Impactstartdiensten, nummer: int) -> Versiestatus:
    return beheer.versie(diensten, EERSTE, IIT, nummer).status


@pytest.fixture
def klok() -> Klok:
    return Klok()


@pytest.fixture
def diensten(catalogus: Catalogus, klok: Klok) -> Impactstartdiensten:
    return beheerdiensten(catalogus, klok)


def test_an_approved_version_applies_from_its_ingangsdatum_and_never_before(
    diensten: Impactstartdiensten, catalogus: Catalogus, klok: Klok
) -> None:
    # Given the rule file: the single person's IIT is indicatief (2024 amount, derived limit)
    voor = iit(diensten, JULI)
    assert (voor.recht, voor.bedrag_eenmalig, voor.indicatief) == (True, "276.00", True)
    # When Utrecht confirms its amounts from 1 July, approved on 15 June
    nummer = goedgekeurd(diensten, bevestiging())
    # Then the version waits for its day, and a peildatum before it keeps the rule file
    assert status(diensten, nummer) is Versiestatus.goedgekeurd
    assert iit(diensten, JULI - timedelta(days=1)) == iit_van(catalogus, JULI - timedelta(days=1))
    # And from 1 July the result is firm, computed with the version's own rule version
    na = iit(diensten, JULI)
    assert (na.recht, na.bedrag_eenmalig, na.indicatief) == (True, "276.00", False)
    assert na.regelversie == beheer.versie(diensten, EERSTE, IIT, nummer).regelversie
    assert na.regelversie != voor.regelversie
    # And on 1 July it is the active version
    klok.moment = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert status(diensten, nummer) is Versiestatus.actief


def iit_van(catalogus: Catalogus, peildatum: date) -> Resultaat:
    (resultaat,) = catalogus.evaluate(alleenstaande(), peildatum, None, [IIT]).resultaten
    return resultaat


def test_an_ingangsdatum_already_past_takes_effect_on_the_day_of_approval(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    nummer = goedgekeurd(diensten, bevestiging(vanaf=date(2026, 1, 1), catalogus=catalogus))

    versie = beheer.versie(diensten, EERSTE, IIT, nummer)
    assert (versie.status, versie.in_werking_vanaf) == (Versiestatus.actief, MOMENT.date())
    # the values date from 1 January, but a peildatum before today keeps what it had
    assert iit(diensten, date(2026, 6, 14)).indicatief is True
    assert iit(diensten, MOMENT.date()).indicatief is False


def test_a_later_version_replaces_the_active_one(
    diensten: Impactstartdiensten, catalogus: Catalogus, klok: Klok
) -> None:
    eerste = goedgekeurd(diensten, bevestiging(vanaf=date(2026, 1, 1), catalogus=catalogus))
    tweede = goedgekeurd(diensten, bevestiging(vanaf=JULI, bedrag="290"), TWEEDE, EERSTE)
    assert (status(diensten, eerste), status(diensten, tweede)) == (
        Versiestatus.actief,
        Versiestatus.goedgekeurd,
    )

    klok.moment = datetime(2026, 7, 2, tzinfo=UTC)

    assert (status(diensten, eerste), status(diensten, tweede)) == (
        Versiestatus.vervangen,
        Versiestatus.actief,
    )
    assert iit(diensten, date(2026, 6, 30)).bedrag_eenmalig == "276.00"
    assert iit(diensten, JULI).bedrag_eenmalig == "290.00"


def test_an_approval_on_a_base_that_changed_since_the_proposal_is_a_conflict(
    diensten: Impactstartdiensten,
) -> None:
    # Given two versions proposed on the rule file, and the first approved
    eerste = beheer.stel_voor(diensten, EERSTE, IIT, bevestiging())
    tweede = beheer.stel_voor(diensten, EERSTE, IIT, bevestiging(bedrag="290"))
    keur(diensten, eerste.versie, EERSTE, TWEEDE)
    beheer.wijzig_status(
        diensten, EERSTE, IIT, tweede.versie, VersiestatusRequest(status="ter-goedkeuring")
    )
    # When the second is approved, it would silently drop the first's values: refused
    with pytest.raises(Conflict):
        beheer.keur(diensten, TWEEDE, IIT, tweede.versie, gezien(diensten, TWEEDE, tweede.versie))
    assert status(diensten, tweede.versie) is Versiestatus.ter_goedkeuring
    assert iit(diensten, JULI).bedrag_eenmalig == "276.00"


def test_an_approval_never_takes_effect_before_an_earlier_approved_version(
    diensten: Impactstartdiensten,
) -> None:
    goedgekeurd(diensten, bevestiging(vanaf=date(2026, 8, 1)))
    later = beheer.stel_voor(diensten, EERSTE, IIT, bevestiging(vanaf=JULI, bedrag="290"))
    beheer.wijzig_status(
        diensten, EERSTE, IIT, later.versie, VersiestatusRequest(status="ter-goedkeuring")
    )
    with pytest.raises(Conflict):
        beheer.keur(diensten, TWEEDE, IIT, later.versie, gezien(diensten, TWEEDE, later.versie))


def test_a_rollback_reactivates_the_previous_values_with_four_eyes(
    diensten: Impactstartdiensten, catalogus: Catalogus, klok: Klok
) -> None:
    # Given a version of € 290 in force since 15 June
    verhoging = goedgekeurd(
        diensten, bevestiging(vanaf=date(2026, 1, 1), bedrag="290", catalogus=catalogus)
    )
    assert iit(diensten, MOMENT.date()).bedrag_eenmalig == "290.00"
    # When bram proposes to roll it back from 1 July
    terug = beheer.draai_terug(
        diensten, TWEEDE, IIT, verhoging,
        TerugdraaiingRequest(ingangsdatum=JULI, toelichting="Het college trok het besluit in."),
    )  # fmt: skip
    assert (terug.status, terug.terugdraaiing_van) == (Versiestatus.concept, verhoging)
    # Then it takes the same four eyes: submitted by bram, never approved by him
    beheer.wijzig_status(
        diensten, TWEEDE, IIT, terug.versie, VersiestatusRequest(status="ter-goedkeuring")
    )
    with pytest.raises(GeenToestemming):
        beheer.keur(diensten, TWEEDE, IIT, terug.versie, gezien(diensten, TWEEDE, terug.versie))
    beheer.keur(diensten, EERSTE, IIT, terug.versie, gezien(diensten, EERSTE, terug.versie))
    # And from 1 July the rule file's values apply again, exactly (the same rule version)
    assert iit(diensten, JULI) == iit_van(catalogus, JULI)
    # And the past keeps the version that was in force
    assert iit(diensten, date(2026, 6, 30)).bedrag_eenmalig == "290.00"
    klok.moment = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert status(diensten, terug.versie) is Versiestatus.actief
    assert status(diensten, verhoging) is Versiestatus.vervangen


def test_only_the_latest_published_version_is_rolled_back(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    eerste = goedgekeurd(diensten, bevestiging(vanaf=date(2026, 1, 1), catalogus=catalogus))
    goedgekeurd(diensten, bevestiging(vanaf=JULI, bedrag="290"))
    concept = beheer.stel_voor(diensten, EERSTE, IIT, bevestiging(vanaf=JULI, bedrag="295"))
    verzoek = TerugdraaiingRequest(ingangsdatum=JULI, toelichting="Terug.")

    for nummer in (eerste, concept.versie):
        with pytest.raises(Conflict):
            beheer.draai_terug(diensten, TWEEDE, IIT, nummer, verzoek)
    with pytest.raises(NietGevonden):
        beheer.draai_terug(diensten, TWEEDE, IIT, 99, verzoek)


def test_a_beheerder_of_another_gemeente_cannot_approve_roll_back_or_read_a_version(
    diensten: Impactstartdiensten, catalogus: Catalogus
) -> None:
    nummer = goedgekeurd(diensten, bevestiging(vanaf=date(2026, 1, 1), catalogus=catalogus))
    verzoek = TerugdraaiingRequest(ingangsdatum=JULI, toelichting="Terug.")
    with pytest.raises(NietGevonden):
        beheer.draai_terug(diensten, AMERSFOORT, IIT, nummer, verzoek)
    with pytest.raises(NietGevonden):
        beheer.keur(diensten, AMERSFOORT, IIT, nummer, ONGEZIEN)
    with pytest.raises(NietGevonden):
        beheer.versie(diensten, AMERSFOORT, IIT, nummer)


def test_a_publication_puts_its_thin_event_in_the_outbox(diensten: Impactstartdiensten) -> None:
    nummer = goedgekeurd(diensten, bevestiging())

    assert isinstance(diensten.regelingversies, FakeRegelingversies)
    (event,) = diensten.regelingversies.outbox
    assert (event.type, event.subject) == (REGELING_GEWIJZIGD, IIT)
    assert event.data == RegelingEventData(
        regeling=IIT,
        gemeentecode="0344",
        versie=nummer,
        ingangsdatum=JULI,
        url=f"https://vil.test/v1/regelingen/{IIT}/versies/{nummer}",
    )
    schema = event_schemas()[REGELING_GEWIJZIGD]
    assert set(schema["required"]) == {"regeling", "gemeentecode", "versie", "ingangsdatum", "url"}
    # and every act is audited under the regeling
    assert isinstance(diensten.audit.records, list)  # type: ignore[attr-defined]
    verwerkingen = [r["verwerking"] for r in diensten.audit.records]  # type: ignore[attr-defined]
    assert verwerkingen == [
        "regelingversie-voorgesteld",
        "regelingversie-ingediend",
        "regelingversie-impact",  # the approver's run of the impact report
        "regelingversie-goedgekeurd",
    ]


def test_another_process_evaluates_with_a_publication_within_60_seconds_by_one_pointer_read(
    diensten: Impactstartdiensten, catalogus: Catalogus, klok: Klok
) -> None:
    # Given a second Lambda environment with its own cache over the same table
    versies = diensten.regelingversies
    assert isinstance(versies, FakeRegelingversies)
    ander = Regelcatalogi(versies, catalogus, klok)
    voor = ander.actueel()
    # When a version is published (in force today) in the beheer environment
    goedgekeurd(diensten, bevestiging(vanaf=date(2026, 1, 1), catalogus=catalogus))
    gelezen = versies.wijzer_gelezen
    # Then the other keeps its catalogue without reading anything for just under a minute
    klok.moment = MOMENT + timedelta(seconds=59)
    assert ander.actueel() is voor
    assert versies.wijzer_gelezen == gelezen
    # And a minute after its last look it reads the pointer once and has the new version
    nieuw = diensten.catalogus.regel(IIT, MOMENT.date()).versie  # the beheer environment's
    klok.moment = MOMENT + timedelta(seconds=60)
    na = ander.actueel()
    assert na is not voor
    assert na.regel(IIT, MOMENT.date()).versie == nieuw != voor.regel(IIT, MOMENT.date()).versie
    assert versies.wijzer_gelezen == gelezen + 1
    # And a pointer that did not move builds nothing again
    klok.moment = MOMENT + timedelta(seconds=125)
    assert ander.actueel() is na
    assert versies.wijzer_gelezen == gelezen + 2


def test_a_beslisverslag_made_before_a_publication_replays_with_its_own_version(
    diensten: Impactstartdiensten,
) -> None:
    # Given a verslag decided on 15 June for a peildatum of 1 July, under the rule file
    voor = iit(diensten, JULI)
    verslag = Beslisverslag(
        aanvraag="a1", regeling=IIT, regelversie=voor.regelversie, peildatum=JULI,
        huishouden=alleenstaande().model_dump(mode="json", by_alias=True), herkomst={},
        resultaat=voor, uitkomst=AanvraagStatus.in_behandeling, door="vil", op=MOMENT,
    )  # fmt: skip
    # When a version for that peildatum is published afterwards
    goedgekeurd(diensten, bevestiging())
    assert iit(diensten, JULI) != voor
    # Then the verslag still replays exactly, with the version it names
    assert herspelen.herspeel(diensten.catalogus, verslag) == voor
    # And a version the catalogue does not hold is said, not guessed
    with pytest.raises(NietGevonden):
        herspelen.herspeel(
            diensten.catalogus, verslag.model_copy(update={"regelversie": "sha256:onbekend"})
        )


def test_the_monthly_check_uses_the_new_version_from_its_ingangsdatum(
    diensten: Impactstartdiensten, catalogus: Catalogus, klok: Klok
) -> None:
    """A granted IIT of € 276 (indicatief, decided by the gemeente) and a version of € 290 from
    1 July: the July check reports the new amount to the resident and a herziening."""
    # Given Anna's monthly check on the catalogue of the beheer fakes, and her IIT granted
    check = replace(maandcheckdiensten(catalogus, prefill()), regels=diensten.regels, nu=klok)
    met_toestemming(check, Doel.maandcheck)
    toegekend = verleen_iit(check, catalogus)
    eerste = maandcheck.controleer(check, PSEUDONIEM)
    assert not any(m.regeling == IIT for m in eerste)  # an indicatief result is not reported
    # When Utrecht publishes € 290, bevestigd, from 1 July, and the check runs in July
    goedgekeurd(diensten, bevestiging(bedrag="290"))
    klok.moment = datetime(2026, 7, 15, 7, 0, tzinfo=UTC)
    check.bronnen.prefill = in_juli(prefill())  # type: ignore[attr-defined]
    meldingen = maandcheck.controleer(check, PSEUDONIEM)
    # Then the resident hears of the new amount, and the gemeente gets a herziening
    (melding,) = [m for m in meldingen if m.regeling == IIT]
    assert melding.soort is MeldingSoort.bedrag_gewijzigd
    ((herzien, verslag, event),) = check.maandchecks.herzien  # type: ignore[attr-defined]
    assert (herzien.id, event.type) == (toegekend.id, "nl.vil.aanvraag.herzien")
    herziening = herzien.herziening
    assert herziening is not None
    assert (herziening.recht, herziening.bedrag_eenmalig) == (True, "290.00")
    # And its verslag names the new version, and replays with it
    assert verslag.regelversie == beheer.versie(diensten, EERSTE, IIT, 1).regelversie
    assert herspelen.herspeel(check.catalogus, verslag) == verslag.resultaat


def in_juli(gegevens: Prefill) -> Prefill:
    """The sources on 15 July: the same facts, with June's income as May's, read that day."""
    huishouden = copy.deepcopy(gegevens.huishouden)
    historie = huishouden["inkomenshistorie"]
    historie.append({**historie[-1], "maand": "2026-06"})
    opgehaald = FeitHerkomst(
        bron="brp", soort=HerkomstSoort.opgehaald, opgehaald_op=datetime(2026, 7, 15, tzinfo=UTC)
    )
    return Prefill(huishouden=huishouden, herkomst={"huishouden": opgehaald})


def verleen_iit(check: Any, catalogus: Catalogus) -> Aanvraag:
    """Anna's IIT, granted by the gemeente on 15 June at the rule file's € 276 (indicatief),
    stored as the aanvraag flow stores it: the aanvraag with its beslisverslag."""
    gegevens = prefill()
    huishouden = copy.deepcopy(gegevens.huishouden)
    (resultaat,) = catalogus.evaluate(
        Huishouden.model_validate(huishouden), MOMENT.date(), gegevens.herkomst, [IIT]
    ).resultaten
    assert (resultaat.recht, resultaat.bedrag_eenmalig) == (True, "276.00")
    aanvraag = Aanvraag(
        id="iit-1", regeling=IIT, naam=resultaat.naam, status=AanvraagStatus.toegekend,
        beoordeling="b1", gemeentecode="0344", ingediend_op=MOMENT, gewijzigd_op=MOMENT,
        bedrag_eenmalig=resultaat.bedrag_eenmalig, toelichting="Toegekend door de gemeente.",
    )  # fmt: skip
    verslag = Beslisverslag(
        aanvraag=aanvraag.id, regeling=IIT, regelversie=resultaat.regelversie,
        peildatum=MOMENT.date(), huishouden=huishouden, herkomst=gegevens.herkomst,
        resultaat=resultaat, uitkomst=AanvraagStatus.toegekend, door="0344", op=MOMENT,
    )  # fmt: skip
    check.aanvragen.opgeslagen[aanvraag.id] = (PSEUDONIEM, aanvraag)
    check.aanvragen.verslagen[aanvraag.id] = [verslag]
    return aanvraag
