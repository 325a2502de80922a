"""Expressions in the ZEN expression language: compiling, the reference scan, typed results.

Evaluation is zen-engine's. The only parsing here is a small identifier scan that finds which
names an expression refers to (zen exposes no syntax tree), so that the loader can report
unknown references and cycles and each evaluation gets only the names it uses.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import zen

from vil.models.regeling import StapType

KEYWORDS = frozenset({"and", "or", "not", "true", "false", "null", "in"})
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"(?<![\w#.$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\s*\()?")
_BARE = re.compile(r"\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*")


class ExpressieFout(Exception):
    """An expression that does not compile, or gives no value of its type."""


def references(text: str) -> set[str]:
    """The (dotted) names an expression reads, without functions, methods and keywords."""
    names = set()
    for match in _NAME.finditer(_STRING.sub("''", text)):
        name, call = match.groups()
        if call:  # a function `d(` or a method on a name `x.add(`
            name = name.rpartition(".")[0]
        if name and name not in KEYWORDS:
            names.add(name)
    return names


def syntax_error(text: str) -> str | None:
    """zen's description of a syntax error, or None."""
    problem = zen.validate_expression(text)
    return None if problem is None else str(problem.get("source", problem))


def to_zen(value: Any) -> Any:
    """A Python fact as zen takes it: JSON-like values only."""
    kind = type(value)
    if kind is Decimal:
        # zen reads a float through its shortest representation: exact for every amount in
        # cents below 10^13, and for the parameter values (see docs/decisions.md).
        whole = int(value)
        return whole if whole == value else float(value)
    if kind is bool or kind is int or kind is str or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_zen(item) for item in value]
    if isinstance(value, dict):
        return {key: to_zen(item) for key, item in value.items()}
    return value


class Expressie:
    """A compiled expression that yields a value of one type."""

    __slots__ = ("_compiled", "bare", "names", "number", "text", "type")

    def __init__(self, text: str, type_: StapType) -> None:
        self.text = text
        self.type = type_
        self.names = frozenset(references(text))
        # An expression that is one name (`heeftPartner`, `woning.huurwoning`): `direct` can
        # answer it without zen.
        bare = _BARE.fullmatch(text)
        self.bare = bare.group(1) if bare and bare.group(1) in self.names else None
        self.number = type_ in (StapType.bedrag, StapType.getal)
        source = f"string({text})" if self.number else text
        try:
            self._compiled = zen.compile_expression(source)
        except RuntimeError as error:  # pragma: no cover - validate_expression catches these
            raise ExpressieFout(str(error)) from error

    def evaluate(self, context: dict[str, Any]) -> Decimal | bool | date:
        """Evaluate with a zen-ready context; raise ExpressieFout when no typed value results."""
        try:
            raw = self._compiled.evaluate(context)
        except RuntimeError as error:
            raise ExpressieFout(_zen_message(error)) from error
        if self.number and type(raw) is str:  # the common case first, as `_typed` reads it
            try:
                number = Decimal(raw)
            except InvalidOperation:
                pass
            else:
                if number.is_finite():
                    return number + 0  # normalises -0 to 0
        return self._typed(raw)

    def direct(self, value: Any) -> Decimal | bool | date | None:
        """A bare name's typed result without zen, where it is certainly what zen gives: a
        yes/no, a date, a whole number. None otherwise (a float, a null): ask zen then, so that
        its own reading of the number or its error message stays the one used."""
        kind = type(value)
        if self.type is StapType.ja_nee:
            return value if kind is bool else None
        if self.type is StapType.datum:
            if kind is str:
                try:
                    return date.fromisoformat(value[:10])
                except ValueError:
                    return None
            return None
        return Decimal(value) if kind is int else None

    def _typed(self, raw: Any) -> Decimal | bool | date:
        if self.type is StapType.ja_nee:
            if isinstance(raw, bool):
                return raw
        elif self.type is StapType.datum:
            if isinstance(raw, str):
                try:
                    return date.fromisoformat(raw[:10])
                except ValueError:
                    pass
        elif isinstance(raw, str):
            try:
                number = Decimal(raw)
            except InvalidOperation:
                pass
            else:
                if number.is_finite():
                    return number + 0  # normalises -0 to 0
        raise ExpressieFout(f"geeft {raw!r}, geen {self.type.value}")


def _zen_message(error: RuntimeError) -> str:
    first = str(error).splitlines()[0]
    match = re.search(r'"source":"([^"]*)"', first)
    return match.group(1) if match else first
