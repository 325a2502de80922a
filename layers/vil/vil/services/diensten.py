"""What each use case needs, as ports: one small frozen dataclass per group of use cases.

`vil.samenstelling` builds one per function, once per process, from that function's settings. A
use case asks for the narrowest group that has what it uses, so a function whose composition
lacks a port cannot call it: that is a type error (mypy), not a failure at run time. The groups
extend one another where one use case builds on another (a beoordeling on a prefill, the monthly
check on a beoordeling).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

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
    Inlogdienst,
    Maandchecks,
    Machtigingen,
    Planner,
    Profielen,
    Regelcatalogi,
    Regelingversies,
    Sessies,
    Sleutels,
    Toestemmingen,
    Versleuteling,
    Vertegenwoordigingsregister,
    Wachtrij,
    Webhooks,
)
from vil.rules import Catalogus
from vil.services.identiteit import Tokencontrole


class _MetRegels:
    """A group with the catalogue: `catalogus` is the one in force now (the rule files plus
    the published versions, at most a minute old), asked of the port at each use."""

    regels: Regelcatalogi

    @property
    def catalogus(self) -> Catalogus:
        return self.regels.actueel()


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
    register: Vertegenwoordigingsregister  # ... and who does so by law (bewind, curatele)
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
class Beoordelingdiensten(Prefilldiensten, _MetRegels):
    """Beoordelingen: a prefill evaluated with the rules."""

    regels: Regelcatalogi


@dataclass(frozen=True, kw_only=True)
class Aanvraagdiensten(Basisdiensten, _MetRegels):
    """Submission and decision: the rules, the events they publish, and submission once per key."""

    regels: Regelcatalogi
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
class Beheerdiensten(_MetRegels):
    """The beheermodule: versions of a gemeente's parameters, checked with the rules, audited,
    and published with their event."""

    regelingversies: Regelingversies
    impactrapporten: Impactrapporten  # the approval names a finished report
    audit: Auditlog
    regels: Regelcatalogi
    uitgever: Uitgever
    nu: Callable[[], datetime] = klok.nu

    def vandaag(self) -> date:
        return self.nu().astimezone(klok.AMSTERDAM).date()


@dataclass(frozen=True, kw_only=True)
class Impactstartdiensten(Beheerdiensten):
    """The beheer routes: also the queue that continues a large impact run in the worker."""

    impactwachtrij: Wachtrij


def _echte_tijd() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Inlogclient:
    """The loket's second OIDC client, at the eHerkenning broker: where the browser goes, who
    exchanges the code (with the client secret), which scopes it asks. Its id tokens come from
    the eHerkenning issuer the token check already trusts."""

    authorize_url: str
    client_id: str
    inlogdienst: Inlogdienst
    scope: str = "openid"


@dataclass(frozen=True, kw_only=True)
class Sessiediensten:
    """The loket's login (OIDC code flow with PKCE) and sessions."""

    sessies: Sessies
    inlogdienst: Inlogdienst
    tokens: Tokencontrole  # the authorizer's check of an access token, in-process
    authorize_url: str
    client_id: str
    redirect_uri: str
    basis: str = ""  # the path before /loket/ in the browser's URL (the API's stage on AWS)
    # Sessions keep real time, not the domain clock (docs/loket.md).
    tijd: Callable[[], datetime] = _echte_tijd
    # eHerkenning (hulpverleners, a gemeente's beheerders); None: everyone logs in through DigiD.
    eherkenning: Inlogclient | None = None
    # The organisations that are a gemeente ('oin:…' to gemeentecode), and the role that makes
    # their employee a beheerder when logging in with eHerkenning.
    gemeenten: Mapping[str, str] = field(default_factory=dict)
    beheerrol: str = "beheerder"


@dataclass(frozen=True, kw_only=True)
class Loketdiensten(
    Maandcheckdiensten, Toestemmingdiensten, Aanvraagdiensten, Impactstartdiensten, Sessiediensten
):
    """The loket's pages: every use case a resident, hulpverlener or beheerder has, plus the
    sessions.
    The same services as the API's routes, over the same ports; nothing of its own."""

    thema: str = "voorbeeld"  # the pages' theme (vil.loket.themas): a deployment setting
