"""The impact computation on a population whose answer is known by construction: copies of the
IIT rule file's single person (eligible on 1 March 2026: three years at € 1.200 a month, under
110% of the bijstandsnorm, € 1.541,65), the same person with € 3.000 a month (never eligible),
and three couples (a cell too small to show, and with it the one other cell of its breakdown,
else the total would give it away). The proposed amounts are test values."""

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from vil.models.huishouden import Huishouden
from vil.rules import Catalogus
from vil.services.impact import Cel, _aanvullend, impact

IIT = "individuele-inkomenstoeslag-utrecht"
PEILDATUM = date(2026, 3, 1)
ALLEENSTAANDE = (
    "Een alleenstaande met drie jaar een laag inkomen krijgt € 276, indicatief omdat het bedrag"
    " van 2024 is"
)


def met_waarde(catalogus: Catalogus, parameter: str, waarde: str) -> Catalogus:
    """The catalogue with one more value of an IIT parameter from 1 January 2026."""
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    document: dict[str, Any] = regeling.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document["parameters"][parameter]["waarden"].append(
        {"vanaf": "2026-01-01", "waarde": waarde, "bron": "testwaarde", "status": "bevestigd"}
    )
    return catalogus.met_regeling(type(regeling).model_validate(document), "test")


def bevolking(catalogus: Catalogus) -> list[Huishouden]:
    regeling = catalogus.regel(IIT, PEILDATUM).regeling
    alleen = next(t for t in regeling.tests if t.naam == ALLEENSTAANDE).huishouden
    rijk = copy.deepcopy(alleen)
    rijk["inkomenshistorie"] = [{**m, "nettoInkomen": 3000} for m in alleen["inkomenshistorie"]]
    paar = copy.deepcopy(alleen) | {"partner": alleen["aanvrager"]}
    documenten = [alleen] * 12 + [rijk] * 11 + [paar] * 3
    return [Huishouden.model_validate(d) for d in documenten]


def test_a_higher_amount_for_a_single_person_puts_each_in_the_top_bucket(
    catalogus: Catalogus,
) -> None:
    # € 276 -> € 290 is +5.07%: more than +5% for each of the 12 eligible single persons
    voorgesteld = met_waarde(catalogus, "bedragAlleenstaande", "290")

    (rapport,) = impact(catalogus, voorgesteld, bevolking(catalogus), PEILDATUM, [IIT]).values()

    assert rapport["huishoudens"] == 26
    assert (rapport["gewonnen"], rapport["verloren"]) == (None, None)  # 0 is below k too
    assert Decimal(str(rapport["jaarkostenVerschil"])) == 12 * (290 - 276)
    assert rapport["bedragen"] == {
        "meer dan +5%": 12, "tot +5%": None, "gelijk": None, "tot -5%": None, "meer dan -5%": None,
    }  # fmt: skip
    per_type: Any = rapport["perHuishoudtype"]
    verborgen = {"huishoudens": None, "gewonnen": None, "verloren": None,
                 "jaarkostenVerschil": None}  # fmt: skip
    assert per_type["paar zonder kinderen"] == verborgen  # 3 couples: nothing shown
    # 23 single persons, but 26 - 23 would give the couples away: hidden as well
    assert per_type["alleenstaand"] == verborgen
    per_band: Any = rapport["perInkomensband"]
    assert Decimal(per_band["3000 en meer"]["jaarkostenVerschil"]) == 0
    assert per_band["tot 1500"]["huishoudens"] == 15


def test_a_lower_income_limit_takes_the_right_from_each_single_person_above_it(
    catalogus: Catalogus,
) -> None:
    # 80% of € 1.401,50 is € 1.121,20, below the € 1.200 the single persons earned
    voorgesteld = met_waarde(catalogus, "inkomensgrensPercentage", "80")

    (rapport,) = impact(catalogus, voorgesteld, bevolking(catalogus), PEILDATUM, [IIT]).values()

    # The couples' limit (80% of their higher norm) stays above € 1.200: they keep their right
    assert rapport["verloren"] == 12
    assert Decimal(str(rapport["jaarkostenVerschil"])) == -12 * 276
    per_type: Any = rapport["perHuishoudtype"]
    assert per_type["paar zonder kinderen"]["verloren"] is None  # 0: below k = KLEINSTE_CEL
    assert per_type["alleenstaand"]["verloren"] is None  # 12 - 12 would give the 0 away
    assert per_type["alleenstaand"]["huishoudens"] is None  # and 26 - 23 the 3 couples
    per_band: Any = rapport["perInkomensband"]
    assert (per_band["tot 1500"]["huishoudens"], per_band["3000 en meer"]["huishoudens"]) == (
        15,
        11,
    )
    assert per_band["3000 en meer"]["verloren"] is None  # 0, below k
    assert per_band["tot 1500"]["verloren"] is None  # 12 - 12 would give it away


def test_one_hidden_count_in_a_breakdown_hides_the_smallest_other() -> None:
    cellen = {"a": Cel(huishoudens=40, gewonnen=12), "b": Cel(huishoudens=30, gewonnen=20),
              "c": Cel(huishoudens=20, gewonnen=4)}  # fmt: skip

    getoond = _aanvullend(cellen)

    assert [getoond[naam]["gewonnen"] for naam in "abc"] == [None, 20, None]
    assert [getoond[naam]["huishoudens"] for naam in "abc"] == [40, 30, 20]
