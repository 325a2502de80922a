"""The catalogue function, called as API Gateway would, over the local stack's table (it reads
the version pointer)."""

import pytest

from functions.catalogus.app import lambda_handler
from tests.api import call
from vil_local.lokaal import LokaleStack


@pytest.fixture(autouse=True)
def _tabel(stack: LokaleStack) -> None:
    """The stack's moto table and environment: the catalogue reads the version pointer."""


def test_lists_every_regeling() -> None:
    antwoord = call(lambda_handler, "GET", "/v1/regelingen")
    assert antwoord.status == 200
    ids = {r["id"] for r in antwoord.body["regelingen"]}
    assert {"zorgtoeslag", "individuele-inkomenstoeslag-utrecht"} <= ids
    assert antwoord.headers["API-Version"] == "1.0.0"


def test_one_regeling_with_its_rule_file() -> None:
    antwoord = call(lambda_handler, "GET", "/v1/regelingen/zorgtoeslag")
    assert antwoord.status == 200
    (versie,) = antwoord.body["versies"]
    assert versie["regeling"]["toekenning"]["wijze"] == "doorsturen"
    assert versie["regelversie"].startswith("sha256:")


def test_an_unknown_regeling_is_a_404_problem() -> None:
    antwoord = call(lambda_handler, "GET", "/v1/regelingen/bestaat-niet")
    assert antwoord.status == 404
    assert antwoord.headers["Content-Type"] == "application/problem+json"
    assert antwoord.body["title"] == "Niet gevonden"
    assert antwoord.body["status"] == 404


def test_a_wrong_method_is_405_with_allow() -> None:
    antwoord = call(lambda_handler, "DELETE", "/v1/regelingen")
    assert antwoord.status == 405
    assert antwoord.headers["Allow"] == "GET"
    assert antwoord.body["status"] == 405


def test_an_oversized_body_is_413() -> None:
    antwoord = call(lambda_handler, "GET", "/v1/regelingen", "x" * (256 * 1024 + 1))
    assert antwoord.status == 413
    assert antwoord.headers["Content-Type"] == "application/problem+json"
    assert antwoord.headers["X-Content-Type-Options"] == "nosniff"


def test_the_swagger_ui_page_holds_its_assets_and_the_document_and_loads_nothing_else() -> None:
    # Given the page at /v1/docs
    antwoord = call(lambda_handler, "GET", "/v1/docs", body=None)
    assert antwoord.status == 200
    assert antwoord.headers["Content-Type"].startswith("text/html")
    page: str = antwoord.body
    # Then Swagger UI's script and styles are inline, with the merged document (every
    # function's operations, not only the catalogue's)
    assert "<script src" not in page
    assert "<link" not in page
    assert "SwaggerUIBundle" in page
    assert "<style>" in page
    assert len(page) > 1_000_000  # the bundle itself, not a reference to it
    assert '"operationId": "getInzage"' in page
    assert '"operationId": "submit"' in page
    # And nothing is fetched from elsewhere: no CDN, and a policy that allows only VIL itself
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in page
    policy = antwoord.headers["Content-Security-Policy"]
    assert "http" not in policy
    assert "default-src 'none'" in policy
