"""EventBridge Scheduler: one monthly-check schedule per resident who consents to `maandcheck`.

docs/architecture.md 8 and docs/standards.md 5d: the schedule is named from the pseudonym, runs on
a due day spread over the month in Europe/Amsterdam with a flexible window, and sends an opaque
payload (the pseudonym, never a BSN) to the SQS queue of the check function.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_scheduler.type_defs import TargetTypeDef

# Short on purpose: 'mc-' + a 55-character 'v1.' pseudonym is 58 of the 64 characters AWS allows,
# which leaves room for key versions of up to 7 characters.
PREFIX = "mc-"
# AWS's rule for schedule names (CreateSchedule API reference); moto does not check it.
NAAM_REGEL = re.compile(r"[0-9a-zA-Z\-_.]{1,64}")
TIJDZONE = "Europe/Amsterdam"
# 04:00 local time, outside the hour that daylight saving skips or repeats (02:00-03:00), and
# the window ends at 08:00, before the sources' working day starts.
UUR, MINUUT = 4, 0
VENSTER_MINUTEN = 240
DAGEN = 28  # every month has a 28th: no month is skipped
# The payload's version: the check function refuses a version it does not know.
PAYLOAD_VERSIE = 1


@cache
def scheduler() -> "EventBridgeSchedulerClient":
    """The EventBridge Scheduler client, made once per process (no I/O at import time)."""
    return boto3.client("scheduler")


def schema_naam(pseudoniem: str) -> str:
    """The schedule's name: PREFIX + the pseudonym.

    Raises:
        ValueError: the name would not fit AWS's rule (1-64 characters of [0-9a-zA-Z-_.]),
            or the pseudonym is empty.
    """
    naam = PREFIX + pseudoniem
    if not pseudoniem or not NAAM_REGEL.fullmatch(naam):
        # The pseudonym itself is not in the message: it identifies a person.
        raise ValueError(
            f"Geen geldige schedulenaam ({len(naam)} tekens): alleen 1-64 van [0-9a-zA-Z-_.]."
        )
    return naam


def vervaldag(pseudoniem: str) -> int:
    """The resident's due day, 1-28: the same in every process, spread evenly over residents.

    SHA-256, not `hash()`: Python salts `hash()` per process (PYTHONHASHSEED).
    """
    digest = hashlib.sha256(pseudoniem.encode()).digest()
    return int.from_bytes(digest[:8], "big") % DAGEN + 1


def uitdrukking(pseudoniem: str) -> str:
    """The cron expression: at UUR:MINUUT on the resident's due day of every month."""
    return f"cron({MINUUT} {UUR} {vervaldag(pseudoniem)} * ? *)"


def payload(pseudoniem: str) -> str:
    """The message the check function receives: the pseudonym and a version, never a BSN."""
    return json.dumps({"pseudoniem": pseudoniem, "versie": PAYLOAD_VERSIE}, sort_keys=True)


@dataclass(frozen=True)
class Schema:
    """A resident's monthly schedule, as `zet` made or found it."""

    naam: str
    groep: str
    uitdrukking: str
    vervaldag: int
    nieuw: bool  # False when the schedule was already there (left as it was)


class EventBridgePlanner:
    """The monthly-check schedules in one schedule group, all sending to one SQS queue."""

    def __init__(
        self,
        queue_arn: str,
        rol_arn: str,
        groep: str = "default",
        dlq_arn: str | None = None,
    ) -> None:
        """
        Parameters:
            queue_arn: the SQS queue that feeds the check function.
            rol_arn: the role EventBridge Scheduler assumes to send to the queue
                (sqs:SendMessage on `queue_arn`; the caller needs iam:PassRole on it).
            groep: the schedule group.
            dlq_arn: optional SQS queue for messages Scheduler could not deliver after retries.
        """
        self.queue_arn = queue_arn
        self.rol_arn = rol_arn
        self.groep = groep
        self.dlq_arn = dlq_arn

    def zet(self, pseudoniem: str) -> Schema:
        """Create the resident's schedule if it is not there; an existing one is left as is.

        I/O: one CreateSchedule call (a ConflictException means it already exists).

        Raises:
            ValueError: the pseudonym makes no valid schedule name (before any AWS call).
        """
        naam = schema_naam(pseudoniem)
        target: TargetTypeDef = {
            "Arn": self.queue_arn,
            "RoleArn": self.rol_arn,
            "Input": payload(pseudoniem),
        }
        if self.dlq_arn:
            target["DeadLetterConfig"] = {"Arn": self.dlq_arn}
        try:
            scheduler().create_schedule(
                Name=naam,
                GroupName=self.groep,
                ScheduleExpression=uitdrukking(pseudoniem),
                ScheduleExpressionTimezone=TIJDZONE,
                FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": VENSTER_MINUTEN},
                Target=target,
                State="ENABLED",
                Description="Maandcheck (docs/architecture.md 8)",
            )
            nieuw = True
        except ClientError as error:
            if _code(error) != "ConflictException":
                raise
            nieuw = False
        return Schema(naam, self.groep, uitdrukking(pseudoniem), vervaldag(pseudoniem), nieuw)

    def verwijder(self, pseudoniem: str) -> None:
        """Delete the resident's schedule; nothing happens when there is none.

        I/O: one DeleteSchedule call.

        Raises:
            ValueError: the pseudonym makes no valid schedule name (before any AWS call).
        """
        naam = schema_naam(pseudoniem)
        try:
            scheduler().delete_schedule(Name=naam, GroupName=self.groep)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise

    def bestaat(self, pseudoniem: str) -> bool:
        """Whether the resident has a schedule. I/O: one GetSchedule call.

        Raises:
            ValueError: the pseudonym makes no valid schedule name (before any AWS call).
        """
        naam = schema_naam(pseudoniem)
        try:
            scheduler().get_schedule(Name=naam, GroupName=self.groep)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise
            return False
        return True


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
