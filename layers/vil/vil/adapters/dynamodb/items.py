"""The items of the main and audit tables as models: `<Thing>Item`, one per kind of item.

Attribute names are the table's (camelCase, `PK`/`SK`, the GSI keys): stored data and the
template's key schema, indexes and stream filter depend on them. A domain model is stored whole
as JSON in `data`; keys and the attributes a query, condition or index reads sit beside it.
"""

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from vil.adapters.dynamodb import keys
from vil.models.aanvraag import BEWAARTERMIJN, Aanvraag, Beoordeling, Beslisverslag
from vil.models.beheer import (
    MOMENTOPNAME_BEWAARTERMIJN,
    Impactrapport,
    Momentopname,
    Regelingversie,
    Wijzer,
)
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.maandcheck import Melding, Stand
from vil.models.machtiging import Machtiging, Vastgelegd
from vil.models.sessie import Sessie
from vil.models.toestemming import Toestemming


class Item(BaseModel):
    """One item: its keys, and attributes named in camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    pk: str = Field(alias="PK")
    sk: str = Field(alias="SK")

    def dump(self) -> dict[str, Any]:
        """The item as DynamoDB stores it (absent attributes left out)."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def key(self) -> dict[str, str]:
        return {"PK": self.pk, "SK": self.sk}


def verloopt_op(gemaakt: Any) -> int:
    """The TTL attribute (epoch seconds) of what is kept BEWAARTERMIJN after it was made."""
    return int((gemaakt + BEWAARTERMIJN).timestamp())


class ToestemmingItem(Item):
    data: str

    @classmethod
    def van(cls, pseudoniem: str, toestemming: Toestemming) -> Self:
        sk = keys.toestemming(toestemming.bron, toestemming.versie)
        return cls(pk=keys.burger(pseudoniem), sk=sk, data=toestemming.model_dump_json())

    def toestemming(self) -> Toestemming:
        return Toestemming.model_validate_json(self.data)


class ProfielItem(Item):
    bsn_versleuteld: str


class GegevensItem(Item):
    data: str  # the source's facts as JSON


class BeoordelingItem(Item):
    """A beoordeling; GSI2 (sparse: only with a woongemeente) finds a gemeente's for the impact
    of a version, each resident's together."""

    data: str
    verloopt_op: int | None = None  # removed once an aanvraag rests on it
    gebruikt: bool | None = None
    gsi2pk: str | None = Field(None, alias="GSI2PK")
    gsi2sk: str | None = Field(None, alias="GSI2SK")

    @classmethod
    def van(cls, pseudoniem: str, beoordeling: Beoordeling) -> Self:
        gemeente = beoordeling.huishouden.get("gemeentecode")
        return cls(
            pk=keys.burger(pseudoniem),
            sk=keys.beoordeling(beoordeling.id),
            data=beoordeling.model_dump_json(),
            verloopt_op=verloopt_op(beoordeling.aangemaakt_op),
            gsi2pk=keys.beoordeeld(gemeente) if gemeente else None,
            gsi2sk=(
                keys.per_inwoner(pseudoniem, beoordeling.aangemaakt_op, beoordeling.id)
                if gemeente
                else None
            ),
        )

    def beoordeling(self) -> Beoordeling:
        return Beoordeling.model_validate_json(self.data)


class LaatsteBeoordelingItem(Item):
    """The pointer to a resident's newest beoordeling, written with each one; `moment` (its
    aangemaakt_op in epoch microseconds) lets a condition keep it moving forward only. It
    expires with the beoordeling it names (it says when the resident was assessed); a pointer
    whose beoordeling is gone, or that is gone itself, falls back to the list."""

    beoordeling_id: str
    moment: int
    verloopt_op: int

    @classmethod
    def van(cls, pseudoniem: str, beoordeling: Beoordeling) -> Self:
        return cls(
            pk=keys.burger(pseudoniem),
            sk=keys.LAATSTE_BEOORDELING,
            beoordeling_id=beoordeling.id,
            moment=round(beoordeling.aangemaakt_op.timestamp() * 1_000_000),
            verloopt_op=verloopt_op(beoordeling.aangemaakt_op),
        )


class PeriodeItem(Item):
    geblokkeerd_tot: str  # ISO date: conditions compare it as text


class StandItem(Item):
    versie: int  # the optimistic lock: a condition reads it
    data: str

    @classmethod
    def van(cls, pseudoniem: str, stand: Stand) -> Self:
        return cls(
            pk=keys.burger(pseudoniem),
            sk=keys.STAND,
            versie=stand.versie,
            data=stand.model_dump_json(),
        )

    def stand(self) -> Stand:
        return Stand.model_validate_json(self.data)


