"""The impact report of a version (issue 13 item 3; docs/beheer.md, "Impact"): a run over the
gemeente's own stored households, frozen once per version, and over a seeded synthetic
population where the gemeente has few.

- **One population per version.** The first run freezes the latest beoordeling of each resident
  of the gemeente (GSI2); every later run of the version reads the same snapshot, so runs
  compare. The snapshot holds household facts only: no pseudonym, no BSN. Each resident whose
  household went into it gets an audit record (their data was read for the gemeente).
- **Small runs finish in the request** (at most `SYNCHROON` households in all); a larger one is
  continued by the impact worker from a message on the impact queue (`bereken`).
- **k-anonymity** is the computation's (`vil.services.impact`): counts below 10, and figures
  that would give one away, are hidden in both the real and the synthetic figures.
- **The approval names the report** (`vil.services.beheer.keur`): a finished report of that
  version, with the hash it has.
"""

import hashlib
import json
import uuid
from typing import Any

from vil.fouten import Conflict, NietGevonden
from vil.models.beheer import (
    ImpactBericht,
    Impactrapport,
    Impactstatus,
    Momentopname,
    Regelingversie,
    Synthetisch,
    Versiestatus,
)
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal
from vil.observability import logger
from vil.services import beheer, synthetisch
from vil.services.diensten import Beheerdiensten, Impactstartdiensten
from vil.services.impact import impact

SYNCHROON = 3000  # households (real and synthetic together) a run decides within the request
WEINIG = 1000  # below this many stored households, the synthetic population is reported too
OPEN = (Versiestatus.concept, Versiestatus.ter_goedkeuring)


def start(
    diensten: Impactstartdiensten, principal: Principal, regeling_id: str, nummer: int
) -> Impactrapport:
    """POST …/versies/{versie}/impact: a new run; finished at once when it is small, otherwise
    `lopend` and continued by the worker."""
    wie = beheer.Beheerder(principal)
    versie = beheer.versie(diensten, principal, regeling_id, nummer)
    if versie.status not in OPEN:
        raise Conflict(f"Een versie met status {versie.status.value} wordt niet meer beoordeeld.")
    rapport = Impactrapport(
        id=uuid.uuid4().hex,
        regeling=versie.regeling,
        gemeentecode=versie.gemeentecode,
        versie=versie.versie,
        regelversie=versie.regelversie,
        status=Impactstatus.lopend,
        peildatum=versie.ingangsdatum,
        gestart_door=wie.medewerker,
        gestart_op=diensten.nu(),
    )
    diensten.impactrapporten.bewaar_rapport(rapport, None)
    _audit(diensten, versie, wie.medewerker, f"impact {rapport.id}")
    bevroren = diensten.impactrapporten.momentopname(
        versie.regeling, versie.gemeentecode, versie.versie, diensten.nu(), lees=False
    )
    if bevroren is None:
        populatie = diensten.impactrapporten.populatie(versie.gemeentecode, SYNCHROON)
        klein = populatie is not None and _totaal(len(populatie)) <= SYNCHROON
    else:
        populatie, klein = None, _totaal(bevroren[0].huishoudens) <= SYNCHROON
    if not klein:
        bericht = ImpactBericht(regeling=versie.regeling, gemeentecode=versie.gemeentecode,
                                versie=versie.versie, rapport=rapport.id)  # fmt: skip
        diensten.impactwachtrij.stuur([bericht.model_dump_json()])
        return rapport
    return _voer_uit(diensten, rapport, versie, populatie, wie.medewerker)


def bereken(diensten: Beheerdiensten, bericht: ImpactBericht) -> Impactrapport | None:
    """The worker: the run of one message. A report no longer `lopend` (the message came twice)
    is left as it is; None when the report or its version is gone."""
    rapport = diensten.impactrapporten.rapport(
        bericht.regeling, bericht.gemeentecode, bericht.versie, bericht.rapport
    )
    versie = diensten.regelingversies.versie(bericht.regeling, bericht.gemeentecode, bericht.versie)
    if rapport is None or versie is None:
        return None
    if rapport.status is not Impactstatus.lopend:
        return rapport
    return _voer_uit(diensten, rapport, versie, None, rapport.gestart_door)


def mislukt(diensten: Beheerdiensten, bericht: ImpactBericht, reden: str) -> None:
    """The worker gave up on a run (its last attempt failed): the report says so."""
    rapport = diensten.impactrapporten.rapport(
        bericht.regeling, bericht.gemeentecode, bericht.versie, bericht.rapport
    )
    if rapport is None or rapport.status is not Impactstatus.lopend:
        return
    klaar = rapport.model_copy(
        update={"status": Impactstatus.mislukt, "klaar_op": diensten.nu(), "fout": reden}
    )
    try:
        diensten.impactrapporten.bewaar_rapport(klaar, Impactstatus.lopend)
    except Conflict:
        logger.info("Impactrapport intussen klaar")


