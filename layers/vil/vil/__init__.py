"""VIL — Virtueel Inkomsten Loket: the shared layer (rules engine, models, services, adapters).

In a Lambda function the cycle collector rests while the function loads: its modules, and
what its first request loads, are some hundred thousand objects that live as long as the
process, and the collector's passes over them took about a sixth of a function's import. At
the first request `opgestart` freezes what has loaded (the collector skips it from then on) and
wakes the collector (docs/decisions.md, "The collector at a cold start").
"""

import gc
import os
from functools import cache

_IN_LAMBDA = "AWS_LAMBDA_FUNCTION_NAME" in os.environ
if _IN_LAMBDA:
    gc.disable()


@cache
def opgestart() -> None:
    """Once, as a Lambda function's first request begins (`vil.observability.instrumented`):
    what has loaded is frozen and the collector runs again. Outside Lambda nothing changes."""
    if _IN_LAMBDA:
        gc.freeze()
        gc.enable()
