"""What AWS does between the functions, played locally on the domain clock.

- EventBridge Scheduler: each schedule fires once for every due moment the clock passed (moto
  stores schedules but never fires them); its input goes to its target queue.
- Lambda event source mappings, as template.yaml declares them: a DynamoDB stream (with its
  filter) and SQS queues (with batch size and partial batch failures), each calling the same
  `lambda_handler` the router calls. Messages a function does not report as failed are deleted;
  failed ones come back when their visibility passes, on the domain clock (vil_local.klok).
"""

import json
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3

from vil.klok import AMSTERDAM
from vil_local import aws
from vil_local.functies import module
from vil_local.klok import Klok
from vil_local.stack import Context
from vil_local.template import logical_id, resources

STAP = timedelta(hours=1)  # `vooruit` moves the clock at most this far before it works again
# The shape of the planner's expressions (vil.adapters.planner.uitdrukking); nothing else.
CRON = re.compile(r"cron\((\d{1,2}) (\d{1,2}) (\d{1,2}) \* \? \*\)")


def _matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering for the patterns the template uses: nested objects of lists of
    exact values."""
    if isinstance(pattern, list):
        return value in pattern
    return isinstance(value, dict) and all(
        _matches(sub, value.get(key)) for key, sub in pattern.items()
    )


class Pomp:
    def __init__(self, klok: Klok, lock: threading.Lock, queues: dict[str, str]) -> None:
        """`queues`: the queue ARNs by logical id; `lock`: the router's invocation lock."""
        self.klok = klok
        self.lock = lock
        self.bezig = threading.RLock()
        self.sqs = boto3.client("sqs", region_name=aws.REGION)
        self.streams = boto3.client("dynamodbstreams", region_name=aws.REGION)
        self.scheduler = boto3.client("scheduler", region_name=aws.REGION)
        dynamodb = boto3.client("dynamodb", region_name=aws.REGION)
        self.urls = {arn: aws.queue_url(arn) for arn in queues.values()}
        self.wachtrijen: list[tuple[str, str, str, int]] = []  # folder, url, arn, batch size
        # folder, stream ARN, filter patterns, retries, the queue ARN for what failed them all
        self.stroom: list[tuple[str, str, list[Any], int, str | None]] = []
        for properties in resources("AWS::Serverless::Function").values():
            folder = properties["CodeUri"].rstrip("/").rsplit("/", 1)[-1]
            for event in properties.get("Events", {}).values():
                bron = event["Properties"]
                if event["Type"] == "SQS":
                    arn = queues[logical_id(bron["Queue"])]
                    self.wachtrijen.append((folder, self.urls[arn], arn, bron.get("BatchSize", 10)))
                elif event["Type"] == "DynamoDB":
                    filters = [
                        json.loads(f["Pattern"])
                        for f in bron.get("FilterCriteria", {}).get("Filters", [])
                    ]
                    bij_falen = bron.get("DestinationConfig", {}).get("OnFailure")
                    tabel = logical_id(bron["Stream"])
                    stroom = dynamodb.describe_table(TableName=tabel)["Table"]["LatestStreamArn"]
                    self.stroom.append((
                        folder, stroom, filters,
                        bron.get("MaximumRetryAttempts", 2),
                        queues[logical_id(bij_falen["Destination"])] if bij_falen else None,
                    ))  # fmt: skip
        self.iteratoren: dict[str, str] = {}  # shard id -> next iterator
        self.gezien: dict[str, datetime] = {}  # schedule -> until when it has fired
        self.bekende_schemas: dict[str, dict[str, Any]] = {}  # schedule -> GetSchedule's answer
        self.groepen = list(resources("AWS::Scheduler::ScheduleGroup"))

    # The clock.

    def vooruit(self, duur: timedelta) -> int:
        """Move the clock forward in steps of at most STAP, doing what became due after each."""
        gedaan = self.leeg()
        while duur > timedelta(0):
            stap = min(duur, STAP)
            self.klok.verschuif(stap)
            duur -= stap
            gedaan += self.leeg()
        return gedaan

    def zet(self, moment: datetime) -> None:
        """Put the clock at a moment, later or earlier, without doing what fell due in
        between: every schedule starts afresh from there, as if the stack started then."""
        with self.bezig:
            self.klok.zet(moment)
            self.gezien = dict.fromkeys(self.gezien, self.klok.nu())

    def leeg(self) -> int:
        """Work until nothing is due: schedules, the stream, the queues. The number of items."""
        with self.bezig:
            totaal = 0
            while gedaan := self.schemas() + self.stromen() + self.wachtrijen_legen():
                totaal += gedaan
            return totaal

    # EventBridge Scheduler.

    def schemas(self) -> int:
        nu = self.klok.nu()
        gevuurd = 0
        for groep in self.groepen:
            for naam in [s["Name"] for s in self._alle_schemas(groep)]:
                vanaf = self.gezien.setdefault(naam, nu)
                if naam not in self.bekende_schemas:  # a name stands for one expression and payload
                    self.bekende_schemas[naam] = dict(
                        self.scheduler.get_schedule(Name=naam, GroupName=groep)
                    )
                schema = self.bekende_schemas[naam]
                for _ in _momenten(schema["ScheduleExpression"], vanaf, nu):
                    target = schema["Target"]
                    self.sqs.send_message(
                        QueueUrl=self.urls[target["Arn"]], MessageBody=target["Input"]
                    )
                    gevuurd += 1
                self.gezien[naam] = nu
        return gevuurd

    def _alle_schemas(self, groep: str) -> list[dict[str, Any]]:
        schemas: list[dict[str, Any]] = []
        verzoek: dict[str, Any] = {"GroupName": groep}
        while True:
            antwoord = self.scheduler.list_schedules(**verzoek)
            schemas += [dict(s) for s in antwoord["Schedules"]]
            if not antwoord.get("NextToken"):
                return schemas
            verzoek["NextToken"] = antwoord["NextToken"]

    # DynamoDB Streams -> Lambda.

    def stromen(self) -> int:
        verwerkt = 0
        for folder, arn, filters, pogingen, bij_falen in self.stroom:
            records: list[dict[str, Any]] = []
            for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                iterator = (
                    self.iteratoren.get(shard["ShardId"])
                    or self.streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                    )["ShardIterator"]
                )
                antwoord = self.streams.get_records(ShardIterator=iterator)
                self.iteratoren[shard["ShardId"]] = antwoord["NextShardIterator"]
                records += [
                    {**r, "eventSourceARN": arn}
                    for r in antwoord["Records"]
                    if not filters or any(_matches(f, r) for f in filters)
                ]
            if records:
                # Lambda retries the failed records (here at once), then reports them to the
                # on-failure destination: their positions in the stream, not their content.
                for _ in range(1 + pogingen):
                    fouten = self._roep(folder, {"Records": records})
                    records = [r for r in records if r["dynamodb"]["SequenceNumber"] in fouten]
                    if not records:
                        break
                if records and bij_falen:
                    posities = [r["dynamodb"]["SequenceNumber"] for r in records]
                    body = json.dumps({"streamArn": arn, "sequenceNumbers": posities})
                    self.sqs.send_message(QueueUrl=self.urls[bij_falen], MessageBody=body)
                verwerkt += 1
        return verwerkt

    # SQS -> Lambda.

    def wachtrijen_legen(self) -> int:
        """Hand every visible message to its function, a batch at a time; the number handed.

        A message its function reports as failed stays, invisible for as long as the function
        asked (or the queue's visibility timeout); one it does not report is deleted.
        """
        verwerkt = 0
        for folder, url, arn, batch in self.wachtrijen:
            while berichten := self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=batch, AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", []):  # fmt: skip
                records = [_sqs_record(b, arn) for b in berichten]
                fouten = self._roep(folder, {"Records": records})
                for record in records:
                    if record["messageId"] not in fouten:
                        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
                verwerkt += len(records)
        return verwerkt

    def _roep(self, folder: str, event: dict[str, Any]) -> set[str]:
        """Invoke a function; the identifiers it reports as failed (all, when it raised)."""
        handler: Callable[[dict[str, Any], Any], dict[str, Any]] = module(folder).lambda_handler
        try:
            with self.lock:
                antwoord = handler(event, Context(folder))
        except Exception:
            return {r.get("messageId") or r["dynamodb"]["SequenceNumber"] for r in event["Records"]}
        return {f["itemIdentifier"] for f in (antwoord or {}).get("batchItemFailures", [])}


