"""Composition: one typed set of ports per function, built once per process from that function's
settings model (the one place that knows which adapter implements which port).

Each function calls its own factory below on its first invocation: the settings are validated
then, once per cold start, and the dataclass it returns (vil.services.diensten) has exactly the
ports its use cases need. Adapters that only some functions use are imported inside the factory
that needs them (docs/standards.md 5e: a smaller cold start for the others).
"""

from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TypedDict

from pydantic import HttpUrl

from vil import klok
from vil.adapters.dynamodb import (
    Aanvragen,
    Auditlog,
    Beoordelingen,
    Brongegevens,
    Impactrapporten,
    Maandchecks,
    Machtigingen,
    Profielen,
    Regelingversies,
    Sessies,
    Toestemmingen,
    table,
)
from vil.adapters.sleutels import KmsSleutels, Webhookgeheimen
from vil.models.gebeurtenis import Uitgever
from vil.ports import Bronnen, Idempotentie, Planner, Regelcatalogi, Vertegenwoordigingsregister
from vil.rules import Catalogus
from vil.services.diensten import (
    Aanvraagdiensten,
    Basisdiensten,
    Beoordelingdiensten,
    Impactstartdiensten,
    Inlogclient,
    Loketdiensten,
    Maandcheckdiensten,
    Meldingdiensten,
    Prefilldiensten,
    Toestemmingdiensten,
    Webhookdiensten,
)
from vil.services.identiteit import (
    Machtigen,
    Organisatieclaims,
    Tokencontrole,
    Tokenuitgever,
    jwks,
)
from vil.settings import (
    AanvragenSettings,
    AbonnementenSettings,
    AfleverenSettings,
    AuthorizerSettings,
    BasisSettings,
    BeheerSettings,
    BeoordelingenSettings,
    CatalogusSettings,
    GebeurtenissenSettings,
    GegevensSettings,
    IdempotentieSettings,
    ImpactSettings,
    InzageSettings,
    LoketSettings,
    MaandcheckSettings,
    MachtigingenSettings,
    MeldingenSettings,
    PlannerSettings,
    SourcesSettings,
    ToestemmingenSettings,
    UitgeverSettings,
    WebhookSettings,
)

# One factory per function (functions/<naam>/app.py).


@cache
def catalogus() -> Regelcatalogi:
    """The catalogue function: the rule set with the published versions (the version pointer
    read at most once a minute, as every function reads it)."""
    settings = CatalogusSettings.from_environ()
    return _regels(settings.tabel, settings.vil_rules_dir)


@cache
def inzage() -> Basisdiensten:
    return Basisdiensten(**_basis(InzageSettings.from_environ()))


@cache
def machtigingen() -> Basisdiensten:
    return Basisdiensten(**_basis(MachtigingenSettings.from_environ()))


@cache
def toestemmingen() -> Toestemmingdiensten:
    settings = ToestemmingenSettings.from_environ()
    return Toestemmingdiensten(**_basis(settings), planner=_planner(settings))


@cache
def gegevens() -> Prefilldiensten:
    settings = GegevensSettings.from_environ()
    return Prefilldiensten(**_basis(settings), bronnen=_bronnen(settings))


@cache
def beoordelingen() -> Beoordelingdiensten:
    settings = BeoordelingenSettings.from_environ()
    return Beoordelingdiensten(
        **_basis(settings),
        bronnen=_bronnen(settings),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
    )


@cache
def aanvragen() -> Aanvraagdiensten:
    settings = AanvragenSettings.from_environ()
    return Aanvraagdiensten(
        **_basis(settings),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
        uitgever=_uitgever(settings),
        idempotentie=_idempotentie(settings),
    )


@cache
def meldingen() -> Meldingdiensten:
    settings = MeldingenSettings.from_environ()
    return Meldingdiensten(
        **_basis(settings),
        bronnen=_bronnen(settings),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
        uitgever=_uitgever(settings),
    )


@cache
def maandcheck() -> Maandcheckdiensten:
    settings = MaandcheckSettings.from_environ()
    return Maandcheckdiensten(
        **_basis(settings),
        bronnen=_bronnen(settings),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
        uitgever=_uitgever(settings),
        planner=_planner(settings),
        idempotentie=_idempotentie(settings),
    )


@cache
def abonnementen() -> Webhookdiensten:
    return _webhookdiensten(AbonnementenSettings.from_environ())


@cache
def gebeurtenissen() -> Webhookdiensten:
    return _webhookdiensten(GebeurtenissenSettings.from_environ())


