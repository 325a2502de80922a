"""Who is calling: bearer tokens validated with PyJWT and turned into a `Principal`.

Citizens bring a DigiD-backed OIDC access token (docs/standards.md 3a), gemeenten and beheerders an
OAuth2 client-credentials token (docs/standards.md 3c). PyJWT checks signature, algorithm, issuer,
audience and times; this module adds only what PyJWT cannot know: the level of assurance, the
BSN's elfproef and the gemeente's code and role. Every failure is one error, `NietGeauthenticeerd`,
whose detail never contains the token or the BSN.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from pydantic import HttpUrl
from stdnum.nl import bsn as bsn_nummer

from vil.fouten import NietGeauthenticeerd
from vil.models.identiteit import Principal, Principalsoort
from vil.ports import Sleutels

# eIDAS levels of assurance, low to high; BSN-linked income data needs at least substantial
# (docs/standards.md 3a: Regeling betrouwbaarheidsniveaus; NL GOV OIDC profile: acr carries the
# LoA).
LOA = (
    "http://eidas.europa.eu/LoA/low",
    "http://eidas.europa.eu/LoA/substantial",
    "http://eidas.europa.eu/LoA/high",
)
SUBSTANTIEEL = LOA[1]
BSN_SECTOR = "s00000000"  # sector-coded identifiers ('s00000000:<BSN>'): refuse other sectors
ALGORITHMS = ["RS256"]  # pinned: never the token's own choice (no HS256, no none)
LEEWAY = timedelta(seconds=60)  # clock skew between the issuer and us (RFC 7519 4.1.4-4.1.6)
ROLLEN = (Principalsoort.gemeente.value, Principalsoort.beheerder.value)


def jwks(url: HttpUrl) -> jwt.PyJWKClient:
    """An issuer's keys over HTTPS; the set is cached for 5 minutes, keys by kid while warm."""
    return jwt.PyJWKClient(str(url), cache_keys=True, timeout=3)  # an authorizer answers fast


@dataclass(frozen=True)
class Tokenuitgever:
    """A token issuer we trust: its identifier, the audience it issues for us, its keys."""

    issuer: str
    audience: str
    sleutels: jwt.PyJWKClient


class Tokencontrole:
    """Turns an Authorization header into the caller's `Principal`."""

    def __init__(
        self, burger: Tokenuitgever, m2m: Tokenuitgever, sleutels: Sleutels, bsn_claim: str = "bsn"
    ) -> None:
        if burger.issuer == m2m.issuer:  # the issuer decides which checks a token gets
            raise ValueError("De OIDC- en M2M-uitgever moeten verschillen.")
        self.burger = burger
        self.m2m = m2m
        self.sleutels = sleutels
        self.bsn_claim = bsn_claim

    def principal(self, authorization: str | None) -> Principal:
        """Anonymous without a header; otherwise a valid token or `NietGeauthenticeerd`.

        Raises:
            NietGeauthenticeerd: a header that is not a valid bearer token (never anonymous).
            jwt.PyJWKClientConnectionError: an issuer's JWKS cannot be fetched (our failure).
        I/O: the issuer's JWKS (HTTPS, cached); for citizens KMS GenerateMac and Encrypt.
        """
        if authorization is None:
            return Principal()
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:  # RFC 6750 2.1
            raise NietGeauthenticeerd("Verwacht: 'Authorization: Bearer <token>'.")
        # Only to choose the issuer's checks; the claims are trusted after `_claims` alone.
        issuer = self._ongeverifieerd(token).get("iss")
        if issuer == self.burger.issuer:
            return self._burger(token)
        if issuer == self.m2m.issuer:
            return self._m2m(token)
        raise NietGeauthenticeerd("Het token komt niet van een vertrouwde uitgever.")

    def _burger(self, token: str) -> Principal:
        claims = self._claims(token, self.burger, ["acr", self.bsn_claim])
        if claims["acr"] not in LOA or LOA.index(claims["acr"]) < LOA.index(SUBSTANTIEEL):
            raise NietGeauthenticeerd("Betrouwbaarheidsniveau lager dan substantieel.")
        waarde = claims[self.bsn_claim]
        sector, _, nummer = (waarde if isinstance(waarde, str) else "").rpartition(":")
        if sector not in ("", BSN_SECTOR) or not bsn_nummer.is_valid(nummer):
            raise NietGeauthenticeerd("Het token bevat geen geldig BSN.")
        nummer = bsn_nummer.compact(nummer)
        return Principal(
            soort=Principalsoort.burger,
            pseudoniem=self.sleutels.pseudoniem(nummer),
            bsn_versleuteld=self.sleutels.versleutel(nummer),
        )

    def _m2m(self, token: str) -> Principal:
        claims = self._claims(token, self.m2m, ["gemeentecode", "rol"])
        code, rol = claims["gemeentecode"], claims["rol"]
        if not isinstance(code, str) or not re.fullmatch(r"[0-9]{4}", code):
            raise NietGeauthenticeerd("Het token bevat geen geldige gemeentecode.")
        if rol not in ROLLEN:
            raise NietGeauthenticeerd("Het token bevat geen geldige rol.")
        medewerker = claims.get("medewerker")  # a beheerder's own id: the four-eyes rule
        if medewerker is not None and not (
            isinstance(medewerker, str) and re.fullmatch(r"[A-Za-z0-9._@-]{1,64}", medewerker)
        ):
            raise NietGeauthenticeerd("Het token bevat geen geldige medewerker.")
        return Principal(soort=Principalsoort(rol), gemeentecode=code, medewerker=medewerker)

    @staticmethod
    def _ongeverifieerd(token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise NietGeauthenticeerd(f"Onleesbaar token ({type(error).__name__}).") from error
        return claims

    @staticmethod
    def _claims(token: str, uitgever: Tokenuitgever, vereist: list[str]) -> dict[str, Any]:
        """Signature, algorithm, issuer, audience, exp/nbf/iat and presence: all PyJWT's."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                uitgever.sleutels.get_signing_key_from_jwt(token),
                algorithms=ALGORITHMS,
                issuer=uitgever.issuer,
                audience=uitgever.audience,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", *vereist]},
            )
        except jwt.PyJWKClientConnectionError:
            raise
        except jwt.PyJWTError as error:  # the class name says why, and holds no claim value
            raise NietGeauthenticeerd(f"Ongeldig token ({type(error).__name__}).") from error
        return claims
