"""The form with which a resident gives a machtiging in the loket: what it shows, and the form
read into the API's own `NieuweMachtiging`.

Presentation only: the request's schema (a KvK number of 8 digits, an OIN of 20, a medewerker's
id, at least one right) is the model's, and whether the dates make a machtiging that ever holds
is `machtigingen.verleen`'s; this module puts their errors at the fields, in plain Dutch.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from vil.loket.web import Fout, Verzoek
from vil.loket.weergave import _datum
from vil.models.machtiging import Machtiging, NieuweMachtiging, Recht

# What each right lets the organisation do, in the resident's words.
RECHTEN = {
    Recht.inzien: "Uw gegevens, berekeningen, aanvragen en meldingen bekijken",
    Recht.aanvragen: "Voor u berekenen waar u recht op hebt, en regelingen aanvragen",
    Recht.toestemming: "Voor u toestemming geven of intrekken om gegevens op te halen",
    Recht.meldingen_ontvangen: "De meldingen van de maandelijkse controle lezen",
}
SOORTEN = {"kvk": "KvK-nummer (8 cijfers)", "oin": "OIN (20 cijfers)"}

# The model's fields as the form's (a schema error's first place in the request).
_VELDEN = {"organisatie": "nummer", "medewerker": "medewerker", "rechten": "rechten"}
_FORMAAT = {
    "nummer": "Een KvK-nummer heeft 8 cijfers, een OIN 20 cijfers. Vul alleen cijfers in.",
    "medewerker": "Vul het nummer van de medewerker in zoals de organisatie het gebruikt:"
    " letters, cijfers en . _ : @ -, hoogstens 64 tekens. Of laat het leeg.",
    "rechten": "Kies ten minste één ding dat de organisatie namens u mag.",
}


@dataclass(frozen=True)
class Formulier:
    """The form as typed (kept in the session between the form and the check)."""

    soort: str = "kvk"
    nummer: str = ""
    medewerker: str = ""
    rechten: list[str] = field(default_factory=list)
    vanaf: str = ""
    tot: str = ""

    @classmethod
    def uit(cls, verzoek: Verzoek) -> "Formulier":
        return cls(
            soort=verzoek.veld("soort"),
            nummer=verzoek.veld("nummer").replace(" ", ""),
            medewerker=verzoek.veld("medewerker"),
            rechten=[r for r in verzoek.velden("rechten") if r in {x.value for x in Recht}],
            vanaf=verzoek.veld("vanaf"),
            tot=verzoek.veld("tot"),
        )

    def bewaar(self) -> dict[str, Any]:
        return asdict(self)


def lees(formulier: Formulier) -> tuple[NieuweMachtiging | None, list[Fout]]:
    """The form as the API's request; else every error at its field, in the form's order."""
    fouten: list[Fout] = []
    if formulier.soort not in SOORTEN:
        fouten.append(Fout("soort-kvk", "Kies of u een KvK-nummer of een OIN invult."))
    elif not formulier.nummer:
        fouten.append(Fout("nummer", "Vul het nummer van de organisatie in."))
    datums = {}
    for veld, wat in (("vanaf", "de eerste dag"), ("tot", "de laatste dag")):
        tekst = getattr(formulier, veld)
        if not tekst:
            fouten.append(Fout(veld, f"Vul {wat} van de machtiging in."))
            continue
        try:
            datums[veld] = _datum(tekst).isoformat()
        except ValueError:
            fouten.append(Fout(veld, "Vul een datum in als dag-maand-jaar, zoals 01-07-2026."))
    verzoek = {
        "organisatie": {formulier.soort: formulier.nummer},
        "medewerker": formulier.medewerker or None,
        "rechten": formulier.rechten,
        "geldigVanaf": datums.get("vanaf", "2000-01-01"),  # a missing date is already an error
        "geldigTot": datums.get("tot", "2000-01-01"),
    }
    try:
        machtiging = NieuweMachtiging.model_validate(verzoek)
    except ValidationError as fout:
        al = {f.veld for f in fouten} | ({"nummer"} if formulier.soort not in SOORTEN else set())
        for veld in dict.fromkeys(_VELDEN.get(str(e["loc"][0]), "") for e in fout.errors()):
            if veld and veld not in al:
                fouten.append(Fout(veld, _FORMAAT[veld]))
        return None, _op_volgorde(fouten)
    return (None, _op_volgorde(fouten)) if fouten else (machtiging, [])


_VOLGORDE = ("soort-kvk", "nummer", "medewerker", "rechten", "vanaf", "tot")


def _op_volgorde(fouten: list[Fout]) -> list[Fout]:
    return sorted(fouten, key=lambda f: _VOLGORDE.index(f.veld) if f.veld in _VOLGORDE else 99)


def bij_velden(velden: list[tuple[str, str]]) -> list[Fout]:
    """The service's refusal (`OngeldigVerzoek.velden`: the dates) at the date fields."""
    uit = []
    for pad, reden in velden:
        veld = {"body.geldigVanaf": "vanaf", "body.geldigTot": "tot"}.get(pad, "")
        tekst = reden.replace("geldigVanaf", "de eerste dag")
        if "(" in tekst:  # "ligt voor vandaag (2026-06-15)": the date as the resident writes it
            voor, _, iso = tekst.rstrip(")").partition("(")
            tekst = f"{voor}({date.fromisoformat(iso):%d-%m-%Y})"
        wat = {"vanaf": "De eerste dag", "tot": "De laatste dag"}.get(veld, "De machtiging")
        uit.append(Fout(veld, f"{wat} {tekst}."))
    return uit


def gemachtigde(machtiging: Machtiging | NieuweMachtiging) -> str:
    """Who is given the machtiging, as the resident reads it."""
    organisatie = machtiging.organisatie
    if organisatie is None:
        return "Een persoon"
    nummer = (
        f"KvK-nummer {organisatie.kvk}" if hasattr(organisatie, "kvk") else f"OIN {organisatie.oin}"
    )
    wie = f"De organisatie met {nummer}"
    return f"{wie}, alleen medewerker {machtiging.medewerker}" if machtiging.medewerker else wie
