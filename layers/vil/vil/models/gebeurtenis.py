"""The events VIL sends gemeenten about an aanvraag, and about a new version of their
parameters of a regeling: NL GOV CloudEvents with thin `data`.

Profile: Logius "NL GOV profile for CloudEvents" (docs/standards.md 2b). The event says *that*
something happened and where to read it; the gemeente fetches the details through the API, so
every read of personal data is authenticated and audit-logged (docs/architecture.md 7). No BSN, no
pseudonym and no amount ever goes into an event: intermediaries may log CloudEvents.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import AfterValidator, AwareDatetime, Field

from vil.models.aanvraag import Aanvraag, AanvraagStatus
from vil.models.base import VilModel
from vil.models.beheer import Regelingversie

TYPE_PREFIX = "nl.vil.aanvraag."
HERZIEN = "herzien"  # a decision revised (bezwaar, monthly check), whatever its new status
# The gemeente decided on a herziening: `data.status` is `toegekend` (wijzigen, handhaven) or
# `ingetrokken`; what was decided is read from the aanvraag, like everything else.
HERZIENING_BESLOTEN = "herziening-besloten"
# The event of each status: an aanvraag waiting for the gemeente has just been submitted.
SOORTEN: dict[AanvraagStatus, str] = {
    status: "ingediend" if status is AanvraagStatus.in_behandeling else status.value
    for status in AanvraagStatus
}
# A version of a gemeente's parameters of a regeling was approved (the beheermodule).
REGELING_GEWIJZIGD = "nl.vil.regeling.gewijzigd"
EVENT_TYPES: tuple[str, ...] = (
    *(TYPE_PREFIX + s for s in [*SOORTEN.values(), HERZIEN, HERZIENING_BESLOTEN]),
    REGELING_GEWIJZIGD,
)
# Namespace of the event ids: a replayed change yields the same id, so receivers dedupe it.
_EVENT_ID_NAMESPACE = uuid.UUID("2f0c7a52-6f5e-4d0f-9a4b-8d1c1e0b7a11")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Utc = Annotated[AwareDatetime, AfterValidator(_utc)]


class AanvraagEventData(VilModel):
    """The thin payload: identifiers, dates and where to fetch the aanvraag."""

    aanvraag: str = Field(description="Id van de aanvraag.")
    regeling: str = Field(description="Id van de regeling.")
    gemeentecode: str | None = Field(description="De gemeente die beslist (null: rijk).")
    status: AanvraagStatus = Field(description="De status van de aanvraag na deze gebeurtenis.")
    ingediend_op: Utc = Field(description="Wanneer de aanvraag is ingediend (UTC).")
    gewijzigd_op: Utc = Field(description="Laatste wijziging van de status (UTC).")
    besluitdatum: date | None = Field(description="Datum van het besluit, zodra er een is.")
    door_vertegenwoordiger: bool = Field(
        False, description="Ingediend door een vertegenwoordiger namens de inwoner (wie: nooit)."
    )
    url: str = Field(
        description="Waar de gemeente de aanvraag ophaalt (GET, met eigen token).",
        json_schema_extra={"format": "uri"},
    )


class RegelingEventData(VilModel):
    """The thin payload of nl.vil.regeling.gewijzigd: which version, from when."""

    regeling: str = Field(description="Id van de regeling.")
    gemeentecode: str = Field(description="De gemeente van wie de waarden zijn.")
    versie: int = Field(description="Volgnummer van de goedgekeurde versie.")
    ingangsdatum: date = Field(description="Vanaf welke peildatum de versie geldt.")
    correctie_van: int | None = Field(
        None,
        exclude_if=lambda value: value is None,
        description=(
            "Bij een correctie van het verleden: de versie waarvan de waarden verbeterd zijn,"
            " voor peildata vanaf `ingangsdatum` (die dan voorbij is). Besluiten over die"
            " peildata kunnen anders uitvallen."
        ),
    )
    url: str = Field(
        description="Waar de beheerder de versie ophaalt (GET, met eigen token).",
        json_schema_extra={"format": "uri"},
    )


class AanvraagEvent(VilModel):
    """A CloudEvent 1.0 (structured mode, JSON) about one aanvraag, or about a version of a
    regeling (`nl.vil.regeling.gewijzigd`, with `RegelingEventData`)."""

    specversion: Literal["1.0"] = Field("1.0", description="CloudEvents-versie.")
    id: str = Field(description="Uniek per gebeurtenis (met source); ook de webhook-id.")
    source: str = Field(description="urn:nld:oin:<OIN>:systeem:vil")
    type: str = Field(
        description=(
            "nl.vil.aanvraag.<status>, nl.vil.aanvraag.herzien,"
            " nl.vil.aanvraag.herziening-besloten of nl.vil.regeling.gewijzigd"
        )
    )
    time: Utc = Field(description="Wanneer de gebeurtenis plaatsvond (UTC).")
    subject: str = Field(description="Id van de aanvraag of de regeling (nooit een BSN).")
    datacontenttype: Literal["application/json"] = Field(
        "application/json", description="Mediatype van data."
    )
    dataschema: str = Field(description="URL van het JSON Schema van data voor dit type.")
    data: AanvraagEventData | RegelingEventData


def event_type(status: AanvraagStatus, herzien: bool = False, soort: str | None = None) -> str:
    """'nl.vil.aanvraag.<soort>' of the status (`ingediend` for `in-behandeling`),
    'nl.vil.aanvraag.herzien' for a revised decision, or the `soort` given."""
    return TYPE_PREFIX + (soort or (HERZIEN if herzien else SOORTEN[status]))


def source(oin: str) -> str:
    """The source URN the profile recommends: organisation by OIN, then the system."""
    if not (len(oin) == 20 and oin.isdigit()):
        raise ValueError("Een OIN is 20 cijfers.")
    return f"urn:nld:oin:{oin}:systeem:vil"


def dataschema_url(api_url: str, type_: str) -> str:
    """Where the JSON Schema of `data` for `type_` is published (see `event_schemas`)."""
    return f"{api_url.rstrip('/')}/v1/gebeurtenissen/{type_}/schema"


def aanvraag_event(
    aanvraag: Aanvraag,
    status: AanvraagStatus,
    *,
    oin: str,
    api_url: str,
    herzien: bool = False,
    tijd: datetime | None = None,
    soort: str | None = None,
) -> AanvraagEvent:
    """The event for `aanvraag` reaching `status` (or its decision being revised: `herzien`).

    `tijd` defaults to `aanvraag.gewijzigd_op`, the stored moment of the change. The id is a
    UUIDv5 of aanvraag, type and time: building the event again for the same change (a retried
    stream record) gives the same id, which receivers use to drop duplicates.
    """
    when = _utc(tijd if tijd is not None else aanvraag.gewijzigd_op)
    type_ = event_type(status, herzien, soort)
    base = api_url.rstrip("/")
    data = AanvraagEventData(
        aanvraag=aanvraag.id,
        regeling=aanvraag.regeling,
        gemeentecode=aanvraag.gemeentecode,
        status=status,
        ingediend_op=_utc(aanvraag.ingediend_op),
        gewijzigd_op=_utc(aanvraag.gewijzigd_op),
        besluitdatum=aanvraag.beschikking.datum if aanvraag.beschikking else None,
        door_vertegenwoordiger=aanvraag.door_vertegenwoordiger,
        url=f"{base}/v1/aanvragen/{quote(aanvraag.id, safe='')}",
    )
    return AanvraagEvent(
        id=str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{aanvraag.id}|{type_}|{when.isoformat()}")),
        source=source(oin),
        type=type_,
        time=when,
        subject=aanvraag.id,
        dataschema=dataschema_url(base, type_),
        data=data,
    )


@dataclass(frozen=True)
class Uitgever:
    """Who publishes the events (OIN) and where the aanvragen are read (the public API URL)."""

    oin: str
    api_url: str

    def over(self, aanvraag: Aanvraag, herzien: bool = False) -> AanvraagEvent:
        """The event of `aanvraag`'s current status (or of its revision) at `gewijzigd_op`."""
        return aanvraag_event(
            aanvraag, aanvraag.status, oin=self.oin, api_url=self.api_url, herzien=herzien
        )

    def over_regeling(self, versie: Regelingversie, tijd: datetime) -> AanvraagEvent:
        """The event of `versie` being approved at `tijd`: every function evaluates with it
        from `in_werking_vanaf` (within a minute)."""
        when = _utc(tijd)
        base = self.api_url.rstrip("/")
        pad = f"{quote(versie.regeling, safe='')}/versies/{versie.versie}"
        sleutel = f"{versie.regeling}|{versie.gemeentecode}|{versie.versie}|{REGELING_GEWIJZIGD}"
        return AanvraagEvent(
            id=str(uuid.uuid5(_EVENT_ID_NAMESPACE, sleutel)),
            source=source(self.oin),
            type=REGELING_GEWIJZIGD,
            time=when,
            subject=versie.regeling,
            dataschema=dataschema_url(base, REGELING_GEWIJZIGD),
            data=RegelingEventData(
                regeling=versie.regeling,
                gemeentecode=versie.gemeentecode,
                versie=versie.versie,
                ingangsdatum=versie.in_werking_vanaf or versie.ingangsdatum,
                correctie_van=versie.correctie_van,
                url=f"{base}/v1/regelingen/{pad}",
            ),
        )

    def over_herzieningsbesluit(self, aanvraag: Aanvraag) -> AanvraagEvent:
        """The event of the gemeente's decision on `aanvraag`'s herziening."""
        return aanvraag_event(
            aanvraag,
            aanvraag.status,
            oin=self.oin,
            api_url=self.api_url,
            soort=HERZIENING_BESLOTEN,
        )


