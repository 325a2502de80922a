"""The monthly check: ask the consented sources again, evaluate every regeling, and tell the
resident what changed and the gemeente what to review (docs/architecture.md 8, issue 4).

The baseline is what the resident last knew: per regeling the outcome of the previous check
(`Stand`), or else of their latest beoordeling, and for a granted aanvraag its latest
beslisverslag. Facts are compared with the sources' cached facts (GEGEVENS#<bron>). An outcome
that is unknown or indicatief is never acted on: a source that failed, data older than a
regeling allows, or an unconfirmed parameter never makes an entitlement lapse. In January, until
the new year's amounts are set, outcomes are estimates with last year's: the resident is told so
once that year, and no amount is reported changed (docs/decisions.md).
"""

import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from vil.fouten import GeenToestemming
from vil.models.aanvraag import Aanvraag, AanvraagStatus, Beoordeling, Beslisverslag, Herziening
from vil.models.gebeurtenis import AanvraagEvent
from vil.models.huishouden import Huishouden
from vil.models.identiteit import Principal
from vil.models.maandcheck import Melding, MeldingSoort, Stand, Standuitkomst
from vil.models.prefill import Prefill
from vil.models.regeling import Wijze
from vil.models.resultaat import FeitHerkomst, Resultaat
from vil.models.toestemming import Bron, Doel
from vil.rules.feiten import PREFIX
from vil.rules.tekst import datum, euro
from vil.services import audit
from vil.services.aanvragen import periode_eind
from vil.services.beoordelen import corrigeer, per_bron, waarde_op
from vil.services.diensten import (
    Beoordelingdiensten,
    Maandcheckdiensten,
    Meldingdiensten,
    Prefilldiensten,
)
from vil.services.toestemmingen import bronnen_voor, burger

SYSTEEM = "vil-maandcheck"  # the actor in the audit log when nobody asked for the check
# A firing's key outlives its month, so a late duplicate of the message still finds it.
BEWAARTERMIJN_SLEUTEL = 35 * 24 * 60 * 60
HERZIENING = " De gemeente krijgt hiervan bericht en bekijkt uw toekenning opnieuw."

Toekenning = tuple[Aanvraag, Beslisverslag]


class Wijziging(NamedTuple):
    """A firm outcome that differs from the baseline."""

    soort: MeldingSoort
    resultaat: Resultaat
    oud: Standuitkomst | None
    toekenning: Toekenning | None  # the granted aanvraag it revises, if any


class Opdracht(BaseModel):
    """What the scheduled check is idempotent on: the resident and the month."""

    pseudoniem: str
    maand: str  # YYYY-MM in Europe/Amsterdam


class Gevonden(BaseModel):
    """The meldingen one check made: what a repeated message is answered with."""

    meldingen: list[Melding]


def maandelijks(
    diensten: Maandcheckdiensten, pseudoniem: str, context: LambdaContext | None = None
) -> list[Melding]:
    """One schedule firing: the check, done once per resident and month (Europe/Amsterdam).

    A duplicated message or a second firing in the same month returns the first one's
    meldingen and does nothing else.

    Raises:
        NogBezig: this resident's check for this month is running elsewhere; try again later.
        Conflict: another check or a decision wrote meanwhile; nothing was written.
    """
    opdracht = Opdracht(pseudoniem=pseudoniem, maand=diensten.vandaag().strftime("%Y-%m"))
    gevonden = diensten.idempotentie.eenmalig(
        partial(_maandelijks_eenmaal, diensten),
        opdracht,
        Gevonden,
        bewaar_seconden=BEWAARTERMIJN_SLEUTEL,
        context=context,
    )
    return gevonden.meldingen


def _maandelijks_eenmaal(diensten: Maandcheckdiensten, opdracht: Opdracht) -> Gevonden:
    return Gevonden(meldingen=controleer(diensten, opdracht.pseudoniem))


