"""The SAM template: layers, routes, environments, permissions, tables, the authorizer, the
gateway responses and alarms agree with the code and with docs/architecture.md.

cfn-lint (run by `make test`) validates the template itself.
"""

import importlib
import json
import re
from datetime import timedelta
from typing import Any

import pytest

import vil.settings
from tests.conftest import ROOT
from vil.api import PROBLEM, PROBLEM_TYPES, SECURITY_HEADERS
from vil.observability import instrumented
from vil.services.afleveren import POGINGEN, WACHTTIJDEN
from vil_local.template import resources, template


def functions() -> dict[str, dict[str, Any]]:
    return resources("AWS::Serverless::Function")


def statements(function: str) -> list[dict[str, Any]]:
    """Every inline policy statement of a function."""
    found: list[dict[str, Any]] = []
    for policy in functions()[function].get("Policies", []):
        # Inline statements only: no managed policies, no SAM policy templates.
        assert isinstance(policy, dict), (function, policy)
        assert set(policy) == {"Statement"}, (function, policy)
        found += policy["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def mentions(value: Any, logical_id: str) -> bool:
    """Whether a (possibly intrinsic) value refers to a resource by its logical id."""
    return re.search(rf"\b{logical_id}\b", json.dumps(value)) is not None


# The web pages are one function behind a greedy path: it routes its pages itself (HTML, not
# operations of the API; docs/loket.md).
PAGINAS = "LoketFunction"


def template_routes(any_method: bool = False) -> set[tuple[str, str, str]]:
    """(function, METHOD, path) of every Api event of the API; the catch-all ANY events only if
    asked."""
    return {
        (name, event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for name, properties in functions().items()
        for event in properties.get("Events", {}).values()
        if event["Type"] == "Api"
        and name != PAGINAS
        and (any_method or event["Properties"]["Method"] != "any")
    }


def test_the_loket_pages_are_one_function_behind_loket() -> None:
    events = [e["Properties"] for e in functions()[PAGINAS]["Events"].values()]
    assert {(e["Method"], e["Path"]) for e in events} == {
        ("any", "/loket"),
        ("any", "/loket/{pagina+}"),
        ("any", "/beheer"),
        ("any", "/beheer/{pagina+}"),
    }
    assert all(e["RestApiId"] == {"Ref": "LoketApi"} and "Auth" not in e for e in events)


def test_every_path_sends_other_methods_to_its_function_for_a_405() -> None:
    """API Gateway answers an undefined method itself (403, no Allow); with an ANY method on
    every path the function's resolver answers 405 with Allow instead (NL API Design Rules)."""
    routes = template_routes(any_method=True)
    explicit = {(fn, path) for fn, method, path in routes if method != "ANY"}
    catch_all = {(fn, path) for fn, method, path in routes if method == "ANY"}
    assert catch_all == explicit


def code_routes(function: str) -> set[tuple[str, str]]:
    """(METHOD, path) of a function's resolver, `<param>` written as `{param}` (none for the
    authorizer, which has no resolver)."""
    folder = functions()[function]["CodeUri"].strip("/").split("/")[-1]
    app = getattr(importlib.import_module(f"functions.{folder}.app"), "app", None)
    if app is None:
        return set()
    return {
        (route.method.upper(), re.sub(r"<(\w+)>", r"{\1}", route.path))
        for route in [*app._static_routes, *app._dynamic_routes]
    }


# Layers and runtime.


def test_every_layer_points_at_existing_content() -> None:
    layers = {
        name: properties["ContentUri"]
        for name, properties in resources("AWS::Serverless::LayerVersion").items()
    }
    assert layers == {"VilLayer": "layers/vil/", "RulesLayer": "rules/"}
    assert all((ROOT / uri).is_dir() for uri in layers.values())
    assert (ROOT / "layers/vil/requirements.txt").is_file()
    assert (ROOT / "rules/Makefile").is_file()  # BuildMethod: makefile
    assert (ROOT / "layers/vil/Makefile").is_file()  # the same


def test_functions_run_python_3_13_on_arm64() -> None:
    function = template()["Globals"]["Function"]
    assert (function["Runtime"], function["Architectures"]) == ("python3.13", ["arm64"])
    # The rules layer mounts at /opt/rules: every function whose settings read the rules says so.
    rules_dirs = {
        name: properties["Environment"]["Variables"]["VIL_RULES_DIR"]
        for name, properties in functions().items()
        if "VIL_RULES_DIR" in properties["Environment"]["Variables"]
    }
    assert rules_dirs
    assert set(rules_dirs.values()) == {"/opt/rules"}


def test_every_function_folder_is_a_function_of_the_template() -> None:
    folders = {(ROOT / properties["CodeUri"]).resolve() for properties in functions().values()}
    assert folders == {path.parent for path in (ROOT / "functions").glob("*/app.py")}
    assert all(p["Handler"] == "app.lambda_handler" for p in functions().values())


def test_every_function_enters_through_instrumented() -> None:
    """Its first request wakes the cycle collector, which rests while a function loads
    (vil/__init__.py): a function that did not pass through it would never collect a cycle."""
    entry = instrumented(lambda event, context: {}).__code__
    for properties in functions().values():
        folder = properties["CodeUri"].strip("/").split("/")[-1]
        module = importlib.import_module(f"functions.{folder}.app")
        assert module.lambda_handler.__code__ is entry, folder


# Routes: template, code and OpenAPI document name the same operations.


def test_every_route_has_its_handler_and_every_handler_its_route() -> None:
    for name in functions():
        in_template = {(method, path) for fn, method, path in template_routes() if fn == name}
        assert in_template == code_routes(name), name


def test_every_route_is_an_openapi_operation_and_the_reverse() -> None:
    document = json.loads((ROOT / "layers/vil/vil/openapi.json").read_text(encoding="utf-8"))
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch", "head", "options"}
    }
    # The Swagger UI page is a route but not an operation of the API it documents.
    pages = {("GET", "/v1/docs")}
    assert {(method, path) for _, method, path in template_routes()} - pages == operations


def test_routes_are_under_v1_on_a_stage_that_is_not_v1() -> None:
    # https://host/v1/... with an empty base-path mapping, not /v1/v1 (docs/operations.md).
    (api,) = resources("AWS::Serverless::Api").values()
    assert api["StageName"] != "v1"
    assert all(path.startswith("/v1/") for _, _, path in template_routes())
    for properties in functions().values():
        for event in properties.get("Events", {}).values():
            if event["Type"] != "Api":
                continue  # queues and streams
            assert event["Properties"]["RestApiId"] == {"Ref": "LoketApi"}
            assert "Auth" not in event["Properties"]  # the default authorizer, everywhere


# The authorizer runs on every request (docs/architecture.md 5; docs/libraries.md 5).


def test_the_one_authorizer_has_no_identity_source_and_no_caching() -> None:
    auth = resources("AWS::Serverless::Api")["LoketApi"]["Auth"]
    assert list(auth["Authorizers"]) == [auth["DefaultAuthorizer"]]
    authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]
    assert authorizer["FunctionPayloadType"] == "REQUEST"
    assert authorizer["FunctionArn"] == {"Fn::GetAtt": "AuthorizerFunction.Arn"}
    assert authorizer["Identity"] == {"ReauthorizeEvery": 0}


