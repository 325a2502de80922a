"""The whole one-button flow in the loket, in chromium: as a resident (with and without
JavaScript, and with the keyboard only) and as a hulpverlener; axe-core finds no WCAG 2.1 A/AA
violation in any state of any page (issue 14)."""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe, schermafdruk
from tests.integration.conftest import burger
from vil_local.lokaal import LokaleStack

IBAN = "NL91ABNA0417164300"
KWIJTSCHELDING = "Kwijtschelding gemeentelijke belastingen"
ANTWOORDEN = {  # the README's walkthrough, as a resident answers the questions
    "#v-woning-huurwoning-ja": None,
    "#v-woning-zelfstandig-ja": None,
    "#v-aanvrager-student-nee": None,
    "#v-aanvrager-studentAfgelopenDrieJaar-nee": None,
    "#v-aanvrager-geenUitzichtOpInkomensverbetering-ja": None,
    "#v-woning-kaleHuur": "640",
    "#v-woning-nettoWoonlasten": "380",
    "#v-gemeentelijkeBelastingen": "412,60",
}
BRONNEN = ("brp", "belastingdienst", "uwv", "svb")


def nieuwe_inwoner(stack: LokaleStack) -> str:
    """A new copy of test person 999993653 (single, Utrecht, low income): a new resident."""
    return stack.overheid.kopie("999993653")


def inloggen(page: Page, stack: LokaleStack, keuze: str, controleer: bool = False) -> None:
    """Log in on the DigiD simulatie: a copy of a test person by its BSN, anyone else by
    their button."""
    page.goto(stack.url + "/loket/")
    page.get_by_role("link", name="Inloggen met DigiD").click()
    expect(page.get_by_role("heading", name="DigiD simulatie")).to_be_visible()
    if controleer:
        axe(page, "DigiD simulatie")
    if keuze.startswith("bsn:"):
        page.fill("#bsn", keuze.removeprefix("bsn:"))
        page.get_by_role("button", name="Inloggen met dit BSN").click()
    else:
        page.locator(f"button[value='{keuze}']").click()
    expect(page).to_have_url(re.compile(r"/loket/(overzicht|clienten)$"))


def test_the_resident_flow_with_axe_on_every_state(pagina: Page, stack: LokaleStack) -> None:
    page = pagina
    page.goto(stack.url + "/loket/")
    axe(page, "start")
    schermafdruk(page, "01-start")
    page.goto(stack.url + "/loket/toegankelijkheid")
    axe(page, "toegankelijkheidsverklaring")
    inloggen(page, stack, f"bsn:{nieuwe_inwoner(stack)}", controleer=True)
    axe(page, "overzicht")

    _toestemming_gegevens_en_vragen(page)
    _uitkomst_en_aanvragen(page)
    _mijn_loket(page, stack)


def _toestemming_gegevens_en_vragen(page: Page) -> None:
    page.get_by_role("link", name="Bekijk waar ik recht op heb en vraag aan").click()
    axe(page, "toestemming, leeg")
    page.get_by_role("button", name="Opslaan en verder").click()
    # The error summary receives focus and links to the field.
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute(
        "href", "#brp-aanvragen"
    )
    axe(page, "toestemming, met fout")
    schermafdruk(page, "02-toestemming-met-fout")
    for bron in BRONNEN:
        page.check(f"#{bron}-aanvragen")
        page.check(f"#{bron}-maandcheck")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_role("heading", name="Kloppen deze gegevens?")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Belastingdienst")).first).to_be_visible()
    axe(page, "gegevens")
    schermafdruk(page, "03-gegevens")
    page.get_by_role("link", name="Klopt, verder").click()

    page.fill("#v-woning-kaleHuur", "zeshonderd")
    page.get_by_role("button", name="Verder").click()
    expect(page.locator("#v-woning-kaleHuur-fout")).to_contain_text("bedrag in euro")
    expect(page.locator("#v-woning-kaleHuur")).to_have_attribute("aria-invalid", "true")
    axe(page, "vragen, met fout")
    for veld, waarde in ANTWOORDEN.items():
        page.check(veld) if waarde is None else page.fill(veld, waarde)
    page.get_by_role("button", name="Verder").click()

    expect(page.get_by_role("heading", name="Controleer uw antwoorden")).to_be_visible()
    axe(page, "controle")


