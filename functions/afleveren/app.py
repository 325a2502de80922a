"""Webhook delivery: one signed attempt per message of the webhook queue (partial failures).

A failed attempt postpones its message to the next wait of the schedule and is reported as
failed; SQS's receive count is the attempt number and its redrive policy the last resort.
"""

from aws_lambda_powertools.utilities.batch import EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from vil.batch import handler
from vil.models.abonnement import Bezorgopdracht
from vil.observability import gebeurtenis, logger
from vil.samenstelling import afleveren as webhookdiensten
from vil.services import afleveren


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
        gebeurtenis("WebhookNietAfgeleverd", uitkomst="opnieuw")
        raise
    if uitkomst is not None:
        if uitkomst.outcome.value == "delivered":  # the value: functions import no adapters
            gebeurtenis("WebhookAfgeleverd")
        else:  # gone or refused: not tried again
            gebeurtenis("WebhookNietAfgeleverd", uitkomst=uitkomst.outcome.value)
        logger.info("Aflevering", abonnement=opdracht.abonnement, poging=poging,
                    uitkomst=uitkomst.outcome.value, status=uitkomst.status_code)  # fmt: skip


# A receiver that is down is not a function error: failed attempts are reported, not raised.
lambda_handler = handler(record_handler, EventType.SQS, raise_on_entire_batch_failure=False)
