"""The generated files, each from its one source; `make generate` writes them, tests compare.

- layers/vil/requirements.txt from the runtime dependencies in pyproject.toml;
- rules/schema/*.schema.json from the rule-file models (`vil rules schema`);
- layers/vil/vil/openapi.json from the functions' resolvers (served at /v1/openapi.json);
- docs/events/*.schema.json, the JSON Schema of each event type's data.
"""

import io
import json
import sys
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layer_requirements() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [
        "# Generated from pyproject.toml by `make generate`; do not edit.",
        *project["dependencies"],
    ]
    return "\n".join(lines) + "\n"


def vil_output(*args: str) -> str:
    from vil.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        main(list(args))
    return out.getvalue()


def openapi() -> str:
    from vil_local.openapi import text

    return text()


def event_schema(type_: str) -> str:
    from vil.models.gebeurtenis import event_schemas

    return json.dumps(event_schemas()[type_], indent=2, ensure_ascii=False) + "\n"


def event_types() -> tuple[str, ...]:
    from vil.models.gebeurtenis import EVENT_TYPES

    return EVENT_TYPES


GENERATED = {
    ROOT / "layers/vil/vil/openapi.json": openapi,
    ROOT / "layers/vil/requirements.txt": layer_requirements,
    ROOT / "rules/schema/regeling.schema.json": lambda: vil_output("rules", "schema"),
    ROOT / "rules/schema/gedeeld.schema.json": lambda: vil_output("rules", "schema", "--gedeeld"),
    **{
        ROOT / f"docs/events/{type_}.schema.json": lambda type_=type_: event_schema(type_)
        for type_ in event_types()
    },
}

if __name__ == "__main__":
    for path, make in GENERATED.items():
        path.write_text(make(), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
