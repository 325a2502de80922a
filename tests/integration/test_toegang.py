"""Access control through the real API on the local stack: residents see only their own data,
gemeenten only their own applications, and anything else is a 404 (never a 403, which would
say that the resource exists) or, without the right kind of token, a 401."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import (
    AANVULLING,
    IBAN,
    aanvragen_van_gemeente,
    assert_problem,
    beoordeel,
    bewaard,
    dien_in,
    inwoner,
    nieuwe_bsn,
    toestemming,
)
from vil_local.lokaal import LokaleStack

IIT_UTRECHT = "individuele-inkomenstoeslag-utrecht"
# Per gemeente one of its own regelingen, which its residents apply for and it decides.
EIGEN_REGELING = {"0344": IIT_UTRECHT, "0307": "bijdrage-sport-en-cultuur-amersfoort"}


@dataclass
class Inwoner:
    """A resident with consent, prefilled data, a beoordeling and two aanvragen: one for a
    regeling of their own gemeente (in behandeling there) and the zorgtoeslag (rijk, forwarded)."""

    bsn: str
    gemeentecode: str
    beoordeling: str
    aanvraag: str  # the gemeente's, in behandeling
    rijk: str  # the zorgtoeslag's, no gemeente


def maak_inwoner(api: httpx.Client, stack: LokaleStack, zoals: str) -> Inwoner:
    bsn = inwoner(stack, zoals)
    toestemming(api, bsn)
    gegevens = api.get("/gegevens", headers=burger(bsn))
    assert gegevens.status_code == 200, gegevens.text
    gemeentecode = gegevens.json()["huishouden"]["gemeentecode"]
    eigen = EIGEN_REGELING[gemeentecode]
    beoordeling = beoordeel(api, bsn, AANVULLING)
    body = {"beoordeling": beoordeling["id"], "regelingen": [eigen, "zorgtoeslag"], "iban": IBAN}
    response = dien_in(api, bsn, body, f"toegang-{bsn}")
    assert response.status_code == 201, response.text
    status = {a["regeling"]: a for a in response.json()["aanvragen"]}
    assert status[eigen]["status"] == "in-behandeling"
    assert status[eigen]["gemeentecode"] == gemeentecode
    return Inwoner(
        bsn=bsn,
        gemeentecode=gemeentecode,
        beoordeling=beoordeling["id"],
        aanvraag=status[eigen]["id"],
        rijk=status["zorgtoeslag"]["id"],
    )


@pytest.fixture
def anna(api: httpx.Client, stack: LokaleStack) -> Inwoner:
    """Lives in Utrecht (as test person 999993653)."""
    return maak_inwoner(api, stack, "999993653")


@pytest.fixture(scope="module")
def vaste_anna(stack: LokaleStack) -> Iterator[Inwoner]:
    """Anna for the tests whose every request is refused (they check that nothing changed)."""
    with httpx.Client(base_url=stack.url + "/v1", timeout=30) as api:
        yield maak_inwoner(api, stack, "999993653")


@pytest.fixture
def bram(api: httpx.Client, stack: LokaleStack) -> Inwoner:
    """Lives in Amersfoort, high income (as test person 999999230)."""
    return maak_inwoner(api, stack, "999999230")


def status_van(api: httpx.Client, inwoner: Inwoner, aanvraag: str) -> str:
    response = api.get(f"/aanvragen/{aanvraag}", headers=burger(inwoner.bsn))
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


# Residents


def test_a_resident_never_reaches_another_residents_beoordeling(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    eigen = api.get(f"/beoordelingen/{bram.beoordeling}", headers=burger(bram.bsn))
    assert eigen.status_code == 200, eigen.text

    andermans = api.get(f"/beoordelingen/{anna.beoordeling}", headers=burger(bram.bsn))

    body = assert_problem(andermans, 404)
    assert anna.beoordeling not in andermans.text
    assert (
        body["detail"]
        == api.get("/beoordelingen/onbekend", headers=burger(bram.bsn)).json()["detail"]
    ), "another's beoordeling must look exactly like one that does not exist"


def test_a_resident_never_reaches_another_residents_aanvraag(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    for aanvraag in (anna.aanvraag, anna.rijk):
        andermans = api.get(f"/aanvragen/{aanvraag}", headers=burger(bram.bsn))
        assert_problem(andermans, 404)
        assert anna.bsn not in andermans.text

    eigen = api.get("/aanvragen", headers=burger(bram.bsn)).json()["aanvragen"]
    assert {a["id"] for a in eigen} == {bram.aanvraag, bram.rijk}


def test_a_resident_cannot_withdraw_another_residents_aanvraag(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    intrekking = api.post(f"/aanvragen/{anna.aanvraag}/intrekking", headers=burger(bram.bsn))

    assert_problem(intrekking, 404)
    assert status_van(api, anna, anna.aanvraag) == "in-behandeling"


def test_a_resident_cannot_apply_with_another_residents_beoordeling(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    vooraf = bewaard(api, anna.bsn)
    body = {"beoordeling": anna.beoordeling, "regelingen": ["huurtoeslag"]}

    response = dien_in(api, bram.bsn, body, f"andermans-{bram.bsn}")

    assert_problem(response, 404)
    assert bewaard(api, anna.bsn) == vooraf


def test_gegevens_and_inzage_show_only_the_residents_own_data(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    gegevens = api.get("/gegevens", headers=burger(bram.bsn)).json()
    assert gegevens["huishouden"]["gemeentecode"] == bram.gemeentecode == "0307"
    assert gegevens["huishouden"]["aanvrager"]["toetsingsinkomen"] == "86000.00"  # Bram's own

    inzage = bewaard(api, bram.bsn)
    # Bram's own, and nothing of Anna's: not her data, beoordeling, aanvragen or BSN
    assert {b["id"] for b in inzage["beoordelingen"]} == {bram.beoordeling}
    assert {a["id"] for a in inzage["aanvragen"]} == {bram.aanvraag, bram.rijk}
    assert {t["bron"] for t in inzage["toestemmingen"]} == {"brp", "belastingdienst", "uwv", "svb"}
    assert all(t["versie"] == 1 for t in inzage["toestemmingen"])  # Anna's consents are not his
    assert inzage["gegevens"]["brp"]["huishouden.gemeentecode"] == "0307"
    tekst = str(inzage)
    for van_anna in (anna.bsn, anna.beoordeling, anna.aanvraag, anna.rijk, "17500.00", "0344"):
        assert van_anna not in tekst
    assert bram.bsn not in tekst  # and not even his own BSN: VIL stores pseudonyms


# Gemeenten


def test_a_gemeente_never_sees_another_gemeentes_aanvragen(
    api: httpx.Client, anna: Inwoner, bram: Inwoner
) -> None:
    utrecht = set(aanvragen_van_gemeente(api, "0344"))
    amersfoort = set(aanvragen_van_gemeente(api, "0307"))

    assert anna.aanvraag in utrecht
    assert anna.aanvraag not in amersfoort
    assert bram.aanvraag in amersfoort
    assert bram.aanvraag not in utrecht
    # A rijksregeling is no gemeente's
    assert anna.rijk not in utrecht | amersfoort
    # Not with a filter on the other's regeling either
    assert anna.aanvraag not in set(aanvragen_van_gemeente(api, "0307", regeling=IIT_UTRECHT))
    assert anna.aanvraag not in set(aanvragen_van_gemeente(api, "0307", status="in-behandeling"))


def test_a_gemeente_gets_404_for_another_gemeentes_aanvraag(
    api: httpx.Client, anna: Inwoner
) -> None:
    assert api.get(f"/aanvragen/{anna.aanvraag}", headers=gemeente("0344")).status_code == 200

    for aanvraag in (anna.aanvraag, anna.rijk):
        assert_problem(api.get(f"/aanvragen/{aanvraag}", headers=gemeente("0307")), 404)
    assert_problem(api.get(f"/aanvragen/{anna.rijk}", headers=gemeente("0344")), 404)


def test_a_gemeente_cannot_decide_another_gemeentes_aanvraag(
    api: httpx.Client, anna: Inwoner
) -> None:
    besluit = {"besluit": "toekennen", "motivering": "Voldoet."}

    for aanvraag, code in ((anna.aanvraag, "0307"), (anna.rijk, "0344")):
        response = api.post(
            f"/aanvragen/{aanvraag}/besluiten", json=besluit, headers=gemeente(code)
        )
        assert_problem(response, 404)

    assert status_van(api, anna, anna.aanvraag) == "in-behandeling"
    assert status_van(api, anna, anna.rijk) == "doorgestuurd"


def test_an_application_goes_to_the_gemeente_whose_regeling_it_is(api: httpx.Client) -> None:
    """docs/architecture.md 5: a gemeente sees 'the applications for its own regelingen'. A resident
    of Amersfoort (0307) applies for Utrecht's (0344) inkomenstoeslag: Utrecht decides, and
    Amersfoort neither sees nor decides it. Without a known gemeente it is Utrecht's too."""
    for woonplaats in ({"huishouden.gemeentecode": "0307"}, {}):
        bsn = nieuwe_bsn()
        beoordeling = beoordeel(api, bsn, {**AANVULLING, **woonplaats})
        body = {"beoordeling": beoordeling["id"], "iban": IBAN, "regelingen": [IIT_UTRECHT]}
        response = dien_in(api, bsn, body, f"regeling-{bsn}")
        assert response.status_code == 201, response.text
        (aanvraag,) = response.json()["aanvragen"]

        assert aanvraag["gemeentecode"] == "0344"
        assert aanvraag["id"] in set(aanvragen_van_gemeente(api, "0344"))
        assert aanvraag["id"] not in set(aanvragen_van_gemeente(api, "0307"))
        besluit = {"besluit": "toekennen", "motivering": "Niet onze regeling."}
        response = api.post(
            f"/aanvragen/{aanvraag['id']}/besluiten", json=besluit, headers=gemeente("0307")
        )
        assert_problem(response, 404)


