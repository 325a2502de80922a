"""zen's semantics digit for digit and scale for scale: the property tests' bridge to zen.

`translate` turns an expression of the subset the rules use (vil.rules.vertaling.parse) into a
Python function over zen's context, computing as rust_decimal does: the scale of each result,
the 28- or 29-digit quotient, `and`/`or` that stop at the deciding operand, month ends, ties in
`max`/`min`, and the way zen reads a float from its context (vertaling's `from_f64`).
tests/rules/test_vertaling.py compares it with zen construct by construct; the fast path's
by-value functions (vertaling.deel, vertaling.lees) are compared with it
(tests/rules/test_snel.py). It lives with the tests: the engine computes by value
(vil.rules.snel), and only the parts of this account that it calls are in vil.rules.vertaling.
"""

import operator
import types
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from vil.rules.vertaling import (  # noqa: F401 - _d, _diff, _round: the translation calls them by name
    _EXACT,
    _LIMIT,
    _MAX_SCALE,
    NietVertaald,
    Terugval,
    Tree,
    _d,
    _date,
    _decimal_read,
    _diff,
    _fits,
    _integral,
    _number,
    _plus_months,
    _round,
    _unit,
    parse,
    zen_decimal,
)

ZERO = Decimal(0)


_SEEN: dict[float, Decimal] = {}  # floats already read: the examples share many


def _v(value: Any) -> Any:
    """A value as zen reads it from its context: a number as a decimal (a float as
    rust_decimal's `from_f64` reads it), everything else as it is."""
    kind = type(value)
    if kind is int:
        return Decimal(value)
    if kind is float:
        number = _SEEN.get(value)
        if number is None:
            number = _SEEN[value] = zen_decimal(value)
        return number
    return value


_FUNCTIONS = {
    "max": "_max",
    "min": "_min",
    "sum": "_sum",
    "len": "_len",
    "abs": "_abs",
    "ceil": "_ceil",
    "floor": "_floor",
    "round": "_round",
    "d": "_d",
}


_CLOSURES = {"count": "_count", "filter": "_filter", "map": "_map", "some": "_some", "all": "_all"}


_METHODS = {"diff": "_diff", "startOf": "_start_of", "add": "_date_add", "sub": "_date_sub"}


_OPERATORS = {
    "+": "_add",
    "-": "_sub",
    "*": "_mul",
    "/": "_div",
    "<": "_lt",
    "<=": "_le",
    ">": "_gt",
    ">=": "_ge",
    "==": "_eq",
    "!=": "_ne",
}


