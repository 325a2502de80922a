"""A decision by the fast path (`Snel`, made by vil.rules.snel's generated function) and
the same decision in the shape of the reference engine's trace (`SnelSpoor`), which
vil.rules.uitleg explains with the code it explains the reference's with."""

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from vil.models.regeling import Betaling
from vil.models.resultaat import Resultaat
from vil.rules import feiten, snel
from vil.rules.beslissing import (
    ONTBREEKT,
    Amounts,
    Beslissing,
    Bevinding,
    Geblokkeerd,
    Value,
    teksten,
)
from vil.rules.feiten import Feiten
from vil.rules.parameters import Waarde

if TYPE_CHECKING:
    from vil.rules.regel import CompiledRegeling, CompiledVoorwaarde


class SnelSpoor:
    """A fast decision in the shape of the reference's trace (`Trace`, with its `_Run`), so
    that vil.rules.uitleg explains it with the same code from the same values: the steps
    computed, the voorwaarden assessed, the parameters that decided it, the hint."""

    # No __slots__: see feiten.Huishoudfeiten.

    def __init__(self, regel: "CompiledRegeling", facts: feiten.Huishoudfeiten, fast: "Snel"):
        plan = fast._plan
        self.regel = regel
        self.facts = facts
        self.snel = fast
        self.peildatum = facts.peildatum
        self.waarden = waarden = fast.waarden
        self.failures: list[str] = []
        self.recht = fast.recht
        self.decided = fast.decided
        self.inputs: Feiten | None = None  # the reference's reading, when asked
        # The missing facts by input path (the fast path notes them by the input's number).
        if fast.gaps:
            paths = list(regel.regeling.invoer)
            self.gaps = {paths[number]: gaps for number, gaps in fast.gaps}
        else:
            self.gaps = {}
        self.amounts = amounts = Amounts(regel.betaling)
        amounts.maand, amounts.jaar, amounts.eenmalig = fast.maand, fast.jaar, fast.eenmalig
        amounts.uitleg = _bedrag_uitleg(regel, fast)
        self.voorwaarden: tuple[Bevinding, ...]
        self.voorwaarden, failed = regel.bevindingen(fast.voorwaarden, fast.bedrag_niet)
        self.used = plan.namen(fast.used)
        self.hint: tuple[Any, Value | Geblokkeerd] | None = None
        if len(failed) == 1 and failed[0].hint is not None and failed[0].spec.hint is not None:
            value = fast.hint
            self.hint = (
                failed[0].spec.hint,
                ONTBREEKT if value is snel.B else Decimal(value) if type(value) is int else value,
            )
        # An estimate makes an outcome indicatief: none without (the bits say so).
        self.geschat = (
            sorted({j for n in self.used if (j := waarden[n].geschat_met) is not None})
            if fast.indicatief
            else []
        )

    def stappen(self) -> tuple[tuple[tuple[int, str, str, str], ...], tuple[Any, ...]]:
        """As the reference trace's (`_Run.stappen`): the steps in the rule file's order by
        their place in the function's values, and those values (U: not computed; B: none for
        want of a fact; a count as an int)."""
        return self.snel._plan.uitleg, self.snel.steps

    @property
    def zeker(self) -> bool:
        """Firm without the provenance (the decision's `indicatief` says why not, by bits)."""
        return not self.snel.indicatief

    @property
    def present(self) -> set[str]:
        """The inputs `uitkomst.<id>.…` read (what uitleg._gelezen_uitkomsten asks of a right)."""
        gelezen = self.snel.gelezen
        return {
            f"{feiten.UITKOMST}{o}." for i, o in enumerate(self.snel._plan.afhankelijk)
            if gelezen >> i & 1
        }  # fmt: skip

    @property
    def env(self) -> dict[str, Any]:
        """The inputs' values as zen takes them (uitleg._boven_grens), read when asked."""
        return self.reference().values

    @property
    def run(self) -> "SnelSpoor":
        return self

    @property
    def feiten(self) -> "SnelSpoor":
        return self

    def ontbrekend(self) -> list[str]:
        return [] if self.decided else self.snel.ontbrekende

    def read(self, path: str) -> list[str]:
        """The missing facts of one input (Feiten.read): as the fast path found them, or,
        after a decisive refusal that read no further, as the reference reads them."""
        if self.decided:
            return self.reference().read(path)
        return self.gaps.get(path, [])

    def reference(self) -> Feiten:
        """Every input read the reference's way, once: only what the provenance's reasons
        ask of a declared amount, or of the facts after a decisive refusal."""
        if self.inputs is None:
            self.inputs = self.regel.feiten_van(self.facts)
        return self.inputs


def bevindingen(
    regel: "CompiledRegeling", voorwaarden: tuple[Any, ...], bedrag_niet: bool
) -> tuple[tuple[Bevinding, ...], tuple["CompiledVoorwaarde", ...]]:
    """The findings of the voorwaarden assessed (as `_Run.assess` states them) and those that
    refused: the same for every decision with the same outcomes (a version keeps them,
    `CompiledRegeling.bevindingen`)."""
    findings: list[Bevinding] = []
    failed = []
    for compiled, voldaan in zip(regel.voorwaarden, voorwaarden, strict=True):
        if voldaan is snel.U:
            continue
        spec = compiled.spec
        if voldaan is None:
            text = ONTBREEKT.reden
        elif voldaan:
            text = spec.uitleg.voldaan
        else:
            text = spec.uitleg.niet_voldaan
            failed.append(compiled)
        findings.append((spec.naam, voldaan, text, spec.grondslag))
    if bedrag_niet:
        uitkomst = regel.regeling.uitkomst
        assert uitkomst.uitleg_geen_bedrag is not None
        findings.append(("bedrag", False, uitkomst.uitleg_geen_bedrag, uitkomst.grondslag))
    return tuple(findings), tuple(failed)


