"""`vil local`: everything on loopback, no Docker — moto, the fake government, the API router,
the domain clock with what AWS does between the functions, and a receiver playing the gemeenten.

The same stack serves `make run` and the integration tests (on port 0). The environment each
function gets comes from template.yaml, with local values: tables and keys made in moto from
the template, the fake government's URLs, and the dev issuer's JWKS served at /_local/.
"""

import json
import os
import threading
import time
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import AwareDatetime, BaseModel, ValidationError, model_validator

from vil.models.toestemming import Bron
from vil.samenstelling import catalogus
from vil_local import aws, digid, tokens
from vil_local.klok import Klok, duur
from vil_local.ontvanger import Ontvanger
from vil_local.overheid import CCBR, Overheid
from vil_local.pomp import Pomp
from vil_local.stack import Reply, Router, Server, environment, serve_forever_in_thread

JWKS_PATH = "/_local/jwks.json"
OIN = "00000009999999999000"  # a made-up OIN: the local events' source


class _Klok(BaseModel):
    """Move the clock on by `duur` ('31d'), or put it at the moment `nu` (later or earlier)."""

    duur: str | None = None
    nu: AwareDatetime | None = None

    @model_validator(mode="after")
    def _een_van_beide(self) -> Self:
        if (self.duur is None) == (self.nu is None):
            raise ValueError("geef duur (bijvoorbeeld 31d) of nu (een moment), niet allebei")
        return self


class _Kopie(BaseModel):
    zoals: str


class _Feit(BaseModel):
    pad: str
    waarde: Any


