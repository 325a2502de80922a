"""Composition: the adapters behind each port, built once per process from the settings."""

from functools import cache

from vil.adapters.dynamodb import Auditlog, Opslag, table
from vil.adapters.sleutels import KmsSleutels
from vil.services.catalogus import catalogus
from vil.services.diensten import Diensten
from vil.services.prefill import Overheidsbronnen
from vil.settings import SourcesSettings, TableSettings


@cache
def diensten(bronnen: bool = False) -> Diensten:
    """The ports for a function; with `bronnen`, the government sources too."""
    tabellen = TableSettings.from_environ()
    return Diensten(
        opslag=Opslag(table(tabellen.tabel)),
        audit=Auditlog(table(tabellen.audit_tabel)),
        sleutels=KmsSleutels.from_settings(tabellen),
        catalogus=catalogus(),
        bronnen=Overheidsbronnen.from_settings(SourcesSettings.from_environ()) if bronnen else None,
    )
