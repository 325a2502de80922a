"""The government sources as httpx clients: BRP, Belastingdienst, UWV and SVB."""

from dataclasses import dataclass
from functools import cache

import httpx

from vil.adapters.bronnen.belastingdienst import BelastingdienstClient
from vil.adapters.bronnen.brp import BrpClient
from vil.adapters.bronnen.client import Reden, SourceError
from vil.adapters.bronnen.svb import SvbClient
from vil.adapters.bronnen.uwv import UwvClient
from vil.settings import SourcesSettings

__all__ = ["Reden", "SourceClients", "SourceError", "source_clients"]


@dataclass(frozen=True)
class SourceClients:
    brp: BrpClient
    belastingdienst: BelastingdienstClient
    uwv: UwvClient
    svb: SvbClient


@cache
def source_clients(settings: SourcesSettings) -> SourceClients:
    """The four clients over one connection pool, made once per process and settings."""
    http = httpx.Client(
        timeout=settings.bron_timeout_seconden,
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    return SourceClients(
        brp=BrpClient(str(settings.brp_url), http),
        belastingdienst=BelastingdienstClient(str(settings.belastingdienst_url), http),
        uwv=UwvClient(str(settings.uwv_url), http),
        svb=SvbClient(str(settings.svb_url), http),
    )
