"""The prefill over the real httpx clients, against the fake government on 127.0.0.1."""

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import stamina
from stdnum.nl import bsn as elfproef

from vil.adapters.bronnen.overheid import Overheidsbronnen
from vil.models.huishouden import Huishouden
from vil.models.prefill import Prefill
from vil.models.resultaat import HerkomstSoort, Resultaat
from vil.models.toestemming import Bron
from vil.rules import Catalogus
from vil_local.overheid import PERSONEN, Overheid

PEILDATUM = date(2026, 6, 1)
OPGEHAALD = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)  # the domain clock's moment of the prefill
ALLE = set(Bron)
ALLEENSTAANDE = "999993653"
GEZIN = "999996708"
STUDENT = "999996666"
AOW = "999996678"
HOOG_INKOMEN = "999999230"
VERMOGEN = "999995844"
IN_ONDERZOEK = "999990007"
PARTNER_ONVERZEKERD = "999990019"
ONVOLLEDIGE_DATUM = "999990032"
ONBEKEND = "999990044"  # valid, but no source knows it


@pytest.fixture(scope="module")
def overheid() -> Iterator[Overheid]:
    with Overheid() as overheid:
        yield overheid


@pytest.fixture(autouse=True)
def fresh(overheid: Overheid) -> Iterator[None]:
    """Every test starts with all sources up, no faults, and retries without sleeping."""
    overheid.reset()
    with stamina.set_testing(True, attempts=3):
        yield


def prefill(
    overheid: Overheid, bsn: str, bronnen: set[Bron] = ALLE, timeout: float = 3.0
) -> Prefill:
    bronnen_ = Overheidsbronnen.from_settings(overheid.settings(timeout), lambda: OPGEHAALD)
    return bronnen_.vooraf_invullen(bsn, PEILDATUM, bronnen)


def facts(node: dict[str, Any], path: str = "huishouden") -> Iterator[str]:
    """The path of every fact in a household: the leaves, and each child's own facts."""
    for key, value in node.items():
        here = f"{path}.{key}"
        if isinstance(value, dict) and value:
            yield from facts(value, here)
        elif key == "kinderen":
            yield here
            for index, kind in enumerate(value):
                yield from facts(kind, f"{here}[{index}]")
        else:
            yield here


def test_every_test_bsn_passes_the_elfproef() -> None:
    bsns = {*PERSONEN, ONBEKEND}
    for persoon in PERSONEN.values():
        bsns |= {*persoon.kinderen, *persoon.kinderbijslag, *filter(None, [persoon.partner])}
    assert all(b.startswith("9999") and elfproef.is_valid(b) for b in bsns)


@pytest.mark.parametrize("bsn", sorted(PERSONEN))
def test_a_full_prefill_is_a_household_with_provenance_per_fact(
    overheid: Overheid, bsn: str
) -> None:
    result = prefill(overheid, bsn)

    Huishouden.model_validate(result.huishouden)
    assert result.ontbrekend == {}
    assert set(facts(result.huishouden)) <= set(result.herkomst)
    for herkomst in result.herkomst.values():
        assert herkomst.bron in {b.value for b in Bron}
        assert herkomst.soort is HerkomstSoort.opgehaald
        assert herkomst.opgehaald_op == OPGEHAALD  # from the domain clock, in UTC


def test_the_family_gets_partner_children_and_kinderbijslag(overheid: Overheid) -> None:
    huishouden = prefill(overheid, GEZIN).huishouden

    assert huishouden["gemeentecode"] == "0307"
    assert huishouden["partner"]["geboortedatum"] == "1988-01-20"
    assert [k["geboortedatum"] for k in huishouden["kinderen"]] == ["2018-04-11", "2012-11-30"]
    assert all(k["kinderbijslag"] for k in huishouden["kinderen"])
    assert huishouden["nettoInkomenPerMaand"] == "2150.00"
    maanden = [m["maand"] for m in huishouden["inkomenshistorie"]]
    assert (len(maanden), maanden[0], maanden[-1]) == (36, "2023-06", "2026-05")


def test_facts_no_source_supplies_are_absent(overheid: Overheid) -> None:
    huishouden = prefill(overheid, ALLEENSTAANDE).huishouden

    assert not {"woning", "gemeentelijkeBelastingen", "partner"} & set(huishouden)
    assert not {"student", "geenUitzichtOpInkomensverbetering"} & set(huishouden["aanvrager"])


