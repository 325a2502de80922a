"""The household (`huishouden`): the one input of an evaluation, and later of the prefill.

Every fact is optional: a fact that is left out is *missing*, and a regeling that needs it
answers `recht: null` with the fact's path in `ontbrekendeGegevens`. Only the structure
itself (a partner or not, which children) is taken as given.
"""

from datetime import date
from typing import Annotated

from pydantic import Field, field_validator

from vil.models.base import Bedrag, Datum, JaNee, Peildatum, VilModel

Gemeentecode = Annotated[str, Field(pattern=r"^\d{4}$", description="CBS-gemeentecode, bv. 0344")]


class Persoon(VilModel):
    """The aanvrager or the toeslagpartner."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    zorgverzekerd: JaNee | None = Field(
        None, description="Verzekerd onder de Zorgverzekeringswet of verdragsgerechtigd."
    )
    toetsingsinkomen: Bedrag | None = Field(
        None, description="Toetsingsinkomen in euro over het kalenderjaar van de peildatum."
    )
    vermogen: Bedrag | None = Field(
        None, description="Vermogen (rendementsgrondslag) op 1 januari van dat jaar, in euro."
    )
    student: JaNee | None = Field(None, description="Volgt nu een studie met studiefinanciering.")
    student_afgelopen_drie_jaar: JaNee | None = Field(
        None, description="Studeerde op enig moment in de 36 maanden voor de peildatum."
    )
    geen_uitzicht_op_inkomensverbetering: JaNee | None = Field(
        None,
        description=(
            "Verklaart geen uitzicht te hebben op een hoger inkomen en zich daarvoor te hebben"
            " ingespannen (eigen verklaring; de gemeente toetst achteraf)."
        ),
    )


class Kind(VilModel):
    """A child of the aanvrager or partner who lives at home."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    kinderbijslag: JaNee | None = Field(
        None, description="Voor dit kind wordt kinderbijslag ontvangen (SVB)."
    )
    toetsingsinkomen: Bedrag | None = Field(
        None, description="Eigen toetsingsinkomen van het kind in euro per jaar."
    )


class Medebewoner(VilModel):
    """Someone else who lives at the address (not partner, not child), e.g. for huurtoeslag."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    toetsingsinkomen: Bedrag | None = Field(None, description="Toetsingsinkomen in euro per jaar.")
    vermogen: Bedrag | None = Field(None, description="Vermogen op 1 januari in euro.")


class Woning(VilModel):
    """The home the household lives in."""

    huurwoning: JaNee | None = Field(None, description="De woning wordt gehuurd.")
    zelfstandig: JaNee | None = Field(
        None, description="Zelfstandige woonruimte: eigen toegang, keuken, toilet en douche."
    )
    kale_huur: Bedrag | None = Field(
        None, description="Kale huur per maand in euro (zonder servicekosten)."
    )
    netto_woonlasten: Bedrag | None = Field(
        None, description="Woonlasten per maand in euro na aftrek van huurtoeslag."
    )
    servicekosten: Bedrag | None = Field(
        None, description="Servicekosten per maand in euro die bij de huur horen."
    )
    woonkosten_eigen_woning: Bedrag | None = Field(
        None,
        description=(
            "Woonkosten van een eigen woning per maand in euro: hypotheekrente, opstalverzekering,"
            " lokale belastingen, erfpachtcanon en onderhoudskosten samen."
        ),
    )


class Maandinkomen(VilModel):
    """The household's net income in one calendar month."""

    maand: Datum = Field(description="De maand, als 2026-10 of 2026-10-01.")
    netto_inkomen: Bedrag = Field(description="Netto inkomen van aanvrager en partner samen.")

    @field_validator("maand", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        if isinstance(value, str) and len(value) == 7:
            return f"{value}-01"
        return value

    @field_validator("maand")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        return value.replace(day=1)


class Huishouden(VilModel):
    """The household whose entitlements are evaluated."""

    gemeentecode: Gemeentecode | None = Field(None, description="Woongemeente (BRP).")
    aanvrager: Persoon = Field(description="De aanvrager.")
    partner: Persoon | None = Field(
        None, description="De toeslagpartner; weggelaten of null als er geen is."
    )
    kinderen: list[Kind] = Field(
        default_factory=list, description="Thuiswonende kinderen (leeg als er geen zijn)."
    )
    medebewoners: list[Medebewoner] = Field(
        default_factory=list, description="Andere bewoners van het adres."
    )
    woning: Woning | None = Field(None, description="De woning.")
    netto_inkomen_per_maand: Bedrag | None = Field(
        None, description="Huidig netto inkomen per maand van aanvrager en partner samen."
    )
    inkomenshistorie: list[Maandinkomen] | None = Field(
        None, description="Netto maandinkomens van het huishouden (UWV), bv. de laatste 36 maanden."
    )
    gemeentelijke_belastingen: Bedrag | None = Field(
        None, description="Bedrag van de aanslag gemeentelijke belastingen in euro."
    )


class Evaluatieverzoek(VilModel):
    """What `vil evaluate` reads: an optional peildatum and the household."""

    peildatum: Peildatum | None = Field(
        None, description="Datum waarop beoordeeld wordt; standaard vandaag (Europe/Amsterdam)."
    )
    huishouden: Huishouden
