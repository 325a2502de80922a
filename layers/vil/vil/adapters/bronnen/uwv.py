"""The UWV (our own contract, docs/sources.md): the household's net income per month."""

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import Field

from vil.adapters.bronnen.client import SourceClient, SourceModel
from vil.models.base import Bedrag

Maand = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Maandinkomen(SourceModel):
    maand: Maand
    netto_inkomen: Bedrag


class NettoInkomens(SourceModel):
    """The persons' net income together: now, and per month of the asked period."""

    netto_inkomen_per_maand: Bedrag
    maanden: list[Maandinkomen]


class UwvClient(SourceClient):
    """POST {uwv_url}/netto-inkomens."""

    def netto_inkomens(self, bsns: Sequence[str], vanaf: date, tot_en_met: date) -> NettoInkomens:
        """Net income of `bsns` together, for the months `vanaf` through `tot_en_met`."""
        return self.post(
            "/netto-inkomens",
            {
                "burgerservicenummers": list(bsns),
                "vanaf": vanaf.strftime("%Y-%m"),
                "totEnMet": tot_en_met.strftime("%Y-%m"),
            },
            NettoInkomens,
        )
