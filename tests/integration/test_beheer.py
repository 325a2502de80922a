"""The beheermodule over HTTP on the local stack: Utrecht's beheerder proposes a version of the
IIT parameters, submits it, and a second beheerder approves it; scope, four eyes and the 400
that names each failing test case of the rule file. The amounts are test values (tests/unit/
test_beheer.py says why that is honest); each run of the session's stack adds versions, so the
tests use the numbers the API returns."""

import httpx

from tests.integration.conftest import gemeente
from tests.integration.hulp import (
    AMERSFOORT_BEHEERDER,
    ANNE,
    BRAM,
    GEVALLEN_2026,
    IIT_UTRECHT,
    assert_headers,
    assert_problem,
    goedkeuring,
    impact,
    invalid_params,
    voorstel,
)
from vil import samenstelling
from vil_local.lokaal import LokaleStack

IIT = IIT_UTRECHT


def test_a_version_is_proposed_submitted_and_approved_by_a_second_beheerder(
    api: httpx.Client, stack: LokaleStack
) -> None:
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
    rapport = impact(api, stack, IIT, versie["versie"], BRAM)
    goedgekeurd = api.post(f"{pad}/goedkeuringen", json=goedkeuring(rapport), headers=BRAM)

    assert goedgekeurd.status_code == 200, goedgekeurd.text
    assert goedgekeurd.json()["status"] == "goedgekeurd"
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
