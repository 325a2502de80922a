"""Prefill and evaluation: anonymous proefberekeningen, and stored beoordelingen for residents."""

import re
import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError

from vil.fouten import GeenToestemming, NietGevonden, OngeldigVerzoek
from vil.models.aanvraag import Beoordeling
from vil.models.api import EvaluateRequest, EvaluateResponse
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal
from vil.models.prefill import GEEN_TOESTEMMING, Prefill
from vil.models.resultaat import FeitHerkomst, HerkomstSoort
from vil.models.toestemming import Bron, Doel
from vil.rules.feiten import PREFIX
from vil.services import audit
from vil.services.diensten import Basisdiensten, Beoordelingdiensten, Prefilldiensten
from vil.services.toestemmingen import bronnen_voor, burger

WOONGEMEENTE = PREFIX + "gemeentecode"
ADRES_BIJ_GEMEENTE = (
    "uw woongemeente komt uit de BRP; is die niet juist, geef uw adres dan door aan uw gemeente"
)
_SEGMENT = re.compile(r"^([A-Za-z]\w*)(?:\[(\d{1,2})\])?$")


def anoniem(
    diensten: Beoordelingdiensten, huishouden: Huishouden, peildatum: date | None
) -> EvaluateResponse:
    """A proefberekening: every regeling for the given household; nothing is stored."""
    peildatum = peildatum or diensten.vandaag()
    evaluatie = diensten.catalogus.evaluate(huishouden, peildatum)
    return EvaluateResponse(
        peildatum=peildatum,
        huishouden=huishouden.model_dump(mode="json", by_alias=True, exclude_none=True),
        regelset_versie=evaluatie.regelset_versie,
        resultaten=evaluatie.resultaten,
    )


def vooraf_invullen(
    diensten: Prefilldiensten, principal: Principal, peildatum: date
) -> tuple[Prefill, dict[Bron, int]]:
    """The household from the sources the resident consented to for applications, and the
    versions of those consents.

    Every consulted source is audited for the resident; the facts each supplied are cached
    per source (revoking consent deletes them), unless a consent changed meanwhile (409).
    """
    pseudoniem = burger(principal)
    bronnen = bronnen_voor(diensten, pseudoniem, Doel.aanvragen)
    if not bronnen:
        return Prefill(ontbrekend=dict.fromkeys(Bron, GEEN_TOESTEMMING)), bronnen
    assert principal.bsn_versleuteld is not None
    bsn = diensten.sleutels.ontsleutel(principal.bsn_versleuteld)
    gegevens = diensten.bronnen.vooraf_invullen(bsn, peildatum, bronnen)
    geraadpleegd = sorted(bron.value for bron in bronnen)
    audit.vastleggen(diensten, pseudoniem, "vooraf-invullen", principal, "aanvragen", geraadpleegd)
    for nummer in gegevens.gezinsleden:  # the partner and children are data subjects too
        lid = diensten.sleutels.pseudoniem(nummer)
        audit.vastleggen(diensten, lid, "vooraf-invullen-gezinslid", principal, "aanvragen",
                         geraadpleegd)  # fmt: skip
    diensten.brongegevens.bewaar_gegevens(pseudoniem, per_bron(gegevens), bronnen)
    return gegevens, bronnen


def gegevens(diensten: Prefilldiensten, principal: Principal) -> Prefill:
    """GET /v1/gegevens: 403 only when no source is consented at all."""
    if not bronnen_voor(diensten, burger(principal), Doel.aanvragen):
        raise GeenToestemming(
            "Er is voor geen enkele bron toestemming om uw gegevens op te halen voor een"
            f" aanvraag (bronnen: {', '.join(b.value for b in Bron)})."
        )
    return vooraf_invullen(diensten, principal, diensten.vandaag())[0]


def voor_burger(
    diensten: Beoordelingdiensten, principal: Principal, verzoek: EvaluateRequest
) -> EvaluateResponse:
    """Prefill, apply the resident's corrections, evaluate and store (POST /v1/beoordelingen)."""
    pseudoniem = burger(principal)
    peildatum = verzoek.peildatum or diensten.vandaag()
    gegevens, toestemmingen = vooraf_invullen(diensten, principal, peildatum)
    huishouden = corrigeer(gegevens, verzoek.correcties or {})
    evaluatie = diensten.catalogus.evaluate(huishouden, peildatum, gegevens.herkomst)
    beoordeling = Beoordeling(
        id=uuid.uuid4().hex,
        peildatum=peildatum,
        huishouden=huishouden.model_dump(mode="json", by_alias=True, exclude_none=True),
        herkomst=gegevens.herkomst,
        ontbrekende_bronnen={b.value: reden for b, reden in gegevens.ontbrekend.items()},
        regelset_versie=evaluatie.regelset_versie,
        resultaten=evaluatie.resultaten,
        aangemaakt_op=diensten.nu(),
    )
    diensten.beoordelingen.bewaar_beoordeling(pseudoniem, beoordeling, toestemmingen)
    return EvaluateResponse(**beoordeling.model_dump(exclude={"aangemaakt_op"}))


