"""Machtigingen: a resident grants, lists and revokes; an organisation sees what it holds; the
access matrix of every resident route for each kind of actor (docs/machtigingen.md)."""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    ALLE_BRONNEN,
    ANDERE_ORGANISATIE,
    BEWINDKANTOOR,
    IBAN,
    KWIJTSCHELDING,
    WIJKTEAM,
    assert_problem,
    bearer,
    beoordeel,
    burger_claims,
    dien_in,
    gemachtigde,
    hulpverlener,
    invalid_params,
    inwoner,
    machtig,
    nieuwe_bsn,
    token,
)
from vil_local import tokens
from vil_local.lokaal import LokaleStack
from vil_local.overheid import Inschrijving

IIT = "individuele-inkomenstoeslag-utrecht"
ALLE_RECHTEN = ["aanvragen", "inzien", "meldingen-ontvangen", "toestemming"]


def test_a_resident_grants_lists_and_revokes_a_machtiging(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    machtiging = machtig(api, bsn, ["inzien", "aanvragen"], medewerker="mw-7")
    assert machtiging["organisatie"] == {"kvk": "90000017"}
    assert machtiging["rechten"] == ["aanvragen", "inzien"]
    assert (machtiging["soort"], machtiging["bron"]) == ("machtiging", "inwoner")
    assert machtiging["ingetrokkenOp"] is None
    assert bsn not in str(machtiging)
    # The resident sees it; the organisation's named employee sees it, another employee not
    eigen = api.get("/machtigingen", headers=burger(bsn)).json()
    assert [m["id"] for m in eigen["machtigingen"]] == [machtiging["id"]]
    gehouden = api.get("/machtigingen", headers=hulpverlener("mw-7")).json()["gemachtigd"]
    assert machtiging["id"] in [m["id"] for m in gehouden]
    ander = api.get("/machtigingen", headers=hulpverlener("mw-8")).json()["gemachtigd"]
    assert machtiging["id"] not in [m["id"] for m in ander]
    elders = api.get("/machtigingen", headers=hulpverlener("mw-7", ANDERE_ORGANISATIE)).json()
    assert machtiging["id"] not in [m["id"] for m in elders["gemachtigd"]]
    # Revoked in one call, twice is the same answer; someone else's is 404
    assert_problem(
        api.delete(f"/machtigingen/{machtiging['id']}", headers=burger(nieuwe_bsn())), 404
    )
    ingetrokken = api.delete(f"/machtigingen/{machtiging['id']}", headers=burger(bsn))
    assert ingetrokken.status_code == 200, ingetrokken.text
    assert ingetrokken.json()["ingetrokkenOp"] is not None
    nogmaals = api.delete(f"/machtigingen/{machtiging['id']}", headers=burger(bsn))
    assert nogmaals.json()["ingetrokkenOp"] == ingetrokken.json()["ingetrokkenOp"]


def test_a_bad_machtiging_is_one_400_listing_every_error(api: httpx.Client) -> None:
    body = {"organisatie": {"kvk": "123"}, "medewerker": "met spatie", "rechten": ["alles"],
            "geldigVanaf": "2026-13-01", "geldigTot": 20260701}  # fmt: skip
    response = api.post("/machtigingen", json=body, headers=burger(nieuwe_bsn()))
    namen = invalid_params(assert_problem(response, 400))
    for veld in ("organisatie.kvk", "medewerker", "rechten", "geldigVanaf", "geldigTot"):
        assert any(veld in naam for naam in namen), (veld, namen)


def test_a_machtiging_is_only_granted_by_the_resident_for_themself(api: httpx.Client) -> None:
    body = {"organisatie": {"kvk": "90000017"}, "rechten": ["inzien"],
            "geldigVanaf": "2026-06-01", "geldigTot": "2026-12-31"}  # fmt: skip
    assert_problem(api.post("/machtigingen", json=body, headers=hulpverlener()), 401)
    door_gemachtigde = gemachtigde(nieuwe_bsn(), nieuwe_bsn())
    assert_problem(api.post("/machtigingen", json=body, headers=door_gemachtigde), 401)
    verlopen = {**body, "geldigVanaf": "2026-06-01", "geldigTot": "2026-05-31"}
    response = api.post("/machtigingen", json=verlopen, headers=burger(nieuwe_bsn()))
    assert invalid_params(assert_problem(response, 400)) == ["body.geldigTot", "body.geldigTot"]


@dataclass(frozen=True)
class Route:
    methode: str
    pad: str  # {b}: the resident's beoordeling, {a}: their aanvraag in behandeling
    rechten: tuple[str, ...]  # any one of these
    gelukt: int
    body: Any = None


# Every route about a resident, with the right it needs (PATCH /meldingen/{id} is in
# test_a_machtiging_without_the_right_is_403: the resident has no melding to mark).
ROUTES = [
    Route("GET", "/toestemmingen", ("inzien",), 200),
    Route("PUT", "/toestemmingen/svb", ("toestemming",), 200, {"doelen": ["aanvragen"]}),
    Route("DELETE", "/toestemmingen/svb", ("toestemming",), 200),
    Route("GET", "/gegevens", ("inzien",), 200),
    Route("POST", "/beoordelingen", ("aanvragen",), 201, {"correcties": AANVULLING}),
    Route("GET", "/beoordelingen/{b}", ("inzien",), 200),
    Route("POST", "/aanvragen", ("aanvragen",), 201,
          {"beoordeling": "{b}", "regelingen": [KWIJTSCHELDING], "iban": IBAN}),
    Route("GET", "/aanvragen", ("inzien",), 200),
    Route("GET", "/aanvragen/{a}", ("inzien",), 200),
    Route("POST", "/aanvragen/{a}/intrekking", ("aanvragen",), 200),
    Route("GET", "/inzage", ("inzien",), 200),
    Route("GET", "/meldingen", ("inzien", "meldingen-ontvangen"), 200),
    Route("POST", "/maandchecks", ("aanvragen",), 200),
]  # fmt: skip


def test_the_matrix_has_every_route_that_acts_for_someone() -> None:
    """Every operation that takes X-Namens is in ROUTES (PATCH /meldingen/{id}: its own test)."""
    document = json.loads((ROOT / "layers/vil/vil/openapi.json").read_text())
    namens = {
        (methode.upper(), pad.removeprefix("/v1"))
        for pad, operaties in document["paths"].items()
        for methode, operatie in operaties.items()
        if any(p["name"].lower() == "x-namens" for p in operatie.get("parameters", []))
    }
    matrix = {(r.methode, re.sub(r"\{[ab]\}|(?<=/toestemmingen/)svb", "{}", r.pad)) for r in ROUTES}
    gevonden = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for m, p in namens}
    assert gevonden - matrix == {("PATCH", "/meldingen/{}")}
    assert matrix <= gevonden