RESIDENT_ONLY: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/toestemmingen", None),
    ("PUT", "/toestemmingen/brp", {"doelen": ["aanvragen"]}),
    ("DELETE", "/toestemmingen/brp", None),
    ("GET", "/gegevens", None),
    ("GET", "/inzage", None),
    ("POST", "/beoordelingen", {"correcties": {}}),
    ("GET", "/beoordelingen/{beoordeling}", None),
    ("POST", "/aanvragen", {"beoordeling": "{beoordeling}", "regelingen": ["zorgtoeslag"]}),
    ("POST", "/aanvragen/{aanvraag}/intrekking", None),
    ("GET", "/meldingen", None),
    ("PATCH", "/meldingen/{aanvraag}", {"gelezen": True}),
    ("POST", "/maandchecks", None),
]


def _request(
    api: httpx.Client, inwoner: Inwoner, method: str, path: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    ids = {"beoordeling": inwoner.beoordeling, "aanvraag": inwoner.aanvraag}
    if isinstance(body, dict) and body.get("beoordeling"):
        body = {**body, "beoordeling": inwoner.beoordeling}
    headers = {**headers, "Idempotency-Key": f"toegang-{method}-{inwoner.bsn}"}
    return api.request(method, path.format(**ids), json=body, headers=headers)


def test_the_brps_gemeente_cannot_be_corrected_so_no_aanvraag_reaches_another_gemeente(
    api: httpx.Client, stack: LokaleStack
) -> None:
    """The BRP says where a resident lives, and so which gemeente decides: a correction of it
    is refused (the resident reports a move to their gemeente), and nothing is stored. Without
    BRP data the gemeentecode is the resident's own declaration, and marked so."""
    bsn = inwoner(stack, "999993653")  # Utrecht at the BRP
    toestemming(api, bsn)
    vooraf = bewaard(api, bsn)
    correcties = {**AANVULLING, "huishouden.gemeentecode": "0307"}

    response = api.post("/beoordelingen", json={"correcties": correcties}, headers=burger(bsn))

    body = assert_problem(response, 400)
    assert [p["name"] for p in body["invalidParams"]] == ["body.correcties.huishouden.gemeentecode"]
    assert bewaard(api, bsn)["beoordelingen"] == vooraf["beoordelingen"]
    zelf = beoordeel(api, nieuwe_bsn(), correcties)  # no BRP data: a declaration
    assert zelf["herkomst"]["huishouden.gemeentecode"]["soort"] == "eigen-verklaring"


@pytest.mark.parametrize(("method", "path", "body"), RESIDENT_ONLY)
def test_a_gemeente_cannot_call_resident_only_routes(
    api: httpx.Client, vaste_anna: Inwoner, method: str, path: str, body: Any
) -> None:
    anna = vaste_anna
    vooraf = bewaard(api, anna.bsn)

    response = _request(api, anna, method, path, body, gemeente(anna.gemeentecode))

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert bewaard(api, anna.bsn) == vooraf


NEEDS_A_TOKEN = [
    *RESIDENT_ONLY,
    ("GET", "/aanvragen", None),
    ("GET", "/aanvragen/{aanvraag}", None),
    ("POST", "/aanvragen/{aanvraag}/besluiten", {"besluit": "toekennen", "motivering": "Ja."}),
    ("GET", "/abonnementen", None),
    ("POST", "/abonnementen", {"callbackUrl": "http://127.0.0.1:9/"}),
    ("GET", "/abonnementen/{aanvraag}/afleveringen", None),
    ("POST", "/abonnementen/{aanvraag}/herleveringen", None),
]


@pytest.mark.parametrize(("method", "path", "body"), NEEDS_A_TOKEN)
def test_anonymous_callers_get_401_on_every_route_that_needs_a_token(
    api: httpx.Client, vaste_anna: Inwoner, method: str, path: str, body: Any
) -> None:
    anna = vaste_anna
    vooraf = bewaard(api, anna.bsn)

    response = _request(api, anna, method, path, body, {})

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert bewaard(api, anna.bsn) == vooraf


def test_a_beheerder_cannot_decide_applications(api: httpx.Client, anna: Inwoner) -> None:
    besluit = {"besluit": "afwijzen", "motivering": "Beheerder probeert te beslissen."}

    response = api.post(
        f"/aanvragen/{anna.aanvraag}/besluiten",
        json=besluit,
        headers=gemeente(anna.gemeentecode, rol="beheerder"),
    )

    assert response.status_code in (401, 403, 404), response.text
    assert_problem(response, response.status_code)
    assert status_van(api, anna, anna.aanvraag) == "in-behandeling"
    # The gemeente itself still can
    besloten = api.post(
        f"/aanvragen/{anna.aanvraag}/besluiten", json=besluit, headers=gemeente(anna.gemeentecode)
    )
    assert besloten.status_code == 200, besloten.text


def test_a_resident_cannot_decide_their_own_application(api: httpx.Client, anna: Inwoner) -> None:
    besluit = {"besluit": "toekennen", "motivering": "Ik vind van wel."}

    response = api.post(
        f"/aanvragen/{anna.aanvraag}/besluiten", json=besluit, headers=burger(anna.bsn)
    )

    assert response.status_code in (401, 403, 404), response.text
    assert_problem(response, response.status_code)
    assert status_van(api, anna, anna.aanvraag) == "in-behandeling"
