"""The loket's web recipe: routes, forms, the session cookie, HTML from Jinja2, the headers.

Every page works without JavaScript: a form posts, the server answers with a redirect to the
next page (POST-redirect-GET) or, when the input has errors, with the same page showing them.
Every POST carries the session's CSRF token; a POST without the right one is refused (403).
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from vil.loket.themas import THEMAS
from vil.models.machtiging import Recht
from vil.models.sessie import Sessie

SJABLONEN = Path(__file__).parent / "sjablonen"
COOKIE = "__Host-vil-sessie"  # __Host-: Secure, Path=/, no Domain (RFC 6265bis 4.1.3.2)
MAX_FORM_BYTES = 64 * 1024
HTML = "text/html; charset=utf-8"
# No script at all; styles and images from the loket itself; forms post only to the loket.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

omgeving = Environment(
    loader=FileSystemLoader(SJABLONEN),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
omgeving.globals["thema"] = THEMAS["voorbeeld"]  # a page renders with its deployment's theme


@dataclass
class Verzoek:
    """One request as the pages read it."""

    methode: str
    pad: str  # without the stage: /loket/...
    query: dict[str, str]
    formulier: dict[str, list[str]]
    cookie: str | None
    basis: str  # the stage's path prefix ("" locally, "/api" on AWS)
    thema: str = "voorbeeld"  # the deployment's theme (vil.loket.themas)
    sessie: Sessie | None = None
    nieuwe_cookie: str | None = None  # set on the response: a session was made or replaced
    parameters: dict[str, str] = field(default_factory=dict)
    rechten: frozenset[Recht] | None = None  # what the visitor may do here, once read

    def veld(self, naam: str) -> str:
        """A form field's value, stripped; "" when absent."""
        return (self.formulier.get(naam) or [""])[0].strip()

    def velden(self, naam: str) -> list[str]:
        return self.formulier.get(naam) or []


@dataclass(frozen=True)
class Fout:
    """An error in a form: the field's id (the summary links to it) and what to do."""

    veld: str
    tekst: str


@dataclass
class Antwoord:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = HTML


def pagina(verzoek: Verzoek, sjabloon: str, status: int = 200, **context: Any) -> Antwoord:
    """A page from its template, with what every page shows (who is logged in, the CSRF token)."""
    sessie = verzoek.sessie
    html = omgeving.get_template(sjabloon).render(
        basis=verzoek.basis,
        pad=verzoek.pad,
        sessie=sessie,
        csrf=sessie.csrf if sessie else "",
        principal=sessie.principal if sessie else None,
        thema=THEMAS[verzoek.thema],
        **context,
    )
    return Antwoord(status, html)


def naar(verzoek: Verzoek, pad: str) -> Antwoord:
    """303 See Other to a loket page (after a POST: the browser GETs it)."""
    return Antwoord(HTTPStatus.SEE_OTHER, headers={"Location": verzoek.basis + pad})


def extern(url: str) -> Antwoord:
    return Antwoord(HTTPStatus.FOUND, headers={"Location": url})


Pagina = Callable[[Verzoek], Antwoord]


