"""Machtigingen: the resident grants, lists and revokes; an organisation lists what it holds."""

import uuid
from datetime import timedelta

from vil.fouten import Conflict, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import AanvraagStatus
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import (
    Client,
    Machtiging,
    Machtigingbron,
    NieuweMachtiging,
    Recht,
    Vastgelegd,
    Vertegenwoordiging,
)
from vil.models.toestemming import Bron, Doel
from vil.services import audit
from vil.services.diensten import Basisdiensten
from vil.services.namens import gemachtigde, vertegenwoordiger


def volmachtgever(principal: Principal) -> tuple[str, str]:
    """The resident themself (pseudonym, encrypted BSN): only they grant and revoke, never
    someone acting for them."""
    if (
        principal.soort is not Principalsoort.burger
        or not principal.pseudoniem
        or not principal.bsn_versleuteld
        or principal.namens_pseudoniem
    ):
        raise NietGeauthenticeerd("Alleen de inwoner zelf, met DigiD, geeft een machtiging.")
    return principal.pseudoniem, principal.bsn_versleuteld


def verleen(diensten: Basisdiensten, principal: Principal, verzoek: NieuweMachtiging) -> Machtiging:
    pseudoniem, bsn_versleuteld = volmachtgever(principal)
    fouten = []
    if verzoek.geldig_tot < verzoek.geldig_vanaf:
        fouten.append(("body.geldigTot", "ligt voor geldigVanaf"))
    if verzoek.geldig_tot < diensten.vandaag():
        fouten.append(("body.geldigTot", f"ligt voor vandaag ({diensten.vandaag().isoformat()})"))
    if fouten:
        raise OngeldigVerzoek("Deze machtiging zou nooit gelden.", fouten)
    machtiging = Machtiging(
        id=uuid.uuid4().hex,
        soort=Vertegenwoordiging.machtiging,
        bron=Machtigingbron.inwoner,
        organisatie=verzoek.organisatie,
        medewerker=verzoek.medewerker,
        rechten=sorted(verzoek.rechten),
        geldig_vanaf=verzoek.geldig_vanaf,
        geldig_tot=verzoek.geldig_tot,
        verleend_op=diensten.nu(),
    )
    diensten.machtigingen.leg_vast(
        Vastgelegd(
            pseudoniem=pseudoniem,
            bsn_versleuteld=bsn_versleuteld,
            gemachtigde=verzoek.organisatie.sleutel,
            machtiging=machtiging,
        )
    )
    audit.vastleggen(diensten, pseudoniem, "machtiging-verleend", principal, "machtigen")
    return machtiging


def lijst(
    diensten: Basisdiensten, principal: Principal
) -> tuple[list[Machtiging], list[Machtiging]]:
    """(what the caller gave, what the caller holds): a resident has both (a bewindvoerder with
    DigiD holds the register's machtigingen); an organisation's hulpverlener only holds, and
    sees those for the organisation or for them by name."""
    if principal.soort is Principalsoort.hulpverlener:
        wie = gemachtigde(principal)
        if wie is None:
            raise NietGeauthenticeerd("Het token noemt geen organisatie.")
        gehouden = [
            v.machtiging
            for v in diensten.machtigingen.van_gemachtigde(wie)
            if v.machtiging.medewerker in (None, principal.medewerker)
        ]
        return [], gehouden
    pseudoniem, _ = volmachtgever(principal)
    gegeven = [v.machtiging for v in diensten.machtigingen.van_burger(pseudoniem)]
    gehouden = [
        v.machtiging for v in diensten.machtigingen.van_gemachtigde(f"persoon:{pseudoniem}")
    ]
    return gegeven, gehouden


