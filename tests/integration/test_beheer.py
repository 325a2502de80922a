"""The beheermodule over HTTP on the local stack: Utrecht's beheerder proposes a version of the
IIT parameters, submits it, and a second beheerder approves it; scope, four eyes and the 400
that names each failing test case of the rule file; and the whole cycle without a restart: the
approved version is what the next evaluation uses, the gemeente gets its event, a rollback
brings the rule file's values back, and every beslisverslag replays with its own version. The
amounts are test values (tests/unit/test_beheer.py says why that is honest); each run of the
session's stack adds versions, so the tests use the numbers the API returns, and every test
that publishes rolls back on the same day (hulp.PUBLICATIEDAG)."""

import os
from typing import Any

import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    AMERSFOORT_BEHEERDER,
    ANNE,
    BRAM,
    GEVALLEN_2026,
    IBAN,
    IIT_UTRECHT,
    PUBLICATIEDAG,
    assert_headers,
    assert_problem,
    beoordeel,
    dien_in,
    draai_terug,
    goedkeuring,
    herspeel,
    impact,
    invalid_params,
    inwoner,
    keur_goed,
    publicatiedag,
    resultaat,
    toestemming,
    voorstel,
)
from vil import samenstelling
from vil.adapters.dynamodb import Aanvragen, Regelingversies, table
from vil.fouten import Conflict
from vil.models.beheer import Regelingversie, Versiestatus
from vil_local.lokaal import LokaleStack

IIT = IIT_UTRECHT


def test_a_version_is_proposed_submitted_and_approved_by_a_second_beheerder(
    api: httpx.Client, klok: LokaleStack
) -> None:
    publicatiedag(klok)
    voorgesteld = api.post(f"/regelingen/{IIT}/versies", json=voorstel(), headers=ANNE)
    assert voorgesteld.status_code == 201, voorgesteld.text
    assert_headers(voorgesteld)
    versie = voorgesteld.json()
    assert (versie["status"], versie["voorgesteldDoor"]) == ("concept", "anne")
    pad = f"/regelingen/{IIT}/versies/{versie['versie']}"

    ingediend = api.patch(pad, json={"status": "ter-goedkeuring"}, headers=ANNE)
    assert ingediend.status_code == 200, ingediend.text
    assert_problem(api.post(f"{pad}/goedkeuringen", json={"besluit": "goedkeuren"},
                            headers=ANNE), 403)  # fmt: skip  # never the proposer
    rapport = impact(api, klok, IIT, versie["versie"], BRAM)
    goedgekeurd = api.post(f"{pad}/goedkeuringen", json=goedkeuring(rapport), headers=BRAM)

    assert goedgekeurd.status_code == 200, goedgekeurd.text
    # its ingangsdatum is past: in force from the day of approval, and active at once
    assert goedgekeurd.json()["status"] == "actief"
    assert goedgekeurd.json()["inWerkingVanaf"] == PUBLICATIEDAG.date().isoformat()
    assert goedgekeurd.json()["goedgekeurdDoor"] == "bram"
    historie = api.get(f"/regelingen/{IIT}/versies", headers=BRAM).json()["versies"]
    (gevonden,) = [v for v in historie if v["versie"] == versie["versie"]]
    assert [(h["handeling"], h["door"]) for h in gevonden["geschiedenis"]] == [
        ("voorgesteld", "anne"), ("ingediend", "anne"), ("goedgekeurd", "bram")
    ]  # fmt: skip
    audit = samenstelling.beheer().audit
    records = audit.van(f"regeling:{IIT}:0344")
    assert {"regelingversie-voorgesteld", "regelingversie-goedgekeurd"} <= {
        r["verwerking"] for r in records
    }
    draai_terug(api, versie["versie"])


def test_a_proposal_that_breaks_the_rule_files_cases_is_a_400_naming_each(
    api: httpx.Client,
) -> None:
    response = api.post(f"/regelingen/{IIT}/versies", json=voorstel(met_gevallen=False),
                        headers=ANNE)  # fmt: skip
    body = assert_problem(response, 400)
    assert invalid_params(body) == [f"body.tests.{naam}" for naam in GEVALLEN_2026]


def test_another_gemeente_and_other_callers_cannot_touch_the_regeling(api: httpx.Client) -> None:
    pad = f"/regelingen/{IIT}/versies"
    assert_problem(api.post(pad, json=voorstel(), headers=AMERSFOORT_BEHEERDER), 404)
    assert_problem(api.get(pad, headers=AMERSFOORT_BEHEERDER), 404)
    assert_problem(api.get(pad, headers=gemeente("0344")), 403)  # a system, not a beheerder
    assert_problem(api.get(pad), 401)
    assert_problem(api.get("/regelingen/bestaat-niet/versies", headers=ANNE), 404)


