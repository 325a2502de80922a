"""The beheer pages' presentation: a regeling's parameters as rows, the proposal form read into
the API's own `VersievoorstelRequest`, and the service's validation errors put at the form's
fields. No check of the beheermodule lives here: vil.services.beheer decides (docs/beheer.md)."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from vil.fouten import NietGevonden
from vil.loket.web import Fout, Verzoek
from vil.loket.weergave import _bedrag, _datum
from vil.models.beheer import VersievoorstelRequest
from vil.models.identiteit import Principal
from vil.models.regeling import Parameter, ParameterWaarde, Regeling, Testgeval
from vil.services import beheer
from vil.services.diensten import Beheerdiensten

BEDRAGVELDEN = ("bedrag_per_maand", "bedrag_per_jaar", "bedrag_eenmalig")
BEDRAGNAMEN = {"bedrag_per_maand": "per maand", "bedrag_per_jaar": "per jaar",
               "bedrag_eenmalig": "eenmalig"}  # fmt: skip
ALIAS = {"bedrag_per_maand": "bedragPerMaand", "bedrag_per_jaar": "bedragPerJaar",
         "bedrag_eenmalig": "bedragEenmalig"}  # fmt: skip


@dataclass(frozen=True)
class Parameterrij:
    """One parameter as the page shows it: the value in force today and every dated value."""

    naam: str
    omschrijving: str
    eenheid: str
    huidig: ParameterWaarde | None
    waarden: list[ParameterWaarde]


def regelingen(diensten: Beheerdiensten, principal: Principal) -> list[Regeling]:
    """The regelingen of the beheerder's gemeente, as the service scopes them (regeling_van)."""
    wie = beheer.Beheerder(principal)
    gevonden = []
    for regeling_id in diensten.catalogus.ids:
        try:
            gevonden.append(beheer.regeling_van(diensten, wie, regeling_id).regeling)
        except NietGevonden:
            continue
    return gevonden


def parameters(
    diensten: Beheerdiensten, regeling: Regeling, gemeentecode: str
) -> tuple[list[Parameterrij], list[Parameterrij]]:
    """The parameters the gemeente sets (`beheer.keuzes`), and the others it uses, read-only:
    the Rijk's (rules/parameters/gedeeld.yaml) and, in a regeling of several gemeenten, its
    parameters that are no gemeente's choice."""
    vandaag = diensten.vandaag()
    regel = diensten.catalogus.regel(regeling.id, vandaag)
    keuzes = beheer.keuzes(regeling)
    eigen = [_rij(n, p, vandaag, gemeentecode) for n, p in regeling.parameters.items()
             if n in keuzes]  # fmt: skip
    gedeeld = diensten.catalogus.shared
    rijk = [
        _rij(naam, gedeeld[naam], vandaag, None)
        for naam in sorted(regel.used_parameters)
        if naam in gedeeld and naam not in regeling.parameters
    ] + [
        _rij(n, p, vandaag, gemeentecode) for n, p in regeling.parameters.items()
        if n not in keuzes
    ]  # fmt: skip
    return eigen, rijk


def _rij(naam: str, parameter: Parameter, vandaag: date, gemeentecode: str | None) -> Parameterrij:
    geldend = [
        w for w in parameter.waarden
        if w.vanaf <= vandaag and w.gemeente in (None, gemeentecode)
    ]  # fmt: skip
    huidig = max(geldend, key=lambda w: (w.vanaf, w.gemeente is not None), default=None)
    return Parameterrij(naam, parameter.omschrijving, parameter.eenheid.value, huidig,
                        sorted(parameter.waarden, key=lambda w: w.vanaf, reverse=True))  # fmt: skip


def vervangbaar(regeling: Regeling) -> list[tuple[int, Testgeval, str]]:
    """The regeling's test cases that expect an amount: the beheerder may give a new amount
    for each (a superseding case of the same name, as the service asks when one fails)."""
    gevallen = []
    for i, geval in enumerate(regeling.tests):
        veld = next((v for v in BEDRAGVELDEN if getattr(geval.verwacht, v) is not None), None)
        if veld is not None:
            gevallen.append((i, geval, veld))
    return gevallen


