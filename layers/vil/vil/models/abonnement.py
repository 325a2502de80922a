"""Webhook subscriptions of gemeenten, and the log of every delivery attempt."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from vil.models.base import JaNee, VilModel
from vil.models.gebeurtenis import EVENT_TYPES


class Abonnement(VilModel):
    """A gemeente's endpoint for events about aanvragen for its regelingen."""

    id: str = Field(description="Id van het abonnement.")
    gemeentecode: str = Field(description="De gemeente van het abonnement.")
    callback_url: str = Field(description="Waar de gebeurtenissen heen gaan (https, publiek).")
    types: list[str] = Field(description="Gebeurtenistypen; leeg: alle.")
    actief: bool = Field(description="Uitgeschakeld na 410 Gone of door de gemeente.")
    storing: bool = Field(
        False, description="Een gebeurtenis kon drie dagen lang niet worden afgeleverd."
    )
    reden: str | None = Field(None, description="Waarom het abonnement is uitgeschakeld.")
    aangemaakt_op: datetime = Field(description="Wanneer het abonnement is aangemaakt (UTC).")
    gewijzigd_op: datetime = Field(description="Laatste wijziging (UTC).")

    def ontvangt(self, type_: str) -> bool:
        return self.actief and (not self.types or type_ in self.types)


class NieuwAbonnement(VilModel):
    """POST /v1/abonnementen."""

    callback_url: str = Field(max_length=2048, description="https-URL van de gemeente.")
    types: list[Annotated[str, Field(json_schema_extra={"enum": list(EVENT_TYPES)})]] | None = (
        Field(None, max_length=len(EVENT_TYPES), description="Weglaten of leeg: alle typen.")
    )

    @field_validator("types")
    @classmethod
    def _bekende_types(cls, types: list[str] | None) -> list[str] | None:
        onbekend = [t for t in types or [] if t not in EVENT_TYPES]
        if onbekend:
            raise ValueError(
                f"onbekend type {', '.join(onbekend)}; bekend: {', '.join(EVENT_TYPES)}"
            )
        return sorted(set(types)) if types else types


class AbonnementWijziging(VilModel):
    """PATCH /v1/abonnementen/{id}: `actief: true` schakelt weer in (en wist de storing)."""

    actief: JaNee


class AbonnementMetGeheim(Abonnement):
    """The answer to creating a subscription or rotating its secret: the secret, shown once."""

    secret: str = Field(description="whsec_...; bewaar het, het wordt maar één keer getoond.")
    vorig_secret_geldig_tot: datetime | None = Field(
        None, description="Tot wanneer ook het vorige secret ondertekent (na een rotatie)."
    )


class ListAbonnementenResponse(VilModel):
    abonnementen: list[Abonnement]


class AfleveringStatus(StrEnum):
    wachtend = "wachtend"  # queued, or waiting for its next attempt
    afgeleverd = "afgeleverd"
    mislukt = "mislukt"  # refused, gone, or three days of failures: redeliver to try again
    overgeslagen = "overgeslagen"  # the subscription was ended or disabled meanwhile


class Poging(VilModel):
    """One delivery attempt, as the receiver answered it."""

    tijd: datetime
    statuscode: int | None = Field(description="HTTP-status van de ontvanger; null: geen antwoord.")
    uitkomst: str = Field(description="delivered, retry, gone of refused.")
    reden: str


class Aflevering(VilModel):
    """One event for one subscription, with every attempt."""

    gebeurtenis: str = Field(description="Id van de gebeurtenis (ook de webhook-id).")
    type: str
    tijd: datetime = Field(description="Wanneer de gebeurtenis plaatsvond.")
    status: AfleveringStatus
    pogingen: list[Poging]


class ListAfleveringenResponse(VilModel):
    afleveringen: list[Aflevering]
    volgende: str | None = Field(None, description="Cursor naar de volgende pagina.")


class HerleveringResponse(VilModel):
    herleverd: int = Field(description="Aantal mislukte afleveringen dat opnieuw wordt verstuurd.")


class Bezorgopdracht(VilModel):
    """The message on the webhook queue: which event to which subscription (no content)."""

    gemeentecode: str
    abonnement: str
    gebeurtenis: str
    tijd: datetime


@dataclass(frozen=True)
class Geheimen:
    """A subscription's secrets, KMS-encrypted; `vorig` signs too until `vorig_tot`."""

    huidig: str
    vorig: str | None = None
    vorig_tot: datetime | None = None
