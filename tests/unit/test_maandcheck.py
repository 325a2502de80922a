"""The monthly check and the consent it runs on, over in-memory fakes: when it reads nothing,
what it compares with, what it reports, and that a month is checked once. The same flows run
against the local stack in tests/integration/test_maandcheck.py."""

import copy
import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest

from tests.conftest import ROOT
from tests.fakes import (
    MOMENT,
    FakeAuditlog,
    FakeBeoordelingen,
    FakeBronnen,
    FakeToestemmingen,
    klok,
    maandcheckdiensten,
    toestemmingdiensten,
)
from vil.fouten import GeenToestemming, OngeldigVerzoek
from vil.models.aanvraag import Beoordeling
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal, Principalsoort
from vil.models.maandcheck import MeldingSoort
from vil.models.prefill import Prefill
from vil.models.resultaat import FeitHerkomst, HerkomstSoort
from vil.models.toestemming import Bron, Doel
from vil.rules import Catalogus
from vil.services import maandcheck, toestemmingen
from vil.services.diensten import Maandcheckdiensten

PSEUDONIEM = "v1.anna"
ANNA = Principal(
    soort=Principalsoort.burger, pseudoniem=PSEUDONIEM, bsn_versleuteld="versleuteld:999993653"
)
VOORBEELD = json.loads(
    (ROOT / "docs/voorbeelden/1-alleenstaande-utrecht.json").read_text(encoding="utf-8")
)
MAX_ZORGTOESLAG_ALLEENSTAANDE_2026 = 40_857  # Dienst Toeslagen, 'Zorgtoeslag 2026'


def prefill(toetsingsinkomen: int = 17_500) -> Prefill:
    """The example resident of Utrecht as the sources tell it on MOMENT, every fact fresh."""
    huishouden = copy.deepcopy(VOORBEELD["huishouden"])
    huishouden["aanvrager"]["toetsingsinkomen"] = toetsingsinkomen
    opgehaald = FeitHerkomst(bron="brp", soort=HerkomstSoort.opgehaald, opgehaald_op=MOMENT)
    return Prefill(huishouden=huishouden, herkomst={"huishouden": opgehaald})


def met_toestemming(diensten: Maandcheckdiensten, *doelen: Doel) -> None:
    """Anna consents to every source for `doelen`, through the consent service itself, on the
    stores the monthly check reads."""
    gedeeld = ("toestemmingen", "profielen", "brongegevens", "planner", "audit", "nu")
    wijziging = replace(toestemmingdiensten(), **{n: getattr(diensten, n) for n in gedeeld})
    for bron in Bron:
        toestemmingen.wijzig(wijziging, ANNA, bron, list(doelen), None)


def bronnen(diensten: Maandcheckdiensten) -> FakeBronnen:
    return cast(FakeBronnen, diensten.bronnen)


def firm_rights(catalogus: Catalogus, gegevens: Prefill) -> set[str]:
    """The regelingen the catalogue itself gives a firm right for these facts today."""
    evaluatie = catalogus.evaluate(
        Huishouden.model_validate(gegevens.huishouden), MOMENT.date(), gegevens.herkomst
    )
    return {r.regeling for r in evaluatie.resultaten if r.recht is True and not r.indicatief}


def test_without_consent_for_the_monthly_check_nothing_is_read_and_the_schedule_goes(
    catalogus: Catalogus,
) -> None:
    # Given Anna consented for applying only, and a schedule left from before
    diensten = maandcheckdiensten(catalogus, prefill())
    met_toestemming(diensten, Doel.aanvragen)
    diensten.planner.zet(PSEUDONIEM)
    # When her schedule fires
    meldingen = maandcheck.controleer(diensten, PSEUDONIEM)
    # Then no source is asked, nothing is reported, and the schedule is deleted
    assert meldingen == []
    assert bronnen(diensten).gevraagd == []
    assert not diensten.planner.bestaat(PSEUDONIEM)
    assert diensten.maandchecks.stand(PSEUDONIEM) is None


def test_on_request_without_consent_is_refused(catalogus: Catalogus) -> None:
    diensten = maandcheckdiensten(catalogus, prefill())
    with pytest.raises(GeenToestemming):
        maandcheck.op_verzoek(diensten, ANNA)
    assert bronnen(diensten).gevraagd == []


