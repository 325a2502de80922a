"""The monthly check: one SQS message per schedule firing, one resident each (docs/architecture.md
8).

Powertools batch processing with partial failures: a message that fails (an invalid body, an
unknown version, the same check still running elsewhere, a source or AWS error) goes back to
the queue and, after five receives, to the DLQ; the others in the batch are done.
"""

from aws_lambda_powertools.utilities.batch import EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from vil import samenstelling
from vil.batch import handler
from vil.fouten import NogBezig
from vil.models.maandcheck import MaandcheckEvent
from vil.observability import gebeurtenis, logger
from vil.services import maandcheck


def controleer(record: SQSRecord, lambda_context: LambdaContext) -> None:
    """One message: the resident's check for this month. Raises to fail the message."""
    logger.set_correlation_id(record.message_id)  # the audit records' trace id
    try:
        bericht = MaandcheckEvent.model_validate_json(record.body)
    except ValidationError as error:
        # Where and what, never the values: the body is not logged.
        fouten = [f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in error.errors()]
        logger.warning("Maandcheckbericht geweigerd", extra={"fouten": fouten})
        gebeurtenis("MaandcheckMislukt", uitkomst="ongeldig-bericht")
        raise
    try:
        gevonden = maandcheck.maandelijks(
            samenstelling.maandcheck(), bericht.pseudoniem, lambda_context
        )
    except NogBezig:
        logger.info("Maandcheck loopt al; het bericht komt later terug")
        raise
    except Exception:
        logger.exception("Maandcheck mislukt")
        gebeurtenis("MaandcheckMislukt", uitkomst="fout")
        raise
    logger.info("Maandcheck gedaan", extra={"meldingen": len(gevonden)})
    gebeurtenis("MaandcheckGedaan", uitkomst="meldingen" if gevonden else "geen-meldingen")
    if gevonden:
        gebeurtenis("MeldingGemaakt", aantal=len(gevonden))


# A batch in which every message fails is reported message by message too, not raised: a bad
# message is the DLQ's (and its alarm's) business, not a function error.
lambda_handler = handler(controleer, EventType.SQS, raise_on_entire_batch_failure=False)
