"""Webhook delivery against a receiver on loopback that verifies as a gemeente would, and the
SSRF checks on webhook targets (no DNS for IP literals; host names with a faked resolver)."""

import base64
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_structured_event
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from vil.adapters.webhooks import (
    Abonnement,
    Outcome,
    Target,
    UnresolvableTargetError,
    UnsafeTargetError,
    _pinned,
    check_target,
    deliver,
    generate_secret,
)
from vil.models.aanvraag import Aanvraag, AanvraagStatus
from vil.models.gebeurtenis import AanvraagEvent, aanvraag_event

AANVRAAG = Aanvraag(
    id="aanvraag-7",
    regeling="bijzondere-bijstand-utrecht",
    naam="Bijzondere bijstand",
    status=AanvraagStatus.toegekend,
    beoordeling="beoordeling-7",
    gemeentecode="0344",
    ingediend_op=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    gewijzigd_op=datetime(2026, 3, 5, 14, 0, tzinfo=UTC),
    toelichting="Toegekend.",
)
EVENT = aanvraag_event(
    AANVRAAG, AanvraagStatus.toegekend, oin="00000001234567890000", api_url="https://vil.test"
)


@dataclass
class Ontvangen:
    headers: dict[str, str]
    body: bytes


@dataclass
class Ontvanger:
    """A gemeente's endpoint: records each request and answers as told."""

    url: str = ""
    status: int = 204
    antwoord_headers: dict[str, str] = field(default_factory=dict)
    wacht: float = 0.0
    ontvangen: list[Ontvangen] = field(default_factory=list)


class StilleServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the time-out test) is expected


@pytest.fixture
def ontvanger() -> Iterator[Ontvanger]:
    staat = Ontvanger()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            staat.ontvangen.append(Ontvangen(headers, body))
            time.sleep(staat.wacht)  # not a timed wait: those can hang under libfaketime
            self.send_response(staat.status)
            for name, value in staat.antwoord_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = StilleServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    staat.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/vil"
    yield staat
    server.shutdown()
    server.server_close()


def verify(secret: str, ontvangen: Ontvangen) -> Any:
    """What a gemeente runs: the reference library's verify (it raises both error types)."""
    return Webhook(secret).verify(ontvangen.body, ontvangen.headers)


# --- delivery -----------------------------------------------------------------------------


