"""Events reach the gemeente: outbox -> stream -> relay -> SQS -> signed delivery, on the local
stack (moto, the real handlers, the receiver verifying every signature)."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import jsonschema_rs
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.test_beslisverslag import GEZIN
from tests.integration.test_loket import IBAN, dien_in, nieuwe_bsn
from vil.models.gebeurtenis import event_schemas
from vil_local.lokaal import LokaleStack

SCHEMAS = {type_: jsonschema_rs.validator_for(s) for type_, s in event_schemas().items()}
AMERSFOORT = "0307"


@pytest.fixture
def klok(stack: LokaleStack) -> Iterator[LokaleStack]:
    """The stack, with its clock and receiver put back afterwards for the other tests."""
    stack.verwerk()
    verschuiving = stack.klok.verschuiving
    yield stack
    stack.ontvanger.storing = None
    stack.verwerk()
    stack.klok.verschuiving = verschuiving


def aanvraag(api: httpx.Client, regeling: str = "bijdrage-sport-en-cultuur-amersfoort") -> dict[str, Any]:
    """A new resident of Amersfoort (all facts their own) applies for one regeling."""
    bsn = nieuwe_bsn()
    response = api.post(
        "/beoordelingen",
        json={"correcties": GEZIN, "peildatum": "2026-06-01"},
        headers=burger(bsn),
    )
    assert response.status_code == 201, response.text
    body = {"beoordeling": response.json()["id"], "regelingen": [regeling], "iban": IBAN}
    ingediend = dien_in(api, bsn, body, f"afleveren-{bsn}")
    assert ingediend.status_code == 201, ingediend.text
    result: dict[str, Any] = ingediend.json()["aanvragen"][0]
    return result


def ontvangen(stack: LokaleStack, aanvraag_id: str) -> list[dict[str, Any]]:
    return [o.event for o in stack.ontvanger.afgeleverd(AMERSFOORT) if o.event["subject"] == aanvraag_id]


def test_the_gemeente_receives_a_signed_event_for_each_change(api: httpx.Client, klok: LokaleStack) -> None:
    ingediend = aanvraag(api)
    assert ingediend["status"] == "in-behandeling"
    klok.verwerk()
    besluit = api.post(
        f"/aanvragen/{ingediend['id']}/besluiten",
        json={"besluit": "toekennen", "motivering": "Voldoet aan de regeling."},
        headers=gemeente(AMERSFOORT),
    )
    assert besluit.status_code == 200, besluit.text
    klok.verwerk()

    events = ontvangen(klok, ingediend["id"])
    assert [e["type"] for e in events] == ["nl.vil.aanvraag.ingediend", "nl.vil.aanvraag.toegekend"]
    for event in events:
        assert SCHEMAS[event["type"]].is_valid(event["data"]), event
        assert event["data"]["gemeentecode"] == AMERSFOORT
        assert event["data"]["url"].endswith(f"/v1/aanvragen/{ingediend['id']}")