def controleer(diensten: Maandcheckdiensten, pseudoniem: str) -> list[Melding]:
    """The check with no resident present; the meldingen it made.

    Without consent for the monthly check it deletes the resident's schedule and reads
    nothing: a revoke that stopped halfway repairs itself.
    """
    bronnen = bronnen_voor(diensten, pseudoniem, Doel.maandcheck)
    if not bronnen:
        diensten.planner.verwijder(pseudoniem)
        return []
    bsn_versleuteld = diensten.profielen.bsn_versleuteld(pseudoniem)
    if bsn_versleuteld is None:  # no BSN kept: nothing to ask the sources with
        return []
    return _controleer(diensten, pseudoniem, bronnen, bsn_versleuteld, SYSTEEM)


def op_verzoek(diensten: Meldingdiensten, principal: Principal) -> list[Melding]:
    """POST /v1/maandchecks: the check now, for the calling resident; 403 without consent.

    Not keyed by month: it compares with the baseline the last check left, so running it
    again right away finds nothing new.
    """
    pseudoniem = burger(principal)
    bronnen = bronnen_voor(diensten, pseudoniem, Doel.maandcheck)
    if not bronnen:
        raise GeenToestemming(
            "Er is voor geen enkele bron toestemming voor de maandcheck"
            f" (bronnen: {', '.join(b.value for b in Bron)})."
        )
    assert principal.bsn_versleuteld is not None
    door = audit.actor(principal)
    return _controleer(
        diensten, pseudoniem, bronnen, principal.bsn_versleuteld, door, audit.namens(principal)
    )


def _controleer(
    diensten: Meldingdiensten,
    pseudoniem: str,
    bronnen: Mapping[Bron, int],
    bsn_versleuteld: str,
    door: str,
    namens: dict[str, str] | None = None,
) -> list[Melding]:
    """Fetch, evaluate, compare, and write the outcome in one transaction; `namens`: who asked
    for the resident (vil.services.audit.namens), for the audit."""
    moment, vandaag = diensten.nu(), diensten.vandaag()
    gegevens = _vooraf_invullen(
        diensten, pseudoniem, bronnen, bsn_versleuteld, (door, namens), vandaag
    )
    feiten = per_bron(gegevens)  # before the resident's declarations join the household
    laatste = diensten.beoordelingen.laatste(pseudoniem)
    huishouden = _met_verklaringen(gegevens, laatste)
    evaluatie = diensten.catalogus.evaluate(huishouden, vandaag, gegevens.herkomst)
    stand = diensten.maandchecks.stand(pseudoniem)
    basis = stand.regelingen if stand else _uitkomsten(laatste)
    regelingen, wijzigingen = _vergelijk(
        evaluatie.resultaten, basis, _toekenningen(diensten, pseudoniem, vandaag)
    )
    meldingen: list[Melding] = []
    herzieningen: list[tuple[Aanvraag, Beslisverslag, AanvraagEvent]] = []
    for wijziging in wijzigingen:
        tekst = _tekst(wijziging, vandaag)
        if wijziging.toekenning is not None:
            herzieningen.append(_herzien(diensten, wijziging, huishouden, gegevens.herkomst, tekst))
            tekst += HERZIENING
        meldingen.append(_melding(wijziging.soort, wijziging.resultaat.regeling, tekst, moment))
    gewijzigd = _gewijzigde_feiten(diensten.brongegevens.gegevens(pseudoniem), feiten)
    if gewijzigd:
        tekst = _feitentekst(_namen(gewijzigd, diensten, vandaag), vandaag)
        meldingen.append(_melding(MeldingSoort.gegevens_gewijzigd, None, tekst, moment))
    geschat_gemeld = stand.geschat_gemeld if stand else None
    schatting = _schattingtekst(evaluatie.resultaten, basis, vandaag)
    if schatting and geschat_gemeld != vandaag.year:
        meldingen.append(_melding(MeldingSoort.bedragen_geschat, None, schatting, moment))
        geschat_gemeld = vandaag.year
    nieuwe_stand = Stand(
        versie=(stand.versie if stand else 0) + 1,
        peildatum=vandaag,
        regelingen=regelingen,
        geschat_gemeld=geschat_gemeld,
    )
    # Written only while the consents read above are current: a revoke meanwhile wins (409).
    diensten.maandchecks.leg_maandcheck_vast(
        pseudoniem, nieuwe_stand, feiten, meldingen, herzieningen, bronnen
    )
    return meldingen


