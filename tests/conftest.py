"""Fixtures shared by every test: the catalogue as loaded from rules/."""

from pathlib import Path

import pytest

from vil.rules import Catalogus

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return Catalogus.from_directory(RULES)
