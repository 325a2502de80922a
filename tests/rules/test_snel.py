"""The decision's fast path (vil.rules.snel) gives the reference engine's results.

The golden file (tests/rules/test_golden.py) holds for every household through the fast path,
decision and explanation; here: that every regeling has one and nothing is left to the
reference, that the reference engine still gives the golden output itself (it is what the
fast path is held to), that both decide alike, that a surprise goes to the reference, and the
fast runtime against the digit-exact functions of vil.rules.vertaling (those against zen:
tests/rules/test_vertaling.py).
"""

import calendar
import copy
import decimal
import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.conftest import RULES
from tests.proefregeling import SHARED, VALID
from tests.rules import zen
from tests.rules.golden import COUNT, GOLDEN, PEILDATA, digest, households
from tests.rules.test_golden import decision
from vil.bench import reference
from vil.models.huishouden import Huishouden, Persoon, Woning
from vil.models.resultaat import FeitHerkomst, HerkomstSoort, Rekenstap
from vil.rules import Catalogus, feiten, snel, uitleg, vertaling


def test_every_regeling_has_a_fast_path(catalogus: Catalogus) -> None:
    for regeling_id in catalogus.ids:
        for versie in catalogus.versions(regeling_id):
            assert versie.regel.plan is not None, regeling_id


def test_the_golden_households_are_decided_without_the_reference(catalogus: Catalogus) -> None:
    # Given the count of decisions the fast path left to the reference
    before = snel.TELLING.terugval
    # When every golden household is decided and explained, on both peildata
    for huishouden, herkomst in households():
        for peildatum in PEILDATA:
            catalogus.evaluate(huishouden, peildatum, herkomst)
            catalogus.decide(huishouden, peildatum)
    # Then the fast path decided each of them (test_golden: with the golden result)
    assert snel.TELLING.terugval == before


def test_the_reference_engine_gives_the_golden_result_too() -> None:
    # Given the reference engine alone, and every tenth golden household
    engine = reference()
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    # Then its results are the golden ones, byte for byte
    for index, (huishouden, herkomst) in itertools.islice(enumerate(households()), 0, COUNT, 10):
        assert f"{index} {digest(engine, huishouden, herkomst)}" == expected[index]


def test_the_fast_decisions_are_the_reference_engines() -> None:
    # Given the fast path and the reference engine, and every fourth golden household
    fast, engine = Catalogus.from_directory(RULES), reference()
    for huishouden, herkomst in itertools.islice(households(), 0, COUNT, 4):
        for peildatum in PEILDATA:
            # Then the decisions alone are the same, with the facts' provenance and without
            for bron in (herkomst, None):
                ours = fast.decide(huishouden, peildatum, bron)
                assert [decision(b) for b in ours] == [
                    decision(b) for b in engine.decide(huishouden, peildatum, bron)
                ]


def test_the_generated_function_reads_no_builtins(catalogus: Catalogus) -> None:
    plan = catalogus.regel("huurtoeslag", PEILDATA[0]).plan
    assert plan is not None
    assert plan.beslis.__globals__["__builtins__"] == {}
    assert plan.beslissing.__globals__["__builtins__"] == {}
    assert plan.zuiver.__globals__["__builtins__"] == {}
    assert "def beslis(h, S, X):" in plan.bron


def test_the_decision_functions_decide_as_the_full_one(catalogus: Catalogus) -> None:
    # Given every tenth golden household, on both peildata, and each regeling's functions
    vergeleken, zuiver = set(), 0
    for huishouden, _ in itertools.islice(households(), 0, COUNT, 10):
        for peildatum in PEILDATA:
            facts = catalogus.feiten(huishouden, peildatum)
            for regeling in catalogus.ids:
                regel = catalogus.regel(regeling, peildatum)
                stand = regel.snelstand(peildatum, facts.gemeentecode)
                if stand is None:  # not in force on this peildatum
                    continue
                # When both decide the household
                with decimal.localcontext(snel.EXACT):
                    full = stand.plan.beslis(facts.velden, stand, facts)
                    kort = stand.plan.beslissing(facts.velden, stand, facts)
                    alles = stand.plan.zuiver(facts.velden, stand, facts)
                # Then the decision alone is the full function's, without steps, voorwaarden
                # and hint
                assert kort == (*full[:6], full[8], full[10])
                # And the one for a household with every fact is too, or else a fact is missing
                if alles is None:
                    assert full[8]
                else:
                    assert alles == (*full[:6], (), full[10])
                    zuiver += 1
                vergeleken.add(regeling)
    # And every regeling was compared (none skipped as not in force on both peildata), most
    # by all three functions
    assert vergeleken == set(catalogus.ids)
    assert zuiver > len(vergeleken) * COUNT // 10


