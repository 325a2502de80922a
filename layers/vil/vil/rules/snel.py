"""The decision's fast path: one plain Python function per regeling version, made at load.

The node-by-node engine (vil.rules.regel._Run, every expression by zen) is the reference: it
handles every case and gives the explanation. For the ordinary case (every fact present, every
parameter known, nothing failing) a decision is computed here instead, by a function the loader
generates from the compiled plan: steps are locals computed in the order the reference computes
them, facts are read once per household, parameter-only nodes come from the peildatum's `Stand`,
and the parameters each node read are bits of an integer. Anything else raises, and the
reference decides that household and regeling (`vil bench` counts how often).

The function gives zen's values, not Python's own: numbers are `Decimal`, computed exactly
(a decimal context that raises on any rounding), division and dates by the runtime of
vil.rules.vertaling (rust_decimal's quotient, zen's months), and every number read the way zen
reads it from its context (`lees`: a number with more than 15 digits goes through the float,
as in the reference). Scale (trailing zeros) is not kept: a decision reads values only; the
explanation, which shows them, is the reference's. docs/decisions.md ("The decision's fast
path") says why this is safe and how it is checked.
"""

import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from vil.models.regeling import Betaling, InvoerType, StapType
from vil.rules import vertaling
from vil.rules.feiten import PREFIX, UITKOMST, Ontbreekt
from vil.rules.vertaling import Terugval, deel, lees

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
    return day.replace(year=day.year + int(count))  # 29 February: ValueError, zen's to judge


def _maanden(day: date, count: Any) -> date:
    """Months added as zen adds them (vertaling._plus_months): the day clipped to the
    month's last day, which only a day after the 28th needs to look up."""
    if count != int(count):
        raise Terugval
    if day.day > 28:
        return vertaling._plus_months(day, int(count))
    year, month = divmod(day.year * 12 + day.month - 1 + int(count), 12)
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


def _jaren_tussen(later: date, earlier: date) -> int:
    """`diff` in years (`_diff`), for an earlier day up to the 28th without counting months."""
    if earlier.day > 28 or later < earlier:
        return _diff(later, earlier, "year")
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


RUNTIME: dict[str, Any] = {
    "__builtins__": {},
    "U": U,
    "M": M,
    "B": B,
    "T": Terugval,
    "O": Ontbreekt,
    "lees": lees,
    "_deel": deel,
    "_ceil": _ceil,
    "_floor": _floor,
    "_round": _round,
    "_d": _d,
    "_jaren": _jaren,
    "_maanden": _maanden,
    "_dagen": _dagen,
    "_diff": _diff,
    "_jaren_tussen": _jaren_tussen,
    "len": len,
    "max": max,
    "min": min,
    "sum": sum,
    "abs": abs,
    "any": any,
    "all": all,
}
_UNITS = {"d": "_dagen", "day": "_dagen", "days": "_dagen", "M": "_maanden", "month": "_maanden"}
_UNITS |= {"months": "_maanden", "y": "_jaren", "year": "_jaren", "years": "_jaren"}
_DIFF_UNITS = {"d": "day", "day": "day", "days": "day", "M": "month", "month": "month"}
_DIFF_UNITS |= {"months": "month", "y": "year", "year": "year", "years": "year"}


# --- the generated function -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snelstand:
    """What the generated function reads of a regeling on one peildatum in one gemeente."""

    beslis: Callable[..., tuple[Any, ...]]  # the regeling version's function
    waarden: Mapping[str, Any]  # the parameters' values (regel.Stand's), for the explanation
    p: dict[str, Any]  # the parameters, read as zen reads them
    c: dict[int, Any]  # the parameter-only nodes' outcomes, by node number
    r: dict[int, Any]  # the same as the next expression reads them (`lees`)
    indicatief: int  # the bits of the parameters that make an outcome indicatief
    bedrag_onbekend: bool  # a parameter of the amount alone has no value
    minimum: Decimal | None  # the lowest amount that is paid


