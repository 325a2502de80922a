"""One resolver recipe: validation on, problem+json from one table, headers on every response.

Every function builds its resolver with `resolver()` and its Lambda entry point with `handler()`.
NL API Design Rules (STANDARDS.md 1a): RFC 9457 problem+json for every error, 400 (not 422) with
every validation error listed, 404 for another caller's resource, 405 with `Allow`, 413 above
256 KB, and `API-Version` plus the security headers on every response.
"""

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from vil import fouten
from vil.models.identiteit import Principal

API_VERSION = "1.0.0"
MAX_BODY_BYTES = 256 * 1024
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
# Swagger UI runs an inline script: its page gets a policy of its own (LIBRARY-NOTES.md).
DOCS_CSP = "default-src 'self' https://cdn.jsdelivr.net; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data:"  # noqa: E501

# The one table from domain error to status and title.
ERRORS: dict[type[fouten.VilFout], tuple[HTTPStatus, str]] = {
    fouten.NietGeauthenticeerd: (HTTPStatus.UNAUTHORIZED, "Niet geauthenticeerd"),
    fouten.NietGevonden: (HTTPStatus.NOT_FOUND, "Niet gevonden"),
    fouten.GeenToestemming: (HTTPStatus.FORBIDDEN, "Geen toestemming"),
    fouten.Conflict: (HTTPStatus.CONFLICT, "Conflict"),
    fouten.NogBezig: (HTTPStatus.CONFLICT, "Verzoek wordt nog verwerkt"),
    fouten.AndereInhoud: (HTTPStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key hergebruikt"),
    fouten.OngeldigeAanvraag: (HTTPStatus.BAD_REQUEST, "Ongeldige aanvraag"),
}

# Responses many routes document (every error is problem+json; the OpenAPI merge says so).
NIET_INGELOGD: dict[int, OpenAPIResponse] = {401: {"description": "Niet ingelogd."}}
ONBEKEND: dict[int, OpenAPIResponse] = {404: {"description": "Onbekend."}}

logger = Logger(service="vil")


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
    app = APIGatewayRestResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def invalid(error: RequestValidationError) -> Response[str]:
        params = [
            {"name": ".".join(str(part) for part in item["loc"]), "reason": item["msg"]}
            for item in error.errors()
        ]
        detail = f"De invoer bevat {len(params)} fout" + ("" if len(params) == 1 else "en") + "."
        return problem(HTTPStatus.BAD_REQUEST, "Ongeldige invoer", detail, invalidParams=params)

    @app.exception_handler(fouten.VilFout)
    def domain(error: fouten.VilFout) -> Response[str]:
        status, title = next(v for k, v in ERRORS.items() if isinstance(error, k))
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if isinstance(error, fouten.NietGeauthenticeerd):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, fouten.NogBezig):
            headers["Retry-After"] = "1"
        if isinstance(error, fouten.Conflict) and error.regelingen:
            extra["regelingen"] = error.regelingen
        if isinstance(error, fouten.OngeldigeAanvraag):
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


def handler(
    app: APIGatewayRestResolver,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point: size limit, errors and headers around the resolver."""

    @logger.inject_lambda_context(log_event=False)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        body = event.get("body") or ""
        if body and not _json(event.get("headers") or {}):
            response = _plain(
                problem(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Niet ondersteund mediatype",
                    "Stuur de gegevens als JSON (Content-Type: application/json).",
                )
            )
        elif len(body.encode()) > MAX_BODY_BYTES:
            response = _plain(
                problem(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Verzoek te groot",
                    f"Een verzoek mag hoogstens {MAX_BODY_BYTES // 1024} KB zijn.",
                )
            )
        else:
            try:
                response = app.resolve(event, context)
            except Exception:
                logger.exception("Onverwachte fout")
                response = _plain(
                    problem(
                        HTTPStatus.INTERNAL_SERVER_ERROR,
                        "Interne fout",
                        "Er ging iets mis bij VIL. Probeer het later opnieuw.",
                    )
                )
        # After resolve(): responses from exception handlers bypass middleware (LIBRARY-NOTES.md).
        headers = response.get("multiValueHeaders") or {}
        headers.update({name: [value] for name, value in SECURITY_HEADERS.items()})
        if event.get("path", "").endswith("/docs"):
            headers["Content-Security-Policy"] = [DOCS_CSP]
        response["multiValueHeaders"] = headers
        return response

    return lambda_handler


def _json(headers: dict[str, str]) -> bool:
    """Whether a request body is declared JSON (application/json or application/*+json)."""
    declared = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media = declared.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
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
