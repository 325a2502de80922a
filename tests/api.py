"""Calling a Lambda handler as API Gateway (REST, v1 proxy) would, in-process."""

import json
from dataclasses import dataclass
from typing import Any

from vil.models.identiteit import Principal
from vil_local.stack import Context


@dataclass
class Antwoord:
    status: int
    headers: dict[str, str]
    body: Any  # parsed JSON, or the text


def event(
    method: str,
    path: str,
    body: Any = None,
    *,
    principal: Principal | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    resource: str | None = None,
) -> dict[str, Any]:
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource or path,
            "httpMethod": method,
            "path": path,
            "stage": "api",
            "requestId": "test-request",
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": (principal or Principal()).to_context(),
        },
        "body": text,
        "isBase64Encoded": False,
    }


def call(handler: Any, *args: Any, **kwargs: Any) -> Antwoord:
    response = handler(event(*args, **kwargs), Context("test"))
    text = response.get("body") or ""
    # API Gateway merges `headers` and `multiValueHeaders` into one set of response headers.
    headers = dict(response.get("headers") or {})
    headers.update({k: ", ".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()})
    try:
        body = json.loads(text)
    except ValueError:
        body = text
    return Antwoord(response["statusCode"], headers, body)
