"""Who is calling: bearer tokens validated with PyJWT and turned into a `Principal`.

Citizens bring a DigiD-backed OIDC access token (docs/standards.md 3a), also as someone's
gemachtigde through DigiD Machtigen; gemeenten and beheerders an OAuth2 client-credentials token
(docs/standards.md 3c); an organisation's hulpverlener an eHerkenning-style token
(docs/machtigingen.md). PyJWT checks signature, algorithm, issuer, audience and times; this module
adds only what PyJWT cannot know: the level of assurance, the BSN's elfproef, DigiD Machtigen's
service, the gemeente's code and role, and the organisation and employee. Every failure is one
error, `NietGeauthenticeerd`, whose detail never contains the token or the BSN.
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
KVK = re.compile(r"[0-9]{8}")
OIN = re.compile(r"[0-9]{20}")
MEDEWERKER = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
ORGANISATIEROL = re.compile(r"[a-z][a-z0-9-]{0,39}")


def jwks(url: HttpUrl) -> jwt.PyJWKClient:
    """An issuer's keys over HTTPS; the set is cached for 5 minutes, keys by kid while warm."""
    return jwt.PyJWKClient(str(url), cache_keys=True, timeout=3)  # an authorizer answers fast


@dataclass(frozen=True)
class Tokenuitgever:
    """A token issuer we trust: its identifier, the audience it issues for us, its keys."""

    issuer: str
    audience: str
    sleutels: jwt.PyJWKClient


@dataclass(frozen=True)
class Machtigen:
    """How DigiD Machtigen tokens say who is represented: claim names, not code.

    `claim` marks a machtigen token by its presence. In the OIDC NL GOV profile it is
    `represents` and holds the represented person (`{sub, sub_id_type, iss}`), while the BSN
    claim holds the gemachtigde (`houdt="vertegenwoordigde"`). Some brokers do it the other way
    round: `acting_nin` holds the gemachtigde and `nin` the represented
    (`claim="acting_nin"`, `houdt="gemachtigde"`). `dienst` is the service id VIL is registered
    under in DigiD Machtigen; a token for another service is refused.
    """

    dienst: str
    dienst_claim: str = "service_id"
    claim: str = "represents"
    houdt: str = "vertegenwoordigde"  # or "gemachtigde"

    def __post_init__(self) -> None:
        if self.houdt not in ("vertegenwoordigde", "gemachtigde"):
            raise ValueError("houdt is 'vertegenwoordigde' of 'gemachtigde'.")


@dataclass(frozen=True)
class Organisatieclaims:
    """Which claims of an organisation's token say what: claim names, not code.

    The defaults are VIL's own short names; a broker that passes eHerkenning's attributes as
    they are names them by URN, e.g. `kvk="urn:etoegang:1.9:EntityConcernedID:KvKnr"` and
    `medewerker="urn:etoegang:1.9:ActingSubjectID"` (docs/machtigingen.md).
    """

    kvk: str = "kvk"
    oin: str = "oin"
    medewerker: str = "medewerker"
    rol: str = "rol"


