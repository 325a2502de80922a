"""The one Logger, Tracer and Metrics every function shares, and the metric events.

Powertools reads the service name (`POWERTOOLS_SERVICE_NAME`) and the metrics namespace
(`POWERTOOLS_METRICS_NAMESPACE`) from the environment the template gives every function
(docs/operations.md, "Metrics"). `vil.api.handler` and `vil.batch.handler` wrap each entry
point with the logger's Lambda context and the tracer's handler segment; the X-Ray tracing the
template turns on records them. Outside Lambda (tests, the local stack) the tracer switches
itself off.

A metric is an event, named PascalCase in Dutch (`AanvraagIngediend`), counted once, with a few
dimensions of low cardinality: a regeling, a bron, an outcome. Never a BSN, a pseudonym, an
income, an amount, a token or an id: dimensions are for grouping, and anything personal in
them would be published to CloudWatch.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Final, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil import opgestart

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]

logger: Final = Logger()
tracer: Final = Tracer()
metrics: Final = Metrics()

# The dimensions a metric event may carry: anything else is refused, so nothing personal can
# slip in through a new call.
DIMENSIES: Final = frozenset({"regeling", "uitkomst", "bron", "soort"})


def instrumented(lambda_handler: LambdaHandler) -> LambdaHandler:
    """A Lambda entry point with the logger's context (request id, cold start, function name
    on every line) and the tracer's segment around it. Its first request wakes the cycle
    collector (`vil.opgestart`).

    Never the event, the response or an error's text in a log line or a trace: they may hold
    a token or personal data.
    """
    traced = tracer.capture_lambda_handler(
        lambda_handler, capture_response=False, capture_error=False
    )
    handled = cast(LambdaHandler, logger.inject_lambda_context(traced, log_event=False))

    @wraps(lambda_handler)
    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        opgestart()
        return handled(event, context)

    return entry


def gebeurtenis(naam: str, aantal: int = 1, **dimensies: str) -> None:
    """Count one event (CloudWatch Embedded Metric Format on stdout, flushed at once so each
    event keeps its own dimensions).

    Nothing is counted with POWERTOOLS_METRICS_DISABLED (`vil local` sets it: a person reads
    its output). Raises ValueError for a dimension outside `DIMENSIES`.
    """
    onbekend = set(dimensies) - DIMENSIES
    if onbekend:
        raise ValueError(f"onbekende dimensies voor {naam}: {sorted(onbekend)}")
    if is_metrics_disabled():  # POWERTOOLS_METRICS_DISABLED: Powertools would keep them all
        return  # in memory and still print them once a hundred have gathered
    for dimensie, waarde in sorted(dimensies.items()):
        metrics.add_dimension(name=dimensie, value=waarde)
    metrics.add_metric(name=naam, unit=MetricUnit.Count, value=aantal)
    metrics.flush_metrics()