def beoordeling_iit(api: httpx.Client, stack: LokaleStack) -> tuple[str, dict[str, Any]]:
    """A new resident of Utrecht as test person 999993653 (single, € 1.380 net for years),
    consented and evaluated: their BSN and the IIT's result."""
    bsn = inwoner(stack, "999993653")
    toestemming(api, bsn)
    beoordeling = beoordeel(api, bsn, AANVULLING)
    return bsn, {**resultaat(beoordeling, IIT), "beoordeling": beoordeling["id"]}


def vraag_iit_aan(api: httpx.Client, bsn: str, beoordeling: str) -> dict[str, Any]:
    body = {"beoordeling": beoordeling, "regelingen": [IIT], "iban": IBAN}
    response = dien_in(api, bsn, body, f"iit-{bsn}")
    assert response.status_code == 201, response.text
    (aanvraag,) = response.json()["aanvragen"]
    return dict(aanvraag)


def test_the_whole_cycle_takes_effect_without_a_restart_and_rolls_back(
    api: httpx.Client, klok: LokaleStack
) -> None:
    publicatiedag(klok)
    opslag = Aanvragen(table(os.environ["TABEL"]))
    # Given a resident whose IIT is indicatief under the rule file: it waits for the gemeente
    eerste, voor = beoordeling_iit(api, klok)
    assert (voor["recht"], voor["indicatief"]) == (True, True)
    assert vraag_iit_aan(api, eerste, voor["beoordeling"])["status"] == "in-behandeling"
    # When anne confirms the amount and the income limit, and bram approves
    voorgesteld = api.post(
        f"/regelingen/{IIT}/versies", json=voorstel("276", bevestig_grens=True), headers=ANNE
    )
    assert voorgesteld.status_code == 201, voorgesteld.text
    nummer = voorgesteld.json()["versie"]
    versie = keur_goed(api, f"/regelingen/{IIT}/versies/{nummer}", ANNE, BRAM)
    assert versie["status"] == "actief"
    # Then the next resident's evaluation is firm and granted on the spot, with its version
    tweede, na = beoordeling_iit(api, klok)
    assert (na["recht"], na["regelversie"]) == (True, versie["regelversie"])
    assert not na["indicatief"], na["indicatiefRedenen"]
    assert vraag_iit_aan(api, tweede, na["beoordeling"])["status"] == "toegekend"
    # And the gemeente's subscription received the thin event, signed
    klok.verwerk()
    (ontvangen,) = [
        o for o in klok.ontvanger.afgeleverd("0344")
        if o.event["type"] == "nl.vil.regeling.gewijzigd" and o.event["data"]["versie"] == nummer
    ]  # fmt: skip
    assert ontvangen.geldig
    assert ontvangen.event["data"] == {
        "regeling": IIT, "gemeentecode": "0344", "versie": nummer,
        "ingangsdatum": PUBLICATIEDAG.date().isoformat(),
        "url": f"{klok.url}/v1/regelingen/{IIT}/versies/{nummer}",
    }  # fmt: skip
    # When bram rolls it back and anne approves
    terug = draai_terug(api, nummer)
    assert (terug["status"], terug["terugdraaiingVan"]) == ("actief", nummer)
    # Then the rule file's values apply again, and the history says who did what
    _, weer = beoordeling_iit(api, klok)
    assert (weer["indicatief"], weer["regelversie"]) == (True, voor["regelversie"])
    historie = {v["versie"]: v for v in
                api.get(f"/regelingen/{IIT}/versies", headers=ANNE).json()["versies"]}  # fmt: skip
    assert historie[nummer]["status"] == "vervangen"
    assert [(h["handeling"], h["door"]) for h in historie[terug["versie"]]["geschiedenis"]] == [
        ("voorgesteld", "bram"), ("ingediend", "bram"), ("goedgekeurd", "anne")
    ]  # fmt: skip
    # And every beslisverslag replays exactly with the version it was decided with
    for bsn in (eerste, tweede):
        (aanvraag,) = api.get("/aanvragen", headers=burger(bsn)).json()["aanvragen"]
        (verslag,) = opslag.beslisverslagen(aanvraag["id"])
        assert herspeel(verslag) == verslag.resultaat


def test_a_beheerder_of_another_gemeente_cannot_approve_or_roll_back(api: httpx.Client) -> None:
    voorgesteld = api.post(f"/regelingen/{IIT}/versies", json=voorstel(), headers=ANNE)
    assert voorgesteld.status_code == 201, voorgesteld.text
    pad = f"/regelingen/{IIT}/versies/{voorgesteld.json()['versie']}"
    assert api.patch(pad, json={"status": "ter-goedkeuring"}, headers=ANNE).status_code == 200
    goedkeuren = {"besluit": "goedkeuren"}
    assert_problem(api.post(f"{pad}/goedkeuringen", json=goedkeuren,
                            headers=AMERSFOORT_BEHEERDER), 404)  # fmt: skip
    terug = {"ingangsdatum": "2026-07-01", "toelichting": "Terug."}
    assert_problem(api.post(f"{pad}/terugdraaiingen", json=terug,
                            headers=AMERSFOORT_BEHEERDER), 404)  # fmt: skip
    # and a version that is not the latest published one is no rollback (409)
    assert_problem(api.post(f"{pad}/terugdraaiingen", json=terug, headers=BRAM), 409)
    withdrawn = api.patch(pad, json={"status": "ingetrokken"}, headers=ANNE)
    assert withdrawn.status_code == 200, withdrawn.text


