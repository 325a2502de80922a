"""The events VIL sends gemeenten: every CloudEvents attribute, thin data, never a BSN."""

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vil.adapters.webhooks import encode
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beschikking
from vil.models.gebeurtenis import (
    EVENT_TYPES,
    AanvraagEvent,
    aanvraag_event,
    event_schemas,
)

OIN = "00000001234567890000"
API = "https://api.vil.example"
BSN = "999993653"  # planted in every field the event must leave out
BEDRAG = "4321.09"  # an amount that must never appear either
SCHEMAS = {type_: jsonschema_rs.validator_for(schema) for type_, schema in event_schemas().items()}
REQUIRED = {"id", "source", "specversion", "type", "time", "subject", "datacontenttype"}
REQUIRED |= {"dataschema", "data"}


def aanvraag(**changes: Any) -> Aanvraag:
    fields: dict[str, Any] = {
        "id": "aanvraag-1",
        "regeling": "bijzondere-bijstand-utrecht",
        "naam": "Bijzondere bijstand",
        "status": AanvraagStatus.in_behandeling,
        "beoordeling": "beoordeling-1",
        "gemeentecode": "0344",
        "ingediend_op": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        "gewijzigd_op": datetime(2026, 3, 5, 14, 0, tzinfo=UTC),
        "toelichting": "De gemeente beslist.",
    }
    return Aanvraag(**fields | changes)


def body(event: AanvraagEvent) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(encode(event)[1])
    return result


# hypothesis takes naive bounds and attaches the time zones itself.
times = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, ZoneInfo("Europe/Amsterdam")]),
)
ids = st.uuids().map(str)


@st.composite
def aanvragen(draw: st.DrawFn) -> Aanvraag:
    status = draw(st.sampled_from(AanvraagStatus))
    besloten = status in (AanvraagStatus.toegekend, AanvraagStatus.afgewezen)
    return Aanvraag(
        id=draw(ids),
        regeling=draw(st.sampled_from(["huurtoeslag", "bijzondere-bijstand-utrecht"])),
        naam=f"Regeling voor {BSN}",
        status=status,
        beoordeling=BSN,
        gemeentecode=draw(st.sampled_from(["0344", "0307", None])),
        ingediend_op=draw(times),
        gewijzigd_op=draw(times),
        bedrag_per_maand=BEDRAG,
        bedrag_per_jaar=BEDRAG,
        bedrag_eenmalig=draw(st.sampled_from([None, BEDRAG])),
        beschikking=Beschikking(
            besluit=status, tekst=f"BSN {BSN}, {BEDRAG}", datum=date(2026, 3, 5)
        )
        if besloten
        else None,
        doorsturen_naar=f"https://example.nl/?bsn={BSN}",
        toelichting=f"Voor {BSN}: € {BEDRAG} per maand.",
    )


def test_a_status_change_becomes_a_cloudevent_with_every_attribute() -> None:
    # Given an aanvraag that the gemeente grants
    # When its event is built and encoded in structured mode
    event = aanvraag_event(aanvraag(), AanvraagStatus.toegekend, oin=OIN, api_url=API)
    content_type, _ = encode(event)
    sent = body(event)
    # Then every attribute of the profile is there, with the values VIL promises
    assert content_type == "application/cloudevents+json"
    assert sent.keys() >= REQUIRED
    assert sent["specversion"] == "1.0"
    assert sent["type"] == "nl.vil.aanvraag.toegekend"
    assert sent["source"] == f"urn:nld:oin:{OIN}:systeem:vil"
    assert sent["subject"] == "aanvraag-1"
    assert sent["time"] == "2026-03-05T14:00:00Z"
    assert sent["datacontenttype"] == "application/json"
    assert sent["dataschema"] == f"{API}/v1/gebeurtenissen/nl.vil.aanvraag.toegekend/schema"
    assert sent["data"]["url"] == f"{API}/v1/aanvragen/aanvraag-1"
    assert sent["data"]["status"] == "toegekend"


