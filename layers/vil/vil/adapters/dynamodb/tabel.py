"""The table helpers every store uses: the resource, paged queries, conditional writes and the
one transaction recipe, cursors."""

import base64
import binascii
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from vil.adapters.dynamodb import keys
from vil.adapters.dynamodb.items import Item
from vil.fouten import Conflict, OngeldigVerzoek
from vil.models.toestemming import Bron

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

# The condition that an item is new, and that it still exists.
NIEUW = "attribute_not_exists(PK)"
BESTAAT = "attribute_exists(PK)"


@cache
def table(name: str) -> "Table":
    """A DynamoDB table resource, made once per process (no I/O at import time)."""
    return boto3.resource("dynamodb").Table(name)


def query_alles(
    tabel: "Table", pk: str, prefix: str, consistent: bool = False
) -> list[dict[str, Any]]:
    """Every item of partition `pk` whose sort key starts with `prefix`, page after page."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "KeyConditionExpression": Key("PK").eq(pk) & Key("SK").begins_with(prefix),
        "ConsistentRead": consistent,
    }
    while True:
        response = tabel.query(**query)
        items += response["Items"]
        if "LastEvaluatedKey" not in response:
            return items
        query["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def conditional(error: ClientError) -> bool:
    """Whether a write was refused by its condition."""
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def bewaar_op_status(tabel: "Table", item: Item, van: str | None, melding: str) -> None:
    """Put `item` if it is new (`van` None) or while its `status` is still `van`: a state
    change two callers cannot both win.

    Raises:
        Conflict: with `melding`, when the item exists or its status changed meanwhile.
    """
    conditie: dict[str, Any] = {"ConditionExpression": NIEUW}
    if van is not None:
        conditie = {
            "ConditionExpression": "#s = :van",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":van": van},
        }
    try:
        tabel.put_item(Item=item.dump(), **conditie)
    except ClientError as error:
        if conditional(error):
            raise Conflict(melding) from error
        raise


def put(tabel: "Table", item: Item, conditie: str | None = None, **extra: Any) -> dict[str, Any]:
    """A transaction's Put of `item`, with its condition (and its names and values) if any."""
    opdracht: dict[str, Any] = {"TableName": tabel.name, "Item": item.dump(), **extra}
    if conditie is not None:
        opdracht["ConditionExpression"] = conditie
    return {"Put": opdracht}


def ongewijzigd(
    tabel: "Table", pseudoniem: str, toestemmingen: Mapping[Bron, int]
) -> list[dict[str, Any]]:
    """Transaction checks that each consent is still the version read: the ledger is
    append-only, so any change since is the next version's item."""
    return [
        {"ConditionCheck": {
            "TableName": tabel.name,
            "Key": {"PK": keys.burger(pseudoniem), "SK": keys.toestemming(bron, versie + 1)},
            "ConditionExpression": NIEUW,
        }}
        for bron, versie in toestemmingen.items()
    ]  # fmt: skip


def transactie(
    tabel: "Table",
    opdrachten: list[dict[str, Any]],
    bij_conflict: Callable[[list[str]], Exception | None],
) -> None:
    """Write all of `opdrachten` in one transaction, or none.

    When the transaction is cancelled, `bij_conflict` gets each item's cancellation code (in
    the order of `opdrachten`; 'None' for an item that was fine) and returns the error to raise,
    or None to let the original error through (a 500).
    """
    try:
        # The resource's client serialises Python values itself (boto3 transformation).
        tabel.meta.client.transact_write_items(TransactItems=cast(Any, opdrachten))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        codes = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
        fout = bij_conflict(codes)
        if fout is None:
            raise
        raise fout from error


def cursor_van(positie: str) -> str:
    """A page's cursor: a sort key position, opaque to the client (no table keys)."""
    return base64.urlsafe_b64encode(positie.encode()).decode().rstrip("=")


def positie(cursor: str, geldig: Callable[[str], bool]) -> str:
    """The position back from `cursor_van`, if `geldig` accepts it; anything else is a 400."""
    try:
        tekst = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (ValueError, binascii.Error):
        tekst = ""
    if not geldig(tekst):
        raise OngeldigVerzoek("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
    return tekst
