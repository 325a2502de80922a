"""Replaying a beslisverslag: its household, provenance and peildatum evaluated again with the
exact version of the regeling it names (bezwaar, audit; docs/beheer.md).

The verslag keeps the content hash of the version it was decided with (`regelversie`). A later
published version of the gemeente's parameters, or a peildatum it now covers, changes nothing:
the catalogue keeps every published version, and the replay takes the one with that hash.
"""

from vil.fouten import NietGevonden
from vil.models.aanvraag import Beslisverslag
from vil.models.huishouden import Huishouden
from vil.models.regeling import Regeling
from vil.models.resultaat import Resultaat
from vil.rules import Catalogus
from vil.rules.regel import CompiledRegeling


def versie_van(catalogus: Catalogus, verslag: Beslisverslag) -> CompiledRegeling:
    """The version of the regeling the verslag was decided with.

    Raises:
        NietGevonden: the catalogue no longer holds that version (a deployment replaced the rule
            file it was built on; the hash names it in the repository's history).
    """
    regel = catalogus.met_regelversie(verslag.regeling, verslag.regelversie)
    if regel is None:
        raise NietGevonden(
            f"Versie {verslag.regelversie} van {verslag.regeling} is niet meer geladen."
        )
    return regel


def regeling_van(catalogus: Catalogus, verslag: Beslisverslag) -> Regeling:
    """The rule file of the verslag's version (its legal basis, remedy and texts), or, when
    that version is no longer loaded, the one in force on its peildatum."""
    regel = catalogus.met_regelversie(verslag.regeling, verslag.regelversie)
    return (regel or catalogus.regel(verslag.regeling, verslag.peildatum)).regeling


def herspeel(catalogus: Catalogus, verslag: Beslisverslag) -> Resultaat:
    """The verslag's outcome, computed again with the version it names: equal to
    `verslag.resultaat`, field for field. A regeling that reads another's outcome
    (`afhankelijkVan`, the woonkostentoeslag the huurtoeslag's) reads it through the catalogue's
    facts, as when it was decided: the version of that regeling in force on the peildatum."""
    huishouden = Huishouden.model_validate(verslag.huishouden)
    feiten = catalogus.feiten(huishouden, verslag.peildatum, verslag.herkomst)
    return versie_van(catalogus, verslag).resultaat(feiten, verslag.herkomst)
