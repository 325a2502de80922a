"""`vil bench`: speed and memory of the rules engine on generated households (fixed seed)."""

import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus, snel
from vil.rules.feiten import ATTRIBUTES, month_start
from vil.settings import RulesSettings

PEILDATUM = date(2026, 6, 1)
SEED = 20261128
GEMEENTEN = ["0344", "0307", "0214", "0363"]
COLD_START = """
import time
start = time.perf_counter()
from vil import opgestart
from vil.rules import Catalogus
from vil.settings import RulesSettings
opgestart()  # a function's first request, which loads the rules
Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
print((time.perf_counter() - start) * 1000)
"""


def generate(count: int, seed: int = SEED) -> Iterator[Huishouden]:
    """Varied households: alone or together, children, rent, incomes, vermogen, history.

    Made one at a time, so that peak memory measures the engine, not the test data.
    """
    rng = random.Random(seed)

    def money(low: int, high: int) -> Decimal:
        return Decimal(rng.randint(low * 100, high * 100)) / 100

    def person(born_from: int, born_to: int) -> dict[str, Any]:
        return {
            "geboortedatum": date(
                rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28)
            ),
            "zorgverzekerd": rng.random() < 0.97,
            "toetsingsinkomen": money(0, 70_000),
            "vermogen": money(0, 60_000) if rng.random() < 0.9 else money(60_000, 250_000),
            "student": rng.random() < 0.05,
            "studentAfgelopenDrieJaar": rng.random() < 0.1,
            "geenUitzichtOpInkomensverbetering": rng.random() < 0.5,
        }

    for _ in range(count):
        netto = money(900, 4_000)
        yield (
            Huishouden.model_validate(
                {
                    "gemeentecode": rng.choice(GEMEENTEN),
                    "aanvrager": person(1950, 2007),
                    "partner": person(1950, 2007) if rng.random() < 0.5 else None,
                    "kinderen": [
                        {
                            "geboortedatum": date(rng.randint(2005, 2025), rng.randint(1, 12), 15),
                            "kinderbijslag": rng.random() < 0.9,
                            "toetsingsinkomen": money(0, 8_000),
                        }
                        for _ in range(rng.choice([0, 0, 1, 2, 3]))
                    ],
                    "woning": {
                        "huurwoning": rng.random() < 0.6,
                        "zelfstandig": rng.random() < 0.95,
                        "kaleHuur": money(300, 1_400),
                        "nettoWoonlasten": money(300, 1_400),
                    },
                    "nettoInkomenPerMaand": netto,
                    "inkomenshistorie": [
                        {
                            "maand": month_start(PEILDATUM, back),
                            "nettoInkomen": netto + money(-100, 100),
                        }
                        for back in range(1, 37)
                    ],
                    "gemeentelijkeBelastingen": money(200, 1_200),
                }
            )
        )


def fresh_ms(code: str, runs: int = 5, cwd: Path | None = None) -> float:
    """The median of the milliseconds `code` prints last, over `runs` fresh interpreters, each
    started as Lambda starts a function (the collector rests while it loads: vil/__init__.py).
    Every module starts from its bytecode, written by a first start that is not timed: as a
    machine keeps it after its first start, and as `make build` ships the layer
    (docs/decisions.md, "Bytecode in the layer")."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["AWS_LAMBDA_FUNCTION_NAME"] = "vil-bench"
    with tempfile.TemporaryDirectory() as bytecode:
        command = [sys.executable, "-X", f"pycache_prefix={bytecode}", "-c", code]
        timings = [
            float(
                subprocess.run(
                    command, check=True, capture_output=True, text=True, env=environment, cwd=cwd
                ).stdout.split()[-1]
            )
            for _ in range(runs + 1)
        ]
    return statistics.median(timings[1:])


def cold_start_ms(runs: int = 5) -> float:
    """Import, load and compile every rule in a fresh interpreter (`fresh_ms`)."""
    return fresh_ms(COLD_START, runs)


def generate_ms(catalogus: Catalogus) -> float:
    """Generating and compiling the fast path's functions of every regeling in force (done
    when a regeling version first decides, not at load)."""
    regels = catalogus.in_force(PEILDATUM)
    start = time.perf_counter()
    for regel in regels:
        regel.plan = snel.plan(regel, ATTRIBUTES)
    return (time.perf_counter() - start) * 1000


def reference() -> Catalogus:
    """The rules without the fast path: every expression by zen (the reference engine)."""
    engine = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    for regeling_id in engine.ids:
        for versie in engine.versions(regeling_id):
            versie.regel.plan = None
    return engine


def _median_us(catalogus: Catalogus, households: int, **kwargs: Any) -> tuple[float, float]:
    """Median and p99 of the time per household, in µs (`explain`: with the explanation)."""
    explain = kwargs.pop("explain")
    evaluate = catalogus.evaluate if explain else catalogus.decide
    timings = []
    for huishouden in generate(households):
        start = time.perf_counter_ns()
        evaluate(huishouden, PEILDATUM, None, kwargs.get("regelingen"))
        timings.append((time.perf_counter_ns() - start) / 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.99))]


BATCHES = 5  # one core's batches, timed one after the other (`batch`)
_WORKER: Catalogus | None = None  # a batch worker process's catalogue, loaded once


def _load_worker() -> None:
    global _WORKER  # one catalogue per worker process
    _WORKER = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)


def _decide_generated(task: tuple[int, int]) -> float:
    """A worker's share: its own households (its own seed), decided; the seconds it took."""
    assert _WORKER is not None
    count, seed = task
    data = list(generate(count, seed))
    start = time.perf_counter()
    _WORKER.decide_many(data, PEILDATUM)
    return time.perf_counter() - start


