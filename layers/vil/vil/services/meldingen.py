"""The resident's meldingen: what the monthly check found, and which of it they have read."""

from vil.fouten import NietGevonden, OngeldigVerzoek
from vil.models.identiteit import Principal
from vil.models.maandcheck import Melding
from vil.services.diensten import Basisdiensten
from vil.services.toestemmingen import burger


def van(diensten: Basisdiensten, principal: Principal) -> list[Melding]:
    """Every melding of the caller, newest first, in one read (the loket shows them all on one
    page); 401 for anyone but a resident."""
    return diensten.maandchecks.meldingen(burger(principal))


def lijst(
    diensten: Basisdiensten, principal: Principal, cursor: str | None, limiet: int
) -> tuple[list[Melding], str | None]:
    """GET /v1/meldingen: a page of the caller's own, newest first, and the cursor of the next
    page (the last melding's id); 401 for anyone but a resident.

    Paged here, not in the store: the order is by check, then regeling, which no key holds, and
    a resident has a few meldingen a month, kept for a bounded time (docs/bewaartermijnen.md).
    """
    alle = van(diensten, principal)
    begin = 0
    if cursor is not None:
        ids = [m.id for m in alle]
        if cursor not in ids:
            raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
        begin = ids.index(cursor) + 1
    pagina = alle[begin : begin + limiet]
    return pagina, pagina[-1].id if begin + limiet < len(alle) else None


def markeer(
    diensten: Basisdiensten, principal: Principal, melding_id: str, gelezen: bool
) -> Melding:
    """PATCH /v1/meldingen/{id}: (un)read; 404 for an unknown id or anyone else's."""
    melding = diensten.maandchecks.markeer_melding(burger(principal), melding_id, gelezen)
    if melding is None:
        raise NietGevonden("Deze melding bestaat niet.")
    return melding
