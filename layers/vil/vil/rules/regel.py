"""One compiled regeling: its expressions compiled once, evaluated for a household."""

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from vil.models.regeling import (
    Afronding,
    Betaling,
    Invoer,
    Parameter,
    Regeling,
    StapType,
    Voorwaarde,
)
from vil.models.resultaat import (
    FeitHerkomst,
    HerkomstSoort,
    Resultaat,
)
from vil.rules import feiten
from vil.rules.expressies import Expressie, ExpressieFout, to_zen
from vil.rules.parameters import Waarde, waarde_on
from vil.rules.tekst import datum, euro

# Names every expression may use besides parameters, steps and inputs.
BUILTINS: dict[str, StapType] = {"peildatum": StapType.datum, "heeftPartner": StapType.ja_nee}
EURO = Decimal(1)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled expression, with the inputs, parameters and steps it reads directly."""

    naam: str
    expressie: Expressie
    inputs: frozenset[str]
    parameters: tuple[str, ...]  # sorted, so the first reason found is always the same
    steps: tuple[str, ...]  # sorted
    plain: tuple[str, ...]  # names given to the expression as they are
    nested: tuple[tuple[str, str, str], ...]  # dotted inputs: (root, rest, path)

    @classmethod
    def of(
        cls,
        naam: str,
        expressie: Expressie,
        inputs: Collection[str],
        parameters: Collection[str],
        steps: Collection[str],
    ) -> "Node":
        names = expressie.names
        return cls(
            naam=naam,
            expressie=expressie,
            inputs=frozenset(names & set(inputs)),
            parameters=tuple(sorted(names & set(parameters))),
            steps=tuple(sorted(names & set(steps))),
            plain=tuple(name for name in names if "." not in name),
            nested=tuple(
                (root, rest, name)
                for name in sorted(names)
                if "." in name
                for root, _, rest in [name.partition(".")]
            ),
        )


@dataclass(frozen=True, slots=True)
class Keuze:
    """A step that is a choice: the first row whose condition holds gives the value."""

    naam: str
    rijen: tuple[tuple[Node | None, Node], ...]

    @property
    def nodes(self) -> list[Node]:
        return [node for row in self.rijen for node in row if node is not None]


class Oorzaak(Enum):
    ontbreekt = "ontbreekt"  # a fact is missing: the right is unknown
    onbekend = "onbekend"  # a parameter has no known value: only the amount is unknown
    fout = "fout"  # an expression failed at run time


@dataclass(frozen=True, slots=True)
class Geblokkeerd:
    """Why a step or voorwaarde has no value."""

    reden: str
    oorzaak: Oorzaak


ONTBREEKT = Geblokkeerd("Hiervoor ontbreken gegevens.", Oorzaak.ontbreekt)
Value = Decimal | bool | date


class CompiledRegeling:
    """A regeling whose expressions are compiled; `evaluate` never raises on a valid household."""

    def __init__(self, regeling: Regeling, shared: Mapping[str, Parameter], nodes: "Nodes") -> None:
        self.regeling = regeling
        self.parameters = {**shared, **regeling.parameters}
        self.steps = nodes.steps
        self.voorwaarden = nodes.voorwaarden
        # The bounds of declared amounts are part of the rules a decision rests on too.
        grenzen = {spec.plausibel_tot for spec in regeling.invoer.values() if spec.plausibel_tot}
        used_shared = {
            name: shared[name] for name in sorted(nodes.used_parameters | grenzen) if name in shared
        }
        self.versie = content_hash(regeling.model_dump(mode="json"), used_shared)
        self.waarden_on = lru_cache(maxsize=256)(self._resolve)

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
        if self.regeling.geldig_vanaf and peildatum < self.regeling.geldig_vanaf:
            return self.not_in_force(peildatum)
        run = _Run(self, household, peildatum)
        return run.result(herkomst or {})

    def not_in_force(self, peildatum: date) -> Resultaat:
        """Before its rules apply, a regeling is not assessed: recht unknown, with the reason."""
        assert self.regeling.geldig_vanaf is not None
        reden = (
            f"VIL beoordeelt {self.regeling.naam} vanaf {datum(self.regeling.geldig_vanaf)};"
            f" voor een peildatum daarvoor kan VIL het recht niet vaststellen."
        )
        return Resultaat.model_validate(
            {
                "regeling": self.id,
                "naam": self.regeling.naam,
                "recht": None,
                "regelversie": self.versie,
                "toekenning": self.regeling.toekenning.wijze,
                "bedrag_per_maand": None,
                "bedrag_per_jaar": None,
                "bedrag_eenmalig": None,
                "bedrag_uitleg": reden,
                "voorwaarden": [],
                "berekening": [],
                "parameters": [],
                "hints": [],
                "ontbrekende_gegevens": [],
                "indicatief": True,
                "indicatief_redenen": [reden],
            }
        )


@dataclass(frozen=True, slots=True)
class CompiledVoorwaarde:
    spec: Voorwaarde
    node: Node
    hint: Node | None
    # When a decisive voorwaarde fails the others are not assessed: someone who lives
    # elsewhere needs no verdict on their income for a gemeente's regeling.
    beslissend: bool = False


@dataclass(frozen=True, slots=True)
class Nodes:
    steps: dict[str, Node | Keuze]  # in dependency order
    voorwaarden: list[CompiledVoorwaarde]  # the gemeente's own first, then the file's
    used_parameters: frozenset[str]  # every parameter any expression reads


class _Run:
    """The state of one evaluation of one regeling.

    A step is computed once, when a voorwaarde or the amount first needs it (the trace shows
    the steps that were needed). Each step, voorwaarde and hint records which parameters it
    actually read (in a choice, only the row taken): those decide what the result lists as used
    and which unconfirmed values make it indicatief.
    """

    def __init__(self, regel: CompiledRegeling, household: Mapping[str, Any], peildatum: date):
        self.regel = regel
        self.peildatum = peildatum
        self.waarden, parameters = regel.waarden_on(peildatum, household.get("gemeentecode"))
        # Every name an expression may read, as zen takes it; facts and steps are added as they
        # are first needed.
        self.env: dict[str, Any] = {
            **parameters,
            "peildatum": peildatum.isoformat(),
            "heeftPartner": household.get("partner") is not None,
        }
        self.feiten = feiten.Feiten(regel.regeling.invoer, household, peildatum, self.env)
        self.values: dict[str, Value] = {}
        self.blocked: dict[str, Geblokkeerd] = {}  # step name -> why it has no value
        self.reads: dict[str, set[str]] = {}  # step name -> parameters it read
        self.failures: list[str] = []

    def step(self, name: str) -> set[str]:
        """Compute a step the first time something needs it; the parameters it read."""
        if name not in self.reads:
            self.reads[name] = reads = set[str]()
            value = self.evaluate(self.regel.steps[name], reads)
            if isinstance(value, Geblokkeerd):
                self.blocked[name] = value
            else:
                self.values[name] = value
                self.env[name] = to_zen(value)
        return self.reads[name]

    def evaluate(self, node: Node | Keuze, reads: set[str]) -> Value | Geblokkeerd:
        """The node's value, or why it has none; adds the parameters it read to `reads`."""
        if isinstance(node, Keuze):
            for condition, value in node.rijen:
                if condition is not None:
                    holds = self.evaluate(condition, reads)
                    if isinstance(holds, Geblokkeerd):
                        return holds
                    if not holds:
                        continue
                return self.evaluate(value, reads)
            return self.fail(node.naam, "geen rij van de keuze is van toepassing")
        if node.inputs and self.feiten.missing(node.inputs):
            return ONTBREEKT
        for name in node.steps:
            reads |= self.step(name)
            if name in self.blocked:
                return self.blocked[name]
        reads.update(node.parameters)
        for name in node.parameters:
            waarde = self.waarden[name]
            if waarde.value is None:
                return Geblokkeerd(waarde.unknown_reason or name, Oorzaak.onbekend)
        env = self.env
        context = {name: env[name] for name in node.plain}
        for root, rest, name in node.nested:
            _nest(context.setdefault(root, {}), rest, env[name])
        try:
            return node.expressie.evaluate(context)
        except ExpressieFout as error:
            return self.fail(node.naam, str(error))

    def fail(self, naam: str, problem: str) -> Geblokkeerd:
        message = f"{naam}: {problem}"
        self.failures.append(message)
        return Geblokkeerd(f"Kon niet worden berekend ({message}).", Oorzaak.fout)

    def result(self, herkomst: Mapping[str, FeitHerkomst]) -> Resultaat:
        regeling = self.regel.regeling
        voorwaarden: list[dict[str, Any]] = []
        reads: dict[str, set[str]] = {}  # voorwaarde -> parameters it read
        decided = False  # a decisive voorwaarde failed: nothing else is assessed
        for compiled in self.regel.voorwaarden:
            spec = compiled.spec
            reads[spec.naam] = set()
            outcome = self.evaluate(compiled.node, reads[spec.naam])
            if isinstance(outcome, Geblokkeerd):
                voldaan, uitleg = None, outcome.reden
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
            if compiled.beslissend and voldaan is False:
                decided = True
                break
        failed = [v["naam"] for v in voorwaarden if v["voldaan"] is False]
        recht: bool | None = (
            False if failed else None if any(v["voldaan"] is None for v in voorwaarden) else True
        )
        amounts = _Amounts(regeling.uitkomst.betaling)
        if recht is True:
            reads["bedrag"] = set()
            recht = self.amounts(amounts, voorwaarden, reads["bedrag"])
        elif recht is False:
            amounts.zero()
        # What decided the outcome: for a refusal only what refused it, otherwise everything.
        decisive = [v["naam"] for v in voorwaarden if v["voldaan"] is False] or list(reads)
        used = set().union(*(reads[naam] for naam in decisive))
        hints = self.hint(failed, used)
        geschat = sorted({j for n in used if (j := self.waarden[n].geschat_met) is not None})
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
                    if stap.naam in self.reads  # the steps this outcome needed
                ],
                "parameters": [
                    g for n in sorted(used) if (g := self.waarden[n].gebruikt) is not None
                ],
                "hints": hints,
                "ontbrekende_gegevens": [] if decided else self.feiten.missing_paths(),
                "indicatief": bool(reasons := self.indicatief(used, herkomst, geschat)),
                "indicatief_redenen": reasons,
                "geschat_met_bedragen_van": geschat[-1] if geschat else None,
            }
        )

    def amounts(
        self, amounts: "_Amounts", voorwaarden: list[dict[str, Any]], reads: set[str]
    ) -> bool | None:
        """Fill in the amounts; whether there is a right once the amount is known."""
        uitkomst = self.regel.regeling.uitkomst
        if uitkomst.betaling is Betaling.in_natura:
            amounts.uitleg = uitkomst.uitleg_in_natura
            return True
        step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        assert step is not None
        reads |= self.step(step)
        if step in self.blocked:
            blocked = self.blocked[step]
            amounts.uitleg = blocked.reden
            return True if blocked.oorzaak is Oorzaak.onbekend else None
        value = self.values[step]
        assert isinstance(value, Decimal)
        minimum = None
        if uitkomst.minimum:
            reads.add(uitkomst.minimum)
            minimum = self.waarden[uitkomst.minimum].value
        if uitkomst.betaling is Betaling.eenmalig:
            amounts.eenmalig = max(value, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        elif uitkomst.afronding is Afronding.awir:
            # Awir art. 14(4): the year amount is rounded to whole euros; the Dienst Toeslagen
            # pays a twelfth of it per month, rounded down (docs/bronnen-regelingen.md, open
            # question 10).
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

    def hint(self, failed: list[str], used: set[str]) -> list[str]:
        """A hint only when one voorwaarde alone stands between the resident and the right."""
        if len(failed) != 1:
            return []
        compiled = next((v for v in self.regel.voorwaarden if v.spec.naam == failed[0]), None)
        if compiled is None or compiled.hint is None or compiled.spec.hint is None:
            return []
        spec = compiled.spec.hint
        value = self.evaluate(compiled.hint, used)
        if isinstance(value, Decimal) and value > 0:
            return [spec.tekst.replace("{bedrag}", euro(value))]
        if isinstance(value, date) and value > self.peildatum:
            return [spec.tekst.replace("{datum}", datum(value))]
        return []

    def indicatief(
        self, used: set[str], herkomst: Mapping[str, FeitHerkomst], geschat: list[int]
    ) -> list[str]:
        """Why the outcome is not firm: the year's amounts not yet set (`geschat`: the years
        whose values stand in), unconfirmed or unknown values, unverified facts."""
        reasons = [schatting(self.peildatum.year, geschat)] if geschat else []
        for name in sorted(used):
            waarde = self.waarden[name]
            if waarde.onbevestigd:
                reasons.append(waarde.onbevestigd)
            elif waarde.value is None:
                reasons.append(f"Geen bekende waarde: {waarde.unknown_reason}")
        toekenning = self.regel.regeling.toekenning
        for path, spec in self.regel.regeling.invoer.items():
            if not herkomst or self.feiten.read(path):
                continue
            what = spec.omschrijving or path
            # Once each, in the provenance's own order (a set would follow the hash seed).
            for origin in dict.fromkeys(feiten.herkomst_van(path, herkomst)):
                if origin.in_onderzoek:
                    reasons.append(f"{what}: dit gegeven is in onderzoek bij de bron.")
                if origin.soort in (HerkomstSoort.gecorrigeerd, HerkomstSoort.eigen_verklaring):
                    if path not in toekenning.eigen_verklaring:
                        reasons.append(
                            f"{what}: door u opgegeven, nog niet door een bron bevestigd."
                        )
                    elif spec.plausibel_tot and (te_hoog := self.boven_grens(path, spec)):
                        reasons.append(f"{what}: {te_hoog}")
                elif origin.opgehaald_op and spec.maximale_ouderdom_dagen:
                    age = (self.peildatum - origin.opgehaald_op.date()).days
                    if age > spec.maximale_ouderdom_dagen:
                        reasons.append(f"{what}: het gegeven is {age} dagen oud.")
        reasons = list(dict.fromkeys(reasons))  # one list item may repeat a reason
        reasons.extend(f"Berekening mislukt: {failure}" for failure in self.failures)
        return reasons

    def boven_grens(self, path: str, spec: Invoer) -> str | None:
        """Why a declared amount is above what VIL takes on the resident's word, or None."""
        assert spec.plausibel_tot is not None
        grens = self.waarden[spec.plausibel_tot].value
        if grens is None:
            return "door u opgegeven; er is geen grens bekend tot waar VIL dat zo aanneemt."
        verklaard = Decimal(str(self.env[path]))  # zen's number, exact below 10^13 cents
        if verklaard <= grens:
            return None
        return (
            f"door u opgegeven {euro(verklaard, centen=True)}, meer dan de {euro(grens)} die VIL"
            " op uw eigen verklaring aanneemt; de gemeente controleert het bedrag."
        )


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


def schatting(jaar: int, geschat: list[int]) -> str:
    """The reason of an outcome computed with an earlier year's amounts, in plain Dutch."""
    jaren = " en ".join(str(j) for j in geschat)
    return (
        f"De bedragen voor {jaar} zijn nog niet vastgesteld; dit is een schatting met de"
        f" bedragen van {jaren}."
    )


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


def content_hash(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
