"""DynamoDB: the main table (consent ledger, beoordelingen, aanvragen, beslisverslagen) and audit.

One table, keys by access pattern (docs/decisions.md):
  BURGER#<pseudoniem>  TOESTEMMING#<bron>#<versie>   append-only consent ledger
  BURGER#<pseudoniem>  PROFIEL                      the BSN, KMS-encrypted, while consent lasts
  BURGER#<pseudoniem>  GEGEVENS#<bron>              cached source data (deleted on revoke)
  BURGER#<pseudoniem>  BEOORDELING#<id>
  BURGER#<pseudoniem>  PERIODE#<regeling>           one application per period (conditional)
  BURGER#<pseudoniem>  STAND                        the monthly check's baseline (versioned)
  BURGER#<pseudoniem>  MELDING#<id>                 what the monthly check found
  AANVRAAG#<id>        AANVRAAG                     GSI1: the resident's, GSI2: the gemeente's
  AANVRAAG#<id>        BESLISVERSLAG#<tijd>
  GEBEURTENIS#<id>     GEBEURTENIS                  outbox: written with the change it reports;
                                                    the table's stream hands it to the relay
Models are stored whole as JSON in `data`; keys and index attributes beside it.
"""

import base64
import binascii
import functools
import json
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from vil.fouten import Conflict, NietGevonden, OngeldigeAanvraag
from vil.models.aanvraag import BEWAARTERMIJN, Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.maandcheck import Melding, StandItem
from vil.models.toestemming import Bron, Doel, Toestemming

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


TOESTEMMING_GEWIJZIGD = (
    "Uw toestemming is gewijzigd terwijl VIL uw gegevens ophaalde; er is niets bewaard."
    " Probeer het opnieuw."
)


@cache
def table(name: str) -> "Table":
    """A DynamoDB table resource, made once per process (no I/O at import time)."""
    return boto3.resource("dynamodb").Table(name)


