"""Settings as models (pydantic-settings): the only place that reads the environment.

Each function has one settings model; its fields are the environment variables the template
gives that function (upper case), and a test checks the two agree. `vil.samenstelling` reads a
function's model once, when the function's composition is built on its first invocation, so a
missing or malformed variable fails that cold start, not a later request.
"""

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, HttpUrl, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vil.loket.themas import Themanaam

# 'oin:<20 digits>=<gemeentecode>' or 'kvk:<8 digits>=<gemeentecode>', comma separated, or empty.
_ORGANISATIE = r"(oin:[0-9]{20}|kvk:[0-9]{8})=[0-9]{4}"
GEMEENTEN = rf"^({_ORGANISATIE}(,{_ORGANISATIE})*)?$"

# In a checkout the rules sit next to the layer; in Lambda the rules layer mounts at /opt/rules.
_CHECKOUT_RULES = Path(__file__).resolve().parents[3] / "rules"
_LAYER_RULES = Path("/opt/rules")


class Settings(BaseSettings):
    """Base: fields are read from environment variables of the same name in upper case."""

    # defer_build: a function builds the validator of its own model only, when it reads it,
    # not all of them at import (about 7 ms of each cold start).
    model_config = SettingsConfigDict(
        alias_generator=str.upper,
        populate_by_name=True,
        frozen=True,
        case_sensitive=True,
        defer_build=True,
    )

    @classmethod
    def from_environ(cls) -> Self:
        """The model from the environment; a ValidationError names every variable that is
        missing or malformed."""
        return cls()


class RulesSettings(Settings):
    """Where the rules engine finds the regelingen."""

    vil_rules_dir: Path = Field(
        default_factory=lambda: _CHECKOUT_RULES if _CHECKOUT_RULES.is_dir() else _LAYER_RULES
    )


class TableSettings(Settings):
    """The DynamoDB tables and KMS keys every stateful function uses."""

    tabel: str = Field(description="The main table: consent, beoordelingen, aanvragen, ...")
    audit_tabel: str = Field(description="The append-only audit table (put only).")
    pseudoniem_sleutel: str = Field(description="KMS HMAC key for BSN pseudonyms.")
    pseudoniem_sleutel_versie: str = Field("1", description="Version written into pseudonyms.")
    gegevens_sleutel: str = Field(description="KMS key that encrypts BSNs and cached data.")


class SourcesSettings(Settings):
    """The government sources the prefill calls."""

    brp_url: HttpUrl
    belastingdienst_url: HttpUrl
    uwv_url: HttpUrl
    svb_url: HttpUrl
    bron_timeout_seconden: float = Field(3.0, gt=0, le=25)


class RegisterSettings(Settings):
    """The Centraal Curatele- en Bewindregister: read on every request of a wettelijk
    vertegenwoordiger (docs/machtigingen.md)."""

    ccbr_url: HttpUrl = Field(description="Base URL of the register (POST {url}/registraties).")
    ccbr_timeout_seconden: float = Field(3.0, gt=0, le=25)


class BasisSettings(TableSettings, RegisterSettings):
    """Every function that serves a resident's routes (vil.services.diensten.Basisdiensten):
    the tables and keys, and the register a wettelijk vertegenwoordiger acts under."""


class UitgeverSettings(Settings):
    """Who publishes the events about aanvragen, and where gemeenten read the aanvragen."""

    oin: str = Field(pattern=r"^[0-9]{20}$", description="VIL's OIN: the events' source.")
    api_url: HttpUrl = Field(description="The public base URL of the API (without /v1).")


class CatalogusSettings(RulesSettings):
    """The catalogue reads the rules and the published versions (the version pointer and the
    versions it names, in the main table)."""

    tabel: str = Field(description="The main table: the version pointer and the versions.")


class BeoordelingenSettings(RulesSettings, BasisSettings, SourcesSettings):
    """A proefberekening needs the rules; a resident's beoordeling the sources and tables too."""


