"""`vil bench --impact`: the impact of a version on a large population (issue 13: 100,000
households in under a minute), timed as the impact worker runs it: households read from their
stored JSON, read as stored (`opgeslagen_lijst`), decided under the current and the proposed
catalogue (`decide_naast`),
counted, and the counts added up and reported.

Two figures: the whole run in one process (one core), and the run fanned out as the worker
does it (groups of `PER_GROEP` parts of `PER_DEEL` households), the groups on all cores in
worker processes, each with its catalogue loaded beforehand (as a warm Lambda has it).
"""

import json
import multiprocessing
import os
import time
from datetime import date
from typing import Any

from vil.models.huishouden import Huishouden, opgeslagen_lijst
from vil.rules import Catalogus
from vil.services import synthetisch
from vil.services.impact import Regelingimpact, rapport, tel
from vil.services.impactrapport import PER_DEEL, PER_GROEP
from vil.settings import RulesSettings

REGELING = "individuele-inkomenstoeslag-utrecht"
PEILDATUM = date(2026, 3, 1)
_WORKER: tuple[Catalogus, Catalogus] | None = None  # a worker process's two catalogues


def voorgesteld(catalogus: Catalogus) -> Catalogus:
    """The catalogue with a new amount for a single person from the peildatum (€ 290)."""
    regeling = catalogus.regel(REGELING, PEILDATUM).regeling
    document: dict[str, Any] = regeling.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document["parameters"]["bedragAlleenstaande"]["waarden"].append(
        {"vanaf": PEILDATUM.isoformat(), "waarde": "290", "bron": "bench", "status": "bevestigd"}
    )
    return catalogus.met_regeling(type(regeling).model_validate(document), "bench")


def _laad() -> None:
    global _WORKER  # one pair of catalogues per worker process
    huidig = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    _WORKER = (huidig, voorgesteld(huidig))


def _groep(tekst: bytes) -> tuple[dict[str, Any], float]:
    """A worker's group: its households as stored (JSON), validated, decided, counted; with the
    CPU seconds it took (the machine is shared: wall time alone says little)."""
    assert _WORKER is not None
    start = time.process_time()
    huishoudens = opgeslagen_lijst(Huishouden, json.loads(tekst))
    telling = tel(*_WORKER, huishoudens, PEILDATUM, [REGELING])
    return {regeling: t.ruw() for regeling, t in telling.items()}, time.process_time() - start


def _opgeteld(tellingen: list[tuple[dict[str, Any], float]]) -> dict[str, Regelingimpact]:
    totaal: dict[str, Regelingimpact] = {}
    for telling, _ in tellingen:
        for regeling, ruw in telling.items():
            totaal.setdefault(regeling, Regelingimpact()).voeg_toe(Regelingimpact.van_ruw(ruw))
    return totaal


def run(households: int = 100_000) -> dict[str, float]:
    """Print the figures; return them for the JSON line."""
    documenten = [
        h.model_dump(mode="json", by_alias=True, exclude_none=True)
        for h in synthetisch.bevolking("0344", PEILDATUM, households)
    ]  # the synthetic population of Utrecht, as a frozen population stores it
    belasting = os.getloadavg()[0]
    per_groep = PER_DEEL * PER_GROEP
    groepen = [
        json.dumps(documenten[i : i + per_groep]).encode()
        for i in range(0, len(documenten), per_groep)
    ]
    cores = os.cpu_count() or 1
    with multiprocessing.get_context("spawn").Pool(cores, initializer=_laad) as pool:
        pool.map(_groep, [json.dumps(documenten[:1]).encode()] * cores)  # every worker warm
        start = time.perf_counter()
        uitkomsten = pool.map(_groep, groepen, chunksize=1)
        cijfers = rapport(_opgeteld(uitkomsten))
        verspreid = time.perf_counter() - start
    cpu_per_groep = max(cpu for _, cpu in uitkomsten)
    _laad()
    start, cpu = time.perf_counter(), time.process_time()
    enkel = rapport(_opgeteld([_groep(tekst) for tekst in groepen]))
    een_core, een_core_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert enkel == cijfers  # the same figures, however the groups ran
    print(f"impact of a new amount of {REGELING} on {households:,} households of 0344")
    print(f"({len(groepen)} groups of {per_groep:,}; households with the right before and after:"
          f" {cijfers[REGELING]['bedragen']})")  # fmt: skip
    print(f"load average before: {belasting:.1f} on {cores} cores")
    print("| run | wall | CPU |")
    print("|---|---|---|")
    print(f"| one core, the whole run | {een_core:.1f} s | {een_core_cpu:.1f} s |")
    print(f"| all {cores} cores, groups in parallel | {verspreid:.1f} s |"
          f" {cpu_per_groep:.1f} s (the slowest group) |")  # fmt: skip
    return {
        "impactHouseholds": households,
        "impactOneCoreSeconds": round(een_core, 1),
        "impactOneCoreCpuSeconds": round(een_core_cpu, 1),
        "impactAllCoresSeconds": round(verspreid, 1),
        "impactGroupCpuSecondsMax": round(cpu_per_groep, 1),
        "impactCores": cores,
    }
