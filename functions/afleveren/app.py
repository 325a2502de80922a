"""Webhook delivery: one signed attempt per message of the webhook queue (partial failures).

A failed attempt postpones its message to the next wait of the schedule and is reported as
failed; SQS's receive count is the attempt number and its redrive policy the last resort.
"""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil.models.abonnement import Bezorgopdracht
from vil.samenstelling import webhookdiensten
from vil.services import afleveren

logger = Logger(service="vil")
# A receiver that is down is not a function error: failed attempts are reported, not raised.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> None:
    w = webhookdiensten()
    opdracht = Bezorgopdracht.model_validate_json(record.body)
    poging = int(record.attributes.approximate_receive_count)
    try:
        uitkomst = afleveren.bezorg(w, opdracht, poging)
    except afleveren.NietAfgeleverd as wacht:
        logger.info("Aflevering mislukt", abonnement=opdracht.abonnement, poging=poging,
                    volgende_over=wacht.seconden)  # fmt: skip
        w.wachtrij.later(record.receipt_handle, wacht.seconden)
        raise
    if uitkomst is not None:
        logger.info("Aflevering", abonnement=opdracht.abonnement, poging=poging,
                    uitkomst=uitkomst.outcome.value, status=uitkomst.status_code)  # fmt: skip


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
