"""Protocols for every I/O boundary; `vil.adapters` implements them, tests swap in fakes."""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag
from vil.models.abonnement import Abonnement, Aflevering, AfleveringStatus, Geheimen, Poging
from vil.models.beheer import (
    Impactrapport,
    Impactstatus,
    Momentopname,
    Regelingversie,
    Versiestatus,
    Wijzer,
)
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.maandcheck import Melding, Stand
from vil.models.machtiging import Registratie, Vastgelegd
from vil.models.prefill import Prefill
from vil.models.sessie import Sessie
from vil.models.toestemming import Bron, Doel, Toestemming
from vil.rules import Catalogus

__all__ = ["Prefill"]  # the prefill's result is a plain model (vil.models.prefill)


class Versleuteling(Protocol):
    """KMS encryption for one purpose (no home-made crypto)."""

    def versleutel(self, tekst: str) -> str:
        """Ciphertext (base64) of a text, e.g. a BSN."""
        ...

    def ontsleutel(self, versleuteld: str) -> str:
        """The text back from `versleutel`'s ciphertext."""
        ...


class Sleutels(Versleuteling, Protocol):
    """KMS: BSN pseudonyms, and encryption of personal data."""

    def pseudoniem(self, bsn: str) -> str:
        """A keyed HMAC of the BSN, prefixed with the key version: 'v1.<base32>'."""
        ...


class Bronnen(Protocol):
    """All government sources together: one prefill for one resident."""

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        """Ask only the consented `bronnen`; a source that fails leaves its facts missing."""
        ...


# The main table, one small store per aggregate (vil.adapters.dynamodb).


class Toestemmingen(Protocol):
    """The consent ledger: append-only, one version per change."""

    def huidige(self, pseudoniem: str) -> dict[Bron, Toestemming]:
        """The current consent per source (a strongly consistent read)."""
        ...

    def leg_toestemming_vast(
        self, pseudoniem: str, bron: Bron, doelen: list[Doel], tekstversie: str, nu: datetime
    ) -> Toestemming: ...

    def vergeet(self, pseudoniem: str, stand: bool, rest: bool) -> None:
        """Delete what an ended consent was for: the baseline; unused beoordelingen, meldingen."""
        ...


class Profielen(Protocol):
    """The resident's BSN, KMS-encrypted, kept while consent for the monthly check lasts."""

    def bewaar_bsn(self, pseudoniem: str, bsn_versleuteld: str) -> None: ...

    def bsn_bewaard(self, pseudoniem: str) -> bool: ...

    def bsn_versleuteld(self, pseudoniem: str) -> str | None: ...

    def verwijder_bsn(self, pseudoniem: str) -> None: ...


class Brongegevens(Protocol):
    """The sources' facts, cached per resident and source."""

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


class Beoordelingen(Protocol):
    """A resident's stored beoordelingen."""

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Mapping[Bron, int]
    ) -> None:
        """Store it unless a consent changed since the versions read."""
        ...

    def beoordeling(self, pseudoniem: str, beoordeling_id: str) -> Beoordeling | None: ...

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]: ...

    def laatste(self, pseudoniem: str) -> Beoordeling | None:
        """The newest by aangemaakt_op, without reading all of them; None if there is none."""
        ...


