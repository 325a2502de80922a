"""KMS in moto: the pseudonym (HMAC) key and the data key, as `KmsSleutels`."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import boto3
from moto import mock_aws

from vil.adapters.sleutels import KmsSleutels, kms


@contextmanager
def moto_sleutels(versie: str = "1") -> Iterator[KmsSleutels]:
    """Fresh keys in a fresh moto account; the cached KMS client is made inside it."""
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "eu-west-1"}), mock_aws():
        kms.cache_clear()
        client = boto3.client("kms")
        mac = client.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        data = client.create_key()
        yield KmsSleutels(mac["KeyMetadata"]["KeyId"], versie, data["KeyMetadata"]["KeyId"])
    kms.cache_clear()
