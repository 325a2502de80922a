"""One button, through the real API on the local stack: consent, prefill, evaluate, apply,
and the gemeente's decision (issue 3's "done")."""

from datetime import datetime

import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    IBAN,
    KWIJTSCHELDING,
    assert_problem,
    beoordeel,
    bewaard,
    dien_in,
    invalid_params,
    inwoner,
    nieuwe_bsn,
    resultaat,
    toestemming,
)
from vil import samenstelling
from vil.klok import AMSTERDAM
from vil_local.lokaal import LokaleStack


def test_from_consent_to_granted_applications(api: httpx.Client) -> None:
    bsn = "999993653"  # the single low-income resident of Utrecht
    toestemming(api, bsn)

    # The prefill comes from the four sources, with provenance per fact
    gegevens = api.get("/gegevens", headers=burger(bsn)).json()
    assert gegevens["huishouden"]["gemeentecode"] == "0344"
    assert gegevens["herkomst"]["huishouden.aanvrager.vermogen"]["bron"] == "belastingdienst"
    assert gegevens["ontbrekendeBronnen"] == {}

    beoordeling = beoordeel(api, bsn, AANVULLING)
    assert resultaat(beoordeling, "individuele-inkomenstoeslag-utrecht")["recht"] is True
    assert resultaat(beoordeling, "zorgtoeslag")["bedragPerMaand"] == "129.00"
    herkomst = beoordeling["herkomst"]
    assert herkomst["huishouden.gemeentelijkeBelastingen"]["soort"] == "eigen-verklaring"

    aanvragen = dien_in(api, bsn, {
        "beoordeling": beoordeling["id"],
        "regelingen": ["kwijtschelding-gemeentelijke-belastingen",
                       "individuele-inkomenstoeslag-utrecht", "zorgtoeslag"],
        "iban": IBAN,
    }, "scenario-999993653")  # fmt: skip
    assert aanvragen.status_code == 201, aanvragen.text
    status = {a["regeling"]: a for a in aanvragen.json()["aanvragen"]}
    # Kwijtschelding at the statutory norm, firm data: granted on the spot, with a beschikking
    kwijtschelding = status["kwijtschelding-gemeentelijke-belastingen"]
    assert kwijtschelding["status"] == "toegekend"
    # contested by beroep at the college of the resident's gemeente, at its postal address
    assert (
        "in beroep gaan bij Burgemeester en wethouders van de gemeente Utrecht, Postbus 16200"
        in (kwijtschelding["beschikking"]["tekst"])
    )
    assert "€ 412,60" in kwijtschelding["beschikking"]["tekst"]
    # The inkomenstoeslag rests on unpublished amounts: the gemeente decides
    iit = status["individuele-inkomenstoeslag-utrecht"]
    assert iit["status"] == "in-behandeling"
    # Zorgtoeslag is the Dienst Toeslagen's: forwarded with the prefilled values
    assert status["zorgtoeslag"]["status"] == "doorgestuurd"
    assert status["zorgtoeslag"]["doorsturenNaar"].startswith("https://")

    # The gemeente sees it in its queue and grants it
    wachtrij = api.get("/aanvragen", params={"status": "in-behandeling"},
                       headers=gemeente("0344")).json()  # fmt: skip
    assert iit["id"] in {a["id"] for a in wachtrij["aanvragen"]}
    besluit = api.post(
        f"/aanvragen/{iit['id']}/besluiten",
        headers=gemeente("0344"),
        json={"besluit": "toekennen", "motivering": "Voldoet aan de regels."},
    )
    assert besluit.status_code == 200, besluit.text
    assert besluit.json()["status"] == "toegekend"

    # And the resident sees the status and the beschikking
    eigen = api.get(f"/aanvragen/{iit['id']}", headers=burger(bsn)).json()
    assert eigen["status"] == "toegekend"
    assert "€ 276,00" in eigen["beschikking"]["tekst"]
    assert "Toelichting van de gemeente: Voldoet aan de regels." in eigen["beschikking"]["tekst"]


def test_a_declared_aanslag_above_the_rules_bound_goes_to_the_gemeente(
    api: httpx.Client, stack: LokaleStack
) -> None:
    """Issue 15: € 9.999.999,99 declared was granted on the spot. Now the result is indicatief
    with the reason, and the gemeente decides."""
    bsn = inwoner_van_utrecht(api, stack)
    beoordeling = beoordeel(
        api, bsn, {**AANVULLING, "huishouden.gemeentelijkeBelastingen": "9999999.99"}
    )
    kwijtschelding = resultaat(beoordeling, KWIJTSCHELDING)
    assert kwijtschelding["indicatief"] is True
    assert any("€ 9.999.999,99" in r for r in kwijtschelding["indicatiefRedenen"])
    body = {"beoordeling": beoordeling["id"], "regelingen": [KWIJTSCHELDING]}
    (aanvraag,) = dien_in(api, bsn, body, f"groot-{bsn}").json()["aanvragen"]
    assert aanvraag["status"] == "in-behandeling"
    assert aanvraag["beschikking"] is None


