"""The decision's fast path: one plain Python function per regeling version.

The node-by-node engine (vil.rules.regel._Run, every expression by zen) is the reference: it
handles every case. For a household given as a model the decision is computed here instead, by
a function generated from the compiled plan the first time a version decides (`plan`): steps
are locals computed where the reference first needs them, facts are read once, parameters and
parameter-only nodes come from the version's `Snelstand` of the peildatum and gemeente, and the
parameters each node read are bits of an integer. A missing fact leaves a node without a value
(B), as in the reference. Anything the function does not vouch for raises (a division by zero,
an invalid date, a rounding), and the reference decides that household and regeling
(`TELLING`; `vil bench` prints how often).

The function gives zen's values, not Python's own: numbers are `Decimal`, computed exactly
(a decimal context that raises on any rounding, `EXACT`), division and the reading of a number
as zen reads it from its context by vil.rules.vertaling (`deel`, `lees`), dates as zen's. It
does not keep zen's scale (trailing zeros): a decision reads values only, and so does its
explanation, which prints them normalised (vil.rules.snelspoor.SnelSpoor gives it the reference
trace's shape). docs/decisions.md ("The decision's fast path") says why this is safe and how it
is checked.
"""

import decimal
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from vil.models.regeling import InvoerType, StapType
from vil.rules import vertaling
from vil.rules.feiten import PLEKKEN, PREFIX, UITKOMST, Ontbreekt, lijstinvoer
from vil.rules.vertaling import ZELF_BEGIN, ZELF_LENGTE, ZELF_VIER, Terugval, deel, lees_tekst

if TYPE_CHECKING:
    from vil.rules.regel import CompiledRegeling, Node