def stappen(rijen: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """A rule file's steps: name (its omschrijving too), type, expression."""
    return [
        {
            "naam": naam,
            "type": soort,
            "expressie": expressie,
            "omschrijving": naam,
            "grondslag": "-",
        }
        for naam, soort, expressie in rijen
    ]


def snel_en_referentie(document: dict[str, Any]) -> tuple[Catalogus, Catalogus]:
    """Two catalogues of one rule file: the fast path's, and one whose regeling the
    reference engine alone decides."""
    fast = Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])
    engine = Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])
    engine.regel(document["id"], date(2026, 6, 1)).plan = None
    return fast, engine


def proef(expressie: str) -> Catalogus:
    document = copy.deepcopy(VALID)
    document["berekening"][1]["expressie"] = expressie
    return Catalogus.from_data(SHARED, [("rules/proef.yaml", document)])


def test_a_surprise_is_decided_by_the_reference() -> None:
    # Given a regeling that divides by the room under the limit, which is 0 for this income
    catalogus = proef("1000 / ruimte")
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 20000}})
    before = snel.TELLING.terugval
    # When it is evaluated
    (resultaat,) = catalogus.evaluate(huishouden, date(2026, 6, 1)).resultaten
    # Then the fast path left it to the reference, which says what zen says: no amount
    assert snel.TELLING.terugval == before + 1
    assert resultaat.recht is None
    assert resultaat.indicatief_redenen[-1].startswith("Berekening mislukt: bedrag:")


def test_a_surprise_in_a_batch_is_decided_by_the_reference_once() -> None:
    # Given the same regeling and household, and an ordinary household after it
    catalogus = proef("1000 / ruimte")
    verrassing = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 20000}})
    gewoon = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 12000}})
    before = snel.TELLING.terugval
    # When a batch decides them
    [[eerste], [tweede]] = catalogus.decide_many([verrassing, gewoon], date(2026, 6, 1))
    # Then the surprise is the reference's, counted once, as the evaluation says it
    assert snel.TELLING.terugval == before + 1
    (resultaat,) = catalogus.evaluate(verrassing, date(2026, 6, 1)).resultaten
    assert (eerste.recht, eerste.indicatief) == (resultaat.recht, resultaat.indicatief)
    assert eerste.recht is None
    assert eerste.indicatief
    # And the next household is the fast path's again
    assert (tweede.recht, tweede.bedrag_per_jaar) == (False, "0.00")


def test_an_ordinary_household_of_the_same_regeling_is_fast() -> None:
    catalogus = proef("1000 / ruimte")
    huishouden = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 12000}})
    before = snel.TELLING.terugval
    (beslissing,) = catalogus.decide(huishouden, date(2026, 6, 1))
    # 1000 / 8000 = 0.125 a year: below the minimum of € 24, so no right
    assert (beslissing.recht, beslissing.bedrag_per_jaar) == (False, "0.00")
    assert snel.TELLING.terugval == before


# Each kind of closure, where it is evaluated on every path (a loop before its statement) and
# where only on a condition (a comprehension): step name, type, expression.
_CLOSURES = [
    ("telling", "getal", "count(kinderen, #.kinderbijslag)"),
    (
        "inkomen",
        "bedrag",
        "sum(map(filter(kinderen, #.toetsingsinkomen > 100), #.toetsingsinkomen))",
    ),
    ("eenVerdient", "getal", "some(kinderen, #.toetsingsinkomen > 1000) ? 1 : 0"),
    ("allen", "ja-nee", "all(kinderen, #.kinderbijslag)"),
    ("alsHoog", "getal", "ruimte > 5000 ? count(kinderen, #.kinderbijslag) : 0"),
    ("enEen", "ja-nee", "ruimte > 5000 and some(kinderen, #.kinderbijslag)"),
    ("ofAllen", "ja-nee", "allen or all(kinderen, #.toetsingsinkomen > 100)"),
    ("tussen", "ja-nee", "ruimte in (0..count(kinderen, #.kinderbijslag) * 8000)"),
    ("genest", "getal", "count(kinderen, some(kinderen, #.toetsingsinkomen > 1000))"),
]


