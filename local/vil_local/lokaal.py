"""`vil local`: everything on loopback, no Docker — moto, the fake government, the API router.

The same stack serves `make run` and the integration tests (on port 0). The environment each
function gets comes from template.yaml, with local values: tables and keys made in moto from
the template, the fake government's URLs, and the dev issuer's JWKS served at /_local/.
"""

import json
import os
from types import TracebackType
from typing import Self

from vil.models.toestemming import Bron
from vil_local import aws, tokens
from vil_local.overheid import Overheid
from vil_local.stack import Reply, Router, Server, environment, serve_forever_in_thread

JWKS_PATH = "/_local/jwks.json"
OIN = "00000009999999999000"  # a made-up OIN: the local events' source


class LokaleStack:
    """Start with `with LokaleStack(port) as stack:`; `stack.url` is the API's base URL."""

    def __init__(self, port: int = 3000) -> None:
        self.port = port
        self.overheid = Overheid()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> Self:
        os.environ.update(aws.FAKE_CREDENTIALS)
        self.moto = aws.start()
        tables, keys = aws.create_tables(), aws.create_keys()
        queues, groups = aws.create_queues(), aws.create_schedule_groups()
        self.overheid.start()
        self.server = Server(self.port, Router(), self._local)
        os.environ.update(
            environment(
                {
                    "TABEL": tables["Tabel"],
                    "AUDIT_TABEL": tables["AuditTabel"],
                    "IDEMPOTENTIE_TABEL": tables["IdempotentieTabel"],
                    "PSEUDONIEM_SLEUTEL": keys["PseudoniemSleutel"],
                    "PSEUDONIEM_SLEUTEL_VERSIE": "1",
                    "GEGEVENS_SLEUTEL": keys["GegevensSleutel"],
                    "BRP_URL": self.overheid.url(Bron.brp),
                    "BELASTINGDIENST_URL": self.overheid.url(Bron.belastingdienst),
                    "UWV_URL": self.overheid.url(Bron.uwv),
                    "SVB_URL": self.overheid.url(Bron.svb),
                    "BRON_TIMEOUT_SECONDEN": "3",
                    "MAANDCHECK_WACHTRIJ": queues["MaandcheckWachtrij"],
                    "MAANDCHECK_ROL": aws.role_arn("MaandcheckPlannerRol"),
                    "MAANDCHECK_GROEP": groups["MaandcheckGroep"],
                    "OIN": OIN,
                    "API_URL": self.url,
                    **tokens.authorizer_environment(self.url + JWKS_PATH),
                }
            )
        )
        _clear_caches()
        serve_forever_in_thread(self.server)
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.overheid.stop()
        self.moto.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _local(self, method: str, path: str, body: bytes) -> Reply | None:
        """Local-only routes under /_local/ (not part of the API or its OpenAPI document)."""
        if method == "GET" and path == JWKS_PATH:
            return 200, {"Content-Type": "application/json"}, json.dumps(tokens.jwks()).encode()
        return None


def _clear_caches() -> None:
    """Factories cached per process read the environment: start them afresh for this stack."""
    from functions.authorizer.app import tokencontrole
    from vil import samenstelling
    from vil.adapters import dynamodb, planner, sleutels
    from vil.adapters.bronnen import source_clients
    from vil.services import aanvragen, maandcheck

    for cached in (
        samenstelling.diensten,
        dynamodb.table,
        sleutels.kms,
        planner.scheduler,
        source_clients,
        aanvragen._idempotent,
        maandcheck._idempotent,
        tokencontrole,
    ):
        cached.cache_clear()
