"""`make run` and `vil demo` as a person runs them: the stack in its own process (its own moto,
clock and receiver, working in the background), the demo against it over loopback."""

import re
import subprocess
from pathlib import Path

from tests.conftest import ROOT
from tests.integration.conftest import VIL


def demo(url: str) -> str:
    """`vil demo` against the stack at `url`: what it printed."""
    gedaan = subprocess.run(
        [*VIL, "demo", "--url", url], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert gedaan.returncode == 0, gedaan.stderr
    return gedaan.stdout


def test_the_demo_tells_the_whole_story(lokaal: tuple[str, Path]) -> None:
    """Started at today's real moment, as `make run` starts it: the demo puts the clock at its
    own moment, so the story is the same on any date (the date sweep of `make test` runs this
    test at the year's end too)."""
    url, uitvoer = lokaal
    verhaal = demo(url)
    # The gemeente received each application's event, signed and verified by the receiver.
    assert "nl.vil.aanvraag.ingediend voor aanvraag" in verhaal
    assert "nl.vil.aanvraag.toegekend voor aanvraag" in verhaal
    # A month later: by the kwijtschelding method (docs/bronnen-regelingen.md 7a) € 1.450 net
    # leaves enough to pay the aanslag (tests/integration/test_maandcheck.py works it out): the
    # melding that the entitlement ended, and the herziening for the gemeente.
    assert "[recht-vervallen] Volgens uw gegevens van" in verhaal
    assert "heeft u geen recht meer op Kwijtschelding gemeentelijke belastingen" in verhaal
    assert "kreeg nl.vil.aanvraag.herzien" in verhaal
    # Acting for someone: the wijkteam's hulpverlener applies for a resident who machtigde
    # them; the aanvragen say a representative made them, and her inzage names the employee.
    hoofdstuk = verhaal.split("Namens een inwoner: het wijkteam helpt.", 1)[1]
    assert "- De hulpverlener ziet haar bij zijn cliënten (rechten: aanvragen, inzien;" in hoofdstuk
    assert (
        "    Kwijtschelding gemeentelijke belastingen: toegekend (door een vertegenwoordiger)"
        in (hoofdstuk)
    )
    wijkteam = "Medewerker mw-1 van de organisatie met KvK-nummer 90000017"
    for wat in ("caseload", "vooraf-invullen", "aanvragen"):
        assert f"    {wijkteam}: {wat}" in hoofdstuk, (wat, hoofdstuk)

    # The beheermodule: indicatief before, Utrecht's two beheerders confirm the amounts, the
    # gemeente hears of it, and from the version's day the same situation is granted on the spot
    voor, na = verhaal.split("10. Beheerder anne")
    assert "Individuele inkomenstoeslag (gemeente Utrecht): ja (indicatief), € 276,00" in voor
    assert "bram bekijkt eerst de impact op de inwoners van de gemeente (klaar;" in na
    assert "keurt goed (vier ogen): goedgekeurd, in werking vanaf 1 augustus 2026" in na
    assert "kreeg nl.vil.regeling.gewijzigd voor individuele-inkomenstoeslag-utrecht" in na
    assert "Individuele inkomenstoeslag (gemeente Utrecht): ja, € 276,00" in na
    assert "De inwoner vraagt aan: toegekend" in na
    ontvanger = [r for r in uitvoer.read_text().splitlines() if r.startswith("[gemeente 0344]")]
    assert any("nl.vil.aanvraag.herzien" in r for r in ontvanger)
    assert any("nl.vil.regeling.gewijzigd regeling" in r for r in ontvanger)
    assert ontvanger
    assert all("handtekening klopt" in r for r in ontvanger)


def test_the_demo_tells_the_same_story_twice_against_one_stack(lokaal: tuple[str, Path]) -> None:
    url, _ = lokaal
    eerste, tweede = demo(url), demo(url)

    # A new copy of the test person each time: no 409 for the year's application, the same
    # outcomes and amounts. Only the BSN, the ids and the day of the monthly check differ (each
    # resident has a due day of their own).
    def verhaal(tekst: str) -> list[str]:
        return [
            re.sub(r"(maandcheck|gegevens) van \d+ \w+ 2026", r"\1 van … 2026", regel)
            for regel in tekst.splitlines()
            if "aanvraag " not in regel and "Inwoner " not in regel
        ]

    assert "geen recht meer op Kwijtschelding gemeentelijke belastingen" in tweede
    assert verhaal(eerste) == verhaal(tweede)
