"""The engine as a whole: versions in force, provenance, explanations, no AWS at import."""

import copy
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

from tests.conftest import RULES
from tests.proefregeling import SHARED, VALID
from vil.models.huishouden import Huishouden
from vil.models.resultaat import FeitHerkomst, HerkomstSoort
from vil.rules import Catalogus

HUISHOUDEN = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 10000}})


def only(catalogus: Catalogus, peildatum: date, **kwargs: Any) -> Any:
    (result,) = catalogus.evaluate(HUISHOUDEN, peildatum, **kwargs).resultaten
    return result


def test_a_self_declared_fact_makes_the_result_indicative() -> None:
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", VALID)])
    herkomst = {
        "huishouden.aanvrager.toetsingsinkomen": FeitHerkomst(
            bron="inwoner", soort=HerkomstSoort.gecorrigeerd
        )
    }
    result = only(catalogus, date(2026, 3, 1), herkomst=herkomst)
    assert result.indicatief is True
    assert result.indicatief_redenen == [
        "aanvrager.toetsingsinkomen: door u opgegeven, nog niet door een bron bevestigd."
    ]


def declarable(grens: int) -> Catalogus:
    """The proef regeling, accepting a declared toetsingsinkomen up to `grens`."""
    document = copy.deepcopy(VALID)
    document["toekenning"]["eigenVerklaring"] = ["aanvrager.toetsingsinkomen"]
    document["parameters"]["verklaardTot"] = {
        "omschrijving": "Hoogste verklaarde inkomen",
        "eenheid": "euro-per-jaar",
        "indexatie": False,
        "waarden": [{"vanaf": "2026-01-01", "waarde": grens, "bron": "proef",
                     "status": "bevestigd"}],
    }  # fmt: skip
    document["invoer"]["aanvrager.toetsingsinkomen"]["plausibelTot"] = "verklaardTot"
    return Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])


VERKLAARD = {
    "huishouden.aanvrager.toetsingsinkomen": FeitHerkomst(
        bron="inwoner", soort=HerkomstSoort.eigen_verklaring
    )
}


def test_a_declaration_the_policy_accepts_keeps_the_result_firm() -> None:
    # The household declares 10000, exactly the bound
    assert only(declarable(10000), date(2026, 3, 1), herkomst=VERKLAARD).indicatief is False


def test_a_declared_amount_above_its_bound_makes_the_result_indicative() -> None:
    result = only(declarable(9999), date(2026, 3, 1), herkomst=VERKLAARD)
    assert result.indicatief is True
    assert result.indicatief_redenen == [
        "aanvrager.toetsingsinkomen: door u opgegeven € 10.000,00, meer dan de € 9.999 die VIL op"
        " uw eigen verklaring aanneemt; de gemeente controleert het bedrag."
    ]


def test_the_bound_does_not_apply_to_the_same_amount_from_a_source() -> None:
    herkomst = {
        "huishouden.aanvrager.toetsingsinkomen": FeitHerkomst(
            bron="belastingdienst", soort=HerkomstSoort.opgehaald
        )
    }
    assert only(declarable(9999), date(2026, 3, 1), herkomst=herkomst).indicatief is False


def test_a_stale_fact_makes_the_result_indicative() -> None:
    document = copy.deepcopy(VALID)
    document["invoer"]["aanvrager.toetsingsinkomen"]["maximaleOuderdomDagen"] = 30
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])
    opgehaald = datetime(2026, 1, 1, 12, tzinfo=UTC)
    herkomst = {
        "huishouden.aanvrager.toetsingsinkomen": FeitHerkomst(
            bron="belastingdienst", soort=HerkomstSoort.opgehaald, opgehaald_op=opgehaald
        )
    }
    assert only(catalogus, date(2026, 1, 31), herkomst=herkomst).indicatief is False
    late = only(catalogus, date(2026, 3, 1), herkomst=herkomst)
    assert late.indicatief_redenen == ["aanvrager.toetsingsinkomen: het gegeven is 59 dagen oud."]


