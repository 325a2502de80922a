"""The Lambda functions of template.yaml, loaded from functions/ as the local stack runs them."""

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

from vil_local.template import ROOT

FUNCTIONS = ROOT / "functions"


def module(folder: str) -> ModuleType:
    """A function's `app` module, imported as `functions.<folder>.app` (as `sam build` packages
    the checkout's functions/<folder>/)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"functions.{folder}.app")


def modules() -> Iterator[tuple[str, ModuleType]]:
    """Each function's `app` module, by folder name."""
    for path in sorted(FUNCTIONS.glob("*/app.py")):
        yield path.parent.name, module(path.parent.name)