class MeldingItem(Item):
    data: str
    verloopt_op: int

    @classmethod
    def van(cls, pseudoniem: str, melding: Melding) -> Self:
        return cls(
            pk=keys.burger(pseudoniem),
            sk=keys.melding(melding.id),
            data=melding.model_dump_json(),
            verloopt_op=verloopt_op(melding.aangemaakt),
        )

    def melding(self) -> Melding:
        return Melding.model_validate_json(self.data)


class AanvraagItem(Item):
    pseudoniem: str
    status: str
    regeling: str
    gsi1pk: str = Field(alias="GSI1PK")
    gsi1sk: str = Field(alias="GSI1SK")
    gsi2pk: str | None = Field(None, alias="GSI2PK")  # only an aanvraag a gemeente handles
    gsi2sk: str | None = Field(None, alias="GSI2SK")
    data: str

    @classmethod
    def van(cls, pseudoniem: str, aanvraag: Aanvraag) -> Self:
        volgorde = keys.gesorteerd(aanvraag.ingediend_op, aanvraag.id)
        gemeente = aanvraag.gemeentecode
        return cls(
            pk=keys.aanvraag(aanvraag.id),
            sk=keys.AANVRAAG,
            pseudoniem=pseudoniem,
            status=aanvraag.status.value,
            regeling=aanvraag.regeling,
            gsi1pk=keys.burger(pseudoniem),
            gsi1sk=volgorde,
            gsi2pk=keys.gemeente(gemeente) if gemeente else None,
            gsi2sk=volgorde if gemeente else None,
            data=aanvraag.model_dump_json(),
        )

    def aanvraag(self) -> Aanvraag:
        return Aanvraag.model_validate_json(self.data)


class MachtigingItem(Item):
    """A machtiging, found by id, by the resident who gave it (GSI1) and by who holds it (GSI2)."""

    pseudoniem: str
    bsn_versleuteld: str
    gemachtigde: str
    gsi1pk: str = Field(alias="GSI1PK")
    gsi1sk: str = Field(alias="GSI1SK")
    gsi2pk: str = Field(alias="GSI2PK")
    gsi2sk: str = Field(alias="GSI2SK")
    # Beside `data`, what a page's filter reads (the caseload: today's, for this employee):
    # ISO dates compare as text.
    medewerker: str | None = None
    geldig_vanaf: str
    geldig_tot: str | None = None
    ingetrokken: bool | None = None  # only True; absent while in force
    data: str

    @classmethod
    def van(cls, vastgelegd: Vastgelegd) -> Self:
        machtiging = vastgelegd.machtiging
        volgorde = keys.gesorteerd(machtiging.verleend_op, machtiging.id)
        eind = machtiging.geldig_tot
        return cls(
            medewerker=machtiging.medewerker,
            geldig_vanaf=machtiging.geldig_vanaf.isoformat(),
            geldig_tot=eind.isoformat() if eind else None,
            ingetrokken=True if machtiging.ingetrokken_op else None,
            pk=keys.machtiging(machtiging.id),
            sk=keys.MACHTIGING,
            pseudoniem=vastgelegd.pseudoniem,
            bsn_versleuteld=vastgelegd.bsn_versleuteld,
            gemachtigde=vastgelegd.gemachtigde,
            gsi1pk=keys.volmachtgever(vastgelegd.pseudoniem),
            gsi1sk=volgorde,
            gsi2pk=keys.gemachtigde(vastgelegd.gemachtigde),
            gsi2sk=volgorde,
            data=machtiging.model_dump_json(),
        )

    def vastgelegd(self) -> Vastgelegd:
        return Vastgelegd(
            pseudoniem=self.pseudoniem,
            bsn_versleuteld=self.bsn_versleuteld,
            gemachtigde=self.gemachtigde,
            machtiging=Machtiging.model_validate_json(self.data),
        )


class BeslisverslagItem(Item):
    data: str

    @classmethod
    def van(cls, verslag: Beslisverslag) -> Self:
        return cls(
            pk=keys.aanvraag(verslag.aanvraag),
            sk=keys.beslisverslag(verslag.op),
            data=verslag.model_dump_json(),
        )

    def verslag(self) -> Beslisverslag:
        return Beslisverslag.model_validate_json(self.data)


