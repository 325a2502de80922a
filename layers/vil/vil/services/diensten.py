"""What the use cases need, as ports: built once per process by `vil.samenstelling`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from vil import klok
from vil.models.aanvraag import Aanvraag
from vil.models.gebeurtenis import AanvraagEvent, Uitgever
from vil.ports import Auditlog, Bronnen, Opslag, Planner, Sleutels
from vil.rules import Catalogus


@dataclass(frozen=True)
class Diensten:
    opslag: Opslag
    audit: Auditlog
    sleutels: Sleutels
    catalogus: Catalogus
    bronnen: Bronnen | None = None  # only the functions that prefill have sources
    planner: Planner | None = None  # the consent function and the monthly check
    uitgever: Uitgever | None = None  # only the functions that change an aanvraag publish
    nu: Callable[[], datetime] = klok.nu  # the domain clock (vil.klok)

    def gebeurtenis(self, aanvraag: Aanvraag, herzien: bool = False) -> AanvraagEvent:
        """The event that reports `aanvraag`'s change, for the outbox."""
        if self.uitgever is None:
            raise RuntimeError("Deze functie publiceert geen gebeurtenissen (geen uitgever).")
        return self.uitgever.over(aanvraag, herzien)

    def vandaag(self) -> date:
        """Today in the Netherlands: the default peildatum."""
        return self.nu().astimezone(klok.AMSTERDAM).date()
