"""Meldingen: what the monthly check found for the resident, marked read, and the check now."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from vil import samenstelling
from vil.api import NAMENS, NIET_INGELOGD, ONBEKEND, XNamens, handler, principal, resolver
from vil.models.maandcheck import (
    ListMeldingenResponse,
    Melding,
    PatchMeldingRequest,
    RunMaandcheckResponse,
)
from vil.models.machtiging import Recht
from vil.services import maandcheck, meldingen, namens

app = resolver()
MELDINGEN = (Recht.inzien, Recht.meldingen_ontvangen)
MeldingId = Annotated[str, Path(description="Id van de melding.", max_length=64)]


@app.get(
    "/v1/meldingen",
    summary="Mijn meldingen",
    description="Wat de maandcheck vond: nieuw recht, vervallen recht, een ander bedrag, andere"
    " gegevens. Nieuwste eerst, per pagina.",
    tags=["Meldingen"],
    operation_id="listMeldingen",
    responses={200: {"description": "De meldingen."}, **NIET_INGELOGD, **NAMENS},
)
def list_meldingen(
    cursor: Annotated[str | None, Query(description="Van de vorige pagina.", max_length=64)] = None,
    limiet: Annotated[int, Query(description="Hoeveel per pagina.", ge=1, le=100)] = 25,
    x_namens: XNamens = None,
) -> ListMeldingenResponse:
    diensten = samenstelling.meldingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, MELDINGEN)
    pagina, volgende = meldingen.lijst(diensten, wie, cursor, limiet)
    return ListMeldingenResponse(meldingen=pagina, volgende=volgende)


@app.patch(
    "/v1/meldingen/<melding_id>",
    summary="Markeer een melding als gelezen",
    tags=["Meldingen"],
    operation_id="patchMelding",
    responses={200: {"description": "De melding."}, **NIET_INGELOGD, **ONBEKEND, **NAMENS},
)
def patch_melding(
    melding_id: MeldingId, verzoek: PatchMeldingRequest, x_namens: XNamens = None
) -> Melding:
    diensten = samenstelling.meldingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, MELDINGEN)
    return meldingen.markeer(diensten, wie, melding_id, verzoek.gelezen)


@app.post(
    "/v1/maandchecks",
    summary="Doe de maandcheck nu",
    description=(
        "Haalt uw gegevens opnieuw op bij de bronnen waarvoor u toestemming gaf voor de"
        " maandcheck, beoordeelt elke regeling en vergelijkt met de vorige keer. 403 als er voor"
        " geen enkele bron toestemming voor de maandcheck is."
    ),
    tags=["Meldingen"],
    operation_id="runMaandcheck",
    responses={
        200: {"description": "De meldingen die deze controle maakte."},
        **NIET_INGELOGD,
        **NAMENS,
        403: {"description": "Geen toestemming voor de maandcheck, of geen recht."},
        409: {"description": "Tegelijk veranderde er iets anders; probeer het opnieuw."},
    },
)
def run_maandcheck(x_namens: XNamens = None) -> RunMaandcheckResponse:
    diensten = samenstelling.meldingen()
    wie = namens.betrokkene(diensten, principal(app), x_namens, Recht.aanvragen)
    gevonden = maandcheck.op_verzoek(diensten, wie)
    return RunMaandcheckResponse(meldingen=gevonden)


lambda_handler = handler(app)
