"""What the use cases need, as ports: built once per process by `vil.samenstelling`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from vil.ports import Auditlog, Bronnen, Opslag, Planner, Sleutels
from vil.rules import Catalogus

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Diensten:
    opslag: Opslag
    audit: Auditlog
    sleutels: Sleutels
    catalogus: Catalogus
    bronnen: Bronnen | None = None  # only the functions that prefill have sources
    planner: Planner | None = None  # only the consent function plans monthly checks
    nu: Callable[[], datetime] = utc_now  # the clock; tests and the local stack move it

    def vandaag(self) -> date:
        """Today in the Netherlands: the default peildatum."""
        return self.nu().astimezone(AMSTERDAM).date()