def test_every_closure_is_the_reference_engines() -> None:
    # Given a regeling with each closure, on every path and on a condition, in its amount
    document = copy.deepcopy(VALID)
    document["invoer"]["kinderen"] = {
        "type": "lijst",
        "bron": "svb",
        "velden": {"kinderbijslag": {"type": "ja-nee"}, "toetsingsinkomen": {"type": "bedrag"}},
    }
    document["berekening"][1:1] = stappen(_CLOSURES)
    document["berekening"][-1]["expressie"] = "ruimte / 10 + " + " + ".join(
        naam if soort != "ja-nee" else f"({naam} ? 1 : 0)" for naam, soort, _ in _CLOSURES
    )
    fast, engine = snel_en_referentie(document)
    # Then those on every path are loops (filter and map two, the nested closure's outer one),
    # the others (on a condition, or inside a closure) comprehensions
    plan = fast.regel("proef", date(2026, 6, 1)).plan
    assert plan is not None
    lines = plan.bron.splitlines()
    assert sum(line.lstrip().startswith("for _i") for line in lines) == 6
    assert sum(" for _i" in line and not line.lstrip().startswith("for") for line in lines) == 5
    kinderen = [
        [],
        [{"kinderbijslag": True, "toetsingsinkomen": 0}],
        [
            {"kinderbijslag": True, "toetsingsinkomen": 50},
            {"kinderbijslag": False, "toetsingsinkomen": 2000},
        ],
        [{"kinderbijslag": True, "toetsingsinkomen": 500}] * 3,
    ]
    # When households with none to three children and two incomes are evaluated by both
    for rij, inkomen in itertools.product(kinderen, (2000, 15000)):
        huishouden = Huishouden.model_validate(
            {"aanvrager": {"toetsingsinkomen": inkomen}, "kinderen": rij}
        )
        before = snel.TELLING.terugval
        ours = fast.evaluate(huishouden, date(2026, 6, 1))
        # Then the fast path decided, as the reference does, steps and all
        assert snel.TELLING.terugval == before
        assert ours == engine.evaluate(huishouden, date(2026, 6, 1))
        assert ours.resultaten[0].recht is True


# Dates as the fast path writes them: the first of a month moved by years and months (one
# date, `_Maandbegin`), and ages from a day the stand holds (the peildatum, a parameter-only
# step: `Snelstand.dagen`) and from one it does not: step name, type, expression.
_DATA = [
    ("achttien", "datum", "d(aanvrager.geboortedatum).startOf('month').add(18, 'y').add(1, 'M')"),
    (
        "omgekeerd",
        "datum",
        "d(aanvrager.geboortedatum).sub(1, 'd').startOf('month').add(1, 'M').add(18, 'y')",
    ),
    ("terug", "datum", "d(aanvrager.geboortedatum).startOf('year').sub(23, 'y').add(13, 'M')"),
    ("jaarbegin", "datum", "d(peildatum).startOf('year')"),
    ("jaren", "getal", "d(jaarbegin).diff(d(aanvrager.geboortedatum), 'year')"),
    ("maanden", "getal", "d(peildatum).diff(d(aanvrager.geboortedatum), 'month')"),
    ("vanaf", "getal", "d(achttien).diff(d(aanvrager.geboortedatum), 'month')"),
]


