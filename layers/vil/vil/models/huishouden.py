"""The household (`huishouden`): the one input of an evaluation, and later of the prefill.

Every fact is optional: a fact that is left out is *missing*, and a regeling that needs it
answers `recht: null` with the fact's path in `ontbrekendeGegevens`. Only the structure
itself (a partner or not, which children) is taken as given.
"""

import contextlib
import functools
import gc
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, field_validator

from vil.models.base import Bedrag, Datum, JaNee, M, Peildatum, VilModel, gemaakt

Gemeentecode = Annotated[str, Field(pattern=r"^\d{4}$", description="CBS-gemeentecode, bv. 0344")]


class Persoon(VilModel):
    """The aanvrager or the toeslagpartner."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    zorgverzekerd: JaNee | None = Field(
        None, description="Verzekerd onder de Zorgverzekeringswet of verdragsgerechtigd."
    )
    toetsingsinkomen: Bedrag | None = Field(
        None, description="Toetsingsinkomen in euro over het kalenderjaar van de peildatum."
    )
    vermogen: Bedrag | None = Field(
        None, description="Vermogen (rendementsgrondslag) op 1 januari van dat jaar, in euro."
    )
    student: JaNee | None = Field(None, description="Volgt nu een studie met studiefinanciering.")
    student_afgelopen_drie_jaar: JaNee | None = Field(
        None, description="Studeerde op enig moment in de 36 maanden voor de peildatum."
    )
    geen_uitzicht_op_inkomensverbetering: JaNee | None = Field(
        None,
        description=(
            "Verklaart geen uitzicht te hebben op een hoger inkomen en zich daarvoor te hebben"
            " ingespannen (eigen verklaring; de gemeente toetst achteraf)."
        ),
    )


class Kind(VilModel):
    """A child of the aanvrager or partner who lives at home."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    kinderbijslag: JaNee | None = Field(
        None, description="Voor dit kind wordt kinderbijslag ontvangen (SVB)."
    )
    toetsingsinkomen: Bedrag | None = Field(
        None, description="Eigen toetsingsinkomen van het kind in euro per jaar."
    )


class Medebewoner(VilModel):
    """Someone else who lives at the address (not partner, not child), e.g. for huurtoeslag."""

    geboortedatum: Datum | None = Field(None, description="Geboortedatum (BRP).")
    toetsingsinkomen: Bedrag | None = Field(None, description="Toetsingsinkomen in euro per jaar.")
    vermogen: Bedrag | None = Field(None, description="Vermogen op 1 januari in euro.")


class Woning(VilModel):
    """The home the household lives in."""

    huurwoning: JaNee | None = Field(None, description="De woning wordt gehuurd.")
    zelfstandig: JaNee | None = Field(
        None, description="Zelfstandige woonruimte: eigen toegang, keuken, toilet en douche."
    )
    kale_huur: Bedrag | None = Field(
        None, description="Kale huur per maand in euro (zonder servicekosten)."
    )
    netto_woonlasten: Bedrag | None = Field(
        None, description="Woonlasten per maand in euro na aftrek van huurtoeslag."
    )
    servicekosten: Bedrag | None = Field(
        None, description="Servicekosten per maand in euro die bij de huur horen."
    )
    woonkosten_eigen_woning: Bedrag | None = Field(
        None,
        description=(
            "Woonkosten van een eigen woning per maand in euro: hypotheekrente, opstalverzekering,"
            " lokale belastingen, erfpachtcanon en onderhoudskosten samen."
        ),
    )


