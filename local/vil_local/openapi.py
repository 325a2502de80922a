"""The one OpenAPI document of the loket API, merged from every function's resolver.

Powertools documents 422 on every validated operation; VIL answers invalid input with 400
problem+json (NL API Design Rules), so the document says that instead. The result is
committed as `vil/openapi.json` (served at /v1/openapi.json) and checked for drift.
"""

import json
from typing import Any

from vil.api import API_VERSION, PROBLEM
from vil_local.functies import modules

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}
PROBLEM_CONTENT = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Statuses every operation can answer, besides its own.
COMMON = {
    "400": "Ongeldige invoer: elke fout staat in invalidParams.",
    "413": "Het verzoek is groter dan 256 KB.",
    "415": "Alleen application/json wordt aangenomen.",
    "500": "Interne fout.",
}


def document() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "VIL — Virtueel Inkomsten Loket",
            "version": API_VERSION,
            "description": "Eén loket voor elke inkomensregeling waar een inwoner recht op heeft.",
        },
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {"schemas": {"Problem": PROBLEM_SCHEMA}},
    }
    for name, module in modules():
        if hasattr(module, "app"):  # the authorizer has no routes
            _merge(merged, name, module.app.get_openapi_schema())
    for operations in merged["paths"].values():
        for operation in operations.values():
            _as_problems(operation["responses"])
    for unused in ("HTTPValidationError", "ValidationError"):
        merged["components"]["schemas"].pop(unused, None)
    return merged


def _merge(merged: dict[str, Any], function: str, openapi: Any) -> None:
    """One function's paths, schemas and security schemes into `merged`; a schema name that is
    already there with another shape is an error, never silently replaced."""
    schema = openapi.model_dump(by_alias=True, exclude_none=True, mode="json")
    for path, operations in schema.get("paths", {}).items():
        merged["paths"].setdefault(path, {}).update(operations)
    components = schema.get("components", {})
    schemas = merged["components"]["schemas"]
    for component, definition in components.get("schemas", {}).items():
        if schemas.setdefault(component, definition) != definition:
            raise ValueError(f"{function}: schema '{component}' bestaat al met een andere vorm")
    for name, scheme in components.get("securitySchemes", {}).items():
        merged["components"].setdefault("securitySchemes", {})[name] = scheme


def _as_problems(responses: dict[str, Any]) -> None:
    """An operation's errors as VIL answers them: 400 instead of Powertools' 422, the common
    statuses on every operation, and every 4xx/5xx body a problem+json."""
    if _powertools_422(responses.get("422")):  # invalid input is a 400 here
        del responses["422"]
    for status, description in COMMON.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if status[0] in "45":
            response["content"] = PROBLEM_CONTENT


def _powertools_422(response: dict[str, Any] | None) -> bool:
    """The 422 Powertools documents on every validated operation (not one a route declares)."""
    content = (response or {}).get("content", {}).get("application/json", {})
    return bool(content.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"))


def text() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