def test_consent_for_the_monthly_check_keeps_the_bsn_and_one_schedule_until_revoked(
    catalogus: Catalogus,
) -> None:
    diensten = maandcheckdiensten(catalogus, prefill())
    met_toestemming(diensten, Doel.aanvragen, Doel.maandcheck)
    assert diensten.planner.bestaat(PSEUDONIEM)
    assert diensten.profielen.bsn_versleuteld(PSEUDONIEM) == ANNA.bsn_versleuteld
    # When Anna revokes every source
    met_toestemming(diensten)
    # Then the schedule and the kept BSN are gone, and what the check kept is forgotten
    assert not diensten.planner.bestaat(PSEUDONIEM)
    assert diensten.profielen.bsn_versleuteld(PSEUDONIEM) is None
    assert (PSEUDONIEM, True, True) in cast(FakeToestemmingen, diensten.toestemmingen).vergeten


def test_consent_to_an_older_text_is_refused(catalogus: Catalogus) -> None:
    diensten = toestemmingdiensten()
    with pytest.raises(OngeldigVerzoek):
        toestemmingen.wijzig(diensten, ANNA, Bron.brp, [Doel.aanvragen], "2020-01")
    assert diensten.toestemmingen.huidige(PSEUDONIEM) == {}


def test_the_first_check_reports_each_firm_right_and_a_second_finds_nothing_new(
    catalogus: Catalogus,
) -> None:
    # Given Anna consented for the monthly check, with no beoordeling before
    gegevens = prefill()
    diensten = maandcheckdiensten(catalogus, gegevens)
    met_toestemming(diensten, Doel.maandcheck)
    # When the check runs
    eerste = maandcheck.controleer(diensten, PSEUDONIEM)
    # Then each regeling the catalogue firmly grants is a new right
    nieuw = {m.regeling for m in eerste if m.soort is MeldingSoort.nieuw_recht}
    assert nieuw == firm_rights(catalogus, gegevens)
    assert "zorgtoeslag" in nieuw
    # And the sources were asked with the decrypted BSN, only those consented, on today
    assert bronnen(diensten).gevraagd == [("999993653", MOMENT.date(), frozenset(Bron))]
    # And the reads are audited under the pseudonym, as the system, never with the BSN
    records = cast(FakeAuditlog, diensten.audit).records
    (record,) = [r for r in records if not r["verwerking"].startswith("toestemming-")]
    assert (record["pseudoniem"], record["verwerking"]) == (PSEUDONIEM, "maandcheck")
    assert "999993653" not in json.dumps(record, default=str)
    # When it runs again on the same facts
    assert maandcheck.controleer(diensten, PSEUDONIEM) == []
    stand = diensten.maandchecks.stand(PSEUDONIEM)
    assert stand is not None
    assert stand.versie == 2


def test_a_higher_income_ends_the_zorgtoeslag(catalogus: Catalogus) -> None:
    # Given a first check that found the zorgtoeslag
    diensten = maandcheckdiensten(catalogus, prefill())
    met_toestemming(diensten, Doel.maandcheck)
    maandcheck.controleer(diensten, PSEUDONIEM)
    # When the sources tell an income a euro above the 2026 limit for a single person
    bronnen(diensten).prefill = prefill(MAX_ZORGTOESLAG_ALLEENSTAANDE_2026 + 1)
    meldingen = maandcheck.controleer(diensten, PSEUDONIEM)
    # Then the zorgtoeslag is reported as ended, and nothing is reported as new
    soorten = {(m.soort, m.regeling) for m in meldingen}
    assert (MeldingSoort.recht_vervallen, "zorgtoeslag") in soorten
    assert not any(soort is MeldingSoort.nieuw_recht for soort, _ in soorten)


def test_a_month_is_checked_once_however_often_the_schedule_fires(catalogus: Catalogus) -> None:
    diensten = maandcheckdiensten(catalogus, prefill())
    met_toestemming(diensten, Doel.maandcheck)
    eerste = maandcheck.maandelijks(diensten, PSEUDONIEM)
    # A second firing in the same month, even with other facts, answers the first one's meldingen
    bronnen(diensten).prefill = prefill(MAX_ZORGTOESLAG_ALLEENSTAANDE_2026 + 1)
    assert maandcheck.maandelijks(diensten, PSEUDONIEM) == eerste
    assert len(bronnen(diensten).gevraagd) == 1
    # The next month is checked again
    juli = replace(diensten, nu=klok(datetime(2026, 7, 15, 7, 0, tzinfo=UTC)))
    assert juli.vandaag() == date(2026, 7, 15)
    maandcheck.maandelijks(juli, PSEUDONIEM)
    assert len(bronnen(diensten).gevraagd) == 2


