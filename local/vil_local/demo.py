"""`vil demo`: the one-button scenario against a running local stack, as a readable story.

A resident (a fresh copy of test person 999993653) consents, VIL prefills and evaluates, the
resident applies; the gemeente decides what it must decide and receives a signed webhook for each
change. A month later (the stack's clock moved on) the resident's income has risen: the monthly
check tells the resident and sends the gemeente a herziening. Then, in a chapter of its own, a
wijkteam's hulpverlener applies for another resident who machtigde them, and that resident's
inzage names them. Every step is a real HTTP request.

Then the gemeente confirms its own amounts in the beheermodule (`_beheer_bevestigt`): its
beheerder anne proposes them, a second beheerder bram approves, and from the version's
ingangsdatum the next resident's inkomenstoeslag is granted on the spot, without a deploy.

The story is the same on any day and on every run: it puts the stack's clock at MOMENT first
(the amounts are those in force then), and a new copy of the test person never meets the
application of an earlier run. The confirmed version takes effect on a day after the story's
evaluations (BEVESTIGD_VANAF), so a second run tells the same story against the same stack.
"""

import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx

from vil.klok import AMSTERDAM
from vil.rules.tekst import datum, euro
from vil_local import tokens

ZOALS = "999993653"  # the test person the demo's resident is a copy of (docs/sources.md)
MOMENT = datetime(2026, 6, 15, 9, 0, tzinfo=AMSTERDAM)
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
IIT = "individuele-inkomenstoeslag-utrecht"
BEVESTIGD_VANAF = date(2026, 8, 1)  # the confirmed version's ingangsdatum: after the story
# A demo, not Utrecht's decision: the 2024 amount and the derived 110% limit confirmed, with a
# publication that does not exist, and the resident's word on studying accepted (no source
# tells it yet). What the demo shows is the mechanism, not Utrecht's numbers.
DEMOBRON = "Gemeenteblad 2026, demo (geen echte publicatie)"
BEVESTIGING = {
    "ingangsdatum": BEVESTIGD_VANAF.isoformat(),
    "toelichting": "De bedragen van 2026 zijn vastgesteld en gepubliceerd (demo).",
    "waarden": [
        {"parameter": "bedragAlleenstaande", "vanaf": BEVESTIGD_VANAF.isoformat(),
         "waarde": "276", "bron": DEMOBRON, "status": "bevestigd"},
        {"parameter": "inkomensgrensPercentage", "vanaf": BEVESTIGD_VANAF.isoformat(),
         "waarde": "110", "bron": DEMOBRON, "status": "bevestigd"},
    ],
    "eigenVerklaring": [
        "aanvrager.geenUitzichtOpInkomensverbetering",
        "aanvrager.student",
        "aanvrager.studentAfgelopenDrieJaar",
    ],
}  # fmt: skip


def run(url: str) -> int:
    try:
        return _verhaal(url)
    except httpx.ConnectError:
        print(f"vil demo: geen lokale stack op {url}; start die met `make run`.", file=sys.stderr)
        return 1


