"""The beheer pages in chromium: Utrecht's beheerder anne proposes new IIT amounts and submits
them, bram rejects without a reason (an error), runs the impact report and approves on its
ground; axe-core finds no WCAG 2.1 A/AA violation in any state (empty, with errors, pending
approval, the impact report, approved), and the cycle works with JavaScript off. The amounts are
test values, as in tests/integration/test_beheer.py; an approval publishes the version, so each
test plays on the publication day and rolls it back (tests/integration/hulp.py)."""

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe, schermafdruk
from tests.integration.hulp import draai_terug, publicatiedag
from tests.integration.test_beheer_web import FORMULIER, IIT, vervangende_gevallen
from vil_local.lokaal import LokaleStack


def inloggen(page: Page, stack: LokaleStack, beheerder: str) -> None:
    page.context.clear_cookies()
    page.goto(stack.url + "/beheer/")
    page.get_by_role("link", name="Inloggen als beheerder").click()
    expect(page.get_by_role("heading", name="DigiD simulatie")).to_be_visible()
    page.locator(f"button[value='beheerder:{beheerder}']").click()
    expect(page).to_have_url(re.compile(r"/beheer/regelingen$"))


def vul_in(page: Page) -> None:
    """The proposal form as anne fills it in: € 290 and the two cases that pay it in 2026."""
    for veld, waarde in {**FORMULIER, **vervangende_gevallen("290")}.items():
        if veld == "status":
            page.check(f"#status-{waarde}")
        else:
            page.fill(f"#{veld}", waarde)


def keur_goed_met_impact(page: Page) -> int:
    """From the version page: run the impact report, read it, approve on its ground; the
    version's number."""
    page.get_by_role("link", name="Gevolgen voor inwoners en kosten (impact)").click()
    page.get_by_role("button", name="Bereken de impact").click()
    expect(page.get_by_text("Controlegetal (hash)")).to_be_visible()
    page.get_by_role("link", name="Naar uw besluit, op grond van dit rapport").click()
    page.check("#besluit-goedkeuren")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_text("Status: Actief")).to_be_visible()
    return int(re.findall(r"/versies/(\d+)", page.url)[0])


def anne_stelt_voor(page: Page, stack: LokaleStack) -> str:
    """Anne's proposal, with axe on each state, up to her own approval refused: the version's
    URL."""
    page.goto(stack.url + "/beheer/")
    axe(page, "beheer: start")
    inloggen(page, stack, "anne")
    axe(page, "beheer: regelingen")
    page.get_by_role("link", name="Individuele inkomenstoeslag (gemeente Utrecht)").click()
    expect(page.get_by_role("heading", name="Waarden van het Rijk")).to_be_visible()
    axe(page, "beheer: regeling")
    schermafdruk(page, "beheer-01-regeling")

    page.get_by_role("link", name="Nieuwe waarden voorstellen").click()
    axe(page, "beheer: voorstel, leeg")
    page.get_by_role("button", name="Verder naar controleren").click()
    # The error summary receives focus and links to each field
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert").get_by_role("link").first).to_have_attribute(
        "href", "#ingangsdatum"
    )
    axe(page, "beheer: voorstel, met fouten")
    schermafdruk(page, "beheer-02-voorstel-met-fouten")
    vul_in(page)
    page.get_by_role("button", name="Verder naar controleren").click()
    expect(page.get_by_role("heading", name="Controleer uw voorstel")).to_be_visible()
    axe(page, "beheer: controleren")
    page.get_by_role("button", name="Voorstel opslaan als concept").click()
    expect(page.get_by_text("Status: Concept")).to_be_visible()
    axe(page, "beheer: versie, concept")
    page.get_by_role("button", name="Indienen ter goedkeuring").click()
    expect(page.get_by_text("Status: Wacht op goedkeuring")).to_be_visible()
    axe(page, "beheer: versie, wacht op goedkeuring")
    versie = page.url

    # anne may not approve her own version: the reason, in the focused error summary
    page.check("#besluit-goedkeuren")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Vier ogen")
    axe(page, "beheer: versie, voorsteller keurt goed")
    return versie


def test_the_beheer_cycle_with_axe_on_every_state(
    pagina: Page, klok: LokaleStack, api: httpx.Client
) -> None:
    page, stack = pagina, klok
    publicatiedag(stack)
    versie = anne_stelt_voor(page, stack)

    inloggen(page, stack, "bram")
    page.goto(versie)
    page.check("#besluit-afkeuren")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute("href", "#reden")
    axe(page, "beheer: versie, afkeuren zonder reden")
    page.check("#besluit-goedkeuren")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("impactrapport")
    axe(page, "beheer: versie, goedkeuren zonder impactrapport")
    page.get_by_role("link", name="Gevolgen voor inwoners en kosten (impact)").click()
    axe(page, "beheer: impact, geen rapport")
    page.get_by_role("button", name="Bereken de impact").click()
    expect(page.get_by_text("Controlegetal (hash)")).to_be_visible()
    axe(page, "beheer: impact, rapport")
    schermafdruk(page, "beheer-03-impact")
    page.get_by_role("link", name="Naar uw besluit, op grond van dit rapport").click()
    axe(page, "beheer: versie, besluit met rapport")
    page.check("#besluit-goedkeuren")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_text("Status: Actief")).to_be_visible()
    axe(page, "beheer: versie, actief")
    schermafdruk(page, "beheer-04-actief")
    draai_terug(api, int(re.findall(r"/versies/(\d+)", page.url)[0]))


def test_the_beheer_cycle_without_javascript(
    zonder_js: Page, klok: LokaleStack, api: httpx.Client
) -> None:
    page, stack = zonder_js, klok
    publicatiedag(stack)
    inloggen(page, stack, "anne")
    page.goto(f"{stack.url}/beheer/regelingen/{IIT}/voorstel")
    vul_in(page)
    page.get_by_role("button", name="Verder naar controleren").click()
    page.get_by_role("button", name="Voorstel opslaan als concept").click()
    page.get_by_role("button", name="Indienen ter goedkeuring").click()
    expect(page.get_by_text("Status: Wacht op goedkeuring")).to_be_visible()
    versie = page.url

    inloggen(page, stack, "bram")
    page.goto(versie)
    nummer = keur_goed_met_impact(page)

    expect(page.get_by_role("cell", name="bram")).to_be_visible()
    draai_terug(api, nummer)
