"""Loading and validating rule files: every problem named with its file, rule and cause.

A rule file that does not load is refused as a whole: an unknown reference, a cycle between
steps, an expression syntax error, a value of the wrong type, a parameter without a value on a
date a test uses, or a missing legal basis (the last is the model's: `grondslag` is required).
"""

import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter
from typing import Any

from pydantic import BaseModel, ValidationError

from vil.models.huishouden import Huishouden
from vil.models.regeling import (
    Invoer,
    InvoerType,
    Parameter,
    Regeling,
    Stap,
    StapType,
    Uitleg,
    Voorwaarde,
)
from vil.rules.expressies import Expressie, ExpressieFout, syntax_error
from vil.rules.feiten import UITKOMST, spec_key
from vil.rules.parameters import entry_on
from vil.rules.regel import (
    BUILTINS,
    CompiledKeuze,
    CompiledRegeling,
    CompiledVoorwaarde,
    Node,
    Nodes,
)

# Probe values per type: every expression is evaluated once with them at load, so that a
# voorwaarde that is not yes/no, or arithmetic on a date, is refused before any household.
PROBE: dict[InvoerType | StapType, Any] = {
    InvoerType.bedrag: 1000,
    InvoerType.getal: 1,
    InvoerType.datum: "2000-01-01",
    InvoerType.ja_nee: True,
    InvoerType.tekst: "0344",
    StapType.bedrag: 1000,
    StapType.getal: 1,
    StapType.datum: "2000-01-01",
    StapType.ja_nee: True,
}
INVOER_TO_STAP = {
    InvoerType.bedrag: StapType.bedrag,
    InvoerType.getal: StapType.getal,
    InvoerType.datum: StapType.datum,
    InvoerType.ja_nee: StapType.ja_nee,
}


WOONPLAATS = "woonplaats"  # the voorwaarde the loader adds to a gemeente's regeling