def _uitkomst_en_aanvragen(page: Page) -> None:
    page.get_by_role("button", name="Bekijk waar ik recht op heb").click()

    expect(page.get_by_role("heading", name="Waar u recht op hebt")).to_be_visible()
    expect(page.get_by_text("Dit is een schatting.").first).to_be_visible()  # indicatief
    axe(page, "uitkomst, met indicatief")
    schermafdruk(page, "04-uitkomst")
    page.get_by_role("button", name="Vraag alles aan wat ik heb gekozen").click()
    expect(page.locator("#iban-fout")).to_contain_text("IBAN")  # the service's own check
    axe(page, "uitkomst, zonder IBAN")
    page.fill("#iban", IBAN)
    page.get_by_role("button", name="Vraag alles aan wat ik heb gekozen").click()

    expect(page.get_by_role("heading", name="Uw aanvragen zijn verstuurd")).to_be_visible()
    expect(page.get_by_role("heading", name=KWIJTSCHELDING)).to_be_visible()
    expect(page.get_by_text("Toegekend", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("Ga naar Mijn toeslagen")).first
    ).to_be_visible()
    axe(page, "na aanvragen")
    schermafdruk(page, "05-aangevraagd")
    page.get_by_role("link", name=re.compile(f"Lees de beschikking.*{KWIJTSCHELDING}")).click()
    expect(page.get_by_role("heading", name=re.compile("Beschikking van"))).to_be_visible()
    axe(page, "beschikking")
    page.emulate_media(media="print")
    expect(page.locator(".loket-kop")).to_be_hidden()  # print-friendly: no menu on paper
    page.emulate_media(media="screen")


def _mijn_loket(page: Page, stack: LokaleStack) -> None:
    for pad, kop in (
        ("/loket/aanvragen", "Mijn aanvragen"),
        ("/loket/meldingen", "Meldingen"),
        ("/loket/inzage", "Wie zag mijn gegevens"),
        ("/loket/machtigingen", "Wie mag namens mij handelen"),
        ("/loket/intrekken", "Alles intrekken"),
    ):
        page.goto(stack.url + pad)
        expect(page.get_by_role("heading", name=kop, exact=True)).to_be_visible()
        axe(page, pad)
    schermafdruk(page, "06-intrekken")
    page.get_by_role("button", name="Ja, trek alles in").click()
    expect(page.get_by_role("heading", name="Alles is ingetrokken")).to_be_visible()
    axe(page, "ingetrokken")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="U bent uitgelogd")).to_be_visible()
    axe(page, "uitgelogd")
    page.goto(stack.url + "/loket/aanvragen")  # the session is gone: log in again
    expect(page.get_by_role("heading", name="DigiD simulatie")).to_be_visible()


def test_meldingen_of_the_monthly_check(pagina: Page, klok: LokaleStack) -> None:
    bsn = nieuwe_inwoner(klok)
    with httpx.Client(base_url=klok.url + "/v1") as api:
        for bron in BRONNEN:
            api.put(f"/toestemmingen/{bron}", headers=burger(bsn),
                    json={"doelen": ["aanvragen", "maandcheck"]}).raise_for_status()  # fmt: skip
        api.post("/beoordelingen", headers=burger(bsn), json={}).raise_for_status()
    klok.overheid.set_fact(bsn, "nettoInkomen", 1450)
    klok.vooruit("31d")
    inloggen(pagina, klok, f"bsn:{bsn}")
    pagina.goto(klok.url + "/loket/meldingen")
    expect(pagina.locator(".loket-meldingen li").first).to_be_visible()
    axe(pagina, "meldingen")
    schermafdruk(pagina, "07-meldingen")


def test_the_resident_flow_without_javascript(zonder_js: Page, stack: LokaleStack) -> None:
    page = zonder_js
    inloggen(page, stack, f"bsn:{nieuwe_inwoner(stack)}")
    page.goto(stack.url + "/loket/toestemming")
    van_toestemming_tot_aanvraag(page)
    expect(page.get_by_text("Toegekend", exact=True)).to_be_visible()


def van_toestemming_tot_aanvraag(page: Page) -> None:
    """From the consent page to the applications sent, the quick way every flow but the first
    takes: consent for every source, the facts as they are, the README's answers, apply with
    the IBAN."""
    for bron in BRONNEN:
        page.check(f"#{bron}-aanvragen")
    page.get_by_role("button", name="Opslaan en verder").click()
    van_gegevens_tot_aanvraag(page)