@cache
def afleveren() -> Webhookdiensten:
    return _webhookdiensten(AfleverenSettings.from_environ())


@cache
def tokencontrole() -> Tokencontrole:
    """The authorizer's token check, with its JWKS cache and KMS client."""
    return _tokencontrole(AuthorizerSettings.from_environ())


@cache
def loket() -> Loketdiensten:
    """The loket's pages: every resident use case's ports, the sessions and the login."""
    from vil.adapters.oidc import Tokenendpoint  # httpx
    from vil.adapters.wachtrij import Wachtrij

    settings = LoketSettings.from_environ()
    basis = str(settings.loket_url).rstrip("/")
    return Loketdiensten(
        **_basis(settings),
        bronnen=_bronnen(settings),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
        uitgever=_uitgever(settings),
        planner=_planner(settings),
        idempotentie=_idempotentie(settings),
        regelingversies=Regelingversies(table(settings.tabel)),
        impactrapporten=Impactrapporten(table(settings.tabel)),
        impactwachtrij=Wachtrij(settings.impact_wachtrij),
        sessies=Sessies(table(settings.tabel)),
        inlogdienst=Tokenendpoint(str(settings.loket_token_url), settings.loket_client_id),
        tokens=_tokencontrole(settings),
        authorize_url=str(settings.loket_authorize_url),
        client_id=settings.loket_client_id,
        redirect_uri=f"{basis}/loket/inloggen/terug",
        basis=(settings.loket_url.path or "").rstrip("/"),
        eherkenning=_eherkenning_client(settings),
        gemeenten=settings.gemeenten,
        beheerrol=settings.eherkenning_beheerrol,
        thema=settings.loket_thema,
    )


def _eherkenning_client(settings: LoketSettings) -> Inlogclient | None:
    """The loket's client at the eHerkenning broker, a confidential client whose secret is read
    from Secrets Manager; None when the deployment has none."""
    from vil.adapters.geheimen import Geheim  # boto3
    from vil.adapters.oidc import Tokenendpoint  # httpx

    if not settings.eherkenning_client_id:
        return None
    return Inlogclient(
        authorize_url=settings.eherkenning_authorize_url,
        client_id=settings.eherkenning_client_id,
        inlogdienst=Tokenendpoint(
            settings.eherkenning_token_url,
            settings.eherkenning_client_id,
            geheim=Geheim(settings.eherkenning_client_geheim),
        ),
        scope=settings.eherkenning_scopes,
    )


@cache
def beheer() -> Impactstartdiensten:
    """The beheermodule: the versions' and reports' stores, the audit log, the rules, the
    events, and the queue that continues a large impact run."""
    return _impactdiensten(BeheerSettings.from_environ())


@cache
def impact() -> Impactstartdiensten:
    """The impact worker: what the beheer routes have; its queue, for the groups of a large
    run."""
    return _impactdiensten(ImpactSettings.from_environ())


def _impactdiensten(settings: ImpactSettings) -> Impactstartdiensten:
    from vil.adapters.wachtrij import Wachtrij

    return Impactstartdiensten(
        regelingversies=Regelingversies(table(settings.tabel)),
        impactrapporten=Impactrapporten(table(settings.tabel)),
        audit=Auditlog(table(settings.audit_tabel)),
        regels=_regels(settings.tabel, settings.vil_rules_dir),
        uitgever=_uitgever(settings),
        impactwachtrij=Wachtrij(settings.impact_wachtrij),
    )


# Every cached factory: the local stack forgets them when it starts a new environment.
FABRIEKEN = (
    catalogus,
    inzage,
    machtigingen,
    toestemmingen,
    gegevens,
    beoordelingen,
    aanvragen,
    meldingen,
    maandcheck,
    abonnementen,
    gebeurtenissen,
    afleveren,
    tokencontrole,
    beheer,
    impact,
    loket,
)


# The adapters behind each port.


class _Basis(TypedDict):
    """The keyword arguments of `Basisdiensten`, which every stateful composition extends."""

    toestemmingen: Toestemmingen
    profielen: Profielen
    brongegevens: Brongegevens
    beoordelingen: Beoordelingen
    maandchecks: Maandchecks
    aanvragen: Aanvragen
    machtigingen: Machtigingen
    register: Vertegenwoordigingsregister
    audit: Auditlog
    sleutels: KmsSleutels
    nu: Callable[[], datetime]


