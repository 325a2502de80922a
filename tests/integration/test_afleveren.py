"""Events reach the gemeente: outbox -> stream -> relay -> SQS -> signed delivery, on the local
stack (moto, the real handlers, the receiver verifying every signature)."""

import json
import re
from datetime import timedelta
from typing import Any

import boto3
import httpx
import jsonschema_rs
import pytest
from boto3.dynamodb.conditions import Attr

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import AMERSFOORT, IBAN, aanvraag, dien_in, ontvangen
from vil.models.gebeurtenis import event_schemas
from vil_local.lokaal import LokaleStack

SCHEMAS = {type_: jsonschema_rs.validator_for(s) for type_, s in event_schemas().items()}


def test_the_gemeente_receives_a_signed_event_for_each_change(
    api: httpx.Client, klok: LokaleStack
) -> None:
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


def test_a_refused_change_sends_no_event_and_later_changes_still_do(
    api: httpx.Client, klok: LokaleStack
) -> None:
    """A 409 cancels its transaction: neither the second application of a period nor the
    withdrawal of a decided aanvraag may reach the gemeente, and the stream goes on after."""
    ingediend = aanvraag(api)
    klok.verwerk()
    al_ontvangen = len(klok.ontvanger.afgeleverd(AMERSFOORT))
    nogmaals = dien_in(
        api,
        ingediend["bsn"],
        {"beoordeling": ingediend["beoordeling"], "regelingen": [ingediend["regeling"]],
         "iban": IBAN},
        f"nogmaals-{ingediend['bsn']}",
    )  # fmt: skip
    assert nogmaals.status_code == 409, nogmaals.text
    besluit = api.post(
        f"/aanvragen/{ingediend['id']}/besluiten",
        json={"besluit": "toekennen", "motivering": "Voldoet aan de regeling."},
        headers=gemeente(AMERSFOORT),
    )
    assert besluit.status_code == 200, besluit.text
    intrekking = api.post(
        f"/aanvragen/{ingediend['id']}/intrekking", headers=burger(ingediend["bsn"])
    )
    assert intrekking.status_code == 409, intrekking.text
    later = aanvraag(api)
    klok.verwerk()

    nieuw = [o.event for o in klok.ontvanger.afgeleverd(AMERSFOORT)[al_ontvangen:]]
    assert [(e["subject"], e["type"]) for e in nieuw] == [
        (ingediend["id"], "nl.vil.aanvraag.toegekend"),
        (later["id"], "nl.vil.aanvraag.ingediend"),
    ]


def abonnement_van(api: httpx.Client, stack: LokaleStack) -> dict[str, Any]:
    """The subscription the local stack made for its receiver."""
    response = api.get("/abonnementen", headers=gemeente(AMERSFOORT))
    assert response.status_code == 200, response.text
    url = stack.ontvanger.url(AMERSFOORT)
    (eigen,) = [a for a in response.json()["abonnementen"] if a["callbackUrl"] == url]
    return eigen


def aflevering(api: httpx.Client, abonnement: str, gebeurtenis_van: str) -> dict[str, Any]:
    response = api.get(f"/abonnementen/{abonnement}/afleveringen", headers=gemeente(AMERSFOORT))
    assert response.status_code == 200, response.text
    (gevonden,) = [
        a for a in response.json()["afleveringen"] if a["gebeurtenis"] == gebeurtenis_van
    ]
    return gevonden


@pytest.mark.parametrize("storing", [500, 503])
def test_a_receiver_down_for_hours_gets_every_event_once_it_recovers(
    api: httpx.Client, klok: LokaleStack, storing: int
) -> None:
    klok.ontvanger.storing = storing
    aanvragen = [aanvraag(api), aanvraag(api, "kwijtschelding-gemeentelijke-belastingen")]
    klok.verwerk()
    klok.vooruit("6h")  # the attempts after 5 s, 5 min, 30 min and 2 h fail too
    assert all(not ontvangen(klok, a["id"]) for a in aanvragen)

    klok.ontvanger.storing = None
    klok.vooruit("12h")

    ids = {o.webhook_id for o in klok.ontvanger.ontvangen if o.event.get("subject") in
           {a["id"] for a in aanvragen}}  # fmt: skip
    for a in aanvragen:
        (event,) = ontvangen(klok, a["id"])  # exactly once accepted
        pogingen = [o for o in klok.ontvanger.ontvangen if o.webhook_id == event["id"]]
        assert [o.status for o in pogingen] == [storing] * 5 + [204]  # one id on every attempt
        log = aflevering(api, abonnement_van(api, klok)["id"], event["id"])
        assert log["status"] == "afgeleverd"
        assert [p["statuscode"] for p in log["pogingen"]] == [storing] * 5 + [204]
    assert len(ids) == len(aanvragen)


def test_a_duplicated_message_delivers_once(api: httpx.Client, klok: LokaleStack) -> None:
    ingediend = aanvraag(api)
    # The relay hands the same stream record over twice (Lambda retries a batch).
    klok.pomp.stromen()
    klok.pomp.iteratoren.clear()  # read the stream again from its start: every record twice
    klok.verwerk()
    assert len(ontvangen(klok, ingediend["id"])) == 1
    assert (
        len([o for o in klok.ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]]) == 1
    )


