"""The beheermodule: a gemeente's beheerders propose, check and approve versions of their own
parameters of a regeling (issue 13 items 1, 2, 4 and 7; docs/beheer.md).

- **Scope**: a beheerder acts on the regelingen of their own gemeente only (another gemeente's
  regeling is a 404, as for any resource of someone else). Of a regeling of their gemeente
  alone, its own parameters are the gemeente's; the shared, statutory parameters
  (rules/parameters/gedeeld.yaml, the Rijk's) are read-only. Of a regeling of several
  gemeenten (kwijtschelding) only the parameters its rule file marks as a gemeente's choice
  (`gemeentekeuze`, with the law's bounds), and the gemeente's value holds for its residents
  alone.
- **Validation like a rule file**: the proposal is merged into the regeling's rule file and
  compiled by the same loader (`Catalogus.met_regeling`: types, units, a value on every test
  date), then every test case of the regeling runs, with the beheerder's cases added or
  superseding ones of the same name. Anything that fails is a 400 listing every problem, and
  nothing is stored.
- **Four eyes**: the proposer submits (`ter-goedkeuring`) or withdraws; a second beheerder of the
  same gemeente, never the proposer, approves or rejects with a reason. An approval names the
  impact report its approver saw (`vil.services.impactrapport`), finished, of this version.
- **Taking effect** (items 5-7): an approval publishes the version (the version pointer moves,
  with the `nl.vil.regeling.gewijzigd` event, in one transaction) on the condition that it
  still builds on the last published version; every function's catalogue has it within a
  minute, from `in_werking_vanaf` (its ingangsdatum, or the day of approval if that is later:
  the past is never rewritten). `actief` and `vervangen` are derived when read. A rollback is a
  new version with the document from before the latest published version, through the same
  four eyes.
- Every act is audited, with the regeling and gemeente as its subject (no resident's data is
  read).
"""

from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from vil.fouten import Conflict, GeenToestemming, NietGeauthenticeerd, NietGevonden, OngeldigVerzoek
from vil.models.beheer import (
    CorrectieRequest,
    GoedkeuringRequest,
    Handeling,
    Impactstatus,
    Rapportverwijzing,
    Regelingversie,
    TerugdraaiingRequest,
    Versiestatus,
    VersiestatusRequest,
    VersievoorstelRequest,
)
from vil.models.identiteit import Principal, Principalsoort
from vil.models.regeling import Eenheid, Regeling, Testgeval
from vil.observability import logger
from vil.rules import Catalogus
from vil.rules.laden import RegelFout
from vil.rules.regel import CompiledRegeling
from vil.rules.testgevallen import run
from vil.services.diensten import Beheerdiensten

# A percentage is written as 1.912 in a rule file; no parameter of a regeling lies outside these.
GRENZEN: dict[Eenheid, tuple[Decimal, Decimal]] = {
    Eenheid.procent: (Decimal(0), Decimal(1000)),
    Eenheid.jaar: (Decimal(0), Decimal(150)),
    Eenheid.maand: (Decimal(0), Decimal(1200)),
}


class Beheerder:
    """The calling beheerder: their gemeente and their own id (for the four-eyes rule)."""

    def __init__(self, principal: Principal) -> None:
        if principal.soort is Principalsoort.anoniem:
            raise NietGeauthenticeerd("Log in als beheerder van een gemeente.")
        if (
            principal.soort is not Principalsoort.beheerder
            or not principal.gemeentecode
            or not principal.medewerker
        ):
            raise GeenToestemming("Alleen een beheerder van een gemeente (met medewerker-id).")
        self.gemeentecode: str = principal.gemeentecode
        self.medewerker: str = principal.medewerker


def regeling_van(
    diensten: Beheerdiensten, wie: Beheerder, regeling_id: str, catalogus: Catalogus | None = None
) -> CompiledRegeling:
    """The regeling as last published (the rule file with every published version: what a new
    version builds on), if it is one of the beheerder's gemeente; else 404."""
    catalogus = catalogus or diensten.catalogus
    if regeling_id not in catalogus.ids:
        raise NietGevonden("Deze regeling bestaat niet.")
    laatste = catalogus.versions(regeling_id)[-1].regel
    if wie.gemeentecode not in (laatste.regeling.gemeenten or {}):
        raise NietGevonden("Deze regeling is niet van uw gemeente.")
    return laatste


