"""The loket's login and sessions: OIDC authorization code flow with PKCE, the loket as a
backend-for-frontend (docs/loket.md).

The browser holds one cookie with a random session id; the tokens never leave the server. The
access token is checked by the same `Tokencontrole` as the authorizer's, and the session keeps
the `Principal` it yields, not the token. A session ends after 15 minutes without a request, at
the access token's expiry, or at logout. Session time is the real clock, never the domain clock
(moving the local stack's clock a month does not log anyone out).
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

import jwt

from vil.fouten import NietGeauthenticeerd
from vil.models.identiteit import Principal, Principalsoort
from vil.models.sessie import Inlogpoging, Sessie
from vil.services.diensten import Sessiediensten
from vil.services.identiteit import ALGORITHMS, LEEWAY, Tokenuitgever

INACTIEF = timedelta(minutes=15)  # idle time after which a session ends
INLOGTIJD = timedelta(minutes=10)  # time to finish logging in at the identity provider
# For whom a gemachtigde acts, as every page says it: DigiD Machtigen tells VIL the resident's
# BSN, never a name, and a page never shows a BSN.
MACHTIGEN_NAAM = "de inwoner die u via DigiD Machtigen heeft gemachtigd"


@dataclass(frozen=True)
class Nieuw:
    """A session just made: the cookie's id (only the browser keeps it) and the session."""

    cookie: str
    sessie: Sessie