def test_a_crash_between_the_change_and_the_delivery_loses_nothing(
    api: httpx.Client, klok: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vil.adapters import wachtrij

    origineel = wachtrij.Wachtrij.stuur
    crashes = []

    def crash_once(self: wachtrij.Wachtrij, berichten: list[str]) -> None:
        if not crashes:
            crashes.append(berichten)
            raise RuntimeError("de relay valt om na het lezen van de outbox")
        origineel(self, berichten)

    monkeypatch.setattr(wachtrij.Wachtrij, "stuur", crash_once)
    ingediend = aanvraag(api)
    klok.verwerk()
    assert crashes  # the relay did crash on this event's record
    assert len(ontvangen(klok, ingediend["id"])) == 1


def test_after_three_days_of_failures_the_subscription_is_flagged_and_redelivery_works(
    api: httpx.Client, klok: LokaleStack
) -> None:
    from vil.services.afleveren import POGINGEN, WACHTTIJDEN

    klok.ontvanger.storing = 500
    ingediend = aanvraag(api)
    klok.verwerk()
    klok.vooruit("4d")
    abonnement = abonnement_van(api, klok)
    assert abonnement["storing"] is True
    (event_id,) = {
        o.webhook_id for o in klok.ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]
    }
    # The last attempt's message went to the dead-letter queue (an alarm watches it).
    sqs = boto3.client("sqs")
    dlq = sqs.get_queue_url(QueueName="WebhookDlq")["QueueUrl"]
    in_dlq = set()
    while berichten := sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages"):
        in_dlq |= {json.loads(b["Body"])["gebeurtenis"] for b in berichten}
    assert event_id in in_dlq
    log = aflevering(api, abonnement["id"], event_id)
    assert log["status"] == "mislukt"
    assert len(log["pogingen"]) == POGINGEN == len(WACHTTIJDEN) + 1
    assert sum(WACHTTIJDEN, timedelta()) > timedelta(days=2, hours=12)

    # The receiver is back; the gemeente asks for what it missed.
    klok.ontvanger.storing = None
    herlevering = api.post(
        f"/abonnementen/{abonnement['id']}/herleveringen", headers=gemeente(AMERSFOORT)
    )
    assert herlevering.status_code == 202, herlevering.text
    assert herlevering.json()["herleverd"] >= 1
    klok.verwerk()
    (event,) = ontvangen(klok, ingediend["id"])
    assert event["id"] == event_id  # the same webhook-id as every failed attempt
    assert abonnement_van(api, klok)["storing"] is False


def test_outbox_records_the_relay_keeps_failing_on_go_to_its_dead_letter_queue(
    api: httpx.Client, klok: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vil.adapters import wachtrij

    def kapot(self: wachtrij.Wachtrij, berichten: list[str]) -> None:
        raise RuntimeError("SQS is onbereikbaar")

    monkeypatch.setattr(wachtrij.Wachtrij, "stuur", kapot)
    ingediend = aanvraag(api)
    klok.verwerk()
    monkeypatch.undo()

    sqs = boto3.client("sqs")
    dlq = sqs.get_queue_url(QueueName="GebeurtenissenDlq")["QueueUrl"]
    (bericht,) = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(bericht["Body"])["sequenceNumbers"]  # where to find it, not what it says
    assert ingediend["id"] not in bericht["Body"]
    assert not ontvangen(klok, ingediend["id"])


def test_every_event_in_the_outbox_is_a_valid_cloudevent_without_personal_data(
    api: httpx.Client, klok: LokaleStack
) -> None:
    """Each status's event, made here, and every other event the session wrote: the envelope of
    the NL GOV profile, `data` valid against the schema of its type in docs/events/."""
    ingetrokken, afgewezen, toegekend = aanvraag(api), aanvraag(api), aanvraag(api)
    intrekking = f"/aanvragen/{ingetrokken['id']}/intrekking"
    gedaan = [api.post(intrekking, headers=burger(ingetrokken["bsn"]))] + [
        api.post(f"/aanvragen/{a['id']}/besluiten", headers=gemeente(AMERSFOORT),
                 json={"besluit": besluit, "motivering": "Voor de test."})
        for a, besluit in [(afgewezen, "afwijzen"), (toegekend, "toekennen")]
    ]  # fmt: skip
    assert [r.status_code for r in gedaan] == [200, 200, 200]
    assert aanvraag(api, "zorgtoeslag")["status"] == "doorgestuurd"

    tabel = boto3.resource("dynamodb").Table("Tabel")
    events: list[dict[str, Any]] = []
    scan: dict[str, Any] = {"FilterExpression": Attr("SK").eq("GEBEURTENIS")}
    while True:
        pagina = tabel.scan(**scan)
        events += [json.loads(str(item["data"])) for item in pagina["Items"]]
        if "LastEvaluatedKey" not in pagina:
            break
        scan["ExclusiveStartKey"] = pagina["LastEvaluatedKey"]
    assert {e["type"] for e in events} >= {
        "nl.vil.aanvraag.ingediend", "nl.vil.aanvraag.toegekend", "nl.vil.aanvraag.afgewezen",
        "nl.vil.aanvraag.doorgestuurd", "nl.vil.aanvraag.ingetrokken",
    }  # fmt: skip
    for event in events:
        assert event["specversion"] == "1.0"
        assert re.fullmatch(r"urn:nld:oin:\d{20}:systeem:vil", event["source"])
        # an aanvraag's event is about the aanvraag, a published version's about its regeling
        assert event["subject"] == event["data"].get("aanvraag", event["data"].get("regeling"))
        assert event["dataschema"].endswith(f"/v1/gebeurtenissen/{event['type']}/schema")
        assert SCHEMAS[event["type"]].is_valid(event["data"]), event
        assert not re.search(r"\b\d{9}\b", json.dumps(event)), event  # no BSN, no amount in cents