@pytest.mark.parametrize(
    "geboren",
    [
        date(2000, 1, 1),
        date(2000, 2, 29),
        date(2000, 12, 31),
        date(2001, 11, 30),
        date(2008, 5, 31),
        date(2008, 6, 1),
        date(2008, 6, 2),
        date(2026, 6, 1),
        date(2026, 7, 1),
    ],
)
def test_dates_and_ages_are_the_reference_engines(geboren: date) -> None:
    # Given a regeling with each form among its steps, which its amount reads
    document = copy.deepcopy(VALID)
    document["invoer"]["aanvrager.geboortedatum"] = {"type": "datum", "bron": "brp"}
    document["berekening"][1:1] = stappen(_DATA)
    document["berekening"][-1]["expressie"] = (
        "ruimte / 10 + jaren + maanden + vanaf"
        " + (d(achttien) < d(peildatum) ? 1 : 0) + (d(omgekeerd) < d(terug) ? 1 : 0)"
    )
    fast, engine = snel_en_referentie(document)
    plan = fast.regel("proef", date(2026, 6, 1)).plan
    assert plan is not None
    # whose source makes each moved first of a month as one date, and reads the fields of the
    # peildatum and of the year's first day from the stand
    assert "_plus_maanden" not in plan.bron
    assert "S.dagen[-1]" in plan.bron
    assert sum(line.lstrip().startswith("_j") for line in plan.bron.splitlines()) == 2
    huishouden = Huishouden.model_validate(
        {"aanvrager": {"toetsingsinkomen": 12000, "geboortedatum": geboren}}
    )
    before = snel.TELLING.terugval
    # When a household born on that day is evaluated by both
    ours = fast.evaluate(huishouden, date(2026, 6, 1))
    # Then the fast path decided, as the reference does, every date and age among its steps
    assert snel.TELLING.terugval == before
    assert ours == engine.evaluate(huishouden, date(2026, 6, 1))
    assert ours.resultaten[0].recht is True


# Closures over a month series whose test starts with `#.maandenGeleden` and a whole number:
# each comparison, alone and before `and`, a window beyond the series, and those that loop
# over every month (`all`, a month 0, the number on the left): expression, whether a slice.
_VENSTERS = [
    ("count(inkomenshistorie, #.maandenGeleden <= 2 and #.nettoInkomen > 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden < 3 and #.nettoInkomen > 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden > 4 and #.nettoInkomen >= 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden >= 5 and #.nettoInkomen > 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden == 3 and #.nettoInkomen > 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden <= 12 and #.nettoInkomen > 1000)", True),
    ("count(inkomenshistorie, #.maandenGeleden >= 10)", True),
    ("sum(map(filter(inkomenshistorie, #.maandenGeleden >= 2), #.nettoInkomen))", True),
    ("some(inkomenshistorie, #.maandenGeleden > 5 and #.nettoInkomen > 1000) ? 1 : 0", True),
    ("all(inkomenshistorie, #.maandenGeleden <= 3 and #.nettoInkomen > 0) ? 1 : 0", False),
    ("count(inkomenshistorie, #.maandenGeleden > 0 and #.nettoInkomen > 1000)", False),
    ("count(inkomenshistorie, 3 >= #.maandenGeleden and #.nettoInkomen > 1000)", False),
]


def test_a_month_series_window_is_the_reference_engines() -> None:
    # Given a regeling with a series of six months and a step for each closure above
    document = copy.deepcopy(VALID)
    document["invoer"]["inkomenshistorie"] = {
        "type": "maandreeks",
        "bron": "uwv",
        "maanden": 6,
        "velden": {"nettoInkomen": {"type": "bedrag"}},
    }
    namen = [f"venster{i}" for i in range(len(_VENSTERS))]
    document["berekening"][1:1] = stappen(
        [(naam, "getal", expressie) for naam, (expressie, _) in zip(namen, _VENSTERS, strict=True)]
    )
    document["berekening"][-1]["expressie"] = "ruimte / 10 + " + " + ".join(namen)
    fast, engine = snel_en_referentie(document)
    peildatum = date(2026, 6, 1)
    # Then a closure whose months are a window loops over that slice alone
    plan = fast.regel("proef", peildatum).plan
    assert plan is not None
    lines = plan.bron.splitlines()
    reeks = next(line.split(" = ")[0].strip() for line in lines if "X.lijst(" in line)
    assert sum(f"{reeks}[" in line for line in lines) == sum(v for _, v in _VENSTERS)
    # When households with incomes around the limits in each month are evaluated by both
    for inkomens in ([500, 1000, 1500, 2000, 800, 1200], [1500] * 6, [0] * 6):
        huishouden = Huishouden.model_validate(
            {
                "aanvrager": {"toetsingsinkomen": 15000},
                "inkomenshistorie": [
                    {"maand": feiten.month_start(peildatum, back), "nettoInkomen": inkomen}
                    for back, inkomen in enumerate(inkomens, 1)
                ],
            }
        )
        before = snel.TELLING.terugval
        ours = fast.evaluate(huishouden, peildatum)
        beslissingen = fast.decide(huishouden, peildatum)  # by the decision's own function
        # Then the fast path decided, as the reference does, steps and all
        assert snel.TELLING.terugval == before
        assert ours == engine.evaluate(huishouden, peildatum)
        assert beslissingen == engine.decide(huishouden, peildatum)


