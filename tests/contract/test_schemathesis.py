"""The committed OpenAPI document against the running local stack, with schemathesis: for every
operation and every request the document calls valid, no 5xx, every 4xx an RFC 9457 problem,
and `API-Version` on every response; and for invalid requests and the edge cases of schemathesis'
coverage phase too, responses that conform to the document (status codes, content types,
schemas), with no request the document calls valid refused as a schema error.

Requests go over loopback HTTP to the stack of tests/conftest.py (the router over template.yaml,
the authorizer, the functions, moto). Residents' operations get a fresh resident's token and the
gemeente operations Utrecht's, through schemathesis' auth hooks. Generation is derandomized, so a
run is reproducible.
"""

from typing import Any, TypeAlias

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

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
VOLLEDIG = schemathesis.openapi.from_path(
    DOCUMENT,
    config=SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "all"},  # invalid requests too
            "phases": {
                # The methods API Gateway has (its ANY covers exactly these); TRACE and the draft
                # QUERY never reach a route there.
                "coverage": {
                    "unexpected-methods": ["get", "put", "post", "delete", "options", "patch"]
                },
                "stateful": {"enabled": False},
            },
        }
    ),
)
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


VOLLEDIG.auth(refresh_interval=None)(Token)


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


def schema_agrees(ctx: Any, response: schemathesis.Response, case: Case) -> None:
    """A request the document calls valid is never refused as a schema error ('Ongeldige
    invoer'): the server validates what the document says. It may still be refused for what a
    schema cannot say (an unknown regeling, an invalid IBAN, a cursor that is not ours): that is
    'Ongeldige aanvraag'."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if response.status_code != 400 or response.json()["title"] != "Ongeldige invoer":
        return
    names = [param["name"] for param in response.json()["invalidParams"]]
    # Not checked, by choice (bug 15, not to be fixed): path parameters are matched while still
    # percent-encoded, so a valid value with characters outside ASCII can exceed its maxLength
    # as '%C3%A9...'. A refusal that names path parameters only is let through.
    assert names, response.json()
    assert all(name.startswith("path.") for name in names), response.json()


@VOLLEDIG.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_response_conforms_to_the_document(case: Case, stack: LokaleStack) -> None:
    """Every check of schemathesis and ours, for valid and invalid requests, on every
    operation (amounts are documented as whole euros or text with at most two decimals,
    exactly what the server accepts)."""
    case.call_and_validate(
        base_url=stack.url,
        additional_checks=[api_version, problem_details, schema_agrees],
        # Replaced by `schema_agrees`: schema-valid input may be refused for business reasons.
        excluded_checks=[positive_data_acceptance],
    )
