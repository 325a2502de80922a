"""The BRP: Haal Centraal BRP Personen Bevragen v2, `RaadpleegMetBurgerservicenummer` only.

Only the fields the regelingen consume are asked for (doelbinding, experiment
dataminimalisatie); `inOnderzoek` is delivered with them unasked (docs/standards.md 1b).
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from vil.adapters.bronnen.client import Reden, SourceClient, SourceError, SourceModel
from vil.models.huishouden import Gemeentecode

FIELDS = (
    "burgerservicenummer",
    "geboorte.datum",
    "gemeenteVanInschrijving",
    # Only for its inOnderzoek: an address under investigation puts the gemeente in doubt.
    "verblijfplaats.type",
    "partners.burgerservicenummer",
    "partners.geboorte.datum",
    # The BRP also delivers the last dissolved partner; a dissolution date tells them apart.
    "partners.ontbindingHuwelijkPartnerschap.datum",
    "kinderen.burgerservicenummer",
    "kinderen.geboorte.datum",
)


class Datum(SourceModel):
    """A full date."""

    type: Literal["Datum"]
    datum: date


class DatumOnbekend(SourceModel):
    type: Literal["DatumOnbekend"]


class JaarDatum(SourceModel):
    """Only the year is known."""

    type: Literal["JaarDatum"]
    jaar: int


class JaarMaandDatum(SourceModel):
    """The year and month are known, the day is not."""

    type: Literal["JaarMaandDatum"]
    jaar: int
    maand: int


PolymorfeDatum = Annotated[
    Datum | DatumOnbekend | JaarDatum | JaarMaandDatum, Field(discriminator="type")
]


class GeboorteInOnderzoek(SourceModel):
    datum: bool = False


class Geboorte(SourceModel):
    datum: PolymorfeDatum | None = None
    in_onderzoek: GeboorteInOnderzoek | None = None

    @property
    def volledige_datum(self) -> date | None:
        """The birth date if it is complete; an incomplete one is no date at all."""
        return self.datum.datum if isinstance(self.datum, Datum) else None

    @property
    def datum_in_onderzoek(self) -> bool:
        return self.in_onderzoek is not None and self.in_onderzoek.datum


class Gemeente(SourceModel):
    """A waardetabel entry: code and omschrijving."""

    code: Gemeentecode
    omschrijving: str | None = None


class VerblijfplaatsInOnderzoek(SourceModel):
    # True when the whole address (category 08) or its identifying part is under investigation.
    type: bool = False


class Verblijfplaats(SourceModel):
    type: Literal["Adres", "VerblijfplaatsBuitenland", "VerblijfplaatsOnbekend", "Locatie"]
    in_onderzoek: VerblijfplaatsInOnderzoek | None = None


class Ontbinding(SourceModel):
    datum: PolymorfeDatum | None = None


class Partner(SourceModel):
    burgerservicenummer: str | None = None
    geboorte: Geboorte | None = None
    ontbinding_huwelijk_partnerschap: Ontbinding | None = None


class Kind(SourceModel):
    burgerservicenummer: str | None = None
    geboorte: Geboorte | None = None


class Persoon(SourceModel):
    burgerservicenummer: str | None = None
    geboorte: Geboorte | None = None
    gemeente_van_inschrijving: Gemeente | None = None
    verblijfplaats: Verblijfplaats | None = None
    partners: list[Partner] = Field(default_factory=list)
    kinderen: list[Kind] = Field(default_factory=list)

    @property
    def partner(self) -> Partner | None:
        """The current partner (marriage or registered partnership), if any."""
        current = [p for p in self.partners if p.ontbinding_huwelijk_partnerschap is None]
        return current[0] if current else None

    @property
    def adres_in_onderzoek(self) -> bool:
        place = self.verblijfplaats
        return place is not None and place.in_onderzoek is not None and place.in_onderzoek.type


class PersonenAntwoord(SourceModel):
    type: Literal["RaadpleegMetBurgerservicenummer"]
    personen: list[Persoon] = Field(default_factory=list)


class BrpClient(SourceClient):
    """POST {brp_url}/personen."""

    def persoon(self, bsn: str) -> Persoon:
        """The person with this BSN; SourceError(persoon onbekend) if the BRP has none."""
        antwoord = self.post(
            "/personen",
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": [bsn],
                "fields": list(FIELDS),
            },
            PersonenAntwoord,
        )
        if not antwoord.personen:
            raise SourceError(Reden.persoon_onbekend)
        return antwoord.personen[0]
