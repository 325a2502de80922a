"""Zorgtoeslag for every income: the Dienst Toeslagen's published method, written out here.

The oracle below is independent of the rule file: it takes the published parameters from
docs/bronnen-regelingen.md 1 (Stcrt./Stb. references there) and follows the steps of that
section with Decimal arithmetic: normpremie = pct × drempelinkomen + 13,7x% × (Y −
drempelinkomen)⁺, zorgtoeslag = standaardpremie × (1 or 2) − normpremie, the year amount rounded
half-up to whole euros,
nothing under € 24, and a twelfth per month rounded down. That method reproduces every row of
the Dienst's published per-income tables (docs/bronnen-regelingen.md V5), and its ceilings are the
Belastingdienst's published maximum incomes, asserted separately.
"""

from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus

PUBLISHED = {
    # year: standaardpremie, drempelinkomen, pct single, pct partner, pct above drempel
    2025: (Decimal(2112), Decimal(28406), Decimal("0.01896"), Decimal("0.04273"), Decimal("0.137")),
    2026: (
        Decimal(2119),
        Decimal(29736),
        Decimal("0.01912"),
        Decimal("0.04289"),
        Decimal("0.1373"),
    ),
}
MAXIMUM_INCOME = {  # Belastingdienst, 'Hoe hoog mag mijn inkomen zijn voor zorgtoeslag?'
    (2025, False): 39719,
    (2025, True): 50206,
    (2026, False): 40857,
    (2026, True): 51142,
}


def dienst_toeslagen(year: int, income: int, partner: bool) -> Decimal:
    """The monthly amount by the Dienst Toeslagen's method."""
    premie, drempel, single, together, above = PUBLISHED[year]
    normpremie = (together if partner else single) * drempel + above * max(
        Decimal(0), income - drempel
    )
    yearly = max(Decimal(0), premie * (2 if partner else 1) - normpremie)
    yearly = yearly.quantize(Decimal(1), ROUND_HALF_UP)
    if yearly < 24:
        return Decimal(0)
    return (yearly / 12).quantize(Decimal(1), ROUND_FLOOR)


def monthly(catalogus: Catalogus, year: int, income: int, partner: bool) -> Decimal:
    person = {"geboortedatum": "1980-01-01", "zorgverzekerd": True, "vermogen": 0}
    huishouden = Huishouden.model_validate(
        {
            "aanvrager": {
                **person,
                "toetsingsinkomen": income - income // 2 if partner else income,
            },
            "partner": {**person, "toetsingsinkomen": income // 2} if partner else None,
        }
    )
    evaluatie = catalogus.evaluate(huishouden, date(year, 7, 1), regelingen=["zorgtoeslag"])
    (result,) = evaluatie.resultaten
    assert result.bedrag_per_maand is not None
    return Decimal(result.bedrag_per_maand)


@pytest.mark.parametrize("partner", [False, True], ids=["alleenstaand", "met partner"])
@pytest.mark.parametrize("year", [2025, 2026])
def test_monthly_amount_equals_the_dienst_toeslagen_for_every_income(
    catalogus: Catalogus, year: int, partner: bool
) -> None:
    # Given incomes from 0 to past the ceiling in steps of € 13 (every rounding case occurs)
    incomes = range(0, MAXIMUM_INCOME[year, partner] + 2_000, 13)
    # Then the monthly amount is the Dienst's, to the euro, for each
    mismatches = [
        (income, ours, theirs)
        for income in incomes
        if (ours := monthly(catalogus, year, income, partner))
        != (theirs := dienst_toeslagen(year, income, partner))
    ]
    assert mismatches == []


@pytest.mark.parametrize(("year", "partner"), list(MAXIMUM_INCOME))
def test_the_published_maximum_income_is_the_last_with_zorgtoeslag(
    catalogus: Catalogus, year: int, partner: bool
) -> None:
    ceiling = MAXIMUM_INCOME[year, partner]
    assert monthly(catalogus, year, ceiling, partner) > 0
    assert monthly(catalogus, year, ceiling + 1, partner) == 0
