"""The engine gives byte-identical results to the golden file (tests/rules/golden.py).

Every one of the 10,000 households is checked, on both peildata: decision and explanation as
the API serialises them. A difference names the households that changed; regenerate with
`make generate` only for a deliberate rule change, in its own commit.
"""

from tests.rules.golden import COUNT, GOLDEN, lines
from vil.rules import Catalogus


def test_every_household_gives_the_golden_result(catalogus: Catalogus) -> None:
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(expected) == COUNT
    changed = [
        line.split()[0]
        for line, golden in zip(lines(catalogus), expected, strict=True)
        if line != golden
    ]
    assert not changed, f"{len(changed)} households differ, the first: {changed[:10]}"
