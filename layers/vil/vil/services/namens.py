"""Acting for someone: the resident a request is about, and whether the caller may act for them.

A request for another resident names one machtiging (the `X-Namens` header, docs/decisions.md,
"Acting for someone"); a DigiD Machtigen token names the resident itself. Nothing is inferred,
and the machtiging is read again on every request, so a revoked or expired one stops the next
request. A caller who does not hold a valid machtiging gets 404, never 403: no information
about who exists or who is represented. A valid machtiging without the right a route needs is
403 (the holder knows the machtiging already).
"""

import re
from collections.abc import Collection

from vil.fouten import GeenRecht, NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import (
    CCBR_PREFIX,
    REGISTRATIENUMMER,
    WETTELIJKE_RECHTEN,
    Machtiging,
    Machtigingbron,
    OrganisatieKvk,
    OrganisatieOin,
    Recht,
    Registratie,
    Vastgelegd,
)
from vil.services import audit
from vil.services.diensten import Basisdiensten

HEADER = "X-Namens"
# What a DigiD Machtigen machtiging for VIL's service allows: everything but consent for the
# sources, which only the resident, a wettelijk vertegenwoordiger or an explicit grant gives.
DIGID_MACHTIGEN = frozenset({Recht.inzien, Recht.aanvragen, Recht.meldingen_ontvangen})
NIET_VERTEGENWOORDIGD = "U handelt niet (meer) namens deze inwoner."


def betrokkene(
    diensten: Basisdiensten,
    principal: Principal,
    machtiging_id: str | None,
    rechten: Recht | Collection[Recht],
) -> Principal:
    """The principal of the resident the request is about: the caller themself, or the resident
    they act for (with who acts and under which machtiging, for the audit).

    `rechten`: the right the route needs (any one of a collection).

    Raises:
        OngeldigVerzoek: a hulpverlener without `X-Namens`, or two machtigingen at once.
        NietGevonden: the caller holds no valid machtiging of that id.
        GeenRecht: the machtiging is valid but does not give the right.
    """
    wie, gegeven = vertegenwoordigd(diensten, principal, machtiging_id)
    if gegeven is not None:
        vereis(rechten, gegeven)
    return wie


def vertegenwoordigd(
    diensten: Basisdiensten, principal: Principal, machtiging_id: str | None
) -> tuple[Principal, frozenset[Recht] | None]:
    """`betrokkene` without the check of a right: the resident's principal, and the rights the
    caller has for them (None: the caller is the resident, who has every right).

    Raises:
        OngeldigVerzoek: a hulpverlener without `X-Namens`, or two machtigingen at once.
        NietGevonden: the caller holds no valid machtiging of that id.
    """
    if principal.namens_pseudoniem:  # DigiD Machtigen: the token names the resident
        if machtiging_id is not None:
            raise OngeldigVerzoek(
                "Met een DigiD Machtigen-token handelt u al namens iemand; één machtiging per"
                " verzoek.",
                [(f"header.{HEADER}", "niet samen met DigiD Machtigen")],
            )
        gemachtigd = Principal(
            soort=Principalsoort.burger,
            pseudoniem=principal.namens_pseudoniem,
            bsn_versleuteld=principal.namens_bsn_versleuteld,
            vertegenwoordiger=f"gemachtigde:{principal.pseudoniem}",
            machtiging="digid-machtigen",
        )
        return gemachtigd, DIGID_MACHTIGEN
    if machtiging_id is None:
        if principal.soort is Principalsoort.hulpverlener:
            raise OngeldigVerzoek(
                "Een hulpverlener noemt de machtiging waaronder hij handelt.",
                [(f"header.{HEADER}", "verplicht voor een hulpverlener")],
            )
        return principal, None
    gevonden = _geldige(diensten, principal, machtiging_id)
    namens = Principal(
        soort=Principalsoort.burger,
        pseudoniem=gevonden.pseudoniem,
        bsn_versleuteld=gevonden.bsn_versleuteld,
        organisatie=principal.organisatie,
        medewerker=principal.medewerker,
        vertegenwoordiger=vertegenwoordiger(principal),
        machtiging=gevonden.machtiging.id,
    )
    return namens, frozenset(gevonden.machtiging.rechten)


def rechten(
    diensten: Basisdiensten, principal: Principal, machtiging_id: str | None
) -> frozenset[Recht]:
    """What the caller may do for the resident a request is about, by the same checks as
    `betrokkene`: every right for the resident themself, DigiD Machtigen's for a gemachtigde,
    the machtiging's own for whoever acts under one. A page shows an explanation instead of an
    action whose right is missing; the action itself is still checked by `betrokkene`.

    Raises:
        NietGevonden: the caller holds no valid machtiging of that id.
    """
    if principal.namens_pseudoniem:
        return DIGID_MACHTIGEN
    if machtiging_id is None:
        return frozenset(Recht) if principal.soort is Principalsoort.burger else frozenset()
    return frozenset(_geldige(diensten, principal, machtiging_id).machtiging.rechten)


def _geldige(diensten: Basisdiensten, principal: Principal, machtiging_id: str) -> Vastgelegd:
    """The machtiging of that id if the caller holds it and it holds today; NietGevonden
    otherwise. A register machtiging is read from the register itself, every time."""
    if machtiging_id.startswith(CCBR_PREFIX):
        gevonden = uit_register(diensten, principal, machtiging_id)
    else:
        gevonden = diensten.machtigingen.haal(machtiging_id)
    if (
        gevonden is None
        or not _houdt(principal, gevonden)
        or not gevonden.machtiging.geldt_op(diensten.vandaag())
    ):
        raise NietGevonden(NIET_VERTEGENWOORDIGD)
    return gevonden