@dataclass
class Geval:
    bsn: str
    beoordeling: str
    aanvraag: str

    def vul_in(self, tekst: str) -> str:
        return tekst.replace("{b}", self.beoordeling).replace("{a}", self.aanvraag)

    def verzoek(
        self, api: httpx.Client, route: Route, headers: dict[str, str], sleutel: str = "1"
    ) -> httpx.Response:
        body = route.body
        if isinstance(body, dict) and body.get("beoordeling") == "{b}":
            body = {**body, "beoordeling": self.beoordeling}
        if route.methode == "POST" and route.pad == "/aanvragen":
            headers = {**headers, "Idempotency-Key": f"namens-{self.bsn}-{sleutel}"}
        return api.request(route.methode, self.vul_in(route.pad), json=body, headers=headers)


def geval(stack: LokaleStack, api: httpx.Client) -> Geval:
    """A resident who consented to every source, with a beoordeling and an aanvraag that the
    gemeente still handles."""
    bsn = inwoner(stack)
    for bron in ALLE_BRONNEN:
        response = api.put(f"/toestemmingen/{bron}", headers=burger(bsn),
                           json={"doelen": ["aanvragen", "maandcheck"]})  # fmt: skip
        assert response.status_code == 200, response.text
    beoordeling = beoordeel(api, bsn, AANVULLING)["id"]
    ingediend = dien_in(api, bsn, {"beoordeling": beoordeling, "regelingen": [IIT],
                                   "iban": IBAN}, f"geval-{bsn}")  # fmt: skip
    assert ingediend.status_code == 201, ingediend.text
    (aanvraag,) = ingediend.json()["aanvragen"]
    assert aanvraag["status"] == "in-behandeling"
    return Geval(bsn, beoordeling, aanvraag["id"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.methode} {r.pad}")
def test_every_resident_route_for_every_kind_of_actor(
    stack: LokaleStack, api: httpx.Client, route: Route
) -> None:
    g = geval(stack, api)
    met_recht = machtig(api, g.bsn, list(route.rechten))["id"]
    zonder = machtig(api, g.bsn, [r for r in ALLE_RECHTEN if r not in route.rechten])["id"]
    # Without X-Namens a hulpverlener is refused (400), naming the header
    response = g.verzoek(api, route, hulpverlener())
    assert invalid_params(assert_problem(response, 400)) == ["header.X-Namens"]
    # Another organisation, or another resident, with the same machtiging id: 404
    assert_problem(g.verzoek(api, route, hulpverlener(kvk=ANDERE_ORGANISATIE, namens=met_recht)),
                   404)  # fmt: skip
    assert_problem(g.verzoek(api, route, burger(nieuwe_bsn()) | {"X-Namens": met_recht}), 404)
    # Not valid yet, or naming another employee of the organisation: 404
    later = machtig(api, g.bsn, list(route.rechten), vanaf="2026-06-16")["id"]
    assert_problem(g.verzoek(api, route, hulpverlener(namens=later)), 404)
    genoemd = machtig(api, g.bsn, list(route.rechten), medewerker="mw-2")["id"]
    assert_problem(g.verzoek(api, route, hulpverlener("mw-1", namens=genoemd)), 404)
    # A machtiging without the right: 403
    assert_problem(g.verzoek(api, route, hulpverlener(namens=zonder)), 403)
    # With the right: done for the resident
    gedaan = g.verzoek(api, route, hulpverlener(namens=met_recht))
    assert gedaan.status_code == route.gelukt, gedaan.text
    # Revoked between two requests: the next one is 404
    assert api.delete(f"/machtigingen/{met_recht}", headers=burger(g.bsn)).status_code == 200
    assert_problem(g.verzoek(api, route, hulpverlener(namens=met_recht), sleutel="2"), 404)


def test_a_hulpverlener_sees_and_does_what_the_resident_would(
    stack: LokaleStack, api: httpx.Client
) -> None:
    g = geval(stack, api)
    machtiging = machtig(api, g.bsn, ["inzien", "aanvragen"], medewerker="mw-3")["id"]
    eigen = api.get("/aanvragen", headers=burger(g.bsn)).json()
    namens = api.get("/aanvragen", headers=hulpverlener("mw-3", namens=machtiging))
    assert namens.status_code == 200, namens.text
    assert namens.json() == eigen
    assert [a["id"] for a in eigen["aanvragen"]] == [g.aanvraag]
    # Another employee of the same organisation does not hold a machtiging for one employee
    assert_problem(api.get("/aanvragen", headers=hulpverlener("mw-4", namens=machtiging)), 404)
    # Withdrawing for the resident changes the resident's aanvraag
    ingetrokken = api.post(f"/aanvragen/{g.aanvraag}/intrekking",
                           headers=hulpverlener("mw-3", namens=machtiging))  # fmt: skip
    assert ingetrokken.json()["status"] == "ingetrokken"
    assert api.get(f"/aanvragen/{g.aanvraag}", headers=burger(g.bsn)).json()["status"] == (
        "ingetrokken"
    )


def test_a_machtiging_holds_only_between_its_dates(klok: LokaleStack, api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    later = machtig(api, bsn, ["inzien"], vanaf="2026-06-20", tot="2026-06-30")["id"]
    nu = machtig(api, bsn, ["inzien"], vanaf="2026-06-01", tot="2026-06-16")["id"]
    assert_problem(api.get("/aanvragen", headers=hulpverlener(namens=later)), 404)
    assert api.get("/aanvragen", headers=hulpverlener(namens=nu)).status_code == 200
    klok.klok.verschuif(timedelta(days=6))  # 2026-06-21: the first has ended, the second begun
    assert_problem(api.get("/aanvragen", headers=hulpverlener(namens=nu)), 404)
    assert api.get("/aanvragen", headers=hulpverlener(namens=later)).status_code == 200


def test_a_machtiging_without_the_right_is_403_on_marking_a_melding(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    alleen_aanvragen = machtig(api, bsn, ["aanvragen"])["id"]
    response = api.patch("/meldingen/onbekend", json={"gelezen": True},
                         headers=hulpverlener(namens=alleen_aanvragen))  # fmt: skip
    assert_problem(response, 403)
    inzien = machtig(api, bsn, ["meldingen-ontvangen"])["id"]
    response = api.patch("/meldingen/onbekend", json={"gelezen": True},
                         headers=hulpverlener(namens=inzien))  # fmt: skip
    assert_problem(response, 404)  # allowed, and the resident has no such melding


def test_digid_machtigen_acts_for_the_represented_resident_without_consent_rights(
    stack: LokaleStack, api: httpx.Client
) -> None:
    g = geval(stack, api)
    kind = nieuwe_bsn()  # the gemachtigde, e.g. the resident's adult child
    namens = api.get("/aanvragen", headers=gemachtigde(kind, g.bsn))
    assert namens.status_code == 200, namens.text
    assert [a["id"] for a in namens.json()["aanvragen"]] == [g.aanvraag]
    # Consent is not part of a DigiD Machtigen machtiging
    response = api.put("/toestemmingen/svb", json={"doelen": ["aanvragen"]},
                       headers=gemachtigde(kind, g.bsn))  # fmt: skip
    assert_problem(response, 403)
    # One machtiging per request: the token's, never a second by header
    andere = machtig(api, g.bsn, ["inzien"])["id"]
    response = api.get("/aanvragen", headers=gemachtigde(kind, g.bsn) | {"X-Namens": andere})
    assert invalid_params(assert_problem(response, 400)) == ["header.X-Namens"]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"service_id": "een-andere-dienst"}, id="another service"),
        pytest.param({"acr": "http://eidas.europa.eu/LoA/low"}, id="below substantial"),
        pytest.param(
            {
                "represents": {
                    "sub": "s00000000:999990408",
                    "represents": {"sub": "s00000000:999993653"},
                }
            },
            id="nested representation",
        ),
        pytest.param({"represents": {"sub": "s00000000:123456789"}}, id="no valid BSN"),
    ],
)
def test_digid_machtigen_tokens_the_authorizer_refuses(
    api: httpx.Client, extra: dict[str, Any]
) -> None:
    claims = burger_claims("999993653") | {
        "service_id": tokens.MACHTIGEN_DIENST,
        "represents": {"sub": "s00000000:999990408", "sub_id_type": "urn:nl-eid-gdi:1.0:id:BSN"},
    }
    assert api.get("/aanvragen", headers=bearer(token(claims))).status_code == 200
    assert_problem(api.get("/aanvragen", headers=bearer(token(claims | extra))), 401)


