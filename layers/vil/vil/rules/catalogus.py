"""The catalogue: every regeling, each in the versions published for it, evaluated together.

A rule set is data. `Catalogus.from_directory` reads the YAML files in rules/, and an evaluation
uses, per regeling, the version in force on its peildatum (docs/decisions.md, "Rule versions are
data").
"""

import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from vil.models.base import gemaakt
from vil.models.huishouden import Huishouden, zonder_collector
from vil.models.regeling import GedeeldeParameters, InvoerType, Parameter, Regeling
from vil.models.resultaat import Evaluatie, FeitHerkomst
from vil.rules.beslissing import Beslissing
from vil.rules.feiten import UITKOMST, Huishoudfeiten, Uitkomst
from vil.rules.laden import RegelFout, compile_regeling
from vil.rules.regel import CompiledRegeling, content_hash, decide_alle, met_lezers

SHARED_FILE = "parameters/gedeeld.yaml"
# The fields of another regeling's outcome a rule file may read, with their types.
UITKOMSTTYPEN = {
    "recht": "ja-nee",
    "bedragPerMaand": "bedrag",
    "bedragPerJaar": "bedrag",
    "bedragEenmalig": "bedrag",
    "indicatief": "ja-nee",
}
Model = TypeVar("Model", Regeling, GedeeldeParameters)
# libyaml's safe loader when PyYAML was built with it: a tenth of the pure-Python load time.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Versie:
    """One published version of a regeling, in force from `geldig_vanaf`."""

    geldig_vanaf: date
    regel: CompiledRegeling


