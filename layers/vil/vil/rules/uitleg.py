"""The explanation of a decision, built from its trace only when a caller asks for it.

The decision (recht, amounts, indicatief, missing facts) is computed in vil.rules.regel; the
texts a resident reads (voorwaarden, berekening, used parameters, hints, the reasons an outcome
is indicatief) are made here, from what the evaluation recorded.
"""

import functools
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from vil.models.base import gemaakt
from vil.models.regeling import Invoer, Regeling
from vil.models.resultaat import (
    FeitHerkomst,
    HerkomstSoort,
    Rekenstap,
    Resultaat,
    VoorwaardeUitkomst,
)
from vil.rules import feiten, snel
from vil.rules.beslissing import Bevinding
from vil.rules.expressies import references
from vil.rules.tekst import datum, euro

if TYPE_CHECKING:
    from vil.rules.regel import Trace, _Run


def resultaat(trace: "Trace", herkomst: Mapping[str, FeitHerkomst]) -> Resultaat:
    """The full result of one evaluation, as the API and the CLI show it."""
    run = trace.run
    regel = run.regel
    regeling_id, naam, versie, toekenning = regel.kop
    amounts = trace.amounts
    maand, jaar, eenmalig = amounts.teksten()
    reasons = indicatief(trace, herkomst)
    # Every value below has its field's type, each list is its own: made without validating
    # (tests/rules/test_golden.py holds it to what validation makes of the same).
    return gemaakt(
        Resultaat,
        {
            "regeling": regeling_id,
            "naam": naam,
            "recht": trace.recht,
            "regelversie": versie,
            "toekenning": toekenning,
            "bedrag_per_maand": maand,
            "bedrag_per_jaar": jaar,
            "bedrag_eenmalig": eenmalig,
            "bedrag_uitleg": amounts.uitleg,
            "voorwaarden": list(_voorwaarden(tuple(trace.voorwaarden))),
            "berekening": berekening(run),
            "parameters": list(
                regel.gebruikte(frozenset(trace.used), run.peildatum, run.facts.gemeentecode)
            ),
            "hints": hints(trace),
            "ontbrekende_gegevens": list(trace.ontbrekend()),
            "indicatief": bool(reasons),
            "indicatief_redenen": reasons,
            "geschat_met_bedragen_van": trace.geschat[-1] if trace.geschat else None,
        },
    )


# A result's voorwaarden, and many of its steps, repeat from household to household, and the
# models are frozen: a step's value is made once and shared by the results that state it
# (CompiledRegeling.rekenstappen). A step with more values than this (an income, a sum: they
# seldom repeat) is no longer kept: each of its steps is made for its result alone.
_WAARDEN_MAX = 256


def berekening(run: "_Run") -> list[Rekenstap]:
    """The steps this outcome needed, in the order of the rule file, with their values."""
    made = run.regel.rekenstappen
    stappen: list[Rekenstap] = []
    entries, values = run.stappen()
    niet, geen = snel.U, snel.B  # a step not needed; one without a value
    for i, naam, omschrijving, grondslag in entries:
        value = values[i]
        if value is niet:
            continue
        # A number by its text, which the step states (0 and -0 are one Decimal key with two
        # texts); a step's yes or no, count, date or none by itself (a step has one type).
        if type(value) is Decimal:
            value = _getal(value)
        elif value is geen:
            value = None
        per_waarde = made[naam]
        stap = None if per_waarde is None else per_waarde.get(value)
        if stap is None:
            waarde = value if type(value) is str else _text(value)
            velden = {"stap": naam, "waarde": waarde, "omschrijving": omschrijving,
                      "grondslag": grondslag}  # fmt: skip
            stap = gemaakt(Rekenstap, velden)
            if per_waarde is not None:
                if len(per_waarde) < _WAARDEN_MAX:
                    per_waarde[value] = stap
                else:  # its values do not repeat: no longer kept
                    made[naam] = None
        stappen.append(stap)
    return stappen


