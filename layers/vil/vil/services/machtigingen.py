"""Machtigingen: the resident grants, lists and revokes; an organisation lists what it holds."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta

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
from vil.services.namens import betrokkene, gemachtigde, vertegenwoordiger


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


# Both lists of GET /v1/machtigingen are paged by one cursor: the place in each, joined by a
# dot; a list that has been read to the end is a tilde (neither is in a page's own cursor).
KLAAR = "~"


def lijst(
    diensten: Basisdiensten, principal: Principal, cursor: str | None, limiet: int
) -> tuple[list[Machtiging], list[Machtiging], str | None]:
    """(what the caller gave, what the caller holds, the cursor of the next page): a resident
    has both (a bewindvoerder with DigiD holds the register's machtigingen); an organisation's
    hulpverlener only holds, and sees those for the organisation or for them by name. Each list
    has at most `limiet` on a page."""
    eerste, tweede = _plaatsen(cursor)
    if principal.soort is Principalsoort.hulpverlener:
        wie = gemachtigde(principal)
        if wie is None:
            raise NietGeauthenticeerd("Het token noemt geen organisatie.")
        gehouden, verder = _pagina(
            tweede,
            lambda plek: diensten.machtigingen.gehouden(
                wie, principal.medewerker, None, plek, limiet
            ),
        )
        return [], gehouden, _cursor(KLAAR, verder)
    pseudoniem, _ = volmachtgever(principal)
    gegeven, hierna = _pagina(
        eerste, lambda plek: diensten.machtigingen.gegeven(pseudoniem, plek, limiet)
    )
    gehouden, verder = _pagina(
        tweede,
        lambda plek: diensten.machtigingen.gehouden(
            f"persoon:{pseudoniem}", None, None, plek, limiet
        ),
    )
    return gegeven, gehouden, _cursor(hierna, verder)


def _plaatsen(cursor: str | None) -> tuple[str | None, str | None]:
    """Each list's place from the combined cursor (None: from the start)."""
    if cursor is None:
        return None, None
    delen = cursor.split(".")
    if len(delen) != 2 or not all(delen):
        raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
    return delen[0], delen[1]


def _pagina(
    plek: str | None, haal: Callable[[str | None], tuple[list[Vastgelegd], str | None]]
) -> tuple[list[Machtiging], str]:
    if plek == KLAAR:
        return [], KLAAR
    gevonden, volgende = haal(plek)
    return [v.machtiging for v in gevonden], volgende or KLAAR


def _cursor(eerste: str, tweede: str) -> str | None:
    return None if eerste == tweede == KLAAR else f"{eerste}.{tweede}"


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
    the store (a page may be short: the store filters after reading). Reading a resident's
    state is audited for them."""
    wie = gemachtigde(principal)
    if wie is None or (principal.soort is Principalsoort.burger and principal.namens_pseudoniem):
        raise NietGeauthenticeerd("Alleen een hulpverlener of vertegenwoordiger heeft cliënten.")
    geldig, volgende = diensten.machtigingen.gehouden(
        wie, principal.medewerker, diensten.vandaag(), cursor, limiet
    )
    return [_client(diensten, principal, v) for v in geldig], volgende


def client(diensten: Basisdiensten, principal: Principal, machtiging_id: str) -> Client:
    """One resident of the caseload, by the machtiging the caller holds today (any right);
    NietGevonden otherwise. Audited as a line of the caseload is."""
    betrokkene(diensten, principal, machtiging_id, list(Recht))
    vastgelegd = diensten.machtigingen.haal(machtiging_id)
    if vastgelegd is None:  # revoked and removed between the two reads
        raise NietGevonden("Onbekende machtiging.")
    return _client(diensten, principal, vastgelegd)


# Where the BRP's birth date sits among the facts VIL keeps per source.
GEBOORTEDATUM = "huishouden.aanvrager.geboortedatum"


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
    open_aanvragen = ongelezen = zonder = geboren = None
    if inzien:
        geboren = (
            diensten.brongegevens.gegevens(pseudoniem).get(Bron.brp.value, {}).get(GEBOORTEDATUM)
        )
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
        geldig_vanaf=machtiging.geldig_vanaf,
        geldig_tot=eind,
        geboortedatum=date.fromisoformat(geboren) if isinstance(geboren, str) else None,
        verloopt_binnenkort=eind is not None and eind - diensten.vandaag() < BINNENKORT,
        open_aanvragen=open_aanvragen,
        ongelezen_meldingen=ongelezen,
        bronnen_zonder_toestemming=zonder,
    )
