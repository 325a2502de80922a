"""The loket in a real browser: Debian's chromium driven by Playwright, axe-core from npm.

`make test` installs chromium when it is missing (as root) and runs `npm ci` (axe-core);
`playwright install`, which downloads a browser of its own, is never used. The tests run
against the session's local stack (tests/conftest.py), whose clock stands on 15 June 2026.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT
from tests.integration.conftest import klok  # noqa: F401 (the stack whose clock a test moves)

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags chromium keeps calling home, on a closed network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A screenshot of each page, written by every run (not committed: build/ is ignored); the README
# shows two of them, copied to docs/loket/.
SCHERMAFDRUKKEN = ROOT / "build" / "schermafdrukken"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("chromium ontbreekt: `make test` installeert het (apt-get install chromium)")
    if not AXE.exists():
        pytest.fail("axe-core ontbreekt: `make test` doet `npm ci`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def pagina(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies), with JavaScript: axe runs in it."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def zonder_js(browser: Browser) -> Iterator[Page]:
    """A fresh browser context with JavaScript off: every page must work with forms alone."""
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe(page: Page, toestand: str) -> None:
    """axe-core on the page as it is: zero violations of WCAG 2.1 A and AA.

    The loket's CSP allows no script, so axe is evaluated through the DevTools protocol
    (Playwright's evaluate), which CSP does not govern; the page itself stays script-free.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    uitkomst: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    overtredingen = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in uitkomst["violations"]
    ]
    assert overtredingen == [], f"{toestand}: {json.dumps(overtredingen, indent=1)}"


def schermafdruk(page: Page, naam: str) -> None:
    SCHERMAFDRUKKEN.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCHERMAFDRUKKEN / f"{naam}.png"), full_page=True)
