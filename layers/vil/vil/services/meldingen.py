"""The resident's meldingen: what the monthly check found, and which of it they have read."""

from vil.fouten import NietGevonden
from vil.models.identiteit import Principal
from vil.models.maandcheck import Melding
from vil.services.diensten import Basisdiensten
from vil.services.toestemmingen import burger


def lijst(diensten: Basisdiensten, principal: Principal) -> list[Melding]:
    """GET /v1/meldingen: the caller's own, newest first; 401 for anyone but a resident."""
    return diensten.maandchecks.meldingen(burger(principal))


def markeer(
    diensten: Basisdiensten, principal: Principal, melding_id: str, gelezen: bool
) -> Melding:
    """PATCH /v1/meldingen/{id}: (un)read; 404 for an unknown id or anyone else's."""
    melding = diensten.maandchecks.markeer_melding(burger(principal), melding_id, gelezen)
    if melding is None:
        raise NietGevonden("Deze melding bestaat niet.")
    return melding