def keuzes(regeling: Regeling) -> list[str]:
    """The parameters a gemeente of the regeling may set: of a regeling of one gemeente all its
    own, of a regeling of several those marked as a gemeente's choice (`gemeentekeuze`)."""
    gedeeld = len(regeling.gemeenten or {}) > 1
    return [n for n, p in regeling.parameters.items()
            if not gedeeld or p.gemeentekeuze is not None]  # fmt: skip


def stel_voor(
    diensten: Beheerdiensten, principal: Principal, regeling_id: str, verzoek: VersievoorstelRequest
) -> Regelingversie:
    """POST /v1/regelingen/{id}/versies: a concept, once it passes every check."""
    wie = Beheerder(principal)
    basis = regeling_van(diensten, wie, regeling_id)
    versie = _concept(
        diensten, wie, regeling_id, basis.versie, "voorgesteld",
        ingangsdatum=verzoek.ingangsdatum, toelichting=verzoek.toelichting,
        waarden=verzoek.waarden, tests=_gevallen(verzoek),
        eigen_verklaring=verzoek.eigen_verklaring,
    )  # fmt: skip
    voorgesteld = _met_voorstel(basis.regeling, versie, diensten.catalogus.shared)
    catalogus = _controleer(diensten.catalogus, voorgesteld)
    return _bewaar_concept(diensten, wie, versie, catalogus)


def _concept(
    diensten: Beheerdiensten,
    wie: "Beheerder",
    regeling_id: str,
    basisversie: str,
    handeling: str,
    **velden: Any,
) -> Regelingversie:
    """A new concept version of the gemeente, numbered and with its first act; `regelversie`
    is set by `_bewaar_concept` once its document is known."""
    return Regelingversie(
        regeling=regeling_id,
        gemeentecode=wie.gemeentecode,
        versie=_volgend_nummer(diensten, regeling_id, wie),
        status=Versiestatus.concept,
        regelversie="",
        voorgesteld_door=wie.medewerker,
        geschiedenis=[Handeling(handeling=handeling, door=wie.medewerker, op=diensten.nu())],
        basisversie=basisversie,
        **velden,
    )


def _bewaar_concept(
    diensten: Beheerdiensten, wie: "Beheerder", versie: Regelingversie, catalogus: Catalogus
) -> Regelingversie:
    """The concept with the version of the document it gives (on `catalogus`), audited with
    its first act and stored."""
    regel = catalogus.regel(versie.regeling, versie.ingangsdatum)
    versie = versie.model_copy(update={"regelversie": regel.versie})
    _audit(diensten, versie, versie.geschiedenis[0].handeling, wie)
    diensten.regelingversies.bewaar(versie, None)
    return versie


def draai_terug(
    diensten: Beheerdiensten,
    principal: Principal,
    regeling_id: str,
    nummer: int,
    verzoek: TerugdraaiingRequest,
) -> Regelingversie:
    """POST …/versies/{versie}/terugdraaiingen: a concept that makes the values from before the
    latest published version (`nummer`) apply again from its ingangsdatum; submitted and
    approved like any version (four eyes)."""
    wie = Beheerder(principal)
    laatste = regeling_van(diensten, wie, regeling_id)
    _gelezen(diensten, wie, regeling_id, nummer)
    _laatst_gepubliceerd(diensten, wie, regeling_id, nummer)
    versie = _concept(
        diensten, wie, regeling_id, laatste.versie, "voorgesteld",
        ingangsdatum=verzoek.ingangsdatum, toelichting=verzoek.toelichting,
        waarden=[], tests=[], terugdraaiing_van=nummer,
    )  # fmt: skip
    return _bewaar_concept(diensten, wie, versie, catalogus_met(diensten, versie))


