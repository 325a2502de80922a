"""The catalogue with the gemeenten's published versions: the rule files plus, per regeling,
one version more for each approved version of its parameters (docs/beheer.md).

Each published version is the rule file with the values of every version published before it,
and its own (`Regelingversie.pas_toe`); a rollback is the document from before the version it
rolls back. Each takes effect from its `in_werking_vanaf`, so a peildatum before it keeps the
version it had: the past is never rewritten, and a beslisverslag replays with the version it
names (`Catalogus.met_regelversie`).
"""

from collections.abc import Iterable

from vil.models.beheer import Regelingversie
from vil.models.regeling import Regeling
from vil.observability import logger
from vil.rules.catalogus import Catalogus
from vil.rules.laden import RegelFout


def met_publicaties(basis: Catalogus, versies: Iterable[Regelingversie]) -> Catalogus:
    """`basis` (the rule files) with every published version, in the order of publication.

    A version that no longer compiles on the rule file (a deployment changed the file under it)
    is left out with an error in the log, and so is every later one of its regeling: each
    builds on the one before.
    """
    catalogus = basis
    documenten: dict[str, list[tuple[int, Regeling]]] = {}  # per regeling: (versie, document)
    kapot: set[str] = set()
    for versie in versies:
        if versie.regeling in kapot or versie.regeling not in basis.ids:
            continue
        keten = documenten.setdefault(
            versie.regeling, [(0, basis.versions(versie.regeling)[-1].regel.regeling)]
        )
        try:
            document = _document(versie, keten)
            catalogus = catalogus.met_versie(
                document, versie.in_werking_vanaf or versie.ingangsdatum, _bron(versie)
            )
        except (RegelFout, ValueError, LookupError) as fout:
            logger.error(
                "Gepubliceerde regelingversie niet geladen",
                regeling=versie.regeling,
                versie=versie.versie,
                fout=str(fout)[:500],
            )
            kapot.add(versie.regeling)
            continue
        keten.append((versie.versie, document))
    return catalogus


def _document(versie: Regelingversie, keten: list[tuple[int, Regeling]]) -> Regeling:
    if versie.terugdraaiing_van is None:
        return versie.pas_toe(keten[-1][1])
    plaats = next((i for i, (n, _) in enumerate(keten) if n == versie.terugdraaiing_van), None)
    if plaats is None:
        raise LookupError(f"versie {versie.terugdraaiing_van} is niet gepubliceerd")
    return keten[plaats - 1][1]


def _bron(versie: Regelingversie) -> str:
    return f"versie {versie.versie} van {versie.regeling} ({versie.gemeentecode})"
