"""The engine gives byte-identical results to the golden file (tests/rules/golden.py).

Every one of the 10,000 households is checked, on both peildata: decision and explanation as
the API serialises them. A difference names the households that changed; regenerate with
`make generate` only for a deliberate rule change, in its own commit.
"""

import itertools
from typing import Any

from tests.rules.golden import COUNT, GOLDEN, PEILDATA, households, lines
from vil.bench import reference
from vil.models.resultaat import Evaluatie, Resultaat
from vil.rules import Catalogus
from vil.rules.beslissing import Beslissing


def test_every_household_gives_the_golden_result(catalogus: Catalogus) -> None:
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(expected) == COUNT
    changed = [
        line.split()[0]
        for line, golden in zip(lines(catalogus), expected, strict=True)
        if line != golden
    ]
    assert not changed, f"{len(changed)} households differ, the first: {changed[:10]}"


def test_the_decision_alone_is_the_decision_of_the_full_result(catalogus: Catalogus) -> None:
    # Given every twentieth golden household, on both peildata, with its facts' provenance
    # and without (a decision without it is made without a kept fast decision)
    for huishouden, herkomst in itertools.islice(households(), 0, COUNT, 20):
        for peildatum, bron in itertools.product(PEILDATA, (herkomst, None)):
            # When the decision is asked alone and with its explanation
            beslissingen = catalogus.decide(huishouden, peildatum, bron)
            resultaten = catalogus.evaluate(huishouden, peildatum, bron).resultaten
            # Then both say the same
            assert [decision(b) for b in beslissingen] == [decision(r) for r in resultaten]


def test_a_result_is_what_validation_makes_of_it(catalogus: Catalogus) -> None:
    # Given every twentieth golden household, on both peildata, with its facts' provenance and
    # without, by the fast path and (every hundredth) by the reference engine
    engine = reference()
    for index, (huishouden, herkomst) in enumerate(itertools.islice(households(), 0, COUNT, 20)):
        for peildatum, bron, regels in itertools.product(
            PEILDATA, (herkomst, None), (catalogus, engine) if index % 5 == 0 else (catalogus,)
        ):
            # When it is evaluated (the evaluation and its results made without validating)
            evaluatie = regels.evaluate(huishouden, peildatum, bron)
            for resultaat in evaluatie.resultaten:
                # Then validating what it states makes the same result: each value has its
                # field's type, each step is a Rekenstap
                assert resultaat == Resultaat.model_validate(resultaat.model_dump())
            assert evaluatie == Evaluatie.model_validate(evaluatie.model_dump())


def decision(result: Resultaat | Beslissing) -> tuple[Any, ...]:
    return (
        result.regeling,
        result.recht,
        result.bedrag_per_maand,
        result.bedrag_per_jaar,
        result.bedrag_eenmalig,
        result.indicatief,
        result.ontbrekende_gegevens,
    )


def test_a_household_as_a_dict_gives_the_same_result_as_the_model(catalogus: Catalogus) -> None:
    for huishouden, herkomst in itertools.islice(households(), 0, COUNT, 50):
        dumped = huishouden.model_dump(by_alias=True)
        for regel in catalogus.in_force(PEILDATA[0]):
            assert regel.evaluate(dumped, PEILDATA[0], herkomst) == regel.evaluate(
                huishouden, PEILDATA[0], herkomst
            )
