"""The `Regelcatalogi` port: the catalogue of one process, the rule files plus the published
versions, kept up to date by reading one item, the version pointer, at most once a minute.

Each Lambda environment keeps its catalogue; a minute after it last looked (domain time,
vil.klok), the next request reads the pointer, and only when the pointer moved does it read
the published versions it names (one read each, never a scan) and build the catalogue again.
A publication is so in force everywhere within 60 seconds, without a deploy.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from threading import Lock

from vil.models.beheer import Regelingversie
from vil.ports import Regelingversies
from vil.rules import Catalogus
from vil.rules.publicaties import met_publicaties

VERVERS_NA = timedelta(seconds=60)


class Regelcatalogi:
    """The rule files (`basis`, compiled once) plus the versions the pointer names."""

    def __init__(
        self,
        versies: Regelingversies,
        basis: Catalogus,
        nu: Callable[[], datetime],
        ververs_na: timedelta = VERVERS_NA,
    ) -> None:
        self._versies = versies
        self._basis = basis
        self._nu = nu
        self._ververs_na = ververs_na
        self._catalogus = basis
        self._gepubliceerd: list[Regelingversie] = []  # in the order of publication
        self._wijzer = 0  # the rule files alone: nothing published
        self._gelezen: datetime | None = None
        self._slot = Lock()  # the local stack serves requests on threads

    def actueel(self) -> Catalogus:
        """The catalogue, read again when the last look at the pointer is a minute old (or
        the domain clock went back: the local stack can set it)."""
        gelezen = self._gelezen
        if gelezen is None or not timedelta(0) <= self._nu() - gelezen < self._ververs_na:
            return self.vers()[1]
        return self._catalogus

    def vers(self) -> tuple[int, Catalogus]:
        """Read the pointer now; build the catalogue again if it moved."""
        with self._slot:
            wijzer = self._versies.wijzer()
            if wijzer.nummer != self._wijzer:
                gepubliceerd = [self._versie(p.regeling, p.gemeentecode, p.versie)
                                for p in wijzer.publicaties]  # fmt: skip
                self._catalogus = met_publicaties(self._basis, gepubliceerd)
                self._gepubliceerd = gepubliceerd
                self._wijzer = wijzer.nummer
            self._gelezen = self._nu()
            return self._wijzer, self._catalogus

    def gepubliceerd(self) -> list[Regelingversie]:
        """The published versions of the catalogue `actueel` gives, in the order of publication."""
        self.actueel()
        with self._slot:
            return list(self._gepubliceerd)

    def met(self, versie: Regelingversie) -> Catalogus:
        """The catalogue as publishing `versie` would make it (`met_publicaties`), on the
        versions published as this process last read them."""
        self.actueel()
        with self._slot:
            gepubliceerd = list(self._gepubliceerd)
        return met_publicaties(self._basis, gepubliceerd, versie)

    def _versie(self, regeling: str, gemeentecode: str, nummer: int) -> Regelingversie:
        versie = self._versies.versie(regeling, gemeentecode, nummer)
        if versie is None:  # the pointer names only versions written in its transaction
            raise LookupError(f"versie {nummer} van {regeling} ({gemeentecode}) ontbreekt")
        return versie
