"""Webhook delivery: one signed CloudEvent to one gemeente endpoint, and which targets are safe.

Standard Webhooks (docs/standards.md 2a) signs and the CloudEvents SDK encodes (structured mode,
docs/standards.md 2b). One call is one attempt: retries, backoff and the DLQ belong to SQS
(docs/architecture.md 7), so `deliver` only says what should happen next. Nothing here logs; a
`Delivery` carries no secret and no body, so callers may log it whole.
"""

import base64
import binascii
import ipaddress
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

import httpx
from cloudevents.core.bindings import http as cloudevents_http
from cloudevents.core.v1.event import CloudEvent
from standardwebhooks import Webhook

from vil.adapters.bronnen.client import retry_after
from vil.models.gebeurtenis import AanvraagEvent
from vil.ports import Delivery, Outcome, UnresolvableTargetError, UnsafeTargetError

__all__ = ["Delivery", "Outcome", "UnresolvableTargetError", "UnsafeTargetError"]

# Standard Webhooks: "Timeout 15-30 s". The Lambda timeout must leave room for it.
TIMEOUT_SECONDS = 15.0
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # the spec allows 24-64 random bytes

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Abonnement:
    """One gemeente endpoint and its secret; `vorig_secret` is set while a rotation lasts."""

    url: str
    secret: str = field(repr=False)
    vorig_secret: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for secret in (self.secret, self.vorig_secret):
            if secret is not None and not _valid_secret(secret):
                # Never put the secret itself in the message.
                raise ValueError("Een secret is 'whsec_' + base64 van 24 tot 64 bytes.")


@dataclass(frozen=True)
class Target:
    """A checked webhook URL and the public addresses its host resolved to."""

    url: httpx.URL
    addresses: tuple[IPAddress, ...]


def generate_secret() -> str:
    """A new subscription secret: 'whsec_' + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _valid_secret(secret: str) -> bool:
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        return False
    return 24 <= len(raw) <= 64


def _literal(host: str) -> IPAddress | None:
    """The address if `host` is an IP literal (no DNS needed), else None."""
    try:
        return ipaddress.ip_address(unquote(host).split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return None


def _resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnresolvableTargetError(f"{host} is niet gevonden.") from error
    addresses: dict[IPAddress, None] = {}  # ordered, without duplicates
    for *_, sockaddr in infos:
        address = _literal(str(sockaddr[0]))
        if address is not None:
            addresses[address] = None
    if not addresses:
        raise UnresolvableTargetError(f"{host} is niet gevonden.")
    return tuple(addresses)


def _not_public(address: IPAddress) -> str | None:
    """Why `address` is not a public unicast address, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address inside IPv6 reaches that IPv4 address: judge that one.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return _not_public(embedded)
        if address.is_site_local:
            return "site-local"
    checks = {
        "loopback": address.is_loopback,
        "privé": address.is_private,
        "link-local": address.is_link_local,
        "multicast": address.is_multicast,
        "gereserveerd": address.is_reserved,
        "ongespecificeerd": address.is_unspecified,
        "niet publiek": not address.is_global,  # e.g. 100.64.0.0/10 (carrier-grade NAT)
    }
    return next((label for label, hit in checks.items() if hit), None)


def check_target(url: str, *, lokaal: bool = False) -> Target:
    """Check a webhook URL against SSRF: HTTPS, and every address of its host public.

    An IP literal is judged as written (no DNS); a host name is resolved with
    `socket.getaddrinfo` and every address it gives must be public. With `lokaal=True` (the
    local stack only) a host on loopback is allowed, over http too; nothing else is relaxed.

    Raises:
        UnsafeTargetError: the URL may not be used (UnresolvableTargetError: unknown host).
    """
    try:
        parsed = httpx.URL(url)
        # Reading the host decodes an IDNA name; IDNA 2008 refuses some that DNS holds
        # (xn--n3h, a snowman), and httpx could not send to them either.
        host = parsed.host
    except (httpx.InvalidURL, UnicodeError) as error:
        raise UnsafeTargetError("Geen geldige URL.") from error
    if parsed.scheme not in ("https", "http") or not host:
        raise UnsafeTargetError("Alleen https-URL's met een host.")
    if parsed.userinfo:
        raise UnsafeTargetError("Geen gebruikersnaam of wachtwoord in de URL.")
    if parsed.scheme != "https" and not lokaal:
        raise UnsafeTargetError("Alleen https.")  # before any DNS lookup
    literal = _literal(host)
    if literal is not None:
        addresses: tuple[IPAddress, ...] = (literal,)
    else:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = _resolve(parsed.raw_host.decode("ascii"), port)
    if lokaal and all(address.is_loopback for address in addresses):
        return Target(parsed, addresses)
    if parsed.scheme != "https":
        raise UnsafeTargetError("Alleen https.")
    for address in addresses:
        reden = _not_public(address)
        if reden is not None:
            raise UnsafeTargetError(f"{address} is geen publiek adres ({reden}).")
    return Target(parsed, addresses)


