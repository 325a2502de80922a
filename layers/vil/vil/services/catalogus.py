"""The catalogue of regelingen, loaded once per process from the rules layer."""

from functools import cache

from vil.fouten import NietGevonden
from vil.rules import Catalogus
from vil.rules.catalogus import Versie
from vil.settings import RulesSettings


@cache
def catalogus() -> Catalogus:
    """The rule set, read and compiled once per (warm) Lambda environment."""
    return Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)


def versies(regeling_id: str) -> list[Versie]:
    """The published versions of one regeling; NietGevonden for an unknown id."""
    if regeling_id not in catalogus().ids:
        raise NietGevonden(f"De regeling '{regeling_id}' bestaat niet.")
    return catalogus().versions(regeling_id)
