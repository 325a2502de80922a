"""Composition: the adapters behind each port, built once per process from the settings."""

from collections.abc import Callable
from datetime import datetime
from functools import cache

from vil.adapters.dynamodb import Auditlog, Opslag, table
from vil.adapters.sleutels import KmsSleutels
from vil.models.gebeurtenis import Uitgever
from vil.ports import Bronnen, Planner
from vil.services.catalogus import catalogus
from vil.services.diensten import Diensten, utc_now
from vil.settings import (
    GebeurtenissenSettings,
    PlannerSettings,
    SourcesSettings,
    TableSettings,
)

# The domain clock: real time in Lambda; the local stack moves it (`vil local advance`).
klok: Callable[[], datetime] = utc_now


@cache
def diensten(bronnen: bool = False, planner: bool = False, uitgever: bool = False) -> Diensten:
    """The ports for a function; with `bronnen` the government sources, with `planner` the
    monthly-check schedules, with `uitgever` the publisher of events about aanvragen."""
    tabellen = TableSettings.from_environ()
    return Diensten(
        opslag=Opslag(table(tabellen.tabel)),
        audit=Auditlog(table(tabellen.audit_tabel)),
        sleutels=KmsSleutels.from_settings(tabellen),
        catalogus=catalogus(),
        bronnen=_bronnen() if bronnen else None,
        planner=_planner() if planner else None,
        uitgever=_uitgever() if uitgever else None,
        nu=lambda: klok(),
    )


# Imported only by the functions that use them (STANDARDS.md 5e: a smaller cold start for the
# others): httpx and stamina for the sources, the Scheduler client for the monthly check.


def _bronnen() -> Bronnen:
    from vil.services.prefill import Overheidsbronnen

    return Overheidsbronnen.from_settings(SourcesSettings.from_environ())


def _planner() -> Planner:
    from vil.adapters.planner import Planner as EventBridgePlanner

    settings = PlannerSettings.from_environ()
    return EventBridgePlanner(
        queue_arn=settings.maandcheck_wachtrij,
        rol_arn=settings.maandcheck_rol,
        groep=settings.maandcheck_groep,
    )


def _uitgever() -> Uitgever:
    settings = GebeurtenissenSettings.from_environ()
    return Uitgever(oin=settings.oin, api_url=str(settings.api_url))
