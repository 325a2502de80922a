"""`vil local advance` and `vil local set` against a running stack: the domain clock moves and
what became due runs; a fact changes at the fake government."""

from datetime import timedelta

import pytest

from tests.integration.hulp import inwoner
from vil_local.cli import main
from vil_local.klok import duur
from vil_local.lokaal import LokaleStack


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [("90m", timedelta(minutes=90)), ("2h", timedelta(hours=2)), ("31d", timedelta(days=31))],
)
def test_a_duration_is_minutes_hours_or_days(tekst: str, verwacht: timedelta) -> None:
    assert duur(tekst) == verwacht


@pytest.mark.parametrize("tekst", ["", "0d", "2w", "-1h", "1.5h", "h", "9999999d"])
def test_other_durations_are_refused(tekst: str) -> None:
    with pytest.raises(ValueError, match="90m"):
        duur(tekst)


def test_advance_moves_the_clock_of_the_running_stack(
    klok: LokaleStack, capsys: pytest.CaptureFixture[str]
) -> None:
    voor = klok.klok.nu()
    assert main(["advance", "2h", "--port", str(klok.server.server_port)]) == 0
    verschil = klok.klok.nu() - voor
    assert timedelta(hours=2) <= verschil < timedelta(hours=2, minutes=1)
    assert "De klok van de lokale stack staat op" in capsys.readouterr().out


def test_an_invalid_duration_is_a_usage_error(stack: LokaleStack) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["advance", "2w", "--port", str(stack.server.server_port)])
    assert exit_.value.code == 2


def test_set_changes_facts_at_the_fake_government(stack: LokaleStack) -> None:
    bsn = inwoner(stack)
    port = str(stack.server.server_port)
    assert (
        main(["set", "--bsn", bsn, "nettoInkomen=1450", "zorgverzekerd=false", "--port", port]) == 0
    )
    persoon = stack.overheid.personen[bsn]
    assert persoon.netto_inkomen == 1450
    assert persoon.zorgverzekerd is False


def test_set_refuses_an_unknown_fact_and_changes_nothing(stack: LokaleStack) -> None:
    bsn = inwoner(stack)
    voor = stack.overheid.personen[bsn]
    with pytest.raises(SystemExit, match="Onbekend gegeven"):
        main(["set", "--bsn", bsn, "salaris=9000", "--port", str(stack.server.server_port)])
    assert stack.overheid.personen[bsn] == voor
