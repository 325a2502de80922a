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