class Catalogus:
    """Compiled regelingen by id, each with its versions sorted by date."""

    def __init__(
        self, shared: Mapping[str, Parameter], versies: Mapping[str, list[Versie]]
    ) -> None:
        self.shared = dict(shared)
        self._versies = {
            key: sorted(value, key=lambda v: v.geldig_vanaf) for key, value in versies.items()
        }
        self._in_force: dict[date, dict[str, CompiledRegeling]] = {}  # per peildatum, most recent
        # The version of the rule set an evaluation rests on, per peildatum and regelingen.
        self._regelset_versie = lru_cache(maxsize=64)(self._maak_regelset_versie)
        # Each regeling with those that read its outcome, per choice of regelingen.
        self._met_lezers = lru_cache(maxsize=64)(met_lezers)

    @classmethod
    def from_data(
        cls,
        shared: Mapping[str, Any],
        regelingen: Iterable[tuple[str, Mapping[str, Any]]],
    ) -> "Catalogus":
        """Build from parsed documents: the shared parameters and (source name, rule) pairs."""
        problems: list[str] = []
        parameters = _validated(GedeeldeParameters, shared, SHARED_FILE, problems)
        shared_parameters = parameters.parameters if parameters else {}
        versies: dict[str, list[Versie]] = {}
        for source, document in regelingen:
            regeling = _validated(Regeling, document, source, problems)
            if regeling is None:
                continue
            if regeling.id in versies:
                problems.append(f"{source}: id: '{regeling.id}' bestaat al")
                continue
            try:
                regel = compile_regeling(regeling, shared_parameters, source)
            except RegelFout as error:
                problems.extend(error.problems)
                continue
            versies[regeling.id] = [Versie(regeling.geldig_vanaf or date.min, regel)]
        problems.extend(_afhankelijkheden(versies))
        if problems:
            raise RegelFout(problems)
        return cls(shared_parameters, versies)

    @classmethod
    def from_directory(cls, directory: Path) -> "Catalogus":
        """Load rules/: the shared parameters file and one YAML file per regeling."""
        problems: list[str] = []
        shared = _read(directory / SHARED_FILE, directory, problems)
        documents = [
            (str(path.relative_to(directory.parent)), document)
            for path in sorted(directory.glob("*.yaml"))
            if (document := _read(path, directory, problems)) is not None
        ]
        if problems or shared is None:
            raise RegelFout(problems)
        return cls.from_data(shared, documents)

    def met_regeling(self, regeling: Regeling, source: str) -> "Catalogus":
        """A copy in which `regeling` replaces the version of its id, compiled with the same
        loader checks as a rule file (names, types, units, a value on every test date): how a
        proposed version of a gemeente's parameters is checked (docs/beheer.md).

        Raises:
            RegelFout: every problem the loader found.
        """
        regel = compile_regeling(regeling, self.shared, source)
        versies = {**self._versies, regeling.id: [Versie(regeling.geldig_vanaf or date.min, regel)]}
        if problems := _afhankelijkheden(versies):
            raise RegelFout(problems)
        return Catalogus(self.shared, versies)

    def met_versie(self, regeling: Regeling, vanaf: date, source: str) -> "Catalogus":
        """A copy with one more version of `regeling`'s id, in force from `vanaf`; the earlier
        versions stay as they are for the peildata before it (a published version of a
        gemeente's parameters, docs/beheer.md). Checked as `met_regeling` checks.

        Raises:
            RegelFout: every problem the loader found.
        """
        regel = compile_regeling(regeling, self.shared, source)
        eerder = self._versies.get(regeling.id, [])
        return Catalogus(
            self.shared, {**self._versies, regeling.id: [*eerder, Versie(vanaf, regel)]}
        )

    def met_regelversie(self, regeling_id: str, regelversie: str) -> CompiledRegeling | None:
        """The version of a regeling whose content hash is `regelversie` (a beslisverslag's), if
        this catalogue has it: what replays a decision exactly."""
        for versie in self._versies.get(regeling_id, []):
            if versie.regel.versie == regelversie:
                return versie.regel
        return None

    @property
    def ids(self) -> list[str]:
        return list(self._versies)

    def versions(self, regeling_id: str) -> list[Versie]:
        return list(self._versies[regeling_id])

    def in_force(self, peildatum: date) -> list[CompiledRegeling]:
        """Per regeling, the version in force on the peildatum, or else its earliest version."""
        return list(self._per_id(peildatum).values())

    def _per_id(self, peildatum: date) -> dict[str, CompiledRegeling]:
        """`in_force` by regeling id, kept per peildatum."""
        regels = self._in_force.get(peildatum)
        if regels is None:
            if len(self._in_force) >= 64:  # a long-lived process sees a new day each day
                self._in_force.clear()
            regels = self._in_force[peildatum] = {
                regeling_id: self.regel(regeling_id, peildatum) for regeling_id in self._versies
            }
        return regels

    def regel(self, regeling_id: str, peildatum: date) -> CompiledRegeling:
        """The version of one regeling in force on the peildatum (or else its earliest)."""
        versies = self._versies[regeling_id]
        index = bisect.bisect_right([v.geldig_vanaf for v in versies], peildatum)
        return versies[max(index - 1, 0)].regel

    def affected_by(self, parameter: str, peildatum: date) -> list[str]:
        """The regelingen whose outcome a change of this parameter can change (on the
        peildatum): those whose expressions, minimum or bounds read it, and those that read
        the outcome of one of them (`afhankelijkVan`)."""
        regels = self.in_force(peildatum)
        direct = {r.id for r in regels if parameter in r.used_parameters}
        return [
            r.id
            for r in regels
            if r.id in direct or not direct.isdisjoint(r.regeling.afhankelijk_van)
        ]

    def evaluate(
        self,
        huishouden: Huishouden,
        peildatum: date,
        herkomst: Mapping[str, FeitHerkomst] | None = None,
        regelingen: Iterable[str] | None = None,
    ) -> Evaluatie:
        """Evaluate every regeling (or the named ones) for one household, with explanation."""
        facts = self.feiten(huishouden, peildatum, herkomst)
        regels = self._chosen(peildatum, regelingen)
        # A regeling another one depends on is evaluated once: the facts keep its trace.
        resultaten = [regel.resultaat(facts, herkomst) for regel in regels]
        facts.sporen.clear()
        # Made without validating (tests/rules/test_golden.py holds it to what validation makes).
        return gemaakt(
            Evaluatie,
            {
                "peildatum": peildatum,
                "regelset_versie": self._regelset_versie(peildatum, tuple(regels)),
                "resultaten": resultaten,
            },
        )

    def _maak_regelset_versie(self, peildatum: date, regels: tuple[CompiledRegeling, ...]) -> str:
        """The version of the rule set an evaluation rests on: the versions of its regelingen
        and of those whose outcome they read."""
        gekozen = {regel.id for regel in regels}
        gelezen = sorted({d for r in regels for d in r.regeling.afhankelijk_van} - gekozen)
        versies = [r.versie for r in regels] + [self.regel(d, peildatum).versie for d in gelezen]
        return content_hash(tuple(versies))

    def decide(
        self,
        huishouden: Huishouden,
        peildatum: date,
        herkomst: Mapping[str, FeitHerkomst] | None = None,
        regelingen: Iterable[str] | None = None,
    ) -> list[Beslissing]:
        """The decisions alone (no explanation) of every regeling, or of the named ones."""
        facts = self.feiten(huishouden, peildatum, herkomst)
        regels = self._chosen(peildatum, regelingen)
        if herkomst:
            beslissingen = [regel.decide(facts, herkomst) for regel in regels]
        else:
            [beslissingen] = decide_alle(self._met_lezers(tuple(regels)), [facts])
        facts.sporen.clear()  # a trace refers to its facts: gone now without the collector
        return beslissingen

    def decide_many(
        self,
        households: Iterable[Huishouden],
        peildatum: date,
        regelingen: Iterable[str] | None = None,
    ) -> list[list[Beslissing]]:
        """A batch: the decisions for many households on one peildatum (for instance a
        gemeente's stored households, to preview a changed parameter with `affected_by`).
        A few households at a time, one regeling after the other (`decide_alle`)."""
        regels = self._met_lezers(tuple(self._chosen(peildatum, regelingen)))
        uitkomsten = []
        with zonder_collector():  # a household's traces are dropped below: no cycle is left
            for deel in _delen(households):
                facts = [self.feiten(huishouden, peildatum) for huishouden in deel]
                uitkomsten += decide_alle(regels, facts)
                for each in facts:  # a trace refers to its facts: gone now, without the collector
                    each.sporen.clear()
        return uitkomsten

    def decide_naast(
        self,
        ander: "Catalogus",
        households: Iterable[Huishouden],
        peildatum: date,
        regelingen: Iterable[str] | None = None,
    ) -> list[tuple[list[Beslissing], list[Beslissing]]]:
        """A batch under two catalogues (an impact report's current and proposed one): per
        household, this one's decisions and the other's, its facts read once for both."""
        regels = self._met_lezers(tuple(self._chosen(peildatum, regelingen)))
        andere = ander._met_lezers(tuple(ander._chosen(peildatum, regelingen)))
        uitkomsten: list[tuple[list[Beslissing], list[Beslissing]]] = []
        # A few households at a time, as in decide_many: the second catalogue reads what the
        # first read of the same household.
        with zonder_collector():
            for deel in _delen(households):
                facts = [self.feiten(huishouden, peildatum) for huishouden in deel]
                naast = [
                    ander.feiten(huishouden, peildatum, naast=eigen)
                    for huishouden, eigen in zip(deel, facts, strict=True)
                ]
                uitkomsten += zip(
                    decide_alle(regels, facts), decide_alle(andere, naast), strict=True
                )
                for each in (*facts, *naast):  # as in decide_many
                    each.sporen.clear()
        return uitkomsten

    def feiten(
        self,
        huishouden: Any,
        peildatum: date,
        herkomst: Mapping[str, FeitHerkomst] | None = None,
        naast: Huishoudfeiten | None = None,
    ) -> Huishoudfeiten:
        """The facts of one household, through which a regeling reads the outcome of the
        regelingen it depends on (`afhankelijkVan`): each evaluated once, when first read,
        with the same provenance of the facts. With `naast`, another catalogue's facts of the
        same household whose readings these share (`Huishoudfeiten`)."""

        regels = self._per_id(peildatum)

        def uitkomst(regeling_id: str, facts: Huishoudfeiten) -> Uitkomst:
            return regels[regeling_id].uitkomst(facts, herkomst)

        return Huishoudfeiten(huishouden, peildatum, uitkomst, naast, regels.__getitem__)

    def _chosen(self, peildatum: date, regelingen: Iterable[str] | None) -> list[CompiledRegeling]:
        regels = self._per_id(peildatum)
        if regelingen is None:
            return list(regels.values())
        chosen = set(regelingen)
        return [regel for regeling_id, regel in regels.items() if regeling_id in chosen]