@dataclass
class Formulier:
    """The proposal form as typed (kept in the session between the form and the check)."""

    ingangsdatum: str = ""
    waarden: dict[str, str] = field(default_factory=dict)
    bron: str = ""
    status: str = ""
    reden: str = ""
    toelichting: str = ""
    verwacht: dict[str, str] = field(default_factory=dict)  # test case index -> new amount
    extra: str = ""  # more test cases, YAML as in a rule file

    @classmethod
    def uit(cls, verzoek: Verzoek, regeling: Regeling) -> "Formulier":
        return cls(
            ingangsdatum=verzoek.veld("ingangsdatum"),
            waarden={n: verzoek.veld(f"waarde-{n}") for n in beheer.keuzes(regeling)},
            bron=verzoek.veld("bron"),
            status=verzoek.veld("status"),
            reden=verzoek.veld("reden"),
            toelichting=verzoek.veld("toelichting"),
            verwacht={str(i): verzoek.veld(f"verwacht-{i}") for i, _, _ in vervangbaar(regeling)},
            extra=verzoek.veld("extra"),
        )

    def bewaar(self) -> dict[str, Any]:
        return asdict(self)


def lees(
    formulier: Formulier, regeling: Regeling
) -> tuple[VersievoorstelRequest | None, list[Fout]]:
    """The form as the API's request; else every error at its field, in plain Dutch."""
    fouten: list[Fout] = []
    ingangsdatum: str | None = None
    if not formulier.ingangsdatum:
        fouten.append(Fout("ingangsdatum", "Vul de datum in vanaf wanneer de waarden gelden."))
    else:
        try:
            ingangsdatum = _datum(formulier.ingangsdatum).isoformat()
        except ValueError:
            fouten.append(Fout("ingangsdatum", "Vul een datum in zoals 01-01-2027."))
    waarden = []
    for naam, tekst in formulier.waarden.items():
        if not tekst:
            continue  # this parameter does not change
        getal = _getal(tekst)
        if getal is None:
            fouten.append(Fout(f"waarde-{naam}", "Vul een getal in, zoals 290 of 1,5."))
            continue
        waarden.append({"parameter": naam, "vanaf": ingangsdatum, "waarde": getal,
                        "bron": formulier.bron, "status": formulier.status,
                        "reden": formulier.reden or None})  # fmt: skip
    if not waarden and not any(f.veld.startswith("waarde-") for f in fouten):
        fouten.append(Fout("waarden", "Vul ten minste één nieuwe waarde in."))
    tests, testfouten = _gevallen(formulier, regeling)
    fouten += testfouten
    document = {"ingangsdatum": ingangsdatum, "toelichting": formulier.toelichting,
                "waarden": waarden, "tests": tests}  # fmt: skip
    try:
        voorstel = VersievoorstelRequest.model_validate(document)
    except ValidationError as error:  # every error of the model too, once per field
        voorstel = None
        model = [(".".join(["body", *map(str, e["loc"])]), _tekst(e)) for e in error.errors()]
        al = {f.veld for f in fouten}
        fouten += [f for f in bij_velden(model, formulier, regeling) if f.veld not in al]
    if fouten:
        return None, op_volgorde(fouten, regeling)
    return voorstel, []


def op_volgorde(fouten: list[Fout], regeling: Regeling) -> list[Fout]:
    """The errors in the form's order, as the summary lists them."""
    volgorde = ["ingangsdatum", "waarden", *(f"waarde-{n}" for n in regeling.parameters), "bron",
                "status", "reden", "toelichting", "testgevallen",
                *(f"verwacht-{i}" for i, _, _ in vervangbaar(regeling)), "extra"]  # fmt: skip
    return sorted(fouten, key=lambda f: volgorde.index(f.veld) if f.veld in volgorde else -1)


def _getal(tekst: str) -> str | None:
    """A parameter's value as typed: 290, 1.912 (as in a rule file) or 1.401,50 (Dutch)."""
    schoon = tekst.replace("€", "").replace(" ", "").replace("%", "")
    if "," in schoon:
        schoon = schoon.replace(".", "").replace(",", ".")
    try:
        waarde = Decimal(schoon)
    except ArithmeticError:
        return None
    return format(waarde, "f") if waarde.is_finite() else None