def test_only_consented_sources_are_called(overheid: Overheid) -> None:
    result = prefill(overheid, GEZIN, {Bron.brp, Bron.uwv})

    assert set(overheid.calls) == {Bron.brp, Bron.uwv}
    assert result.ontbrekend == {
        Bron.belastingdienst: "geen toestemming",
        Bron.svb: "geen toestemming",
    }
    assert "toetsingsinkomen" not in result.huishouden["aanvrager"]
    assert "kinderbijslag" not in result.huishouden["kinderen"][0]
    Huishouden.model_validate(result.huishouden)


def test_without_consent_nothing_is_called(overheid: Overheid) -> None:
    result = prefill(overheid, GEZIN, set())

    assert not overheid.calls
    assert result.huishouden == {"aanvrager": {}}
    assert set(result.ontbrekend) == ALLE


def test_the_svb_is_not_asked_about_a_household_without_children(overheid: Overheid) -> None:
    result = prefill(overheid, ALLEENSTAANDE)

    assert Bron.svb not in overheid.calls
    assert result.ontbrekend == {}


def test_a_slow_source_times_out_and_the_rest_stands(overheid: Overheid) -> None:
    overheid.slow(Bron.uwv, 2.0)

    result = prefill(overheid, ALLEENSTAANDE, timeout=0.3)

    assert result.ontbrekend == {Bron.uwv: "niet op tijd"}
    assert overheid.calls[Bron.uwv] == 1  # a read timeout is not retried
    assert not {"inkomenshistorie", "nettoInkomenPerMaand"} & set(result.huishouden)
    assert "huishouden.inkomenshistorie" not in result.herkomst
    assert result.huishouden["aanvrager"]["vermogen"] == "1200.00"
    Huishouden.model_validate(result.huishouden)


def test_a_source_that_is_down_leaves_its_facts_missing(overheid: Overheid) -> None:
    overheid.down(Bron.belastingdienst)

    result = prefill(overheid, GEZIN)

    assert result.ontbrekend == {Bron.belastingdienst: "niet bereikbaar"}
    for persoon in (result.huishouden["aanvrager"], result.huishouden["partner"]):
        assert not {"toetsingsinkomen", "vermogen", "zorgverzekerd"} & set(persoon)
    assert result.huishouden["kinderen"][0]["kinderbijslag"] is True
    Huishouden.model_validate(result.huishouden)


def test_without_the_brp_only_the_aanvrager_is_asked_about(overheid: Overheid) -> None:
    overheid.down(Bron.brp)

    result = prefill(overheid, GEZIN)

    assert result.ontbrekend == {Bron.brp: "niet bereikbaar"}
    assert overheid.calls[Bron.belastingdienst] == 1
    assert Bron.svb not in overheid.calls
    assert result.huishouden["nettoInkomenPerMaand"] == "1700.00"
    assert "partner" not in result.huishouden
    Huishouden.model_validate(result.huishouden)


def test_an_unknown_person_is_missing_at_every_source(overheid: Overheid) -> None:
    result = prefill(overheid, ONBEKEND)

    onbekend = "persoon onbekend"
    assert result.ontbrekend == dict.fromkeys([Bron.brp, Bron.belastingdienst, Bron.uwv], onbekend)
    assert result.huishouden == {"aanvrager": {}}


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_source_is_asked_again(overheid: Overheid, status: int) -> None:
    overheid.fail(Bron.brp, status, times=2, retry_after=1)

    result = prefill(overheid, ALLEENSTAANDE)

    assert overheid.calls[Bron.brp] == 3
    assert result.ontbrekend == {}
    assert result.huishouden["gemeentecode"] == "0344"


def test_retry_after_is_waited_for(overheid: Overheid) -> None:
    overheid.fail(Bron.uwv, 503, times=1, retry_after=1)

    with stamina.set_testing(False):
        start = time.monotonic()
        result = prefill(overheid, ALLEENSTAANDE)
        waited = time.monotonic() - start

    assert waited >= 1.0
    assert overheid.calls[Bron.uwv] == 2
    assert result.ontbrekend == {}


def test_a_source_still_busy_after_three_attempts_is_missing(overheid: Overheid) -> None:
    overheid.fail(Bron.brp, 503, times=5)

    result = prefill(overheid, ALLEENSTAANDE)

    assert overheid.calls[Bron.brp] == 3
    assert result.ontbrekend == {Bron.brp: "niet bereikbaar"}


