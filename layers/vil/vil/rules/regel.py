"""One compiled regeling: its expressions compiled once, evaluated for a household."""

import decimal
import hashlib
import json
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

from vil.models.regeling import (
    Betaling,
    InvoerType,
    Parameter,
    Regeling,
    StapType,
    Voorwaarde,
)
from vil.models.resultaat import FeitHerkomst, GebruikteParameter, Rekenstap, Resultaat
from vil.rules import feiten, snel, uitleg
from vil.rules.beslissing import (
    ONTBREEKT,
    Amounts,
    Bedragen,
    Beslissing,
    Bevinding,
    Geblokkeerd,
    Mislukt,
    Oorzaak,
    Value,
    afronder,
    betaald,
    nul,
    teksten,
)
from vil.rules.expressies import Expressie, ExpressieFout, to_zen
from vil.rules.parameters import Waarde, waarde_on
from vil.rules.snel import Snelstand
from vil.rules.snelspoor import Snel, SnelSpoor, bevindingen, rust_op_indicatief
from vil.rules.tekst import datum
from vil.rules.vertaling import Terugval, lees

# Names every expression may use besides parameters, steps and inputs.
BUILTINS: dict[str, StapType] = {"peildatum": StapType.datum, "heeftPartner": StapType.ja_nee}


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled expression, with the inputs, parameters and steps it reads directly.

    The compiler numbers every node of a regeling (`nummer`, its place in the plan). A node that
    reads only parameters and the peildatum (`constant`) is computed once per peildatum and
    gemeente, never per household; one that is a bare name of a fact or step (`bare`) is
    mostly answered without zen.
    """

    naam: str
    expressie: Expressie
    inputs: frozenset[str]
    parameters: tuple[str, ...]  # sorted, so the first reason found is always the same
    steps: tuple[str, ...]  # sorted
    plain: tuple[str, ...]  # names given to the expression as they are
    nested: tuple[tuple[str, str, str], ...]  # dotted inputs: (root, rest, path)
    # The dotted inputs one level deep by root, (root, ((leaf, path), ...)): their objects are
    # built in one go; `nested` then holds only the deeper ones.
    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    nummer: int = 0
    namen: tuple[str, ...] = ()  # every name it reads, sorted
    # Reads a list (children, the income history): zen's evaluation costs several µs, worth a
    # memo when two catalogues decide side by side (`_Run.zen`); a scalar one is not.
    lijst: bool = False
    constant: bool = False
    bare: str | None = None
    # A node that reads only the household's own facts (and the peildatum): the same
    # expression on the same facts gives the same outcome in every regeling, so a household
    # computes it once (its key). Not one that reads another regeling's outcome, which
    # differs between two catalogues that share the facts (Huishoudfeiten's `naast`).
    shared: Hashable | None = None

    @property
    def nodes(self) -> list["Node"]:
        """The nodes of a step: this one (a choice has one per row part, CompiledKeuze)."""
        return [self]

    @classmethod
    def of(
        cls,
        naam: str,
        expressie: Expressie,
        inputs: Collection[str],
        parameters: Collection[str],
        steps: Collection[str],
        nummer: int = 0,
        fact_keys: Mapping[str, Hashable] | None = None,
    ) -> "Node":
        names = expressie.names
        reads_inputs = frozenset(names & set(inputs))
        reads_steps = tuple(sorted(names & set(steps)))
        reads_parameters = tuple(sorted(names & set(parameters)))
        constant = not reads_inputs and not reads_steps and names <= {*parameters, "peildatum"}
        plain = tuple(name for name in names if "." not in name)
        nested = [
            (root, rest, name)
            for name in sorted(names)
            if "." in name
            for root, _, rest in [name.partition(".")]
        ]
        by_root: dict[str, list[tuple[str, str]]] = {}
        for root, rest, name in nested:
            if "." not in rest and root not in plain:
                by_root.setdefault(root, []).append((rest, name))
        return cls(
            naam=naam,
            expressie=expressie,
            inputs=reads_inputs,
            parameters=reads_parameters,
            steps=reads_steps,
            plain=plain,
            nested=tuple(n for n in nested if "." in n[1] or n[0] in plain),
            groups=tuple((root, tuple(fields)) for root, fields in by_root.items()),
            nummer=nummer,
            namen=tuple(sorted(names)),
            lijst=_leest_lijst(reads_inputs, fact_keys),
            constant=constant,
            bare=None if constant else expressie.bare,
            shared=(
                (
                    expressie.text,
                    expressie.type,
                    tuple(sorted((fact_keys[i] for i in reads_inputs), key=str)),
                )
                if fact_keys is not None
                and reads_inputs
                and not any(i.startswith(feiten.UITKOMST) for i in reads_inputs)
                and not reads_steps
                and not reads_parameters
                and names <= reads_inputs | BUILTINS.keys()
                else None
            ),
        )


def _leest_lijst(inputs: Collection[str], fact_keys: Mapping[str, Hashable] | None) -> bool:
    """Whether a node reads an input that is a list or a month series (`feiten.spec_key`)."""
    if fact_keys is None:
        return False
    return any(isinstance(key := fact_keys[path], tuple) and key[1] in _LIJSTEN for path in inputs)


@dataclass(frozen=True, slots=True)
class CompiledKeuze:
    """A step that is a choice: the first row whose condition holds gives the value."""

    naam: str
    rijen: tuple[tuple[Node | None, Node], ...]

    @property
    def nodes(self) -> list[Node]:
        return [node for row in self.rijen for node in row if node is not None]


_SCALARS = frozenset({int, float, str, bool, type(None)})
_LIJSTEN = frozenset({InvoerType.lijst, InvoerType.maandreeks})


@dataclass(frozen=True, slots=True)
class Stand:
    """What a regeling's evaluations share on one peildatum in one gemeente."""

    waarden: dict[str, Waarde]  # every parameter's value
    env: dict[str, Any]  # the parameters as zen takes them, and the peildatum
    constants: dict[int, "Value | Geblokkeerd | Mislukt"]  # node number -> its outcome
    unknown: frozenset[str]  # the parameters without a value


