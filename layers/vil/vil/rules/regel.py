"""One compiled regeling: its expressions compiled once, evaluated for a household."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from vil.models.regeling import (
    Afronding,
    Betaling,
    Parameter,
    Regeling,
    StapType,
    Voorwaarde,
)
from vil.models.resultaat import (
    FeitHerkomst,
    GebruikteParameter,
    HerkomstSoort,
    Resultaat,
)
from vil.rules import feiten
from vil.rules.expressies import Expressie, ExpressieFout, to_zen
from vil.rules.parameters import Waarde, waarde_on

# Names every expression may use besides parameters, steps and inputs.
BUILTINS: dict[str, StapType] = {"peildatum": StapType.datum, "heeftPartner": StapType.ja_nee}
EURO = Decimal(1)
CENT = Decimal("0.01")
MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled step, voorwaarde or hint, with everything it depends on (transitively)."""

    naam: str
    expressie: Expressie
    inputs: frozenset[str]
    parameters: tuple[str, ...]  # sorted, so the first reason found is always the same
    steps: tuple[str, ...]  # sorted
    plain: tuple[str, ...] = ()  # names given to the expression as they are
    nested: tuple[tuple[str, str, str], ...] = ()  # dotted inputs: (root, rest, path)

    @classmethod
    def of(
        cls,
        naam: str,
        expressie: Expressie,
        inputs: frozenset[str],
        parameters: Iterable[str],
        steps: Iterable[str],
    ) -> "Node":
        dotted = sorted(name for name in expressie.names if "." in name)
        return cls(
            naam=naam,
            expressie=expressie,
            inputs=inputs,
            parameters=tuple(sorted(parameters)),
            steps=tuple(sorted(steps)),
            plain=tuple(name for name in expressie.names if "." not in name),
            nested=tuple((*name.split(".", 1), name) for name in dotted),  # type: ignore[misc]
        )


class CompiledRegeling:
    """A regeling whose expressions are compiled; `evaluate` never raises on a valid household."""

    def __init__(self, regeling: Regeling, shared: Mapping[str, Parameter], nodes: "Nodes") -> None:
        self.regeling = regeling
        self.parameters = {**shared, **regeling.parameters}
        self.steps = nodes.steps
        self.voorwaarden = nodes.voorwaarden
        used_shared = {
            name: shared[name] for name in sorted(nodes.used_parameters) if name in shared
        }
        self.versie = content_hash(regeling.model_dump(mode="json"), used_shared)
        self._waarden = lru_cache(maxsize=256)(self._resolve)

    @property
    def id(self) -> str:
        return self.regeling.id

    def _resolve(
        self, peildatum: date, gemeente: str | None
    ) -> tuple[dict[str, Waarde], dict[str, Any]]:
        """The parameter values on a date, and the same as zen takes them."""
        waarden = {
            name: waarde_on(name, parameter, peildatum, gemeente)
            for name, parameter in self.parameters.items()
        }
        return waarden, {name: waarde.zen for name, waarde in waarden.items()}

    def evaluate(
        self,
        household: Mapping[str, Any],
        peildatum: date,
        herkomst: Mapping[str, FeitHerkomst] | None = None,
    ) -> Resultaat:
        """Evaluate for a household dumped with `model_dump(by_alias=True)`."""
        run = _Run(self, household, peildatum)
        return run.result(herkomst or {})


@dataclass(frozen=True, slots=True)
class CompiledVoorwaarde:
    spec: Voorwaarde
    node: Node
    hint: Node | None


@dataclass(frozen=True, slots=True)
class Nodes:
    steps: dict[str, Node]  # in dependency order
    voorwaarden: list[CompiledVoorwaarde]  # the gemeente's own first, then the file's
    used_parameters: frozenset[str]


