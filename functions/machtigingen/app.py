"""Machtigingen: the resident grants an organisation (and one employee) rights, lists and
revokes them; an organisation's hulpverlener lists what the organisation holds."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from vil import samenstelling
from vil.api import NIET_INGELOGD, ONBEKEND, handler, principal, resolver
from vil.models.machtiging import (
    ListClientenResponse,
    ListMachtigingenResponse,
    Machtiging,
    NieuweMachtiging,
)
from vil.observability import gebeurtenis
from vil.services import machtigingen

app = resolver()
MachtigingId = Annotated[str, Path(description="Id van de machtiging.", max_length=64)]


@app.post(
    "/v1/machtigingen",
    summary="Machtig een organisatie",
    description=(
        "De inwoner zelf machtigt een organisatie (KvK-nummer of OIN), eventueel alleen één"
        " medewerker, voor gekozen rechten van een begin- tot een einddatum. De gemachtigde"
        " handelt daarna namens u met de header X-Namens: <id van de machtiging>."
    ),
    tags=["Machtigingen"],
    operation_id="createMachtiging",
    responses={201: {"description": "De machtiging."}, **NIET_INGELOGD},
)
def post_machtiging(verzoek: NieuweMachtiging) -> Response[Machtiging]:
    machtiging = machtigingen.verleen(samenstelling.machtigingen(), principal(app), verzoek)
    gebeurtenis("MachtigingVerleend")
    return Response(201, "application/json", machtiging)


@app.get(
    "/v1/machtigingen",
    summary="Machtigingen",
    description=(
        "Voor een inwoner: de machtigingen die u gaf, en die u zelf houdt (bijvoorbeeld als"
        " bewindvoerder). Voor een hulpverlener: de machtigingen van de organisatie voor hem."
        " Per pagina: elke lijst hoogstens `limiet`; `volgende` geeft van beide de rest."
    ),
    tags=["Machtigingen"],
    operation_id="listMachtigingen",
    responses={200: {"description": "De machtigingen."}, **NIET_INGELOGD},
)
def list_machtigingen(
    cursor: Annotated[
        str | None, Query(description="Van de vorige pagina.", max_length=400)
    ] = None,
    limiet: Annotated[int, Query(description="Hoeveel per lijst per pagina.", ge=1, le=100)] = 25,
) -> ListMachtigingenResponse:
    gegeven, gehouden, volgende = machtigingen.lijst(
        samenstelling.machtigingen(), principal(app), cursor, limiet
    )
    return ListMachtigingenResponse(machtigingen=gegeven, gemachtigd=gehouden, volgende=volgende)


@app.delete(
    "/v1/machtigingen/<machtiging_id>",
    summary="Trek een machtiging in",
    description=(
        "Het volgende verzoek onder deze machtiging wordt geweigerd. Een wettelijke"
        " vertegenwoordiging eindigt in het register, niet hier (409)."
    ),
    tags=["Machtigingen"],
    operation_id="deleteMachtiging",
    responses={
        200: {"description": "De ingetrokken machtiging."},
        **NIET_INGELOGD,
        **ONBEKEND,
        409: {"description": "Een wettelijke vertegenwoordiging uit het register."},
    },
)
def delete_machtiging(machtiging_id: MachtigingId) -> Machtiging:
    machtiging = machtigingen.trek_in(samenstelling.machtigingen(), principal(app), machtiging_id)
    gebeurtenis("MachtigingIngetrokken")
    return machtiging


@app.get(
    "/v1/clienten",
    summary="Mijn cliënten",
    description=(
        "Voor een hulpverlener of vertegenwoordiger: elke inwoner voor wie u vandaag mag"
        " handelen, bij de machtiging (nooit een BSN), met wat aandacht vraagt: aanvragen die"
        " de gemeente nog behandelt, ongelezen meldingen, bronnen zonder toestemming en een"
        " machtiging die binnenkort eindigt. Per pagina."
    ),
    tags=["Machtigingen"],
    operation_id="listClienten",
    responses={200: {"description": "Uw cliënten."}, **NIET_INGELOGD},
)
def list_clienten(
    cursor: Annotated[
        str | None, Query(description="Van de vorige pagina.", max_length=200)
    ] = None,
    limiet: Annotated[int, Query(description="Hoeveel per pagina.", ge=1, le=100)] = 25,
) -> ListClientenResponse:
    clienten, volgende = machtigingen.clienten(
        samenstelling.machtigingen(), principal(app), cursor, limiet
    )
    return ListClientenResponse(clienten=clienten, volgende=volgende)


lambda_handler = handler(app)
