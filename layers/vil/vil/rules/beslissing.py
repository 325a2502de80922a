"""What an evaluation decides, apart from how it is evaluated: a value or why it has none
(`Geblokkeerd`, `Mislukt`), the amounts and their rounding (`afronder`, `nul`, `teksten`,
`Amounts`), a voorwaarde's finding (`Bevinding`) and the decision alone (`Beslissing`).
Shared by the reference engine (vil.rules.regel) and the fast path's decisions
(vil.rules.snelspoor)."""

import decimal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum

from vil.models.regeling import Afronding, Betaling, Uitkomst

EURO = Decimal(1)
CENT = Decimal("0.01")
NUL = Decimal(0)  # a Decimal: an int would be converted at each comparison
# The amounts are rounded in this context, whatever the caller's (the fast path's raises on
# rounding, vil.rules.snel.EXACT).
_AFRONDING = decimal.Context()


class Oorzaak(Enum):
    ontbreekt = "ontbreekt"  # a fact is missing: the right is unknown
    onbekend = "onbekend"  # a parameter has no known value: only the amount is unknown
    fout = "fout"  # an expression failed at run time


@dataclass(frozen=True, slots=True)
class Geblokkeerd:
    """Why a step or voorwaarde has no value."""

    reden: str
    oorzaak: Oorzaak


@dataclass(frozen=True, slots=True)
class Mislukt:
    """A constant node whose expression failed: each evaluation reports it as its own failure."""

    fout: str


ONTBREEKT = Geblokkeerd("Hiervoor ontbreken gegevens.", Oorzaak.ontbreekt)
Value = Decimal | bool | date
Bedragen = tuple[Decimal | None, Decimal | None, Decimal | None]  # per maand, per jaar, eenmalig


# Neither frozen nor with slots: a batch makes many, and either is slower to make (Python
# 3.13 makes an object with a plain __dict__ without calling the type; docs/decisions.md,
# round 17).
@dataclass
class Beslissing:
    """The decision alone, without its explanation: what the monthly check's comparison and a
    batch need. The same values as the `Resultaat` of the same evaluation."""

    regeling: str
    recht: bool | None
    bedrag_per_maand: str | None
    bedrag_per_jaar: str | None
    bedrag_eenmalig: str | None
    indicatief: bool
    ontbrekende_gegevens: list[str]


# One voorwaarde's outcome: naam, voldaan (None: unknown), uitleg, grondslag.
Bevinding = tuple[str, bool | None, str, str]


def afronder(uitkomst: Uitkomst) -> Callable[[Decimal], Bedragen]:
    """How a regeling turns its amount step's value into its amounts, rounded as it says;
    made once per regeling version."""
    c = _AFRONDING
    # `x if x >= NUL else NUL` below is max(x, NUL) without its call, and twelve is a
    # Decimal: an int would be converted at every operation.
    twaalf = Decimal(12)
    if uitkomst.betaling is Betaling.eenmalig:

        def eenmalig(value: Decimal) -> Bedragen:
            return None, None, (value if value >= NUL else NUL).quantize(CENT, ROUND_HALF_UP, c)

        return eenmalig
    per_maand = uitkomst.bedrag_per_maand is not None
    if uitkomst.afronding in (Afronding.awir, Afronding.awir_maand):
        # Awir art. 14(4): the year amount is rounded to whole euros. The month is a twelfth,
        # rounded down: of the rounded year (the zorgtoeslag tables) or of the unrounded year
        # (the brochures of kindgebonden budget and huurtoeslag); docs/decisions.md, 'Awir
        # rounding per toeslag'.
        van_afgerond = uitkomst.afronding is Afronding.awir

        def awir(value: Decimal) -> Bedragen:
            jaar = c.multiply(value, twaalf) if per_maand else value
            jaar = jaar if jaar >= NUL else NUL
            afgerond = jaar.quantize(EURO, ROUND_HALF_UP, c)
            basis = afgerond if van_afgerond else jaar
            return c.divide(basis, twaalf).quantize(EURO, ROUND_FLOOR, c), afgerond, None

        return awir
    if per_maand:

        def maand(value: Decimal) -> Bedragen:
            bedrag = (value if value >= NUL else NUL).quantize(CENT, ROUND_HALF_UP, c)
            return bedrag, c.multiply(bedrag, twaalf), None

        return maand

    def jaar(value: Decimal) -> Bedragen:
        bedrag = (value if value >= NUL else NUL).quantize(CENT, ROUND_HALF_UP, c)
        return c.divide(bedrag, twaalf).quantize(CENT, ROUND_HALF_UP, c), bedrag, None

    return jaar


def teksten(bedragen: Bedragen) -> tuple[str | None, str | None, str | None]:
    """The amounts as a decision states them: euros with two decimals."""
    maand, jaar, eenmalig = bedragen
    return (
        None if maand is None else f"{maand:.2f}",
        None if jaar is None else f"{jaar:.2f}",
        None if eenmalig is None else f"{eenmalig:.2f}",
    )


def betaald(bedragen: Bedragen, minimum: Decimal | None) -> bool:
    """Whether rounded amounts are paid: their total (one-off, else per year) is above zero
    and reaches the minimum."""
    _, jaar, eenmalig = bedragen
    total = jaar if eenmalig is None else eenmalig
    assert total is not None
    return total > NUL and (minimum is None or total >= minimum)


def nul(betaling: Betaling) -> Bedragen:
    """The amounts of a refusal: zero for what the regeling pays, nothing for in natura."""
    if betaling is Betaling.periodiek:
        return NUL, NUL, None
    if betaling is Betaling.eenmalig:
        return None, None, NUL
    return None, None, None


class Amounts:
    """A result's amounts while it is made: per month, per year, one-off, and why it has none."""

    def __init__(self, betaling: Betaling) -> None:
        self.betaling = betaling
        self.maand: Decimal | None = None
        self.jaar: Decimal | None = None
        self.eenmalig: Decimal | None = None
        self.uitleg: str | None = None

    def zero(self) -> None:
        self.maand, self.jaar, self.eenmalig = nul(self.betaling)

    def teksten(self) -> tuple[str | None, str | None, str | None]:
        return teksten((self.maand, self.jaar, self.eenmalig))
