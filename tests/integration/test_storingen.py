"""Faults through the real API on the local stack: a failing source leaves its facts out (never a
500), a write that loses a race is a 409 that wrote nothing, and a crashed submission keeps its
Idempotency-Key busy until the invocation would have ended."""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from tests.integration.conftest import burger
from tests.integration.hulp import (
    AANVULLING,
    assert_headers,
    assert_problem,
    beoordeel,
    bewaard,
    dien_in,
    inwoner,
    storing,
    toestemming,
)
from vil.adapters.dynamodb import table
from vil.models.toestemming import Bron, Doel, Toestemming
from vil.services import aanvragen, toestemmingen
from vil_local import stack as lokale_stack
from vil_local.lokaal import LokaleStack

# The facts each source supplies for a single resident (docs/sources.md).
FEITEN = {
    Bron.brp: {"huishouden.gemeentecode", "huishouden.aanvrager.geboortedatum"},
    Bron.belastingdienst: {
        "huishouden.aanvrager.toetsingsinkomen",
        "huishouden.aanvrager.vermogen",
        "huishouden.aanvrager.zorgverzekerd",
    },
    Bron.uwv: {"huishouden.nettoInkomenPerMaand", "huishouden.inkomenshistorie"},
}


def beoordeel_met_bronnen(api: httpx.Client, bsn: str) -> dict[str, Any]:
    """POST /v1/beoordelingen for a resident with consent: 201, never a 500."""
    response = api.post("/beoordelingen", json={"correcties": {}}, headers=burger(bsn))
    assert response.status_code == 201, response.text
    assert_headers(response)
    body: dict[str, Any] = response.json()
    return body


def assert_zonder(beoordeling: dict[str, Any], bron: Bron, reden: str) -> None:
    """The source's facts are missing, with the reason; every other source's are there."""
    assert beoordeling["ontbrekendeBronnen"] == {bron.value: reden}
    for andere, paden in FEITEN.items():
        aanwezig = paden & beoordeling["herkomst"].keys()
        assert aanwezig == (set() if andere is bron else paden), andere
    huishouden = beoordeling["huishouden"]
    if bron is Bron.uwv:
        assert "nettoInkomenPerMaand" not in huishouden
    if bron is Bron.belastingdienst:
        assert "toetsingsinkomen" not in huishouden["aanvrager"]
    # The rules still ran: outcomes that need the missing facts ask for them
    assert beoordeling["resultaten"]


@pytest.fixture
def bsn(api: httpx.Client, stack: LokaleStack) -> str:
    """A resident of Utrecht (as 999993653) who consented to every source."""
    nummer = inwoner(stack, "999993653")
    toestemming(api, nummer)
    return nummer


def test_a_slow_source_times_out_and_its_facts_are_missing(
    api: httpx.Client, stack: LokaleStack, bsn: str
) -> None:
    timeout = float(os.environ["BRON_TIMEOUT_SECONDEN"])
    with storing(stack, Bron.uwv):
        stack.overheid.slow(Bron.uwv, timeout + 1)
        begin = time.monotonic()
        beoordeling = beoordeel_met_bronnen(api, bsn)
        duur = time.monotonic() - begin

    assert_zonder(beoordeling, Bron.uwv, "niet op tijd")
    assert duur < 2 * timeout  # a read timeout is not retried


def test_a_source_that_is_down_is_missing(api: httpx.Client, stack: LokaleStack, bsn: str) -> None:
    with storing(stack, Bron.belastingdienst):
        stack.overheid.down(Bron.belastingdienst)
        beoordeling = beoordeel_met_bronnen(api, bsn)

    assert_zonder(beoordeling, Bron.belastingdienst, "niet bereikbaar")
    # Up again: the next beoordeling has everything
    assert beoordeel_met_bronnen(api, bsn)["ontbrekendeBronnen"] == {}