class Tokencontrole:
    """Turns an Authorization header into the caller's `Principal`."""

    def __init__(
        self,
        burger: Tokenuitgever,
        m2m: Tokenuitgever,
        sleutels: Sleutels,
        bsn_claim: str = "bsn",
        organisatie: Tokenuitgever | None = None,
        machtigen: Machtigen | None = None,
        organisatieclaims: Organisatieclaims = Organisatieclaims(),
    ) -> None:
        uitgevers = [burger.issuer, m2m.issuer] + ([organisatie.issuer] if organisatie else [])
        if len(set(uitgevers)) != len(uitgevers):  # the issuer decides which checks a token gets
            raise ValueError("De OIDC-, M2M- en eHerkenning-uitgever moeten verschillen.")
        self.burger = burger
        self.m2m = m2m
        self.organisatie = organisatie
        self.sleutels = sleutels
        self.bsn_claim = bsn_claim
        self.machtigen = machtigen
        self.organisatieclaims = organisatieclaims

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
        if self.organisatie is not None and issuer == self.organisatie.issuer:
            return self._hulpverlener(token, self.organisatie)
        raise NietGeauthenticeerd("Het token komt niet van een vertrouwde uitgever.")

    def _burger(self, token: str) -> Principal:
        claims = self._claims(token, self.burger, ["acr", self.bsn_claim])
        _niveau(claims)
        nummer = _bsn(claims[self.bsn_claim])
        if self.machtigen is not None and self.machtigen.claim in claims:
            return self._gemachtigde(claims, nummer, self.machtigen)
        return Principal(
            soort=Principalsoort.burger,
            pseudoniem=self.sleutels.pseudoniem(nummer),
            bsn_versleuteld=self.sleutels.versleutel(nummer),
        )

    def _gemachtigde(self, claims: dict[str, Any], bsn: str, machtigen: Machtigen) -> Principal:
        """A DigiD Machtigen token: for VIL's service only, one level of representation."""
        if claims.get(machtigen.dienst_claim) != machtigen.dienst:
            raise NietGeauthenticeerd("Het token is een machtiging voor een andere dienst.")
        waarde = claims[machtigen.claim]
        if isinstance(waarde, dict):
            if "represents" in waarde:  # a chain: VIL acts for one person at a time
                raise NietGeauthenticeerd("Geneste vertegenwoordiging wordt niet ondersteund.")
            waarde = waarde.get("sub")
        ander = _bsn(waarde)
        gemachtigde, vertegenwoordigde = (
            (bsn, ander) if machtigen.houdt == "vertegenwoordigde" else (ander, bsn)
        )
        if gemachtigde == vertegenwoordigde:
            raise NietGeauthenticeerd("Een machtiging voor uzelf is geen machtiging.")
        return Principal(
            soort=Principalsoort.burger,
            pseudoniem=self.sleutels.pseudoniem(gemachtigde),
            namens_pseudoniem=self.sleutels.pseudoniem(vertegenwoordigde),
            namens_bsn_versleuteld=self.sleutels.versleutel(vertegenwoordigde),
        )

    def _hulpverlener(self, token: str, uitgever: Tokenuitgever) -> Principal:
        """An organisation's employee: KvK number or OIN, their own id, the organisation's role."""
        namen = self.organisatieclaims
        claims = self._claims(token, uitgever, ["acr", namen.medewerker, namen.rol])
        _niveau(claims)
        kvk, oin = claims.get(namen.kvk), claims.get(namen.oin)
        if isinstance(kvk, str) and KVK.fullmatch(kvk) and oin is None:
            organisatie = f"kvk:{kvk}"
        elif isinstance(oin, str) and OIN.fullmatch(oin) and kvk is None:
            organisatie = f"oin:{oin}"
        else:
            raise NietGeauthenticeerd("Het token noemt niet precies één KvK-nummer of OIN.")
        medewerker, rol = claims[namen.medewerker], claims[namen.rol]
        if not isinstance(medewerker, str) or not MEDEWERKER.fullmatch(medewerker):
            raise NietGeauthenticeerd("Het token bevat geen geldige medewerker.")
        if not isinstance(rol, str) or not ORGANISATIEROL.fullmatch(rol):
            raise NietGeauthenticeerd("Het token bevat geen geldige rol.")
        return Principal(
            soort=Principalsoort.hulpverlener, organisatie=organisatie, medewerker=medewerker
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


def _niveau(claims: dict[str, Any]) -> None:
    if claims["acr"] not in LOA or LOA.index(claims["acr"]) < LOA.index(SUBSTANTIEEL):
        raise NietGeauthenticeerd("Betrouwbaarheidsniveau lager dan substantieel.")


def _bsn(waarde: object) -> str:
    """A BSN claim, plain or sector-coded ('s00000000:<BSN>'), elfproef checked."""
    sector, _, nummer = (waarde if isinstance(waarde, str) else "").rpartition(":")
    if sector not in ("", BSN_SECTOR) or not bsn_nummer.is_valid(nummer):
        raise NietGeauthenticeerd("Het token bevat geen geldig BSN.")
    return str(bsn_nummer.compact(nummer))
