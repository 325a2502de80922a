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

import json
import os
from typing import Any, TypeAlias

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from tests.conftest import ROOT
from tests.integration.hulp import nieuwe_bsn
from vil.api import API_VERSION, PROBLEM
from vil_local import tokens
from vil_local.lokaal import LokaleStack

# Under libfaketime (the date sweep, or a run with the whole process clock moved) the stack's
# server threads crash now and then with a segmentation fault in libfaketime's poll() after this
# fuzz's thousands of requests. The fuzz does not depend on the date; the ordinary pass of
# `make test` runs it (docs/decisions.md, "One domain clock").
pytestmark = pytest.mark.skipif(
    "FAKETIME" in os.environ, reason="libfaketime crashes the server threads under this load"
)

DOCUMENT = ROOT / "layers" / "vil" / "vil" / "openapi.json"
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "positive"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
SCHEMA = schemathesis.openapi.from_path(DOCUMENT, config=CONFIG)
ALLES = SchemathesisConfig.from_dict(
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
)
VOLLEDIG = schemathesis.openapi.from_path(DOCUMENT, config=ALLES)
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
# Valid and invalid requests, without the coverage phase's hundreds of edge cases per operation
# (VOLLEDIG has those): the test sets the token itself.
ZONDER_AUTH = schemathesis.openapi.from_path(
    DOCUMENT,
    config=SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "all"},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)


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
    raise AssertionError(f"schema-valid request refused: {response.json()}")


# Who sends the fuzzed requests: a resident, another resident and a gemeente, each on every
# operation (so also a resident on the gemeente's routes and the reverse).
WIE = {
    "inwoner": lambda: tokens.burger_token(BSN),
    "andere inwoner": lambda: tokens.burger_token(ANDERE_BSN),
    "gemeente": lambda: tokens.gemeente_token("0344"),
}
ANDERE_BSN = nieuwe_bsn()


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
    operation, each with the token it needs (amounts are documented as whole euros or text
    with at most two decimals, exactly what the server accepts)."""
    case.call_and_validate(
        base_url=stack.url,
        additional_checks=[api_version, problem_details, schema_agrees],
        # Replaced by `schema_agrees`: schema-valid input may be refused for business reasons.
        excluded_checks=[positive_data_acceptance],
    )


@ZONDER_AUTH.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("wie", WIE)
def test_every_caller_on_every_operation_gets_a_conforming_answer(
    case: Case, stack: LokaleStack, wie: str
) -> None:
    """The same checks with one caller for every operation: a resident, another resident and
    a gemeente, also where their token is the wrong kind."""
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {WIE[wie]()}"}
    case.call_and_validate(
        base_url=stack.url,
        additional_checks=[api_version, problem_details],
        excluded_checks=[positive_data_acceptance],
    )


# Hand-written cases no schema generator makes: deep nesting, unpaired surrogates and JSON
# media types in other spellings, on every operation that takes a body (issue 15).
BODY_OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"].items()
    for method, operation in item.items()
    if "requestBody" in operation
]
RAUW = {
    "1,000 levels of arrays": (b"[" * 1000 + b"]" * 1000, "application/json"),
    "1,000 levels of objects": (b'{"a": ' * 1000 + b"1" + b"}" * 1000, "application/json"),
    "an unpaired surrogate in a key": (b'{"\\ud800": 1}', "application/json"),
    "an unpaired surrogate in a value": (b'{"a": "x\\udfff"}', "application/json"),
    "JSON in capitals": (b"{}", "APPLICATION/JSON"),
    "merge-patch JSON": (b"{}", "application/merge-patch+json"),
    "JSON with a charset": (b"{}", "Application/Json; Charset=UTF-8"),
}


def _pad(path: str, operation: dict[str, Any]) -> str:
    """The path with each parameter filled: its first allowed value, or an unknown id."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            waarde = (parameter.get("schema", {}).get("enum") or ["onbekend"])[0]
            path = path.replace("{" + parameter["name"] + "}", str(waarde))
    return path


@pytest.mark.parametrize("rauw", RAUW)
@pytest.mark.parametrize(
    ("method", "path", "operation"),
    BODY_OPERATIONS,
    ids=[f"{method} {path}" for method, path, _ in BODY_OPERATIONS],
)
def test_no_body_a_client_can_send_is_a_server_error(
    stack: LokaleStack, method: str, path: str, operation: dict[str, Any], rauw: str
) -> None:
    """A resident's token: the body is read before any route looks at who is calling."""
    content, media_type = RAUW[rauw]
    headers = {
        "Authorization": f"Bearer {WIE['inwoner']()}",
        "Content-Type": media_type,
        "Idempotency-Key": f"fuzz-{rauw}",
    }

    response = httpx.request(
        method, stack.url + _pad(path, operation), content=content, headers=headers, timeout=30
    )

    assert response.status_code < 500, response.text
    assert response.headers.get("API-Version") == API_VERSION
    if response.status_code >= 400:
        assert response.headers["Content-Type"] == PROBLEM, response.text
        assert response.status_code != 415, response.text  # every spelling here is JSON
        if media_type == "application/json":  # what only the recipe refuses
            assert response.status_code in (400, 401), response.text