def test_machtigen_and_eherkenning_are_parameters_and_off_by_default() -> None:
    """DigiD Machtigen and organisations' tokens are refused until a deployment names VIL's
    service id and the eHerkenning issuer; the claim names are parameters, not code, and the
    JWKS is HTTPS only (docs/machtigingen.md)."""
    parameters = template()["Parameters"]
    omgeving = functions()["AuthorizerFunction"]["Environment"]["Variables"]
    verwacht = {
        "MACHTIGEN_DIENST": "MachtigenDienst",
        "MACHTIGEN_DIENST_CLAIM": "MachtigenDienstClaim",
        "MACHTIGEN_CLAIM": "MachtigenClaim",
        "MACHTIGEN_HOUDT": "MachtigenHoudt",
        "EHERKENNING_ISSUER": "EherkenningIssuer",
        "EHERKENNING_AUDIENCE": "EherkenningAudience",
        "EHERKENNING_JWKS_URL": "EherkenningJwksUrl",
        "EHERKENNING_KVK_CLAIM": "EherkenningKvkClaim",
        "EHERKENNING_OIN_CLAIM": "EherkenningOinClaim",
        "EHERKENNING_MEDEWERKER_CLAIM": "EherkenningMedewerkerClaim",
        "EHERKENNING_ROL_CLAIM": "EherkenningRolClaim",
    }
    for variabele, parameter in verwacht.items():
        assert omgeving[variabele] == {"Ref": parameter}
    assert parameters["MachtigenDienst"]["Default"] == ""
    assert parameters["EherkenningIssuer"]["Default"] == ""
    assert parameters["MachtigenClaim"]["Default"] == "represents"
    # Each claim name's default is the settings model's, so the two cannot drift apart
    velden = vil.settings.AuthorizerSettings.model_fields
    for variabele, parameter in verwacht.items():
        if variabele.endswith("_CLAIM"):
            assert parameters[parameter]["Default"] == velden[variabele.lower()].default
    houdt = vil.settings.AuthorizerSettings.model_fields["machtigen_houdt"].annotation
    assert set(parameters["MachtigenHoudt"]["AllowedValues"]) == set(houdt.__args__)  # type: ignore[union-attr]
    patroon = re.compile(parameters["EherkenningJwksUrl"]["AllowedPattern"])
    assert patroon.fullmatch("https://broker.example/jwks")
    assert patroon.fullmatch("")
    assert not patroon.fullmatch("http://broker.example/jwks")