# A batch decides this many households at a time, one regeling after the other: the
# regeling's function and state, and the households' facts, stay in the processor's cache
# (docs/decisions.md, round 8).
_DEEL = 64


def _delen(households: Iterable[Huishouden]) -> Iterator[list[Huishouden]]:
    """The households, `_DEEL` at a time (itertools.batched from Python 3.12)."""
    iterator = iter(households)
    while deel := list(islice(iterator, _DEEL)):
        yield deel


def _afhankelijkheden(versies: Mapping[str, list[Versie]]) -> list[str]:
    """A regeling depends only on regelingen in the catalogue that depend on none themselves
    (one level: no cycle, and each is evaluated once), and reads an `uitkomst.<id>.<veld>`
    input only of a regeling it names, of a field, step or voorwaarde that exists, with its
    type."""
    problems = []
    for regeling_id, lijst in versies.items():
        for versie in lijst:
            regeling = versie.regel.regeling
            for other in regeling.afhankelijk_van:
                if other not in versies:
                    problems.append(f"{regeling_id}: afhankelijkVan: onbekende regeling '{other}'")
                elif any(v.regel.regeling.afhankelijk_van for v in versies[other]):
                    problems.append(
                        f"{regeling_id}: afhankelijkVan: '{other}' hangt zelf van een regeling af"
                    )
            for path, spec in regeling.invoer.items():
                if path.startswith(UITKOMST):
                    problem = _uitkomstinvoer(path, spec.type, regeling.afhankelijk_van, versies)
                    if problem:
                        problems.append(f"{regeling_id}: invoer '{path}': {problem}")
    return problems