class Router:
    """Pages by method and path pattern (`/loket/aanvragen/{id}`)."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Pagina]] = []

    def route(self, methode: str, patroon: str) -> Callable[[Pagina], Pagina]:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", patroon) + "$")

        def registreer(functie: Pagina) -> Pagina:
            self.routes.append((methode, regex, functie))
            return functie

        return registreer

    def get(self, patroon: str) -> Callable[[Pagina], Pagina]:
        return self.route("GET", patroon)

    def post(self, patroon: str) -> Callable[[Pagina], Pagina]:
        return self.route("POST", patroon)

    def vind(self, verzoek: Verzoek) -> Pagina | Antwoord:
        """The page for the request, or 404 / 405 as a page."""
        methoden = []
        for methode, regex, functie in self.routes:
            if match := regex.match(verzoek.pad):
                if methode == verzoek.methode or (methode == "GET" and verzoek.methode == "HEAD"):
                    verzoek.parameters = match.groupdict()
                    return functie
                methoden.append(methode)
        if methoden:
            antwoord = fout(verzoek, HTTPStatus.METHOD_NOT_ALLOWED)
            antwoord.headers["Allow"] = ", ".join(sorted(set(methoden)))
            return antwoord
        return fout(verzoek, HTTPStatus.NOT_FOUND)


FOUTEN = {
    HTTPStatus.BAD_REQUEST: (
        "Dit verzoek kunnen we niet lezen",
        "Ga terug en probeer het opnieuw.",
    ),
    HTTPStatus.FORBIDDEN: (
        "Dit formulier is verlopen",
        "Uit veiligheid werkt een formulier alleen in de sessie waarin u het opende."
        " Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    ),
    HTTPStatus.NOT_FOUND: (
        "Deze pagina bestaat niet",
        "Controleer het adres, of ga naar de start.",
    ),
    HTTPStatus.METHOD_NOT_ALLOWED: ("Dit kan hier niet", "Ga naar de start van het loket."),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ("Te veel gegevens", "Het formulier is te groot."),
    HTTPStatus.INTERNAL_SERVER_ERROR: (
        "Er ging iets mis",
        "Er ging bij ons iets mis. Probeer het later opnieuw.",
    ),
}


def fout(verzoek: Verzoek, status: HTTPStatus) -> Antwoord:
    titel, uitleg = FOUTEN[status]
    return pagina(verzoek, "fout.html", int(status), titel=titel, uitleg=uitleg)


def verzoek_uit(event: dict[str, Any], basis: str, thema: str = "voorbeeld") -> Verzoek | Antwoord:
    """The request from API Gateway's REST (v1) proxy event."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    pad = event.get("path") or "/"
    body = event.get("body") or ""
    formulier: dict[str, list[str]] = {}
    if event.get("httpMethod") == "POST":
        if len(body.encode()) > MAX_FORM_BYTES:
            return Antwoord(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Te groot", content_type="text/plain"
            )
        formulier = parse_qs(body, keep_blank_values=True, max_num_fields=200)
    return Verzoek(
        methode=str(event.get("httpMethod") or "GET"),
        pad=pad,
        query={k: v for k, v in (event.get("queryStringParameters") or {}).items() if v},
        formulier=formulier,
        cookie=_cookie(headers.get("cookie", "")),
        basis=basis,
        thema=thema,
    )


def _cookie(header: str) -> str | None:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except Exception:  # a malformed Cookie header: as if there were none
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel else None


def set_cookie(waarde: str, leeg: bool = False) -> str:
    """The session cookie: HttpOnly, Secure, SameSite=Lax (the login's return is a top-level
    GET from the identity provider, which Strict would send without the cookie)."""
    attributen = "Path=/; HttpOnly; Secure; SameSite=Lax"
    if leeg:
        return f"{COOKIE}=; {attributen}; Max-Age=0"
    return f"{COOKIE}={waarde}; {attributen}"


def als_event(antwoord: Antwoord, verzoek: Verzoek | None, gestart: float) -> dict[str, Any]:
    """The response as API Gateway's REST (v1) proxy response, with the headers every page has
    and the server time (Server-Timing, for the benchmark; no personal data)."""
    headers = {**HEADERS, "Content-Type": antwoord.content_type, **antwoord.headers}
    multi: dict[str, list[str]] = {k: [v] for k, v in headers.items()}
    if verzoek is not None and verzoek.nieuwe_cookie is not None:
        multi["Set-Cookie"] = [verzoek.nieuwe_cookie]
    duur = (time.perf_counter() - gestart) * 1000
    multi["Server-Timing"] = [f"app;dur={duur:.1f}"]
    return {
        "statusCode": antwoord.status,
        "multiValueHeaders": multi,
        "body": antwoord.body,
        "isBase64Encoded": False,
    }


def veilig_terug(pad: str) -> str:
    """A return path within the loket only (no open redirect)."""
    delen = urlsplit(pad)
    if delen.scheme or delen.netloc or not delen.path.startswith("/loket/"):
        return "/loket/"
    return quote(delen.path)
