"""The rule file: one regeling as data, readable by a policy expert (see rules/README.md).

These models are the single definition of the format: the loader validates every YAML file
against them and `vil rules schema` generates rules/schema/regeling.schema.json from them.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from vil.models.base import VilModel
from vil.models.huishouden import Gemeentecode

Naam = Annotated[str, Field(pattern=r"^[a-z][A-Za-z0-9]*$", description="camelCase naam")]
Tekst = Annotated[str, Field(min_length=1)]


class Status(StrEnum):
    bevestigd = "bevestigd"  # seen in an official source
    onbevestigd = "onbevestigd"  # secondary, computed or not yet published


class Soort(StrEnum):
    rijk = "rijk"
    gemeente = "gemeente"


class Wijze(StrEnum):
    automatisch = "automatisch"  # VIL grants on the gemeente's behalf when policy allows
    handmatig = "handmatig"  # the gemeente decides
    doorsturen = "doorsturen"  # rijksregeling: VIL prepares the application, never decides it


class Periode(StrEnum):
    kalenderjaar = "kalenderjaar"
    twaalf_maanden = "12-maanden"


class Eenheid(StrEnum):
    euro = "euro"
    euro_per_maand = "euro-per-maand"
    euro_per_jaar = "euro-per-jaar"
    procent = "procent"  # written as 1.912, given to expressions as 0.01912
    jaar = "jaar"
    maand = "maand"
    aantal = "aantal"


class InvoerType(StrEnum):
    bedrag = "bedrag"
    getal = "getal"
    datum = "datum"
    ja_nee = "ja-nee"
    tekst = "tekst"
    lijst = "lijst"  # a list of objects, e.g. kinderen; `velden` gives their fields
    maandreeks = "maandreeks"  # a list of months that must cover `maanden` months


class StapType(StrEnum):
    bedrag = "bedrag"
    getal = "getal"
    datum = "datum"
    ja_nee = "ja-nee"


class Betaling(StrEnum):
    periodiek = "periodiek"
    eenmalig = "eenmalig"
    in_natura = "in-natura"


class Uitbetaling(StrEnum):
    inwoner = "inwoner"  # paid to the resident's account: an application needs an IBAN
    aanbieder = "aanbieder"  # paid to a club or provider
    geen = "geen"  # nothing is paid out (a remission, for example)


class Afronding(StrEnum):
    awir = "awir"  # Awir art. 14: year rounded half-up to euros; month = that year / 12, down
    awir_maand = "awir-maand"  # year as `awir`; month = the unrounded year / 12, rounded down
    centen = "centen"  # half-up to whole cents


class Verwijzing(VilModel):
    """One more legal source of a regeling's decisions, cited after its main grondslag."""

    wet: Tekst = Field(description="Wet, regeling of verordening.")
    artikel: Tekst | None = Field(None, description="Artikel(en).")
    url: Tekst | None = Field(None, description="wetten.overheid.nl- of CVDR-link.")


class Grondslag(VilModel):
    """The legal basis of a regeling, as the beschikking cites it."""

    wet: Tekst = Field(description="Wet of verordening.")
    artikel: Tekst | None = Field(None, description="Artikel.")
    url: Tekst = Field(description="wetten.overheid.nl- of CVDR-link.")
    ook: list[Verwijzing] = Field(
        default_factory=list,
        description="Verdere grondslagen die de beschikking na de hoofdgrondslag noemt.",
    )


class Rechtsmiddel(StrEnum):
    bezwaar = "bezwaar"  # Awb art. 6:4 and 7:1: at the body that decided
    beroep = "beroep"  # administratief beroep: at another body (kwijtschelding: the college)


class Adres(VilModel):
    """Where a resident sends a bezwaar or beroep: the body and its postal address."""

    aan: Tekst = Field(description="Het bestuursorgaan, zoals het op de envelop staat.")
    postadres: Tekst = Field(description="Postbus of straat, postcode en plaats.")
    bron: Tekst = Field(description="Waar het adres staat (een pagina van de uitvoerder).")
    status: Status = Field(description="bevestigd (bron van de uitvoerder gezien) of onbevestigd.")
    reden: Tekst | None = Field(None, description="Waarom onbevestigd.")

    @model_validator(mode="after")
    def _explained(self) -> "Adres":
        if self.status is Status.onbevestigd and not self.reden:
            raise ValueError("een onbevestigd adres heeft een reden")
        return self


