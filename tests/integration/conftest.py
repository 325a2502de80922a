"""Tokens for the integration tests. The local stack they run against (moto, the fake government
and the router on loopback, shared by the tests of this session) and the `api` client are
fixtures of tests/conftest.py; `klok` gives a test the stack whose clock it may move."""

from collections.abc import Iterator

import pytest

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
