"""SQS: the webhook queue. Send work in batches; postpone a message for its next attempt."""

from functools import cache
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

from vil.ports import MAX_ZICHTBAARHEID


@cache
def sqs() -> "SQSClient":
    """The SQS client, made once per process (no I/O at import time)."""
    return boto3.client("sqs")


class Wachtrij:
    """The `Wachtrij` port over one SQS queue."""

    def __init__(self, url: str) -> None:
        self.url = url

    def stuur(self, berichten: list[str]) -> None:
        """Send every message (ten per call); raise when SQS refused any of them."""
        for begin in range(0, len(berichten), 10):
            groep = berichten[begin : begin + 10]
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {"Id": str(i), "MessageBody": body} for i, body in enumerate(groep)
            ]
            antwoord = sqs().send_message_batch(QueueUrl=self.url, Entries=entries)
            if antwoord.get("Failed"):
                codes = sorted({f["Code"] for f in antwoord["Failed"]})
                raise RuntimeError(f"SQS nam {len(antwoord['Failed'])} berichten niet aan: {codes}")

    def later(self, ontvangstbewijs: str, seconden: int) -> None:
        """Make a received message visible again after `seconden` (its next attempt)."""
        sqs().change_message_visibility(
            QueueUrl=self.url,
            ReceiptHandle=ontvangstbewijs,
            VisibilityTimeout=max(0, min(seconden, MAX_ZICHTBAARHEID)),
        )
