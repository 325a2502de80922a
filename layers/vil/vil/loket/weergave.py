"""What the loket's pages show and read: labels of facts, questions, and form values as facts.

Presentation only: which facts a regeling reads, and their type and description, come from the
rule files (`Invoer`); whether an answer is acceptable for a regeling is decided by the services
(`beoordelen.corrigeer`, `aanvragen.dien_in`), never here.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from vil.klok import AMSTERDAM
from vil.models.machtiging import Client
from vil.models.prefill import PREFIX
from vil.models.regeling import Invoer, InvoerType
from vil.models.toestemming import Bron
from vil.rules import Catalogus

BRONNAMEN = {
    Bron.brp.value: "Basisregistratie Personen (BRP)",
    Bron.belastingdienst.value: "Belastingdienst",
    Bron.uwv.value: "UWV",
    Bron.svb.value: "Sociale Verzekeringsbank (SVB)",
    "inwoner": "uzelf",
}
VRAAGTYPEN = {InvoerType.bedrag, InvoerType.getal, InvoerType.datum, InvoerType.ja_nee}
NIET_TE_WIJZIGEN = {PREFIX + "gemeentecode"}  # the BRP's gemeente decides (docs/decisions.md)
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Vraag:
    """One fact asked of the resident (a question or a correction)."""

    pad: str  # huishouden.aanvrager.student
    veld: str  # the form field's name and id: v-aanvrager-student
    type: InvoerType
    label: str

    @property
    def autocomplete(self) -> str:
        return "bday" if self.pad.endswith("aanvrager.geboortedatum") else "off"


def invoer(catalogus: Catalogus, peildatum: date) -> dict[str, Invoer]:
    """Every fact the regelingen in force read, by its path in the household."""
    specificaties: dict[str, Invoer] = {}
    for regel in catalogus.in_force(peildatum):
        for pad, spec in regel.regeling.invoer.items():
            specificaties.setdefault(PREFIX + pad, spec)
    return specificaties


def vraag(pad: str, spec: Invoer | None) -> Vraag:
    omschrijving = spec.omschrijving if spec and spec.omschrijving else pad.split(".")[-1]
    label = omschrijving[0].upper() + omschrijving[1:]
    soort = spec.type if spec else InvoerType.tekst
    veld = "v-" + re.sub(r"[^A-Za-z0-9]+", "-", pad.removeprefix(PREFIX)).strip("-")
    return Vraag(pad, veld, soort, label)


def open_vragen(
    catalogus: Catalogus, peildatum: date, huishouden: dict[str, Any], gemeentecode: str | None
) -> list[Vraag]:
    """The facts the regelingen for this resident read that the sources did not give: asked
    once, in the rule files' order. A partner's facts only when there is a partner."""
    vragen: dict[str, Vraag] = {}
    for regel in catalogus.in_force(peildatum):
        gemeenten = regel.regeling.gemeenten
        if gemeenten and gemeentecode not in gemeenten:
            continue
        for pad, spec in regel.regeling.invoer.items():
            if spec.type not in VRAAGTYPEN or pad in vragen:
                continue
            if pad.startswith("partner.") and not huishouden.get("partner"):
                continue
            if waarde_op(huishouden, pad) is None:
                vragen[pad] = vraag(PREFIX + pad, spec)
    return list(vragen.values())


def waarde_op(document: dict[str, Any], pad: str) -> Any:
    node: Any = document
    for deel in pad.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(deel)
    return node


def lees(vraag_: Vraag, tekst: str) -> tuple[Any, str | None]:
    """A form value as the fact's JSON value, or an error in plain Dutch."""
    tekst = tekst.strip()
    if not tekst:
        return None, f"Vul in: {vraag_.label.lower()}."
    if vraag_.type is InvoerType.ja_nee:
        return (tekst == "ja", None) if tekst in ("ja", "nee") else (None, "Kies ja of nee.")
    if vraag_.type is InvoerType.datum:
        try:
            return _datum(tekst).isoformat(), None
        except ValueError:
            return None, "Vul een datum in zoals 14-03-1971."
    return _getal(vraag_, tekst)


def _getal(vraag_: Vraag, tekst: str) -> tuple[Any, str | None]:
    bedrag = _bedrag(tekst)
    if bedrag is None or bedrag < 0:
        return None, "Vul een bedrag in euro in, zoals 640 of 412,60."
    if vraag_.type is not InvoerType.getal:
        return str(bedrag), None
    if bedrag != bedrag.to_integral_value():
        return None, "Vul een heel getal in."
    return int(bedrag), None


def _datum(tekst: str) -> date:
    for formaat in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(tekst, formaat).replace(tzinfo=AMSTERDAM).date()
        except ValueError:
            continue
    raise ValueError(tekst)


def _bedrag(tekst: str) -> Decimal | None:
    schoon = tekst.replace("€", "").replace(" ", "")
    if "," in schoon:  # Dutch: 1.234,56
        schoon = schoon.replace(".", "").replace(",", ".")
    try:
        bedrag = Decimal(schoon)
    except InvalidOperation:
        return None
    if not bedrag.is_finite() or bedrag.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return bedrag


def toon(waarde: Any) -> str:
    """A fact's value as a resident reads it."""
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if waarde is None:
        return "onbekend"
    if isinstance(waarde, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", waarde):
        return date.fromisoformat(waarde).strftime("%d-%m-%Y")
    return str(waarde)


def als_formulierwaarde(vraag_: Vraag, waarde: Any) -> str:
    """A stored answer back in the form (ja/nee, a date as typed, an amount)."""
    if waarde is None:
        return ""
    if vraag_.type is InvoerType.ja_nee:
        return "ja" if waarde else "nee"
    return toon(waarde)


def euro(bedrag: str | None) -> str:
    """'1234.5' as '€ 1.234,50'."""
    if bedrag is None:
        return ""
    waarde = Decimal(bedrag).quantize(Decimal("0.01"))
    heel, _, centen = f"{waarde:,.2f}".partition(".")
    return f"€ {heel.replace(',', '.')},{centen}"


def feitnaam(pad: str, specificaties: dict[str, Invoer]) -> str:
    """A fact's name for the resident: its description in the rule files, or its path."""
    spec = specificaties.get(_INDEX.sub("", pad))
    if spec and spec.omschrijving:
        naam = spec.omschrijving
    else:
        naam = pad.removeprefix(PREFIX).replace(".", " ")
    if match := re.search(r"\[(\d+)\]", pad):
        naam = f"{naam} ({int(match.group(1)) + 1})"
    return naam[0].upper() + naam[1:]


def clientnaam(client: Client) -> str:
    """How a hulpverlener recognises a client without a BSN: the birth date the BRP gave (with
    the right inzien), and the machtiging's short mark (two clients may share a birthday)."""
    kenmerk = client.machtiging[:8]
    if client.geboortedatum is not None:
        return f"inwoner geboren op {client.geboortedatum:%d-%m-%Y} (machtiging {kenmerk})"
    return f"cliënt met machtiging {kenmerk} van {client.geldig_vanaf:%d-%m-%Y}"
