"""Every YAML test case of every rule file, one pytest test each."""

import pytest

from tests.conftest import RULES
from vil.rules import Catalogus
from vil.rules.testgevallen import cases, run

CATALOGUS = Catalogus.from_directory(RULES)
CASES = list(cases(CATALOGUS))


@pytest.mark.parametrize(
    ("regeling_id", "case"), CASES, ids=[f"{rid}: {case.naam}" for rid, case in CASES]
)
def test_case(regeling_id: str, case: object) -> None:
    # Given a household from the rule file, when it is evaluated on the case's peildatum,
    # then the outcome is the one the case's source gives.
    assert run(CATALOGUS, regeling_id, case) == []  # type: ignore[arg-type]


def test_every_regeling_has_test_cases() -> None:
    covered = {regeling_id for regeling_id, _ in CASES}
    assert covered == set(CATALOGUS.ids)


def test_a_wrong_expectation_is_reported(catalogus: Catalogus) -> None:
    # Given a case whose expected amount is off by one euro
    regeling_id, case = next((rid, c) for rid, c in CASES if c.verwacht.bedrag_per_maand)
    assert case.verwacht.bedrag_per_maand is not None
    wrong = case.model_copy(
        update={
            "verwacht": case.verwacht.model_copy(
                update={"bedrag_per_maand": case.verwacht.bedrag_per_maand + 1}
            )
        }
    )
    # When it runs, then the difference is named
    (difference,) = run(catalogus, regeling_id, wrong)
    assert difference.startswith("bedrag_per_maand: verwacht")