def test_a_publication_on_a_pointer_that_moved_meanwhile_writes_nothing(api: httpx.Client) -> None:
    """The table's side of "no two publications on one pointer": the transaction's condition."""
    opslag = Regelingversies(table(os.environ["TABEL"]))
    voorgesteld = api.post(f"/regelingen/{IIT}/versies", json=voorstel(), headers=ANNE)
    assert voorgesteld.status_code == 201, voorgesteld.text
    versie = Regelingversie.model_validate(voorgesteld.json())
    wijzer = opslag.wijzer()
    gebeurtenis = samenstelling.beheer().uitgever.over_regeling(versie, versie.geschiedenis[0].op)
    goedgekeurd = versie.model_copy(update={"status": Versiestatus.goedgekeurd})

    with pytest.raises(Conflict):  # another publication since the pointer was read
        opslag.publiceer(goedgekeurd, Versiestatus.concept, wijzer.nummer - 1, gebeurtenis)
    with pytest.raises(Conflict):  # the version's status moved on meanwhile
        opslag.publiceer(goedgekeurd, Versiestatus.ter_goedkeuring, wijzer.nummer, gebeurtenis)

    assert opslag.wijzer() == wijzer
    assert opslag.versie(IIT, "0344", versie.versie) == versie


def test_the_catalogue_shows_the_version_in_force_and_a_correction_goes_through_its_own_route(
    api: httpx.Client, klok: LokaleStack
) -> None:
    publicatiedag(klok)
    # Given a published version (€ 290 from 1 January, so in force from today)
    voorgesteld = api.post(f"/regelingen/{IIT}/versies", json=voorstel("290"), headers=ANNE)
    assert voorgesteld.status_code == 201, voorgesteld.text
    nummer = voorgesteld.json()["versie"]
    keur_goed(api, f"/regelingen/{IIT}/versies/{nummer}", ANNE, BRAM)
    # Then the catalogue route (anyone) shows it, with its value as evaluations use it
    (getoond,) = in_catalogus(api)
    assert (getoond["gemeentecode"], getoond["versie"]) == ("0344", nummer)
    assert getoond["waarden"]["bedragAlleenstaande"]["waarde"] in (290, "290")
    # When anne corrects the amount for the past (€ 295), and bram approves it
    waarde = {**voorstel("295")["waarden"][0]}
    verzoek = {"toelichting": "Gepubliceerd was € 290; vastgesteld € 295.", "waarden": [waarde],
               "tests": voorstel("295")["tests"]}  # fmt: skip
    pad = f"/regelingen/{IIT}/versies/{nummer}/correcties"
    assert api.post(pad, json=verzoek, headers=burger("999993653")).status_code in (401, 403)
    correctie = api.post(pad, json=verzoek, headers=ANNE)
    assert correctie.status_code == 201, correctie.text
    assert correctie.json()["correctieVan"] == nummer
    gecorrigeerd = keur_goed(
        api, f"/regelingen/{IIT}/versies/{correctie.json()['versie']}", ANNE, BRAM
    )
    assert gecorrigeerd["status"] == "actief"
    # Then the catalogue shows the corrected value under the same version
    (getoond,) = in_catalogus(api)
    assert getoond["versie"] == nummer
    assert getoond["waarden"]["bedragAlleenstaande"]["waarde"] in (295, "295")
    gelezen = api.get(f"/regelingen/{IIT}/versies/{nummer}", headers=ANNE).json()
    assert gelezen["correcties"] == [gecorrigeerd["versie"]]
    # And after the rollback (which leaves the shared stack as it was) the rollback is in force
    terug = draai_terug(api, nummer)
    (getoond,) = in_catalogus(api)
    assert getoond["versie"] == terug["versie"]
    assert getoond["waarden"]["bedragAlleenstaande"]["waarde"] not in (290, 295, "290", "295")


def in_catalogus(api: httpx.Client) -> list[dict[str, Any]]:
    """Utrecht's IIT versions in force, as `GET /v1/regelingen` lists them."""
    antwoord = api.get("/regelingen")
    assert antwoord.status_code == 200, antwoord.text
    (regeling,) = [r for r in antwoord.json()["regelingen"] if r["id"] == IIT]
    gepubliceerd: list[dict[str, Any]] = regeling["gepubliceerd"]
    return gepubliceerd
