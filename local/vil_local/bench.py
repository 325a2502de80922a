"""`vil local bench`: handler import times, and latency and throughput through the local stack.

Loopback only, bounded by a request count. The local stack runs the real handlers, authorizer,
moto and the fake government in one process, so these figures measure VIL's own code paths
end to end on this machine — not API Gateway or DynamoDB latency on AWS.
"""

import itertools
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
from stdnum.nl import bsn as elfproef

from vil.bench import fresh_ms
from vil_local import aws, tokens
from vil_local.demo import AANVULLING, IBAN, MOMENT
from vil_local.lokaal import LokaleStack
from vil_local.template import ROOT

IMPORT = "import time; t = time.perf_counter(); import functions.{}.app; print((time.perf_counter() - t) * 1000)"  # noqa: E501
HUISHOUDEN = {
    "peildatum": "2026-06-01",
    "huishouden": {
        "gemeentecode": "0344",
        "aanvrager": {"geboortedatum": "1980-01-01", "zorgverzekerd": True,
                      "toetsingsinkomen": 21000, "vermogen": 1000},
    },
}  # fmt: skip


def import_ms(folder: str, runs: int = 7) -> float:
    """The median import time of a function's handler module, each in a fresh interpreter,
    every module from its bytecode (vil.bench.fresh_ms)."""
    return fresh_ms(IMPORT.format(folder), runs, cwd=ROOT)


def measure(call: Callable[[], None], requests: int, workers: int) -> dict[str, float]:
    """p50/p99 latency in ms and requests per second over `requests` calls."""
    latencies: list[float] = []

    def one(_: int) -> None:
        start = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "p50Ms": round(statistics.median(latencies), 1),
        "p99Ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "requestsPerSecond": round(requests / elapsed, 1),
    }


def run(requests: int = 200, workers: int = 4) -> dict[str, Any]:
    folders = sorted(p.parent.name for p in (ROOT / "functions").glob("*/app.py"))
    imports = {folder: round(import_ms(folder), 1) for folder in folders}
    nummers = (str(n) for n in itertools.count(999_960_000) if elfproef.is_valid(str(n)))
    volgende = threading.Lock()

    def nieuwe_bsn() -> str:
        with volgende:  # a generator is not thread-safe
            return next(nummers)

    # On the demo's day, whose amounts are in rules/: on another day the same requests could
    # take other paths (an estimate is never granted on the spot).
    with (
        LokaleStack(port=0, nu=MOMENT) as stack,
        httpx.Client(base_url=stack.url + "/v1", timeout=60) as api,
    ):

        def anoniem() -> None:
            api.post("/beoordelingen", json=HUISHOUDEN).raise_for_status()

        def beoordelen_en_aanvragen() -> None:
            burger = {"Authorization": f"Bearer {tokens.burger_token(nieuwe_bsn())}"}
            beoordeling = api.post(
                "/beoordelingen",
                json={"correcties": {**AANVULLING, "huishouden.gemeentecode": "0344"}},
                headers=burger,
            ).json()
            antwoord = api.post(
                "/aanvragen",
                json={"beoordeling": beoordeling["id"], "iban": IBAN,
                      "regelingen": ["kwijtschelding-gemeentelijke-belastingen"]},
                headers={**burger, "Idempotency-Key": str(uuid.uuid4())},
            )  # fmt: skip
            if antwoord.is_error:
                raise RuntimeError(antwoord.text)

        anoniem()  # warm: the first request loads the catalogue
        anonymous = measure(anoniem, requests, workers)
        submit = measure(beoordelen_en_aanvragen, requests // 4, workers)
        afleveringen = deliveries(stack)
        checks = maandchecks(stack, requests // 4)
    return {
        "importMs": imports,
        "anoniemeBeoordeling": anonymous,
        "beoordelingEnAanvraag": submit,
        "webhookAfleveringen": afleveringen,
        "maandchecks": checks,
        "requests": requests,
        "workers": workers,
    }


def deliveries(stack: LokaleStack) -> dict[str, float]:
    """Deliveries per second of the events the aanvragen above wrote to the outbox: the relay
    from the stream, then one signed POST each to the receiver, which verifies it."""
    voor = len(stack.ontvanger.afgeleverd())
    start = time.perf_counter()
    stack.verwerk()
    elapsed = time.perf_counter() - start
    aantal = len(stack.ontvanger.afgeleverd()) - voor
    return {"afleveringen": aantal, "perSeconde": round(aantal / elapsed, 1),
            "msPerAflevering": round(elapsed * 1000 / max(aantal, 1), 1)}  # fmt: skip


def maandchecks(stack: LokaleStack, aantal: int) -> dict[str, float]:
    """Checks per second of one function instance: `aantal` residents like 999993653 (copies
    under new BSNs, consenting to every source for both purposes, with a beoordeling), each
    schedule's payload on the queue, then the queue drained into the check function."""
    from vil.adapters.planner import payload
    from vil.samenstelling import maandcheck

    sqs = boto3.client("sqs", region_name=aws.REGION)
    url = sqs.get_queue_url(QueueName="MaandcheckWachtrij")["QueueUrl"]
    berichten = []
    with httpx.Client(base_url=stack.url + "/v1", timeout=60) as api:
        for _ in range(aantal):
            bsn = stack.overheid.kopie("999993653")
            burger = {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}
            for bron in ("brp", "belastingdienst", "uwv", "svb"):
                doelen = {"doelen": ["aanvragen", "maandcheck"]}
                api.put(f"/toestemmingen/{bron}", json=doelen, headers=burger).raise_for_status()
            api.post("/beoordelingen", json={"correcties": AANVULLING}, headers=burger)
            berichten.append(payload(maandcheck().sleutels.pseudoniem(bsn)))
    stack.verwerk()  # what the requests above left to do is not part of the figure
    for body in berichten:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    start = time.perf_counter()
    stack.verwerk()
    elapsed = time.perf_counter() - start
    return {"checks": aantal, "perSeconde": round(aantal / elapsed, 1),
            "msPerCheck": round(elapsed * 1000 / aantal, 1)}  # fmt: skip


def main() -> int:
    """One table a person reads, then the figures as one JSON line (last, for scripts)."""
    figures = run()
    print("handler import (ms, median of 7): " + ", ".join(
        f"{folder} {ms}" for folder, ms in figures["importMs"].items()
    ))  # fmt: skip
    rows = [
        ("anonymous POST /v1/beoordelingen", figures["anoniemeBeoordeling"]),
        ("authenticated beoordeling + aanvraag", figures["beoordelingEnAanvraag"]),
    ]
    print(f"{'path through the local stack':<40}{'p50 ms':>9}{'p99 ms':>9}{'per second':>12}")
    for naam, cijfers in rows:
        print(f"{naam:<40}{cijfers['p50Ms']:>9}{cijfers['p99Ms']:>9}"
              f"{cijfers['requestsPerSecond']:>12}")  # fmt: skip
    afleveringen, checks = figures["webhookAfleveringen"], figures["maandchecks"]
    print(f"{'webhook delivery (relay, signed POST)':<40}{afleveringen['msPerAflevering']:>9}"
          f"{'':>9}{afleveringen['perSeconde']:>12}")  # fmt: skip
    print(f"{'monthly check, one function instance':<40}{checks['msPerCheck']:>9}"
          f"{'':>9}{checks['perSeconde']:>12}")  # fmt: skip
    print(json.dumps(figures))
    return 0