def beoordeling(diensten: Basisdiensten, principal: Principal, beoordeling_id: str) -> Beoordeling:
    """A stored beoordeling of the caller; 404 for anyone else's."""
    pseudoniem = burger(principal)
    found = diensten.beoordelingen.beoordeling(pseudoniem, beoordeling_id)
    if found is None:
        raise NietGevonden("Deze beoordeling bestaat niet.")
    audit.vastleggen(diensten, pseudoniem, "inzien-beoordeling", principal, "aanvragen")
    return found


def corrigeer(gegevens: Prefill, correcties: dict[str, Any]) -> Huishouden:
    """Apply corrections by fact path; each becomes 'gecorrigeerd' or 'eigen-verklaring'."""
    fouten: list[tuple[str, str]] = []
    document = gegevens.huishouden
    for pad, waarde in correcties.items():
        vorige = gegevens.herkomst.get(pad)
        if pad == WOONGEMEENTE and vorige is not None and vorige.bron == Bron.brp.value:
            # The BRP's gemeente decides where an aanvraag goes (docs/decisions.md).
            fouten.append((f"body.correcties.{pad}", ADRES_BIJ_GEMEENTE))
            continue
        try:
            _zet(document, pad, waarde)
        except (KeyError, ValueError, TypeError) as error:
            fouten.append((f"body.correcties.{pad}", str(error)))
            continue
        gegevens.herkomst[pad] = FeitHerkomst(
            bron="inwoner",
            soort=HerkomstSoort.gecorrigeerd if vorige else HerkomstSoort.eigen_verklaring,
        )
    try:
        huishouden = Huishouden.model_validate(document)
    except ValidationError as error:
        fouten += [
            ("body.correcties." + PREFIX + ".".join(str(p) for p in item["loc"]), item["msg"])
            for item in error.errors()
        ]
    if fouten:  # every error at once: the paths that do not exist and the values that do not fit
        raise OngeldigVerzoek("De correcties passen niet op het huishouden.", fouten)
    return huishouden


def _zet(document: dict[str, Any], pad: str, waarde: Any) -> None:
    """Set `huishouden.a.b[0].c` in a nested document, creating objects on the way."""
    if not pad.startswith(PREFIX):
        raise ValueError("een pad begint met 'huishouden.'")
    parts = pad.removeprefix(PREFIX).split(".")
    node: Any = document
    for index, part in enumerate(parts):
        match = _SEGMENT.match(part)
        if match is None:
            raise ValueError(f"ongeldig deel '{part}'")
        name, position = match.group(1), match.group(2)
        last = index == len(parts) - 1
        if position is None:
            if last:
                node[name] = waarde
            elif not isinstance(node.get(name), dict):
                node[name] = {}
            node = node[name]
            continue
        items = node[name] = node.get(name) or []
        while len(items) <= int(position):
            items.append({})
        if last:
            items[int(position)] = waarde
        node = items[int(position)]


def per_bron(gegevens: Prefill) -> dict[Bron, dict[str, Any]]:
    """The facts each source supplied, by path (what is cached, and deleted on revoke)."""
    result: dict[Bron, dict[str, Any]] = {}
    for pad, herkomst in gegevens.herkomst.items():
        if herkomst.bron in Bron.__members__:
            result.setdefault(Bron(str(herkomst.bron)), {})[pad] = waarde_op(
                gegevens.huishouden, pad
            )
    return result


def waarde_op(document: dict[str, Any], pad: str) -> Any:
    """The value at `huishouden.a.b[0].c`, or None."""
    node: Any = document
    for part in pad.removeprefix(PREFIX).split("."):
        match = _SEGMENT.match(part)
        if match is None or not isinstance(node, dict):
            return None
        node = node.get(match.group(1))
        if match.group(2) is not None:
            position = int(match.group(2))
            node = node[position] if isinstance(node, list) and position < len(node) else None
    return node
