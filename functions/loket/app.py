"""The loket: web pages for residents, hulpverleners (/loket/) and a gemeente's beheerders
(/beheer/), server-rendered HTML (docs/loket.md).

Transport only, as every function: each page reads the request, calls the same use cases as the
API's routes (vil.services, composed by vil.samenstelling.loket) and renders a template. The
login is the OIDC code flow with PKCE and the session lives in the table (vil.services.sessies).
"""

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal, TypeVar

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from vil import samenstelling
from vil.api import ERRORS
from vil.fouten import (
    AndereInhoud,
    Conflict,
    GeenToestemming,
    NietGeauthenticeerd,
    NietGevonden,
    OngeldigVerzoek,
    VilFout,
)
from vil.klok import AMSTERDAM
from vil.loket import beheer as beheerweergave
from vil.loket import machtigen, weergave
from vil.loket.web import (
    Antwoord,
    Fout,
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
from vil.models.aanvraag import Beoordeling
from vil.models.api import EvaluateRequest, SubmitRequest
from vil.models.beheer import GoedkeuringRequest, Impactrapport, VersiestatusRequest
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import Client, Machtiging, Machtigingbron, NieuweMachtiging, Recht
from vil.models.prefill import PREFIX
from vil.models.regeling import Regeling, Uitbetaling
from vil.models.toestemming import Bron, Doel
from vil.observability import gebeurtenis, instrumented, logger
from vil.services import (
    aanvragen,
    beheer,
    beoordelen,
    impactrapport,
    inzage,
    machtigingen,
    meldingen,
    namens,
    sessies,
    toestemmingen,
)
from vil.services.diensten import Loketdiensten
from vil.services.impact import EMMERS

# One stylesheet per theme (vil.loket.themas), made by `make` from npm's packages.
STIJLEN = Path(__file__).parent / "static"
router = Router()


# The pages anyone sees.


@router.get("/loket")
def zonder_slash(verzoek: Verzoek) -> Antwoord:
    return naar(verzoek, "/loket/")


@router.get("/loket/")
def start(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "start.html", eherkenning=samenstelling.loket().eherkenning is not None)


@router.get("/loket/toegankelijkheid")
def toegankelijkheid(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "toegankelijkheid.html")


@router.get("/loket/stijl/loket.css")
def stijl(verzoek: Verzoek) -> Antwoord:
    """The stylesheet of the deployment's theme (the setting LOKET_THEMA)."""
    bestand = STIJLEN / f"{verzoek.thema}.css"
    if not bestand.is_file():
        return Antwoord(
            HTTPStatus.NOT_FOUND, "/* make run maakt de stijl */", content_type="text/css"
        )
    return Antwoord(
        HTTPStatus.OK,
        bestand.read_text(encoding="utf-8"),
        {"Cache-Control": "public, max-age=3600"},
        content_type="text/css; charset=utf-8",
    )


# Logging in and out (vil.services.sessies).


@router.get("/loket/inloggen")
def inloggen(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    middel: Literal["digid", "eherkenning"] = (
        "eherkenning" if verzoek.query.get("middel") == "eherkenning" else "digid"
    )
    nieuw, url = sessies.begin(diensten, verzoek.query.get("terug", "/loket/overzicht"), middel)
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
    principal = nieuw.sessie.principal
    if principal is not None and principal.soort is Principalsoort.hulpverlener:
        return naar(verzoek, "/loket/clienten")  # first: for whom
    if principal is not None and principal.soort is Principalsoort.beheerder:
        return naar(verzoek, "/beheer/regelingen")
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
    return pagina(verzoek, "overzicht.html", rechten=_rechten(verzoek))


# Who a page is about: the logged-in resident, or the client a hulpverlener acts for.


def _wie(verzoek: Verzoek, recht: Recht) -> tuple[Loketdiensten, Principal]:
    """The resident the page is about, if the visitor has the right (as `namens.betrokkene`);
    the visitor's rights are kept on the request for `_rechten`, so the machtiging (or the
    register) is read once per request."""
    diensten = samenstelling.loket()
    machtiging = verzoek.sessie.namens if verzoek.sessie else None
    wie, gegeven = namens.vertegenwoordigd(diensten, _ingelogd(verzoek), machtiging)
    if gegeven is not None:
        namens.vereis(recht, gegeven)
    verzoek.rechten = frozenset(Recht) if gegeven is None else gegeven
    return diensten, wie


def _rechten(verzoek: Verzoek) -> frozenset[Recht]:
    """What the visitor may do for the resident the pages are about (the checks `_wie` makes):
    a page shows a plain explanation instead of an action whose right is missing."""
    if verzoek.rechten is None:
        machtiging = verzoek.sessie.namens if verzoek.sessie else None
        verzoek.rechten = namens.rechten(samenstelling.loket(), _ingelogd(verzoek), machtiging)
    return verzoek.rechten


def _ingelogd(verzoek: Verzoek) -> Principal:
    """Who is logged in (`_bedien` let only logged-in visitors through to this page)."""
    principal = sessies.ingelogd(verzoek.sessie)
    if principal is None:
        raise NietGeauthenticeerd("Log eerst in.")
    return principal


def _stap(verzoek: Verzoek) -> dict[str, Any]:
    assert verzoek.sessie is not None
    return dict(verzoek.sessie.stap)


def _bewaar_stap(verzoek: Verzoek, **velden: Any) -> None:
    assert verzoek.sessie is not None
    stap = {**verzoek.sessie.stap, **velden}
    verzoek.sessie = sessies.werk_bij(samenstelling.loket(), verzoek.sessie, stap=stap)


# 1. Consent per source and purpose, on one page.


@router.get("/loket/toestemming")
def toestemming(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    huidige = toestemmingen.overzicht(diensten, wie)
    return _toestemming_pagina(
        verzoek, {b: set(t.doelen) if t else set() for b, t in huidige.items()}
    )


def _toestemming_pagina(
    verzoek: Verzoek, gekozen: dict[Bron, set[Doel]], fouten: list[Fout] | None = None
) -> Antwoord:
    return pagina(
        verzoek,
        "toestemming.html",
        400 if fouten else 200,
        bronnen=[(b, weergave.BRONNAMEN[b.value], toestemmingen.TEKSTEN[b]) for b in Bron],
        doelen=toestemmingen.DOELEN,
        gekozen=gekozen,
        fouten=fouten or [],
        rechten=_rechten(verzoek),
        voor_aanvragen=any(Doel.aanvragen in doelen for doelen in gekozen.values()),
    )


@router.post("/loket/toestemming")
def toestemming_geven(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.toestemming)
    gekozen = {b: {d for d in Doel if f"{b.value}-{d.value}" in verzoek.formulier} for b in Bron}
    if not any(Doel.aanvragen in doelen for doelen in gekozen.values()):
        fout_ = Fout(f"{Bron.brp.value}-{Doel.aanvragen.value}",
                     "Kies ten minste één bron voor het aanvragen. Zonder gegevens kunnen wij"
                     " niets voor u invullen.")  # fmt: skip
        return _toestemming_pagina(verzoek, gekozen, [fout_])
    huidige = toestemmingen.overzicht(diensten, wie)
    for bron, doelen in gekozen.items():
        bestaand = huidige[bron]
        if doelen != (set(bestaand.doelen) if bestaand else set()):
            toestemmingen.wijzig(diensten, wie, bron, sorted(doelen), None)
            uitkomst = "gegeven" if doelen else "ingetrokken"
            gebeurtenis("ToestemmingGewijzigd", bron=bron.value, uitkomst=uitkomst)
    return naar(verzoek, "/loket/gegevens")


# 2. The prefilled facts with their source and date, each correctable.


@router.get("/loket/gegevens")
def gegevens(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    try:
        prefill = beoordelen.gegevens(diensten, wie)
    except GeenToestemming:
        return naar(verzoek, "/loket/toestemming")
    stap = _stap(verzoek)
    correcties: dict[str, Any] = stap.get("correcties", {})
    specificaties = weergave.invoer(diensten.catalogus, diensten.vandaag())
    feiten = []
    for pad, herkomst in prefill.herkomst.items():
        waarde = correcties.get(pad, beoordelen.waarde_op(prefill.huishouden, pad))
        if isinstance(waarde, dict | list):
            continue
        feiten.append({
            "pad": pad,
            "naam": weergave.feitnaam(pad, specificaties),
            "waarde": weergave.toon(waarde),
            "bron": weergave.BRONNAMEN.get(herkomst.bron or "", herkomst.bron or ""),
            "datum": herkomst.opgehaald_op.astimezone(AMSTERDAM).strftime("%d-%m-%Y")
            if herkomst.opgehaald_op else "",
            "in_onderzoek": herkomst.in_onderzoek,
            "gecorrigeerd": pad in correcties,
            "wijzigbaar": pad not in weergave.NIET_TE_WIJZIGEN and "[" not in pad,
        })  # fmt: skip
    gemeentecode = prefill.huishouden.get("gemeentecode")
    vragen = weergave.open_vragen(
        diensten.catalogus, diensten.vandaag(), prefill.huishouden, gemeentecode
    )
    _bewaar_stap(verzoek, vragen=[v.pad for v in vragen], gemeentecode=gemeentecode)
    ontbrekend = {weergave.BRONNAMEN[b.value]: reden for b, reden in prefill.ontbrekend.items()}
    return pagina(verzoek, "gegevens.html", feiten=feiten, ontbrekend=ontbrekend)


def _te_wijzigen(verzoek: Verzoek, pad: str) -> weergave.Vraag | None:
    if not pad.startswith(PREFIX) or pad in weergave.NIET_TE_WIJZIGEN or "[" in pad:
        return None
    diensten = samenstelling.loket()
    specificaties = weergave.invoer(diensten.catalogus, diensten.vandaag())
    spec = specificaties.get(pad)
    if spec is None or spec.type not in weergave.VRAAGTYPEN:
        return None
    return weergave.vraag(pad, spec)


@router.get("/loket/gegevens/wijzig")
def gegevens_wijzig(verzoek: Verzoek) -> Antwoord:
    vraag = _te_wijzigen(verzoek, verzoek.query.get("pad", ""))
    if vraag is None:
        return fout(verzoek, HTTPStatus.NOT_FOUND)
    waarde = _stap(verzoek).get("correcties", {}).get(vraag.pad)
    return pagina(verzoek, "wijzig.html", vraag=vraag,
                  waarde=weergave.als_formulierwaarde(vraag, waarde), fouten=[])  # fmt: skip


@router.post("/loket/gegevens/wijzig")
def gegevens_wijzigen(verzoek: Verzoek) -> Antwoord:
    vraag = _te_wijzigen(verzoek, verzoek.veld("pad"))
    if vraag is None:
        return fout(verzoek, HTTPStatus.BAD_REQUEST)
    waarde, melding = weergave.lees(vraag, verzoek.veld(vraag.veld))
    if melding:
        return pagina(verzoek, "wijzig.html", 400, vraag=vraag, waarde=verzoek.veld(vraag.veld),
                      fouten=[Fout(vraag.veld, melding)])  # fmt: skip
    correcties = {**_stap(verzoek).get("correcties", {}), vraag.pad: waarde}
    _bewaar_stap(verzoek, correcties=correcties)
    return naar(verzoek, "/loket/gegevens")


# 3. Only the questions the sources cannot answer, asked once.


def _vragen(verzoek: Verzoek) -> list[weergave.Vraag]:
    diensten = samenstelling.loket()
    specificaties = weergave.invoer(diensten.catalogus, diensten.vandaag())
    return [weergave.vraag(p, specificaties.get(p)) for p in _stap(verzoek).get("vragen", [])]


@router.get("/loket/vragen")
def vragen(verzoek: Verzoek) -> Antwoord:
    correcties = _stap(verzoek).get("correcties", {})
    lijst = _vragen(verzoek)
    waarden = {v.veld: weergave.als_formulierwaarde(v, correcties.get(v.pad)) for v in lijst}
    return pagina(verzoek, "vragen.html", vragen=lijst, waarden=waarden, fouten=[])


@router.post("/loket/vragen")
def vragen_beantwoorden(verzoek: Verzoek) -> Antwoord:
    lijst = _vragen(verzoek)
    correcties = dict(_stap(verzoek).get("correcties", {}))
    fouten: list[Fout] = []
    for vraag in lijst:
        tekst = verzoek.veld(vraag.veld)
        correcties.pop(vraag.pad, None)
        if not tekst:
            continue  # not known: the outcome says what it still needs
        waarde, melding = weergave.lees(vraag, tekst)
        if melding:
            fouten.append(Fout(vraag.veld, melding))
        else:
            correcties[vraag.pad] = waarde
    if fouten:
        waarden = {v.veld: verzoek.veld(v.veld) for v in lijst}
        return pagina(verzoek, "vragen.html", 400, vragen=lijst, waarden=waarden, fouten=fouten)
    _bewaar_stap(verzoek, correcties=correcties)
    return naar(verzoek, "/loket/controle")


# 4. Check your answers, then every regeling evaluated (one stored beoordeling).


@router.get("/loket/controle")
def controle(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    specificaties = weergave.invoer(diensten.catalogus, diensten.vandaag())
    correcties = _stap(verzoek).get("correcties", {})
    vragen_ = set(_stap(verzoek).get("vragen", []))
    antwoorden = [
        {
            "naam": weergave.feitnaam(pad, specificaties),
            "waarde": weergave.toon(waarde),
            "wijzig": "/loket/vragen" if pad in vragen_ else f"/loket/gegevens/wijzig?pad={pad}",
        }
        for pad, waarde in correcties.items()
    ]
    return pagina(verzoek, "controle.html", antwoorden=antwoorden, rechten=_rechten(verzoek))


@router.post("/loket/controle")
def beoordeel(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.aanvragen)
    correcties = _stap(verzoek).get("correcties", {})
    try:
        beoordeling = beoordelen.voor_burger(
            diensten, wie, EvaluateRequest(correcties=correcties or None)
        )
    except OngeldigVerzoek as fout_:  # a correction that does not fit the household
        fouten = [
            Fout("", f"{pad.removeprefix('body.correcties.')}: {reden}")
            for pad, reden in fout_.velden
        ]
        return pagina(verzoek, "controle.html", 400, antwoorden=[], fouten=fouten,
                      rechten=_rechten(verzoek))  # fmt: skip
    gebeurtenis("BeoordelingGemaakt", soort="burger")
    _bewaar_stap(verzoek, beoordeling=beoordeling.id, sleutel=uuid.uuid4().hex)
    return naar(verzoek, "/loket/uitkomst")


# 5. Every regeling: yes/no/unknown, amount, why, hints, indicatief; one button to apply.


def _regelingen(beoordeling: Beoordeling, diensten: Loketdiensten) -> list[dict[str, Any]]:
    uit = []
    woongemeente = beoordeling.huishouden.get("gemeentecode")
    for resultaat in beoordeling.resultaten:
        regel = diensten.catalogus.regel(resultaat.regeling, beoordeling.peildatum).regeling
        if regel.gemeenten and woongemeente not in regel.gemeenten:
            continue  # another gemeente's regeling: not for this resident
        uit.append({
            "r": resultaat,
            "bedrag": weergave.euro(resultaat.bedrag_per_maand) + " per maand"
            if resultaat.bedrag_per_maand
            else weergave.euro(resultaat.bedrag_per_jaar) + " per jaar"
            if resultaat.bedrag_per_jaar
            else weergave.euro(resultaat.bedrag_eenmalig) + " eenmalig"
            if resultaat.bedrag_eenmalig else "",
            "gemeente_betaalt": bool(regel.gemeenten)
            and regel.uitkomst.uitbetaling is Uitbetaling.inwoner,
        })  # fmt: skip
    return uit


def _uitkomst_pagina(
    verzoek: Verzoek, gekozen: set[str], iban: str, fouten: list[Fout], status: int = 200
) -> Antwoord:
    beoordeling_id = _stap(verzoek).get("beoordeling")
    if not beoordeling_id:
        return naar(verzoek, "/loket/toestemming")
    diensten, wie = _wie(verzoek, Recht.inzien)
    beoordeling = beoordelen.beoordeling(diensten, wie, beoordeling_id)
    regelingen = _regelingen(beoordeling, diensten)
    if not gekozen and not fouten:
        gekozen = {r["r"].regeling for r in regelingen if r["r"].recht is not False}
    return pagina(verzoek, "uitkomst.html", status, regelingen=regelingen, gekozen=gekozen,
                  iban=iban, fouten=fouten, peildatum=beoordeling.peildatum)  # fmt: skip


@router.get("/loket/uitkomst")
def uitkomst(verzoek: Verzoek) -> Antwoord:
    return _uitkomst_pagina(verzoek, set(), "", [])


@router.post("/loket/aanvragen")
def vraag_aan(verzoek: Verzoek) -> Antwoord:
    stap = _stap(verzoek)
    if not stap.get("beoordeling") or not stap.get("sleutel"):
        return naar(verzoek, "/loket/toestemming")  # no beoordeling in this session yet
    gekozen = set(verzoek.velden("regeling"))
    iban = verzoek.veld("iban").replace(" ", "").upper()
    if not gekozen:
        fout_ = Fout("regelingen", "Kies ten minste één regeling om aan te vragen.")
        return _uitkomst_pagina(verzoek, gekozen, iban, [fout_], 400)
    diensten, wie = _wie(verzoek, Recht.aanvragen)
    verzoek_ = SubmitRequest(beoordeling=stap["beoordeling"], regelingen=sorted(gekozen),
                             iban=iban or None)  # fmt: skip
    try:
        antwoord = aanvragen.dien_in(diensten, wie, verzoek_, stap["sleutel"])
    except OngeldigVerzoek as fout_:
        fouten = [
            Fout("iban" if pad == "body.iban" else "regelingen", fout_.detail)
            for pad, _ in fout_.velden
        ]
        return _uitkomst_pagina(
            verzoek, gekozen, iban, fouten or [Fout("regelingen", fout_.detail)], 400
        )
    except (AndereInhoud, Conflict) as fout_:
        return _uitkomst_pagina(verzoek, gekozen, iban, [Fout("regelingen", fout_.detail)], 409)
    for aanvraag in antwoord.aanvragen:  # as the API counts them
        gebeurtenis("AanvraagIngediend", regeling=aanvraag.regeling, uitkomst=aanvraag.status)
    _bewaar_stap(verzoek, aangevraagd=[a.id for a in antwoord.aanvragen], sleutel=uuid.uuid4().hex)
    return naar(verzoek, "/loket/aangevraagd")


@router.get("/loket/aangevraagd")
def aangevraagd(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    ids = set(_stap(verzoek).get("aangevraagd", []))
    alle = aanvragen.lijst(diensten, wie, None, None, None, 100).aanvragen
    return pagina(verzoek, "aangevraagd.html", aanvragen=[a for a in alle if a.id in ids],
                  euro=weergave.euro)  # fmt: skip


# 6. My aanvragen, meldingen, inzage, the machtigingen I gave, revoke all.


@router.get("/loket/aanvragen")
def mijn_aanvragen(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    lijst = aanvragen.lijst(diensten, wie, None, None, None, 100).aanvragen
    return pagina(verzoek, "aanvragen.html", aanvragen=lijst, euro=weergave.euro)


@router.get("/loket/aanvragen/{aanvraag_id}")
def mijn_aanvraag(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    _, aanvraag = aanvragen.haal(diensten, wie, verzoek.parameters["aanvraag_id"])
    return pagina(verzoek, "aanvraag.html", aanvraag=aanvraag, euro=weergave.euro)


# The services page their lists as the API does; a page of the loket shows a resident's whole
# list (a few meldingen a month, a handful of machtigingen), read a page at a time.
PAGINA = 100
T = TypeVar("T")


def _alle(blad: Callable[[str | None], tuple[list[T], str | None]]) -> list[T]:
    alle: list[T] = []
    cursor: str | None = None
    while True:
        pagina_, cursor = blad(cursor)
        alle.extend(pagina_)
        if cursor is None:
            return alle


def _gegeven(diensten: Loketdiensten, wie: Principal) -> list[Machtiging]:
    def blad(cursor: str | None) -> tuple[list[Machtiging], str | None]:
        gegeven, _, verder = machtigingen.lijst(diensten, wie, cursor, PAGINA)
        return gegeven, verder

    return _alle(blad)


@router.get("/loket/meldingen")
def mijn_meldingen(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.meldingen_ontvangen)
    return pagina(verzoek, "meldingen.html", meldingen=meldingen.van(diensten, wie))


# Who read my data: a page of the audit trail at a time, newest first; `na` is the service's
# opaque cursor (a moment and a record's id, never a BSN).
INZAGE_PAGINA = 25


@router.get("/loket/inzage")
def mijn_inzage(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    na = verzoek.query.get("na") or None
    lijst, volgende = inzage.verwerkingen(diensten, wie, na, INZAGE_PAGINA)
    return pagina(verzoek, "inzage.html", verwerkingen=lijst, volgende=volgende,
                  vervolg=na is not None)  # fmt: skip


@router.get("/loket/machtigingen")
def mijn_machtigingen(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.inzien)
    nieuw = _stap(verzoek).get("machtiging_gegeven")
    if nieuw:  # the notice of a machtiging just given: shown once
        _bewaar_stap(verzoek, machtiging_gegeven=None)
    return pagina(verzoek, "machtigingen.html", gegeven=_gegeven(diensten, wie), nieuw=nieuw,
                  rechten=machtigen.RECHTEN, gemachtigde=machtigen.gemachtigde)  # fmt: skip


# Giving a machtiging: the form, check your answers, then `machtigingen.verleen` (as
# POST /v1/machtigingen). Only the resident themself gives one: the service refuses anyone else.


def _machtiging_formulier(
    verzoek: Verzoek, formulier: machtigen.Formulier, fouten: list[Fout], status: int = 200
) -> Antwoord:
    return pagina(verzoek, "machtiging-geven.html", status, f=formulier, fouten=fouten,
                  rechten=machtigen.RECHTEN, soorten=machtigen.SOORTEN)  # fmt: skip


def _bewaard_machtiging(verzoek: Verzoek) -> machtigen.Formulier | None:
    bewaard = _stap(verzoek).get("machtiging")
    return machtigen.Formulier(**bewaard) if bewaard else None


@router.get("/loket/machtigingen/nieuw")
def machtiging_geven(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    machtigingen.volmachtgever(_ingelogd(verzoek))
    vandaag = f"{diensten.vandaag():%d-%m-%Y}"
    formulier = _bewaard_machtiging(verzoek) or machtigen.Formulier(vanaf=vandaag)
    return _machtiging_formulier(verzoek, formulier, [])


@router.post("/loket/machtigingen/nieuw")
def machtiging_lezen(verzoek: Verzoek) -> Antwoord:
    machtigingen.volmachtgever(_ingelogd(verzoek))
    formulier = machtigen.Formulier.uit(verzoek)
    _, fouten = machtigen.lees(formulier)
    if fouten:
        return _machtiging_formulier(verzoek, formulier, fouten, 400)
    _bewaar_stap(verzoek, machtiging=formulier.bewaar())
    return naar(verzoek, "/loket/machtigingen/nieuw/controle")


def _te_verlenen(
    verzoek: Verzoek,
) -> tuple[machtigen.Formulier, NieuweMachtiging] | Antwoord:
    """The machtiging the check step is about, or where the resident goes instead: to the form
    when none is kept, or back to it with its errors."""
    machtigingen.volmachtgever(_ingelogd(verzoek))
    formulier = _bewaard_machtiging(verzoek)
    if formulier is None:
        return naar(verzoek, "/loket/machtigingen/nieuw")
    nieuw, fouten = machtigen.lees(formulier)
    if nieuw is None:
        return _machtiging_formulier(verzoek, formulier, fouten, 400)
    return formulier, nieuw


@router.get("/loket/machtigingen/nieuw/controle")
def machtiging_controle(verzoek: Verzoek) -> Antwoord:
    gelezen = _te_verlenen(verzoek)
    if isinstance(gelezen, Antwoord):
        return gelezen
    _, nieuw = gelezen
    return pagina(verzoek, "machtiging-controle.html", m=nieuw, rechten=machtigen.RECHTEN,
                  gemachtigde=machtigen.gemachtigde(nieuw))  # fmt: skip


@router.post("/loket/machtigingen/nieuw/controle")
def machtiging_opslaan(verzoek: Verzoek) -> Antwoord:
    gelezen = _te_verlenen(verzoek)
    if isinstance(gelezen, Antwoord):
        return gelezen
    formulier, nieuw = gelezen
    try:
        machtiging = machtigingen.verleen(samenstelling.loket(), _ingelogd(verzoek), nieuw)
    except OngeldigVerzoek as fout_:  # the dates: the service's own words, at the fields
        fouten = [Fout("", fout_.detail), *machtigen.bij_velden(fout_.velden)]
        return _machtiging_formulier(verzoek, formulier, fouten, 400)
    gebeurtenis("MachtigingVerleend")
    _bewaar_stap(verzoek, machtiging=None, machtiging_gegeven=machtiging.id)
    return naar(verzoek, "/loket/machtigingen")


@router.post("/loket/machtigingen/{machtiging_id}/intrekken")
def machtiging_intrekken(verzoek: Verzoek) -> Antwoord:
    diensten, wie = _wie(verzoek, Recht.toestemming)
    machtigingen.trek_in(diensten, wie, verzoek.parameters["machtiging_id"])
    gebeurtenis("MachtigingIngetrokken")
    return naar(verzoek, "/loket/machtigingen")


@router.get("/loket/intrekken")
def alles_intrekken_vraag(verzoek: Verzoek) -> Antwoord:
    return pagina(verzoek, "intrekken.html", rechten=_rechten(verzoek))


@router.post("/loket/intrekken")
def alles_intrekken(verzoek: Verzoek) -> Antwoord:
    """Every consent and every machtiging the resident gave, revoked (each by its own service)."""
    diensten, wie = _wie(verzoek, Recht.toestemming)
    for bron, huidige in toestemmingen.overzicht(diensten, wie).items():
        if huidige is not None and huidige.doelen:
            toestemmingen.wijzig(diensten, wie, bron, [], None)
            gebeurtenis("ToestemmingGewijzigd", bron=bron.value, uitkomst="ingetrokken")
    if wie.vertegenwoordiger is None:  # only the resident revokes their machtigingen
        for machtiging in _gegeven(diensten, wie):
            if machtiging.ingetrokken_op is None and machtiging.bron is Machtigingbron.inwoner:
                machtigingen.trek_in(diensten, wie, machtiging.id)
    _bewaar_stap(verzoek, correcties={}, vragen=[], beoordeling=None)
    return pagina(verzoek, "ingetrokken.html")


# Hulpverleners: the caseload, and acting for one client.


# The caseload a page at a time: the store filters after reading (a machtiging not valid today
# is skipped), so a page is filled from as many of the service's pages as it takes; `na` is the
# service's opaque cursor (when, which machtiging: never a BSN).
CLIENTEN_PAGINA = 25


@router.get("/loket/clienten")
def clienten(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    wie = _ingelogd(verzoek)
    cursor = verzoek.query.get("na") or None
    lijst: list[Client] = []
    while True:
        blad, cursor = machtigingen.clienten(diensten, wie, cursor, CLIENTEN_PAGINA - len(lijst))
        lijst += blad
        if cursor is None or len(lijst) >= CLIENTEN_PAGINA:
            break
    return pagina(verzoek, "clienten.html", clienten=lijst, volgende=cursor,
                  vervolg="na" in verzoek.query, clientnaam=weergave.clientnaam)  # fmt: skip


@router.post("/loket/clienten")
def kies_client(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    client = machtigingen.client(diensten, _ingelogd(verzoek), verzoek.veld("machtiging"))
    if verzoek.sessie is None:
        return fout(verzoek, HTTPStatus.NOT_FOUND)
    verzoek.sessie = sessies.werk_bij(diensten, verzoek.sessie, namens=client.machtiging,
                                      namens_naam=weergave.clientnaam(client), stap={})  # fmt: skip
    return naar(verzoek, "/loket/overzicht")


# The beheerder's pages at /beheer/ (docs/loket.md, "Beheer"): a gemeente's regelingen, their
# parameters, proposing a version, four eyes, the history; every check is vil.services.beheer's.


@router.get("/beheer")
def beheer_zonder_slash(verzoek: Verzoek) -> Antwoord:
    return naar(verzoek, "/beheer/")


@router.get("/beheer/")
def beheer_start(verzoek: Verzoek) -> Antwoord:
    principal = sessies.ingelogd(verzoek.sessie)
    if principal is not None and principal.soort is Principalsoort.beheerder:
        return naar(verzoek, "/beheer/regelingen")
    return pagina(verzoek, "beheer-start.html")


@router.get("/beheer/inloggen")
def beheer_inloggen(verzoek: Verzoek) -> Antwoord:
    # A gemeente's employees log in with eHerkenning (locally, without that client: the one
    # simulation serves them too).
    nieuw, url = sessies.begin(samenstelling.loket(), "/beheer/regelingen", "eherkenning")
    verzoek.nieuwe_cookie = set_cookie(nieuw.cookie)
    return extern(url)


@router.get("/beheer/regelingen")
def beheer_regelingen(verzoek: Verzoek) -> Antwoord:
    diensten = samenstelling.loket()
    lijst = beheerweergave.regelingen(diensten, _ingelogd(verzoek))
    return pagina(verzoek, "beheer-regelingen.html", regelingen=lijst)


def _regeling(verzoek: Verzoek) -> tuple[Loketdiensten, Principal, Regeling]:
    diensten = samenstelling.loket()
    principal = _ingelogd(verzoek)
    wie = beheer.Beheerder(principal)
    regel = beheer.regeling_van(diensten, wie, verzoek.parameters["regeling"])
    return diensten, principal, regel.regeling


@router.get("/beheer/regelingen/{regeling}")
def beheer_regeling(verzoek: Verzoek) -> Antwoord:
    diensten, principal, regeling = _regeling(verzoek)
    eigen, rijk = beheerweergave.parameters(diensten, regeling, principal.gemeentecode or "")
    versies = beheer.versies(diensten, principal, regeling.id)
    return pagina(verzoek, "beheer-regeling.html", regeling=regeling, eigen=eigen, rijk=rijk,
                  versies=versies, tijd=_tijd)  # fmt: skip


def _voorstel_pagina(
    verzoek: Verzoek, regeling: Regeling, formulier: beheerweergave.Formulier,
    fouten: list[Fout], status: int = 200,
) -> Antwoord:  # fmt: skip
    diensten = samenstelling.loket()
    principal = _ingelogd(verzoek)
    eigen, _ = beheerweergave.parameters(diensten, regeling, principal.gemeentecode or "")
    return pagina(verzoek, "beheer-voorstel.html", status, regeling=regeling, eigen=eigen,
                  gevallen=beheerweergave.vervangbaar(regeling), f=formulier, fouten=fouten,
                  bedragnamen=beheerweergave.BEDRAGNAMEN, euro=weergave.euro)  # fmt: skip


def _bewaard_formulier(verzoek: Verzoek, regeling: Regeling) -> beheerweergave.Formulier | None:
    bewaard = _stap(verzoek).get("beheervoorstel")
    if not bewaard or bewaard.get("regeling") != regeling.id:
        return None
    return beheerweergave.Formulier(**bewaard["formulier"])


@router.get("/beheer/regelingen/{regeling}/voorstel")
def beheer_voorstel(verzoek: Verzoek) -> Antwoord:
    _, _, regeling = _regeling(verzoek)
    formulier = _bewaard_formulier(verzoek, regeling) or beheerweergave.Formulier()
    return _voorstel_pagina(verzoek, regeling, formulier, [])


@router.post("/beheer/regelingen/{regeling}/voorstel")
def beheer_voorstel_lezen(verzoek: Verzoek) -> Antwoord:
    _, _, regeling = _regeling(verzoek)
    formulier = beheerweergave.Formulier.uit(verzoek, regeling)
    _, fouten = beheerweergave.lees(formulier, regeling)
    if fouten:
        return _voorstel_pagina(verzoek, regeling, formulier, fouten, 400)
    _bewaar_stap(verzoek, beheervoorstel={"regeling": regeling.id,
                                          "formulier": formulier.bewaar()})  # fmt: skip
    return naar(verzoek, f"/beheer/regelingen/{regeling.id}/voorstel/controle")


@router.get("/beheer/regelingen/{regeling}/voorstel/controle")
def beheer_voorstel_controle(verzoek: Verzoek) -> Antwoord:
    _, _, regeling = _regeling(verzoek)
    formulier = _bewaard_formulier(verzoek, regeling)
    if formulier is None:
        return naar(verzoek, f"/beheer/regelingen/{regeling.id}/voorstel")
    voorstel, fouten = beheerweergave.lees(formulier, regeling)
    if voorstel is None:
        return _voorstel_pagina(verzoek, regeling, formulier, fouten, 400)
    return pagina(verzoek, "beheer-controle.html", regeling=regeling, voorstel=voorstel,
                  f=formulier, gevallen=beheerweergave.vervangbaar(regeling),
                  bedragnamen=beheerweergave.BEDRAGNAMEN)  # fmt: skip


@router.post("/beheer/regelingen/{regeling}/voorstel/controle")
def beheer_voorstel_opslaan(verzoek: Verzoek) -> Antwoord:
    diensten, principal, regeling = _regeling(verzoek)
    formulier = _bewaard_formulier(verzoek, regeling)
    if formulier is None:
        return naar(verzoek, f"/beheer/regelingen/{regeling.id}/voorstel")
    voorstel, fouten = beheerweergave.lees(formulier, regeling)
    if voorstel is None:
        return _voorstel_pagina(verzoek, regeling, formulier, fouten, 400)
    try:
        versie = beheer.stel_voor(diensten, principal, regeling.id, voorstel)
    except OngeldigVerzoek as fout_:  # the rules' checks or a test case: at the fields
        velden = beheerweergave.bij_velden(fout_.velden, formulier, regeling)
        fouten = [Fout("", fout_.detail), *(f for f in velden if f.veld)]  # the why, first
        return _voorstel_pagina(verzoek, regeling, formulier, fouten, 400)
    gebeurtenis("RegelingversieVoorgesteld", regeling=regeling.id)
    _bewaar_stap(verzoek, beheervoorstel=None)
    return naar(verzoek, f"/beheer/regelingen/{regeling.id}/versies/{versie.versie}")


def _versie_pagina(
    verzoek: Verzoek, fouten: list[Fout] | None = None, status: int = 200, **velden: str
) -> Antwoord:
    diensten, principal, regeling = _regeling(verzoek)
    versie = beheer.versie(diensten, principal, regeling.id, _nummer(verzoek))
    gezien = _rapport(verzoek, diensten, principal, regeling.id, versie.versie)
    return pagina(verzoek, "beheer-versie.html", status, regeling=regeling, versie=versie,
                  fouten=fouten or [], tijd=_tijd, ik=principal.medewerker, gezien=gezien,
                  besluit=velden.get("besluit", ""), reden=velden.get("reden", ""))  # fmt: skip


def _nummer(verzoek: Verzoek) -> int:
    nummer = verzoek.parameters["versie"]
    if not nummer.isdigit() or not 1 <= int(nummer) <= 999_999:
        raise NietGevonden("Deze versie bestaat niet.")
    return int(nummer)


@router.get("/beheer/regelingen/{regeling}/versies/{versie}")
def beheer_versie(verzoek: Verzoek) -> Antwoord:
    return _versie_pagina(verzoek)


@router.post("/beheer/regelingen/{regeling}/versies/{versie}/status")
def beheer_versie_status(verzoek: Verzoek) -> Antwoord:
    """Indienen or intrekken, by the proposer (the service says who may, and when)."""
    diensten, principal, regeling = _regeling(verzoek)
    nummer = _nummer(verzoek)
    try:
        nieuw = VersiestatusRequest.model_validate({"status": verzoek.veld("status")})
        beheer.wijzig_status(diensten, principal, regeling.id, nummer, nieuw)
    except ValidationError:
        return fout(verzoek, HTTPStatus.BAD_REQUEST)
    except (GeenToestemming, Conflict) as weigering:
        status = 403 if isinstance(weigering, GeenToestemming) else 409
        return _versie_pagina(verzoek, [Fout("acties", weigering.detail)], status)
    return naar(verzoek, f"/beheer/regelingen/{regeling.id}/versies/{nummer}")


@router.post("/beheer/regelingen/{regeling}/versies/{versie}/besluit")
def beheer_versie_besluit(verzoek: Verzoek) -> Antwoord:
    """Goedkeuren or afkeuren with a reason, by a second beheerder (the service's four eyes)."""
    diensten, principal, regeling = _regeling(verzoek)
    nummer = _nummer(verzoek)
    besluit, reden = verzoek.veld("besluit"), verzoek.veld("reden")
    try:
        rapport, hash_ = verzoek.veld("rapport"), verzoek.veld("hash")
        gezien = {"id": rapport, "hash": hash_} if rapport and besluit == "goedkeuren" else None
        keuze = GoedkeuringRequest.model_validate(
            {"besluit": besluit, "reden": reden or None, "impactrapport": gezien}
        )
        gekeurd = beheer.keur(diensten, principal, regeling.id, nummer, keuze)
    except ValidationError:
        return _versie_pagina(verzoek, [Fout("besluit", "Kies goedkeuren of afkeuren.")], 400,
                              besluit=besluit, reden=reden)  # fmt: skip
    except OngeldigVerzoek as fout_:
        fouten = [Fout("reden" if pad == "body.reden" else "besluit", fout_.detail)
                  for pad, _ in fout_.velden]  # fmt: skip
        return _versie_pagina(verzoek, fouten, 400, besluit=besluit, reden=reden)
    except (GeenToestemming, Conflict) as weigering:
        status = 403 if isinstance(weigering, GeenToestemming) else 409
        return _versie_pagina(verzoek, [Fout("besluit", weigering.detail)], status,
                              besluit=besluit, reden=reden)  # fmt: skip
    gebeurtenis("RegelingversieGekeurd", regeling=regeling.id, uitkomst=gekeurd.status)
    return naar(verzoek, f"/beheer/regelingen/{regeling.id}/versies/{nummer}")


@router.get("/beheer/regelingen/{regeling}/versies/{versie}/impact")
def beheer_impact(verzoek: Verzoek) -> Antwoord:
    """The impact report `?rapport=` names (the one a run started), or a button to run it."""
    diensten, principal, regeling = _regeling(verzoek)
    versie = beheer.versie(diensten, principal, regeling.id, _nummer(verzoek))
    verslag = _rapport(verzoek, diensten, principal, regeling.id, versie.versie)
    cijfers = verslag.regelingen if verslag else None
    return pagina(verzoek, "beheer-impact.html", regeling=regeling, versie=versie,
                  impactrapport=verslag, rapport=cijfers, emmers=EMMERS,
                  namen={regeling.id: regeling.naam}, euro=weergave.euro)  # fmt: skip


@router.post("/beheer/regelingen/{regeling}/versies/{versie}/impact")
def beheer_impact_start(verzoek: Verzoek) -> Antwoord:
    diensten, principal, regeling = _regeling(verzoek)
    nummer = _nummer(verzoek)
    try:
        verslag = impactrapport.start(diensten, principal, regeling.id, nummer)
    except Conflict as weigering:
        return _versie_pagina(verzoek, [Fout("acties", weigering.detail)], 409)
    gebeurtenis("ImpactGestart", regeling=regeling.id, uitkomst=verslag.status)
    pad = f"/beheer/regelingen/{regeling.id}/versies/{nummer}/impact?rapport={verslag.id}"
    return naar(verzoek, pad)


def _rapport(
    verzoek: Verzoek, diensten: Loketdiensten, principal: Principal, regeling_id: str, nummer: int
) -> Impactrapport | None:
    """The impact report the page carries (`rapport` in the query or the form), if any."""
    rapport_id = verzoek.query.get("rapport") or verzoek.veld("rapport")
    if not rapport_id:
        return None
    return impactrapport.haal(diensten, principal, regeling_id, nummer, rapport_id)


def _tijd(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y om %H:%M")


# The pages that need no login; every other page sends a visitor to log in first.
OPEN = {
    "/loket",
    "/loket/",
    "/beheer",
    "/beheer/",
    "/beheer/inloggen",
    "/loket/toegankelijkheid",
    "/loket/stijl/loket.css",
    "/loket/inloggen",
    "/loket/inloggen/terug",
    "/loket/uitloggen",
}


ZONDER_CLIENT = {"/loket/clienten", "/loket/overzicht"}


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
    return _omleiding(verzoek) or gevonden(verzoek)


def _omleiding(verzoek: Verzoek) -> Antwoord | None:
    """Where a visitor goes first instead of this page: to log in, to choose a client (a
    hulpverlener), or to the beheer pages (a beheerder has no resident pages)."""
    principal = sessies.ingelogd(verzoek.sessie)
    if verzoek.pad not in OPEN and principal is None:
        if verzoek.pad.startswith("/beheer/"):
            return naar(verzoek, "/beheer/")
        return naar(verzoek, f"/loket/inloggen?terug={verzoek.pad}")
    if principal is None or verzoek.pad in OPEN:
        return None
    if principal.soort is Principalsoort.beheerder and verzoek.pad.startswith("/loket/"):
        return naar(verzoek, "/beheer/")
    if (
        principal.soort is Principalsoort.hulpverlener
        and verzoek.sessie is not None
        and verzoek.sessie.namens is None
        and verzoek.pad not in ZONDER_CLIENT
        and verzoek.pad.startswith("/loket/")
    ):
        return naar(verzoek, "/loket/clienten")  # a hulpverlener first chooses for whom
    return None


@instrumented
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    gestart = time.perf_counter()
    diensten = samenstelling.loket()
    gelezen = verzoek_uit(event, diensten.basis, diensten.thema)
    if isinstance(gelezen, Antwoord):
        return als_event(gelezen, None, gestart)
    try:
        antwoord = _bedien(gelezen)
    except VilFout as fout_:  # the services' refusals, with their own words
        logger.info("Loket: verzoek geweigerd", soort=type(fout_).__name__)
        status, titel = next(v for k, v in ERRORS.items() if isinstance(fout_, k))
        antwoord = pagina(gelezen, "fout.html", int(status), titel=titel, uitleg=fout_.detail)
    except Exception:
        logger.exception("Onverwachte fout")
        antwoord = fout(gelezen, HTTPStatus.INTERNAL_SERVER_ERROR)
    if gelezen.methode == "HEAD":
        antwoord.body = ""
    return als_event(antwoord, gelezen, gestart)
