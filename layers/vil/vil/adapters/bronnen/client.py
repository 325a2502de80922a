"""What every source client shares: one POST with JSON, retries, and failures as a reason.

Every source takes the BSN in the request body, never in the URL (NL API Design Rules
/core/transport/no-sensitive-uris), so a logged URL or request line carries no BSN.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, TypeVar

import httpx
import stamina
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

ATTEMPTS = 3
# The resident is waiting: all attempts of one source together stop after this many seconds.
RETRY_BUDGET_SECONDS = 10.0
# A longer Retry-After than this means "not now": the source's facts stay missing instead.
MAX_RETRY_AFTER_SECONDS = 5.0
# Overloaded or briefly unavailable (RFC 9110 15.6.4, RFC 6585 4); other statuses are final.
RETRYABLE_STATUSES = frozenset({429, 503})


class Reden(StrEnum):
    """Why a source gave no usable answer (shown per source as `ontbrekend`)."""

    time_out = "niet op tijd"
    onbereikbaar = "niet bereikbaar"
    persoon_onbekend = "persoon onbekend"
    ongeldig_antwoord = "ongeldig antwoord"


class SourceError(Exception):
    """A source gave no usable answer; the message is the reason only, never a BSN."""

    def __init__(self, reden: Reden) -> None:
        super().__init__(reden.value)
        self.reden = reden


class SourceModel(BaseModel):
    """A source's answer: camelCase JSON, unknown fields ignored (sources add fields freely)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


Answer = TypeVar("Answer", bound=SourceModel)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), if it has one."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 5.6.7: an HTTP-date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def retry_hook(error: Exception) -> bool | float:
    """stamina's backoff hook: retry connection errors, 429 and 503; wait what Retry-After says.

    Anything else (a timeout while reading, 4xx, 500) is not retried: the request may have
    been processed, or asking again gives the same answer.
    """
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        if error.response.status_code not in RETRYABLE_STATUSES:
            return False
        wait = retry_after(error.response)
        if wait is None:
            return True  # stamina's own exponential backoff with jitter
        return wait if wait <= MAX_RETRY_AFTER_SECONDS else False
    return False


class SourceClient:
    """One government source at `base_url`, called through a shared `httpx.Client`.

    The client carries the timeout (`SourcesSettings.bron_timeout_seconden`) for every call.
    """

    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http

    def post(self, path: str, body: Mapping[str, Any], answer: type[Answer]) -> Answer:
        """POST `body` as JSON to `path` and read the answer; SourceError if that fails."""
        request = self.http.build_request("POST", self.base_url + path, json=body)
        try:
            response = self._send(request)
        except httpx.TimeoutException as error:
            raise SourceError(Reden.time_out) from error
        except httpx.HTTPStatusError as error:
            # Our own contracts answer 404 for a BSN the source does not know.
            unknown = error.response.status_code == 404
            raise SourceError(Reden.persoon_onbekend if unknown else Reden.onbereikbaar) from error
        except httpx.HTTPError as error:  # connection refused or reset, protocol errors, ...
            raise SourceError(Reden.onbereikbaar) from error
        try:
            return answer.model_validate_json(response.content)
        except ValidationError:
            # The validation message quotes the input, which may hold a BSN: drop it.
            raise SourceError(Reden.ongeldig_antwoord) from None

    # The request (its repr is method and URL) is the only argument, so stamina's retry log
    # records no BSN.
    @stamina.retry(on=retry_hook, attempts=ATTEMPTS, timeout=RETRY_BUDGET_SECONDS)
    def _send(self, request: httpx.Request) -> httpx.Response:
        response = self.http.send(request)
        response.raise_for_status()
        return response
