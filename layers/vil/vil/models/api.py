"""Request and response models of the loket API (`<Action><Thing>Request/Response`)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from vil.models.aanvraag import Aanvraag, Beoordeling, HerzieningsbesluitSoort
from vil.models.base import Peildatum, VilModel
from vil.models.huishouden import Huishouden
from vil.models.maandcheck import Melding, Standuitkomst
from vil.models.regeling import Grondslag, Periode, Regeling, Soort, Status, Wijze
from vil.models.resultaat import FeitHerkomst, Resultaat
from vil.models.toestemming import Bron, Doel, Toestemming


class GepubliceerdeWaarde(VilModel):
    """A parameter's value as evaluations use it today, for the gemeente of a version."""

    waarde: Decimal | None = Field(description="De waarde, in de eenheid van de parameter.")
    vanaf: date = Field(description="Sinds wanneer deze waarde geldt.")
    bron: str = Field(description="De publicatie van de waarde.")
    status: Status = Field(description="bevestigd of onbevestigd.")


class GepubliceerdeVersie(VilModel):
    """A gemeente's published version of the regeling's parameters that is in force today."""

    gemeentecode: str = Field(description="De gemeente van wie de waarden zijn.")
    versie: int = Field(description="Volgnummer van de versie (GET …/versies/{versie}).")
    in_werking_vanaf: date = Field(description="Vanaf welke peildatum de versie geldt.")
    waarden: dict[str, GepubliceerdeWaarde] = Field(
        description=(
            "Elke parameter die de gemeente in een versie vaststelde, met de waarde die"
            " beoordelingen voor haar inwoners vandaag gebruiken (ook na een terugdraaiing of"
            " correctie)."
        )
    )


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
    gepubliceerd: list[GepubliceerdeVersie] = Field(
        default_factory=list,
        description=(
            "De versies van gemeenten (beheermodule) die vandaag gelden, per gemeente de"
            " actieve; leeg als alleen het regelbestand geldt."
        ),
    )


class ListRegelingenResponse(VilModel):
    regelingen: list[RegelingSamenvatting] = Field(description="Alle regelingen.")


class RegelingVersie(VilModel):
    geldig_vanaf: date | None = Field(description="Vanaf wanneer deze versie geldt; null = altijd.")
    regelversie: str = Field(description="Inhoudshash van regelbestand en parameters.")
    regeling: Regeling = Field(description="Het regelbestand: parameters, voorwaarden, tests.")


class GetRegelingResponse(VilModel):
    id: str = Field(description="Id van de regeling.")
    versies: list[RegelingVersie] = Field(description="Gepubliceerde versies, oudste eerst.")


class EvaluateRequest(VilModel):
    """POST /v1/beoordelingen: a household (anonymous, nothing stored), or nothing (prefill)."""

    peildatum: Peildatum | None = Field(
        None, description="Datum waarop beoordeeld wordt; standaard vandaag (Europe/Amsterdam)."
    )
    huishouden: Huishouden | None = Field(
        None, description="Proefberekening zonder inloggen: het huishouden zelf. Niets bewaard."
    )
    correcties: dict[str, Any] | None = Field(
        None,
        description=(
            "Met inloggen: aanvullingen en correcties op de vooraf ingevulde gegevens, per pad"
            " (bv. 'huishouden.woning.kaleHuur': 650)."
        ),
        max_length=100,
    )


class EvaluateResponse(VilModel):
    """The outcome of an evaluation; with an id when it was stored."""

    id: str | None = Field(None, description="Id van de bewaarde beoordeling (met inloggen).")
    peildatum: date = Field(description="Datum waarop beoordeeld is.")
    huishouden: dict[str, Any] = Field(description="Het beoordeelde huishouden.")
    herkomst: dict[str, FeitHerkomst] = Field(
        default_factory=dict, description="Herkomst per gegeven; leeg bij een proefberekening."
    )
    ontbrekende_bronnen: dict[str, str] = Field(
        default_factory=dict, description="Bronnen die niet zijn geraadpleegd, met de reden."
    )
    regelset_versie: str = Field(description="Inhoudshash van de gebruikte regels.")
    resultaten: list[Resultaat] = Field(description="De uitkomst per regeling.")


