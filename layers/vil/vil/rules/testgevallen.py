"""The YAML test cases of the rule files: run one, and say how it differs from the expectation."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden
from vil.models.regeling import Testgeval
from vil.models.resultaat import FeitHerkomst, Resultaat
from vil.rules.catalogus import Catalogus


def cases(catalogus: Catalogus) -> Iterator[tuple[str, Testgeval]]:
    """Every test case of the regelingen in the catalogue, with its regeling's id."""
    for regeling_id in catalogus.ids:
        for versie in catalogus.versions(regeling_id):
            for case in versie.regel.regeling.tests:
                yield regeling_id, case


def run(catalogus: Catalogus, regeling_id: str, case: Testgeval) -> list[str]:
    """The differences between the expected and the actual outcome; empty when it passes."""
    herkomst = {
        path: FeitHerkomst.model_validate(value) for path, value in (case.herkomst or {}).items()
    }
    evaluatie = catalogus.evaluate(
        Huishouden.model_validate(case.huishouden), case.peildatum, herkomst, [regeling_id]
    )
    (result,) = evaluatie.resultaten
    return list(_differences(case, result))


def _differences(case: Testgeval, result: Resultaat) -> Iterator[str]:
    expected = case.verwacht
    given = expected.model_fields_set
    for field in ("recht", "indicatief", "indicatief_redenen", "ontbrekende_gegevens", "hints"):
        want, got = getattr(expected, field), getattr(result, field)
        if field in given and want != got:
            yield f"{field}: verwacht {want!r}, kreeg {got!r}"
    for field in ("bedrag_per_maand", "bedrag_per_jaar", "bedrag_eenmalig"):
        want, got = getattr(expected, field), getattr(result, field)
        if field in given and _decimal(want) != _decimal(got):
            yield f"{field}: verwacht {want}, kreeg {got}"
    voorwaarden = {v.naam: v.voldaan for v in result.voorwaarden}
    for naam, voldaan in (expected.voorwaarden or {}).items():
        if naam not in voorwaarden or voorwaarden[naam] is not voldaan:
            got = voorwaarden.get(naam, "geen")
            yield f"voorwaarde {naam}: verwacht {voldaan!r}, kreeg {got!r}"
    stappen = {s.stap: s.waarde for s in result.berekening}
    for stap, waarde in (expected.berekening or {}).items():
        if _decimal(stappen.get(stap)) != waarde:
            yield f"stap {stap}: verwacht {waarde}, kreeg {stappen.get(stap)}"
    if expected.indicatief is False and result.indicatief_redenen:
        yield f"indicatief door: {result.indicatief_redenen}"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