class Maandchecks(Protocol):
    """The monthly check's baseline and meldingen."""

    def stand(self, pseudoniem: str) -> Stand | None: ...

    def leg_maandcheck_vast(
        self,
        pseudoniem: str,
        stand: Stand,
        gegevens: dict[Bron, dict[str, Any]],
        meldingen: Iterable[Melding],
        herzieningen: Iterable[tuple[Aanvraag, Beslisverslag, AanvraagEvent]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """All a check found, in one transaction, with each revision's verslag and event."""
        ...

    def meldingen(self, pseudoniem: str) -> list[Melding]: ...

    def markeer_melding(
        self, pseudoniem: str, melding_id: str, gelezen: bool
    ) -> Melding | None: ...


class Aanvragen(Protocol):
    """Aanvragen with their beslisverslagen; each change written with its event (the outbox)."""

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

    def besluit_herziening(
        self,
        pseudoniem: str,
        vorige: Aanvraag,
        aanvraag: Aanvraag,
        verslag: Beslisverslag,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        """Store the gemeente's decision on a herziening, only while the aanvraag is still
        exactly `vorige` (Conflict otherwise: decided already, or a newer herziening)."""
        ...


class Machtigingen(Protocol):
    """Machtigingen: given by a resident or read from the register, revoked by the resident."""

    def leg_vast(self, vastgelegd: Vastgelegd) -> None:
        """Store a new machtiging (or the register's entry again, unchanged id)."""
        ...

    def haal(self, machtiging_id: str) -> Vastgelegd | None:
        """One machtiging by id, read strongly consistent: a revoke stops the next request."""
        ...

    def gegeven(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[Vastgelegd], str | None]:
        """A page of the machtigingen the resident gave, newest first, and the next page's
        cursor (None on the last page); an unusable cursor is OngeldigVerzoek."""
        ...

    def gehouden(
        self,
        gemachtigde: str,
        medewerker: str | None,
        geldig_op: date | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[Vastgelegd], str | None]:
        """A page of what an organisation ('kvk:…', 'oin:…') or a person holds, newest first:
        those for the whole organisation and those naming `medewerker`; with `geldig_op`, only
        those that hold on that day. A filtered page may be short and still have a next one."""
        ...

    def trek_in(self, machtiging_id: str, pseudoniem: str, nu: datetime) -> Vastgelegd | None:
        """Revoke the resident's machtiging (idempotent); None if they have no such one."""
        ...


class Vertegenwoordigingsregister(Protocol):
    """The Centraal Curatele- en Bewindregister: bewind, curatele and mentorschap."""

    def registratie(self, registratienummer: str) -> Registratie | None:
        """The entry of that number, or None if the register has none.

        Raises:
            NietBeschikbaar: the register gave no usable answer (down, too slow, malformed).
        """
        ...


class Sessies(Protocol):
    """The loket's sessions, by the hash of the cookie's id; gone by themselves after their
    end (TTL)."""

    def haal(self, sleutel: str) -> Sessie | None:
        """A session by key, read strongly consistent (a logout ends the next request)."""
        ...

    def bewaar(self, sessie: Sessie, verloopt_op: datetime) -> None:
        """Store (or replace) a session; the table removes it some time after `verloopt_op`."""
        ...

    def verwijder(self, sleutel: str) -> None:
        """End a session (idempotent)."""
        ...


@dataclass(frozen=True)
class Tokens:
    """What the issuer's token endpoint returns (RFC 6749 5.1, OIDC Core 3.1.3.3)."""

    access_token: str
    id_token: str


class Inlogdienst(Protocol):
    """The identity provider's token endpoint (the loket is a confidential backend)."""

    def wissel(self, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        """The tokens for an authorization code, with the PKCE verifier (RFC 7636 4.5).

        Raises:
            NietGeauthenticeerd: the issuer refused the code.
        """
        ...


In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


class Idempotentie(Protocol):
    """A use case done once per input: a retry with the same input gets the first answer."""

    def eenmalig(
        self,
        doe: Callable[[In], Out],
        invoer: In,
        uitvoer: type[Out],
        *,
        bewaar_seconden: int,
        context: Any = None,
        sleutel: str | None = None,
        controle: str | None = None,
    ) -> Out:
        """`doe(invoer)` once per `invoer` (or the part of it JMESPath `sleutel` selects) for
        `bewaar_seconden`; `context` (the Lambda context) lets a crashed run expire with its
        invocation.

        Raises:
            AndereInhoud: the key was used before with another `controle` part.
            NogBezig: the same input is being done elsewhere right now.
        """
        ...


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
        namens: Mapping[str, str] | None = None,
    ) -> None:
        """`namens`: for a request made by a representative, who (`vertegenwoordiger`), under
        which machtiging and, for an organisation, its identifier (`organisatie`)."""
        ...

    def van(self, pseudoniem: str) -> list[dict[str, Any]]:
        """Every record about one person, oldest first."""
        ...

    def pagina(
        self, pseudoniem: str, cursor: str | None, limiet: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the records about one person, newest first, and the next page's cursor
        (opaque, no key; None on the last page); an unusable cursor is OngeldigVerzoek."""
        ...


class Regelingversies(Protocol):
    """Versions of a gemeente's parameters of a regeling (the beheermodule)."""

    def versies(self, regeling: str, gemeentecode: str) -> list[Regelingversie]:
        """Every version, oldest first."""
        ...

    def versie(self, regeling: str, gemeentecode: str, nummer: int) -> Regelingversie | None: ...

    def bewaar(self, versie: Regelingversie, van: Versiestatus | None) -> None:
        """Store a new version (`van` None: only if its number is free) or a change of one
        (only while its status is `van`); Conflict otherwise."""
        ...

    def wijzer(self) -> Wijzer:
        """The version pointer (one item, read strongly consistent)."""
        ...

    def publiceer(
        self, versie: Regelingversie, van: Versiestatus, wijzer: int, gebeurtenis: AanvraagEvent
    ) -> None:
        """Store the approved version and move the pointer past it, with its event (the
        outbox), in one transaction: only while the version's status is `van` and the pointer
        still at `wijzer`; Conflict otherwise."""
        ...


class Regelcatalogi(Protocol):
    """The catalogue every evaluation uses: the rule files plus the published versions of the
    gemeenten's parameters (the beheermodule)."""

    def actueel(self) -> Catalogus:
        """The catalogue, at most a minute behind a publication (one pointer read per minute)."""
        ...

    def vers(self) -> tuple[int, Catalogus]:
        """The pointer's position and the catalogue as published at it, read now."""
        ...

    def gepubliceerd(self) -> list[Regelingversie]:
        """The published versions in the catalogue, in the order of publication (as last read:
        at most a minute behind)."""
        ...

    def met(self, versie: Regelingversie) -> Catalogus:
        """The catalogue with `versie` added as publishing it would add it (a proposal, for
        its impact; vil.rules.publicaties).

        Raises:
            RegelFout, ValueError, LookupError: it does not build on what is published.
        """
        ...


class Impactrapporten(Protocol):
    """The impact of a version: the gemeente's stored households, the version's frozen
    population, and the reports (the beheermodule)."""

    def populatie(
        self, gemeentecode: str, limiet: int | None = None
    ) -> list[tuple[str, dict[str, Any]]] | None:
        """Each resident's pseudonym and the household of their latest beoordeling; None
        when there are more than `limiet` beoordelingen."""
        ...

    def momentopname(
        self, regeling: str, gemeentecode: str, versie: int, nu: datetime, lees: bool = True
    ) -> tuple[Momentopname, list[dict[str, Any]]] | None:
        """The version's frozen population (with its households if `lees`), if there is one
        that has not expired."""
        ...

    def bevries(
        self,
        regeling: str,
        gemeentecode: str,
        versie: int,
        momentopname: Momentopname,
        huishoudens: list[dict[str, Any]],
    ) -> None:
        """Freeze the version's population; Conflict when another run froze one first."""
        ...

    def huishoudens(self, momentopname_id: str, van: int, tot: int) -> list[dict[str, Any]]:
        """The households of parts `van` to `tot` (inclusive, from 1) of a frozen population."""
        ...

    def bewaar_deeltelling(
        self, rapport: Impactrapport, groep: int, telling: dict[str, Any], verloopt_op: int
    ) -> set[int]:
        """A worker's counts of its group of a large run; the groups finished so far."""
        ...

    def deeltellingen(self, rapport: Impactrapport) -> list[dict[str, Any]]: ...

    def rapport(
        self, regeling: str, gemeentecode: str, versie: int, rapport_id: str
    ) -> Impactrapport | None: ...

    def bewaar_rapport(self, rapport: Impactrapport, van: Impactstatus | None) -> None:
        """A new report (`van` None) or its outcome while its status is `van`; else Conflict."""
        ...


class Planner(Protocol):
    """EventBridge Scheduler: one monthly-check schedule per consenting resident."""

    def zet(self, pseudoniem: str) -> object:
        """Create the resident's schedule if it does not exist (idempotent)."""
        ...

    def verwijder(self, pseudoniem: str) -> None:
        """Delete it if it exists (idempotent)."""
        ...

    def bestaat(self, pseudoniem: str) -> bool: ...


# The webhook side: subscriptions, their queue, and the delivery of one attempt.

MAX_ZICHTBAARHEID = 12 * 60 * 60  # a queued message can be postponed at most 12 hours (SQS)


class Wachtrij(Protocol):
    """The webhook queue (SQS): work in, and a received message postponed for its next try."""

    def stuur(self, berichten: list[str]) -> None:
        """Send every message; raise when the queue refused any of them."""
        ...

    def later(self, ontvangstbewijs: str, seconden: int) -> None:
        """Make a received message visible again after `seconden` (at most MAX_ZICHTBAARHEID)."""
        ...


class Abonnementen(Protocol):
    """Webhook subscriptions with their secrets, the outbox read back, and the delivery log."""

    def maak(self, abonnement: Abonnement, geheimen: Geheimen) -> None: ...

    def lijst(self, gemeentecode: str) -> list[Abonnement]: ...

    def haal(self, gemeentecode: str, abonnement_id: str) -> tuple[Abonnement, Geheimen] | None: ...

    def bewaar(self, abonnement: Abonnement, geheimen: Geheimen | None = None) -> bool:
        """Store a changed subscription (and new secrets); False when it has been ended."""
        ...

    def verwijder(self, gemeentecode: str, abonnement_id: str) -> None: ...

    def gebeurtenis(self, gebeurtenis_id: str) -> AanvraagEvent | None: ...

    def registreer(self, abonnement_id: str, gebeurtenis: AanvraagEvent, nu: datetime) -> bool:
        """The delivery record of an event for a subscription; False when it already exists."""
        ...

    def aflevering(
        self, abonnement_id: str, tijd: datetime, gebeurtenis_id: str
    ) -> Aflevering | None: ...

    def leg_vast(
        self,
        abonnement_id: str,
        aflevering: Aflevering,
        status: AfleveringStatus,
        poging: Poging | None = None,
    ) -> None: ...

    def afleveringen(
        self,
        abonnement_id: str,
        status: AfleveringStatus | None = None,
        cursor: str | None = None,
        limiet: int = 100,
    ) -> tuple[list[Aflevering], str | None]: ...


class Outcome(StrEnum):
    """What the caller does with the message after one attempt."""

    delivered = "delivered"  # 2xx: done
    retry = "retry"  # try again later (after `retry_after` seconds if given)
    gone = "gone"  # 410 Gone: disable the subscription (Standard Webhooks)
    refused = "refused"  # another 4xx or an unsafe target: retrying will not help


@dataclass(frozen=True)
class Delivery:
    """The outcome of one attempt; safe to log (no secret, no body)."""

    outcome: Outcome
    status_code: int | None  # None: no HTTP answer (time-out, no connection, unsafe target)
    retry_after: float | None = None  # seconds the receiver asked us to wait (Retry-After)
    reden: str = ""


class UnsafeTargetError(ValueError):
    """The URL may not receive webhooks: not HTTPS, or not a public address (SSRF)."""


class UnresolvableTargetError(UnsafeTargetError):
    """The host name did not resolve: refused at registration, retried at delivery."""


class Webhooks(Protocol):
    """Signed webhooks (Standard Webhooks): safe targets, new secrets, one attempt at a time."""

    def check_target(self, url: str) -> None:
        """Raises UnsafeTargetError (UnresolvableTargetError: unknown host) for a URL that may
        not receive webhooks."""
        ...

    def generate_secret(self) -> str: ...

    def deliver(
        self, event: AanvraagEvent, url: str, secret: str, vorig_secret: str | None
    ) -> Delivery:
        """POST the event signed with the secret(s) once, and classify the answer."""
        ...