class GebeurtenisItem(Item):
    """The outbox record: the event whole, and the gemeente whose subscriptions receive it."""

    type: str  # the stream's filter reads it
    data: str
    gemeentecode: str | None = None

    @classmethod
    def van(cls, gebeurtenis: AanvraagEvent) -> Self:
        return cls(
            pk=keys.gebeurtenis(gebeurtenis.id),
            sk=keys.GEBEURTENIS,
            type=gebeurtenis.type,
            data=gebeurtenis.model_dump_json(by_alias=True),
            gemeentecode=gebeurtenis.data.gemeentecode or None,
        )

    def gebeurtenis(self) -> AanvraagEvent:
        return AanvraagEvent.model_validate_json(self.data)


class AuditItem(Item):
    """One record of the audit table."""

    verwerking: str
    actor: str
    doel: str
    resultaat: str
    trace_id: str
    bronnen: list[str]
    tijd: str
    # A request by a representative: who acted, under which machtiging, for which organisation.
    vertegenwoordiger: str | None = None
    machtiging: str | None = None
    organisatie: str | None = None


class AbonnementItem(Item):
    """A webhook subscription with its secrets (KMS ciphertext)."""

    data: str
    geheim: str
    vorig_geheim: str | None = None
    vorig_geheim_tot: str | None = None  # ISO timestamp


class AfleveringItem(Item):
    """One event for one subscription, with every attempt (each a `Poging` as JSON)."""

    gebeurtenis: str
    type: str
    tijd: str
    status: str
    pogingen: list[str]
    verloopt_op: int


class RegelingversieItem(Item):
    """A version of a gemeente's parameters; `status` beside it for the conditions."""

    status: str
    data: str

    @classmethod
    def van(cls, versie: Regelingversie) -> Self:
        return cls(
            pk=keys.regeling(versie.regeling, versie.gemeentecode),
            sk=keys.versie(versie.versie),
            status=versie.status.value,
            data=versie.model_dump_json(),
        )

    def versie(self) -> Regelingversie:
        return Regelingversie.model_validate_json(self.data)


class WijzerItem(Item):
    """The version pointer; `nummer` beside it for the condition of the next publication."""

    nummer: int
    data: str

    @classmethod
    def van(cls, wijzer: Wijzer) -> Self:
        return cls(
            pk=keys.REGELINGEN, sk=keys.WIJZER, nummer=wijzer.nummer, data=wijzer.model_dump_json()
        )

    def wijzer(self) -> Wijzer:
        return Wijzer.model_validate_json(self.data)


class SessieItem(Item):
    data: str  # the Sessie as JSON
    verloopt_op: int  # TTL: DynamoDB removes the item some time after the session's end

    @classmethod
    def van(cls, sessie: Sessie, verloopt_op: int) -> Self:
        pk = keys.sessie(sessie.sleutel)
        return cls(pk=pk, sk=keys.SESSIE, data=sessie.model_dump_json(), verloopt_op=verloopt_op)

    def sessie(self) -> Sessie:
        return Sessie.model_validate_json(self.data)


class MomentopnameItem(Item):
    """The pointer to a version's frozen population, written once (conditional)."""

    data: str
    delen: int
    verloopt_op: int

    @classmethod
    def van(
        cls, regeling: str, gemeentecode: str, versie: int, m: Momentopname, delen: int
    ) -> Self:
        return cls(
            pk=keys.regeling(regeling, gemeentecode),
            sk=keys.momentopname_van(versie),
            data=m.model_dump_json(),
            delen=delen,
            verloopt_op=int((m.gemaakt_op + MOMENTOPNAME_BEWAARTERMIJN).timestamp()),
        )

    def momentopname(self) -> Momentopname:
        return Momentopname.model_validate_json(self.data)

    def verlopen(self, nu: datetime) -> bool:
        """TTL removes an item within days, not on the second: past its time it is gone."""
        return self.verloopt_op <= int(nu.timestamp())


class MomentopnamedeelItem(Item):
    """A part of a frozen population: households as gzipped JSON (an item holds 400 KB)."""

    data: bytes
    verloopt_op: int


class ImpactrapportItem(Item):
    """An impact report: aggregated figures only (no personal data), kept with its version."""

    status: str
    data: str

    @classmethod
    def van(cls, rapport: Impactrapport) -> Self:
        return cls(
            pk=keys.regeling(rapport.regeling, rapport.gemeentecode),
            sk=keys.impactrapport(rapport.versie, rapport.id),
            status=rapport.status.value,
            data=rapport.model_dump_json(),
        )

    def rapport(self) -> Impactrapport:
        return Impactrapport.model_validate_json(self.data)
