"""A loket session: who is logged in (or who is logging in), and where they are in the flow."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vil.models.identiteit import Principal


class Inlogpoging(BaseModel):
    """An authorization request under way (OIDC code flow with PKCE): what the callback checks."""

    model_config = ConfigDict(frozen=True)

    state: str
    nonce: str
    code_verifier: str
    terug: str = Field(description="The loket page to return to after logging in.")
    middel: Literal["digid", "eherkenning"] = Field(
        "digid", description="The OIDC client the attempt went through."
    )


class Sessie(BaseModel):
    """The server side of the loket's cookie. The cookie holds only the session's random id;
    the table keys the session by a hash of it, so a read of the table yields no cookie."""

    model_config = ConfigDict(frozen=True)

    sleutel: str = Field(description="SHA-256 of the cookie's id (hex): the table's key.")
    csrf: str = Field(description="The token every form of this session carries.")
    laatst_actief: datetime
    principal: Principal | None = None  # None while logging in
    inlog: Inlogpoging | None = None
    inlog_geldig_tot: datetime | None = None  # the access token's exp: the session ends then
    namens: str | None = None  # the machtiging a hulpverlener acts under (its id)
    # For whom, as every page says it (never a BSN): the caseload's name of a hulpverlener's
    # client, or the resident a DigiD Machtigen login acts for (whose token names them).
    namens_naam: str | None = None
    stap: dict[str, Any] = Field(
        default_factory=dict,
        description="The flow so far: the beoordeling id, answers, the regelingen chosen.",
    )
