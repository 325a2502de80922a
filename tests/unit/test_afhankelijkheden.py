"""A regeling that reads another regeling's outcome for the same household (`afhankelijkVan`)."""

import copy
import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.proefregeling import SHARED, VALID
from vil.models.huishouden import Huishouden
from vil.rules import Catalogus, regel, snel
from vil.rules.laden import RegelFout

PEILDATUM = date(2026, 3, 1)


def afgeleid(**wijzigingen: Any) -> dict[str, Any]:
    """A regeling that pays half of the proef regeling's amount to whoever has a right to it."""
    document = copy.deepcopy(VALID)
    document.update(
        id="afgeleid",
        afhankelijkVan=["proef"],
        parameters={},
        invoer={
            "uitkomst.proef.recht": {"type": "ja-nee", "bron": "regeling proef"},
            "uitkomst.proef.bedragPerJaar": {"type": "bedrag", "bron": "regeling proef"},
            "uitkomst.proef.berekening.ruimte": {"type": "bedrag", "bron": "regeling proef"},
        },
        berekening=[
            {"naam": "helft", "type": "bedrag", "expressie": "uitkomst.proef.bedragPerJaar / 2",
             "omschrijving": "De helft", "grondslag": "art. 1"},
        ],
        voorwaarden=[
            {"naam": "proef",
             "expressie": "uitkomst.proef.recht and uitkomst.proef.berekening.ruimte > 0",
             "grondslag": "art. 1", "uitleg": {"voldaan": "Ja.", "nietVoldaan": "Nee."}},
        ],
        uitkomst={"betaling": "periodiek", "bedragPerJaar": "helft", "afronding": "centen",
                  "grondslag": "art. 1", "uitlegGeenBedrag": "Niets."},
        tests=[],
    )  # fmt: skip
    document.update(wijzigingen)
    return document


def met_invoer(path: str, soort: str) -> dict[str, Any]:
    """The dependent regeling's inputs and one more, which no expression reads."""
    return {**afgeleid()["invoer"], path: {"type": soort, "bron": "regeling proef"}}


def catalogus(document: dict[str, Any]) -> Catalogus:
    return Catalogus.from_data(
        SHARED, [("rules/proef.yaml", VALID), ("rules/afgeleid.yaml", document)]
    )


def test_a_regeling_reads_the_outcome_and_a_step_of_the_regeling_it_depends_on() -> None:
    # Given the proef regeling (a tenth of the room under 20000 a year) and one that pays half of it
    rules = catalogus(afgeleid())
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    # When only the dependent one is asked for
    (result,) = rules.evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"]).resultaten
    # Then the other was evaluated for the same household: (20000 − 10000) / 10 = 1000, half 500
    assert (result.recht, result.bedrag_per_jaar) == (True, "500.00")
    assert [(d.regeling, d.bedrag_per_jaar) for d in rules.decide(huishouden, PEILDATUM)] == [
        ("proef", "1000.00"),
        ("afgeleid", "500.00"),
    ]


def test_the_rule_set_version_names_the_regeling_read_too() -> None:
    # Given the proef regeling with another value of its grens
    anders = copy.deepcopy(VALID)
    anders["parameters"]["grens"]["waarden"][0]["waarde"] = 30000
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    eerst = catalogus(afgeleid()).evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"])
    daarna = Catalogus.from_data(
        SHARED, [("rules/proef.yaml", anders), ("rules/afgeleid.yaml", afgeleid())]
    ).evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"])
    # Then an outcome of afgeleid alone rests on another rule set, as its amount shows
    assert (eerst.resultaten[0].bedrag_per_jaar, daarna.resultaten[0].bedrag_per_jaar) == (
        "500.00",
        "1000.00",
    )
    assert eerst.regelset_versie != daarna.regelset_versie


def test_a_voorwaarde_of_the_other_regeling_reads_as_ja_nee() -> None:
    # Given a regeling that pays 1 to whoever fails the proef regeling's income voorwaarde
    document = afgeleid(
        invoer={"uitkomst.proef.voorwaarden.inkomen": {"type": "ja-nee", "bron": "proef"}}
    )
    document["berekening"][0]["expressie"] = "1"
    document["voorwaarden"][0]["expressie"] = "not uitkomst.proef.voorwaarden.inkomen"
    rules = catalogus(document)
    rijk = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 25000}})
    arm = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    # Then 25000 above the grens of 20000 fails it there and meets it here, and 10000 not
    uitkomsten = [
        rules.evaluate(h, PEILDATUM, regelingen=["afgeleid"]).resultaten[0].recht
        for h in (rijk, arm)
    ]
    assert uitkomsten == [True, False]


