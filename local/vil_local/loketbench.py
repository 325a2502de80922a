"""`python -m vil_local.loketbench`: each loket page's server time and size on the local stack.

Logs in through the DigiD simulatie, walks the resident flow once (consent, questions,
beoordeling, applying), then asks every page 20 times and prints the p50 of the function's own
time (its Server-Timing header) and the page's HTML plus the stylesheet in KB. Targets
(docs/loket.md): p50 at most 50 ms, HTML and CSS at most 150 KB.
"""

import re
import statistics
from urllib.parse import parse_qs, urlsplit

import httpx

from vil_local.cli import quiet

COOKIE = "__Host-vil-sessie"
PAGINAS = (
    "/loket/", "/loket/overzicht", "/loket/toestemming", "/loket/gegevens", "/loket/vragen",
    "/loket/controle", "/loket/uitkomst", "/loket/aangevraagd", "/loket/aanvragen",
    "/loket/meldingen", "/loket/inzage", "/loket/machtigingen", "/loket/machtigingen/nieuw",
    "/loket/toegankelijkheid",
)  # fmt: skip
KEER = 20


def _sessie(web: httpx.Client, bsn: str) -> dict[str, str]:
    begin = web.get("/loket/inloggen")
    poging = begin.headers["set-cookie"].split(";")[0]
    authorize = urlsplit(begin.headers["location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    terug = urlsplit(
        web.post(authorize.path, data={**query, "keuze": f"bsn:{bsn}"}).headers["location"]
    )
    antwoord = web.get(f"{terug.path}?{terug.query}", headers={"Cookie": poging})
    assert antwoord.status_code == 303, antwoord.text[:2000]
    return {"Cookie": antwoord.headers["set-cookie"].split(";")[0]}


def _csrf(web: httpx.Client, cookie: dict[str, str], pad: str) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', web.get(pad, headers=cookie).text)
    assert gevonden
    return gevonden[1]


def _doorloop(web: httpx.Client, cookie: dict[str, str]) -> None:
    """The flow once, so that every page has something to show."""
    csrf = _csrf(web, cookie, "/loket/toestemming")
    keuzes = {f"{b}-aanvragen": "ja" for b in ("brp", "belastingdienst", "uwv", "svb")}
    web.post("/loket/toestemming", headers=cookie, data={"csrf": csrf, **keuzes})
    web.get("/loket/gegevens", headers=cookie)
    web.post("/loket/vragen", headers=cookie, data={
        "csrf": csrf, "v-woning-huurwoning": "ja", "v-woning-zelfstandig": "ja",
        "v-woning-kaleHuur": "640", "v-aanvrager-student": "nee",
        "v-aanvrager-studentAfgelopenDrieJaar": "nee",
        "v-aanvrager-geenUitzichtOpInkomensverbetering": "ja",
        "v-woning-nettoWoonlasten": "380", "v-gemeentelijkeBelastingen": "412,60",
    })  # fmt: skip
    web.post("/loket/controle", headers=cookie, data={"csrf": csrf})
    web.post("/loket/aanvragen", headers=cookie, data={
        "csrf": csrf, "regeling": ["kwijtschelding-gemeentelijke-belastingen", "zorgtoeslag"],
    })  # fmt: skip


def main() -> None:
    quiet()  # before the functions are imported: their Powertools settings, no metric lines
    from vil_local.lokaal import LokaleStack

    with LokaleStack(port=0) as stack, httpx.Client(base_url=stack.url) as web:
        cookie = _sessie(web, stack.overheid.kopie("999993653"))
        _doorloop(web, cookie)
        css = len(web.get("/loket/stijl/loket.css").content)
        print(f"{'pagina':<26} {'p50 ms':>7} {'HTML+CSS KB':>12}")
        for pad in PAGINAS:
            tijden, grootte = [], 0
            for _ in range(KEER):
                antwoord = web.get(pad, headers=cookie)
                assert antwoord.status_code == 200, (pad, antwoord.status_code)
                tijden.append(float(antwoord.headers["server-timing"].split("dur=")[1]))
                grootte = len(antwoord.content)
            print(f"{pad:<26} {statistics.median(tijden):>7.1f} {(grootte + css) / 1024:>12.1f}")


if __name__ == "__main__":
    main()