def _verhaal(url: str) -> int:
    lokaal = httpx.Client(base_url=url.rstrip("/"), timeout=600)
    _ok(lokaal.post("/_local/klok", json={"nu": MOMENT.isoformat()}))
    bsn = _ok(lokaal.post("/_local/overheid", json={"zoals": ZOALS}))["bsn"]
    burger = {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}
    gemeente = {"Authorization": f"Bearer {tokens.gemeente_token(GEMEENTE)}"}
    with httpx.Client(base_url=url.rstrip("/") + "/v1", timeout=30) as api:
        print(
            f"De demo speelt op {datum(MOMENT.date())}: de klok van de lokale stack staat daarop."
        )
        print(f"Inwoner {bsn} is alleenstaand in Utrecht en verdient al jaren € 1.380 netto per")
        print(f"maand (zoals testpersoon {ZOALS}).")
        aanvragen = _vraag_alles_aan(api, burger)
        wachtend = [a for a in aanvragen if a["status"] == "in-behandeling"]
        _gemeente_beslist(api, gemeente, wachtend)
        print("5. De inwoner ziet zijn aanvragen:")
        for aanvraag in _ok(api.get("/aanvragen", headers=burger))["aanvragen"]:
            print(f"   {aanvraag['naam']}: {aanvraag['status']}")
        ids = {a["id"] for a in aanvragen}
        print(f"6. Gemeente {GEMEENTE} kreeg ondertekende webhooks (handtekening gecontroleerd):")
        verwacht = len([a for a in aanvragen if a["gemeentecode"]]) + len(
            [a for a in wachtend if a["gemeentecode"] == GEMEENTE]
        )
        for event in _ontvangen(lokaal, ids, lambda e: True, verwacht):
            print(f"   {event['type']} voor aanvraag {event['subject']}")
        _een_maand_later(lokaal, api, bsn, burger, gemeente, ids)
        _namens_een_inwoner(lokaal, api)

        _beheer_bevestigt(lokaal, api)
    return 0


def _vraag_alles_aan(api: httpx.Client, burger: dict[str, str]) -> list[dict[str, Any]]:
    """Steps 1-3: consent, the beoordeling, and one button for everything with a right."""
    print("1. De inwoner geeft toestemming voor BRP, Belastingdienst, UWV en SVB,")
    print("   om aan te vragen en om elke maand te laten controleren.")
    for bron in ("brp", "belastingdienst", "uwv", "svb"):
        doelen = {"doelen": ["aanvragen", "maandcheck"]}
        _ok(api.put(f"/toestemmingen/{bron}", json=doelen, headers=burger))
    print("2. VIL vult de gegevens vooraf in, de inwoner vult aan, VIL beoordeelt:")
    beoordeling = _ok(api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=burger))
    for resultaat in beoordeling["resultaten"]:
        print("   " + _regel(resultaat))
    kansrijk = [r["regeling"] for r in beoordeling["resultaten"] if r["recht"]]
    print("3. De inwoner vraagt alles aan waar recht op is (één knop):")
    aanvragen: list[dict[str, Any]] = _ok(
        api.post(
            "/aanvragen",
            json={"beoordeling": beoordeling["id"], "regelingen": kansrijk, "iban": IBAN},
            headers={**burger, "Idempotency-Key": str(uuid.uuid4())},
        )
    )["aanvragen"]
    for aanvraag in aanvragen:
        print(f"   {aanvraag['naam']}: {aanvraag['status']} — {aanvraag['toelichting']}")
    return aanvragen


def _gemeente_beslist(
    api: httpx.Client, gemeente: dict[str, str], wachtend: list[dict[str, Any]]
) -> None:
    """Step 4: the gemeente grants what waits for its decision."""
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


def _een_maand_later(
    lokaal: httpx.Client,
    api: httpx.Client,
    bsn: str,
    burger: dict[str, str],
    gemeente: dict[str, str],
    ids: set[str],
) -> None:
    """Steps 7-8: a higher income, a month on the clock, the monthly check's melding and the
    gemeente's herziening."""
    print("7. Een maand later verdient de inwoner € 1.450 netto per maand in plaats van € 1.380.")
    _ok(lokaal.post(f"/_local/overheid/{bsn}", json={"pad": "nettoInkomen", "waarde": 1450}))
    _ok(lokaal.post("/_local/klok", json={"duur": "31d"}))
    print("   De maandcheck vraagt de bronnen opnieuw en meldt de inwoner:")
    for melding in _ok(api.get("/meldingen", headers=burger))["meldingen"]:
        print(f"   [{melding['soort']}] {melding['tekst']}")
    herzien = _ontvangen(lokaal, ids, lambda e: e["type"].endswith(".herzien"), 1)
    for event in herzien:
        print(f"8. Gemeente {GEMEENTE} kreeg {event['type']} voor aanvraag {event['subject']};")
        herziening = _ok(api.get(f"/aanvragen/{event['subject']}", headers=gemeente))
        print(f"   zij leest: {herziening['herziening']['toelichting']}")