def _vooraf_invullen(
    diensten: Prefilldiensten,
    pseudoniem: str,
    bronnen: Collection[Bron],
    bsn_versleuteld: str,
    wie: tuple[str, dict[str, str] | None],
    peildatum: date,
) -> Prefill:
    """The sources consented for the monthly check, each read audited for every data subject
    (the resident, and their partner and children under their own pseudonyms)."""
    bsn = diensten.sleutels.ontsleutel(bsn_versleuteld)
    gegevens = diensten.bronnen.vooraf_invullen(bsn, peildatum, bronnen)
    geraadpleegd = sorted(bron.value for bron in bronnen)
    doel = Doel.maandcheck.value
    door, namens = wie
    audit.vastleggen_door(
        diensten, pseudoniem, "maandcheck", door, doel, geraadpleegd, namens=namens
    )
    for nummer in gegevens.gezinsleden:
        lid = diensten.sleutels.pseudoniem(nummer)
        audit.vastleggen_door(
            diensten, lid, "maandcheck-gezinslid", door, doel, geraadpleegd, namens=namens
        )
    return gegevens


def _met_verklaringen(gegevens: Prefill, laatste: Beoordeling | None) -> Huishouden:
    """The sources' household plus what the resident declared in their latest beoordeling for
    facts no source answered now (the woning, the aanslag, 'no prospect of more income'): the
    sources are asked again, the resident is not. Facts of sources not consented for the
    monthly check stay out (purpose limitation), so outcomes that need them stay unknown."""
    verklaringen = (
        {}
        if laatste is None
        else {
            pad: waarde_op(laatste.huishouden, pad)
            for pad, herkomst in laatste.herkomst.items()
            if herkomst.bron == "inwoner" and pad not in gegevens.herkomst
        }
    )
    return corrigeer(gegevens, verklaringen)


def _uitkomsten(beoordeling: Beoordeling | None) -> dict[str, Standuitkomst]:
    """What the beoordeling told the resident, per regeling whose entitlement it knew."""
    if beoordeling is None:
        return {}
    return {
        r.regeling: u for r in beoordeling.resultaten if (u := Standuitkomst.van(r)) is not None
    }


def _toekenningen(
    diensten: Beoordelingdiensten, pseudoniem: str, vandaag: date
) -> dict[str, Toekenning]:
    """Per regeling the resident's granted gemeente aanvraag still in its period, with its
    latest beslisverslag: what a change would revise."""
    gevonden: dict[str, Toekenning] = {}
    for aanvraag in diensten.aanvragen.aanvragen_van_burger(pseudoniem):  # newest first
        if (
            aanvraag.status is not AanvraagStatus.toegekend
            or aanvraag.gemeentecode is None
            or aanvraag.regeling in gevonden
            or aanvraag.regeling not in diensten.catalogus.ids
        ):
            continue
        regeling = diensten.catalogus.regel(aanvraag.regeling, vandaag).regeling
        verslagen = diensten.aanvragen.beslisverslagen(aanvraag.id)  # the first: the decision's
        if periode_eind(regeling, verslagen[0].peildatum) > vandaag:
            gevonden[aanvraag.regeling] = (aanvraag, verslagen[-1])
    return gevonden


def _vergelijk(
    resultaten: Iterable[Resultaat],
    basis: dict[str, Standuitkomst],
    toegekend: dict[str, Toekenning],
) -> tuple[dict[str, Standuitkomst], list[Wijziging]]:
    """The next baseline and the changes. Only a firm outcome counts (issue 4: data older than
    a regeling allows is never used to decide); the baseline keeps the last firm one. One
    exception: a plausible new right to a regeling the gemeente always decides itself
    (`handmatig`, such as the woonkostentoeslag) is reported although indicatief, since
    nothing is decided on it; it then joins the baseline, so it is reported once."""
    volgende = dict(basis)
    wijzigingen: list[Wijziging] = []
    for resultaat in resultaten:
        nieuw = Standuitkomst.van(resultaat)
        if nieuw is None:
            continue
        toekenning = toegekend.get(resultaat.regeling)
        oud = (
            Standuitkomst.van(toekenning[1].resultaat)
            if toekenning
            else basis.get(resultaat.regeling)
        )
        soort = _soort(oud, nieuw)
        if resultaat.indicatief and not (
            soort is MeldingSoort.nieuw_recht and resultaat.toekenning is Wijze.handmatig
        ):
            continue
        volgende[resultaat.regeling] = nieuw
        if soort is not None:
            wijzigingen.append(Wijziging(soort, resultaat, oud, toekenning))
    return volgende, wijzigingen


