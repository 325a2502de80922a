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