def test_a_delivered_event_verifies_with_the_subscriptions_secret(ontvanger: Ontvanger) -> None:
    # Given a subscription with its own secret
    secret = generate_secret()
    # When VIL delivers an event to it
    result = deliver(EVENT, Abonnement(ontvanger.url, secret), lokaal=True)
    # Then it counts as delivered and the gemeente can verify it and read a CloudEvent
    assert result.outcome == Outcome.delivered
    assert result.status_code == 204
    (ontvangen,) = ontvanger.ontvangen
    assert verify(secret, ontvangen)["id"] == EVENT.id
    assert ontvangen.headers["content-type"] == "application/cloudevents+json"
    assert ontvangen.headers["webhook-id"] == EVENT.id
    assert abs(int(ontvangen.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 60
    message = HTTPMessage(headers=ontvangen.headers, body=ontvangen.body)
    cloudevent = from_structured_event(message)
    assert cloudevent.get_type() == "nl.vil.aanvraag.toegekend"
    assert AanvraagEvent.model_validate_json(ontvangen.body) == EVENT


def test_another_secret_does_not_verify(ontvanger: Ontvanger) -> None:
    deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    with pytest.raises(WebhookVerificationError):
        verify(generate_secret(), ontvanger.ontvangen[0])


def test_during_a_rotation_both_the_old_and_the_new_secret_verify(ontvanger: Ontvanger) -> None:
    # Given a subscription whose secret is being rotated
    oud, nieuw = generate_secret(), generate_secret()
    # When VIL delivers an event
    deliver(EVENT, Abonnement(ontvanger.url, nieuw, vorig_secret=oud), lokaal=True)
    # Then a gemeente still on the old secret and one already on the new both verify it
    (ontvangen,) = ontvanger.ontvangen
    assert len(ontvangen.headers["webhook-signature"].split(" ")) == 2
    assert verify(oud, ontvangen)["id"] == EVENT.id
    assert verify(nieuw, ontvangen)["id"] == EVENT.id


def test_every_attempt_of_one_event_carries_the_same_webhook_id(ontvanger: Ontvanger) -> None:
    abonnement = Abonnement(ontvanger.url, generate_secret())
    deliver(EVENT, abonnement, lokaal=True)
    deliver(EVENT, abonnement, lokaal=True)
    first, second = ontvanger.ontvangen
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == EVENT.id
    assert first.body == second.body


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_a_server_error_is_retried_later(ontvanger: Ontvanger, status: int) -> None:
    ontvanger.status = status
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    assert (result.outcome, result.status_code, result.retry_after) == (Outcome.retry, status, None)


def test_too_many_requests_is_retried_after_what_retry_after_says(ontvanger: Ontvanger) -> None:
    ontvanger.status = 429
    ontvanger.antwoord_headers = {"Retry-After": "120"}
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    assert (result.outcome, result.retry_after) == (Outcome.retry, 120.0)


def test_a_time_out_is_retried_later(ontvanger: Ontvanger) -> None:
    ontvanger.wacht = 2.0
    abonnement = Abonnement(ontvanger.url, generate_secret())
    result = deliver(EVENT, abonnement, lokaal=True, timeout=0.2)
    assert (result.outcome, result.status_code) == (Outcome.retry, None)
    assert result.reden == "time-out"


def test_a_refused_connection_is_retried_later() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = deliver(EVENT, Abonnement(f"http://127.0.0.1:{port}/", generate_secret()), lokaal=True)
    assert (result.outcome, result.status_code) == (Outcome.retry, None)


def test_gone_means_the_subscription_must_be_disabled(ontvanger: Ontvanger) -> None:
    ontvanger.status = 410
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    assert (result.outcome, result.status_code) == (Outcome.gone, 410)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
def test_another_client_error_is_refused(ontvanger: Ontvanger, status: int) -> None:
    ontvanger.status = status
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    assert (result.outcome, result.status_code) == (Outcome.refused, status)


def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(ontvanger: Ontvanger) -> None:
    ontvanger.status = 307
    ontvanger.antwoord_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()), lokaal=True)
    assert result.outcome == Outcome.retry
    assert len(ontvanger.ontvangen) == 1


def test_an_unsafe_target_gets_no_request(ontvanger: Ontvanger) -> None:
    # Without local mode, loopback is not a webhook target.
    result = deliver(EVENT, Abonnement(ontvanger.url, generate_secret()))
    assert (result.outcome, result.status_code) == (Outcome.refused, None)
    assert ontvanger.ontvangen == []


