"""Helpers of the loket tests on the local stack: problem checks, residents the fake government
knows, tokens the dev issuer would never issue, and what VIL stores about someone."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt

from tests.integration.conftest import burger, gemeente
from vil.api import PROBLEM, SECURITY_HEADERS
from vil_local import tokens
from vil_local.lokaal import LokaleStack


def assert_headers(response: httpx.Response) -> None:
    """`API-Version` and the security headers of docs/standards.md 1a, on any response."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """An RFC 9457 problem with this status, with the headers of every response; its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    assert_headers(response)
    body: dict[str, Any] = response.json()
    for member in ("type", "title", "detail"):
        assert isinstance(body.get(member), str), body
        assert body[member], body
    assert body["status"] == status
    return body


def invalid_params(body: dict[str, Any]) -> list[str]:
    """The names in a 400's invalidParams, in order."""
    return [param["name"] for param in body["invalidParams"]]


def inwoner(stack: LokaleStack, zoals: str = "999993653") -> str:
    """A fresh BSN that every source knows as the test person `zoals` (docs/sources.md).

    The persons of docs/sources.md are shared by the whole session; a copy under a new BSN can be
    given consent, prefilled and made to apply without touching anyone else's state.
    """
    return stack.overheid.kopie(zoals)


def bewaard(api: httpx.Client, bsn: str) -> dict[str, Any]:
    """Everything VIL stores about a resident (GET /v1/inzage), less the records of the inzage
    requests themselves: two calls around a refused request must be equal."""
    response = api.get("/inzage", headers=burger(bsn))
    assert response.status_code == 200, response.text
    inzage: dict[str, Any] = response.json()
    inzage["verwerkingen"] = [v for v in inzage["verwerkingen"] if v["verwerking"] != "inzage"]
    return inzage


def aanvragen_van_gemeente(api: httpx.Client, code: str, **filters: str) -> Iterator[str]:
    """The id of every aanvraag a gemeente sees, following the cursor to the last page."""
    params: dict[str, str | int] = {"limiet": 100, **filters}
    while True:
        response = api.get("/aanvragen", params=params, headers=gemeente(code))
        assert response.status_code == 200, response.text
        page = response.json()
        yield from (aanvraag["id"] for aanvraag in page["aanvragen"])
        if page["volgende"] is None:
            return
        params["cursor"] = page["volgende"]


def token(claims: dict[str, Any], key: Any = None, geldig: timedelta = timedelta(hours=1)) -> str:
    """A token with the dev issuer's kid, signed with `key` (the dev key by default), valid for
    `geldig` from now (negative: expired that long ago)."""
    nu = datetime.now(UTC)
    payload = {"aud": tokens.AUDIENCE, "iat": nu - timedelta(hours=3), "exp": nu + geldig}
    kid = tokens.jwks()["keys"][0]["kid"]
    return jwt.encode(
        {**payload, **claims}, key or tokens.signing_key(), algorithm="RS256", headers={"kid": kid}
    )


def burger_claims(bsn: str) -> dict[str, Any]:
    return {
        "iss": tokens.BURGER_ISSUER,
        "bsn": bsn,
        "acr": "http://eidas.europa.eu/LoA/substantial",
    }


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}
