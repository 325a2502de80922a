"""Properties every regeling keeps, for any household (hypothesis).

More income never raises an income-tested amount, more vermogen never does either, amounts are
never negative, `recht: false` always pays zero and `recht: null` always names what is missing.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import RULES
from vil.models.huishouden import Huishouden
from vil.models.resultaat import Resultaat
from vil.rules import Catalogus
from vil.rules.feiten import month_start

CATALOGUS = Catalogus.from_directory(RULES)
PEILDATA = st.dates(date(2025, 1, 1), date(2027, 6, 30))


def money(high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high * 100).map(lambda cents: Decimal(cents) / 100)


persons = st.fixed_dictionaries(
    {
        "geboortedatum": st.dates(date(1935, 1, 1), date(2012, 12, 31)),
        "zorgverzekerd": st.booleans(),
        "toetsingsinkomen": money(80_000),
        "vermogen": money(250_000),
        "student": st.booleans(),
        "studentAfgelopenDrieJaar": st.booleans(),
        "geenUitzichtOpInkomensverbetering": st.booleans(),
    }
)
children = st.fixed_dictionaries(
    {
        "geboortedatum": st.dates(date(2002, 1, 1), date(2026, 12, 31)),
        "kinderbijslag": st.booleans(),
        "toetsingsinkomen": money(10_000),
    }
)


@st.composite
def households(draw: st.DrawFn) -> tuple[Huishouden, date]:
    peildatum = draw(PEILDATA)
    netto = draw(money(5_000))
    history = [
        {
            "maand": month_start(peildatum, back).isoformat(),
            "nettoInkomen": netto + draw(money(300)),
        }
        for back in range(1, 37)
    ]
    document = {
        "gemeentecode": draw(st.sampled_from(["0344", "0307", "0214", "0363"])),
        "aanvrager": draw(persons),
        "partner": draw(st.one_of(st.none(), persons)),
        "kinderen": draw(st.lists(children, max_size=3)),
        "medebewoners": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "geboortedatum": st.dates(date(1940, 1, 1), date(2008, 1, 1)),
                        "toetsingsinkomen": money(40_000),
                        "vermogen": money(60_000),
                    }
                ),
                max_size=1,
            )
        ),
        "woning": draw(
            st.fixed_dictionaries(
                {
                    "huurwoning": st.booleans(),
                    "zelfstandig": st.booleans(),
                    "kaleHuur": money(1_500),
                    "nettoWoonlasten": money(1_500),
                }
            )
        ),
        "nettoInkomenPerMaand": netto,
        "inkomenshistorie": history,
        "gemeentelijkeBelastingen": draw(money(1_500)),
    }
    # Leave some facts out: the engine must then answer `recht: null`, never raise.
    for path in draw(
        st.lists(
            st.sampled_from(
                ["aanvrager.vermogen", "woning", "inkomenshistorie", "aanvrager.toetsingsinkomen"]
            ),
            max_size=2,
        )
    ):
        parent, _, leaf = path.rpartition(".")
        (document[parent] if parent else document).pop(leaf, None)
    return Huishouden.model_validate(document), peildatum


def amount(result: Resultaat) -> Decimal | None:
    text = result.bedrag_per_jaar or result.bedrag_eenmalig
    return None if text is None else Decimal(text)


def with_more(huishouden: Huishouden, field: str, extra: Decimal) -> Huishouden:
    document = huishouden.model_dump(by_alias=True)
    for person in (document["aanvrager"], document["partner"]):
        if person and person.get(field) is not None:
            person[field] += extra
    if field == "toetsingsinkomen":
        if document["nettoInkomenPerMaand"] is not None:
            document["nettoInkomenPerMaand"] += extra / 12
        for month in document["inkomenshistorie"] or []:
            month["nettoInkomen"] += extra / 12
    return Huishouden.model_validate(_rounded(document))


def _rounded(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


@settings(max_examples=300, deadline=None)
@given(households())
def test_outcomes_are_consistent(case: tuple[Huishouden, date]) -> None:
    huishouden, peildatum = case
    for result in CATALOGUS.evaluate(huishouden, peildatum).resultaten:
        amounts = [result.bedrag_per_maand, result.bedrag_per_jaar, result.bedrag_eenmalig]
        assert all(Decimal(a) >= 0 for a in amounts if a is not None), result.regeling
        if result.recht is False:
            assert all(Decimal(a) == 0 for a in amounts if a is not None), result.regeling
            assert any(v.voldaan is False for v in result.voorwaarden)
        if result.recht is None:
            assert amounts == [None, None, None], result.regeling
            assert (
                result.ontbrekende_gegevens
                or any(v.voldaan is None for v in result.voorwaarden)
                or result.bedrag_uitleg  # not assessed before its rules apply
            )
        if result.recht is True and amount(result) is not None:
            assert amount(result) > 0, result.regeling  # type: ignore[operator]
        assert result.indicatief == bool(result.indicatief_redenen)


@settings(max_examples=200, deadline=None)
@given(households(), money(20_000))
def test_more_income_never_raises_an_amount(case: tuple[Huishouden, date], extra: Decimal) -> None:
    huishouden, peildatum = case
    before = CATALOGUS.evaluate(huishouden, peildatum).resultaten
    after = CATALOGUS.evaluate(with_more(huishouden, "toetsingsinkomen", extra), peildatum)
    for old, new in zip(before, after.resultaten, strict=True):
        if amount(old) is not None and amount(new) is not None:
            assert amount(new) <= amount(old), old.regeling  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(households(), money(100_000))
def test_more_vermogen_never_raises_an_amount(
    case: tuple[Huishouden, date], extra: Decimal
) -> None:
    huishouden, peildatum = case
    before = CATALOGUS.evaluate(huishouden, peildatum).resultaten
    after = CATALOGUS.evaluate(with_more(huishouden, "vermogen", extra), peildatum)
    for old, new in zip(before, after.resultaten, strict=True):
        if amount(old) is not None and amount(new) is not None:
            assert amount(new) <= amount(old), old.regeling  # type: ignore[operator]