def _laatst_gepubliceerd(
    diensten: Beheerdiensten, wie: "Beheerder", regeling_id: str, nummer: int
) -> None:
    """A 409 unless `nummer` is the gemeente's latest published version (corrections aside)
    and no other gemeente published a version of the regeling since: a rollback brings back
    the document from before it, which would drop what was published after it."""
    versies = diensten.regelingversies.versies(regeling_id, wie.gemeentecode)
    eigen = [v for v in _gepubliceerd(versies) if v.correctie_van is None]
    if not eigen or eigen[-1].versie != nummer:
        raise Conflict("Alleen de laatst goedgekeurde versie kan worden teruggedraaid.")
    publicaties = [p for p in diensten.regelingversies.wijzer().publicaties
                   if p.regeling == regeling_id]  # fmt: skip
    if publicaties and publicaties[-1].gemeentecode != wie.gemeentecode:
        raise Conflict("Sindsdien publiceerde een andere gemeente een versie van deze regeling.")


def corrigeer(
    diensten: Beheerdiensten,
    principal: Principal,
    regeling_id: str,
    nummer: int,
    verzoek: CorrectieRequest,
) -> Regelingversie:
    """POST …/versies/{versie}/correcties: a correction of the past, as a concept. It gives
    values of the published version `nummer` another value for every peildatum since that
    version took effect; submitted, checked for its impact and approved like any version (four
    eyes). What was decided before keeps the version it used (docs/beheer.md)."""
    wie = Beheerder(principal)
    basis = regeling_van(diensten, wie, regeling_id)
    fout = _te_corrigeren(diensten, wie, regeling_id, nummer)
    _gecorrigeerde_waarden(diensten, fout, verzoek)
    versie = _concept(
        diensten, wie, regeling_id, basis.versie, "correctie-voorgesteld",
        ingangsdatum=fout.in_werking_vanaf or fout.ingangsdatum, toelichting=verzoek.toelichting,
        waarden=verzoek.waarden, tests=_gevallen(verzoek), correctie_van=nummer,
    )  # fmt: skip
    # The loader's checks and the test cases on the latest document with the corrected values
    # (a value may date from before the day the version took effect: check it from its own)
    controle = versie.model_copy(update={"ingangsdatum": fout.ingangsdatum})
    _controleer(diensten.catalogus, _met_voorstel(basis.regeling, controle,
                                                  diensten.catalogus.shared))  # fmt: skip
    return _bewaar_concept(diensten, wie, versie, catalogus_met(diensten, versie))


def _te_corrigeren(
    diensten: Beheerdiensten, wie: "Beheerder", regeling_id: str, nummer: int
) -> Regelingversie:
    """The version a correction is of: published with values of its own, in force already."""
    fout = _gelezen(diensten, wie, regeling_id, nummer)
    if fout.status is not Versiestatus.goedgekeurd:
        raise Conflict(f"Alleen een goedgekeurde versie wordt gecorrigeerd, niet {fout.status}.")
    if fout.correctie_van is not None or fout.terugdraaiing_van is not None:
        raise Conflict(
            "Corrigeer de versie met de waarden zelf, niet een correctie of terugdraaiing."
        )
    if (fout.in_werking_vanaf or fout.ingangsdatum) > diensten.vandaag():
        raise Conflict(
            "Deze versie geldt nog niet: stel een nieuwe versie voor vanaf dezelfde datum."
        )
    # After its rollback a correction would bring its values back into the documents since
    versies = diensten.regelingversies.versies(regeling_id, wie.gemeentecode)
    if any(v.terugdraaiing_van == nummer for v in _gepubliceerd(versies)):
        raise Conflict("Deze versie is teruggedraaid; haar waarden gelden niet meer.")
    return fout


def _gecorrigeerde_waarden(
    diensten: Beheerdiensten, fout: Regelingversie, verzoek: CorrectieRequest
) -> None:
    """A 400 for a value the version did not set (the same parameter and `vanaf`); a 409 when
    a later version of the gemeente set it again (correct that one)."""
    eigen = {(w.parameter, w.vanaf) for w in fout.waarden}
    fouten = [
        (f"body.waarden.{i}", f"versie {fout.versie} stelde geen waarde van '{w.parameter}'"
                              f" vanaf {w.vanaf} vast")
        for i, w in enumerate(verzoek.waarden) if (w.parameter, w.vanaf) not in eigen
    ]  # fmt: skip
    if fouten:
        raise OngeldigVerzoek("Een correctie verbetert waarden van de versie zelf.", fouten)
    gevraagd = {(w.parameter, w.vanaf) for w in verzoek.waarden}
    versies = diensten.regelingversies.versies(fout.regeling, fout.gemeentecode)
    later = [v for v in _gepubliceerd(versies) if v.versie > fout.versie
             and v.correctie_van is None and v.terugdraaiing_van is None]  # fmt: skip
    for volgende in later:
        if gevraagd & {(w.parameter, w.vanaf) for w in volgende.waarden}:
            raise Conflict(
                f"Versie {volgende.versie} stelde deze waarde opnieuw vast; corrigeer die versie."
            )


