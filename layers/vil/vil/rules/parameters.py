"""Parameter values in force on a peildatum, for a gemeente, with how sure they are."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vil.models.regeling import Eenheid, Parameter, ParameterWaarde, Status


@dataclass(frozen=True, slots=True)
class Waarde:
    """A parameter's value on a date: `value` is None when no value is known."""

    naam: str
    parameter: Parameter
    entry: ParameterWaarde | None
    onbevestigd: str | None  # the reason, when the value is not confirmed

    @property
    def value(self) -> Decimal | None:
        if self.entry is None or self.entry.waarde is None:
            return None
        waarde = self.entry.waarde
        return waarde / 100 if self.parameter.eenheid is Eenheid.procent else waarde

    @property
    def unknown_reason(self) -> str:
        if self.entry is None:
            return f"Voor parameter {self.naam} is op deze datum geen waarde vastgesteld."
        return self.entry.reden or f"Parameter {self.naam} heeft geen bekende waarde."


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
    reason = None
    if entry is not None and entry.waarde is not None:
        if entry.status is Status.onbevestigd:
            reason = f"{parameter.omschrijving}: {entry.reden or 'onbevestigd'} (bron: {entry.bron})."
        elif parameter.indexatie and entry.vanaf.year < peildatum.year:
            reason = (
                f"{parameter.omschrijving}: de waarde van {entry.vanaf.year} is gebruikt;"
                f" de waarde voor {peildatum.year} is nog niet gepubliceerd."
            )
    return Waarde(naam, parameter, entry, reason)
