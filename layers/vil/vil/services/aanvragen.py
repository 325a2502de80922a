"""Submission and decision: apply for regelingen, grant where policy allows, let gemeenten decide.

docs/architecture.md 6. Submission is idempotent on the caller's Idempotency-Key (Powertools
`idempotent_function` here, not on the handler, so a 500 is never replayed) and unique per
resident, regeling and period (a conditional write, all applications or none).
"""

import uuid
from datetime import date
from decimal import Decimal
from functools import partial

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel
from stdnum import iban as iban_nummer

from vil.fouten import NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beschikking, Beslisverslag
from vil.models.api import DecideRequest, ListAanvragenResponse, SubmitRequest, SubmitResponse
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal, Principalsoort
from vil.models.regeling import (
    Grondslag,
    Periode,
    Rechtsbescherming,
    Rechtsmiddel,
    Regeling,
    Uitbetaling,
    Wijze,
)
from vil.models.resultaat import Resultaat
from vil.rules.feiten import herkomst_van
from vil.rules.tekst import datum, euro
from vil.services import audit, herspelen
from vil.services.diensten import Aanvraagdiensten, Basisdiensten
from vil.services.toestemmingen import burger

BEWAARTERMIJN_SLEUTEL = 24 * 60 * 60  # an Idempotency-Key is kept 24 hours


class Indiening(BaseModel):
    """What submission is idempotent on: the resident and their key; the request is checked."""

    burger: str
    sleutel: str
    verzoek: SubmitRequest
    door_vertegenwoordiger: bool = False  # someone acting for the resident submits


def dien_in(
    diensten: Aanvraagdiensten,
    principal: Principal,
    verzoek: SubmitRequest,
    sleutel: str,
    context: LambdaContext | None = None,
) -> SubmitResponse:
    """POST /v1/aanvragen: one aanvraag per chosen regeling, or a 409 and nothing written.

    Once per (resident, Idempotency-Key) for 24 hours: a retry gets the first answer, the same
    key with another request a 422 (IETF Idempotency-Key), a retry while the first still runs
    a 409.
    """
    indiening = Indiening(
        burger=burger(principal),
        sleutel=sleutel,
        verzoek=verzoek,
        door_vertegenwoordiger=principal.vertegenwoordiger is not None,
    )
    ingediend = diensten.idempotentie.eenmalig(
        partial(_dien_in_eenmaal, diensten),
        indiening,
        SubmitResponse,
        bewaar_seconden=BEWAARTERMIJN_SLEUTEL,
        context=context,
        sleutel="[burger, sleutel]",
        controle="verzoek",
    )
    # The act itself, for the resident's log and inzage ("wie namens u wat deed"); a replay of
    # the key is a request too. After the write: a failed write is retried under the same key.
    audit.vastleggen(diensten, indiening.burger, "aanvragen", principal, "aanvragen")
    return ingediend


def _dien_in_eenmaal(diensten: Aanvraagdiensten, indiening: Indiening) -> SubmitResponse:
    pseudoniem, verzoek = indiening.burger, indiening.verzoek
    beoordeling = diensten.beoordelingen.beoordeling(pseudoniem, verzoek.beoordeling)
    if beoordeling is None:
        raise NietGevonden("Deze beoordeling bestaat niet.")
    resultaten = _herbeoordeel(diensten, beoordeling, list(dict.fromkeys(verzoek.regelingen)))
    # The rules the decision rests on: each regeling's version on the beoordeling's peildatum.
    regels = {
        r.regeling: diensten.catalogus.regel(r.regeling, beoordeling.peildatum).regeling
        for r in resultaten
    }
    _controleer_iban(list(regels.values()), verzoek.iban)
    nu = diensten.nu()
    aanvragen: list[Aanvraag] = []
    verslagen: list[Beslisverslag] = []
    for resultaat in resultaten:
        regeling = regels[resultaat.regeling]
        aanvraag = _beslis(diensten, regeling, resultaat, beoordeling).model_copy(
            update={"door_vertegenwoordiger": indiening.door_vertegenwoordiger}
        )
        aanvragen.append(aanvraag)
        verslagen.append(
            Beslisverslag(
                aanvraag=aanvraag.id,
                regeling=regeling.id,
                regelversie=resultaat.regelversie,
                peildatum=beoordeling.peildatum,
                huishouden=beoordeling.huishouden,
                herkomst=beoordeling.herkomst,
                resultaat=resultaat,
                uitkomst=aanvraag.status,
                door="vil",
                op=nu,
            )
        )
    # The period an aanvraag counts for is its beoordeling's, not the day it is sent: a
    # beoordeling of 31 December sent on 1 January is an application for the old year.
    peildatum = beoordeling.peildatum
    geblokkeerd = {a.regeling: periode_eind(regels[a.regeling], peildatum) for a in aanvragen}
    gebeurtenissen = [diensten.uitgever.over(a) for a in aanvragen]
    diensten.aanvragen.dien_in(
        pseudoniem, aanvragen, verslagen, geblokkeerd, peildatum, gebeurtenissen
    )
    return SubmitResponse(aanvragen=aanvragen)