def _volgend_nummer(diensten: Beheerdiensten, regeling_id: str, wie: "Beheerder") -> int:
    bestaand = diensten.regelingversies.versies(regeling_id, wie.gemeentecode)
    return max((v.versie for v in bestaand), default=0) + 1


def versies(
    diensten: Beheerdiensten, principal: Principal, regeling_id: str
) -> list[Regelingversie]:
    """GET /v1/regelingen/{id}/versies: the gemeente's versions, newest first, each with its
    status today (`actief`, `vervangen` derived)."""
    wie = Beheerder(principal)
    regeling_van(diensten, wie, regeling_id)
    gevonden = _zoals_vandaag(
        diensten.regelingversies.versies(regeling_id, wie.gemeentecode), diensten.vandaag()
    )
    return sorted(gevonden, key=lambda v: v.versie, reverse=True)


def versie(
    diensten: Beheerdiensten, principal: Principal, regeling_id: str, nummer: int
) -> Regelingversie:
    """GET /v1/regelingen/{id}/versies/{versie}, with its status today."""
    _gelezen(diensten, Beheerder(principal), regeling_id, nummer)  # a 404 when absent
    return next(v for v in versies(diensten, principal, regeling_id) if v.versie == nummer)


def _gelezen(
    diensten: Beheerdiensten, wie: Beheerder, regeling_id: str, nummer: int
) -> Regelingversie:
    """One version as stored (its status as last written), within the beheerder's scope."""
    regeling_van(diensten, wie, regeling_id)
    gevonden = diensten.regelingversies.versie(regeling_id, wie.gemeentecode, nummer)
    if gevonden is None:
        raise NietGevonden("Deze versie bestaat niet.")
    return gevonden


def _gepubliceerd(versies: list[Regelingversie]) -> list[Regelingversie]:
    """The approved versions in the order of publication: by the day they take effect, then
    by the moment of approval (an approval never takes effect before an earlier one)."""
    goedgekeurd = [v for v in versies if v.status is Versiestatus.goedgekeurd]
    return sorted(goedgekeurd, key=lambda v: (v.in_werking_vanaf or v.ingangsdatum,
                                               v.geschiedenis[-1].op))  # fmt: skip


def _zoals_vandaag(versies: list[Regelingversie], vandaag: date) -> list[Regelingversie]:
    """Each version with its status today: of the approved ones in force, the last published
    is `actief` and the others `vervangen`; one that takes effect later stays `goedgekeurd`.
    An approved correction shares the status of the version it corrects, which lists it
    (`correcties`). Derived, not stored: the day decides, as it decides which values a
    peildatum gets."""
    gepubliceerd = _gepubliceerd(versies)
    in_werking = [v for v in gepubliceerd if v.correctie_van is None
                  and (v.in_werking_vanaf or v.ingangsdatum) <= vandaag]  # fmt: skip
    status = {v.versie: Versiestatus.vervangen for v in in_werking[:-1]}
    if in_werking:
        status[in_werking[-1].versie] = Versiestatus.actief
    correcties: dict[int, list[int]] = {}
    for correctie in gepubliceerd:
        if correctie.correctie_van is not None:
            correcties.setdefault(correctie.correctie_van, []).append(correctie.versie)
            if correctie.correctie_van in status:
                status[correctie.versie] = status[correctie.correctie_van]
    return [
        v.model_copy(update={"status": status.get(v.versie, v.status),
                             "correcties": correcties.get(v.versie, [])})
        for v in versies
    ]  # fmt: skip