class RegelFout(Exception):
    """One or more rule files are broken; `problems` lists each as 'file: where: what'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def household_facts(model: type[BaseModel] = Huishouden, prefix: str = "") -> dict[str, InvoerType]:
    """Every fact path of the household model (by JSON name) with its input type."""
    facts: dict[str, InvoerType] = {}
    for name, field in model.model_fields.items():
        path = prefix + (field.alias or name)
        kind, item = _kind(field.annotation)
        facts[path] = kind
        if item is not None:
            facts.update(household_facts(item, path + ("[]." if kind is InvoerType.lijst else ".")))
    return facts


def _kind(annotation: Any) -> tuple[InvoerType, type[BaseModel] | None]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return _kind(args[0])
    if typing.get_origin(annotation) is typing.Annotated:
        return _kind(args[0])
    if typing.get_origin(annotation) is list:
        return InvoerType.lijst, args[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return InvoerType.tekst, annotation  # an object: only its fields are facts
    simple = {date: InvoerType.datum, Decimal: InvoerType.bedrag, bool: InvoerType.ja_nee}
    return simple.get(annotation, InvoerType.tekst), None


FACTS = household_facts()


def compile_regeling(
    regeling: Regeling, shared: Mapping[str, Parameter], source: str
) -> CompiledRegeling:
    """Compile and check one regeling; raise RegelFout listing every problem."""
    return _Compiler(_with_gemeente(regeling), shared, source).compile()


Rows = list[tuple[Expressie | None, Expressie | None]]  # a step's (condition, value) rows


class _Compiler:
    """The compilation of one regeling, in named phases; each phase notes the problems it
    finds, and the compiler stops after the phases whose problems make the next meaningless."""

    def __init__(self, regeling: Regeling, shared: Mapping[str, Parameter], source: str) -> None:
        self.regeling = regeling
        self.shared = shared
        self.source = source
        self.problems: list[str] = []
        self.parameters = {**shared, **regeling.parameters}
        self.types: dict[str, StapType | InvoerType] = {
            **BUILTINS,
            **dict.fromkeys(self.parameters, StapType.getal),
            **{path: spec.type for path, spec in regeling.invoer.items()},
        }
        self.step_names = [stap.naam for stap in regeling.berekening]
        self.nodes = 0  # the number the next node gets in the plan
        self.fact_keys = {path: spec_key(path, spec) for path, spec in regeling.invoer.items()}

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.source}: {where}: {what}")

    def stop_on_problems(self) -> None:
        if self.problems:
            raise RegelFout(self.problems)

    def compile(self) -> CompiledRegeling:
        for name in self.regeling.parameters.keys() & self.shared.keys():
            self.problem(f"parameter '{name}'", "bestaat al als gedeelde parameter")
        _check_invoer(self.regeling.invoer, self.problem)
        self.declare_steps()
        rows = self.compile_steps()
        compiles = not self.problems
        steps = self.plan_steps(rows) if compiles else {}
        voorwaarden = self.compile_voorwaarden(compiles)
        _check_uitkomst(self.regeling, self.types, self.parameters, self.problem)
        self.stop_on_problems()
        used = self.probe(Nodes(steps, voorwaarden, frozenset()))
        _check_tests(self.regeling, self.parameters, used, self.problem)
        self.stop_on_problems()
        return CompiledRegeling(self.regeling, self.shared, Nodes(steps, voorwaarden, used))

    def expression(self, where: str, text: str, type_: StapType) -> Expressie | None:
        """One expression compiled, or None with its problems noted."""
        if error := syntax_error(text):
            self.problem(where, f"fout in expressie: {error}{_yaml_hint(text)}")
            return None
        expressie = Expressie(text, type_)
        for name in sorted(expressie.names - self.types.keys()):
            self.problem(where, f"onbekende naam '{name}'")
        return expressie

    def node(self, naam: str, expressie: Expressie | None) -> Node:
        """A compiled expression as a numbered node of the plan."""
        assert expressie is not None
        self.nodes += 1
        return Node.of(
            naam,
            expressie,
            self.regeling.invoer.keys(),
            self.parameters.keys(),
            self.step_names,
            nummer=self.nodes,
            fact_keys=self.fact_keys,
        )

    def declare_steps(self) -> None:
        """Each step's name and type, before any expression refers to them."""
        for stap in self.regeling.berekening:
            if stap.naam in self.types or self.step_names.count(stap.naam) > 1:
                self.problem(f"stap '{stap.naam}'", "de naam is al in gebruik")
            self.types[stap.naam] = stap.type

    def compile_steps(self) -> dict[str, Rows]:
        """Each step as rows of (condition, value); a plain expression is one row."""
        compiled: dict[str, Rows] = {}
        for stap in self.regeling.berekening:
            where = f"stap '{stap.naam}'"
            if stap.expressie is not None:
                compiled[stap.naam] = [(None, self.expression(where, stap.expressie, stap.type))]
                continue
            compiled[stap.naam] = [
                (
                    self.expression(f"{where}, keuze {row}", keuze.als, StapType.ja_nee)
                    if keuze.als
                    else None,
                    self.expression(f"{where}, keuze {row}", keuze.dan, stap.type),
                )
                for row, keuze in enumerate(stap.keuze or [], start=1)
            ]
        return compiled

    def plan_steps(self, compiled: Mapping[str, Rows]) -> dict[str, Node | CompiledKeuze]:
        """The steps as nodes in dependency order (a cycle is a problem)."""
        graph = {
            name: set().union(*(e.names for row in rows for e in row if e)) & set(self.step_names)
            for name, rows in compiled.items()
        }
        steps: dict[str, Node | CompiledKeuze] = {}
        for name in _order(graph, self.problem):
            rows = compiled[name]
            if regeling_step(self.regeling, name).expressie is not None:
                steps[name] = self.node(name, rows[0][1])
            else:
                steps[name] = CompiledKeuze(
                    name,
                    tuple(
                        (self.node(name, als) if als else None, self.node(name, dan))
                        for als, dan in rows
                    ),
                )
        return steps

    def compile_voorwaarden(self, compiles: bool) -> list[CompiledVoorwaarde]:
        """Each voorwaarde with its hint; nodes only when everything so far compiled."""
        voorwaarden = []
        names = [voorwaarde.naam for voorwaarde in self.regeling.voorwaarden]
        for voorwaarde in self.regeling.voorwaarden:
            where = f"voorwaarde '{voorwaarde.naam}'"
            if names.count(voorwaarde.naam) > 1:
                self.problem(where, "de naam komt meer dan eens voor")
            expressie = self.expression(where, voorwaarde.expressie, StapType.ja_nee)
            hint = None
            if voorwaarde.hint:
                hint_type = (
                    StapType.datum if "{datum}" in voorwaarde.hint.tekst else StapType.bedrag
                )
                hint = self.expression(f"{where}, hint", voorwaarde.hint.expressie, hint_type)
            if compiles and expressie and (hint or not voorwaarde.hint):
                voorwaarden.append(
                    CompiledVoorwaarde(
                        spec=voorwaarde,
                        node=self.node(voorwaarde.naam, expressie),
                        hint=self.node(voorwaarde.naam, hint) if hint else None,
                        beslissend=voorwaarde.naam == WOONPLAATS and bool(self.regeling.gemeenten),
                    )
                )
        return voorwaarden

    def probe(self, nodes: Nodes) -> frozenset[str]:
        """Evaluate every node once with probe values (a type error is a problem); the
        parameters any expression reads."""
        every_node = [
            *(
                (f"stap '{step.naam}'", n)
                for step in nodes.steps.values()
                for n in (step.nodes if isinstance(step, CompiledKeuze) else [step])
            ),
            *((f"voorwaarde '{v.spec.naam}'", v.node) for v in nodes.voorwaarden),
            *((f"voorwaarde '{v.spec.naam}', hint", v.hint) for v in nodes.voorwaarden if v.hint),
        ]
        for where, each in every_node:
            if error := _probe(each, self.types, self.regeling.invoer):
                self.problem(where, error)
        used = frozenset().union(*(each.parameters for _, each in every_node))
        if self.regeling.uitkomst.minimum:
            used |= {self.regeling.uitkomst.minimum}
        return used