def uit_register(
    diensten: Basisdiensten, principal: Principal, machtiging_id: str
) -> Vastgelegd | None:
    """A wettelijke vertegenwoordiging as a machtiging: the register's entry of that number,
    if the caller is one of its vertegenwoordigers (None otherwise).

    The register decides, not a stored copy: a bewind the court ended stops the next request.
    The entry is stored (or refreshed) as a machtiging with the rights the law gives, so the
    resident sees it in their machtigingen and the vertegenwoordiger in their caseload. The read
    is audited for the resident, also when the caller turns out not to represent them.

    Raises:
        NietBeschikbaar: the register gave no usable answer.
    """
    nummer = machtiging_id.removeprefix(CCBR_PREFIX)
    if not re.fullmatch(REGISTRATIENUMMER, nummer):
        return None
    registratie = diensten.register.registratie(nummer)
    if registratie is None:
        return None
    pseudoniem = diensten.sleutels.pseudoniem(registratie.betrokkene_bsn)
    houder = _vertegenwoordigt(diensten, principal, registratie)
    if houder is None:
        audit.vastleggen(diensten, pseudoniem, "register-gelezen", principal,
                         "vertegenwoordiging", ["ccbr"], "geweigerd")  # fmt: skip
        return None
    namens = principal.model_copy(
        update={"vertegenwoordiger": vertegenwoordiger(principal), "machtiging": machtiging_id}
    )
    audit.vastleggen(diensten, pseudoniem, "register-gelezen", namens, "vertegenwoordiging",
                     ["ccbr"])  # fmt: skip
    return _bewaar(diensten, pseudoniem, registratie, houder)


def _vertegenwoordigt(
    diensten: Basisdiensten, principal: Principal, registratie: Registratie
) -> str | None:
    """How the table names the caller as holder, if the register names them: their office
    (any of its employees acts), or they themself by BSN."""
    if principal.soort is Principalsoort.hulpverlener:
        organisatie = principal.organisatie
        return organisatie if organisatie in registratie.vertegenwoordigers_organisatie else None
    if principal.soort is Principalsoort.burger and principal.pseudoniem:
        for bsn in registratie.vertegenwoordigers_bsn:
            if diensten.sleutels.pseudoniem(bsn) == principal.pseudoniem:
                return f"persoon:{principal.pseudoniem}"
    return None


def _bewaar(
    diensten: Basisdiensten, pseudoniem: str, registratie: Registratie, houder: str
) -> Vastgelegd:
    """The register's entry as a stored machtiging; written only when it changed."""
    eerder = diensten.machtigingen.haal(registratie.machtiging_id)
    soort, _, nummer = houder.partition(":")
    organisatie: OrganisatieKvk | OrganisatieOin | None = None
    if soort == "kvk":
        organisatie = OrganisatieKvk(kvk=nummer)
    elif soort == "oin":
        organisatie = OrganisatieOin(oin=nummer)
    machtiging = Machtiging(
        id=registratie.machtiging_id,
        soort=registratie.soort,
        bron=Machtigingbron.ccbr,
        organisatie=organisatie,
        medewerker=None,
        gemachtigde_persoon=organisatie is None,
        rechten=sorted(WETTELIJKE_RECHTEN[registratie.soort]),
        geldig_vanaf=registratie.ingangsdatum,
        geldig_tot=registratie.einddatum,
        verleend_op=eerder.machtiging.verleend_op if eerder else diensten.nu(),
    )
    if eerder is not None and eerder.gemachtigde == houder and eerder.machtiging == machtiging:
        return eerder
    vastgelegd = Vastgelegd(
        pseudoniem=pseudoniem,
        bsn_versleuteld=(
            eerder.bsn_versleuteld
            if eerder
            else diensten.sleutels.versleutel(registratie.betrokkene_bsn)
        ),
        gemachtigde=houder,
        machtiging=machtiging,
    )
    diensten.machtigingen.leg_vast(vastgelegd)
    return vastgelegd


def gemachtigde(principal: Principal) -> str | None:
    """How the table names who holds a machtiging: the organisation, or a person."""
    if principal.soort is Principalsoort.hulpverlener and principal.organisatie:
        return principal.organisatie
    if principal.soort is Principalsoort.burger and principal.pseudoniem:
        return f"persoon:{principal.pseudoniem}"
    return None


def vertegenwoordiger(principal: Principal) -> str:
    """Who acts, for the audit: an organisation's employee, or a person by pseudonym."""
    if principal.soort is Principalsoort.hulpverlener:
        return f"hulpverlener:{principal.organisatie}:{principal.medewerker}"
    return f"gemachtigde:{principal.pseudoniem}"


def _houdt(principal: Principal, vastgelegd: Vastgelegd) -> bool:
    """Whether the caller holds this machtiging: their organisation (and, if it names one, the
    employee), or they themself as a person."""
    if vastgelegd.gemachtigde != gemachtigde(principal):
        return False
    medewerker = vastgelegd.machtiging.medewerker
    return medewerker is None or medewerker == principal.medewerker


def vereis(rechten: Recht | Collection[Recht], gegeven: Collection[Recht]) -> None:
    """GeenRecht unless `gegeven` holds the right (any one of a collection)."""
    nodig = {rechten} if isinstance(rechten, Recht) else set(rechten)
    if not nodig & set(gegeven):
        namen = " of ".join(sorted(r.value for r in nodig))
        raise GeenRecht(f"Deze machtiging geeft niet het recht {namen}.")