def test_the_fast_path_reads_the_households_own_fields() -> None:
    # Given a household with a partner and a woning, and one without either
    full = next(h for h, _ in households() if h.partner is not None and h.woning is not None)
    alone = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 1000}})
    for huishouden in (full, alone):
        # When its facts make its fields plain attributes for the generated functions
        view = feiten.Huishoudfeiten(huishouden, PEILDATA[0]).velden
        # Then each is the model's own value, a model inside it read field by field alike
        for name in Huishouden.model_fields:
            value, seen = getattr(huishouden, name), getattr(view, name)
            if isinstance(value, BaseModel):
                assert {veld: getattr(seen, veld) for veld in type(value).model_fields} == dict(
                    value
                )
            elif not isinstance(seen, feiten.Velden):
                assert seen is value, name
    # And an absent model is one whose fields are all None
    leeg = feiten.Huishoudfeiten(alone, PEILDATA[0]).velden
    assert vars(leeg.partner) == dict.fromkeys(Persoon.model_fields)
    assert vars(leeg.woning) == dict.fromkeys(Woning.model_fields)


def test_a_household_with_a_number_zen_reads_as_a_float_is_the_references() -> None:
    # Given a household whose income has more digits than a float keeps, beyond what
    # rust_decimal holds (a stored household is not validated again)
    gewoon = Huishouden.model_validate({"aanvrager": {"toetsingsinkomen": 12000}})
    aanvrager = gewoon.aanvrager.model_copy(
        update={"toetsingsinkomen": Decimal("123456789012345678901234567890.25")}
    )
    huishouden = gewoon.model_copy(update={"aanvrager": aanvrager})
    # When a batch decides it
    catalogus = Catalogus.from_directory(RULES)
    before = snel.TELLING.terugval
    beslissingen = catalogus.decide(huishouden, PEILDATA[0])
    # Then its decisions are the reference engine's, by the reference
    assert beslissingen == reference().decide(huishouden, PEILDATA[0])
    assert snel.TELLING.terugval > before


def test_a_number_read_by_several_regelingen_is_read_once_as_zen_reads_it(
    catalogus: Catalogus,
) -> None:
    # Given a household whose income and savings have more digits than a float keeps (zen
    # reads them shorter), which every regeling reads
    huishouden, _ = next(households(1))
    aanvrager = huishouden.aanvrager.model_copy(
        update={
            "toetsingsinkomen": Decimal("21234.5678901234567"),
            "vermogen": Decimal("1234.56789012345678"),
        }
    )
    huishouden = huishouden.model_copy(update={"aanvrager": aanvrager})
    before = snel.TELLING.terugval
    # When every regeling evaluates it, the first reading each number for the others
    ours = catalogus.evaluate(huishouden, PEILDATA[0])
    # Then each used zen's reading, as the reference engine does, steps and all
    assert snel.TELLING.terugval == before
    assert ours == reference().evaluate(huishouden, PEILDATA[0])


def test_a_step_that_repeats_is_one_shared_model(catalogus: Catalogus) -> None:
    # Given one household evaluated three times (a step's model is kept when first made)
    huishouden, _ = next(households())
    first, second, third = (
        catalogus.evaluate(huishouden, PEILDATA[0]).resultaten[0] for _ in range(3)
    )
    # Then the third result states the second's steps, the same objects, and all say the same
    assert first.berekening
    assert all(a is b for a, b in zip(second.berekening, third.berekening, strict=True))
    assert first == second == third


