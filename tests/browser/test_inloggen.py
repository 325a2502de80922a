"""The loket's second login, eHerkenning, in chromium: a hulpverlener follows the start page's
link to the eHerkenning client (locally the simulation, its own page), and lands on the
caseload; axe-core finds no WCAG 2.1 A/AA violation on the way (docs/loket.md)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe
from vil_local.lokaal import LokaleStack


def test_a_hulpverlener_logs_in_with_eherkenning(pagina: Page, stack: LokaleStack) -> None:
    page = pagina
    page.goto(stack.url + "/loket/")
    page.get_by_role("link", name="Log in met eHerkenning").click()
    expect(page.get_by_role("heading", name="eHerkenning in de DigiD simulatie")).to_be_visible()
    expect(page.get_by_text("Dit is niet DigiD en niet eHerkenning")).to_be_visible()
    expect(page.locator("button[value^='bsn:']")).to_have_count(0)  # organisations only
    axe(page, "eHerkenning simulatie")
    page.locator("button[value='hulpverlener:mw-1']").click()
    expect(page).to_have_url(re.compile(r"/loket/clienten$"))
    expect(page.get_by_role("heading", name="Mijn cliënten")).to_be_visible()
