"""What each use case needs, as ports: one small frozen dataclass per group of use cases.

`vil.samenstelling` builds one per function, once per process, from that function's settings. A
use case asks for the narrowest group that has what it uses, so a function whose composition
lacks a port cannot call it: that is a type error (mypy), not a failure at run time. The groups
extend one another where one use case builds on another (a beoordeling on a prefill, the monthly
check on a beoordeling).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from vil import klok
from vil.models.gebeurtenis import Uitgever
from vil.ports import (
    Aanvragen,
    Abonnementen,
    Auditlog,
    Beoordelingen,
    Brongegevens,
    Bronnen,
    Idempotentie,
    Impactrapporten,
    Maandchecks,
    Machtigingen,
    Planner,
    Profielen,
    Regelingversies,
    Sleutels,
    Toestemmingen,
    Versleuteling,
    Wachtrij,
    Webhooks,
)
from vil.rules import Catalogus


@dataclass(frozen=True, kw_only=True)
class Basisdiensten:
    """Every stateful use case: the stores of the main table, the audit log, KMS and the domain
    clock.

    Enough for inzage, the meldingen list and the consent overview.
    """

    toestemmingen: Toestemmingen
    profielen: Profielen
    brongegevens: Brongegevens
    beoordelingen: Beoordelingen
    maandchecks: Maandchecks
    aanvragen: Aanvragen
    machtigingen: Machtigingen  # every resident route: who may act for whom
    audit: Auditlog
    sleutels: Sleutels
    nu: Callable[[], datetime] = klok.nu  # the domain clock (vil.klok)

    def vandaag(self) -> date:
        """Today in the Netherlands: the default peildatum."""
        return self.nu().astimezone(klok.AMSTERDAM).date()


@dataclass(frozen=True, kw_only=True)
class Toestemmingdiensten(Basisdiensten):
    """Consent: one monthly-check schedule exactly while a source is consented for it."""

    planner: Planner


@dataclass(frozen=True, kw_only=True)
class Prefilldiensten(Basisdiensten):
    """The prefill (GET /v1/gegevens): the government sources."""

    bronnen: Bronnen


@dataclass(frozen=True, kw_only=True)
class Beoordelingdiensten(Prefilldiensten):
    """Beoordelingen: a prefill evaluated with the rules."""

    catalogus: Catalogus


@dataclass(frozen=True, kw_only=True)
class Aanvraagdiensten(Basisdiensten):
    """Submission and decision: the rules, the events they publish, and submission once per key."""

    catalogus: Catalogus
    uitgever: Uitgever
    idempotentie: Idempotentie


@dataclass(frozen=True, kw_only=True)
class Meldingdiensten(Beoordelingdiensten):
    """The monthly check on demand: a beoordeling, and the events of what it revised."""

    uitgever: Uitgever


@dataclass(frozen=True, kw_only=True)
class Maandcheckdiensten(Meldingdiensten):
    """The scheduled monthly check: once per resident and month, and its schedule removed when
    consent is gone."""

    planner: Planner
    idempotentie: Idempotentie


@dataclass(frozen=True, kw_only=True)
class Webhookdiensten:
    """Subscriptions and deliveries: the three webhook functions."""

    abonnementen: Abonnementen
    geheimen: Versleuteling  # the subscriptions' secrets, under their own purpose
    wachtrij: Wachtrij
    webhooks: Webhooks
    nu: Callable[[], datetime] = klok.nu


@dataclass(frozen=True, kw_only=True)
class Beheerdiensten:
    """The beheermodule: versions of a gemeente's parameters, checked with the rules, audited."""

    regelingversies: Regelingversies
    impactrapporten: Impactrapporten  # the approval names a finished report
    audit: Auditlog
    catalogus: Catalogus
    nu: Callable[[], datetime] = klok.nu

    def vandaag(self) -> date:
        return self.nu().astimezone(klok.AMSTERDAM).date()


@dataclass(frozen=True, kw_only=True)
class Impactstartdiensten(Beheerdiensten):
    """The beheer routes: also the queue that continues a large impact run in the worker."""

    impactwachtrij: Wachtrij