@pytest.mark.parametrize(
    ("status", "type_"),
    [
        (AanvraagStatus.in_behandeling, "nl.vil.aanvraag.ingediend"),
        (AanvraagStatus.toegekend, "nl.vil.aanvraag.toegekend"),
        (AanvraagStatus.afgewezen, "nl.vil.aanvraag.afgewezen"),
        (AanvraagStatus.doorgestuurd, "nl.vil.aanvraag.doorgestuurd"),
        (AanvraagStatus.ingetrokken, "nl.vil.aanvraag.ingetrokken"),
    ],
)
def test_each_status_has_the_type_of_issue_4(status: AanvraagStatus, type_: str) -> None:
    event = aanvraag_event(aanvraag(), status, oin=OIN, api_url=API)
    assert event.type == type_
    assert SCHEMAS[type_].is_valid(body(event)["data"])


def test_a_revised_decision_is_herzien_whatever_its_status() -> None:
    event = aanvraag_event(aanvraag(), AanvraagStatus.afgewezen, oin=OIN, api_url=API, herzien=True)
    assert event.type == "nl.vil.aanvraag.herzien"
    assert event.data.status == AanvraagStatus.afgewezen
    assert SCHEMAS[event.type].is_valid(body(event)["data"])


def test_there_is_one_schema_per_event_type() -> None:
    assert set(event_schemas()) == set(EVENT_TYPES)
    # herzien, herziening-besloten, and nl.vil.regeling.gewijzigd (the beheermodule)
    assert len(EVENT_TYPES) == len(AanvraagStatus) + 3


@pytest.mark.parametrize(
    ("status", "geldig"),
    [(AanvraagStatus.toegekend, True), (AanvraagStatus.ingetrokken, True),
     (AanvraagStatus.afgewezen, False)],
)  # fmt: skip
def test_a_decision_on_a_herziening_leaves_the_grant_or_ends_it(
    status: AanvraagStatus, geldig: bool
) -> None:
    event = aanvraag_event(aanvraag(), status, oin=OIN, api_url=API, soort="herziening-besloten")
    assert event.type == "nl.vil.aanvraag.herziening-besloten"
    assert SCHEMAS[event.type].is_valid(body(event)["data"]) is geldig


def test_a_type_schema_refuses_data_with_another_status() -> None:
    event = aanvraag_event(aanvraag(), AanvraagStatus.toegekend, oin=OIN, api_url=API)
    assert not SCHEMAS["nl.vil.aanvraag.afgewezen"].is_valid(body(event)["data"])


def test_building_the_event_again_for_the_same_change_gives_the_same_id() -> None:
    # A retried stream record must not look like a new event to the gemeente.
    first = aanvraag_event(aanvraag(), AanvraagStatus.toegekend, oin=OIN, api_url=API)
    again = aanvraag_event(aanvraag(), AanvraagStatus.toegekend, oin=OIN, api_url=API)
    other = aanvraag_event(aanvraag(), AanvraagStatus.afgewezen, oin=OIN, api_url=API)
    assert first.id == again.id
    assert other.id != first.id


def test_the_event_survives_a_round_trip_through_a_queue() -> None:
    event = aanvraag_event(aanvraag(), AanvraagStatus.ingetrokken, oin=OIN, api_url=API)
    assert AanvraagEvent.model_validate_json(event.model_dump_json(by_alias=True)) == event
    assert AanvraagEvent.model_validate_json(encode(event)[1]) == event


def test_an_oin_is_twenty_digits() -> None:
    with pytest.raises(ValueError, match="OIN"):
        aanvraag_event(aanvraag(), AanvraagStatus.toegekend, oin="123", api_url=API)


@given(aanvragen(), st.sampled_from(AanvraagStatus), st.booleans())
def test_no_event_carries_a_bsn_or_an_amount(
    item: Aanvraag, status: AanvraagStatus, herzien: bool
) -> None:
    # Given any aanvraag whose free texts mention a BSN and an amount
    # When VIL builds and encodes its event
    event = aanvraag_event(item, status, oin=OIN, api_url=API, herzien=herzien)
    sent = encode(event)[1].decode()
    # Then neither appears, the time is UTC, and data matches the schema of its type
    assert BSN not in sent
    assert BEDRAG not in sent
    assert BSN not in event.model_dump_json(by_alias=True)
    data = json.loads(sent)["data"]
    assert not any("bedrag" in key.lower() for key in data)
    assert SCHEMAS[event.type].is_valid(data)
    assert json.loads(sent)["time"].endswith("Z")
