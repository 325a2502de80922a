"""The catalogue of regelingen: the published versions of one."""

from vil.fouten import NietGevonden
from vil.rules import Catalogus
from vil.rules.catalogus import Versie


def versies(catalogus: Catalogus, regeling_id: str) -> list[Versie]:
    """The published versions of one regeling; NietGevonden for an unknown id."""
    if regeling_id not in catalogus.ids:
        raise NietGevonden(f"De regeling '{regeling_id}' bestaat niet.")
    return catalogus.versions(regeling_id)
