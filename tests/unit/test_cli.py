"""The `vil` command: evaluate, invalid input, rules check/test, demo."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from vil.cli import main

HOUSEHOLD = {
    "peildatum": "2026-03-01",
    "huishouden": {
        "gemeentecode": "0344",
        "aanvrager": {
            "geboortedatum": "1990-05-01",
            "zorgverzekerd": True,
            "toetsingsinkomen": "20000.00",
            "vermogen": 0,
        },
    },
}


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "huishouden.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_evaluate_prints_every_regeling_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", write(tmp_path, HOUSEHOLD)]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["peildatum"] == "2026-03-01"
    assert output["regelsetVersie"].startswith("sha256:")
    zorgtoeslag = next(r for r in output["resultaten"] if r["regeling"] == "zorgtoeslag")
    assert (zorgtoeslag["recht"], zorgtoeslag["bedragPerMaand"]) == (True, "129.00")
    assert set(zorgtoeslag) >= {
        "naam",
        "regelversie",
        "bedragPerJaar",
        "bedragEenmalig",
        "voorwaarden",
        "berekening",
        "hints",
        "ontbrekendeGegevens",
        "indicatief",
        "indicatiefRedenen",
    }


def test_evaluate_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(HOUSEHOLD)))
    assert main(["evaluate", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["resultaten"]


def test_invalid_input_names_every_invalid_field_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "peildatum": "2026-02-30",
        "huishouden": {
            "gemeentecode": "Utrecht",
            "aanvrager": {"toetsingsinkomen": "veel", "salaris": 1},
        },
    }
    assert main(["evaluate", write(tmp_path, document)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    named = [line.split(":")[1].strip() for line in captured.err.splitlines()]
    assert named == [
        "peildatum",
        "huishouden.gemeentecode",
        "huishouden.aanvrager.toetsingsinkomen",
        "huishouden.aanvrager.salaris",
    ]


def test_input_that_is_not_json_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kapot.json"
    path.write_text("{niet json", encoding="utf-8")
    assert main(["evaluate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("ongeldig: invoer: Invalid JSON")


def test_a_missing_file_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "bestaat-niet.json"]) == 2
    assert "bestaat-niet.json" in capsys.readouterr().err


def test_rules_check_and_test_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    assert main(["rules", "test"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(" passed, 0 failed")


def test_demo_prints_a_table_per_household(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voorbeelden", str(ROOT / "docs" / "voorbeelden")]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("1-alleenstaande-utrecht (peildatum 1 juni 2026)")
    header, *rows = lines[start + 1 : start + 9]  # the header and the seven regelingen
    assert header.split() == ["regeling", "recht", "bedrag", "reden"]
    zorgtoeslag = next(row for row in rows if row.strip().startswith("Zorgtoeslag"))
    assert "€ 129,00 per maand" in zorgtoeslag


def test_a_year_whose_amounts_are_not_set_says_so_per_regeling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verzoek = json.loads(
        (ROOT / "docs" / "voorbeelden" / "1-alleenstaande-utrecht.json").read_text()
    )
    (tmp_path / "januari.json").write_text(json.dumps({**verzoek, "peildatum": "2027-01-02"}))
    assert main(["voorbeelden", str(tmp_path)]) == 0
    zorgtoeslag = next(r for r in capsys.readouterr().out.splitlines() if "Zorgtoeslag" in r)
    assert "ja (indicatief)" in zorgtoeslag
    assert zorgtoeslag.endswith(
        "De bedragen voor 2027 zijn nog niet vastgesteld; dit is een schatting met de bedragen"
        " van 2026."
    )


def test_the_installed_command_runs() -> None:
    vil = Path(sys.executable).with_name("vil")
    result = subprocess.run(
        [str(vil), "evaluate", "-"], input=json.dumps(HOUSEHOLD), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["peildatum"] == "2026-03-01"


def getoond(voorbeeld: object, echt: object) -> bool:
    """Whether what the README shows is in the real output: `…` alone in a list stands for
    items left out, and a text ending in `…` for the rest of that text; a list's objects are
    found by their name (regeling, naam, stap), other items by position."""
    if isinstance(voorbeeld, dict):
        return isinstance(echt, dict) and all(
            sleutel in echt and getoond(waarde, echt[sleutel])
            for sleutel, waarde in voorbeeld.items()
        )
    if isinstance(voorbeeld, list):
        if not isinstance(echt, list):
            return False
        items = [item for item in voorbeeld if item != "…"]
        if len(items) == len(voorbeeld) and len(echt) != len(voorbeeld):
            return False
        return all(
            getoond(item, _tegenhanger(item, echt, index)) for index, item in enumerate(items)
        )
    if isinstance(voorbeeld, str) and voorbeeld.endswith("…"):
        return isinstance(echt, str) and echt.startswith(voorbeeld[:-1])
    return voorbeeld == echt


def _tegenhanger(item: object, echt: list[object], index: int) -> object:
    for sleutel in ("regeling", "naam", "stap"):
        if isinstance(item, dict) and sleutel in item:
            return next(
                (e for e in echt if isinstance(e, dict) and e.get(sleutel) == item[sleutel]), None
            )
    return echt[index] if index < len(echt) else None


def test_the_readmes_example_output_is_what_vil_evaluate_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```json\n", readme.index(".venv/bin/vil evaluate docs/voorbeelden/"))
    voorbeeld = json.loads(readme[start + len("```json\n") : readme.index("```", start + 7)])
    assert main(["evaluate", str(ROOT / "docs/voorbeelden/1-alleenstaande-utrecht.json")]) == 0
    echt = json.loads(capsys.readouterr().out)
    assert getoond(voorbeeld, echt)
    assert not getoond({**voorbeeld, "peildatum": "2026-06-02"}, echt)  # the check can fail


@pytest.mark.parametrize("argument", ["0", "-3", "x", "1.5"])
def test_bench_counts_at_least_one_household(
    argument: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["bench", "--instructions", "--n", argument])
    assert stopped.value.code == 2
    assert f"not a whole number of at least 1: '{argument}'" in capsys.readouterr().err