def van_gegevens_tot_aanvraag(page: Page) -> None:
    """From the prefilled facts to the applications sent: the facts as they are, the README's
    answers, apply with the IBAN."""
    page.get_by_role("link", name="Klopt, verder").click()
    for veld, waarde in ANTWOORDEN.items():
        page.check(veld) if waarde is None else page.fill(veld, waarde)
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Bekijk waar ik recht op heb").click()
    page.fill("#iban", IBAN)
    page.get_by_role("button", name="Vraag alles aan wat ik heb gekozen").click()
    expect(page.get_by_role("heading", name="Uw aanvragen zijn verstuurd")).to_be_visible()


def _tab_naar(page: Page, selector: str, maximaal: int = 80) -> None:
    """Tab until the element has focus, as a keyboard user does."""
    doel = page.locator(selector).first
    for _ in range(maximaal):
        page.keyboard.press("Tab")
        if doel.evaluate("e => e === document.activeElement"):
            return
    pytest.fail(f"met Tab niet bereikt: {selector}")


def test_the_resident_flow_with_the_keyboard_only(pagina: Page, stack: LokaleStack) -> None:
    page = pagina
    bsn = nieuwe_inwoner(stack)
    page.goto(stack.url + "/loket/")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Ga direct naar de inhoud")).to_be_focused()
    _tab_naar(page, "a:has-text('Inloggen met DigiD')")
    page.keyboard.press("Enter")
    _tab_naar(page, "#bsn")
    page.keyboard.type(bsn)
    page.keyboard.press("Enter")
    _tab_naar(page, "a:has-text('Bekijk waar ik recht op heb')")
    page.keyboard.press("Enter")
    for bron in BRONNEN:
        _tab_naar(page, f"#{bron}-aanvragen")
        page.keyboard.press("Space")
    _tab_naar(page, "button:has-text('Opslaan en verder')")
    page.keyboard.press("Enter")
    _tab_naar(page, "a:has-text('Klopt, verder')", maximaal=200)
    page.keyboard.press("Enter")
    for veld, waarde in ANTWOORDEN.items():
        if waarde is None:  # a radio group: Tab reaches it, Space chooses the focused option
            _tab_naar(page, f"[name='{page.locator(veld).get_attribute('name')}']")
            page.keyboard.press("ArrowDown" if veld.endswith("-nee") else "Space")
            if veld.endswith("-ja"):
                expect(page.locator(veld)).to_be_checked()
        else:
            _tab_naar(page, veld)
            page.keyboard.type(waarde)
    _tab_naar(page, "button:has-text('Verder')")
    page.keyboard.press("Enter")
    _tab_naar(page, "button:has-text('Bekijk waar ik recht op heb')")
    page.keyboard.press("Enter")
    _tab_naar(page, "#iban", maximaal=200)
    page.keyboard.type(IBAN)
    page.keyboard.press("Enter")  # Enter in a text field submits its form
    expect(page.get_by_role("heading", name="Uw aanvragen zijn verstuurd")).to_be_visible()


def test_a_hulpverlener_acts_for_one_client(pagina: Page, stack: LokaleStack) -> None:
    bsn = nieuwe_inwoner(stack)
    with httpx.Client(base_url=stack.url + "/v1") as api:
        machtiging = api.post("/machtigingen", headers=burger(bsn), json={
            "organisatie": {"kvk": "90000017"},
            "rechten": ["inzien", "aanvragen", "toestemming"],
            "geldigVanaf": "2026-01-01", "geldigTot": "2026-12-31",
        })  # fmt: skip
        machtiging.raise_for_status()
    machtiging_id = machtiging.json()["id"]
    page = pagina
    inloggen(page, stack, "hulpverlener:mw-1")
    expect(page.get_by_role("heading", name="Mijn cliënten")).to_be_visible()
    axe(page, "caseload")
    schermafdruk(page, "08-clienten")
    page.locator(f"button[value='{machtiging_id}']").click()
    # Always showing for whom: by the machtiging (VIL keeps no BRP data of this client yet)
    expect(page.get_by_role("status")).to_contain_text(
        f"U handelt namens cliënt met machtiging {machtiging_id[:8]} van 01-01-2026"
    )
    axe(page, "overzicht namens")
    page.get_by_role("link", name=re.compile("Bekijk waar uw cliënt recht op heeft")).click()
    van_toestemming_tot_aanvraag(page)
    expect(page.get_by_role("status")).to_contain_text("U handelt namens")
    # Back in the caseload, the client is recognised by the BRP's birth date now kept
    page.get_by_role("link", name="Kies een andere cliënt").click()
    expect(page.get_by_role("rowheader", name="Geboren op 14-03-1971").first).to_be_visible()
    axe(page, "caseload met geboortedatum")
    page.locator(f"button[value='{machtiging_id}']").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"U handelt namens inwoner geboren op 14-03-1971 (machtiging {machtiging_id[:8]})"
    )
    # Outside the machtiging's rights: meldingen were not granted.
    page.goto(stack.url + "/loket/meldingen")
    expect(page.get_by_role("heading", name="Geen recht")).to_be_visible()
    axe(page, "geen recht")


