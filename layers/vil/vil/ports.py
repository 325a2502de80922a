"""Protocols for every I/O boundary; `vil.adapters` implements them, tests swap in fakes."""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol

from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.maandcheck import Melding, StandItem
from vil.models.resultaat import FeitHerkomst
from vil.models.toestemming import Bron, Doel, Toestemming


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
    gezinsleden: list[str]  # BSNs of the partner and children whose data was asked for


class Bronnen(Protocol):
    """All government sources together: one prefill for one resident."""

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        """Ask only the consented `bronnen`; a source that fails leaves its facts missing."""
        ...


class Opslag(Protocol):
    """The main table: consent ledger, source cache, beoordelingen, aanvragen, verslagen."""

    def toestemmingen(self, pseudoniem: str) -> dict[Bron, Toestemming]: ...

    def leg_toestemming_vast(
        self, pseudoniem: str, bron: Bron, doelen: list[Doel], tekstversie: str, nu: datetime
    ) -> Toestemming: ...

    def bewaar_bsn(self, pseudoniem: str, bsn_versleuteld: str) -> None: ...

    def bsn_bewaard(self, pseudoniem: str) -> bool: ...

    def bsn_versleuteld(self, pseudoniem: str) -> str | None: ...

    def verwijder_bsn(self, pseudoniem: str) -> None: ...

    def bewaar_gegevens(
        self,
        pseudoniem: str,
        gegevens: Mapping[Bron, dict[str, Any]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """Cache the sources' facts unless a consent changed since the versions read."""
        ...

    def verwijder_gegevens(self, pseudoniem: str, bron: Bron) -> None: ...

    def gegevens(self, pseudoniem: str) -> dict[str, Any]: ...

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Mapping[Bron, int]
    ) -> None:
        """Store it unless a consent changed since the versions read."""
        ...

    def beoordeling(self, pseudoniem: str, beoordeling_id: str) -> Beoordeling | None: ...

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]: ...

    def vergeet(self, pseudoniem: str, stand: bool, rest: bool) -> None:
        """Delete what an ended consent was for: the baseline; unused beoordelingen, meldingen."""
        ...

    def stand(self, pseudoniem: str) -> StandItem | None: ...

    def leg_maandcheck_vast(
        self,
        pseudoniem: str,
        stand: StandItem,
        gegevens: dict[Bron, dict[str, Any]],
        meldingen: Iterable[Melding],
        herzieningen: Iterable[tuple[Aanvraag, Beslisverslag, AanvraagEvent]],
        toestemmingen: Mapping[Bron, int],
    ) -> None: ...

    def meldingen(self, pseudoniem: str) -> list[Melding]: ...

    def markeer_melding(
        self, pseudoniem: str, melding_id: str, gelezen: bool
    ) -> Melding | None: ...

    def dien_in(
        self,
        pseudoniem: str,
        aanvragen: list[Aanvraag],
        verslagen: Iterable[Beslisverslag],
        geblokkeerd_tot: dict[str, date],
        peildatum: date,
        gebeurtenissen: Iterable[AanvraagEvent],
    ) -> None: ...

    def aanvraag(self, aanvraag_id: str) -> tuple[str, Aanvraag] | None: ...

    def aanvragen_van_burger(self, pseudoniem: str) -> list[Aanvraag]: ...

    def aanvragen_van_gemeente(
        self,
        gemeentecode: str,
        status: AanvraagStatus | None,
        regeling: str | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[tuple[str, Aanvraag]], str | None]: ...

    def wijzig(
        self,
        pseudoniem: str,
        aanvraag: Aanvraag,
        van: AanvraagStatus,
        verslag: Beslisverslag | None,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None: ...

    def beslisverslagen(self, aanvraag_id: str) -> list[Beslisverslag]: ...


class Auditlog(Protocol):
    """The append-only audit log: one record per data subject per read of personal data."""

    def schrijf(
        self,
        pseudoniem: str,
        verwerking: str,
        actor: str,
        doel: str,
        resultaat: str,
        trace_id: str,
        nu: datetime,
        bronnen: Iterable[str] = (),
    ) -> None: ...

    def van(self, pseudoniem: str) -> list[dict[str, Any]]: ...


class Planner(Protocol):
    """EventBridge Scheduler: one monthly-check schedule per consenting resident."""

    def zet(self, pseudoniem: str) -> object:
        """Create the resident's schedule if it does not exist (idempotent)."""
        ...

    def verwijder(self, pseudoniem: str) -> None:
        """Delete it if it exists (idempotent)."""
        ...

    def bestaat(self, pseudoniem: str) -> bool: ...
