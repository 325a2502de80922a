"""The resident's and the hulpverlener's web pages (/loket/) on the local stack, as a browser
without JavaScript uses them (forms and links, the cookie kept by hand): who read my data a
page at a time, giving a machtiging through the form and its check, the caseload a page at a
time with each client named without a BSN, and the theme as a deployment setting
(docs/loket.md). The same pages run in chromium with axe in tests/browser/."""

import base64
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.conftest import burger
from tests.integration.hulp import Browser, fouten_in_samenvatting, tekst, toestemming
from vil import samenstelling
from vil_local.lokaal import LokaleStack

WIJKTEAM = "90000017"  # the KvK number of the simulation's hulpverlener mw-1
RIJ = re.compile(r'<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell">([^<]+)</td>')


@pytest.fixture
def browser(stack: LokaleStack) -> Iterator[Browser]:
    b = Browser(stack)
    yield b
    b.client.close()


def nieuwe_inwoner(stack: LokaleStack) -> str:
    return stack.overheid.kopie("999993653")


def volgende(html: str, tekst_: str) -> str | None:
    """The href of the link with this text, if the page has it."""
    gevonden = re.search(rf'href="([^"]+)">{tekst_}', html)
    return unescape(gevonden[1]) if gevonden else None


def test_who_read_my_data_is_paged_newest_first_without_a_bsn_in_the_url(
    browser: Browser, klok: LokaleStack
) -> None:
    stack = klok  # its clock is put back afterwards
    bsn = nieuwe_inwoner(stack)
    browser.log_in_in_loket(f"bsn:{bsn}")
    for _ in range(30):  # each view is itself a read that is recorded: 30 and more records
        # a minute apart, so that the page's times (to the minute) show their order
        stack.klok.verschuif(timedelta(minutes=1))
        assert browser.ga("GET", "/loket/inzage").status_code == 200
    tijden = RIJ.findall(browser.pagina)
    assert len(tijden) == 25  # one page
    assert "Naar de nieuwste" not in browser.pagina
    gezien = list(tijden)
    pad = volgende(browser.pagina, "Volgende")
    while pad is not None:
        cursor = parse_qs(urlsplit(pad).query)["na"][0]
        assert bsn not in pad
        assert bsn not in base64.urlsafe_b64decode(cursor + "==").decode()  # a moment and an id
        browser.ga("GET", pad)
        assert "Naar de nieuwste" in browser.pagina
        gezien += RIJ.findall(browser.pagina)
        pad = volgende(browser.pagina, "Volgende")
    # The 30 views, each once: 25 and 5 (the later page's own view is newer than its cursor)
    assert len(gezien) == 30
    assert len(set(gezien)) == 30  # every view at its own minute: the order below can fail
    assert gezien == sorted(gezien, reverse=True)  # newest first, across the pages
    onzin = browser.ga("GET", "/loket/inzage?na=bm9nLWVlbi1jdXJzb3I")
    assert onzin.status_code == 400
    assert "Ongeldige cursor" in tekst(onzin.text)


def geef_machtiging(browser: Browser, velden: dict[str, str | list[str]]) -> httpx.Response:
    browser.ga("GET", "/loket/machtigingen/nieuw")
    return browser.verstuur("/loket/machtigingen/nieuw", velden)  # type: ignore[arg-type]


