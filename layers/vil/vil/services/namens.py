"""Acting for someone: the resident a request is about, and whether the caller may act for them.

A request for another resident names one machtiging (the `X-Namens` header, docs/decisions.md,
"Acting for someone"); a DigiD Machtigen token names the resident itself. Nothing is inferred,
and the machtiging is read again on every request, so a revoked or expired one stops the next
request. A caller who does not hold a valid machtiging gets 404, never 403: no information
about who exists or who is represented. A valid machtiging without the right a route needs is
403 (the holder knows the machtiging already).
"""

from collections.abc import Collection

from vil.fouten import GeenRecht, NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal, Principalsoort
from vil.models.machtiging import Recht, Vastgelegd
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
    nodig = {rechten} if isinstance(rechten, Recht) else set(rechten)
    if principal.namens_pseudoniem:  # DigiD Machtigen: the token names the resident
        if machtiging_id is not None:
            raise OngeldigVerzoek(
                "Met een DigiD Machtigen-token handelt u al namens iemand; één machtiging per"
                " verzoek.",
                [(f"header.{HEADER}", "niet samen met DigiD Machtigen")],
            )
        _recht(nodig, DIGID_MACHTIGEN)
        return Principal(
            soort=Principalsoort.burger,
            pseudoniem=principal.namens_pseudoniem,
            bsn_versleuteld=principal.namens_bsn_versleuteld,
            vertegenwoordiger=f"gemachtigde:{principal.pseudoniem}",
            machtiging="digid-machtigen",
        )
    if machtiging_id is None:
        if principal.soort is Principalsoort.hulpverlener:
            raise OngeldigVerzoek(
                "Een hulpverlener noemt de machtiging waaronder hij handelt.",
                [(f"header.{HEADER}", "verplicht voor een hulpverlener")],
            )
        return principal
    gevonden = diensten.machtigingen.haal(machtiging_id)
    if (
        gevonden is None
        or not _houdt(principal, gevonden)
        or not gevonden.machtiging.geldt_op(diensten.vandaag())
    ):
        raise NietGevonden(NIET_VERTEGENWOORDIGD)
    _recht(nodig, set(gevonden.machtiging.rechten))
    return Principal(
        soort=Principalsoort.burger,
        pseudoniem=gevonden.pseudoniem,
        bsn_versleuteld=gevonden.bsn_versleuteld,
        organisatie=principal.organisatie,
        medewerker=principal.medewerker,
        vertegenwoordiger=vertegenwoordiger(principal),
        machtiging=gevonden.machtiging.id,
    )


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


def _recht(nodig: set[Recht], gegeven: Collection[Recht]) -> None:
    if not nodig & set(gegeven):
        namen = " of ".join(sorted(r.value for r in nodig))
        raise GeenRecht(f"Deze machtiging geeft niet het recht {namen}.")
