"""`vil bench`: speed and memory of the rules engine on generated households (fixed seed)."""

import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus
from vil.rules.feiten import month_start
from vil.settings import RulesSettings

PEILDATUM = date(2026, 6, 1)
SEED = 20261128
GEMEENTEN = ["0344", "0307", "0214", "0363"]
COLD_START = """
import time
start = time.perf_counter()
from vil.rules import Catalogus
from vil.settings import RulesSettings
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


def cold_start_ms(runs: int = 5) -> float:
    """Import, load and compile every rule in a fresh interpreter; the median of `runs`."""
    timings = [
        float(
            subprocess.run(
                [sys.executable, "-c", COLD_START], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(timings)


def run(households: int = 10_000, regeling: str | None = None) -> dict[str, Any]:
    """Print the figures as it goes; return the summary that `vil bench` prints last."""
    cold = cold_start_ms()
    print(f"cold start (import, load, compile): {cold:.1f} ms")
    catalogus = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    chosen = [regeling] if regeling else None
    count = len(catalogus.evaluate(next(generate(1)), PEILDATUM, None, chosen).resultaten)
    timings = []
    for huishouden in generate(households):
        start = time.perf_counter_ns()
        catalogus.evaluate(huishouden, PEILDATUM, None, chosen)
        timings.append((time.perf_counter_ns() - start) / 1000)
    timings.sort()
    median = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{households} households x {count} regelingen on {PEILDATUM}")
    print(f"per household: median {median:.0f} µs, p99 {p99:.0f} µs")
    print(f"peak memory (max RSS): {peak:.1f} MiB")
    return {
        "coldStartMs": round(cold, 1),
        "usPerHouseholdMedian": round(median, 1),
        "usPerHouseholdP99": round(p99, 1),
        "peakMemoryMiB": round(peak, 1),
        "households": households,
        "regelingen": count,
    }