def test_the_outcome_is_evaluated_once_per_household() -> None:
    rules = catalogus(afgeleid())
    feiten = rules.feiten(
        Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}}), PEILDATUM
    )
    assert feiten.uitkomst("proef") is feiten.uitkomst("proef")


def test_what_the_other_regeling_misses_is_what_this_one_misses() -> None:
    rules = catalogus(afgeleid())
    huishouden = Huishouden.model_validate({"aanvrager": {}})
    (result,) = rules.evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"]).resultaten
    assert result.recht is None
    assert result.ontbrekende_gegevens == ["huishouden.aanvrager.toetsingsinkomen"]


def test_a_changed_parameter_affects_the_regelingen_that_read_an_outcome_it_changes() -> None:
    rules = catalogus(afgeleid())
    assert rules.affected_by("grens", PEILDATUM) == ["proef", "afgeleid"]


@pytest.mark.parametrize(
    ("wijziging", "melding"),
    [
        (
            {"afhankelijkVan": ["proef", "onbekend"]},
            "afhankelijkVan: onbekende regeling 'onbekend'",
        ),
        ({"afhankelijkVan": []}, "invoer 'uitkomst.proef.recht': noem 'proef' in afhankelijkVan"),
        (
            {"invoer": met_invoer("uitkomst.proef.berekening.niets", "bedrag")},
            "invoer 'uitkomst.proef.berekening.niets': 'proef' heeft geen stap 'niets'",
        ),
        (
            {"invoer": met_invoer("uitkomst.proef.indicatief", "bedrag")},
            "invoer 'uitkomst.proef.indicatief': verkeerd type: het is ja-nee, niet bedrag",
        ),
        (
            {"invoer": met_invoer("uitkomst.proef.voorwaarden.niets", "ja-nee")},
            "invoer 'uitkomst.proef.voorwaarden.niets': 'proef' heeft geen voorwaarde 'niets'",
        ),
        (
            {"invoer": met_invoer("uitkomst.proef.voorwaarden.inkomen", "bedrag")},
            "'uitkomst.proef.voorwaarden.inkomen': verkeerd type: het is ja-nee, niet bedrag",
        ),
        (
            {"invoer": met_invoer("uitkomst.proef.bedrag", "bedrag")},
            "invoer 'uitkomst.proef.bedrag': onbekend veld 'bedrag'",
        ),
    ],
)
def test_the_catalogue_refuses_a_dependency_it_cannot_give(
    wijziging: dict[str, Any], melding: str
) -> None:
    with pytest.raises(RegelFout) as fout:
        catalogus(afgeleid(**wijziging))
    assert any(melding in problem for problem in fout.value.problems), fout.value.problems


def test_a_regeling_may_not_depend_on_one_that_depends_on_another() -> None:
    # One level only: no cycle, and every outcome is evaluated once
    tweede = afgeleid(id="tweede", afhankelijkVan=["afgeleid"], invoer={})
    tweede["berekening"][0]["expressie"] = "1"
    tweede["voorwaarden"][0]["expressie"] = "true"
    with pytest.raises(RegelFout) as fout:
        Catalogus.from_data(
            SHARED,
            [
                ("rules/proef.yaml", VALID),
                ("rules/afgeleid.yaml", afgeleid()),
                ("rules/t.yaml", tweede),
            ],
        )
    assert fout.value.problems == [
        "tweede: afhankelijkVan: 'afgeleid' hangt zelf van een regeling af"
    ]


def onbevestigd() -> dict[str, Any]:
    """The proef regeling with its grens not yet published: each outcome that uses it is
    indicatief, for that reason."""
    document = copy.deepcopy(VALID)
    document["parameters"]["grens"]["waarden"][0].update(
        status="onbevestigd", reden="nog niet gepubliceerd"
    )
    return document