def regeling_step(regeling: Regeling, name: str) -> Stap:
    return next(stap for stap in regeling.berekening if stap.naam == name)


def _yaml_hint(text: str) -> str:
    """A `#` outside quotes starts a YAML comment: the expression then stops short."""
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return " (staat er een # in? Zet de expressie dan tussen aanhalingstekens)"
    return ""


def _with_gemeente(regeling: Regeling) -> Regeling:
    """A gemeente's regeling gets the voorwaarde that the resident lives there."""
    if not regeling.gemeenten:
        return regeling
    codes = ", ".join(f"'{code}'" for code in regeling.gemeenten)
    namen = " of ".join(f"de gemeente {naam}" for naam in regeling.gemeenten.values())
    woonplaats = Voorwaarde(
        naam=WOONPLAATS,
        expressie=f"gemeentecode in [{codes}]",
        grondslag=f"{regeling.grondslag.wet}: de regeling geldt voor inwoners van {namen}",
        uitleg=Uitleg(
            voldaan=f"U woont in {namen}.",
            niet_voldaan=f"Deze regeling is alleen voor inwoners van {namen}.",
        ),
    )
    if woonplaats in regeling.voorwaarden:  # compiled before (a beheerder's proposed version)
        return regeling
    invoer = {"gemeentecode": Invoer(type=InvoerType.tekst, bron="brp"), **regeling.invoer}
    return regeling.model_copy(
        update={"invoer": invoer, "voorwaarden": [woonplaats, *regeling.voorwaarden]}
    )


def _check_invoer(invoer: Mapping[str, Invoer], problem: Any) -> None:
    for path, spec in invoer.items():
        if path.startswith(UITKOMST):  # another regeling's outcome: the catalogue checks it
            continue
        where = f"invoer '{path}'"
        known = FACTS.get(path)
        if known is None:
            problem(where, "geen gegeven van het huishouden (zie rules/schema)")
        elif (known is InvoerType.lijst) != (
            spec.type in (InvoerType.lijst, InvoerType.maandreeks)
        ) or (
            spec.type not in (InvoerType.lijst, InvoerType.maandreeks) and known is not spec.type
        ):
            problem(where, f"verkeerd type: het gegeven is {known.value}, niet {spec.type.value}")
        for veld, veld_spec in (spec.velden or {}).items():
            item_type = FACTS.get(f"{path}[].{veld}")
            if item_type is None:
                problem(where, f"onbekend veld '{veld}'")
            elif item_type is not veld_spec.type:
                problem(where, f"verkeerd type voor veld '{veld}': het is {item_type.value}")


