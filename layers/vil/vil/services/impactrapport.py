"""The impact report of a version (issue 13 item 3; docs/beheer.md, "Impact"): a run over the
gemeente's own stored households, frozen once per version, and over a seeded synthetic
population where the gemeente has few.

- **One population per version.** The first run freezes the latest beoordeling of each resident
  of the gemeente (GSI2); every later run of the version reads the same snapshot, so runs
  compare. The snapshot holds household facts only: no pseudonym, no BSN. Each resident whose
  household went into it gets an audit record (their data was read for the gemeente).
- **Small runs finish in the request** (at most `SYNCHROON` households in all); a larger one is
  continued by the impact worker from a message on the impact queue (`bereken`). A very large
  one fans out: the worker that froze the population sends one message per group of
  `PER_GROEP` parts, each worker counts its group (unsuppressed counts, kept apart), and the
  one that finishes the last group adds them up and writes the report.
- **k-anonymity** is the computation's (`vil.services.impact`): counts below 10, and figures
  that would give one away, are hidden in both the real and the synthetic figures.
- **The approval names the report** (`vil.services.beheer.keur`): a finished report of that
  version, with the hash it has.
"""

import hashlib
import json
import time
import uuid
from typing import Any

from vil.fouten import Conflict, NietGevonden
from vil.models.beheer import (
    MOMENTOPNAME_BEWAARTERMIJN,
    ImpactBericht,
    Impactrapport,
    Impactstatus,
    Momentopname,
    Regelingversie,
    Synthetisch,
    Versiestatus,
)
from vil.models.huishouden import Huishouden, opgeslagen_lijst
from vil.models.identiteit import Principal
from vil.observability import logger
from vil.rules import Catalogus
from vil.services import beheer, synthetisch
from vil.services.diensten import Beheerdiensten, Impactstartdiensten
from vil.services.impact import Regelingimpact, impact, tel
from vil.services.impact import rapport as als_rapport

PER_DEEL = 500  # households per stored part of a frozen population (an item holds 400 KB)
PER_GROEP = 20  # parts per worker invocation of a large run: 10,000 households
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
    momentopname, huishoudens = _bevroren(diensten, versie, populatie, wie.medewerker)
    assert huishoudens is not None  # read, or frozen now
    return _voer_uit(diensten, rapport, versie, momentopname, huishoudens)


def bereken(diensten: Impactstartdiensten, bericht: ImpactBericht) -> Impactrapport | None:
    """The worker: the run of one message, or of one group of a large run. A report no longer
    `lopend` (the message came twice) is left as it is; None when it or its version is gone."""
    rapport = diensten.impactrapporten.rapport(
        bericht.regeling, bericht.gemeentecode, bericht.versie, bericht.rapport
    )
    versie = diensten.regelingversies.versie(bericht.regeling, bericht.gemeentecode, bericht.versie)
    if rapport is None or versie is None:
        return None
    if rapport.status is not Impactstatus.lopend:
        return rapport
    if bericht.groep is not None:
        return _groep(diensten, rapport, versie, bericht)
    momentopname, huishoudens = _bevroren(diensten, versie, None, rapport.gestart_door, False)
    if momentopname.delen <= PER_GROEP:
        if huishoudens is None:
            huishoudens = diensten.impactrapporten.huishoudens(
                momentopname.id, 1, max(1, momentopname.delen)
            )
        return _voer_uit(diensten, rapport, versie, momentopname, huishoudens)
    groepen = -(-momentopname.delen // PER_GROEP)
    diensten.impactwachtrij.stuur([
        bericht.model_copy(update={"momentopname": momentopname.id, "groep": groep,
                                   "groepen": groepen}).model_dump_json()
        for groep in range(groepen)
    ])  # fmt: skip
    return rapport


def _groep(
    diensten: Beheerdiensten,
    rapport: Impactrapport,
    versie: Regelingversie,
    bericht: ImpactBericht,
) -> Impactrapport:
    """One group of a large run: its counts, kept; the last group's worker adds them all up."""
    if bericht.groep is None or not bericht.groepen or not bericht.momentopname:
        raise ValueError("Een groepsbericht noemt de groep, het aantal groepen en de momentopname.")
    van = bericht.groep * PER_GROEP + 1
    documenten = diensten.impactrapporten.huishoudens(
        bericht.momentopname, van, van + PER_GROEP - 1
    )
    voorgesteld = beheer.catalogus_met(diensten, versie)
    gedekt = gedekte_regelingen(diensten.catalogus, versie)
    begin = time.process_time()
    echt = opgeslagen_lijst(Huishouden, documenten)  # stored as validated: not again
    telling = tel(diensten.catalogus, voorgesteld, echt, versie.ingangsdatum, gedekt)
    # The engine's speed where it runs, what `vil bench --impact` measures per group here
    # (docs/operations.md, "The rules engine's speed in Lambda").
    logger.info("Impactgroep beslist", huishoudens=len(echt), regelingen=len(gedekt),
                cpu_ms=round((time.process_time() - begin) * 1000))  # fmt: skip
    verloopt = int((diensten.nu() + MOMENTOPNAME_BEWAARTERMIJN).timestamp())
    klaar = diensten.impactrapporten.bewaar_deeltelling(
        rapport, bericht.groep, {r: t.ruw() for r, t in telling.items()}, verloopt
    )
    if len(klaar) < bericht.groepen:
        return rapport
    totaal: dict[str, Regelingimpact] = {}
    for deel in diensten.impactrapporten.deeltellingen(rapport):
        for regeling, ruw in deel.items():
            totaal.setdefault(regeling, Regelingimpact()).voeg_toe(Regelingimpact.van_ruw(ruw))
    bevroren = diensten.impactrapporten.momentopname(
        versie.regeling, versie.gemeentecode, versie.versie, diensten.nu(), lees=False
    )
    if bevroren is None:
        raise RuntimeError("De bevroren huishoudens zijn verlopen tijdens de run.")
    return _rond_af(diensten, rapport, bevroren[0], als_rapport(totaal), None)


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
    momentopname: Momentopname,
    huishoudens: list[dict[str, Any]],
) -> Impactrapport:
    """A whole run in one invocation: the real households, and the synthetic ones if few."""
    voorgesteld = beheer.catalogus_met(diensten, versie)
    gedekt = gedekte_regelingen(diensten.catalogus, versie)
    echt = opgeslagen_lijst(Huishouden, huishoudens)  # stored as validated: not again
    cijfers = impact(diensten.catalogus, voorgesteld, echt, versie.ingangsdatum, gedekt)
    kunstmatig = None
    if momentopname.huishoudens < WEINIG:
        getrokken = synthetisch.bevolking(
            versie.gemeentecode, versie.ingangsdatum, synthetisch.AANTAL
        )
        kunstmatig = Synthetisch(
            seed=synthetisch.seed(versie.gemeentecode, versie.ingangsdatum),
            huishoudens=len(getrokken),
            regelingen=impact(diensten.catalogus, voorgesteld, getrokken, versie.ingangsdatum,
                              gedekt),
        )  # fmt: skip
    return _rond_af(diensten, rapport, momentopname, cijfers, kunstmatig)