class Opslag:
    """The main table."""

    def __init__(self, tabel: "Table") -> None:
        self.tabel = tabel

    # Consent: an append-only ledger; each change is a new version, written only if new.

    def toestemmingen(self, pseudoniem: str) -> dict[Bron, Toestemming]:
        """The current consent per source (the latest version in the ledger).

        A strongly consistent read: what may be fetched, kept or deleted depends on it, and a
        revoke must see its own write (an eventually consistent read may miss it).
        """
        current: dict[Bron, Toestemming] = {}
        for item in query_alles(self.tabel, f"BURGER#{pseudoniem}", "TOESTEMMING#", True):
            toestemming = Toestemming.model_validate_json(item["data"])
            current[toestemming.bron] = toestemming  # sort key order: versions ascending
        return current

    def leg_toestemming_vast(
        self, pseudoniem: str, bron: Bron, doelen: list[Doel], tekstversie: str, nu: datetime
    ) -> Toestemming:
        vorige = self.toestemmingen(pseudoniem).get(bron)
        toestemming = Toestemming(
            bron=bron,
            doelen=sorted(set(doelen)),
            tekstversie=tekstversie,
            gegeven_op=nu,
            versie=(vorige.versie if vorige else 0) + 1,
        )
        try:
            self.tabel.put_item(
                Item={
                    "PK": f"BURGER#{pseudoniem}",
                    "SK": _toestemming_sk(bron, toestemming.versie),
                    "data": toestemming.model_dump_json(),
                },
                ConditionExpression=Attr("PK").not_exists(),
            )
        except ClientError as error:
            if conditional(error):
                raise Conflict(
                    "De toestemming is tegelijk gewijzigd; probeer het opnieuw."
                ) from error
            raise
        return toestemming

    def bewaar_bsn(self, pseudoniem: str, bsn_versleuteld: str) -> None:
        """The BSN, KMS-encrypted, for work without the resident present (the monthly check)."""
        self.tabel.put_item(
            Item={"PK": f"BURGER#{pseudoniem}", "SK": "PROFIEL", "bsnVersleuteld": bsn_versleuteld}
        )

    def bsn_bewaard(self, pseudoniem: str) -> bool:
        key = {"PK": f"BURGER#{pseudoniem}", "SK": "PROFIEL"}
        return "Item" in self.tabel.get_item(Key=key, ProjectionExpression="PK")

    def bsn_versleuteld(self, pseudoniem: str) -> str | None:
        """The kept BSN's ciphertext, or None once consent has ended."""
        item = self.tabel.get_item(Key={"PK": f"BURGER#{pseudoniem}", "SK": "PROFIEL"}).get("Item")
        return None if item is None else str(item["bsnVersleuteld"])

    def verwijder_bsn(self, pseudoniem: str) -> None:
        self.tabel.delete_item(Key={"PK": f"BURGER#{pseudoniem}", "SK": "PROFIEL"})

    def bewaar_gegevens(
        self,
        pseudoniem: str,
        gegevens: Mapping[Bron, dict[str, Any]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """Cache each source's facts, all or none, only if no consent changed since the
        versions in `toestemmingen` were read: a revoke during the prefill is not undone.

        Raises:
            Conflict: a consent changed meanwhile; nothing was written.
        """
        items = [{"Put": {"TableName": self.tabel.name, "Item": _gegevens_item(pseudoniem, b, g)}}
                 for b, g in gegevens.items()]  # fmt: skip
        if items:
            self._schrijf(
                items + self._ongewijzigd(pseudoniem, toestemmingen), TOESTEMMING_GEWIJZIGD
            )

    def verwijder_gegevens(self, pseudoniem: str, bron: Bron) -> None:
        self.tabel.delete_item(Key={"PK": f"BURGER#{pseudoniem}", "SK": f"GEGEVENS#{bron.value}"})

    def gegevens(self, pseudoniem: str) -> dict[str, Any]:
        return {
            item["SK"].removeprefix("GEGEVENS#"): json.loads(item["data"])
            for item in self._query(f"BURGER#{pseudoniem}", "GEGEVENS#")
        }

    # Beoordelingen.

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Mapping[Bron, int]
    ) -> None:
        """Store a new beoordeling, only if no consent changed since the versions in
        `toestemmingen` were read (its facts came from those sources).

        Raises:
            Conflict: a consent changed meanwhile; nothing was written.
        """
        item = {
            "PK": f"BURGER#{pseudoniem}",
            "SK": f"BEOORDELING#{beoordeling.id}",
            "data": beoordeling.model_dump_json(),
            "verlooptOp": _verloopt_op(beoordeling.aangemaakt_op),
        }
        put = {"TableName": self.tabel.name, "Item": item,
               "ConditionExpression": "attribute_not_exists(PK)"}  # fmt: skip
        self._schrijf(
            [{"Put": put}, *self._ongewijzigd(pseudoniem, toestemmingen)], TOESTEMMING_GEWIJZIGD
        )

    def beoordeling(self, pseudoniem: str, beoordeling_id: str) -> Beoordeling | None:
        item = self.tabel.get_item(
            Key={"PK": f"BURGER#{pseudoniem}", "SK": f"BEOORDELING#{beoordeling_id}"}
        ).get("Item")
        return None if item is None else Beoordeling.model_validate_json(str(item["data"]))

    def beoordelingen(self, pseudoniem: str) -> list[Beoordeling]:
        return [
            Beoordeling.model_validate_json(item["data"])
            for item in self._query(f"BURGER#{pseudoniem}", "BEOORDELING#")
        ]

    def vergeet(self, pseudoniem: str, stand: bool, rest: bool) -> None:
        """Delete what a consent that ended was for (docs/bewaartermijnen.md): with `stand` the
        monthly check's baseline, with `rest` every beoordeling no aanvraag rests on (a
        conditional delete: a submission that uses it at the same moment wins) and the
        meldingen."""
        burger = f"BURGER#{pseudoniem}"
        if stand:
            self.tabel.delete_item(Key={"PK": burger, "SK": "STAND"})
        if not rest:
            return
        for item in self._query(burger, "BEOORDELING#"):
            try:
                self.tabel.delete_item(
                    Key={"PK": burger, "SK": item["SK"]},
                    ConditionExpression=Attr("gebruikt").not_exists(),
                )
            except ClientError as error:
                if not conditional(error):
                    raise
        for item in self._query(burger, "MELDING#"):
            self.tabel.delete_item(Key={"PK": burger, "SK": item["SK"]})

    # The monthly check: its baseline and meldingen, written together with what it revised.

    def stand(self, pseudoniem: str) -> StandItem | None:
        item = self.tabel.get_item(Key={"PK": f"BURGER#{pseudoniem}", "SK": "STAND"}).get("Item")
        return None if item is None else StandItem.model_validate_json(str(item["data"]))

    def leg_maandcheck_vast(
        self,
        pseudoniem: str,
        stand: StandItem,
        gegevens: dict[Bron, dict[str, Any]],
        meldingen: Iterable[Melding],
        herzieningen: Iterable[tuple[Aanvraag, Beslisverslag, AanvraagEvent]],
        toestemmingen: Mapping[Bron, int],
    ) -> None:
        """Everything one check found, in one transaction: the new baseline (only if no other
        check wrote one since `stand.versie - 1`), the sources' facts, the meldingen, and each
        revised aanvraag (only if still toegekend) with its verslag and event, and only if no
        consent changed since the versions in `toestemmingen` were read. A crash leaves all of
        it or none, so a retried check finds the changes once.

        Raises:
            Conflict: another check or a decision changed the resident's state meanwhile.
        """
        eerste = stand.versie == 1
        items: list[dict[str, Any]] = [{
            "Item": {"PK": f"BURGER#{pseudoniem}", "SK": "STAND", "versie": stand.versie,
                     "data": stand.model_dump_json()},
            "ConditionExpression": "attribute_not_exists(PK)" if eerste else "versie = :vorige",
            **({} if eerste else {"ExpressionAttributeValues": {":vorige": stand.versie - 1}}),
        }]  # fmt: skip
        items += [{"Item": _gegevens_item(pseudoniem, b, g)} for b, g in gegevens.items()]
        items += [{"Item": _melding_item(pseudoniem, m)} for m in meldingen]
        for aanvraag, verslag, gebeurtenis in herzieningen:
            items.append({
                "Item": self._aanvraag_item(pseudoniem, aanvraag),
                "ConditionExpression": "#s = :toegekend",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":toegekend": AanvraagStatus.toegekend.value},
            })  # fmt: skip
            items += [{"Item": _verslag_item(verslag)}, {"Item": _gebeurtenis_item(gebeurtenis)}]
        self._schrijf(
            [{"Put": {"TableName": self.tabel.name, **i}} for i in items]
            + self._ongewijzigd(pseudoniem, toestemmingen),
            "Er veranderde tegelijk iets anders aan uw gegevens; probeer het opnieuw.",
        )

    def meldingen(self, pseudoniem: str) -> list[Melding]:
        """The resident's meldingen, newest check first; within a check by regeling, then the
        changed facts."""
        meldingen = [
            Melding.model_validate_json(item["data"])
            for item in self._query(f"BURGER#{pseudoniem}", "MELDING#")
        ]
        meldingen.sort(key=lambda m: (m.regeling is None, m.regeling or ""))
        return sorted(meldingen, key=lambda m: m.aangemaakt, reverse=True)  # stable

    def markeer_melding(self, pseudoniem: str, melding_id: str, gelezen: bool) -> Melding | None:
        """Mark one of the resident's meldingen (un)read; None if they have no such melding."""
        key = {"PK": f"BURGER#{pseudoniem}", "SK": f"MELDING#{melding_id}"}
        item = self.tabel.get_item(Key=key).get("Item")
        if item is None:
            return None
        melding = Melding.model_validate_json(str(item["data"])).model_copy(
            update={"gelezen": gelezen}
        )
        self.tabel.put_item(
            Item=_melding_item(pseudoniem, melding), ConditionExpression=Attr("PK").exists()
        )
        return melding

    # Aanvragen.

    def dien_in(
        self,
        pseudoniem: str,
        aanvragen: list[Aanvraag],
        verslagen: Iterable[Beslisverslag],
        geblokkeerd_tot: dict[str, date],
        peildatum: date,
        gebeurtenissen: Iterable[AanvraagEvent],
    ) -> None:
        """Write every aanvraag with its verslag and event at once, or none: Conflict when a
        regeling is still in the period of an earlier aanvraag on the beoordeling's peildatum."""
        puts: list[dict[str, Any]] = []
        for regeling, tot in geblokkeerd_tot.items():
            puts.append({
                "Item": {"PK": f"BURGER#{pseudoniem}", "SK": f"PERIODE#{regeling}",
                         "geblokkeerdTot": tot.isoformat()},
                "ConditionExpression": "attribute_not_exists(PK) OR geblokkeerdTot <= :peildatum",
                "ExpressionAttributeValues": {":peildatum": peildatum.isoformat()},
            })  # fmt: skip
        puts += [{"Item": self._aanvraag_item(pseudoniem, a)} for a in aanvragen]
        puts += [{"Item": _verslag_item(v)} for v in verslagen]
        puts += [{"Item": _gebeurtenis_item(g)} for g in gebeurtenissen]
        # The beoordeling they rest on is kept with them from now on (no TTL, not deleted with
        # the consent), on the condition that a revoke has not deleted it meanwhile.
        gebruikt = [{"Update": {
            "TableName": self.tabel.name,
            "Key": {"PK": f"BURGER#{pseudoniem}", "SK": f"BEOORDELING#{beoordeling}"},
            "UpdateExpression": "SET gebruikt = :ja REMOVE verlooptOp",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":ja": True},
        }} for beoordeling in sorted({a.beoordeling for a in aanvragen})]  # fmt: skip
        try:
            # The resource's client serialises Python values itself (boto3 transformation).
            items = [{"Put": {"TableName": self.tabel.name, **put}} for put in puts] + gebruikt
            self.tabel.meta.client.transact_write_items(TransactItems=cast(Any, items))
        except ClientError as error:
            reasons = error.response.get("CancellationReasons", [])
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons[len(puts) :]):
                raise NietGevonden("Deze beoordeling bestaat niet (meer).") from error
            blocked = [
                regeling
                for regeling, reason in zip(geblokkeerd_tot, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            ]
            if blocked:
                raise Conflict(
                    "Voor deze regelingen loopt al een aanvraag in deze periode.", blocked
                ) from error
            raise

    def aanvraag(self, aanvraag_id: str) -> tuple[str, Aanvraag] | None:
        """The aanvraag and the pseudonym of the resident who made it."""
        item = self.tabel.get_item(Key={"PK": f"AANVRAAG#{aanvraag_id}", "SK": "AANVRAAG"}).get(
            "Item"
        )
        if item is None:
            return None
        return str(item["pseudoniem"]), Aanvraag.model_validate_json(str(item["data"]))

    def aanvragen_van_burger(self, pseudoniem: str) -> list[Aanvraag]:
        response = self.tabel.query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(f"BURGER#{pseudoniem}"),
            ScanIndexForward=False,
        )
        return [Aanvraag.model_validate_json(str(item["data"])) for item in response["Items"]]

    def aanvragen_van_gemeente(
        self,
        gemeentecode: str,
        status: AanvraagStatus | None,
        regeling: str | None,
        cursor: str | None,
        limiet: int,
    ) -> tuple[list[tuple[str, Aanvraag]], str | None]:
        """A page of the gemeente's aanvragen with each resident's pseudonym, newest first, and
        the cursor to the next page."""
        query: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": Key("GSI2PK").eq(f"GEMEENTE#{gemeentecode}"),
            "ScanIndexForward": False,
            "Limit": limiet,
        }
        filters = [
            Attr(name).eq(value)
            for name, value in (("status", status), ("regeling", regeling))
            if value is not None
        ]
        if filters:
            query["FilterExpression"] = functools.reduce(operator.and_, filters)
        if cursor:
            query["ExclusiveStartKey"] = _decode_cursor(cursor, gemeentecode)
        response = self.tabel.query(**query)
        volgende = response.get("LastEvaluatedKey")
        return (
            [
                (str(item["pseudoniem"]), Aanvraag.model_validate_json(str(item["data"])))
                for item in response["Items"]
            ],
            _encode_cursor(volgende) if volgende else None,
        )

    def wijzig(
        self,
        pseudoniem: str,
        aanvraag: Aanvraag,
        van: AanvraagStatus,
        verslag: Beslisverslag | None,
        gebeurtenis: AanvraagEvent,
        vrijgeven: bool = False,
    ) -> None:
        """Store a new status with its event (the outbox), only if the aanvraag still has
        status `van`."""
        item = self._aanvraag_item(pseudoniem, aanvraag)
        items: list[dict[str, Any]] = [{"Put": {
            "TableName": self.tabel.name,
            **{"Item": item, "ConditionExpression": "#s = :van",
                      "ExpressionAttributeNames": {"#s": "status"},
                      "ExpressionAttributeValues": {":van": van.value}},
        }}]  # fmt: skip
        if verslag is not None:
            items.append({"Put": {"TableName": self.tabel.name, "Item": _verslag_item(verslag)}})
        items.append(
            {"Put": {"TableName": self.tabel.name, "Item": _gebeurtenis_item(gebeurtenis)}}
        )
        if vrijgeven:  # a withdrawn application does not block a new one in its period
            items.append({"Delete": {"TableName": self.tabel.name, "Key": {
                "PK": f"BURGER#{pseudoniem}", "SK": f"PERIODE#{aanvraag.regeling}"}}})  # fmt: skip
        self._schrijf(items, f"De aanvraag heeft niet (meer) de status {van.value}.")

    def beslisverslagen(self, aanvraag_id: str) -> list[Beslisverslag]:
        return [
            Beslisverslag.model_validate_json(item["data"])
            for item in self._query(f"AANVRAAG#{aanvraag_id}", "BESLISVERSLAG#")
        ]

    def _aanvraag_item(self, pseudoniem: str, aanvraag: Aanvraag) -> dict[str, Any]:
        moment = aanvraag.ingediend_op.isoformat()
        item = {
            "PK": f"AANVRAAG#{aanvraag.id}",
            "SK": "AANVRAAG",
            "pseudoniem": pseudoniem,
            "status": aanvraag.status.value,
            "regeling": aanvraag.regeling,
            "GSI1PK": f"BURGER#{pseudoniem}",
            "GSI1SK": f"{moment}#{aanvraag.id}",
            "data": aanvraag.model_dump_json(),
        }
        if aanvraag.gemeentecode:
            item |= {
                "GSI2PK": f"GEMEENTE#{aanvraag.gemeentecode}",
                "GSI2SK": f"{moment}#{aanvraag.id}",
            }
        return item

    def _query(self, pk: str, prefix: str) -> list[dict[str, Any]]:
        return query_alles(self.tabel, pk, prefix)

    def _ongewijzigd(
        self, pseudoniem: str, toestemmingen: Mapping[Bron, int]
    ) -> list[dict[str, Any]]:
        """Transaction checks that each consent is still the version read: the ledger is
        append-only, so any change since is the next version's item."""
        return [
            {"ConditionCheck": {
                "TableName": self.tabel.name,
                "Key": {"PK": f"BURGER#{pseudoniem}", "SK": _toestemming_sk(bron, versie + 1)},
                "ConditionExpression": "attribute_not_exists(PK)",
            }}
            for bron, versie in toestemmingen.items()
        ]  # fmt: skip

    def _schrijf(self, items: list[dict[str, Any]], bij_conflict: str) -> None:
        """One transaction; a condition that fails is a Conflict and nothing is written."""
        try:
            self.tabel.meta.client.transact_write_items(TransactItems=cast(Any, items))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                raise Conflict(bij_conflict) from error
            raise


