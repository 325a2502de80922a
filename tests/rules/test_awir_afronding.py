"""The monthly amount of a toeslag, rounded as the Dienst Toeslagen rounds it (issue 9 item 1).

docs/decisions.md, 'Awir rounding per toeslag': the Dienst's 2026 brochures for the
kindgebonden budget (TG 081 1Z61FD) and the huurtoeslag (TG 083 1Z62FD) take the monthly amount
from the unrounded year amount, rounded down ("maandbedrag naar beneden afgerond op hele
euro's"), while the year amount is rounded to whole euros (Awir art. 14 lid 4). The zorgtoeslag
tables of the Dienst follow the rounded year amount instead; those rows are rule test cases in
rules/zorgtoeslag.yaml and the sweep in test_zorgtoeslag_tabel.py.

Those two rule files say `afronding: awir-maand`; the cases below fail with `awir` (one euro
more a month). Their amounts are the brochures' steps worked out by hand, not our output.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus


def amounts(catalogus: Catalogus, regeling: str, huishouden: dict[str, Any]) -> tuple[Any, Any]:
    evaluatie = catalogus.evaluate(
        Huishouden.model_validate(huishouden), date(2026, 3, 1), regelingen=[regeling]
    )
    (result,) = evaluatie.resultaten
    assert result.recht is True
    return Decimal(result.bedrag_per_jaar or 0), Decimal(result.bedrag_per_maand or 0)


def test_kindgebonden_budget_month_is_the_unrounded_year_over_twelve_rounded_down(
    catalogus: Catalogus,
) -> None:
    # Given a single parent of one child of 8 with € 30.000 income (brochure TG 081, steps 1-7:
    # 2.580 + 3.416 = 5.996; 7,6% × (30.000 − 29.736) = 20,064; year 5.975,936)
    huishouden = {
        "gemeentecode": "0344",
        "aanvrager": {"geboortedatum": "1990-05-01", "toetsingsinkomen": 30000, "vermogen": 0},
        "kinderen": [{"geboortedatum": "2018-01-10", "kinderbijslag": True}],
    }
    jaar, maand = amounts(catalogus, "kindgebonden-budget", huishouden)
    # Then the year is € 5.976 (Awir art. 14 lid 4) and the month 5.975,936 / 12 = 497,99 → € 497,
    # not 5.976 / 12 = 498
    assert (jaar, maand) == (Decimal(5976), Decimal(497))


def test_huurtoeslag_month_is_the_unrounded_month_rounded_down(catalogus: Catalogus) -> None:
    # Given a single tenant of 35 with a kale huur of € 450,51 and € 20.000 income (brochure
    # TG 083: basishuur 202,52; the whole rent below the kwaliteitskortingsgrens counts 100%;
    # income below the ijkpunt of € 23.425, so no reduction): 450,51 − 202,52 = 247,99 a month
    huishouden = {
        "gemeentecode": "0344",
        "aanvrager": {"geboortedatum": "1991-01-01", "toetsingsinkomen": 20000, "vermogen": 0},
        "woning": {"huurwoning": True, "zelfstandig": True, "kaleHuur": "450.51"},
    }
    jaar, maand = amounts(catalogus, "huurtoeslag", huishouden)
    # Then the month is € 247 (step 7), not 2.975,88 → 2.976 / 12 = 248; the year € 2.976
    assert (jaar, maand) == (Decimal(2976), Decimal(247))
