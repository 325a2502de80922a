"""Secrets from AWS Secrets Manager: the loket's eHerkenning client secret.

The environment names the secret's ARN, never its value (which would show in the console and
in every copy of the function's configuration). The value is read when first needed and again
after `GELDIG`, so a rotated secret takes effect without a deploy; it is never logged.
"""

import threading
import time
from typing import Any

import boto3

GELDIG = 900.0  # seconds a read value is used before Secrets Manager is asked again


class Geheim:
    """One secret's current value (SecretString), as a callable."""

    def __init__(self, arn: str, client: Any = None) -> None:
        self.arn = arn
        self._client = client
        self._waarde: str | None = None
        self._tot = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._waarde is None or time.monotonic() >= self._tot:
                if self._client is None:
                    self._client = boto3.client("secretsmanager")
                antwoord = self._client.get_secret_value(SecretId=self.arn)
                self._waarde = str(antwoord["SecretString"])
                self._tot = time.monotonic() + GELDIG
            return self._waarde
