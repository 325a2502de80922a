"""Catalogue: the regelingen with their parameters and versions, and the OpenAPI document."""

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

from vil import klok
from vil.api import ONBEKEND, handler, resolver
from vil.fouten import NietGevonden
from vil.models.api import (
    GetRegelingResponse,
    ListRegelingenResponse,
    RegelingSamenvatting,
    RegelingVersie,
)
from vil.models.gebeurtenis import EVENT_TYPES, event_schemas
from vil.samenstelling import catalogus
from vil.services.catalogus import in_werking, versies

app = resolver()


@app.get(
    "/v1/regelingen",
    summary="Alle regelingen",
    description=(
        "De regelingen die VIL kent, met de versie die vandaag geldt: het regelbestand met de"
        " gepubliceerde versies van gemeenten (beheermodule), binnen een minuut na publicatie."
        " Per regeling de versies van gemeenten die vandaag gelden, met hun waarden zoals"
        " beoordelingen ze gebruiken."
    ),
    tags=["Catalogus"],
    operation_id="listRegelingen",
)
def list_regelingen() -> ListRegelingenResponse:
    regels = catalogus()
    vandaag = klok.vandaag()
    gepubliceerd = in_werking(regels, vandaag)
    return ListRegelingenResponse(
        regelingen=[
            RegelingSamenvatting(
                id=regel.id,
                naam=regel.regeling.naam,
                omschrijving=regel.regeling.omschrijving,
                uitvoerder=regel.regeling.uitvoerder,
                soort=regel.regeling.soort,
                gemeenten=regel.regeling.gemeenten,
                grondslag=regel.regeling.grondslag,
                toekenning=regel.regeling.toekenning.wijze,
                periode=regel.regeling.toekenning.periode,
                regelversie=regel.versie,
                gepubliceerd=gepubliceerd.get(regel.id, []),
            )
            for regel in regels.actueel().in_force(vandaag)
        ]
    )


@app.get(
    "/v1/regelingen/<regeling_id>",
    summary="Eén regeling met haar versies",
    description=(
        "Het volledige regelbestand van elke gepubliceerde versie: het regelbestand zelf en elke"
        " goedgekeurde versie van een gemeente, elk vanaf haar dag (een correctie ernaast, de"
        " versie die ze corrigeert blijft voor het herspelen van besluiten)."
    ),
    tags=["Catalogus"],
    operation_id="getRegeling",
    responses={
        200: {"description": "De regeling met haar versies."},
        404: {"description": "Onbekende regeling."},
    },
)
def get_regeling(
    regeling_id: Annotated[str, Path(description="Id van de regeling.", max_length=100)],
) -> GetRegelingResponse:
    return GetRegelingResponse(
        id=regeling_id,
        versies=[
            RegelingVersie(
                geldig_vanaf=None if versie.geldig_vanaf == date.min else versie.geldig_vanaf,
                regelversie=versie.regel.versie,
                regeling=versie.regel.regeling,
            )
            for versie in versies(catalogus().actueel(), regeling_id)
        ],
    )


@app.get(
    "/v1/openapi.json",
    summary="Het OpenAPI-document",
    tags=["Catalogus"],
    operation_id="getOpenapi",
    responses={
        200: {
            "description": "Dit document (OpenAPI 3.1).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def openapi() -> Response[str]:
    document = resources.files("vil").joinpath("openapi.json").read_text(encoding="utf-8")
    return Response(status_code=200, content_type="application/json", body=document)


@app.get(
    "/v1/gebeurtenissen/<type_>/schema",
    summary="JSON Schema van de data van een gebeurtenis",
    description="Waar `dataschema` van elke CloudEvent naar wijst; ook in docs/events/.",
    tags=["Catalogus"],
    operation_id="getGebeurtenisSchema",
    responses={
        200: {
            "description": "JSON Schema (2020-12).",
            "content": {"application/schema+json": {"schema": {"type": "object"}}},
        },
        **ONBEKEND,
    },
)
def gebeurtenis_schema(
    type_: Annotated[
        str, Path(description="Bijvoorbeeld nl.vil.aanvraag.toegekend.", max_length=64)
    ],
) -> Response[str]:
    schema = event_schemas().get(type_)
    if schema is None:
        raise NietGevonden(f"Onbekend type; bekend: {', '.join(EVENT_TYPES)}.")
    return Response(200, "application/schema+json", json.dumps(schema, ensure_ascii=False))


@app.get("/v1/docs", include_in_schema=False)
def docs() -> Response[str]:
    """Swagger UI over the merged OpenAPI document, from the assets Powertools ships: the page
    holds its script, its styles and the document itself, so it loads with no network beyond
    VIL (no CDN). Its inline script and styles get their own CSP in vil.api."""
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=swagger_ui())


@cache
def swagger_ui() -> str:
    assets = resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
    document = resources.files("vil").joinpath("openapi.json").read_text(encoding="utf-8")
    return generate_swagger_html(
        spec=document.replace("</", "<\\/"),  # no '</script>' inside the inline script
        swagger_js=assets.joinpath("swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        swagger_css=assets.joinpath("swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",  # empty: inline the assets, as enable_swagger() does by default
        oauth2_config=None,
    )


lambda_handler = handler(app)
