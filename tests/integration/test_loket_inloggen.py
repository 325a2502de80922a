"""The loket's login and session over HTTP (docs/loket.md): the OIDC code flow with PKCE against
the local DigiD simulatie, the cookie, CSRF, logout, and no way around them."""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import vil.loket.web
from functions.loket import app
from vil import samenstelling
from vil.services import sessies
from vil_local.lokaal import LokaleStack

COOKIE = "__Host-vil-sessie"


def _cookie(antwoord: httpx.Response) -> str:
    """The session id the response sets (httpx keeps no Secure cookie over http)."""
    waarde = antwoord.headers["set-cookie"].split(";")[0]
    naam, _, sessie = waarde.partition("=")
    assert naam == COOKIE
    return sessie


def _inloggen(web: httpx.Client, bsn: str = "999993653") -> tuple[str, str]:
    """Log in as a test person; (the session cookie, the redirect after logging in)."""
    begin = web.get("/loket/inloggen")
    assert begin.status_code == 302
    poging = _cookie(begin)
    authorize = urlsplit(begin.headers["location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["client_id"] == "vil-local-loket"
    keuze = web.post(authorize.path, data={**query, "keuze": f"bsn:{bsn}"})
    assert keuze.status_code == 302
    terug = urlsplit(keuze.headers["location"])
    antwoord = web.get(f"{terug.path}?{terug.query}", headers={"Cookie": f"{COOKIE}={poging}"})
    assert antwoord.status_code == 303, antwoord.text
    return _cookie(antwoord), antwoord.headers["location"]


@pytest.fixture
def web(stack: LokaleStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, follow_redirects=False) as client:
        yield client


def test_logging_in_gives_a_new_httponly_secure_samesite_session_and_no_token(
    web: httpx.Client,
) -> None:
    begin = web.get("/loket/inloggen")
    attributen = begin.headers["set-cookie"]
    assert re.search(r"HttpOnly", attributen)
    assert re.search(r"Secure", attributen)
    assert re.search(r"SameSite=Lax", attributen)
    assert "Path=/" in attributen
    sessie, naar = _inloggen(web)
    assert naar.endswith("/loket/overzicht")
    assert sessie != _cookie(begin)  # a new id after logging in: no session fixation
    pagina = web.get("/loket/overzicht", headers={"Cookie": f"{COOKIE}={sessie}"})
    assert pagina.status_code == 200
    assert "Uitloggen" in pagina.text
    assert "eyJ" not in pagina.text  # no JWT reaches the browser
    assert "script-src" not in pagina.headers["content-security-policy"]
    assert "default-src 'none'" in pagina.headers["content-security-policy"]


def test_a_callback_with_another_state_or_a_used_code_logs_no_one_in(web: httpx.Client) -> None:
    begin = web.get("/loket/inloggen")
    poging = _cookie(begin)
    authorize = urlsplit(begin.headers["location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    keuze = web.post(authorize.path, data={**query, "keuze": "bsn:999993653"})
    code = parse_qs(urlsplit(keuze.headers["location"]).query)["code"][0]
    vreemd = web.get(
        "/loket/inloggen/terug",
        params={"code": code, "state": "een-andere-state"},
        headers={"Cookie": f"{COOKIE}={poging}"},
    )
    assert vreemd.status_code == 401
    assert "Inloggen is niet gelukt" in vreemd.text
    # The attempt is over: the right state no longer helps, nor does the code.
    opnieuw = web.get(
        "/loket/inloggen/terug",
        params={"code": code, "state": query["state"]},
        headers={"Cookie": f"{COOKIE}={poging}"},
    )
    assert opnieuw.status_code == 401


def test_a_page_needs_a_login_and_returns_only_within_the_loket(web: httpx.Client) -> None:
    pagina = web.get("/loket/aanvragen")
    assert pagina.status_code == 303
    assert pagina.headers["location"] == "/loket/inloggen?terug=/loket/aanvragen"
    buiten = web.get("/loket/inloggen", params={"terug": "https://elders.example/"})
    assert buiten.status_code == 302  # the attempt remembers /loket/, not the other site


def test_a_form_without_the_sessions_csrf_token_is_refused(web: httpx.Client) -> None:
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    zonder = web.post("/loket/intrekken", headers=cookie, data={})
    assert zonder.status_code == 403
    fout = web.post("/loket/intrekken", headers=cookie, data={"csrf": "geraden"})
    assert fout.status_code == 403
    # Nothing was revoked: the consent page still answers for this session.
    assert web.get("/loket/overzicht", headers=cookie).status_code == 200


def test_logout_ends_the_session(web: httpx.Client) -> None:
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    pagina = web.get("/loket/overzicht", headers=cookie)
    csrf = re.search(r'name="csrf" value="([^"]+)"', pagina.text)
    assert csrf
    uit = web.post("/loket/uitloggen", headers=cookie, data={"csrf": csrf[1]})
    assert uit.status_code == 200
    assert "Max-Age=0" in uit.headers["set-cookie"]
    assert web.get("/loket/overzicht", headers=cookie).status_code == 303  # log in again


def test_unknown_pages_and_methods_are_pages_too(web: httpx.Client) -> None:
    onbekend = web.get("/loket/bestaat-niet")
    assert onbekend.status_code == 404
    assert onbekend.headers["content-type"].startswith("text/html")
    assert web.get("/loket").status_code == 303
    methode = web.delete("/loket/")
    assert methode.status_code == 405
    assert methode.headers["allow"] == "GET"


def test_applying_without_a_beoordeling_in_the_session_starts_at_consent(
    web: httpx.Client,
) -> None:
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', web.get("/loket/overzicht", headers=cookie).text
    )
    assert csrf
    antwoord = web.post(
        "/loket/aanvragen", headers=cookie, data={"csrf": csrf[1], "regeling": "zorgtoeslag"}
    )
    assert antwoord.status_code == 303
    assert antwoord.headers["location"] == "/loket/toestemming"


# Session hardening (issue 14): CSRF on every form, the cookie's attributes at every step, and
# logout that ends the session on the server.

SJABLONEN = Path(vil.loket.web.__file__).parent / "sjablonen"
FORMULIER = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL | re.IGNORECASE)


def test_every_form_of_every_template_posts_the_sessions_csrf_token() -> None:
    formulieren = 0
    for sjabloon in sorted(SJABLONEN.glob("*.html")):
        for formulier in FORMULIER.findall(sjabloon.read_text(encoding="utf-8")):
            formulieren += 1
            assert 'method="post"' in formulier, (sjabloon.name, formulier[:80])
            assert "csrf_veld(csrf)" in formulier or 'name="csrf"' in formulier, sjabloon.name
    assert formulieren >= 16


POSTS = sorted(
    regex.pattern.strip("^$").replace("(?P<", "{").replace(">[^/]+)", "}")
    for methode, regex, _ in app.router.routes
    if methode == "POST"
)


@pytest.mark.parametrize("pad", POSTS)
def test_every_post_without_the_csrf_token_is_refused_before_the_page_runs(
    web: httpx.Client, pad: str
) -> None:
    """Logged in, so that only the token is missing; a path parameter gets any value (the
    check comes before the page)."""
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    url = re.sub(r"\{\w+\}", "iets", pad)
    for data in ({}, {"csrf": "geraden"}):
        antwoord = web.post(url, headers=cookie, data=data)
        assert antwoord.status_code == 403, (pad, antwoord.status_code)
        assert "Dit formulier is verlopen" in antwoord.text
    # The session is still there: nothing was done, nobody was logged out.
    assert web.get("/loket/overzicht", headers=cookie).status_code == 200


def _attributen(antwoord: httpx.Response) -> set[str]:
    waarde = antwoord.headers["set-cookie"]
    naam = waarde.split("=", 1)[0]
    assert naam == COOKIE  # __Host-: Secure, Path=/ and no Domain, or the browser drops it
    return {deel.strip().split("=")[0].lower() for deel in waarde.split(";")[1:]}


def test_the_cookie_is_httponly_secure_samesite_at_every_step(web: httpx.Client) -> None:
    verwacht = {"path", "httponly", "secure", "samesite"}
    begin = web.get("/loket/inloggen")
    assert _attributen(begin) == verwacht
    assert "SameSite=Lax" in begin.headers["set-cookie"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(begin.headers["location"]).query).items()}
    keuze = web.post(
        urlsplit(begin.headers["location"]).path, data={**query, "keuze": "bsn:999993653"}
    )
    terug = urlsplit(keuze.headers["location"])
    ingelogd = web.get(
        f"{terug.path}?{terug.query}", headers={"Cookie": f"{COOKIE}={_cookie(begin)}"}
    )
    assert _attributen(ingelogd) == verwacht
    assert "domain" not in _attributen(ingelogd)
    cookie = {"Cookie": f"{COOKIE}={_cookie(ingelogd)}"}
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', web.get("/loket/overzicht", headers=cookie).text
    )
    assert csrf
    uit = web.post("/loket/uitloggen", headers=cookie, data={"csrf": csrf[1]})
    assert _attributen(uit) == verwacht | {"max-age"}


