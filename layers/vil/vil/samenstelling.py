"""Composition: the adapters behind each port, built once per process from the settings."""

from functools import cache
from typing import TYPE_CHECKING

from vil import klok
from vil.adapters.dynamodb import Auditlog, Opslag, table
from vil.adapters.sleutels import KmsSleutels, Webhookgeheimen
from vil.models.gebeurtenis import Uitgever
from vil.ports import Bronnen, Planner
from vil.services.catalogus import catalogus
from vil.services.diensten import Diensten
from vil.settings import (
    AuthorizerSettings,
    PlannerSettings,
    SourcesSettings,
    TableSettings,
    UitgeverSettings,
    WebhookSettings,
)

if TYPE_CHECKING:
    from vil.services.afleveren import Webhookdiensten
    from vil.services.identiteit import Tokencontrole


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
        nu=klok.nu,
    )


# Imported only by the functions that use them (docs/standards.md 5e: a smaller cold start for the
# others): httpx and stamina for the sources, the Scheduler client for the monthly check.


def _bronnen() -> Bronnen:
    from vil.adapters.bronnen.overheid import Overheidsbronnen

    return Overheidsbronnen.from_settings(SourcesSettings.from_environ(), klok.nu)


def _planner() -> Planner:
    from vil.adapters.planner import Planner as EventBridgePlanner

    settings = PlannerSettings.from_environ()
    return EventBridgePlanner(
        queue_arn=settings.maandcheck_wachtrij,
        rol_arn=settings.maandcheck_rol,
        groep=settings.maandcheck_groep,
    )


def _uitgever() -> Uitgever:
    settings = UitgeverSettings.from_environ()
    return Uitgever(oin=settings.oin, api_url=str(settings.api_url))


@cache
def webhookdiensten() -> "Webhookdiensten":
    """Subscriptions, their secrets, the webhook queue: what the three webhook functions use."""
    from vil.adapters.abonnementen import Abonnementen
    from vil.adapters.wachtrij import Wachtrij
    from vil.adapters.webhooks import StandardWebhooks
    from vil.services.afleveren import Webhookdiensten

    settings = WebhookSettings.from_environ()
    return Webhookdiensten(
        abonnementen=Abonnementen(table(settings.tabel)),
        geheimen=Webhookgeheimen(settings.gegevens_sleutel),
        wachtrij=Wachtrij(settings.webhook_wachtrij),
        webhooks=StandardWebhooks(lokaal=settings.webhooks_lokaal),
        nu=klok.nu,
    )


@cache
def tokencontrole() -> "Tokencontrole":
    """The authorizer's token check, built on the first request and kept while warm, with its
    JWKS cache and KMS client."""
    from vil.services.identiteit import Tokencontrole, Uitgever, jwks

    settings = AuthorizerSettings.from_environ()
    return Tokencontrole(
        burger=Uitgever(settings.oidc_issuer, settings.oidc_audience, jwks(settings.oidc_jwks_url)),
        m2m=Uitgever(settings.m2m_issuer, settings.m2m_audience, jwks(settings.m2m_jwks_url)),
        sleutels=KmsSleutels.from_settings(settings),
        bsn_claim=settings.bsn_claim,
    )
