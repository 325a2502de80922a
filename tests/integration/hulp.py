"""The helpers of the integration and contract tests, in one place: problem checks, residents
the fake government knows, tokens the dev issuer would never issue, what VIL stores about
someone, and the steps of the loket (consent, beoordeling, submission) over the API. Test modules
import helpers from here only, never from one another."""

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import httpx
import jwt
from stdnum.nl import bsn as elfproef

from tests.integration.conftest import burger, gemeente
from vil import samenstelling
from vil.api import PROBLEM, SECURITY_HEADERS
from vil.klok import AMSTERDAM
from vil.loket.web import COOKIE
from vil.models.aanvraag import Beslisverslag
from vil.models.resultaat import Resultaat
from vil.models.toestemming import Bron
from vil.services import herspelen
from vil_local import tokens
from vil_local.lokaal import LokaleStack


def assert_headers(response: httpx.Response) -> None:
    """`API-Version` and the security headers of docs/standards.md 1a, on any response."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """An RFC 9457 problem with this status, with the headers of every response; its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    assert_headers(response)
    body: dict[str, Any] = response.json()
    for member in ("type", "title", "detail"):
        assert isinstance(body.get(member), str), body
        assert body[member], body
    assert body["status"] == status
    return body


def invalid_params(body: dict[str, Any]) -> list[str]:
    """The names in a 400's invalidParams, in order."""
    return [param["name"] for param in body["invalidParams"]]


def inwoner(stack: LokaleStack, zoals: str = "999993653") -> str:
    """A fresh BSN that every source knows as the test person `zoals` (docs/sources.md).

    The persons of docs/sources.md are shared by the whole session; a copy under a new BSN can be
    given consent, prefilled and made to apply without touching anyone else's state.
    """
    return stack.overheid.kopie(zoals)


def bewaard(api: httpx.Client, bsn: str) -> dict[str, Any]:
    """Everything VIL stores about a resident (GET /v1/inzage), less the records of the inzage
    requests themselves: two calls around a refused request must be equal."""
    response = api.get("/inzage", headers=burger(bsn))
    assert response.status_code == 200, response.text
    inzage: dict[str, Any] = response.json()
    inzage["verwerkingen"] = [v for v in inzage["verwerkingen"] if v["verwerking"] != "inzage"]
    return inzage


def aanvragen_van_gemeente(api: httpx.Client, code: str, **filters: str) -> Iterator[str]:
    """The id of every aanvraag a gemeente sees, following the cursor to the last page."""
    params: dict[str, str | int] = {"limiet": 100, **filters}
    while True:
        response = api.get("/aanvragen", params=params, headers=gemeente(code))
        assert response.status_code == 200, response.text
        page = response.json()
        yield from (aanvraag["id"] for aanvraag in page["aanvragen"])
        if page["volgende"] is None:
            return
        params["cursor"] = page["volgende"]


def token(claims: dict[str, Any], key: Any = None, geldig: timedelta = timedelta(hours=1)) -> str:
    """A token with the dev issuer's kid, signed with `key` (the dev key by default), valid for
    `geldig` from now (negative: expired that long ago)."""
    nu = datetime.now(UTC)
    payload = {"aud": tokens.AUDIENCE, "iat": nu - timedelta(hours=3), "exp": nu + geldig}
    kid = tokens.jwks()["keys"][0]["kid"]
    return jwt.encode(
        {**payload, **claims}, key or tokens.signing_key(), algorithm="RS256", headers={"kid": kid}
    )


def burger_claims(bsn: str) -> dict[str, Any]:
    return {
        "iss": tokens.BURGER_ISSUER,
        "bsn": bsn,
        "acr": "http://eidas.europa.eu/LoA/substantial",
    }


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


# Formerly in test_loket.py: shared by several test modules.


ALLE_BRONNEN = ("brp", "belastingdienst", "uwv", "svb")


