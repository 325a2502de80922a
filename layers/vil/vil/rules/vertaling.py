"""zen's expressions and numbers in Python: the subset the rules use, and zen's results.

The rule authors write zen-engine's expression language and zen stays its reference. This
module has three parts:

- `parse`: the syntax tree of the subset the rules use (literals, names, arithmetic,
  comparisons, and/or/not, `? :`, `??`, intervals, lists with `count`/`filter`/`map`/`sum`/
  `max`/`min`/`len`, rounding, and `d(...)` dates with `diff`/`startOf`/`add`/`sub`), from which
  the decision's fast path generates its functions (vil.rules.snel); NietVertaald outside it.
- zen's reading of a number from its context (`zen_decimal`, `_decimal_read`: `from_f64`, digit
  for digit), its months and `diff`, and `_round`, as the fast path's runtime calls them. With
  the rest of zen's semantics digit for digit (tests/rules/zen.py, `translate`), the property
  tests compare them with zen construct by construct (tests/rules/test_vertaling.py).
- `deel` and `lees`: zen's quotient and reading by value only, at a fraction of the cost, which
  the fast path calls; property tests compare them with the digit-exact ones.

Only the ordinary case is computed. Anything else (a null where a number is needed, a division
by zero, an invalid date such as 29 February minus 18 years, a number beyond rust_decimal's 96
bits) raises `Terugval`, and the caller asks zen instead (the fast path: the reference engine),
so an error message or an odd result is always zen's own. docs/decisions.md ("The decision's
fast path") says why this is safe.
"""

import calendar
import decimal
import functools
import math
import re
import struct
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

_EXACT = Context(prec=80)  # wide enough that sums and products of 96-bit decimals are exact
_LIMIT = 2**96  # rust_decimal's mantissa
_MAX_SCALE = 28


class Terugval(Exception):
    """This evaluation is not the ordinary case: let zen evaluate the expression."""


class NietVertaald(Exception):
    """The expression uses a construct outside the translated subset."""


# --- tokens and syntax tree ------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op>\?\?|==|!=|<=|>=|\.\.|[-+*/%<>()\[\],.?:#!]))"
)
_BINARY = {
    "??": 1,
    "or": 2,
    "and": 3,
    "==": 4,
    "!=": 4,
    "<": 5,
    "<=": 5,
    ">": 5,
    ">=": 5,
    "in": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
}
Tree = tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise NietVertaald(text[position:])
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    return tokens


