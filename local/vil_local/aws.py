"""AWS on the laptop: moto in-process, with the tables and keys that template.yaml defines."""

import copy
import functools
import json
from typing import Any, cast

import boto3
from moto import mock_aws
from moto.core.model_instances import model_data
from moto.dynamodb import models as moto_dynamodb
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from vil_local.template import logical_id, resources

REGION = "eu-west-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    # DynamoDB Streams calls go to an endpoint moto does not intercept (docs/libraries.md 6).
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
TABLE_KEYS = ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode")
QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod")


def start() -> Any:
    """Start moto for every AWS call in this process; the caller stops it with `.stop()`."""
    _transactions_as_on_aws()
    mock = mock_aws()
    mock.start()
    return mock


class _GeenTabelkopie:
    """What moto's DynamoDB module uses as `copy`: a Table is not copied, anything else is.

    moto backs up a transaction by deep-copying each table it touches, once per item: the whole
    table, again and again, so a long session slows down quadratically. The wrapper below undoes a
    cancelled transaction item by item instead.
    """

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _transactions_as_on_aws() -> None:
    """A TransactWriteItems that is cancelled leaves no trace, as on AWS: not in the items, not
    in a table's stream, and no copy of a table kept alive (docs/decisions.md, "The local stream
    carries only committed changes").

    moto applies a transaction's writes one by one (each appends its stream record) and, when one
    fails, restores its backup tables. Here the items the transaction names are saved before and
    put back after, and each stream is cut back to where it was. moto also remembers every model
    object it makes, for its dashboard; what this call made is forgotten (the stack has none).
    """
    echt = DynamoDBBackend.transact_write_items
    if getattr(echt, "alleen_vastgelegd", False):
        return
    setattr(moto_dynamodb, "copy", _GeenTabelkopie)  # noqa: B010

    @functools.wraps(echt)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        stromen = [
            (tabel.stream_shard, len(tabel.stream_shard.items))
            for tabel in self.tables.values()
            if tabel.stream_shard is not None
        ]
        voor = _items_voor(self, transact_items)
        gevolgd = {
            model: len(model.instances_tracked)
            for model in cast(dict[str, Any], model_data["dynamodb"]).values()
        }
        try:
            echt(self, transact_items)
        except Exception:
            for naam, sleutel, oud in reversed(voor):
                if oud is not None:
                    self.put_item(naam, oud)
                elif self.get_item(naam, sleutel) is not None:
                    self.delete_item(naam, sleutel)
            for stroom, lengte in stromen:
                del stroom.items[lengte:]
            raise
        finally:
            for model, lengte in gevolgd.items():
                del model.instances_tracked[lengte:]

    transact_write_items.alleen_vastgelegd = True  # type: ignore[attr-defined]
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010


def _items_voor(
    backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """Each item a transaction names, as it is now (DynamoDB JSON, or None when absent). A
    request moto will refuse whole (an unknown table, a missing key) names nothing."""
    voor = []
    try:
        for item in transact_items:
            (_, op), *_ = item.items()
            naam = op["TableName"]
            if "Key" in op:
                sleutel = op["Key"]
            else:
                tabel = backend.get_table(naam)
                sleutels = [tabel.hash_key_attr, tabel.range_key_attr]
                sleutel = {k: op["Item"][k] for k in sleutels if k is not None}
            huidig = backend.get_item(naam, sleutel)
            voor.append((naam, sleutel, huidig.to_json()["Attributes"] if huidig else None))
    except Exception:  # moto answers such a request with its own error, before any write
        return []
    return voor


def create_tables() -> dict[str, str]:
    """Each DynamoDB table of the template, named by its logical id; {logical id: name}."""
    client = boto3.client("dynamodb", region_name=REGION)
    for name, properties in resources("AWS::DynamoDB::Table").items():
        spec = {key: properties[key] for key in TABLE_KEYS if key in properties}
        if "StreamSpecification" in properties:
            spec["StreamSpecification"] = {
                "StreamEnabled": True,
                **properties["StreamSpecification"],
            }
        client.create_table(TableName=name, **spec)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return {name: name for name in resources("AWS::DynamoDB::Table")}


def create_keys() -> dict[str, str]:
    """Each KMS key of the template (HMAC or symmetric, as declared); {logical id: ARN}."""
    client = boto3.client("kms", region_name=REGION)
    arns = {}
    for name, properties in resources("AWS::KMS::Key").items():
        spec = {k: properties[k] for k in ("KeySpec", "KeyUsage") if k in properties}
        arns[name] = client.create_key(Description=name, **spec)["KeyMetadata"]["Arn"]
    return arns


def create_queues() -> dict[str, str]:
    """Each SQS queue of the template with its timeouts and redrive policy (dead-letter queues
    first), named by its logical id; {logical id: ARN}."""
    client = boto3.client("sqs", region_name=REGION)
    arns: dict[str, str] = {}
    queues = resources("AWS::SQS::Queue")
    for name, properties in sorted(queues.items(), key=lambda q: "RedrivePolicy" in q[1]):
        attributes: dict[Any, str] = {
            k: str(properties[k]) for k in QUEUE_ATTRIBUTES if k in properties
        }
        if "RedrivePolicy" in properties:
            policy = properties["RedrivePolicy"]
            dlq = logical_id(policy["deadLetterTargetArn"])
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": arns[dlq], "maxReceiveCount": policy["maxReceiveCount"]}
            )
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        arns[name] = arn["Attributes"]["QueueArn"]
    return arns


def queue_url(arn: str) -> str:
    """The URL of a queue by its ARN (the name is the ARN's last part)."""
    client = boto3.client("sqs", region_name=REGION)
    return client.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]


def create_schedule_groups() -> dict[str, str]:
    """Each EventBridge Scheduler group of the template, named by its logical id."""
    client = boto3.client("scheduler", region_name=REGION)
    for name in resources("AWS::Scheduler::ScheduleGroup"):
        client.create_schedule_group(Name=name)
    return {name: name for name in resources("AWS::Scheduler::ScheduleGroup")}


def create_secret(name: str, waarde: str) -> str:
    """A secret in (moto's) Secrets Manager, as a deployer makes one; its ARN."""
    client = boto3.client("secretsmanager", region_name=REGION)
    return str(client.create_secret(Name=name, SecretString=waarde)["ARN"])


def role_arn(name: str) -> str:
    """A role of the template: moto does not check who may assume it."""
    return f"arn:aws:iam::123456789012:role/{name}"
