"""The local stack's domain clock: `vil local advance` moves it, the real clock stays.

Domain time is what the functions read through `vil.samenstelling.klok` (peildatum, due dates,
the delivery log) and what moto's SQS uses for message delays and visibility, so a postponed
webhook attempt becomes due when the domain clock passes it. Tokens and webhook signatures keep
the real clock (ARCHITECTURE.md 10).
"""

import re
from datetime import UTC, datetime, timedelta

import moto.core.utils
import moto.sqs.models

from vil import samenstelling

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


class Klok:
    def __init__(self) -> None:
        self.verschuiving = timedelta(0)

    def nu(self) -> datetime:
        return datetime.now(UTC) + self.verschuiving

    def verschuif(self, stap: timedelta) -> None:
        self.verschuiving += stap

    def installeer(self) -> None:
        """Make the functions and moto's SQS read this clock (in this process)."""
        samenstelling.klok = self.nu

        def unix_time(dt: datetime | None = None) -> float:
            return moto.core.utils.unix_time(dt) if dt else self.nu().timestamp()

        # moto's SQS reads these two names for delays and visibility.
        setattr(moto.sqs.models, "unix_time", unix_time)  # noqa: B010
        setattr(moto.sqs.models, "unix_time_millis", lambda dt=None: unix_time(dt) * 1000)  # noqa: B010
