"""KMS behind the `Sleutels` port: BSN pseudonyms (GenerateMac) and encryption (Encrypt/Decrypt).

No key leaves KMS (docs/architecture.md 9, docs/standards.md 4a): the pseudonym is an HMAC made by
KMS, and the BSN is stored only as KMS ciphertext.
"""

import base64
import re
from functools import cache
from typing import TYPE_CHECKING, Self

import boto3

from vil.settings import AuthorizerSettings, TableSettings

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

# Bound to every ciphertext: Decrypt refuses a ciphertext made for another purpose.
ENCRYPTION_CONTEXT = {"toepassing": "vil", "doel": "persoonsgegevens"}
WEBHOOKGEHEIM = {"toepassing": "vil", "doel": "webhookgeheim"}


@cache
def kms() -> "KMSClient":
    """The KMS client, made once per process (no I/O at import time)."""
    return boto3.client("kms")


class KmsSleutels:
    """Pseudonyms with the KMS HMAC key, encryption with the KMS data key."""

    def __init__(self, pseudoniem_sleutel: str, versie: str, gegevens_sleutel: str) -> None:
        # The version goes into DynamoDB keys and Scheduler names: only [0-9a-z], '.' separates.
        if not re.fullmatch(r"[0-9a-z]+", versie):
            raise ValueError(f"Sleutelversie {versie!r}: alleen cijfers en kleine letters.")
        self.pseudoniem_sleutel = pseudoniem_sleutel
        self.versie = versie
        self.gegevens_sleutel = gegevens_sleutel

    @classmethod
    def from_settings(cls, settings: TableSettings | AuthorizerSettings) -> Self:
        return cls(
            settings.pseudoniem_sleutel,
            settings.pseudoniem_sleutel_versie,
            settings.gegevens_sleutel,
        )

    def pseudoniem(self, bsn: str) -> str:
        """'v<versie>.' + the HMAC-SHA-256 of the BSN in lowercase base32 (55 characters).

        Only [0-9a-z.], so it fits DynamoDB keys and EventBridge Scheduler names (1-64 of
        [0-9a-zA-Z-_.]); the version lets the key be rotated (docs/architecture.md 9).
        """
        mac = kms().generate_mac(
            KeyId=self.pseudoniem_sleutel, Message=bsn.encode(), MacAlgorithm="HMAC_SHA_256"
        )["Mac"]
        return f"v{self.versie}." + base64.b32encode(mac).decode().rstrip("=").lower()

    def versleutel(self, tekst: str) -> str:
        return versleutel(self.gegevens_sleutel, tekst, ENCRYPTION_CONTEXT)

    def ontsleutel(self, versleuteld: str) -> str:
        return ontsleutel(self.gegevens_sleutel, versleuteld, ENCRYPTION_CONTEXT)


class Webhookgeheimen:
    """The subscriptions' secrets under the data key, bound to their own purpose: a secret's
    ciphertext does not decrypt as personal data, nor the other way round."""

    def __init__(self, gegevens_sleutel: str) -> None:
        self.gegevens_sleutel = gegevens_sleutel

    def versleutel(self, geheim: str) -> str:
        return versleutel(self.gegevens_sleutel, geheim, WEBHOOKGEHEIM)

    def ontsleutel(self, versleuteld: str) -> str:
        return ontsleutel(self.gegevens_sleutel, versleuteld, WEBHOOKGEHEIM)


def versleutel(sleutel: str, tekst: str, context: dict[str, str]) -> str:
    """KMS ciphertext of the text, base64 (KMS takes at most 4 KB of plaintext)."""
    blob = kms().encrypt(KeyId=sleutel, Plaintext=tekst.encode(), EncryptionContext=context)
    return base64.b64encode(blob["CiphertextBlob"]).decode()


def ontsleutel(sleutel: str, versleuteld: str, context: dict[str, str]) -> str:
    """The text back; KMS refuses a ciphertext of another key or purpose."""
    blob = base64.b64decode(versleuteld, validate=True)
    antwoord = kms().decrypt(KeyId=sleutel, CiphertextBlob=blob, EncryptionContext=context)
    return antwoord["Plaintext"].decode()