class Rechtsbescherming(VilModel):
    """How a resident contests a beschikking on this regeling: which remedy, where, by when."""

    rechtsmiddel: Rechtsmiddel
    grondslag: Tekst = Field(description="Waar het rechtsmiddel en de termijn geregeld zijn.")
    termijn_weken: int = Field(6, gt=0, description="Binnen hoeveel weken (Awb art. 6:7).")
    daarna: Tekst | None = Field(
        None, description="Wat er na de beslissing op bezwaar of beroep nog kan, in gewone taal."
    )
    adres: Adres | None = Field(None, description="Het adres, als er één is.")
    adressen: dict[Gemeentecode, Adres] | None = Field(
        None, description="Per gemeente (code: adres), voor een regeling van meer gemeenten."
    )

    @model_validator(mode="after")
    def _one_address(self) -> "Rechtsbescherming":
        if (self.adres is None) == (self.adressen is None):
            raise ValueError("rechtsbescherming heeft een adres of adressen per gemeente")
        return self

    def adres_voor(self, gemeentecode: str | None) -> Adres:
        """The address for this gemeente (its own where the regeling has one per gemeente)."""
        if self.adres is not None or not self.adressen:
            assert self.adres is not None  # the validator allows no third case
            return self.adres
        return self.adressen[gemeentecode] if gemeentecode else next(iter(self.adressen.values()))


class ParameterWaarde(VilModel):
    """One dated value of a parameter."""

    vanaf: date = Field(description="Geldig vanaf deze datum tot de volgende waarde.")
    waarde: Decimal | None = Field(
        description="De waarde; null als er (nog) geen bekende waarde is: zie `reden`."
    )
    gemeente: Gemeentecode | None = Field(
        None, description="Alleen voor deze gemeente (een keuze van de gemeente)."
    )
    bron: Tekst = Field(description="Bron: Staatscourant, CVDR, gemeentepagina, ...")
    status: Status = Field(description="bevestigd (officiële bron gezien) of onbevestigd.")
    reden: Tekst | None = Field(None, description="Waarom onbevestigd, of waarom geen waarde.")

    @model_validator(mode="after")
    def _explained(self) -> "ParameterWaarde":
        if self.waarde is None and (self.status is Status.bevestigd or not self.reden):
            raise ValueError("een waarde null is onbevestigd en heeft een reden")
        return self


class Gemeentekeuze(VilModel):
    """A parameter of a regeling of several gemeenten that each gemeente sets for itself,
    within the bounds the law allows (the beheermodule, docs/beheer.md)."""

    minimum: Decimal = Field(description="De laagste waarde die een gemeente mag kiezen.")
    maximum: Decimal = Field(description="De hoogste waarde die een gemeente mag kiezen.")
    bron: Tekst = Field(description="Waar die grenzen staan (wet en artikel).")

    @model_validator(mode="after")
    def _ordered(self) -> "Gemeentekeuze":
        if self.minimum > self.maximum:
            raise ValueError("minimum is hoger dan maximum")
        return self


class Parameter(VilModel):
    """A parameter with dated values."""

    omschrijving: Tekst
    eenheid: Eenheid
    indexatie: bool = Field(
        description=(
            "true als de waarde jaarlijks wordt vastgesteld: in een jaar zonder gepubliceerde"
            " waarde geldt de laatste eerdere waarde, onbevestigd."
        )
    )
    waarden: list[ParameterWaarde] = Field(min_length=1)
    # Never in the dump nor the repr: the bounds of a gemeente's choice decide no outcome, so
    # they are not part of the regelversie (a hash of the dump, and of the shared parameters'
    # text), and marking a parameter leaves every regelversie and evaluation as they were.
    # `Regelingversie.pas_toe` carries it over.
    gemeentekeuze: Gemeentekeuze | None = Field(
        None,
        exclude=True,
        repr=False,
        description=(
            "In een regeling van meer gemeenten: elke gemeente mag deze parameter voor zichzelf"
            " vaststellen, binnen deze grenzen (een waarde met `gemeente:`), in de beheermodule."
            " Zonder: de parameter is voor een gemeente alleen te lezen."
        ),
    )

    @field_validator("waarden")
    @classmethod
    def _sorted(cls, waarden: list[ParameterWaarde]) -> list[ParameterWaarde]:
        keys = [(w.gemeente or "", w.vanaf) for w in waarden]
        if len(set(keys)) != len(keys):
            raise ValueError("twee waarden met dezelfde datum (en gemeente)")
        return sorted(waarden, key=lambda w: w.vanaf)


class Veld(VilModel):
    """A field of the items of a list input."""

    type: InvoerType
    omschrijving: Tekst | None = None


