"""Acting for someone in the loket, in chromium: a gemachtigde logs in with DigiD Machtigen and
applies for the resident, always told for whom and never shown a BSN; an action outside the
machtiging's rights is a plain explanation; the resident's inzage names who acted. axe-core
finds no WCAG 2.1 A/AA violation in any of these states (issue 14)."""

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe, schermafdruk
from tests.browser.test_loket import (
    BRONNEN,
    inloggen,
    nieuwe_inwoner,
    van_gegevens_tot_aanvraag,
)
from tests.integration.conftest import burger
from vil_local.lokaal import LokaleStack

GEMACHTIGDE = "999990408"
NAMENS = "U handelt namens de inwoner die u via DigiD Machtigen heeft gemachtigd"


def _toestemming(stack: LokaleStack, bsn: str) -> None:
    """The resident's own consent: a gemachtigde cannot give it."""
    with httpx.Client(base_url=stack.url + "/v1") as api:
        for bron in BRONNEN:
            api.put(f"/toestemmingen/{bron}", headers=burger(bsn),
                    json={"doelen": ["aanvragen"]}).raise_for_status()  # fmt: skip


def test_a_gemachtigde_applies_for_the_resident_with_digid_machtigen(
    pagina: Page, stack: LokaleStack
) -> None:
    page = pagina
    inwoner = nieuwe_inwoner(stack)
    _toestemming(stack, inwoner)
    page.goto(stack.url + "/loket/")
    page.get_by_role("link", name="Inloggen met DigiD").click()
    expect(page.get_by_role("heading", name="Inloggen met DigiD Machtigen")).to_be_visible()
    expect(page.get_by_text("Simulatie.")).to_be_visible()
    page.fill("#gemachtigde", GEMACHTIGDE)
    page.fill("#namens", inwoner)
    page.get_by_role("button", name="Inloggen met deze machtiging").click()

    expect(page).to_have_url(re.compile(r"/loket/overzicht$"))
    expect(page.get_by_role("status")).to_contain_text(NAMENS)
    axe(page, "overzicht gemachtigde")
    schermafdruk(page, "20-machtigen-overzicht")
    page.get_by_role("link", name="Bekijk waar deze inwoner recht op heeft en vraag aan").click()
    # Consent is the resident's: what holds, and the way on, instead of the form.
    expect(page.get_by_text("Alleen de inwoner zelf kan deze toestemming geven")).to_be_visible()
    expect(page.get_by_role("button", name="Opslaan en verder")).to_have_count(0)
    axe(page, "toestemming zonder recht")
    schermafdruk(page, "21-machtigen-toestemming")
    page.get_by_role("link", name="Verder naar de gegevens").click()
    van_gegevens_tot_aanvraag(page)
    expect(page.get_by_role("status")).to_contain_text(NAMENS)
    axe(page, "aangevraagd door gemachtigde")
    page.goto(stack.url + "/loket/intrekken")
    alleen_zelf = page.get_by_text("Alleen de inwoner zelf kan toestemming en machtigingen")
    expect(alleen_zelf).to_be_visible()
    expect(page.get_by_role("button", name="Ja, trek alles in")).to_have_count(0)
    axe(page, "intrekken zonder recht")
    for inhoud in (inwoner, GEMACHTIGDE):  # never a BSN on a page
        expect(page.locator("body")).not_to_contain_text(inhoud)
    page.get_by_role("button", name="Uitloggen").click()

    # The resident sees who acted for them.
    inloggen(page, stack, f"bsn:{inwoner}")
    page.goto(stack.url + "/loket/inzage")
    expect(page.get_by_text("namens u").first).to_be_visible()
    axe(page, "inzage met gemachtigde")
    page.goto(stack.url + "/loket/aanvragen")
    page.get_by_role("link").filter(has_text=re.compile("Kwijtschelding")).first.click()
    expect(page.get_by_text("door iemand die u machtigde")).to_be_visible()


def test_a_hulpverlener_who_may_only_look_is_told_why_not_to_apply(
    pagina: Page, stack: LokaleStack
) -> None:
    inwoner = nieuwe_inwoner(stack)
    _toestemming(stack, inwoner)
    with httpx.Client(base_url=stack.url + "/v1") as api:
        machtiging = api.post("/machtigingen", headers=burger(inwoner), json={
            "organisatie": {"kvk": "90000017"}, "rechten": ["inzien"],
            "geldigVanaf": "2026-01-01", "geldigTot": "2026-12-31",
        })  # fmt: skip
        machtiging.raise_for_status()
    page = pagina
    inloggen(page, stack, "hulpverlener:mw-1")
    page.locator(f"button[value='{machtiging.json()['id']}']").click()
    page.goto(stack.url + "/loket/toestemming")
    expect(page.get_by_text("Alleen de inwoner zelf kan deze toestemming geven")).to_be_visible()
    axe(page, "toestemming, alleen inzien")
    page.get_by_role("link", name="Verder naar de gegevens").click()
    page.get_by_role("link", name="Klopt, verder").click()
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("uw machtiging geeft u dat recht niet")).to_be_visible()
    expect(page.get_by_role("button", name="Bekijk waar ik recht op heb")).to_have_count(0)
    axe(page, "controle, alleen inzien")