class Auditlog:
    """The append-only audit table: one record per data subject per read (Logboek
    Dataverwerkingen). Functions may only put; each record is written only if new."""

    def __init__(self, tabel: "Table") -> None:
        self.tabel = tabel

    def schrijf(
        self,
        pseudoniem: str,
        verwerking: str,
        actor: str,
        doel: str,
        resultaat: str,
        trace_id: str,
        nu: datetime,
        bronnen: Iterable[str] = (),
    ) -> None:
        self.tabel.put_item(
            Item={
                "PK": f"BETROKKENE#{pseudoniem}",
                "SK": f"{nu.isoformat()}#{uuid.uuid4()}",
                "verwerking": verwerking,
                "actor": actor,
                "doel": doel,
                "resultaat": resultaat,
                "traceId": trace_id,
                "bronnen": sorted(bronnen),
                "tijd": nu.isoformat(),
            },
            ConditionExpression=Attr("PK").not_exists(),
        )

    def van(self, pseudoniem: str) -> list[dict[str, Any]]:
        """Every record about one person, oldest first."""
        response = self.tabel.query(KeyConditionExpression=Key("PK").eq(f"BETROKKENE#{pseudoniem}"))
        return [
            {k: v for k, v in item.items() if k not in ("PK", "SK")} for item in response["Items"]
        ]


