"""Fixtures shared by every test: the catalogue as loaded from rules/, and the local stack."""

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from vil.klok import AMSTERDAM
from vil.rules import Catalogus
from vil_local.template import powertools_environment

if TYPE_CHECKING:
    from vil_local.lokaal import LokaleStack

# The template's Powertools variables (service name, metrics namespace), as Lambda sets them:
# before any test module imports a handler, since Powertools reads them when vil.observability
# makes its Logger and Metrics.
for _name, _value in powertools_environment().items():
    os.environ.setdefault(_name, _value)

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
# No test depends on today's date: the session's stack starts its domain clock here, a day whose
# parameters the rule files hold. A test about another moment puts the clock there itself.
MOMENT = datetime(2026, 6, 15, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return Catalogus.from_directory(RULES)


@pytest.fixture(scope="session")
def stack() -> Iterator["LokaleStack"]:
    """The local stack: moto, the fake government and the router on loopback (port 0), one for
    the whole session, shared by tests/integration and tests/contract."""
    from vil_local.lokaal import LokaleStack  # moto and the handlers: only when a test needs them

    with LokaleStack(port=0, nu=MOMENT) as lokaal:
        yield lokaal


@pytest.fixture
def api(stack: "LokaleStack") -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url + "/v1", timeout=30) as client:
        yield client
