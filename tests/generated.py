"""The generated files, each from its one source; `make generate` writes them, tests compare.

- layers/vil/requirements.txt from the runtime dependencies in pyproject.toml;
- rules/schema/*.schema.json from the rule-file models (`vil rules schema`);
- layers/vil/vil/openapi.json from the functions' resolvers (served at /v1/openapi.json);
- docs/events/*.schema.json, the JSON Schema of each event type's data;
- docs/events/voorbeeld.http, one signed webhook request as VIL sends it, with a published test
  secret (docs/gemeenten.md);
- tests/rules/golden.txt, the engine's output for 10,000 generated households (regenerate only
  for a deliberate rule change, in its own commit; tests/rules/test_golden.py checks it).
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


# Published in docs/gemeenten.md so a receiver can check its verification; never used for real
# (base64 of 'vil-voorbeeld-niet-gebruiken').
VOORBEELD_SECRET = "whsec_dmlsLXZvb3JiZWVsZC1uaWV0LWdlYnJ1aWtlbg=="  # noqa: S105 (published)


def golden() -> str:
    from tests.rules.golden import text

    return text()


def webhook_voorbeeld() -> str:
    """A `toegekend` event for an aanvraag of gemeente Utrecht, as the HTTP request VIL makes:
    headers and body as the delivery builds them (vil.adapters.webhooks.request)."""
    from datetime import UTC, date, datetime

    from vil.adapters.webhooks import Abonnement, request
    from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beschikking
    from vil.models.gebeurtenis import aanvraag_event

    moment = datetime(2026, 6, 15, 7, 0, 12, tzinfo=UTC)
    aanvraag = Aanvraag(
        id="0b7c3f9a6d2e4c1f8a5b9e2d7c4f1a3b",
        regeling="individuele-inkomenstoeslag-utrecht",
        naam="Individuele inkomenstoeslag (gemeente Utrecht)",
        status=AanvraagStatus.toegekend,
        beoordeling="5e1d9c7b3a2f4e6d8c0b1a9f7e5d3c2b",
        gemeentecode="0344",
        ingediend_op=datetime(2026, 6, 15, 7, 0, 3, tzinfo=UTC),
        gewijzigd_op=moment,
        beschikking=Beschikking(
            besluit=AanvraagStatus.toegekend, tekst="…", datum=date(2026, 6, 15)
        ),
        toelichting="…",
    )
    event = aanvraag_event(
        aanvraag,
        AanvraagStatus.toegekend,
        oin="00000009999999999000",
        api_url="https://api.vil.example",
    )
    headers, body = request(event, Abonnement("https://x", VOORBEELD_SECRET), moment)
    lines = [
        "POST /vil/webhooks HTTP/1.1",
        "Host: gemeente.example",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return "\n".join(lines) + "\n\n" + body.decode("utf-8") + "\n"


GENERATED = {
    ROOT / "layers/vil/vil/openapi.json": openapi,
    ROOT / "layers/vil/requirements.txt": layer_requirements,
    ROOT / "rules/schema/regeling.schema.json": lambda: vil_output("rules", "schema"),
    ROOT / "rules/schema/gedeeld.schema.json": lambda: vil_output("rules", "schema", "--gedeeld"),
    **{
        ROOT / f"docs/events/{type_}.schema.json": lambda type_=type_: event_schema(type_)
        for type_ in event_types()
    },
    ROOT / "docs/events/voorbeeld.http": webhook_voorbeeld,
    ROOT / "tests/rules/golden.txt": golden,
}
# Checked by its own test, which names the households that differ.
CHECKED_ELSEWHERE = {ROOT / "tests/rules/golden.txt"}

if __name__ == "__main__":
    for path, make in GENERATED.items():
        path.write_text(make(), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