class PlannerSettings(Settings):
    """The monthly-check schedules: their group, and the queue they send to."""

    maandcheck_wachtrij: str = Field(description="ARN of the queue the schedules send to.")
    maandcheck_rol: str = Field(description="ARN of the role EventBridge Scheduler assumes.")
    maandcheck_groep: str = Field(description="The schedule group of the monthly checks.")


class IdempotentieSettings(Settings):
    idempotentie_tabel: str = Field(description="The Powertools idempotency table.")


class ToestemmingenSettings(BasisSettings, PlannerSettings):
    """Consent for the monthly check keeps exactly one schedule per resident."""


class GegevensSettings(BasisSettings, SourcesSettings):
    """The prefill: the sources, the consent in the table, the audit log."""


class AanvragenSettings(RulesSettings, BasisSettings, UitgeverSettings, IdempotentieSettings):
    """Submission (idempotent) decides with the rules and publishes events; gemeenten decide."""


class InzageSettings(BasisSettings):
    """Inzage reads the tables only."""


class MachtigingenSettings(BasisSettings):
    """Machtigingen live in the main table; granting and revoking are audited."""


class MaandcheckSettings(
    RulesSettings,
    BasisSettings,
    SourcesSettings,
    UitgeverSettings,
    PlannerSettings,
    IdempotentieSettings,
):
    """The scheduled check: sources, rules, herzieningen, its own schedule when consent is gone,
    and idempotency per resident and month."""


class MeldingenSettings(RulesSettings, BasisSettings, SourcesSettings, UitgeverSettings):
    """The resident's meldingen, and the check on demand."""


class WebhookSettings(Settings):
    """The subscriptions and deliveries in the main table, their secrets under the data key, the
    webhook queue, and whether callbacks on loopback are allowed (the local stack only)."""

    tabel: str = Field(description="The main table: subscriptions, outbox, delivery log.")
    gegevens_sleutel: str = Field(description="KMS key that encrypts the secrets.")
    webhook_wachtrij: str = Field(description="URL of the queue of webhook deliveries.")
    webhooks_lokaal: bool = Field(
        False, description="Allow http://127.0.0.1 and localhost callbacks: never in AWS."
    )


class AbonnementenSettings(WebhookSettings):
    """A gemeente's subscriptions, and redelivery onto the queue."""


class GebeurtenissenSettings(WebhookSettings):
    """The outbox relay: from the table's stream onto the webhook queue."""


class AfleverenSettings(WebhookSettings):
    """One delivery attempt per message of the webhook queue."""


class AuthorizerSettings(Settings):
    """Who may call: DigiD-backed OIDC for citizens (also through DigiD Machtigen), client
    credentials for gemeenten, eHerkenning-style tokens for organisations' hulpverleners. An
    empty issuer or service id leaves that kind of token out (refused)."""

    oidc_issuer: str
    oidc_audience: str
    oidc_jwks_url: HttpUrl
    bsn_claim: str = "bsn"
    m2m_issuer: str
    m2m_audience: str
    m2m_jwks_url: HttpUrl
    eherkenning_issuer: str = ""
    eherkenning_audience: str = ""
    # HTTPS in AWS (the template's pattern); the local stack serves its JWKS over loopback.
    eherkenning_jwks_url: str = Field("", pattern=r"^(https?://.+)?$")
    # The claim names of the organisations' tokens: a broker's choice, not VIL's.
    eherkenning_kvk_claim: str = Field("kvk", min_length=1)
    eherkenning_oin_claim: str = Field("oin", min_length=1)
    eherkenning_medewerker_claim: str = Field("medewerker", min_length=1)
    eherkenning_rol_claim: str = Field("rol", min_length=1)
    machtigen_dienst: str = Field("", description="VIL's service id in DigiD Machtigen.")
    machtigen_dienst_claim: str = "service_id"
    machtigen_claim: str = Field("represents", description="Present only in machtigen tokens.")
    machtigen_houdt: Literal["vertegenwoordigde", "gemachtigde"] = "vertegenwoordigde"
    pseudoniem_sleutel: str
    pseudoniem_sleutel_versie: str = "1"
    gegevens_sleutel: str