def test_the_audit_trail_names_who_acted_for_the_resident(
    stack: LokaleStack, api: httpx.Client
) -> None:
    g = geval(stack, api)
    machtiging = machtig(api, g.bsn, ["inzien"], medewerker="mw-9")["id"]
    assert api.get("/gegevens", headers=hulpverlener("mw-9", namens=machtiging)).status_code == 200
    controle = machtig(api, g.bsn, ["aanvragen"], medewerker="mw-9")["id"]
    response = api.post("/maandchecks", headers=hulpverlener("mw-9", namens=controle))
    assert response.status_code == 200, response.text
    inzage = api.get("/inzage", headers=burger(g.bsn)).json()
    door_hulpverlener = [v for v in inzage["verwerkingen"] if v.get("vertegenwoordiger")]
    assert door_hulpverlener, inzage["verwerkingen"]
    (record,) = [v for v in door_hulpverlener if v["verwerking"] == "vooraf-invullen"]
    assert record["actor"] == "hulpverlener"
    assert record["vertegenwoordiger"] == "hulpverlener:kvk:90000017:mw-9"
    assert (record["machtiging"], record["organisatie"]) == (machtiging, "kvk:90000017")
    assert g.bsn not in str(inzage["verwerkingen"])
    (regel,) = [n for n in inzage["namensU"] if n["wat"] == "vooraf-invullen"]
    assert regel["wie"] == "Medewerker mw-9 van de organisatie met KvK-nummer 90000017"
    assert regel["machtiging"] == machtiging
    (maandcheck,) = [n for n in inzage["namensU"] if n["wat"] == "maandcheck"]
    assert (maandcheck["machtiging"], maandcheck["doel"]) == (controle, "maandcheck")


