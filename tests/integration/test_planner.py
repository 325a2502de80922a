"""The monthly-check schedules on moto: one per resident, named, timed and addressed as
docs/architecture.md 8 says. moto stores schedules but does not check names or fire them, so the
name rule and the due day are tested here."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from unittest import mock

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

from tests.kms import moto_sleutels
from vil.adapters import planner
from vil.adapters.planner import NAAM_REGEL, EventBridgePlanner, schema_naam, vervaldag

BSN = "999993653"  # a test BSN (passes the elfproef; never issued)
ROL = "arn:aws:iam::123456789012:role/vil-maandcheck-scheduler"
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
AWS_NAME_RULE = r"[0-9a-zA-Z\-_.]{1,64}"  # written out again: the test does not trust NAAM_REGEL


def pseudonyms(versie: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """'v' + a key version + '.' + 52 lowercase base32 characters, as KmsSleutels makes them."""
    mac = st.text(BASE32, min_size=52, max_size=52)
    return st.builds(lambda v, m: f"v{v}.{m}", versie, mac)


def pseudonym(i: int) -> str:
    """A realistic pseudonym (base32 of 32 bytes) for a number, the same in every run."""
    mac = hashlib.sha256(f"inwoner-{i}".encode()).digest()
    return "v1." + base64.b32encode(mac).decode().rstrip("=").lower()


@pytest.fixture(scope="module")
def pseudoniem() -> str:
    """The pseudonym KMS makes of the test BSN."""
    with moto_sleutels() as sleutels:
        return sleutels.pseudoniem(BSN)


@pytest.fixture
def queue_arn() -> Iterator[str]:
    """A fresh moto account with the check queue; yields the queue's ARN."""
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "eu-west-1"}), mock_aws():
        planner.scheduler.cache_clear()
        _leeg_scheduler()
        sqs = boto3.client("sqs")
        url = sqs.create_queue(QueueName="vil-maandcheck")["QueueUrl"]
        yield sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
    planner.scheduler.cache_clear()


def _leeg_scheduler() -> None:
    """No schedules left in the groups these tests use: inside the session's local stack moto
    is already running, and a nested `mock_aws()` then keeps its state (the local stack's own
    group is left alone)."""
    client = boto3.client("scheduler")
    for groep in client.list_schedule_groups()["ScheduleGroups"]:
        if groep["Name"] not in ("default", "vil-maandcheck"):
            continue
        for schedule in client.list_schedules(GroupName=groep["Name"])["Schedules"]:
            client.delete_schedule(Name=schedule["Name"], GroupName=groep["Name"])
        if groep["Name"] != "default":
            client.delete_schedule_group(Name=groep["Name"])


@pytest.fixture
def plan(queue_arn: str) -> EventBridgePlanner:
    return EventBridgePlanner(queue_arn=queue_arn, rol_arn=ROL)


def get(naam: str, groep: str = "default") -> dict[str, object]:
    return dict(boto3.client("scheduler").get_schedule(Name=naam, GroupName=groep))


def names(groep: str = "default") -> list[str]:
    schedules = boto3.client("scheduler").list_schedules(GroupName=groep)["Schedules"]
    return [schedule["Name"] for schedule in schedules]


# Creating, finding and deleting.


def test_a_new_schedule_runs_monthly_on_the_due_day_in_amsterdam_to_the_check_queue(
    plan: EventBridgePlanner, queue_arn: str, pseudoniem: str
) -> None:
    schema = plan.zet(pseudoniem)

    schedule = get(schema.naam)
    assert schema.nieuw
    assert schedule["ScheduleExpression"] == f"cron(0 4 {vervaldag(pseudoniem)} * ? *)"
    assert schedule["ScheduleExpression"] == schema.uitdrukking
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Amsterdam"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 240}
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert isinstance(target, dict)
    assert target["Arn"] == queue_arn
    assert target["RoleArn"] == ROL


def test_the_payload_is_the_pseudonym_and_a_version_and_never_the_bsn(
    plan: EventBridgePlanner, pseudoniem: str
) -> None:
    schema = plan.zet(pseudoniem)

    schedule = get(schema.naam)
    target = schedule["Target"]
    assert isinstance(target, dict)
    assert json.loads(target["Input"]) == {"pseudoniem": pseudoniem, "versie": 1}
    assert BSN not in json.dumps(schedule, default=str)


def test_the_schedule_exists_once_created(plan: EventBridgePlanner, pseudoniem: str) -> None:
    assert not plan.bestaat(pseudoniem)
    plan.zet(pseudoniem)
    assert plan.bestaat(pseudoniem)


def test_creating_twice_leaves_one_schedule_as_it_was(
    plan: EventBridgePlanner, pseudoniem: str
) -> None:
    eerste = plan.zet(pseudoniem)
    created = get(eerste.naam)["CreationDate"]

    tweede = plan.zet(pseudoniem)

    assert not tweede.nieuw
    assert names() == [eerste.naam]
    assert get(eerste.naam)["CreationDate"] == created


