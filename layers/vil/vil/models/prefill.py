"""The prefill: the household as the consented sources describe it, with each fact's provenance."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vil.models.resultaat import FeitHerkomst
from vil.models.toestemming import Bron

PREFIX = "huishouden."
GEEN_TOESTEMMING = "geen toestemming"


class Feit(NamedTuple):
    """One fact from a source: its path in the household, its JSON value, in onderzoek or not."""

    pad: str
    waarde: Any
    in_onderzoek: bool = False


@dataclass
class Prefill:
    """The household, the provenance per fact path, the missing sources."""

    huishouden: dict[str, Any] = field(default_factory=lambda: {"aanvrager": {}})
    herkomst: dict[str, FeitHerkomst] = field(default_factory=dict)
    ontbrekend: dict[Bron, str] = field(default_factory=dict)
    # The partner's and children's BSNs whose data was asked for: data subjects too, each
    # audited under their own pseudonym. In memory only; never stored or returned.
    gezinsleden: list[str] = field(default_factory=list)

    def put(self, feit: Feit, herkomst: FeitHerkomst) -> None:
        """Set a fact at its path ('kinderen[1].geboortedatum') and record its provenance."""
        *parents, leaf = feit.pad.split(".")
        node = self.huishouden
        for segment in parents:
            name, _, index = segment.partition("[")
            node = node[name][int(index[:-1])] if index else node[name]
        node[leaf] = feit.waarde
        self.herkomst[PREFIX + feit.pad] = herkomst
