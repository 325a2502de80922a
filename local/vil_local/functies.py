"""The Lambda functions of template.yaml, loaded from functions/ as the local stack runs them."""

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"


def modules() -> Iterator[tuple[str, ModuleType]]:
    """Each function's `app` module, by folder name (imported as `functions.<name>.app`)."""
    if str(ROOT) not in sys.path:  # the checkout is the deployment package, as for `sam build`
        sys.path.insert(0, str(ROOT))
    for path in sorted(FUNCTIONS.glob("*/app.py")):
        yield path.parent.name, importlib.import_module(f"functions.{path.parent.name}.app")