WIJKTEAM = "90000017"  # the fake government's wijkteam (vil local prints it)


def _namens_een_inwoner(lokaal: httpx.Client, api: httpx.Client) -> None:
    """A chapter of its own: a wijkteam's hulpverlener applies for a resident who gave a
    machtiging, and the resident's inzage names who did what (docs/machtigingen.md)."""
    print("\nNamens een inwoner: het wijkteam helpt.")
    bsn = _ok(lokaal.post("/_local/overheid", json={"zoals": ZOALS}))["bsn"]
    inwoner = {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}
    hulp = {"Authorization": f"Bearer {tokens.hulpverlener_token('mw-1', kvk=WIJKTEAM)}"}
    print(f"Inwoner {bsn} (weer zoals testpersoon {ZOALS}) vraagt het wijkteam om hulp.")
    print("- Zij geeft zelf toestemming voor de bronnen en machtigt medewerker mw-1 van het")
    print(f"  wijkteam (KvK {WIJKTEAM}) om haar gegevens in te zien en voor haar aan te vragen.")
    for bron in ("brp", "belastingdienst", "uwv", "svb"):
        _ok(api.put(f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]}, headers=inwoner))
    machtiging = _ok(
        api.post(
            "/machtigingen",
            json={"organisatie": {"kvk": WIJKTEAM}, "medewerker": "mw-1",
                  "rechten": ["inzien", "aanvragen"], "geldigVanaf": MOMENT.date().isoformat(),
                  "geldigTot": "2026-12-31"},
            headers=inwoner,
        )
    )["id"]  # fmt: skip
    clienten = _ok(api.get("/clienten", headers=hulp))["clienten"]
    (client,) = [c for c in clienten if c["machtiging"] == machtiging]
    print(f"- De hulpverlener ziet haar bij zijn cliënten (rechten: {', '.join(client['rechten'])};"
          " geen BSN, alleen de machtiging).")  # fmt: skip
    namens = {**hulp, "X-Namens": machtiging}
    beoordeling = _ok(api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=namens))
    kansrijk = [r["regeling"] for r in beoordeling["resultaten"] if r["recht"]]
    print("- Hij laat VIL beoordelen en vraagt namens haar alles aan waar recht op is:")
    aanvragen = _ok(
        api.post(
            "/aanvragen",
            json={"beoordeling": beoordeling["id"], "regelingen": kansrijk, "iban": IBAN},
            headers={**namens, "Idempotency-Key": str(uuid.uuid4())},
        )
    )["aanvragen"]
    for aanvraag in aanvragen:
        vertegenwoordiger = (
            " (door een vertegenwoordiger)" if aanvraag["doorVertegenwoordiger"] else ""
        )
        print(f"    {aanvraag['naam']}: {aanvraag['status']}{vertegenwoordiger}")
    print("- In haar inzage ziet de inwoner wie namens haar wat deed:")
    namens_u = _ok(api.get("/inzage", headers=inwoner))["namensU"]
    for wie, wat in dict.fromkeys((n["wie"], n["wat"]) for n in namens_u):
        print(f"    {wie}: {wat}")
    print("- De gemeente hoort dat een vertegenwoordiger aanvroeg, nooit wie.")


