"""Generated files match their one source (`make generate` rewrites them)."""

from pathlib import Path

import pytest

from tests.generated import CHECKED_ELSEWHERE, GENERATED, ROOT


@pytest.mark.parametrize(
    "path",
    [p for p in GENERATED if p not in CHECKED_ELSEWHERE],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_generated_file_is_current(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == GENERATED[path](), "run `make generate`"