@pytest.mark.parametrize(
    "pad", ["huishouden.gemeentelijkeBelastingen", "huishouden.woning.nettoWoonlasten"]
)
def test_a_negative_declared_amount_is_400_and_nothing_is_stored(
    api: httpx.Client, stack: LokaleStack, pad: str
) -> None:
    bsn = inwoner_van_utrecht(api, stack)
    response = api.post(
        "/beoordelingen", json={"correcties": {**AANVULLING, pad: -400}}, headers=burger(bsn)
    )
    body = assert_problem(response, 400)
    assert invalid_params(body) == [f"body.correcties.{pad}"]
    assert bewaard(api, bsn)["beoordelingen"] == []


def inwoner_van_utrecht(api: httpx.Client, stack: LokaleStack) -> str:
    """A copy of test person 999993653 (Utrecht) with consent for every source."""
    bsn = inwoner(stack)
    toestemming(api, bsn)
    return bsn


def test_a_repeat_with_the_same_key_returns_the_same_response(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0214"})
    body = {"beoordeling": beoordeling["id"], "regelingen": ["zorgtoeslag"]}
    first = dien_in(api, bsn, body, "herhaal-1234")
    again = dien_in(api, bsn, body, "herhaal-1234")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()


def test_the_same_key_with_another_body_is_422(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, AANVULLING)
    dien_in(
        api, bsn, {"beoordeling": beoordeling["id"], "regelingen": ["zorgtoeslag"]}, "k-12345678"
    )
    other = dien_in(api, bsn, {"beoordeling": beoordeling["id"],
                               "regelingen": ["huurtoeslag"]}, "k-12345678")  # fmt: skip
    assert other.status_code == 422
    assert other.headers["Content-Type"] == "application/problem+json"


def test_a_regeling_in_its_period_is_409_and_nothing_is_written(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, AANVULLING)
    body = {"beoordeling": beoordeling["id"], "regelingen": ["zorgtoeslag"]}
    assert dien_in(api, bsn, body, "periode-001").status_code == 201
    both = {"beoordeling": beoordeling["id"], "regelingen": ["huurtoeslag", "zorgtoeslag"]}
    conflict = dien_in(api, bsn, both, "periode-002")
    assert conflict.status_code == 409
    assert conflict.json()["regelingen"] == ["zorgtoeslag"]
    eigen = api.get("/aanvragen", headers=burger(bsn)).json()["aanvragen"]
    assert [a["regeling"] for a in eigen] == ["zorgtoeslag"]  # no huurtoeslag written


def test_a_beoordeling_of_31_december_sent_on_1_january_applies_for_the_old_year(
    api: httpx.Client, klok: LokaleStack
) -> None:
    bsn = klok.overheid.kopie("999993653")
    toestemming(api, bsn)
    # Given a beoordeling on 31 December 2026, with that year's amounts
    klok.zet(datetime(2026, 12, 31, 23, 30, tzinfo=AMSTERDAM))
    oud = beoordeel(api, bsn, AANVULLING)
    assert (oud["peildatum"], resultaat(oud, KWIJTSCHELDING)["indicatief"]) == ("2026-12-31", False)
    # When it is sent on 1 January 2027
    klok.zet(datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM))
    body = {"beoordeling": oud["id"], "regelingen": [KWIJTSCHELDING], "iban": IBAN}
    response = dien_in(api, bsn, body, f"oud-{bsn}")
    # Then it is decided on that beoordeling: firm, so granted on the spot
    assert response.status_code == 201, response.text
    (aanvraag,) = response.json()["aanvragen"]
    assert (aanvraag["status"], aanvraag["bedragEenmalig"]) == ("toegekend", "412.60")
    # and it counts for 2026: sent again, it is in its period
    assert dien_in(api, bsn, body, f"nogmaals-{bsn}").status_code == 409
    # while 2027 is a period of its own, assessed with an estimate that the gemeente decides on
    nieuw = beoordeel(api, bsn, AANVULLING)
    assert resultaat(nieuw, KWIJTSCHELDING)["geschatMetBedragenVan"] == 2026
    body = {**body, "beoordeling": nieuw["id"]}
    response = dien_in(api, bsn, body, f"nieuw-{bsn}")
    assert response.status_code == 201, response.text
    assert response.json()["aanvragen"][0]["status"] == "in-behandeling"


