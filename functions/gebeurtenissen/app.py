"""The outbox relay: each event record from the table's stream becomes one webhook message per
subscription that wants it (the event source mapping passes only inserted GEBEURTENIS items)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil.models.gebeurtenis import AanvraagEvent
from vil.samenstelling import webhookdiensten
from vil.services import afleveren

logger = Logger(service="vil")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else {}
    event = AanvraagEvent.model_validate_json(str(image["data"]))
    aantal = afleveren.verdeel(webhookdiensten(), event)
    logger.info("Gebeurtenis verdeeld", type=event.type, abonnementen=aantal)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(
        process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    )