def test_an_indicatief_outcome_carries_over_with_its_reason_into_the_regeling_that_reads_it() -> (
    None
):
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    # Given the proef regeling with a firm grens, the dependent's outcome is firm
    (vast,) = (
        catalogus(afgeleid()).evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"]).resultaten
    )
    assert (vast.bedrag_per_jaar, vast.indicatief) == ("500.00", False)
    # When the grens is unconfirmed, the proef outcome is indicatief, and so is the dependent's,
    # for the proef regeling's reason; in the decision alone (no explanation) too
    regels = Catalogus.from_data(
        SHARED, [("rules/proef.yaml", onbevestigd()), ("rules/afgeleid.yaml", afgeleid())]
    )
    proef, afgeleide = regels.evaluate(huishouden, PEILDATUM).resultaten
    assert proef.indicatief
    assert (afgeleide.bedrag_per_jaar, afgeleide.indicatief) == ("500.00", True)
    assert afgeleide.indicatief_redenen == [
        f"De proefregeling waarop dit rust, is indicatief: {reden}"
        for reden in proef.indicatief_redenen
    ]
    assert proef.indicatief_redenen == ["Inkomensgrens: nog niet gepubliceerd (bron: Stcrt.)."]
    assert [d.indicatief for d in regels.decide(huishouden, PEILDATUM)] == [True, True]


def test_a_refusal_that_does_not_rest_on_the_other_outcome_stays_firm() -> None:
    # Given a dependent that also asks for an income under 5000: refused for 10000, by that
    # voorwaarde alone (the one that reads the proef outcome holds)
    laag = {"naam": "laag", "expressie": "aanvrager.toetsingsinkomen < 5000",
            "grondslag": "art. 2", "uitleg": {"voldaan": "Ja.", "nietVoldaan": "Nee."}}  # fmt: skip
    document = afgeleid(
        invoer={**afgeleid()["invoer"],
                "aanvrager.toetsingsinkomen": {"type": "bedrag", "bron": "belastingdienst"}},
        voorwaarden=[*afgeleid()["voorwaarden"], laag],
    )  # fmt: skip
    regels = Catalogus.from_data(
        SHARED, [("rules/proef.yaml", onbevestigd()), ("rules/afgeleid.yaml", document)]
    )
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    (uitkomst,) = regels.evaluate(huishouden, PEILDATUM, regelingen=["afgeleid"]).resultaten
    assert [(v.naam, v.voldaan) for v in uitkomst.voorwaarden] == [("proef", True), ("laag", False)]
    # Then the refusal is firm: the indicatief proef outcome did not decide it
    assert (uitkomst.recht, uitkomst.indicatief) == (False, False)


@pytest.mark.parametrize("uitleg", [False, True])
@pytest.mark.parametrize("lezer_eerst", [False, True])
def test_the_regeling_depended_on_is_evaluated_once_per_household(
    uitleg: bool, lezer_eerst: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given both regelingen, the one that reads the other's outcome listed last or first, and
    # a count of the evaluations of each, by the reference engine or by the fast path's
    # generated functions (vil.rules.snel: the full one, or those for the decision alone)
    bestanden = [("rules/proef.yaml", VALID), ("rules/afgeleid.yaml", afgeleid())]
    rules = Catalogus.from_data(SHARED, bestanden[::-1] if lezer_eerst else bestanden)
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})
    geteld: list[str] = []
    assess, plan = regel._Run.assess, snel.plan

    def tel(run: regel._Run) -> regel.Trace:
        geteld.append(run.regel.id)
        return assess(run)

    def tellend(regeling: str, functie: Callable[..., Any]) -> Callable[..., Any]:
        def geteld_functie(*args: Any) -> Any:
            found = functie(*args)
            if found is not None:  # None: `zuiver` found a fact missing, and decided nothing
                geteld.append(regeling)
            return found

        return geteld_functie

    def tel_snel(compiled: regel.CompiledRegeling, attributen: Any) -> snel.Plan:
        made = plan(compiled, attributen)
        return dataclasses.replace(
            made,
            beslis=tellend(compiled.id, made.beslis),
            beslissing=tellend(compiled.id, made.beslissing),
            zuiver=tellend(compiled.id, made.zuiver),
        )

    monkeypatch.setattr(regel._Run, "assess", tel)
    monkeypatch.setattr(snel, "plan", tel_snel)
    # When both are decided, alone or with their explanation
    if uitleg:
        uitkomsten = rules.evaluate(huishouden, PEILDATUM).resultaten
    else:
        uitkomsten = rules.decide(huishouden, PEILDATUM)  # type: ignore[assignment]
    # Then the one depended on was evaluated once, and the dependent read its outcome
    assert sorted(geteld) == ["afgeleid", "proef"]
    assert [u.recht for u in uitkomsten] == [True, True]
