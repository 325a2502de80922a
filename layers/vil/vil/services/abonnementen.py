"""A gemeente's webhook subscriptions: create, list, end, re-enable, rotate, log, redeliver.

A gemeente manages only its own subscriptions (another's id is a 404) and receives only events
for its own regelingen (`verdeel` looks up the event's gemeentecode). The secret is shown once,
when it is made, and stored KMS-encrypted.
"""

import uuid
from datetime import timedelta

from vil.fouten import NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.abonnement import (
    Abonnement,
    AbonnementMetGeheim,
    AfleveringStatus,
    Bezorgopdracht,
    Geheimen,
    ListAfleveringenResponse,
    NieuwAbonnement,
)
from vil.models.identiteit import Principal, Principalsoort
from vil.ports import UnsafeTargetError
from vil.services.diensten import Webhookdiensten

ROTATIE = timedelta(hours=24)  # both secrets sign this long after a rotation


def gemeente(principal: Principal) -> str:
    """The caller's gemeentecode; 401 for anyone but a gemeente's system."""
    if principal.soort is not Principalsoort.gemeente or not principal.gemeentecode:
        raise NietGeauthenticeerd("Alleen het systeem van een gemeente beheert abonnementen.")
    return principal.gemeentecode


def maak(w: Webhookdiensten, principal: Principal, verzoek: NieuwAbonnement) -> AbonnementMetGeheim:
    """POST /v1/abonnementen: a checked callback URL and a new secret."""
    code = gemeente(principal)
    try:
        w.webhooks.check_target(verzoek.callback_url)
    except UnsafeTargetError as error:
        raise OngeldigVerzoek(
            "Deze callbackUrl kan geen gebeurtenissen ontvangen.",
            [("body.callbackUrl", str(error))],
        ) from error
    nu = w.nu()
    abonnement = Abonnement(
        id=uuid.uuid4().hex,
        gemeentecode=code,
        callback_url=verzoek.callback_url,
        types=verzoek.types or [],
        actief=True,
        aangemaakt_op=nu,
        gewijzigd_op=nu,
    )
    secret = w.webhooks.generate_secret()
    w.abonnementen.maak(abonnement, Geheimen(huidig=w.geheimen.versleutel(secret)))
    return AbonnementMetGeheim(**abonnement.model_dump(), secret=secret)


def lijst(w: Webhookdiensten, principal: Principal) -> list[Abonnement]:
    return w.abonnementen.lijst(gemeente(principal))


def haal(w: Webhookdiensten, principal: Principal, abonnement_id: str) -> Abonnement:
    return _haal(w, principal, abonnement_id)[0]


def _haal(
    w: Webhookdiensten, principal: Principal, abonnement_id: str
) -> tuple[Abonnement, Geheimen]:
    gevonden = w.abonnementen.haal(gemeente(principal), abonnement_id)
    if gevonden is None:
        raise NietGevonden("Dit abonnement bestaat niet.")
    return gevonden


def beëindig(w: Webhookdiensten, principal: Principal, abonnement_id: str) -> None:
    """DELETE: the subscription ends; queued deliveries to it are skipped."""
    _haal(w, principal, abonnement_id)
    w.abonnementen.verwijder(gemeente(principal), abonnement_id)


def wijzig(
    w: Webhookdiensten, principal: Principal, abonnement_id: str, actief: bool
) -> Abonnement:
    """PATCH: switch off, or on again (which also clears the flag of a long outage)."""
    abonnement = haal(w, principal, abonnement_id)
    gewijzigd = abonnement.model_copy(
        update={
            "actief": actief,
            "storing": abonnement.storing and not actief,
            "reden": None if actief else "Uitgeschakeld door de gemeente.",
            "gewijzigd_op": w.nu(),
        }
    )
    if not w.abonnementen.bewaar(gewijzigd):
        raise NietGevonden("Dit abonnement bestaat niet.")
    return gewijzigd


def roteer(w: Webhookdiensten, principal: Principal, abonnement_id: str) -> AbonnementMetGeheim:
    """POST /geheimen: a new secret; the previous one signs as well for ROTATIE."""
    abonnement, geheimen = _haal(w, principal, abonnement_id)
    nu = w.nu()
    secret = w.webhooks.generate_secret()
    nieuw = Geheimen(
        huidig=w.geheimen.versleutel(secret), vorig=geheimen.huidig, vorig_tot=nu + ROTATIE
    )
    gewijzigd = abonnement.model_copy(update={"gewijzigd_op": nu})
    if not w.abonnementen.bewaar(gewijzigd, nieuw):
        raise NietGevonden("Dit abonnement bestaat niet.")
    return AbonnementMetGeheim(
        **gewijzigd.model_dump(), secret=secret, vorig_secret_geldig_tot=nieuw.vorig_tot
    )


def afleveringen(
    w: Webhookdiensten, principal: Principal, abonnement_id: str,
    status: AfleveringStatus | None, cursor: str | None, limiet: int,
) -> ListAfleveringenResponse:  # fmt: skip
    """GET /afleveringen: the delivery log, newest first, every attempt."""
    _haal(w, principal, abonnement_id)
    pagina, volgende = w.abonnementen.afleveringen(abonnement_id, status, cursor, limiet)
    return ListAfleveringenResponse(afleveringen=pagina, volgende=volgende)


def herlever(w: Webhookdiensten, principal: Principal, abonnement_id: str) -> int:
    """POST /herleveringen: every failed delivery of this subscription is queued again (with
    the same event id, so the receiver still recognises one it did get)."""
    abonnement = haal(w, principal, abonnement_id)
    opdrachten: list[str] = []
    cursor: str | None = None
    while True:
        pagina, cursor = w.abonnementen.afleveringen(
            abonnement_id, AfleveringStatus.mislukt, cursor, 100
        )
        for aflevering in pagina:
            w.abonnementen.leg_vast(abonnement_id, aflevering, AfleveringStatus.wachtend)
            opdracht = Bezorgopdracht(
                gemeentecode=abonnement.gemeentecode,
                abonnement=abonnement_id,
                gebeurtenis=aflevering.gebeurtenis,
                tijd=aflevering.tijd,
            )
            opdrachten.append(opdracht.model_dump_json())
        if cursor is None:
            w.wachtrij.stuur(opdrachten)
            return len(opdrachten)
