"""Audit: one record per data subject for every read of personal data (docs/architecture.md 9)."""

from collections.abc import Iterable

from vil.models.identiteit import Principal
from vil.observability import logger
from vil.services.diensten import Basisdiensten


def actor(principal: Principal) -> str:
    """Who read: the resident themself, their representative ('hulpverlener', 'gemachtigde'),
    or a gemeente by its code (never a BSN)."""
    if principal.vertegenwoordiger:
        return principal.vertegenwoordiger.partition(":")[0]
    if principal.gemeentecode:
        return f"{principal.soort.value}:{principal.gemeentecode}"
    return principal.soort.value


def vastleggen(
    diensten: Basisdiensten,
    pseudoniem: str,
    verwerking: str,
    principal: Principal,
    doel: str,
    bronnen: Iterable[str] = (),
    resultaat: str = "gelukt",
) -> None:
    """Write the audit record before the data leaves VIL; a failed write fails the request."""
    vastleggen_door(
        diensten, pseudoniem, verwerking, actor(principal), doel, bronnen, resultaat,
        namens(principal),
    )  # fmt: skip


def namens(principal: Principal) -> dict[str, str] | None:
    """Who acted for the resident, if someone did: for the record and the resident's inzage."""
    if not principal.vertegenwoordiger:
        return None
    velden = {
        "vertegenwoordiger": principal.vertegenwoordiger,
        "machtiging": principal.machtiging,
        "organisatie": principal.organisatie,
    }
    return {k: v for k, v in velden.items() if v}


def vastleggen_door(
    diensten: Basisdiensten,
    pseudoniem: str,
    verwerking: str,
    door: str,
    doel: str,
    bronnen: Iterable[str] = (),
    resultaat: str = "gelukt",
    namens: dict[str, str] | None = None,
) -> None:
    """The same record with the actor named: also for work no caller asked for (the monthly
    check reads as 'vil-maandcheck')."""
    trace_id = logger.get_correlation_id() or "onbekend"
    diensten.audit.schrijf(
        pseudoniem, verwerking, door, doel, resultaat, trace_id, diensten.nu(), bronnen, namens
    )