def _soort(oud: Standuitkomst | None, nieuw: Standuitkomst) -> MeldingSoort | None:
    if nieuw.recht and not (oud and oud.recht):
        return MeldingSoort.nieuw_recht
    if not nieuw.recht:
        return MeldingSoort.recht_vervallen if oud and oud.recht else None
    return MeldingSoort.bedrag_gewijzigd if oud != nieuw else None


def _tekst(wijziging: Wijziging, vandaag: date) -> str:
    """What changed for one regeling, in plain Dutch."""
    naam = wijziging.resultaat.naam
    nieuw = Standuitkomst.van(wijziging.resultaat)
    assert nieuw is not None
    if wijziging.soort is MeldingSoort.bedrag_gewijzigd:
        was = _bedrag(wijziging.oud) or "onbekend"
        return f"Het bedrag van {naam} is veranderd: het was {was}, nu {_bedrag(nieuw)}."
    if wijziging.soort is MeldingSoort.recht_vervallen:
        redenen = [v.uitleg for v in wijziging.resultaat.voorwaarden if v.voldaan is False]
        return " ".join(
            [f"Volgens uw gegevens van {datum(vandaag)} heeft u geen recht meer op {naam}.",
             *redenen]
        )  # fmt: skip
    bedrag = _bedrag(nieuw)
    if wijziging.resultaat.indicatief:  # a plausible right the gemeente decides (see _vergelijk)
        tekst = f"Volgens uw gegevens van {datum(vandaag)} heeft u mogelijk recht op {naam}"
        tekst += f", naar schatting {bedrag}." if bedrag else "."
        return tekst + " De gemeente beslist; u kunt het aanvragen via VIL."
    tekst = f"Volgens uw gegevens van {datum(vandaag)} heeft u recht op {naam}"
    tekst += f": {bedrag}." if bedrag else "."
    return tekst if wijziging.toekenning else tekst + " U kunt het aanvragen via VIL."


def _schattingtekst(
    resultaten: Iterable[Resultaat], basis: dict[str, Standuitkomst], vandaag: date
) -> str | None:
    """That the new year's amounts are not set yet, for the regelingen the resident was entitled
    to whose outcome is now an estimate with last year's amounts; None if there are none. (An
    older gap, such as amounts a gemeente never published, shows in every beoordeling already.)"""
    vorig_jaar = vandaag.year - 1
    namen = [
        r.naam
        for r in resultaten
        if r.geschat_met_bedragen_van == vorig_jaar
        and (oud := basis.get(r.regeling)) is not None
        and oud.recht
    ]
    if not namen:
        return None
    return (
        f"De bedragen voor {vandaag.year} van {_opsomming(namen)} zijn nog niet vastgesteld."
        f" Tot dan rekent VIL met de bedragen van {vorig_jaar}: een schatting. Daarom meldt VIL"
        " u nu geen ander bedrag; zodra de nieuwe bedragen vastgesteld zijn, vergelijkt de"
        " maandcheck weer."
    )


def _feitentekst(namen: str, vandaag: date) -> str:
    return (
        f"Bij de maandcheck van {datum(vandaag)} gaven de bronnen andere gegevens dan de vorige"
        f" keer: {namen}. Klopt een gegeven niet? Neem dan contact op met de instantie die het"
        " bijhoudt."
    )


def _bedrag(uitkomst: Standuitkomst | None) -> str:
    if uitkomst is None:
        return ""
    if uitkomst.bedrag_per_maand is not None:
        return f"{euro(Decimal(uitkomst.bedrag_per_maand), centen=True)} per maand"
    if uitkomst.bedrag_eenmalig is not None:
        return euro(Decimal(uitkomst.bedrag_eenmalig), centen=True)
    if uitkomst.bedrag_per_jaar is not None:
        return f"{euro(Decimal(uitkomst.bedrag_per_jaar), centen=True)} per jaar"
    return ""


def _melding(soort: MeldingSoort, regeling: str | None, tekst: str, moment: datetime) -> Melding:
    return Melding(
        id=uuid.uuid4().hex, soort=soort, regeling=regeling, tekst=tekst, aangemaakt=moment
    )


