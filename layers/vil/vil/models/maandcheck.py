"""The monthly check: its message, the resident's last known outcome, and the meldingen it makes."""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Self

from pydantic import Field

from vil.models.base import JaNee, VilModel
from vil.models.resultaat import Resultaat


class MaandcheckEvent(VilModel):
    """What a resident's schedule sends to the check queue (`vil.adapters.planner.payload`)."""

    pseudoniem: str = Field(
        pattern=r"^v[0-9a-z]+\.[0-9a-z]+$",
        max_length=61,  # 'mc-' + the pseudonym is the schedule's name: at most 64 characters
        description="Het pseudoniem van de inwoner (nooit een BSN).",
    )
    versie: Literal[1] = Field(description="Versie van het bericht; een onbekende wordt geweigerd.")


class Standuitkomst(VilModel):
    """One regeling's outcome as the resident last knew it: entitlement and amounts."""

    recht: bool
    bedrag_per_maand: str | None = None
    bedrag_per_jaar: str | None = None
    bedrag_eenmalig: str | None = None

    @classmethod
    def van(cls, resultaat: Resultaat) -> Self | None:
        """The outcome of an evaluation; None when the entitlement is unknown."""
        if resultaat.recht is None:
            return None
        return cls(
            recht=resultaat.recht,
            bedrag_per_maand=resultaat.bedrag_per_maand,
            bedrag_per_jaar=resultaat.bedrag_per_jaar,
            bedrag_eenmalig=resultaat.bedrag_eenmalig,
        )


class Stand(VilModel):
    """The baseline of the next check, one per resident: per regeling the last firm outcome.

    The facts themselves are not here: they are the per-source cache (GEGEVENS#<bron>), which
    revoking consent deletes.
    """

    versie: int = Field(ge=1, description="Goes up by one with every check (optimistic lock).")
    peildatum: date
    regelingen: dict[str, Standuitkomst]
    geschat_gemeld: int | None = Field(
        None, description="The year whose amounts the resident was told are not yet set."
    )


class MeldingSoort(StrEnum):
    nieuw_recht = "nieuw-recht"
    recht_vervallen = "recht-vervallen"
    bedrag_gewijzigd = "bedrag-gewijzigd"
    gegevens_gewijzigd = "gegevens-gewijzigd"
    bedragen_geschat = "bedragen-geschat"


class Melding(VilModel):
    """What the monthly check found, for the resident, in plain Dutch (never a BSN)."""

    id: str = Field(description="Id van de melding.")
    soort: MeldingSoort = Field(
        description=(
            "nieuw-recht, recht-vervallen, bedrag-gewijzigd, gegevens-gewijzigd, of"
            " bedragen-geschat: de bedragen van het nieuwe jaar zijn nog niet vastgesteld (eens"
            " per jaar)."
        )
    )
    regeling: str | None = Field(
        description="Id van de regeling; null bij gewijzigde gegevens en geschatte bedragen."
    )
    tekst: str = Field(description="Wat er veranderd is, in gewone taal.")
    aangemaakt: datetime = Field(description="Wanneer de maandcheck dit vond (UTC).")
    gelezen: bool = Field(False, description="Of de inwoner de melding als gelezen markeerde.")


class ListMeldingenResponse(VilModel):
    meldingen: list[Melding] = Field(description="De meldingen van deze pagina, nieuwste eerst.")
    volgende: str | None = Field(None, description="Cursor van de volgende pagina, of null.")


class PatchMeldingRequest(VilModel):
    """PATCH /v1/meldingen/{id}: mark a melding read (or unread again)."""

    gelezen: JaNee = Field(description="true: gelezen; false: weer ongelezen.")


class RunMaandcheckResponse(VilModel):
    meldingen: list[Melding] = Field(
        description="De meldingen die deze controle maakte; leeg als er niets veranderd is."
    )