def test_two_windows_of_a_month_series_read_the_same_months() -> None:
    # Given a household with 36 months of income, and the 12 and 36 months before the peildatum
    huishouden = next(h for h, _ in households() if len(h.inkomenshistorie or ()) >= 36)
    peildatum = PEILDATA[0]  # 15 June 2026: the latest month is May
    facts = Catalogus.from_directory(RULES).feiten(huishouden, peildatum)
    jaar, drie = (
        feiten.lijstinvoer("inkomenshistorie", ("nettoInkomen",), (True,), n) for n in (12, 36)
    )
    # When both are read, the shorter one first
    kort, lang = facts.lijst(jaar), facts.lijst(drie)
    # Then the year is the start of the three years, latest month first, each month once
    assert kort == lang[:12]
    assert [back for back, _ in lang] == list(range(1, 37))
    by_month = {item.maand: item.netto_inkomen for item in huishouden.inkomenshistorie or ()}
    assert (lang[0][1], lang[-1][1]) == (by_month[date(2026, 5, 1)], by_month[date(2023, 6, 1)])
    # And read the other way round (the year then taken from the three years), the same
    facts = Catalogus.from_directory(RULES).feiten(huishouden, peildatum)
    assert (facts.lijst(drie), facts.lijst(jaar)) == (lang, kort)


@pytest.mark.parametrize(
    "volgorde", ["latest first", "earliest first", "two months swapped", "a month twice"]
)
def test_a_series_is_read_by_month_in_any_order(volgorde: str) -> None:
    # Given a household of Utrecht with the 36 months of income the IIT reads, as a source may
    # give them: each month once, latest or earliest first, or not quite in order; or with the
    # latest month named again at the end (the reference takes the later one)
    peildatum = PEILDATA[0]
    maanden = [
        {"maand": feiten.month_start(peildatum, back), "nettoInkomen": 900 + back}
        for back in range(1, 37)
    ]
    expected = [(back, Decimal(900 + back)) for back in range(1, 37)]
    if volgorde == "earliest first":
        maanden.reverse()
    elif volgorde == "two months swapped":
        maanden[3], maanden[4] = maanden[4], maanden[3]
    elif volgorde == "a month twice":
        maanden.append({**maanden[0], "nettoInkomen": 5000})
        expected[0] = (1, Decimal(5000))
    huishouden = Huishouden.model_validate(
        {
            "gemeentecode": "0344",
            "aanvrager": {"geboortedatum": "1980-01-01", "vermogen": 0},
            "inkomenshistorie": maanden,
        }
    )
    fast, engine = Catalogus.from_directory(RULES), reference()
    drie = feiten.lijstinvoer("inkomenshistorie", ("nettoInkomen",), (True,), 36)
    # When the fast path reads the three years
    rows = fast.feiten(huishouden, peildatum).lijst(drie)
    # Then it has each month's income, latest month first
    assert rows == expected
    # And the evaluation is the reference engine's, fast (the IIT reads those months)
    before = snel.TELLING.terugval
    ours = fast.evaluate(huishouden, peildatum)
    assert snel.TELLING.terugval == before
    assert ours == engine.evaluate(huishouden, peildatum)


def test_a_year_is_read_when_the_three_years_miss_a_month() -> None:
    # Given 24 months of income: the year is there, the three years are not
    huishouden, _ = next(h for h in households() if len(h[0].inkomenshistorie or ()) >= 36)
    peildatum = PEILDATA[0]
    kort = huishouden.model_copy(
        update={"inkomenshistorie": (huishouden.inkomenshistorie or [])[:24]}
    )
    facts = Catalogus.from_directory(RULES).feiten(kort, peildatum)
    jaar, drie = (
        feiten.lijstinvoer("inkomenshistorie", ("nettoInkomen",), (True,), n) for n in (12, 36)
    )
    # When the three years are read first
    with pytest.raises(feiten.Ontbreekt) as missing:
        facts.lijst(drie)
    # Then they miss the series, and the year is read by itself: its twelve months
    assert missing.value.gaps == ["huishouden.inkomenshistorie"]
    assert [back for back, _ in facts.lijst(jaar)] == list(range(1, 13))


