"""The catalogue of regelingen: the published versions of one, and the gemeenten's versions of
their parameters in force (the beheermodule), with their values as evaluations use them."""

from collections.abc import Iterable, Mapping
from datetime import date

from vil.fouten import NietGevonden
from vil.models.api import GepubliceerdeVersie, GepubliceerdeWaarde
from vil.models.beheer import Regelingversie
from vil.models.regeling import Parameter
from vil.ports import Regelcatalogi
from vil.rules import Catalogus
from vil.rules.catalogus import Versie
from vil.rules.parameters import entry_on


def versies(catalogus: Catalogus, regeling_id: str) -> list[Versie]:
    """The published versions of one regeling; NietGevonden for an unknown id."""
    if regeling_id not in catalogus.ids:
        raise NietGevonden(f"De regeling '{regeling_id}' bestaat niet.")
    return catalogus.versions(regeling_id)


def in_werking(regels: Regelcatalogi, vandaag: date) -> dict[str, list[GepubliceerdeVersie]]:
    """Per regeling, each gemeente's version in force today (the last published one whose day
    has come, corrections aside: they change values, not which version is in force), with the
    value today of every parameter the gemeente set in a version, read from the catalogue as
    an evaluation for a resident of that gemeente reads it."""
    catalogus = regels.actueel()
    gepubliceerd = regels.gepubliceerd()
    per_gemeente: dict[tuple[str, str], list[Regelingversie]] = {}
    for versie in gepubliceerd:
        per_gemeente.setdefault((versie.regeling, versie.gemeentecode), []).append(versie)
    gevonden: dict[str, list[GepubliceerdeVersie]] = {}
    for (regeling_id, gemeentecode), lijst in sorted(per_gemeente.items()):
        in_kracht = [v for v in lijst if v.correctie_van is None
                     and (v.in_werking_vanaf or v.ingangsdatum) <= vandaag]  # fmt: skip
        if not in_kracht or regeling_id not in catalogus.ids:
            continue
        regeling = catalogus.regel(regeling_id, vandaag).regeling
        gevonden.setdefault(regeling_id, []).append(
            GepubliceerdeVersie(
                gemeentecode=gemeentecode,
                versie=in_kracht[-1].versie,
                in_werking_vanaf=in_kracht[-1].in_werking_vanaf or in_kracht[-1].ingangsdatum,
                waarden=_waarden(regeling.parameters, _namen(lijst), vandaag, gemeentecode),
            )
        )
    return gevonden


def _namen(versies: Iterable[Regelingversie]) -> list[str]:
    return sorted({w.parameter for v in versies for w in v.waarden})


def _waarden(
    parameters: Mapping[str, Parameter], namen: list[str], vandaag: date, gemeentecode: str
) -> dict[str, GepubliceerdeWaarde]:
    waarden = {}
    for naam in namen:
        entry = entry_on(parameters[naam], vandaag, gemeentecode) if naam in parameters else None
        if entry is not None:
            waarden[naam] = GepubliceerdeWaarde(
                waarde=entry.waarde, vanaf=entry.vanaf, bron=entry.bron, status=entry.status
            )
    return waarden
