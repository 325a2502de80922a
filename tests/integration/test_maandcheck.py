"""The monthly check on the local stack: the check function called with the message a resident's
schedule sends (moto never fires schedules), the fake government changed in between, and the
resident's meldingen through the API.

Amounts asserted come from docs/bronnen-regelingen.md, worked out by hand in the test; elsewhere
the tests assert relations (changed, lower), never the program's own output.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import boto3
import httpx
import jsonschema_rs
import pytest
from aws_lambda_powertools.utilities.batch import EventType
from boto3.dynamodb.conditions import Attr

from functions.maandcheck import app
from functions.maandcheck.app import lambda_handler
from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    IBAN,
    KWIJTSCHELDING,
    assert_problem,
    beoordeel,
    bewaard,
    dien_in,
    herspeel,
    invalid_params,
    inwoner,
    resultaat,
    storing,
)
from vil import klok, samenstelling
from vil.adapters.dynamodb import Maandchecks, table
from vil.adapters.planner import payload
from vil.batch import handler
from vil.klok import AMSTERDAM
from vil.models.gebeurtenis import AanvraagEvent, event_schemas
from vil.models.toestemming import Bron, Doel
from vil.services.diensten import Maandcheckdiensten
from vil.services.toestemmingen import TEKSTVERSIE
from vil_local import aws
from vil_local.lokaal import LokaleStack
from vil_local.stack import Context

HERZIEN = "nl.vil.aanvraag.herzien"
BEIDE = ["aanvragen", "maandcheck"]


@dataclass(frozen=True)
class Inwoner:
    bsn: str
    pseudoniem: str
    aanvraag: str | None = None  # the granted kwijtschelding, if applied for


def met_toestemming(api: httpx.Client, stack: LokaleStack, zoals: str = "999993653") -> Inwoner:
    """A fresh copy of a test person who consented to every source for both purposes, with a
    stored beoordeling that includes their own declarations (AANVULLING)."""
    bsn = inwoner(stack, zoals)
    for bron in Bron:
        response = api.put(f"/toestemmingen/{bron}", json={"doelen": BEIDE}, headers=burger(bsn))
        assert response.status_code == 200, response.text
    beoordeel(api, bsn, AANVULLING)
    return Inwoner(bsn, samenstelling.maandcheck().sleutels.pseudoniem(bsn))


@pytest.fixture
def anna(api: httpx.Client, stack: LokaleStack) -> Inwoner:
    """A single resident of Utrecht (as 999993653: € 1.380 net a month) whose kwijtschelding
    of the whole € 412,60 aanslag was granted on the spot."""
    zonder = met_toestemming(api, stack)
    beoordeling = beoordeel(api, zonder.bsn, AANVULLING)
    assert resultaat(beoordeling, KWIJTSCHELDING)["bedragEenmalig"] == "412.60"
    body = {"beoordeling": beoordeling["id"], "regelingen": [KWIJTSCHELDING], "iban": IBAN}
    response = dien_in(api, zonder.bsn, body, f"maandcheck-{zonder.bsn}")
    assert response.status_code == 201, response.text
    (aanvraag,) = response.json()["aanvragen"]
    assert aanvraag["status"] == "toegekend"
    return Inwoner(zonder.bsn, zonder.pseudoniem, aanvraag["id"])


def bericht(body: str, message_id: str) -> dict[str, Any]:
    """An SQS record as Lambda's event source mapping delivers it."""
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:000000000000:MaandcheckWachtrij",
        "awsRegion": "eu-west-1",
    }


def vuur(*records: dict[str, Any], omgeving: Callable[..., Any] = lambda_handler) -> list[str]:
    """Call the check function with a batch; the ids of the messages it reports failed."""
    response = omgeving({"Records": list(records)}, Context("MaandcheckFunction"))
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def schema_vuurt(wie: Inwoner, message_id: str = "m-1") -> None:
    """The resident's schedule fires: its payload reaches the check, which succeeds."""
    assert vuur(bericht(payload(wie.pseudoniem), message_id)) == []


def meldingen(api: httpx.Client, wie: Inwoner) -> list[dict[str, Any]]:
    response = api.get("/meldingen", headers=burger(wie.bsn))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["meldingen"]
    return found