def _herzien(
    diensten: Meldingdiensten,
    wijziging: Wijziging,
    huishouden: Huishouden,
    herkomst: dict[str, FeitHerkomst],
    tekst: str,
) -> tuple[Aanvraag, Beslisverslag, AanvraagEvent]:
    """The granted aanvraag with its herziening, a beslisverslag of the new evaluation, and the
    `herzien` event: the status stays `toegekend` until the gemeente decides again."""
    assert wijziging.toekenning is not None
    aanvraag, verslag = wijziging.toekenning
    nieuw = Standuitkomst.van(wijziging.resultaat)
    assert nieuw is not None
    moment, vandaag = diensten.nu(), diensten.vandaag()
    herzien = aanvraag.model_copy(
        update={
            "gewijzigd_op": moment,
            "toelichting": (
                f"De maandcheck van {datum(vandaag)} vond een wijziging; de gemeente bekijkt uw"
                " toekenning opnieuw."
            ),
            "herziening": Herziening(datum=vandaag, toelichting=tekst, **nieuw.model_dump()),
        }
    )
    nieuw_verslag = verslag.model_copy(
        update={
            "regelversie": wijziging.resultaat.regelversie,
            "peildatum": vandaag,
            "huishouden": huishouden.model_dump(mode="json", by_alias=True, exclude_none=True),
            "herkomst": herkomst,
            "resultaat": wijziging.resultaat,
            "door": "vil",
            "motivering": f"Maandcheck van {datum(vandaag)}: {tekst}",
            "op": moment,
        }
    )
    return herzien, nieuw_verslag, diensten.uitgever.over(herzien, herzien=True)


def _gewijzigde_feiten(oud: dict[str, Any], nieuw: dict[Bron, dict[str, Any]]) -> list[str]:
    """The fact paths that differ, for each source that answered both now and before (a
    source that failed now changes nothing)."""
    paden: list[str] = []
    for bron, feiten in nieuw.items():
        vorige = oud.get(bron.value)
        if vorige is not None:
            paden += [
                pad
                for pad in sorted(vorige.keys() | feiten.keys())
                if _anders(vorige.get(pad), feiten.get(pad))
            ]
    return paden


def _anders(oud: Any, nieuw: Any) -> bool:
    """Whether a fact changed. A month series (income history) shifts by a month every month:
    only the months both hold count. A fact that holds others (the partner, the children)
    changes only in their number; their own facts are compared by themselves."""
    if _maandreeks(oud) and _maandreeks(nieuw):
        voor, na = ({m["maand"]: m for m in reeks} for reeks in (oud, nieuw))
        return any(voor[maand] != na[maand] for maand in voor.keys() & na.keys())
    return bool(_vorm(oud) != _vorm(nieuw))


def _maandreeks(waarde: Any) -> bool:
    return isinstance(waarde, list) and all(
        isinstance(item, dict) and "maand" in item for item in waarde
    )


def _vorm(waarde: Any) -> Any:
    if isinstance(waarde, dict):
        return {}
    if isinstance(waarde, list):
        return len(waarde)
    return waarde


def _namen(paden: list[str], diensten: Beoordelingdiensten, vandaag: date) -> str:
    """The changed facts as the rule files describe them ('uw toetsingsinkomen'), in a list."""
    omschrijvingen: dict[str, str] = {}
    for regel in diensten.catalogus.in_force(vandaag):
        for pad, invoer in regel.regeling.invoer.items():
            if invoer.omschrijving:
                omschrijvingen.setdefault(pad, invoer.omschrijving)
    namen: list[str] = []
    for pad in paden:
        kort = pad.removeprefix(PREFIX)
        namen.append(
            omschrijvingen.get(kort)
            or omschrijvingen.get(kort.split("[")[0])  # a child's fact: 'kinderen'
            or kort
        )
    return _opsomming(namen)


def _opsomming(namen: list[str]) -> str:
    """'a', 'a en b', 'a, b en c' (each name once)."""
    uniek = list(dict.fromkeys(namen))
    return uniek[0] if len(uniek) == 1 else f"{', '.join(uniek[:-1])} en {uniek[-1]}"
