"""Prefill: the resident's household from the sources they consented to, with provenance."""

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, XNamens, handler, principal, resolver
from vil.models.api import GetGegevensResponse
from vil.models.machtiging import Recht
from vil.services import beoordelen, namens

app = resolver()


@app.get(
    "/v1/gegevens",
    summary="Mijn gegevens, vooraf ingevuld",
    description=(
        "Haalt de gegevens op bij de bronnen waarvoor toestemming is voor 'aanvragen'; gegevens"
        " van andere bronnen ontbreken. 403 alleen als er voor geen enkele bron toestemming is."
    ),
    tags=["Gegevens"],
    operation_id="getGegevens",
    responses={
        200: {"description": "De vooraf ingevulde gegevens."},
        **NIET_INGELOGD,
        **NAMENS,
        403: {"description": "Geen toestemming, of de machtiging geeft dit recht niet."},
    },
)
def get_gegevens(x_namens: XNamens = None) -> GetGegevensResponse:
    diensten = samenstelling.gegevens()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    gegevens = beoordelen.gegevens(diensten, wie)
    return GetGegevensResponse(
        huishouden=gegevens.huishouden,
        herkomst=gegevens.herkomst,
        ontbrekende_bronnen={bron.value: reden for bron, reden in gegevens.ontbrekend.items()},
    )


lambda_handler = handler(app)
