"""The README's walkthrough, pasted into bash as a newcomer would, against `vil local`."""

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

MARKER = "<!-- walkthrough:"
BASH = shutil.which("bash") or "/bin/bash"


def walkthrough() -> str:
    """The shell block after the marker in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme[readme.index(MARKER) :], re.DOTALL)
    assert block is not None
    return block.group(1)


def test_the_walkthrough_runs_from_top_to_bottom(lokaal: tuple[str, Path]) -> None:
    url, _ = lokaal
    port = url.rsplit(":", 1)[1]
    script = walkthrough().replace("PORT=3000;", f"PORT={port};", 1)
    gedaan = subprocess.run(
        [BASH, "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert gedaan.returncode == 0, gedaan.stderr
    uitvoer = gedaan.stdout
    # The story the README tells after the block: granted on the spot, the gemeente's decision
    # with its beschikking, and a month later the end of the kwijtschelding (worked out by hand
    # in tests/integration/test_maandcheck.py).
    assert "Kwijtschelding gemeentelijke belastingen: toegekend" in uitvoer
    assert "Individuele inkomenstoeslag (gemeente Utrecht): in-behandeling" in uitvoer
    assert "Zorgtoeslag: doorgestuurd" in uitvoer
    assert "Besluit van 15 juni 2026" in uitvoer
    assert "geen recht meer op Kwijtschelding gemeentelijke belastingen" in uitvoer