def test_a_resident_gives_checks_sees_and_revokes_a_machtiging(
    browser: Browser, stack: LokaleStack, api: httpx.Client
) -> None:
    bsn = nieuwe_inwoner(stack)
    browser.log_in_in_loket(f"bsn:{bsn}")
    browser.ga("GET", "/loket/machtigingen")
    assert "Niemand mag namens u handelen." in browser.pagina
    formulier = browser.ga("GET", "/loket/machtigingen/nieuw")
    assert 'value="15-06-2026"' in formulier.text  # the first day: today, on the stack's clock
    assert " required" not in formulier.text  # aria-required, no browser validation

    # Every error at its field, linked from the summary, in the form's order
    fout = browser.verstuur("/loket/machtigingen/nieuw", {"soort": "kvk", "vanaf": "", "tot": "x"})
    assert fout.status_code == 400
    assert fouten_in_samenvatting(fout.text) == ["nummer", "rechten", "vanaf", "tot"]
    assert 'id="nummer" name="nummer" value="" autocomplete="off" aria-required="true"' in fout.text
    assert 'aria-invalid="true"' in fout.text

    velden = {"soort": "kvk", "nummer": WIJKTEAM, "medewerker": "", "vanaf": "15-06-2026",
              "tot": "31-12-2026", "rechten": ["inzien", "aanvragen"]}  # fmt: skip
    controle = browser.verstuur("/loket/machtigingen/nieuw", velden)  # type: ignore[arg-type]
    assert controle.status_code == 200, tekst(controle.text)
    assert "Controleer de machtiging" in controle.text
    assert f"De organisatie met KvK-nummer {WIJKTEAM}" in tekst(controle.text)
    assert "van 15-06-2026 tot en met 31-12-2026" in tekst(controle.text)
    # Nothing is given before the check is confirmed, nor by a form without the CSRF token
    assert api.get("/machtigingen", headers=burger(bsn)).json()["machtigingen"] == []
    assert browser.ga("POST", "/loket/machtigingen/nieuw/controle", {}).status_code == 403
    assert api.get("/machtigingen", headers=burger(bsn)).json()["machtigingen"] == []
    browser.ga("GET", "/loket/machtigingen/nieuw/controle")

    gegeven = browser.verstuur("/loket/machtigingen/nieuw/controle", {})
    assert urlsplit(str(gegeven.url)).path == "/loket/machtigingen"
    assert "U hebt de machtiging gegeven." in gegeven.text
    (machtiging,) = api.get("/machtigingen", headers=burger(bsn)).json()["machtigingen"]
    assert machtiging["organisatie"] == {"kvk": WIJKTEAM}
    assert machtiging["rechten"] == ["aanvragen", "inzien"]
    assert (machtiging["geldigVanaf"], machtiging["geldigTot"]) == ("2026-06-15", "2026-12-31")
    assert "U hebt de machtiging gegeven." not in browser.ga("GET", "/loket/machtigingen").text

    browser.verstuur(f"/loket/machtigingen/{machtiging['id']}/intrekken", {})
    assert "Niemand mag namens u handelen." in browser.pagina
    (ingetrokken,) = api.get("/machtigingen", headers=burger(bsn)).json()["machtigingen"]
    assert ingetrokken["ingetrokkenOp"] is not None


def test_dates_the_service_refuses_come_back_at_their_fields(
    browser: Browser, stack: LokaleStack, api: httpx.Client
) -> None:
    bsn = nieuwe_inwoner(stack)
    browser.log_in_in_loket(f"bsn:{bsn}")
    velden = {"soort": "oin", "nummer": "0" * 20, "vanaf": "01-06-2026", "tot": "31-05-2026",
              "rechten": ["meldingen-ontvangen"]}  # fmt: skip
    assert "Controleer de machtiging" in geef_machtiging(browser, velden).text
    geweigerd = browser.verstuur("/loket/machtigingen/nieuw/controle", {})
    assert geweigerd.status_code == 400
    assert "Deze machtiging zou nooit gelden." in tekst(geweigerd.text)  # the service's words
    assert "De laatste dag ligt voor vandaag (15-06-2026)." in tekst(geweigerd.text)
    assert fouten_in_samenvatting(geweigerd.text) == ["tot", "tot"]
    assert api.get("/machtigingen", headers=burger(bsn)).json()["machtigingen"] == []


def test_only_the_resident_themself_gives_a_machtiging(
    browser: Browser, stack: LokaleStack, api: httpx.Client
) -> None:
    bsn = nieuwe_inwoner(stack)
    machtiging = api.post("/machtigingen", headers=burger(bsn), json={
        "organisatie": {"kvk": WIJKTEAM}, "rechten": ["inzien", "toestemming"],
        "geldigVanaf": "2026-06-01", "geldigTot": "2026-12-31",
    }).json()["id"]  # fmt: skip
    browser.log_in_in_loket("hulpverlener:mw-1")
    assert urlsplit(str(browser.ga("GET", "/loket/machtigingen/nieuw").url)).path == (
        "/loket/clienten"
    )  # first: for whom
    browser.verstuur("/loket/clienten", {"machtiging": machtiging})
    geweigerd = browser.ga("GET", "/loket/machtigingen/nieuw")
    assert geweigerd.status_code == 401
    assert "Alleen de inwoner zelf, met DigiD, geeft een machtiging." in tekst(geweigerd.text)
    assert "Iemand machtigen" not in browser.ga("GET", "/loket/machtigingen").text