class Maandinkomen(VilModel):
    """The household's net income in one calendar month."""

    maand: Datum = Field(description="De maand, als 2026-10 of 2026-10-01.")
    netto_inkomen: Bedrag = Field(description="Netto inkomen van aanvrager en partner samen.")

    @field_validator("maand", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        if isinstance(value, str) and len(value) == 7:
            return f"{value}-01"
        return value

    @field_validator("maand")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        return value.replace(day=1)


class Huishouden(VilModel):
    """The household whose entitlements are evaluated."""

    gemeentecode: Gemeentecode | None = Field(None, description="Woongemeente (BRP).")
    aanvrager: Persoon = Field(description="De aanvrager.")
    partner: Persoon | None = Field(
        None, description="De toeslagpartner; weggelaten of null als er geen is."
    )
    kinderen: list[Kind] = Field(
        default_factory=list, description="Thuiswonende kinderen (leeg als er geen zijn)."
    )
    medebewoners: list[Medebewoner] = Field(
        default_factory=list, description="Andere bewoners van het adres."
    )
    woning: Woning | None = Field(None, description="De woning.")
    netto_inkomen_per_maand: Bedrag | None = Field(
        None, description="Huidig netto inkomen per maand van aanvrager en partner samen."
    )
    inkomenshistorie: list[Maandinkomen] | None = Field(
        None, description="Netto maandinkomens van het huishouden (UWV), bv. de laatste 36 maanden."
    )
    gemeentelijke_belastingen: Bedrag | None = Field(
        None, description="Bedrag van de aanslag gemeentelijke belastingen in euro."
    )


class Evaluatieverzoek(VilModel):
    """What `vil evaluate` reads: an optional peildatum and the household."""

    peildatum: Peildatum | None = Field(
        None, description="Datum waarop beoordeeld wordt; standaard vandaag (Europe/Amsterdam)."
    )
    huishouden: Huishouden


# How `opgeslagen` reads each field from stored JSON, per model: (JSON name, attribute, how).
_Lezer = Callable[[Any], Any]


def _lezer(annotation: Any) -> _Lezer | None:
    """How a stored value of this annotation becomes the attribute's value (None: as it is)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is list:
        inner = _lezer(args[0])
        return None if inner is None else lambda items: [inner(item) for item in items]
    if args and typing.get_origin(annotation) is not Annotated:  # X | None
        return _lezer(args[0])
    annotated = typing.get_origin(annotation) is Annotated
    kind = typing.get_args(annotation)[0] if annotated else annotation
    if kind is Decimal:
        return Decimal
    if kind is date:
        return _datum
    if isinstance(kind, type) and issubclass(kind, VilModel):
        return functools.partial(opgeslagen, kind)
    return None


def _datum(value: str | date) -> date:
    # A month is stored as its first day; '2026-10' is what a client may send (Maandinkomen).
    if isinstance(value, date):  # a dump in Python mode
        return value
    return date.fromisoformat(value if len(value) != 7 else f"{value}-01")


@functools.cache
def _velden(
    model: type[VilModel],
) -> tuple[tuple[tuple[str, str, _Lezer | None], ...], dict[str, Any], dict[str, Any]]:
    """The fields (JSON name, attribute, how to read), the defaults and the default factories."""
    velden = tuple(
        (field.alias or name, name, _lezer(field.annotation))
        for name, field in model.model_fields.items()
    )
    defaults = {
        name: field.default
        for name, field in model.model_fields.items()
        if field.default_factory is None and not field.is_required()
    }
    factories = {
        name: field.default_factory
        for name, field in model.model_fields.items()
        if field.default_factory is not None
    }
    return velden, defaults, factories


def opgeslagen(model: type[M], document: Mapping[str, Any]) -> M:
    """A model from its own stored JSON (`model_dump(mode="json", by_alias=True)` of a model
    that was validated when it came in), built without validating it again: what a batch over
    stored households (the impact report's frozen population) reads, at a fraction of the cost
    of `model_validate`. Never for what a client sends.

    Made by `gemaakt`; a test checks that the result equals `model_validate`'s.
    """
    velden, defaults, factories = _velden(model)
    values = dict(defaults)
    gezet = set()
    for alias, name, lees in velden:
        if alias in document:
            value = document[alias]
            values[name] = value if lees is None or value is None else lees(value)
            gezet.add(name)
        elif name in factories:
            values[name] = factories[name]()
    return gemaakt(model, values, gezet)


def opgeslagen_lijst(model: type[M], documents: Iterable[Mapping[str, Any]]) -> list[M]:
    """Many models from stored JSON (`opgeslagen`), with the cycle collector paused: building
    10,000 households makes about half a million objects, none in a cycle (refcounting frees
    them), and the collector's passes over them took more time than building them."""
    with zonder_collector():
        return [opgeslagen(model, document) for document in documents]


@contextlib.contextmanager
def zonder_collector() -> Iterator[None]:
    """The cycle collector paused, for a batch of VIL's own objects that form no cycle
    (refcounting frees them): with many households alive, its passes over them cost more than
    the work itself. Whatever does form a cycle waits for the collector after the batch."""
    aan = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if aan:
            gc.enable()
