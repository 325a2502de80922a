"""The impact of a version over HTTP on the local stack (moto): a run in the request and one by
the queue and the worker, the population frozen once per version, no BSN or pseudonym in what
is stored, scope, and the approval that names the report.

The figures are checked where the answer is known by construction: the session's table holds
other residents of Utrecht too, so a test freezes one version's population, adds households whose
outcome is known, and freezes a second version with the same values. The second report differs
from the first by exactly those households: twelve copies of the IIT rule file's single person
(eligible on 1 March 2026 at € 276, the 2024 amount; the proposal's € 290 is a test value, so
€ 14 more each) and eleven of the same person at € 3.000 a month (never eligible).
"""

import gzip
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import boto3
import httpx
import pytest
from boto3.dynamodb.conditions import Key

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AMERSFOORT_BEHEERDER,
    ANNE,
    BRAM,
    IIT_UTRECHT,
    assert_problem,
    beoordeel,
    draai_terug,
    goedkeuring,
    impact,
    inwoner,
    publicatiedag,
    toestemming,
    voorstel,
)
from vil import samenstelling
from vil.adapters.dynamodb import Beoordelingen, table
from vil.models.aanvraag import Beoordeling
from vil.models.huishouden import Huishouden
from vil.services import impactrapport
from vil.settings import BeheerSettings
from vil_local.lokaal import LokaleStack

IIT = IIT_UTRECHT
ALLEENSTAANDE = (
    "Een alleenstaande met drie jaar een laag inkomen krijgt € 276, indicatief omdat het bedrag"
    " van 2024 is"
)


def maart_voorstel() -> dict[str, Any]:
    """€ 290 for a single person from 1 March 2026: the impact is decided on that date."""
    body = voorstel()
    body["ingangsdatum"] = "2026-03-01"
    body["waarden"][0]["vanaf"] = "2026-03-01"
    return body


def ingediend(api: httpx.Client) -> int:
    response = api.post(f"/regelingen/{IIT}/versies", json=maart_voorstel(), headers=ANNE)
    assert response.status_code == 201, response.text
    nummer: int = response.json()["versie"]
    patch = api.patch(f"/regelingen/{IIT}/versies/{nummer}", json={"status": "ter-goedkeuring"},
                      headers=ANNE)  # fmt: skip
    assert patch.status_code == 200, patch.text
    return nummer


def bewaar(huishouden: dict[str, Any], aantal: int) -> list[str]:
    """`aantal` residents of Utrecht (new pseudonyms), each with this household stored as their
    beoordeling, through the store the beoordelingen function uses; their pseudonyms."""
    store = Beoordelingen(table(BeheerSettings.from_environ().tabel))
    document = Huishouden.model_validate(huishouden).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    pseudoniemen = []
    for _ in range(aantal):
        pseudoniem = f"test-{uuid.uuid4().hex}"
        beoordeling = Beoordeling(
            id=uuid.uuid4().hex, peildatum=date(2026, 3, 1), huishouden=document, herkomst={},
            ontbrekende_bronnen={}, regelset_versie="test", resultaten=[],
            aangemaakt_op=samenstelling.beheer().nu(),
        )  # fmt: skip
        store.bewaar_beoordeling(pseudoniem, beoordeling, {})
        pseudoniemen.append(pseudoniem)
    return pseudoniemen


def huishoudens() -> tuple[dict[str, Any], dict[str, Any]]:
    """The rule file's single person, and the same person at € 3.000 a month."""
    regeling = samenstelling.beheer().catalogus.regel(IIT, date(2026, 3, 1)).regeling
    alleen = next(t for t in regeling.tests if t.naam == ALLEENSTAANDE).huishouden
    rijk = {**alleen, "inkomenshistorie": [{**m, "nettoInkomen": 3000}
                                           for m in alleen["inkomenshistorie"]]}  # fmt: skip
    return alleen, rijk


def bewoners_in_de_index() -> int:
    """Utrecht's residents with a beoordeling, counted on the table itself (GSI2)."""
    tabel = boto3.resource("dynamodb").Table(BeheerSettings.from_environ().tabel)
    utrecht = Key("GSI2PK").eq("BEOORDEELD#0344")
    query: dict[str, Any] = {"IndexName": "GSI2", "KeyConditionExpression": utrecht}
    pseudoniemen: set[str] = set()
    while True:
        response = tabel.query(**query)
        pseudoniemen |= {str(i["PK"]) for i in response["Items"]}
        if "LastEvaluatedKey" not in response:
            return len(pseudoniemen)
        query["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def test_a_version_freezes_its_population_and_the_difference_is_the_known_households(
    api: httpx.Client, stack: LokaleStack
) -> None:
    alleen, rijk = huishoudens()
    bewaar(rijk, 11)  # at least 10 in the first population: its totals are shown
    eerste = ingediend(api)
    voor = impact(api, stack, IIT, eerste, BRAM)
    assert voor["momentopname"]["huishoudens"] == bewoners_in_de_index()
    bewaar(alleen, 12)
    bewaar(rijk, 11)
    tweede = ingediend(api)

    na = impact(api, stack, IIT, tweede, BRAM)
    opnieuw = impact(api, stack, IIT, eerste, BRAM)  # the first version: still its own population

    assert na["momentopname"]["huishoudens"] - voor["momentopname"]["huishoudens"] == 23
    voor_iit, na_iit = voor["regelingen"][IIT], na["regelingen"][IIT]
    assert na_iit["huishoudens"] - voor_iit["huishoudens"] == 23
    verschil = Decimal(na_iit["jaarkostenVerschil"]) - Decimal(voor_iit["jaarkostenVerschil"])
    assert verschil == 12 * (290 - 276)
    assert opnieuw["momentopname"] == voor["momentopname"]
    assert opnieuw["regelingen"] == voor["regelingen"]
    assert opnieuw["id"] != voor["id"]


