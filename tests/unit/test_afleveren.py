"""Webhook relay and delivery over in-memory fakes: who gets an event, and what each kind of
answer does to the delivery and the subscription. Over SQS and HTTP: tests/integration."""

import json

import pytest

from tests.fakes import MOMENT, UITGEVER, FakeAbonnementen, FakeWachtrij, FakeWebhooks
from tests.fakes import webhookdiensten as nieuwe_webhookdiensten
from vil.models.aanvraag import Aanvraag, AanvraagStatus
from vil.models.abonnement import Abonnement, AfleveringStatus, Bezorgopdracht, Geheimen
from vil.models.gebeurtenis import AanvraagEvent
from vil.ports import Delivery, Outcome
from vil.services import afleveren
from vil.services.diensten import Webhookdiensten

UTRECHT = "0344"


def event(gemeentecode: str | None = UTRECHT) -> AanvraagEvent:
    aanvraag = Aanvraag(
        id="a" * 32,
        regeling="kwijtschelding-gemeentelijke-belastingen",
        naam="Kwijtschelding",
        status=AanvraagStatus.in_behandeling,
        beoordeling="b" * 32,
        gemeentecode=gemeentecode,
        ingediend_op=MOMENT,
        gewijzigd_op=MOMENT,
        toelichting="De gemeente beoordeelt uw aanvraag.",
    )
    return UITGEVER.over(aanvraag)


def abonnement(
    w: Webhookdiensten, nummer: int = 1, types: list[str] | None = None, gemeentecode: str = UTRECHT
) -> Abonnement:
    nieuw = Abonnement(
        id=f"abo{nummer}",
        gemeentecode=gemeentecode,
        callback_url=f"https://gemeente.test/{nummer}",
        types=types or [],
        actief=True,
        aangemaakt_op=MOMENT,
        gewijzigd_op=MOMENT,
    )
    w.abonnementen.maak(nieuw, Geheimen(huidig=w.geheimen.versleutel("whsec_huidig")))
    return nieuw


@pytest.fixture
def w() -> Webhookdiensten:
    return nieuwe_webhookdiensten()


def opdrachten(w: Webhookdiensten) -> list[Bezorgopdracht]:
    assert isinstance(w.wachtrij, FakeWachtrij)
    return [Bezorgopdracht.model_validate(json.loads(b)) for b in w.wachtrij.berichten]


def antwoord(w: Webhookdiensten, uitkomst: Outcome, status: int | None) -> None:
    assert isinstance(w.webhooks, FakeWebhooks)
    w.webhooks.antwoord = Delivery(uitkomst, status, reden="test")


def bewaard(w: Webhookdiensten, abo: Abonnement) -> Abonnement:
    gevonden = w.abonnementen.haal(abo.gemeentecode, abo.id)
    assert gevonden is not None
    return gevonden[0]


def status(w: Webhookdiensten, abo: Abonnement, gebeurtenis: AanvraagEvent) -> AfleveringStatus:
    aflevering = w.abonnementen.aflevering(abo.id, gebeurtenis.time, gebeurtenis.id)
    assert aflevering is not None
    return aflevering.status


# Who gets an event.


def test_an_event_goes_to_every_subscription_of_its_gemeente_that_wants_its_type(
    w: Webhookdiensten,
) -> None:
    alle = abonnement(w, 1)
    gekozen = abonnement(w, 2, types=["nl.vil.aanvraag.ingediend"])
    abonnement(w, 3, types=["nl.vil.aanvraag.toegekend"])  # another type
    abonnement(w, 4, gemeentecode="0307")  # another gemeente

    assert afleveren.verdeel(w, event()) == 2
    assert sorted(o.abonnement for o in opdrachten(w)) == [alle.id, gekozen.id]


def test_an_event_of_a_rijksregeling_goes_to_no_gemeente(w: Webhookdiensten) -> None:
    abonnement(w)
    assert afleveren.verdeel(w, event(gemeentecode=None)) == 0
    assert opdrachten(w) == []


# What each answer does.


@pytest.fixture
def wachtend(w: Webhookdiensten) -> tuple[Abonnement, AanvraagEvent, Bezorgopdracht]:
    abo, gebeurtenis = abonnement(w), event()
    afleveren.verdeel(w, gebeurtenis)
    (opdracht,) = opdrachten(w)
    return abo, gebeurtenis, opdracht


def test_a_delivered_event_is_settled_and_signed_with_the_decrypted_secret(
    w: Webhookdiensten, wachtend: tuple[Abonnement, AanvraagEvent, Bezorgopdracht]
) -> None:
    abo, gebeurtenis, opdracht = wachtend

    afleveren.bezorg(w, opdracht, poging=1)

    assert status(w, abo, gebeurtenis) is AfleveringStatus.afgeleverd
    assert isinstance(w.webhooks, FakeWebhooks)
    assert w.webhooks.verstuurd == [(gebeurtenis.id, abo.callback_url, "whsec_huidig", None)]
    assert afleveren.bezorg(w, opdracht, poging=2) is None  # a duplicate message: nothing


def test_410_gone_disables_the_subscription(
    w: Webhookdiensten, wachtend: tuple[Abonnement, AanvraagEvent, Bezorgopdracht]
) -> None:
    abo, gebeurtenis, opdracht = wachtend
    antwoord(w, Outcome.gone, 410)

    afleveren.bezorg(w, opdracht, poging=1)

    assert status(w, abo, gebeurtenis) is AfleveringStatus.mislukt
    assert not bewaard(w, abo).actief


def test_a_failed_attempt_waits_for_the_next_one_in_the_schedule(
    w: Webhookdiensten, wachtend: tuple[Abonnement, AanvraagEvent, Bezorgopdracht]
) -> None:
    abo, gebeurtenis, opdracht = wachtend
    antwoord(w, Outcome.retry, 503)

    with pytest.raises(afleveren.NietAfgeleverd) as wacht:
        afleveren.bezorg(w, opdracht, poging=2)

    nominaal = afleveren.WACHTTIJDEN[1].total_seconds()
    assert nominaal * 0.9 <= wacht.value.seconden <= nominaal * 1.1
    assert status(w, abo, gebeurtenis) is AfleveringStatus.wachtend
    assert not bewaard(w, abo).storing


def test_the_last_failed_attempt_flags_the_subscription_and_gives_up(
    w: Webhookdiensten, wachtend: tuple[Abonnement, AanvraagEvent, Bezorgopdracht]
) -> None:
    abo, gebeurtenis, opdracht = wachtend
    antwoord(w, Outcome.retry, 503)

    with pytest.raises(afleveren.NietAfgeleverd) as wacht:
        afleveren.bezorg(w, opdracht, poging=afleveren.POGINGEN)

    assert wacht.value.seconden == 0
    assert status(w, abo, gebeurtenis) is AfleveringStatus.mislukt
    assert bewaard(w, abo).storing


def test_an_event_for_an_ended_subscription_is_skipped(
    w: Webhookdiensten, wachtend: tuple[Abonnement, AanvraagEvent, Bezorgopdracht]
) -> None:
    abo, gebeurtenis, opdracht = wachtend
    assert isinstance(w.abonnementen, FakeAbonnementen)
    w.abonnementen.verwijder(abo.gemeentecode, abo.id)

    assert afleveren.bezorg(w, opdracht, poging=1) is None
    assert status(w, abo, gebeurtenis) is AfleveringStatus.overgeslagen