def test_the_loket_eherkenning_client_is_parameters_and_its_secret_is_read_at_run_time() -> None:
    """The beheerders' and hulpverleners' login on AWS (docs/loket.md): the client is off until
    a deployment names it; the environment holds the secret's ARN, never the secret; only the
    loket may read it, and only that one secret."""
    parameters = template()["Parameters"]
    omgeving = functions()[PAGINAS]["Environment"]["Variables"]
    verwacht = {
        "EHERKENNING_CLIENT_ID": "EherkenningClientId",
        "EHERKENNING_CLIENT_GEHEIM": "EherkenningClientGeheim",
        "EHERKENNING_AUTHORIZE_URL": "EherkenningAuthorizeUrl",
        "EHERKENNING_TOKEN_URL": "EherkenningTokenUrl",
        "EHERKENNING_SCOPES": "EherkenningScopes",
        "EHERKENNING_GEMEENTEN": "EherkenningGemeenten",
        "EHERKENNING_BEHEERROL": "EherkenningBeheerrol",
        # The tokens' issuer, keys and claim names are the authorizer's own parameters.
        "EHERKENNING_ISSUER": "EherkenningIssuer",
        "EHERKENNING_JWKS_URL": "EherkenningJwksUrl",
        "EHERKENNING_ROL_CLAIM": "EherkenningRolClaim",
    }
    for variabele, parameter in verwacht.items():
        assert omgeving[variabele] == {"Ref": parameter}
    assert parameters["EherkenningClientId"]["Default"] == ""
    geheim = re.compile(parameters["EherkenningClientGeheim"]["AllowedPattern"])
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:vil/eherkenning-AbCdEf"
    assert geheim.fullmatch(arn)
    assert geheim.fullmatch("")
    assert not geheim.fullmatch("een-geheim-in-de-parameter")
    for parameter in ("EherkenningAuthorizeUrl", "EherkenningTokenUrl"):
        assert not re.fullmatch(parameters[parameter]["AllowedPattern"], "http://broker.example")
    velden = vil.settings.LoketSettings.model_fields
    assert parameters["EherkenningScopes"]["Default"] == velden["eherkenning_scopes"].default
    assert parameters["EherkenningBeheerrol"]["Default"] == velden["eherkenning_beheerrol"].default
    assert parameters["EherkenningGemeenten"]["AllowedPattern"] == vil.settings.GEMEENTEN
    lezers = {
        name: statement
        for name in functions()
        for statement in statements(name)
        if any(a.startswith("secretsmanager:") for a in as_list(statement["Action"]))
    }
    assert list(lezers) == [PAGINAS]
    statement = lezers[PAGINAS]
    assert as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]
    voorwaarde, gezet, anders = statement["Resource"]["Fn::If"]
    assert (voorwaarde, gezet) == ("EherkenningLogin", {"Ref": "EherkenningClientGeheim"})
    assert "geen-eherkenning-client" in json.dumps(anders)
    assert template()["Conditions"]["EherkenningLogin"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "EherkenningClientGeheim"}, ""]}]
    }


