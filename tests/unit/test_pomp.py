"""The local stack's Scheduler: a monthly schedule fires once for every due moment passed."""

from datetime import UTC, datetime

import pytest

from vil_local.pomp import AMSTERDAM, _matches, _momenten

CRON = "cron(0 4 10 * ? *)"  # the planner's shape: 04:00 on the 10th, Europe/Amsterdam


def test_each_due_date_passed_fires_once() -> None:
    vanaf = datetime(2026, 1, 15, tzinfo=UTC)
    tot = datetime(2026, 4, 10, 1, 0, tzinfo=UTC)  # 03:00 in Amsterdam: before the moment
    assert _momenten(CRON, vanaf, tot) == [
        datetime(2026, 2, 10, 4, 0, tzinfo=AMSTERDAM),
        datetime(2026, 3, 10, 4, 0, tzinfo=AMSTERDAM),
    ]


def test_a_moment_fires_in_the_step_that_reaches_it_and_not_again() -> None:
    moment = datetime(2026, 7, 10, 4, 0, tzinfo=AMSTERDAM)  # summer time: 02:00 UTC
    assert _momenten(CRON, datetime(2026, 7, 10, 1, 59, tzinfo=UTC), moment) == [moment]
    assert _momenten(CRON, moment, datetime(2026, 8, 1, tzinfo=UTC)) == []


def test_across_a_year_end() -> None:
    vanaf, tot = datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 31, tzinfo=UTC)
    assert [m.month for m in _momenten(CRON, vanaf, tot)] == [12, 1]


def test_a_due_day_on_the_28th_fires_every_month_february_too() -> None:
    cron = "cron(0 4 28 * ? *)"  # 28 is the last due day the planner gives: every month has it
    for jaar in (2027, 2028):  # 2028 is a leap year: still the 28th, never the 29th
        momenten = _momenten(
            cron, datetime(jaar, 1, 1, tzinfo=UTC), datetime(jaar + 1, 1, 1, tzinfo=UTC)
        )
        assert len(momenten) == 12
        assert datetime(jaar, 2, 28, 4, 0, tzinfo=AMSTERDAM) in momenten


@pytest.mark.parametrize(
    ("dag", "maand", "utc"),
    [(29, 3, 2), (25, 10, 3)],  # 2026: summer time starts on 29 March, ends on 25 October
    ids=["summer-time-starts", "summer-time-ends"],
)
def test_on_the_day_the_clocks_change_it_fires_once_at_four_dutch_time(
    dag: int, maand: int, utc: int
) -> None:
    cron = f"cron(0 4 {dag} * ? *)"
    rond = (datetime(2026, maand, dag - 1, tzinfo=UTC), datetime(2026, maand, dag + 1, tzinfo=UTC))
    (moment,) = _momenten(cron, *rond)
    assert moment == datetime(2026, maand, dag, utc, 0, tzinfo=UTC)


def test_other_expressions_are_not_understood() -> None:
    with pytest.raises(ValueError, match="maandelijkse"):
        _momenten(
            "rate(1 hour)", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
        )


def test_event_filters_match_as_lambda_does_for_lists_of_values() -> None:
    pattern = {"eventName": ["INSERT"], "dynamodb": {"Keys": {"SK": {"S": ["GEBEURTENIS"]}}}}
    record = {
        "eventName": "INSERT",
        "dynamodb": {"Keys": {"PK": {"S": "x"}, "SK": {"S": "GEBEURTENIS"}}},
    }
    assert _matches(pattern, record)
    assert not _matches(pattern, {**record, "eventName": "MODIFY"})
    assert not _matches(pattern, {**record, "dynamodb": {"Keys": {"SK": {"S": "AANVRAAG"}}}})