def _order(graph: Mapping[str, set[str]], problem: Any) -> list[str]:
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " -> ".join(error.args[1])
        problem(f"stap '{error.args[1][0]}'", f"kringverwijzing: {cycle}")
        return []


def _probe(
    node: Node, types_: Mapping[str, StapType | InvoerType], invoer: Mapping[str, Invoer]
) -> str | None:
    """Evaluate once with probe values; a type error is a broken rule."""
    context: dict[str, Any] = {}
    for name in node.expressie.names:
        spec = invoer.get(name)
        if spec is not None and spec.velden is not None:
            item = {veld: PROBE[v.type] for veld, v in spec.velden.items()}
            value: Any = [{**item, "maandenGeleden": 1}]
        else:
            value = PROBE[types_[name]]
        target = context
        *parents, leaf = name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    try:
        node.expressie.evaluate(context)
    except ExpressieFout as error:
        if "Unsupported type" in str(error) or "geen " in str(error):
            return f"verkeerd type: {error}"
    return None


def _check_uitkomst(
    regeling: Regeling,
    types_: Mapping[str, StapType | InvoerType],
    parameters: Mapping[str, Parameter],
    problem: Any,
) -> None:
    uitkomst = regeling.uitkomst
    for step in (uitkomst.bedrag_per_jaar, uitkomst.bedrag_per_maand, uitkomst.bedrag_eenmalig):
        if step is not None and types_.get(step) is not StapType.bedrag:
            problem("uitkomst", f"'{step}' is geen stap van het type bedrag")
    if uitkomst.minimum and uitkomst.minimum not in parameters:
        problem("uitkomst", f"onbekende parameter '{uitkomst.minimum}'")
    _check_verklaringen(regeling, parameters, problem)


def _check_verklaringen(
    regeling: Regeling, parameters: Mapping[str, Parameter], problem: Any
) -> None:
    """Each declarable fact is an input; each declarable amount has its bound (plausibelTot),
    so an amount only the resident vouches for never decides a grant without limit."""
    for path in regeling.toekenning.eigen_verklaring:
        spec = regeling.invoer.get(path)
        if spec is None:
            problem("toekenning", f"eigenVerklaring '{path}' is geen invoer van deze regeling")
        elif spec.type is InvoerType.bedrag and spec.plausibel_tot is None:
            problem(f"invoer '{path}'", "een bedrag in eigenVerklaring heeft plausibelTot nodig")
    for path, spec in regeling.invoer.items():
        if spec.plausibel_tot is None:
            continue
        if spec.type is not InvoerType.bedrag:
            problem(f"invoer '{path}'", "plausibelTot hoort alleen bij een bedrag")
        grens = parameters.get(spec.plausibel_tot)
        if grens is None:
            problem(f"invoer '{path}'", f"onbekende parameter '{spec.plausibel_tot}'")
        elif not grens.eenheid.startswith("euro"):
            problem(f"invoer '{path}'", f"plausibelTot '{spec.plausibel_tot}' is geen bedrag")


def _check_tests(
    regeling: Regeling,
    parameters: Mapping[str, Parameter],
    used: frozenset[str],
    problem: Any,
) -> None:
    for test in regeling.tests:
        where = f"test '{test.naam}'"
        if regeling.geldig_vanaf and test.peildatum < regeling.geldig_vanaf:
            problem(where, f"de peildatum ligt voor geldigVanaf {regeling.geldig_vanaf}")
        try:
            huishouden = Huishouden.model_validate(test.huishouden)
        except ValidationError as error:
            for item in error.errors():
                loc = ".".join(str(part) for part in item["loc"])
                problem(where, f"huishouden.{loc}: {item['msg']}")
            continue
        for name in sorted(used):
            if entry_on(parameters[name], test.peildatum, huishouden.gemeentecode) is None:
                problem(where, f"parameter '{name}' heeft geen waarde op {test.peildatum}")