def test_the_connection_goes_to_the_address_that_was_checked(
    ontvanger: Ontvanger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a host name whose lookup is counted (a second lookup could answer differently)
    lookups = fake_dns(monkeypatch, {"gemeente.test": "127.0.0.1"})
    port = ontvanger.url.split(":")[2].split("/")[0]
    # When VIL delivers to it
    url = f"http://gemeente.test:{port}/webhooks/vil"
    result = deliver(EVENT, Abonnement(url, generate_secret()), lokaal=True)
    # Then the name was resolved once, and the request still names the host
    assert result.outcome == Outcome.delivered
    assert lookups == ["gemeente.test"]
    assert ontvanger.ontvangen[0].headers["host"] == f"gemeente.test:{port}"


# --- secrets ------------------------------------------------------------------------------


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert generate_secret() != secret


@pytest.mark.parametrize("secret", ["", "geheim", "whsec_!!!", "whsec_QUJD"])
def test_a_malformed_secret_is_refused_without_repeating_it(secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_") as error:
        Abonnement("https://gemeente.example/", secret)
    assert str(error.value) == "Een secret is 'whsec_' + base64 van 24 tot 64 bytes."


def test_a_subscription_never_shows_its_secrets() -> None:
    secret, vorig = generate_secret(), generate_secret()
    abonnement = Abonnement("https://gemeente.example/", secret, vorig_secret=vorig)
    assert secret not in repr(abonnement)
    assert vorig not in repr(abonnement)


# --- SSRF ---------------------------------------------------------------------------------


def fake_dns(monkeypatch: pytest.MonkeyPatch, names: dict[str, str | list[str]]) -> list[str]:
    """Answer `names` from the table, IP literals as the system does; anything else fails."""
    lookups: list[str] = []
    real: Callable[..., Any] = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            lookups.append(host)
            answer = names[host]
            addresses = [answer] if isinstance(answer, str) else answer
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in addresses
            ]
        if host in ("127.0.0.1", "::1"):
            return real(host, port, *args, **kwargs)  # httpcore connecting to a pinned address
        raise socket.gaierror(socket.EAI_NONAME, "unknown name")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("checking this URL needs no DNS lookup")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.usefixtures("no_dns")
@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/webhook",  # not HTTPS
        "https://127.0.0.1/webhook",  # loopback (the Lambda runtime API lives there)
        "https://10.0.0.1/webhook",  # private
        "https://169.254.169.254/latest/meta-data/",  # link-local: instance metadata
        "https://[::1]/webhook",  # IPv6 loopback
        "https://[::ffff:127.0.0.1]/webhook",  # IPv4 loopback inside IPv6
        "https://[2002:7f00:1::]/webhook",  # 6to4 around loopback
        "https://[fe80::1%25eth0]/webhook",  # IPv6 link-local with a zone
        "https://100.64.0.1/webhook",  # carrier-grade NAT: not public
        "https://224.0.0.1/webhook",  # multicast
        "https://0.0.0.0/webhook",  # unspecified
        "https://240.0.0.1/webhook",  # reserved
        "https://user:wachtwoord@93.184.216.34/webhook",  # credentials in the URL
        "ftp://93.184.216.34/webhook",
        "https:///webhook",
    ],
)
def test_an_internal_or_insecure_target_is_refused(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_target(url)


@pytest.mark.usefixtures("no_dns")
def test_a_public_address_is_accepted_without_connecting_or_resolving() -> None:
    target = check_target("https://93.184.216.34/webhooks/vil")
    assert [str(address) for address in target.addresses] == ["93.184.216.34"]


@pytest.mark.usefixtures("no_dns")
def test_local_mode_allows_http_on_loopback_only() -> None:
    assert check_target("http://127.0.0.1:3000/webhook", lokaal=True).addresses
    with pytest.raises(UnsafeTargetError):
        check_target("http://10.0.0.1/webhook", lokaal=True)
    with pytest.raises(UnsafeTargetError):
        check_target("https://169.254.169.254/", lokaal=True)


def test_a_host_name_is_judged_by_every_address_it_resolves_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(
        monkeypatch,
        {
            "webhooks.gemeente.nl": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
            "intern.gemeente.nl": "10.1.2.3",
            "half.gemeente.nl": ["93.184.216.34", "127.0.0.1"],
            "rebind.gemeente.nl": "::ffff:169.254.169.254",
        },
    )
    assert len(check_target("https://webhooks.gemeente.nl/vil").addresses) == 2
    for host in ("intern", "half", "rebind"):
        with pytest.raises(UnsafeTargetError):
            check_target(f"https://{host}.gemeente.nl/vil")


def test_an_unknown_host_is_refused_at_registration_and_retried_at_delivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {})
    with pytest.raises(UnresolvableTargetError):
        check_target("https://weg.gemeente.nl/vil")
    result = deliver(EVENT, Abonnement("https://weg.gemeente.nl/vil", generate_secret()))
    assert result.outcome == Outcome.retry


def test_https_is_pinned_to_the_checked_address_with_the_host_name_for_tls() -> None:
    # TLS still verifies the certificate against the host name (SNI), not the address.
    address = ipaddress.ip_address("93.184.216.34")
    target = Target(httpx.URL("https://webhooks.gemeente.nl:8443/vil?k=1"), (address,))
    url, headers, extensions = _pinned(target)
    assert str(url) == "https://93.184.216.34:8443/vil?k=1"
    assert headers == {"Host": "webhooks.gemeente.nl:8443"}
    assert extensions == {"sni_hostname": "webhooks.gemeente.nl"}
