"""The beheerder's web pages (/beheer/) on the local stack, as a browser without JavaScript uses
them: log in through the simulation, propose, check, submit, and a second beheerder approves or
rejects; the service's errors at the form's fields; scope per gemeente. Forms and links only,
HTML parsed, the session cookie kept by hand (it is Secure: httpx would not send it over the
stack's http). The amounts are test values, as in test_beheer.py; the browser tests with axe are
tests/browser's (docs/loket.md)."""

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest

from tests.integration.hulp import (
    GEVALLEN_2026,
    IIT_UTRECHT,
    KWIJTSCHELDING,
    Browser,
    draai_terug,
    fouten_in_samenvatting,
    publicatiedag,
    tekst,
)
from tests.integration.iam import Rollen
from tests.integration.test_iam import queue_arns
from vil import samenstelling
from vil.loket.beheer import vervangbaar
from vil_local.lokaal import LokaleStack

IIT = IIT_UTRECHT


@pytest.fixture
def browser(stack: LokaleStack) -> Iterator[Browser]:
    b = Browser(stack)
    yield b
    b.client.close()


def vervangende_gevallen(bedrag: str) -> dict[str, str]:
    """The form's new amounts for the rule file's two cases that pay one in 2026."""
    regeling = (
        samenstelling.beheer().catalogus.regel(IIT, samenstelling.beheer().vandaag()).regeling
    )
    return {f"verwacht-{i}": bedrag for i, geval, _ in vervangbaar(regeling)
            if geval.naam in GEVALLEN_2026}  # fmt: skip


FORMULIER = {
    "ingangsdatum": "01-01-2026",
    "waarde-bedragAlleenstaande": "290",
    "bron": "Gemeenteblad 2026, 12345 (testwaarde)",
    "status": "bevestigd",
    "toelichting": "De bedragen van 2026.",
}


def stel_voor(browser: Browser, met_gevallen: bool = True) -> httpx.Response:
    """Anne's proposal through the form and the check page; the version page it ends on."""
    browser.ga("GET", f"/beheer/regelingen/{IIT}/voorstel")
    velden = {**FORMULIER, **(vervangende_gevallen("290") if met_gevallen else {})}
    controle = browser.verstuur("/voorstel", velden)
    assert controle.status_code == 200, tekst(controle.text)
    assert "Controleer uw voorstel" in controle.text
    return browser.verstuur("/voorstel/controle", {})


def keur_goed(browser: Browser, pad: str) -> httpx.Response:
    """The second beheerder runs the impact, reads the report, and approves on its ground (the
    version page carries the report's id and hash in the form)."""
    browser.ga("GET", pad + "/impact")
    rapport = browser.verstuur(pad + "/impact", {})
    assert rapport.status_code == 200, tekst(rapport.text)
    assert "Huishoudens bekeken" in rapport.text  # a small run: finished in the request
    (besluit,) = re.findall(r'href="([^"]+\?rapport=[0-9a-f]{32})">Naar uw besluit', rapport.text)
    browser.ga("GET", unescape(besluit))
    assert "VIL legt vast welk rapport u zag" in browser.pagina
    return browser.verstuur("/besluit", {"besluit": "goedkeuren"})


def versie_pad(antwoord: httpx.Response) -> str:
    pad = urlsplit(str(antwoord.url)).path
    assert re.fullmatch(rf"/beheer/regelingen/{IIT}/versies/\d+", pad), pad
    return pad


def test_the_simulation_lists_the_beheerders_marked_as_a_simulation(browser: Browser) -> None:
    browser.ga("GET", "/beheer/inloggen")

    assert "Simulatie." in browser.pagina
    assert "Dit is niet DigiD" in browser.pagina
    for keuze in ("beheerder:anne", "beheerder:bram", "beheerder:cor"):
        assert f'value="{keuze}"' in browser.pagina