class SubmitRequest(VilModel):
    """POST /v1/aanvragen: apply for chosen regelingen of a stored beoordeling."""

    beoordeling: str = Field(description="Id van de beoordeling.", max_length=64)
    regelingen: list[str] = Field(
        description="De regelingen waarvoor aangevraagd wordt.", min_length=1, max_length=20
    )
    iban: str | None = Field(
        None, description="Rekeningnummer voor uitbetaling door de gemeente.", max_length=40
    )


class SubmitResponse(VilModel):
    aanvragen: list[Aanvraag] = Field(description="Per regeling de aanvraag en haar status.")


class ListAanvragenResponse(VilModel):
    aanvragen: list[Aanvraag] = Field(description="Aanvragen, nieuwste eerst.")
    volgende: str | None = Field(None, description="Cursor voor de volgende pagina, of null.")


class DecideRequest(VilModel):
    """POST /v1/aanvragen/{id}/besluiten: the gemeente's decision."""

    besluit: Literal["toekennen", "afwijzen"] = Field(description="toekennen of afwijzen.")
    motivering: str = Field(
        description=(
            "De motivering van de gemeente; zij staat in de beschikking aan de inwoner, onder"
            " 'Toelichting van de gemeente', bij toekennen en bij afwijzen."
        ),
        min_length=1,
        max_length=4000,
    )


class HerzieningsbesluitRequest(VilModel):
    """POST /v1/aanvragen/{id}/herzieningsbesluiten: the gemeente's decision on a herziening."""

    # The document says what the validator below checks: a date exactly when something changes.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"besluit": {"const": "handhaven"}}},
            "then": {"properties": {"per": {"type": "null"}}},
            "else": {"required": ["per"], "properties": {"per": {"type": "string"}}},
        }
    )

    besluit: HerzieningsbesluitSoort = Field(
        description=(
            "wijzigen (het nieuwe bedrag van de herziening, per een datum), handhaven (de"
            " toekenning blijft, met de reden) of intrekken (per een datum)."
        )
    )
    motivering: str = Field(
        description=(
            "De reden van de gemeente; bij wijzigen en intrekken staat zij in de beschikking,"
            " onder 'Toelichting van de gemeente'."
        ),
        min_length=1,
        max_length=4000,
    )
    per: date | None = Field(
        None,
        description=(
            "Vanaf wanneer het besluit geldt: verplicht bij wijzigen en intrekken, niet bij"
            " handhaven. Niet voor de peildatum van de toekenning."
        ),
        validate_default=True,
    )

    @field_validator("per")
    @classmethod
    def _per_past_bij_besluit(cls, per: date | None, info: ValidationInfo) -> date | None:
        """A field check, not a model check, so it is listed with every other error."""
        besluit = info.data.get("besluit")
        if besluit is None:  # the besluit itself is invalid: reported there
            return per
        nodig = besluit is not HerzieningsbesluitSoort.handhaven
        if nodig and per is None:
            raise ValueError(f"verplicht bij {besluit.value}")
        if not nodig and per is not None:
            raise ValueError("hoort niet bij handhaven: er verandert niets")
        return per


class ToestemmingOverzicht(VilModel):
    """One source: what VIL asks, and what the resident agreed to."""

    bron: Bron = Field(description="De bron.")
    tekst: str = Field(description="De toestemmingstekst.")
    tekstversie: str = Field(description="Versie van de tekst.")
    doelen: dict[Doel, str] = Field(description="De mogelijke doelen, met uitleg.")
    toestemming: Toestemming | None = Field(description="De huidige toestemming, of null.")


class ListToestemmingenResponse(VilModel):
    toestemmingen: list[ToestemmingOverzicht] = Field(description="Elke bron.")


class PutToestemmingRequest(VilModel):
    doelen: list[Doel] = Field(description="De doelen; een lege lijst trekt in.", max_length=2)
    tekstversie: str | None = Field(
        None, description="De versie van de tekst waarmee is ingestemd.", max_length=20
    )


class GetGegevensResponse(VilModel):
    huishouden: dict[str, Any] = Field(description="Het huishouden volgens de bronnen.")
    herkomst: dict[str, FeitHerkomst] = Field(description="Herkomst per gegeven (pad).")
    ontbrekende_bronnen: dict[str, str] = Field(
        description="Bronnen die niet zijn geraadpleegd of niet antwoordden, met de reden."
    )


