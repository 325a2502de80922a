"""Consent races as they happen on AWS, where requests run side by side: the services with the
real adapters on moto, a second request interleaved at the moment that matters (the local
router runs one request at a time and cannot show them)."""

import dataclasses
import json
from collections.abc import Callable, Collection, Iterator
from datetime import date
from typing import Any

import pytest

from tests.integration.hulp import inwoner
from vil import samenstelling
from vil.adapters.dynamodb import Beoordelingen
from vil.fouten import Conflict
from vil.models.aanvraag import Beoordeling
from vil.models.api import EvaluateRequest
from vil.models.identiteit import Principal, Principalsoort
from vil.models.prefill import Prefill
from vil.models.toestemming import Bron, Doel
from vil.services import beoordelen, maandcheck, toestemmingen
from vil.services.diensten import Maandcheckdiensten
from vil_local.lokaal import LokaleStack


class Tussendoor:
    """Runs the callables appended to it once, at the hook the test chose."""

    def __init__(self) -> None:
        self.wachtend: list[Callable[[], None]] = []

    def __call__(self) -> None:
        while self.wachtend:
            self.wachtend.pop(0)()


class BronnenMetHaak:
    """The real sources, with another request running while they are asked."""

    def __init__(self, echt: Any, haak: Tussendoor) -> None:
        self.echt, self.haak = echt, haak

    def vooraf_invullen(self, bsn: str, peildatum: date, bronnen: Collection[Bron]) -> Prefill:
        gegevens: Prefill = self.echt.vooraf_invullen(bsn, peildatum, bronnen)
        self.haak()
        return gegevens


class BeoordelingenMetHaak(Beoordelingen):
    """The real table, with another request running just before a beoordeling is stored."""

    def __init__(self, echt: Beoordelingen, haak: Tussendoor) -> None:
        super().__init__(echt.tabel)
        self.haak = haak

    def bewaar_beoordeling(
        self, pseudoniem: str, beoordeling: Beoordeling, toestemmingen: Any
    ) -> None:
        self.haak()
        super().bewaar_beoordeling(pseudoniem, beoordeling, toestemmingen)


@dataclasses.dataclass
class Inwoner:
    principal: Principal
    tijdens_ophalen: Tussendoor
    voor_opslaan: Tussendoor
    diensten: Maandcheckdiensten  # every port: consent, prefill, beoordeling and check

    @property
    def pseudoniem(self) -> str:
        assert self.principal.pseudoniem is not None
        return self.principal.pseudoniem

    def toestemming(self, *doelen: Doel) -> None:
        for bron in Bron:
            toestemmingen.wijzig(self.diensten, self.principal, bron, list(doelen), None)

    def trek_alles_in(self) -> None:
        for bron in Bron:
            toestemmingen.wijzig(self.diensten, self.principal, bron, [], None)


@pytest.fixture
def anna(stack: LokaleStack) -> Inwoner:
    """A copy of test person 999993653, with hooks in the middle of her requests."""
    echt = samenstelling.maandcheck()
    bsn = inwoner(stack)
    principal = Principal(
        soort=Principalsoort.burger,
        pseudoniem=echt.sleutels.pseudoniem(bsn),
        bsn_versleuteld=echt.sleutels.versleutel(bsn),
    )
    tijdens_ophalen, voor_opslaan = Tussendoor(), Tussendoor()
    assert isinstance(echt.beoordelingen, Beoordelingen)
    met_haken = dataclasses.replace(
        echt,
        bronnen=BronnenMetHaak(echt.bronnen, tijdens_ophalen),
        beoordelingen=BeoordelingenMetHaak(echt.beoordelingen, voor_opslaan),
    )
    return Inwoner(principal, tijdens_ophalen, voor_opslaan, met_haken)


def test_a_revoke_while_the_prefill_asks_the_sources_is_not_undone(anna: Inwoner) -> None:
    anna.toestemming(Doel.aanvragen)
    anna.tijdens_ophalen.wachtend.append(anna.trek_alles_in)

    with pytest.raises(Conflict):
        beoordelen.gegevens(anna.diensten, anna.principal)

    assert anna.diensten.brongegevens.gegevens(anna.pseudoniem) == {}
    assert not anna.diensten.profielen.bsn_bewaard(anna.pseudoniem)


def test_a_revoke_just_before_a_beoordeling_is_stored_keeps_it_out(anna: Inwoner) -> None:
    anna.toestemming(Doel.aanvragen)
    anna.voor_opslaan.wachtend.append(anna.trek_alles_in)

    with pytest.raises(Conflict):
        beoordelen.voor_burger(anna.diensten, anna.principal, EvaluateRequest(correcties={}))

    assert anna.diensten.beoordelingen.beoordelingen(anna.pseudoniem) == []
    assert anna.diensten.brongegevens.gegevens(anna.pseudoniem) == {}


def test_a_revoke_while_the_monthly_check_asks_the_sources_wins(anna: Inwoner) -> None:
    anna.toestemming(Doel.aanvragen, Doel.maandcheck)
    anna.tijdens_ophalen.wachtend.append(anna.trek_alles_in)

    with pytest.raises(Conflict):
        maandcheck.controleer(anna.diensten, anna.pseudoniem)

    assert anna.diensten.brongegevens.gegevens(anna.pseudoniem) == {}
    assert anna.diensten.maandchecks.stand(anna.pseudoniem) is None
    assert anna.diensten.maandchecks.meldingen(anna.pseudoniem) == []


def test_a_prefill_after_the_revoke_found_no_consent_stores_nothing(anna: Inwoner) -> None:
    """The other order: the revoke first, then the prefill reads the ledger and finds nothing."""
    anna.toestemming(Doel.aanvragen)
    anna.trek_alles_in()
    beoordelen.voor_burger(anna.diensten, anna.principal, EvaluateRequest(correcties={}))
    assert anna.diensten.brongegevens.gegevens(anna.pseudoniem) == {}


@pytest.fixture
def consent_reads(anna: Inwoner) -> Iterator[list[dict[str, Any]]]:
    """Every Query of the consent ledger the table's client sends, as sent."""
    client = anna.diensten.toestemmingen.tabel.meta.client  # type: ignore[attr-defined]
    gezien: list[dict[str, Any]] = []

    def bekijk(params: dict[str, Any], **_: Any) -> None:
        body = json.loads(params["body"])
        waarden = json.dumps(body.get("ExpressionAttributeValues", {}))
        if "TOESTEMMING#" in waarden:
            gezien.append(body)

    client.meta.events.register("before-call.dynamodb.Query", bekijk)
    yield gezien
    client.meta.events.unregister("before-call.dynamodb.Query", bekijk)


def test_every_read_of_the_consent_ledger_is_strongly_consistent(
    anna: Inwoner, consent_reads: list[dict[str, Any]]
) -> None:
    """On AWS an eventually consistent read may miss a write of a moment ago: the revoke would
    not see its own revoke, keep the BSN and the schedule, and a prefill would use a consent
    that is gone."""
    anna.toestemming(Doel.aanvragen, Doel.maandcheck)
    beoordelen.gegevens(anna.diensten, anna.principal)
    anna.trek_alles_in()

    assert consent_reads
    assert all(body.get("ConsistentRead") is True for body in consent_reads)
