"""The catalogue with the gemeenten's published versions: the rule files plus, per regeling,
one version more for each approved version of its parameters (docs/beheer.md). The one
definition of what a version does to the catalogue: every function's catalogue is built here,
and so is the catalogue an impact run compares with (a proposal added last, `voorstel`).

Each published version is the rule file with the values of every version published before it,
and its own (`Regelingversie.pas_toe`); a rollback is the document from before the version it
rolls back. Each takes effect from its `in_werking_vanaf`, so a peildatum before it keeps the
version it had: the past is never rewritten, and a beslisverslag replays with the version it
names (`Catalogus.met_regelversie`).

A correction of the past (`correctie_van`) is the one exception, and an explicit one: its
values go into every document of the chain in force on or after its `in_werking_vanaf` (the
corrected version's day), each added as one more version from the same day, which the
catalogue then prefers (of two versions from one day, the one added last). The documents it
corrects stay in the catalogue, so a beslisverslag made with one still replays with it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vil.models.beheer import Regelingversie
from vil.models.regeling import Regeling
from vil.observability import logger
from vil.rules.catalogus import Catalogus
from vil.rules.laden import RegelFout


@dataclass
class _Schakel:
    """One document of a regeling's chain: by whose version, and from which day."""

    gemeentecode: str  # "" for the rule file
    versie: int  # 0 for the rule file
    document: Regeling
    vanaf: date


def met_publicaties(
    basis: Catalogus, versies: Iterable[Regelingversie], voorstel: Regelingversie | None = None
) -> Catalogus:
    """`basis` (the rule files) with every published version, in the order of publication;
    with `voorstel`, also that version as publishing it would add it (from its ingangsdatum).

    A published version that no longer compiles on the rule file (a deployment changed the
    file under it) is left out with an error in the log, and so is every later one of its
    regeling: each builds on the one before. A `voorstel` that does not build raises.

    Raises:
        RegelFout, ValueError, LookupError: the proposal does not build on what is published.
    """
    catalogus = basis
    ketens: dict[str, list[_Schakel]] = {}
    kapot: set[str] = set()
    for versie in versies:
        if versie.regeling in kapot or versie.regeling not in basis.ids:
            continue
        keten = ketens.setdefault(versie.regeling, _begin(basis, versie.regeling))
        try:
            catalogus = _voeg_toe(catalogus, versie, keten)
        except (RegelFout, ValueError, LookupError) as fout:
            logger.error(
                "Gepubliceerde regelingversie niet geladen",
                regeling=versie.regeling,
                versie=versie.versie,
                fout=str(fout)[:500],
            )
            kapot.add(versie.regeling)
    if voorstel is not None:
        if voorstel.regeling in kapot:
            raise LookupError(f"de gepubliceerde versies van {voorstel.regeling} laden niet")
        keten = ketens.setdefault(voorstel.regeling, _begin(basis, voorstel.regeling))
        catalogus = _voeg_toe(catalogus, voorstel, keten)
    return catalogus


def _begin(basis: Catalogus, regeling_id: str) -> list[_Schakel]:
    eerste = basis.versions(regeling_id)[-1]
    return [_Schakel("", 0, eerste.regel.regeling, eerste.geldig_vanaf)]


def _voeg_toe(catalogus: Catalogus, versie: Regelingversie, keten: list[_Schakel]) -> Catalogus:
    """The catalogue with one more version of the chain (the chain grows, or a correction
    changes its documents from its day on)."""
    vanaf = versie.in_werking_vanaf or versie.ingangsdatum
    if versie.correctie_van is not None:
        return _corrigeer(catalogus, versie, keten, vanaf)
    if versie.terugdraaiing_van is None:
        document = versie.pas_toe(keten[-1].document)
    else:
        document = keten[_plaats(keten, versie.gemeentecode, versie.terugdraaiing_van) - 1].document
    catalogus = catalogus.met_versie(document, vanaf, _bron(versie))
    keten.append(_Schakel(versie.gemeentecode, versie.versie, document, vanaf))
    return catalogus


def _corrigeer(
    catalogus: Catalogus, versie: Regelingversie, keten: list[_Schakel], vanaf: date
) -> Catalogus:
    """The correction's values in the document in force on `vanaf` and in every later one, each
    in force again from its own day (or `vanaf`), added after the one it corrects."""
    _plaats(keten, versie.gemeentecode, versie.correctie_van or 0)  # it corrects a published one
    eerste = max((i for i, s in enumerate(keten) if s.vanaf <= vanaf), default=0)
    for schakel in keten[eerste:]:
        schakel.document = versie.pas_toe(schakel.document)
        catalogus = catalogus.met_versie(schakel.document, max(schakel.vanaf, vanaf), _bron(versie))
    return catalogus


def _plaats(keten: list[_Schakel], gemeentecode: str, nummer: int) -> int:
    plaats = next(
        (i for i, s in enumerate(keten) if (s.gemeentecode, s.versie) == (gemeentecode, nummer)),
        None,
    )
    if plaats is None:
        raise LookupError(f"versie {nummer} ({gemeentecode}) is niet gepubliceerd")
    return plaats


def _bron(versie: Regelingversie) -> str:
    return f"versie {versie.versie} van {versie.regeling} ({versie.gemeentecode})"