def test_the_caseload_is_paged_and_names_each_client_without_a_bsn(
    browser: Browser, stack: LokaleStack, api: httpx.Client
) -> None:
    mijn: set[str] = set()
    bsns = []
    for i in range(27):  # more than one page of 25
        bsn = nieuwe_inwoner(stack)
        bsns.append(bsn)
        if i == 26:  # the newest: one whose BRP data VIL keeps, recognised by the birth date
            toestemming(api, bsn, ("brp",))
            assert api.get("/gegevens", headers=burger(bsn)).status_code == 200
        antwoord = api.post("/machtigingen", headers=burger(bsn), json={
            "organisatie": {"kvk": WIJKTEAM}, "rechten": ["inzien"],
            "geldigVanaf": "2026-06-01", "geldigTot": "2026-12-31",
        })  # fmt: skip
        assert antwoord.status_code == 201, antwoord.text
        mijn.add(antwoord.json()["id"])

    browser.log_in_in_loket("hulpverlener:mw-1")
    gezien: list[str] = []
    pad: str | None = "/loket/clienten"
    while pad is not None:
        assert not any(bsn in pad for bsn in bsns)
        browser.ga("GET", pad)
        knoppen = re.findall(r'name="machtiging" value="([0-9a-f]+)"', browser.pagina)
        assert len(knoppen) <= 25
        gezien += knoppen
        pad = volgende(browser.pagina, "Volgende cliënten")
    assert mijn <= set(gezien)  # every client, across the pages, each once
    assert len(gezien) == len(set(gezien))

    browser.ga("GET", "/loket/clienten")
    assert "Geboren op 14-03-1971" in browser.pagina
    assert not any(bsn in browser.pagina for bsn in bsns)
    # Choosing a client: the banner names them as the caseload does
    met_brp = api.get("/machtigingen", headers=burger(bsns[-1])).json()["machtigingen"][0]["id"]
    browser.verstuur("/loket/clienten", {"machtiging": met_brp})
    assert f"U handelt namens inwoner geboren op 14-03-1971 (machtiging {met_brp[:8]})" in tekst(
        browser.pagina
    )
    zonder_brp = api.get("/machtigingen", headers=burger(bsns[0])).json()["machtigingen"][0]
    browser.ga("GET", "/loket/clienten")
    browser.verstuur("/loket/clienten", {"machtiging": zonder_brp["id"]})
    assert f"U handelt namens cliënt met machtiging {zonder_brp['id'][:8]} van 01-06-2026" in tekst(
        browser.pagina
    )
    # A machtiging the hulpverlener does not hold: not found, nothing in the session
    browser.ga("GET", "/loket/clienten")
    onbekend = browser.verstuur("/loket/clienten", {"machtiging": "0" * 32})
    assert onbekend.status_code == 404


def test_the_theme_setting_changes_the_served_stylesheet(
    stack: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with httpx.Client(base_url=stack.url) as web:
        standaard = web.get("/loket/stijl/loket.css")
        assert standaard.status_code == 200
        assert ".voorbeeld-theme{" in standaard.text
        assert ".ma-theme{" not in standaard.text
        assert '<body class="utrecht-body voorbeeld-theme">' in web.get("/loket/").text
        monkeypatch.setenv("LOKET_THEMA", "mooi-en-anders")
        samenstelling.loket.cache_clear()
        try:
            ander = web.get("/loket/stijl/loket.css")
            assert ander.status_code == 200
            assert ".ma-theme{" in ander.text
            assert "@nl-design-system-community/ma-design-tokens" in ander.text
            assert ".voorbeeld-theme{" not in ander.text
            assert '<body class="utrecht-body ma-theme">' in web.get("/loket/").text
        finally:
            monkeypatch.undo()
            samenstelling.loket.cache_clear()
        assert ".voorbeeld-theme{" in web.get("/loket/stijl/loket.css").text
