"""Protocols for every I/O boundary; `vil.adapters` implements them, tests swap in fakes."""

from collections.abc import Collection
from datetime import date
from typing import Any, Protocol

from vil.models.resultaat import FeitHerkomst
from vil.models.toestemming import Bron


class Sleutels(Protocol):
    """KMS: BSN pseudonyms and encryption (no home-made crypto)."""

    def pseudoniem(self, bsn: str) -> str:
        """A keyed HMAC of the BSN, prefixed with the key version: 'v1.<base32>'."""
        ...

    def versleutel(self, tekst: str) -> str:
        """Ciphertext (base64) of a text, e.g. a BSN."""
        ...

    def ontsleutel(self, versleuteld: str) -> str:
        """The text back from `versleutel`'s ciphertext."""
        ...


class Prefill(Protocol):
    """The household as the sources describe it, with the provenance of each fact."""

    huishouden: dict[str, Any]  # camelCase, as `Huishouden` validates it
    herkomst: dict[str, FeitHerkomst]  # by fact path, 'huishouden.aanvrager.vermogen'
    ontbrekend: dict[Bron, str]  # sources that were not consulted or failed, with why


class Bronnen(Protocol):
    """All government sources together: one prefill for one resident."""

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        """Ask only the consented `bronnen`; a source that fails leaves its facts missing."""
        ...
