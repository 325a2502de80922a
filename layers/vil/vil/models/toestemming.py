"""Consent: per source and purpose, with the text the resident agreed to."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from vil.models.base import VilModel


class Bron(StrEnum):
    """The government sources VIL may consult."""

    brp = "brp"  # Basisregistratie Personen (Haal Centraal BRP Personen Bevragen)
    belastingdienst = "belastingdienst"  # toetsingsinkomen, vermogen, zorgverzekering
    uwv = "uwv"  # monthly income history (polisadministratie)
    svb = "svb"  # kinderbijslag, AOW


class Doel(StrEnum):
    """What the data is used for."""

    aanvragen = "aanvragen"  # prefill for an application
    maandcheck = "maandcheck"  # the monthly re-check


class Toestemming(VilModel):
    """The current consent of one resident for one source."""

    bron: Bron
    doelen: list[Doel] = Field(description="Doelen waarvoor toestemming is gegeven; leeg = geen.")
    tekstversie: str = Field(description="Versie van de toestemmingstekst waarmee is ingestemd.")
    gegeven_op: datetime = Field(description="Wanneer deze toestemming is vastgelegd (UTC).")
    versie: int = Field(description="Volgnummer in het grootboek van deze bron (1, 2, ...).")