def batch(catalogus: Catalogus, households: int, parameter: str | None = None) -> dict[str, float]:
    """Households per second for a batch, decisions only: on one core, the median of `BATCHES`
    batches (with the slowest and the fastest: one batch alone moves with the machine's
    neighbours); on all cores, each worker process with its own catalogue and its own share
    of the households (as each would read its share from the store), all deciding at the
    same time; and on one core for only the regelingen that a change of `parameter` affects."""
    data = list(generate(households))
    rates = []
    for _ in range(BATCHES):
        start = time.perf_counter()
        catalogus.decide_many(data, PEILDATUM)
        rates.append(households / (time.perf_counter() - start))
    figures = {
        "perCore": statistics.median(rates),
        "perCoreMin": min(rates),
        "perCoreMax": max(rates),
    }
    cores = os.cpu_count() or 1
    share = households // cores
    with multiprocessing.get_context("spawn").Pool(cores, initializer=_load_worker) as pool:
        pool.map(_decide_generated, [(1, SEED)] * cores)  # every worker loaded before timing
        seconds = pool.map(_decide_generated, [(share, SEED + i) for i in range(cores)])
    figures["allCores"] = share * cores / max(seconds)
    figures["cores"] = cores
    if parameter:
        affected = catalogus.affected_by(parameter, PEILDATUM)
        start = time.perf_counter()
        catalogus.decide_many(data, PEILDATUM, affected)
        figures["changedParameter"] = households / (time.perf_counter() - start)
        figures["affected"] = len(affected)
    return figures


def run(
    households: int = 10_000,
    regeling: str | None = None,
    batch_households: int = 0,
    parameter: str = "standaardpremie",
) -> dict[str, Any]:
    """Print the figures as one table; return the summary that `vil bench` prints last."""
    cold = cold_start_ms()
    catalogus = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    generated = generate_ms(catalogus)
    chosen = [regeling] if regeling else None
    count = len(catalogus.decide(next(generate(1)), PEILDATUM, None, chosen))
    left_before = snel.TELLING.terugval
    decide, decide_p99 = _median_us(catalogus, households, explain=False, regelingen=chosen)
    explain, explain_p99 = _median_us(catalogus, households, explain=True, regelingen=chosen)
    left = (snel.TELLING.terugval - left_before) / (2 * households) * 1000
    alone, _ = _median_us(catalogus, households, explain=False, regelingen=["zorgtoeslag"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the reference
    engine = reference()
    sample = min(households, 2_000)  # the reference is slow: fewer households, same seed
    ref_decide, _ = _median_us(engine, sample, explain=False, regelingen=chosen)
    ref_explain, _ = _median_us(engine, sample, explain=True, regelingen=chosen)
    rows = [
        ("cold start (import, load, compile)", f"{cold:.0f} ms"),
        ("fast path: generating its functions (on first use)", f"{generated:.0f} ms"),
        (f"{count} regelingen, decision only: median (p99)", f"{decide:.0f} µs ({decide_p99:.0f})"),
        (
            f"{count} regelingen, with explanation: median (p99)",
            f"{explain:.0f} µs ({explain_p99:.0f})",
        ),
        ("zorgtoeslag alone, decision only: median", f"{alone:.0f} µs"),
        ("decisions left to the reference engine, per 1,000 households", f"{left:.1f}"),
        (f"reference engine, {count} regelingen, decision only: median", f"{ref_decide:.0f} µs"),
        (
            f"reference engine, {count} regelingen, with explanation: median",
            f"{ref_explain:.0f} µs",
        ),
    ]
    figures: dict[str, float] = {}
    if batch_households:
        figures = batch(catalogus, batch_households, parameter)
        rows += [
            (
                f"batch, decisions only, one core: median of {BATCHES} (slowest, fastest)",
                f"{figures['perCore']:,.0f} households/s ({figures['perCoreMin']:,.0f},"
                f" {figures['perCoreMax']:,.0f})",
            ),
            (
                f"batch, all {figures['cores']:.0f} cores (worker processes)",
                f"{figures['allCores']:,.0f} households/s",
            ),
            (
                f"batch, one core, only the {figures['affected']:.0f} regeling(en) a change of"
                f" {parameter} affects",
                f"{figures['changedParameter']:,.0f} households/s",
            ),
        ]
    rows.append(("peak memory (max RSS)", f"{peak:.0f} MiB"))
    print(f"{households} households on {PEILDATUM} (batch: {batch_households or 'not run'})")
    table(rows)
    return {
        "coldStartMs": round(cold, 1),
        "generateMs": round(generated, 1),
        "leftToReferencePer1000": round(left, 2),
        "usReferenceDecisionMedian": round(ref_decide, 1),
        "usReferenceMedian": round(ref_explain, 1),
        "usPerHouseholdMedian": round(explain, 1),
        "usPerHouseholdP99": round(explain_p99, 1),
        "usPerHouseholdDecisionMedian": round(decide, 1),
        "usPerHouseholdDecisionP99": round(decide_p99, 1),
        "usZorgtoeslagDecisionMedian": round(alone, 1),
        **{f"batch{k[0].upper()}{k[1:]}": round(v, 1) for k, v in figures.items()},
        "peakMemoryMiB": round(peak, 1),
        "households": households,
        "regelingen": count,
    }


def table(rows: list[tuple[str, str]], heading: tuple[str, str] = ("figure", "value")) -> None:
    """Print the figures as a Markdown table, as the README shows them."""
    width = max(len(name) for name, _ in [heading, *rows])
    for name, value in [heading, ("-" * width, "-----"), *rows]:
        print(f"| {name.ljust(width)} | {value} |")