@functools.lru_cache(maxsize=4096)
def _voorwaarden(bevindingen: tuple[Bevinding, ...]) -> tuple[VoorwaardeUitkomst, ...]:
    """The findings as a result states them: few combinations, each made once."""
    return tuple(
        VoorwaardeUitkomst(naam=naam, voldaan=voldaan, uitleg=uitleg, grondslag=grondslag)
        for naam, voldaan, uitleg, grondslag in bevindingen
    )


def hints(trace: "Trace") -> list[str]:
    """A hint only when one voorwaarde alone stands between the resident and the right."""
    if trace.hint is None:
        return []
    spec, value = trace.hint
    if isinstance(value, Decimal) and value > 0:
        return [spec.tekst.replace("{bedrag}", euro(value))]
    if isinstance(value, date) and value > trace.run.peildatum:
        return [spec.tekst.replace("{datum}", datum(value))]
    return []


def indicatief(trace: "Trace", herkomst: Mapping[str, FeitHerkomst]) -> list[str]:
    """Why the outcome is not firm: the year's amounts not yet set (`geschat`: the years whose
    values stand in), unconfirmed or unknown values, unverified facts."""
    if trace.zeker and not herkomst:
        return []
    run = trace.run
    gelezen = _gelezen_uitkomsten(trace)  # before the provenance reads every input
    reasons = [schatting(run.peildatum.year, trace.geschat)] if trace.geschat else []
    for name in sorted(trace.used):
        waarde = run.waarden[name]
        if waarde.onbevestigd:
            reasons.append(waarde.onbevestigd)
        elif waarde.value is None:
            reasons.append(f"Geen bekende waarde: {waarde.unknown_reason}")
    if herkomst:
        reasons.extend(_herkomst(run, herkomst))
    reasons.extend(_afhankelijk(run, gelezen))
    reasons = list(dict.fromkeys(reasons))  # one list item may repeat a reason
    reasons.extend(f"Berekening mislukt: {failure}" for failure in run.failures)
    return reasons


def _gelezen_uitkomsten(trace: "Trace") -> list[str]:
    """The regelingen whose outcome decided this one, as for parameters: for a right, those
    whose `uitkomst.<id>.…` inputs the evaluation read (inputs are read when first needed);
    for a refusal, those the refusing voorwaarden refer to, directly or through their steps;
    for an unknown right, those the voorwaarden left open refer to. Not by the inputs read in
    the last two cases: an evaluation stops reading a node's inputs at the first one missing,
    in an order that is not fixed."""
    run = trace.run
    regeling = run.regel.regeling
    if not regeling.afhankelijk_van:
        return []
    if trace.recht is True:
        present = run.feiten.present
        return [
            other for other in regeling.afhankelijk_van
            if any(path.startswith(f"{feiten.UITKOMST}{other}.") for path in present)
        ]  # fmt: skip
    open_of_niet = tuple(naam for naam, voldaan, _, _ in trace.voorwaarden
                         if voldaan is (False if trace.recht is False else None))  # fmt: skip
    beslissend = run.regel.uitkomsten_gelezen_door(open_of_niet)
    return [other for other in regeling.afhankelijk_van if other in beslissend]


def uitkomsten_gelezen_door(regeling: Regeling, voorwaarden: tuple[str, ...]) -> frozenset[str]:
    """The regelingen whose outcome these voorwaarden read, through their steps, by the names
    their expressions (every row of a choice) refer to: read from the rule file itself (once
    per version and voorwaarden, `CompiledRegeling.uitkomsten_gelezen_door`)."""
    teksten = {s.naam: [s.expressie] if s.expressie else
               [t for k in s.keuze or [] for t in (k.als, k.dan) if t]
               for s in regeling.berekening}  # fmt: skip
    te_doen = [v.expressie for v in regeling.voorwaarden if v.naam in voorwaarden]
    gezien: set[str] = set()
    gevonden: set[str] = set()
    while te_doen:
        for naam in references(te_doen.pop()):
            if naam.startswith(feiten.UITKOMST):
                gevonden.add(naam.split(".")[1])
            elif naam in teksten and naam not in gezien:
                gezien.add(naam)
                te_doen.extend(teksten[naam])
    return frozenset(gevonden)


