"""Parameter values in force on a peildatum, for a gemeente, with how sure they are."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vil.models.regeling import Eenheid, Parameter, ParameterWaarde, Status
from vil.models.resultaat import GebruikteParameter
from vil.rules.expressies import to_zen


@dataclass(frozen=True, slots=True)
class Waarde:
    """A parameter's value on a date, as expressions see it (a percentage as a fraction)."""

    value: Decimal | None  # None when no value is known
    zen: int | float | None  # the value as zen takes it
    unknown_reason: str | None  # why there is no value
    onbevestigd: str | None  # why the value is not confirmed
    gebruikt: GebruikteParameter | None  # how a result reports it
    # The year whose value stands in when the peildatum's year has none yet (indexed values).
    geschat_met: int | None = None


def entry_on(parameter: Parameter, peildatum: date, gemeente: str | None) -> ParameterWaarde | None:
    """The value in force: a gemeente's own choice first, otherwise the general value."""
    for candidates in (
        [w for w in parameter.waarden if w.gemeente == gemeente] if gemeente else [],
        [w for w in parameter.waarden if w.gemeente is None],
    ):
        in_force = [w for w in candidates if w.vanaf <= peildatum]
        if in_force:
            return in_force[-1]
    return None


def waarde_on(naam: str, parameter: Parameter, peildatum: date, gemeente: str | None) -> Waarde:
    entry = entry_on(parameter, peildatum, gemeente)
    if entry is None:
        reason = f"Voor parameter {naam} is op {peildatum} geen waarde vastgesteld."
        return Waarde(None, None, reason, None, None)
    gebruikt = GebruikteParameter.model_construct(
        naam=naam,
        waarde=None if entry.waarde is None else str(entry.waarde),
        eenheid=parameter.eenheid.value,
        vanaf=entry.vanaf,
        bron=entry.bron,
        status=entry.status,
    )
    if entry.waarde is None:
        reason = entry.reden or f"Parameter {naam} heeft geen bekende waarde."
        return Waarde(None, None, reason, None, gebruikt)
    onbevestigd = None
    if entry.status is Status.onbevestigd:
        onbevestigd = (
            f"{parameter.omschrijving}: {entry.reden or 'onbevestigd'} (bron: {entry.bron})."
        )
    # An indexed value is set anew each year: until the new one is published, last year's
    # stands in, and the result says so once for the regeling (vil.rules.regel).
    geschat_met = (
        entry.vanaf.year if parameter.indexatie and entry.vanaf.year < peildatum.year else None
    )
    value = entry.waarde / 100 if parameter.eenheid is Eenheid.procent else entry.waarde
    return Waarde(value, to_zen(value), None, onbevestigd, gebruikt, geschat_met)
