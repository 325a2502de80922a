"""The impact worker: continues a large run of the impact of a version, one SQS message each
(docs/beheer.md, "Impact").

A message that fails goes back to the queue; on its last attempt (`POGINGEN`, the queue's
maxReceiveCount) the report is marked `mislukt`, so a beheerder polling it is not left waiting.
"""

from aws_lambda_powertools.utilities.batch import EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil import samenstelling
from vil.batch import handler
from vil.models.beheer import ImpactBericht
from vil.observability import gebeurtenis, logger
from vil.services import impactrapport

POGINGEN = 3  # the impact queue's maxReceiveCount (template.yaml)


def bereken(record: SQSRecord, lambda_context: LambdaContext) -> None:
    """One run. Raises to fail the message (an invalid body goes to the DLQ after its tries)."""
    logger.set_correlation_id(record.message_id)
    bericht = ImpactBericht.model_validate_json(record.body)
    try:
        rapport = impactrapport.bereken(samenstelling.impact(), bericht)
    except Exception:
        logger.exception("Impactrun mislukt")
        if int(record.attributes.approximate_receive_count) >= POGINGEN:
            impactrapport.mislukt(samenstelling.impact(), bericht, "De berekening mislukte.")
            gebeurtenis("ImpactMislukt", regeling=bericht.regeling)
            return
        raise
    gebeurtenis("ImpactKlaar", regeling=bericht.regeling,
                uitkomst=rapport.status if rapport else "weg")  # fmt: skip


lambda_handler = handler(bereken, EventType.SQS, raise_on_entire_batch_failure=False)
