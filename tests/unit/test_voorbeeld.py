"""The signed webhook example that docs/gemeenten.md publishes, with its test secret."""

import json
from datetime import UTC, datetime

import jsonschema_rs
from standardwebhooks import Webhook

from tests.generated import ROOT, VOORBEELD_SECRET
from vil.models.gebeurtenis import event_schemas


def voorbeeld() -> tuple[dict[str, str], str]:
    """The headers and the exact body of docs/events/voorbeeld.http."""
    tekst = (ROOT / "docs/events/voorbeeld.http").read_text(encoding="utf-8")
    kop, body = tekst.split("\n\n", 1)
    headers = dict(regel.split(": ", 1) for regel in kop.splitlines()[1:])
    return headers, body.removesuffix("\n")


def test_the_published_example_is_signed_with_the_published_secret() -> None:
    headers, body = voorbeeld()
    moment = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    handtekening = Webhook(VOORBEELD_SECRET).sign(headers["webhook-id"], moment, body)
    assert handtekening == headers["webhook-signature"]
    assert Webhook(VOORBEELD_SECRET).sign(headers["webhook-id"], moment, body + " ") != handtekening


def test_the_guide_shows_the_example_and_its_secret_as_they_are() -> None:
    gids = (ROOT / "docs/gemeenten.md").read_text(encoding="utf-8")
    headers, body = voorbeeld()
    assert VOORBEELD_SECRET in gids
    assert body in gids
    assert all(f"{naam}: {waarde}" in gids for naam, waarde in headers.items())


def test_the_example_is_a_cloudevent_whose_data_fits_its_schema() -> None:
    _, body = voorbeeld()
    event = json.loads(body)
    assert event["specversion"] == "1.0"
    assert jsonschema_rs.validator_for(event_schemas()[event["type"]]).is_valid(event["data"])
