"""`vil bench --instructions` counts under a real valgrind: each figure in a fresh interpreter
that loads the rules, warms up and then does the figure's work for a few households."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from vil import cli
from vil.bench_instructions import Onmeetbaar, instructions


def test_counts_only_the_figures_work_per_household() -> None:
    # Two figures at once, as `vil bench --instructions` runs them: about half a minute.
    with ThreadPoolExecutor(2) as pool:
        alone, batch = pool.map(lambda figure: instructions(figure, 3), ["zorgtoeslag", "batch"])
    # The warm-up (loading every rule, 150 households) takes hundreds of millions; a household
    # takes tens to hundreds of thousands (docs/decisions.md): only the work was counted.
    assert 10_000 < alone < batch < 2_000_000


def test_without_valgrind_it_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    assert cli.main(["bench", "--instructions"]) == 2
    assert "valgrind is not on the PATH" in capsys.readouterr().err


def test_an_unknown_figure_is_refused() -> None:
    with pytest.raises(Onmeetbaar, match="valgrind stopped"):
        instructions("onbekend", 1)
