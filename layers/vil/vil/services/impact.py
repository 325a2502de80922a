"""The impact of a proposed version (issue 13 item 3), as a computation: a population of
households decided under the current and the proposed catalogue with the engine's batch path
(`Catalogus.decide_naast`: the facts read once for both), compared per regeling.

Per regeling: how many households gain or lose a right, the amount changes in buckets (as
PolicyEngine reports them: more than +5%, up to +5%, none, down to -5%, more than -5%), the total
yearly cost change, and the same by household type and income band. A count below
`KLEINSTE_CEL` (k-anonymity, k = 10) is never shown: it is `None`, and so is a cell's cost
change. Nor is any figure from which a hidden one follows: a breakdown (household type, income
band) sums to the total, so where exactly one cell of a breakdown is hidden, the smallest other
cell is hidden too, for the cell as a whole and for each count (`_aanvullend`). The route, the
stored households and the synthetic population are in `vil.services.impactrapport`.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus
from vil.rules.beslissing import Beslissing

KLEINSTE_CEL = 10
EMMERS = ("meer dan +5%", "tot +5%", "gelijk", "tot -5%", "meer dan -5%")
INKOMENSBANDEN = ((Decimal(1500), "tot 1500"), (Decimal(2000), "1500-2000"),
                  (Decimal(3000), "2000-3000"))  # fmt: skip
VIJF_PROCENT = Decimal("0.05")


@dataclass
class Cel:
    """One group of households: counts and the yearly cost change, before suppression."""

    huishoudens: int = 0
    gewonnen: int = 0
    verloren: int = 0
    kosten: Decimal = Decimal(0)

    def getoond(self) -> dict[str, int | str | None]:
        """The cell as reported: every count below k, and the cost of a small cell, hidden."""
        klein = self.huishoudens < KLEINSTE_CEL
        return {
            "huishoudens": _k(self.huishoudens),
            "gewonnen": _k(self.gewonnen),
            "verloren": _k(self.verloren),
            "jaarkostenVerschil": None if klein else format(self.kosten, "f"),
        }

    def tel_op(self, ander: "Cel") -> None:
        self.huishoudens += ander.huishoudens
        self.gewonnen += ander.gewonnen
        self.verloren += ander.verloren
        self.kosten += ander.kosten

    def ruw(self) -> list[int | str]:
        return [self.huishoudens, self.gewonnen, self.verloren, format(self.kosten, "f")]

    @classmethod
    def van_ruw(cls, waarden: list[Any]) -> "Cel":
        return cls(int(waarden[0]), int(waarden[1]), int(waarden[2]), Decimal(waarden[3]))


@dataclass
class Regelingimpact:
    totaal: Cel = field(default_factory=Cel)
    emmers: Counter[str] = field(default_factory=Counter)
    per_huishoudtype: dict[str, Cel] = field(default_factory=dict)
    per_inkomensband: dict[str, Cel] = field(default_factory=dict)

    def voeg_toe(self, ander: "Regelingimpact") -> None:
        """Add the counts of another part of the population (a worker's share)."""
        self.emmers.update(ander.emmers)
        self.totaal.tel_op(ander.totaal)
        for eigen, vreemd in ((self.per_huishoudtype, ander.per_huishoudtype),
                              (self.per_inkomensband, ander.per_inkomensband)):  # fmt: skip
            for naam, andere in vreemd.items():
                eigen.setdefault(naam, Cel()).tel_op(andere)

    def ruw(self) -> dict[str, Any]:
        """The counts before suppression, as JSON: a worker's share, never shown to anyone."""
        return {
            "totaal": self.totaal.ruw(),
            "emmers": dict(self.emmers),
            "perHuishoudtype": {k: c.ruw() for k, c in self.per_huishoudtype.items()},
            "perInkomensband": {k: c.ruw() for k, c in self.per_inkomensband.items()},
        }

    @classmethod
    def van_ruw(cls, document: dict[str, Any]) -> "Regelingimpact":
        return cls(
            totaal=Cel.van_ruw(document["totaal"]),
            emmers=Counter(document["emmers"]),
            per_huishoudtype={k: Cel.van_ruw(c) for k, c in document["perHuishoudtype"].items()},
            per_inkomensband={k: Cel.van_ruw(c) for k, c in document["perInkomensband"].items()},
        )

    def rapport(self) -> dict[str, object]:
        return {
            **self.totaal.getoond(),
            "bedragen": {emmer: _k(self.emmers[emmer]) for emmer in EMMERS},
            "perHuishoudtype": _aanvullend(self.per_huishoudtype),
            "perInkomensband": _aanvullend(self.per_inkomensband),
        }


def _aanvullend(cellen: dict[str, Cel]) -> dict[str, dict[str, int | str | None]]:
    """A breakdown as reported, with secondary suppression: the cells sum to the total that is
    shown, so one hidden figure (a cell, or one count of a cell) would follow by subtraction.
    Then the smallest figure of another cell is hidden with it; with two or more hidden, the
    sum no longer gives either. (Figures of a total below k are all hidden already.)"""
    getoond = {naam: cel.getoond() for naam, cel in sorted(cellen.items())}
    _verberg_tweede(cellen, getoond, "huishoudens", ("huishoudens", "gewonnen", "verloren",
                                                     "jaarkostenVerschil"))  # fmt: skip
    for maat in ("gewonnen", "verloren"):
        _verberg_tweede(cellen, getoond, maat, (maat,))
    return getoond


def _verberg_tweede(
    cellen: dict[str, Cel],
    getoond: dict[str, dict[str, int | str | None]],
    maat: str,
    velden: tuple[str, ...],
) -> None:
    verborgen = [naam for naam, cel in getoond.items() if cel[maat] is None]
    zichtbaar = [naam for naam, cel in getoond.items() if cel[maat] is not None]
    if len(verborgen) != 1 or not zichtbaar:
        return
    kleinste = min(zichtbaar, key=lambda naam: (getattr(cellen[naam], maat), naam))
    for veld in velden:
        getoond[kleinste][veld] = None


def impact(
    huidig: Catalogus,
    voorgesteld: Catalogus,
    huishoudens: Sequence[Huishouden],
    peildatum: date,
    regelingen: Sequence[str],
) -> dict[str, dict[str, object]]:
    """Per regeling, what the proposed catalogue changes for these households on the peildatum."""
    return rapport(tel(huidig, voorgesteld, huishoudens, peildatum, regelingen))


def tel(
    huidig: Catalogus,
    voorgesteld: Catalogus,
    huishoudens: Sequence[Huishouden],
    peildatum: date,
    regelingen: Sequence[str],
) -> dict[str, Regelingimpact]:
    """The counts per regeling before suppression: one share of a population, to be added to
    the others' (`Regelingimpact.voeg_toe`) and then reported (`rapport`)."""
    beslissingen = huidig.decide_naast(voorgesteld, huishoudens, peildatum, regelingen)
    per_regeling: dict[str, Regelingimpact] = {}
    for huishouden, (oud, nieuw) in zip(huishoudens, beslissingen, strict=True):
        groepen = (huishoudtype(huishouden), inkomensband(huishouden))
        for a, b in zip(oud, nieuw, strict=True):
            _tel(per_regeling.setdefault(a.regeling, Regelingimpact()), a, b, groepen)
    return per_regeling


def rapport(per_regeling: dict[str, Regelingimpact]) -> dict[str, dict[str, object]]:
    """The counts as reported: k-anonymity and secondary suppression applied."""
    return {regeling: r.rapport() for regeling, r in sorted(per_regeling.items())}


def _tel(r: Regelingimpact, oud: Beslissing, nieuw: Beslissing, groepen: tuple[str, str]) -> None:
    verschil = _jaarbedrag(nieuw) - _jaarbedrag(oud)
    gewonnen = nieuw.recht is True and oud.recht is not True
    verloren = oud.recht is True and nieuw.recht is not True
    type_, band = groepen
    for cel in (
        r.totaal,
        r.per_huishoudtype.setdefault(type_, Cel()),
        r.per_inkomensband.setdefault(band, Cel()),
    ):
        cel.huishoudens += 1
        cel.gewonnen += gewonnen
        cel.verloren += verloren
        cel.kosten += verschil
    if oud.recht is True and nieuw.recht is True:
        r.emmers[_emmer(_jaarbedrag(oud), _jaarbedrag(nieuw))] += 1


def _emmer(oud: Decimal, nieuw: Decimal) -> str:
    if nieuw == oud:
        return "gelijk"
    if oud == 0:
        return "meer dan +5%" if nieuw > 0 else "meer dan -5%"
    relatief = (nieuw - oud) / oud
    if relatief > VIJF_PROCENT:
        return "meer dan +5%"
    if relatief > 0:
        return "tot +5%"
    return "tot -5%" if relatief >= -VIJF_PROCENT else "meer dan -5%"


def _jaarbedrag(beslissing: Beslissing) -> Decimal:
    """What a right costs a year: the yearly or one-off amount, or twelve months."""
    if beslissing.recht is not True:
        return Decimal(0)
    if beslissing.bedrag_per_jaar is not None:
        return Decimal(beslissing.bedrag_per_jaar)
    if beslissing.bedrag_eenmalig is not None:
        return Decimal(beslissing.bedrag_eenmalig)
    if beslissing.bedrag_per_maand is not None:
        return 12 * Decimal(beslissing.bedrag_per_maand)
    return Decimal(0)


def huishoudtype(huishouden: Huishouden) -> str:
    paar, kinderen = huishouden.partner is not None, bool(huishouden.kinderen)
    if paar:
        return "paar met kinderen" if kinderen else "paar zonder kinderen"
    return "alleenstaande ouder" if kinderen else "alleenstaand"


def inkomensband(huishouden: Huishouden) -> str:
    """By the net monthly income, or else the latest month of the income history."""
    inkomen = huishouden.netto_inkomen_per_maand
    if inkomen is None and huishouden.inkomenshistorie:
        inkomen = max(huishouden.inkomenshistorie, key=lambda m: m.maand).netto_inkomen
    if inkomen is None:
        return "onbekend"
    return next((naam for grens, naam in INKOMENSBANDEN if inkomen < grens), "3000 en meer")


def _k(aantal: int) -> int | None:
    return aantal if aantal >= KLEINSTE_CEL else None
