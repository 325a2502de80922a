"""Inzage: everything VIL stores about the resident, and who read their data, when and why."""

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, XNamens, handler, principal, resolver
from vil.models.api import InzageResponse
from vil.models.machtiging import Recht
from vil.services import namens
from vil.services.inzage import inzage

app = resolver()


@app.get(
    "/v1/inzage",
    summary="Alles wat VIL over mij bewaart",
    description=(
        "Toestemmingen, opgeslagen brongegevens, beoordelingen, aanvragen, meldingen en de"
        " stand van de maandcheck, en elke verwerking van uw gegevens (wie, wanneer, waarom):"
        " het inzagerecht van AVG artikel 15."
    ),
    tags=["Inzage"],
    operation_id="getInzage",
    responses={200: {"description": "Alles over u."}, **NIET_INGELOGD, **NAMENS},
)
def get_inzage(x_namens: XNamens = None) -> InzageResponse:
    diensten = samenstelling.inzage()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    return InzageResponse.model_validate(inzage(diensten, wie))


lambda_handler = handler(app)