def _beheer_bevestigt(lokaal: httpx.Client, api: httpx.Client) -> None:
    """Steps 9-12 (the beheermodule, issue 13): Utrecht's beheerder anne confirms the
    inkomenstoeslag's amounts, bram approves (four eyes), the gemeente's systems hear of it,
    and from the ingangsdatum a resident in the same situation is granted on the spot."""
    anne = {"Authorization": f"Bearer {tokens.gemeente_token(GEMEENTE, 'beheerder', 'anne')}"}
    bram = {"Authorization": f"Bearer {tokens.gemeente_token(GEMEENTE, 'beheerder', 'bram')}"}
    bsn = _ok(lokaal.post("/_local/overheid", json={"zoals": ZOALS}))["bsn"]
    burger = {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}
    for bron in ("brp", "belastingdienst", "uwv", "svb"):
        _ok(api.put(f"/toestemmingen/{bron}", json={"doelen": ["aanvragen"]}, headers=burger))
    print("9. Een andere inwoner in dezelfde situatie laat VIL beoordelen:")
    print("   " + _regel(_iit(api, burger)[0]))
    print(f"10. Beheerder anne van gemeente {GEMEENTE} stelt in de beheermodule voor: de bedragen")
    print(f"    van 2026 gelden als gepubliceerd vanaf {datum(BEVESTIGD_VANAF)} ({DEMOBRON}).")
    versies = f"/regelingen/{IIT}/versies"
    versie = _ok(api.post(versies, json=BEVESTIGING, headers=anne))
    print("    VIL controleert haar als een regelbestand, met elk testgeval: " + versie["status"])
    pad = f"{versies}/{versie['versie']}"
    _ok(api.patch(pad, json={"status": "ter-goedkeuring"}, headers=anne))
    rapport = _ok(api.post(f"{pad}/impact", headers=bram))  # small: done in the request
    print(f"11. Beheerder bram bekijkt eerst de impact op de inwoners van de gemeente"
          f" ({rapport['status']}; de goedkeuring noemt dit rapport).")  # fmt: skip
    gezien = {"id": rapport["id"], "hash": rapport["hash"]}
    besluit = {"besluit": "goedkeuren", "impactrapport": gezien}
    gekeurd = _ok(api.post(f"{pad}/goedkeuringen", json=besluit, headers=bram))
    print(f"    Hij keurt goed (vier ogen): {gekeurd['status']}, in werking vanaf"
          f" {datum(date.fromisoformat(gekeurd['inWerkingVanaf']))}.")  # fmt: skip
    for event in _ontvangen(
        lokaal, {IIT}, lambda e: e["data"].get("versie") == versie["versie"], 1
    ):
        print(f"    Gemeente {GEMEENTE} kreeg {event['type']} voor {event['subject']}.")
    moment = datetime.combine(BEVESTIGD_VANAF, MOMENT.timetz())
    _ok(lokaal.post("/_local/klok", json={"nu": moment.isoformat()}))
    resultaat, beoordeling = _iit(api, burger)
    print(
        f"12. Op {datum(BEVESTIGD_VANAF)}, zonder nieuwe deploy, beoordeelt VIL de inwoner opnieuw:"
    )
    print("    " + _regel(resultaat))
    (aanvraag,) = _ok(
        api.post(
            "/aanvragen",
            json={"beoordeling": beoordeling, "regelingen": [IIT], "iban": IBAN},
            headers={**burger, "Idempotency-Key": str(uuid.uuid4())},
        )
    )["aanvragen"]
    print(f"    De inwoner vraagt aan: {aanvraag['status']} — {aanvraag['toelichting']}")


def _iit(api: httpx.Client, burger: dict[str, str]) -> tuple[dict[str, Any], str]:
    """A new beoordeling: the inkomenstoeslag's result, and the beoordeling's id."""
    beoordeling = _ok(api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=burger))
    (resultaat,) = [r for r in beoordeling["resultaten"] if r["regeling"] == IIT]
    return resultaat, beoordeling["id"]


def _ontvangen(
    lokaal: httpx.Client, ids: set[str], past: Callable[[dict[str, Any]], bool], minimaal: int
) -> list[dict[str, Any]]:
    """The events about these aanvragen the local receiver accepted; waits (a few seconds at
    most) for the stack's background work to deliver at least `minimaal`."""
    for _ in range(50):
        events = [
            e for e in _ok(lokaal.get("/_local/ontvanger")) if e["subject"] in ids and past(e)
        ]
        if len(events) >= minimaal:
            return events
        time.sleep(0.2)
    return events


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