def _verloopt_op(gemaakt: datetime) -> int:
    """The TTL attribute (epoch seconds) of what is kept BEWAARTERMIJN after it was made."""
    return int((gemaakt + BEWAARTERMIJN).timestamp())


def _melding_item(pseudoniem: str, melding: Melding) -> dict[str, Any]:
    return {
        "PK": f"BURGER#{pseudoniem}",
        "SK": f"MELDING#{melding.id}",
        "data": melding.model_dump_json(),
        "verlooptOp": _verloopt_op(melding.aangemaakt),
    }


def _toestemming_sk(bron: Bron, versie: int) -> str:
    return f"TOESTEMMING#{bron.value}#{versie:06d}"


def _gegevens_item(pseudoniem: str, bron: Bron, gegevens: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": f"BURGER#{pseudoniem}",
        "SK": f"GEGEVENS#{bron.value}",
        "data": json.dumps(gegevens, default=str),
    }


def _verslag_item(verslag: Beslisverslag) -> dict[str, Any]:
    return {
        "PK": f"AANVRAAG#{verslag.aanvraag}",
        "SK": f"BESLISVERSLAG#{verslag.op.isoformat()}",
        "data": verslag.model_dump_json(),
    }


def _gebeurtenis_item(gebeurtenis: AanvraagEvent) -> dict[str, Any]:
    """The outbox record: the event whole, and the gemeente whose subscriptions receive it."""
    item = {
        "PK": f"GEBEURTENIS#{gebeurtenis.id}",
        "SK": "GEBEURTENIS",
        "type": gebeurtenis.type,
        "data": gebeurtenis.model_dump_json(by_alias=True),
    }
    if gebeurtenis.data.gemeentecode:
        item["gemeentecode"] = gebeurtenis.data.gemeentecode
    return item


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
        raise OngeldigeAanvraag("Ongeldige cursor.", [("query.cursor", "onbekende cursor")])
    return tekst


def _encode_cursor(key: dict[str, Any]) -> str:
    """The position in the gemeente's list, without the table's keys: when and which aanvraag."""
    return cursor_van(str(key["GSI2SK"]))


def _decode_cursor(cursor: str, gemeentecode: str) -> dict[str, Any]:
    """The start key back from `_encode_cursor`; anything else is a 400."""
    position = positie(cursor, lambda p: bool(re.fullmatch(r".+#[0-9a-f]{32}", p)))
    aanvraag_id = position.rpartition("#")[2]
    return {
        "PK": f"AANVRAAG#{aanvraag_id}",
        "SK": "AANVRAAG",
        "GSI2PK": f"GEMEENTE#{gemeentecode}",
        "GSI2SK": position,
    }
