"""Machtigingen: the resident grants, lists and revokes; an organisation lists what it holds."""

import uuid

from vil.fouten import Conflict, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import (
    Machtiging,
    Machtigingbron,
    NieuweMachtiging,
    Vastgelegd,
    Vertegenwoordiging,
)
from vil.services import audit
from vil.services.diensten import Basisdiensten
from vil.services.namens import gemachtigde


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
