"""Machtigingen: who may act for a resident, for what, from when until when (docs/machtigingen.md).

A resident grants one to an organisation (KvK number or OIN) and optionally one named employee;
a wettelijke vertegenwoordiging (bewind, curatele, mentorschap) is a machtiging whose source is
the Centraal Curatele- en Bewindregister. A request for a resident names one machtiging by its
id: the resident is never addressed by BSN.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Discriminator, Field, Tag, model_validator

from vil.models.base import Datum, VilModel


class Recht(StrEnum):
    """What a machtiging allows (docs/machtigingen.md has the routes of each)."""

    inzien = "inzien"  # gegevens, beoordelingen, aanvragen, meldingen, inzage
    aanvragen = "aanvragen"  # beoordelen, applying, withdrawing
    toestemming = "toestemming"  # consent for sources: only when granted explicitly
    meldingen_ontvangen = "meldingen-ontvangen"  # the monthly check's meldingen


class Machtigingbron(StrEnum):
    """Where a machtiging comes from."""

    inwoner = "inwoner"  # granted by the resident in VIL (POST /v1/machtigingen)
    ccbr = "ccbr"  # Centraal Curatele- en Bewindregister: a wettelijke vertegenwoordiging


class Vertegenwoordiging(StrEnum):
    """The kind of machtiging: by the resident's choice, or by law."""

    machtiging = "machtiging"
    bewind = "bewind"
    curatele = "curatele"
    mentorschap = "mentorschap"


# What the law gives a wettelijk vertegenwoordiger (Burgerlijk Wetboek boek 1; the reading is in
# docs/decisions.md, "Wettelijke vertegenwoordiging"): a bewindvoerder (titel 19) and a curator
# (titel 16) manage the resident's goods and represent them for it, so everything VIL does; a
# mentor (titel 20) acts on care, not on goods, and VIL is only about money: nothing.
WETTELIJKE_RECHTEN: dict[Vertegenwoordiging, tuple[Recht, ...]] = {
    Vertegenwoordiging.bewind: tuple(Recht),
    Vertegenwoordiging.curatele: tuple(Recht),
    Vertegenwoordiging.mentorschap: (),
}
# A register machtiging's id: the register's own number behind this prefix, so the
# representative names it from the court's decision, before VIL has ever stored it.
CCBR_PREFIX = "ccbr-"
REGISTRATIENUMMER = r"^[0-9]{6,12}$"

KVK = r"^[0-9]{8}$"
OIN = r"^[0-9]{20}$"
MEDEWERKER = r"^[A-Za-z0-9._:@-]{1,64}$"


class OrganisatieKvk(VilModel):
    """An organisation by its KvK number."""

    kvk: str = Field(pattern=KVK, description="KvK-nummer (8 cijfers).")

    @property
    def sleutel(self) -> str:
        """How tokens and the table name it."""
        return f"kvk:{self.kvk}"


class OrganisatieOin(VilModel):
    """An organisation by its OIN."""

    oin: str = Field(pattern=OIN, description="OIN (20 cijfers).")

    @property
    def sleutel(self) -> str:
        return f"oin:{self.oin}"


def _soort(waarde: Any) -> str | None:
    """Which of the two an organisation is: by its field (JSON) or its model (Python)."""
    if isinstance(waarde, dict):
        return "kvk" if "kvk" in waarde else "oin" if "oin" in waarde else None
    return "kvk" if isinstance(waarde, OrganisatieKvk) else "oin"


# Exactly one of the two: each model forbids the other's field, so the document says it too;
# an error is named by the field ('organisatie.kvk.kvk'), never by a class.
Organisatie = Annotated[
    Annotated[OrganisatieKvk, Tag("kvk")] | Annotated[OrganisatieOin, Tag("oin")],
    Discriminator(
        _soort,
        custom_error_type="organisatie",
        custom_error_message="geef een kvk (8 cijfers) of een oin (20 cijfers)",
    ),
]


class NieuweMachtiging(VilModel):
    """POST /v1/machtigingen: the resident grants an organisation (and one employee) rights."""

    organisatie: Organisatie = Field(description="De organisatie die namens u mag handelen.")
    medewerker: str | None = Field(
        None,
        pattern=MEDEWERKER,
        description="Alleen deze medewerker van de organisatie (zijn eigen id); leeg = iedereen"
        " van de organisatie.",
    )
    rechten: list[Recht] = Field(
        min_length=1,
        max_length=len(Recht),
        description="Wat de organisatie namens u mag; elk recht één keer.",
        json_schema_extra={"uniqueItems": True},
    )
    # Whether the end lies after the start, and not before today, the service checks (a
    # schema cannot say it): 'Ongeldige aanvraag', listing both.
    geldig_vanaf: Datum = Field(description="Eerste dag waarop de machtiging geldt.")
    geldig_tot: Datum = Field(description="Laatste dag waarop de machtiging geldt.")

    @model_validator(mode="after")
    def _uniek(self) -> Self:
        if len(set(self.rechten)) != len(self.rechten):
            raise ValueError("elk recht hoogstens één keer")
        return self