def test_a_500_is_not_retried(overheid: Overheid) -> None:
    overheid.fail(Bron.uwv, 500, times=1)

    result = prefill(overheid, ALLEENSTAANDE)

    assert overheid.calls[Bron.uwv] == 1
    assert result.ontbrekend == {Bron.uwv: "niet bereikbaar"}


def test_in_onderzoek_surfaces_in_the_provenance(overheid: Overheid) -> None:
    herkomst = prefill(overheid, IN_ONDERZOEK).herkomst

    in_onderzoek = {pad for pad, h in herkomst.items() if h.in_onderzoek}
    assert in_onderzoek == {"huishouden.gemeentecode", "huishouden.aanvrager.geboortedatum"}


def test_a_childs_birth_date_in_onderzoek_marks_the_children(overheid: Overheid) -> None:
    overheid.set_fact("999996654", "inOnderzoek", ["geboortedatum"])

    herkomst = prefill(overheid, GEZIN).herkomst

    assert herkomst["huishouden.kinderen[1].geboortedatum"].in_onderzoek
    assert herkomst["huishouden.kinderen"].in_onderzoek
    assert not herkomst["huishouden.kinderen[0].geboortedatum"].in_onderzoek


@pytest.mark.parametrize("geboortedatum", ["1969-05", "1969", None])
def test_an_incomplete_birth_date_leaves_geboortedatum_missing(
    overheid: Overheid, geboortedatum: str | None
) -> None:
    overheid.set_fact(ONVOLLEDIGE_DATUM, "geboortedatum", geboortedatum)

    result = prefill(overheid, ONVOLLEDIGE_DATUM)

    assert "geboortedatum" not in result.huishouden["aanvrager"]
    assert "huishouden.aanvrager.geboortedatum" not in result.herkomst
    assert result.ontbrekend == {}


def test_no_bsn_in_any_log_line(
    overheid: Overheid, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    overheid.fail(Bron.brp, 503, times=1)
    overheid.fail(Bron.belastingdienst, 500)
    overheid.down(Bron.svb)

    prefill(overheid, GEZIN)

    captured = capsys.readouterr()
    logged = captured.out + captured.err + "".join(str(r.__dict__) for r in caplog.records)
    assert "Bron zonder antwoord" in logged
    assert caplog.records  # stamina logged its retry
    for bsn in (GEZIN, *PERSONEN[GEZIN].kinderen, PERSONEN[GEZIN].partner):
        assert bsn not in logged


def test_a_fact_can_be_changed_over_http(overheid: Overheid) -> None:
    url = f"{overheid.url(Bron.uwv)}/_local/personen/{ALLEENSTAANDE}"

    antwoord = httpx.post(url, json={"pad": "vermogen", "waarde": "9000"})

    assert antwoord.status_code == 200
    assert prefill(overheid, ALLEENSTAANDE).huishouden["aanvrager"]["vermogen"] == "9000.00"
    assert httpx.post(url, json={"pad": "schoenmaat", "waarde": 44}).status_code == 400
    assert httpx.post(url, json={"pad": "vermogen", "waarde": "veel"}).status_code == 400
    onbekend = f"{overheid.url(Bron.uwv)}/_local/personen/{ONBEKEND}"
    assert httpx.post(onbekend, json={"pad": "vermogen", "waarde": 1}).status_code == 404


def test_the_fake_brp_answers_only_the_asked_fields(overheid: Overheid) -> None:
    url = f"{overheid.url(Bron.brp)}/personen"
    vraag = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [IN_ONDERZOEK]}

    antwoord = httpx.post(url, json={**vraag, "fields": ["geboorte.datum"]})
    fout = httpx.post(url, json={**vraag, "fields": ["naam.voornamen"]})

    (persoon,) = antwoord.json()["personen"]
    assert persoon == {
        "geboorte": {
            "datum": {"type": "Datum", "datum": "1990-07-15", "langFormaat": "15 juli 1990"},
            "inOnderzoek": persoon["geboorte"]["inOnderzoek"],
        }
    }
    assert fout.status_code == 400
    assert fout.headers["Content-Type"] == "application/problem+json"