class _Run:
    """The state of one evaluation of one regeling."""

    def __init__(self, regel: CompiledRegeling, household: Mapping[str, Any], peildatum: date):
        self.regel = regel
        self.peildatum = peildatum
        self.feiten = feiten.read(regel.regeling.invoer, household, peildatum)
        self.waarden, parameters = regel._waarden(peildatum, household.get("gemeentecode"))
        # Every name an expression may read, as zen takes it; steps are added as they are computed.
        self.env: dict[str, Any] = {
            **self.feiten.values,
            **parameters,
            "peildatum": peildatum.isoformat(),
            "heeftPartner": household.get("partner") is not None,
        }
        self.values: dict[str, Decimal | bool | date] = {}
        self.blocked: dict[str, str] = {}  # step name -> why it has no value
        self.failures: list[str] = []
        self.used: set[str] = set()  # parameters used by what was evaluated
        for node in regel.steps.values():
            value = self.evaluate(node)
            if isinstance(value, str):
                self.blocked[node.naam] = value
            else:
                self.values[node.naam] = value
                self.env[node.naam] = to_zen(value)

    def evaluate(self, node: Node) -> Decimal | bool | date | str:
        """The node's value, or a text saying why it has none."""
        if node.inputs and not node.inputs.isdisjoint(self.feiten.missing):
            return "Hiervoor ontbreken gegevens."
        waarden = self.waarden
        for name in node.parameters:
            if waarden[name].value is None:
                return waarden[name].unknown_reason or name
        for name in node.steps:
            if name in self.blocked:
                return self.blocked[name]
        env = self.env
        context = {name: env[name] for name in node.plain}
        for root, rest, name in node.nested:
            _nest(context.setdefault(root, {}), rest, env[name])
        self.used.update(node.parameters)
        try:
            return node.expressie.evaluate(context)
        except ExpressieFout as error:
            message = f"{node.naam}: {error}"
            self.failures.append(message)
            return f"Kon niet worden berekend ({message})."

    def result(self, herkomst: Mapping[str, FeitHerkomst]) -> Resultaat:
        regeling = self.regel.regeling
        voorwaarden: list[dict[str, Any]] = []
        for compiled in self.regel.voorwaarden:
            spec = compiled.spec
            outcome = self.evaluate(compiled.node)
            if isinstance(outcome, str):
                voldaan, uitleg = None, outcome
            else:
                assert isinstance(outcome, bool)
                voldaan = outcome
                uitleg = spec.uitleg.voldaan if outcome else spec.uitleg.niet_voldaan
            voorwaarden.append(
                {
                    "naam": spec.naam,
                    "voldaan": voldaan,
                    "uitleg": uitleg,
                    "grondslag": spec.grondslag,
                }
            )
        failed = [v["naam"] for v in voorwaarden if v["voldaan"] is False]
        recht: bool | None = (
            False if failed else None if any(v["voldaan"] is None for v in voorwaarden) else True
        )
        amounts = _Amounts(regeling.uitkomst.betaling)
        if recht is True:
            recht = self.amounts(amounts, voorwaarden)
        elif recht is False:
            amounts.zero()
        return Resultaat.model_validate(
            {
                "regeling": regeling.id,
                "naam": regeling.naam,
                "recht": recht,
                "regelversie": self.regel.versie,
                "toekenning": regeling.toekenning.wijze,
                "bedrag_per_maand": amounts.text("maand"),
                "bedrag_per_jaar": amounts.text("jaar"),
                "bedrag_eenmalig": amounts.text("eenmalig"),
                "bedrag_uitleg": amounts.uitleg,
                "voorwaarden": voorwaarden,
                "berekening": [
                    {
                        "stap": stap.naam,
                        "waarde": _text(self.values.get(stap.naam)),
                        "omschrijving": stap.omschrijving,
                        "grondslag": stap.grondslag,
                    }
                    for stap in regeling.berekening
                ],
                "parameters": self.parameters_used(),
                "hints": self.hint(failed),
                "ontbrekende_gegevens": self.feiten.missing_paths,
                "indicatief": bool(reasons := self.indicatief(herkomst)),
                "indicatief_redenen": reasons,
            }
        )

    def amounts(self, amounts: "_Amounts", voorwaarden: list[dict[str, Any]]) -> bool | None:
        """Fill in the amounts; whether there is a right once the amount is known."""
        uitkomst = self.regel.regeling.uitkomst
        if uitkomst.betaling is Betaling.in_natura:
            amounts.uitleg = uitkomst.uitleg_in_natura
            return True
        step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        assert step is not None
        if step in self.blocked:
            amounts.uitleg = self.blocked[step]
            unknown = not self.regel.steps[step].inputs.isdisjoint(self.feiten.missing)
            return None if unknown or self.failures else True
        value = self.values[step]
        assert isinstance(value, Decimal)
        minimum = None
        if uitkomst.minimum:
            self.used.add(uitkomst.minimum)
            minimum = self.waarden[uitkomst.minimum].value
        if uitkomst.betaling is Betaling.eenmalig:
            amounts.eenmalig = max(value, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        elif uitkomst.afronding is Afronding.awir:
            # Awir art. 14(4): the year amount is rounded to whole euros; the Dienst Toeslagen
            # pays a twelfth of it per month, rounded down (REGELINGEN.md open question 10).
            jaar = value * 12 if uitkomst.bedrag_per_maand else value
            amounts.jaar = max(jaar, Decimal(0)).quantize(EURO, ROUND_HALF_UP)
            amounts.maand = (amounts.jaar / 12).quantize(EURO, ROUND_FLOOR)
        elif uitkomst.bedrag_per_maand:
            amounts.maand = max(value, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
            amounts.jaar = amounts.maand * 12
        else:
            amounts.jaar = max(value, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
            amounts.maand = (amounts.jaar / 12).quantize(CENT, ROUND_HALF_UP)
        total = amounts.eenmalig if amounts.eenmalig is not None else amounts.jaar
        assert total is not None
        if total > 0 and (minimum is None or total >= minimum):
            return True
        amounts.zero()
        assert uitkomst.uitleg_geen_bedrag is not None
        voorwaarden.append(
            {
                "naam": "bedrag",
                "voldaan": False,
                "uitleg": uitkomst.uitleg_geen_bedrag,
                "grondslag": uitkomst.grondslag,
            }
        )
        return False

    def hint(self, failed: list[str]) -> list[str]:
        """A hint only when one voorwaarde alone stands between the resident and the right."""
        if len(failed) != 1:
            return []
        compiled = next(v for v in self.regel.voorwaarden if v.spec.naam == failed[0])
        if compiled.hint is None or compiled.spec.hint is None:
            return []
        spec = compiled.spec.hint
        value = self.evaluate(compiled.hint)
        if isinstance(value, Decimal) and value > 0:
            return [spec.tekst.replace("{bedrag}", _euro(value))]
        if isinstance(value, date) and value > self.peildatum:
            return [spec.tekst.replace("{datum}", _datum(value))]
        return []

    def parameters_used(self) -> list[GebruikteParameter]:
        return [g for n in sorted(self.used) if (g := self.waarden[n].gebruikt) is not None]

    def indicatief(self, herkomst: Mapping[str, FeitHerkomst]) -> list[str]:
        reasons = [r for n in sorted(self.used) if (r := self.waarden[n].onbevestigd)]
        toekenning = self.regel.regeling.toekenning
        for path, spec in self.regel.regeling.invoer.items():
            origin = herkomst.get(feiten.PREFIX + path)
            if origin is None or path in self.feiten.missing:
                continue
            what = spec.omschrijving or path
            if origin.soort in (HerkomstSoort.gecorrigeerd, HerkomstSoort.eigen_verklaring):
                if path not in toekenning.eigen_verklaring:
                    reasons.append(f"{what}: door u opgegeven, nog niet door een bron bevestigd.")
            elif origin.opgehaald_op and spec.maximale_ouderdom_dagen:
                age = (self.peildatum - origin.opgehaald_op.date()).days
                if age > spec.maximale_ouderdom_dagen:
                    reasons.append(f"{what}: het gegeven is {age} dagen oud.")
        reasons.extend(f"Berekening mislukt: {failure}" for failure in self.failures)
        return reasons


class _Amounts:
    def __init__(self, betaling: Betaling) -> None:
        self.betaling = betaling
        self.maand: Decimal | None = None
        self.jaar: Decimal | None = None
        self.eenmalig: Decimal | None = None
        self.uitleg: str | None = None

    def zero(self) -> None:
        if self.betaling is Betaling.periodiek:
            self.maand = self.jaar = Decimal(0)
        elif self.betaling is Betaling.eenmalig:
            self.eenmalig = Decimal(0)

    def text(self, which: str) -> str | None:
        value: Decimal | None = getattr(self, which)
        return None if value is None else f"{value:.2f}"


def _nest(target: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        _nest(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value


def _text(value: Decimal | bool | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.isoformat()
    return f"{value.normalize():f}"


def _euro(value: Decimal) -> str:
    """Dutch notation: € 1.234 or € 1.234,56."""
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")


def _datum(day: date) -> str:
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"


def content_hash(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
