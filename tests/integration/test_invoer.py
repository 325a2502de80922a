"""Bad input through the real API on the local stack: every refusal is an RFC 9457 problem with
the right status, `API-Version` and the security headers, every schema error is listed in
invalidParams, and nothing is stored (NL API Design Rules, docs/standards.md 1a)."""

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    IBAN,
    aanvragen_van_gemeente,
    assert_problem,
    bearer,
    beoordeel,
    bewaard,
    burger_claims,
    dien_in,
    invalid_params,
    nieuwe_bsn,
    token,
)
from vil_local.template import resources

ANDERE_SLEUTEL = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KB = 1024


def sleutel(bsn: str) -> dict[str, str]:
    """A resident's token with an Idempotency-Key, for POST /v1/aanvragen."""
    return {**burger(bsn), "Idempotency-Key": f"invoer-{bsn}"}


@dataclass(frozen=True)
class Geval:
    """One bad request of a resident who has a stored beoordeling (its id: `{beoordeling}`)."""

    method: str
    path: str
    status: int
    json: Any = None
    content: bytes | None = None
    headers: Callable[[str], dict[str, str]] = burger  # from the resident's BSN
    invalid: list[str] | None = None  # exactly these invalidParams names, in any order
    allow: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


GEVALLEN = {
    # Syntax
    "malformed JSON": Geval(
        "POST", "/beoordelingen", 400, content=b'{"correcties": {"huishouden.woning": ',
        extra_headers={"Content-Type": "application/json"},
    ),
    "malformed JSON for consent": Geval(
        "PUT", "/toestemmingen/brp", 400, content=b"{doelen: [aanvragen]}",
        extra_headers={"Content-Type": "application/json"},
    ),
    "JSON that is not an object": Geval(
        "PUT", "/toestemmingen/brp", 400, json=["aanvragen"], invalid=["body"]
    ),
    "a body that is not UTF-8": Geval(
        "POST", "/beoordelingen", 400, content=b"\xf4",
        extra_headers={"Content-Type": "application/json"},
    ),
    # Nesting and text that no parser or validator may choke on (issue 15): refused before
    # parsing, on every route, anonymous too.
    "JSON nested 1,000 levels deep, anonymous": Geval(
        "POST", "/beoordelingen", 400, content=b"[" * 1000 + b"]" * 1000,
        headers=lambda bsn: {}, extra_headers={"Content-Type": "application/json"},
        invalid=["body"],
    ),
    "objects nested 1,000 levels deep in a household": Geval(
        "POST", "/beoordelingen", 400,
        content=b'{"huishouden": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1001,
        headers=lambda bsn: {}, extra_headers={"Content-Type": "application/json"},
        invalid=["body"],
    ),
    "JSON nested 1,000 levels deep for consent": Geval(
        "PUT", "/toestemmingen/brp", 400, content=b"[" * 1000 + b"]" * 1000,
        extra_headers={"Content-Type": "application/json"}, invalid=["body"],
    ),
    "nesting hidden in a string is only text": Geval(
        "PUT", "/toestemmingen/brp", 400, json={"doelen": ["[" * 1000]}, invalid=["body.doelen.0"],
    ),
    "an unpaired surrogate in a correction's path": Geval(
        "POST", "/beoordelingen", 400, content=b'{"correcties": {"huishouden.\\ud800": 1}}',
        extra_headers={"Content-Type": "application/json"}, invalid=["body"],
    ),
    "an unpaired surrogate in an id": Geval(
        "POST", "/aanvragen", 400,
        content=b'{"beoordeling": "\\udfff", "regelingen": ["zorgtoeslag"]}',
        headers=sleutel, extra_headers={"Content-Type": "application/json"}, invalid=["body"],
    ),
    # Schema: every error listed
    "wrong types": Geval(
        "POST", "/aanvragen", 400, json={"beoordeling": 12, "regelingen": "zorgtoeslag"},
        headers=sleutel, invalid=["body.beoordeling", "body.regelingen"],
    ),
    "a list where a string is": Geval(
        "PUT", "/toestemmingen/brp", 400, json={"doelen": "aanvragen"}, invalid=["body.doelen"]
    ),
    "missing required field": Geval(
        "POST", "/aanvragen", 400, json={"regelingen": ["zorgtoeslag"]}, headers=sleutel,
        invalid=["body.beoordeling"],
    ),
    "unknown fields": Geval(
        "PUT", "/toestemmingen/brp", 400,
        json={"doelen": ["aanvragen"], "reclame": True, "delen": "iedereen"},
        invalid=["body.reclame", "body.delen"],
    ),
    "unknown field next to a wrong type": Geval(
        "POST", "/aanvragen", 400,
        json={"beoordeling": "{beoordeling}", "regelingen": [], "spoed": True},
        headers=sleutel, invalid=["body.regelingen", "body.spoed"],
    ),
    "invalid date": Geval(
        "POST", "/beoordelingen", 400, json={"peildatum": "2026-02-30", "correcties": AANVULLING},
        invalid=["body.peildatum"],
    ),
    "invalid date in a household": Geval(
        "POST", "/beoordelingen", 400,
        json={"huishouden": {"aanvrager": {"geboortedatum": "1990-13-01"}}},
        invalid=["body.huishouden.aanvrager.geboortedatum"],
    ),
    "a number as a date": Geval(
        "POST", "/beoordelingen", 400, json={"peildatum": 0, "correcties": AANVULLING},
        invalid=["body.peildatum"],
    ),
    "invalid enum": Geval(
        "PUT", "/toestemmingen/brp", 400, json={"doelen": ["reclame"]}, invalid=["body.doelen.0"]
    ),
    "a peildatum in the year 1": Geval(
        "POST", "/beoordelingen", 400, json={"peildatum": "0001-01-01", "correcties": AANVULLING},
        invalid=["body.peildatum"],
    ),
    "a peildatum in the year 9999": Geval(
        "POST", "/beoordelingen", 400, json={"peildatum": "9999-12-31", "correcties": AANVULLING},
        invalid=["body.peildatum"],
    ),
    "negative rent, income and vermogen, each listed": Geval(
        "POST", "/beoordelingen", 400,
        json={"correcties": {**AANVULLING,
                             "huishouden.woning": {"huurwoning": True, "kaleHuur": -640},
                             "huishouden.aanvrager.toetsingsinkomen": -1,
                             "huishouden.aanvrager.vermogen": "-0.01"}},
        invalid=["body.correcties.huishouden.woning.kaleHuur",
                 "body.correcties.huishouden.aanvrager.toetsingsinkomen",
                 "body.correcties.huishouden.aanvrager.vermogen"],
    ),
    "negative amounts in an anonymous household": Geval(
        "POST", "/beoordelingen", 400, headers=lambda bsn: {},
        json={"huishouden": {"aanvrager": {"toetsingsinkomen": -1, "vermogen": -5},
                             "nettoInkomenPerMaand": -1}},
        invalid=["body.huishouden.aanvrager.toetsingsinkomen",
                 "body.huishouden.aanvrager.vermogen", "body.huishouden.nettoInkomenPerMaand"],
    ),
    "an amount written 1_000 or 1e3": Geval(
        "POST", "/beoordelingen", 400,
        json={"correcties": {**AANVULLING, "huishouden.aanvrager.toetsingsinkomen": "1_000",
                             "huishouden.aanvrager.vermogen": "1e3"}},
        invalid=["body.correcties.huishouden.aanvrager.toetsingsinkomen",
                 "body.correcties.huishouden.aanvrager.vermogen"],
    ),
    "0 for false": Geval(
        "PATCH", "/abonnementen/onbekend", 400, json={"actief": 0},
        headers=lambda bsn: gemeente("0344"), invalid=["body.actief"],
    ),
    "an empty status filter": Geval(
        "GET", "/aanvragen?status=", 400, headers=lambda bsn: gemeente("0344"),
        invalid=["query.status"],
    ),
    "an old consent text": Geval(
        "PUT", "/toestemmingen/brp", 400, json={"doelen": ["aanvragen"], "tekstversie": "2020-01"},
        invalid=["body.tekstversie"],
    ),
    # Tokens: the gateway refuses them before any function runs
    "not a JWT": Geval("GET", "/toestemmingen", 401, headers=lambda bsn: bearer("abc.def.ghi")),
    "not a bearer token": Geval(
        "GET", "/toestemmingen", 401, headers=lambda bsn: {"Authorization": "Basic dmlsOnZpbA=="}
    ),
    "expired token": Geval(
        "PUT", "/toestemmingen/brp", 401, json={"doelen": ["aanvragen"]},
        headers=lambda bsn: bearer(token(burger_claims(bsn), geldig=timedelta(hours=-1))),
    ),
    "token signed by another key": Geval(
        "PUT", "/toestemmingen/brp", 401, json={"doelen": ["aanvragen"]},
        headers=lambda bsn: bearer(token(burger_claims(bsn), key=ANDERE_SLEUTEL)),
    ),
    "BSN failing the elfproef": Geval(
        "POST", "/beoordelingen", 401, json={"correcties": AANVULLING},
        headers=lambda bsn: bearer(token(burger_claims(bsn[:-1] + str((int(bsn[-1]) + 1) % 10)))),
    ),
    "level of assurance below substantial": Geval(
        "PUT", "/toestemmingen/brp", 401, json={"doelen": ["aanvragen"]},
        headers=lambda bsn: bearer(
            token({**burger_claims(bsn), "acr": "http://eidas.europa.eu/LoA/low"})
        ),
    ),
    "an invalid token on a route open to anyone": Geval(
        "POST", "/beoordelingen", 401,
        json={"huishouden": {"aanvrager": {"geboortedatum": "1990-05-01"}}},
        headers=lambda bsn: bearer(token(burger_claims(bsn), key=ANDERE_SLEUTEL)),
    ),
    # Headers
    "missing Idempotency-Key": Geval(
        "POST", "/aanvragen", 400, json={"beoordeling": "{beoordeling}", "iban": IBAN,
                                         "regelingen": ["zorgtoeslag"]},
        invalid=["header.idempotency-key"],
    ),
    "too short an Idempotency-Key": Geval(
        "POST", "/aanvragen", 400, json={"beoordeling": "{beoordeling}",
                                         "regelingen": ["zorgtoeslag"]},
        headers=lambda bsn: {**burger(bsn), "Idempotency-Key": "kort"},
        invalid=["header.idempotency-key"],
    ),
    "a body that is not JSON": Geval(
        "POST", "/beoordelingen", 415, content=b"correcties=niets",
        extra_headers={"Content-Type": "text/plain"},
    ),
    "no body, declared as text": Geval(
        "PUT", "/toestemmingen/brp", 415, extra_headers={"Content-Type": "text/plain"},
    ),
    "a media type that only ends in json": Geval(
        "POST", "/beoordelingen", 415, content=b'{"correcties": {}}',
        extra_headers={"Content-Type": "text/json"},
    ),
    "multipart without a boundary": Geval(
        "POST", "/beoordelingen", 415, content=b'{"correcties": {}}',
        extra_headers={"Content-Type": "multipart/form-data"},
    ),
    # Size
    "body over 256 KB": Geval(
        "POST", "/beoordelingen", 413,
        json={"correcties": {**AANVULLING, "huishouden.woning.notitie": "x" * (257 * KB)}},
    ),
    # Methods and paths
    "wrong method on a known path": Geval("PUT", "/inzage", 405, allow="GET"),
    "wrong method on a collection": Geval("DELETE", "/beoordelingen", 405, allow="POST"),
    "wrong method on a path with a parameter": Geval(
        "PATCH", "/toestemmingen/brp", 405, json={"doelen": []}, allow="DELETE, PUT"
    ),
    "unknown path": Geval("GET", "/bestaat-niet", 404),
    "trailing slash": Geval("GET", "/inzage/", 404),
    "unknown version": Geval("GET", "/../v2/inzage", 404),
    "unknown bron": Geval("PUT", "/toestemmingen/kvk", 404, json={"doelen": ["aanvragen"]}),
    "unknown bron, revoked": Geval("DELETE", "/toestemmingen/kvk", 404),
    # Corrections
    "a correction outside the household": Geval(
        "POST", "/beoordelingen", 400, json={"correcties": {"buiten.huishouden": 1}},
        invalid=["body.correcties.buiten.huishouden"],
    ),
    "a correction of an unknown fact": Geval(
        "POST", "/beoordelingen", 400, json={"correcties": {"huishouden.aanvrager.schoenmaat": 43}},
        invalid=["body.correcties.huishouden.aanvrager.schoenmaat"],
    ),
    "a correction with an invalid date": Geval(
        "POST", "/beoordelingen", 400,
        json={"correcties": {**AANVULLING, "huishouden.aanvrager.geboortedatum": "2026-02-30"}},
        invalid=["body.correcties.huishouden.aanvrager.geboortedatum"],
    ),
    "two bad corrections, two entries": Geval(
        "POST", "/beoordelingen", 400,
        json={"correcties": {"buiten.huishouden": 1, "huishouden.aanvrager.schoenmaat": 43}},
        invalid=["body.correcties.buiten.huishouden",
                 "body.correcties.huishouden.aanvrager.schoenmaat"],
    ),
    # Applications
    "an unknown regeling": Geval(
        "POST", "/aanvragen", 400, json={"beoordeling": "{beoordeling}",
                                         "regelingen": ["zorgtoeslag", "reclametoeslag"]},
        headers=sleutel, invalid=["body.regelingen"],
    ),
    "an unknown beoordeling": Geval(
        "POST", "/aanvragen", 404, json={"beoordeling": "onbekend", "regelingen": ["zorgtoeslag"]},
        headers=sleutel,
    ),
}  # fmt: skip