class CompiledRegeling:
    """A regeling whose expressions are compiled; `evaluate` never raises on a valid household."""

    def __init__(self, regeling: Regeling, shared: Mapping[str, Parameter], nodes: "Nodes") -> None:
        self.regeling = regeling
        self.id = regeling.id
        # Read per household: plain attributes, not through pydantic's __getattr__ hook.
        self.geldig_vanaf = regeling.geldig_vanaf
        self.betaling = regeling.uitkomst.betaling
        self.parameters = {**shared, **regeling.parameters}
        self.steps = nodes.steps
        self.voorwaarden = nodes.voorwaarden
        self.by_name = {v.spec.naam: v for v in nodes.voorwaarden}
        # Each step's place, name, omschrijving and grondslag, in the rule file's order (the
        # explanation; `_Run.stappen`).
        self.stappen = tuple(
            (i, s.naam, s.omschrijving, s.grondslag) for i, s in enumerate(regeling.berekening)
        )
        self.fact_keys = {
            path: feiten.spec_key(path, spec) for path, spec in regeling.invoer.items()
        }
        self.nodes = nodes.every_node()
        self.constants = [node for node in self.nodes if node.constant]
        self.stap_types = {stap.naam: stap.type for stap in regeling.berekening}
        # The bounds of declared amounts are part of the rules a decision rests on too.
        grenzen = {spec.plausibel_tot for spec in regeling.invoer.values() if spec.plausibel_tot}
        self.used_parameters = nodes.used_parameters | grenzen
        used_shared = {
            name: shared[name] for name in sorted(self.used_parameters) if name in shared
        }
        self.versie = content_hash(regeling.model_dump(mode="json"), used_shared)
        # What every result of this version states of it (vil.rules.uitleg.resultaat).
        self.kop = (regeling.id, regeling.naam, self.versie, regeling.toekenning.wijze)
        self.stand = lru_cache(maxsize=256)(self._resolve)
        self.snelstand = lru_cache(maxsize=256)(self._snelstand)
        self.afronden = afronder(regeling.uitkomst)
        self.nul = nul(self.betaling)
        self.nul_teksten = teksten(self.nul)
        self._plan: snel.Plan | bool | None = False  # made when first needed
        # The explanation's steps by name, then by value (a number's by its text), each made
        # once; None for a step whose values do not repeat (vil.rules.uitleg.berekening).
        self.rekenstappen: dict[str, dict[Any, Rekenstap] | None] = {
            stap.naam: {} for stap in regeling.berekening
        }
        # A fast decision's findings of its voorwaarden, and those that refused, by their
        # outcomes (vil.rules.snelspoor.SnelSpoor): few combinations, each made once.
        self.bevindingen = lru_cache(maxsize=4096)(partial(bevindingen, self))
        self.gebruikte = lru_cache(maxsize=4096)(self._gebruikte)
        self.uitkomsten_gelezen_door = lru_cache(maxsize=256)(
            partial(uitleg.uitkomsten_gelezen_door, regeling)
        )

    @property
    def plan(self) -> "snel.Plan | None":
        """The decision's fast path (vil.rules.snel), generated when first needed; None where
        the generator leaves the regeling to the reference engine."""
        if self._plan is False:
            try:
                self._plan = snel.plan(self, feiten.ATTRIBUTES)
            except snel.NietSnel:
                self._plan = None
        return self._plan  # type: ignore[return-value]

    @plan.setter
    def plan(self, plan: "snel.Plan | None") -> None:
        self._plan = plan

    def _resolve(self, peildatum: date, gemeente: str | None) -> Stand:
        """The parameter values on a date, and every constant node's outcome."""
        waarden = {
            name: waarde_on(name, parameter, peildatum, gemeente)
            for name, parameter in self.parameters.items()
        }
        env: dict[str, Any] = {name: waarde.zen for name, waarde in waarden.items()}
        env["peildatum"] = peildatum.isoformat()
        constants = {node.nummer: _constant(node, waarden, env) for node in self.constants}
        unknown = frozenset(name for name, waarde in waarden.items() if waarde.value is None)
        return Stand(waarden, env, constants, unknown)

    def _gebruikte(
        self, used: frozenset[str], peildatum: date, gemeente: str | None
    ) -> tuple[GebruikteParameter, ...]:
        """The parameters an outcome rests on as its result states them, in name order: the
        same for every outcome that read the same ones on the day in the gemeente."""
        waarden = self.stand(peildatum, gemeente).waarden
        return tuple(g for n in sorted(used) if (g := waarden[n].gebruikt) is not None)

    def van_kracht(self, peildatum: date) -> bool:
        """Whether the regeling's rules apply on the peildatum (`geldigVanaf`)."""
        return not (self.geldig_vanaf and peildatum < self.geldig_vanaf)

    def onbekend_bedrag(self, waarden: Mapping[str, Waarde]) -> str:
        """Why the amount has no value: its first parameter without one (as `compute`)."""
        uitkomst = self.regeling.uitkomst
        step = uitkomst.bedrag_per_jaar or uitkomst.bedrag_per_maand or uitkomst.bedrag_eenmalig
        node = self.steps[step] if step else None
        assert isinstance(node, Node)
        for name in node.parameters:
            waarde = waarden[name]
            if waarde.value is None:
                return waarde.unknown_reason or name
        raise AssertionError("an amount without a value has a parameter without one")

    def feiten_van(self, facts: feiten.Huishoudfeiten) -> feiten.Feiten:
        """This regeling's inputs of a household as the reference reads them, every one."""
        values: dict[str, Any] = {}
        inputs = feiten.Feiten(self.regeling.invoer, self.fact_keys, facts, values)
        for path in self.regeling.invoer:
            inputs.read(path)
        return inputs

    def _snelstand(self, peildatum: date, gemeente: str | None) -> "snel.Snelstand | None":
        """The parameters and parameter-only nodes as the fast path reads them; None when
        one it may read has no value or failed (the reference explains those)."""
        plan = self.plan
        if plan is None or not self.van_kracht(peildatum):
            return None
        stand = self.stand(peildatum, gemeente)
        unknown = stand.unknown & self.used_parameters
        if not unknown <= plan.alleen_bedrag:
            return None
        if any(isinstance(v, Geblokkeerd | Mislukt) for v in stand.constants.values()):
            return None
        try:
            p = {n: lees(w.value) for n, w in stand.waarden.items() if w.value is not None}
            r = {n: lees(value) for n, value in stand.constants.items()}
        except Terugval:
            return None
        indicatief = 0
        for name, bit in plan.bits.items():
            waarde = stand.waarden[name]
            if waarde.onbevestigd or waarde.geschat_met is not None or waarde.value is None:
                indicatief |= bit
        minimum = self.regeling.uitkomst.minimum
        return snel.Snelstand(
            plan,
            stand.waarden,
            p,
            dict(stand.constants),
            r,
            indicatief,
            bool(unknown),
            None if minimum is None else stand.waarden[minimum].value,
            {
                snel.PEILDATUM: snel.dag(peildatum),
                **{n: snel.dag(c) for n, c in stand.constants.items() if type(c) is date},
            },
        )

    def snel(self, facts: feiten.Huishoudfeiten) -> "Snel | None":
        """This household's decision by the fast path, made once per household; None where
        the reference engine decides (vil.rules.snel says when)."""
        found = facts.snel.get(self, _NIET_GEDAAN)
        if found is _NIET_GEDAAN:
            found = self._snel(facts)
        return found  # type: ignore[no-any-return]

    def _snel(self, facts: feiten.Huishoudfeiten) -> "Snel | None":
        """The fast decision of a household, kept in its facts; None, kept too, where the
        reference decides."""
        stand = self.snelstand(facts.peildatum, facts.gemeentecode) if facts.model else None
        if stand is None:
            if facts.model and self.van_kracht(facts.peildatum):  # not taken: counted
                snel.TELLING.terugval += 1
            facts.snel[self] = None
            return None
        if stand.weigering is not None:  # the woonplaats refused every household here
            facts.snel[self] = stand.weigering
            return stand.weigering  # type: ignore[no-any-return]
        context = decimal.getcontext()
        if context is snel.EXACT:  # set for many households (`decide_alle`)
            return self._beslis(facts, stand)
        decimal.setcontext(snel.EXACT)
        try:
            return self._beslis(facts, stand)
        finally:
            decimal.setcontext(context)

    def _beslis(self, facts: feiten.Huishoudfeiten, stand: Snelstand) -> "Snel | None":
        """`_snel`'s decision by the generated function, in the context snel.EXACT."""
        plan = stand.plan
        try:
            (
                recht, value, used, bedrag, gelezen, failed, steps, voorwaarden, gaps, hint,
                decided,
            ) = plan.beslis(facts.velden, stand, facts)  # fmt: skip
        except Exception:
            snel.TELLING.terugval += 1
            facts.snel[self] = None
            return None
        (maand, jaar, eenmalig), bedrag_niet = self._bedragen(recht, value, stand.minimum)
        if bedrag_niet:  # below the minimum: refused by the amount, which alone decided
            recht, used = False, bedrag
        indicatief = bool(used & stand.indicatief) or (
            bool(plan.afhankelijk) and rust_op_indicatief(plan, facts, recht, gelezen, failed)
        )
        fast = facts.snel[self] = Snel(
            plan, recht, maand, jaar, eenmalig, indicatief, steps, voorwaarden, bedrag_niet,
            ontbrekend(gaps) if gaps else [], used, gelezen, gaps, hint, decided,
            value is snel.B, stand.waarden,
        )  # fmt: skip
        if recht is False:
            fast.teksten = self.nul_teksten
        if decided and plan.weigering_per_gemeente:
            fast.gedeeld = True
            stand.weigering = fast
        return fast

    def beslissingen(
        self,
        households: list[feiten.Huishoudfeiten],
        indices: list[int],
        uitkomsten: list[list[Beslissing]],
        context: decimal.Context,
        lezers: tuple["CompiledRegeling", ...],
    ) -> None:
        """The decisions of the households at `indices` (`decide_alle`), which share a
        Snelstand (one peildatum and gemeente, each given as a model or each not), appended
        to each one's list: by the fast path in the context snel.EXACT, which the caller set;
        by the reference in the caller's own `context`. Where one of the `lezers` (the
        regelingen that read its outcome) may read it, the fast decision is kept in the facts
        (`snel`). Elsewhere the `Beslissing` is made, in this loop, by the function for the
        decision alone (`Plan.zuiver`, or `Plan.beslissing` where a fact is missing); what the
        loop does not decide it takes from `snel`: a failure (counted here, as `_beslis`
        counts one), the woonplaats's refusal the gemeente's households share."""
        first = households[indices[0]]
        stand = self.snelstand(first.peildatum, first.gemeentecode) if first.model else None
        if stand is None or (lezers and self._bewaard(lezers, first)):
            for index in indices:
                uitkomsten[index].append(self._via_snel(households[index], context))
            return
        regeling, nul_teksten, plan = self.id, self.nul_teksten, stand.plan
        for index in indices:
            facts = households[index]
            if (weigering := stand.weigering) is not None:  # the woonplaats refused them all
                # As `Snel.beslissing` states it: a decisive refusal has no amounts and
                # misses no fact (`_beslis` shares only such a one).
                maand, jaar, eenmalig = nul_teksten
                uitkomsten[index].append(
                    Beslissing(regeling, False, maand, jaar, eenmalig, weigering.indicatief, [])
                )
                continue
            try:
                # None where a fact is missing: then the function that names it
                found = plan.zuiver(facts.velden, stand, facts) or plan.beslissing(
                    facts.velden, stand, facts
                )
                recht, value, used, bedrag, gelezen, failed, gaps, decided = found
            except Exception:  # the reference's: as `_beslis` would say
                snel.TELLING.terugval += 1
                facts.snel[self] = None
                uitkomsten[index].append(self._via_snel(facts, context))
                continue
            if decided and plan.weigering_per_gemeente:  # `snel` shares it (Snelstand)
                uitkomsten[index].append(self._via_snel(facts, context))
                continue
            # The amounts' texts as `_bedragen` and `teksten` make them, without their calls.
            if recht is False:
                maand, jaar, eenmalig = nul_teksten
            elif recht is None or value is None:
                maand = jaar = eenmalig = None
            else:
                bedragen = self.afronden(value if type(value) is Decimal else Decimal(value))
                if betaald(bedragen, stand.minimum):
                    maand, jaar, eenmalig = teksten(bedragen)
                else:  # below the minimum: refused by the amount, which alone decided
                    recht, used, (maand, jaar, eenmalig) = False, bedrag, nul_teksten
            indicatief = bool(used & stand.indicatief) or (
                bool(plan.afhankelijk) and rust_op_indicatief(plan, facts, recht, gelezen, failed)
            )
            ontbrekende = ontbrekend(gaps) if gaps else []
            uitkomsten[index].append(
                Beslissing(regeling, recht, maand, jaar, eenmalig, indicatief, ontbrekende)
            )

    def _via_snel(self, facts: feiten.Huishoudfeiten, context: decimal.Context) -> Beslissing:
        """A household's decision from its kept fast decision, or by the reference in the
        caller's `context`."""
        fast = self.snel(facts)
        if fast is not None:
            return fast.beslissing(self.id)
        decimal.setcontext(context)
        found = self._beslissing(facts, {})
        decimal.setcontext(snel.EXACT)
        return found

    def _bewaard(
        self, lezers: tuple["CompiledRegeling", ...], facts: feiten.Huishoudfeiten
    ) -> bool:
        """Whether one of the `lezers` reads the outcome of the households of this one's
        peildatum and gemeente (before or after this regeling decides): all but one whose
        woonplaats refused every household of the gemeente (`Snelstand.weigering`, known
        once it refused the first; it refused before reading anything else)."""
        for lezer in lezers:
            stand = lezer.snelstand(facts.peildatum, facts.gemeentecode)
            if stand is None or stand.weigering is None:
                return True
        return False

    def _bedragen(
        self, recht: bool | None, value: Any, minimum: Decimal | None
    ) -> tuple[Bedragen, bool]:
        """A fast decision's amounts, rounded, and whether they fall below the minimum."""
        if recht is False:
            return self.nul, False
        if not recht or value is None:  # None: in natura, or an amount parameter without value
            return (None, None, None), False
        bedragen = self.afronden(value if type(value) is Decimal else Decimal(value))
        return (bedragen, False) if betaald(bedragen, minimum) else (self.nul, True)

    def evaluate(
        self,
        household: Any,
        peildatum: date,
        herkomst: Mapping[str, FeitHerkomst] | None = None,
    ) -> Resultaat:
        """Evaluate for a `Huishouden`, or a household dumped with `model_dump(by_alias=True)`."""
        return self.resultaat(feiten.Huishoudfeiten(household, peildatum), herkomst)

    def spoor(self, facts: feiten.Huishoudfeiten) -> "Trace | None":
        """This household's evaluation of this version, made once per household and kept in
        its facts: the decision, the explanation and a regeling reading this outcome
        (`afhankelijkVan`) share it. None before the regeling's rules apply."""
        if not self.van_kracht(facts.peildatum):
            return None
        trace: Trace | SnelSpoor | None = facts.sporen.get(self)
        if trace is None:
            fast = self.snel(facts)
            trace = _Run(self, facts).assess() if fast is None else SnelSpoor(self, facts, fast)
            facts.sporen[self] = trace
        return trace  # type: ignore[return-value]

    def resultaat(
        self, facts: feiten.Huishoudfeiten, herkomst: Mapping[str, FeitHerkomst] | None = None
    ) -> Resultaat:
        """The decision with its full explanation."""
        if not herkomst and (fast := self.snel(facts)) is not None and fast.gedeeld:
            # The same for every household of the gemeente (without provenance): made once.
            if fast.resultaat is None:
                fast.resultaat = uitleg.resultaat(self.spoor(facts), {})  # type: ignore[arg-type]
            return fast.resultaat
        trace = self.spoor(facts)
        if trace is None:
            return self.not_in_force(facts.peildatum)
        return uitleg.resultaat(trace, herkomst or {})

    def decide(
        self, facts: feiten.Huishoudfeiten, herkomst: Mapping[str, FeitHerkomst] | None = None
    ) -> Beslissing:
        """The decision only: recht, amounts, indicatief and the missing facts."""
        if herkomst:
            return self._beslissing(facts, herkomst)
        [[beslissing]] = decide_alle([(self, ())], [facts])
        return beslissing

    def _beslissing(
        self, facts: feiten.Huishoudfeiten, herkomst: Mapping[str, FeitHerkomst]
    ) -> Beslissing:
        """The decision from the trace: the reference's, or a fast one with provenance."""
        trace = self.spoor(facts)
        if trace is None:
            return Beslissing(self.id, None, None, None, None, True, [])
        maand, jaar, eenmalig = trace.amounts.teksten()
        return Beslissing(
            regeling=self.id,
            recht=trace.recht,
            bedrag_per_maand=maand,
            bedrag_per_jaar=jaar,
            bedrag_eenmalig=eenmalig,
            indicatief=bool(uitleg.indicatief(trace, herkomst)),
            ontbrekende_gegevens=trace.ontbrekend(),
        )

    def uitkomst(
        self, facts: feiten.Huishoudfeiten, herkomst: Mapping[str, FeitHerkomst] | None = None
    ) -> feiten.Uitkomst:
        """What another regeling reads of this outcome: the values its full result states
        (`resultaat`), without making the explanation."""
        trace = self.spoor(facts)
        if trace is None:  # as `not_in_force` says: nothing known, indicatief
            velden: dict[str, Any] = dict.fromkeys(feiten.UITKOMSTVELDEN)
            velden["indicatief"] = True
            reden = self._niet_van_kracht(facts.peildatum)
            return feiten.Uitkomst(self.regeling.naam, velden, {}, {}, [], [reden])
        run, amounts = trace.run, trace.amounts
        redenen = uitleg.indicatief(trace, herkomst or {})
        velden = {
            "recht": trace.recht,
            "bedragPerMaand": amounts.maand,
            "bedragPerJaar": amounts.jaar,
            "bedragEenmalig": amounts.eenmalig,
            "indicatief": bool(redenen),
        }
        # The steps it needed (None: no value); a fast decision's count as the Decimal it is.
        entries, values = run.stappen()
        stappen = {
            naam: None if value is snel.B else Decimal(value) if type(value) is int else value
            for i, naam, _, _ in entries
            if (value := values[i]) is not snel.U
        }
        voorwaarden = {naam: voldaan for naam, voldaan, _, _ in trace.voorwaarden}
        return feiten.Uitkomst(
            self.regeling.naam, velden, stappen, voorwaarden, trace.ontbrekend(), redenen
        )

    def _niet_van_kracht(self, peildatum: date) -> str:
        assert self.regeling.geldig_vanaf is not None
        return (
            f"VIL beoordeelt {self.regeling.naam} vanaf {datum(self.regeling.geldig_vanaf)};"
            f" voor een peildatum daarvoor kan VIL het recht niet vaststellen."
        )

    def not_in_force(self, peildatum: date) -> Resultaat:
        """Before its rules apply, a regeling is not assessed: recht unknown, with the reason."""
        reden = self._niet_van_kracht(peildatum)
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