def wijzig_status(
    diensten: Beheerdiensten,
    principal: Principal,
    regeling_id: str,
    nummer: int,
    verzoek: VersiestatusRequest,
) -> Regelingversie:
    """PATCH …/versies/{versie}: the proposer submits a concept for approval, or withdraws a
    version not yet decided."""
    wie = Beheerder(principal)
    huidig = _gelezen(diensten, wie, regeling_id, nummer)
    if huidig.voorgesteld_door != wie.medewerker:
        raise GeenToestemming("Alleen wie de versie voorstelde, dient haar in of trekt haar in.")
    if verzoek.status == Versiestatus.ter_goedkeuring.value:
        van, naar, handeling = [Versiestatus.concept], Versiestatus.ter_goedkeuring, "ingediend"
    else:
        van = [Versiestatus.concept, Versiestatus.ter_goedkeuring]
        naar, handeling = Versiestatus.ingetrokken, "ingetrokken"
    if huidig.status not in van:
        raise Conflict(f"Een versie met status {huidig.status.value} kan niet {handeling} worden.")
    return _verder(diensten, huidig, naar, Handeling(handeling=handeling, door=wie.medewerker,
                                                     op=diensten.nu()), wie)  # fmt: skip


def keur(
    diensten: Beheerdiensten,
    principal: Principal,
    regeling_id: str,
    nummer: int,
    verzoek: GoedkeuringRequest,
) -> Regelingversie:
    """POST …/versies/{versie}/goedkeuringen: a second beheerder of the same gemeente, never
    the proposer, approves, or rejects with a reason."""
    wie = Beheerder(principal)
    huidig = _gelezen(diensten, wie, regeling_id, nummer)
    if huidig.voorgesteld_door == wie.medewerker:
        raise GeenToestemming("Vier ogen: een andere beheerder dan de voorsteller keurt goed.")
    if verzoek.besluit == "afkeuren" and verzoek.reden is None:
        raise OngeldigVerzoek(
            "Afkeuren vraagt een reden.", [("body.reden", "verplicht bij afkeuren")]
        )
    if huidig.status is not Versiestatus.ter_goedkeuring:
        raise Conflict(f"De versie is niet ter goedkeuring maar {huidig.status.value}.")
    goed = verzoek.besluit == "goedkeuren"
    naar = Versiestatus.goedgekeurd if goed else Versiestatus.afgekeurd
    handeling = Handeling(
        handeling=naar.value, door=wie.medewerker, op=diensten.nu(), reden=verzoek.reden
    )
    if goed:
        gezien = _gezien(diensten, huidig, verzoek.impactrapport)
        return _publiceer(diensten, huidig, handeling, wie, gezien)
    return _verder(diensten, huidig, naar, handeling, wie)


def _publiceer(
    diensten: Beheerdiensten,
    huidig: Regelingversie,
    handeling: Handeling,
    wie: Beheerder,
    gezien: Rapportverwijzing,
) -> Regelingversie:
    """Approve and publish: the version, the pointer and the event in one transaction, only if
    the version still builds on the last published one and takes effect no earlier than it."""
    wijzer, catalogus = diensten.regels.vers()
    laatste = catalogus.versions(huidig.regeling)[-1]
    if huidig.basisversie is not None and laatste.regel.versie != huidig.basisversie:
        raise Conflict(
            "Sinds het voorstel is een andere versie gepubliceerd: deze versie bouwt daar niet op"
            " voort. Stel haar opnieuw voor."
        )
    # A correction of the past applies from its own (past) day, the corrected version's; any
    # other version from its ingangsdatum, never before today nor before an earlier approval.
    vanaf = huidig.ingangsdatum
    if huidig.correctie_van is None:
        vanaf = max(vanaf, diensten.vandaag())
    if huidig.correctie_van is None and vanaf < laatste.geldig_vanaf:
        raise Conflict(
            f"Een eerder goedgekeurde versie gaat pas in op {laatste.geldig_vanaf}; deze versie"
            " kan niet eerder ingaan."
        )
    gekeurd = huidig.model_copy(
        update={
            "status": Versiestatus.goedgekeurd,
            "goedgekeurd_door": wie.medewerker,
            "impactrapport": gezien,
            "in_werking_vanaf": vanaf,
            "geschiedenis": [*huidig.geschiedenis, handeling],
        }
    )
    _audit(diensten, gekeurd, handeling.handeling, wie)
    gebeurtenis = diensten.uitgever.over_regeling(gekeurd, handeling.op)
    diensten.regelingversies.publiceer(gekeurd, huidig.status, wijzer, gebeurtenis)
    diensten.regels.vers()  # this process evaluates with it at once; the others within a minute
    logger.info("Regelingversie gepubliceerd", regeling=gekeurd.regeling, versie=gekeurd.versie)
    # Its status today among the gemeente's versions (a correction shares the corrected one's)
    alle = diensten.regelingversies.versies(gekeurd.regeling, gekeurd.gemeentecode)
    return next(v for v in _zoals_vandaag(alle, diensten.vandaag()) if v.versie == gekeurd.versie)