def test_a_large_run_answers_202_and_the_worker_finishes_it(
    api: httpx.Client, stack: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    nummer = ingediend(api)
    monkeypatch.setattr(impactrapport, "SYNCHROON", 0)

    gestart = api.post(f"/regelingen/{IIT}/versies/{nummer}/impact", headers=BRAM)

    assert gestart.status_code == 202, gestart.text
    plek = gestart.headers["Location"]
    assert plek == f"/v1/regelingen/{IIT}/versies/{nummer}/impact/{gestart.json()['id']}"
    assert api.get(stack.url + plek, headers=BRAM).json()["status"] == "lopend"
    stack.verwerk()  # the impact queue, to the worker
    klaar = api.get(stack.url + plek, headers=BRAM).json()
    assert klaar["status"] == "klaar"
    assert klaar["hash"].startswith("sha256:")
    assert klaar["momentopname"]["huishoudens"] == bewoners_in_de_index()


def test_a_very_large_run_fans_out_and_gives_the_figures_of_one_run(
    api: httpx.Client, stack: LokaleStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    nummer = ingediend(api)
    with monkeypatch.context() as patch:
        patch.setattr(impactrapport, "SYNCHROON", 0)
        patch.setattr(impactrapport, "PER_DEEL", 2)  # a part of 2 households
        patch.setattr(impactrapport, "PER_GROEP", 3)  # a worker per 6 households
        verspreid = impact(api, stack, IIT, nummer, BRAM)
    assert verspreid["momentopname"]["delen"] > 3

    heel = impact(api, stack, IIT, nummer, BRAM)  # the same population, in the request

    assert heel["momentopname"] == verspreid["momentopname"]
    assert heel["regelingen"] == verspreid["regelingen"]


def test_no_bsn_and_no_pseudonym_in_the_frozen_population_or_the_report(
    api: httpx.Client, stack: LokaleStack
) -> None:
    bsn = inwoner(stack)  # a resident of Utrecht, evaluated through the API
    toestemming(api, bsn)
    beoordeel(api, bsn, {})
    nummer = ingediend(api)

    rapport = impact(api, stack, IIT, nummer, BRAM)

    tabel = boto3.resource("dynamodb").Table(BeheerSettings.from_environ().tabel)
    delen = tabel.query(KeyConditionExpression=Key("PK").eq(
        f"MOMENTOPNAME#{rapport['momentopname']['id']}"))["Items"]  # fmt: skip
    tekst = "".join(gzip.decompress(bytes(d["data"].value)).decode() for d in delen)
    assert len(json.loads(tekst.replace("][", ","))) == rapport["momentopname"]["huishoudens"]
    pseudoniem = samenstelling.beoordelingen().sleutels.pseudoniem(bsn)
    for inhoud in (tekst, json.dumps(rapport)):
        assert bsn not in inhoud
        assert pseudoniem not in inhoud
    # The resident's inzage shows that their household went into the population
    inzage = api.get("/inzage", headers=burger(bsn)).json()
    assert "impact-momentopname" in {v["verwerking"] for v in inzage["verwerkingen"]}


def test_another_gemeente_and_a_case_system_see_no_report(
    api: httpx.Client, stack: LokaleStack
) -> None:
    nummer = ingediend(api)
    rapport = impact(api, stack, IIT, nummer, BRAM)
    pad = f"/regelingen/{IIT}/versies/{nummer}/impact"

    assert_problem(api.get(f"{pad}/{rapport['id']}", headers=AMERSFOORT_BEHEERDER), 404)
    assert_problem(api.post(pad, headers=AMERSFOORT_BEHEERDER), 404)
    assert_problem(api.get(f"{pad}/{rapport['id']}", headers=gemeente("0344")), 403)
    assert_problem(api.post(pad, headers=gemeente("0344")), 403)
    assert_problem(api.get(f"{pad}/{rapport['id']}"), 401)
    assert_problem(api.get(f"{pad}/{'0' * 32}", headers=BRAM), 404)
    assert_problem(api.get(f"{pad}/niet-een-id", headers=BRAM), 400)


def test_the_approval_names_the_finished_report_it_saw(
    api: httpx.Client, klok: LokaleStack
) -> None:
    stack = klok
    publicatiedag(stack)  # the approval publishes: rolled back below, as every publishing test
    nummer = ingediend(api)
    pad = f"/regelingen/{IIT}/versies/{nummer}"
    rapport = impact(api, stack, IIT, nummer, BRAM)

    zonder = api.post(f"{pad}/goedkeuringen", json={"besluit": "goedkeuren"}, headers=BRAM)
    assert assert_problem(zonder, 400)["invalidParams"][0]["name"] == "body.impactrapport"
    ander = goedkeuring({**rapport, "hash": "sha256:" + "0" * 64})
    assert_problem(api.post(f"{pad}/goedkeuringen", json=ander, headers=BRAM), 409)
    goed = api.post(f"{pad}/goedkeuringen", json=goedkeuring(rapport), headers=BRAM)

    assert goed.status_code == 200, goed.text
    assert goed.json()["impactrapport"] == {"id": rapport["id"], "hash": rapport["hash"]}
    gelezen = api.get(pad, headers=ANNE).json()
    assert gelezen["impactrapport"] == {"id": rapport["id"], "hash": rapport["hash"]}
    # A decided version gets no new run
    assert_problem(api.post(f"{pad}/impact", headers=BRAM), 409)
    draai_terug(api, nummer)