def _herbeoordeel(
    diensten: Aanvraagdiensten, beoordeling: Beoordeling, ids: list[str]
) -> list[Resultaat]:
    """Evaluate again with the stored facts: the outcome the decision rests on."""
    bekend = {r.regeling for r in beoordeling.resultaten}
    onbekend = [i for i in ids if i not in bekend or i not in diensten.catalogus.ids]
    if onbekend:
        raise OngeldigVerzoek(
            "Deze regelingen horen niet bij de beoordeling.",
            [("body.regelingen", f"onbekende regeling '{i}'") for i in onbekend],
        )
    huishouden = Huishouden.model_validate(beoordeling.huishouden)
    evaluatie = diensten.catalogus.evaluate(
        huishouden, beoordeling.peildatum, beoordeling.herkomst, ids
    )
    return sorted(evaluatie.resultaten, key=lambda r: ids.index(r.regeling))


def _controleer_iban(regelingen: list[Regeling], iban: str | None) -> None:
    """A gemeente regeling that pays the resident needs a valid IBAN."""
    nodig = [
        regeling.id
        for regeling in regelingen
        if regeling.gemeenten and regeling.uitkomst.uitbetaling is Uitbetaling.inwoner
    ]
    if nodig and (iban is None or not iban_nummer.is_valid(iban)):
        reden = "ontbreekt" if iban is None else "geen geldig IBAN"
        raise OngeldigVerzoek(
            f"Voor {', '.join(nodig)} is een geldig rekeningnummer (IBAN) nodig.",
            [("body.iban", reden)],
        )


def _beslis(
    diensten: Aanvraagdiensten, regeling: Regeling, resultaat: Resultaat, beoordeling: Beoordeling
) -> Aanvraag:
    """Grant, forward, or put in the gemeente's queue (docs/architecture.md 6)."""
    nu = diensten.nu()
    aanvraag = Aanvraag(
        id=uuid.uuid4().hex,
        regeling=regeling.id,
        naam=regeling.naam,
        status=AanvraagStatus.in_behandeling,
        beoordeling=beoordeling.id,
        gemeentecode=behandelaar(regeling, beoordeling),
        ingediend_op=nu,
        gewijzigd_op=nu,
        bedrag_per_maand=resultaat.bedrag_per_maand,
        bedrag_per_jaar=resultaat.bedrag_per_jaar,
        bedrag_eenmalig=resultaat.bedrag_eenmalig,
        toelichting="De gemeente beoordeelt uw aanvraag.",
    )
    if regeling.toekenning.wijze is Wijze.doorsturen:
        return aanvraag.model_copy(
            update={
                "status": AanvraagStatus.doorgestuurd,
                "doorsturen_naar": regeling.toekenning.aanvraag_url,
                "toelichting": (
                    f"{regeling.uitvoerder} beslist over {regeling.naam}. Vraag het aan via de"
                    " link; de vooraf ingevulde gegevens staan in uw beoordeling."
                ),
            }
        )
    if _automatisch(regeling, resultaat, beoordeling):
        beschikking = Beschikking(
            besluit=AanvraagStatus.toegekend,
            tekst=beschikkingstekst(
                regeling,
                resultaat,
                AanvraagStatus.toegekend,
                diensten.vandaag(),
                aanvraag.gemeentecode,
            ),
            datum=diensten.vandaag(),
        )
        return aanvraag.model_copy(
            update={
                "status": AanvraagStatus.toegekend,
                "beschikking": beschikking,
                "toelichting": "Toegekend: uw gegevens en de regels van de gemeente laten dat toe.",
            }
        )
    return aanvraag


def behandelaar(regeling: Regeling, beoordeling: Beoordeling) -> str | None:
    """The gemeente whose regeling it is: the resident's own where the regeling covers several
    (kwijtschelding), otherwise its one gemeente; None for a rijksregeling."""
    if not regeling.gemeenten:
        return None
    woonplaats = beoordeling.huishouden.get("gemeentecode")
    if woonplaats in regeling.gemeenten:
        return str(woonplaats)
    if len(regeling.gemeenten) == 1:
        return next(iter(regeling.gemeenten))
    namen = ", ".join(regeling.gemeenten.values())
    raise OngeldigVerzoek(
        f"{regeling.naam} wordt via VIL alleen behandeld door de gemeenten {namen}.",
        [("body.regelingen", f"'{regeling.id}' hoort niet bij uw woongemeente")],
    )