def _rond_af(
    diensten: Beheerdiensten,
    rapport: Impactrapport,
    momentopname: Momentopname,
    cijfers: dict[str, dict[str, Any]],
    kunstmatig: Synthetisch | None,
) -> Impactrapport:
    """The finished report with its hash, written only while it is still `lopend`."""
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
    lees: bool = True,
) -> tuple[Momentopname, list[dict[str, Any]] | None]:
    """The version's frozen population, with its households (if `lees`, or when this run froze
    it: then they are at hand); the first run freezes it and audits each resident in it."""
    sleutel = (versie.regeling, versie.gemeentecode, versie.versie)
    bestaand = diensten.impactrapporten.momentopname(*sleutel, diensten.nu(), lees=lees)
    if bestaand is not None:
        return bestaand[0], bestaand[1] if lees else None
    if populatie is None:
        populatie = diensten.impactrapporten.populatie(versie.gemeentecode) or []
    huishoudens = [huishouden for _, huishouden in populatie]
    nieuw = Momentopname(
        id=uuid.uuid4().hex, huishoudens=len(huishoudens),
        delen=-(-len(huishoudens) // PER_DEEL), gemaakt_op=diensten.nu(),
    )  # fmt: skip
    try:
        diensten.impactrapporten.bevries(*sleutel, nieuw, huishoudens)
    except Conflict:  # another run froze it first: use that one
        gevonden = diensten.impactrapporten.momentopname(*sleutel, diensten.nu(), lees=lees)
        if gevonden is None:
            raise
        return gevonden[0], gevonden[1] if lees else None
    trace_id = logger.get_correlation_id() or "onbekend"
    for pseudoniem, _ in populatie:
        diensten.audit.schrijf(
            pseudoniem, "impact-momentopname", f"beheerder:{versie.gemeentecode}:{medewerker}",
            "beheer", f"regeling {versie.regeling} versie {versie.versie}", trace_id,
            diensten.nu(),
        )  # fmt: skip
    return nieuw, huishoudens


def gedekte_regelingen(catalogus: Catalogus, versie: Regelingversie) -> list[str]:
    """The regelingen a version can change, in the catalogue's order: its own, and those that
    read its outcome (`afhankelijkVan`, as the woonkostentoeslag reads the huurtoeslag's),
    whatever the version changes (values, an eigenVerklaring, a rollback or a correction).

    This is `Catalogus.affected_by` for the parameters a version may set: they are its
    regeling's own (the Rijk's shared ones are read-only), which no other regeling reads
    except through that regeling's outcome; a parameter of the same name in another rule
    file is that file's own and is not changed.
    """
    eigen = versie.regeling
    regels = catalogus.in_force(versie.ingangsdatum)
    return [r.id for r in regels if eigen in (r.id, *r.regeling.afhankelijk_van)]


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