def test_the_gemeente_hears_that_a_representative_applied_and_not_who(
    stack: LokaleStack, api: httpx.Client
) -> None:
    g = geval(stack, api)  # the resident applied for the IIT themself
    machtiging = machtig(api, g.bsn, ["aanvragen"])["id"]
    ingetrokken = api.post(f"/aanvragen/{g.aanvraag}/intrekking", headers=burger(g.bsn))
    assert ingetrokken.status_code == 200, ingetrokken.text
    # Then the hulpverlener applies again for the resident, in the same period
    body = {"beoordeling": g.beoordeling, "regelingen": [IIT], "iban": IBAN}
    headers = hulpverlener("mw-5", namens=machtiging) | {"Idempotency-Key": f"hv-{g.bsn}"}
    response = api.post("/aanvragen", json=body, headers=headers)
    assert response.status_code == 201, response.text
    (namens,) = response.json()["aanvragen"]
    assert namens["doorVertegenwoordiger"] is True
    stack.verwerk()
    events = {o.event["subject"]: o.event for o in stack.ontvanger.afgeleverd("0344")}
    assert events[g.aanvraag]["data"]["doorVertegenwoordiger"] is False
    event = events[namens["id"]]
    assert event["type"] == "nl.vil.aanvraag.ingediend"
    assert event["data"]["doorVertegenwoordiger"] is True
    for geheim in (g.bsn, "mw-5", WIJKTEAM, machtiging):
        assert geheim not in json.dumps(event)
    # The resident's inzage names the act and who did it; their own acts are in the log too
    inzage = api.get("/inzage", headers=burger(g.bsn)).json()
    namens_u = [(n["wat"], n["machtiging"]) for n in inzage["namensU"]]
    assert namens_u.count(("aanvragen", machtiging)) == 1
    zelf = [v["verwerking"] for v in inzage["verwerkingen"] if v["actor"] == "burger"]
    assert {"aanvragen", "intrekken"} <= set(zelf)