def _automatisch(regeling: Regeling, resultaat: Resultaat, beoordeling: Beoordeling) -> bool:
    """Grant on the spot only when the regeling allows it and nothing is uncertain: a right,
    a known amount, no unconfirmed value, every fact from a source or an accepted declaration.
    """
    return (
        regeling.toekenning.wijze is Wijze.automatisch
        and resultaat.recht is True
        and not resultaat.indicatief
        and (resultaat.bedrag_eenmalig or resultaat.bedrag_per_jaar) is not None
        and all(
            herkomst_van(pad, beoordeling.herkomst)
            for pad in regeling.invoer
            if not pad.startswith("partner.") or beoordeling.huishouden.get("partner")
        )
    )


def beschikkingstekst(
    regeling: Regeling,
    resultaat: Resultaat,
    besluit: AanvraagStatus,
    op: date,
    gemeentecode: str | None,
    motivering: str | None = None,
) -> str:
    """The beschikking in plain Dutch: decision, amount, the gemeente's motivering, legal
    basis, date, and where and until when to object (docs/decisions.md, 'Beschikkingen')."""
    if besluit is AanvraagStatus.toegekend:
        bedrag = _bedrag(resultaat)
        kern = f"U krijgt {regeling.naam}{': ' + bedrag if bedrag else ''}."
    else:
        redenen = [v.uitleg for v in resultaat.voorwaarden if v.voldaan is False]
        kern = " ".join([f"U krijgt geen {regeling.naam}.", *([] if motivering else redenen)])
    toelichting = f"\n\nToelichting van de gemeente: {motivering}" if motivering else ""
    return (
        f"Besluit van {datum(op)} over uw aanvraag voor {regeling.naam}.\n\n{kern}{toelichting}"
        f"\n\n{grondslag_en_bezwaar(regeling, op, gemeentecode)}"
    )


def grondslag_en_bezwaar(regeling: Regeling, op: date, gemeentecode: str | None) -> str:
    """The close of every beschikking: its legal basis, and where and until when to object."""
    return (
        f"Dit besluit is genomen op grond van {_grondslagen(regeling.grondslag)}."
        f"\n\n{_rechtsbescherming(regeling.rechtsbescherming, op, gemeentecode)}"
    )


def _grondslagen(grondslag: Grondslag) -> str:
    """'artikel 26 van de Invorderingswet 1990 (url), ... en de ...': every source, in order."""
    delen = [_citaat(grondslag.wet, grondslag.artikel, grondslag.url)] + [
        _citaat(v.wet, v.artikel, v.url) for v in grondslag.ook
    ]
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"


def _citaat(wet: str, artikel: str | None, url: str | None) -> str:
    tekst = f"{artikel} van de {wet}" if artikel else wet
    return f"{tekst} ({url})" if url else tekst


WEKEN = {4: "vier", 6: "zes", 8: "acht", 12: "twaalf"}


def _rechtsbescherming(bescherming: Rechtsbescherming, op: date, gemeentecode: str | None) -> str:
    """Where and until when: 'bezwaar maken' at the body that decided (Awb art. 6:4), or
    'in beroep gaan' at another body (kwijtschelding: the college), and what comes after."""
    adres = bescherming.adres_voor(gemeentecode)
    weken = WEKEN.get(bescherming.termijn_weken, str(bescherming.termijn_weken))
    handeling = (
        "bezwaar maken" if bescherming.rechtsmiddel is Rechtsmiddel.bezwaar else "in beroep gaan"
    )
    tekst = (
        f"Bent u het niet eens met dit besluit? Dan kunt u binnen {weken} weken na {datum(op)}"
        f" {handeling} bij {adres.aan}, {adres.postadres}."
    )
    return f"{tekst} {bescherming.daarna}" if bescherming.daarna else tekst


def _bedrag(resultaat: Resultaat) -> str:
    if resultaat.bedrag_per_maand is not None:
        return f"{euro(Decimal(resultaat.bedrag_per_maand), centen=True)} per maand"
    if resultaat.bedrag_eenmalig is not None:
        return euro(Decimal(resultaat.bedrag_eenmalig), centen=True)
    return ""


def periode_eind(regeling: Regeling, peildatum: date) -> date:
    """Until when (from which peildatum on) a new application for this regeling is refused,
    after one with a beoordeling of `peildatum`."""
    if regeling.toekenning.periode is Periode.kalenderjaar:
        return date(peildatum.year + 1, 1, 1)
    try:
        return peildatum.replace(year=peildatum.year + 1)
    except ValueError:  # 29 February
        return date(peildatum.year + 1, 3, 1)