def test_deleting_removes_the_schedule(plan: EventBridgePlanner, pseudoniem: str) -> None:
    plan.zet(pseudoniem)
    plan.verwijder(pseudoniem)
    assert not plan.bestaat(pseudoniem)
    assert names() == []


def test_deleting_twice_or_without_a_schedule_is_no_error(
    plan: EventBridgePlanner, pseudoniem: str
) -> None:
    plan.verwijder(pseudoniem)
    plan.zet(pseudoniem)
    plan.verwijder(pseudoniem)
    plan.verwijder(pseudoniem)
    assert not plan.bestaat(pseudoniem)


def test_deleting_one_residents_schedule_leaves_anothers(
    plan: EventBridgePlanner, pseudoniem: str
) -> None:
    plan.zet(pseudoniem)
    plan.zet(pseudonym(1))
    plan.verwijder(pseudonym(1))
    assert names() == [schema_naam(pseudoniem)]


def test_schedules_go_in_the_given_group_with_a_dead_letter_queue(
    queue_arn: str, pseudoniem: str
) -> None:
    boto3.client("scheduler").create_schedule_group(Name="vil-maandcheck")
    dlq = queue_arn.replace("vil-maandcheck", "vil-maandcheck-dlq")
    plan = EventBridgePlanner(queue_arn=queue_arn, rol_arn=ROL, groep="vil-maandcheck", dlq_arn=dlq)

    schema = plan.zet(pseudoniem)

    assert schema.groep == "vil-maandcheck"
    assert names("default") == []
    target = get(schema.naam, "vil-maandcheck")["Target"]
    assert isinstance(target, dict)
    assert target["DeadLetterConfig"] == {"Arn": dlq}
    assert plan.bestaat(pseudoniem)
    plan.verwijder(pseudoniem)
    assert not plan.bestaat(pseudoniem)


# The name: AWS refuses what moto accepts, so the adapter checks it first.


@given(pseudonyms(st.text("0123456789", min_size=1, max_size=7)))
def test_every_name_for_a_pseudonym_fits_aws_rule(pseudoniem: str) -> None:
    naam = schema_naam(pseudoniem)
    assert re.fullmatch(AWS_NAME_RULE, naam)
    assert naam.endswith(pseudoniem)  # one name per pseudonym


@given(pseudonyms(st.text("0123456789", min_size=8, max_size=20)))
def test_a_key_version_too_long_for_the_name_is_refused(pseudoniem: str) -> None:
    with pytest.raises(ValueError, match="schedulenaam"):
        schema_naam(pseudoniem)


def test_the_pseudonym_of_a_bsn_makes_a_valid_name(pseudoniem: str) -> None:
    assert NAAM_REGEL.fullmatch(schema_naam(pseudoniem))
    assert BSN not in schema_naam(pseudoniem)


@pytest.mark.parametrize(
    "ongeldig",
    [
        "",
        "v1." + "a" * 70,  # too long
        "v1/abc",
        "v1 abc",
        "v1:abc",
        "v1#abc",
        "v1.abcé",
        "v1.abc\n",
    ],
)
@pytest.mark.parametrize("actie", ["zet", "verwijder", "bestaat"])
def test_an_invalid_name_is_refused_before_any_aws_call(
    ongeldig: str, actie: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aws() -> object:
        raise AssertionError("AWS called")

    monkeypatch.setattr(planner, "scheduler", no_aws)
    plan = EventBridgePlanner(queue_arn="arn:aws:sqs:eu-west-1:123456789012:q", rol_arn=ROL)
    with pytest.raises(ValueError, match="schedulenaam"):
        getattr(plan, actie)(ongeldig)


# The due day.


def test_the_due_day_is_a_day_every_month_has(pseudoniem: str) -> None:
    assert all(1 <= vervaldag(pseudonym(i)) <= 28 for i in range(1_000))
    assert 1 <= vervaldag(pseudoniem) <= 28


def test_the_due_day_is_the_same_in_another_process() -> None:
    ps = [pseudonym(i) for i in range(50)]
    code = (
        "import json, sys; from vil.adapters.planner import vervaldag; "
        "print(json.dumps([vervaldag(p) for p in json.load(sys.stdin)]))"
    )
    for seed in ("1", "2"):  # hash() would differ between these
        result = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(ps),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert json.loads(result.stdout) == [vervaldag(p) for p in ps]


def test_due_days_are_spread_over_the_month() -> None:
    days = Counter(vervaldag(pseudonym(i)) for i in range(10_000))
    assert set(days) == set(range(1, 29))
    assert all(200 <= count <= 600 for count in days.values()), days  # 2%-6% each