def test_anne_proposes_and_submits_bram_approves(
    browser: Browser, api: httpx.Client, klok: LokaleStack
) -> None:
    publicatiedag(klok)  # approval publishes: on the day every publishing test rolls back
    regelingen = browser.log_in("anne")
    assert urlsplit(str(regelingen.url)).path == "/beheer/regelingen"
    assert "Individuele inkomenstoeslag (gemeente Utrecht)" in regelingen.text
    assert "Amersfoort" not in tekst(regelingen.text)  # another gemeente's regeling

    regeling = browser.ga("GET", f"/beheer/regelingen/{IIT}")
    inhoud = tekst(regeling.text)
    assert "Toeslag voor een alleenstaande zonder kinderen, per twaalf maanden" in inhoud
    assert "bijstandsnormAlleenstaande, Rijk, alleen lezen" in inhoud  # statutory: read-only
    assert 'name="waarde-bijstandsnormAlleenstaande"' not in browser.ga(
        "GET", f"/beheer/regelingen/{IIT}/voorstel").text  # fmt: skip

    versie = stel_voor(browser)
    pad = versie_pad(versie)
    assert "Concept" in versie.text
    ingediend = browser.verstuur("/status", {"status": "ter-goedkeuring"})
    assert "Wacht op goedkeuring" in ingediend.text

    # The proposer cannot approve: the service's reason, in the error summary
    geweigerd = browser.verstuur("/besluit", {"besluit": "goedkeuren"})
    assert geweigerd.status_code == 403
    assert fouten_in_samenvatting(geweigerd.text) == ["besluit"]
    assert "Vier ogen: een andere beheerder dan de voorsteller keurt goed." in geweigerd.text

    browser.log_in("bram")
    browser.ga("GET", pad)
    zonder = browser.verstuur("/besluit", {"besluit": "goedkeuren"})  # no report seen yet
    assert zonder.status_code == 400
    assert "Goedkeuren vraagt het impactrapport dat u zag." in zonder.text
    goedgekeurd = keur_goed(browser, pad)
    assert goedgekeurd.status_code == 200
    inhoud = tekst(goedgekeurd.text)
    assert "Status: Actief" in inhoud  # its ingangsdatum is past: in force from today
    assert "Goedgekeurd door bram" in inhoud
    geschiedenis = inhoud.split("Geschiedenis", 1)[1]
    assert re.search(r"Voorgesteld anne .*Ingediend ter goedkeuring anne .*Goedgekeurd bram",
                     geschiedenis)  # fmt: skip
    draai_terug(api, int(pad.rsplit("/", 1)[1]))


def test_rejecting_needs_a_reason_at_the_field(browser: Browser) -> None:
    browser.log_in("anne")
    pad = versie_pad(stel_voor(browser))
    browser.verstuur("/status", {"status": "ter-goedkeuring"})
    browser.log_in("bram")
    browser.ga("GET", pad)

    zonder = browser.verstuur("/besluit", {"besluit": "afkeuren"})

    assert zonder.status_code == 400
    assert fouten_in_samenvatting(zonder.text) == ["reden"]
    assert 'id="reden-fout"' in zonder.text
    assert 'aria-invalid="true"' in zonder.text
    afgekeurd = browser.verstuur("/besluit", {"besluit": "afkeuren", "reden": "Bron klopt niet."})
    assert "Status: Afgekeurd" in tekst(afgekeurd.text)
    assert "Bron klopt niet." in afgekeurd.text


def test_the_proposer_withdraws(browser: Browser) -> None:
    browser.log_in("anne")
    stel_voor(browser)

    ingetrokken = browser.verstuur("/status", {"status": "ingetrokken"})

    assert "Status: Ingetrokken" in tekst(ingetrokken.text)
    assert "Er hoeft niets meer te gebeuren" in ingetrokken.text


def test_an_empty_form_lists_each_error_and_links_to_its_field(browser: Browser) -> None:
    browser.log_in("anne")
    browser.ga("GET", f"/beheer/regelingen/{IIT}/voorstel")
    assert 'aria-required="true"' in browser.pagina
    assert " required" not in browser.pagina

    leeg = browser.verstuur("/voorstel", {})

    assert leeg.status_code == 400
    assert leeg.text.count('role="alert"') == 1
    assert fouten_in_samenvatting(leeg.text) == ["ingangsdatum", "waarden", "toelichting"]
    assert "<title>Fout: " in leeg.text
    onvolledig = browser.verstuur("/voorstel", {"ingangsdatum": "01-01-2026",
                                                "waarde-bedragAlleenstaande": "290"})  # fmt: skip
    assert fouten_in_samenvatting(onvolledig.text) == ["bron", "status", "toelichting"]
    assert 'value="290"' in onvolledig.text  # what was typed stays