_NIET_GEDAAN = object()


def ontbrekend(gaps: list[tuple[int, list[str]]]) -> list[str]:
    """Every missing fact of every input, in the order of the inputs (Feiten.missing_paths)."""
    return list(dict.fromkeys(g for _, paths in sorted(gaps) for g in paths))


def decide_alle(
    regels: Sequence[tuple[CompiledRegeling, tuple[CompiledRegeling, ...]]],
    households: list[feiten.Huishoudfeiten],
) -> list[list[Beslissing]]:
    """The decisions of households without provenance, per household in the regelingen's
    order: by the fast path, in the decimal context snel.EXACT set once for all; by the
    reference, in the caller's context, where it decides. Each regeling comes with those
    that read its outcome (`met_lezers`): its fast decision that one of them may read is kept
    in the facts; of the others only the decision is made. A regeling decides the households
    a group at a time (`_groepen`), each group finding its stand once."""
    uitkomsten: list[list[Beslissing]] = [[] for _ in households]
    # One household is one group: the dict would cost zorgtoeslag decided alone 3% (round 19).
    groepen = ([0],) if len(households) == 1 else _groepen(households)
    context = decimal.getcontext()
    decimal.setcontext(snel.EXACT)
    try:
        for regel, lezers in regels:
            for indices in groepen:
                regel.beslissingen(households, indices, uitkomsten, context, lezers)
    finally:
        decimal.setcontext(context)
    return uitkomsten


