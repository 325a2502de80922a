"""A broken rule file is refused at load, with a message naming the file, the rule and the cause."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.proefregeling import SHARED, VALID
from vil.rules import Catalogus, RegelFout


def load(document: dict[str, Any], shared: dict[str, Any] = SHARED) -> Catalogus:
    return Catalogus.from_data(shared, [("rules/proef.yaml", document)])


def problems(change: Any) -> list[str]:
    document = copy.deepcopy(VALID)
    change(document)
    with pytest.raises(RegelFout) as raised:
        load(document)
    return raised.value.problems


def test_the_valid_file_loads() -> None:
    assert load(VALID).ids == ["proef"]


def test_unknown_reference() -> None:
    def change(d: dict[str, Any]) -> None:
        d["berekening"][1]["expressie"] = "ruimt / 10"

    assert problems(change) == ["rules/proef.yaml: stap 'bedrag': onbekende naam 'ruimt'"]


def test_unknown_fact() -> None:
    def change(d: dict[str, Any]) -> None:
        d["invoer"]["aanvrager.salaris"] = {"type": "bedrag", "bron": "uwv"}

    assert problems(change) == [
        "rules/proef.yaml: invoer 'aanvrager.salaris': geen gegeven van het huishouden"
        " (zie rules/schema)"
    ]


def test_cycle_between_steps() -> None:
    def change(d: dict[str, Any]) -> None:
        d["berekening"][0]["expressie"] = "bedrag - aanvrager.toetsingsinkomen"

    (problem,) = problems(change)
    assert problem.startswith("rules/proef.yaml: stap '")
    assert "kringverwijzing: " in problem
    assert "ruimte -> bedrag" in problem or "bedrag -> ruimte" in problem


def test_expression_syntax_error() -> None:
    def change(d: dict[str, Any]) -> None:
        d["voorwaarden"][0]["expressie"] = "ruimte >= * 0"

    (problem,) = problems(change)
    assert problem.startswith("rules/proef.yaml: voorwaarde 'inkomen': fout in expressie:")


def test_parameter_without_value_on_a_test_date() -> None:
    def change(d: dict[str, Any]) -> None:
        d["tests"][0]["peildatum"] = "2025-06-01"

    assert problems(change) == [
        "rules/proef.yaml: test 'Een laag inkomen geeft een tiende van de ruimte':"
        " parameter 'grens' heeft geen waarde op 2025-06-01"
    ]


def test_missing_legal_basis() -> None:
    def change(d: dict[str, Any]) -> None:
        del d["voorwaarden"][0]["grondslag"]

    assert problems(change) == ["rules/proef.yaml: voorwaarden.0.grondslag: Field required"]


def test_voorwaarde_of_the_wrong_type() -> None:
    def change(d: dict[str, Any]) -> None:
        d["voorwaarden"][0]["expressie"] = "ruimte + 1"

    (problem,) = problems(change)
    assert problem.startswith("rules/proef.yaml: voorwaarde 'inkomen': verkeerd type:")


def test_date_arithmetic_is_the_wrong_type() -> None:
    def change(d: dict[str, Any]) -> None:
        d["berekening"][0]["expressie"] = "peildatum - aanvrager.toetsingsinkomen"

    (problem,) = problems(change)
    assert problem.startswith("rules/proef.yaml: stap 'ruimte': verkeerd type:")


def test_input_declared_with_the_wrong_type() -> None:
    def change(d: dict[str, Any]) -> None:
        d["invoer"]["aanvrager.toetsingsinkomen"]["type"] = "datum"

    assert problems(change)[0] == (
        "rules/proef.yaml: invoer 'aanvrager.toetsingsinkomen': verkeerd type:"
        " het gegeven is bedrag, niet datum"
    )


def test_a_parameter_value_of_the_wrong_type() -> None:
    def change(d: dict[str, Any]) -> None:
        d["parameters"]["grens"]["waarden"][0]["waarde"] = "twintigduizend"

    assert problems(change) == [
        "rules/proef.yaml: parameters.grens.waarden.0.waarde: Input should be a valid decimal"
    ]


def test_a_test_household_with_an_unknown_field() -> None:
    def change(d: dict[str, Any]) -> None:
        d["tests"][0]["huishouden"]["aanvrager"]["salaris"] = 1

    (problem,) = problems(change)
    assert problem.startswith("rules/proef.yaml: test 'Een laag inkomen")
    assert "huishouden.aanvrager.salaris: Extra inputs are not permitted" in problem


def test_a_parameter_may_not_shadow_a_shared_one() -> None:
    def change(d: dict[str, Any]) -> None:
        d["parameters"]["awirMinimumBedrag"] = d["parameters"]["grens"]

    assert "rules/proef.yaml: parameter 'awirMinimumBedrag': bestaat al als gedeelde parameter" in (
        problems(change)
    )


def test_every_problem_is_listed_at_once() -> None:
    def change(d: dict[str, Any]) -> None:
        d["berekening"][1]["expressie"] = "ruimt / 10"
        d["voorwaarden"][0]["expressie"] = "inkomn > 0"

    assert len(problems(change)) == 2


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    (tmp_path / "rules" / "parameters").mkdir(parents=True)
    (tmp_path / "rules" / "parameters" / "gedeeld.yaml").write_text(yaml.safe_dump(SHARED))
    (tmp_path / "rules" / "kapot.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RegelFout) as raised:
        Catalogus.from_directory(tmp_path / "rules")
    (problem,) = raised.value.problems
    assert problem.startswith("rules/kapot.yaml: geen geldige YAML:")


def test_a_declarable_amount_needs_a_bound() -> None:
    def change(d: dict[str, Any]) -> None:
        d["toekenning"]["eigenVerklaring"] = ["aanvrager.toetsingsinkomen"]

    assert problems(change) == [
        "rules/proef.yaml: invoer 'aanvrager.toetsingsinkomen': een bedrag in eigenVerklaring"
        " heeft plausibelTot nodig"
    ]


def test_a_bound_is_a_known_amount_parameter() -> None:
    def change(d: dict[str, Any]) -> None:
        d["invoer"]["aanvrager.toetsingsinkomen"]["plausibelTot"] = "grenz"
        d["invoer"]["aanvrager.geboortedatum"] = {
            "type": "datum", "bron": "brp", "plausibelTot": "grens"
        }  # fmt: skip

    assert problems(change) == [
        "rules/proef.yaml: invoer 'aanvrager.toetsingsinkomen': onbekende parameter 'grenz'",
        "rules/proef.yaml: invoer 'aanvrager.geboortedatum': plausibelTot hoort alleen bij een"
        " bedrag",
    ]


def test_two_files_with_one_id() -> None:
    with pytest.raises(RegelFout) as raised:
        Catalogus.from_data(SHARED, [("rules/a.yaml", VALID), ("rules/b.yaml", VALID)])
    assert raised.value.problems == ["rules/b.yaml: id: 'proef' bestaat al"]


def test_two_voorwaarden_with_one_name() -> None:
    def change(d: dict[str, Any]) -> None:
        d["voorwaarden"].append(d["voorwaarden"][0])

    assert set(problems(change)) == {
        "rules/proef.yaml: voorwaarde 'inkomen': de naam komt meer dan eens voor"
    }


def test_a_choice_whose_otherwise_row_is_not_last() -> None:
    def change(d: dict[str, Any]) -> None:
        d["berekening"][1] = {
            **d["berekening"][1],
            "expressie": None,
            "keuze": [{"dan": "ruimte / 10"}, {"als": "ruimte > 5", "dan": "ruimte"}],
        }

    assert problems(change) == [
        "rules/proef.yaml: berekening.1: Value error, alleen de laatste rij van een keuze mag"
        " zonder `als`"
    ]
