"""Each function's composition checks that function's own settings model, all of it at once."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

import vil.settings
from vil import samenstelling

# The factory of each function, by its settings model (AuthorizerFunction builds its token check).
FABRIEKEN = {
    ("Authorizer" if f is samenstelling.tokencontrole else f.__name__.capitalize()): f
    for f in samenstelling.FABRIEKEN
}


@pytest.fixture
def leeg(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No function's variables in the environment, and no composition cached before or after."""
    for model in _modellen():
        for field, info in model.model_fields.items():
            monkeypatch.delenv(info.alias or field.upper(), raising=False)
    _vergeet()
    yield
    monkeypatch.undo()
    _vergeet()


def _modellen() -> list[type[vil.settings.Settings]]:
    return [getattr(vil.settings, f"{naam}Settings") for naam in FABRIEKEN]


def _vergeet() -> None:
    for fabriek in samenstelling.FABRIEKEN:
        fabriek.cache_clear()


def _verplicht(model: type[vil.settings.Settings]) -> set[str]:
    return {info.alias or n for n, info in model.model_fields.items() if info.is_required()}


@pytest.mark.parametrize("naam", sorted(FABRIEKEN))
@pytest.mark.usefixtures("leeg")
def test_a_function_without_its_environment_fails_on_its_own_settings_model(naam: str) -> None:
    model = getattr(vil.settings, f"{naam}Settings")
    fabriek: Callable[[], Any] = FABRIEKEN[naam]
    if not _verplicht(model):  # the catalogue: every setting has a default
        assert fabriek() is fabriek()
        return
    with pytest.raises(ValidationError) as fout:
        fabriek()
    assert fout.value.title == model.__name__
    # Every missing variable at once, not the first one only.
    assert {str(e["loc"][0]) for e in fout.value.errors()} == _verplicht(model)


@pytest.mark.usefixtures("leeg")
def test_an_eherkenning_client_needs_the_rest_of_its_configuration() -> None:
    """A client id without its endpoints, secret or issuer fails the cold start, not the first
    login; the gemeenten setting is read as organisation to gemeentecode."""
    model = vil.settings.LoketSettings
    basis = {n: "https://x.test/" if "URL" in n else "x" for n in _verplicht(model)}
    basis["OIN"] = "00000001000000000000"
    compleet = {
        **basis,
        "EHERKENNING_CLIENT_ID": "loket",
        "EHERKENNING_CLIENT_GEHEIM": "arn:aws:secretsmanager:eu-central-1:123456789012:secret:e",
        "EHERKENNING_AUTHORIZE_URL": "https://broker.test/authorize",
        "EHERKENNING_TOKEN_URL": "https://broker.test/token",
        "EHERKENNING_ISSUER": "https://broker.test",
        "EHERKENNING_JWKS_URL": "https://broker.test/jwks",
        "EHERKENNING_GEMEENTEN": "oin:00000001000000344000=0344,kvk:12345678=0307",
    }
    settings = model.model_validate(compleet)
    assert settings.gemeenten == {"oin:00000001000000344000": "0344", "kvk:12345678": "0307"}
    assert model.model_validate(basis).gemeenten == {}
    for ontbreekt in ("EHERKENNING_TOKEN_URL", "EHERKENNING_CLIENT_GEHEIM", "EHERKENNING_ISSUER"):
        with pytest.raises(ValidationError):
            model.model_validate({k: v for k, v in compleet.items() if k != ontbreekt})
    with pytest.raises(ValidationError):  # the secret itself is not an ARN
        model.model_validate({**compleet, "EHERKENNING_CLIENT_GEHEIM": "s3cr3t"})
