"""Facts for one regeling: read its inputs from the household, note what is missing."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from vil.models.regeling import Invoer, InvoerType
from vil.models.resultaat import FeitHerkomst
from vil.rules.expressies import to_zen

PREFIX = "huishouden."


class Feiten:
    """The inputs of one regeling, each read from the household when first needed.

    Values land, as zen takes them, in the dict the caller passes (the evaluation's names).
    """

    def __init__(
        self,
        invoer: Mapping[str, Invoer],
        household: Mapping[str, Any],
        peildatum: date,
        values: dict[str, Any],
    ) -> None:
        self.invoer = invoer
        self.household = household
        self.peildatum = peildatum
        self.values = values
        self.gaps: dict[str, list[str]] = {}  # input path -> missing fact paths (empty: present)

    def missing(self, paths: Iterable[str]) -> bool:
        """Whether any of these inputs is missing."""
        for path in paths:
            gaps = self.gaps.get(path)
            if gaps is None:
                gaps = self.read(path)
            if gaps:
                return True
        return False

    def read(self, path: str) -> list[str]:
        """Read one input; the fact paths (with `huishouden.`) that are missing for it."""
        gaps = self.gaps.get(path)
        if gaps is None:
            value, gaps = _lookup(path, self.invoer[path], self.household, self.peildatum)
            self.gaps[path] = gaps
            if not gaps:
                self.values[path] = to_zen(value)
        return gaps

    def missing_paths(self) -> list[str]:
        """Every missing fact of every input of the regeling."""
        return [gap for path in self.invoer for gap in self.read(path)]


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


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


def herkomst_van(path: str, herkomst: Mapping[str, FeitHerkomst]) -> list[FeitHerkomst]:
    """The provenance of an input: of the fact itself, of its items and fields, or of the
    object it is part of (a correction of 'huishouden.woning' covers 'woning.kaleHuur')."""
    key = PREFIX + path
    return [
        origin
        for pad, origin in herkomst.items()
        if pad == key
        or pad.startswith((key + "[", key + "."))
        or key.startswith((pad + "[", pad + "."))
    ]