def encode(event: AanvraagEvent) -> tuple[str, bytes]:
    """The event in structured mode: its content type and the exact body bytes to sign."""
    attributes = event.model_dump(by_alias=True, exclude={"data"})
    data = event.data.model_dump(mode="json", by_alias=True)
    message = cloudevents_http.to_structured_event(CloudEvent(attributes, data))
    return message.headers["content-type"], message.body


def signature(abonnement: Abonnement, webhook_id: str, timestamp: datetime, body: bytes) -> str:
    """The webhook-signature header: one 'v1,<base64>' per secret, space-separated.

    During a rotation both secrets sign, so the receiver verifies with either (Standard
    Webhooks). `timestamp` must be UTC: the library drops the time zone.
    """
    keys = [abonnement.secret, *([abonnement.vorig_secret] if abonnement.vorig_secret else [])]
    return " ".join(Webhook(key).sign(webhook_id, timestamp, body.decode("utf-8")) for key in keys)


def request(
    event: AanvraagEvent, abonnement: Abonnement, timestamp: datetime
) -> tuple[dict[str, str], bytes]:
    """The headers and the exact body of one delivery attempt, signed at `timestamp` (UTC)."""
    content_type, body = encode(event)
    headers = {
        "content-type": content_type,
        "webhook-id": event.id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature(abonnement, event.id, timestamp, body),
    }
    return headers, body


@cache
def webhook_client() -> httpx.Client:
    """The HTTP client for deliveries, made once per process (no I/O at import time).

    Redirects are not followed (a 3xx is a failed attempt, and could point inward). No
    keep-alive: each request goes to a pinned address with the host name as TLS SNI, and a
    pooled connection is keyed by address only, so it could carry another host's request.
    """
    return httpx.Client(follow_redirects=False, limits=httpx.Limits(max_keepalive_connections=0))


def _pinned(target: Target) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """URL, headers and extensions that connect to the checked address, not a new lookup.

    Resolving again at connect time would let DNS answer differently (DNS rebinding).
    """
    if _literal(target.url.host) is not None:
        return target.url, {}, {}
    host = target.url.raw_host.decode("ascii")
    extensions = {"sni_hostname": host} if target.url.scheme == "https" else {}
    url = target.url.copy_with(host=str(target.addresses[0]))
    return url, {"Host": target.url.netloc.decode("ascii")}, extensions


def classify(response: httpx.Response) -> Delivery:
    """2xx delivered; 410 gone; 408, 429 and 5xx retry (honouring Retry-After); other 4xx
    refused; anything else (1xx, 3xx) is a failed attempt and retried (Standard Webhooks)."""
    code = response.status_code
    if 200 <= code < 300:
        return Delivery(Outcome.delivered, code)
    if code == 410:
        return Delivery(Outcome.gone, code, reden="410 Gone")
    if 400 <= code < 500 and code not in (408, 429):
        return Delivery(Outcome.refused, code, reden=f"HTTP {code}")
    return Delivery(Outcome.retry, code, retry_after(response), reden=f"HTTP {code}")


def deliver(
    event: AanvraagEvent,
    abonnement: Abonnement,
    *,
    lokaal: bool = False,
    timeout: float = TIMEOUT_SECONDS,
) -> Delivery:
    """POST `event`, signed, to the subscription's URL once, and classify the answer.

    The webhook-id is the event id, so every attempt of one event carries the same id (the
    receiver's idempotency key); the webhook-timestamp is the real clock at this attempt. The
    target is checked again before each attempt (its DNS may have changed since registration).
    I/O: DNS lookup of the target host and one HTTP request.
    """
    try:
        target = check_target(abonnement.url, lokaal=lokaal)
    except UnresolvableTargetError:
        return Delivery(Outcome.retry, None, reden="host niet gevonden")
    except UnsafeTargetError as error:
        return Delivery(Outcome.refused, None, reden=str(error))
    # Standard Webhooks' verify() reads the real clock: sign with it, never the domain clock.
    headers, body = request(event, abonnement, datetime.now(UTC).replace(microsecond=0))
    url, pin_headers, extensions = _pinned(target)
    try:
        # Streamed and never read: the answer's body is not needed and may be large.
        with webhook_client().stream(
            "POST",
            url,
            content=body,
            headers=headers | pin_headers,
            timeout=timeout,
            extensions=extensions,
        ) as response:
            return classify(response)
    except httpx.TimeoutException:
        return Delivery(Outcome.retry, None, reden="time-out")
    except httpx.TransportError:
        return Delivery(Outcome.retry, None, reden="geen verbinding")


@dataclass(frozen=True)
class StandardWebhooks:
    """The `Webhooks` port; `lokaal` allows callbacks on loopback (the local stack only)."""

    lokaal: bool = False

    def check_target(self, url: str) -> None:
        check_target(url, lokaal=self.lokaal)

    def generate_secret(self) -> str:
        return generate_secret()

    def deliver(
        self, event: AanvraagEvent, url: str, secret: str, vorig_secret: str | None
    ) -> Delivery:
        return deliver(event, Abonnement(url, secret, vorig_secret), lokaal=self.lokaal)
