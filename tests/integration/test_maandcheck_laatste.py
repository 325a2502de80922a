"""The monthly check's read of a resident's newest beoordeling on the DynamoDB store (moto): a
pointer item moved forward only, written with each beoordeling, and the list read once for
residents whose beoordelingen predate the pointer."""

import uuid
from datetime import datetime, timedelta
from typing import Any, cast

import boto3
import pytest

from vil import samenstelling
from vil.adapters.dynamodb import Beoordelingen, Toestemmingen, keys, table
from vil.fouten import Conflict
from vil.models.aanvraag import Beoordeling
from vil.models.toestemming import Bron, Doel
from vil.settings import BeheerSettings
from vil_local.lokaal import LokaleStack


class ZonderQuery:
    """The table, refusing queries: a read that pages through a partition fails the test."""

    def __init__(self, tabel: Any) -> None:
        self._tabel = tabel

    def __getattr__(self, naam: str) -> Any:
        if naam == "query":
            raise AssertionError("the store queried the resident's partition")
        return getattr(self._tabel, naam)


def tabelnaam() -> str:
    return BeheerSettings.from_environ().tabel


def zonder_query() -> Beoordelingen:
    return Beoordelingen(cast(Any, ZonderQuery(table(tabelnaam()))))


def beoordeling(gemaakt: datetime) -> Beoordeling:
    return Beoordeling(
        id=uuid.uuid4().hex, peildatum=gemaakt.date(), huishouden={}, herkomst={},
        ontbrekende_bronnen={}, regelset_versie="test", resultaten=[], aangemaakt_op=gemaakt,
    )  # fmt: skip


def wijzer_weg(pseudoniem: str) -> None:
    """As before the pointer existed: the resident's beoordelingen without one."""
    sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.LAATSTE_BEOORDELING}
    boto3.resource("dynamodb").Table(tabelnaam()).delete_item(Key=sleutel)


@pytest.fixture
def nu(stack: LokaleStack) -> datetime:
    return samenstelling.beheer().nu()


def test_two_beoordelingen_stored_out_of_order_keep_the_newest_found_in_one_read(
    nu: datetime,
) -> None:
    # Given a newer beoordeling stored before an older one (two requests crossing)
    store, pseudoniem = Beoordelingen(table(tabelnaam())), f"test-{uuid.uuid4().hex}"
    nieuwer, ouder = beoordeling(nu), beoordeling(nu - timedelta(microseconds=1))
    store.bewaar_beoordeling(pseudoniem, nieuwer, {})
    store.bewaar_beoordeling(pseudoniem, ouder, {})
    # Then both are kept, and the newest is read without querying the partition
    assert {b.id for b in store.beoordelingen(pseudoniem)} == {nieuwer.id, ouder.id}
    assert zonder_query().laatste(pseudoniem) == nieuwer
    # And a newer one still moves the pointer on
    nieuwste = beoordeling(nu + timedelta(seconds=1))
    store.bewaar_beoordeling(pseudoniem, nieuwste, {})
    assert zonder_query().laatste(pseudoniem) == nieuwste


def test_without_a_pointer_the_list_is_read_and_the_newest_found(nu: datetime) -> None:
    store, pseudoniem = Beoordelingen(table(tabelnaam())), f"test-{uuid.uuid4().hex}"
    assert store.laatste(pseudoniem) is None
    gemaakt = [nu - timedelta(days=d) for d in (3, 1, 2)]
    opgeslagen = [beoordeling(m) for m in gemaakt]
    for b in opgeslagen:
        store.bewaar_beoordeling(pseudoniem, b, {})
    wijzer_weg(pseudoniem)
    assert store.laatste(pseudoniem) == opgeslagen[1]


def test_a_pointer_whose_beoordeling_is_gone_falls_back_to_the_rest(nu: datetime) -> None:
    store, pseudoniem = Beoordelingen(table(tabelnaam())), f"test-{uuid.uuid4().hex}"
    ouder, nieuwer = beoordeling(nu - timedelta(days=1)), beoordeling(nu)
    store.bewaar_beoordeling(pseudoniem, ouder, {})
    store.bewaar_beoordeling(pseudoniem, nieuwer, {})
    sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.beoordeling(nieuwer.id)}
    boto3.resource("dynamodb").Table(tabelnaam()).delete_item(Key=sleutel)  # expired (TTL)
    assert store.laatste(pseudoniem) == ouder


@pytest.mark.parametrize("ouder_dan_de_wijzer", [False, True])
def test_a_consent_changed_meanwhile_writes_neither_beoordeling_nor_pointer(
    nu: datetime, ouder_dan_de_wijzer: bool
) -> None:
    # Given a resident with a beoordeling and a consent at version 1
    store, pseudoniem = Beoordelingen(table(tabelnaam())), f"test-{uuid.uuid4().hex}"
    eerste = beoordeling(nu)
    store.bewaar_beoordeling(pseudoniem, eerste, {})
    toestemmingen = Toestemmingen(table(tabelnaam()))
    toestemmingen.leg_toestemming_vast(pseudoniem, Bron.brp, [Doel.aanvragen], "v1", nu)
    # When one is stored on facts read under version 0 of that consent
    tweede = beoordeling(nu + timedelta(days=-1 if ouder_dan_de_wijzer else 1))
    with pytest.raises(Conflict):
        store.bewaar_beoordeling(pseudoniem, tweede, {Bron.brp: 0})
    # Then nothing was written
    assert store.beoordeling(pseudoniem, tweede.id) is None
    assert store.laatste(pseudoniem) == eerste


def test_forgetting_the_beoordelingen_on_revoke_deletes_the_pointer_too(nu: datetime) -> None:
    store, pseudoniem = Beoordelingen(table(tabelnaam())), f"test-{uuid.uuid4().hex}"
    store.bewaar_beoordeling(pseudoniem, beoordeling(nu), {})
    Toestemmingen(table(tabelnaam())).vergeet(pseudoniem, stand=False, rest=True)
    sleutel = {"PK": keys.burger(pseudoniem), "SK": keys.LAATSTE_BEOORDELING}
    assert "Item" not in boto3.resource("dynamodb").Table(tabelnaam()).get_item(Key=sleutel)
    assert store.laatste(pseudoniem) is None
