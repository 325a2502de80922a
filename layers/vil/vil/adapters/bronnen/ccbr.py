"""The Centraal Curatele- en Bewindregister (our own contract, docs/sources.md): one entry by
its registration number, read when a wettelijk vertegenwoordiger acts for a resident."""

from datetime import date
from functools import cache
from typing import Literal, Self

import httpx
from pydantic import Field

from vil.adapters.bronnen.client import Reden, SourceClient, SourceError, SourceModel
from vil.fouten import NietBeschikbaar
from vil.models.machtiging import Registratie, Vertegenwoordiging
from vil.settings import RegisterSettings


class Betrokkene(SourceModel):
    burgerservicenummer: str = Field(pattern=r"^[0-9]{9}$")


class Vertegenwoordiger(SourceModel):
    """A person by BSN, or an office by KvK number or OIN (exactly one of the three)."""

    burgerservicenummer: str | None = Field(None, pattern=r"^[0-9]{9}$")
    kvk_nummer: str | None = Field(None, pattern=r"^[0-9]{8}$")
    oin: str | None = Field(None, pattern=r"^[0-9]{20}$")


class Inschrijving(SourceModel):
    registratienummer: str
    soort: Literal["bewind", "curatele", "mentorschap"]
    betrokkene: Betrokkene
    vertegenwoordigers: list[Vertegenwoordiger] = Field(min_length=1)
    ingangsdatum: date
    einddatum: date | None = None


class CcbrClient(SourceClient):
    """POST {ccbr_url}/registraties with the number in the body."""

    def inschrijving(self, registratienummer: str) -> Inschrijving:
        return self.post("/registraties", {"registratienummer": registratienummer}, Inschrijving)


class Curateleregister:
    """The `Vertegenwoordigingsregister` port over the register's HTTP API."""

    def __init__(self, client: CcbrClient) -> None:
        self.client = client

    @classmethod
    def from_settings(cls, settings: RegisterSettings) -> Self:
        return cls(CcbrClient(str(settings.ccbr_url), _http(settings.ccbr_timeout_seconden)))

    def registratie(self, registratienummer: str) -> Registratie | None:
        try:
            gelezen = self.client.inschrijving(registratienummer)
        except SourceError as error:
            if error.reden is Reden.persoon_onbekend:  # 404: no such entry
                return None
            raise NietBeschikbaar(
                "Het Centraal Curatele- en Bewindregister antwoordt nu niet"
                f" ({error.reden.value}); probeer het later opnieuw."
            ) from error
        if gelezen.registratienummer != registratienummer:
            raise NietBeschikbaar("Het register antwoordde met een andere inschrijving.")
        return Registratie(
            registratienummer=gelezen.registratienummer,
            soort=Vertegenwoordiging(gelezen.soort),
            betrokkene_bsn=gelezen.betrokkene.burgerservicenummer,
            vertegenwoordigers_bsn=tuple(
                v.burgerservicenummer for v in gelezen.vertegenwoordigers if v.burgerservicenummer
            ),
            vertegenwoordigers_organisatie=tuple(
                f"kvk:{v.kvk_nummer}" if v.kvk_nummer else f"oin:{v.oin}"
                for v in gelezen.vertegenwoordigers
                if v.kvk_nummer or v.oin
            ),
            ingangsdatum=gelezen.ingangsdatum,
            einddatum=gelezen.einddatum,
        )


@cache
def _http(timeout: float) -> httpx.Client:
    """One connection pool per process and timeout."""
    return httpx.Client(
        timeout=timeout, headers={"Accept": "application/json"}, follow_redirects=False
    )