class Verwerking(VilModel):
    """One record of the audit log (Logboek Dataverwerkingen) about the resident."""

    verwerking: str = Field(description="Wat er gebeurde, bijvoorbeeld prefill of inzage.")
    actor: str = Field(description="Wie: burger, gemeente:<code> of vil-maandcheck.")
    doel: str = Field(description="Waarvoor de gegevens werden verwerkt.")
    resultaat: str = Field(description="gelukt of mislukt.")
    trace_id: str = Field(description="Het trace-id van het verzoek dat de gegevens las.")
    bronnen: list[str] = Field(description="De bronnen die daarbij zijn geraadpleegd.")
    tijd: datetime = Field(description="Wanneer (UTC).")
    vertegenwoordiger: str | None = Field(
        None,
        description="Wie namens u handelde: hulpverlener:<kvk:…|oin:…>:<medewerker>, of"
        " gemachtigde:<pseudoniem>; null als u het zelf deed.",
    )
    machtiging: str | None = Field(
        None, description="De machtiging waaronder (id, of digid-machtigen)."
    )
    organisatie: str | None = Field(None, description="De organisatie (kvk:… of oin:…).")


class NamensU(VilModel):
    """One thing someone did for the resident, in plain words."""

    wie: str = Field(description="Wie het deed, in gewone taal.")
    wat: str = Field(description="Wat er gebeurde (de verwerking).")
    doel: str = Field(description="Waarvoor.")
    machtiging: str = Field(description="De machtiging waaronder (id, of digid-machtigen).")
    tijd: datetime = Field(description="Wanneer (UTC).")


class BewaardeBeoordeling(Beoordeling):
    """A stored beoordeling, with the day it will be deleted."""

    bewaard_tot: date | None = Field(
        description="Wanneer de beoordeling wordt verwijderd; null als een aanvraag erop rust."
    )


class LaatsteUitkomst(Standuitkomst):
    """One regeling's outcome as the resident last knew it (the monthly check compares with
    it)."""

    recht: bool = Field(description="Of u recht had.")
    bedrag_per_maand: str | None = Field(None, description="Bedrag per maand (euro).")
    bedrag_per_jaar: str | None = Field(None, description="Bedrag per jaar (euro).")
    bedrag_eenmalig: str | None = Field(None, description="Eenmalig bedrag (euro).")


class MaandcheckStand(VilModel):
    """Where the monthly check stands for the resident."""

    versie: int = Field(ge=1, description="Hoeveel maandchecks er zijn gedaan.")
    peildatum: date = Field(description="De peildatum van de laatste maandcheck.")
    regelingen: dict[str, LaatsteUitkomst] = Field(
        description="Per regeling de laatste vaste uitkomst die u kende."
    )
    geschat_gemeld: int | None = Field(
        None, description="Het jaar waarvan u hoorde dat de bedragen nog niet vaststaan."
    )


class InzageResponse(VilModel):
    """GET /v1/inzage: everything VIL stores about the resident, and every read of it (AVG
    article 15)."""

    toestemmingen: list[Toestemming] = Field(description="Elke versie van elke toestemming.")
    bsn_versleuteld_bewaard: bool = Field(description="Of VIL uw BSN versleuteld bewaart.")
    gegevens: dict[str, Any] = Field(description="Per bron de bewaarde gegevens.")
    beoordelingen: list[BewaardeBeoordeling] = Field(description="Uw bewaarde beoordelingen.")
    aanvragen: list[Aanvraag] = Field(description="Uw aanvragen.")
    meldingen: list[Melding] = Field(description="Wat de maandcheck vond.")
    maandcheck: MaandcheckStand | None = Field(
        description="De stand van de maandcheck (per regeling de laatste vaste uitkomst)."
    )
    verwerkingen: list[Verwerking] = Field(
        description="Wie uw gegevens verwerkte, wanneer en waarom."
    )
    namens_u: list[NamensU] = Field(
        description="Wie namens u wat deed: elke verwerking door een gemachtigde of hulpverlener."
    )
    bewaartermijnen: dict[str, str] = Field(
        description="Per soort gegeven hoe lang het bewaard wordt, in gewone taal."
    )
