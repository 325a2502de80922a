"""The beheermodule: a gemeente's beheerders propose, submit, approve (publish), roll back,
correct for the past and read versions of their own parameters of a regeling (docs/beheer.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from vil import samenstelling
from vil.api import NIET_INGELOGD, ONBEKEND, handler, principal, resolver
from vil.models.beheer import (
    CorrectieRequest,
    GoedkeuringRequest,
    Impactrapport,
    Impactstatus,
    ListVersiesResponse,
    Regelingversie,
    TerugdraaiingRequest,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.observability import gebeurtenis
from vil.services import beheer, impactrapport

app = resolver()
RegelingId = Annotated[str, Path(description="Id van de regeling.", max_length=100)]
Versie = Annotated[int, Path(description="Volgnummer van de versie.", ge=1, le=999_999)]
RapportId = Annotated[str, Path(description="Id van het impactrapport.", pattern=r"^[0-9a-f]{32}$")]
NIET_GEVONDEN: dict[int, OpenAPIResponse] = {
    **NIET_INGELOGD,
    403: {"description": "Geen beheerder (met medewerker-id), of vier ogen: niet de voorsteller."},
    **ONBEKEND,
}


@app.post(
    "/v1/regelingen/<regeling_id>/versies",
    summary="Stel een versie van de parameters voor (beheerder)",
    description=(
        "Nieuwe gedateerde waarden van de eigen parameters van een regeling van uw gemeente, met"
        " hun publicatie, en testgevallen die bestaande vervangen. Bewaard als concept zodra de"
        " controles van de regels en elk testgeval slagen; anders 400 met elk probleem."
    ),
    tags=["Beheer"],
    operation_id="proposeVersie",
    responses={201: {"description": "De versie, als concept."}, **NIET_GEVONDEN},
)
def stel_voor(regeling_id: RegelingId, verzoek: VersievoorstelRequest) -> Response[Regelingversie]:
    versie = beheer.stel_voor(samenstelling.beheer(), principal(app), regeling_id, verzoek)
    gebeurtenis("RegelingversieVoorgesteld", regeling=regeling_id)
    return Response(201, "application/json", versie)


@app.get(
    "/v1/regelingen/<regeling_id>/versies",
    summary="De versies van de parameters (beheerder)",
    description="Elke versie van uw gemeente, nieuwste eerst, met wie wat wanneer deed.",
    tags=["Beheer"],
    operation_id="listVersies",
    responses={200: {"description": "De versies."}, **NIET_GEVONDEN},
)
def list_versies(regeling_id: RegelingId) -> ListVersiesResponse:
    return ListVersiesResponse(
        versies=beheer.versies(samenstelling.beheer(), principal(app), regeling_id)
    )


@app.get(
    "/v1/regelingen/<regeling_id>/versies/<versie>",
    summary="Eén versie (beheerder)",
    tags=["Beheer"],
    operation_id="getVersie",
    responses={200: {"description": "De versie."}, **NIET_GEVONDEN},
)
def get_versie(regeling_id: RegelingId, versie: Versie) -> Regelingversie:
    return beheer.versie(samenstelling.beheer(), principal(app), regeling_id, versie)


@app.patch(
    "/v1/regelingen/<regeling_id>/versies/<versie>",
    summary="Dien een versie in of trek haar in (voorsteller)",
    tags=["Beheer"],
    operation_id="patchVersie",
    responses={
        200: {"description": "De versie met haar nieuwe status."},
        **NIET_GEVONDEN,
        409: {"description": "Niet (meer) in een status die dit toelaat."},
    },
)
def patch_versie(
    regeling_id: RegelingId, versie: Versie, verzoek: VersiestatusRequest
) -> Regelingversie:
    return beheer.wijzig_status(
        samenstelling.beheer(), principal(app), regeling_id, versie, verzoek
    )


@app.post(
    "/v1/regelingen/<regeling_id>/versies/<versie>/goedkeuringen",
    summary="Keur een versie goed of af (tweede beheerder)",
    description="Vier ogen: een andere beheerder van dezelfde gemeente dan de voorsteller.",
    tags=["Beheer"],
    operation_id="approveVersie",
    responses={
        200: {"description": "De versie: goedgekeurd (of actief) en gepubliceerd, of afgekeurd."},
        **NIET_GEVONDEN,
        400: {"description": "Goedkeuren zonder impactrapport, of afkeuren zonder reden."},
        409: {
            "description": (
                "De versie is niet ter goedkeuring, het genoemde impactrapport is niet klaar, niet"
                " van deze versie of heeft een andere hash, of er is intussen een andere versie"
                " gepubliceerd waarop zij niet voortbouwt."
            )
        },
    },
)
def keur(regeling_id: RegelingId, versie: Versie, verzoek: GoedkeuringRequest) -> Regelingversie:
    gekeurd = beheer.keur(samenstelling.beheer(), principal(app), regeling_id, versie, verzoek)
    gebeurtenis("RegelingversieGekeurd", regeling=regeling_id, uitkomst=gekeurd.status)
    return gekeurd


@app.post(
    "/v1/regelingen/<regeling_id>/versies/<versie>/terugdraaiingen",
    summary="Draai de laatst goedgekeurde versie terug (beheerder)",
    description=(
        "Een nieuwe versie (concept) waarmee de waarden van vóór deze versie weer gelden vanaf"
        " de ingangsdatum; daarna indienen en goedkeuren door een tweede beheerder, als elke"
        " versie. Het verleden verandert niet."
    ),
    tags=["Beheer"],
    operation_id="rollbackVersie",
    responses={
        201: {"description": "De terugdraaiing, als concept."},
        **NIET_GEVONDEN,
        409: {"description": "Dit is niet de laatst goedgekeurde versie."},
    },
)
def draai_terug(
    regeling_id: RegelingId, versie: Versie, verzoek: TerugdraaiingRequest
) -> Response[Regelingversie]:
    nieuw = beheer.draai_terug(samenstelling.beheer(), principal(app), regeling_id, versie, verzoek)
    gebeurtenis("RegelingversieTerugdraaiingVoorgesteld", regeling=regeling_id)
    return Response(201, "application/json", nieuw)


@app.post(
    "/v1/regelingen/<regeling_id>/versies/<versie>/correcties",
    summary="Corrigeer waarden van een versie voor het verleden (beheerder)",
    description=(
        "Een aparte, geauditeerde handeling: een nieuwe versie (concept) die waarden van deze"
        " gepubliceerde versie verbetert voor elke peildatum sinds de versie inging, ook voorbije."
        " Daarna indienen, impact en goedkeuren door een tweede beheerder, als elke versie. Een"
        " beslisverslag van vóór de correctie houdt de versie die het gebruikte en speelt daarmee"
        " opnieuw af; nieuwe beoordelingen van die peildata gebruiken de correctie."
    ),
    tags=["Beheer"],
    operation_id="correctVersie",
    responses={
        201: {"description": "De correctie, als concept."},
        **NIET_GEVONDEN,
        409: {
            "description": (
                "De versie is niet goedgekeurd, geldt nog niet, is zelf een correctie of"
                " terugdraaiing, of een latere versie stelde de waarde opnieuw vast."
            )
        },
    },
)
def corrigeer(
    regeling_id: RegelingId, versie: Versie, verzoek: CorrectieRequest
) -> Response[Regelingversie]:
    nieuw = beheer.corrigeer(samenstelling.beheer(), principal(app), regeling_id, versie, verzoek)
    gebeurtenis("RegelingversieCorrectieVoorgesteld", regeling=regeling_id)
    return Response(201, "application/json", nieuw)


@app.post(
    "/v1/regelingen/<regeling_id>/versies/<versie>/impact",
    summary="Bereken de impact van een versie (beheerder)",
    description=(
        "De laatste beoordeling van elke inwoner van uw gemeente (bevroren bij de eerste run, zodat"
        " runs vergelijkbaar zijn), beoordeeld met de huidige en de voorgestelde waarden; bij"
        " weinig huishoudens ook een synthetische bevolking. Een kleine run is meteen klaar (201),"
        " een grote loopt door (202); Location wijst naar het rapport."
    ),
    tags=["Beheer"],
    operation_id="startImpact",
    responses={
        201: {"description": "Het rapport, meteen klaar."},
        202: {"description": "Het rapport, lopend: lees het op Location."},
        **NIET_GEVONDEN,
        409: {"description": "De versie is al besloten of ingetrokken."},
    },
)
def start_impact(regeling_id: RegelingId, versie: Versie) -> Response[Impactrapport]:
    rapport = impactrapport.start(samenstelling.beheer(), principal(app), regeling_id, versie)
    gebeurtenis("ImpactGestart", regeling=regeling_id, uitkomst=rapport.status)
    plek = f"/v1/regelingen/{regeling_id}/versies/{versie}/impact/{rapport.id}"
    klaar = rapport.status is not Impactstatus.lopend
    return Response(201 if klaar else 202, "application/json", rapport, headers={"Location": plek})


@app.get(
    "/v1/regelingen/<regeling_id>/versies/<versie>/impact/<rapport_id>",
    summary="Een impactrapport (beheerder)",
    description=(
        "Status lopend, klaar of mislukt; de cijfers per regeling (aantallen onder 10 en wat ze"
        " zou verraden zijn null), de momentopname (id en aantal) en de hash van het rapport."
    ),
    tags=["Beheer"],
    operation_id="getImpact",
    responses={200: {"description": "Het rapport."}, **NIET_GEVONDEN},
)
def get_impact(regeling_id: RegelingId, versie: Versie, rapport_id: RapportId) -> Impactrapport:
    return impactrapport.haal(
        samenstelling.beheer(), principal(app), regeling_id, versie, rapport_id
    )


lambda_handler = handler(app)