def _gezien(
    diensten: Beheerdiensten, versie: Regelingversie, verwijzing: Rapportverwijzing | None
) -> Rapportverwijzing:
    """The report an approver names: required (400), and a finished report of this version
    with that hash (409 otherwise: run it, wait for it, or read it again)."""
    if verwijzing is None:
        raise OngeldigVerzoek(
            "Goedkeuren vraagt het impactrapport dat u zag.",
            [("body.impactrapport", "verplicht bij goedkeuren: id en hash van het rapport")],
        )
    rapport = diensten.impactrapporten.rapport(
        versie.regeling, versie.gemeentecode, versie.versie, verwijzing.id
    )
    if rapport is None or rapport.status is not Impactstatus.klaar:
        raise Conflict("Er is geen afgerond impactrapport met dit id voor deze versie.")
    if rapport.hash != verwijzing.hash:
        raise Conflict("De hash is niet die van dit impactrapport; lees het opnieuw.")
    return verwijzing


def _verder(
    diensten: Beheerdiensten,
    huidig: Regelingversie,
    naar: Versiestatus,
    handeling: Handeling,
    wie: Beheerder,
) -> Regelingversie:
    nieuw = huidig.model_copy(
        update={"status": naar, "geschiedenis": [*huidig.geschiedenis, handeling]}
    )
    _audit(diensten, nieuw, handeling.handeling, wie)
    diensten.regelingversies.bewaar(nieuw, huidig.status)
    return nieuw


def _met_voorstel(
    regeling: Regeling, verzoek: Regelingversie, wettelijk: Collection[str]
) -> Regeling:
    """The regeling's rule file with the proposed values (replacing one of the same date and
    gemeente) and test cases (replacing one of the same name); a 400 listing every value that
    is not the gemeente's to change or lies before the ingangsdatum."""
    fouten = list(_waardefouten(regeling, verzoek, wettelijk))
    if fouten:
        raise OngeldigVerzoek("Deze waarden kan de gemeente niet zo voorstellen.", fouten)
    try:
        return verzoek.pas_toe(regeling)
    except ValueError as error:  # pydantic: the proposal broke the rule file's model
        raise OngeldigVerzoek("De voorgestelde versie is geen geldige regeling.",
                              [("body", str(error))]) from error  # fmt: skip


def _gevallen(verzoek: VersievoorstelRequest | CorrectieRequest) -> list[Testgeval]:
    """The beheerder's test cases as the rule file's model; a 400 listing every error."""
    gevallen: list[Testgeval] = []
    fouten: list[tuple[str, str]] = []
    for i, document in enumerate(verzoek.tests):
        try:
            gevallen.append(Testgeval.model_validate(document))
        except ValidationError as error:
            fouten += [
                (".".join(["body.tests", str(i), *map(str, item["loc"])]), item["msg"])
                for item in error.errors()
            ]
    if fouten:
        raise OngeldigVerzoek("Deze testgevallen zijn niet zoals in een regelbestand.", fouten)
    return gevallen


