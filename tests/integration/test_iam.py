"""IAM exercised: every function runs its real flows with only the permissions its policy in
template.yaml gives it, with moto refusing what the policy lacks (tests/integration/iam.py says
what moto checks and what it cannot). A permission removed from the template fails here.

EventBridge Scheduler is the exception: moto cannot check GetSchedule or DeleteSchedule under
IAM, so the planner is left out of these flows (its calls are recorded instead) and its
permissions are checked by reading the template (tests/infrastructure/test_template.py).
"""

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    ANNE,
    BRAM,
    IBAN,
    beoordeel,
    dien_in,
    draai_terug,
    goedkeuring,
    hulpverlener,
    impact,
    inwoner,
    machtig,
    publicatiedag,
    toestemming,
    voorstel,
)
from tests.integration.iam import Rollen, policy_document
from vil.adapters import planner
from vil.services import impactrapport
from vil_local import aws
from vil_local.lokaal import LokaleStack

IIT = "individuele-inkomenstoeslag-utrecht"
KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"


def queue_arns(stack: LokaleStack) -> dict[str, str]:
    return {arn.rsplit(":", 1)[1]: arn for arn in stack.pomp.urls}


@pytest.fixture
def zonder_planner(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The planner's calls, recorded instead of made (moto cannot check them under IAM)."""
    gedaan: list[tuple[str, str]] = []
    monkeypatch.setattr(
        planner.EventBridgePlanner, "zet", lambda self, p: gedaan.append(("zet", p))
    )
    monkeypatch.setattr(
        planner.EventBridgePlanner, "verwijder", lambda self, p: gedaan.append(("verwijder", p))
    )
    return gedaan


@pytest.fixture
def onder_iam(
    stack: LokaleStack, monkeypatch: pytest.MonkeyPatch, zonder_planner: list[tuple[str, str]]
) -> Iterator[LokaleStack]:
    """The stack, each function under its own policy."""
    stack.verwerk()  # what earlier tests left, processed with the usual rights
    Rollen(queue_arns(stack)).installeer(monkeypatch, stack.server.router)
    yield stack
    monkeypatch.undo()
    stack.verwerk()


def test_every_function_does_its_work_with_only_its_own_permissions(
    klok: LokaleStack,
    onder_iam: LokaleStack,
    api: httpx.Client,
    zonder_planner: list[tuple[str, str]],
) -> None:
    stack = onder_iam
    bsn = inwoner(stack)
    # Consent (toestemmingen; the authorizer on every request: GenerateMac, Encrypt)
    for bron in ("brp", "belastingdienst", "uwv", "svb"):
        response = api.put(f"/toestemmingen/{bron}", headers=burger(bsn),
                           json={"doelen": ["aanvragen", "maandcheck"]})  # fmt: skip
        assert response.status_code == 200, response.text
    assert ("zet", zonder_planner[0][1]) in zonder_planner
    # Prefill (gegevens: Decrypt the BSN, GenerateMac for the household, cache, audit)
    assert api.get("/gegevens", headers=burger(bsn)).status_code == 200
    # Evaluate and store (beoordelingen: a transaction with consent checks)
    beoordeling = beoordeel(api, bsn, AANVULLING)
    # Apply (aanvragen: idempotency, the transaction, the outbox), list, decide
    aanvragen = dien_in(api, bsn, {"beoordeling": beoordeling["id"], "iban": IBAN,
                                   "regelingen": [KWIJTSCHELDING, IIT]}, f"iam-{bsn}")  # fmt: skip
    assert aanvragen.status_code == 201, aanvragen.text
    iit = next(a for a in aanvragen.json()["aanvragen"] if a["regeling"] == IIT)
    assert api.get("/aanvragen", headers=burger(bsn)).status_code == 200
    wachtrij = api.get("/aanvragen", headers=gemeente("0344"), params={"regeling": IIT})
    assert wachtrij.status_code == 200, wachtrij.text
    besluit = api.post(f"/aanvragen/{iit['id']}/besluiten", headers=gemeente("0344"),
                       json={"besluit": "toekennen", "motivering": "Voldoet."})  # fmt: skip
    assert besluit.status_code == 200, besluit.text
    # The outbox relay and the webhook delivery (gebeurtenissen, afleveren)
    voor = len(stack.ontvanger.afgeleverd("0344"))
    stack.verwerk()
    ontvangen = stack.ontvanger.afgeleverd("0344")[voor:]
    assert {o.event["subject"] for o in ontvangen} >= {iit["id"]}
    # The monthly check, as a firing schedule starts it (maandcheck), finds a higher income
    # that ends the granted kwijtschelding: a herziening
    kwijtschelding = next(
        a for a in aanvragen.json()["aanvragen"] if a["regeling"] == KWIJTSCHELDING
    )
    assert kwijtschelding["status"] == "toegekend"
    stack.overheid.set_fact(bsn, "nettoInkomen", 2500)
    pseudoniem = zonder_planner[0][1]
    boto3.client("sqs", region_name=aws.REGION).send_message(
        QueueUrl=aws.queue_url(os.environ["MAANDCHECK_WACHTRIJ"]),
        MessageBody=planner.payload(pseudoniem),
    )
    stack.verwerk()
    # which the gemeente decides (aanvragen: the conditional transaction, the audit record)
    herzien = api.get(f"/aanvragen/{kwijtschelding['id']}", headers=gemeente("0344")).json()
    intrekken = {"besluit": "intrekken", "motivering": "Hoger inkomen.",
                 "per": herzien["herziening"]["datum"]}  # fmt: skip
    ingetrokken = api.post(f"/aanvragen/{kwijtschelding['id']}/herzieningsbesluiten",
                           headers=gemeente("0344"), json=intrekken)  # fmt: skip
    assert ingetrokken.status_code == 200, ingetrokken.text
    # The same check on request, and the meldingen (meldingen)
    op_verzoek = api.post("/maandchecks", headers=burger(bsn))
    assert op_verzoek.status_code == 200, op_verzoek.text
    assert api.get("/meldingen", headers=burger(bsn)).status_code == 200
    # Inzage (which reads the audit log) sees all of it
    inzage = api.get("/inzage", headers=burger(bsn))
    assert inzage.status_code == 200, inzage.text
    assert inzage.json()["maandcheck"] is not None
    _namens_abonnementen_en_beheer(stack, api, bsn, beoordeling["id"])


def _namens_abonnementen_en_beheer(
    stack: LokaleStack, api: httpx.Client, bsn: str, beoordeling: str
) -> None:
    """The rest of the flow: acting for the resident, a subscription, the beheermodule."""
    # Machtigingen (machtigingen: put, the two indexes, audit), and a hulpverlener acting for
    # the resident on every function of a resident route (each reads the machtiging)
    machtiging = machtig(api, bsn, ["inzien", "aanvragen"])["id"]
    assert api.get("/machtigingen", headers=burger(bsn)).status_code == 200
    gehouden = api.get("/machtigingen", headers=hulpverlener()).json()["gemachtigd"]
    assert machtiging in [m["id"] for m in gehouden]
    clienten = api.get("/clienten", headers=hulpverlener()).json()["clienten"]
    assert machtiging in [c["machtiging"] for c in clienten]  # with its audit, consent, meldingen
    namens = hulpverlener(namens=machtiging)
    for pad in ("/toestemmingen", "/gegevens", f"/beoordelingen/{beoordeling}",
                "/aanvragen", "/meldingen", "/inzage"):  # fmt: skip
        response = api.get(pad, headers=namens)
        assert response.status_code == 200, (pad, response.text)
    assert api.delete(f"/machtigingen/{machtiging}", headers=burger(bsn)).status_code == 200
    # A gemeente's subscriptions (abonnementen: Encrypt the secret, store, end)
    abonnement = api.post("/abonnementen", headers=gemeente("0344"),
                          json={"callbackUrl": stack.ontvanger.url("0344")})  # fmt: skip
    assert abonnement.status_code == 201, abonnement.text
    einde = api.delete(f"/abonnementen/{abonnement.json()['id']}", headers=gemeente("0344"))
    assert einde.status_code == 204, einde.text
    # A beheerder's version of the IIT parameters, its impact, approved by a second (beheer:
    # the versions, a conditional put per step, the audit; the gemeente's beoordelingen on
    # GSI2, the frozen population's parts, the audit of each resident in it; the publication's
    # transaction), then rolled back on the same day (hulp.PUBLICATIEDAG: the other tests keep
    # the rule file's values)
    publicatiedag(stack)  # the test asks for `klok`: the clock is put back afterwards
    pad = f"/regelingen/{IIT}/versies"
    versie = api.post(pad, headers=ANNE, json=voorstel()).json()["versie"]
    ingediend = api.patch(f"{pad}/{versie}", headers=ANNE, json={"status": "ter-goedkeuring"})
    assert ingediend.status_code == 200, ingediend.text
    rapport = impact(api, stack, IIT, versie, BRAM)  # in the request
    goed = api.post(f"{pad}/{versie}/goedkeuringen", headers=BRAM, json=goedkeuring(rapport))
    assert goed.status_code == 200, goed.text
    assert api.get(pad, headers=ANNE).status_code == 200
    # The catalogue shows it (catalogus: GetItem of the pointer and of the versions it names)
    catalogus = api.get("/regelingen")
    assert catalogus.status_code == 200, catalogus.text
    (iit_regeling,) = [r for r in catalogus.json()["regelingen"] if r["id"] == IIT]
    assert versie in [v["versie"] for v in iit_regeling["gepubliceerd"]]
    draai_terug(api, versie)
    # A run too large for the request: the queue (SendMessage) and the impact worker, which
    # fans out in groups (its own queue; UpdateItem for the groups finished); a second household
    # of the gemeente, so that the run has two parts when this test runs alone
    tweede = inwoner(stack)
    toestemming(api, tweede)
    beoordeel(api, tweede, {})
    groot = api.post(pad, headers=ANNE, json=voorstel()).json()["versie"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(impactrapport, "SYNCHROON", 0)
        patch.setattr(impactrapport, "PER_DEEL", 1)
        patch.setattr(impactrapport, "PER_GROEP", 1)
        assert impact(api, stack, IIT, groot, BRAM)["momentopname"]["delen"] >= 2


def test_a_permission_missing_from_the_template_fails_the_request(
    stack: LokaleStack,
    api: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    zonder_planner: list[tuple[str, str]],
) -> None:
    # Given the authorizer's policy without kms:GenerateMac (it makes the pseudonym)
    stack.verwerk()
    rollen = Rollen(queue_arns(stack), weglaten={"AuthorizerFunction": "kms:GenerateMac"})
    rollen.installeer(monkeypatch, stack.server.router)
    # When a resident calls the API, Then the request fails
    response = api.get("/meldingen", headers=burger(inwoner(stack)))
    assert response.status_code >= 500, response.text


def test_the_loket_reads_the_eherkenning_client_secret_under_its_own_policy(
    stack: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The eHerkenning login exchanges its code with the secret from Secrets Manager: with the
    loket's policy it logs a beheerder in, without secretsmanager:GetSecretValue it cannot."""
    stack.verwerk()
    for weglaten, gelukt in (
        (None, True),
        ({"LoketFunction": "secretsmanager:GetSecretValue"}, False),
    ):
        with monkeypatch.context() as patch:
            Rollen(queue_arns(stack), weglaten=weglaten).installeer(patch, stack.server.router)
            with httpx.Client(base_url=stack.url, timeout=30) as web:
                begin = web.get("/beheer/inloggen", follow_redirects=False)
                poging = begin.headers["set-cookie"].split(";")[0]
                query = dict(parse_qsl(urlsplit(begin.headers["location"]).query))
                keuze = web.post(
                    "/_local/digid/authorize", data={**query, "keuze": "beheerder:anne"}
                )
                terug = urlsplit(keuze.headers["location"])
                antwoord = web.get(f"{terug.path}?{terug.query}", headers={"Cookie": poging})
        assert (antwoord.status_code == 303) is gelukt, antwoord.text
        if not gelukt:
            assert antwoord.status_code == 500


def test_the_policy_document_resolves_queues_and_leaves_other_resources_open() -> None:
    arns = {"WebhookWachtrij": "arn:aws:sqs:eu-west-1:123456789012:WebhookWachtrij"}
    document = policy_document("AfleverenFunction", arns)
    by_action: dict[str, Any] = {}
    for statement in document["Statement"]:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            by_action[action] = statement["Resource"]
    assert by_action["sqs:ChangeMessageVisibility"] == arns["WebhookWachtrij"]
    assert by_action["kms:Decrypt"] == "*"
    assert set(by_action) == {
        "dynamodb:GetItem", "dynamodb:UpdateItem", "kms:Decrypt", "sqs:ChangeMessageVisibility"
    }  # fmt: skip