class Invoer(VilModel):
    """A fact the rules read, by its path in the household."""

    type: InvoerType
    omschrijving: Tekst | None = None
    bron: Tekst = Field(description="Bron die dit gegeven gewoonlijk levert: brp, uwv, ...")
    maximale_ouderdom_dagen: int | None = Field(
        None, gt=0, description="Hoe oud het gegeven mag zijn voor een niet-indicatieve uitkomst."
    )
    velden: dict[Naam, Veld] | None = Field(None, description="Velden van een lijst.")
    maanden: int | None = Field(None, gt=0, description="Lengte van een maandreeks.")
    plausibel_tot: Naam | None = Field(
        None,
        description=(
            "Parameter: het hoogste bedrag dat VIL op de eigen verklaring van de inwoner aanneemt."
            " Een hoger verklaard bedrag maakt de uitkomst indicatief: de gemeente beslist."
            " Verplicht voor elk bedrag in toekenning.eigenVerklaring."
        ),
    )

    @model_validator(mode="after")
    def _shape(self) -> "Invoer":
        if (self.type in (InvoerType.lijst, InvoerType.maandreeks)) != (self.velden is not None):
            raise ValueError("`velden` hoort bij (en alleen bij) een lijst of maandreeks")
        if (self.type is InvoerType.maandreeks) != (self.maanden is not None):
            raise ValueError("`maanden` hoort bij (en alleen bij) een maandreeks")
        return self


class Keuze(VilModel):
    """One row of a choice: when `als` holds (or always, without `als`), the value is `dan`."""

    als: Tekst | None = Field(None, description="Ja/nee-expressie; weg laten voor 'anders'.")
    dan: Tekst = Field(description="De waarde in dat geval.")


class Stap(VilModel):
    """A named intermediate value: one expression, or a choice between expressions.

    With `keuze` only the row that applies counts: a parameter in another row does not make
    the outcome indicatief and is not listed as used.
    """

    naam: Naam
    type: StapType
    expressie: Tekst | None = None
    keuze: list[Keuze] | None = Field(None, min_length=2)
    omschrijving: Tekst
    grondslag: Tekst

    @model_validator(mode="after")
    def _one_form(self) -> "Stap":
        if (self.expressie is None) == (self.keuze is None):
            raise ValueError("een stap heeft een expressie of een keuze")
        if self.keuze and any(row.als is None for row in self.keuze[:-1]):
            raise ValueError("alleen de laatste rij van een keuze mag zonder `als`")
        return self


class Uitleg(VilModel):
    voldaan: Tekst = Field(description="Uitleg als aan de voorwaarde is voldaan.")
    niet_voldaan: Tekst = Field(description="Uitleg als er niet aan is voldaan.")


class Hint(VilModel):
    """What would have to change to meet a numeric threshold."""

    expressie: Tekst = Field(description="Geeft een bedrag (tekort/overschot) of een datum.")
    tekst: Tekst = Field(description="Met {bedrag} of {datum} als plaats voor de waarde.")

    @model_validator(mode="after")
    def _placeholder(self) -> "Hint":
        if "{bedrag}" not in self.tekst and "{datum}" not in self.tekst:
            raise ValueError("de tekst bevat {bedrag} of {datum}")
        return self


class Voorwaarde(VilModel):
    naam: Naam
    expressie: Tekst
    grondslag: Tekst
    uitleg: Uitleg
    hint: Hint | None = None


class Uitkomst(VilModel):
    """How the outcome is paid, which step gives the amount and how it is rounded."""

    betaling: Betaling
    uitbetaling: Uitbetaling = Field(Uitbetaling.inwoner, description="Aan wie wordt betaald.")
    bedrag_per_jaar: Naam | None = Field(None, description="Stap met het bedrag per jaar.")
    bedrag_per_maand: Naam | None = Field(None, description="Stap met het bedrag per maand.")
    bedrag_eenmalig: Naam | None = Field(None, description="Stap met het eenmalige bedrag.")
    afronding: Afronding | None = None
    minimum: Naam | None = Field(None, description="Parameter: lager bedrag wordt niet betaald.")
    grondslag: Tekst
    uitleg_geen_bedrag: Tekst | None = Field(
        None, description="Uitleg als het berekende bedrag nul is."
    )
    uitleg_in_natura: Tekst | None = Field(None, description="Wat de regeling in natura biedt.")

    @model_validator(mode="after")
    def _consistent(self) -> "Uitkomst":
        steps = [self.bedrag_per_jaar, self.bedrag_per_maand, self.bedrag_eenmalig]
        given = sum(step is not None for step in steps)
        if self.betaling is Betaling.in_natura:
            if given or not self.uitleg_in_natura:
                raise ValueError("in natura: geen bedrag, wel uitlegInNatura")
        elif self.betaling is Betaling.periodiek:
            if given != 1 or self.bedrag_eenmalig:
                raise ValueError("periodiek: precies een van bedragPerJaar, bedragPerMaand")
        elif given != 1 or not self.bedrag_eenmalig:
            raise ValueError("eenmalig: alleen bedragEenmalig")
        if given and (self.afronding is None or not self.uitleg_geen_bedrag):
            raise ValueError("een bedrag heeft een afronding en een uitlegGeenBedrag")
        return self


