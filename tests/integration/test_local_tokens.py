"""`vil local token`: dev tokens that the real validator accepts, from a key made once."""

import stat
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from tests.kms import moto_sleutels
from vil.adapters.sleutels import KmsSleutels
from vil.models.identiteit import Principal, Principalsoort
from vil.settings import AuthorizerSettings
from vil_local import tokens
from vil_local.cli import main

BSN = "999993653"


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / ".vil-local" / "dev-signing-key.pem"
    monkeypatch.setattr(tokens, "KEY_FILE", path)
    return path


@pytest.fixture
def sleutels() -> Iterator[KmsSleutels]:
    with moto_sleutels() as sleutels:
        yield sleutels


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The command's stdout, which must be the JWT alone."""
    assert main(["token", *argv]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    return line


def test_a_citizen_token_passes_the_real_validator(
    capsys: pytest.CaptureFixture[str], sleutels: KmsSleutels
) -> None:
    token = run(capsys, "--bsn", BSN)

    principal = tokens.tokencontrole(sleutels).principal(f"Bearer {token}")
    assert principal.soort == Principalsoort.burger
    assert principal.pseudoniem == sleutels.pseudoniem(BSN)


@pytest.mark.parametrize(
    ("argv", "soort", "medewerker"),
    [
        ([], Principalsoort.gemeente, None),
        (["--rol", "beheerder"], Principalsoort.beheerder, "beheerder-1"),
        (["--rol", "beheerder", "--medewerker", "bram"], Principalsoort.beheerder, "bram"),
    ],
)
def test_a_gemeente_token_passes_the_real_validator(
    capsys: pytest.CaptureFixture[str],
    sleutels: KmsSleutels,
    argv: list[str],
    soort: Principalsoort,
    medewerker: str | None,
) -> None:
    token = run(capsys, "--gemeente", "0344", *argv)

    principal = tokens.tokencontrole(sleutels).principal(f"Bearer {token}")
    assert principal == Principal(soort=soort, gemeentecode="0344", medewerker=medewerker)


def test_a_token_is_valid_for_12_hours(capsys: pytest.CaptureFixture[str]) -> None:
    claims = jwt.decode(run(capsys, "--gemeente", "0344"), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 12 * 3600


def test_the_key_is_made_once_private_and_reused(
    capsys: pytest.CaptureFixture[str], key_file: Path
) -> None:
    first = run(capsys, "--bsn", BSN)
    pem = key_file.read_bytes()
    second = run(capsys, "--bsn", BSN)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes() == pem
    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--bsn", "999993654"],  # fails the elfproef
        ["--gemeente", "344"],
        ["--bsn", BSN, "--gemeente", "0344"],
        ["--bsn", BSN, "--rol", "beheerder"],
        ["--bsn", BSN, "--medewerker", "bram"],
        ["--gemeente", "0344", "--medewerker", "bram"],  # a gemeente's system is no person
        [],
    ],
)
def test_invalid_arguments_exit_2_and_print_no_token(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        raise SystemExit(main(["token", *argv]))
    assert raised.value.code == 2
    assert capsys.readouterr().out == ""


def test_the_local_environment_configures_the_authorizer() -> None:
    omgeving = tokens.authorizer_environment("http://127.0.0.1:8000/_local/jwks.json")
    settings = AuthorizerSettings.model_validate(
        omgeving | {"PSEUDONIEM_SLEUTEL": "alias/p", "GEGEVENS_SLEUTEL": "alias/g"}
    )
    assert (settings.oidc_issuer, settings.m2m_issuer) == (tokens.BURGER_ISSUER, tokens.M2M_ISSUER)
