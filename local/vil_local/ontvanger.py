"""A gemeente on the laptop: receives webhooks, verifies every signature, prints each event.

Each gemeente has its own path (`/gemeente/<code>`), so the receiver knows whose secrets verify
the request. `storing` makes it answer an error (an outage) until it is cleared.
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass(frozen=True)
class Ontvangst:
    gemeentecode: str
    webhook_id: str
    geldig: bool  # the signature verified with one of the gemeente's secrets
    status: int  # what the receiver answered
    event: dict[str, Any]


class Ontvanger(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, stil: bool = True) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.geheimen: dict[str, list[str]] = {}  # gemeentecode -> secrets, newest first
        self.ontvangen: list[Ontvangst] = []
        self.storing: int | None = None  # answer this status to everything (an outage)
        self.stil = stil
        self.lock = threading.Lock()

    def url(self, gemeentecode: str) -> str:
        return f"http://127.0.0.1:{self.server_port}/gemeente/{gemeentecode}"

    def geheim(self, gemeentecode: str, secret: str) -> None:
        with self.lock:
            self.geheimen[gemeentecode] = [secret, *self.geheimen.get(gemeentecode, [])]

    def afgeleverd(self, gemeentecode: str | None = None) -> list[Ontvangst]:
        """The events accepted (2xx) with a valid signature."""
        return [
            o for o in self.ontvangen
            if o.geldig and o.status < 300 and gemeentecode in (None, o.gemeentecode)
        ]  # fmt: skip

    def ontvang(self, gemeentecode: str, headers: dict[str, str], body: bytes) -> int:
        geldig = any(_verifieer(s, headers, body) for s in self.geheimen.get(gemeentecode, []))
        status = self.storing or (204 if geldig else 401)
        event = json.loads(body) if geldig else {}
        with self.lock:
            self.ontvangen.append(
                Ontvangst(gemeentecode, headers.get("webhook-id", ""), geldig, status, event)
            )
        if not self.stil:
            soort = (
                "regeling" if str(event.get("type")).startswith("nl.vil.regeling.") else "aanvraag"
            )
            wat = f"{event.get('type')} {soort} {event.get('subject')}" if geldig else "?"
            print(
                f"[gemeente {gemeentecode}] {status} {wat}"
                f" ({'handtekening klopt' if geldig else 'ONGELDIGE handtekening'})",
                flush=True,
            )
        return status


def _verifieer(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        Webhook(secret).verify(body, headers)
    except (WebhookVerificationError, ValueError):  # a malformed header is a ValueError
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    server: Ontvanger
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        deel = self.path.strip("/").split("/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        status = self.server.ontvang(deel[1], headers, body) if len(deel) == 2 else 404
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: `ontvang` prints what matters."""