def test_the_caseload_lists_each_client_with_what_needs_attention(
    stack: LokaleStack, api: httpx.Client
) -> None:
    g = geval(stack, api)  # consent for every source, an aanvraag in behandeling
    kvk, medewerker = nieuwe_bsn()[1:], "mw-1"  # an organisation of this test's own
    inzien = machtig(api, g.bsn, ["inzien"], kvk, medewerker, tot="2026-07-01")["id"]
    zonder_consent = nieuwe_bsn()
    aanvragen = machtig(api, zonder_consent, ["aanvragen"], kvk)["id"]  # the whole organisation
    derde = nieuwe_bsn()
    ingetrokken = machtig(api, derde, ["inzien"], kvk, medewerker)["id"]
    assert api.delete(f"/machtigingen/{ingetrokken}", headers=burger(derde)).status_code == 200
    response = api.get("/clienten", headers=hulpverlener(medewerker, kvk))
    assert response.status_code == 200, response.text
    clienten = {c["machtiging"]: c for c in response.json()["clienten"]}
    assert set(clienten) == {inzien, aanvragen}  # not the revoked one
    eerste = clienten[inzien]
    assert (eerste["openAanvragen"], eerste["ongelezenMeldingen"]) == (1, 0)
    assert eerste["bronnenZonderToestemming"] == []
    assert eerste["verlooptBinnenkort"] is True  # 1 July is within 30 days of 15 June
    tweede = clienten[aanvragen]  # no right to see anything: only the machtiging itself
    assert tweede["openAanvragen"] is None
    assert tweede["bronnenZonderToestemming"] is None
    assert tweede["verlooptBinnenkort"] is False
    assert g.bsn not in response.text
    # Another employee of the organisation has only the organisation's client
    ander = api.get("/clienten", headers=hulpverlener("mw-2", kvk)).json()
    assert [c["machtiging"] for c in ander["clienten"]] == [aanvragen]
    # Reading the caseload is in the client's own trail
    namens_u = api.get("/inzage", headers=burger(g.bsn)).json()["namensU"]
    assert [n["wat"] for n in namens_u] == ["caseload"]