def _gevallen(formulier: Formulier, regeling: Regeling) -> tuple[list[dict[str, Any]], list[Fout]]:
    """The superseding cases (an existing case with its new amount) and the extra ones."""
    fouten: list[Fout] = []
    tests: list[dict[str, Any]] = []
    for i, geval, veld in vervangbaar(regeling):
        tekst = formulier.verwacht.get(str(i), "")
        if not tekst:
            continue
        bedrag = _bedrag(tekst)
        if bedrag is None:
            fouten.append(Fout(f"verwacht-{i}", "Vul een bedrag in euro in, zoals 290 of 290,50."))
            continue
        document = geval.model_dump(mode="json", by_alias=True, exclude_unset=True)
        document["bron"] = formulier.bron or geval.bron
        document["verwacht"] = {"recht": geval.verwacht.recht, ALIAS[veld]: format(bedrag, "f")}
        tests.append(document)
    if formulier.extra:
        try:
            extra = yaml.safe_load(formulier.extra)
        except yaml.YAMLError:
            extra = None
        if not isinstance(extra, list) or not all(isinstance(t, dict) for t in extra):
            fouten.append(Fout("extra", "Schrijf de testgevallen als een YAML-lijst, zoals in"
                                        " het regelbestand (- naam: ...)."))  # fmt: skip
        else:
            tests += extra
    return tests, fouten


def _tekst(fout: Any) -> str:
    if fout["type"] in ("missing", "string_too_short", "too_short"):
        return VUL_IN
    if fout["type"] in ("enum", "literal_error"):
        return KIES
    return str(fout["msg"])


VELDEN = {"body.ingangsdatum": "ingangsdatum", "body.toelichting": "toelichting",
          "body.waarden": "waarden", "body.tests": "extra"}  # fmt: skip
WAARDEVELDEN = {"bron": "bron", "status": "status", "reden": "reden", "vanaf": "ingangsdatum"}
VUL_IN = "Vul dit in."
KIES = "Kies een van de mogelijkheden."
# What an empty field needs, said per field (a summary of "Vul dit in." links says nothing).
LEEG = {
    "bron": "Vul in waar de nieuwe waarde is gepubliceerd.",
    "status": "Kies of de waarde al is gepubliceerd.",
    "toelichting": "Vul in waarom u deze nieuwe waarden voorstelt.",
    "reden": "Vul in waarom de waarde nog niet is gepubliceerd.",
}


def bij_velden(
    velden: list[tuple[str, str]], formulier: Formulier, regeling: Regeling
) -> list[Fout]:
    """The service's (or the model's) errors, `body.waarden.0.waarde` and the like, each at
    the form field it is about; what belongs to no field goes to the summary only."""
    ingevuld = [n for n, t in formulier.waarden.items() if t]
    gevallen = {geval.naam: f"verwacht-{i}" for i, geval, _ in vervangbaar(regeling)}
    vervangen = [f"verwacht-{i}" for i, t in formulier.verwacht.items() if t]
    fouten: list[Fout] = []
    for pad, reden in velden:
        veld, tekst = _veld(pad, ingevuld, gevallen, vervangen)
        if reden in (VUL_IN, KIES) and veld in LEEG:
            reden = LEEG[veld]
        fout = Fout(veld, f"{tekst}: {reden}" if tekst else reden)
        if fout not in fouten:
            fouten.append(fout)
    return op_volgorde(fouten, regeling)


def _veld(
    pad: str, ingevuld: list[str], gevallen: dict[str, str], vervangen: list[str]
) -> tuple[str, str]:
    if m := re.fullmatch(r"body\.waarden\.(\d+)\.(\w+)(\..*)?", pad):
        i, deel = int(m[1]), m[2]
        naam = ingevuld[i] if i < len(ingevuld) else ""
        if deel in WAARDEVELDEN:
            return WAARDEVELDEN[deel], ""
        return (f"waarde-{naam}" if naam else "waarden"), ""
    if m := re.fullmatch(r"body\.tests\.(\d+)(\..*)?", pad):
        # Cases are sent superseding ones first, then the extra ones (in the form's order).
        i = int(m[1])
        return (
            (vervangen[i], "")
            if i < len(vervangen)
            else ("extra", f"testgeval {i - len(vervangen) + 1}")
        )
    if pad.startswith("body.tests."):
        naam = pad.removeprefix("body.tests.")
        return gevallen.get(naam, "extra"), naam
    for prefix, veld in VELDEN.items():
        if pad == prefix or pad.startswith(prefix + "."):
            return veld, ""
    return ("waarden", "") if pad == "body" else ("", "")
