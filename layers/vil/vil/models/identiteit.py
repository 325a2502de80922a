"""Who is calling: the principal the authorizer puts in the request context."""

from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class Principalsoort(StrEnum):
    anoniem = "anoniem"
    burger = "burger"  # a resident, DigiD-backed OIDC token
    gemeente = "gemeente"  # a gemeente's system, client credentials
    beheerder = "beheerder"  # a gemeente's beheerder, client credentials
    hulpverlener = "hulpverlener"  # an organisation's employee, eHerkenning-style token


class Principal(BaseModel):
    """The caller. A citizen is known by pseudonym; the BSN travels only encrypted."""

    model_config = ConfigDict(frozen=True)

    soort: Principalsoort = Principalsoort.anoniem
    pseudoniem: str | None = None  # citizens: HMAC pseudonym of the BSN, with key version
    bsn_versleuteld: str | None = None  # citizens: KMS ciphertext of the BSN (base64)
    gemeentecode: str | None = None  # gemeenten and beheerders
    organisatie: str | None = None  # hulpverleners: 'kvk:<nummer>' or 'oin:<nummer>'
    medewerker: str | None = None  # hulpverleners and beheerders: the employee's own id
    # DigiD Machtigen: the resident the token represents (pseudonym, BSN as KMS ciphertext).
    namens_pseudoniem: str | None = None
    namens_bsn_versleuteld: str | None = None
    # Set by vil.services.namens when a request acts for a resident: who acts, under which
    # machtiging (the audit records both; the pseudonym above is then the resident's).
    vertegenwoordiger: str | None = None
    machtiging: str | None = None

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> Self:
        """From API Gateway's authorizer context (string values; missing means anonymous)."""
        return cls(
            soort=Principalsoort(context.get("soort") or Principalsoort.anoniem),
            pseudoniem=context.get("pseudoniem") or None,
            bsn_versleuteld=context.get("bsnVersleuteld") or None,
            gemeentecode=context.get("gemeentecode") or None,
            organisatie=context.get("organisatie") or None,
            medewerker=context.get("medewerker") or None,
            namens_pseudoniem=context.get("namensPseudoniem") or None,
            namens_bsn_versleuteld=context.get("namensBsnVersleuteld") or None,
        )

    def to_context(self) -> dict[str, str]:
        """What the authorizer returns as context (API Gateway allows strings only)."""
        return {
            "soort": self.soort.value,
            "pseudoniem": self.pseudoniem or "",
            "bsnVersleuteld": self.bsn_versleuteld or "",
            "gemeentecode": self.gemeentecode or "",
            "organisatie": self.organisatie or "",
            "medewerker": self.medewerker or "",
            "namensPseudoniem": self.namens_pseudoniem or "",
            "namensBsnVersleuteld": self.namens_bsn_versleuteld or "",
        }