class LokaleStack:
    """Start with `with LokaleStack(port) as stack:`; `stack.url` is the API's base URL.

    With `achtergrond` (the `vil local` command) due work runs every second by itself; tests
    leave it off and call `verwerk()` or `klok`-moving `vooruit()` where they want it to run.
    The domain clock starts at `nu` (or else the real now) and runs on from there.
    """

    def __init__(
        self,
        port: int = 3000,
        achtergrond: bool = False,
        stil: bool = True,
        nu: datetime | None = None,
    ) -> None:
        self.port = port
        self.achtergrond = achtergrond
        self.overheid = Overheid()
        self.klok = Klok(nu)
        # The receiver next to the API (3001 beside 3000); any free port when the API has one.
        self.ontvanger = Ontvanger(port + 1 if port else 0, stil=stil)
        self.gestopt = threading.Event()
        self.digid = digid.DigidSimulatie(lambda: self.overheid.personen)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> Self:
        os.environ.update(aws.FAKE_CREDENTIALS)
        self.moto = aws.start()
        tables, keys = aws.create_tables(), aws.create_keys()
        queues, groups = aws.create_queues(), aws.create_schedule_groups()
        self.overheid.start()
        router = Router()
        self.server = Server(self.port, router, self._local)
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
                    "CCBR_URL": self.overheid.url(CCBR),
                    "CCBR_TIMEOUT_SECONDEN": "3",
                    "MAANDCHECK_WACHTRIJ": queues["MaandcheckWachtrij"],
                    "MAANDCHECK_ROL": aws.role_arn("MaandcheckPlannerRol"),
                    "MAANDCHECK_GROEP": groups["MaandcheckGroep"],
                    "OIN": OIN,
                    "API_URL": self.url,
                    "WEBHOOK_WACHTRIJ": aws.queue_url(queues["WebhookWachtrij"]),
                    "IMPACT_WACHTRIJ": aws.queue_url(queues["ImpactWachtrij"]),
                    "WEBHOOKS_LOKAAL": "true",
                    "LOKET_URL": self.url,
                    "LOKET_CLIENT_ID": digid.CLIENT_ID,
                    "LOKET_AUTHORIZE_URL": self.url + digid.AUTHORIZE_PATH,
                    "LOKET_TOKEN_URL": self.url + digid.TOKEN_PATH,
                    # eHerkenning (hulpverleners, beheerders) in the same simulation, a
                    # confidential client whose secret is in (moto's) Secrets Manager
                    "EHERKENNING_CLIENT_ID": digid.EHERKENNING_CLIENT_ID,
                    "EHERKENNING_CLIENT_GEHEIM": aws.create_secret(
                        "vil-lokaal-eherkenning-client", digid.EHERKENNING_GEHEIM
                    ),
                    "EHERKENNING_AUTHORIZE_URL": self.url + digid.AUTHORIZE_PATH,
                    "EHERKENNING_TOKEN_URL": self.url + digid.TOKEN_PATH,
                    "EHERKENNING_SCOPES": "openid",
                    "EHERKENNING_GEMEENTEN": digid.GEMEENTEN,
                    "EHERKENNING_BEHEERROL": "beheerder",
                    # The theme: `LOKET_THEMA=mooi-en-anders vil local` tries another one
                    "LOKET_THEMA": os.environ.get("LOKET_THEMA", "voorbeeld"),
                    **tokens.authorizer_environment(self.url + JWKS_PATH),
                }
            )
        )
        _clear_caches()
        self.klok.installeer()
        self.pomp = Pomp(self.klok, router.lock, queues)
        serve_forever_in_thread(self.server)
        serve_forever_in_thread(self.ontvanger)
        self._abonneer_ontvanger()
        if self.achtergrond:
            threading.Thread(target=self._werk, daemon=True).start()
        return self

    def verwerk(self) -> int:
        """Run everything that is due now (schedules, the outbox, deliveries)."""
        return self.pomp.leeg()

    def vooruit(self, tekst: str) -> datetime:
        """Move the domain clock ('90m', '2h', '31d') and run what became due on the way."""
        self.pomp.vooruit(duur(tekst))
        return self.klok.nu()

    def zet(self, moment: datetime) -> datetime:
        """Put the domain clock at a moment (later or earlier), as if the stack started then:
        schedules due in between do not fire. Then run what is due."""
        self.pomp.zet(moment)
        self.verwerk()
        return self.klok.nu()

    def _werk(self) -> None:
        # A sleep, not a timed Event.wait: under libfaketime (the date sweep of `make test`)
        # timed lock waits can hang, sleeps do not.
        while not self.gestopt.is_set():
            time.sleep(1.0)
            try:
                self.pomp.leeg()
            except Exception as error:  # keep serving; say what went wrong
                print(f"vil local: achtergrondwerk mislukt: {error!r}", flush=True)

    def _abonneer_ontvanger(self) -> None:
        """Subscribe the receiver for every gemeente of the catalogue, through the API."""
        gemeenten = {
            code
            for regel in catalogus().actueel().in_force(self.klok.nu().date())
            for code in regel.regeling.gemeenten or {}
        }
        for code in sorted(gemeenten):
            antwoord = httpx.post(
                f"{self.url}/v1/abonnementen",
                json={"callbackUrl": self.ontvanger.url(code)},
                headers={"Authorization": f"Bearer {tokens.gemeente_token(code)}"},
            )
            antwoord.raise_for_status()
            self.ontvanger.geheim(code, antwoord.json()["secret"])

    def stop(self) -> None:
        self.gestopt.set()
        self.ontvanger.shutdown()
        self.ontvanger.server_close()
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

    def _local(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Reply | None:
        """Local-only routes under /_local/ (not part of the API or its OpenAPI document)."""
        if method == "GET" and path == JWKS_PATH:
            return _json(200, tokens.jwks())
        if path.startswith("/_local/digid/"):  # the DigiD simulation (the loket's login)
            return self.digid.route(method, path, query, body, headers)
        if method == "GET" and path == "/_local/ontvanger":
            return _json(200, [o.event for o in self.ontvanger.afgeleverd()])
        if method != "POST":
            return None
        try:
            return self._local_post(path, body)
        except (ValidationError, ValueError, KeyError) as error:
            return _json(400, {"title": "Ongeldig verzoek", "detail": str(error)})

    def _local_post(self, path: str, body: bytes) -> Reply | None:
        """The clock, a copy of a test person, a fact of a test person."""
        if path == "/_local/klok":
            klok = _Klok.model_validate_json(body)
            if klok.nu is not None:
                return _json(200, {"nu": self.zet(klok.nu).isoformat()})
            assert klok.duur is not None  # _Klok has one of the two
            return _json(200, {"nu": self.vooruit(klok.duur).isoformat()})
        if path == "/_local/overheid":
            return _json(201, {"bsn": self.overheid.kopie(_Kopie.model_validate_json(body).zoals)})
        if path.startswith("/_local/overheid/"):
            feit = _Feit.model_validate_json(body)
            persoon = self.overheid.set_fact(path.rsplit("/", 1)[1], feit.pad, feit.waarde)
            return _json(200, persoon.model_dump(mode="json", by_alias=True))
        return None


def _json(status: int, body: Any) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _clear_caches() -> None:
    """Factories cached per process read the environment: start them afresh for this stack."""
    from vil import samenstelling
    from vil.adapters import dynamodb, idempotentie, planner, sleutels, wachtrij
    from vil.adapters.bronnen import source_clients

    for cached in (
        *samenstelling.FABRIEKEN,
        *samenstelling.GEDEELD,
        wachtrij.sqs,
        dynamodb.table,
        sleutels.kms,
        planner.scheduler,
        source_clients,
        idempotentie._eenmaal,
    ):
        cached.cache_clear()