def _basis(settings: BasisSettings) -> _Basis:
    tabel = table(settings.tabel)
    return {
        "toestemmingen": Toestemmingen(tabel),
        "profielen": Profielen(tabel),
        "brongegevens": Brongegevens(tabel),
        "beoordelingen": Beoordelingen(tabel),
        "maandchecks": Maandchecks(tabel),
        "aanvragen": Aanvragen(tabel),
        "machtigingen": Machtigingen(tabel),
        "register": _register(settings),
        "audit": Auditlog(table(settings.audit_tabel)),
        "sleutels": KmsSleutels.from_settings(settings),
        "nu": klok.nu,
    }


@cache  # by directory: the compositions of one process share one rule set
def _catalogus(rules_dir: Path) -> Catalogus:
    """The rule set, read and compiled once per (warm) Lambda environment."""
    return Catalogus.from_directory(rules_dir)


@cache  # one per process: the functions the local stack runs in one process share it
def _regels(tabel: str, rules_dir: Path) -> Regelcatalogi:
    """The rule files plus the published versions of the table, refreshed within a minute."""
    from vil.adapters.regelcatalogi import Regelcatalogi as Catalogi

    return Catalogi(Regelingversies(table(tabel)), _catalogus(rules_dir), klok.nu)


def _bronnen(settings: SourcesSettings) -> Bronnen:
    from vil.adapters.bronnen.overheid import Overheidsbronnen  # httpx and stamina

    return Overheidsbronnen.from_settings(settings, klok.nu)


def _register(settings: BasisSettings) -> Vertegenwoordigingsregister:
    from vil.adapters.bronnen.ccbr import Curateleregister  # httpx

    return Curateleregister.from_settings(settings)


def _planner(settings: PlannerSettings) -> Planner:
    from vil.adapters.planner import EventBridgePlanner  # the Scheduler client

    return EventBridgePlanner(
        queue_arn=settings.maandcheck_wachtrij,
        rol_arn=settings.maandcheck_rol,
        groep=settings.maandcheck_groep,
    )


def _uitgever(settings: UitgeverSettings) -> Uitgever:
    return Uitgever(oin=settings.oin, api_url=str(settings.api_url))


def _idempotentie(settings: IdempotentieSettings) -> Idempotentie:
    from vil.adapters.idempotentie import Idempotentie as PowertoolsIdempotentie

    return PowertoolsIdempotentie(settings.idempotentie_tabel)


def _tokencontrole(settings: AuthorizerSettings) -> Tokencontrole:
    """Tokens of the issuers in the settings: citizens (with DigiD Machtigen when configured),
    gemeenten, and organisations when configured."""
    organisatie = None
    if settings.eherkenning_issuer and settings.eherkenning_jwks_url:
        organisatie = Tokenuitgever(
            settings.eherkenning_issuer,
            settings.eherkenning_audience,
            jwks(HttpUrl(settings.eherkenning_jwks_url)),
        )
    machtigen = None
    if settings.machtigen_dienst:
        machtigen = Machtigen(
            dienst=settings.machtigen_dienst,
            dienst_claim=settings.machtigen_dienst_claim,
            claim=settings.machtigen_claim,
            houdt=settings.machtigen_houdt,
        )
    return Tokencontrole(
        burger=Tokenuitgever(
            settings.oidc_issuer, settings.oidc_audience, jwks(settings.oidc_jwks_url)
        ),
        m2m=Tokenuitgever(settings.m2m_issuer, settings.m2m_audience, jwks(settings.m2m_jwks_url)),
        sleutels=KmsSleutels.from_settings(settings),
        bsn_claim=settings.bsn_claim,
        organisatie=organisatie,
        machtigen=machtigen,
        organisatieclaims=Organisatieclaims(
            kvk=settings.eherkenning_kvk_claim,
            oin=settings.eherkenning_oin_claim,
            medewerker=settings.eherkenning_medewerker_claim,
            rol=settings.eherkenning_rol_claim,
        ),
    )


def _webhookdiensten(settings: WebhookSettings) -> Webhookdiensten:
    """Subscriptions, their secrets, the webhook queue: what the three webhook functions use."""
    from vil.adapters.abonnementen import Abonnementen
    from vil.adapters.wachtrij import Wachtrij
    from vil.adapters.webhooks import StandardWebhooks

    return Webhookdiensten(
        abonnementen=Abonnementen(table(settings.tabel)),
        geheimen=Webhookgeheimen(settings.gegevens_sleutel),
        wachtrij=Wachtrij(settings.webhook_wachtrij),
        webhooks=StandardWebhooks(lokaal=settings.webhooks_lokaal),
        nu=klok.nu,
    )


# Cached beside the factories and shared by the functions of one process (the catalogue with
# the published versions, per table): the local stack forgets these too.
GEDEELD = (_regels,)
