"""The loket's second OIDC client, eHerkenning, over HTTP on the local stack (docs/loket.md,
"Logging in on AWS"): beheerders and hulpverleners go through it, its secret comes from
(moto's) Secrets Manager and authenticates the client at the token endpoint, and a gemeente's
employee with the beheer role becomes that gemeente's beheerder."""

import base64
import hashlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from vil_local import digid
from vil_local.lokaal import LokaleStack

COOKIE = "__Host-vil-sessie"


def _cookie(antwoord: httpx.Response) -> str:
    naam, _, sessie = antwoord.headers["set-cookie"].split(";")[0].partition("=")
    assert naam == COOKIE
    return sessie


@pytest.fixture
def web(stack: LokaleStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, follow_redirects=False, timeout=30) as client:
        yield client


def _begin(web: httpx.Client, pad: str) -> tuple[dict[str, str], str]:
    begin = web.get(pad)
    assert begin.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(begin.headers["location"]).query).items()}
    return query, _cookie(begin)


def _code(web: httpx.Client, query: dict[str, str], keuze: str) -> httpx.Response:
    return web.post(digid.AUTHORIZE_PATH, data={**query, "keuze": keuze})


def test_beheer_logs_in_through_the_eherkenning_client_which_lists_organisations_only(
    web: httpx.Client,
) -> None:
    query, _ = _begin(web, "/beheer/inloggen")
    assert query["client_id"] == digid.EHERKENNING_CLIENT_ID
    assert query["scope"] == "openid"
    pagina = web.get(digid.AUTHORIZE_PATH, params=query)
    assert "eHerkenning in de DigiD simulatie" in pagina.text
    assert "Dit is niet DigiD en niet eHerkenning" in pagina.text
    assert 'value="beheerder:anne"' in pagina.text
    assert 'value="hulpverlener:mw-1"' in pagina.text
    assert 'value="bsn:' not in pagina.text
    assert _code(web, query, "bsn:999993653").status_code == 400  # no resident here


def test_the_token_endpoint_wants_the_clients_secret(web: httpx.Client) -> None:
    query, _ = _begin(web, "/beheer/inloggen")
    verifier = "v" * 43  # this test's own PKCE pair, so that only the secret differs
    digest = hashlib.sha256(verifier.encode()).digest()
    query["code_challenge"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    for geheim, status in (("geraden", 400), (None, 400), (digid.EHERKENNING_GEHEIM, 200)):
        keuze = _code(web, query, "beheerder:anne")
        code = parse_qs(urlsplit(keuze.headers["location"]).query)["code"][0]
        data = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": query["redirect_uri"]}  # fmt: skip
        headers = {}
        if geheim:
            waarde = base64.b64encode(f"{digid.EHERKENNING_CLIENT_ID}:{geheim}".encode())
            headers["Authorization"] = f"Basic {waarde.decode()}"
        antwoord = web.post(digid.TOKEN_PATH, data=data, headers=headers)
        assert antwoord.status_code == status, geheim


def _log_in(web: httpx.Client, pad: str, keuze: str) -> httpx.Response:
    """The whole login: the loket's callback exchanges the code with the secret it read."""
    query, poging = _begin(web, pad)
    terug = urlsplit(_code(web, query, keuze).headers["location"])
    return web.get(f"{terug.path}?{terug.query}", headers={"Cookie": f"{COOKIE}={poging}"})


def test_a_gemeentes_employee_with_the_beheer_role_is_its_beheerder(web: httpx.Client) -> None:
    ingelogd = _log_in(web, "/beheer/inloggen", "beheerder:cor")
    assert ingelogd.status_code == 303, ingelogd.text
    assert ingelogd.headers["location"] == "/beheer/regelingen"
    regelingen = web.get("/beheer/regelingen", headers={"Cookie": f"{COOKIE}={_cookie(ingelogd)}"})
    assert regelingen.status_code == 200
    assert "Bijdrage Sport en Cultuur" in regelingen.text  # Amersfoort's own regeling


def test_a_hulpverlener_logs_in_with_eherkenning_from_the_start_page(web: httpx.Client) -> None:
    start = web.get("/loket/")
    assert 'href="/loket/inloggen?middel=eherkenning"' in start.text
    ingelogd = _log_in(web, "/loket/inloggen?middel=eherkenning", "hulpverlener:mw-1")
    assert ingelogd.status_code == 303, ingelogd.text
    assert ingelogd.headers["location"] == "/loket/clienten"