def test_the_caseload_is_paged_and_leaves_out_what_has_ended(api: httpx.Client) -> None:
    kvk = nieuwe_bsn()[1:]  # an organisation of this test's own
    gegeven = [machtig(api, nieuwe_bsn(), ["aanvragen"], kvk)["id"] for _ in range(3)]
    bsn = nieuwe_bsn()
    weg = machtig(api, bsn, ["aanvragen"], kvk)["id"]
    assert api.delete(f"/machtigingen/{weg}", headers=burger(bsn)).status_code == 200
    gezien: list[str] = []
    params: dict[str, Any] = {"limiet": 2}
    while True:
        pagina = api.get("/clienten", params=params, headers=hulpverlener("mw-1", kvk)).json()
        gezien += [c["machtiging"] for c in pagina["clienten"]]
        if pagina["volgende"] is None:
            break
        params["cursor"] = pagina["volgende"]
    assert sorted(gezien) == sorted(gegeven)
    assert gezien == list(reversed(gegeven))  # newest machtiging first
    response = api.get("/clienten", params={"cursor": "x"}, headers=hulpverlener("mw-1", kvk))
    assert invalid_params(assert_problem(response, 400)) == ["query.cursor"]
    # A resident holds no machtiging of anyone; a gemeente has no clients
    eigen = api.get("/clienten", headers=burger(nieuwe_bsn()))
    assert eigen.status_code == 200, eigen.text
    assert eigen.json() == {"clienten": [], "volgende": None}
    assert_problem(api.get("/clienten", headers=gemeente("0344")), 401)


# Wettelijke vertegenwoordiging: the fake government's Centraal Curatele- en Bewindregister.


def inschrijving(stack: LokaleStack, bsn: str, soort: str, door: str) -> str:
    """A court's decision in the register for resident `bsn`; the id to send as X-Namens."""
    nummer = stack.overheid.registreer(
        Inschrijving.model_validate({"soort": soort, "betrokkene": bsn,
                                     "vertegenwoordigers": [door], "ingangsdatum": "2026-01-01"})
    )  # fmt: skip
    return f"ccbr-{nummer}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.methode} {r.pad}")
def test_every_resident_route_for_a_wettelijk_vertegenwoordiger_and_digid_machtigen(
    stack: LokaleStack, api: httpx.Client, route: Route
) -> None:
    g = geval(stack, api)
    bewind = inschrijving(stack, g.bsn, "bewind", f"kvk:{BEWINDKANTOOR}")
    zus = nieuwe_bsn()
    mentor = inschrijving(stack, g.bsn, "mentorschap", f"bsn:{zus}")
    # DigiD Machtigen gives everything but consent (what it gives is done in the tests above),
    # under the token's machtiging only: a second one by header is a 400 (no chains)
    dubbel = gemachtigde(nieuwe_bsn(), g.bsn) | {"X-Namens": bewind}
    assert invalid_params(assert_problem(g.verzoek(api, route, dubbel), 400)) == ["header.X-Namens"]
    if route.rechten == ("toestemming",):
        assert_problem(g.verzoek(api, route, gemachtigde(nieuwe_bsn(), g.bsn)), 403)
    elif route.methode == "GET":
        assert g.verzoek(api, route, gemachtigde(nieuwe_bsn(), g.bsn)).status_code == 200
    # A mentor decides on care, not money: no right in VIL
    assert_problem(g.verzoek(api, route, burger(zus) | {"X-Namens": mentor}), 403)
    # Whom the register does not name: 404, as for someone else's machtiging
    assert_problem(g.verzoek(api, route, burger(nieuwe_bsn()) | {"X-Namens": mentor}), 404)
    assert_problem(g.verzoek(api, route, hulpverlener("bw-1", WIJKTEAM, bewind)), 404)
    # Any employee of the bewindvoerder's office, without a machtiging stored in VIL: done
    gedaan = g.verzoek(api, route, hulpverlener("bw-1", BEWINDKANTOOR, bewind))
    assert gedaan.status_code == route.gelukt, gedaan.text
    # The court ends the bewind (yesterday): the next request is 404
    stack.overheid.beeindig(bewind.removeprefix("ccbr-"), date(2026, 6, 14))
    response = g.verzoek(api, route, hulpverlener("bw-2", BEWINDKANTOOR, bewind), sleutel="2")
    assert_problem(response, 404)