class _Parser:
    """A precedence-climbing parser for the subset; raises NietVertaald on anything else."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at]

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.at]
        if value is not None and token[1] != value:
            raise NietVertaald(f"{value} verwacht, {token[1]!r} gevonden")
        self.at += 1
        return token

    def parse(self) -> Tree:
        tree = self.expression()
        if self.peek()[0] != "end":
            raise NietVertaald(self.peek()[1])
        return tree

    def expression(self) -> Tree:
        condition = self.binary(1)
        if self.peek() == ("op", "?"):
            self.take()
            then = self.expression()
            self.take(":")
            return ("if", condition, then, self.expression())
        return condition

    def binary(self, level: int) -> Tree:
        left = self.unary()
        while True:
            kind, value = self.peek()
            strength = _BINARY.get(value) if kind in ("op", "name") else None
            if strength is None or strength < level:
                return left
            self.take()
            if value == "in":
                left = ("in", left, self.collection())
            else:
                left = ("bin", value, left, self.binary(strength + 1))

    def unary(self) -> Tree:
        kind, value = self.peek()
        if value == "not" or value == "!":
            self.take()
            return ("not", self.unary())
        if kind == "op" and value == "-":
            self.take()
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def collection(self) -> Tree:
        """After `in`: a list `[a, b]` or an interval `[a..b)`, `(a..b]`."""
        opening = self.take()[1]
        if opening not in "[(":
            raise NietVertaald(opening)
        first = self.expression()
        if self.peek()[1] == "..":
            self.take()
            last = self.expression()
            closing = self.take()[1]
            if closing not in "])":
                raise NietVertaald(closing)
            return ("range", opening == "[", first, last, closing == "]")
        if opening != "[":
            raise NietVertaald(opening)
        items = [first]
        while self.peek()[1] == ",":
            self.take()
            items.append(self.expression())
        self.take("]")
        return ("list", *items)

    def primary(self) -> Tree:
        kind, value = self.take()
        if kind == "num":
            return ("num", Decimal(value))
        if kind == "str":
            return ("str", value[1:-1])
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if value == "[":
            return self.list_literal()
        if value == "#":
            return ("item",)
        if kind == "name":
            return self.name(value)
        raise NietVertaald(value)

    def list_literal(self) -> Tree:
        items = []
        if self.peek()[1] != "]":
            items.append(self.expression())
            while self.peek()[1] == ",":
                self.take()
                items.append(self.expression())
        self.take("]")
        return ("list", *items)

    def name(self, value: str) -> Tree:
        if value in ("true", "false"):
            return ("const", value == "true")
        if value == "null":
            return ("const", None)
        if self.peek()[1] == "(":
            return ("call", value, *self.arguments())
        path = value
        while self.peek()[1] == "." and self.tokens[self.at + 1][0] == "name":
            if self.tokens[self.at + 2][1] == "(":
                break  # a method on the name: `d(x).add(...)` is a postfix
            self.take()
            path += "." + self.take()[1]
        return ("name", path)

    def arguments(self) -> list[Tree]:
        self.take("(")
        arguments = []
        if self.peek()[1] != ")":
            arguments.append(self.expression())
            while self.peek()[1] == ",":
                self.take()
                arguments.append(self.expression())
        self.take(")")
        return arguments

    def postfix(self, tree: Tree) -> Tree:
        while self.peek()[1] == ".":
            self.take()
            kind, member = self.take()
            if kind != "name":
                raise NietVertaald(member)
            if self.peek()[1] == "(":
                tree = ("method", member, tree, *self.arguments())
            elif tree == ("item",) or tree[0] == "field":
                tree = ("field", tree, member)
            else:
                raise NietVertaald(member)
        return tree


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Tree:
    """The syntax tree of an expression in the translated subset; NietVertaald otherwise.
    Kept per text: a regeling version's three generated functions read each tree (the tree
    is tuples, never changed)."""
    return _Parser(text).parse()


# --- the runtime: zen's semantics for the ordinary case -------------------------------------


_P52 = str(2**52)


def _decimal_read(value: Decimal, text: str | None = None) -> Decimal:
    """zen's reading of the float `to_zen` makes of it (`text`: the value's, when at hand),
    without the float's conversion where its outcome is known: a whole number is read as an
    integer; a number of at most 15 digits (and at least 10^-4) comes back from the float as
    its own digits when its 16-digit prefix is below 4 * 10^15 or at least 2^52
    (`zen_decimal`), or when the float lies near enough to it (`_blijft`); anything else is
    converted from the float."""
    if text is None:
        text = str(value)
    if "E" not in text:
        whole, _, written = text.partition(".")
        fraction = written.rstrip("0")
        if not fraction:
            return Decimal(int(whole))
        digits = (whole + fraction).lstrip("-0")
        if (
            len(digits) <= 15
            and value.adjusted() >= -4
            and (
                digits[0] != "4"
                or digits.ljust(16, "0") >= _P52
                or _blijft(text, digits, len(fraction))
            )
        ):
            # Its own digits without trailing zeros: the value itself when it has none.
            return value if len(fraction) == len(written) else Decimal(f"{whole}.{fraction}")
    elif int(value) == value:
        return Decimal(int(value))
    number = float(text)
    try:
        return _f64(number)
    except Terugval:
        # Kept as the float: every operation of the translation refuses it (Terugval), so an
        # expression that reads it is zen's.
        return number  # type: ignore[return-value]


def _blijft(text: str, digits: str, places: int) -> bool:
    """Whether a number (`text`) of at most 15 digits (`digits`, `places` of them after the
    point) whose 16-digit prefix is from 4 * 10^15 to 2^52 comes back from its float as itself.
    The float lies within half a 16th digit of it (the prefix is below 2^52), so from_f64's
    digit-by-digit rounding (`_van_f64`) rounds a float below it up to it, and one above it by
    less than 0.44 of that digit down to it (from 0.444...45 it may round up): in whole
    numbers, (float - number) * 10^(15 - the first digit's power) < 0.44."""
    numerator, denominator = float(text).as_integer_ratio()  # the denominator a power of two
    scale = _TIEN[places]
    above = abs(numerator) * scale - int(digits) * denominator
    first = len(digits) - 1 - places  # the first digit's power of ten
    return above <= 0 or above * _TIEN[17 - first] < 44 * denominator * scale


# Below this 16-digit prefix a float lies within a quarter of its 16th digit of its shortest
# text, so from_f64's 16 digits (even rounded digit by digit) give that text back; from 4 the
# error can reach 0.44 of a digit, which the digit-by-digit rounding may turn into a 5.
_SAFE_SIXTEEN = 4 * 10**15


def zen_decimal(value: float) -> Decimal:
    """The decimal zen computes with for a float in its context: rust_decimal's `from_f64`,
    which keeps 15 or 16 significant digits of the float's binary value. A float whose shortest
    text has at most 15 digits and whose first 16 digits are at least 2^52 keeps exactly that
    text (from_f64 rounds its 16-digit approximation to 15 digits then); any other float is
    converted by the closed form of rust_decimal's steps (`_van_f64`), or where that is in
    doubt, step by step as rust_decimal does (`_from_f64`)."""
    text = repr(value)
    if "e" not in text and "n" not in text:
        whole, _, fraction = text.partition(".")
        digits = (whole.lstrip("-") + fraction).lstrip("0")
        fraction = fraction.rstrip("0")
        lead = int(digits.ljust(16, "0")[:16])
        if len(digits.rstrip("0")) <= 15 and (lead >= 2**52 or lead < _SAFE_SIXTEEN):
            return Decimal(f"{whole}.{fraction}" if fraction else whole)
    return _f64(value)


def _f64(number: float) -> Decimal:
    """rust_decimal's `from_f64`: by its closed form (`_van_f64`), or where that is in doubt,
    step by step (`_from_f64`); Terugval where it gives no decimal."""
    found = _van_f64(number)
    if found is None:
        found = _from_f64(number)
        if found is None:
            raise Terugval
    return found


def _from_f64(value: float) -> Decimal | None:
    """rust_decimal's `from_f64` (with its excess bits removed), on Python integers."""
    raw = struct.unpack("<Q", struct.pack("<d", value))[0]
    negative, biased, bits = raw >> 63, (raw >> 52) & 0x7FF, raw & 0xFFFFFFFFFFFFF
    if biased == 0x7FF:
        return None
    if biased == 0 and bits == 0:
        return None  # ±0.0: the engine gives zen 0 as an integer; a float zero is zen's
    exponent2 = biased - 1023 - 52 + (1 if biased == 0 else 0)
    if biased:
        bits |= 1 << 52
    bits, exponent5, exponent10 = _base5(bits, -exponent2, exponent2)
    while exponent5 < 0:
        if bits < 2**95:
            exponent10, exponent5, bits = exponent10 - 1, exponent5 + 1, bits << 1
        elif exponent10 * 2 > -exponent5:
            return None
        else:
            exponent5, bits = exponent5 + 1, bits // 5
    if exponent10 > 0:
        bits *= 10**exponent10
        if bits >= _LIMIT:
            return None
        exponent10 = 0
    return _trimmed(bits, exponent10, negative)


def _base5(bits: int, exponent5: int, exponent10: int) -> tuple[int, int, int]:
    """The powers of two below one turned into powers of ten: halve an even mantissa, times
    five an odd one while it fits in 96 bits, else halve it (losing its last bit)."""
    while exponent5 > 0:
        if not bits & 1:
            shift = min((bits & -bits).bit_length() - 1, exponent5)
            bits >>= shift
            exponent10 += shift
            exponent5 -= shift
            continue
        while exponent5 > 0 and bits * 5 < _LIMIT:
            bits *= 5
            exponent5 -= 1
        if exponent5 > 0:
            exponent5, exponent10, bits = exponent5 - 1, exponent10 + 1, bits >> 1
    return bits, exponent5, exponent10


def _trimmed(bits: int, exponent10: int, negative: int) -> Decimal:
    """At most scale 28, then at most 52 bits (15 or 16 digits), each digit removed rounding
    half up on what the previous removals left; then no trailing zeros."""
    if exponent10 < -_MAX_SCALE:
        bits = _rounded_away(bits, -_MAX_SCALE - exponent10)
        exponent10 = -_MAX_SCALE
        if bits == 0:
            raise Terugval  # too small for 28 decimals: a signed zero, zen's to judge
    if exponent10 < 0 and bits >= 2**52:
        remove = min(len(str(bits)) - 16, -exponent10)
        if remove > 0:
            bits = _rounded_away(bits, remove)
            exponent10 += remove
        while exponent10 < 0 and bits >= 2**52:
            bits, rest = divmod(bits, 10)
            bits += rest >= 5
            exponent10 += 1
    digits = str(bits)
    if exponent10 < 0:
        kept = digits.rstrip("0")
        zeros = min(len(digits) - len(kept), -exponent10)
        digits, exponent10 = digits[: len(digits) - zeros], exponent10 + zeros
    return Decimal(f"{'-' if negative else ''}{digits}E{exponent10}")


def _rounded_away(bits: int, count: int) -> int:
    """`count` digits removed one at a time, each rounding half up the number the previous
    one left: the last kept digit goes up when the removed ones, past their leading 4s, start
    with 5 or more (a removed 4 becomes 5 when what follows it rounded up)."""
    digits = str(bits).zfill(count)  # removing more digits than there are removes zeros
    removed = digits[-count:].lstrip("4")
    return int(digits[:-count] or "0") + (removed[:1] >= "5")


def _fits(value: Decimal) -> Decimal:
    """A result rust_decimal holds exactly (at most 96 bits, scale 28); Terugval otherwise,
    where rust_decimal would round."""
    _, digits, exponent = value.as_tuple()
    if -exponent > _MAX_SCALE or (  # type: ignore[operator]
        len(digits) >= 29 and int("".join(map(str, digits))) >= _LIMIT
    ):
        raise Terugval
    return value


def _number(value: Any) -> Decimal:
    if type(value) is not Decimal:
        raise Terugval
    return value


def _integral(value: Decimal, rounding: str) -> Decimal:
    return Decimal(int(value.to_integral_value(rounding)))


def _round(value: Any, places: Any = None) -> Decimal:
    """Half away from zero; a number with no more decimals than asked stays as it is."""
    number = _number(value)
    if places is None:
        return _integral(number, ROUND_HALF_UP)
    digits = int(_number(places))
    if digits < 0 or -number.as_tuple().exponent <= digits:  # type: ignore[operator]
        if digits < 0:
            raise Terugval
        return number
    return _fits(number.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, _EXACT))