def sleutel(cookie: str) -> str:
    """The table key of a cookie's session: its SHA-256, so the table holds no usable id."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def _nieuw(diensten: Sessiediensten, **velden: Any) -> Nieuw:
    cookie = secrets.token_urlsafe(32)
    sessie = Sessie(
        sleutel=sleutel(cookie),
        csrf=secrets.token_urlsafe(32),
        laatst_actief=diensten.tijd(),
        **velden,
    )
    return Nieuw(cookie, sessie)


def begin(
    diensten: Sessiediensten, terug: str, middel: Literal["digid", "eherkenning"] = "digid"
) -> tuple[Nieuw, str]:
    """Start logging in: a new session holding the attempt, and the identity provider's
    authorization URL with state, nonce and the PKCE challenge (S256; RFC 7636 4.2).

    `middel`: DigiD, or eHerkenning (hulpverleners, beheerders) when that client is configured;
    without it everyone logs in through the one DigiD client (locally: the simulation)."""
    client = diensten.eherkenning if middel == "eherkenning" else None
    poging = Inlogpoging(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        code_verifier=secrets.token_urlsafe(48),  # 64 characters, within 43-128
        terug=terug if terug.startswith(("/loket/", "/beheer/")) else "/loket/",
        middel="digid" if client is None else "eherkenning",
    )
    nieuw = _nieuw(diensten, inlog=poging)
    diensten.sessies.bewaar(nieuw.sessie, nieuw.sessie.laatst_actief + INLOGTIJD)
    digest = hashlib.sha256(poging.code_verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": diensten.client_id if client is None else client.client_id,
            "redirect_uri": diensten.redirect_uri,
            "scope": "openid" if client is None else client.scope,
            "state": poging.state,
            "nonce": poging.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    url = diensten.authorize_url if client is None else client.authorize_url
    return nieuw, f"{url}?{query}"


def rond_af(diensten: Sessiediensten, sessie: Sessie | None, code: str, state: str) -> Nieuw:
    """The callback: the state must be this session's, the code is exchanged with the verifier
    (at the client the attempt went through), the id token's signature, issuer, audience and
    nonce are checked, and the access token gives the principal. The login gets a new session
    id (no session fixation).

    Raises:
        NietGeauthenticeerd: any step fails; the attempt is over either way.
    """
    if sessie is None or sessie.inlog is None:
        raise NietGeauthenticeerd("Er loopt geen inlogpoging in deze browser.")
    diensten.sessies.verwijder(sessie.sleutel)  # one attempt, one callback
    poging = sessie.inlog
    if not hmac.compare_digest(poging.state, state):
        raise NietGeauthenticeerd("De inlogpoging hoort niet bij deze browser.")
    if poging.middel == "eherkenning":
        wie, access_token = _eherkenning(diensten, poging, code)
    else:
        tokens = diensten.inlogdienst.wissel(code, poging.code_verifier, diensten.redirect_uri)
        _controleer_id_token(
            tokens.id_token, diensten.tokens.burger, diensten.client_id, poging.nonce
        )
        access_token = tokens.access_token
        wie = diensten.tokens.principal(f"Bearer {access_token}")
    nieuw = _nieuw(
        diensten,
        principal=wie,
        inlog_geldig_tot=_verloopt(access_token),
        namens_naam=MACHTIGEN_NAAM if wie.namens_pseudoniem else None,
        stap={"terug": poging.terug},
    )
    diensten.sessies.bewaar(nieuw.sessie, _einde(nieuw.sessie))
    return nieuw


def _eherkenning(diensten: Sessiediensten, poging: Inlogpoging, code: str) -> tuple[Principal, str]:
    """An eHerkenning login: an organisation's employee (never a resident), a beheerder when
    the organisation is a gemeente and the token gives the beheer role; (who, access token)."""
    client, uitgever = diensten.eherkenning, diensten.tokens.organisatie
    if client is None or uitgever is None:
        raise NietGeauthenticeerd("Inloggen met eHerkenning is hier niet ingesteld.")
    tokens = client.inlogdienst.wissel(code, poging.code_verifier, diensten.redirect_uri)
    _controleer_id_token(tokens.id_token, uitgever, client.client_id, poging.nonce)
    principal = diensten.tokens.principal(f"Bearer {tokens.access_token}")
    if principal.soort is not Principalsoort.hulpverlener:
        raise NietGeauthenticeerd("Met eHerkenning logt alleen een organisatie in.")
    gemeentecode = diensten.gemeenten.get(principal.organisatie or "")
    rol = _claims(tokens.access_token).get(diensten.tokens.organisatieclaims.rol)
    if gemeentecode is not None and rol == diensten.beheerrol:
        principal = Principal(
            soort=Principalsoort.beheerder,
            gemeentecode=gemeentecode,
            medewerker=principal.medewerker,
        )
    return principal, tokens.access_token


def _controleer_id_token(
    id_token: str, uitgever: Tokenuitgever, client_id: str, nonce: str
) -> None:
    try:
        sleutel_ = uitgever.sleutels.get_signing_key_from_jwt(id_token)
        claims = jwt.decode(
            id_token,
            sleutel_.key,
            algorithms=ALGORITHMS,
            audience=client_id,
            issuer=uitgever.issuer,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
        )
    except jwt.PyJWTError:
        raise NietGeauthenticeerd("Het id-token is ongeldig.") from None
    if not hmac.compare_digest(str(claims["nonce"]), nonce):
        raise NietGeauthenticeerd("Het id-token hoort niet bij deze inlogpoging.")


def _claims(access_token: str) -> dict[str, Any]:
    """The access token's claims, already verified by Tokencontrole: read without checking
    again."""
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


def _verloopt(access_token: str) -> datetime | None:
    exp = _claims(access_token).get("exp")
    return None if exp is None else datetime.fromtimestamp(int(exp), UTC)


def _einde(sessie: Sessie) -> datetime:
    einde = sessie.laatst_actief + INACTIEF
    if sessie.inlog_geldig_tot is not None:
        einde = min(einde, sessie.inlog_geldig_tot)
    return einde


def huidige(diensten: Sessiediensten, cookie: str | None) -> Sessie | None:
    """The cookie's session if it has not ended; its idle time starts again (one write)."""
    if not cookie:
        return None
    sessie = diensten.sessies.haal(sleutel(cookie))
    if sessie is None:
        return None
    nu = diensten.tijd()
    if nu >= _einde(sessie) or (
        sessie.inlog is not None and nu >= sessie.laatst_actief + INLOGTIJD
    ):
        diensten.sessies.verwijder(sessie.sleutel)
        return None
    if sessie.inlog is not None:
        return sessie  # logging in: the attempt keeps its own deadline
    actief = sessie.model_copy(update={"laatst_actief": nu})
    diensten.sessies.bewaar(actief, _einde(actief))
    return actief


def werk_bij(diensten: Sessiediensten, sessie: Sessie, **velden: Any) -> Sessie:
    """The session with changed fields (the flow's `stap`, who a hulpverlener acts for)."""
    nieuw = sessie.model_copy(update=velden)
    diensten.sessies.bewaar(nieuw, _einde(nieuw))
    return nieuw


def csrf_klopt(sessie: Sessie | None, token: str | None) -> bool:
    """Whether a form's token is this session's (synchronizer token, OWASP)."""
    return sessie is not None and token is not None and hmac.compare_digest(sessie.csrf, token)


def beëindig(diensten: Sessiediensten, sessie: Sessie) -> None:
    """Logout: the session is gone; the cookie the browser still holds opens nothing."""
    diensten.sessies.verwijder(sessie.sleutel)


def ingelogd(sessie: Sessie | None) -> Principal | None:
    """Who the session is logged in as, if anyone."""
    return None if sessie is None else sessie.principal
