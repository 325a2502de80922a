"""Domain time: the one clock that every peildatum, due date and timestamp of a change comes from.

In Lambda it is the real clock. The local stack points it at its own clock, which starts at a
chosen moment and can be moved on (`vil local --nu`, `vil local advance`; docs/decisions.md).
Token lifetimes and webhook signatures keep the real clock: they are relative, not domain time.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def echt() -> datetime:
    """The real clock, timezone-aware UTC."""
    return datetime.now(UTC)


bron: Callable[[], datetime] = echt  # what `nu` reads; the local stack swaps it for its own


def nu() -> datetime:
    """Now on the domain clock, timezone-aware UTC."""
    return bron()


def vandaag() -> date:
    """Today in the Netherlands on the domain clock: the default peildatum."""
    return nu().astimezone(AMSTERDAM).date()