def soorten(gevonden: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
    return {(m["soort"], m["regeling"]) for m in gevonden}


def herzien_events(aanvraag: str) -> list[AanvraagEvent]:
    """The `herzien` events about an aanvraag in the outbox (the GEBEURTENIS# items)."""
    return gebeurtenissen(aanvraag, HERZIEN)


def gebeurtenissen(aanvraag: str, type_: str) -> list[AanvraagEvent]:
    """The events of `type_` about an aanvraag in the outbox (the GEBEURTENIS# items)."""
    scan: dict[str, Any] = {
        "FilterExpression": Attr("SK").eq("GEBEURTENIS") & Attr("type").eq(type_)
    }
    events: list[AanvraagEvent] = []
    while True:  # the session's table is larger than one page
        page = table(os.environ["TABEL"]).scan(**scan)
        events += [AanvraagEvent.model_validate_json(str(item["data"])) for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return [event for event in events if event.subject == aanvraag]
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def audit_records(wie: Inwoner, verwerking: str) -> list[dict[str, Any]]:
    return [
        r
        for r in samenstelling.maandcheck().audit.van(wie.pseudoniem)
        if r["verwerking"] == verwerking
    ]


@pytest.fixture
def opslag() -> Maandcheckdiensten:
    """The stores of the main table, as the monthly check has them."""
    return samenstelling.maandcheck()


# The check finds a change.


def test_an_income_rise_that_ends_the_kwijtschelding_is_reported_and_the_gemeente_reviews_it(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    # Given Anna's granted kwijtschelding, when her net income rises from € 1.380 to € 1.450
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    # and her schedule fires
    schema_vuurt(anna)

    # Then she reads what changed: the entitlement, and the facts by their rule files' names.
    # By hand (docs/bronnen-regelingen.md 7a: bijstandsnorm alleenstaande 2026 € 1.401,50;
    # Uitvoeringsregeling Invorderingswet 1990 art. 15 lid 1 onder b: woonlasten above the
    # normhuur of € 252,49): kosten van bestaan 90% = 1.261,35; woonlasten 380 − 252,49 = 127,51;
    # capaciteit 1.450 − 1.261,35 − 127,51 = 61,14; 80% × 12 × 61,14 = 586,94 ≥ 412,60 (vermogen
    # 1.200 is below 1.261,35 + 127,51): no kwijtschelding. A refusal is never granted by VIL, so
    # it is a firm outcome (the expenses VIL does not assess are named in its explanation).
    gevonden = meldingen(api, anna)
    assert soorten(gevonden) == {
        ("recht-vervallen", KWIJTSCHELDING),
        ("gegevens-gewijzigd", None),
    }
    vervallen = next(m for m in gevonden if m["soort"] == "recht-vervallen")["tekst"]
    assert "geen recht meer" in vervallen
    gegevens = next(m for m in gevonden if m["soort"] == "gegevens-gewijzigd")["tekst"]
    assert "het netto inkomen per maand van u en uw partner" in gegevens
    assert anna.bsn not in json.dumps(gevonden)
    assert not any(m["gelezen"] for m in gevonden)

    # And the gemeente sees a herziening on the aanvraag, which stays toegekend
    assert anna.aanvraag is not None
    response = api.get(f"/aanvragen/{anna.aanvraag}", headers=gemeente("0344"))
    aanvraag = response.json()
    assert aanvraag["status"] == "toegekend"
    assert aanvraag["bedragEenmalig"] == "412.60"  # the grant itself is the gemeente's to change
    assert aanvraag["herziening"]["recht"] is False


def test_an_income_rise_that_leaves_part_of_the_kwijtschelding_is_no_firm_change(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    # Given Anna's granted kwijtschelding, when her net income rises from € 1.380 to € 1.400:
    # capaciteit 1.400 − 1.261,35 − 127,51 = 11,14; 80% × 12 × 11,14 = 106,94; kwijtschelding
    # 412,60 − 106,94 = 305,66, part of the aanslag. Expenses VIL does not assess (the premium
    # of the zorgverzekering above the normpremie, alimentatie, ...) could raise it, so the
    # outcome is indicatief (issue 9) and the check, which acts on firm outcomes only, leaves it
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1400)
    schema_vuurt(anna)

    # Then she reads only that a fact changed, and the gemeente gets no herziening
    assert soorten(meldingen(api, anna)) == {("gegevens-gewijzigd", None)}
    assert anna.aanvraag is not None
    assert herzien_events(anna.aanvraag) == []


def test_a_herziening_writes_a_beslisverslag_that_replays_and_its_event_in_the_outbox(
    stack: LokaleStack, anna: Inwoner, opslag: Maandcheckdiensten
) -> None:
    assert anna.aanvraag is not None
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)

    schema_vuurt(anna)

    toekenning, herziening = opslag.aanvragen.beslisverslagen(anna.aanvraag)
    assert (herziening.door, herziening.uitkomst.value) == ("vil", "toegekend")
    assert "Maandcheck" in str(herziening.motivering)
    assert herziening.resultaat.bedrag_eenmalig != toekenning.resultaat.bedrag_eenmalig
    assert herspeel(herziening) == herziening.resultaat  # replays exactly (bezwaar)
    (event,) = herzien_events(anna.aanvraag)
    found = opslag.aanvragen.aanvraag(anna.aanvraag)
    assert found is not None
    assert event.time == found[1].gewijzigd_op
    assert event.data.status.value == "toegekend"
    schema = jsonschema_rs.validator_for(event_schemas()[HERZIEN])
    assert schema.is_valid(json.loads(event.model_dump_json(by_alias=True))["data"])


def test_an_income_that_ends_the_entitlement_is_recht_vervallen_with_a_herziening(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    # € 2.500 leaves far more than the aanslag over twelve months
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 2500)

    schema_vuurt(anna)

    vervallen = [m for m in meldingen(api, anna) if m["soort"] == "recht-vervallen"]
    assert [m["regeling"] for m in vervallen] == [KWIJTSCHELDING]
    assert "geen recht meer" in vervallen[0]["tekst"]
    aanvraag = api.get(f"/aanvragen/{anna.aanvraag}", headers=burger(anna.bsn)).json()
    assert aanvraag["status"] == "toegekend"
    assert aanvraag["herziening"]["recht"] is False
    assert len(herzien_events(str(anna.aanvraag))) == 1


def test_a_new_entitlement_becomes_a_nieuw_recht_melding(
    api: httpx.Client, stack: LokaleStack
) -> None:
    # Given a resident whose income was too high for zorgtoeslag at their beoordeling
    bram = met_toestemming(api, stack, zoals="999999230")
    # When the Belastingdienst lowers their toetsingsinkomen to € 17.500
    stack.overheid.set_fact(bram.bsn, "toetsingsinkomen", 17500)
    schema_vuurt(bram)
    # Then they read that they may now apply, and which fact changed
    gevonden = meldingen(api, bram)
    assert soorten(gevonden) == {("nieuw-recht", "zorgtoeslag"), ("gegevens-gewijzigd", None)}
    nieuw = next(m for m in gevonden if m["soort"] == "nieuw-recht")["tekst"]
    assert "Zorgtoeslag" in nieuw
    assert "per maand" in nieuw
    assert "aanvragen" in nieuw
    gegevens = next(m for m in gevonden if m["soort"] == "gegevens-gewijzigd")["tekst"]
    assert "uw toetsingsinkomen" in gegevens


# Across the year's end: the check happens on whatever day the schedule fires.


def hoger_inkomen_gezien_op(klok: LokaleStack, wie: Inwoner, moment: datetime) -> None:
    """The resident's net income rises from € 1.380 to € 1.450; their schedule fires at `moment`."""
    klok.zet(moment)
    klok.overheid.set_fact(wie.bsn, "nettoInkomen", 1450)
    schema_vuurt(wie)


def test_on_31_december_the_check_uses_that_years_amounts(
    api: httpx.Client, klok: LokaleStack, anna: Inwoner
) -> None:
    # Given Anna's kwijtschelding granted in June, when a higher income is seen on 31 December
    hoger_inkomen_gezien_op(klok, anna, datetime(2026, 12, 31, 4, 0, tzinfo=AMSTERDAM))
    # Then the outcome is worked out with the bijstandsnorm of 2026, as in June (by hand above:
    # no kwijtschelding at € 1.450), the gemeente reviews the grant, and nothing is an estimate
    gevonden = meldingen(api, anna)
    assert soorten(gevonden) == {("recht-vervallen", KWIJTSCHELDING), ("gegevens-gewijzigd", None)}
    assert anna.aanvraag is not None
    assert len(herzien_events(anna.aanvraag)) == 1


def test_on_2_january_without_the_new_amounts_no_amount_is_reported_changed(
    api: httpx.Client, klok: LokaleStack, anna: Inwoner
) -> None:
    # When the same change is seen on 2 January 2027, whose amounts the rule files do not hold
    hoger_inkomen_gezien_op(klok, anna, datetime(2027, 1, 2, 4, 0, tzinfo=AMSTERDAM))
    # Then every outcome is an estimate with the amounts of 2026: no amount changed, no
    # herziening, and one melding that says why
    gevonden = meldingen(api, anna)
    assert soorten(gevonden) == {("bedragen-geschat", None), ("gegevens-gewijzigd", None)}
    geschat = next(m["tekst"] for m in gevonden if m["soort"] == "bedragen-geschat")
    assert geschat.startswith("De bedragen voor 2027 van ")
    assert "Kwijtschelding gemeentelijke belastingen" in geschat
    assert "Zorgtoeslag" in geschat
    assert "met de bedragen van 2026" in geschat
    assert anna.aanvraag is not None
    assert herzien_events(anna.aanvraag) == []


def test_the_estimate_is_told_once_a_year(
    api: httpx.Client, klok: LokaleStack, anna: Inwoner
) -> None:
    klok.zet(datetime(2027, 1, 2, 4, 0, tzinfo=AMSTERDAM))
    schema_vuurt(anna, "m-januari")
    klok.zet(datetime(2027, 2, 2, 4, 0, tzinfo=AMSTERDAM))
    schema_vuurt(anna, "m-februari")

    assert [m["soort"] for m in meldingen(api, anna)] == ["bedragen-geschat"]


def test_a_month_without_changes_gives_no_melding(
    api: httpx.Client, anna: Inwoner, opslag: Maandcheckdiensten
) -> None:
    schema_vuurt(anna)

    assert meldingen(api, anna) == []
    assert anna.aanvraag is not None
    assert len(opslag.aanvragen.beslisverslagen(anna.aanvraag)) == 1
    assert herzien_events(anna.aanvraag) == []


def test_a_month_later_the_same_income_is_no_changed_fact(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The income history is the 36 months before the peildatum: a month later it has shifted
    by one month, which is no change of the income."""
    schema_vuurt(anna, "m-deze-maand")
    later = samenstelling.maandcheck().nu() + timedelta(days=31)
    monkeypatch.setattr(klok, "bron", lambda: later)
    calls = stack.overheid.calls.copy()

    schema_vuurt(anna, "m-volgende-maand")

    assert stack.overheid.calls[Bron.uwv] > calls[Bron.uwv]  # a new month: checked again
    assert "gegevens-gewijzigd" not in {m["soort"] for m in meldingen(api, anna)}


def test_every_read_of_the_check_is_audited_as_vil_maandcheck(anna: Inwoner) -> None:
    schema_vuurt(anna)

    (record,) = audit_records(anna, "maandcheck")
    assert (record["actor"], record["doel"]) == ("vil-maandcheck", "maandcheck")
    assert record["bronnen"] == sorted(b.value for b in Bron)
    assert record["traceId"] == "m-1"  # the SQS message id


# Sources that fail, consent that is gone.


def test_a_source_down_during_the_check_makes_no_entitlement_lapse(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    # Given Anna's income rose so far that her kwijtschelding would end
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 2500)
    # When the UWV, which supplies the income, is down during her check
    with storing(stack, Bron.uwv):
        stack.overheid.down(Bron.uwv)
        schema_vuurt(anna, "m-storing")
    # Then nothing lapses and nothing is revised: the outcome was unknown, not "no right"
    assert meldingen(api, anna) == []
    assert herzien_events(str(anna.aanvraag)) == []
    # And once the UWV answers again, the next check finds the change
    response = api.post("/maandchecks", headers=burger(anna.bsn))
    assert response.status_code == 200, response.text
    assert ("recht-vervallen", KWIJTSCHELDING) in soorten(response.json()["meldingen"])


def test_without_consent_the_check_deletes_its_schedule_and_reads_nothing(
    api: httpx.Client, stack: LokaleStack, opslag: Maandcheckdiensten
) -> None:
    # Given a resident whose revoke stopped after the ledger: their schedule is still there
    wie = met_toestemming(api, stack)
    planner = samenstelling.maandcheck().planner
    assert planner is not None
    assert planner.bestaat(wie.pseudoniem)
    for bron in Bron:
        opslag.toestemmingen.leg_toestemming_vast(
            wie.pseudoniem, bron, [], TEKSTVERSIE, samenstelling.maandcheck().nu()
        )
    calls = stack.overheid.calls.copy()
    # When the schedule fires
    schema_vuurt(wie)
    # Then the check deletes the schedule, asks no source and makes no melding
    assert not planner.bestaat(wie.pseudoniem)
    assert stack.overheid.calls == calls
    assert audit_records(wie, "maandcheck") == []
    assert meldingen(api, wie) == []


def test_consent_for_applications_only_is_no_consent_for_the_check(
    api: httpx.Client, stack: LokaleStack
) -> None:
    bsn = inwoner(stack)
    for bron in Bron:
        response = api.put(
            f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]}, headers=burger(bsn)
        )
        assert response.status_code == 200, response.text
    calls = stack.overheid.calls.copy()

    response = api.post("/maandchecks", headers=burger(bsn))

    assert_problem(response, 403)
    assert stack.overheid.calls == calls


# Once per resident and month.


def test_a_duplicated_message_does_the_work_once(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner, opslag: Maandcheckdiensten
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    schema_vuurt(anna, "m-eerste")
    na_eerste = (meldingen(api, anna), stack.overheid.calls.copy())

    schema_vuurt(anna, "m-duplicaat")  # SQS delivers at least once

    assert (meldingen(api, anna), stack.overheid.calls) == na_eerste
    assert len(herzien_events(str(anna.aanvraag))) == 1
    assert len(audit_records(anna, "maandcheck")) == 1


@pytest.fixture
def tijdens_ophalen(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    """Runs the callables appended to it while the next check is asking the sources: a second
    check that starts while the first is still busy."""
    bronnen = samenstelling.maandcheck().bronnen
    echt = bronnen.vooraf_invullen
    tussendoor: list[Callable[[], None]] = []

    def vooraf_invullen(*args: Any, **kwargs: Any) -> Any:
        while tussendoor:
            tussendoor.pop(0)()
        return echt(*args, **kwargs)

    monkeypatch.setattr(bronnen, "vooraf_invullen", vooraf_invullen)
    return tussendoor


def test_two_checks_racing_for_the_same_month_do_the_work_once(
    api: httpx.Client,
    stack: LokaleStack,
    anna: Inwoner,
    tijdens_ophalen: list[Callable[[], None]],
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    tweede: list[list[str]] = []

    def tweede_levering() -> None:
        """The same message, delivered again to another Lambda environment (its own handler
        and batch processor) while the first firing's check is still asking the sources."""
        ander = handler(app.controleer, EventType.SQS, raise_on_entire_batch_failure=False)
        tweede.append(vuur(bericht(payload(anna.pseudoniem), "m-tweede"), omgeving=ander))

    tijdens_ophalen.append(tweede_levering)

    schema_vuurt(anna, "m-eerste")

    # The second is handed back to the queue, for later; the first did the work
    assert tweede == [["m-tweede"]]
    gevonden = meldingen(api, anna)
    assert soorten(gevonden) == {("recht-vervallen", KWIJTSCHELDING), ("gegevens-gewijzigd", None)}
    # When SQS delivers it again, it finds the month done: nothing is fetched or written twice
    calls = stack.overheid.calls.copy()
    schema_vuurt(anna, "m-tweede")
    assert stack.overheid.calls == calls
    assert meldingen(api, anna) == gevonden
    assert len(herzien_events(str(anna.aanvraag))) == 1


@pytest.fixture
def voor_het_vastleggen(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    """Runs the callables appended to it just before the next check writes its outcome: another
    check that writes in between this one's reads and its conditional write."""
    echt = Maandchecks.leg_maandcheck_vast
    tussendoor: list[Callable[[], None]] = []

    def leg_maandcheck_vast(self: Maandchecks, *args: Any, **kwargs: Any) -> None:
        while tussendoor:
            tussendoor.pop(0)()
        echt(self, *args, **kwargs)

    monkeypatch.setattr(Maandchecks, "leg_maandcheck_vast", leg_maandcheck_vast)
    return tussendoor


def test_a_check_on_demand_that_writes_first_leaves_the_monthly_one_nothing_to_add(
    api: httpx.Client,
    stack: LokaleStack,
    anna: Inwoner,
    voor_het_vastleggen: list[Callable[[], None]],
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    op_verzoek: list[httpx.Response] = []
    # Just before the scheduled check writes, Anna's own check writes the same findings
    voor_het_vastleggen.append(
        lambda: op_verzoek.append(api.post("/maandchecks", headers=burger(anna.bsn)))
    )

    # The scheduled check finds the baseline changed under it and writes nothing
    assert vuur(bericht(payload(anna.pseudoniem), "m-1")) == ["m-1"]

    (antwoord,) = op_verzoek
    gevonden = antwoord.json()["meldingen"]
    assert soorten(gevonden) == {("recht-vervallen", KWIJTSCHELDING), ("gegevens-gewijzigd", None)}
    assert meldingen(api, anna) == gevonden
    # Redelivered, it compares with what her check left: nothing new
    schema_vuurt(anna, "m-1")
    assert meldingen(api, anna) == gevonden
    assert len(herzien_events(str(anna.aanvraag))) == 1


def test_the_local_stack_drains_the_check_queue_into_the_check_function(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    """What a firing schedule does on AWS, end to end on the local stack: the payload on the
    queue, the event source mapping of template.yaml calling the function."""
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    wachtrij = aws.queue_url(os.environ["MAANDCHECK_WACHTRIJ"])
    boto3.client("sqs", region_name=aws.REGION).send_message(
        QueueUrl=wachtrij, MessageBody=payload(anna.pseudoniem)
    )

    stack.verwerk()

    gevonden = meldingen(api, anna)
    assert soorten(gevonden) == {("recht-vervallen", KWIJTSCHELDING), ("gegevens-gewijzigd", None)}
    assert len(herzien_events(str(anna.aanvraag))) == 1


# The batch.


@pytest.mark.parametrize(
    "body",
    [
        "geen json",
        "{}",
        '{"pseudoniem": "v1.abc", "versie": 2}',  # a version this function does not know
        '{"pseudoniem": "999993653", "versie": 1}',  # not a pseudonym (a BSN)
        '{"pseudoniem": "v1.abc", "versie": 1, "bsn": "999993653"}',  # nothing else
    ],
    ids=["not JSON", "empty", "unknown version", "a BSN", "an extra field"],
)
def test_a_message_that_is_not_the_planners_payload_fails_alone(
    api: httpx.Client, anna: Inwoner, body: str
) -> None:
    failed = vuur(bericht(body, "m-fout"), bericht(payload(anna.pseudoniem), "m-goed"))

    assert failed == ["m-fout"]
    assert len(audit_records(anna, "maandcheck")) == 1  # the good message was checked


# The resident's API.


def test_the_check_on_demand_answers_what_it_found_and_nothing_twice(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    eerst = api.post("/maandchecks", headers=burger(anna.bsn))
    assert eerst.status_code == 200, eerst.text
    assert eerst.json() == {"meldingen": []}

    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    gevonden = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"]
    opnieuw = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"]

    assert soorten(gevonden) == {("recht-vervallen", KWIJTSCHELDING), ("gegevens-gewijzigd", None)}
    assert opnieuw == []
    assert meldingen(api, anna) == gevonden
    assert (audit_records(anna, "maandcheck")[0]["actor"]) == "burger"  # the resident asked
    assert bewaard(api, anna.bsn)["meldingen"] == gevonden


def test_meldingen_are_listed_newest_check_first(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1400)  # partial kwijtschelding: not firm
    eerste = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"]
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 2500)
    tweede = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"]

    lijst = meldingen(api, anna)

    assert [m["id"] for m in lijst] == [m["id"] for m in tweede + eerste]
    assert [m["soort"] for m in tweede] == ["recht-vervallen", "gegevens-gewijzigd"]


def test_a_melding_is_marked_read_and_unread(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    melding = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"][0]

    gelezen = api.patch(
        f"/meldingen/{melding['id']}", json={"gelezen": True}, headers=burger(anna.bsn)
    )

    assert gelezen.status_code == 200, gelezen.text
    assert gelezen.json() == {**melding, "gelezen": True}
    assert next(m for m in meldingen(api, anna) if m["id"] == melding["id"])["gelezen"] is True
    ongelezen = api.patch(
        f"/meldingen/{melding['id']}", json={"gelezen": False}, headers=burger(anna.bsn)
    )
    assert ongelezen.json()["gelezen"] is False


def test_another_residents_melding_is_not_found(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    melding = api.post("/maandchecks", headers=burger(anna.bsn)).json()["meldingen"][0]
    ander = met_toestemming(api, stack)

    for bsn, melding_id in ((ander.bsn, melding["id"]), (anna.bsn, "onbekend")):
        response = api.patch(
            f"/meldingen/{melding_id}", json={"gelezen": True}, headers=burger(bsn)
        )
        assert_problem(response, 404)
    assert meldingen(api, ander) == []
    assert next(m for m in meldingen(api, anna) if m["id"] == melding["id"])["gelezen"] is False


def test_an_invalid_patch_lists_every_error(api: httpx.Client, anna: Inwoner) -> None:
    response = api.patch(
        "/meldingen/iets", json={"gelezen": "ja", "extra": 1}, headers=burger(anna.bsn)
    )

    body = assert_problem(response, 400)
    assert invalid_params(body) == ["body.gelezen", "body.extra"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/meldingen", None),
        ("PATCH", "/meldingen/iets", {"gelezen": True}),
        ("POST", "/maandchecks", None),
    ],
)
def test_a_gemeente_or_anonymous_caller_gets_401(
    api: httpx.Client, method: str, path: str, body: Any
) -> None:
    for headers in ({}, gemeente("0344")):
        response = api.request(method, path, json=body, headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_consent_for_the_check_alone_is_enough_to_run_it(
    api: httpx.Client, stack: LokaleStack
) -> None:
    bsn = inwoner(stack)
    response = api.put(
        "/toestemmingen/uwv", json={"doelen": [Doel.maandcheck]}, headers=burger(bsn)
    )
    assert response.status_code == 200, response.text

    gecontroleerd = api.post("/maandchecks", headers=burger(bsn))

    assert gecontroleerd.status_code == 200, gecontroleerd.text
    # The income alone decides no regeling: nothing to report
    assert gecontroleerd.json() == {"meldingen": []}


def test_revoking_all_consent_deletes_what_it_was_for_and_keeps_what_an_aanvraag_rests_on(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 1450)
    response = api.post("/maandchecks", headers=burger(anna.bsn))
    assert response.status_code == 200, response.text
    vooraf = bewaard(api, anna.bsn)
    assert vooraf["maandcheck"] is not None
    assert vooraf["meldingen"]
    (gebruikt,) = [b for b in vooraf["beoordelingen"] if b["bewaardTot"] is None]
    (los,) = [b for b in vooraf["beoordelingen"] if b["bewaardTot"] is not None]
    # 396 days after 15 June 2026 (the session's clock): 16 July 2027
    assert los["bewaardTot"] == "2027-07-16"
    tabel = boto3.resource("dynamodb").Table(os.environ["TABEL"])
    sleutel = {"PK": f"BURGER#{anna.pseudoniem}", "SK": f"BEOORDELING#{los['id']}"}
    verloopt = tabel.get_item(Key=sleutel)["Item"]["verlooptOp"]
    assert datetime.fromtimestamp(int(verloopt), AMSTERDAM).date().isoformat() == "2027-07-16"

    for bron in Bron:
        assert api.delete(f"/toestemmingen/{bron}", headers=burger(anna.bsn)).status_code == 200

    na = bewaard(api, anna.bsn)
    assert [b["id"] for b in na["beoordelingen"]] == [gebruikt["id"]]
    assert na["gegevens"] == {}
    assert na["maandcheck"] is None
    assert na["meldingen"] == []
    assert na["bsnVersleuteldBewaard"] is False
    assert [a["id"] for a in na["aanvragen"]] == [anna.aanvraag]
    assert "Archiefwet" in na["bewaartermijnen"]["aanvragen"]
    assert "aanvraag rust" in na["bewaartermijnen"]["beoordelingen"]


def test_ending_only_the_monthly_check_deletes_its_baseline(
    api: httpx.Client, anna: Inwoner
) -> None:
    assert api.post("/maandchecks", headers=burger(anna.bsn)).status_code == 200
    assert bewaard(api, anna.bsn)["maandcheck"] is not None
    for bron in Bron:
        response = api.put(
            f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]}, headers=burger(anna.bsn)
        )
        assert response.status_code == 200, response.text
    na = bewaard(api, anna.bsn)
    assert na["maandcheck"] is None
    assert len(na["beoordelingen"]) == 2  # still consented for aanvragen


# The gemeente decides on the herziening.


def herzieningsbesluit(
    api: httpx.Client, aanvraag: str | None, body: dict[str, Any], code: str = "0344"
) -> httpx.Response:
    return api.post(
        f"/aanvragen/{aanvraag}/herzieningsbesluiten", json=body, headers=gemeente(code)
    )


def test_a_higher_aanslag_is_a_herziening_the_gemeente_grants_with_a_new_beschikking(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner, opslag: Maandcheckdiensten
) -> None:
    # Given Anna's € 412,60 granted, when she tells VIL her aanslag is € 500: with no capacity
    # to pay (see above: 1.380 − 1.261,35 − 127,51 < 0) all of it is remitted, a firm outcome
    beoordeel(api, anna.bsn, AANVULLING | {"huishouden.gemeentelijkeBelastingen": 500})
    schema_vuurt(anna)
    aanvraag = api.get(f"/aanvragen/{anna.aanvraag}", headers=gemeente("0344")).json()
    herziening = aanvraag["herziening"]
    assert (herziening["recht"], herziening["bedragEenmalig"]) == (True, "500.00")
    assert herziening["besluit"] is None

    # When the gemeente changes the grant per the day of the check
    wijzigen = {
        "besluit": "wijzigen",
        "motivering": "De nieuwe aanslag.",
        "per": herziening["datum"],
    }
    response = herzieningsbesluit(api, anna.aanvraag, wijzigen)

    # Then the resident reads the new amount and a beschikking that says what changed and why
    assert response.status_code == 200, response.text
    eigen = api.get(f"/aanvragen/{anna.aanvraag}", headers=burger(anna.bsn)).json()
    assert (eigen["status"], eigen["bedragEenmalig"]) == ("toegekend", "500.00")
    tekst = eigen["beschikking"]["tekst"]
    assert "€ 500,00 (was € 412,60)" in tekst
    assert "Toelichting van de gemeente: De nieuwe aanslag." in tekst
    assert eigen["herziening"]["besluit"]["besluit"] == "wijzigen"
    # and the decision's verslag replays, its event waits in the outbox, the act is audited
    verslag = opslag.aanvragen.beslisverslagen(str(anna.aanvraag))[-1]
    assert (verslag.door, verslag.resultaat.bedrag_eenmalig) == ("0344", "500.00")
    assert herspeel(verslag) == verslag.resultaat
    (event,) = gebeurtenissen(str(anna.aanvraag), "nl.vil.aanvraag.herziening-besloten")
    schema = jsonschema_rs.validator_for(event_schemas()[event.type])
    assert schema.is_valid(json.loads(event.model_dump_json(by_alias=True))["data"])
    assert audit_records(anna, "herzieningsbesluit")
    # A herziening is decided once
    nogmaals = herzieningsbesluit(api, anna.aanvraag, {"besluit": "handhaven", "motivering": "x"})
    assert_problem(nogmaals, 409)


def test_a_herziening_without_a_right_is_withdrawn_not_changed(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 2500)
    schema_vuurt(anna)
    datum = api.get(f"/aanvragen/{anna.aanvraag}", headers=gemeente("0344")).json()["herziening"][
        "datum"
    ]

    wijzigen = {"besluit": "wijzigen", "motivering": "x", "per": datum}
    assert_problem(herzieningsbesluit(api, anna.aanvraag, wijzigen), 409)
    intrekken = {"besluit": "intrekken", "motivering": "Uw inkomen is gestegen.", "per": datum}
    response = herzieningsbesluit(api, anna.aanvraag, intrekken)

    assert response.status_code == 200, response.text
    eigen = api.get(f"/aanvragen/{anna.aanvraag}", headers=burger(anna.bsn)).json()
    assert eigen["status"] == "ingetrokken"
    assert eigen["beschikking"]["besluit"] == "ingetrokken"
    assert "Wij trekken de toekenning van" in eigen["beschikking"]["tekst"]


def test_a_herzieningsbesluit_is_checked_and_only_the_deciding_gemeente_makes_it(
    api: httpx.Client, stack: LokaleStack, anna: Inwoner
) -> None:
    stack.overheid.set_fact(anna.bsn, "nettoInkomen", 2500)
    schema_vuurt(anna)

    zonder_datum = herzieningsbesluit(api, anna.aanvraag, {"besluit": "intrekken",
                                                           "motivering": ""})  # fmt: skip
    assert_problem(zonder_datum, 400)
    assert sorted(invalid_params(zonder_datum.json())) == ["body.motivering", "body.per"]
    voor_de_toekenning = {"besluit": "intrekken", "motivering": "x", "per": "2000-01-01"}
    assert invalid_params(
        assert_problem(herzieningsbesluit(api, anna.aanvraag, voor_de_toekenning), 400)
    ) == ["body.per"]
    handhaven = {"besluit": "handhaven", "motivering": "x"}
    assert_problem(herzieningsbesluit(api, anna.aanvraag, handhaven, code="0307"), 404)
    als_inwoner = api.post(f"/aanvragen/{anna.aanvraag}/herzieningsbesluiten",
                           json=handhaven, headers=burger(anna.bsn))  # fmt: skip
    assert_problem(als_inwoner, 404)
    # nothing was decided
    aanvraag = api.get(f"/aanvragen/{anna.aanvraag}", headers=gemeente("0344")).json()
    assert aanvraag["herziening"]["besluit"] is None
