"""Tokens for the integration tests. The local stack they run against (moto, the fake government
and the router on loopback, shared by the tests of this session) and the `api` client are
fixtures of tests/conftest.py."""

from vil_local import tokens


def burger(bsn: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.burger_token(bsn)}"}


def gemeente(code: str, rol: str = "gemeente") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.gemeente_token(code, rol)}"}