def test_a_list_item_without_a_field_is_named_as_the_reference_names_it() -> None:
    # Given a child without a birth date and a medebewoner without vermogen, in Utrecht
    huishouden = Huishouden.model_validate(
        {
            "gemeentecode": "0344",
            "aanvrager": {"geboortedatum": "1980-01-01", "toetsingsinkomen": 15000},
            "kinderen": [{"kinderbijslag": True, "toetsingsinkomen": 0}],
            "medebewoners": [{"geboortedatum": "1990-01-01", "toetsingsinkomen": 1000}],
            "woning": {"huurwoning": True, "zelfstandig": True, "kaleHuur": 700},
        }
    )
    fast, engine = Catalogus.from_directory(RULES), reference()
    before = snel.TELLING.terugval
    # When both engines evaluate it
    ours = fast.evaluate(huishouden, PEILDATA[0])
    # Then the fast path decided it, as the reference does, naming each missing field
    assert snel.TELLING.terugval == before
    assert ours == engine.evaluate(huishouden, PEILDATA[0])
    missing = {path for r in ours.resultaten for path in r.ontbrekende_gegevens}
    assert {
        "huishouden.kinderen[0].geboortedatum",
        "huishouden.medebewoners[0].vermogen",
    } <= missing


def test_a_refusal_by_the_woonplaats_is_made_once_per_gemeente() -> None:
    # Given two different households of Amersfoort, and the reference engine
    fast, engine = Catalogus.from_directory(RULES), reference()
    first, second = (
        Huishouden.model_validate({"gemeentecode": "0307", "aanvrager": {"vermogen": vermogen}})
        for vermogen in (0, 50_000)
    )
    peildatum = PEILDATA[0]

    herkomst = {
        "huishouden.aanvrager.vermogen": FeitHerkomst(
            soort=HerkomstSoort.eigen_verklaring, bron="inwoner"
        )
    }

    def utrecht(catalogus: Catalogus, huishouden: Huishouden, bron: Any = None) -> Any:
        (resultaat,) = catalogus.evaluate(
            huishouden, peildatum, bron, ["individuele-inkomenstoeslag-utrecht"]
        ).resultaten
        return resultaat

    # Then Utrecht's regeling refuses both with one result, the reference engine's
    refused = utrecht(fast, first)
    assert refused.recht is False
    assert utrecht(fast, second) is refused
    assert refused == utrecht(engine, second)
    # And with provenance the result is the household's own, again the reference engine's
    own = utrecht(fast, second, herkomst)
    assert own != refused  # a reason of its own: the vermogen declared
    assert own == utrecht(engine, second, herkomst)


class _Run:
    """What uitleg.berekening reads of an evaluation: one step, its value set by the test."""

    def __init__(self) -> None:
        self.regel = type("Regel", (), {"rekenstappen": {"stap": {}}})()
        self.value: Any = None

    def stappen(self) -> tuple[tuple[tuple[int, str, str, str], ...], list[Any]]:
        return ((0, "stap", "omschrijving", "grondslag"),), [self.value]


def test_a_shared_step_states_its_own_value() -> None:
    # Given the outcome ja (True) of a step, and then 1 (True == Decimal(1), one hash)
    run = _Run()
    teksten = []
    for value in (True, True, Decimal(1), Decimal(1), True):
        run.value = value
        (stap,) = uitleg.berekening(run)  # type: ignore[arg-type]
        teksten.append(stap.waarde)
    # Then each is stated as itself
    assert teksten == ["ja", "ja", "1", "1", "ja"]


def test_a_step_whose_values_do_not_repeat_is_no_longer_kept() -> None:
    run = _Run()

    def stated(values: list[Decimal]) -> list[Rekenstap]:
        steps = []
        for value in values:
            run.value = value
            (stap,) = uitleg.berekening(run)  # type: ignore[arg-type]
            steps.append(stap)
        return steps

    # Given as many values of a step as it keeps, each stated twice
    values = [Decimal(n) / 100 for n in range(uitleg._WAARDEN_MAX)]
    first = stated(values)
    # Then the second time states the same models
    assert all(a is b for a, b in zip(first, stated(values), strict=True))
    # When one more value is stated
    (past,) = stated([Decimal(10)])
    # Then the step keeps nothing any more: each value is made for its result alone
    assert run.regel.rekenstappen == {"stap": None}
    again = stated(values)
    assert not any(a is b for a, b in zip(first, again, strict=True))
    # And each states its own value
    assert past.waarde == "10"
    assert [stap.waarde for stap in again] == [uitleg._getal(value) for value in values]
    assert (again[1].waarde, again[100].waarde) == ("0.01", "1")


# --- the fast runtime against the digit-exact functions ---------------------------------------

