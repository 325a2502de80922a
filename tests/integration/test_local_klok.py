"""`vil local advance` and `vil local set` against a running stack: the domain clock moves and
what became due runs; a fact changes at the fake government."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.integration.conftest import burger
from tests.integration.hulp import inwoner
from vil import samenstelling
from vil.klok import AMSTERDAM
from vil_local.cli import main, parser
from vil_local.klok import duur, moment
from vil_local.lokaal import LokaleStack
from vil_local.pomp import _momenten


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


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        ("2026-06-15T09:00", datetime(2026, 6, 15, 9, 0, tzinfo=AMSTERDAM)),
        ("2026-12-31", datetime(2026, 12, 31, tzinfo=AMSTERDAM)),
        ("2027-01-01T00:30+00:00", datetime(2027, 1, 1, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_moment_is_dutch_time_unless_it_says_otherwise(tekst: str, verwacht: datetime) -> None:
    assert moment(tekst) == verwacht


def test_vil_local_starts_the_clock_at_the_moment_given() -> None:
    args = parser().parse_args(["--nu", "2027-01-01T00:30"])
    assert args.nu == datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM)
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["--nu", "morgen"])
    assert exit_.value.code == 2


def test_the_clock_can_be_put_at_a_moment_and_runs_on_from_there(klok: LokaleStack) -> None:
    oud_en_nieuw = datetime(2026, 12, 31, 23, 59, tzinfo=AMSTERDAM)
    response = httpx.post(f"{klok.url}/_local/klok", json={"nu": oud_en_nieuw.isoformat()})
    assert response.status_code == 200, response.text
    assert timedelta(0) <= klok.klok.nu() - oud_en_nieuw < timedelta(minutes=1)


@pytest.mark.parametrize("body", [{}, {"duur": "1d", "nu": "2027-01-01T00:00:00+01:00"}])
def test_the_clock_takes_a_duration_or_a_moment(stack: LokaleStack, body: dict[str, str]) -> None:
    voor = stack.klok.verschuiving
    response = httpx.post(f"{stack.url}/_local/klok", json=body)
    assert response.status_code == 400
    assert "duur" in response.json()["detail"]
    assert stack.klok.verschuiving == voor


def test_a_schedule_does_not_fire_for_the_months_a_jump_skips(
    api: httpx.Client, klok: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a resident with a monthly schedule, seen by the local Scheduler
    bsn = inwoner(klok)
    response = api.put("/toestemmingen/brp", json={"doelen": ["maandcheck"]}, headers=burger(bsn))
    assert response.status_code == 200, response.text
    klok.verwerk()
    naam = f"mc-{samenstelling.toestemmingen().sleutels.pseudoniem(bsn)}"
    gezien = klok.pomp.gezien[naam]
    verstuurd: list[str] = []
    monkeypatch.setattr(klok.pomp.sqs, "send_message", lambda **kwargs: verstuurd.append(kwargs))
    # When the clock is put half a year on
    later = klok.zet(gezien + timedelta(days=183))
    # Then the months in between held due moments, but none fired: it is as if started then
    uitdrukking = klok.pomp.bekende_schemas[naam]["ScheduleExpression"]
    assert len(_momenten(uitdrukking, gezien, later)) >= 5
    assert verstuurd == []
    assert klok.pomp.gezien[naam] >= later - timedelta(minutes=1)


def test_the_port_may_come_before_or_after_the_command(stack: LokaleStack) -> None:
    bsn, port = inwoner(stack), str(stack.server.server_port)
    assert main(["--port", port, "set", "--bsn", bsn, "vermogen=2000"]) == 0
    assert main(["set", "--bsn", bsn, "nettoInkomen=1500", "--port", port]) == 0
    persoon = stack.overheid.personen[bsn]
    assert (persoon.vermogen, persoon.netto_inkomen) == (2000, 1500)


def test_vil_local_klok_puts_the_running_stacks_clock_at_a_moment(klok: LokaleStack) -> None:
    assert main(["--port", str(klok.server.server_port), "klok", "2027-01-01T00:05"]) == 0
    nieuwjaar = datetime(2027, 1, 1, 0, 5, tzinfo=AMSTERDAM)
    assert timedelta(0) <= klok.klok.nu() - nieuwjaar < timedelta(minutes=1)


def test_vil_local_kopie_prints_a_new_bsn_for_a_copy_of_a_test_person(
    stack: LokaleStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kopie", "999993653", "--port", str(stack.server.server_port)]) == 0
    bsn = capsys.readouterr().out.strip()
    assert bsn != "999993653"
    assert stack.overheid.personen[bsn] == stack.overheid.personen["999993653"]


def test_a_family_member_cannot_be_copied(stack: LokaleStack) -> None:
    with pytest.raises(SystemExit, match="partner of kinderen"):
        main(["kopie", "999996708", "--port", str(stack.server.server_port)])