def _vul_in(value: Any, beoordeling: str) -> Any:
    if value == "{beoordeling}":
        return beoordeling
    if isinstance(value, dict):
        return {k: _vul_in(v, beoordeling) for k, v in value.items()}
    return value


@pytest.mark.parametrize("geval", GEVALLEN.values(), ids=GEVALLEN.keys())
def test_bad_input_is_a_problem_and_nothing_is_stored(api: httpx.Client, geval: Geval) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, AANVULLING)["id"]
    vooraf = bewaard(api, bsn)
    assert vooraf["beoordelingen"]
    arguments: dict[str, Any] = {"headers": {**geval.headers(bsn), **geval.extra_headers}}
    if geval.content is not None:
        arguments["content"] = geval.content
    elif geval.json is not None:
        arguments["json"] = _vul_in(geval.json, beoordeling)

    response = api.request(geval.method, geval.path, **arguments)

    body = assert_problem(response, geval.status)
    if geval.invalid is not None:
        assert sorted(invalid_params(body)) == sorted(geval.invalid)
    if geval.allow is not None:
        assert response.headers["Allow"] == geval.allow
    assert bewaard(api, bsn) == vooraf


def test_a_correct_request_of_the_same_shape_is_stored(api: httpx.Client) -> None:
    """The control: what the matrix refuses is stored when it is right."""
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, AANVULLING)["id"]

    response = dien_in(api, bsn, {"beoordeling": beoordeling, "regelingen": ["zorgtoeslag"]},
                       f"goed-{bsn}")  # fmt: skip

    assert response.status_code == 201, response.text
    assert [a["regeling"] for a in bewaard(api, bsn)["aanvragen"]] == ["zorgtoeslag"]