def test_a_year_without_published_values_uses_the_last_one_indicatively() -> None:
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", VALID)])
    result = only(catalogus, date(2027, 1, 1))
    assert result.bedrag_per_jaar == "1000.00"
    assert result.geschat_met_bedragen_van == 2026
    assert result.indicatief_redenen == [
        "De bedragen voor 2027 zijn nog niet vastgesteld; dit is een schatting met de bedragen"
        " van 2026."
    ]


def test_on_the_last_day_of_a_year_its_own_values_are_firm() -> None:
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", VALID)])
    result = only(catalogus, date(2026, 12, 31))
    assert (result.indicatief, result.geschat_met_bedragen_van) == (False, None)


def test_before_any_value_the_outcome_is_unknown_with_the_reason() -> None:
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", VALID)])
    result = only(catalogus, date(2025, 12, 31))
    assert result.recht is None
    assert result.voorwaarden[0].uitleg == (
        "Voor parameter grens is op 2025-12-31 geen waarde vastgesteld."
    )


def test_the_explanation_carries_steps_parameters_and_legal_basis(catalogus: Catalogus) -> None:
    huishouden = Huishouden.model_validate(
        {
            "aanvrager": {
                "geboortedatum": "1990-01-01",
                "zorgverzekerd": True,
                "toetsingsinkomen": 20000,
                "vermogen": 0,
            }
        }
    )
    evaluatie = catalogus.evaluate(huishouden, date(2026, 3, 1), regelingen=["zorgtoeslag"])
    (result,) = evaluatie.resultaten
    steps = {s.stap: s for s in result.berekening}
    assert steps["drempelinkomen"].waarde == "29736"
    assert steps["drempelinkomen"].grondslag == "Wzt art. 1 lid 1 onder f"
    assert [v.naam for v in result.voorwaarden] == ["leeftijd", "verzekerd", "vermogen"]
    assert all(v.voldaan and v.uitleg and v.grondslag for v in result.voorwaarden)
    standaardpremie = next(p for p in result.parameters if p.naam == "standaardpremie")
    assert (standaardpremie.waarde, standaardpremie.bron) == ("2119", "Stcrt. 2025, 40022, art. 1")


def test_the_rules_engine_imports_no_aws_library() -> None:
    # Cold start: the engine and `vil evaluate` must not pay for boto3 or Powertools.
    code = (
        "import sys, vil.rules, vil.cli, vil.bench; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'aws_lambda_powertools', 'moto')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert output.stdout.strip() == "[]"


def test_before_its_rules_apply_a_regeling_is_not_assessed(catalogus: Catalogus) -> None:
    # Huurtoeslag is modelled from the 2026 law on (geldigVanaf 2026-01-01)
    evaluatie = catalogus.evaluate(HUISHOUDEN, date(2025, 12, 31), regelingen=["huurtoeslag"])
    (result,) = evaluatie.resultaten
    assert (result.recht, result.bedrag_per_maand, result.indicatief) == (None, None, True)
    assert result.bedrag_uitleg == (
        "VIL beoordeelt Huurtoeslag vanaf 1 januari 2026; voor een peildatum daarvoor kan VIL"
        " het recht niet vaststellen."
    )


def test_outside_the_gemeente_only_the_woonplaats_is_assessed(catalogus: Catalogus) -> None:
    # Given a resident of Amersfoort with facts that would fail other IIT conditions
    huishouden = Huishouden.model_validate(
        {"gemeentecode": "0307", "aanvrager": {"geboortedatum": "2010-01-01", "vermogen": 90000}}
    )
    evaluatie = catalogus.evaluate(
        huishouden, date(2026, 6, 1), regelingen=["individuele-inkomenstoeslag-utrecht"]
    )
    (result,) = evaluatie.resultaten
    # Then the Utrecht regeling says no for the one reason that matters, and asks for nothing
    assert result.recht is False
    assert [(v.naam, v.voldaan) for v in result.voorwaarden] == [("woonplaats", False)]
    assert result.voorwaarden[0].uitleg == (
        "Deze regeling is alleen voor inwoners van de gemeente Utrecht."
    )
    assert (result.ontbrekende_gegevens, result.indicatief) == ([], False)


def test_only_the_row_a_choice_takes_counts() -> None:
    # Given a step that chooses between two expressions, one with an unconfirmed parameter
    document = copy.deepcopy(VALID)
    document["parameters"]["factor"] = {
        "omschrijving": "Onzekere factor",
        "eenheid": "aantal",
        "indexatie": False,
        "waarden": [
            {"vanaf": "2026-01-01", "waarde": 2, "bron": "blog", "status": "onbevestigd",
             "reden": "alleen secundair gezien"}
        ],
    }  # fmt: skip
    document["berekening"][1] = {
        **document["berekening"][1],
        "expressie": None,
        "keuze": [{"als": "ruimte < 5000", "dan": "ruimte / 10 * factor"}, {"dan": "ruimte / 10"}],
    }
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])
    # When the row without it applies, the outcome does not rest on it
    result = only(catalogus, date(2026, 3, 1))
    assert (result.bedrag_per_jaar, result.indicatief) == ("1000.00", False)
    assert "factor" not in {p.naam for p in result.parameters}
    # And when the row with it applies, it does
    near = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 16000}})
    (result,) = catalogus.evaluate(near, date(2026, 3, 1)).resultaten
    assert (result.bedrag_per_jaar, result.indicatief) == ("800.00", True)


