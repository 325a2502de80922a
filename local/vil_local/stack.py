"""The local stack: the API of template.yaml on loopback, the same handlers and authorizer.

A router reads the routes from template.yaml and calls each function's `lambda_handler` with
the REST (v1) proxy event API Gateway would send, after running the REQUEST authorizer as API
Gateway does. Unknown routes and denied tokens get API Gateway's responses, which the template
sets to problem+json. AWS is moto in-process; the government is the fake on loopback.
"""

import os
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from vil_local import aws
from vil_local.functies import module
from vil_local.template import Route, resources, routes

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
Reply = tuple[int, dict[str, str], bytes]
# The methods API Gateway's ANY stands for; any other (TRACE, PROPFIND, CONNECT) reaches no route.
ANY_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})


class Context:
    """What a handler reads of its LambdaContext."""

    TIMEOUT_MS = 10_000  # Globals.Function.Timeout in template.yaml

    def __init__(self, function: str) -> None:
        self.function_name = function
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{aws.REGION}:000000000000:function:{function}"
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() * 1000 + self.TIMEOUT_MS

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline - time.monotonic() * 1000))


def handler(route_or_folder: Route | str) -> Handler:
    """The `lambda_handler` of a function folder."""
    folder = route_or_folder if isinstance(route_or_folder, str) else route_or_folder.folder
    result: Handler = module(folder).lambda_handler
    return result


def gateway_response(soort: str) -> Reply:
    """API Gateway's own answer, exactly as template.yaml's GatewayResponses define it."""
    api = next(iter(resources("AWS::Serverless::Api").values()))
    antwoord = api["GatewayResponses"][soort]
    headers = {  # a static value is written between single quotes: 'value'
        name: value[1:-1]
        for name, value in antwoord.get("ResponseParameters", {}).get("Headers", {}).items()
    }
    body = antwoord["ResponseTemplates"]["application/json"].encode()
    return int(antwoord["StatusCode"]), headers, body


class Router:
    """API Gateway's behaviour for the routes of template.yaml."""

    def __init__(self) -> None:
        self.routes = routes()
        self.authorizer = handler("authorizer")
        # Lambda runs one request at a time per environment; here every function shares one
        # process (a resolver keeps the current event on its module's `app`, boto3 resources
        # are not thread-safe), so the router runs one invocation at a time.
        self.lock = threading.Lock()

    def __call__(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Reply:
        request_id = str(uuid.uuid4())
        status, reply_headers, content = self._route(request_id, method, path, query, headers, body)
        return status, {**reply_headers, "x-amzn-RequestId": request_id}, content

    def _route(
        self,
        request_id: str,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> Reply:
        matches = [(route, m) for route in self.routes if (m := route.pattern.match(path))]
        chosen = next((rm for rm in matches if rm[0].method == method), None) or next(
            (rm for rm in matches if rm[0].method == "ANY" and method in ANY_METHODS), None
        )
        if chosen is None:  # API Gateway: "Missing Authentication Token" (a 404 problem)
            return gateway_response("MISSING_AUTHENTICATION_TOKEN")
        route, match = chosen
        # API Gateway matches the path as sent (percent-encoded) and decodes the parameters.
        parameters = {name: unquote(value) for name, value in match.groupdict().items()}
        event = self._event(route, method, path, parameters, query, headers, body, request_id)
        context = self._authorize(event)
        if isinstance(context, tuple):
            return context
        event["requestContext"]["authorizer"] = context
        try:
            with self.lock:
                response = handler(route)(event, Context(route.function))
        except Exception:  # API Gateway answers with its 5XX response when the function fails
            return gateway_response("DEFAULT_5XX")
        merged = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            merged[name] = ", ".join(values)
        return response["statusCode"], merged, (response.get("body") or "").encode()

    def _authorize(self, event: dict[str, Any]) -> dict[str, Any] | Reply:
        # API Gateway names the invoked method and path (not the route's ANY or template).
        invoked = f"{event['httpMethod']}{event['path']}"
        arn = f"arn:aws:execute-api:{aws.REGION}:000000000000:local/api/{invoked}"
        request = {
            "type": "REQUEST",
            "methodArn": arn,
            **{k: event[k] for k in ("resource", "path", "httpMethod", "headers",
                                     "multiValueHeaders", "queryStringParameters",
                                     "pathParameters", "requestContext")},
        }  # fmt: skip
        try:
            with self.lock:
                policy = self.authorizer(request, Context("AuthorizerFunction"))
        except Exception as error:  # API Gateway: exactly "Unauthorized" is 401, the rest 500
            if str(error) == "Unauthorized":
                return gateway_response("UNAUTHORIZED")
            return gateway_response("DEFAULT_5XX")
        statements = policy["policyDocument"]["Statement"]
        if any(s["Effect"] != "Allow" for s in statements):
            return gateway_response("ACCESS_DENIED")
        return {"principalId": policy.get("principalId", ""), **policy.get("context", {})}

    @staticmethod
    def _event(
        route: Route,
        method: str,
        path: str,
        parameters: dict[str, str],
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        request_id: str,
    ) -> dict[str, Any]:
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
            "pathParameters": parameters or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": path,
                "stage": "api",
                "requestId": request_id,
                "identity": {"sourceIp": "127.0.0.1"},
            },
            # API Gateway passes a text body on as text; bytes that are not UTF-8 become
            # replacement characters, which the function then refuses as invalid JSON.
            "body": body.decode("utf-8", errors="replace") if body else None,
            "isBase64Encoded": False,
        }


def environment(values: dict[str, str]) -> dict[str, str]:
    """Every variable any function's template environment names, with its local value."""
    names: set[str] = set()
    for properties in resources("AWS::Serverless::Function").values():
        names |= set(properties.get("Environment", {}).get("Variables", {}))
    missing = names - values.keys() - {"VIL_RULES_DIR", "POWERTOOLS_SERVICE_NAME"}
    if missing:
        raise RuntimeError(f"geen lokale waarde voor {sorted(missing)}")
    return {name: values[name] for name in names if name in values}


class Server(ThreadingHTTPServer):
    """HTTP on loopback in front of the router."""

    daemon_threads = True

    def __init__(
        self,
        port: int,
        router: Router,
        # method, path, query, headers (lower-case names), body
        local_routes: Callable[[str, str, dict[str, str], dict[str, str], bytes], Reply | None],
    ):
        self.router = router
        self.local_routes = local_routes
        super().__init__(("127.0.0.1", port), _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        # API Gateway passes an empty value on ('?status=' is status ""), as it does any other.
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        lokaal = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.local_routes(
            self.command, parts.path, query, lokaal, body
        ) or self.server.router(self.command, parts.path, query, dict(self.headers.items()), body)
        status, headers, content = reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":  # HEAD has headers only: a body would open the next response
            self.wfile.write(content)

    def __getattr__(self, name: str) -> Any:
        """Every method goes to the router, which answers TRACE or QUERY as API Gateway does."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a request line could carry personal data in a query string."""


def serve_forever_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def apply_environment(values: dict[str, str]) -> None:
    os.environ.update({**aws.FAKE_CREDENTIALS, **environment(values)})