def trek_in(diensten: Basisdiensten, principal: Principal, machtiging_id: str) -> Machtiging:
    """Revoke in one call; the next request under it is refused. A wettelijke vertegenwoordiging
    ends in the register, not here (409)."""
    pseudoniem, _ = volmachtgever(principal)
    gevonden = diensten.machtigingen.haal(machtiging_id)
    if gevonden is None or gevonden.pseudoniem != pseudoniem:
        raise NietGevonden("Onbekende machtiging.")
    if gevonden.machtiging.bron is Machtigingbron.ccbr:
        raise Conflict(
            "Een wettelijke vertegenwoordiging eindigt met een besluit van de rechter, dat het"
            " Centraal Curatele- en Bewindregister vastlegt; u kunt haar hier niet intrekken."
        )
    ingetrokken = diensten.machtigingen.trek_in(machtiging_id, pseudoniem, diensten.nu())
    if ingetrokken is None:
        raise NietGevonden("Onbekende machtiging.")
    audit.vastleggen(diensten, pseudoniem, "machtiging-ingetrokken", principal, "machtigen")
    return ingetrokken.machtiging


BINNENKORT = timedelta(days=30)


def clienten(
    diensten: Basisdiensten, principal: Principal, cursor: str | None, limiet: int
) -> tuple[list[Client], str | None]:
    """The caseload: every resident the caller may act for today (a hulpverlener: for their
    organisation or them by name; a person: the register's), newest machtiging first, paged by
    the last machtiging id of the page before. Reading a resident's state is audited for them."""
    wie = gemachtigde(principal)
    if wie is None or (principal.soort is Principalsoort.burger and principal.namens_pseudoniem):
        raise NietGeauthenticeerd("Alleen een hulpverlener of vertegenwoordiger heeft cliënten.")
    vandaag = diensten.vandaag()
    geldig = [
        v
        for v in diensten.machtigingen.van_gemachtigde(wie)
        if v.machtiging.geldt_op(vandaag)
        and v.machtiging.medewerker in (None, principal.medewerker)
    ]
    begin = 0
    if cursor is not None:
        ids = [v.machtiging.id for v in geldig]
        if cursor not in ids:
            raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
        begin = ids.index(cursor) + 1
    pagina = geldig[begin : begin + limiet]
    volgende = pagina[-1].machtiging.id if begin + limiet < len(geldig) else None
    return [_client(diensten, principal, v) for v in pagina], volgende


def _client(diensten: Basisdiensten, principal: Principal, vastgelegd: Vastgelegd) -> Client:
    machtiging, pseudoniem = vastgelegd.machtiging, vastgelegd.pseudoniem
    rechten = set(machtiging.rechten)
    inzien = Recht.inzien in rechten
    meldingen = inzien or Recht.meldingen_ontvangen in rechten
    if inzien or meldingen:
        namens = principal.model_copy(
            update={"vertegenwoordiger": vertegenwoordiger(principal), "machtiging": machtiging.id}
        )
        audit.vastleggen(diensten, pseudoniem, "caseload", namens, "hulpverlening")
    open_aanvragen = ongelezen = zonder = None
    if inzien:
        open_aanvragen = sum(
            a.status is AanvraagStatus.in_behandeling
            for a in diensten.aanvragen.aanvragen_van_burger(pseudoniem)
        )
        huidige = diensten.toestemmingen.huidige(pseudoniem)
        zonder = [
            b.value for b in Bron if b not in huidige or Doel.aanvragen not in huidige[b].doelen
        ]
    if meldingen:
        ongelezen = sum(not m.gelezen for m in diensten.maandchecks.meldingen(pseudoniem))
    eind = machtiging.geldig_tot
    return Client(
        machtiging=machtiging.id,
        soort=machtiging.soort,
        rechten=machtiging.rechten,
        geldig_tot=eind,
        verloopt_binnenkort=eind is not None and eind - diensten.vandaag() < BINNENKORT,
        open_aanvragen=open_aanvragen,
        ongelezen_meldingen=ongelezen,
        bronnen_zonder_toestemming=zonder,
    )