def _cursor(api: httpx.Client, code: str) -> str:
    """A real cursor of gemeente `code`: after its first page of one aanvraag."""
    page = api.get("/aanvragen", params={"limiet": 1}, headers=gemeente(code)).json()
    assert page["volgende"], page
    cursor: str = page["volgende"]
    return cursor


def utrechtse_aanvraag(api: httpx.Client) -> str:
    """A new aanvraag in Utrecht's queue."""
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0344"})
    body = {"beoordeling": beoordeling["id"], "iban": IBAN,
            "regelingen": ["individuele-inkomenstoeslag-utrecht"]}  # fmt: skip
    response = dien_in(api, bsn, body, f"cursor-{bsn}")
    assert response.status_code == 201, response.text
    aanvraag: str = response.json()["aanvragen"][0]["id"]
    return aanvraag


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("nonsens!", id="not base64"),
        pytest.param(base64.urlsafe_b64encode(b"[]").decode(), id="base64 of JSON, not a cursor"),
        pytest.param(
            base64.urlsafe_b64encode(json.dumps({"pagina": 2}).encode()).decode(),
            id="base64 of another object",
        ),
        pytest.param("", id="empty"),
    ],
)
def test_an_invalid_cursor_is_400(api: httpx.Client, cursor: str) -> None:
    vooraf = set(aanvragen_van_gemeente(api, "0307"))

    response = api.get("/aanvragen", params={"cursor": cursor}, headers=gemeente("0307"))

    if cursor == "":  # no cursor at all: the first page
        assert response.status_code == 200, response.text
        return
    body = assert_problem(response, 400)
    assert invalid_params(body) == ["query.cursor"]
    assert set(aanvragen_van_gemeente(api, "0307")) == vooraf