# Environment: exactly the settings model of each function.


@pytest.mark.parametrize("function", sorted(functions()))
def test_environment_is_exactly_the_settings_model(function: str) -> None:
    model = getattr(vil.settings, function.removesuffix("Function") + "Settings")
    expected = {field.alias or name for name, field in model.model_fields.items()}
    global_names = set(template()["Globals"]["Function"]["Environment"]["Variables"])
    own = set(functions()[function].get("Environment", {}).get("Variables", {}))
    names = {name for name in global_names | own if not name.startswith("POWERTOOLS_")}
    assert names == expected


def test_only_powertools_variables_are_global() -> None:
    names = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert all(name.startswith("POWERTOOLS_") for name in names)


def test_tables_and_keys_are_named_by_reference() -> None:
    expected = {
        "TABEL": {"Ref": "Tabel"},
        "AUDIT_TABEL": {"Ref": "AuditTabel"},
        "IDEMPOTENTIE_TABEL": {"Ref": "IdempotentieTabel"},
        "PSEUDONIEM_SLEUTEL": {"Fn::GetAtt": "PseudoniemSleutel.Arn"},
        "GEGEVENS_SLEUTEL": {"Fn::GetAtt": "GegevensSleutel.Arn"},
        "PSEUDONIEM_SLEUTEL_VERSIE": {"Ref": "PseudoniemSleutelVersie"},
    }
    for name, properties in functions().items():
        variables = properties["Environment"]["Variables"]
        for variable, value in expected.items():
            if variable in variables:
                assert variables[variable] == value, (name, variable)


# Permissions: exact resources, and the audit table put-only.


def test_no_function_may_act_on_every_resource_or_every_action() -> None:
    for name in functions():
        for statement in statements(name):
            assert statement["Effect"] == "Allow"
            # One exception: schedules are per resident, so the consent function may act on
            # the monthly-check prefix in its own group (…/schedule/<group>/mc-*), no wider.
            resource = json.dumps(statement["Resource"]).replace("}/mc-*", "}/mc-")
            assert "*" not in resource, (name, statement)
            assert not any(action.endswith("*") for action in as_list(statement["Action"]))


def test_the_audit_table_is_put_only_and_only_inzage_reads_it() -> None:
    for name in functions():
        actions = {
            action
            for statement in statements(name)
            if mentions(statement["Resource"], "AuditTabel")
            for action in as_list(statement["Action"])
        }
        # Inzage reads it, and so does the loket's inzage page (the same service).
        reads = name in {"InzageFunction", PAGINAS}
        allowed = {"dynamodb:PutItem"} | ({"dynamodb:Query"} if reads else set())
        assert actions <= allowed, name
        if "AUDIT_TABEL" in functions()[name]["Environment"]["Variables"]:
            assert actions == allowed, name


