"""Tokens for the integration tests. The local stack they run against (moto, the fake government
and the router on loopback, shared by the tests of this session) and the `api` client are
fixtures of tests/conftest.py; `klok` gives a test the stack whose clock it may move, `lokaal`
a `vil local` of its own in another process, as a person starts it."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from vil_local import tokens
from vil_local.lokaal import LokaleStack


def burger(bsn: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}


def gemeente(code: str, rol: str = "gemeente") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.gemeente_token(code, rol)}"}


@pytest.fixture
def klok(stack: LokaleStack) -> Iterator[LokaleStack]:
    """The stack, with its clock and receiver put back afterwards for the other tests."""
    stack.verwerk()
    verschuiving = stack.klok.verschuiving
    yield stack
    stack.ontvanger.storing = None
    stack.verwerk()
    stack.klok.verschuiving = verschuiving


# The `vil` command of this interpreter.
VIL = [sys.executable, "-c", "import sys; from vil.cli import main; sys.exit(main())"]


def vrije_poort() -> int:
    """A free port, and the one after it (the receiver listens beside the API)."""
    while True:
        with socket.socket() as api, socket.socket() as ontvanger:
            api.bind(("127.0.0.1", 0))
            port = api.getsockname()[1]
            try:
                ontvanger.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return int(port)


@pytest.fixture
def lokaal(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`vil local` on a free port; its URL and the file its output goes to."""
    port = vrije_poort()
    uitvoer = tmp_path / "vil-local.log"
    with uitvoer.open("w") as log:
        stack = subprocess.Popen(
            [*VIL, "local", "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(600):  # up to a minute for the stack to say it is ready
                if "ready" in uitvoer.read_text() or stack.poll() is not None:
                    break
                time.sleep(0.1)
            assert "ready" in uitvoer.read_text(), uitvoer.read_text()
            yield f"http://127.0.0.1:{port}", uitvoer
        finally:
            stack.terminate()
            stack.wait(timeout=30)