def _waardefouten(
    regeling: Regeling, verzoek: Regelingversie, wettelijk: Collection[str]
) -> Iterator[tuple[str, str]]:
    # In a regeling of several gemeenten only the parameters marked as a gemeente's choice are
    # the gemeente's, and its eigenVerklaring (one list for all of them) is not.
    eigen = keuzes(regeling)
    if len(regeling.gemeenten or {}) > 1 and verzoek.eigen_verklaring is not None:
        yield "body.eigenVerklaring", "geldt voor alle gemeenten van de regeling: alleen te lezen"
    for i, pad in enumerate(verzoek.eigen_verklaring or []):
        if pad not in regeling.invoer:
            yield f"body.eigenVerklaring.{i}", f"'{regeling.id}' heeft geen invoer '{pad}'"
    for i, waarde in enumerate(verzoek.waarden):
        waar = f"body.waarden.{i}"
        parameter = regeling.parameters.get(waarde.parameter)
        if parameter is None or waarde.parameter not in eigen:
            yield f"{waar}.parameter", _alleen_te_lezen(regeling, waarde.parameter, wettelijk)
            continue
        if waarde.vanaf < verzoek.ingangsdatum:
            yield f"{waar}.vanaf", f"ligt voor de ingangsdatum {verzoek.ingangsdatum}"
        laag, hoog = GRENZEN.get(parameter.eenheid, (Decimal(0), Decimal(10_000_000)))
        if parameter.gemeentekeuze is not None:  # the law's bounds of the gemeente's choice
            laag, hoog = parameter.gemeentekeuze.minimum, parameter.gemeentekeuze.maximum
        if not laag <= waarde.waarde <= hoog:
            yield f"{waar}.waarde", f"buiten {laag}..{hoog} ({parameter.eenheid.value})"


def _alleen_te_lezen(regeling: Regeling, naam: str, wettelijk: Collection[str]) -> str:
    """Why a beheerder cannot set this parameter."""
    if naam in wettelijk:
        return "een wettelijke parameter (Rijk, gedeeld): alleen te lezen"
    if naam in regeling.parameters:
        return (
            f"'{regeling.id}' geldt voor meerdere gemeenten; '{naam}' is geen keuze van de"
            " gemeente (alleen te lezen)"
        )
    return f"'{regeling.id}' heeft geen eigen parameter '{naam}'"


def _controleer(catalogus: Catalogus, regeling: Regeling) -> Catalogus:
    """The loader's checks and every test case, on a catalogue with the proposed version."""
    try:
        voorgesteld = catalogus.met_regeling(regeling, f"voorstel {regeling.id}")
    except RegelFout as fout:
        raise OngeldigVerzoek(
            "De voorgestelde versie haalt de controles van de regels niet.",
            [("body", probleem) for probleem in fout.problems],
        ) from fout
    mislukt = [
        (f"body.tests.{case.naam}", "; ".join(verschillen))
        for case in regeling.tests
        if (verschillen := run(voorgesteld, regeling.id, case))
    ]
    if mislukt:
        raise OngeldigVerzoek(
            "Testgevallen van de regeling slagen niet met deze waarden: pas ze aan met een"
            " vervangend testgeval (dezelfde naam, de nieuwe bedragen en hun bron).",
            mislukt,
        )
    return voorgesteld


def _audit(
    diensten: Beheerdiensten, versie: Regelingversie, handeling: str, wie: Beheerder
) -> None:
    """Every act, with the regeling and gemeente as its subject (no resident is involved)."""
    onderwerp = f"regeling:{versie.regeling}:{versie.gemeentecode}"
    trace_id = logger.get_correlation_id() or "onbekend"
    diensten.audit.schrijf(
        onderwerp,
        f"regelingversie-{handeling}",
        f"beheerder:{wie.gemeentecode}:{wie.medewerker}",
        "beheer",
        f"versie {versie.versie}",
        trace_id,
        diensten.nu(),
    )


def catalogus_met(diensten: Beheerdiensten, versie: Regelingversie) -> Catalogus:
    """The catalogue in force with `versie` added as publishing it would add it (from its
    ingangsdatum): what its impact compares with the catalogue in force. The one definition of
    what a version does, a rollback or a correction included, is `vil.rules.publicaties`."""
    try:
        return diensten.regels.met(versie)
    except (RegelFout, ValueError, LookupError) as fout:
        raise Conflict(
            "De versie bouwt niet (meer) voort op wat gepubliceerd is; stel haar opnieuw voor."
        ) from fout