def test_kms_permissions_are_the_minimum() -> None:
    granted = {
        (name, action, key)
        for name in functions()
        for statement in statements(name)
        for action in as_list(statement["Action"])
        if action.startswith("kms:")
        for key in ("PseudoniemSleutel", "GegevensSleutel")
        if mentions(statement["Resource"], key)
    }
    assert granted == {
        ("AuthorizerFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        ("AuthorizerFunction", "kms:Encrypt", "GegevensSleutel"),
        # The prefill: the BSN, and the family members' pseudonyms for their audit records.
        ("BeoordelingenFunction", "kms:Decrypt", "GegevensSleutel"),
        ("BeoordelingenFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        ("GegevensFunction", "kms:Decrypt", "GegevensSleutel"),
        ("GegevensFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        # The monthly check: the kept BSN, and pseudonyms of the partner and children it reads.
        ("MaandcheckFunction", "kms:Decrypt", "GegevensSleutel"),
        ("MaandcheckFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        ("MeldingenFunction", "kms:Decrypt", "GegevensSleutel"),
        ("MeldingenFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        # Webhook secrets: encrypted when made, decrypted to sign (their own encryption context).
        ("AbonnementenFunction", "kms:Encrypt", "GegevensSleutel"),
        ("AfleverenFunction", "kms:Decrypt", "GegevensSleutel"),
        # The loket: the authorizer's check of the token it receives at login (pseudonym,
        # encrypted BSN), and the prefill's use of both.
        ("LoketFunction", "kms:GenerateMac", "PseudoniemSleutel"),
        ("LoketFunction", "kms:Encrypt", "GegevensSleutel"),
        ("LoketFunction", "kms:Decrypt", "GegevensSleutel"),
    }


def test_only_submission_and_the_monthly_check_use_the_idempotency_table() -> None:
    users = {
        name
        for name in functions()
        for statement in statements(name)
        if mentions(statement["Resource"], "IdempotentieTabel")
    }
    # The loket submits through the same service as POST /v1/aanvragen.
    assert users == {"AanvragenFunction", "MaandcheckFunction", PAGINAS}


# The monthly check (docs/architecture.md 8).


def test_the_check_queue_feeds_the_check_function_with_partial_batch_failures() -> None:
    """The schedules' queue feeds one function, a few messages at a time, at a bounded
    concurrency (the sources are shared with the loket), reporting failed messages one by one
    (`process_partial_response`); a message is out of sight for six function timeouts."""
    events = [
        (name, event["Properties"])
        for name, properties in functions().items()
        for event in properties.get("Events", {}).values()
        if event["Type"] == "SQS" and mentions(event["Properties"]["Queue"], "MaandcheckWachtrij")
    ]
    assert [(name, p["Queue"]) for name, p in events] == [
        ("MaandcheckFunction", {"Fn::GetAtt": "MaandcheckWachtrij.Arn"})
    ]
    ((_, event),) = events
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= event["BatchSize"] <= 10
    assert 2 <= event["ScalingConfig"]["MaximumConcurrency"] <= 20
    queue = resources("AWS::SQS::Queue")["MaandcheckWachtrij"]
    assert queue["VisibilityTimeout"] >= 6 * functions()["MaandcheckFunction"]["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": "MaandcheckDlq.Arn"}


def test_the_check_may_delete_a_schedule_but_not_create_one() -> None:
    actions = {
        action
        for statement in statements("MaandcheckFunction")
        for action in as_list(statement["Action"])
        if action.startswith(("scheduler:", "iam:"))
    }
    assert actions == {"scheduler:DeleteSchedule"}


def test_consent_may_make_find_and_delete_the_residents_schedule_and_pass_its_role() -> None:
    """What the planner calls, read from its code; moto cannot check Scheduler's permissions
    under IAM (tests/integration/test_iam.py), so the template is read instead."""
    code = (ROOT / "layers/vil/vil/adapters/planner.py").read_text(encoding="utf-8")
    calls = set(re.findall(r"scheduler\(\)\.(\w+)\(", code))
    assert calls == {"create_schedule", "get_schedule", "delete_schedule"}
    needed = {"scheduler:" + "".join(part.title() for part in call.split("_")) for call in calls}
    by_action = {
        action: statement
        for statement in statements("ToestemmingenFunction")
        for action in as_list(statement["Action"])
    }
    assert needed | {"iam:PassRole"} <= set(by_action)
    for action in needed:
        resource = by_action[action]["Resource"]["Fn::Sub"]
        assert resource.endswith(":schedule/${MaandcheckGroep}/mc-*"), resource
    assert by_action["iam:PassRole"]["Resource"] == {"Fn::GetAtt": "MaandcheckPlannerRol.Arn"}


# Events to gemeenten (docs/architecture.md 7).


def test_the_webhook_queue_holds_a_message_for_every_attempt_and_then_the_dlq() -> None:
    """SQS's receive count is the attempt number (vil.services.afleveren): the redrive policy
    must allow exactly the attempts of the schedule, and keep a message longer than they last."""
    queue = resources("AWS::SQS::Queue")["WebhookWachtrij"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == POGINGEN
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": "WebhookDlq.Arn"}
    assert queue["MessageRetentionPeriod"] > sum(WACHTTIJDEN, timedelta()).total_seconds()
    assert queue["VisibilityTimeout"] >= 6 * functions()["AfleverenFunction"]["Timeout"]
    ((event,),) = [
        [e["Properties"] for e in properties["Events"].values() if e["Type"] == "SQS"]
        for name, properties in functions().items()
        if name == "AfleverenFunction"
    ]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= event["ScalingConfig"]["MaximumConcurrency"] <= 50  # gemeenten' endpoints


def test_callbacks_on_loopback_are_never_allowed_in_aws() -> None:
    values = {
        properties["Environment"]["Variables"]["WEBHOOKS_LOKAAL"]
        for properties in functions().values()
        if "WEBHOOKS_LOKAAL" in properties["Environment"]["Variables"]
    }
    assert values == {"false"}


def test_the_relay_reads_only_new_outbox_records_from_the_stream() -> None:
    ((event,),) = [
        [e["Properties"] for e in properties["Events"].values() if e["Type"] == "DynamoDB"]
        for name, properties in functions().items()
        if name == "GebeurtenissenFunction"
    ]
    assert event["Stream"] == {"Fn::GetAtt": "Tabel.StreamArn"}
    (pattern,) = [json.loads(f["Pattern"]) for f in event["FilterCriteria"]["Filters"]]
    assert pattern == {
        "eventName": ["INSERT"],
        "dynamodb": {"Keys": {"SK": {"S": ["GEBEURTENIS"]}}},
    }
    assert event["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": "GebeurtenissenDlq.Arn"
    }


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    queues = resources("AWS::SQS::Queue").values()
    dead_letter = {
        queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"].removesuffix(".Arn")
        for queue in queues
        if "RedrivePolicy" in queue
    }
    watched = {
        alarm["Dimensions"][0]["Value"]["Fn::GetAtt"].removesuffix(".QueueName")
        for alarm in resources("AWS::CloudWatch::Alarm").values()
        if alarm.get("Namespace") == "AWS/SQS"
        and alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    }
    assert dead_letter
    assert dead_letter <= watched


# Tables and keys.


def test_every_table_has_point_in_time_recovery_and_the_data_key() -> None:
    tables = resources("AWS::DynamoDB::Table")
    assert set(tables) == {"Tabel", "AuditTabel", "IdempotentieTabel"}
    for name, properties in tables.items():
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }, name
        assert properties["SSESpecification"] == {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": {"Ref": "GegevensSleutel"},
        }, name
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name


def test_table_keys_match_the_adapters() -> None:
    tables = resources("AWS::DynamoDB::Table")
    main = tables["Tabel"]
    assert [k["AttributeName"] for k in main["KeySchema"]] == ["PK", "SK"]
    assert {
        index["IndexName"]: (
            [k["AttributeName"] for k in index["KeySchema"]],
            index["Projection"]["ProjectionType"],
        )
        for index in main["GlobalSecondaryIndexes"]
    } == {"GSI1": (["GSI1PK", "GSI1SK"], "ALL"), "GSI2": (["GSI2PK", "GSI2SK"], "ALL")}
    assert main["TimeToLiveSpecification"] == {"AttributeName": "verlooptOp", "Enabled": True}
    audit = tables["AuditTabel"]
    assert [k["AttributeName"] for k in audit["KeySchema"]] == ["PK", "SK"]
    assert audit["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    idempotency = tables["IdempotentieTabel"]
    assert [k["AttributeName"] for k in idempotency["KeySchema"]] == ["id"]
    assert idempotency["TimeToLiveSpecification"] == {
        "AttributeName": "expiration",
        "Enabled": True,
    }


def test_the_audit_stream_is_archived_under_object_lock() -> None:
    (pipe,) = resources("AWS::Pipes::Pipe").values()
    assert pipe["Source"] == {"Fn::GetAtt": "AuditTabel.StreamArn"}
    assert pipe["Target"] == {"Fn::GetAtt": "AuditArchiefStroom.Arn"}
    stream = resources("AWS::KinesisFirehose::DeliveryStream")["AuditArchiefStroom"]
    assert stream["ExtendedS3DestinationConfiguration"]["BucketARN"] == {
        "Fn::GetAtt": "AuditArchief.Arn"
    }
    bucket = resources("AWS::S3::Bucket")["AuditArchief"]
    assert bucket["ObjectLockEnabled"] is True
    assert bucket["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]


def test_keys_are_an_hmac_key_and_a_rotating_data_key() -> None:
    keys = resources("AWS::KMS::Key")
    assert (keys["PseudoniemSleutel"]["KeySpec"], keys["PseudoniemSleutel"]["KeyUsage"]) == (
        "HMAC_256",
        "GENERATE_VERIFY_MAC",
    )
    assert keys["GegevensSleutel"]["EnableKeyRotation"] is True
    aliased = {alias["TargetKeyId"]["Ref"] for alias in resources("AWS::KMS::Alias").values()}
    assert aliased == set(keys)


# API Gateway's own answers are problem+json with the headers of vil/api.py.


def test_gateway_responses_are_problem_json_with_the_security_headers() -> None:
    responses = resources("AWS::Serverless::Api")["LoketApi"]["GatewayResponses"]
    expected_status = {
        "DEFAULT_4XX": 400,
        "DEFAULT_5XX": 500,
        "MISSING_AUTHENTICATION_TOKEN": 404,  # an unknown path is a 404, not a 403
        "UNAUTHORIZED": 401,
        "ACCESS_DENIED": 403,
        "REQUEST_TOO_LARGE": 413,
        "THROTTLED": 429,
    }
    assert set(expected_status) <= set(responses)
    headers = {"Content-Type": PROBLEM, **SECURITY_HEADERS}
    for kind, response in responses.items():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        status = int(response["StatusCode"])
        assert status == body["status"] == expected_status.get(kind, status), kind
        slug = re.sub(r"[^a-z]+", "-", body["title"].lower()).strip("-")
        assert body["type"] == PROBLEM_TYPES + slug, kind
        assert body["detail"], kind
        sent = response["ResponseParameters"]["Headers"]
        assert {name: sent[name] for name in headers} == {
            name: f"'{value}'" for name, value in headers.items()
        }, kind
    assert responses["UNAUTHORIZED"]["ResponseParameters"]["Headers"]["WWW-Authenticate"]


# Operations.


def test_every_function_logs_to_a_log_group_with_retention() -> None:
    groups = resources("AWS::Logs::LogGroup")
    assert all("RetentionInDays" in group for group in groups.values())
    for name, properties in functions().items():
        group = properties["LoggingConfig"]["LogGroup"]["Ref"]
        assert group in groups, name


def watched_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics an alarm reads: its own, or each metric of its metric math."""
    if "Metrics" not in alarm:
        return [{**alarm, "Stat": alarm.get("ExtendedStatistic") or alarm["Statistic"]}]
    return [
        {**query["MetricStat"]["Metric"], "Stat": query["MetricStat"]["Stat"]}
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


def test_every_function_has_errors_throttles_and_p99_duration_alarms() -> None:
    alarms = resources("AWS::CloudWatch::Alarm").values()
    watched = {
        (metric["Dimensions"][0]["Value"]["Ref"], metric["MetricName"], metric["Stat"])
        for alarm in alarms
        for metric in watched_metrics(alarm)
        if metric["Namespace"] == "AWS/Lambda"
    }
    for name in functions():
        assert {(name, "Errors", "Sum"), (name, "Throttles", "Sum")} <= watched, name
        assert (name, "Duration", "p99") in watched, name
    api = [m for a in alarms for m in watched_metrics(a) if m["Namespace"] == "AWS/ApiGateway"]
    assert [metric["MetricName"] for metric in api] == ["5XXError"]
    # Each alarm points at its runbook.
    runbooks = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    for alarm in alarms:
        anchor = re.search(r"docs/operations\.md#([\w-]+)", alarm["AlarmDescription"])
        assert anchor, alarm["AlarmDescription"]
        assert f'<a id="{anchor[1]}"></a>' in runbooks, alarm["AlarmDescription"]


def test_the_authorizer_alarm_discounts_the_refusals_the_authorizer_logs() -> None:
    # Refusing a token raises "Unauthorized", which Lambda counts as an error (runbook).
    (metric_filter,) = resources("AWS::Logs::MetricFilter").values()
    message = re.fullmatch(r'\{ \$\.message = "(.+)" \}', metric_filter["FilterPattern"])
    assert message
    code = (ROOT / "functions/authorizer/app.py").read_text(encoding="utf-8")
    assert f'logger.info("{message[1]}"' in code


def test_outputs_name_the_api_url_and_the_tables() -> None:
    outputs = template()["Outputs"]
    assert {"ApiUrl", "TabelNaam", "AuditTabelNaam", "IdempotentieTabelNaam"} <= set(outputs)
    assert "/api/v1/" in outputs["ApiUrl"]["Value"]["Fn::Sub"]
