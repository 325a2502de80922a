"""The catalogue function, called as API Gateway would."""

from functions.catalogus.app import lambda_handler
from tests.api import call


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
