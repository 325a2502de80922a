"""`vil bench --impact`: the impact of a version on a large population (issue 13: 100,000
households in under a minute), timed as the impact worker does it: households read as JSON,
validated, decided under the current and the proposed catalogue (`decide_many`), compared."""

import time
from datetime import date
from typing import Any

from vil.rules import Catalogus
from vil.services import synthetisch
from vil.services.impact import impact
from vil.settings import RulesSettings

REGELING = "individuele-inkomenstoeslag-utrecht"
PEILDATUM = date(2026, 3, 1)


def voorgesteld(catalogus: Catalogus) -> Catalogus:
    """The catalogue with a new amount for a single person from the peildatum (€ 290)."""
    regeling = catalogus.regel(REGELING, PEILDATUM).regeling
    document: dict[str, Any] = regeling.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document["parameters"]["bedragAlleenstaande"]["waarden"].append(
        {"vanaf": PEILDATUM.isoformat(), "waarde": "290", "bron": "bench", "status": "bevestigd"}
    )
    return catalogus.met_regeling(type(regeling).model_validate(document), "bench")


def run(households: int = 100_000) -> dict[str, float]:
    """Print the figures; return them for the JSON line."""
    from vil.models.huishouden import Huishouden

    catalogus = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    nieuw = voorgesteld(catalogus)
    start = time.perf_counter()
    # The synthetic population of Utrecht, as the frozen population stores it (JSON documents)
    documenten = [
        h.model_dump(mode="json", by_alias=True, exclude_none=True)
        for h in synthetisch.bevolking("0344", PEILDATUM, households)
    ]
    gemaakt = time.perf_counter() - start
    start = time.perf_counter()
    bevolking = [Huishouden.model_validate(d) for d in documenten]
    gelezen = time.perf_counter() - start
    start = time.perf_counter()
    rapport = impact(catalogus, nieuw, bevolking, PEILDATUM, [REGELING])
    berekend = time.perf_counter() - start
    print(f"impact of a new amount of {REGELING} on {households:,} households of 0344:")
    print(f"| drawing the population (not part of a run) | {gemaakt:.1f} s |")
    print(f"| validating the households (the worker)   | {gelezen:.1f} s |")
    print(f"| current vs proposed, compared             | {berekend:.1f} s |")
    print(f"| a run in all                              | {gelezen + berekend:.1f} s |")
    print(f"| households with the right, before and after | "
          f"{rapport[REGELING]['bedragen']} |")  # fmt: skip
    return {
        "impactHouseholds": households,
        "impactValidateSeconds": round(gelezen, 2),
        "impactComputeSeconds": round(berekend, 2),
        "impactRunSeconds": round(gelezen + berekend, 2),
    }