class ImpactSettings(RulesSettings, UitgeverSettings):
    """The impact worker: the rules, the versions, populations and reports in the main table,
    the audit table, and its own queue (a large run fans out in groups); the events' issuer, as
    every composition of the beheermodule has it."""

    tabel: str = Field(description="The main table: the versions of a gemeente's parameters.")
    audit_tabel: str = Field(description="The append-only audit table (put only).")
    impact_wachtrij: str = Field(description="URL of the queue of the impact worker.")


class BeheerSettings(ImpactSettings):
    """The beheermodule: the rules to check a version with, its versions in the main table, the
    audit table for every act, the event of a published version, and the queue that continues a
    large impact run."""


class LoketSettings(MaandcheckSettings, AuthorizerSettings, ImpactSettings):
    """The loket's pages: every resident use case (so every port the monthly check has), the
    authorizer's token check for the tokens it receives at login, the beheer pages' (with the
    queue of a large impact run), and its OIDC client."""

    loket_url: HttpUrl = Field(
        description="Public base URL of the loket, the API's stage included (the redirect URI"
        " is <loket_url>/loket/inloggen/terug)."
    )
    loket_client_id: str = Field(description="The loket's client id at the identity provider.")
    loket_authorize_url: HttpUrl = Field(description="The provider's authorization endpoint.")
    loket_token_url: HttpUrl = Field(description="The provider's token endpoint.")
    # The loket's second OIDC client, at the eHerkenning broker: hulpverleners, and a gemeente's
    # employees as beheerders (docs/loket.md, "Logging in on AWS"). Its id and access tokens
    # come from the eHerkenning issuer (`eherkenning_issuer`, its JWKS). Without a client id,
    # everyone logs in through the DigiD client.
    eherkenning_client_id: str = ""
    eherkenning_client_geheim: str = Field(
        "",
        pattern=r"^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)?$",
        description="The ARN of the Secrets Manager secret that holds the client secret; the"
        " secret itself is read at run time and never in the environment.",
    )
    eherkenning_authorize_url: str = Field("", pattern=r"^(https?://.+)?$")
    eherkenning_token_url: str = Field("", pattern=r"^(https?://.+)?$")
    eherkenning_scopes: str = Field("openid", pattern=r"^openid( [!#-\[\]-~]+)*$")
    eherkenning_gemeenten: str = Field(
        "",
        pattern=GEMEENTEN,
        description="The organisations that are a gemeente, 'oin:<OIN>=<gemeentecode>' or"
        " 'kvk:<KvK-nummer>=<gemeentecode>', comma separated: their employees with the role"
        " `eherkenning_beheerrol` are that gemeente's beheerders.",
    )
    eherkenning_beheerrol: str = Field("beheerder", pattern=r"^[a-z][a-z0-9-]{0,39}$")

    @model_validator(mode="after")
    def _eherkenning_volledig(self) -> Self:
        """A client id needs the rest of the client, or the first login would fail."""
        if self.eherkenning_client_id and not (
            self.eherkenning_authorize_url
            and self.eherkenning_token_url
            and self.eherkenning_client_geheim
            and self.eherkenning_issuer
            and self.eherkenning_jwks_url
        ):
            raise ValueError(
                "EHERKENNING_CLIENT_ID vraagt ook EHERKENNING_AUTHORIZE_URL, _TOKEN_URL,"
                " _CLIENT_GEHEIM, _ISSUER en _JWKS_URL."
            )
        return self

    @property
    def gemeenten(self) -> dict[str, str]:
        """`eherkenning_gemeenten` as organisation ('oin:…', 'kvk:…') to gemeentecode."""
        paren = (deel.partition("=") for deel in self.eherkenning_gemeenten.split(",") if deel)
        return {organisatie: code for organisatie, _, code in paren}

    loket_thema: Themanaam = Field(
        "voorbeeld",
        description="The pages' theme: an open NL Design System tokens package"
        " (vil.loket.themas; docs/loket.md).",
    )