def test_logout_deletes_the_session_on_the_server(web: httpx.Client, stack: LokaleStack) -> None:
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    diensten = samenstelling.loket()
    assert diensten.sessies.haal(sessies.sleutel(sessie)) is not None
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', web.get("/loket/overzicht", headers=cookie).text
    )
    assert csrf
    assert web.post("/loket/uitloggen", headers=cookie, data={}).status_code == 403  # CSRF too
    assert diensten.sessies.haal(sessies.sleutel(sessie)) is not None
    web.post("/loket/uitloggen", headers=cookie, data={"csrf": csrf[1]})
    assert diensten.sessies.haal(sessies.sleutel(sessie)) is None  # not only the cookie


def test_a_session_idle_for_15_minutes_sends_the_visitor_to_log_in_again(
    web: httpx.Client, stack: LokaleStack
) -> None:
    """The stored session as if its last request was 15 minutes ago (sessions keep real time,
    so the stack's clock cannot move it)."""
    sessie, _ = _inloggen(web)
    cookie = {"Cookie": f"{COOKIE}={sessie}"}
    diensten = samenstelling.loket()
    opgeslagen = diensten.sessies.haal(sessies.sleutel(sessie))
    assert opgeslagen is not None
    for minuten, status in ((14, 200), (15, 303)):
        eerder = opgeslagen.laatst_actief - timedelta(minutes=minuten)
        diensten.sessies.bewaar(
            opgeslagen.model_copy(update={"laatst_actief": eerder}),
            opgeslagen.laatst_actief + timedelta(hours=1),
        )
        antwoord = web.get("/loket/overzicht", headers=cookie)
        assert antwoord.status_code == status, minuten
    assert antwoord.headers["location"].startswith("/loket/inloggen")
    assert diensten.sessies.haal(sessies.sleutel(sessie)) is None