def _groepen(households: list[feiten.Huishoudfeiten]) -> Collection[list[int]]:
    """The households (their indices) that share a Snelstand: one peildatum and gemeente,
    given as models or not."""
    groepen: dict[tuple[date, str | None, bool], list[int]] = {}
    for index, facts in enumerate(households):
        groepen.setdefault((facts.peildatum, facts.gemeentecode, facts.model), []).append(index)
    return groepen.values()


def met_lezers(
    regels: tuple[CompiledRegeling, ...],
) -> tuple[tuple[CompiledRegeling, tuple[CompiledRegeling, ...]], ...]:
    """Each regeling with those among `regels` that read its outcome (`decide_alle`)."""
    return tuple(
        (regel, tuple(r for r in regels if regel.id in r.regeling.afhankelijk_van))
        for regel in regels
    )


def _constant(
    node: Node, waarden: Mapping[str, Waarde], env: Mapping[str, Any]
) -> Value | Geblokkeerd | Mislukt:
    """A node that reads only parameters and the peildatum, as each evaluation would find it."""
    for name in node.parameters:
        waarde = waarden[name]
        if waarde.value is None:
            return Geblokkeerd(waarde.unknown_reason or name, Oorzaak.onbekend)
    try:
        return node.expressie.evaluate({name: env[name] for name in node.plain})
    except ExpressieFout as error:
        return Mislukt(str(error))


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
    steps: dict[str, Node | CompiledKeuze]  # in dependency order
    voorwaarden: list[CompiledVoorwaarde]  # the gemeente's own first, then the file's
    used_parameters: frozenset[str]  # every parameter any expression reads

    def every_node(self) -> list[Node]:
        """Every node: the steps' (each row of a choice), the voorwaarden's and their hints."""
        nodes = [n for s in self.steps.values() for n in s.nodes]
        nodes += [v.node for v in self.voorwaarden]
        nodes += [v.hint for v in self.voorwaarden if v.hint]
        return nodes