def test_a_changed_parameter_affects_only_the_regelingen_that_read_it() -> None:
    # Given the rules in rules/ (in the order of their files)
    catalogus = Catalogus.from_directory(RULES)
    peildatum = date(2026, 6, 15)
    # Then a regeling's own parameter affects that regeling, a shared one each that reads it
    # (in an expression, as the minimum amount, or as the bound of a declared amount)
    assert catalogus.affected_by("standaardpremie", peildatum) == ["zorgtoeslag"]
    # (and each that reads the outcome of one of those: the woonkostentoeslag reads the
    # huurtoeslag's)
    assert catalogus.affected_by("awirMinimumBedrag", peildatum) == [
        "huurtoeslag",
        "kindgebonden-budget",
        "woonkostentoeslag-utrecht",
        "zorgtoeslag",
    ]
    assert catalogus.affected_by("maximaleHuurgrens", peildatum) == [
        "huurtoeslag",
        "kwijtschelding-gemeentelijke-belastingen",
        "woonkostentoeslag-utrecht",
    ]
    assert catalogus.affected_by("eigenAandeelWoonkosten", peildatum) == [
        "woonkostentoeslag-utrecht"
    ]
    assert catalogus.affected_by("nietBestaand", peildatum) == []


def test_an_object_as_a_fact_reads_as_in_the_dump_of_the_household() -> None:
    # Given a regeling whose voorwaarde reads the woning as a whole (all six of its fields)
    document = copy.deepcopy(VALID)
    document["invoer"]["woning"] = {"type": "tekst", "bron": "inwoner"}
    document["voorwaarden"].append(
        {
            "naam": "woning",
            "expressie": "len(keys(woning)) == 6",
            "grondslag": "art. 3",
            "uitleg": {"voldaan": "Woning bekend.", "nietVoldaan": "Woning onbekend."},
        }
    )
    catalogus = Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])
    huishouden = Huishouden.model_validate(
        {"aanvrager": {"toetsingsinkomen": 10000}, "woning": {"kaleHuur": "600.50"}}
    )
    # When it is evaluated from the model and from the dict of its dump
    regel = catalogus.regel("proef", date(2026, 3, 1))
    from_model = regel.evaluate(huishouden, date(2026, 3, 1))
    from_dump = regel.evaluate(huishouden.model_dump(by_alias=True), date(2026, 3, 1))
    # Then both read it as the household's dump has it, and agree
    assert [v.voldaan for v in from_model.voorwaarden] == [True, True]
    assert from_model == from_dump
