"""The local stack's domain clock: it starts at a chosen moment (`vil local --nu`), runs with the
real clock from there, and `vil local advance` moves it on; the real clock stays.

Domain time is what the functions read through `vil.klok` (peildatum, due dates,
the delivery log) and what moto's SQS uses for message delays and visibility, so a postponed
webhook attempt becomes due when the domain clock passes it. Tokens and webhook signatures keep
the real clock (docs/architecture.md 10).
"""

import re
from datetime import UTC, datetime, timedelta

import moto.core.utils
import moto.sqs.models

from vil import klok
from vil.klok import AMSTERDAM

_EENHEDEN = {"m": "minutes", "h": "hours", "d": "days"}


def duur(tekst: str) -> timedelta:
    """'90m', '2h', '31d' as a timedelta.

    Raises:
        ValueError: not a positive whole number followed by m, h or d.
    """
    match = re.fullmatch(r"([1-9][0-9]{0,5})([mhd])", tekst.strip())
    if match is None:
        raise ValueError("een duur is een getal met m, h of d, bijvoorbeeld 90m, 2h of 31d")
    return timedelta(**{_EENHEDEN[match.group(2)]: int(match.group(1))})


def moment(tekst: str) -> datetime:
    """'2026-06-15T09:00' (Europe/Amsterdam), '2026-06-15' (midnight there) or with an offset.

    Raises:
        ValueError: not an ISO 8601 date or date and time.
    """
    try:
        gelezen = datetime.fromisoformat(tekst.strip())
    except ValueError:
        raise ValueError(
            "een moment is een datum met tijd, bijvoorbeeld 2026-06-15T09:00 (Nederlandse tijd)"
        ) from None
    return gelezen if gelezen.tzinfo else gelezen.replace(tzinfo=AMSTERDAM)


class Klok:
    """Domain time: from `begin` (or else the real now) it runs as the real clock runs."""

    def __init__(self, begin: datetime | None = None) -> None:
        self.verschuiving = timedelta(0)
        if begin is not None:
            self.zet(begin)

    def nu(self) -> datetime:
        return datetime.now(UTC) + self.verschuiving

    def verschuif(self, stap: timedelta) -> None:
        self.verschuiving += stap

    def zet(self, moment: datetime) -> None:
        """Put the clock at a moment, later or earlier; it runs on from there."""
        self.verschuiving = moment - datetime.now(UTC)

    def installeer(self) -> None:
        """Make the functions and moto's SQS read this clock (in this process)."""
        klok.bron = self.nu

        def unix_time(dt: datetime | None = None) -> float:
            return moto.core.utils.unix_time(dt) if dt else self.nu().timestamp()

        # moto's SQS reads these two names for delays and visibility.
        setattr(moto.sqs.models, "unix_time", unix_time)  # noqa: B010
        setattr(moto.sqs.models, "unix_time_millis", lambda dt=None: unix_time(dt) * 1000)  # noqa: B010