class Toekenning(VilModel):
    """How an application is decided, and how often one may be made."""

    wijze: Wijze
    eigen_verklaring: list[Tekst] = Field(
        default_factory=list,
        description=(
            "Gegevens (paden) die een inwoner zelf mag verklaren zonder dat dat een automatische"
            " toekenning blokkeert."
        ),
    )
    periode: Periode = Field(description="Eén aanvraag per inwoner per periode.")
    aanvraag_url: Tekst | None = Field(None, description="Waar de inwoner zelf aanvraagt.")


class Verwacht(VilModel):
    """The expected outcome of a test case (only what is given is checked)."""

    recht: bool | None
    bedrag_per_maand: Decimal | None = None
    bedrag_per_jaar: Decimal | None = None
    bedrag_eenmalig: Decimal | None = None
    indicatief: bool | None = None
    indicatief_redenen: list[str] | None = None
    ontbrekende_gegevens: list[str] | None = None
    voorwaarden: dict[Naam, bool | None] | None = None
    berekening: dict[Naam, Decimal] | None = None
    hints: list[str] | None = None


class Testgeval(VilModel):
    """A test case a policy expert can write: a sentence, a household, the expected outcome."""

    naam: Tekst = Field(description="Een zin die zegt wat er getoetst wordt.")
    bron: Tekst = Field(description="Waar de verwachte uitkomst vandaan komt.")
    berekening: Tekst | None = Field(None, description="De rekensom met de hand, ter controle.")
    peildatum: date
    huishouden: dict[str, Any]
    herkomst: dict[str, dict[str, Any]] | None = None
    verwacht: Verwacht


class Regeling(VilModel):
    """One regeling: metadata, parameters, inputs, voorwaarden, berekening, uitkomst, tests."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="kebab-case")]
    naam: Tekst
    omschrijving: Tekst
    uitvoerder: Tekst
    soort: Soort
    gemeenten: dict[Gemeentecode, Tekst] | None = Field(
        None, description="Gemeenten (code: naam) waar de regeling geldt; null = heel Nederland."
    )
    grondslag: Grondslag
    rechtsbescherming: Rechtsbescherming = Field(
        description="Bezwaar of beroep tegen een besluit over deze regeling: waar en hoe."
    )
    geldig_vanaf: date | None = Field(
        None,
        description=(
            "Eerste peildatum waarvoor deze regels gelden; daarvoor beoordeelt VIL de regeling"
            " niet (bijvoorbeeld de huurtoeslag van vóór de wetswijziging van 2026)."
        ),
    )
    toekenning: Toekenning
    # Left out of the dump when empty: a regeling that depends on none dumps as before the
    # field existed, so its regelversie (a hash of the dump) stays the same.
    afhankelijk_van: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]] = Field(
        default_factory=list,
        exclude_if=lambda value: not value,
        description=(
            "Regelingen waarvan deze regeling de uitkomst leest voor hetzelfde huishouden en"
            " dezelfde peildatum, als invoer `uitkomst.<id>.recht`, `.bedragPerMaand`,"
            " `.bedragPerJaar`, `.indicatief`, `.berekening.<stap>` of `.voorwaarden.<naam>`"
            " (rules/README.md)."
        ),
    )
    parameters: dict[Naam, Parameter] = Field(default_factory=dict)
    invoer: dict[Annotated[str, Field(pattern=r"^[a-z][A-Za-z0-9.]*$")], Invoer]
    berekening: list[Stap] = Field(default_factory=list)
    voorwaarden: list[Voorwaarde] = Field(min_length=1)
    uitkomst: Uitkomst
    tests: list[Testgeval] = Field(default_factory=list)

    @model_validator(mode="after")
    def _gemeenten(self) -> "Regeling":
        if (self.soort is Soort.gemeente) != bool(self.gemeenten):
            raise ValueError(
                "een gemeentelijke regeling noemt haar gemeenten, een rijksregeling niet"
            )
        adressen = self.rechtsbescherming.adressen
        if adressen is not None and set(adressen) != set(self.gemeenten or {}):
            raise ValueError(
                "rechtsbescherming.adressen noemt precies de gemeenten van de regeling"
            )
        return self


class GedeeldeParameters(VilModel):
    """The shared parameters file (bijstandsnormen, minimumloon, AOW-leeftijd, ...)."""

    parameters: dict[Naam, Parameter]