def test_another_gemeentes_cursor_shows_none_of_the_first_gemeentes_applications(
    api: httpx.Client,
) -> None:
    """A cursor is a position in time (and an id), not a key: in another gemeente's list it is
    that gemeente's own position, so it can never reach the first gemeente's applications."""
    aanvragen = [utrechtse_aanvraag(api), utrechtse_aanvraag(api)]  # so that there is a next page
    cursor = _cursor(api, "0344")
    assert api.get("/aanvragen", params={"cursor": cursor}, headers=gemeente("0344")).is_success

    response = api.get("/aanvragen", params={"cursor": cursor}, headers=gemeente("0307"))

    assert response.status_code == 200
    assert not any(aanvraag in response.text for aanvraag in aanvragen)


def test_the_cursor_hides_the_implementation(api: httpx.Client) -> None:
    """/core/hide-implementation: no DynamoDB keys in the API, not even base64-encoded; only
    the position, '<ingediendOp>#<aanvraag id>'."""
    for _ in range(2):  # so that there is a next page
        utrechtse_aanvraag(api)
    cursor = _cursor(api, "0344")
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode(errors="replace")
    for implementation in ("PK", "SK", "GSI", "AANVRAAG#", "GEMEENTE#"):
        assert implementation not in decoded
    moment, _, aanvraag = decoded.rpartition("#")
    assert datetime.fromisoformat(moment).tzinfo is not None, decoded
    assert re.fullmatch(r"[0-9a-f]{32}", aanvraag), decoded