def _afhankelijk(run: "_Run", gelezen: list[str]) -> list[str]:
    """An outcome that rests on an indicatief outcome of another regeling is indicatief too,
    for that outcome's reasons: what the other regeling does not know for sure, this one
    does not either (an input `uitkomst.<id>.…` is a fact like any, its source that outcome)."""
    reasons: list[str] = []
    for other in gelezen:
        uitkomst = run.feiten.facts.uitkomst(other)
        if uitkomst is not None and uitkomst.indicatief:
            reasons.extend(
                f"De {uitkomst.naam.lower()} waarop dit rust, is indicatief: {reden}"
                for reden in uitkomst.indicatief_redenen
            )
    return reasons


def _herkomst(run: "_Run", herkomst: Mapping[str, FeitHerkomst]) -> list[str]:
    """The reasons in the provenance of the facts the evaluation read."""
    reasons = []
    toekenning = run.regel.regeling.toekenning
    for path, spec in run.regel.regeling.invoer.items():
        if run.feiten.read(path):
            continue
        what = spec.omschrijving or path
        # Once each, in the provenance's own order (a set would follow the hash seed).
        for origin in dict.fromkeys(feiten.herkomst_van(path, herkomst)):
            if origin.in_onderzoek:
                reasons.append(f"{what}: dit gegeven is in onderzoek bij de bron.")
            if origin.soort in (HerkomstSoort.gecorrigeerd, HerkomstSoort.eigen_verklaring):
                if path not in toekenning.eigen_verklaring:
                    reasons.append(f"{what}: door u opgegeven, nog niet door een bron bevestigd.")
                elif spec.plausibel_tot and (te_hoog := _boven_grens(run, path, spec)):
                    reasons.append(f"{what}: {te_hoog}")
            elif origin.opgehaald_op and spec.maximale_ouderdom_dagen:
                age = (run.peildatum - origin.opgehaald_op.date()).days
                if age > spec.maximale_ouderdom_dagen:
                    reasons.append(f"{what}: het gegeven is {age} dagen oud.")
    return reasons


def _boven_grens(run: "_Run", path: str, spec: Invoer) -> str | None:
    """Why a declared amount is above what VIL takes on the resident's word, or None."""
    assert spec.plausibel_tot is not None
    grens = run.waarden[spec.plausibel_tot].value
    if grens is None:
        return "door u opgegeven; er is geen grens bekend tot waar VIL dat zo aanneemt."
    verklaard = Decimal(str(run.env[path]))  # zen's number, exact below 10^13 cents
    if verklaard <= grens:
        return None
    return (
        f"door u opgegeven {euro(verklaard, centen=True)}, meer dan de {euro(grens)} die VIL"
        " op uw eigen verklaring aanneemt; de gemeente controleert het bedrag."
    )


def schatting(jaar: int, geschat: list[int]) -> str:
    """The reason of an outcome computed with an earlier year's amounts, in plain Dutch."""
    jaren = " en ".join(str(j) for j in geschat)
    return (
        f"De bedragen voor {jaar} zijn nog niet vastgesteld; dit is een schatting met de"
        f" bedragen van {jaren}."
    )


def _text(value: int | bool | date | None) -> str | None:
    """A step's value other than a number (whose text is `_getal`'s) as the explanation
    states it: ja or nee, a date in ISO form, a count (on a fast decision) as its digits."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _getal(value: Decimal) -> str:
    """A number without trailing zeros and without an exponent (`normalize`, then fixed
    point): by its text, when that has no exponent and is too short for `normalize` to round
    it to the context's 28 digits."""
    text = str(value)
    if "E" in text or len(text) > 28:
        return f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