class _Generator:
    """Python source for a syntax tree, reading `env` (names as zen takes them); `#` is the
    innermost closure's parameter."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.depth = 0

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def code(self, tree: Tree) -> str:
        method: Callable[[Tree], str] = getattr(self, "t_" + tree[0])
        return method(tree)

    def t_num(self, tree: Tree) -> str:
        return self.constant(tree[1])

    def t_str(self, tree: Tree) -> str:
        return repr(tree[1])

    def t_const(self, tree: Tree) -> str:
        return repr(tree[1])

    def t_name(self, tree: Tree) -> str:
        return f"_v(env[{tree[1]!r}])"

    def t_item(self, tree: Tree) -> str:
        if self.depth == 0:
            raise NietVertaald("#")
        return f"_v(_i{self.depth})"

    def t_field(self, tree: Tree) -> str:
        return f"_field({self.code(tree[1]).removeprefix('_v(').removesuffix(')')}, {tree[2]!r})"

    def t_not(self, tree: Tree) -> str:
        return f"_not({self.code(tree[1])})"

    def t_neg(self, tree: Tree) -> str:
        return f"_neg({self.code(tree[1])})"

    def t_if(self, tree: Tree) -> str:
        condition = f"_bool({self.code(tree[1])})"
        return f"({self.code(tree[2])} if {condition} else {self.code(tree[3])})"

    def t_bin(self, tree: Tree) -> str:
        operator, left, right = tree[1:]
        if operator == "??":
            return f"_coalesce({self.code(left)}, lambda: {self.code(right)})"
        if operator in ("and", "or"):  # zen stops as soon as the outcome is known
            return f"(_bool({self.code(left)}) {operator} _bool({self.code(right)}))"
        return f"{_OPERATORS[operator]}({self.code(left)}, {self.code(right)})"

    def t_list(self, tree: Tree) -> str:
        return "[" + ", ".join(self.code(item) for item in tree[1:]) + "]"

    def t_in(self, tree: Tree) -> str:
        value, collection = tree[1:]
        if collection[0] == "range":
            low_closed, low, high, high_closed = collection[1:]
            return (
                f"_between({self.code(value)}, {self.code(low)}, {self.code(high)},"
                f" {low_closed}, {high_closed})"
            )
        return f"_member({self.code(value)}, {self.code(collection)})"

    def t_call(self, tree: Tree) -> str:
        function, arguments = tree[1], tree[2:]
        if function in _CLOSURES and len(arguments) == 2:
            self.depth += 1
            body = f"lambda _i{self.depth}: {self.code(arguments[1])}"
            self.depth -= 1
            return f"{_CLOSURES[function]}({self.code(arguments[0])}, {body})"
        if function not in _FUNCTIONS:
            raise NietVertaald(function)
        return f"{_FUNCTIONS[function]}({', '.join(self.code(a) for a in arguments)})"

    def t_method(self, tree: Tree) -> str:
        member, target, arguments = tree[1], tree[2], tree[3:]
        if member not in _METHODS:
            raise NietVertaald(member)
        return f"{_METHODS[member]}({', '.join(self.code(a) for a in (target, *arguments))})"

    def t_range(self, tree: Tree) -> str:
        raise NietVertaald("interval buiten `in`")


def translate(text: str) -> Callable[[dict[str, Any]], Any] | None:
    """A Python function of the names (as zen takes them) that gives what zen would, or raises
    Terugval; None when the expression is outside the translated subset."""
    try:
        generator = _Generator()
        source = f"lambda env: {generator.code(parse(text))}"
    except (NietVertaald, KeyError, IndexError, AttributeError):
        return None
    namespace = {**_RUNTIME, **generator.constants}
    function: Callable[[dict[str, Any]], Any] = eval(  # noqa: S307 - our own generated source
        compile(source, f"<{text}>", "eval"), namespace
    )
    return function


def read_python(value: Any) -> Any:
    """A Python value (a fact, a parameter, a step) as the translated expressions read it:
    through zen's form of it (`to_zen`: a whole number as an integer, any other through a
    float; a date as its text), lists and their items once, as `_v` and `_field` would at each
    use."""
    kind = type(value)
    if kind is Decimal:
        return _decimal_read(value)
    if kind is bool or kind is str or value is None:
        return value
    if kind is list:
        return [read_python(item) for item in value]
    if kind is dict:
        return {
            key: read_python(item) if type(item) is not Decimal else _decimal_read(item)
            for key, item in value.items()
        }
    return _read_other(value)


def _read_other(value: Any) -> Any:
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    try:
        return _v(value)
    except Terugval:
        # Kept as it is: every operation of the translation refuses it (Terugval), so an
        # expression that reads it is zen's.
        return value


def _field(item: Any, name: str) -> Any:
    if type(item) is not dict:
        raise Terugval
    value = item.get(name)
    kind = type(value)
    if kind is Decimal or kind is str or kind is bool or value is None:
        return value  # as _v gives them
    return _v(value)


def _numbers(left: Any, right: Any) -> None:
    if type(left) is not Decimal or type(right) is not Decimal:
        raise Terugval


def _add(left: Any, right: Any) -> Decimal:
    _numbers(left, right)
    return _fits(_EXACT.add(left, right))


def _sub(left: Any, right: Any) -> Decimal:
    _numbers(left, right)
    return _fits(_EXACT.subtract(left, right))


def _mul(left: Any, right: Any) -> Decimal:
    _numbers(left, right)
    if not left or not right:
        return ZERO  # rust_decimal: a product with zero is zero, without scale
    return _fits(_EXACT.multiply(left, right))


def _scale_up(quotient: int, scale: int) -> int:
    """rust_decimal's find_scale: the largest power of ten (at most 9) the quotient can still be
    multiplied by within 96 bits and a scale of 28."""
    power = max(0, min(9, _MAX_SCALE - scale))
    while power and quotient * 10**power >= _LIMIT:
        power -= 1
    return power


def _unscale(quotient: int, scale: int) -> tuple[int, int]:
    """rust_decimal's trailing zeros removed after an inexact step: 10^8 while the low 32 bits
    are zero, then once 10^4, 10^2 and 10."""
    while quotient & 0xFFFFFFFF == 0 and scale >= 8 and quotient % 10**8 == 0:
        quotient, scale = quotient // 10**8, scale - 8
    for power in (4, 2, 1):
        if scale >= power and quotient % 10**power == 0:
            quotient, scale = quotient // 10**power, scale - power
    return quotient, scale


def _div(left: Any, right: Any) -> Decimal:
    """rust_decimal's division (what zen computes), digit for digit and scale for scale."""
    _numbers(left, right)
    if not right:
        raise Terugval  # zen gives null
    if not left:
        return ZERO
    a, b = left.as_tuple(), right.as_tuple()
    divisor = int("".join(map(str, b.digits)))
    quotient, scale, inexact = _long_division(
        int("".join(map(str, a.digits))), divisor, -a.exponent + b.exponent
    )
    if quotient >= _LIMIT or scale < 0:
        raise Terugval
    if inexact:
        quotient, scale = _unscale(quotient, scale)
    negative = a.sign != b.sign
    return Decimal((int(negative), tuple(map(int, str(quotient))), -scale))