# The resident completes what no source supplies; a situation holds once they have.
CORRECTIES: dict[str, Any] = {
    "aanvrager": {
        "student": False,
        "studentAfgelopenDrieJaar": False,
        "geenUitzichtOpInkomensverbetering": True,
    },
    "woning": {
        "huurwoning": True,
        "zelfstandig": True,
        "kaleHuur": "640",
        "nettoWoonlasten": "380",
    },
    "gemeentelijkeBelastingen": "400",
}


def corrected(huishouden: dict[str, Any], correcties: dict[str, Any]) -> dict[str, Any]:
    merged = dict(huishouden)
    for key, value in correcties.items():
        merged[key] = corrected(merged.get(key, {}), value) if isinstance(value, dict) else value
    return merged


def evaluate(
    overheid: Overheid, catalogus: Catalogus, bsn: str, correcties: dict[str, Any] | None = None
) -> dict[str, Resultaat]:
    result = prefill(overheid, bsn)
    huishouden = Huishouden.model_validate(
        corrected(result.huishouden, corrected(CORRECTIES, correcties or {}))
    )
    evaluatie = catalogus.evaluate(huishouden, PEILDATUM, result.herkomst)
    return {r.regeling: r for r in evaluatie.resultaten}


@pytest.mark.parametrize(
    ("bsn", "correcties", "regeling", "recht"),
    [
        (ALLEENSTAANDE, None, "individuele-inkomenstoeslag-utrecht", True),
        (GEZIN, None, "bijdrage-sport-en-cultuur-amersfoort", True),
        (STUDENT, {"aanvrager": {"student": True}}, "individuele-inkomenstoeslag-utrecht", False),
        (STUDENT, {"aanvrager": {"student": True}}, "zorgtoeslag", True),
        (AOW, None, "individuele-inkomenstoeslag-utrecht", False),
        (HOOG_INKOMEN, None, "zorgtoeslag", False),
        (HOOG_INKOMEN, None, "bijdrage-sport-en-cultuur-amersfoort", False),
        (VERMOGEN, None, "zorgtoeslag", False),
        (VERMOGEN, None, "individuele-inkomenstoeslag-utrecht", False),
        (PARTNER_ONVERZEKERD, None, "zorgtoeslag", True),
    ],
)
def test_each_test_person_is_the_situation_it_describes(
    overheid: Overheid,
    catalogus: Catalogus,
    bsn: str,
    correcties: dict[str, Any] | None,
    regeling: str,
    recht: bool,
) -> None:
    assert evaluate(overheid, catalogus, bsn, correcties)[regeling].recht is recht


def test_the_vermogen_is_what_fails(overheid: Overheid, catalogus: Catalogus) -> None:
    resultaten = evaluate(overheid, catalogus, VERMOGEN)

    for regeling in ("zorgtoeslag", "individuele-inkomenstoeslag-utrecht"):
        failed = {v.naam for v in resultaten[regeling].voorwaarden if v.voldaan is False}
        assert failed == {"vermogen"}


def test_an_uninsured_partner_halves_the_zorgtoeslag(
    overheid: Overheid, catalogus: Catalogus
) -> None:
    half = evaluate(overheid, catalogus, PARTNER_ONVERZEKERD)["zorgtoeslag"]
    overheid.set_fact("999990020", "zorgverzekerd", True)
    vol = evaluate(overheid, catalogus, PARTNER_ONVERZEKERD)["zorgtoeslag"]

    assert half.bedrag_per_jaar is not None
    assert vol.bedrag_per_jaar is not None
    # Halved before the Awir rounding to whole euros: at most a euro or two apart.
    assert abs(2 * Decimal(half.bedrag_per_jaar) - Decimal(vol.bedrag_per_jaar)) <= 2


def test_facts_in_onderzoek_make_the_outcome_indicatief(
    overheid: Overheid, catalogus: Catalogus
) -> None:
    zorgtoeslag = evaluate(overheid, catalogus, IN_ONDERZOEK)["zorgtoeslag"]

    assert zorgtoeslag.recht is True
    assert zorgtoeslag.indicatief
    assert any("in onderzoek" in reden for reden in zorgtoeslag.indicatief_redenen)


def test_a_missing_birth_date_is_asked_for(overheid: Overheid, catalogus: Catalogus) -> None:
    zorgtoeslag = evaluate(overheid, catalogus, ONVOLLEDIGE_DATUM)["zorgtoeslag"]

    assert zorgtoeslag.recht is None
    assert "huishouden.aanvrager.geboortedatum" in zorgtoeslag.ontbrekende_gegevens