@dataclass(frozen=True, slots=True)
class Plan:
    """A regeling version's generated decision function and what its caller needs to know."""

    beslis: Callable[..., tuple[Any, ...]]
    bron: str  # its source, for a reader and the tests
    bits: dict[str, int]  # parameter -> its bit
    stappen: tuple[str, ...]  # the steps in the order of the function's tuple
    voorwaarden: tuple[str, ...]
    # Per voorwaarde (by index), the regelingen whose outcome it reads, through its steps.
    leest_uitkomst_van: tuple[frozenset[str], ...]
    afhankelijk: tuple[str, ...]  # the regelingen whose outcome it reads, by bit
    alleen_bedrag: frozenset[str]  # the parameters only the amount's own expression reads

    def namen(self, bits: int) -> set[str]:
        """The parameters whose bits are set."""
        names = set()
        for name, bit in self.bits.items():
            if bits & bit:
                names.add(name)
            elif bit > bits:
                break
        return names


def plan(regel: "CompiledRegeling", attributen: Mapping[str, str]) -> Plan:
    """Generate and compile the decision function of a compiled regeling."""
    generator = _Generator(regel, attributen)
    source = generator.source()
    namespace = {**RUNTIME, **generator.constants}
    exec(compile(source, f"<snel {regel.id}>", "exec"), namespace)  # noqa: S102 - our own source
    return Plan(
        beslis=namespace["beslis"],
        bron=source,
        bits=generator.bits,
        stappen=tuple(generator.steps),
        voorwaarden=tuple(v.spec.naam for v in regel.voorwaarden),
        leest_uitkomst_van=tuple(
            frozenset(generator.uitkomsten_van(v.node)) for v in regel.voorwaarden
        ),
        afhankelijk=tuple(generator.afhankelijk),
        alleen_bedrag=frozenset(generator.alleen_bedrag - _elders(regel)),
    )


def _elders(regel: "CompiledRegeling") -> set[str]:
    """The parameters that a node other than the amount's own reads (and the minimum)."""
    uitkomst = regel.regeling.uitkomst
    step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
    amount = regel.steps.get(step) if step else None
    others = {uitkomst.minimum} if uitkomst.minimum else set()
    for node in regel.nodes:
        if node is not amount:
            others.update(node.parameters)
    return others


class NietSnel(Exception):
    """A construct the generator does not handle: the reference evaluates the regeling."""


