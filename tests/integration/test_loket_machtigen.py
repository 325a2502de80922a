"""Logging in to the loket with DigiD Machtigen over HTTP (docs/loket.md): the gemachtigde acts
for the resident the token represents, every page says so without a BSN, an action outside
DigiD Machtigen's rights is an explanation rather than a form, the service still refuses it,
and the resident's inzage names who acted for them."""

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.conftest import burger
from tests.integration.hulp import toestemming
from vil.services.sessies import MACHTIGEN_NAAM
from vil_local.lokaal import LokaleStack

COOKIE = "__Host-vil-sessie"
GEMACHTIGDE = "999990408"


def _cookie(antwoord: httpx.Response) -> str:
    naam, _, sessie = antwoord.headers["set-cookie"].split(";")[0].partition("=")
    assert naam == COOKIE
    return sessie


def _simulatie(web: httpx.Client, velden: dict[str, str]) -> tuple[httpx.Response, str]:
    """Start a login and send the simulation's form; (its answer, the attempt's cookie)."""
    begin = web.get("/loket/inloggen")
    authorize = urlsplit(begin.headers["location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    return web.post(authorize.path, data={**query, **velden}), _cookie(begin)


def inloggen(web: httpx.Client, velden: dict[str, str]) -> dict[str, str]:
    """Log in through the simulation; the session's Cookie header."""
    keuze, poging = _simulatie(web, velden)
    assert keuze.status_code == 302, keuze.text
    terug = urlsplit(keuze.headers["location"])
    antwoord = web.get(f"{terug.path}?{terug.query}", headers={"Cookie": f"{COOKIE}={poging}"})
    assert antwoord.status_code == 303, antwoord.text
    assert antwoord.headers["location"].endswith("/loket/overzicht")
    return {"Cookie": f"{COOKIE}={_cookie(antwoord)}"}


def csrf(pagina: httpx.Response) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', pagina.text)
    assert gevonden
    return gevonden[1]


@pytest.fixture
def web(stack: LokaleStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, follow_redirects=False, timeout=30) as client:
        yield client


def test_the_simulation_offers_the_test_machtigingen_marked_as_a_simulation(
    web: httpx.Client,
) -> None:
    begin = web.get("/loket/inloggen")
    pagina = web.get(begin.headers["location"])
    assert "Dit is niet DigiD" in pagina.text
    assert "Inloggen met DigiD Machtigen" in pagina.text
    assert f'value="machtigen:{GEMACHTIGDE}:999993653"' in pagina.text
    # A machtiging for oneself, or for someone the fake government does not know: no code.
    for namens in (GEMACHTIGDE, "999970012"):
        keuze, _ = _simulatie(web, {"gemachtigde": GEMACHTIGDE, "namens": namens})
        assert keuze.status_code == 400


def test_a_gemachtigde_acts_for_the_resident_within_digid_machtigens_rights(
    web: httpx.Client, api: httpx.Client, stack: LokaleStack
) -> None:
    inwoner = stack.overheid.kopie("999993653")
    toestemming(api, inwoner)  # only the resident gives consent
    sessie = inloggen(web, {"gemachtigde": GEMACHTIGDE, "namens": inwoner})

    overzicht = web.get("/loket/overzicht", headers=sessie)
    assert overzicht.status_code == 200
    assert f"U handelt namens <strong>{MACHTIGEN_NAAM}</strong>" in overzicht.text
    assert "Wie mag namens mij handelen" not in overzicht.text
    assert "kan alleen de inwoner zelf" in overzicht.text
    # Consent: what holds, read only, and the way on; no form.
    pagina = web.get("/loket/toestemming", headers=sessie)
    assert pagina.status_code == 200
    assert 'action="/loket/toestemming"' not in pagina.text
    assert "Alleen de inwoner zelf kan deze toestemming geven of intrekken" in pagina.text
    assert "Verder naar de gegevens" in pagina.text
    # The service refuses it all the same (a form posted by hand).
    geweigerd = web.post("/loket/toestemming", headers=sessie,
                         data={"csrf": csrf(overzicht), "brp-aanvragen": "ja"})  # fmt: skip
    assert geweigerd.status_code == 403
    assert "Geen recht" in geweigerd.text
    intrekken = web.get("/loket/intrekken", headers=sessie)
    assert 'action="/loket/intrekken"' not in intrekken.text
    # Within the rights: the represented resident's facts, prefilled from the sources.
    gegevens = web.get("/loket/gegevens", headers=sessie)
    assert gegevens.status_code == 200
    assert "Basisregistratie Personen (BRP)" in gegevens.text
    controle = web.get("/loket/controle", headers=sessie)
    assert 'action="/loket/controle"' in controle.text  # aanvragen is a right they have
    # The machtigingen the resident gave: to see, not to give or revoke.
    machtigingen = web.get("/loket/machtigingen", headers=sessie)
    assert machtigingen.status_code == 200
    assert "Intrekken" not in machtigingen.text
    assert "/loket/machtigingen/nieuw" not in machtigingen.text
    # Who read the data, in the same plain words as the API's inzage.
    verwerkingen = web.get("/loket/inzage", headers=sessie)
    assert "Iemand die u via DigiD Machtigen machtigde, namens u" in verwerkingen.text
    for pagina_ in (overzicht, pagina, gegevens, controle, intrekken, machtigingen, verwerkingen):
        assert inwoner not in pagina_.text  # no BSN, of either
        assert GEMACHTIGDE not in pagina_.text

    # The resident's inzage names who acted for them.
    inzage = api.get("/inzage", headers=burger(inwoner)).json()
    assert {r["wie"] for r in inzage["namensU"]} == {"Iemand die u via DigiD Machtigen machtigde"}
    assert {r["machtiging"] for r in inzage["namensU"]} == {"digid-machtigen"}


def test_a_hulpverlener_without_the_right_to_apply_sees_why_not(
    web: httpx.Client, api: httpx.Client, stack: LokaleStack
) -> None:
    inwoner = stack.overheid.kopie("999993653")
    toestemming(api, inwoner)
    gegeven = api.post("/machtigingen", headers=burger(inwoner), json={
        "organisatie": {"kvk": "90000017"}, "rechten": ["inzien"],
        "geldigVanaf": "2026-01-01", "geldigTot": "2026-12-31",
    })  # fmt: skip
    assert gegeven.status_code == 201, gegeven.text
    sessie = inloggen_als_hulpverlener(web)
    clienten = web.get("/loket/clienten", headers=sessie)
    web.post("/loket/clienten", headers=sessie,
             data={"csrf": csrf(clienten), "machtiging": gegeven.json()["id"]})  # fmt: skip
    controle = web.get("/loket/controle", headers=sessie)
    assert controle.status_code == 200
    assert 'action="/loket/controle"' not in controle.text
    assert "uw machtiging geeft u dat recht niet" in controle.text
    beoordeling = web.post("/loket/controle", headers=sessie, data={"csrf": csrf(controle)})
    assert beoordeling.status_code == 403


def inloggen_als_hulpverlener(web: httpx.Client) -> dict[str, str]:
    keuze, poging = _simulatie(web, {"keuze": "hulpverlener:mw-1"})
    terug = urlsplit(keuze.headers["location"])
    antwoord = web.get(f"{terug.path}?{terug.query}", headers={"Cookie": f"{COOKIE}={poging}"})
    assert antwoord.headers["location"].endswith("/loket/clienten")
    return {"Cookie": f"{COOKIE}={_cookie(antwoord)}"}