def met_inkomen(eerder: int, laatste_drie: int) -> Prefill:
    """The example resident renting € 1.000 + € 40 service costs with a toetsingsinkomen of
    € 40.000 for the year, and a net income of `eerder` a month until three months ago."""
    gegevens = prefill(40_000)
    huishouden = copy.deepcopy(gegevens.huishouden)
    huishouden["woning"] = {"huurwoning": True, "zelfstandig": True, "kaleHuur": 1000,
                            "servicekosten": 40}  # fmt: skip
    maanden = [f"{jaar}-{maand:02d}" for jaar, maand in [(2025, m) for m in range(6, 13)]]
    maanden += [f"2026-{maand:02d}" for maand in range(1, 6)]
    huishouden["inkomenshistorie"] = [
        {"maand": maand, "nettoInkomen": laatste_drie if index >= 9 else eerder}
        for index, maand in enumerate(maanden)
    ]
    return Prefill(huishouden=huishouden, herkomst=gegevens.herkomst)


def test_an_income_drop_that_makes_the_woonkostentoeslag_plausible_is_a_nieuw_recht(
    catalogus: Catalogus,
) -> None:
    # Given a first check of a tenant in Utrecht whose income is steady: no woonkostentoeslag
    diensten = maandcheckdiensten(catalogus, met_inkomen(2600, 2600))
    met_toestemming(diensten, Doel.maandcheck)
    eerste = maandcheck.controleer(diensten, PSEUDONIEM)
    assert "woonkostentoeslag-utrecht" not in {m.regeling for m in eerste}
    # When UWV tells a drop to € 1.300 a month in the last three months
    bronnen(diensten).prefill = met_inkomen(2600, 1300)
    meldingen = maandcheck.controleer(diensten, PSEUDONIEM)
    # Then, although the amount is indicatief (the gemeente decides), she reads that she may
    # have a right to it, with the huurtoeslag she misses: 523 − 150 = € 373 a month (the
    # rule file's first test case, worked out by hand there)
    (melding,) = [m for m in meldingen if m.regeling == "woonkostentoeslag-utrecht"]
    assert melding.soort is MeldingSoort.nieuw_recht
    assert "mogelijk recht op Woonkostentoeslag (gemeente Utrecht)" in melding.tekst
    assert "€ 373,00 per maand" in melding.tekst
    assert "De gemeente beslist" in melding.tekst
    # And a check on the same facts does not report it again
    assert maandcheck.controleer(diensten, PSEUDONIEM) == []


class AlleenDeLaatste(FakeBeoordelingen):
    """Beoordelingen whose full list the monthly check must not read (it grows without bound)."""

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]:
        raise AssertionError("the monthly check read all of the resident's beoordelingen")


def beoordeling(catalogus: Catalogus, gemaakt: datetime, resultaten: bool) -> Beoordeling:
    """The example resident's beoordeling made at `gemaakt`, with the catalogue's outcomes for
    the facts of `prefill()` or with none."""
    gegevens = prefill()
    evaluatie = catalogus.evaluate(
        Huishouden.model_validate(gegevens.huishouden), MOMENT.date(), gegevens.herkomst
    )
    return Beoordeling(
        id=uuid.uuid4().hex, peildatum=gemaakt.date(), huishouden=gegevens.huishouden,
        herkomst=gegevens.herkomst, ontbrekende_bronnen={}, regelset_versie="test",
        resultaten=evaluatie.resultaten if resultaten else [], aangemaakt_op=gemaakt,
    )  # fmt: skip


@pytest.mark.parametrize("nieuwste_kende_ze", [True, False])
def test_the_first_check_compares_with_the_newest_beoordeling_without_reading_them_all(
    catalogus: Catalogus, nieuwste_kende_ze: bool
) -> None:
    # Given two beoordelingen, the newest stored first: one that told Anna her firm rights and
    # one without outcomes
    gegevens = prefill()
    diensten = replace(maandcheckdiensten(catalogus, gegevens), beoordelingen=AlleenDeLaatste())
    met_toestemming(diensten, Doel.maandcheck)
    nieuwste = beoordeling(catalogus, MOMENT - timedelta(days=1), nieuwste_kende_ze)
    oudste = beoordeling(catalogus, MOMENT - timedelta(days=60), not nieuwste_kende_ze)
    for b in (nieuwste, oudste):
        diensten.beoordelingen.bewaar_beoordeling(PSEUDONIEM, b, {})
    # When the first check runs
    meldingen = maandcheck.controleer(diensten, PSEUDONIEM)
    # Then what is new is measured against the newest: nothing if it told her, all otherwise
    nieuw = {m.regeling for m in meldingen if m.soort is MeldingSoort.nieuw_recht}
    assert nieuw == (set() if nieuwste_kende_ze else firm_rights(catalogus, gegevens))
    assert "zorgtoeslag" in firm_rights(catalogus, gegevens)