def test_a_gemeente_payment_needs_a_valid_iban(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0344"})
    body = {"beoordeling": beoordeling["id"], "regelingen": ["individuele-inkomenstoeslag-utrecht"],
            "iban": "NL00BANK0123456789"}  # fmt: skip
    response = dien_in(api, bsn, body, "iban-12345")
    assert response.status_code == 400
    assert response.json()["invalidParams"] == [{"name": "body.iban", "reason": "geen geldig IBAN"}]


def test_anyone_may_apply_also_when_the_check_says_no(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()  # lives in Buren: the Utrecht regeling says no, the gemeente decides
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0214"})
    assert resultaat(beoordeling, "individuele-inkomenstoeslag-utrecht")["recht"] is False
    body = {"beoordeling": beoordeling["id"],
            "regelingen": ["individuele-inkomenstoeslag-utrecht"], "iban": IBAN}  # fmt: skip
    response = dien_in(api, bsn, body, "awb-12345")
    assert response.status_code == 201
    assert response.json()["aanvragen"][0]["status"] == "in-behandeling"


def test_a_resident_withdraws_an_application_in_behandeling(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0344"})
    body = {"beoordeling": beoordeling["id"],
            "regelingen": ["individuele-inkomenstoeslag-utrecht"], "iban": IBAN}  # fmt: skip
    (aanvraag,) = dien_in(api, bsn, body, "intrek-123").json()["aanvragen"]
    ingetrokken = api.post(f"/aanvragen/{aanvraag['id']}/intrekking", headers=burger(bsn))
    assert ingetrokken.json()["status"] == "ingetrokken"
    again = api.post(f"/aanvragen/{aanvraag['id']}/intrekking", headers=burger(bsn))
    assert again.status_code == 409


def test_anonymous_evaluation_stores_nothing(api: httpx.Client) -> None:
    response = api.post("/beoordelingen", json={"peildatum": "2026-03-01", "huishouden": {
        "aanvrager": {"geboortedatum": "1990-05-01", "zorgverzekerd": True,
                      "toetsingsinkomen": 20000, "vermogen": 0}}})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["id"] is None
    assert resultaat(response.json(), "zorgtoeslag")["bedragPerMaand"] == "129.00"


def test_revoking_consent_deletes_cached_data_and_stops_the_prefill(api: httpx.Client) -> None:
    bsn = "999996666"
    toestemming(api, bsn, ("brp",))
    api.get("/gegevens", headers=burger(bsn))
    assert "brp" in api.get("/inzage", headers=burger(bsn)).json()["gegevens"]
    ingetrokken = api.delete("/toestemmingen/brp", headers=burger(bsn))
    assert ingetrokken.json()["doelen"] == []
    assert ingetrokken.json()["versie"] == 2  # the ledger keeps the earlier version
    assert "brp" not in api.get("/inzage", headers=burger(bsn)).json()["gegevens"]
    geweigerd = api.get("/gegevens", headers=burger(bsn))
    assert geweigerd.status_code == 403
    assert "brp" in geweigerd.json()["detail"]


def test_inzage_shows_who_read_my_data_and_why(api: httpx.Client) -> None:
    bsn = "999996678"
    toestemming(api, bsn, ("brp", "belastingdienst"))
    api.get("/gegevens", headers=burger(bsn))
    verwerkingen = api.get("/inzage", headers=burger(bsn)).json()["verwerkingen"]
    prefill = next(v for v in verwerkingen if v["verwerking"] == "vooraf-invullen")
    assert prefill["actor"] == "burger"
    assert prefill["bronnen"] == ["belastingdienst", "brp"]
    assert bsn not in str(verwerkingen)


def test_each_audit_record_carries_the_trace_id_of_its_request(api: httpx.Client) -> None:
    """Logboek Dataverwerkingen: a read is traced to its request, by API Gateway's request id
    (the x-amzn-RequestId of the answer), or by X-Ray's trace id when the request has one."""
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, AANVULLING)["id"]
    xray = "1-6a4f7d2c-0123456789abcdef01234567"
    trace = {"X-Amzn-Trace-Id": f"Root={xray};Parent=53995c3f42cd8ad8;Sampled=1"}

    zonder = api.get(f"/beoordelingen/{beoordeling}", headers=burger(bsn))
    met = api.get(f"/beoordelingen/{beoordeling}", headers={**burger(bsn), **trace})

    assert zonder.status_code == met.status_code == 200
    verwerkingen = api.get("/inzage", headers=burger(bsn)).json()["verwerkingen"]
    sporen = [v["traceId"] for v in verwerkingen if v["verwerking"] == "inzien-beoordeling"]
    assert sporen == [zonder.headers["x-amzn-RequestId"], xray]


def test_the_partners_inzage_shows_that_their_data_was_read(api: httpx.Client) -> None:
    toestemming(api, "999996708", ("brp", "belastingdienst"))
    api.get("/gegevens", headers=burger("999996708"))
    verwerkingen = api.get("/inzage", headers=burger("999996630")).json()["verwerkingen"]
    gelezen = [v for v in verwerkingen if v["verwerking"] == "vooraf-invullen-gezinslid"]
    assert gelezen
    assert gelezen[0]["bronnen"] == ["belastingdienst", "brp"]


def test_a_gemeente_reading_its_queue_is_audited_for_each_resident(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0344"})
    body = {"beoordeling": beoordeling["id"],
            "regelingen": ["individuele-inkomenstoeslag-utrecht"], "iban": IBAN}  # fmt: skip
    assert dien_in(api, bsn, body, "wachtrij-123").status_code == 201
    api.get("/aanvragen", headers=gemeente("0344"))
    verwerkingen = api.get("/inzage", headers=burger(bsn)).json()["verwerkingen"]
    assert {"verwerking": "inzien-aanvragen", "actor": "gemeente:0344"}.items() <= next(
        v for v in verwerkingen if v["verwerking"] == "inzien-aanvragen"
    ).items()


def test_the_bsn_is_kept_encrypted_exactly_while_consent_lasts(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    toestemming(api, bsn, ("svb",))
    assert api.get("/inzage", headers=burger(bsn)).json()["bsnVersleuteldBewaard"] is True
    pseudoniem = samenstelling.toestemmingen().sleutels.pseudoniem(bsn)
    item = samenstelling.toestemmingen().profielen.tabel.get_item(
        Key={"PK": f"BURGER#{pseudoniem}", "SK": "PROFIEL"}
    )
    versleuteld = item["Item"]["bsnVersleuteld"]
    assert bsn not in versleuteld
    assert samenstelling.toestemmingen().sleutels.ontsleutel(versleuteld) == bsn
    api.delete("/toestemmingen/svb", headers=burger(bsn))
    assert api.get("/inzage", headers=burger(bsn)).json()["bsnVersleuteldBewaard"] is False


def test_a_regeling_of_several_gemeenten_outside_them_is_400_and_nothing_is_written(
    api: httpx.Client,
) -> None:
    bsn = nieuwe_bsn()  # lives in Amsterdam: no gemeente in VIL decides its kwijtschelding
    beoordeling = beoordeel(api, bsn, {**AANVULLING, "huishouden.gemeentecode": "0363"})
    body = {"beoordeling": beoordeling["id"],
            "regelingen": ["zorgtoeslag", "kwijtschelding-gemeentelijke-belastingen"]}  # fmt: skip
    response = dien_in(api, bsn, body, "buiten-1234")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "body.regelingen"
    assert api.get("/aanvragen", headers=burger(bsn)).json()["aanvragen"] == []


def test_one_schedule_exactly_while_some_source_is_consented_for_the_monthly_check(
    api: httpx.Client,
) -> None:
    bsn = nieuwe_bsn()
    planner = samenstelling.toestemmingen().planner
    assert planner is not None
    pseudoniem = samenstelling.toestemmingen().sleutels.pseudoniem(bsn)

    def maandcheck(bron: str, doelen: list[str]) -> None:
        response = api.put(f"/toestemmingen/{bron}", json={"doelen": doelen}, headers=burger(bsn))
        assert response.status_code == 200, response.text

    maandcheck("brp", ["aanvragen"])
    assert not planner.bestaat(pseudoniem)  # consent for applications only: no schedule
    maandcheck("brp", ["aanvragen", "maandcheck"])
    maandcheck("uwv", ["maandcheck"])
    assert planner.bestaat(pseudoniem)
    maandcheck("brp", ["aanvragen"])
    assert planner.bestaat(pseudoniem)  # the UWV consent still asks for it
    assert api.delete("/toestemmingen/uwv", headers=burger(bsn)).status_code == 200
    assert not planner.bestaat(pseudoniem)  # the last consent for it is gone
