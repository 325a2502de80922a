"""Events to gemeenten: the relay from the outbox to the webhook queue, and each delivery.

docs/architecture.md 7 and docs/standards.md 5c. The outbox record arrives through the table's
stream; `verdeel` writes one delivery record per subscription that wants it and queues one message
each.
`bezorg` makes one signed attempt per message. SQS is the retry mechanism: a failed attempt
postpones its message by the next wait of `WACHTTIJDEN` (the message's receive count is the
attempt number), and after the last attempt the subscription is flagged and the message goes to
the DLQ (the queue's maxReceiveCount is `POGINGEN`). At least once: a receiver dedupes on the
webhook-id, which is the event id on every attempt.
"""

import random
from datetime import timedelta

from vil.models.abonnement import AfleveringStatus, Bezorgopdracht, Poging
from vil.models.gebeurtenis import AanvraagEvent
from vil.ports import MAX_ZICHTBAARHEID, Delivery, Outcome
from vil.services.diensten import Webhookdiensten

# The waits between attempts (Standard Webhooks' schedule, stretched to about three days;
# SQS postpones a message at most 12 hours at a time): 11 attempts over 65.6 hours.
WACHTTIJDEN = tuple(
    timedelta(**w)
    for w in [
        {"seconds": 5},
        {"minutes": 5},
        {"minutes": 30},
        {"hours": 2},
        {"hours": 5},
        {"hours": 10},
        *[{"hours": 12}] * 4,
    ]
)
POGINGEN = len(WACHTTIJDEN) + 1
SPREIDING = 0.1  # jitter: each wait is 90-110% of its nominal length


class NietAfgeleverd(Exception):
    """The attempt failed: report the message as failed, to be offered again after `seconden`
    (after the last attempt SQS moves it to the DLQ instead)."""

    def __init__(self, seconden: int) -> None:
        super().__init__(f"volgende poging over {seconden} s")
        self.seconden = seconden


def verdeel(w: Webhookdiensten, event: AanvraagEvent) -> int:
    """Queue one message for every subscription of the event's gemeente that wants its type;
    how many.

    A stream record handed over twice finds its delivery records already there and queues the
    same messages again; `bezorg` drops a message whose event is no longer waiting.
    """
    if not event.data.gemeentecode:  # a rijksregeling: no gemeente to tell
        return 0
    opdrachten = []
    for abonnement in w.abonnementen.lijst(event.data.gemeentecode):
        if abonnement.ontvangt(event.type):
            w.abonnementen.registreer(abonnement.id, event, w.nu())
            opdracht = Bezorgopdracht(
                gemeentecode=abonnement.gemeentecode,
                abonnement=abonnement.id,
                gebeurtenis=event.id,
                tijd=event.time,
            )
            opdrachten.append(opdracht.model_dump_json())
    w.wachtrij.stuur(opdrachten)
    return len(opdrachten)


def bezorg(w: Webhookdiensten, opdracht: Bezorgopdracht, poging: int) -> Delivery | None:
    """Attempt number `poging` of one message; None when there was nothing (left) to do.

    Raises:
        NietAfgeleverd: the attempt failed.
    """
    abonnementen, nu = w.abonnementen, w.nu()
    aflevering = abonnementen.aflevering(opdracht.abonnement, opdracht.tijd, opdracht.gebeurtenis)
    if aflevering is None or aflevering.status is not AfleveringStatus.wachtend:
        return None  # a duplicate message, or one already settled
    gevonden = abonnementen.haal(opdracht.gemeentecode, opdracht.abonnement)
    event = abonnementen.gebeurtenis(opdracht.gebeurtenis)
    if gevonden is None or event is None or not gevonden[0].actief:
        abonnementen.leg_vast(opdracht.abonnement, aflevering, AfleveringStatus.overgeslagen)
        return None
    abonnement, geheimen = gevonden
    vorig = geheimen.vorig if geheimen.vorig_tot and geheimen.vorig_tot > nu else None
    uitkomst = w.webhooks.deliver(
        event,
        abonnement.callback_url,
        w.geheimen.ontsleutel(geheimen.huidig),
        w.geheimen.ontsleutel(vorig) if vorig else None,
    )
    verslag = Poging(
        tijd=nu, statuscode=uitkomst.status_code, uitkomst=uitkomst.outcome.value,
        reden=uitkomst.reden,
    )  # fmt: skip
    match uitkomst.outcome:
        case Outcome.delivered:
            abonnementen.leg_vast(abonnement.id, aflevering, AfleveringStatus.afgeleverd, verslag)
            if abonnement.storing:
                abonnementen.bewaar(
                    abonnement.model_copy(update={"storing": False, "gewijzigd_op": nu})
                )
        case Outcome.gone:  # Standard Webhooks: 410 disables the endpoint
            abonnementen.leg_vast(abonnement.id, aflevering, AfleveringStatus.mislukt, verslag)
            abonnementen.bewaar(abonnement.model_copy(update={
                "actief": False, "reden": "De ontvanger antwoordde 410 Gone.", "gewijzigd_op": nu,
            }))  # fmt: skip
        case Outcome.refused:
            abonnementen.leg_vast(abonnement.id, aflevering, AfleveringStatus.mislukt, verslag)
        case Outcome.retry if poging >= POGINGEN:
            abonnementen.leg_vast(abonnement.id, aflevering, AfleveringStatus.mislukt, verslag)
            abonnementen.bewaar(abonnement.model_copy(update={"storing": True, "gewijzigd_op": nu}))
            raise NietAfgeleverd(0)  # reported as failed: SQS moves it to the DLQ
        case Outcome.retry:
            abonnementen.leg_vast(abonnement.id, aflevering, AfleveringStatus.wachtend, verslag)
            raise NietAfgeleverd(wachttijd(poging, uitkomst.retry_after))
    return uitkomst


def wachttijd(poging: int, retry_after: float | None = None) -> int:
    """Seconds until the attempt after `poging`: the schedule with jitter, or longer when the
    receiver asked for it (Retry-After), never beyond what SQS allows."""
    nominaal = WACHTTIJDEN[min(poging, len(WACHTTIJDEN)) - 1].total_seconds()
    # Jitter spreads retries of many deliveries; not security-relevant.
    seconden = nominaal * random.uniform(1 - SPREIDING, 1 + SPREIDING)  # noqa: S311
    return int(min(max(seconden, retry_after or 0), MAX_ZICHTBAARHEID))
