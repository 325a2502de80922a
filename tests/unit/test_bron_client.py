"""What the source clients retry, how long they wait, and how they read BRP answers."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from vil.adapters.bronnen.brp import Persoon
from vil.adapters.bronnen.client import retry_hook

REQUEST = httpx.Request("POST", "http://127.0.0.1/personen")


def status_error(status: int, headers: dict[str, str] | None = None) -> httpx.HTTPStatusError:
    response = httpx.Response(status, headers=headers, request=REQUEST)
    return httpx.HTTPStatusError("fout", request=REQUEST, response=response)


@pytest.mark.parametrize("status", [429, 503])
def test_the_hook_waits_what_retry_after_says(status: int) -> None:
    assert retry_hook(status_error(status, {"Retry-After": "2"})) == 2.0


def test_the_hook_reads_an_http_date_in_retry_after() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    wait = retry_hook(status_error(503, {"Retry-After": when}))
    assert isinstance(wait, float)
    assert 1.0 < wait <= 3.0


def test_without_retry_after_the_hook_uses_the_default_backoff() -> None:
    assert retry_hook(status_error(429)) is True


def test_a_retry_after_too_long_to_wait_for_is_not_retried() -> None:
    assert retry_hook(status_error(503, {"Retry-After": "120"})) is False


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused", request=REQUEST), httpx.ConnectTimeout("slow", request=REQUEST)],
)
def test_connection_errors_are_retried(error: Exception) -> None:
    assert retry_hook(error) is True


@pytest.mark.parametrize(
    "error",
    [
        status_error(500),
        status_error(502),
        status_error(400),
        status_error(404),
        httpx.ReadTimeout("slow", request=REQUEST),
        ValueError("anything else"),
    ],
)
def test_everything_else_is_not_retried(error: Exception) -> None:
    assert retry_hook(error) is False


def persoon(**velden: object) -> Persoon:
    return Persoon.model_validate({"burgerservicenummer": "999993653", **velden})


@pytest.mark.parametrize(
    "datum",
    [
        {"type": "JaarMaandDatum", "jaar": 1969, "maand": 5, "langFormaat": "mei 1969"},
        {"type": "JaarDatum", "jaar": 1969, "langFormaat": "1969"},
        {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"},
    ],
)
def test_an_incomplete_birth_date_is_no_date(datum: dict[str, object]) -> None:
    geboorte = persoon(geboorte={"datum": datum}).geboorte
    assert geboorte is not None
    assert geboorte.volledige_datum is None


def test_a_full_birth_date_and_its_investigation() -> None:
    geboorte = persoon(
        geboorte={
            "datum": {"type": "Datum", "datum": "1971-03-14", "langFormaat": "14 maart 1971"},
            "inOnderzoek": {"datum": True},
        }
    ).geboorte
    assert geboorte is not None
    assert geboorte.volledige_datum == datetime(1971, 3, 14, tzinfo=UTC).date()
    assert geboorte.datum_in_onderzoek


def test_a_dissolved_partnership_is_no_partner() -> None:
    gescheiden = {
        "burgerservicenummer": "999990020",
        "ontbindingHuwelijkPartnerschap": {
            "datum": {"type": "JaarDatum", "jaar": 2020, "langFormaat": "2020"}
        },
    }
    assert persoon(partners=[gescheiden]).partner is None
    assert persoon(partners=[{"burgerservicenummer": "999990020"}]).partner is not None
