"""DynamoDB: webhook subscriptions and their delivery log, in the main table.

  GEMEENTE#<code>      ABONNEMENT#<id>                    the subscription; secrets KMS-encrypted
  ABONNEMENT#<id>      AFLEVERING#<event time>#<event id> one event for it, with every attempt
  GEBEURTENIS#<id>     GEBEURTENIS                        the outbox (vil.adapters.dynamodb)
Delivery records expire after BEWAARDAGEN (the table's TTL attribute `verlooptOp`).
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from vil.adapters.dynamodb import conditional, cursor_van, positie, query_alles
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
            Item={
                **_sleutel(abonnement.gemeentecode, abonnement.id),
                **_item(abonnement, geheimen),
            },
            ConditionExpression=Attr("PK").not_exists(),
        )

    def lijst(self, gemeentecode: str) -> list[Abonnement]:
        return [
            Abonnement.model_validate_json(str(item["data"]))
            for item in query_alles(self.tabel, f"GEMEENTE#{gemeentecode}", "ABONNEMENT#")
        ]

    def haal(self, gemeentecode: str, abonnement_id: str) -> tuple[Abonnement, Geheimen] | None:
        item = self.tabel.get_item(Key=_sleutel(gemeentecode, abonnement_id)).get("Item")
        if item is None:
            return None
        tot = item.get("vorigGeheimTot")
        geheimen = Geheimen(
            huidig=str(item["geheim"]),
            vorig=str(item["vorigGeheim"]) if "vorigGeheim" in item else None,
            vorig_tot=datetime.fromisoformat(str(tot)) if tot else None,
        )
        return Abonnement.model_validate_json(str(item["data"])), geheimen

    def bewaar(self, abonnement: Abonnement, geheimen: Geheimen | None = None) -> bool:
        """Store a changed subscription (and new secrets); False when it has been ended."""
        zet = {"data": abonnement.model_dump_json()}
        if geheimen is not None:
            zet |= {k: v for k, v in _item(abonnement, geheimen).items() if k != "data"}
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
        item = self.tabel.get_item(
            Key={"PK": f"GEBEURTENIS#{gebeurtenis_id}", "SK": "GEBEURTENIS"}
        ).get("Item")
        return None if item is None else AanvraagEvent.model_validate_json(str(item["data"]))

    def registreer(self, abonnement_id: str, gebeurtenis: AanvraagEvent, nu: datetime) -> bool:
        """The delivery record of an event for a subscription; False when it already exists
        (a stream record handed over twice)."""
        try:
            self.tabel.put_item(
                Item={
                    "PK": f"ABONNEMENT#{abonnement_id}",
                    "SK": _aflevering_sk(gebeurtenis.time, gebeurtenis.id),
                    "gebeurtenis": gebeurtenis.id,
                    "type": gebeurtenis.type,
                    "tijd": gebeurtenis.time.isoformat(),
                    "status": AfleveringStatus.wachtend.value,
                    "pogingen": [],
                    "verlooptOp": int((nu + timedelta(days=BEWAARDAGEN)).timestamp()),
                },
                ConditionExpression=Attr("PK").not_exists(),
            )
        except ClientError as error:
            if conditional(error):
                return False
            raise
        return True

    def aflevering(
        self, abonnement_id: str, tijd: datetime, gebeurtenis_id: str
    ) -> Aflevering | None:
        item = self.tabel.get_item(
            Key={"PK": f"ABONNEMENT#{abonnement_id}", "SK": _aflevering_sk(tijd, gebeurtenis_id)}
        ).get("Item")
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
                "PK": f"ABONNEMENT#{abonnement_id}",
                "SK": _aflevering_sk(aflevering.tijd, aflevering.gebeurtenis),
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
            "KeyConditionExpression": Key("PK").eq(f"ABONNEMENT#{abonnement_id}")
            & Key("SK").begins_with("AFLEVERING#"),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        if status is not None:
            query["FilterExpression"] = Attr("status").eq(status.value)
        if cursor:
            sk = positie(cursor, lambda p: p.startswith("AFLEVERING#"))
            query["ExclusiveStartKey"] = {"PK": f"ABONNEMENT#{abonnement_id}", "SK": sk}
        response = self.tabel.query(**query)
        volgende = response.get("LastEvaluatedKey")
        return (
            [_aflevering(item) for item in response["Items"]],
            cursor_van(str(volgende["SK"])) if volgende else None,
        )


def _sleutel(gemeentecode: str, abonnement_id: str) -> dict[str, str]:
    return {"PK": f"GEMEENTE#{gemeentecode}", "SK": f"ABONNEMENT#{abonnement_id}"}


def _item(abonnement: Abonnement, geheimen: Geheimen) -> dict[str, Any]:
    item: dict[str, Any] = {"data": abonnement.model_dump_json(), "geheim": geheimen.huidig}
    if geheimen.vorig and geheimen.vorig_tot:
        item |= {"vorigGeheim": geheimen.vorig, "vorigGeheimTot": geheimen.vorig_tot.isoformat()}
    return item


def _aflevering_sk(tijd: datetime, gebeurtenis_id: str) -> str:
    return f"AFLEVERING#{tijd.isoformat()}#{gebeurtenis_id}"


def _aflevering(item: dict[str, Any]) -> Aflevering:
    return Aflevering(
        gebeurtenis=str(item["gebeurtenis"]),
        type=str(item["type"]),
        tijd=datetime.fromisoformat(str(item["tijd"])),
        status=AfleveringStatus(str(item["status"])),
        pogingen=[Poging.model_validate_json(str(p)) for p in item["pogingen"]],
    )