def test_a_wrong_method_reaches_the_function_which_answers_405_with_allow(
    api: httpx.Client,
) -> None:
    """template.yaml gives every path an ANY route on the path's own function, after its
    methods (API Gateway prefers an exact method). So a method the path does not have still
    reaches that function, whose resolver answers 405 with `Allow` (vil.api.not_found); the
    local router picks routes the same way. Without those ANY routes API Gateway itself would
    answer an unknown method with MISSING_AUTHENTICATION_TOKEN, which the template makes a 404.
    """
    for method, path, allow in (
        ("POST", "/aanvragen/abc", "GET"),
        ("GET", "/aanvragen/abc/besluiten", "POST"),
        ("PUT", "/regelingen", "GET"),
        ("DELETE", "/openapi.json", "GET"),
        ("OPTIONS", "/gegevens", "GET"),
    ):
        response = api.request(method, path)
        assert_problem(response, 405)
        assert response.headers["Allow"] == allow


def _gateway_response(soort: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """API Gateway's own answer of this kind as template.yaml defines it: status, headers (a
    static value is written between single quotes) and the problem it sends."""
    antwoord = resources("AWS::Serverless::Api")["LoketApi"]["GatewayResponses"][soort]
    headers = {k: v[1:-1] for k, v in antwoord["ResponseParameters"]["Headers"].items()}
    body = json.loads(antwoord["ResponseTemplates"]["application/json"])
    return int(antwoord["StatusCode"]), headers, body


@pytest.mark.parametrize(
    ("soort", "method", "path", "headers"),
    [
        ("UNAUTHORIZED", "GET", "/inzage", bearer("abc.def.ghi")),
        ("MISSING_AUTHENTICATION_TOKEN", "GET", "/bestaat-niet", {}),
        # API Gateway's ANY stands for seven methods; others reach no route there.
        ("MISSING_AUTHENTICATION_TOKEN", "TRACE", "/regelingen", {}),
        ("MISSING_AUTHENTICATION_TOKEN", "PROPFIND", "/aanvragen", {}),
        ("MISSING_AUTHENTICATION_TOKEN", "CONNECT", "/inzage", {}),
    ],
)
def test_the_local_router_answers_as_the_template_gateway_responses(
    api: httpx.Client, soort: str, method: str, path: str, headers: dict[str, str]
) -> None:
    status, template_headers, body = _gateway_response(soort)

    response = api.request(method, path, headers=headers)

    assert response.status_code == status
    assert response.json() == body
    for name, value in template_headers.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize(
    "media_type",
    ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/merge-patch+json"],
)
def test_a_json_media_type_is_read_in_any_case_and_as_plus_json(
    api: httpx.Client, media_type: str
) -> None:
    bsn = nieuwe_bsn()

    response = api.put(
        "/toestemmingen/brp",
        content=json.dumps({"doelen": ["aanvragen"]}),
        headers={**burger(bsn), "Content-Type": media_type},
    )

    assert response.status_code == 200, response.text
    assert [t["bron"] for t in bewaard(api, bsn)["toestemmingen"]] == ["brp"]


def test_a_head_request_gets_no_body_so_the_connection_stays_usable(api: httpx.Client) -> None:
    """HEAD has headers only (RFC 9110): a body would be read as the start of the next answer
    on the same keep-alive connection."""
    head = api.head("/regelingen")
    assert head.content == b""

    response = api.get("/regelingen")

    assert response.status_code == 200, response.text
    assert response.json()["regelingen"]


def test_path_parameters_are_percent_decoded_as_api_gateway_does(api: httpx.Client) -> None:
    response = api.get("/regelingen/zorg%74oeslag")

    assert response.status_code == 200, response.text
    assert response.json()["id"] == "zorgtoeslag"
