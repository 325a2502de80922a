"""The outcome of an evaluation, per regeling: the same shape in the CLI and the API."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from vil.models.base import VilModel
from vil.models.regeling import Status, Wijze


class HerkomstSoort(StrEnum):
    opgehaald = "opgehaald"  # prefilled from an authentic source
    gecorrigeerd = "gecorrigeerd"  # changed by the resident
    eigen_verklaring = "eigen-verklaring"  # declared by the resident, no source
    ontbreekt = "ontbreekt"


class FeitHerkomst(VilModel):
    """Where a fact came from (the prefill sets it; facts given directly have none)."""

    bron: str | None = Field(None, description="brp, belastingdienst, uwv, svb of inwoner.")
    soort: HerkomstSoort
    opgehaald_op: datetime | None = Field(None, description="Wanneer de bron het leverde.")
    in_onderzoek: bool = Field(
        False, description="De bron (BRP) meldt dat dit gegeven in onderzoek is."
    )


class VoorwaardeUitkomst(VilModel):
    naam: str
    voldaan: bool | None = Field(description="null als er gegevens ontbreken.")
    uitleg: str
    grondslag: str


class Rekenstap(VilModel):
    stap: str
    waarde: str | None = Field(description="Decimaal als tekst, datum of ja/nee.")
    omschrijving: str
    grondslag: str


class GebruikteParameter(VilModel):
    naam: str
    waarde: str | None
    eenheid: str
    vanaf: date
    bron: str
    status: Status


class Resultaat(VilModel):
    regeling: str = Field(description="Id van de regeling.")
    naam: str
    recht: bool | None = Field(description="true, false, of null als er gegevens ontbreken.")
    regelversie: str = Field(description="Inhoudshash van regelbestand en parameters.")
    toekenning: Wijze
    bedrag_per_maand: str | None = Field(description="Euro, twee decimalen; periodiek.")
    bedrag_per_jaar: str | None = Field(description="Euro, twee decimalen; periodiek.")
    bedrag_eenmalig: str | None = Field(description="Euro, twee decimalen; eenmalig.")
    bedrag_uitleg: str | None = Field(description="Waarom er geen bedrag is.")
    voorwaarden: list[VoorwaardeUitkomst]
    berekening: list[Rekenstap]
    parameters: list[GebruikteParameter]
    hints: list[str]
    ontbrekende_gegevens: list[str]
    indicatief: bool
    indicatief_redenen: list[str]
    geschat_met_bedragen_van: int | None = Field(
        None,
        description=(
            "Zijn de bedragen voor het jaar van de peildatum nog niet vastgesteld, dan het jaar"
            " waarvan de bedragen gebruikt zijn (de uitkomst is dan een schatting en indicatief);"
            " anders null."
        ),
    )


class Evaluatie(VilModel):
    peildatum: date
    regelset_versie: str
    resultaten: list[Resultaat]
