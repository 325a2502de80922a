"""The outbox relay: each event record from the table's stream becomes one webhook message per
subscription that wants it (the event source mapping passes only inserted GEBEURTENIS items)."""

from aws_lambda_powertools.utilities.batch import EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from vil.batch import handler
from vil.models.gebeurtenis import AanvraagEvent
from vil.observability import gebeurtenis, logger
from vil.samenstelling import gebeurtenissen as webhookdiensten
from vil.services import afleveren


def record_handler(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else {}
    event = AanvraagEvent.model_validate_json(str(image["data"]))
    aantal = afleveren.verdeel(webhookdiensten(), event)
    logger.info("Gebeurtenis verdeeld", type=event.type, abonnementen=aantal)
    gebeurtenis("GebeurtenisVerdeeld", soort=event.type)


lambda_handler = handler(record_handler, EventType.DynamoDBStreams)