def rust_op_indicatief(
    plan: "snel.Plan", facts: feiten.Huishoudfeiten, recht: bool | None, gelezen: int, failed: int
) -> bool:
    """Whether a fast decision rests on an indicatief outcome of another regeling
    (uitleg._gelezen_uitkomsten): for a right, one it read; else one the refusing (or open)
    voorwaarden read. Only a regeling with `plan.afhankelijk` reads any: its caller asks only
    then, to save the call."""
    if facts.regelbron is None:
        return False
    if recht:
        andere = [o for i, o in enumerate(plan.afhankelijk) if gelezen & (1 << i)]
    else:
        andere = sorted(
            set().union(*(o for i, o in enumerate(plan.leest_uitkomst_van) if failed & (1 << i)))
        )
    return any(
        (other := facts.regelbron(o).snel(facts)) is None or other.indicatief for o in andere
    )


def _bedrag_uitleg(regel: "CompiledRegeling", fast: "Snel") -> str | None:
    """Why a fast decision has no amount, as `_Run.amounts` says it."""
    if fast.bedrag_geblokkeerd:
        return ONTBREEKT.reden
    if fast.recht is not True:
        return None
    if regel.betaling is Betaling.in_natura:
        return regel.regeling.uitkomst.uitleg_in_natura
    if fast.maand is None and fast.eenmalig is None:
        return regel.onbekend_bedrag(fast.waarden)
    return None


class Snel:
    """A decision by the fast path, and what another regeling may read of it (as
    feiten.Uitkomst offers it: fields, the steps computed, the voorwaarden assessed)."""

    # No __slots__: see feiten.Huishoudfeiten.

    def __init__(
        self,
        plan: "snel.Plan",
        recht: bool | None,
        maand: Decimal | None,
        jaar: Decimal | None,
        eenmalig: Decimal | None,
        indicatief: bool,
        steps: tuple[Any, ...],
        voorwaarden: tuple[Any, ...],
        bedrag_niet: bool,
        ontbrekende: list[str],
        used: int,
        gelezen: int,
        gaps: list[tuple[int, list[str]]],
        hint: Any,
        decided: bool,
        bedrag_geblokkeerd: bool,
        waarden: Mapping[str, Waarde],
    ) -> None:
        self._plan = plan
        self.waarden = waarden  # the parameters' values (the Stand's)
        # For the explanation (SnelSpoor): the parameters that decided it (bits), the other
        # regelingen whose outcome it read (bits), the missing facts by input, the hint's
        # value, a decisive refusal, an amount left without a value by a missing fact.
        self.used = used
        self.gelezen = gelezen
        self.gaps = gaps
        self.hint = hint
        self.decided = decided
        self.bedrag_geblokkeerd = bedrag_geblokkeerd
        self.recht = recht
        self.maand = maand
        self.jaar = jaar
        self.eenmalig = eenmalig
        self.indicatief = indicatief
        self.steps = steps
        self.voorwaarden = voorwaarden
        self.bedrag_niet = bedrag_niet  # the amount did not reach the minimum (a voorwaarde)
        self.ontbrekende = ontbrekende
        # The refusal by the woonplaats is shared by the gemeente's households (Snelstand),
        # and so is its full result without provenance, made when first asked.
        self.gedeeld = False
        self.resultaat: Resultaat | None = None
        self.teksten: tuple[str | None, str | None, str | None] | None = None  # the amounts'

    def beslissing(self, regeling: str) -> "Beslissing":
        if self.teksten is None:
            self.teksten = teksten((self.maand, self.jaar, self.eenmalig))
        maand, jaar, eenmalig = self.teksten
        return Beslissing(
            regeling, self.recht, maand, jaar, eenmalig, self.indicatief, list(self.ontbrekende)
        )

    def waarde(self, veld: str) -> Any:
        """A field (`recht`), step (`berekening.<stap>`) or voorwaarde (`voorwaarden.<naam>`);
        None where the outcome has none."""
        if veld == "voorwaarden.bedrag":
            return False if self.bedrag_niet else None
        plek = self._plan.plekken.get(veld)
        if plek is not None:  # a step or voorwaarde: its place in the function's tuples
            value = (self.steps, self.voorwaarden)[plek[0]][plek[1]]
            return None if value is snel.U or value is snel.B else value
        attribute = _VELDEN.get(veld)
        return None if attribute is None else getattr(self, attribute)


_VELDEN = {  # an outcome's field -> the attribute of a fast decision that holds it
    "recht": "recht",
    "bedragPerMaand": "maand",
    "bedragPerJaar": "jaar",
    "bedragEenmalig": "eenmalig",
    "indicatief": "indicatief",
}
