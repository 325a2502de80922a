"""A Lambda function loads with the cycle collector resting; its first request freezes what has
loaded and wakes the collector (vil/__init__.py). Each case starts a fresh interpreter, since
the package decides when it is first imported."""

import os
import subprocess
import sys

import pytest

FIRST_REQUEST = """
import gc
from vil.observability import instrumented
from vil_local.stack import Context

lambda_handler = instrumented(lambda event, context: {"collector": gc.isenabled()})
print(gc.isenabled(), gc.get_freeze_count() > 0)
print(lambda_handler({}, Context("f"))["collector"], gc.get_freeze_count() > 0)
print(lambda_handler({}, Context("f"))["collector"], gc.isenabled())
"""


@pytest.mark.parametrize(
    ("in_lambda", "states"),
    [
        (True, ["False False", "True True", "True True"]),
        (False, ["True False", "True False", "True True"]),
    ],
)
def test_the_collector_rests_in_lambda_until_the_first_request(
    in_lambda: bool, states: list[str]
) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_FUNCTION_NAME"}
    if in_lambda:
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "vil-test"
    printed = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST], env=environment, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert printed.splitlines() == states
