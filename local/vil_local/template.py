"""template.yaml as the local stack reads it: routes, functions, tables, environment."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt, ...) kept as {tag: value}."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@cache
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506
    return loaded


def resources(kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one type, by logical id."""
    return {
        name: resource.get("Properties", {})
        for name, resource in template()["Resources"].items()
        if resource["Type"] == kind
    }


def logical_id(get_att: dict[str, Any]) -> str:
    """The resource of `!GetAtt X.Arn` (scalar) or `Fn::GetAtt: [X, Arn]` (list)."""
    value = get_att["Fn::GetAtt"]
    return str(value[0] if isinstance(value, list) else value.split(".")[0])


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ..., or ANY
    path: str  # /v1/aanvragen/{aanvraag_id}
    function: str  # the logical id, e.g. AanvragenFunction
    folder: str  # functions/<folder>/app.py

    @property
    def pattern(self) -> re.Pattern[str]:
        # {name+} is API Gateway's greedy parameter: the rest of the path, slashes and all
        # (here also empty, so that /loket/ reaches the pages as /loket does on AWS).
        greedy = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.*)", self.path)
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", greedy) + "$")


def routes() -> list[Route]:
    """Every Api event of every function."""
    found = []
    for name, properties in resources("AWS::Serverless::Function").items():
        folder = Path(properties["CodeUri"]).name
        for event in properties.get("Events", {}).values():
            if event["Type"] == "Api":
                found.append(
                    Route(
                        event["Properties"]["Method"].upper(),
                        event["Properties"]["Path"],
                        name,
                        folder,
                    )
                )
    return found


def environment_names(function: str) -> set[str]:
    """The environment variable names a function gets: Globals plus its own."""
    names = set(
        template()
        .get("Globals", {})
        .get("Function", {})
        .get("Environment", {})
        .get("Variables", {})
    )
    own = resources("AWS::Serverless::Function")[function].get("Environment", {})
    return names | set(own.get("Variables", {}))


def powertools_environment() -> dict[str, str]:
    """The Powertools variables every function gets from the template's Globals (service name,
    metrics namespace), for the local stack and the tests to set before a handler is imported:
    Powertools reads them when its Logger and Metrics are made."""
    variables = template()["Globals"]["Function"]["Environment"]["Variables"]
    return {name: str(value) for name, value in variables.items() if name.startswith("POWERTOOLS_")}
