"""The committed OpenAPI document against the running local stack, with schemathesis: for every
operation and every request the document calls valid, no 5xx, every 4xx an RFC 9457 problem,
and `API-Version` on every response.

Requests go over loopback HTTP to the stack of tests/conftest.py (the router over template.yaml,
the authorizer, the functions, moto). Residents' operations get a fresh resident's token and the
gemeente operations Utrecht's, through schemathesis' auth hooks. Generation is derandomized, so a
run is reproducible.
"""

from typing import Any, TypeAlias

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from tests.conftest import ROOT
from tests.integration.test_loket import nieuwe_bsn
from vil.api import API_VERSION, PROBLEM
from vil_local import tokens
from vil_local.lokaal import LokaleStack

DOCUMENT = ROOT / "layers" / "vil" / "vil" / "openapi.json"
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "positive"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
SCHEMA = schemathesis.openapi.from_path(DOCUMENT, config=CONFIG)
Case: TypeAlias = schemathesis.Case[Any]

OPEN = {"listRegelingen", "getRegeling", "getOpenapi"}  # no token
GEMEENTE = {"listAanvragen", "decide"}  # Utrecht's token; every other operation a resident's
BSN = nieuwe_bsn()  # a resident no source knows: what the generated requests write is theirs


@SCHEMA.auth(refresh_interval=None)  # the token depends on the operation: never cached
class Token:
    def get(self, case: Case, context: schemathesis.AuthContext) -> str | None:
        operation = case.operation.definition.raw["operationId"]
        if operation in OPEN:
            return None
        if operation in GEMEENTE:
            return tokens.gemeente_token("0344")
        return tokens.burger_token(BSN)

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


def api_version(ctx: Any, response: schemathesis.Response, case: Case) -> None:
    """Every response carries the full SemVer of the document (/core/version-header)."""
    assert response.headers.get("api-version") == [API_VERSION], response.headers


def problem_details(ctx: Any, response: schemathesis.Response, case: Case) -> None:
    """Every 4xx and 5xx is RFC 9457 problem+json with type, title, status and detail."""
    if response.status_code < 400:
        return
    assert response.headers.get("content-type") == [PROBLEM], response.headers
    body = response.json()
    assert isinstance(body, dict), body
    for member in ("type", "title", "detail"):
        assert isinstance(body.get(member), str), body
        assert body[member], body
    assert body.get("status") == response.status_code, body


@SCHEMA.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_valid_requests_never_fail_and_every_refusal_is_a_problem(
    case: Case, stack: LokaleStack
) -> None:
    response = case.call(base_url=stack.url)
    case.validate_response(response, checks=[not_a_server_error, api_version, problem_details])
