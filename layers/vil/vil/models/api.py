"""Request and response models of the loket API (`<Action><Thing>Request/Response`)."""

from datetime import date

from pydantic import Field

from vil.models.base import VilModel
from vil.models.regeling import Grondslag, Periode, Regeling, Soort, Wijze


class RegelingSamenvatting(VilModel):
    """A regeling in the catalogue list."""

    id: str = Field(description="Id van de regeling (kebab-case).")
    naam: str = Field(description="Naam van de regeling.")
    omschrijving: str = Field(description="Wat de regeling is.")
    uitvoerder: str = Field(description="Wie de regeling uitvoert.")
    soort: Soort = Field(description="rijk of gemeente.")
    gemeenten: dict[str, str] | None = Field(description="Gemeenten (code: naam), of null.")
    grondslag: Grondslag = Field(description="Wettelijke grondslag.")
    toekenning: Wijze = Field(description="automatisch, handmatig of doorsturen.")
    periode: Periode = Field(description="Eén aanvraag per inwoner per deze periode.")
    regelversie: str = Field(description="Inhoudshash van de geldende versie.")


class ListRegelingenResponse(VilModel):
    regelingen: list[RegelingSamenvatting] = Field(description="Alle regelingen.")


class RegelingVersie(VilModel):
    geldig_vanaf: date | None = Field(description="Vanaf wanneer deze versie geldt; null = altijd.")
    regelversie: str = Field(description="Inhoudshash van regelbestand en parameters.")
    regeling: Regeling = Field(description="Het regelbestand: parameters, voorwaarden, tests.")


class GetRegelingResponse(VilModel):
    id: str = Field(description="Id van de regeling.")
    versies: list[RegelingVersie] = Field(description="Gepubliceerde versies, oudste eerst.")