def test_failing_test_cases_are_shown_at_their_fields(browser: Browser) -> None:
    browser.log_in("anne")

    antwoord = stel_voor(browser, met_gevallen=False)

    assert antwoord.status_code == 400
    velden = sorted(vervangende_gevallen("x"))
    assert sorted(fouten_in_samenvatting(antwoord.text)) == velden
    for veld in velden:  # each failing case's error at its own new-amount field
        assert f'id="{veld}-fout"' in antwoord.text
    assert 'value="290"' in antwoord.text  # the form as typed, to correct


def test_another_gemeentes_beheerder_gets_404_and_a_resident_403(browser: Browser) -> None:
    browser.log_in("cor")
    assert browser.ga("GET", f"/beheer/regelingen/{IIT}").status_code == 404
    assert "Bijdrage Sport en Cultuur" in browser.ga("GET", "/beheer/regelingen").text

    browser.cookie = None
    browser.ga("GET", "/loket/inloggen")
    browser.verstuur("/_local/digid/authorize", {"keuze": "bsn:999993653"})
    geweigerd = browser.ga("GET", "/beheer/regelingen")
    assert geweigerd.status_code == 403
    assert "Alleen een beheerder van een gemeente" in geweigerd.text


def test_the_impact_page_runs_the_report_and_shows_its_figures(browser: Browser) -> None:
    browser.log_in("anne")
    pad = versie_pad(stel_voor(browser))
    impact = browser.ga("GET", f"{pad}/impact")
    assert impact.status_code == 200
    assert "Er is nog geen impactrapport van deze versie in beeld" in impact.text
    assert "<svg" not in impact.text  # no figures without a report

    rapport = browser.verstuur(f"{pad}/impact", {})

    assert rapport.status_code == 200
    assert re.search(r"/impact\?rapport=[0-9a-f]{32}$", str(rapport.url))
    inhoud = tekst(rapport.text)
    assert "Huishoudens bekeken" in inhoud
    assert re.search(r"Controlegetal \(hash\) sha256:[0-9a-f]{64}", inhoud)
    assert "<svg" in rapport.text
    assert "Naar uw besluit" not in inhoud  # a concept: nothing to decide yet


def test_without_login_the_beheer_pages_send_to_the_start(browser: Browser) -> None:
    start = browser.ga("GET", f"/beheer/regelingen/{IIT}")

    assert urlsplit(str(start.url)).path == "/beheer/"
    assert "Inloggen als beheerder" in start.text
    assert '<html lang="nl"' in start.text


def test_a_regeling_of_several_gemeenten_offers_only_the_gemeentes_choice_within_its_bounds(
    browser: Browser,
) -> None:
    browser.log_in("anne")
    browser.ga("GET", f"/beheer/regelingen/{KWIJTSCHELDING}/voorstel")
    # Only the norm for the kosten van bestaan is Utrecht's to set (gemeentekeuze)
    assert re.findall(r'name="(waarde-[^"]+)"', browser.pagina) == [
        "waarde-normpercentageKostenVanBestaan"
    ]
    velden = {**FORMULIER, "waarde-bedragAlleenstaande": "",
              "waarde-normpercentageKostenVanBestaan": "101"}  # fmt: skip
    browser.verstuur("/voorstel", velden)

    geweigerd = browser.verstuur("/voorstel/controle", {})

    assert geweigerd.status_code == 400
    assert "buiten 90..100" in geweigerd.text
    assert 'role="alert"' in geweigerd.text


def test_the_cycle_needs_only_the_loket_functions_permissions(
    browser: Browser, api: httpx.Client, klok: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each function under its own policy of template.yaml (tests/integration/test_iam.py):
    the beheer pages' sessions, versions, impact run, publication and audit are within
    LoketFunction's."""
    stack = klok
    publicatiedag(stack)
    stack.verwerk()
    Rollen(queue_arns(stack)).installeer(monkeypatch, stack.server.router)
    try:
        browser.log_in("anne")
        pad = versie_pad(stel_voor(browser))
        browser.verstuur("/status", {"status": "ter-goedkeuring"})
        browser.log_in("bram")
        goedgekeurd = keur_goed(browser, pad)
        assert "Status: Actief" in tekst(goedgekeurd.text)
        assert browser.ga("GET", f"/beheer/regelingen/{IIT}").status_code == 200
    finally:
        monkeypatch.undo()
        stack.verwerk()
    draai_terug(api, int(pad.rsplit("/", 1)[1]))