def test_a_source_that_keeps_answering_429_is_missing_until_it_recovers(
    api: httpx.Client, stack: LokaleStack, bsn: str
) -> None:
    with storing(stack, Bron.uwv):
        stack.overheid.fail(Bron.uwv, 429, times=3, retry_after=0)  # every attempt of one call
        beoordeling = beoordeel_met_bronnen(api, bsn)

        assert_zonder(beoordeling, Bron.uwv, "niet bereikbaar")
        # The source recovered (its faults are used up): the facts are back
        hersteld = beoordeel_met_bronnen(api, bsn)

    assert hersteld["ontbrekendeBronnen"] == {}
    assert FEITEN[Bron.uwv] <= hersteld["herkomst"].keys()
    assert hersteld["huishouden"]["nettoInkomenPerMaand"] == "1380.00"


def test_a_429_that_clears_within_the_retries_is_not_missing(
    api: httpx.Client, stack: LokaleStack, bsn: str
) -> None:
    with storing(stack, Bron.brp):
        stack.overheid.fail(Bron.brp, 429, times=1, retry_after=1)
        beoordeling = beoordeel_met_bronnen(api, bsn)

    assert beoordeling["ontbrekendeBronnen"] == {}
    assert beoordeling["huishouden"]["gemeentecode"] == "0344"


def test_a_retry_after_longer_than_allowed_means_not_now(
    api: httpx.Client, stack: LokaleStack, bsn: str
) -> None:
    with storing(stack, Bron.belastingdienst):
        stack.overheid.fail(Bron.belastingdienst, 503, times=1, retry_after=3600)
        begin = time.monotonic()
        beoordeling = beoordeel_met_bronnen(api, bsn)

    assert time.monotonic() - begin < 10  # it did not wait an hour
    assert_zonder(beoordeling, Bron.belastingdienst, "niet bereikbaar")


# DynamoDB conditions that fail mid-request: another request won the race.


@pytest.fixture
def tabel() -> Any:
    """The main table as the functions use it (moto runs in this process)."""
    return table(os.environ["TABEL"])


