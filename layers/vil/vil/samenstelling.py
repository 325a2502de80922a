"""Composition: the adapters behind each port, built once per process from the settings."""

from functools import cache

from vil.adapters.dynamodb import Auditlog, Opslag, table
from vil.adapters.planner import Planner
from vil.adapters.sleutels import KmsSleutels
from vil.services.catalogus import catalogus
from vil.services.diensten import Diensten
from vil.services.prefill import Overheidsbronnen
from vil.settings import SourcesSettings, TableSettings, ToestemmingenSettings


@cache
def diensten(bronnen: bool = False, planner: bool = False) -> Diensten:
    """The ports for a function; with `bronnen` the government sources, with `planner` the
    monthly-check schedules too."""
    tabellen = TableSettings.from_environ()
    return Diensten(
        opslag=Opslag(table(tabellen.tabel)),
        audit=Auditlog(table(tabellen.audit_tabel)),
        sleutels=KmsSleutels.from_settings(tabellen),
        catalogus=catalogus(),
        bronnen=Overheidsbronnen.from_settings(SourcesSettings.from_environ()) if bronnen else None,
        planner=_planner() if planner else None,
    )


def _planner() -> Planner:
    settings = ToestemmingenSettings.from_environ()
    return Planner(
        queue_arn=settings.maandcheck_wachtrij,
        rol_arn=settings.maandcheck_rol,
        groep=settings.maandcheck_groep,
    )