def _long_division(dividend: int, divisor: int, scale: int) -> tuple[int, int, bool]:
    """The quotient scaled up by at most 10^9 a step while a remainder is left and it fits,
    the last digit rounded half to even; (quotient, scale, whether a remainder was left)."""
    quotient, remainder = divmod(dividend, divisor)
    inexact = False
    while True:
        if remainder == 0:
            if scale >= 0:
                return quotient, scale, inexact
            power = min(9, -scale)
        else:
            inexact = True
            power = 0 if scale == _MAX_SCALE else _scale_up(quotient, scale)
            if power == 0:
                doubled = 2 * remainder
                if doubled > divisor or (doubled == divisor and quotient & 1):
                    quotient += 1
                return quotient, scale, inexact
        scale += power
        more, remainder = divmod(remainder * 10**power, divisor)
        quotient = quotient * 10**power + more
        if quotient >= _LIMIT or (scale < 0 and remainder):
            raise Terugval


def _neg(value: Any) -> Decimal:
    """Minus; zen's -0 is a zero here, with its scale (the sign of a zero never shows: the
    engine reads every result +0)."""
    if type(value) is not Decimal:
        raise Terugval
    return value.copy_negate() if value else value.copy_abs()  # exact, as copies


def _compare(left: Any, right: Any) -> None:
    kind = type(left)
    if kind is not type(right) or kind not in (Decimal, date):
        raise Terugval


def _lt(left: Any, right: Any) -> bool:
    _compare(left, right)
    return bool(left < right)


def _le(left: Any, right: Any) -> bool:
    _compare(left, right)
    return bool(left <= right)


def _gt(left: Any, right: Any) -> bool:
    _compare(left, right)
    return bool(left > right)


def _ge(left: Any, right: Any) -> bool:
    _compare(left, right)
    return bool(left >= right)


def _eq(left: Any, right: Any) -> bool:
    kind = type(left)
    if kind is not type(right) or kind not in (Decimal, str, bool, date):
        raise Terugval
    return bool(left == right)


def _ne(left: Any, right: Any) -> bool:
    return not _eq(left, right)


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Terugval
    return value


def _not(value: Any) -> bool:
    return not _bool(value)


