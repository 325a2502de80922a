"""The loket: web pages for residents and hulpverleners (server-rendered HTML, docs/loket.md).

Transport only, as every function: each page reads the request, calls the same use cases as the
API's routes (vil.services, composed by vil.samenstelling.loket) and renders a template. The
login is the OIDC code flow with PKCE and the session lives in the table (vil.services.sessies).
"""

import time
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vil import samenstelling
from vil.fouten import NietGeauthenticeerd, VilFout
from vil.loket.web import (
    Antwoord,
    Router,
    Verzoek,
    als_event,
    extern,
    fout,
    naar,
    pagina,
    set_cookie,
    verzoek_uit,
)
from vil.observability import gebeurtenis, instrumented, logger
from vil.services import sessies

STIJL = Path(__file__).parent / "static" / "loket.css"  # made by `make` from npm's packages
router = Router()


# The pages anyone sees.


@router.get("/loket")
def zonder_slash(verzoek: Verzoek) -> Antwoord:
    return naar(verzoek, "/loket/")


@router.get("/loket/")
def start(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "start.html")


@router.get("/loket/toegankelijkheid")
def toegankelijkheid(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "toegankelijkheid.html")


@router.get("/loket/stijl/loket.css")
def stijl(verzoek: Verzoek) -> Antwoord:
    if not STIJL.is_file():
        return Antwoord(
            HTTPStatus.NOT_FOUND, "/* make run maakt de stijl */", content_type="text/css"
        )
    return Antwoord(
        HTTPStatus.OK,
        STIJL.read_text(encoding="utf-8"),
        {"Cache-Control": "public, max-age=3600"},
        content_type="text/css; charset=utf-8",
    )


# Logging in and out (vil.services.sessies).


@router.get("/loket/inloggen")
def inloggen(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    nieuw, url = sessies.begin(diensten, verzoek.query.get("terug", "/loket/overzicht"))
    verzoek.nieuwe_cookie = set_cookie(nieuw.cookie)
    return extern(url)


@router.get("/loket/inloggen/terug")
def inloggen_terug(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    if "code" not in verzoek.query or "state" not in verzoek.query:
        if verzoek.sessie is not None:
            sessies.beëindig(diensten, verzoek.sessie)
        verzoek.sessie = None
        return pagina(verzoek, "niet-ingelogd.html", HTTPStatus.UNAUTHORIZED)
    try:
        nieuw = sessies.rond_af(
            diensten, verzoek.sessie, verzoek.query["code"], verzoek.query["state"]
        )
    except NietGeauthenticeerd as weigering:
        logger.info("Inloggen mislukt", reden=weigering.detail)
        gebeurtenis("LoketInloggenMislukt")
        verzoek.sessie = None
        verzoek.nieuwe_cookie = set_cookie("", leeg=True)
        return pagina(verzoek, "niet-ingelogd.html", HTTPStatus.UNAUTHORIZED)
    gebeurtenis("LoketIngelogd")
    verzoek.nieuwe_cookie = set_cookie(nieuw.cookie)
    return naar(verzoek, str(nieuw.sessie.stap.get("terug") or "/loket/overzicht"))


@router.post("/loket/uitloggen")
def uitloggen(verzoek: Verzoek) -> Antwoord:
    if verzoek.sessie is not None:
        sessies.beëindig(samenstelling.loket(), verzoek.sessie)
    verzoek.sessie = None
    verzoek.nieuwe_cookie = set_cookie("", leeg=True)
    return pagina(verzoek, "uitgelogd.html")


@router.get("/loket/overzicht")
def overzicht(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "overzicht.html")


# The pages that need no login; every other page sends a visitor to log in first.
OPEN = {"/loket", "/loket/", "/loket/toegankelijkheid", "/loket/stijl/loket.css", "/loket/inloggen",
        "/loket/inloggen/terug", "/loket/uitloggen"}  # fmt: skip


def _bedien(verzoek: Verzoek) -> Antwoord:
    """Session, CSRF and login checks, then the page."""
    gevonden = router.vind(verzoek)
    if isinstance(gevonden, Antwoord):
        return gevonden
    if verzoek.pad == "/loket/stijl/loket.css":
        return gevonden(verzoek)  # no session read for the stylesheet
    diensten = samenstelling.loket()
    verzoek.sessie = sessies.huidige(diensten, verzoek.cookie)
    if verzoek.methode == "POST" and not sessies.csrf_klopt(verzoek.sessie, verzoek.veld("csrf")):
        return fout(verzoek, HTTPStatus.FORBIDDEN)
    if verzoek.pad not in OPEN and sessies.ingelogd(verzoek.sessie) is None:
        return naar(verzoek, f"/loket/inloggen?terug={verzoek.pad}")
    return gevonden(verzoek)


@instrumented
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    gestart = time.perf_counter()
    gelezen = verzoek_uit(event, samenstelling.loket().basis)
    if isinstance(gelezen, Antwoord):
        return als_event(gelezen, None, gestart)
    try:
        antwoord = _bedien(gelezen)
    except VilFout as fout_:
        logger.info("Loket: verzoek geweigerd", soort=type(fout_).__name__)
        antwoord = fout(gelezen, HTTPStatus.BAD_REQUEST)
    except Exception:
        logger.exception("Onverwachte fout")
        antwoord = fout(gelezen, HTTPStatus.INTERNAL_SERVER_ERROR)
    if gelezen.methode == "HEAD":
        antwoord.body = ""
    return als_event(antwoord, gelezen, gestart)
