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
    schemas = merged["components"]["schemas"]
    for name, module in modules():
        if not hasattr(module, "app"):  # the authorizer has no routes
            continue
        schema = module.app.get_openapi_schema().model_dump(
            by_alias=True, exclude_none=True, mode="json"
        )
        for path, operations in schema.get("paths", {}).items():
            merged["paths"].setdefault(path, {}).update(operations)
        for component, definition in schema.get("components", {}).get("schemas", {}).items():
            if schemas.setdefault(component, definition) != definition:
                raise ValueError(f"{name}: schema '{component}' bestaat al met een andere vorm")
        for name, scheme in schema.get("components", {}).get("securitySchemes", {}).items():
            merged["components"].setdefault("securitySchemes", {})[name] = scheme
    for operations in merged["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            if _powertools_422(responses.get("422")):  # invalid input is a 400 here
                del responses["422"]
            for status, description in COMMON.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = PROBLEM_CONTENT
    for unused in ("HTTPValidationError", "ValidationError"):
        merged["components"]["schemas"].pop(unused, None)
    return merged


def _powertools_422(response: dict[str, Any] | None) -> bool:
    """The 422 Powertools documents on every validated operation (not one a route declares)."""
    content = (response or {}).get("content", {}).get("application/json", {})
    return bool(content.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"))


def text() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
