"""Metrics as events, through the real flow on the local stack: Powertools prints each metric as
CloudWatch Embedded Metric Format (one JSON line on stdout), and nothing in what the functions
print names the resident (docs/operations.md, "Metrics")."""

import json
import logging
from typing import Any

import httpx
import pytest

from tests.integration.conftest import gemeente
from tests.integration.hulp import AANVULLING, IBAN, beoordeel, dien_in, inwoner, toestemming
from vil_local.lokaal import LokaleStack

IIT = "individuele-inkomenstoeslag-utrecht"
KWIJTSCHELDING = "kwijtschelding-gemeentelijke-belastingen"


def emf(uitvoer: str) -> list[dict[str, Any]]:
    """Every EMF document among the printed lines."""
    documenten = []
    for regel in uitvoer.splitlines():
        if regel.startswith("{") and '"_aws"' in regel:
            documenten.append(json.loads(regel))
    return documenten


def events(documenten: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """Each metric as (name, its dimensions), after checking the document is valid EMF in VIL's
    namespace with the service as a dimension."""
    gevonden = []
    for document in documenten:
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "VIL"
        (dimensies,) = directive["Dimensions"]
        assert "service" in dimensies
        assert document["service"] == "vil"
        for metric in directive["Metrics"]:
            assert metric["Unit"] == "Count"
            gevonden.append((metric["Name"], {d: document[d] for d in dimensies if d != "service"}))
    return gevonden


def test_a_submission_and_decision_are_counted_by_regeling_and_outcome_without_the_bsn(
    stack: LokaleStack,
    api: httpx.Client,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a resident of Utrecht with consent and a beoordeling
    bsn = inwoner(stack)
    capsys.readouterr()  # only what this test causes
    caplog.set_level(logging.INFO, logger="vil")
    toestemming(api, bsn)
    beoordeling = beoordeel(api, bsn, AANVULLING)
    # When they apply for three regelingen and the gemeente grants the one in behandeling
    aanvragen = dien_in(api, bsn, {"beoordeling": beoordeling["id"], "iban": IBAN,
                                   "regelingen": [KWIJTSCHELDING, IIT, "zorgtoeslag"]},
                        f"metrics-{bsn}")  # fmt: skip
    assert aanvragen.status_code == 201, aanvragen.text
    iit = next(a for a in aanvragen.json()["aanvragen"] if a["regeling"] == IIT)
    besluit = api.post(f"/aanvragen/{iit['id']}/besluiten", headers=gemeente("0344"),
                       json={"besluit": "toekennen", "motivering": "Voldoet."})  # fmt: skip
    assert besluit.status_code == 200, besluit.text
    stack.verwerk()  # the outbox and the webhooks to the gemeente's receiver
    uitvoer = capsys.readouterr()
    gevonden = events(emf(uitvoer.out))
    # Then each event is one metric with the regeling and the outcome as dimensions
    assert ("ToestemmingGewijzigd", {"bron": "brp", "uitkomst": "gegeven"}) in gevonden
    assert ("BeoordelingGemaakt", {"soort": "burger"}) in gevonden
    ingediend = [d for naam, d in gevonden if naam == "AanvraagIngediend"]
    assert sorted(ingediend, key=lambda d: d["regeling"]) == [
        {"regeling": IIT, "uitkomst": "in-behandeling"},
        {"regeling": KWIJTSCHELDING, "uitkomst": "toegekend"},
        {"regeling": "zorgtoeslag", "uitkomst": "doorgestuurd"},
    ]
    assert ("AanvraagBesloten", {"regeling": IIT, "uitkomst": "toegekend"}) in gevonden
    # And the events for gemeente 0344 (submitted, granted) reached its receiver
    assert ("GebeurtenisVerdeeld", {"soort": "nl.vil.aanvraag.toegekend"}) in gevonden
    assert ("WebhookAfgeleverd", {}) in gevonden
    # And nothing printed or logged names the resident, nor do the metrics hold their amounts
    logged = [str(record.__dict__) for record in caplog.records if record.name == "vil"]
    assert any("Gebeurtenis verdeeld" in record for record in logged)
    assert bsn not in uitvoer.out + uitvoer.err + "".join(logged)
    assert "412.6" not in "".join(json.dumps(d) for d in emf(uitvoer.out))


def test_a_refused_token_is_counted(api: httpx.Client, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = api.get("/inzage", headers={"Authorization": "Bearer geen-token"})
    assert response.status_code == 401
    assert ("TokenGeweigerd", {}) in events(emf(capsys.readouterr().out))


def test_a_dimension_outside_the_list_is_refused() -> None:
    from vil.observability import gebeurtenis

    with pytest.raises(ValueError, match="bsn"):
        gebeurtenis("AanvraagIngediend", bsn="999993653")


def test_with_metrics_disabled_nothing_is_counted_or_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `vil local` disables metrics so that a person reads only what the stack says
    from vil.observability import gebeurtenis, metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    capsys.readouterr()
    for _ in range(150):  # past the hundred at which Powertools prints what it has gathered
        gebeurtenis("AanvraagIngediend", regeling=IIT, uitkomst="toegekend")
    assert emf(capsys.readouterr().out) == []
    assert not metrics.metric_set
