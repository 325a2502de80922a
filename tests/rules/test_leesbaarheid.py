"""The rule files stay readable for a policy expert (rules/README.md): no expression longer
than 130 characters, and each file names the shared parameters it uses."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import RULES
from vil.rules.expressies import references

MAXIMUM = 130
FILES = sorted(RULES.glob("*.yaml"))
SHARED = set(yaml.safe_load((RULES / "parameters" / "gedeeld.yaml").read_text())["parameters"])
EXPRESSION_KEYS = {"expressie", "als", "dan"}
POINTER = re.compile(
    r"^# Gedeelde parameters \(parameters/gedeeld\.yaml\):(?P<names>(?:\n#   .*)+)", re.MULTILINE
)


def expressions(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every expression in a rule document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in EXPRESSION_KEYS and isinstance(value, str):
                yield f"{where}.{key}", value
            yield from expressions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from expressions(value, f"{where}[{index}]")


def shared_parameters_used(document: dict[str, Any]) -> set[str]:
    """The shared parameters an expression reads, a bound of a declaration, or the minimum."""
    names = set().union(*(references(text) for _, text in expressions(document)))
    names |= {spec.get("plausibelTot") for spec in document.get("invoer", {}).values()}
    names.add(document.get("uitkomst", {}).get("minimum"))
    return names & SHARED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_expression_is_longer_than_130_characters(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    too_long = [f"{where} ({len(text)})" for where, text in expressions(document)
                if len(text) > MAXIMUM]  # fmt: skip
    assert not too_long, f"{path.name}: splits deze expressies in stappen met een naam: {too_long}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_rule_file_names_the_shared_parameters_it_uses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    pointer = POINTER.search(text)
    assert pointer, f"{path.name}: geen regel '# Gedeelde parameters (parameters/gedeeld.yaml):'"
    named = set(re.findall(r"[a-z][A-Za-z0-9]*", pointer["names"].replace("#", "")))
    assert named == shared_parameters_used(yaml.safe_load(text))


def test_the_length_check_finds_a_long_expression() -> None:
    document = {"berekening": [{"naam": "x", "expressie": "a + " * 40 + "a"}]}
    assert [len(text) for _, text in expressions(document)] == [161]