@contextmanager
def wint_de_race(
    monkeypatch: pytest.MonkeyPatch, doel: Any, methode: str, voor: Callable[..., None]
) -> Iterator[list[dict[str, Any]]]:
    """Run `voor(**kwargs)` just before the next `doel.methode(**kwargs)`: another request that
    writes in between this request's reads and its conditional write. Yields the calls seen."""
    echt = getattr(doel, methode)
    gezien: list[dict[str, Any]] = []

    def tussendoor(**kwargs: Any) -> Any:
        if not gezien:
            voor(**kwargs)
        gezien.append(kwargs)
        return echt(**kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(doel, methode, tussendoor)
        yield gezien


def test_a_consent_change_that_loses_the_race_is_409_and_writes_nothing(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, tabel: Any, bsn: str
) -> None:
    api.get("/gegevens", headers=burger(bsn))  # cache the BRP's facts
    vooraf = bewaard(api, bsn)
    assert "brp" in vooraf["gegevens"]
    ander = Toestemming(
        bron=Bron.brp,
        doelen=[Doel.aanvragen, Doel.maandcheck],
        tekstversie=toestemmingen.TEKSTVERSIE,
        gegeven_op=datetime.now(UTC),
        versie=2,
    )

    def gelijktijdig(**kwargs: Any) -> None:
        """The other request: version 2 of the BRP consent, with both purposes."""
        item = kwargs["Item"]
        assert item["SK"] == "TOESTEMMING#brp#000002"
        tabel.meta.client.put_item(
            TableName=tabel.name, Item={**item, "data": ander.model_dump_json()}
        )

    with wint_de_race(monkeypatch, tabel, "put_item", gelijktijdig) as gezien:
        response = api.delete("/toestemmingen/brp", headers=burger(bsn))

    assert len(gezien) == 1
    assert_problem(response, 409)
    na = bewaard(api, bsn)
    # Only the winner's version is in the ledger; the revoke did not delete the cached data
    brp = [t for t in na["toestemmingen"] if t["bron"] == "brp"]
    assert [(t["versie"], t["doelen"]) for t in brp] == [(2, ["aanvragen", "maandcheck"])]
    assert na["gegevens"] == vooraf["gegevens"]
    # Asked again, the revoke goes through as version 3
    opnieuw = api.delete("/toestemmingen/brp", headers=burger(bsn))
    assert opnieuw.status_code == 200, opnieuw.text
    assert opnieuw.json()["versie"] == 3
    assert "brp" not in bewaard(api, bsn)["gegevens"]


def test_a_submission_that_loses_the_period_race_is_409_and_writes_nothing(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, tabel: Any, bsn: str
) -> None:
    beoordeling = beoordeel(api, bsn, AANVULLING)
    vooraf = bewaard(api, bsn)

    def gelijktijdig(**kwargs: Any) -> None:
        """Another submission with another key took the zorgtoeslag's period first."""
        (periode,) = [
            item["Put"]["Item"]
            for item in kwargs["TransactItems"]
            if "Put" in item and item["Put"]["Item"]["SK"] == "PERIODE#zorgtoeslag"
        ]
        tabel.put_item(Item={**periode, "geblokkeerdTot": "9999-01-01"})

    body = {"beoordeling": beoordeling["id"], "regelingen": ["huurtoeslag", "zorgtoeslag"]}
    with wint_de_race(monkeypatch, tabel.meta.client, "transact_write_items", gelijktijdig):
        response = dien_in(api, bsn, body, f"race-{bsn}")

    assert assert_problem(response, 409)["regelingen"] == ["zorgtoeslag"]
    na = bewaard(api, bsn)
    assert na["aanvragen"] == vooraf["aanvragen"] == []  # no huurtoeslag either
    # The key is free again (a 409 is not stored), and the period is still taken
    again = dien_in(api, bsn, body, f"race-{bsn}")
    assert assert_problem(again, 409)["regelingen"] == ["zorgtoeslag"]
    alleen_huur = {"beoordeling": beoordeling["id"], "regelingen": ["huurtoeslag"]}
    assert dien_in(api, bsn, alleen_huur, f"race-huur-{bsn}").status_code == 201


# A crash mid-submission


def test_a_crashed_submission_keeps_its_key_busy_until_the_invocation_would_have_ended(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, bsn: str
) -> None:
    """The crash is simulated inside the one request: the service fails after Powertools saved
    the in-progress record, and the record is not cleaned up, as when Lambda kills the
    environment (timeout, out of memory). Lambda's timeout is shortened to 2 s so that the
    in-progress record expires within the test."""
    beoordeling = beoordeel(api, bsn, AANVULLING)
    body = {"beoordeling": beoordeling["id"], "regelingen": ["zorgtoeslag"]}
    sleutel = f"crash-{bsn}"

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("de omgeving stopt midden in het verzoek")

    with monkeypatch.context() as patch:
        patch.setattr(lokale_stack.Context, "TIMEOUT_MS", 2_000)
        patch.setattr(aanvragen, "_herbeoordeel", crash)
        patch.setattr(BasePersistenceLayer, "delete_record", lambda *args, **kwargs: None)
        begin = time.monotonic()
        gecrasht = dien_in(api, bsn, body, sleutel)
    assert_problem(gecrasht, 500)

    # While the crashed invocation could still be running: 409, try again later
    bezig = dien_in(api, bsn, body, sleutel)
    assert_problem(bezig, 409)
    assert bezig.headers["Retry-After"] == "1"
    assert bewaard(api, bsn)["aanvragen"] == []

    # Once it would have timed out, the same key carries the request through, once
    time.sleep(max(0.0, 2.2 - (time.monotonic() - begin)))
    gelukt = dien_in(api, bsn, body, sleutel)
    assert gelukt.status_code == 201, gelukt.text
    assert dien_in(api, bsn, body, sleutel).json() == gelukt.json()
    assert [a["regeling"] for a in bewaard(api, bsn)["aanvragen"]] == ["zorgtoeslag"]
