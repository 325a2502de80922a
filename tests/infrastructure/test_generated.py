"""Generated files match their one source (`make generate` rewrites them)."""

from pathlib import Path

import pytest

from tests.generated import GENERATED, ROOT


@pytest.mark.parametrize("path", list(GENERATED), ids=lambda p: str(p.relative_to(ROOT)))
def test_generated_file_is_current(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == GENERATED[path](), "run `make generate`"