# What a resident adds to the prefill: facts no source holds.
AANVULLING = {
    "huishouden.aanvrager.student": False,
    "huishouden.aanvrager.studentAfgelopenDrieJaar": False,
    "huishouden.aanvrager.geenUitzichtOpInkomensverbetering": True,
    "huishouden.woning": {"huurwoning": True, "zelfstandig": True, "kaleHuur": 640,
                          "nettoWoonlasten": 380},
    "huishouden.gemeentelijkeBelastingen": 412.60,
}  # fmt: skip


IBAN = "NL91ABNA0417164300"


KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"


_nummers = (str(n) for n in itertools.count(999_970_000) if elfproef.is_valid(str(n)))


def nieuwe_bsn() -> str:
    """A valid BSN no source knows: a resident whose facts all come from corrections."""
    return next(_nummers)


def toestemming(api: httpx.Client, bsn: str, bronnen: tuple[str, ...] = ALLE_BRONNEN) -> None:
    for bron in bronnen:
        response = api.put(f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]},
                           headers=burger(bsn))  # fmt: skip
        assert response.status_code == 200, response.text


def beoordeel(api: httpx.Client, bsn: str, correcties: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/beoordelingen", json={"correcties": correcties}, headers=burger(bsn))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def dien_in(api: httpx.Client, bsn: str, body: dict[str, Any], sleutel: str) -> httpx.Response:
    headers = {**burger(bsn), "Idempotency-Key": sleutel}
    return api.post("/aanvragen", json=body, headers=headers)


def resultaat(beoordeling: dict[str, Any], regeling: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in beoordeling["resultaten"] if r["regeling"] == regeling)
    return found


# Formerly in test_beslisverslag.py: shared by several test modules.


# A family in Amersfoort whose every fact is the resident's own (no consent, no source).
GEZIN = {
    "huishouden.gemeentecode": "0307",
    "huishouden.aanvrager": {"geboortedatum": "1986-09-02", "zorgverzekerd": True,
                             "toetsingsinkomen": 24000, "vermogen": 3000, "student": False,
                             "studentAfgelopenDrieJaar": False},
    "huishouden.partner": {"geboortedatum": "1988-01-20", "zorgverzekerd": True,
                           "toetsingsinkomen": 6000, "vermogen": 0},
    "huishouden.kinderen": [{"geboortedatum": "2018-04-11", "kinderbijslag": True},
                            {"geboortedatum": "2012-11-30", "kinderbijslag": True}],
    "huishouden.woning": {"huurwoning": True, "zelfstandig": True, "kaleHuur": 720,
                          "nettoWoonlasten": 500},
    "huishouden.nettoInkomenPerMaand": 2150,
    "huishouden.inkomenshistorie": [{"maand": f"2026-0{m}", "nettoInkomen": 2150}
                                    for m in range(1, 6)],
    "huishouden.gemeentelijkeBelastingen": 398.20,
}  # fmt: skip


def herspeel(verslag: Beslisverslag) -> Resultaat:
    """Evaluate the verslag's facts again, with the version of the regeling it names (the
    catalogue of the functions: the rule files plus every published version)."""
    return herspelen.herspeel(samenstelling.aanvragen().catalogus, verslag)


# Formerly in test_storingen.py: shared by several test modules.


@contextmanager
def storing(stack: LokaleStack, bron: Bron) -> Iterator[None]:
    """Whatever fault the block gives `bron`, it is gone afterwards."""
    try:
        yield
    finally:
        stack.overheid.slow(bron, 0)
        stack.overheid.fail(bron, 200, times=0)
        stack.overheid.up(bron)


# Formerly in test_afleveren.py: shared by several test modules.


AMERSFOORT = "0307"


def aanvraag(
    api: httpx.Client, regeling: str = "bijdrage-sport-en-cultuur-amersfoort"
) -> dict[str, Any]:
    """A new resident of Amersfoort (all facts their own) applies for one regeling."""
    bsn = nieuwe_bsn()
    response = api.post(
        "/beoordelingen",
        json={"correcties": GEZIN, "peildatum": "2026-06-01"},
        headers=burger(bsn),
    )
    assert response.status_code == 201, response.text
    body = {"beoordeling": response.json()["id"], "regelingen": [regeling], "iban": IBAN}
    ingediend = dien_in(api, bsn, body, f"afleveren-{bsn}")
    assert ingediend.status_code == 201, ingediend.text
    result: dict[str, Any] = ingediend.json()["aanvragen"][0]
    return {**result, "bsn": bsn}


def ontvangen(stack: LokaleStack, aanvraag_id: str) -> list[dict[str, Any]]:
    return [
        o.event for o in stack.ontvanger.afgeleverd(AMERSFOORT) if o.event["subject"] == aanvraag_id
    ]


# Acting for someone (docs/machtigingen.md).


WIJKTEAM = "90000017"  # the KvK number of the fake government's wijkteam
ANDERE_ORGANISATIE = "90000025"
BEWINDKANTOOR = "90000029"  # the fake register's bewindvoerder of test person 999990123


def hulpverlener(
    medewerker: str = "mw-1", kvk: str = WIJKTEAM, namens: str | None = None
) -> dict[str, str]:
    """An organisation's employee (eHerkenning-style token), acting under machtiging `namens`."""
    headers = bearer(tokens.hulpverlener_token(medewerker, kvk=kvk))
    return headers | ({"X-Namens": namens} if namens else {})


def gemachtigde(bsn: str, namens: str) -> dict[str, str]:
    """A DigiD Machtigen token: `bsn` logs in to act for the resident `namens`."""
    return bearer(tokens.machtigen_token(bsn, namens))


def machtig(
    api: httpx.Client,
    bsn: str,
    rechten: list[str],
    kvk: str = WIJKTEAM,
    medewerker: str | None = None,
    vanaf: str = "2026-06-01",
    tot: str = "2026-12-31",
) -> dict[str, Any]:
    """The resident `bsn` grants an organisation (one employee) these rights; the machtiging."""
    body: dict[str, Any] = {"organisatie": {"kvk": kvk}, "rechten": rechten,
                            "geldigVanaf": vanaf, "geldigTot": tot}  # fmt: skip
    if medewerker:
        body["medewerker"] = medewerker
    response = api.post("/machtigingen", json=body, headers=burger(bsn))
    assert response.status_code == 201, response.text
    machtiging: dict[str, Any] = response.json()
    return machtiging


# The beheermodule: Utrecht's IIT, two beheerders of Utrecht and one of Amersfoort.


IIT_UTRECHT = "individuele-inkomenstoeslag-utrecht"
GEVALLEN_2026 = (
    "Een alleenstaande met drie jaar een laag inkomen krijgt € 276, indicatief omdat het bedrag"
    " van 2024 is",
    "Eén maand met een te hoog inkomen in het laatste jaar breekt de drie jaar niet",
)


def beheerder(code: str, medewerker: str) -> dict[str, str]:
    """The header of a beheerder of gemeente `code`, the person `medewerker`."""
    return {"Authorization": f"Bearer {tokens.gemeente_token(code, 'beheerder', medewerker)}"}


ANNE = beheerder("0344", "anne")
BRAM = beheerder("0344", "bram")
AMERSFOORT_BEHEERDER = beheerder("0307", "cor")


def voorstel(
    bedrag: str = "290", met_gevallen: bool = True, bevestig_grens: bool = False
) -> dict[str, Any]:
    """The 2026 amount for a single person, with the rule file's two cases that pay one in 2026
    superseded by cases expecting the new amount; `bevestig_grens`: the 110% income limit
    confirmed too, and the resident's word on studying accepted (no source tells it yet): then
    nothing a single person's result uses is unconfirmed."""
    regeling = samenstelling.beheer().catalogus.regel(IIT_UTRECHT, date(2026, 3, 1)).regeling
    gevallen = []
    for geval in regeling.tests:
        if met_gevallen and geval.naam in GEVALLEN_2026:
            document = geval.model_dump(mode="json", by_alias=True, exclude_unset=True)
            document["bron"] = "Gemeenteblad 2026, 12345 (testwaarde)"
            document["verwacht"] = {"recht": True, "bedragEenmalig": f"{bedrag}.00"}
            gevallen.append(document)
    waarden = [
        {
            "parameter": "bedragAlleenstaande",
            "vanaf": "2026-01-01",
            "waarde": bedrag,
            "bron": "Gemeenteblad 2026, 12345 (testwaarde)",
            "status": "bevestigd",
        }
    ]
    if bevestig_grens:
        waarden.append(
            {
                "parameter": "inkomensgrensPercentage",
                "vanaf": "2026-01-01",
                "waarde": "110",
                "bron": "Gemeenteblad 2026, 12345 (testwaarde)",
                "status": "bevestigd",
            }
        )
    body = {
        "ingangsdatum": "2026-01-01",
        "toelichting": "De bedragen van 2026.",
        "waarden": waarden,
        "tests": gevallen,
    }
    if bevestig_grens:
        body["eigenVerklaring"] = VERKLARINGEN_IIT
    return body


# What Utrecht accepts on a resident's word in the cycle and the demo: the rule file's own
# declaration, and (a test choice, not Utrecht's) whether they study or studied.
VERKLARINGEN_IIT = [
    "aanvrager.geenUitzichtOpInkomensverbetering",
    "aanvrager.student",
    "aanvrager.studentAfgelopenDrieJaar",
]


# A day every test that publishes a version plays on, and rolls back on: the session's stack
# is shared, a publication on another day would bind every later one (never before it), and a
# rollback on the same day leaves every peildatum with the rule file's version.
PUBLICATIEDAG = datetime(2026, 6, 15, 9, 0, tzinfo=AMSTERDAM)
_publicaties = itertools.count()


def publicatiedag(stack: LokaleStack) -> None:
    """Put the stack's clock on PUBLICATIEDAG, a minute after the moment the previous publishing
    test started: publications are ordered by the moment of approval, and on AWS time never
    goes back, so neither may it between the tests of one shared stack."""
    stack.zet(PUBLICATIEDAG + timedelta(minutes=next(_publicaties)))


def keur_goed(api: httpx.Client, pad: str, voorsteller: dict[str, str],
              keurder: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """Submit a version (its proposer) and approve it (another beheerder): the version."""
    ingediend = api.patch(pad, json={"status": "ter-goedkeuring"}, headers=voorsteller)
    assert ingediend.status_code == 200, ingediend.text
    rapport = api.post(f"{pad}/impact", headers=keurder)  # small: done in the request
    assert rapport.status_code == 201, rapport.text
    goedgekeurd = api.post(
        f"{pad}/goedkeuringen", json=goedkeuring(rapport.json()), headers=keurder
    )
    assert goedgekeurd.status_code == 200, goedgekeurd.text
    versie: dict[str, Any] = goedgekeurd.json()
    return versie


def draai_terug(api: httpx.Client, nummer: int) -> dict[str, Any]:
    """Roll version `nummer` of Utrecht's IIT back (bram proposes, anne approves) on
    PUBLICATIEDAG: the rule file's values again, for every peildatum from that day."""
    pad = f"/regelingen/{IIT_UTRECHT}/versies"
    verzoek = {"ingangsdatum": PUBLICATIEDAG.date().isoformat(), "toelichting": "Terug."}
    terug = api.post(f"{pad}/{nummer}/terugdraaiingen", json=verzoek, headers=BRAM)
    assert terug.status_code == 201, terug.text
    return keur_goed(api, f"{pad}/{terug.json()['versie']}", BRAM, ANNE)


def impact(
    api: httpx.Client, stack: LokaleStack, regeling: str, versie: int, wie: dict[str, str]
) -> dict[str, Any]:
    """A finished impact report of a version: started, and (when it continues in the worker)
    the queue drained; read at its Location."""
    gestart = api.post(f"/regelingen/{regeling}/versies/{versie}/impact", headers=wie)
    assert gestart.status_code in (201, 202), gestart.text
    if gestart.status_code == 202:
        stack.verwerk()
    gelezen = api.get(stack.url + gestart.headers["Location"], headers=wie)
    assert gelezen.status_code == 200, gelezen.text
    rapport: dict[str, Any] = gelezen.json()
    assert rapport["status"] == "klaar", rapport
    return rapport


def goedkeuring(rapport: dict[str, Any]) -> dict[str, Any]:
    """An approval that names the impact report its approver saw."""
    return {
        "besluit": "goedkeuren",
        "impactrapport": {"id": rapport["id"], "hash": rapport["hash"]},
    }


# The loket's pages as a browser without JavaScript sees them.

FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
VERBORGEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Browser:
    """Links, forms and redirects, one session cookie, no JavaScript."""

    def __init__(self, stack: LokaleStack) -> None:
        self.url = stack.url
        self.client = httpx.Client(timeout=30, follow_redirects=False)
        self.cookie: str | None = None
        self.pagina = ""

    def _verstuur(
        self, methode: str, pad: str, data: dict[str, str] | None = None
    ) -> httpx.Response:
        url = pad if pad.startswith("http") else self.url + pad
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        antwoord = self.client.request(methode, url, data=data, headers=headers)
        for waarde in antwoord.headers.get_list("set-cookie"):
            naam, _, rest = waarde.partition("=")
            if naam == COOKIE:
                self.cookie = rest.split(";", 1)[0] or None
        return antwoord

    def ga(self, methode: str, pad: str, data: dict[str, str] | None = None) -> httpx.Response:
        """The request, and every redirect after it (as a browser: 303 and 302 become GET)."""
        antwoord = self._verstuur(methode, pad, data)
        for _ in range(10):
            if antwoord.status_code not in (302, 303):
                break
            antwoord = self._verstuur("GET", antwoord.headers["location"])
        self.pagina = antwoord.text
        return antwoord

    def verstuur(self, actie: str, velden: dict[str, str]) -> httpx.Response:
        """Post the page's form whose action ends with `actie`, its hidden fields included."""
        for doel, inhoud in FORM.findall(self.pagina):
            if unescape(doel).endswith(actie):
                return self.ga(
                    "POST", unescape(doel), {**dict(VERBORGEN.findall(inhoud)), **velden}
                )
        raise AssertionError(f"geen formulier naar {actie} op de pagina")

    def log_in_in_loket(self, keuze: str) -> httpx.Response:
        """/loket/inloggen and the simulation's choice (`bsn:...`, `hulpverlener:mw-1`)."""
        self.cookie = None
        self.ga("GET", "/loket/inloggen")
        assert "DigiD simulatie" in self.pagina
        return self.verstuur("/_local/digid/authorize", {"keuze": keuze})

    def log_in(self, beheerder: str) -> httpx.Response:
        """/beheer/inloggen, the simulation's choice, back through the loket's callback."""
        self.cookie = None
        self.ga("GET", "/beheer/inloggen")
        assert "DigiD simulatie" in self.pagina
        return self.verstuur("/_local/digid/authorize", {"keuze": f"beheerder:{beheerder}"})


def tekst(html: str) -> str:
    """The page's text, tags removed, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def fouten_in_samenvatting(html: str) -> list[str]:
    """The fields the error summary links to, in its order."""
    samenvatting = html.split('id="foutsamenvatting-kop"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', samenvatting)
