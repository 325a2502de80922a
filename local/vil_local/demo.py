"""`vil demo`: the one-button scenario against a running local stack, as a readable story.

A resident (test person 999993653) consents, VIL prefills and evaluates, the resident applies;
the gemeente then decides what it must decide. Every step is a real HTTP request.
"""

import sys
import uuid
from decimal import Decimal
from typing import Any

import httpx

from vil.rules.tekst import euro
from vil_local import tokens

BSN = "999993653"
GEMEENTE = "0344"
AANVULLING = {  # facts no source holds: the resident adds them
    "huishouden.aanvrager.student": False,
    "huishouden.aanvrager.studentAfgelopenDrieJaar": False,
    "huishouden.aanvrager.geenUitzichtOpInkomensverbetering": True,
    "huishouden.woning": {
        "huurwoning": True,
        "zelfstandig": True,
        "kaleHuur": 640,
        "nettoWoonlasten": 380,
    },
    "huishouden.gemeentelijkeBelastingen": 412.60,
}
IBAN = "NL91ABNA0417164300"


def run(url: str) -> int:
    try:
        return _verhaal(url)
    except httpx.ConnectError:
        print(f"vil demo: geen lokale stack op {url}; start die met `make run`.", file=sys.stderr)
        return 1


def _verhaal(url: str) -> int:
    burger = {"Authorization": f"Bearer {tokens.burger_token(BSN)}"}
    gemeente = {"Authorization": f"Bearer {tokens.gemeente_token(GEMEENTE)}"}
    with httpx.Client(base_url=url.rstrip("/") + "/v1", timeout=30) as api:
        print(f"1. Inwoner {BSN} geeft toestemming voor BRP, Belastingdienst, UWV en SVB.")
        for bron in ("brp", "belastingdienst", "uwv", "svb"):
            _ok(api.put(f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]}, headers=burger))
        print("2. VIL vult de gegevens vooraf in, de inwoner vult aan, VIL beoordeelt:")
        beoordeling = _ok(
            api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=burger)
        )
        kansrijk = []
        for resultaat in beoordeling["resultaten"]:
            print("   " + _regel(resultaat))
            if resultaat["recht"]:
                kansrijk.append(resultaat["regeling"])
        print("3. De inwoner vraagt alles aan waar recht op is (één knop):")
        aanvragen = _ok(
            api.post(
                "/aanvragen",
                json={"beoordeling": beoordeling["id"], "regelingen": kansrijk, "iban": IBAN},
                headers={**burger, "Idempotency-Key": str(uuid.uuid4())},
            )
        )["aanvragen"]
        for aanvraag in aanvragen:
            print(f"   {aanvraag['naam']}: {aanvraag['status']} — {aanvraag['toelichting']}")
        wachtend = [a for a in aanvragen if a["status"] == "in-behandeling"]
        for aanvraag in wachtend:
            if aanvraag["gemeentecode"] != GEMEENTE:
                continue
            print(f"4. Gemeente {GEMEENTE} beslist over {aanvraag['naam']}: toekennen.")
            _ok(
                api.post(
                    f"/aanvragen/{aanvraag['id']}/besluiten",
                    json={"besluit": "toekennen", "motivering": "Voldoet aan de voorwaarden."},
                    headers=gemeente,
                )
            )
        print("5. De inwoner ziet zijn aanvragen:")
        for aanvraag in _ok(api.get("/aanvragen", headers=burger))["aanvragen"]:
            print(f"   {aanvraag['naam']}: {aanvraag['status']}")
    return 0


def _regel(resultaat: dict[str, Any]) -> str:
    recht = {True: "ja", False: "nee", None: "onbekend"}[resultaat["recht"]]
    if resultaat["indicatief"] and resultaat["recht"]:
        recht += " (indicatief)"
    bedrag = resultaat["bedragPerMaand"] or resultaat["bedragEenmalig"]
    if not resultaat["recht"] or bedrag is None:
        return f"{resultaat['naam']}: {recht}"
    eenheid = " per maand" if resultaat["bedragPerMaand"] else ""
    return f"{resultaat['naam']}: {recht}, {euro(Decimal(bedrag), centen=True)}{eenheid}"


def _ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise SystemExit(f"vil demo: {response.request.method} {response.request.url.path}"
                         f" gaf {response.status_code}: {response.text}")  # fmt: skip
    return response.json()