class Machtiging(VilModel):
    """A stored machtiging, as the resident and the organisation see it (no BSN, no pseudonym)."""

    id: str = Field(description="Id van de machtiging: hiermee handelt de gemachtigde namens u.")
    soort: Vertegenwoordiging = Field(description="machtiging, bewind, curatele of mentorschap.")
    bron: Machtigingbron = Field(description="inwoner (door u gegeven) of ccbr (het register).")
    organisatie: Organisatie | None = Field(description="De gemachtigde organisatie, of null.")
    medewerker: str | None = Field(description="Alleen deze medewerker; null = de organisatie.")
    gemachtigde_persoon: bool = Field(
        False, description="Waar: een persoon (DigiD) is de gemachtigde, geen organisatie."
    )
    rechten: list[Recht] = Field(description="Wat de gemachtigde namens u mag.")
    geldig_vanaf: date = Field(description="Eerste dag waarop de machtiging geldt.")
    geldig_tot: date | None = Field(
        description="Laatste dag; null = tot het register het beëindigt."
    )
    verleend_op: datetime = Field(description="Wanneer de machtiging is vastgelegd (UTC).")
    ingetrokken_op: datetime | None = Field(None, description="Wanneer ingetrokken, of null.")

    def geldt_op(self, dag: date) -> bool:
        """Not revoked, and `dag` within its dates."""
        if self.ingetrokken_op is not None or dag < self.geldig_vanaf:
            return False
        return self.geldig_tot is None or dag <= self.geldig_tot


class Vastgelegd(VilModel):
    """A machtiging as stored: with the pseudonym and the encrypted BSN of the resident it is
    for (the BSN lets a gemachtigde's prefill ask the sources; it never leaves VIL)."""

    pseudoniem: str
    bsn_versleuteld: str
    gemachtigde: str  # 'kvk:<nummer>', 'oin:<nummer>' or 'persoon:<pseudoniem>'
    machtiging: Machtiging


class Client(VilModel):
    """One resident a hulpverlener may act for, by the machtiging (never a BSN), with the state
    that matters; what the machtiging does not let them see is null."""

    machtiging: str = Field(description="Het id van de machtiging: stuur het als X-Namens.")
    soort: Vertegenwoordiging = Field(description="machtiging, bewind, curatele of mentorschap.")
    rechten: list[Recht] = Field(description="Wat u namens deze inwoner mag.")
    geldig_vanaf: date = Field(description="Eerste dag van de machtiging.")
    geldig_tot: date | None = Field(description="Laatste dag van de machtiging, of null.")
    geboortedatum: date | None = Field(
        None,
        description="Geboortedatum van de inwoner uit de BRP, zodat u de cliënt herkent zonder"
        " BSN (null zonder recht inzien, of als VIL de BRP-gegevens niet bewaart).",
    )
    verloopt_binnenkort: bool = Field(
        description="Waar als de machtiging binnen 30 dagen eindigt: vraag tijdig een nieuwe."
    )
    open_aanvragen: int | None = Field(
        description="Aanvragen die de gemeente nog behandelt (null zonder recht inzien)."
    )
    ongelezen_meldingen: int | None = Field(
        description="Ongelezen meldingen van de maandcheck (null zonder inzien of"
        " meldingen-ontvangen)."
    )
    bronnen_zonder_toestemming: list[str] | None = Field(
        description="Bronnen waarvoor de inwoner (nog) geen toestemming gaf voor aanvragen, of"
        " die is vervallen (null zonder recht inzien)."
    )


class ListClientenResponse(VilModel):
    clienten: list[Client] = Field(description="Uw cliënten, nieuwste machtiging eerst.")
    volgende: str | None = Field(description="Cursor van de volgende pagina, of null.")


class ListMachtigingenResponse(VilModel):
    machtigingen: list[Machtiging] = Field(
        description="De machtigingen die u gaf, nieuwste eerst (leeg voor een organisatie)."
    )
    gemachtigd: list[Machtiging] = Field(
        description="De machtigingen die u (of uw organisatie) houdt: hiermee handelt u namens"
        " iemand anders. Nieuwste eerst."
    )
    volgende: str | None = Field(
        None, description="Cursor van de volgende pagina (van beide lijsten), of null."
    )


class Registratie(VilModel):
    """One entry of the Centraal Curatele- en Bewindregister as the register adapter reads it:
    who is represented, by whom (a person by BSN, or an organisation), how, from when."""

    registratienummer: str = Field(pattern=REGISTRATIENUMMER)
    soort: Vertegenwoordiging
    betrokkene_bsn: str  # the represented resident: stays inside VIL (encrypted when stored)
    # Who represents: persons (a family member) by BSN, offices as 'kvk:…' or 'oin:…'; the
    # court may appoint more than one.
    vertegenwoordigers_bsn: tuple[str, ...] = ()
    vertegenwoordigers_organisatie: tuple[str, ...] = ()
    ingangsdatum: date
    einddatum: date | None = None

    @property
    def machtiging_id(self) -> str:
        return CCBR_PREFIX + self.registratienummer

    def geldt_op(self, dag: date) -> bool:
        return self.ingangsdatum <= dag and (self.einddatum is None or dag <= self.einddatum)
