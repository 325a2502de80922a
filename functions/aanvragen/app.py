"""Applications: residents apply and withdraw; gemeenten list, read and decide their own."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, ONBEKEND, XNamens, handler, principal, resolver
from vil.models.aanvraag import Aanvraag, AanvraagStatus
from vil.models.api import (
    DecideRequest,
    HerzieningsbesluitRequest,
    ListAanvragenResponse,
    SubmitRequest,
    SubmitResponse,
)
from vil.models.machtiging import Recht
from vil.observability import gebeurtenis
from vil.services import aanvragen, herzieningen, namens

app = resolver()
AanvraagId = Annotated[str, Path(description="Id van de aanvraag.", max_length=64)]
NIET_GEVONDEN = {**NIET_INGELOGD, **ONBEKEND}
NAMENS_NIET_GEVONDEN = {**NIET_GEVONDEN, **NAMENS}


@app.post(
    "/v1/aanvragen",
    summary="Vraag regelingen aan",
    description=(
        "Eén aanvraag per gekozen regeling van een bewaarde beoordeling. Idempotent op de"
        " header Idempotency-Key (24 uur per inwoner); 409 als een regeling in haar periode al"
        " is aangevraagd (dan wordt niets bewaard)."
    ),
    tags=["Aanvragen"],
    operation_id="submit",
    responses={
        201: {"description": "Aangevraagd."},
        **NAMENS_NIET_GEVONDEN,
        409: {"description": "Al aangevraagd in deze periode, of nog in behandeling."},
        422: {"description": "Idempotency-Key hergebruikt met een ander verzoek."},
    },
)
def dien_in(
    verzoek: SubmitRequest,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            description="Unieke sleutel per verzoek (IETF Idempotency-Key).",
            min_length=8,
            max_length=128,
        ),
    ],
    x_namens: XNamens = None,
) -> Response[SubmitResponse]:
    diensten = samenstelling.aanvragen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.aanvragen)
    body = aanvragen.dien_in(diensten, wie, verzoek, idempotency_key, app.lambda_context)
    for aanvraag in body.aanvragen:  # a replay (same Idempotency-Key) counts again
        gebeurtenis("AanvraagIngediend", regeling=aanvraag.regeling, uitkomst=aanvraag.status)
    return Response(201, "application/json", body)


@app.get(
    "/v1/aanvragen",
    summary="Aanvragen",
    description="Een inwoner ziet de eigen aanvragen; een gemeente die voor haar regelingen.",
    tags=["Aanvragen"],
    operation_id="listAanvragen",
    responses={200: {"description": "De aanvragen."}, **NIET_INGELOGD, **NAMENS},
)
def list_aanvragen(
    status: Annotated[AanvraagStatus | None, Query(description="Alleen deze status.")] = None,
    regeling: Annotated[
        str | None, Query(description="Alleen deze regeling.", max_length=100)
    ] = None,
    cursor: Annotated[
        str | None, Query(description="Van de vorige pagina.", max_length=2000)
    ] = None,
    limiet: Annotated[int, Query(description="Hoeveel per pagina.", ge=1, le=100)] = 25,
    x_namens: XNamens = None,
) -> ListAanvragenResponse:
    diensten = samenstelling.aanvragen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    return aanvragen.lijst(diensten, wie, status, regeling, cursor, limiet)


@app.get(
    "/v1/aanvragen/<aanvraag_id>",
    summary="Eén aanvraag",
    tags=["Aanvragen"],
    operation_id="getAanvraag",
    responses={200: {"description": "De aanvraag."}, **NAMENS_NIET_GEVONDEN},
)
def get_aanvraag(aanvraag_id: AanvraagId, x_namens: XNamens = None) -> Aanvraag:
    diensten = samenstelling.aanvragen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    return aanvragen.haal(diensten, wie, aanvraag_id)[1]


@app.post(
    "/v1/aanvragen/<aanvraag_id>/intrekking",
    summary="Trek een aanvraag in",
    description="Alleen een aanvraag die nog in behandeling is.",
    tags=["Aanvragen"],
    operation_id="withdraw",
    responses={
        200: {"description": "De aanvraag met haar nieuwe status."},
        **NAMENS_NIET_GEVONDEN,
        409: {"description": "Niet meer in behandeling."},
    },
)
def trek_in(aanvraag_id: AanvraagId, x_namens: XNamens = None) -> Aanvraag:
    diensten = samenstelling.aanvragen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.aanvragen)
    aanvraag = aanvragen.trek_in(diensten, wie, aanvraag_id)
    gebeurtenis("AanvraagIngetrokken", regeling=aanvraag.regeling)
    return aanvraag


@app.post(
    "/v1/aanvragen/<aanvraag_id>/besluiten",
    summary="Beslis over een aanvraag (gemeente)",
    tags=["Aanvragen"],
    operation_id="decide",
    responses={
        200: {"description": "De aanvraag met haar nieuwe status."},
        **NIET_GEVONDEN,
        409: {"description": "Niet meer in behandeling."},
    },
)
def besluit(aanvraag_id: AanvraagId, verzoek: DecideRequest) -> Aanvraag:
    aanvraag = aanvragen.besluit(samenstelling.aanvragen(), principal(app), aanvraag_id, verzoek)
    gebeurtenis("AanvraagBesloten", regeling=aanvraag.regeling, uitkomst=aanvraag.status)
    return aanvraag


@app.post(
    "/v1/aanvragen/<aanvraag_id>/herzieningsbesluiten",
    summary="Beslis over een herziening (gemeente)",
    description=(
        "Op een herziening die de maandcheck vond: wijzigen (het nieuwe bedrag, per een datum,"
        " met een nieuwe beschikking), handhaven (met de reden) of intrekken (per een datum, met"
        " een nieuwe beschikking)."
    ),
    tags=["Aanvragen"],
    operation_id="decideHerziening",
    responses={
        200: {"description": "De aanvraag met het besluit op haar herziening."},
        **NIET_GEVONDEN,
        409: {"description": "Geen open herziening, of de aanvraag veranderde intussen."},
    },
)
def besluit_herziening(aanvraag_id: AanvraagId, verzoek: HerzieningsbesluitRequest) -> Aanvraag:
    aanvraag = herzieningen.besluit(samenstelling.aanvragen(), principal(app), aanvraag_id, verzoek)
    gebeurtenis("HerzieningBesloten", regeling=aanvraag.regeling, uitkomst=verzoek.besluit)
    return aanvraag


lambda_handler = handler(app)
