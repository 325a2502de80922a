"""Beoordelingen, aanvragen and beslisverslagen: what VIL stores about an application."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from vil.models.base import VilModel
from vil.models.resultaat import FeitHerkomst, Resultaat


class AanvraagStatus(StrEnum):
    """The status of an aanvraag; event names follow it (`nl.vil.aanvraag.<status>`)."""

    in_behandeling = "in-behandeling"  # waiting for the gemeente
    toegekend = "toegekend"
    afgewezen = "afgewezen"
    doorgestuurd = "doorgestuurd"  # rijksregeling: the resident applies with our prefill
    ingetrokken = "ingetrokken"


# How long what served only the resident is kept: a beoordeling no aanvraag rests on, and a
# melding. One application period (a calendar year or twelve months) and a month to apply
# (docs/bewaartermijnen.md).
BEWAARTERMIJN = timedelta(days=396)


class Beoordeling(VilModel):
    """A stored evaluation of a resident's household: facts with provenance, and outcomes."""

    id: str = Field(description="Id van de beoordeling.")
    peildatum: date = Field(description="Datum waarop beoordeeld is.")
    huishouden: dict[str, Any] = Field(description="Het huishouden zoals het is beoordeeld.")
    herkomst: dict[str, FeitHerkomst] = Field(description="Herkomst per gegeven (pad).")
    ontbrekende_bronnen: dict[str, str] = Field(
        description="Bronnen die niet zijn geraadpleegd of niet antwoordden, met de reden."
    )
    regelset_versie: str = Field(description="Inhoudshash van de gebruikte regels.")
    resultaten: list[Resultaat] = Field(description="De uitkomst per regeling.")
    aangemaakt_op: datetime = Field(description="Wanneer de beoordeling is gemaakt (UTC).")


class Beschikking(VilModel):
    """The decision as the resident receives it, in plain Dutch."""

    besluit: AanvraagStatus = Field(description="toegekend of afgewezen.")
    tekst: str = Field(description="De beschikking: besluit, bedrag, grondslag, bezwaar.")
    datum: date = Field(description="Datum van het besluit.")


class HerzieningsbesluitSoort(StrEnum):
    """What a gemeente decides on a herziening."""

    wijzigen = "wijzigen"  # the new amount, per a date, with a new beschikking
    handhaven = "handhaven"  # the grant stays as it is, with the gemeente's reason
    intrekken = "intrekken"  # the grant ends per a date, with a new beschikking


class Herzieningsbesluit(VilModel):
    """The gemeente's decision on a herziening (POST /v1/aanvragen/{id}/herzieningsbesluiten)."""

    besluit: HerzieningsbesluitSoort = Field(description="wijzigen, handhaven of intrekken.")
    motivering: str = Field(description="De reden van de gemeente.")
    per: date | None = Field(
        None, description="Vanaf wanneer het besluit geldt; null bij handhaven."
    )
    datum: date = Field(description="Datum van het besluit.")
    door: str = Field(description="De gemeentecode van de gemeente die besloot.")


class Herziening(VilModel):
    """A change the monthly check found in a granted aanvraag, for the gemeente to review: the
    status stays `toegekend` until the gemeente decides again (`besluit`)."""

    datum: date = Field(description="Datum van de maandcheck die de wijziging vond.")
    toelichting: str = Field(description="Wat er veranderd is, in gewone taal.")
    recht: bool = Field(description="Of er volgens de nieuwe gegevens nog recht is.")
    bedrag_per_maand: str | None = Field(None, description="Nieuw bedrag per maand (euro).")
    bedrag_per_jaar: str | None = Field(None, description="Nieuw bedrag per jaar (euro).")
    bedrag_eenmalig: str | None = Field(None, description="Nieuw eenmalig bedrag (euro).")
    besluit: Herzieningsbesluit | None = Field(
        None, description="Het besluit van de gemeente op deze herziening; null: nog open."
    )


class Aanvraag(VilModel):
    """An application for one regeling."""

    id: str = Field(description="Id van de aanvraag.")
    regeling: str = Field(description="Id van de regeling.")
    naam: str = Field(description="Naam van de regeling.")
    status: AanvraagStatus = Field(description="AanvraagStatus van de aanvraag.")
    beoordeling: str = Field(description="Id van de beoordeling waarop de aanvraag rust.")
    gemeentecode: str | None = Field(description="De gemeente die beslist (null: rijk).")
    ingediend_op: datetime = Field(description="Wanneer de aanvraag is ingediend (UTC).")
    gewijzigd_op: datetime = Field(description="Laatste wijziging van de status (UTC).")
    bedrag_per_maand: str | None = Field(None, description="Bedrag per maand (euro).")
    bedrag_per_jaar: str | None = Field(None, description="Bedrag per jaar (euro).")
    bedrag_eenmalig: str | None = Field(None, description="Eenmalig bedrag (euro).")
    beschikking: Beschikking | None = Field(None, description="Het besluit, zodra er een is.")
    doorsturen_naar: str | None = Field(
        None, description="Waar de inwoner een rijksregeling zelf aanvraagt (met onze gegevens)."
    )
    toelichting: str = Field(description="Wat er met de aanvraag gebeurt, in gewone taal.")
    herziening: Herziening | None = Field(
        None, description="De laatste herziening door de maandcheck, of null."
    )
    door_vertegenwoordiger: bool = Field(
        False,
        description="Ingediend door een gemachtigde, hulpverlener of wettelijk vertegenwoordiger"
        " namens de inwoner.",
    )


class Beslisverslag(VilModel):
    """The decision record: everything needed to replay the outcome exactly (bezwaar)."""

    aanvraag: str
    regeling: str
    regelversie: str
    peildatum: date
    huishouden: dict[str, Any]
    herkomst: dict[str, FeitHerkomst]
    resultaat: Resultaat
    uitkomst: AanvraagStatus
    door: str = Field(description="vil (automatisch) of de gemeentecode.")
    motivering: str | None = None
    op: datetime
