"""Evaluation: an anonymous proefberekening, or a resident's prefilled, stored beoordeling."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, ONBEKEND, XNamens, handler, principal, resolver
from vil.models.aanvraag import Beoordeling
from vil.models.api import EvaluateRequest, EvaluateResponse
from vil.models.machtiging import Recht
from vil.observability import gebeurtenis
from vil.services import beoordelen, namens

app = resolver()


@app.post(
    "/v1/beoordelingen",
    summary="Beoordeel elke regeling",
    description=(
        "Zonder inloggen: een proefberekening voor het meegestuurde huishouden (200; niets"
        " bewaard). Met een DigiD-token en zonder huishouden: de gegevens worden opgehaald bij"
        " de bronnen waarvoor toestemming is, aangevuld met de correcties, beoordeeld en"
        " bewaard (201, met id)."
    ),
    tags=["Beoordelingen"],
    operation_id="evaluate",
    responses={
        200: {"description": "Proefberekening (niets bewaard)."},
        201: {"description": "Beoordeling bewaard."},
        401: {"description": "Geen geldig token, of geen huishouden zonder token."},
        **NAMENS,
    },
)
def evaluate(verzoek: EvaluateRequest, x_namens: XNamens = None) -> Response[EvaluateResponse]:
    if verzoek.huishouden is not None:
        body = beoordelen.anoniem(
            samenstelling.beoordelingen(), verzoek.huishouden, verzoek.peildatum
        )
        gebeurtenis("BeoordelingGemaakt", soort="proefberekening")
        return Response(200, "application/json", body)
    diensten = samenstelling.beoordelingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.aanvragen)
    body = beoordelen.voor_burger(diensten, wie, verzoek)
    gebeurtenis("BeoordelingGemaakt", soort="burger")
    return Response(201, "application/json", body)


@app.get(
    "/v1/beoordelingen/<beoordeling_id>",
    summary="Een bewaarde beoordeling",
    tags=["Beoordelingen"],
    operation_id="getBeoordeling",
    responses={
        200: {"description": "De beoordeling."},
        **NIET_INGELOGD,
        **ONBEKEND,
        **NAMENS,
    },
)
def get_beoordeling(
    beoordeling_id: Annotated[str, Path(description="Id van de beoordeling.", max_length=64)],
    x_namens: XNamens = None,
) -> Beoordeling:
    diensten = samenstelling.beoordelingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    return beoordelen.beoordeling(diensten, wie, beoordeling_id)


lambda_handler = handler(app)
