"""Each function's IAM policy from template.yaml, enforced by moto while that function runs.

`policy_document` turns a function's `Policies` (inline statements, and the SAM policy templates
VIL may use) into one IAM policy document; `Rollen` makes one moto IAM user per function with
that policy, and `Rollen.onder` wraps the function's `lambda_handler` so that every call runs
with that user's credentials while moto enforces IAM (`set_initial_no_auth_action_count`).
Everything around the handlers (the local stack's pump, the tests' own set-up) runs as before.

What moto checks, and what this module adds (docs/operations.md, "Permissions"):

- moto refuses DynamoDB, SQS, KMS and EventBridge actions a policy lacks. It matches resource
  ARNs for SQS only, so queue ARNs resolve to the real queues and other resources to '*'.
- moto authorizes a DynamoDB transaction as one action, `dynamodb:TransactWriteItems`, which
  IAM does not have: AWS checks each item against `PutItem`, `UpdateItem`, `DeleteItem` or
  `ConditionCheckItem`. The user gets moto's action name, and a botocore hook checks every
  item as AWS does (`_transactie_zoals_aws`).
- moto asks for `sqs:SendMessageBatch` (and the other batch names), which AWS grants with
  `sqs:SendMessage`: the user gets the batch name wherever the policy has the single one.
- EventBridge Scheduler's GetSchedule and DeleteSchedule fail under moto's IAM check whatever
  the policy (a signature error): the scheduler permissions are not exercised here.
- Conditions (`iam:PassedToService`) are left out: moto does not evaluate them.
"""

import fnmatch
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
from botocore.exceptions import ClientError
from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin

from vil_local.functies import module
from vil_local.template import resources

Handler = Callable[[dict[str, Any], Any], Any]

# The SAM policy templates (https://docs.aws.amazon.com/serverless-application-model/latest/
# developerguide/serverless-policy-template-list.html) a function may use, by their actions.
# VIL's template writes its statements out today; a new template name fails loudly here.
SAM_POLICY_TEMPLATES: dict[str, list[str]] = {
    "DynamoDBCrudPolicy": [
        "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan",
        "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
        "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem",
    ],
    "DynamoDBReadPolicy": [
        "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem",
        "dynamodb:DescribeTable",
    ],
    "DynamoDBWritePolicy": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"],
    "SQSSendMessagePolicy": ["sqs:SendMessage*"],
    "SQSPollerPolicy": [
        "sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
        "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage",
    ],
    "KMSDecryptPolicy": ["kms:Decrypt"],
    "KMSEncryptPolicy": ["kms:Encrypt"],
}  # fmt: skip

# What each kind of transaction item needs on AWS.
TRANSACTIE_ACTIES = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


def _resolve(value: Any, arns: dict[str, str]) -> Any:
    """A resource as moto compares it: a known ARN (the queues), else '*'."""
    if isinstance(value, list):
        return [_resolve(v, arns) for v in value]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        name = target[0] if isinstance(target, list) else target.split(".")[0]
        return arns.get(name, "*")
    if isinstance(value, dict):  # Fn::Sub, Ref, Fn::Join: '*'
        return "*"
    return value


def policy_document(function: str, arns: dict[str, str]) -> dict[str, Any]:
    """The function's policies in template.yaml as one IAM policy document."""
    statements: list[dict[str, Any]] = []
    for policy in resources("AWS::Serverless::Function")[function].get("Policies") or []:
        if isinstance(policy, str):  # an AWS managed policy (logs, X-Ray): not VIL's data
            continue
        if "Statement" in policy:
            for statement in policy["Statement"]:
                resolved = {
                    "Effect": statement["Effect"],
                    "Action": statement["Action"],
                    "Resource": _resolve(statement["Resource"], arns),
                }
                statements.append(resolved)
            continue
        for name in policy:
            if name not in SAM_POLICY_TEMPLATES:
                raise ValueError(f"{function}: SAM policy template {name} staat niet in iam.py")
            statements.append(
                {"Effect": "Allow", "Action": SAM_POLICY_TEMPLATES[name], "Resource": "*"}
            )
    return {"Version": "2012-10-17", "Statement": statements}


def acties(document: dict[str, Any]) -> list[str]:
    """Every action the document allows (patterns as written)."""
    found: list[str] = []
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            action = statement["Action"]
            found.extend([action] if isinstance(action, str) else action)
    return found


def staat_toe(document: dict[str, Any], actie: str) -> bool:
    return any(fnmatch.fnmatchcase(actie, pattern) for pattern in acties(document))


# SQS has no permissions of its own for its batch calls: SendMessage allows SendMessageBatch
# on AWS (the SQS developer guide, "Amazon SQS batch actions"); moto asks for the batch name.
SQS_BATCH = {
    "sqs:SendMessage": "sqs:SendMessageBatch",
    "sqs:DeleteMessage": "sqs:DeleteMessageBatch",
    "sqs:ChangeMessageVisibility": "sqs:ChangeMessageVisibilityBatch",
}


