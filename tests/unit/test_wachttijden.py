"""The waits between webhook attempts: the schedule with jitter, Retry-After, SQS's limit."""

from datetime import timedelta

import pytest

from vil.services.afleveren import POGINGEN, SPREIDING, WACHTTIJDEN, wachttijd


def test_the_attempts_last_about_three_days() -> None:
    totaal = sum(WACHTTIJDEN, timedelta())
    assert timedelta(days=2, hours=12) < totaal < timedelta(days=3, hours=12)
    assert len(WACHTTIJDEN) + 1 == POGINGEN


@pytest.mark.parametrize("poging", range(1, POGINGEN))
def test_each_wait_is_its_nominal_length_give_or_take_the_jitter(poging: int) -> None:
    nominaal = WACHTTIJDEN[poging - 1].total_seconds()
    waits = {wachttijd(poging) for _ in range(50)}
    assert all(int(nominaal * (1 - SPREIDING)) <= w <= nominaal * (1 + SPREIDING) for w in waits)
    if nominaal >= 300:
        assert len(waits) > 1  # jitter: not every delivery retries at the same moment


def test_retry_after_makes_the_wait_longer_never_shorter() -> None:
    assert wachttijd(1, retry_after=3600) == 3600
    assert wachttijd(4, retry_after=1) >= 2 * 60 * 60 * (1 - SPREIDING)


def test_no_wait_is_longer_than_sqs_allows() -> None:
    assert wachttijd(POGINGEN - 1, retry_after=7 * 24 * 3600) == 12 * 60 * 60
