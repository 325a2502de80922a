"""Webhook subscriptions of a gemeente: create, list, end, re-enable, rotate, log, redeliver."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from vil.api import NIET_INGELOGD, ONBEKEND, handler, principal, resolver
from vil.models.abonnement import (
    Abonnement,
    AbonnementMetGeheim,
    AbonnementWijziging,
    AfleveringStatus,
    HerleveringResponse,
    ListAbonnementenResponse,
    ListAfleveringenResponse,
    NieuwAbonnement,
)
from vil.samenstelling import abonnementen as webhookdiensten
from vil.services import abonnementen

app = resolver()
Id = Annotated[str, Path(description="Id van het abonnement.", max_length=64)]
AUTH: dict[int, OpenAPIResponse] = {200: {"description": "Gelukt."}, **NIET_INGELOGD}
EIGEN: dict[int, OpenAPIResponse] = {**AUTH, **ONBEKEND}
TAGS = ["Abonnementen"]


@app.post(
    "/v1/abonnementen",
    summary="Abonneren op gebeurtenissen",
    description=(
        "Gebeurtenissen over aanvragen voor de regelingen van de gemeente, als ondertekende"
        " CloudEvents (Standard Webhooks). Het antwoord bevat het secret, alleen deze keer."
    ),
    tags=TAGS,
    operation_id="createAbonnement",
    responses={201: {"description": "Aangemaakt."}, **NIET_INGELOGD},
)
def create_abonnement(verzoek: NieuwAbonnement) -> Response[AbonnementMetGeheim]:
    nieuw = abonnementen.maak(webhookdiensten(), principal(app), verzoek)
    return Response(201, "application/json", nieuw)


@app.get(
    "/v1/abonnementen",
    summary="Abonnementen van de gemeente",
    tags=TAGS,
    operation_id="listAbonnementen",
    responses=AUTH,
)
def list_abonnementen() -> ListAbonnementenResponse:
    lijst = abonnementen.lijst(webhookdiensten(), principal(app))
    return ListAbonnementenResponse(abonnementen=lijst)


@app.get(
    "/v1/abonnementen/<abonnement_id>",
    summary="Eén abonnement",
    tags=TAGS,
    operation_id="getAbonnement",
    responses=EIGEN,
)
def get_abonnement(abonnement_id: Id) -> Abonnement:
    return abonnementen.haal(webhookdiensten(), principal(app), abonnement_id)


@app.patch(
    "/v1/abonnementen/<abonnement_id>",
    summary="Abonnement in- of uitschakelen",
    description="`actief: true` schakelt een uitgeschakeld abonnement weer in.",
    tags=TAGS,
    operation_id="patchAbonnement",
    responses=EIGEN,
)
def patch_abonnement(abonnement_id: Id, verzoek: AbonnementWijziging) -> Abonnement:
    return abonnementen.wijzig(webhookdiensten(), principal(app), abonnement_id, verzoek.actief)


@app.delete(
    "/v1/abonnementen/<abonnement_id>",
    summary="Abonnement beëindigen",
    tags=TAGS,
    operation_id="deleteAbonnement",
    # A 204 has no body (RFC 9110): no content, else Powertools documents the return type.
    responses={204: {"description": "Beëindigd.", "content": {}}, **NIET_INGELOGD, **ONBEKEND},
)
def delete_abonnement(abonnement_id: Id) -> Response[None]:
    abonnementen.beëindig(webhookdiensten(), principal(app), abonnement_id)
    return Response(204, None, None)


@app.post(
    "/v1/abonnementen/<abonnement_id>/geheimen",
    summary="Nieuw secret",
    description="Het vorige secret ondertekent nog 24 uur mee (twee handtekeningen).",
    tags=TAGS,
    operation_id="rotateGeheim",
    responses={201: {"description": "Nieuw secret."}, **NIET_INGELOGD, **ONBEKEND},
)
def rotate_geheim(abonnement_id: Id) -> Response[AbonnementMetGeheim]:
    nieuw = abonnementen.roteer(webhookdiensten(), principal(app), abonnement_id)
    return Response(201, "application/json", nieuw)


@app.get(
    "/v1/abonnementen/<abonnement_id>/afleveringen",
    summary="Afleverlog",
    description="Elke gebeurtenis voor dit abonnement met elke poging, nieuwste eerst.",
    tags=TAGS,
    operation_id="listAfleveringen",
    responses=EIGEN,
)
def list_afleveringen(
    abonnement_id: Id,
    status: Annotated[AfleveringStatus | None, Query(description="Alleen deze status.")] = None,
    cursor: Annotated[str | None, Query(description="Van `volgende`.", max_length=512)] = None,
    limiet: Annotated[int, Query(ge=1, le=100, description="Hoeveel per pagina.")] = 100,
) -> ListAfleveringenResponse:
    return abonnementen.afleveringen(
        webhookdiensten(), principal(app), abonnement_id, status, cursor, limiet
    )


@app.post(
    "/v1/abonnementen/<abonnement_id>/herleveringen",
    summary="Mislukte afleveringen opnieuw versturen",
    tags=TAGS,
    operation_id="herlever",
    responses={202: {"description": "Opnieuw in de wachtrij."}, **NIET_INGELOGD, **ONBEKEND},
)
def herlever(abonnement_id: Id) -> Response[HerleveringResponse]:
    aantal = abonnementen.herlever(webhookdiensten(), principal(app), abonnement_id)
    return Response(202, "application/json", HerleveringResponse(herleverd=aantal))


lambda_handler = handler(app)
