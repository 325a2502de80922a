"""Consent: per source and purpose, given, changed and revoked by the resident."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, XNamens, handler, principal, resolver
from vil.models.api import ListToestemmingenResponse, PutToestemmingRequest, ToestemmingOverzicht
from vil.models.machtiging import Recht
from vil.models.toestemming import Toestemming
from vil.observability import gebeurtenis
from vil.services import namens, toestemmingen

app = resolver()
# A plain string, so that an unknown source is 404 (a resource that does not exist), not 400.
BronPad = Annotated[str, Path(description="brp, belastingdienst, uwv of svb.", max_length=40)]
AUTH: dict[int, OpenAPIResponse] = {
    200: {"description": "Gelukt."},
    **NIET_INGELOGD,
    **NAMENS,
}
BRON_ONBEKEND: dict[int, OpenAPIResponse] = {
    404: {"description": "Onbekende bron, of u handelt niet (meer) namens deze inwoner."}
}


@app.get(
    "/v1/toestemmingen",
    summary="Mijn toestemmingen",
    description="Elke bron met de toestemmingstekst en de huidige toestemming.",
    tags=["Toestemmingen"],
    operation_id="listToestemmingen",
    responses=AUTH,
)
def list_toestemmingen(x_namens: XNamens = None) -> ListToestemmingenResponse:
    diensten = samenstelling.toestemmingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.inzien)
    huidige = toestemmingen.overzicht(diensten, wie)
    return ListToestemmingenResponse(
        toestemmingen=[
            ToestemmingOverzicht(
                bron=bron,
                tekst=toestemmingen.TEKSTEN[bron],
                tekstversie=toestemmingen.TEKSTVERSIE,
                doelen=toestemmingen.DOELEN,
                toestemming=toestemming,
            )
            for bron, toestemming in huidige.items()
        ]
    )


@app.put(
    "/v1/toestemmingen/<bron>",
    summary="Toestemming voor een bron geven of wijzigen",
    description="Vervangt de doelen voor deze bron; een lege lijst trekt de toestemming in.",
    tags=["Toestemmingen"],
    operation_id="putToestemming",
    responses={**AUTH, **BRON_ONBEKEND},
)
def put_toestemming(
    bron: BronPad, verzoek: PutToestemmingRequest, x_namens: XNamens = None
) -> Toestemming:
    diensten = samenstelling.toestemmingen()
    toestemming = toestemmingen.wijzig(
        diensten,
        namens.betrokkene(diensten, principal(app), x_namens, Recht.toestemming),
        toestemmingen.bron(bron),
        verzoek.doelen,
        verzoek.tekstversie,
    )
    uitkomst = "gegeven" if verzoek.doelen else "ingetrokken"
    gebeurtenis("ToestemmingGewijzigd", bron=bron, uitkomst=uitkomst)
    return toestemming


@app.delete(
    "/v1/toestemmingen/<bron>",
    summary="Toestemming voor een bron intrekken",
    description="Trekt elke toestemming voor deze bron in en verwijdert opgeslagen gegevens.",
    tags=["Toestemmingen"],
    operation_id="deleteToestemming",
    responses={**AUTH, **BRON_ONBEKEND},
)
def delete_toestemming(bron: BronPad, x_namens: XNamens = None) -> Toestemming:
    diensten = samenstelling.toestemmingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.toestemming)
    toestemming = toestemmingen.wijzig(diensten, wie, toestemmingen.bron(bron), [], None)
    gebeurtenis("ToestemmingGewijzigd", bron=bron, uitkomst="ingetrokken")
    return toestemming


lambda_handler = handler(app)
