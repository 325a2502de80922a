"""The KMS adapter behind `Sleutels`: pseudonyms and encryption, on moto."""

import re
from collections.abc import Iterator

import pytest

from tests.kms import moto_sleutels
from vil.adapters.sleutels import KmsSleutels

BSN = "999993653"


@pytest.fixture
def sleutels() -> Iterator[KmsSleutels]:
    with moto_sleutels() as sleutels:
        yield sleutels


def test_a_pseudonym_is_the_same_for_the_same_bsn_and_key(sleutels: KmsSleutels) -> None:
    assert sleutels.pseudoniem(BSN) == sleutels.pseudoniem(BSN)


def test_a_pseudonym_differs_for_another_bsn(sleutels: KmsSleutels) -> None:
    assert sleutels.pseudoniem(BSN) != sleutels.pseudoniem("999990019")


def test_a_pseudonym_differs_for_another_key(sleutels: KmsSleutels) -> None:
    with moto_sleutels() as andere:
        assert andere.pseudoniem(BSN) != sleutels.pseudoniem(BSN)


def test_a_pseudonym_carries_the_key_version_and_fits_keys_and_schedule_names() -> None:
    with moto_sleutels(versie="7") as sleutels:
        pseudoniem = sleutels.pseudoniem(BSN)
    assert pseudoniem.startswith("v7.")
    assert re.fullmatch(r"[0-9a-z.]{1,64}", pseudoniem)
    assert BSN not in pseudoniem


def test_a_key_version_outside_0_9_a_z_is_refused() -> None:
    with pytest.raises(ValueError, match="Sleutelversie"):
        KmsSleutels("mac", "V1.2", "data")


def test_encryption_round_trips(sleutels: KmsSleutels) -> None:
    versleuteld = sleutels.versleutel(BSN)
    assert BSN not in versleuteld
    assert sleutels.ontsleutel(versleuteld) == BSN
