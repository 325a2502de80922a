"""DynamoDB: webhook subscriptions and their delivery log, in the main table (the keys are in
vil.adapters.dynamodb.keys). Delivery records expire after BEWAARDAGEN (the table's TTL
attribute `verlooptOp`).
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from vil.adapters.dynamodb import conditional, cursor_van, keys, positie, query_alles
from vil.adapters.dynamodb.items import AbonnementItem, AfleveringItem, GebeurtenisItem
from vil.models.abonnement import Abonnement, Aflevering, AfleveringStatus, Geheimen, Poging
from vil.models.gebeurtenis import AanvraagEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

BEWAARDAGEN = 30  # the delivery log: long enough to redeliver after an outage


class Abonnementen:
    """The `Abonnementen` port: subscriptions, the outbox read back, the delivery log."""

    def __init__(self, tabel: "Table") -> None:
        self.tabel = tabel

    # Subscriptions.

    def maak(self, abonnement: Abonnement, geheimen: Geheimen) -> None:
        self.tabel.put_item(
            Item=_item(abonnement, geheimen).dump(), ConditionExpression=Attr("PK").not_exists()
        )

    def lijst(self, gemeentecode: str) -> list[Abonnement]:
        return [
            Abonnement.model_validate_json(str(item["data"]))
            for item in query_alles(self.tabel, keys.gemeente(gemeentecode), keys.ABONNEMENTEN)
        ]

    def haal(self, gemeentecode: str, abonnement_id: str) -> tuple[Abonnement, Geheimen] | None:
        item = self.tabel.get_item(Key=_sleutel(gemeentecode, abonnement_id)).get("Item")
        if item is None:
            return None
        gevonden = AbonnementItem.model_validate(item)
        tot = gevonden.vorig_geheim_tot
        geheimen = Geheimen(
            huidig=gevonden.geheim,
            vorig=gevonden.vorig_geheim,
            vorig_tot=datetime.fromisoformat(tot) if tot else None,
        )
        return Abonnement.model_validate_json(gevonden.data), geheimen

    def bewaar(self, abonnement: Abonnement, geheimen: Geheimen | None = None) -> bool:
        """Store a changed subscription (and new secrets); False when it has been ended."""
        zet = {"data": abonnement.model_dump_json()}
        if geheimen is not None:
            attributen = _item(abonnement, geheimen).dump()
            zet |= {k: v for k, v in attributen.items() if k not in ("PK", "SK", "data")}
        try:
            self.tabel.update_item(
                Key=_sleutel(abonnement.gemeentecode, abonnement.id),
                UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in zet),
                ExpressionAttributeNames={f"#{k}": k for k in zet},
                ExpressionAttributeValues={f":{k}": v for k, v in zet.items()},
                ConditionExpression=Attr("PK").exists(),
            )
        except ClientError as error:
            if conditional(error):
                return False
            raise
        return True

    def verwijder(self, gemeentecode: str, abonnement_id: str) -> None:
        self.tabel.delete_item(Key=_sleutel(gemeentecode, abonnement_id))

    # The outbox and the delivery log.

    def gebeurtenis(self, gebeurtenis_id: str) -> AanvraagEvent | None:
        sleutel = {"PK": keys.gebeurtenis(gebeurtenis_id), "SK": keys.GEBEURTENIS}
        item = self.tabel.get_item(Key=sleutel).get("Item")
        return None if item is None else GebeurtenisItem.model_validate(item).gebeurtenis()

    def registreer(self, abonnement_id: str, gebeurtenis: AanvraagEvent, nu: datetime) -> bool:
        """The delivery record of an event for a subscription; False when it already exists
        (a stream record handed over twice)."""
        try:
            item = AfleveringItem(
                pk=keys.abonnement(abonnement_id),
                sk=keys.aflevering(gebeurtenis.time, gebeurtenis.id),
                gebeurtenis=gebeurtenis.id,
                type=gebeurtenis.type,
                tijd=gebeurtenis.time.isoformat(),
                status=AfleveringStatus.wachtend.value,
                pogingen=[],
                verloopt_op=int((nu + timedelta(days=BEWAARDAGEN)).timestamp()),
            )
            self.tabel.put_item(Item=item.dump(), ConditionExpression=Attr("PK").not_exists())
        except ClientError as error:
            if conditional(error):
                return False
            raise
        return True

    def aflevering(
        self, abonnement_id: str, tijd: datetime, gebeurtenis_id: str
    ) -> Aflevering | None:
        sleutel = {
            "PK": keys.abonnement(abonnement_id),
            "SK": keys.aflevering(tijd, gebeurtenis_id),
        }
        item = self.tabel.get_item(Key=sleutel).get("Item")
        return None if item is None else _aflevering(item)

    def leg_vast(
        self,
        abonnement_id: str,
        aflevering: Aflevering,
        status: AfleveringStatus,
        poging: Poging | None = None,
    ) -> None:
        """A new status, and the attempt that led to it (appended to the log)."""
        expressie = "SET #s = :s"
        waarden: dict[str, Any] = {":s": status.value}
        if poging is not None:
            expressie += ", pogingen = list_append(pogingen, :p)"
            waarden[":p"] = [poging.model_dump_json()]
        self.tabel.update_item(
            Key={
                "PK": keys.abonnement(abonnement_id),
                "SK": keys.aflevering(aflevering.tijd, aflevering.gebeurtenis),
            },
            UpdateExpression=expressie,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=waarden,
        )

    def afleveringen(
        self,
        abonnement_id: str,
        status: AfleveringStatus | None = None,
        cursor: str | None = None,
        limiet: int = 100,
    ) -> tuple[list[Aflevering], str | None]:
        """A page of the delivery log, newest first, and the cursor to the next page."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("PK").eq(keys.abonnement(abonnement_id))
            & Key("SK").begins_with(keys.AFLEVERINGEN),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        if status is not None:
            query["FilterExpression"] = Attr("status").eq(status.value)
        if cursor:
            sk = positie(cursor, lambda p: p.startswith(keys.AFLEVERINGEN))
            query["ExclusiveStartKey"] = {"PK": keys.abonnement(abonnement_id), "SK": sk}
        response = self.tabel.query(**query)
        volgende = response.get("LastEvaluatedKey")
        return (
            [_aflevering(item) for item in response["Items"]],
            cursor_van(str(volgende["SK"])) if volgende else None,
        )


def _sleutel(gemeentecode: str, abonnement_id: str) -> dict[str, str]:
    return {"PK": keys.gemeente(gemeentecode), "SK": keys.abonnement(abonnement_id)}


def _item(abonnement: Abonnement, geheimen: Geheimen) -> AbonnementItem:
    rotatie = geheimen.vorig is not None and geheimen.vorig_tot is not None
    return AbonnementItem(
        pk=keys.gemeente(abonnement.gemeentecode),
        sk=keys.abonnement(abonnement.id),
        data=abonnement.model_dump_json(),
        geheim=geheimen.huidig,
        vorig_geheim=geheimen.vorig if rotatie else None,
        vorig_geheim_tot=geheimen.vorig_tot.isoformat() if rotatie and geheimen.vorig_tot else None,
    )


def _aflevering(item: dict[str, Any]) -> Aflevering:
    gevonden = AfleveringItem.model_validate(item)
    return Aflevering(
        gebeurtenis=gevonden.gebeurtenis,
        type=gevonden.type,
        tijd=datetime.fromisoformat(gevonden.tijd),
        status=AfleveringStatus(gevonden.status),
        pogingen=[Poging.model_validate_json(p) for p in gevonden.pogingen],
    )
