"""One resolver recipe: validation on, problem+json from one table, headers on every response.

Every function builds its resolver with `resolver()` and its Lambda entry point with `handler()`.
NL API Design Rules: RFC 9457 problem+json for every error, 400 (not 422) with every validation
error listed, 404 for another caller's resource, 405 with `Allow`, 413 above 256 KB, 415 for a body
that is not JSON, and `API-Version` plus the security headers on every response
(docs/decisions.md).
"""

import json
import re
from http import HTTPStatus
from itertools import accumulate
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil import fouten
from vil.models.identiteit import Principal
from vil.observability import LambdaHandler, instrumented, logger

API_VERSION = "1.0.0"
MAX_BODY_BYTES = 256 * 1024
# The deepest valid body nests five levels (a correction holding a list of objects); far below
# this, Python's recursive parser and validators cannot run out of stack (docs/decisions.md).
MAX_DEPTH = 16
JSON = "application/json"
PROBLEM = "application/problem+json"
PROBLEM_TYPES = "https://vil.example/problemen/"  # documentation of each problem type
SECURITY_HEADERS = {
    "API-Version": API_VERSION,
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# Swagger UI (/v1/docs) is one page with its script, styles and document inline: its own policy
# allows inline code and calls to VIL itself ("Try it out"), and nothing from elsewhere.
DOCS_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
    " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)

# The one table from domain error to status and title.
ERRORS: dict[type[fouten.VilFout], tuple[HTTPStatus, str]] = {
    fouten.NietGeauthenticeerd: (HTTPStatus.UNAUTHORIZED, "Niet geauthenticeerd"),
    fouten.NietGevonden: (HTTPStatus.NOT_FOUND, "Niet gevonden"),
    fouten.GeenToestemming: (HTTPStatus.FORBIDDEN, "Geen toestemming"),
    fouten.GeenRecht: (HTTPStatus.FORBIDDEN, "Geen recht"),
    fouten.NietBeschikbaar: (HTTPStatus.SERVICE_UNAVAILABLE, "Niet beschikbaar"),
    fouten.Conflict: (HTTPStatus.CONFLICT, "Conflict"),
    fouten.NogBezig: (HTTPStatus.CONFLICT, "Verzoek wordt nog verwerkt"),
    fouten.AndereInhoud: (HTTPStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key hergebruikt"),
    fouten.OngeldigVerzoek: (HTTPStatus.BAD_REQUEST, "Ongeldige aanvraag"),
}

# The header that goes with an error: how to authenticate, or when to ask again.
ERROR_HEADERS: dict[type[fouten.VilFout], tuple[str, str]] = {
    fouten.NietGeauthenticeerd: ("WWW-Authenticate", "Bearer"),
    fouten.NogBezig: ("Retry-After", "1"),
    fouten.NietBeschikbaar: ("Retry-After", "30"),
}

# Responses many routes document (every error is problem+json; the OpenAPI merge says so).
NIET_INGELOGD: dict[int, OpenAPIResponse] = {401: {"description": "Niet ingelogd."}}
ONBEKEND: dict[int, OpenAPIResponse] = {404: {"description": "Onbekend."}}
# Every route about a resident may act for someone (vil.services.namens): the header names the
# machtiging; 404 when the caller holds no valid one of that id, 403 when it lacks the right.
NAMENS: dict[int, OpenAPIResponse] = {
    403: {"description": "De machtiging geeft dit recht niet."},
    404: {"description": "Onbekend, of u handelt niet (meer) namens deze inwoner."},
    503: {"description": "Het curatele- en bewindregister antwoordt nu niet; probeer later."},
}
XNamens = Annotated[
    str | None,
    Header(
        alias="X-Namens",
        description=(
            "Handelen namens een ander: het id van de machtiging (GET /v1/machtigingen)."
            " Zonder deze header handelt u voor uzelf."
        ),
        # Any id: one that is not a machtiging of the caller is a 404, like an unknown one.
        min_length=1,
        max_length=64,
    ),
]


def problem(
    status: HTTPStatus, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response[str]:
    """An RFC 9457 problem response."""
    slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
    body = {"type": PROBLEM_TYPES + slug, "title": title, "status": int(status), "detail": detail}
    return Response(
        status_code=int(status),
        content_type=PROBLEM,
        body=json.dumps({**body, **extra}, ensure_ascii=False),
        headers=headers or {},
    )


def resolver() -> APIGatewayRestResolver:
    """The resolver every function uses: validation on, errors as problem+json."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=_read_json)

    @app.exception_handler(RequestValidationError)
    def invalid(error: RequestValidationError) -> Response[str]:
        params = [
            {"name": ".".join(str(part) for part in item["loc"]), "reason": item["msg"]}
            for item in error.errors()
        ]
        detail = f"De invoer bevat {len(params)} fout" + ("" if len(params) == 1 else "en") + "."
        return problem(HTTPStatus.BAD_REQUEST, "Ongeldige invoer", detail, invalidParams=params)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported(error: RequestUnsupportedContentType) -> Response[str]:
        return _not_json()

    @app.exception_handler(fouten.VilFout)
    def domain(error: fouten.VilFout) -> Response[str]:
        status, title = next(v for k, v in ERRORS.items() if isinstance(error, k))
        extra: dict[str, Any] = {}
        headers = {k: v for soort, (k, v) in ERROR_HEADERS.items() if isinstance(error, soort)}
        if isinstance(error, fouten.Conflict) and error.regelingen:
            extra["regelingen"] = error.regelingen
        if isinstance(error, fouten.OngeldigVerzoek):
            extra["invalidParams"] = [{"name": n, "reason": r} for n, r in error.velden]
        return problem(status, title, error.detail, headers, **extra)

    @app.not_found
    def not_found(error: Exception) -> Response[str]:
        allowed = sorted(
            route.method
            for route in [*app._static_routes, *app._dynamic_routes]
            if route.rule.match(app.current_event.path)
        )
        if allowed:
            return problem(
                HTTPStatus.METHOD_NOT_ALLOWED,
                "Methode niet toegestaan",
                f"{app.current_event.http_method} kan hier niet; wel: {', '.join(allowed)}.",
                {"Allow": ", ".join(allowed)},
            )
        return problem(HTTPStatus.NOT_FOUND, "Niet gevonden", "Deze URL bestaat niet.")

    return app


def handler(app: APIGatewayRestResolver) -> LambdaHandler:
    """The Lambda entry point: media type, size limit, trace id, errors and headers around the
    resolver."""

    @instrumented
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # The audit records (Logboek Dataverwerkingen) carry the request's trace id.
        logger.set_correlation_id(_trace_id(event))
        body = event.get("body") or ""
        declared_json = _json(event.get("headers") or {})
        if body and not declared_json:
            response = _plain(_not_json())
        elif len(body.encode(errors="surrogatepass")) > MAX_BODY_BYTES:
            response = _plain(
                problem(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Verzoek te groot",
                    f"Een verzoek mag hoogstens {MAX_BODY_BYTES // 1024} KB zijn.",
                )
            )
        else:
            try:
                response = app.resolve(_as_resolver_reads(event, declared_json), context)
            except Exception:
                logger.exception("Onverwachte fout")
                response = _plain(
                    problem(
                        HTTPStatus.INTERNAL_SERVER_ERROR,
                        "Interne fout",
                        "Er ging iets mis bij VIL. Probeer het later opnieuw.",
                    )
                )
        # After resolve(): responses from exception handlers bypass middleware.
        headers = response.get("multiValueHeaders") or {}
        headers.update({name: [value] for name, value in SECURITY_HEADERS.items()})
        if event.get("path", "").endswith("/docs"):
            headers["Content-Security-Policy"] = [DOCS_CSP]
        response["multiValueHeaders"] = headers
        return response

    return lambda_handler


def _as_resolver_reads(event: dict[str, Any], declared_json: bool) -> dict[str, Any]:
    """The event as the resolver understands it.

    API Gateway (REST) passes the path percent-encoded and only `pathParameters` decoded, while
    Powertools takes route arguments from the path: it gets the decoded path. Powertools reads a
    body as JSON only under exactly `application/json`: any JSON media type (any case, or
    `application/*+json`) is handed on as that.
    """
    resolved = {**event, "path": unquote(event.get("path") or "/")}
    if declared_json:
        for field, value in (("headers", JSON), ("multiValueHeaders", [JSON])):
            given = event.get(field) or {}
            others = {k: v for k, v in given.items() if k.lower() != "content-type"}
            resolved[field] = {**others, "Content-Type": value}
    return resolved


def _json(headers: dict[str, str]) -> bool:
    """Whether a request body is declared JSON (application/json or application/*+json, in
    any case)."""
    declared = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media = declared.split(";")[0].strip().lower()
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


def _read_json(text: str) -> Any:
    """The body as JSON, refused before parsing when it nests deeper than any valid request,
    and after when it holds an unpaired surrogate (`\\ud800`): that is no Unicode text, cannot
    be stored, and would break every answer that names it."""
    if _depth(text) > MAX_DEPTH:
        raise _invalid_body(f"De JSON is dieper genest dan {MAX_DEPTH} niveaus.")
    data = json.loads(text)  # a syntax error: Powertools answers 400 with its position
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError as error:
        raise _invalid_body("De JSON bevat een ongepaarde surrogaat (\\ud800-\\udfff).") from error
    return data


# A JSON string, or the rest of the text after an unclosed quote (which the parser refuses):
# every match ends, so removing them is linear in the length.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)


def _depth(text: str) -> int:
    """How deeply a JSON text nests, counted on its brackets outside strings: without parsing
    it, which recurses once per level."""
    steps = (1 if c in "[{" else -1 for c in _STRING.sub("", text) if c in "[]{}")
    return max(accumulate(steps, initial=0))


def _invalid_body(reason: str) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "json_invalid", "loc": ("body",), "msg": reason, "input": {}, "ctx": {}}]
    )


# X-Ray's trace header, as API Gateway passes it on with tracing enabled (template.yaml).
_XRAY_ROOT = re.compile(r"(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})(?:;|$)")


def _trace_id(event: dict[str, Any]) -> str | None:
    """The request's trace id: X-Ray's root trace id when present (16 bytes, as the Logboek
    Dataverwerkingen' trace_id), else API Gateway's request id."""
    header = next(
        (v for k, v in (event.get("headers") or {}).items() if k.lower() == "x-amzn-trace-id"),
        "",
    )
    if match := _XRAY_ROOT.search(header):
        return match.group(1)
    request_id: str | None = (event.get("requestContext") or {}).get("requestId")
    return request_id


def _not_json() -> Response[str]:
    return problem(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "Niet ondersteund mediatype",
        "Stuur de gegevens als JSON (Content-Type: application/json).",
    )


def _plain(response: Response[str]) -> dict[str, Any]:
    """A problem as a REST (v1) proxy response, for errors outside the resolver."""
    return {
        "statusCode": response.status_code,
        "multiValueHeaders": {"Content-Type": [PROBLEM]},
        "body": response.body,
        "isBase64Encoded": False,
    }


def principal(app: APIGatewayRestResolver) -> Principal:
    """Who is calling, as the authorizer established it (anonymous without a token)."""
    context = app.current_event.request_context.authorizer.raw_event or {}
    return Principal.from_context(context)