class Trace:
    """What one evaluation found, compactly: enough for the decision, and for the explanation
    when a caller asks for it (vil.rules.uitleg)."""

    __slots__ = (
        "amounts",
        "decided",
        "failed",
        "geschat",
        "hint",
        "recht",
        "run",
        "used",
        "voorwaarden",
    )

    def __init__(self, run: "_Run") -> None:
        self.run = run
        self.voorwaarden: list[Bevinding] = []
        self.decided = False  # a decisive voorwaarde failed: nothing else is assessed
        self.failed: list[str] = []  # the voorwaarden not met (before the amount's)
        self.recht: bool | None = None
        self.amounts = Amounts(run.regel.regeling.uitkomst.betaling)
        self.used: set[str] = set()  # the parameters that decided the outcome
        self.hint: tuple[Any, Value | Geblokkeerd] | None = None  # (spec, value)
        self.geschat: list[int] = []  # the years whose amounts stand in for the peildatum's

    zeker = False  # known to be firm without the provenance: only a fast decision knows

    def ontbrekend(self) -> list[str]:
        return [] if self.decided else self.run.feiten.missing_paths()


class _Run:
    """The state of one evaluation of one regeling.

    A step is computed once, when a voorwaarde or the amount first needs it (the trace shows
    the steps that were needed). Each step, voorwaarde and hint records which parameters it
    actually read (in a choice, only the row taken): those decide what the result lists as used
    and which unconfirmed values make it indicatief.
    """

    __slots__ = (
        "blocked",
        "constants",
        "env",
        "facts",
        "failures",
        "feiten",
        "peildatum",
        "reads",
        "regel",
        "unknown",
        "values",
        "waarden",
    )

    def __init__(self, regel: CompiledRegeling, facts: feiten.Huishoudfeiten) -> None:
        self.regel = regel
        self.facts = facts
        self.peildatum = facts.peildatum
        stand = regel.stand(facts.peildatum, facts.gemeentecode)
        self.waarden = stand.waarden
        self.unknown = stand.unknown
        self.constants = stand.constants
        # Every name an expression may read, as zen takes it; facts and steps are added as they
        # are first needed.
        self.env = dict(stand.env)
        self.env["heeftPartner"] = facts.heeft_partner
        self.feiten = feiten.Feiten(regel.regeling.invoer, regel.fact_keys, facts, self.env)
        self.values: dict[str, Value] = {}
        self.blocked: dict[str, Geblokkeerd] = {}  # step name -> why it has no value
        self.reads: dict[str, set[str]] = {}  # step name -> parameters it read
        self.failures: list[str] = []

    def stappen(self) -> tuple[tuple[tuple[int, str, str, str], ...], list[Any]]:
        """The rule file's steps (their place among the values, naam, omschrijving,
        grondslag) and the values by place: `snel.U` for a step this outcome did not need,
        None for one without a value."""
        values, needed = self.values, self.reads
        return self.regel.stappen, [
            values.get(naam) if naam in needed else snel.U for _, naam, _, _ in self.regel.stappen
        ]

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

    def evaluate(self, node: Node | CompiledKeuze, reads: set[str]) -> Value | Geblokkeerd:
        """The node's value, or why it has none; adds the parameters it read to `reads`."""
        if type(node) is CompiledKeuze:
            return self.choose(node, reads)
        assert type(node) is Node
        inputs = node.inputs
        if inputs and not inputs <= self.feiten.present and self.feiten.missing(inputs):
            return ONTBREEKT
        if node.steps:
            computed, blocked = self.reads, self.blocked
            for name in node.steps:
                step_reads = computed.get(name)
                if step_reads is None:
                    step_reads = self.step(name)
                reads |= step_reads
                if name in blocked:
                    return blocked[name]
        reads.update(node.parameters)
        if node.constant:
            outcome = self.constants[node.nummer]
            if type(outcome) is Mislukt:
                return self.fail(node.naam, outcome.fout)
            return outcome  # type: ignore[return-value]
        return self.compute(node)

    def compute(self, node: Node) -> Value | Geblokkeerd:
        """A node whose facts and steps are known: its expression evaluated (a bare name
        mostly without zen)."""
        if node.parameters and not self.unknown.isdisjoint(node.parameters):
            for name in node.parameters:
                waarde = self.waarden[name]
                if waarde.value is None:
                    return Geblokkeerd(waarde.unknown_reason or name, Oorzaak.onbekend)
        if node.bare is not None:
            value = node.expressie.direct(self.env[node.bare])
            if value is not None:
                return value
        outcome: Value | Mislukt | None
        if node.shared is None:
            outcome = self.zen(node)
        else:
            computed = self.facts.computed
            outcome = computed.get(node.shared)
            if outcome is None:
                outcome = computed[node.shared] = self.zen(node)
        if isinstance(outcome, Mislukt):
            return self.fail(node.naam, outcome.fout)
        assert outcome is not None
        return outcome

    def zen(self, node: Node) -> Value | Mislukt:
        """The expression evaluated by zen with the names it reads; one that reads a list, with
        the facts' memo (two catalogues side by side), once per expression and values read."""
        memo = self.facts.memo
        if memo is None or not node.lijst:
            return self._zen(node)
        env = self.env
        # A scalar by its type and value (true is not 1 to zen); a list or object by identity:
        # each lives in the facts or the parameters' Stand as long as the memo does.
        key = (
            node.expressie.text,
            node.expressie.type,
            *[
                (type(v), v) if type(v) in _SCALARS else (type(v), id(v))
                for v in [env[name] for name in node.namen]
            ],
        )
        outcome = memo.get(key)
        if outcome is None:
            outcome = memo[key] = self._zen(node)
        return outcome

    def _zen(self, node: Node) -> Value | Mislukt:
        env = self.env
        context = {name: env[name] for name in node.plain}
        for root, fields in node.groups:
            context[root] = {leaf: env[path] for leaf, path in fields}
        for root, rest, name in node.nested:
            _nest(context.setdefault(root, {}), rest, env[name])
        try:
            return node.expressie.evaluate(context)
        except ExpressieFout as error:
            return Mislukt(str(error))

    def choose(self, keuze: CompiledKeuze, reads: set[str]) -> Value | Geblokkeerd:
        """A choice: the value of the first row whose condition holds."""
        for condition, value in keuze.rijen:
            if condition is not None:
                holds = self.evaluate(condition, reads)
                if isinstance(holds, Geblokkeerd):
                    return holds
                if not holds:
                    continue
            return self.evaluate(value, reads)
        return self.fail(keuze.naam, "geen rij van de keuze is van toepassing")

    def fail(self, naam: str, problem: str) -> Geblokkeerd:
        message = f"{naam}: {problem}"
        self.failures.append(message)
        return Geblokkeerd(f"Kon niet worden berekend ({message}).", Oorzaak.fout)

    def assess(self) -> Trace:
        """The whole decision: voorwaarden, recht, amounts, what decided it, the hint."""
        trace = Trace(self)
        reads = self.voorwaarden(trace)
        outcomes = trace.voorwaarden
        trace.failed = [naam for naam, voldaan, _, _ in outcomes if voldaan is False]
        trace.recht = (
            False
            if trace.failed
            else None
            if any(voldaan is None for _, voldaan, _, _ in outcomes)
            else True
        )
        if trace.recht is True:
            reads["bedrag"] = set()
            trace.recht = self.amounts(trace, reads["bedrag"])
        elif trace.recht is False:
            trace.amounts.zero()
        # What decided the outcome: for a refusal only what refused it, otherwise everything.
        decisive = [naam for naam, voldaan, _, _ in outcomes if voldaan is False] or list(reads)
        trace.used = set().union(*(reads[naam] for naam in decisive))
        trace.hint = self.hint(trace.failed, trace.used)
        waarden = self.waarden
        trace.geschat = sorted({j for n in trace.used if (j := waarden[n].geschat_met) is not None})
        return trace

    def voorwaarden(self, trace: Trace) -> dict[str, set[str]]:
        """Assess each voorwaarde in order, until a decisive one fails; the parameters each
        read, by voorwaarde."""
        reads: dict[str, set[str]] = {}
        outcomes = trace.voorwaarden
        for compiled in self.regel.voorwaarden:
            spec = compiled.spec
            reads[spec.naam] = set()
            outcome = self.evaluate(compiled.node, reads[spec.naam])
            if isinstance(outcome, Geblokkeerd):
                outcomes.append((spec.naam, None, outcome.reden, spec.grondslag))
                continue
            assert isinstance(outcome, bool)
            text = spec.uitleg.voldaan if outcome else spec.uitleg.niet_voldaan
            outcomes.append((spec.naam, outcome, text, spec.grondslag))
            if compiled.beslissend and outcome is False:
                trace.decided = True
                break
        return reads

    def amounts(self, trace: Trace, reads: set[str]) -> bool | None:
        """Fill in the amounts; whether there is a right once the amount is known."""
        uitkomst = self.regel.regeling.uitkomst
        amounts = trace.amounts
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
        bedragen = self.regel.afronden(value)
        if betaald(bedragen, minimum):
            amounts.maand, amounts.jaar, amounts.eenmalig = bedragen
            return True
        amounts.zero()
        assert uitkomst.uitleg_geen_bedrag is not None
        trace.voorwaarden.append(("bedrag", False, uitkomst.uitleg_geen_bedrag, uitkomst.grondslag))
        return False

    def hint(self, failed: list[str], used: set[str]) -> tuple[Any, Value | Geblokkeerd] | None:
        """When one voorwaarde alone stands between the resident and the right, its hint's
        value (its text is the explanation's); the parameters it reads count as used."""
        if len(failed) != 1:
            return None
        compiled = self.regel.by_name.get(failed[0])
        if compiled is None or compiled.hint is None or compiled.spec.hint is None:
            return None
        return compiled.spec.hint, self.evaluate(compiled.hint, used)


def _nest(target: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        _nest(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value


def content_hash(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
