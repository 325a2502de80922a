"""The local dev issuer: an RSA key in .vil-local/, its JWKS, and tokens for citizens and gemeenten.

The local stack trusts this key instead of DigiD and the gemeenten's authorisation server
(docs/architecture.md 10). The key is made on first use and kept, so tokens survive a restart.
Tokens use the real clock, not the local stack's domain clock.
"""

import base64
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from vil.ports import Sleutels
from vil.services.identiteit import SUBSTANTIEEL, Machtigen, Tokencontrole, Tokenuitgever
from vil_local.template import ROOT

KEY_FILE = ROOT / ".vil-local" / "dev-signing-key.pem"  # git-ignored

BURGER_ISSUER = "http://127.0.0.1/vil-local/digid"
M2M_ISSUER = "http://127.0.0.1/vil-local/m2m"
EHERKENNING_ISSUER = "http://127.0.0.1/vil-local/eherkenning"
MACHTIGEN_DIENST = "vil-local-loket"  # VIL's service id in the local DigiD Machtigen
AUDIENCE = "vil-local"
GELDIGHEID = timedelta(hours=12)


def signing_key() -> rsa.RSAPrivateKey:
    """The dev key: read from KEY_FILE, or made and written there (mode 0600) on first use."""
    if KEY_FILE.exists():
        key = serialization.load_pem_private_key(KEY_FILE.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    KEY_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(pem)
    return key


def jwks() -> dict[str, Any]:
    """The JWKS document with the dev key's public half."""
    return {"keys": [_public_jwk(signing_key())]}


def burger_token(bsn: str) -> str:
    """A citizen's access token as a DigiD broker would issue it (LoA substantial)."""
    return _sign({"iss": BURGER_ISSUER, "bsn": bsn, "acr": SUBSTANTIEEL})


def machtigen_token(gemachtigde: str, vertegenwoordigde: str) -> str:
    """A DigiD Machtigen token (OIDC NL GOV): the gemachtigde logs in, `represents` names the
    resident they act for, for VIL's service."""
    return _sign({
        "iss": BURGER_ISSUER, "bsn": gemachtigde, "acr": SUBSTANTIEEL,
        "service_id": MACHTIGEN_DIENST,
        "represents": {"sub": f"s00000000:{vertegenwoordigde}",
                       "sub_id_type": "urn:nl-eid-gdi:1.0:id:BSN", "iss": BURGER_ISSUER},
    })  # fmt: skip


def hulpverlener_token(
    medewerker: str, kvk: str | None = None, oin: str | None = None, rol: str = "wijkteam"
) -> str:
    """An organisation's employee, as an eHerkenning broker would issue it (level EH3)."""
    organisatie = {"kvk": kvk} if kvk else {"oin": oin}
    return _sign({"iss": EHERKENNING_ISSUER, "acr": SUBSTANTIEEL, "medewerker": medewerker,
                  "rol": rol, **organisatie})  # fmt: skip


def gemeente_token(gemeentecode: str, rol: str = "gemeente", medewerker: str | None = None) -> str:
    """A client-credentials token of a gemeente's system ('gemeente') or beheerder; a
    beheerder is a person, `medewerker` (default 'beheerder-1')."""
    claims = {"iss": M2M_ISSUER, "gemeentecode": gemeentecode, "rol": rol}
    if rol == "beheerder":
        claims["medewerker"] = medewerker or "beheerder-1"
    return _sign(claims)


def id_token(subject: str, nonce: str, client_id: str, issuer: str = BURGER_ISSUER) -> str:
    """An OIDC id token for the loket's login (OIDC Core 2): who logged in, for which client,
    with the login's nonce; from the DigiD broker, or from the eHerkenning broker's issuer."""
    return _sign({"iss": issuer, "sub": subject, "nonce": nonce}, audience=client_id)


def authorizer_environment(jwks_url: str) -> dict[str, str]:
    """The authorizer's environment for local mode, less the KMS keys the local stack makes."""
    return {
        "OIDC_ISSUER": BURGER_ISSUER,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_JWKS_URL": jwks_url,
        "BSN_CLAIM": "bsn",
        "M2M_ISSUER": M2M_ISSUER,
        "M2M_AUDIENCE": AUDIENCE,
        "M2M_JWKS_URL": jwks_url,
        "EHERKENNING_ISSUER": EHERKENNING_ISSUER,
        "EHERKENNING_AUDIENCE": AUDIENCE,
        "EHERKENNING_JWKS_URL": jwks_url,
        "EHERKENNING_KVK_CLAIM": "kvk",
        "EHERKENNING_OIN_CLAIM": "oin",
        "EHERKENNING_MEDEWERKER_CLAIM": "medewerker",
        "EHERKENNING_ROL_CLAIM": "rol",
        "MACHTIGEN_DIENST": MACHTIGEN_DIENST,
        "MACHTIGEN_DIENST_CLAIM": "service_id",
        "MACHTIGEN_CLAIM": "represents",
        "MACHTIGEN_HOUDT": "vertegenwoordigde",
    }


class InProcessJwks(jwt.PyJWKClient):
    """A JWKS client that serves a given document without HTTP (local stack in-process, tests)."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__("http://in-process.invalid/jwks.json")
        self.document = document

    def fetch_data(self) -> Any:
        return self.document


def tokencontrole(sleutels: Sleutels) -> Tokencontrole:
    """The real validator, trusting the dev key in-process (no JWKS over HTTP)."""
    keys = InProcessJwks(jwks())
    return Tokencontrole(
        burger=Tokenuitgever(BURGER_ISSUER, AUDIENCE, keys),
        m2m=Tokenuitgever(M2M_ISSUER, AUDIENCE, keys),
        sleutels=sleutels,
        organisatie=Tokenuitgever(EHERKENNING_ISSUER, AUDIENCE, keys),
        machtigen=Machtigen(dienst=MACHTIGEN_DIENST),
    )


def _sign(claims: dict[str, Any], audience: str = AUDIENCE) -> str:
    key = signing_key()
    now = datetime.now(UTC)
    return jwt.encode(
        {**claims, "aud": audience, "iat": now, "nbf": now, "exp": now + GELDIGHEID},
        key,
        algorithm="RS256",
        headers={"kid": _public_jwk(key)["kid"]},
    )


def _public_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    # kid: the RFC 7638 thumbprint, so a new key never shares a kid with an old one.
    members = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    kid = base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=")
    return {**jwk, "kid": kid.decode(), "use": "sig", "alg": "RS256"}