numbers = st.one_of(
    st.decimals(min_value=Decimal(-(10**9)), max_value=Decimal(10**9), places=2),
    st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=5),
    st.integers(-(10**6), 10**6).map(Decimal),
)


@settings(max_examples=600, deadline=None)
@given(a=numbers, b=st.one_of(numbers, st.integers(-100, 100)))  # a number written in the rule
@example(a=Decimal(100), b=Decimal(12))  # 29 digits fit rust_decimal's 96 bits
@example(a=Decimal(10), b=Decimal(3))
@example(a=Decimal("-1234.56"), b=Decimal(9))
@example(a=Decimal(1), b=Decimal(0))
@example(a=Decimal(2**96 - 1), b=Decimal("0.5"))  # beyond 96 bits
@example(a=Decimal(2**96 - 1), b=Decimal("0.1"))  # a whole part of 30 digits
def test_a_quotient_has_rust_decimals_value(a: Decimal, b: Decimal | int) -> None:
    try:
        expected = zen._div(a, Decimal(b))
    except vertaling.Terugval:
        with pytest.raises(vertaling.Terugval):
            vertaling.deel(a, b)
        return
    assert vertaling.deel(a, b) == expected


quotients = st.tuples(numbers, numbers.filter(bool)).map(
    lambda pair: zen._div(*pair) if pair[1] else Decimal(0)
)
long_numbers = st.one_of(
    quotients,
    st.decimals(min_value=Decimal(-(10**6)), max_value=Decimal(10**6), places=22),
    st.decimals(min_value=Decimal(0), max_value=Decimal(10**13), places=2),
)


@settings(max_examples=800, deadline=None)
@given(value=long_numbers)
@example(value=Decimal("4151.2424532"))  # a 16-digit prefix from 4 * 10^15: through the float
@example(value=Decimal("-194.91917315068493150684931507"))
@example(value=Decimal("0.00001"))
def test_a_number_is_read_with_zens_value(value: Decimal) -> None:
    try:
        expected = vertaling._decimal_read(value)
    except vertaling.Terugval:
        return
    if type(expected) is Decimal:
        assert vertaling.lees(value) == expected
        assert vertaling.lees_alle([value, Decimal(1)]) == [expected, 1]  # a column, in place


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
month_ends = days.map(lambda d: d.replace(day=calendar.monthrange(d.year, d.month)[1]))
any_day = st.one_of(days, month_ends, st.just(date(2024, 2, 29)))


@settings(max_examples=500, deadline=None)
@given(day=any_day, other=any_day, count=st.integers(-400, 400))
@example(day=date(2000, 2, 29), other=date(2001, 2, 28), count=12)
@example(day=date(2001, 1, 31), other=date(2001, 2, 28), count=1)
def test_dates_are_zens(day: date, other: date, count: int) -> None:
    assert snel._maanden(day, count) == vertaling._plus_months(day, count)
    assert snel._dagen(day, count) == day + timedelta(days=count)
    for unit in ("day", "month", "year"):
        assert snel._diff(day, other, unit) == int(vertaling._diff(day, other, unit))
    # The inline forms, from the later day itself and from its fields as the stand holds them.
    fields = dict(zip(("_jj", "_jk", "_jm", "_jd"), snel.dag(day), strict=True))
    for unit, inline in (
        ("year", snel.JAREN_TUSSEN),
        ("month", snel.MAANDEN_TUSSEN),
        ("year", snel.JAREN_VANAF),
        ("month", snel.MAANDEN_VANAF),
    ):
        code = inline.format(a="_a", b="_b", d="_e", later="day", earlier="other", j="_j")
        local = {"_diff": snel._diff, "day": day, "other": other, **fields}
        assert eval(code, local) == int(vertaling._diff(day, other, unit))  # noqa: S307


@settings(max_examples=800, deadline=None)
@given(value=st.one_of(long_numbers, st.decimals(allow_nan=False, allow_infinity=False)))
@example(value=Decimal("-0.00"))
@example(value=Decimal("1.20E+3"))
@example(value=Decimal("0.0000001"))
def test_a_step_states_its_value_normalised(value: Decimal) -> None:
    # The explanation's text of a number: no trailing zeros, no exponent
    assert uitleg._getal(value) == f"{value.normalize():f}"