def event_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (2020-12) of `data` per event type, generated from `AanvraagEventData`
    (and `RegelingEventData` for nl.vil.regeling.gewijzigd).

    A status type fixes `status` to that status; `herzien` allows any status, and
    `herziening-besloten` the two a decision on a herziening leaves.
    """
    schemas: dict[str, dict[str, Any]] = {
        REGELING_GEWIJZIGD: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **RegelingEventData.model_json_schema(by_alias=True),
            "title": f"data van {REGELING_GEWIJZIGD}",
        }
    }
    for type_ in EVENT_TYPES[:-1]:
        schema = AanvraagEventData.model_json_schema(by_alias=True)
        soort = type_.removeprefix(TYPE_PREFIX)
        beschrijving = schema["properties"]["status"].get("description", "")
        if soort == HERZIENING_BESLOTEN:
            na = [AanvraagStatus.toegekend.value, AanvraagStatus.ingetrokken.value]
            schema["properties"]["status"] = {"enum": na, "description": beschrijving}
            schema.pop("$defs", None)  # AanvraagStatus was its only definition
        elif soort != HERZIEN:
            status = next(s for s, naam in SOORTEN.items() if naam == soort)
            schema["properties"]["status"] = {"const": status.value, "description": beschrijving}
            schema.pop("$defs", None)
        schemas[type_] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "title": f"data van {type_}",
        }
    return schemas