def lijst(
    diensten: Basisdiensten,
    principal: Principal,
    status: AanvraagStatus | None,
    regeling: str | None,
    cursor: str | None,
    limiet: int,
) -> ListAanvragenResponse:
    """A resident sees their own aanvragen; a gemeente those for its regelingen, paged."""
    if principal.soort is Principalsoort.gemeente and principal.gemeentecode:
        pagina, volgende = diensten.aanvragen.aanvragen_van_gemeente(
            principal.gemeentecode, status, regeling, cursor, limiet
        )
        for pseudoniem in dict.fromkeys(p for p, _ in pagina):  # one record per resident
            audit.vastleggen(diensten, pseudoniem, "inzien-aanvragen", principal, "behandelen")
        return ListAanvragenResponse(aanvragen=[a for _, a in pagina], volgende=volgende)
    eigen = diensten.aanvragen.aanvragen_van_burger(burger(principal))
    gefilterd = [a for a in eigen if status in (None, a.status) and regeling in (None, a.regeling)]
    return ListAanvragenResponse(aanvragen=gefilterd)


def haal(diensten: Basisdiensten, principal: Principal, aanvraag_id: str) -> tuple[str, Aanvraag]:
    """One aanvraag of the caller, with the resident's pseudonym; 404 for anyone else's."""
    if principal.soort is Principalsoort.anoniem:
        raise NietGeauthenticeerd("Log in om een aanvraag te zien.")
    found = diensten.aanvragen.aanvraag(aanvraag_id)
    if found is None or not _mag_zien(principal, *found):
        raise NietGevonden("Deze aanvraag bestaat niet.")
    audit.vastleggen(diensten, found[0], "inzien-aanvraag", principal, "behandelen")
    return found


def _mag_zien(principal: Principal, pseudoniem: str, aanvraag: Aanvraag) -> bool:
    if principal.soort is Principalsoort.burger:
        return principal.pseudoniem == pseudoniem
    if principal.soort is Principalsoort.gemeente:
        return aanvraag.gemeentecode is not None and aanvraag.gemeentecode == principal.gemeentecode
    return False


def trek_in(diensten: Aanvraagdiensten, principal: Principal, aanvraag_id: str) -> Aanvraag:
    """The resident withdraws an aanvraag that is still in behandeling."""
    if principal.soort is not Principalsoort.burger:
        raise NietGeauthenticeerd("Alleen de inwoner zelf kan een aanvraag intrekken.")
    pseudoniem, aanvraag = haal(diensten, principal, aanvraag_id)
    ingetrokken = aanvraag.model_copy(
        update={
            "status": AanvraagStatus.ingetrokken,
            "gewijzigd_op": diensten.nu(),
            "toelichting": "U heeft deze aanvraag ingetrokken.",
        }
    )
    diensten.aanvragen.wijzig(
        pseudoniem,
        ingetrokken,
        AanvraagStatus.in_behandeling,
        None,
        diensten.uitgever.over(ingetrokken),
        vrijgeven=True,
    )
    audit.vastleggen(diensten, pseudoniem, "intrekken", principal, "aanvragen")
    return ingetrokken


def besluit(
    diensten: Aanvraagdiensten, principal: Principal, aanvraag_id: str, verzoek: DecideRequest
) -> Aanvraag:
    """The gemeente decides an aanvraag in its queue; the beschikking goes to the resident."""
    if principal.soort is Principalsoort.anoniem:
        raise NietGeauthenticeerd("Alleen een gemeente beslist over een aanvraag.")
    if principal.soort is not Principalsoort.gemeente:
        raise NietGevonden("Deze aanvraag bestaat niet.")
    pseudoniem, aanvraag = haal(diensten, principal, aanvraag_id)
    verslag = diensten.aanvragen.beslisverslagen(aanvraag_id)[-1]  # written at submission
    regeling = herspelen.regeling_van(diensten.catalogus, verslag)  # the version it rests on
    uitkomst = (
        AanvraagStatus.toegekend if verzoek.besluit == "toekennen" else AanvraagStatus.afgewezen
    )
    tekst = beschikkingstekst(
        regeling,
        verslag.resultaat,
        uitkomst,
        diensten.vandaag(),
        aanvraag.gemeentecode,
        verzoek.motivering,
    )
    besloten = aanvraag.model_copy(
        update={
            "status": uitkomst,
            "gewijzigd_op": diensten.nu(),
            "beschikking": Beschikking(besluit=uitkomst, tekst=tekst, datum=diensten.vandaag()),
            "toelichting": f"De gemeente heeft besloten: {uitkomst.value}.",
        }
    )
    nieuw_verslag = verslag.model_copy(
        update={
            "uitkomst": uitkomst,
            "door": principal.gemeentecode,
            "motivering": verzoek.motivering,
            "op": diensten.nu(),
        }
    )
    diensten.aanvragen.wijzig(
        pseudoniem,
        besloten,
        AanvraagStatus.in_behandeling,
        nieuw_verslag,
        diensten.uitgever.over(besloten),
    )
    return besloten
