"""`vil bench --instructions`: the processor instructions the engine takes per household,
counted by callgrind (valgrind). Unlike a time, a count moves by at most a quarter of a
percent from run to run on the same interpreter, whatever else the machine does: what a
change to the engine saves shows even where it is smaller than the machine's noise
(docs/decisions.md, rounds 12, 13 and 17).

Each figure is counted in a fresh interpreter under `valgrind --tool=callgrind`, one per
figure, on all cores at once. The interpreter loads the rules and decides some households
first (so that the fast path's functions exist), then does the counted work inside
`functools.reduce`, a C function nothing else here calls: callgrind counts only while it
runs (`--toggle-collect`). String hashing is fixed (`PYTHONHASHSEED=0`): the order of a set
of strings changes the count.
"""

import functools
import gc
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vil.bench import PEILDATUM, generate, table
from vil.rules import Catalogus
from vil.settings import RulesSettings

# Figure -> (its row in the table, what is counted for a household).
FIGURES: dict[str, tuple[str, Callable[[Catalogus, list[Any]], object]]] = {
    "batch": (
        "batch, decisions only (decide_many)",
        lambda catalogus, data: catalogus.decide_many(data, PEILDATUM),
    ),
    "decision": (
        "all regelingen, decision only, one household at a time",
        lambda catalogus, data: [catalogus.decide(h, PEILDATUM) for h in data],
    ),
    "explanation": (
        "all regelingen, with explanation, one household at a time",
        lambda catalogus, data: [catalogus.evaluate(h, PEILDATUM) for h in data],
    ),
    "zorgtoeslag": (
        "zorgtoeslag alone, decision only",
        lambda catalogus, data: [
            catalogus.decide(h, PEILDATUM, None, ["zorgtoeslag"]) for h in data
        ],
    ),
}
_COUNTED = "from vil.bench_instructions import counted; counted({figure!r}, {households})"
_COLLECTED = re.compile(r"Collected : (\d+)")


class Onmeetbaar(Exception):
    """callgrind cannot count here: no valgrind, or an interpreter without its symbols."""


def counted(figure: str, households: int) -> None:
    """The interpreter's part: load, warm up, then the figure's work for `households`
    generated households (the timings' own, `vil.bench.generate`) inside functools.reduce."""
    work = FIGURES[figure][1]
    catalogus = Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)
    catalogus.decide_many(list(generate(100, seed=99)), PEILDATUM)
    for huishouden in generate(50, seed=98):
        catalogus.evaluate(huishouden, PEILDATUM)
    data = list(generate(households))
    gc.collect()
    functools.reduce(lambda _, __: work(catalogus, data), [None, None])


def instructions(figure: str, households: int) -> float:
    """The instructions per household of one figure, counted in a fresh interpreter."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--toggle-collect=functools_reduce",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        _COUNTED.format(figure=figure, households=households),
    ]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(  # noqa: S603 (valgrind and this interpreter, fixed arguments)
        command, capture_output=True, text=True, env=environment, check=False
    )
    if done.returncode != 0:
        raise Onmeetbaar(f"valgrind stopped ({done.returncode}): {done.stderr[-2000:]}")
    found = _COLLECTED.search(done.stderr)
    if found is None or int(found[1]) == 0:
        raise Onmeetbaar(
            f"callgrind counted nothing: {sys.executable} has no symbol functools_reduce"
            " (a stripped build, such as Debian's); use one built with its symbols (pyenv's)"
        )
    return int(found[1]) / households


def run(households: int = 1_000) -> dict[str, Any]:
    """Count every figure (one fresh interpreter each, on all cores), print them as one
    table; return the summary that `vil bench --instructions` prints last."""
    if shutil.which("valgrind") is None:
        raise Onmeetbaar("valgrind is not on the PATH (Debian: apt install valgrind)")
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        counting = {figure: pool.submit(instructions, figure, households) for figure in FIGURES}
    counts = {figure: count.result() for figure, count in counting.items()}
    version = ".".join(map(str, sys.version_info[:3]))
    print(f"{households} households on {PEILDATUM}, Python {version}")
    table(
        [(FIGURES[figure][0], f"{count:,.0f}") for figure, count in counts.items()],
        ("instructions per household (callgrind)", "count"),
    )
    return {
        **{f"instructions{f[0].upper()}{f[1:]}": round(c) for f, c in counts.items()},
        "households": households,
        "python": version,
    }
