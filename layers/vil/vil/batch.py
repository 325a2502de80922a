"""One recipe for the functions on a queue or a stream, as `vil.api` is for the API's.

Powertools batch processing with partial failures (docs/standards.md 5c): only the records that
failed are reported, so Lambda retries those and no others.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil.observability import LambdaHandler, instrumented


def handler(
    record_handler: Callable[..., None],
    event_type: EventType,
    *,
    raise_on_entire_batch_failure: bool = True,
) -> LambdaHandler:
    """The Lambda entry point that hands each record to `record_handler` (which raises to fail
    it). With `raise_on_entire_batch_failure=False` a batch in which every record failed is
    reported record by record too, not as a function error."""
    processor = BatchProcessor(
        event_type=event_type, raise_on_entire_batch_failure=raise_on_entire_batch_failure
    )

    @instrumented
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        )

    return lambda_handler