def test_the_bewindvoerder_of_the_test_person_and_what_the_resident_sees(
    stack: LokaleStack, api: httpx.Client
) -> None:
    kantoor = hulpverlener("bw-1", BEWINDKANTOOR, "ccbr-202500017")  # test person 999990123
    # A bewindvoerder gives consent for the sources, as the resident would
    for bron in ALLE_BRONNEN:
        response = api.put(f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]},
                           headers=kantoor)  # fmt: skip
        assert response.status_code == 200, response.text
    response = api.get("/gegevens", headers=kantoor)
    assert response.status_code == 200, response.text
    eigen = api.get("/machtigingen", headers=burger("999990123")).json()["machtigingen"]
    (bewind,) = [m for m in eigen if m["id"] == "ccbr-202500017"]
    assert (bewind["soort"], bewind["bron"], bewind["organisatie"]) == (
        "bewind", "ccbr", {"kvk": BEWINDKANTOOR}
    )  # fmt: skip
    assert bewind["rechten"] == ALLE_RECHTEN
    # The resident cannot revoke it in VIL: it ends in the register
    assert_problem(api.delete("/machtigingen/ccbr-202500017", headers=burger("999990123")), 409)
    # The office has the resident among its clients; the register is read on every request
    clienten = api.get("/clienten", headers=hulpverlener("bw-7", BEWINDKANTOOR)).json()
    assert "ccbr-202500017" in [c["machtiging"] for c in clienten["clienten"]]
    gelezen = stack.overheid.calls["ccbr"]
    assert api.get("/aanvragen", headers=kantoor).status_code == 200
    assert stack.overheid.calls["ccbr"] == gelezen + 1
    # The resident's inzage names the office and the register read
    namens_u = api.get("/inzage", headers=burger("999990123")).json()["namensU"]
    wat = {n["wat"] for n in namens_u if n["machtiging"] == "ccbr-202500017"}
    assert {"register-gelezen", "toestemming-gegeven", "vooraf-invullen"} <= wat
    (regel, *_) = [n for n in namens_u if n["wat"] == "vooraf-invullen"]
    assert regel["wie"] == "Medewerker bw-1 van de organisatie met KvK-nummer 90000029"


def test_a_register_that_does_not_answer_is_503(stack: LokaleStack, api: httpx.Client) -> None:
    bsn = inwoner(stack)
    bewind = inschrijving(stack, bsn, "curatele", f"kvk:{BEWINDKANTOOR}")
    try:
        stack.overheid.fail("ccbr", 500, times=3)
        response = api.get("/aanvragen", headers=hulpverlener("bw-1", BEWINDKANTOOR, bewind))
        assert_problem(response, 503)
        assert response.headers["Retry-After"] == "30"
    finally:
        stack.overheid.fail("ccbr", 200, times=0)
    assert (
        api.get("/aanvragen", headers=hulpverlener("bw-1", BEWINDKANTOOR, bewind)).status_code
        == 200
    )


def test_machtigingen_are_paged_for_the_resident_and_the_organisation(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    kvk = nieuwe_bsn()[1:]  # an organisation of this test's own
    gegeven = [machtig(api, bsn, ["inzien"], kvk, medewerker)["id"]
               for medewerker in ("mw-1", None, "mw-2", "mw-1")]  # fmt: skip

    def alles(headers: dict[str, str], lijst: str) -> list[list[str]]:
        paginas: list[list[str]] = []
        params: dict[str, Any] = {"limiet": 2}
        while True:
            response = api.get("/machtigingen", params=params, headers=headers)
            assert response.status_code == 200, response.text
            paginas.append([m["id"] for m in response.json()[lijst]])
            if response.json()["volgende"] is None:
                return paginas
            params["cursor"] = response.json()["volgende"]

    nieuwste = list(reversed(gegeven))
    assert alles(burger(bsn), "machtigingen") == [nieuwste[:2], nieuwste[2:]]
    # mw-1 holds the two naming them and the organisation's; a page may be short (filtered)
    gezien = [m for pagina in alles(hulpverlener("mw-1", kvk), "gemachtigd") for m in pagina]
    assert gezien == [gegeven[3], gegeven[1], gegeven[0]]
    for cursor in ("x", "~.b", "a.~.b"):
        response = api.get("/machtigingen", params={"cursor": cursor}, headers=burger(bsn))
        assert invalid_params(assert_problem(response, 400)) == ["query.cursor"], cursor


def test_meldingen_are_paged(api: httpx.Client) -> None:
    bsn = nieuwe_bsn()
    response = api.get("/meldingen", params={"limiet": 1}, headers=burger(bsn))
    assert response.json() == {"meldingen": [], "volgende": None}
    response = api.get("/meldingen", params={"cursor": "onbekend"}, headers=burger(bsn))
    assert invalid_params(assert_problem(response, 400)) == ["query.cursor"]
    response = api.get("/meldingen", params={"limiet": 0}, headers=burger(bsn))
    assert invalid_params(assert_problem(response, 400)) == ["query.limiet"]