def _uitkomstinvoer(
    path: str, soort: InvoerType, afhankelijk_van: list[str], versies: Mapping[str, list[Versie]]
) -> str | None:
    """What is wrong with an input `uitkomst.<id>.<veld>`, if anything."""
    _, other, veld = [*path.split(".", 2), "", ""][:3]
    if other not in afhankelijk_van or other not in versies:
        return f"noem '{other}' in afhankelijkVan"
    known: str | None
    if veld.startswith("berekening."):
        stap = veld.removeprefix("berekening.")
        types = {s.naam: s.type.value for v in versies[other] for s in v.regel.regeling.berekening}
        known = types.get(stap)
        if known is None:
            return f"'{other}' heeft geen stap '{stap}'"
    elif veld.startswith("voorwaarden."):
        naam = veld.removeprefix("voorwaarden.")
        if not any(naam in v.regel.by_name for v in versies[other]):
            return f"'{other}' heeft geen voorwaarde '{naam}'"
        known = "ja-nee"
    else:
        known = UITKOMSTTYPEN.get(veld)
        if known is None:
            return (
                f"onbekend veld '{veld}' (wel: {', '.join(UITKOMSTTYPEN)},"
                " berekening.<stap>, voorwaarden.<naam>)"
            )
    if known != soort.value:
        return f"verkeerd type: het is {known}, niet {soort.value}"
    return None


def _read(path: Path, directory: Path, problems: list[str]) -> Any:
    source = str(path.relative_to(directory.parent))
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except FileNotFoundError:
        problems.append(f"{source}: bestand ontbreekt")
    except yaml.YAMLError as error:
        problems.append(f"{source}: geen geldige YAML: {error}")
    return None


def _validated(model: type[Model], document: Any, source: str, problems: list[str]) -> Model | None:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "bestand"
            problems.append(f"{source}: {where}: {item['msg']}")
        return None
