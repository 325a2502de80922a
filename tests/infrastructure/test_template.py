"""The SAM template: every layer's content exists; the runtime is Lambda's longest-supported Python.

cfn-lint (run by `make test`) validates the template itself.
"""

from typing import Any

import yaml

from tests.conftest import ROOT


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, ...) read as plain values."""


_CfnLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    ),
)


def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((ROOT / "template.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506
    return loaded


def test_every_layer_points_at_existing_content() -> None:
    layers = {
        name: resource["Properties"]["ContentUri"]
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::LayerVersion"
    }
    assert layers == {"VilLayer": "layers/vil/", "RulesLayer": "rules/"}
    assert all((ROOT / uri).is_dir() for uri in layers.values())
    assert (ROOT / "layers/vil/requirements.txt").is_file()
    assert (ROOT / "rules/Makefile").is_file()  # BuildMethod: makefile


def test_functions_run_python_3_13_on_arm64() -> None:
    function = template()["Globals"]["Function"]
    assert (function["Runtime"], function["Architectures"]) == ("python3.13", ["arm64"])
    assert function["Environment"]["Variables"]["VIL_RULES_DIR"] == "/opt/rules"