def haal(
    diensten: Beheerdiensten, principal: Principal, regeling_id: str, nummer: int, rapport_id: str
) -> Impactrapport:
    """GET …/versies/{versie}/impact/{rapport}: a report of the beheerder's own gemeente."""
    versie = beheer.versie(diensten, principal, regeling_id, nummer)
    rapport = diensten.impactrapporten.rapport(
        versie.regeling, versie.gemeentecode, versie.versie, rapport_id
    )
    if rapport is None:
        raise NietGevonden("Dit impactrapport bestaat niet.")
    return rapport


def rapporthash(rapport: Impactrapport) -> str:
    """sha256 of what the report says (not when it ran or who started it), as canonical JSON."""
    inhoud = rapport.model_dump(
        mode="json", by_alias=True,
        include={"id", "regeling", "gemeentecode", "versie", "regelversie", "peildatum",
                 "momentopname", "regelingen", "synthetisch"},
    )  # fmt: skip
    tekst = json.dumps(inhoud, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(tekst.encode()).hexdigest()


def _voer_uit(
    diensten: Beheerdiensten,
    rapport: Impactrapport,
    versie: Regelingversie,
    populatie: list[tuple[str, dict[str, Any]]] | None,
    medewerker: str,
) -> Impactrapport:
    momentopname, huishoudens = _bevroren(diensten, versie, populatie, medewerker)
    voorgesteld = beheer.catalogus_met(diensten, versie)
    echt = [Huishouden.model_validate(h) for h in huishoudens]
    cijfers = impact(diensten.catalogus, voorgesteld, echt, versie.ingangsdatum, [versie.regeling])
    kunstmatig = None
    if momentopname.huishoudens < WEINIG:
        getrokken = synthetisch.bevolking(
            versie.gemeentecode, versie.ingangsdatum, synthetisch.AANTAL
        )
        kunstmatig = Synthetisch(
            seed=synthetisch.seed(versie.gemeentecode, versie.ingangsdatum),
            huishoudens=len(getrokken),
            regelingen=impact(diensten.catalogus, voorgesteld, getrokken, versie.ingangsdatum,
                              [versie.regeling]),
        )  # fmt: skip
    klaar = rapport.model_copy(update={
        "status": Impactstatus.klaar, "klaar_op": diensten.nu(), "momentopname": momentopname,
        "regelingen": cijfers, "synthetisch": kunstmatig,
    })  # fmt: skip
    klaar = klaar.model_copy(update={"hash": rapporthash(klaar)})
    try:
        diensten.impactrapporten.bewaar_rapport(klaar, Impactstatus.lopend)
    except Conflict:  # another delivery of the message finished it first
        gevonden = diensten.impactrapporten.rapport(
            rapport.regeling, rapport.gemeentecode, rapport.versie, rapport.id
        )
        return gevonden or klaar
    return klaar


def _bevroren(
    diensten: Beheerdiensten,
    versie: Regelingversie,
    populatie: list[tuple[str, dict[str, Any]]] | None,
    medewerker: str,
) -> tuple[Momentopname, list[dict[str, Any]]]:
    """The version's frozen population; the first run freezes it (and audits each resident)."""
    sleutel = (versie.regeling, versie.gemeentecode, versie.versie)
    bestaand = diensten.impactrapporten.momentopname(*sleutel, diensten.nu())
    if bestaand is not None:
        return bestaand
    if populatie is None:
        populatie = diensten.impactrapporten.populatie(versie.gemeentecode) or []
    huishoudens = [huishouden for _, huishouden in populatie]
    nieuw = Momentopname(
        id=uuid.uuid4().hex, huishoudens=len(huishoudens), gemaakt_op=diensten.nu()
    )
    try:
        diensten.impactrapporten.bevries(*sleutel, nieuw, huishoudens)
    except Conflict:  # another run froze it first: use that one
        gevonden = diensten.impactrapporten.momentopname(*sleutel, diensten.nu())
        if gevonden is None:
            raise
        return gevonden
    trace_id = logger.get_correlation_id() or "onbekend"
    for pseudoniem, _ in populatie:
        diensten.audit.schrijf(
            pseudoniem, "impact-momentopname", f"beheerder:{versie.gemeentecode}:{medewerker}",
            "beheer", f"regeling {versie.regeling} versie {versie.versie}", trace_id,
            diensten.nu(),
        )  # fmt: skip
    return nieuw, huishoudens


def _totaal(echt: int) -> int:
    """Households a run decides: the real ones, and the synthetic ones where there are few."""
    return echt + (synthetisch.AANTAL if echt < WEINIG else 0)


def _audit(diensten: Beheerdiensten, versie: Regelingversie, medewerker: str, wat: str) -> None:
    diensten.audit.schrijf(
        f"regeling:{versie.regeling}:{versie.gemeentecode}", "regelingversie-impact",
        f"beheerder:{versie.gemeentecode}:{medewerker}", "beheer",
        f"versie {versie.versie}: {wat}", logger.get_correlation_id() or "onbekend",
        diensten.nu(),
    )  # fmt: skip