# Exact arithmetic: a result that would need rounding raises (decimal.Inexact), and the
# reference decides instead, as zen (rust_decimal) might round it otherwise.
EXACT = decimal.Context(
    prec=28,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


class _Telling:
    """How many decisions the fast path left to the reference (vil bench reports it)."""

    __slots__ = ("terugval",)

    def __init__(self) -> None:
        self.terugval = 0


TELLING = _Telling()


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "U"


U = _Unset()  # a step or voorwaarde not computed
M = _Unset()  # a fact missing
B = _Unset()  # a step or voorwaarde without a value: a fact it needs is missing


# --- the runtime the generated functions call ------------------------------------------------


def _ceil(value: Any) -> Any:
    return value if type(value) is int else value.to_integral_value(ROUND_CEILING)


def _floor(value: Any) -> Any:
    return value if type(value) is int else value.to_integral_value(ROUND_FLOOR)


def _round(value: Any, places: Any = None) -> Decimal:
    return vertaling._round(Decimal(value), None if places is None else Decimal(places))


def _d(value: Any) -> date:
    if type(value) is date:
        return value
    return vertaling._d(value)


def _jaren(day: date, count: Any) -> date:
    if count != int(count):
        raise Terugval
    # 29 February in a year without it: ValueError, zen's to judge
    return date(day.year + int(count), day.month, day.day)


def _maanden(day: date, count: Any) -> date:
    if count != int(count):
        raise Terugval
    return _plus_maanden(day, int(count))


def _plus_maanden(day: date, count: int) -> date:
    """Months added as zen adds them (vertaling._plus_months): the day clipped to the
    month's last day, which only a day after the 28th needs to look up."""
    if day.day > 28:
        return vertaling._plus_months(day, count)
    year, month = divmod(day.year * 12 + day.month - 1 + count, 12)
    return date(year, month + 1, day.day)


def _dagen(day: date, count: Any) -> date:
    if count != int(count):
        raise Terugval
    return date.fromordinal(day.toordinal() + int(count))


def _diff(later: date, earlier: date, unit: str) -> int:
    """zen's `diff` (vertaling._diff) in days, months or years; whole months counted from a
    day up to the 28th without looking up a month's length."""
    if unit == "day":
        return (later - earlier).days
    sign = 1
    if later < earlier:
        later, earlier, sign = earlier, later, -1
    if earlier.day > 28:
        months = vertaling._months_between(later, earlier)
    else:
        months = (later.year - earlier.year) * 12 + later.month - earlier.month
        if earlier.day > later.day:
            months -= 1
    return sign * (months // 12 if unit == "year" else months)


# `diff` in years and in months (`_diff`) in the generated code: from an earlier day up to
# the 28th without a call (in years without counting months: a day is below 32).
# The earlier day's `day` is read once ({d}): a date's fields are no attributes Python 3.13
# can specialise (getset descriptors), each read about 50 ns.
JAREN_TUSSEN = (
    "(_diff({a}, {b}, 'year') if ({a} := {later}) < ({b} := {earlier}) or ({d} := {b}.day) > 28"
    " else {a}.year - {b}.year - ({a}.month * 32 + {a}.day < {b}.month * 32 + {d}))"
)
MAANDEN_TUSSEN = (
    "(_diff({a}, {b}, 'month') if ({a} := {later}) < ({b} := {earlier}) or ({d} := {b}.day) > 28"
    " else ({a}.year - {b}.year) * 12 + {a}.month - {b}.month - ({d} > {a}.day))"
)
# The same from a later day whose fields the stand holds (`Snelstand.dagen`): the peildatum
# or a parameter-only step, the same for every household. {j} is `dagen`'s tuple, unpacked
# at the function's start.
JAREN_VANAF = (
    "(_diff({a}, {b}, 'year') if ({a} := {later}) < ({b} := {earlier}) or ({d} := {b}.day) > 28"
    " else {j}j - {b}.year - ({j}k < {b}.month * 32 + {d}))"
)
MAANDEN_VANAF = (
    "(_diff({a}, {b}, 'month') if ({a} := {later}) < ({b} := {earlier}) or ({d} := {b}.day) > 28"
    " else {j}m - {b}.year * 12 - {b}.month - ({d} > {j}d))"
)
_TUSSEN = {"year": (JAREN_TUSSEN, JAREN_VANAF), "month": (MAANDEN_TUSSEN, MAANDEN_VANAF)}
PEILDATUM = -1  # the peildatum's place in `Snelstand.dagen`, beside the nodes' numbers


def _dag_local(nummer: int) -> str:
    """The prefix of the locals of a day's fields (`dag`) in the generated function."""
    return "_jp" if nummer == PEILDATUM else f"_j{nummer}"


def dag(day: date) -> tuple[int, int, int, int]:
    """A later day's fields as JAREN_VANAF and MAANDEN_VANAF read them: the year, month * 32
    + day, year * 12 + month, and the day."""
    return day.year, day.month * 32 + day.day, day.year * 12 + day.month, day.day


RUNTIME: dict[str, Any] = {
    "__builtins__": {},
    "U": U,
    "M": M,
    "B": B,
    "T": Terugval,
    "O": Ontbreekt,
    "lees_tekst": lees_tekst,
    "D": Decimal,
    "_deel": deel,
    "_ceil": _ceil,
    "_floor": _floor,
    "_round": _round,
    "_d": _d,
    "_date": date,
    "_jaren": _jaren,
    "_maanden": _maanden,
    "_plus_maanden": _plus_maanden,
    "_dagen": _dagen,
    "_diff": _diff,
    "len": len,
    "str": str,
    "type": type,
    "max": max,
    "min": min,
    "sum": sum,
    "abs": abs,
    "any": any,
    "all": all,
}
_UNITS = {"d": "_dagen", "day": "_dagen", "days": "_dagen", "M": "_maanden", "month": "_maanden"}
_UNITS |= {"months": "_maanden", "y": "_jaren", "year": "_jaren", "years": "_jaren"}
_GETALLEN = (InvoerType.bedrag, InvoerType.getal)
_DIFF_UNITS = {"d": "day", "day": "day", "days": "day", "M": "month", "month": "month"}
_DIFF_UNITS |= {"months": "month", "y": "year", "year": "year", "years": "year"}
_BEGIN = ("day", "month", "year")  # the units of `startOf` (`_Expressies.start_of`)


# --- the generated function -------------------------------------------------------------------


@dataclass(slots=True)
class Snelstand:
    """A regeling's fast decision on one peildatum in one gemeente: its generated function
    (`plan`) and what that reads."""

    plan: "Plan"
    waarden: Mapping[str, Any]  # the parameters' values (regel.Stand's), for the explanation
    p: dict[str, Any]  # the parameters, read as zen reads them
    c: dict[int, Any]  # the parameter-only nodes' outcomes, by node number
    r: dict[int, Any]  # the same as the next expression reads them (`lees`)
    indicatief: int  # the bits of the parameters that make an outcome indicatief
    bedrag_onbekend: bool  # a parameter of the amount alone has no value
    minimum: Decimal | None  # the lowest amount that is paid
    # The fields (`dag`) of the peildatum (PEILDATUM) and of each parameter-only node that
    # gives a date (by number): the later day of the ages the function computes.
    dagen: dict[int, tuple[int, int, int, int]]
    # The refusal by the woonplaats (Plan.weigering_per_gemeente), the same for every
    # household of this gemeente: made by the first (a snelspoor.Snel).
    weigering: Any = None


@dataclass(frozen=True, slots=True)
class Plan:
    """A regeling version's generated decision function and what its caller needs to know.

    `beslis(h, S, X)` (the household's Velden, its Snelstand, its Huishoudfeiten) returns
    (recht, the amount step's value, the bits of the parameters that decided it, those of the
    amount, the bits of the other regelingen whose outcome it read, the voorwaarden that
    refused or were left open, the steps' values, the voorwaarden's outcomes, the missing facts
    by input number, the hint's value, whether a decisive voorwaarde refused). A step or
    voorwaarde not evaluated is U; one without a value for want of a fact is B (a voorwaarde:
    None); the amount step's value is B when a missing fact left it without one.

    `beslissing(h, S, X)` is the same function for the decision alone (a batch): it returns
    (recht, the amount step's value, the bits of the parameters, those of the amount, the
    bits of the other regelingen, the voorwaarden that refused or were left open, the missing
    facts, whether a decisive voorwaarde refused), and sets up only the steps it tests.

    `zuiver(h, S, X)` is `beslissing` for a household with every fact it reads: None as soon
    as one is missing (then `beslissing` names it). Without a missing fact no step is left
    without a value, so it tests none for B, and the bits of most steps are known at load.
    """

    beslis: Callable[..., tuple[Any, ...]]
    beslissing: Callable[..., tuple[Any, ...]]
    zuiver: Callable[..., tuple[Any, ...] | None]
    bron: str  # beslis's source, for a reader and the tests
    bits: dict[str, int]  # parameter -> its bit, in name order
    # The parameters whose bits are set (`_namen`), kept per set of bits: few repeat.
    namen: Callable[[int], frozenset[str]]
    # Per voorwaarde (by index), the regelingen whose outcome it reads, through its steps.
    leest_uitkomst_van: tuple[frozenset[str], ...]
    afhankelijk: tuple[str, ...]  # the regelingen whose outcome it reads, by bit
    alleen_bedrag: frozenset[str]  # the parameters only the amount's own expression reads
    # Whether a decisive refusal rests on the gemeentecode alone (the woonplaats), and so is
    # the same for every household of the gemeente on the peildatum.
    weigering_per_gemeente: bool
    # The steps as the explanation lists them, in the rule file's order: their number in the
    # function's tuple, name, omschrijving and grondslag.
    uitleg: tuple[tuple[int, str, str, str], ...]
    # What another regeling reads (`berekening.<stap>`, `voorwaarden.<naam>`) -> where the
    # function's tuples hold it: (0, step number) or (1, voorwaarde number).
    plekken: dict[str, tuple[int, int]]


def _namen(per_bit: Mapping[int, str], bits: int) -> frozenset[str]:
    """The parameters whose bits are set."""
    found = set()
    while bits:
        lowest = bits & -bits
        found.add(per_bit[lowest])
        bits ^= lowest
    return frozenset(found)


def plan(regel: "CompiledRegeling", attributen: Mapping[str, str]) -> Plan:
    """Generate and compile the decision functions of a compiled regeling."""
    generator = _Generator(regel, attributen)
    source = generator.source()
    return Plan(
        beslis=_functie(generator, source),
        beslissing=_functie(kort := _Generator(regel, attributen, kort=True), kort.source()),
        zuiver=_functie(z := _Generator(regel, attributen, kort=True, zuiver=True), z.source()),
        bron=source,
        bits=generator.bits,
        namen=functools.lru_cache(maxsize=4096)(
            functools.partial(_namen, {bit: name for name, bit in generator.bits.items()})
        ),
        leest_uitkomst_van=tuple(
            frozenset(generator.uitkomsten_van(v.node)) for v in regel.voorwaarden
        ),
        afhankelijk=tuple(generator.afhankelijk),
        alleen_bedrag=frozenset(generator.alleen_bedrag()),
        weigering_per_gemeente=all(
            v.node.inputs <= {"gemeentecode"} and not v.node.steps and v.hint is None
            for v in regel.voorwaarden
            if v.beslissend
        ),
        plekken={
            **{f"berekening.{naam}": (0, i) for i, naam in enumerate(generator.steps)},
            **{f"voorwaarden.{v.spec.naam}": (1, i) for i, v in enumerate(regel.voorwaarden)},
        },
        uitleg=tuple(
            (generator.index[naam], naam, omschrijving, grondslag)
            for _, naam, omschrijving, grondslag in regel.stappen
        ),
    )


def _functie(generator: "_Generator", source: str) -> Callable[..., tuple[Any, ...]]:
    namespace = {**RUNTIME, **generator.constants}
    soort = " zuiver" if generator.zuiver else " beslissing" if generator.kort else ""
    name = f"<snel {generator.regel.id}{soort}>"
    exec(compile(source, name, "exec"), namespace)  # noqa: S102 - our own source
    return namespace["beslis"]  # type: ignore[no-any-return]


class NietSnel(Exception):
    """A construct the generator does not handle: the reference evaluates the regeling."""


Tree = tuple[Any, ...]  # vertaling's syntax tree
_CLOSURES = ("count", "filter", "map", "some", "all")
_VERGELIJKINGEN = ("<", "<=", ">", ">=", "==", "!=")
# The closures a row that fails the first part of an `and` leaves as they are (a window of a
# month series, `_Expressies.venster`): not `all`, which such a row makes false, nor `map`.
_VENSTERBAAR = ("count", "filter", "some")
# A closure as a loop (`_Expressies.closure`): its result's start, the test, what a row does.
_LUSSEN = {
    "count": ("{r} = 0", "if {test}:", "{r} += 1"),
    "filter": ("{r} = []", "if {test}:", "{r}.append({i})"),
    "map": ("{r} = []", "", "{r}.append({test})"),
    "some": ("{r} = False", "if {test}:", "{r} = True; break"),
    "all": ("{r} = True", "if not {test}:", "{r} = False; break"),
}


class _Maandbegin(str):
    """The source of a date that is the first of a month (`_date(jaar, maand, 1)`), with the
    source of its year and of its month, each evaluated once and the year first."""

    jaar: str
    maand: str

    def __new__(cls, jaar: str, maand: str) -> "_Maandbegin":
        source = super().__new__(cls, f"_date({jaar}, {maand}, 1)")
        source.jaar, source.maand = jaar, maand
        return source


def _of(*masks: str) -> str:
    """Masks ORed, as source: their numbers folded into one, without a 0."""
    number = 0
    names = []
    for mask in masks:
        for part in mask.split(" | "):
            if part.isdigit():
                number |= int(part)
            elif part not in names:
                names.append(part)
    return " | ".join(([str(number)] if number else []) + names) or "0"


class _Expressies:
    """Python source for an expression's syntax tree (vertaling.parse), reading the locals of
    the generated function: numbers with Python's operators (exact, under EXACT), division,
    dates and the reading of numbers by the runtime above. `#.veld` in a closure is a place in
    the row tuples of the list looped over (Huishoudfeiten.lijst)."""

    regel: "CompiledRegeling"
    facts: dict[str, str]  # input path -> its local
    index: dict[str, int]  # step -> its number
    long: set[str]  # the numeric steps, read through r<n>
    constants: dict[str, Any]

    def __init__(self) -> None:
        self.temps = 0
        self.hele: set[str] = set()  # the steps that certainly give a whole number (`heel`)
        self.dagen: set[int] = set()  # the days whose fields the stand holds (`vaste_dag`)
        self.looped: list[str] = []  # the list inputs of the closures being generated
        # The loops of the closures an expression evaluates on every path, to go before its
        # statement (`hoisted`); None where a part is evaluated on a condition only.
        self.lussen: list[tuple[int, str]] | None = None

    def constant(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def temp(self, prefix: str) -> str:
        self.temps += 1
        return f"{prefix}{self.temps}"

    def code(self, tree: Tree) -> str:
        method: Callable[[Tree], str] = getattr(self, "t_" + tree[0])
        return method(tree)

    def hoisted(self, tree: Tree) -> tuple[list[tuple[int, str]], str]:
        """An expression's code and the lines to go before it (with their indent): the loops
        of the closures it evaluates on every path. A loop in the function itself makes no
        function object (Python 3.11 makes one per comprehension) and no cells for the locals
        it reads, and `some`/`all` no generator in any version."""
        self.lussen = []
        try:
            return self.lussen, self.code(tree)
        finally:
            self.lussen = None

    def conditional(self, tree: Tree) -> str:
        """The code of a part evaluated on a condition only: its closures stay expressions."""
        lussen, self.lussen = self.lussen, None
        try:
            return self.code(tree)
        finally:
            self.lussen = lussen

    def t_num(self, tree: Tree) -> str:
        value: Decimal = tree[1]
        return str(int(value)) if value == value.to_integral_value() else self.constant(value)

    def t_str(self, tree: Tree) -> str:
        return repr(tree[1])

    def t_const(self, tree: Tree) -> str:
        return repr(tree[1])

    def t_name(self, tree: Tree) -> str:
        name = tree[1]
        if name in ("peildatum", "heeftPartner"):
            return str(name)
        if name in self.facts:
            return self.facts[name]
        if name in self.index:
            return f"{'r' if name in self.long else 'v'}{self.index[name]}"
        if name in self.regel.parameters:
            return f"P[{name!r}]"
        raise NietSnel(name)

    def t_item(self, tree: Tree) -> str:
        raise NietSnel("#")  # only as `#.veld`, in a closure (`fields`)

    def t_field(self, tree: Tree) -> str:
        raise NietSnel("een veld buiten een lijst")

    def t_raw(self, tree: Tree) -> str:
        return str(tree[1])  # a field of the row looped over (`fields`)

    def t_not(self, tree: Tree) -> str:
        return f"(not {self.code(tree[1])})"

    def t_neg(self, tree: Tree) -> str:
        return f"(-{self.code(tree[1])})"

    def t_if(self, tree: Tree) -> str:
        condition = self.code(tree[1])
        return f"({self.conditional(tree[2])} if {condition} else {self.conditional(tree[3])})"

    def t_bin(self, tree: Tree) -> str:
        operator, left, right = tree[1:]
        if operator == "??":
            temp = self.temp("_n")
            first = self.code(left)
            # a whole number given where a Decimal may stand is one too (`decimaal`)
            default = (
                self.constant(right[1]) if self.decimaal(right, left) else self.conditional(right)
            )
            return f"({temp} if ({temp} := {first}) is not None else {default})"
        if operator == "/":
            return f"_deel({self.code(left)}, {self.code(right)})"
        if operator in ("and", "or"):
            return f"({self.code(left)} {operator} {self.conditional(right)})"
        if operator in _VERGELIJKINGEN:
            return f"({self.vergeleken(left, right)} {operator} {self.vergeleken(right, left)})"
        return f"({self.code(left)} {operator} {self.code(right)})"

    def vergeleken(self, tree: Tree, other: Tree) -> str:
        """A side of a comparison (`decimaal`)."""
        return self.constant(tree[1]) if self.decimaal(tree, other) else self.code(tree)

    def decimaal(self, tree: Tree, other: Tree) -> bool:
        """Whether a whole number in the rule is compared as a Decimal, or given as one by
        `??`: where the other side may be one (comparing or adding a Decimal and an int
        converts the int each time)."""
        return tree[0] == "num" and self.is_int(tree) and not self.is_int(other)

    def t_list(self, tree: Tree) -> str:
        return "(" + "".join(self.code(item) + ", " for item in tree[1:]) + ")"

    def t_in(self, tree: Tree) -> str:
        value, collection = tree[1:]
        if collection[0] == "range":
            low_closed, low, high, high_closed = collection[1:]
            lower = "<=" if low_closed else "<"
            upper = "<=" if high_closed else "<"
            first = f"{self.code(low)} {lower} {self.code(value)}"
            return f"({first} {upper} {self.conditional(high)})"  # high: when the first holds
        return f"({self.code(value)} in {self.code(collection)})"

    def t_call(self, tree: Tree) -> str:
        function, arguments = tree[1], tree[2:]
        if function in _CLOSURES and len(arguments) == 2:
            return self.closure(function, arguments[0], arguments[1])
        if function in ("max", "min") and len(arguments) == 1 and arguments[0][0] == "list":
            return self.extreme(function, arguments[0][1:])
        if (datum := self.datum_zelf(tree)) is not tree:
            return self.code(datum)
        code = ", ".join(self.code(argument) for argument in arguments)
        if function == "sum" and len(arguments) == 1:
            return f"sum({code}, 0)"
        if function in ("max", "min", "len", "abs") and len(arguments) == 1:
            return f"{function}({code})"
        if function in ("ceil", "floor", "d", "round"):
            return f"_{function}({code})"
        raise NietSnel(function)

    def extreme(self, function: str, items: Tree) -> str:
        """`max([...])` or `min([...])`; of two, inline, without a tuple (`max([0, x])`)."""
        if len(items) != 2:
            return f"{function}({self.t_list(('list', *items))})"
        a, b = self.temp("_a"), self.temp("_b")
        first, second = (self.code(item) for item in items)
        test = ">=" if function == "max" else "<="
        # A whole number in the rule compared as a Decimal (`decimaal`), given as the int.
        if self.decimaal(items[0], items[1]):
            return f"({first} if {self.constant(items[0][1])} {test} ({b} := {second}) else {b})"
        return f"({a} if ({a} := {first}) {test} ({b} := {second}) else {b})"

    def closure(self, function: str, items: Tree, body: Tree) -> str:
        """A closure: a loop before the statement (`hoisted`) where it is evaluated on every
        path, else a comprehension (so is a closure in its body, evaluated once per row)."""
        source = self.code(items)
        if function in _VENSTERBAAR:
            source, rest = self.venster(items, source, body)
            if rest is None:  # the window alone
                return {"count": f"len({source})", "filter": source, "some": f"bool({source})"}[
                    function
                ]
            body = rest
        self.looped.append(self.list_root(items))
        item = self.temp("_i")
        test = self.conditional(self.fields(body, item))
        self.looped.pop()
        if self.lussen is not None:
            result = self.temp("_l")
            start, condition, action = _LUSSEN[function]
            self.lussen.append((0, start.format(r=result)))
            self.lussen.append((0, f"for {item} in {source}:"))
            if condition:
                self.lussen.append((1, condition.format(test=test)))
            self.lussen.append((1 + bool(condition), action.format(r=result, i=item, test=test)))
            return result
        return {
            "count": f"len([1 for {item} in {source} if {test}])",
            "filter": f"[{item} for {item} in {source} if {test}]",
            "map": f"[{test} for {item} in {source}]",
            "some": f"any({test} for {item} in {source})",
            "all": f"all({test} for {item} in {source})",
        }[function]

    def venster(self, items: Tree, source: str, body: Tree) -> tuple[str, Tree | None]:
        """A month series' rows are its months from the latest (`maandenGeleden` 1) on, in
        order: where a closure's test starts with a comparison of `#.maandenGeleden` and a
        whole number (alone, or before `and`), it loops over the slice of those months with
        the rest of the test (None: nothing left). Only for a closure that a row outside the
        slice leaves as it is (`_VENSTERBAAR`)."""
        if items[0] != "name" or self.regel.regeling.invoer[items[1]].type is not (
            InvoerType.maandreeks
        ):
            return source, body
        test, rest = (body[2], body[3]) if body[:2] == ("bin", "and") else (body, None)
        if test[0] != "bin" or test[2] != ("field", ("item",), "maandenGeleden"):
            return source, body
        number = test[3]
        if number[0] != "num" or not self.is_int(number) or number[1] < 1:
            return source, body
        k = int(number[1])
        window = {"<=": f"[:{k}]", "<": f"[:{k - 1}]", ">": f"[{k}:]", ">=": f"[{k - 1}:]"}
        window["=="] = f"[{k - 1}:{k}]"
        if test[1] not in window:
            return source, body
        return f"{source}{window[test[1]]}", rest

    def list_root(self, tree: Tree) -> str:
        """The list input a closure loops over: a name, or a filter of one."""
        if tree[0] == "name" and tree[1] in self.facts:
            return str(tree[1])
        if tree[0] == "call" and tree[1] == "filter":
            return self.list_root(tree[2])
        raise NietSnel("een lijst die geen invoer is")

    def fields(self, tree: Any, item: str) -> Any:
        """A closure's body with `#.veld` as its place in the row `#` is; a closure inside it
        is left as it is (its `#` is its own)."""
        if not isinstance(tree, tuple) or not tree:
            return tree
        if tree[0] == "field" and tree[1] == ("item",):
            spec = self.regel.regeling.invoer[self.looped[-1]]
            velden = list(spec.velden or {})
            if tree[2] not in velden and tree[2] != "maandenGeleden":
                raise NietSnel(tree[2])
            # A maandreeks' row starts with `maandenGeleden`.
            place = 0 if tree[2] == "maandenGeleden" else velden.index(tree[2])
            if spec.type is InvoerType.maandreeks and tree[2] != "maandenGeleden":
                place += 1
            kind = (spec.velden or {})[tree[2]].type if tree[2] in velden else None
            return ("raw", f"{item}[{place}]", kind)
        if tree[0] == "call" and tree[1] in _CLOSURES:
            return tree
        return tuple(self.fields(part, item) for part in tree)

    def t_method(self, tree: Tree) -> str:
        member, target, arguments = tree[1], tree[2], tree[3:]
        if len(arguments) not in (1, 2) or arguments[-1][0] != "str":
            raise NietSnel(member)
        day, unit = self.code(target), arguments[-1][1]
        if member == "startOf" and len(arguments) == 1 and _DIFF_UNITS.get(unit) in _BEGIN:
            return self.start_of(day, _DIFF_UNITS[unit])
        if member in ("add", "sub") and len(arguments) == 2 and unit in _UNITS:
            if arguments[0][0] == "num" and self.is_int(arguments[0]):
                return self.shift(
                    day, _UNITS[unit], int(arguments[0][1]) * (-1 if member == "sub" else 1)
                )
            count = self.code(arguments[0])
            return f"{_UNITS[unit]}({day}, {count if member == 'add' else f'-{count}'})"
        if member == "diff" and len(arguments) == 2 and unit in _DIFF_UNITS:
            other = self.code(arguments[0])
            if (tussen := _TUSSEN.get(_DIFF_UNITS[unit])) is not None:
                a, b, d = self.temp("_a"), self.temp("_b"), self.temp("_e")
                dag = self.vaste_dag(target)
                template = tussen[0] if dag is None else tussen[1]
                return template.format(a=a, b=b, d=d, later=day, earlier=other, j=dag)
            return f"_diff({day}, {other}, {_DIFF_UNITS[unit]!r})"
        raise NietSnel(member)

    def start_of(self, day: str, unit: str) -> str:
        """A day's first day of its month or year, a new date (faster than `replace`)."""
        if unit == "day":
            return day
        if unit == "month":
            moved = self.temp("_t")
            return _Maandbegin(f"({moved} := {day}).year", f"{moved}.month")
        return _Maandbegin(f"{day}.year", "1")

    def datum_zelf(self, tree: Tree) -> Tree:
        """`d(...)` of what is certainly a date is that date; any other tree is itself."""
        if tree[0] == "call" and tree[1] == "d" and len(tree) == 3 and self.is_date(tree[2]):
            return tree[2]  # type: ignore[no-any-return]
        return tree

    def vaste_dag(self, tree: Tree) -> str | None:
        """The prefix of the locals holding a day's fields (`Snelstand.dagen`, unpacked at
        the function's start) when it is the same for every household: the peildatum or a
        parameter-only step that gives a date; else None. The day is noted (`dagen`) for the
        function's start."""
        tree = self.datum_zelf(tree)
        if tree[0] != "name":
            return None
        if tree[1] == "peildatum":
            nummer = PEILDATUM
        else:
            node = self.regel.steps.get(tree[1])  # a choice (`rijen`) has no number of its own
            if node is None or hasattr(node, "rijen") or not (node.constant and self.is_date(tree)):
                return None
            nummer = node.nummer
        self.dagen.add(nummer)
        return _dag_local(nummer)

    def shift(self, day: str, unit: str, count: int) -> str:
        """A date moved by a whole number written in the rule: as `_dagen`, `_jaren` or
        `_maanden` move it, without their check that the count is whole. The first of a
        month moved by years or months is the first of a month: one date made from the
        year and month, without the dates between (zorgtoeslag's 18th birthday's month)."""
        if isinstance(day, _Maandbegin) and unit == "_jaren":
            return _Maandbegin(f"{day.jaar} + {count}", day.maand)
        if isinstance(day, _Maandbegin) and unit == "_maanden":
            months = self.temp("_u")  # counted from year 0: the year and month in one number
            return _Maandbegin(
                f"({months} := ({day.jaar}) * 12 + {day.maand} - 1 + {count}) // 12",
                f"{months} % 12 + 1",
            )
        if unit == "_dagen":
            return f"({day} + {self.constant(timedelta(days=count))})"
        if unit == "_jaren":  # 29 February in a year without it: ValueError, zen's to judge
            moved = self.temp("_t")
            return f"_date(({moved} := {day}).year + {count}, {moved}.month, {moved}.day)"
        return f"_plus_maanden({day}, {count})"

    # --- what an expression gives, known at load ---

    def is_date(self, tree: Tree) -> bool:
        """Whether an expression is certainly a date: a date fact, field or step, the
        peildatum, `d(...)` or a date method."""
        kind = tree[0]
        if kind == "name":
            name = tree[1]
            spec = self.regel.regeling.invoer.get(name)
            if spec is not None:
                return spec.type is InvoerType.datum
            return name == "peildatum" or self.regel.stap_types.get(name) is StapType.datum
        if kind == "raw":
            return tree[2] is InvoerType.datum
        return (kind == "call" and tree[1] == "d") or (
            kind == "method" and tree[1] in ("startOf", "add", "sub")
        )

    def is_int(self, tree: Tree) -> bool:
        """Whether an expression certainly gives a whole number (a Python int)."""
        kind = tree[0]
        if kind == "num":
            return bool(tree[1] == tree[1].to_integral_value())
        if kind == "name":
            return tree[1] in self.hele
        if kind in ("bin", "if"):
            return (kind == "if" or tree[1] in ("+", "-", "*")) and (
                self.is_int(tree[2]) and self.is_int(tree[3])
            )
        return (
            (kind == "call" and tree[1] in ("count", "len"))
            or (kind == "method" and tree[1] == "diff")
            or (kind == "neg" and self.is_int(tree[1]))
        )

    def is_read(self, tree: Tree) -> bool:
        """Whether an expression gives a value already as zen would read it: a whole number,
        a name (facts, steps and parameters are read so), or a choice among such values."""
        kind = tree[0]
        if kind == "name" or self.is_int(tree):
            return True
        if kind == "if":
            return self.is_read(tree[2]) and self.is_read(tree[3])
        return (
            kind == "call"
            and tree[1] in ("max", "min")
            and tree[2][0] == "list"
            and all(self.is_read(item) for item in tree[2][1:])
        )


class _Generator(_Expressies):
    """The source of one regeling's decision function.

    Locals: `f<n>` a fact (read as zen reads it; M when missing), `o<n>` an object holding
    facts, `v<n>` a step's value and `r<n>` its reading, `m<n>` the bits of the parameters it
    read (unless known at load), `w<n>` a voorwaarde's outcome. Each step is computed where
    the reference first needs it: `done` is what is certainly computed at a point of the
    source, `maybe` what may be (U tells at run time). With `kort`, the function for the
    decision alone (Plan.beslissing): only the steps U is tested of start as U, and its
    result holds no steps, voorwaarden or hint. With `zuiver` too, that function for a
    household with every fact (Plan.zuiver): a missing one returns None, and nothing is B.
    """

    def __init__(
        self,
        regel: "CompiledRegeling",
        attributen: Mapping[str, str],
        kort: bool = False,
        zuiver: bool = False,
    ) -> None:
        super().__init__()
        self.regel = regel
        self.kort = kort
        self.zuiver = zuiver
        self.getest: set[int] = set()  # the steps U is tested of
        self.getallen = False  # whether it reads a number of the household's (`read_facts`)
        self.attributen = attributen
        self.constants = {}
        self.lines: list[str] = []
        self.bits = {name: 1 << i for i, name in enumerate(sorted(regel.used_parameters))}
        self.steps = list(regel.steps)
        self.index = {name: i for i, name in enumerate(self.steps)}
        self.facts = {}
        self.owners: dict[str, str] = {}
        self.afhankelijk = list(regel.regeling.afhankelijk_van)
        uitkomst = regel.regeling.uitkomst
        amount = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        self.amount = amount
        node = regel.steps.get(amount) if amount else None
        # The amount's own expression: a parameter only it reads may have no value yet
        # (S.bedrag_onbekend), and then the right is known, its amount not (Oorzaak.onbekend).
        self.amount_node = node if node is not None and not hasattr(node, "rijen") else None
        numeric = (StapType.bedrag, StapType.getal)
        # The numeric steps another expression reads: only those need their reading (`r<n>`).
        gelezen = {step for node in regel.nodes for step in node.steps}
        self.long = {
            name for name, kind in regel.stap_types.items() if kind in numeric and name in gelezen
        }
        # The steps that may be left without a value (a fact missing, directly or through a
        # step); the bits of the others' parameters are known at load.
        self.can_block: set[str] = set()
        self.static_masks: dict[str, int] = {}
        for name, step in regel.steps.items():
            if any(self.blocks(node) for node in step.nodes):
                self.can_block.add(name)
            elif not hasattr(step, "rijen") and all(s in self.static_masks for s in step.steps):
                self.static_masks[name] = self.static_mask(step)
        while heel := [
            n for n, step in regel.steps.items() if n not in self.hele and self.heel(step)
        ]:
            self.hele.update(heel)  # again: a step may read one found whole in this pass

    def heel(self, step: Any) -> bool:
        """Whether a step certainly gives a whole number: its expression does (`is_int`), or
        each of a choice's values does; not one computed at load (zen's value, a Decimal)."""
        values = [value for _, value in step.rijen] if hasattr(step, "rijen") else [step]
        try:
            return all(
                not node.constant and self.is_int(vertaling.parse(node.expressie.text))
                for node in values
            )
        except vertaling.NietVertaald:
            return False

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # --- what the plan tells at load ---

    def blocks(self, node: "Node") -> bool:
        """Whether a node may be left without a value: it reads a fact, or such a step (not
        in the function for a household with every fact, `zuiver`)."""
        return not self.zuiver and (
            bool(node.inputs) or any(step in self.can_block for step in node.steps)
        )

    def static_mask(self, node: "Node") -> int:
        mask = 0
        for name in node.parameters:
            mask |= self.bits.get(name, 0)
        for step in node.steps:
            mask |= self.static_masks[step]
        return mask

    def mask(self, node: "Node") -> str:
        """The parameter bits a node read, as source: a number, or ORs of steps' masks."""
        static = 0
        for name in node.parameters:
            static |= self.bits.get(name, 0)
        parts = []
        for step in node.steps:
            if step in self.static_masks:
                static |= self.static_masks[step]
            else:
                parts.append(f"m{self.index[step]}")
        return _of(str(static), *parts)

    def step_mask(self, name: str) -> str:
        static = self.static_masks.get(name)
        return str(static) if static is not None else f"m{self.index[name]}"

    def constant_mask(self, node: "Node") -> int | None:
        """The bits a node reads when they are the same on every path through it (none when
        a fact is missing, those of the steps read so far when one has no value)."""
        paths = ["0"] if node.inputs and not self.zuiver else []
        read: list[str] = []
        for name in node.steps:
            read.append(self.step_mask(name))
            if name in self.can_block:
                paths.append(_of(*read))
        paths.append(self.mask(node))
        return int(paths[0]) if paths[0].isdigit() and len(set(paths)) == 1 else None

    def uitkomsten_van(self, node: "Node") -> set[str]:
        """The regelingen whose outcome a node reads, directly or through its steps."""
        found = {i.split(".")[1] for i in node.inputs if i.startswith(UITKOMST)}
        for step in node.steps:
            for inner in self.regel.steps[step].nodes:
                found |= self.uitkomsten_van(inner)
        return found

    def alleen_bedrag(self) -> set[str]:
        """The parameters the amount's own expression reads and no other node (nor the
        minimum): only those may lack a value for the fast path (S.bedrag_onbekend)."""
        if self.amount_node is None:
            return set()
        minimum = self.regel.regeling.uitkomst.minimum
        others = {minimum} if minimum else set()
        for node in self.regel.nodes:
            if node is not self.amount_node:
                others.update(node.parameters)
        return set(self.amount_node.parameters) - others

    # --- the function ---

    def source(self) -> str:
        regel = self.regel
        voorwaarden = regel.voorwaarden
        self.emit(0, "def beslis(h, S, X):")
        self.emit(1, "P, C, R = S.p, S.c, S.r")
        self.emit(1, "heeftPartner = X.heeft_partner")
        self.emit(1, "peildatum = X.peildatum")
        start = len(self.lines)  # the prologue's place, once it is known
        if voorwaarden and not self.kort:
            self.emit(1, " = ".join(f"w{i}" for i in range(len(voorwaarden))) + " = U")
        # The bits of the other regelingen read (g) only where it reads any.
        self.emit(
            1,
            f"{'g = ' if self.afhankelijk else ''}am = fm = fv = {'' if self.zuiver else 'nb = '}0",
        )
        if not self.zuiver:
            self.emit(1, "ont = []")
        self.emit(1, "hv = None  # the hint's value, when one voorwaarde alone refused")
        self.emit(1, "onbekend = False  # a parameter of the amount has no value")
        done: set[str] = set()
        maybe: set[str] = set()
        # A decisive voorwaarde first (the woonplaats): when it fails nothing else is read,
        # as in the reference, which then names no missing facts.
        leading = 0
        while leading < len(voorwaarden) and voorwaarden[leading].beslissend:
            self.read_facts(voorwaarden[leading].node.inputs)
            leading += 1
        for index in range(len(voorwaarden)):
            if index == leading:
                self.read_facts(regel.regeling.invoer)
            self.voorwaarde(index, done, maybe)
        self.read_facts(regel.regeling.invoer)
        self.emit(1, "if fv:  # a voorwaarde refused")
        self.refusal(2, set(done), set(maybe))
        if not self.zuiver:  # without a missing fact, no voorwaarde is open
            self.emit(1, "if nb:  # a voorwaarde open: the right is unknown")
            self.emit(2, self.result("None", "None", "am", "0", "nb"))
        if self.amount is None:  # in natura
            self.emit(1, self.result("True", "None", "am", "0"))
        else:
            self.amount_part(self.amount, done, maybe)
        self.lines[start:start] = self.prologue()
        return "\n".join(self.lines) + "\n"

    def prologue(self) -> list[str]:
        """What the function sets up once the rest is known: the fields of the days its ages
        count from, the household's numbers read (`G`), and its steps as U."""
        lines = []
        for nummer in sorted(self.dagen):
            j = _dag_local(nummer)
            lines.append(f"    {j}j, {j}k, {j}m, {j}d = S.dagen[{nummer}]")
        if self.getallen:
            lines.append("    G = X.getallen")
        steps = range(len(self.steps)) if not self.kort else sorted(self.getest)
        if steps:
            lines.append("    " + " = ".join(f"v{i}" for i in steps) + " = U")
        return lines

    def result(
        self,
        recht: str,
        value: str,
        used: str,
        amount: str,
        which: str = "fv",
        ont: str = "ont",
        hint: str = "None",
        decided: bool = False,
    ) -> str:
        """A return of the function's result (Plan says what each part is)."""
        g = "g" if self.afhankelijk else "0"
        if self.zuiver:
            ont = "()"  # nothing missing
        if self.kort:
            return f"return ({recht}, {value}, {used}, {amount}, {g}, {which}, {ont}, {decided})"
        steps = "".join(f"v{i}, " for i in range(len(self.steps)))
        voorwaarden = "".join(f"w{i}, " for i in range(len(self.regel.voorwaarden)))
        return (
            f"return ({recht}, {value}, {used}, {amount}, {g}, {which}, ({steps}), ({voorwaarden}),"
            f" {ont}, {hint}, {decided})"
        )

    def amount_part(self, step: str, done: set[str], maybe: set[str]) -> None:
        self.ensure(1, step, done, maybe)
        mask = self.step_mask(step)
        if self.amount_node is not None:
            self.emit(1, "if onbekend:")
            self.emit(2, self.result("True", "None", f"am | {mask}", mask))
        if step in self.can_block:  # the amount without a value: the right is unknown
            self.emit(1, f"if v{self.index[step]} is B:")
            self.emit(2, self.result("None", "B", f"am | {mask}", mask, "0"))
        minimum = self.regel.regeling.uitkomst.minimum
        self.emit(1, f"bm = {_of(mask, str(self.bits.get(minimum, 0) if minimum else 0))}")
        self.emit(1, self.result("True", f"v{self.index[step]}", "am | bm", "bm"))

    def voorwaarde(self, index: int, done: set[str], maybe: set[str]) -> None:
        compiled = self.regel.voorwaarden[index]
        mv = self.node_value(1, compiled.node, f"w{index}", "mv", done, maybe)
        if mv != "0":
            self.emit(1, f"am |= {mv}")
        if self.blocks(compiled.node):  # without a value: the voorwaarde is open (None)
            self.emit(1, f"if w{index} is B:")
            self.emit(2, f"w{index} = None; nb |= {1 << index}")
            self.emit(1, f"elif not w{index}:")
        else:
            self.emit(1, f"if not w{index}:")
        self.emit(2, f"fv |= {1 << index}" + ("" if mv == "0" else f"; fm |= {mv}"))
        if compiled.beslissend:
            self.refusal(2, set(done), set(maybe), index)

    def refusal(self, indent: int, done: set[str], maybe: set[str], decisive: int = -1) -> None:
        """The parameters of the voorwaarden that refused; with one, its hint's value and
        parameters too. After a decisive one (`decisive`, its index) the others are not
        assessed, and nothing counts as missing."""
        voorwaarden = self.regel.voorwaarden
        for index, compiled in enumerate(voorwaarden[: decisive + 1 or len(voorwaarden)]):
            if compiled.hint is not None:
                self.emit(indent, f"if fv == {1 << index}:")
                mh = self.node_value(indent + 1, compiled.hint, "hv", "mh", set(done), set(maybe))
                if mh != "0":
                    self.emit(indent + 1, f"fm |= {mh}")
        if decisive >= 0:
            self.emit(
                indent, self.result("False", "None", "fm", "0", ont="[]", hint="hv", decided=True)
            )
        else:
            self.emit(indent, self.result("False", "None", "fm", "0", hint="hv"))

    def read_facts(self, paths: Iterable[str]) -> None:
        """The inputs not read yet, each once: a missing one is M, its missing facts noted by
        its number (as Feiten names them), except a partner's fact without a partner (None);
        in the function for a household with every fact (`zuiver`) it returns None. A number
        is read as zen reads it by the first regeling that reads it, for the others too
        (`G`, the household's Huishoudfeiten.getallen, at the path's place in PLEKKEN)."""
        invoer = self.regel.regeling.invoer
        for path in paths:
            if path in self.facts:
                continue
            spec = invoer[path]
            local = self.facts[path] = f"f{len(self.facts)}"
            number = list(invoer).index(path)
            if path.startswith(UITKOMST) or spec.type in (InvoerType.lijst, InvoerType.maandreeks):
                if path.startswith(UITKOMST):
                    _, other, veld = path.split(".", 2)
                    call = f"X.snel_uitkomst({other!r}, {veld!r})"
                else:
                    velden = spec.velden or {}
                    getallen = tuple(v.type in _GETALLEN for v in velden.values())
                    lezing = lijstinvoer(path, tuple(velden), getallen, spec.maanden)
                    call = f"X.lijst({self.constant(lezing)})"
                self.emit(1, "try:")
                self.emit(2, f"{local} = {call}")
                if self.zuiver:
                    self.emit(1, "except O:")
                    self.emit(2, "return None")
                else:
                    self.emit(1, "except O as _e:")
                    self.emit(2, f"{local} = M; ont.append(({number}, _e.gaps))")
                continue
            *owner, leaf = [self.attributen.get(part, part) for part in path.split(".")]
            gap = f"{local} = M; ont.append(({number}, [{PREFIX + path!r}]))"
            if self.zuiver:
                gap = "return None"
            # An absent object's facts are None too (feiten.velden); a partner's only are
            # missing when there is one.
            holder = self.owner(".".join(owner)) if owner else "h"
            partner = path.startswith("partner.")
            indent = 1
            plek = PLEKKEN.get(path) if spec.type in _GETALLEN else None
            if plek is not None:  # read by another regeling already? (X.getallen)
                self.getallen = True
                self.emit(1, f"{local} = G[{plek}]  # {path}")
                self.emit(1, f"if {local} is None:")
                indent = 2
            self.emit(indent, f"{local} = {holder}.{leaf}")
            self.emit(indent, f"if {local} is None{' and heeftPartner' if partner else ''}:")
            self.emit(indent + 1, gap)
            if spec.type in _GETALLEN:
                self.emit(indent, f"elif {local} is not None:" if partner else "else:")
                self.lees(indent + 1, local)
                if plek is not None:
                    self.emit(indent + 1, f"G[{plek}] = {local}")

    def owner(self, attributes: str) -> str:
        """The object that holds facts (`h.aanvrager`), read once."""
        local = self.owners.get(attributes)
        if local is None:
            local = self.owners[attributes] = f"o{len(self.owners)}"
            self.emit(1, f"{local} = h.{attributes}")
        return local

    def ensure(self, indent: int, name: str, done: set[str], maybe: set[str]) -> None:
        """Make sure a step is computed here, as the reference computes it when first needed."""
        if name in done:
            return
        if name in maybe:
            self.emit(indent, f"if v{self.index[name]} is U:")
            self.getest.add(self.index[name])
            inner_done = set(done)
            self.compute(indent + 1, name, inner_done, maybe)
        else:
            self.compute(indent, name, done, maybe)
        done.add(name)

    def compute(self, indent: int, name: str, done: set[str], maybe: set[str]) -> None:
        step = self.regel.steps[name]
        if hasattr(step, "rijen"):
            self.choice(indent, name, step.rijen, "0", done, maybe)
        else:
            self.node_value(
                indent, step, f"v{self.index[name]}", f"m{self.index[name]}", done, maybe, name
            )
        done.add(name)
        maybe.add(name)

    def choice(
        self,
        indent: int,
        name: str,
        rows: tuple[tuple[Any, Any], ...],
        mask: str,
        done: set[str],
        maybe: set[str],
    ) -> None:
        """A choice: the first row whose condition holds, with the bits of the conditions
        tried and of the row taken. No row: the reference reports the failure."""
        index = self.index[name]
        if not rows:
            self.emit(indent, "raise T")
            return
        condition, value = rows[0]
        if condition is None:
            m = self.node_value(indent, value, f"v{index}", "_m", done, maybe, name)
            self.emit(indent, f"m{index} = {_of(mask, m)}")
            return
        mc = self.node_value(indent, condition, "_c", "_mc", done, maybe)
        tried = _of(mask, mc)
        if not tried.isdigit():
            self.emit(indent, f"_k{index} = {tried}")
            tried = f"_k{index}"
        if self.blocks(condition):
            self.emit(indent, "if _c is B:")
            self.emit(indent + 1, f"v{index} = B; m{index} = {tried}")
            self.emit(indent, "elif _c:")
        else:
            self.emit(indent, "if _c:")
        then_done = set(done)
        m = self.node_value(indent + 1, value, f"v{index}", "_m", then_done, maybe, name)
        self.emit(indent + 1, f"m{index} = {_of(tried, m)}")
        self.emit(indent, "else:")
        else_done = set(done)
        self.choice(indent + 1, name, rows[1:], tried, else_done, maybe)
        done |= then_done & else_done

    def node_value(
        self,
        indent: int,
        node: "Node",
        target: str,
        mask: str,
        done: set[str],
        maybe: set[str],
        step: str | None = None,
    ) -> str:
        """Compute a node into `target` (the value of `step`, when it is one), the bits of the
        parameters it read into `mask`, as the reference evaluates it: a missing input leaves
        it without a value (B) and without bits; else each step it reads in turn (by name), a
        step without a value leaving it without one, with the bits read so far; else its
        expression, with all its bits. Returns the bits as source: `mask`, or the number they
        are on every path, which `mask` is then not assigned (unless it is the step's own)."""
        guaranteed = set(done)  # what is computed on every path through this node
        start = indent
        constant = None if step and mask == f"m{self.index[step]}" else self.constant_mask(node)

        def geen(bits: str) -> str:
            """The node without a value: B, and its bits where they are not a constant."""
            return f"{target} = B" if constant is not None else f"{target} = B; {mask} = {bits}"

        missing = (
            "" if self.zuiver else " or ".join(f"{self.facts[i]} is M" for i in sorted(node.inputs))
        )
        if missing:
            self.emit(indent, f"if {missing}:")
            self.emit(indent + 1, geen("0"))
            self.emit(indent, "else:")
            indent += 1
        read: list[str] = []
        for name in node.steps:
            self.ensure(indent, name, done, maybe)
            if indent == start:
                guaranteed.add(name)
            read.append(self.step_mask(name))
            if name in self.can_block:
                self.emit(indent, f"if v{self.index[name]} is B:")
                self.emit(indent + 1, geen(_of(*read)))
                self.emit(indent, "else:")
                indent += 1
        if bits := self.outcome_bits(node):
            self.emit(indent, f"g |= {bits}")
        if node is self.amount_node:
            self.emit(indent, "if S.bedrag_onbekend:  # computed, without a value")
            self.emit(indent + 1, f"{geen(self.mask(node))}; onbekend = True")
            self.emit(indent, "else:")
            indent += 1
        self.expression(indent, node, target, step)
        if constant is None and step not in self.static_masks:
            self.emit(indent, f"{mask} = {self.mask(node)}")
        if indent > start:
            done.intersection_update(guaranteed)
        return mask if constant is None else str(constant)

    def outcome_bits(self, node: "Node") -> int:
        """The bits of the regelingen whose outcome a node reads directly."""
        bits = 0
        for path in node.inputs:
            if path.startswith(UITKOMST):
                other = path.split(".")[1]
                if other not in self.afhankelijk:  # the catalogue refuses this regeling
                    raise NietSnel(path)
                bits |= 1 << self.afhankelijk.index(other)
        return bits

    def expression(self, indent: int, node: "Node", target: str, step: str | None) -> None:
        """A node's expression into `target`; a numeric step's reading into its `r<n>`, which
        a whole number, a name (read already) and a parameter-only node (S.r) need not."""
        if node.constant:
            self.emit(indent, f"{target} = C[{node.nummer}]")
            if step in self.long:
                self.emit(indent, f"r{self.index[step]} = R[{node.nummer}]")
            return
        try:
            tree = vertaling.parse(node.expressie.text)
            lussen, code = self.hoisted(tree)
            for inner, line in lussen:
                self.emit(indent + inner, line)
            self.emit(indent, f"{target} = {code}")
        except (vertaling.NietVertaald, KeyError, IndexError, AttributeError) as error:
            raise NietSnel(f"{node.naam}: {node.expressie.text}") from error
        if step in self.long:
            self.emit(indent, f"r{self.index[step]} = {target}")
            if not self.is_read(tree):
                self.lees(indent, f"r{self.index[step]}")

    def lees(self, indent: int, local: str) -> None:
        """A local read as zen reads a number (vertaling.lees): its common case inline, a
        number it takes as it is by its text, without a call."""
        self.emit(
            indent,
            f"if type({local}) is D and"
            f" (len(_s := str({local})) > {ZELF_LENGTE}"
            f" or (_s[0] not in {ZELF_BEGIN!r} and _s[:2] not in {ZELF_VIER!r})):",
        )
        self.emit(indent + 1, f"{local} = lees_tekst({local}, _s)")