def _coalesce(value: Any, otherwise: Callable[[], Any]) -> Any:
    return otherwise() if value is None else value


def _between(value: Any, low: Any, high: Any, low_closed: bool, high_closed: bool) -> bool:
    _numbers(value, low)
    _numbers(value, high)
    above = value >= low if low_closed else value > low
    below = value <= high if high_closed else value < high
    return bool(above and below)


def _member(value: Any, items: list[Any]) -> bool:
    kind = type(value)
    if kind not in (Decimal, str) or any(type(item) is not kind for item in items):
        raise Terugval
    return value in items


def _numbers_list(items: Any) -> list[Decimal]:
    if type(items) is not list or any(type(item) is not Decimal for item in items):
        raise Terugval
    return items


def _max(items: Any) -> Decimal:
    """The largest; of equal ones the last, as zen picks."""
    return _pick(items, operator.ge)


def _min(items: Any) -> Decimal:
    """The smallest; of equal ones the first, as zen picks."""
    return _pick(items, operator.lt)


def _pick(items: Any, beats: Callable[[Decimal, Decimal], bool]) -> Decimal:
    """The item that beats every one before it (zen's max and min: which of equal ones)."""
    numbers = _numbers_list(items)
    if not numbers:
        raise Terugval
    best = numbers[0]
    for item in numbers[1:]:
        if beats(item, best):
            best = item
    return best


def _sum(items: Any) -> Decimal:
    total = ZERO
    for item in _numbers_list(items):
        total = _add(total, item)
    return total


def _list(items: Any) -> list[Any]:
    if type(items) is not list:
        raise Terugval
    return items


def _len(items: Any) -> Decimal:
    return Decimal(len(_list(items)))


def _count(items: Any, test: Callable[[Any], Any]) -> Decimal:
    count = 0
    for item in _list(items):
        outcome = test(item)
        if outcome is True:
            count += 1
        elif outcome is not False:
            raise Terugval
    return Decimal(count)


def _filter(items: Any, test: Callable[[Any], Any]) -> list[Any]:
    return [item for item in _list(items) if _bool(test(item))]


def _map(items: Any, function: Callable[[Any], Any]) -> list[Any]:
    return [function(item) for item in _list(items)]


def _some(items: Any, test: Callable[[Any], Any]) -> bool:
    outcomes = [_bool(test(item)) for item in _list(items)]  # each item, as zen tests each
    return any(outcomes)


def _all(items: Any, test: Callable[[Any], Any]) -> bool:
    outcomes = [_bool(test(item)) for item in _list(items)]
    return all(outcomes)


def _abs(value: Any) -> Decimal:
    return _number(value).copy_abs()  # exact: abs() would round to 28 digits


def _ceil(value: Any) -> Decimal:
    return _integral(_number(value), ROUND_CEILING)


def _floor(value: Any) -> Decimal:
    return _integral(_number(value), ROUND_FLOOR)


def _start_of(value: Any, unit: Any) -> date:
    day = _date(value)
    which = _unit(unit)
    if which == "year":
        return day.replace(month=1, day=1)
    if which == "month":
        return day.replace(day=1)
    return day


def _date_add(value: Any, amount: Any, unit: Any) -> date:
    day = _date(value)
    number = _number(amount)
    if number != number.to_integral_value():
        raise Terugval
    count = int(number)
    which = _unit(unit)
    if which == "day":
        try:
            return day + timedelta(days=count)
        except OverflowError as error:
            raise Terugval from error
    if which == "month":
        return _plus_months(day, count)
    try:  # years: zen gives "Invalid date" for 29 February in a year without it
        return day.replace(year=day.year + count)
    except ValueError as error:
        raise Terugval from error


def _date_sub(value: Any, amount: Any, unit: Any) -> date:
    return _date_add(value, _neg(_number(amount)), unit)


_RUNTIME: dict[str, Any] = {
    name: value
    for name, value in globals().items()
    if name.startswith("_") and isinstance(value, types.FunctionType)
}


_RUNTIME["__builtins__"] = {}