# Dates: zen's d(...) of a 'YYYY-MM-DD' text; other texts and times are zen's to judge.


def _d(value: Any) -> date:
    if type(value) is date:
        return value
    if type(value) is not str or len(value) != 10:
        raise Terugval
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise Terugval from error


def _date(value: Any) -> date:
    if type(value) is not date:
        raise Terugval
    return value


_UNITS = {"d": "day", "day": "day", "days": "day", "M": "month", "month": "month"}
_UNITS |= {"months": "month", "y": "year", "year": "year", "years": "year"}


def _unit(value: Any) -> str:
    unit = _UNITS.get(value) if type(value) is str else None
    if unit is None:
        raise Terugval
    return unit


def _plus_months(day: date, months: int) -> date:
    """Months added as zen does: the day of the month clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise Terugval
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _months_between(later: date, earlier: date) -> int:
    """Whole months from `earlier` to `later` (later >= earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if _plus_months(earlier, months) > later:
        months -= 1
    return months


def _diff(left: Any, right: Any, unit: Any = "day") -> Decimal:
    first, second = _date(left), _date(right)
    which = _unit(unit)
    if which == "day":
        return Decimal((first - second).days)
    sign = 1
    if first < second:
        first, second, sign = second, first, -1
    months = _months_between(first, second)
    return Decimal(sign * (months // 12 if which == "year" else months))


# --- by value, for the fast path (vil.rules.snel) --------------------------------------------
#
# A decision reads values, not their digits: these give the value zen computes (the functions
# above, and tests/rules/zen.py, give its digits and scale too), at a fraction of the cost.

_WIDE = decimal.Context(prec=60)  # exact for what the quotients and floats below need
_EXACT_PLACES = [10**scale for scale in range(29)]


def deel(left: Any, right: Any) -> Decimal:
    """The value of rust_decimal's quotient (tests/rules/zen.py's `_div` gives its digits and
    scale too): rounded half to even at the largest scale, at most 28, whose quotient fits in 96
    bits; Terugval where rust_decimal would fail or the digit-exact division leaves it to zen."""
    numerator, denominator = (left, 1) if type(left) is int else Decimal(left).as_integer_ratio()
    top, bottom = (right, 1) if type(right) is int else Decimal(right).as_integer_ratio()
    if not top:
        raise Terugval  # zen gives null
    numerator, denominator = numerator * bottom, denominator * top
    if not numerator:
        return Decimal(0)
    negative = (numerator < 0) != (denominator < 0)
    numerator, denominator = abs(numerator), abs(denominator)
    # A whole part of k digits fits at most 29 - k places: the search starts there.
    whole = numerator // denominator
    scale = min(28, 29 - len(str(whole))) if whole else 28
    if scale < 0:
        raise Terugval  # beyond 96 bits
    quotient, remainder = divmod(numerator * _EXACT_PLACES[scale], denominator)
    while quotient >= _LIMIT:
        scale -= 1
        if scale < 0:
            raise Terugval
        quotient, remainder = divmod(numerator * _EXACT_PLACES[scale], denominator)
    if remainder:
        if scale < 28 and quotient * 10 < _LIMIT:
            raise Terugval  # rust_decimal takes one digit more, beyond 96 bits: zen's to judge
        doubled = 2 * remainder
        if doubled > denominator or (doubled == denominator and quotient & 1):
            quotient += 1
            if quotient >= _LIMIT:
                raise Terugval
    return _WIDE.scaleb(Decimal(-quotient if negative else quotient), -scale)


_BITS52 = 2**52
_TIEN: list[int] = [10**power for power in range(42)]


def _van_f64(number: float) -> Decimal | None:
    """rust_decimal's `from_f64` by its closed form, on whole numbers: the float's exact value
    cut to 16 significant digits (15 when they are 2^52 or more), each digit removed rounding
    half up on what the previous removals left, without trailing zeros. None where the digits
    after the cut leave the outcome in doubt (a run of 4s, or what `_from_f64`'s 96-bit steps
    may change), or outside 10^-12 to 10^15: `_from_f64` decides those."""
    if not 1e-13 <= abs(number) < 1e16:  # zero too
        return None
    numerator, denominator = number.as_integer_ratio()  # the denominator a power of two
    sign = ""
    if numerator < 0:
        sign, numerator = "-", -numerator
    digits, adjusted = _eerste_cijfers(numerator, denominator)
    if not -12 <= adjusted < 15:
        return None
    kept, removed = divmod(digits, _TIEN[10])
    deciding = f"{removed:010d}".lstrip("4")
    rest = deciding[1:]
    if not deciding or not rest.lstrip("9") or not rest.lstrip("0"):
        return None
    kept += deciding[0] >= "5"
    exponent = adjusted - 15
    if kept >= _BITS52:  # 16 digits are 2^52 or more: one digit less, half up
        kept, last = divmod(kept, 10)
        kept += last >= 5
        exponent += 1
    if exponent >= 0:
        return None
    text = str(kept)
    zeros = min(len(text) - len(text.rstrip("0")), -exponent)
    return Decimal(f"{sign}{text[: len(text) - zeros]}E{exponent + zeros}")


def _eerste_cijfers(numerator: int, denominator: int) -> tuple[int, int]:
    """The first 26 significant digits of a fraction from 10^-13 to 10^16, cut, as a whole
    number; and the power of ten of the first (the logarithm may be one off)."""
    adjusted = math.floor(math.log10(numerator / denominator))
    while True:
        digits = numerator * _TIEN[25 - adjusted] // denominator
        if digits >= _TIEN[26]:
            adjusted += 1
        elif digits < _TIEN[25]:
            adjusted -= 1
        else:
            return digits, adjusted


# Numbers `lees` read the long way, by their text (a string hashes in a fraction of the time
# a Decimal takes): many values repeat.
_GELEZEN: dict[str, Any] = {}
_GELEZEN_MAX = 4096
# A number whose text is at most this long and starts with one of these, or with a 4 and a
# 6 to 9 (its 16-digit prefix from 2^52: outside the band from 4 * 10^15 where a float may sit
# near half a 16th digit), `lees` takes as it is: the common case, which vil.rules.snel's
# generated functions test inline (`ZELF_LENGTE`, `ZELF_BEGIN`, `ZELF_VIER`).
ZELF_LENGTE = 15
ZELF_BEGIN = "12356789"
ZELF_VIER = ("46", "47", "48", "49")


def lees(value: Any) -> Any:
    """A number as zen reads it from its context (`to_zen`, then its float read), by value:
    one of at most 15 digits from 1 whose first two digits are not 40 to 45 as it is
    (`ZELF_BEGIN`, `ZELF_VIER`), anything else as `_decimal_read` reads it (`lees_tekst`)."""
    if type(value) is not Decimal:
        return value
    text = str(value)
    if len(text) <= ZELF_LENGTE and (text[0] in ZELF_BEGIN or text[:2] in ZELF_VIER):
        return value
    return lees_tekst(value, text)


def lees_alle(values: list[Any]) -> list[Any]:
    """`lees` of each value in place, in one call (a list input's numbers)."""
    for index, value in enumerate(values):
        if type(value) is Decimal:
            text = str(value)
            if len(text) > ZELF_LENGTE or (text[0] not in ZELF_BEGIN and text[:2] not in ZELF_VIER):
                values[index] = lees_tekst(value, text)
    return values


def lees_tekst(value: Decimal, text: str) -> Decimal:
    """`lees` of a number it does not take as it is (`_decimal_read`), kept by its text."""
    read = _GELEZEN.get(text)
    if read is None:
        read = _decimal_read(value, text)
        if len(_GELEZEN) >= _GELEZEN_MAX:
            _GELEZEN.clear()
        _GELEZEN[text] = read
    if type(read) is not Decimal:  # kept as a float: zen's to judge
        raise Terugval
    return read
