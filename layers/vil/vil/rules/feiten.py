"""Facts for one regeling: read its inputs from the household, note what is missing."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vil.models.regeling import Invoer, InvoerType
from vil.rules.expressies import to_zen

PREFIX = "huishouden."


@dataclass(slots=True)
class Feiten:
    """The inputs of one regeling: zen-ready values by path, and the missing paths."""

    values: dict[str, Any] = field(default_factory=dict)  # as zen takes them
    missing: set[str] = field(default_factory=set)  # input paths as declared in the rule
    missing_paths: list[str] = field(default_factory=list)  # reported, with `huishouden.`


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def read(invoer: Mapping[str, Invoer], household: Mapping[str, Any], peildatum: date) -> Feiten:
    """Read each declared input from a household dumped with `by_alias=True`."""
    feiten = Feiten()
    for path, spec in invoer.items():
        value, gaps = _lookup(path, spec, household, peildatum)
        if gaps:
            feiten.missing.add(path)
            feiten.missing_paths.extend(gaps)
        else:
            feiten.values[path] = to_zen(value)
    return feiten


def _lookup(
    path: str, spec: Invoer, household: Mapping[str, Any], peildatum: date
) -> tuple[Any, list[str]]:
    node: Any = household
    for segment in path.split("."):
        if node is None:
            # No partner means the partner's facts do not apply; anything else is unknown.
            return (None, []) if path.startswith("partner.") else (None, [PREFIX + path])
        node = node.get(segment)
    if node is None:
        return None, [PREFIX + path]
    if spec.type is InvoerType.lijst:
        return _items(path, spec, node)
    if spec.type is InvoerType.maandreeks:
        return _months(path, spec, node, peildatum)
    return node, []


def _items(path: str, spec: Invoer, items: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    assert spec.velden is not None
    gaps = [
        f"{PREFIX}{path}[{index}].{name}"
        for index, item in enumerate(items)
        for name in spec.velden
        if item.get(name) is None
    ]
    return [{name: item[name] for name in spec.velden} for item in items], gaps


def _months(
    path: str, spec: Invoer, items: list[dict[str, Any]], peildatum: date
) -> tuple[Any, list[str]]:
    """The `maanden` whole months before the peildatum's month, each with `maandenGeleden`."""
    assert spec.velden is not None
    assert spec.maanden is not None
    by_month = {item["maand"]: item for item in items}
    window = []
    for back in range(1, spec.maanden + 1):
        item = by_month.get(month_start(peildatum, back))
        if item is None:
            return None, [PREFIX + path]
        window.append({**{name: item[name] for name in spec.velden}, "maandenGeleden": back})
    return window, []
