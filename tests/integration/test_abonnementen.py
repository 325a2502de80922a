"""The subscriptions API: a gemeente manages only its own, callbacks are checked, secrets are
shown once and rotate with an overlap, 410 disables, and the schemas of the events are served."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import burger, gemeente
from tests.integration.hulp import AMERSFOORT, aanvraag, assert_problem, invalid_params, ontvangen
from vil import samenstelling
from vil_local.lokaal import LokaleStack
from vil_local.ontvanger import Ontvanger

ROOT = Path(__file__).resolve().parents[2]
UTRECHT = "0344"


@pytest.fixture
def ontvanger(stack: LokaleStack) -> Iterator[Ontvanger]:
    """A second receiver, for subscriptions a test makes itself."""
    from vil_local.stack import serve_forever_in_thread

    eigen = Ontvanger()
    serve_forever_in_thread(eigen)
    stack.verwerk()
    yield eigen
    stack.verwerk()
    eigen.shutdown()
    eigen.server_close()


def abonneer(api: httpx.Client, url: str, code: str = AMERSFOORT, **extra: Any) -> dict[str, Any]:
    response = api.post("/abonnementen", json={"callbackUrl": url, **extra}, headers=gemeente(code))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_subscription_is_made_with_a_secret_shown_once(
    api: httpx.Client, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT), types=["nl.vil.aanvraag.toegekend"])
    assert nieuw["secret"].startswith("whsec_")
    assert nieuw["actief"] is True
    assert nieuw["types"] == ["nl.vil.aanvraag.toegekend"]
    opgehaald = api.get(f"/abonnementen/{nieuw['id']}", headers=gemeente(AMERSFOORT))
    assert opgehaald.status_code == 200
    assert "secret" not in opgehaald.json()
    assert nieuw["secret"] not in api.get("/abonnementen", headers=gemeente(AMERSFOORT)).text


def test_a_gemeente_sees_and_manages_only_its_own(api: httpx.Client, ontvanger: Ontvanger) -> None:
    eigen = abonneer(api, ontvanger.url(AMERSFOORT))
    pad = f"/abonnementen/{eigen['id']}"
    for method, suffix in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/geheimen"),
                           ("GET", "/afleveringen"), ("POST", "/herleveringen")]:  # fmt: skip
        body = {"actief": True} if method == "PATCH" else None
        response = api.request(method, pad + suffix, json=body, headers=gemeente(UTRECHT))
        assert_problem(response, 404)
    lijst = api.get("/abonnementen", headers=gemeente(UTRECHT)).json()["abonnementen"]
    assert eigen["id"] not in {a["id"] for a in lijst}


def test_ending_a_subscription_is_204_without_a_body_as_documented(
    api: httpx.Client, ontvanger: Ontvanger
) -> None:
    document = json.loads((ROOT / "layers/vil/vil/openapi.json").read_text(encoding="utf-8"))
    eigen = abonneer(api, ontvanger.url(AMERSFOORT))

    response = api.delete(f"/abonnementen/{eigen['id']}", headers=gemeente(AMERSFOORT))

    assert response.status_code == 204
    assert response.content == b""
    documented = document["paths"]["/v1/abonnementen/{abonnement_id}"]["delete"]["responses"]
    assert not documented["204"].get("content")


def test_only_a_gemeente_manages_subscriptions(api: httpx.Client) -> None:
    assert_problem(api.get("/abonnementen"), 401)
    assert_problem(api.get("/abonnementen", headers=burger("999993653")), 401)


def test_a_gemeente_receives_only_events_for_its_own_regelingen(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    utrecht = abonneer(api, ontvanger.url(UTRECHT), UTRECHT)
    ontvanger.geheim(UTRECHT, utrecht["secret"])
    amersfoort = aanvraag(api)  # Amersfoort's regeling
    stack.verwerk()
    assert ontvangen(stack, amersfoort["id"])
    assert all(o.event.get("subject") != amersfoort["id"] for o in ontvanger.ontvangen)


@pytest.mark.parametrize(
    "url",
    [
        "http://gemeente.example/webhooks",  # not https (outside the local stack's loopback)
        "https://10.0.0.8/webhooks",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (instance metadata)
        "https://user:pw@203.0.113.7/",  # credentials in the URL
        "ftp://203.0.113.7/",
        "https://xn--n3h.com/",  # a snowman: DNS holds it, IDNA 2008 (and so httpx) refuses it
    ],
)
def test_unsafe_callbacks_are_refused(api: httpx.Client, url: str) -> None:
    response = api.post("/abonnementen", json={"callbackUrl": url}, headers=gemeente(AMERSFOORT))
    assert invalid_params(assert_problem(response, 400)) == ["body.callbackUrl"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "https://localhost/", "https://[::1]/"])
def test_outside_the_local_stack_loopback_is_refused_too(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    instellingen = samenstelling.abonnementen
    monkeypatch.setenv("WEBHOOKS_LOKAAL", "false")  # as template.yaml sets it in AWS
    instellingen.cache_clear()
    try:
        response = api.post(
            "/abonnementen", json={"callbackUrl": url}, headers=gemeente(AMERSFOORT)
        )
    finally:
        monkeypatch.undo()
        instellingen.cache_clear()
    assert invalid_params(assert_problem(response, 400)) == ["body.callbackUrl"]


def test_every_invalid_field_is_listed(api: httpx.Client) -> None:
    response = api.post(
        "/abonnementen",
        json={"types": ["nl.vil.aanvraag.verzonnen", 3], "extra": 1},
        headers=gemeente(AMERSFOORT),
    )
    assert set(invalid_params(assert_problem(response, 400))) >= {
        "body.callbackUrl", "body.types.1", "body.extra",
    }  # fmt: skip


def test_types_filter_what_a_subscription_receives(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT), types=["nl.vil.aanvraag.toegekend"])
    ontvanger.geheim(AMERSFOORT, nieuw["secret"])
    ingediend = aanvraag(api)
    stack.verwerk()
    assert ontvangen(stack, ingediend["id"])  # delivered, to the subscription that wants it
    assert not [o for o in ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]]


def test_rotation_signs_with_both_secrets_for_a_day(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT))
    oud = nieuw["secret"]
    ontvanger.geheim(AMERSFOORT, oud)  # the gemeente still only knows the old secret
    geroteerd = api.post(f"/abonnementen/{nieuw['id']}/geheimen", headers=gemeente(AMERSFOORT))
    assert geroteerd.status_code == 201, geroteerd.text
    assert geroteerd.json()["secret"] != oud
    assert geroteerd.json()["vorigSecretGeldigTot"]

    stack.verwerk()
    ingediend = aanvraag(api)
    stack.verwerk()
    (binnen,) = [o for o in ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]]
    assert binnen.geldig  # verified with the old secret: the header carries two signatures


def test_410_gone_disables_the_subscription(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT))
    ontvanger.geheim(AMERSFOORT, nieuw["secret"])
    ontvanger.storing = 410
    aanvraag(api)
    stack.verwerk()
    uit = api.get(f"/abonnementen/{nieuw['id']}", headers=gemeente(AMERSFOORT)).json()
    assert uit["actief"] is False
    assert "410" in uit["reden"]

    # Switched on again by the gemeente, it receives the next event.
    ontvanger.storing = None
    aan = api.patch(
        f"/abonnementen/{nieuw['id']}", json={"actief": True}, headers=gemeente(AMERSFOORT)
    )
    assert aan.status_code == 200
    assert aan.json()["actief"] is True
    volgende = aanvraag(api)
    stack.verwerk()
    assert [o for o in ontvanger.afgeleverd() if o.event.get("subject") == volgende["id"]]


def test_an_ended_subscription_receives_nothing_more(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT))
    ingediend = aanvraag(api)  # queued for it, not yet delivered
    stack.pomp.stromen()
    weg = api.delete(f"/abonnementen/{nieuw['id']}", headers=gemeente(AMERSFOORT))
    assert weg.status_code == 204
    stack.verwerk()
    assert ontvangen(stack, ingediend["id"])  # delivered, to the subscription that remains
    assert not [o for o in ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]]
    assert_problem(api.get(f"/abonnementen/{nieuw['id']}", headers=gemeente(AMERSFOORT)), 404)


def test_the_event_is_signed_with_the_event_id_as_webhook_id(
    api: httpx.Client, stack: LokaleStack, ontvanger: Ontvanger
) -> None:
    nieuw = abonneer(api, ontvanger.url(AMERSFOORT))
    ontvanger.geheim(AMERSFOORT, nieuw["secret"])
    ingediend = aanvraag(api)
    stack.verwerk()
    (binnen,) = [o for o in ontvanger.ontvangen if o.event.get("subject") == ingediend["id"]]
    assert binnen.geldig
    assert binnen.status == 204
    assert binnen.webhook_id == binnen.event["id"]  # webhook-id is the event id
    assert binnen.event["specversion"] == "1.0"


@pytest.mark.parametrize("type_", ["nl.vil.aanvraag.toegekend", "nl.vil.aanvraag.herzien"])
def test_the_schema_of_each_event_type_is_served(api: httpx.Client, type_: str) -> None:
    response = api.get(f"/gebeurtenissen/{type_}/schema")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    assert response.json() == json.loads((ROOT / f"docs/events/{type_}.schema.json").read_text())


def test_an_unknown_event_type_has_no_schema(api: httpx.Client) -> None:
    assert_problem(api.get("/gebeurtenissen/nl.vil.aanvraag.verzonnen/schema"), 404)