def voor_moto(document: dict[str, Any]) -> dict[str, Any]:
    """The document as moto must read it to decide as AWS does: moto's name for a transaction
    when the function may write items at all (each item is checked as AWS does, by
    `_transactie_zoals_aws`), and SQS's batch calls under the permission of the single call,
    on the same queues."""
    extra: list[dict[str, Any]] = []
    if any(staat_toe(document, actie) for actie in TRANSACTIE_ACTIES.values()):
        extra.append({"Effect": "Allow", "Action": "dynamodb:TransactWriteItems", "Resource": "*"})
    for statement in document["Statement"]:
        action = statement["Action"]
        batch = [SQS_BATCH[a] for a in ([action] if isinstance(action, str) else action)
                 if a in SQS_BATCH]  # fmt: skip
        if batch:
            extra.append({**statement, "Action": batch})
    return {**document, "Statement": [*document["Statement"], *extra]}


@dataclass(frozen=True)
class Rol:
    function: str
    document: dict[str, Any]
    access_key_id: str
    secret_access_key: str


class Rollen:
    """One moto IAM user per function of template.yaml, with that function's policy."""

    def __init__(self, queue_arns: dict[str, str], weglaten: dict[str, str] | None = None):
        """`queue_arns`: the queues' ARNs by logical id; `weglaten`: per function one action to
        leave out of its policy (to see a missing permission fail)."""
        iam = boto3.client("iam", region_name="us-east-1")
        self.rollen: dict[str, Rol] = {}
        for function in resources("AWS::Serverless::Function"):
            document = policy_document(function, queue_arns)
            if weglaten and function in weglaten:
                document = _zonder(document, weglaten[function])
            naam = f"vil-test-{function}-{uuid.uuid4().hex[:8]}"
            iam.create_user(UserName=naam)
            if document["Statement"]:  # no policy at all: every AWS action refused
                iam.put_user_policy(
                    UserName=naam,
                    PolicyName="template",
                    PolicyDocument=_json(voor_moto(document)),
                )
            key = iam.create_access_key(UserName=naam)["AccessKey"]
            self.rollen[function] = Rol(
                function, document, key["AccessKeyId"], key["SecretAccessKey"]
            )

    def onder(self, function: str, handler: Handler) -> Handler:
        """The handler, run with the function's credentials while moto enforces IAM."""
        rol = self.rollen[function]

        def als_functie(event: dict[str, Any], context: Any) -> Any:
            with afgedwongen(rol):
                return handler(event, context)

        return als_functie

    def installeer(self, monkeypatch: Any, router: Any) -> None:
        """Every function's `lambda_handler` (and the router's authorizer) under its role."""
        for function, properties in resources("AWS::Serverless::Function").items():
            folder = properties["CodeUri"].rstrip("/").rsplit("/", 1)[-1]
            app = module(folder)
            monkeypatch.setattr(app, "lambda_handler", self.onder(function, app.lambda_handler))
        monkeypatch.setattr(
            router, "authorizer", self.onder("AuthorizerFunction", router.authorizer)
        )


def _zonder(document: dict[str, Any], actie: str) -> dict[str, Any]:
    statements = []
    for statement in document["Statement"]:
        action = statement["Action"]
        over = [a for a in ([action] if isinstance(action, str) else action) if a != actie]
        if over:
            statements.append({**statement, "Action": over})
    return {**document, "Statement": statements}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document)


@contextmanager
def afgedwongen(rol: Rol) -> Iterator[None]:
    """The function's credentials, fresh clients, and moto enforcing IAM, for one call."""
    from vil_local.lokaal import _clear_caches

    hook = _transactie_zoals_aws(rol)
    credentials = {"AWS_ACCESS_KEY_ID": rol.access_key_id,
                   "AWS_SECRET_ACCESS_KEY": rol.secret_access_key}  # fmt: skip
    eerder = settings.INITIAL_NO_AUTH_ACTION_COUNT, ActionAuthenticatorMixin.request_count
    standaard = boto3.DEFAULT_SESSION  # it keeps the credentials it read first
    with mock.patch.dict(os.environ, credentials):
        os.environ.pop("AWS_SESSION_TOKEN", None)
        _clear_caches()
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register(
            "before-parameter-build.dynamodb.TransactWriteItems", hook
        )
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        ActionAuthenticatorMixin.request_count = 0
        try:
            yield
        finally:
            settings.INITIAL_NO_AUTH_ACTION_COUNT, ActionAuthenticatorMixin.request_count = eerder
            boto3.DEFAULT_SESSION = standaard
    _clear_caches()


def _transactie_zoals_aws(rol: Rol) -> Callable[..., None]:
    """A botocore hook that refuses a transaction one of whose items the policy does not allow,
    as AWS does (Put, Update, Delete, ConditionCheck each need their own action)."""

    def check(params: dict[str, Any], **_: Any) -> None:
        for item in params.get("TransactItems", []):
            for soort in item:
                actie = TRANSACTIE_ACTIES[soort]
                if not staat_toe(rol.document, actie):
                    raise ClientError(
                        {"Error": {"Code": "AccessDeniedException",
                                   "Message": f"{rol.function} mag geen {actie}"}},
                        "TransactWriteItems",
                    )  # fmt: skip

    return check