def _sqs_record(bericht: Any, arn: str) -> dict[str, Any]:
    """A received message as Lambda's SQS event source hands it to a function."""
    return {
        "messageId": bericht["MessageId"],
        "receiptHandle": bericht["ReceiptHandle"],
        "body": bericht["Body"],
        "attributes": bericht.get("Attributes", {}),
        "messageAttributes": bericht.get("MessageAttributes", {}),
        "md5OfBody": bericht["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": aws.REGION,
    }


def _momenten(uitdrukking: str, vanaf: datetime, tot: datetime) -> list[datetime]:
    """The due moments of a monthly cron expression in (vanaf, tot], Europe/Amsterdam."""
    match = CRON.fullmatch(uitdrukking)
    if match is None:
        raise ValueError(f"de lokale stack kent alleen maandelijkse schema's, niet {uitdrukking}")
    minuut, uur, dag = (int(g) for g in match.groups())
    momenten = []
    jaar, maand = vanaf.astimezone(AMSTERDAM).year, vanaf.astimezone(AMSTERDAM).month
    while (moment := datetime(jaar, maand, dag, uur, minuut, tzinfo=AMSTERDAM)) <= tot:
        if moment > vanaf:
            momenten.append(moment)
        jaar, maand = (jaar + 1, 1) if maand == 12 else (jaar, maand + 1)
    return momenten