def test_a_resident_gives_a_machtiging_with_axe_on_every_state(
    pagina: Page, stack: LokaleStack
) -> None:
    page = pagina
    inloggen(page, stack, f"bsn:{nieuwe_inwoner(stack)}")
    page.goto(stack.url + "/loket/machtigingen")
    expect(page.get_by_text("Niemand mag namens u handelen.")).to_be_visible()
    axe(page, "machtigingen, leeg")
    page.get_by_role("link", name="Iemand machtigen").click()
    expect(page.get_by_role("heading", name="Iemand machtigen")).to_be_visible()
    expect(page.locator("#vanaf")).to_have_value("15-06-2026")
    axe(page, "machtiging geven, leeg")
    schermafdruk(page, "09-machtiging-geven")

    page.get_by_role("button", name="Verder").click()
    # The error summary receives focus and links to each field; the error at the field
    expect(page.get_by_role("alert")).to_be_focused()
    links = page.get_by_role("alert").get_by_role("link")
    expect(links).to_have_count(3)
    expect(links.first).to_have_attribute("href", "#nummer")
    expect(page.locator("#nummer")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rechten-fout")).to_contain_text("ten minste één")
    axe(page, "machtiging geven, met fouten")
    schermafdruk(page, "10-machtiging-met-fouten")

    page.fill("#nummer", "90000017")
    page.check("#recht-inzien")
    page.check("#recht-aanvragen")
    page.fill("#tot", "31-12-2026")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Controleer de machtiging")).to_be_visible()
    expect(page.get_by_text("De organisatie met KvK-nummer 90000017")).to_be_visible()
    axe(page, "machtiging, controle")
    schermafdruk(page, "11-machtiging-controle")

    page.get_by_role("button", name="Machtiging geven").click()
    expect(page.get_by_role("status")).to_contain_text("U hebt de machtiging gegeven.")
    axe(page, "machtiging gegeven")
    schermafdruk(page, "12-machtiging-gegeven")
    page.get_by_role("button", name=re.compile("^Intrekken")).click()
    expect(page.get_by_text("Niemand mag namens u handelen.")).to_be_visible()

    for _ in range(26):  # more reads than one page of "who read my data" holds
        page.goto(stack.url + "/loket/inzage")
    page.get_by_role("link", name=re.compile("^Volgende")).click()
    expect(page.get_by_role("link", name="Naar de nieuwste")).to_be_visible()
    axe(page, "inzage, tweede pagina")


def test_giving_a_machtiging_without_javascript(zonder_js: Page, stack: LokaleStack) -> None:
    page = zonder_js
    inloggen(page, stack, f"bsn:{nieuwe_inwoner(stack)}")
    page.goto(stack.url + "/loket/machtigingen/nieuw")
    page.check("#soort-oin")
    page.fill("#nummer", "00000001234567890000")
    page.fill("#medewerker", "mw-7")
    page.check("#recht-meldingen-ontvangen")
    page.fill("#tot", "31-12-2026")
    page.get_by_role("button", name="Verder").click()
    expect(
        page.get_by_text("De organisatie met OIN 00000001234567890000, alleen medewerker mw-7")
    ).to_be_visible()
    page.get_by_role("button", name="Machtiging geven").click()
    expect(page.get_by_text("U hebt de machtiging gegeven.")).to_be_visible()
