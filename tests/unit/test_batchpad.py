"""The engine's batch path: households read back from their stored JSON without validating
them again (`opgeslagen`), and the decisions under two catalogues with the facts read once
(`Catalogus.decide_naast`), each the same as the slower way it replaces."""

import itertools
from datetime import date
from typing import Any

from tests.rules.golden import COUNT, PEILDATA, households
from vil.models.huishouden import Huishouden, Maandinkomen, opgeslagen, opgeslagen_lijst
from vil.rules import Catalogus
from vil.rules.catalogus import _DEEL
from vil.services import synthetisch

HUURTOESLAG = "huurtoeslag"


def test_a_stored_household_reads_back_as_validating_it_gives() -> None:
    # Given golden and synthetic households, stored as JSON with and without the nulls
    gegeven = [h for h, _ in itertools.islice(households(), 0, COUNT, 10)]
    gegeven += synthetisch.bevolking("0344", date(2026, 3, 1), 200)
    documenten = [
        h.model_dump(mode="json", by_alias=True, exclude_none=weg)
        for h in gegeven
        for weg in (True, False)
    ]
    # When they are read back without validation
    gelezen = opgeslagen_lijst(Huishouden, documenten)
    # Then each is the model validation makes: equal, with the same fields set
    for document, huishouden in zip(documenten, gelezen, strict=True):
        gevalideerd = Huishouden.model_validate(document)
        assert huishouden == gevalideerd
        assert huishouden.model_fields_set == gevalideerd.model_fields_set
        assert huishouden.aanvrager.model_fields_set == gevalideerd.aanvrager.model_fields_set
        assert huishouden.model_dump() == gevalideerd.model_dump()


def test_a_month_as_a_client_writes_it_reads_as_its_first_day() -> None:
    document = {"maand": "2026-10", "nettoInkomen": "1200.50"}
    assert opgeslagen(Maandinkomen, document) == Maandinkomen.model_validate(document)


def test_a_batch_decides_as_one_household_at_a_time(catalogus: Catalogus) -> None:
    # Given more households than a batch decides at a time (a regeling after the other)
    gegeven = [h for h, _ in itertools.islice(households(), 0, COUNT, 50)]
    assert len(gegeven) > 2 * _DEEL
    for peildatum in PEILDATA:
        # When they are decided as a batch, then each is decided as alone
        assert catalogus.decide_many(gegeven, peildatum) == [
            catalogus.decide(h, peildatum) for h in gegeven
        ]


def met_huurgrens(catalogus: Catalogus, waarde: str) -> Catalogus:
    """Another value of a huurtoeslag parameter, which the woonkostentoeslag reads through
    the huurtoeslag's outcome (afhankelijkVan)."""
    regeling = catalogus.regel(HUURTOESLAG, PEILDATA[0]).regeling
    document: dict[str, Any] = regeling.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document["parameters"]["kwaliteitskortingsgrens"]["waarden"].append(
        {"vanaf": "2026-02-01", "waarde": waarde, "bron": "testwaarde", "status": "bevestigd"}
    )
    return catalogus.met_regeling(type(regeling).model_validate(document), "test")


def test_two_catalogues_side_by_side_decide_as_each_alone(catalogus: Catalogus) -> None:
    # Given a proposal that changes the huurtoeslag, and with it the woonkostentoeslag
    voorgesteld = met_huurgrens(catalogus, "400")
    gegeven = [h for h, _ in itertools.islice(households(), 0, COUNT, 25)]
    for peildatum in PEILDATA:
        # When both decide side by side, the facts read once
        samen = catalogus.decide_naast(voorgesteld, gegeven, peildatum)
        # Then each says what it says alone
        alleen = list(
            zip(
                catalogus.decide_many(gegeven, peildatum),
                voorgesteld.decide_many(gegeven, peildatum),
                strict=True,
            )
        )
        assert samen == alleen
        # And the proposal changed something, for the woonkostentoeslag too
        veranderd = {
            a.regeling for oud, nieuw in samen for a, b in zip(oud, nieuw, strict=True) if a != b
        }
        if peildatum.year == 2026:
            assert {HUURTOESLAG, "woonkostentoeslag-utrecht"} <= veranderd