class _Generator:
    """The source of one regeling's decision function.

    Locals: `f<n>` a fact (read form), `v<n>` a step's value and `r<n>` its read form (when it
    may have more digits than zen keeps), `m<n>` the parameter bits it read (when not known at
    load), `w<n>` a voorwaarde's outcome. A step is computed where the reference first needs
    it; `done` is what is certainly computed at a point of the source, `maybe` what may be.
    """

    def __init__(self, regel: "CompiledRegeling", attributen: Mapping[str, str]) -> None:
        self.regel = regel
        self.attributen = attributen
        self.constants: dict[str, Any] = {}
        self.lines: list[str] = []
        self.bits = {name: 1 << i for i, name in enumerate(sorted(regel.used_parameters))}
        self.steps = list(regel.steps)
        self.index = {name: i for i, name in enumerate(self.steps)}
        self.facts: dict[str, str] = {}
        self.afhankelijk = list(regel.regeling.afhankelijk_van)
        self.static_masks: dict[str, int] = {}
        # The numeric steps: the next expression reads their value as zen reads it (`lees`).
        self.long: set[str] = set()
        self.long_index: set[str] = set()  # their numbers, as text
        self.depth = 0
        self.temps = 0
        self.looped: list[str] = []
        self.owners: dict[str, str] = {}
        # The parameters only the amount's own expression reads (S.bedrag_onbekend).
        # A parameter of the amount alone may have no value yet (S.bedrag_onbekend): the right
        # is known, its amount not (the reference's `Oorzaak.onbekend`).
        uitkomst = regel.regeling.uitkomst
        step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        node = regel.steps.get(step) if step else None
        self.amount_node = node if node is not None and not hasattr(node, "rijen") else None
        self.alleen_bedrag = set(self.amount_node.parameters) if self.amount_node else set()
        # The steps that may have no value for a household (a fact missing, directly or
        # through another step); only the others have bits known at load.
        self.can_block: set[str] = set()
        for name, step in regel.steps.items():
            nodes = step.nodes if hasattr(step, "nodes") else [step]
            if any(self.blocks(node) for node in nodes):
                self.can_block.add(name)
            elif not hasattr(step, "nodes") and all(s in self.static_masks for s in step.steps):
                self.static_masks[name] = self.node_mask_static(step)
            if regel.stap_types[name] in (StapType.bedrag, StapType.getal):
                self.long.add(name)
                self.long_index.add(str(self.index[name]))

    # --- helpers ---

    def constant(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def regel_step(self, target: str) -> str:
        return self.steps[int(target[1:])]

    def is_read(self, tree: tuple[Any, ...]) -> bool:
        """Whether an expression gives a value already as zen would read it: a whole number,
        a name (facts, steps and parameters are read so), or a choice among such values."""
        kind = tree[0]
        if kind == "name" or self.is_int(tree):
            return True
        if kind == "if":
            return self.is_read(tree[2]) and self.is_read(tree[3])
        if kind == "call" and tree[1] in ("max", "min") and len(tree) == 3:
            items = tree[2][1:] if tree[2][0] == "list" else [tree[2]]
            return tree[2][0] == "list" and all(self.is_read(item) for item in items)
        return False

    def is_int(self, tree: tuple[Any, ...]) -> bool:
        """Whether an expression certainly gives a whole number (a Python int)."""
        kind = tree[0]
        if kind == "num":
            return bool(tree[1] == tree[1].to_integral_value())
        if kind == "call":
            return tree[1] in ("count", "len")
        if kind == "method":
            return tree[1] == "diff"
        if kind == "bin" and tree[1] in ("+", "-", "*"):
            return self.is_int(tree[2]) and self.is_int(tree[3])
        if kind == "if":
            return self.is_int(tree[2]) and self.is_int(tree[3])
        return kind == "neg" and self.is_int(tree[1])

    def blocks(self, node: "Node") -> bool:
        """Whether a node may be left without a value: it reads a fact, or such a step."""
        return bool(node.inputs) or any(step in self.can_block for step in node.steps)

    def node_mask_static(self, node: "Node") -> int:
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
        if static:
            parts.insert(0, str(static))
        return " | ".join(parts) or "0"

    def uitkomsten_van(self, node: "Node") -> set[str]:
        """The regelingen whose outcome a node reads, directly or through its steps."""
        found = {i.split(".")[1] for i in node.inputs if i.startswith(UITKOMST)}
        for step in node.steps:
            compiled = self.regel.steps[step]
            for inner in compiled.nodes if hasattr(compiled, "nodes") else [compiled]:
                found |= self.uitkomsten_van(inner)
        return found

    # --- the function ---

    def source(self) -> str:
        regel = self.regel
        voorwaarden = regel.voorwaarden
        self.emit(0, "def beslis(h, S, X):")
        self.emit(1, "P = S.p")
        self.emit(1, "C = S.c")
        self.emit(1, "R = S.r")
        self.emit(1, "heeftPartner = h.partner is not None")
        self.emit(1, "peildatum = X.peildatum")
        if self.steps:
            self.emit(1, " = ".join(f"v{i}" for i in range(len(self.steps))) + " = U")
        if voorwaarden:
            self.emit(1, " = ".join(f"w{i}" for i in range(len(voorwaarden))) + " = U")
        self.emit(1, "g = am = fm = fv = nf = nb = 0")
        self.emit(1, "ont = []")
        self.emit(1, "hv = None  # the hint's value, when one voorwaarde alone refused")
        self.emit(1, "onbekend = False  # the amount's own parameter has no value")
        done: set[str] = set()
        maybe: set[str] = set()
        # A decisive voorwaarde first (the woonplaats): when it fails nothing else is read,
        # as in the reference, which then names no missing facts.
        leading = 0
        while leading < len(voorwaarden) and voorwaarden[leading].beslissend:
            self.read_facts(voorwaarden[leading].node.inputs)
            leading += 1
        for index, compiled in enumerate(voorwaarden):
            if index == leading:
                self.read_facts(regel.regeling.invoer)
            self.voorwaarde(index, done, maybe)
        if leading == len(voorwaarden):
            self.read_facts(regel.regeling.invoer)
        self.emit(1, "if nf:")
        self.refusal(2, set(done), set(maybe))
        self.emit(1, "if nb:  # a voorwaarde open: the right is unknown")
        self.emit(2, f"return (None, None, am, 0, g, nb, {self.tuples()}, ont, None, False)")
        uitkomst = regel.regeling.uitkomst
        if uitkomst.betaling is Betaling.in_natura:
            self.emit(1, f"return (True, None, am, 0, g, fv, {self.tuples()}, ont, None, False)")
            return "\n".join(self.lines) + "\n"
        step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        assert step is not None
        self.ensure(1, step, done, maybe)
        mask = self.step_mask(step)
        if self.amount_node is not None:
            self.emit(1, "if onbekend:")
            self.emit(2, f"return (True, None, am | {mask}, {mask}, g, fv, {self.tuples()}, ont, None, False)")
        if step in self.can_block:  # the amount without a value: the right is unknown
            self.emit(1, f"if v{self.index[step]} is B:")
            self.emit(
                2, f"return (None, B, am | {mask}, {mask}, g, 0, {self.tuples()}, ont, None, False)"
            )
        minimum = self.bits.get(uitkomst.minimum, 0) if uitkomst.minimum else 0
        self.emit(1, f"bm = {self.step_mask(step)} | {minimum}")
        value = f"v{self.index[step]}"
        self.emit(1, f"return (True, {value}, am | bm, bm, g, fv, {self.tuples()}, ont, None, False)")
        return "\n".join(self.lines) + "\n"

    def voorwaarde(self, index: int, done: set[str], maybe: set[str]) -> None:
        compiled = self.regel.voorwaarden[index]
        self.node_value(1, compiled.node, f"w{index}", "mv", done, maybe)
        self.emit(1, "am |= mv")
        if self.blocks(compiled.node):  # without a value: the voorwaarde is open (None)
            self.emit(1, f"if w{index} is B:")
            self.emit(2, f"w{index} = None; nb |= {1 << index}")
            self.emit(1, f"elif not w{index}:")
        else:
            self.emit(1, f"if not w{index}:")
        self.emit(2, f"nf += 1; fm |= mv; fv |= {1 << index}")
        if compiled.beslissend:
            self.refusal(2, set(done), set(maybe), index, "[]")  # decided: nothing missing

    def tuples(self) -> str:
        steps = "".join(f"v{i}, " for i in range(len(self.steps)))
        voorwaarden = "".join(f"w{i}, " for i in range(len(self.regel.voorwaarden)))
        return f"({steps}), ({voorwaarden})"

    def refusal(
        self, indent: int, done: set[str], maybe: set[str], upto: int = -1, ont: str = "ont"
    ) -> None:
        """The parameters of the voorwaarden that refused; with one, its hint's too (of the
        voorwaarden up to `upto` when a decisive one refused there)."""
        voorwaarden = self.regel.voorwaarden[: upto + 1] if upto >= 0 else self.regel.voorwaarden
        hints = [(i, v) for i, v in enumerate(voorwaarden) if v.hint is not None]
        for index, compiled in hints:
            assert compiled.hint is not None
            self.emit(indent, f"if fv == {1 << index}:")
            self.node_value(indent + 1, compiled.hint, "hv", "mh", set(done), set(maybe))
            self.emit(indent + 1, "fm |= mh")
        decided = ont == "[]"
        self.emit(
            indent, f"return (False, None, fm, 0, g, fv, {self.tuples()}, {ont}, hv, {decided})"
        )

    def read_facts(self, paths: Iterable[str]) -> None:
        """Inputs not read yet, each once: a missing one raises (the reference names the
        missing facts), except a partner's fact without a partner (None, as there)."""
        for path in paths:
            if path in self.facts:
                continue
            spec = self.regel.regeling.invoer[path]
            local = self.facts[path] = f"f{len(self.facts)}"
            number = list(self.regel.regeling.invoer).index(path)
            if path.startswith(UITKOMST) or spec.type in (InvoerType.lijst, InvoerType.maandreeks):
                if path.startswith(UITKOMST):
                    _, other, veld = path.split(".", 2)
                    call = f"X.snel_uitkomst({other!r}, {veld!r})"
                else:
                    assert spec.velden is not None
                    call = f"X.lijst({path!r}, {tuple(spec.velden)!r}, {spec.maanden!r})"
                self.emit(1, "try:")
                self.emit(2, f"{local} = {call}")
                self.emit(1, "except O as _e:")
                self.emit(2, f"{local} = M; ont.append(({number}, _e.gaps))")
                continue
            *owner, leaf = [self.attributen.get(part, part) for part in path.split(".")]
            gap = f"ont.append(({number}, [{PREFIX + path!r}]))"
            if not owner:
                self.emit(1, f"{local} = h.{leaf}")
                self.emit(1, f"if {local} is None: {local} = M; {gap}")
            else:
                holder = self.owner(".".join(owner))
                if path.startswith("partner."):
                    self.emit(1, f"{local} = None if {holder} is None else {holder}.{leaf}")
                    self.emit(1, f"if {local} is None and {holder} is not None:")
                else:
                    self.emit(1, f"{local} = M if {holder} is None else {holder}.{leaf}")
                    self.emit(1, f"if {local} is None or {local} is M:")
                self.emit(2, f"{local} = M; {gap}")
            if spec.type in (InvoerType.bedrag, InvoerType.getal):
                self.emit(1, f"elif {local} is not None:" if path.startswith("partner.") else "else:")
                self.emit(2, f"{local} = lees({local})")

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
        index = self.index[name]
        if name in maybe:
            self.emit(indent, f"if v{index} is U:")
            inner_done, inner_maybe = set(done), set(maybe)
            self.compute(indent + 1, name, inner_done, inner_maybe)
            maybe |= inner_maybe
        else:
            self.compute(indent, name, done, maybe)
            maybe |= done
        done.add(name)
        maybe.add(name)

    def compute(self, indent: int, name: str, done: set[str], maybe: set[str]) -> None:
        index = self.index[name]
        step = self.regel.steps[name]
        if not hasattr(step, "rijen"):
            self.node_value(indent, step, f"v{index}", f"m{index}", done, maybe)
        else:
            self.choice(indent, index, step.rijen, "0", done, maybe)
        done.add(name)
        maybe.add(name)

    def choice(
        self,
        indent: int,
        index: int,
        rows: tuple[tuple[Any, Any], ...],
        mask: str,
        done: set[str],
        maybe: set[str],
    ) -> None:
        """A choice: the first row whose condition holds; the bits of the conditions tried
        and the row taken. No row: the reference reports the failure."""
        if not rows:
            self.emit(indent, "raise T")
            return
        condition, value = rows[0]
        if condition is None:
            self.node_value(indent, value, f"v{index}", "_m", done, maybe)
            self.emit(indent, f"m{index} = {mask} | _m")
            return
        self.node_value(indent, condition, "_c", "_mc", done, maybe)
        self.emit(indent, f"_k{index} = {mask} | _mc")
        if self.blocks(condition):
            self.emit(indent, f"if _c is B:")
            self.emit(indent + 1, f"v{index} = B; m{index} = _k{index}")
            self.emit(indent, "elif _c:")
        else:
            self.emit(indent, "if _c:")
        then_done, then_maybe = set(done), set(maybe)
        self.node_value(indent + 1, value, f"v{index}", "_m", then_done, then_maybe)
        self.emit(indent + 1, f"m{index} = _k{index} | _m")
        self.emit(indent, "else:")
        else_done, else_maybe = set(done), set(maybe)
        self.choice(indent + 1, index, rows[1:], f"_k{index}", else_done, else_maybe)
        done |= then_done & else_done
        maybe |= then_maybe | else_maybe

    def step_mask(self, name: str) -> str:
        static = self.static_masks.get(name)
        return str(static) if static is not None else f"m{self.index[name]}"

    def node_value(
        self, indent: int, node: "Node", target: str, mask: str, done: set[str], maybe: set[str]
    ) -> None:
        """Compute a node into `target`, its parameter bits into `mask` (as source), as the
        reference evaluates it: a missing input leaves it without a value (B) and without
        bits; else each step it reads in turn (in name order), a step without a value leaving
        it without one, with the bits read so far; else its expression, with all its bits."""
        guaranteed = set(done)  # what is computed on every path through this node
        branched = False
        missing = " or ".join(f"{self.facts[i]} is M" for i in sorted(node.inputs))
        if missing:
            self.emit(indent, f"if {missing}:")
            self.emit(indent + 1, f"{target} = B; {mask} = 0")
            self.emit(indent, "else:")
            indent += 1
            branched = True
        read: list[str] = []
        for step in node.steps:
            self.ensure(indent, step, done, maybe)
            if not branched:
                guaranteed.add(step)
            read.append(self.step_mask(step))
            if step in self.can_block:
                self.emit(indent, f"if v{self.index[step]} is B:")
                self.emit(indent + 1, f"{target} = B; {mask} = {' | '.join(read)}")
                self.emit(indent, "else:")
                indent += 1
                branched = True
        if any(i.startswith(UITKOMST) for i in node.inputs):
            bits = 0
            for path in node.inputs:
                if path.startswith(UITKOMST):
                    other = path.split(".")[1]
                    if other not in self.afhankelijk:  # the catalogue refuses this regeling
                        raise NietSnel(path)
                    bits |= 1 << self.afhankelijk.index(other)
            self.emit(indent, f"g |= {bits}")
        if node is self.amount_node:
            self.emit(indent, "if S.bedrag_onbekend:  # computed, without a value")
            self.emit(indent + 1, f"{target} = B; {mask} = {self.mask(node)}; onbekend = True")
            self.emit(indent, "else:")
            indent += 1
            branched = True
        if node.constant:
            code = f"C[{node.nummer}]"
        else:
            try:
                code = self.code(vertaling.parse(node.expressie.text))
            except (vertaling.NietVertaald, KeyError, IndexError, AttributeError) as error:
                raise NietSnel(f"{node.naam}: {node.expressie.text}") from error
        self.emit(indent, f"{target} = {code}")
        if target.startswith("v") and target[1:] in self.long_index:
            # The value as the next expression reads it (zen's reading of it): already so for
            # a whole number, a fact, a step read before, a parameter-only node (S.r).
            tree = None if node.constant else vertaling.parse(node.expressie.text)
            if node.constant:
                read = f"R[{node.nummer}]"
            elif self.is_read(tree):
                read = target
            else:
                read = f"lees({target})"
            self.emit(indent, f"r{target[1:]} = {read}")
        if not (target.startswith("v") and self.regel_step(target) in self.static_masks):
            self.emit(indent, f"{mask} = {self.mask(node)}")
        if branched:
            done.intersection_update(guaranteed)

    # --- expressions ---

    def code(self, tree: tuple[Any, ...]) -> str:
        method: Callable[[tuple[Any, ...]], str] = getattr(self, "t_" + tree[0])
        return method(tree)

    def t_num(self, tree: tuple[Any, ...]) -> str:
        value: Decimal = tree[1]
        return str(int(value)) if value == value.to_integral_value() else self.constant(value)

    def t_str(self, tree: tuple[Any, ...]) -> str:
        return repr(tree[1])

    def t_const(self, tree: tuple[Any, ...]) -> str:
        return repr(tree[1])

    def t_name(self, tree: tuple[Any, ...]) -> str:
        name = tree[1]
        if name in ("peildatum", "heeftPartner"):
            return name
        if name in self.facts:
            return self.facts[name]
        if name in self.index:
            index = self.index[name]
            return f"r{index}" if name in self.long else f"v{index}"
        if name in self.regel.parameters:
            return f"P[{name!r}]"
        raise NietSnel(name)

    def t_item(self, tree: tuple[Any, ...]) -> str:
        if self.depth == 0:
            raise NietSnel("#")
        return f"_i{self.depth}"

    def t_field(self, tree: tuple[Any, ...]) -> str:
        raise NietSnel("veld buiten een lijst")  # handled by the closures below

    def t_not(self, tree: tuple[Any, ...]) -> str:
        return f"(not {self.code(tree[1])})"

    def t_neg(self, tree: tuple[Any, ...]) -> str:
        return f"(-{self.code(tree[1])})"

    def t_if(self, tree: tuple[Any, ...]) -> str:
        return f"({self.code(tree[2])} if {self.code(tree[1])} else {self.code(tree[3])})"

    def t_bin(self, tree: tuple[Any, ...]) -> str:
        operator, left, right = tree[1:]
        if operator == "??":
            self.temps += 1
            temp = f"_n{self.temps}"
            return f"({temp} if ({temp} := {self.code(left)}) is not None else {self.code(right)})"
        if operator == "/":
            return f"_deel({self.code(left)}, {self.code(right)})"
        return f"({self.code(left)} {operator} {self.code(right)})"

    def t_list(self, tree: tuple[Any, ...]) -> str:
        return "(" + "".join(self.code(item) + ", " for item in tree[1:]) + ")"

    def t_in(self, tree: tuple[Any, ...]) -> str:
        value, collection = tree[1:]
        if collection[0] == "range":
            low_closed, low, high, high_closed = collection[1:]
            lower = "<=" if low_closed else "<"
            upper = "<=" if high_closed else "<"
            return f"({self.code(low)} {lower} {self.code(value)} {upper} {self.code(high)})"
        return f"({self.code(value)} in {self.code(collection)})"

    def t_call(self, tree: tuple[Any, ...]) -> str:
        function, arguments = tree[1], tree[2:]
        if function in ("count", "filter", "map", "some", "all") and len(arguments) == 2:
            source = self.code(arguments[0])
            self.depth += 1
            self.looped.append(self.list_root(arguments[0]))
            item = f"_i{self.depth}"
            body = self.code(self.fields(arguments[1], item))
            self.looped.pop()
            self.depth -= 1
            return {
                "count": f"len([1 for {item} in {source} if {body}])",
                "filter": f"[{item} for {item} in {source} if {body}]",
                "map": f"[{body} for {item} in {source}]",
                "some": f"any({body} for {item} in {source})",
                "all": f"all({body} for {item} in {source})",
            }[function]
        if function in ("max", "min") and len(arguments) == 1 and arguments[0][0] == "list":
            items = [self.code(item) for item in arguments[0][1:]]
            if len(items) == 2:  # the common max([0, x]): inline, without a tuple
                self.temps += 1
                a, b = f"_a{self.temps}", f"_b{self.temps}"
                test = ">=" if function == "max" else "<="
                return f"({a} if ({a} := {items[0]}) {test} ({b} := {items[1]}) else {b})"
        code = [self.code(a) for a in arguments]
        if function in ("max", "min") and len(code) == 1:
            return f"{function}({code[0]})"
        if function == "sum" and len(code) == 1:
            return f"sum({code[0]}, 0)"
        if function == "len" and len(code) == 1:
            return f"len({code[0]})"
        if function == "d" and len(code) == 1 and self.is_date(arguments[0]):
            return code[0]
        if function in ("ceil", "floor", "d") and len(code) == 1:
            return f"_{function}({code[0]})"
        if function == "abs" and len(code) == 1:
            return f"abs({code[0]})"
        if function == "round":
            return f"_round({', '.join(code)})"
        raise NietSnel(function)

    def is_date(self, tree: tuple[Any, ...]) -> bool:
        """Whether an expression is certainly a date: a date fact or step, the peildatum,
        `d(...)` or a date method."""
        if tree[0] == "name":
            name = tree[1]
            if name == "peildatum":
                return True
            spec = self.regel.regeling.invoer.get(name)
            if spec is not None:
                return spec.type is InvoerType.datum
            return self.regel.stap_types.get(name) is StapType.datum
        if tree[0] == "call":
            return bool(tree[1] == "d")
        if tree[0] == "raw":
            return tree[2] is InvoerType.datum
        return tree[0] == "method" and tree[1] in ("startOf", "add", "sub")

    def list_root(self, tree: tuple[Any, ...]) -> str:
        """The list input a closure loops over: a name, or a filter of one."""
        if tree[0] == "name" and tree[1] in self.facts:
            return str(tree[1])
        if tree[0] == "call" and tree[1] == "filter":
            return self.list_root(tree[2])
        raise NietSnel("een lijst die geen invoer is")

    def fields(self, tree: Any, item: str) -> Any:
        """A closure's body, with `#.veld` as its place in the row tuple `#` is (a nested
        closure keeps its own)."""
        if not isinstance(tree, tuple) or not tree:
            return tree
        if tree[0] == "field" and tree[1] == ("item",):
            return ("raw", f"{item}[{self.field_index(tree[2])}]", self.field_type(tree[2]))
        if tree[0] == "call" and tree[1] in ("count", "filter", "map", "some", "all"):
            return (*tree[:3], *tree[3:])  # its body is its own closure's
        return tuple(self.fields(part, item) for part in tree)

    def t_raw(self, tree: tuple[Any, ...]) -> str:
        return str(tree[1])

    def field_type(self, veld: str) -> InvoerType | None:
        velden = self.regel.regeling.invoer[self.looped[-1]].velden or {}
        return velden[veld].type if veld in velden else None

    def field_index(self, veld: str) -> int:
        """Where a field sits in the rows of the list looped over (a maandreeks starts with
        `maandenGeleden`)."""
        source = self.looped[-1]
        spec = self.regel.regeling.invoer[source]
        assert spec.velden is not None
        names = list(spec.velden)
        if spec.type is InvoerType.maandreeks:
            if veld == "maandenGeleden":
                return 0
            return names.index(veld) + 1
        return names.index(veld)

    def t_method(self, tree: tuple[Any, ...]) -> str:
        member, target, arguments = tree[1], tree[2], tree[3:]
        day = self.code(target)
        if member == "startOf" and len(arguments) == 1 and arguments[0][0] == "str":
            unit = _DIFF_UNITS.get(arguments[0][1])
            if unit == "month":
                return f"{day}.replace(day=1)"
            if unit == "year":
                return f"{day}.replace(month=1, day=1)"
            if unit == "day":
                return day
        if member in ("add", "sub") and len(arguments) == 2 and arguments[1][0] == "str":
            helper = _UNITS.get(arguments[1][1])
            if helper is not None:
                count = self.code(arguments[0])
                return f"{helper}({day}, {count if member == 'add' else f'-{count}'})"
        if member == "diff" and len(arguments) == 2 and arguments[1][0] == "str":
            unit = _DIFF_UNITS.get(arguments[1][1])
            if unit == "year":
                return f"_jaren_tussen({day}, {self.code(arguments[0])})"
            if unit is not None:
                return f"_diff({day}, {self.code(arguments[0])}, {unit!r})"
        raise NietSnel(member)
