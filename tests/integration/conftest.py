"""The local stack for the integration tests: moto, the fake government and the router on
loopback (port 0), shared by the tests of this session."""

from collections.abc import Iterator

import httpx
import pytest

from vil_local import tokens
from vil_local.lokaal import LokaleStack


@pytest.fixture(scope="session")
def stack() -> Iterator[LokaleStack]:
    with LokaleStack(port=0) as lokaal:
        yield lokaal


@pytest.fixture
def api(stack: LokaleStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url + "/v1", timeout=30) as client:
        yield client


def burger(bsn: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}


def gemeente(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.gemeente_token(code)}"}
