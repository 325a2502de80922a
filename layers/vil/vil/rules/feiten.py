"""Facts: read once per household and peildatum, shared by the regelingen that need them."""

import functools
import operator
import typing
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel

from vil.models.huishouden import Huishouden
from vil.models.regeling import Invoer, InvoerType
from vil.models.resultaat import FeitHerkomst
from vil.rules.expressies import to_zen
from vil.rules.vertaling import Terugval, lees, lees_alle

PREFIX = "huishouden."
# An input under this prefix is the outcome of another regeling for the same household and
# peildatum (`afhankelijkVan`): `uitkomst.huurtoeslag.bedragPerMaand`.
UITKOMST = "uitkomst."
# What an outcome offers besides its steps (`berekening.<stap>`) and voorwaarden
# (`voorwaarden.<naam>`); the catalogue knows their types.
UITKOMSTVELDEN = ("recht", "bedragPerMaand", "bedragPerJaar", "bedragEenmalig", "indicatief")
# Gives the outcome of a regeling by id for these facts (the catalogue's evaluation).
Uitkomstbron = Callable[[str, "Huishoudfeiten"], "Uitkomst"]


class Uitkomst:
    """What another regeling may read of an outcome (`uitkomst.<id>.<veld>`): the fields, the
    steps and the voorwaarden, each as the explanation states it, the facts it missed, and why
    it is indicatief (which carries over into the regeling that reads it)."""

    __slots__ = (
        "indicatief_redenen", "naam", "ontbrekende_gegevens", "stappen", "velden", "voorwaarden",
    )  # fmt: skip

    def __init__(
        self,
        naam: str,
        velden: Mapping[str, Any],
        stappen: Mapping[str, Any],
        voorwaarden: Mapping[str, bool | None],
        ontbrekende_gegevens: list[str],
        indicatief_redenen: list[str],
    ) -> None:
        self.naam = naam  # the regeling's name, for the reasons that carry over
        self.velden = velden  # recht, bedragPerMaand, ...: a number as a Decimal
        self.stappen = stappen  # the steps the outcome needed, by name (None: no value)
        self.voorwaarden = voorwaarden
        self.ontbrekende_gegevens = ontbrekende_gegevens
        self.indicatief_redenen = indicatief_redenen

    @property
    def indicatief(self) -> bool:
        return bool(self.indicatief_redenen)

    def waarde(self, veld: str) -> Any:
        """A field (`recht`), step (`berekening.<stap>`) or voorwaarde (`voorwaarden.<naam>`)."""
        if veld.startswith("berekening."):
            return self.stappen.get(veld.removeprefix("berekening."))
        if veld.startswith("voorwaarden."):
            return self.voorwaarden.get(veld.removeprefix("voorwaarden."))
        return self.velden.get(veld)


class Huishoudfeiten:
    """The facts of one household on one peildatum, read once and shared by every regeling.

    Each input is read the first time a regeling needs it: the value as zen takes it and the
    fact paths that are missing for it. Two regelingen that read the same path with the same
    specification (type, fields, months) share the reading. The household is a `Huishouden`
    (its fields read by JSON name, without dumping the model) or the dict of its dump.

    With `naast`, the facts of the same household and peildatum that another catalogue reads
    (an impact report decides each household under the current and the proposed one): the
    readings of the household's own facts and the outcomes of fact-only expressions are
    shared with it; another regeling's outcome (`uitkomst.…`) and the evaluations are not.
    """

    # No __slots__, as for Snel, SnelSpoor and Beslissing: one is made per household, and
    # Python 3.13 makes an object without them faster (docs/decisions.md, round 17).

    def __init__(
        self,
        household: Any,
        peildatum: date,
        uitkomstbron: Uitkomstbron | None = None,
        naast: "Huishoudfeiten | None" = None,
        regelbron: Callable[[str], Any] | None = None,
    ) -> None:
        self.household = household
        self.uitkomstbron = uitkomstbron
        # The regeling versions by id, for the fast path's outcomes of other regelingen.
        self.regelbron = regelbron
        # Each regeling version's fast decision of this household (vil.rules.snel), or None
        # where the reference decides; the list inputs as the fast path reads them.
        self.snel: dict[Any, Any] = {}
        self._lijsten: dict[Hashable, Any] = {}
        # The numbers the fast path read, as zen reads them, at their path's place (`PLEKKEN`;
        # None: not read yet): the check of a number (vertaling.lees) is made once for every
        # regeling that reads it.
        self.getallen: list[Any] = [None] * len(PLEKKEN)
        self._uitkomsten: dict[str, Uitkomst] = {}
        # Each regeling version's evaluation of this household (vil.rules.regel.Trace), made
        # once: the decision, the explanation and another regeling reading it share it.
        self.sporen: dict[Any, Any] = {}
        self.model = type(household) is not dict  # a model, or the dict of its dump
        self.peildatum = peildatum
        # A model's fields, read once (pydantic's hook is before each read, `Velden`), and as
        # the fast path's generated functions read them.
        fields = household.__dict__ if self.model else household
        self.velden = velden(type(household), fields) if self.model else None
        self.gemeentecode: str | None = fields.get("gemeentecode")
        self.heeft_partner = fields.get("partner") is not None
        self._read: dict[Hashable, tuple[Any, list[str]]] = {}
        self._uitkomstfeiten: dict[Hashable, tuple[Any, list[str]]] = {}
        # The outcomes of expressions that read only the household's own facts, shared by
        # the regelingen (vil.rules.regel.Node.shared): key -> value, or why it failed.
        self.computed: dict[Hashable, Any] = {}
        # With `naast`: every expression's outcome by its text and the values it read, shared
        # by the two catalogues (vil.rules.regel._Run.zen): what the proposal does not change
        # is evaluated once. Not kept for one catalogue alone, where it seldom helps.
        self.memo: dict[Hashable, Any] | None = None
        if naast is not None:
            assert naast.household is household
            assert naast.peildatum == peildatum
            self._read, self.computed = naast._read, naast.computed
            self._lijsten, self.getallen = naast._lijsten, naast.getallen
            if naast.memo is None:
                naast.memo = {}
            self.memo = naast.memo

    def read(self, key: Hashable, path: str, spec: Invoer) -> tuple[Any, list[str]]:
        """One input: its value as zen takes it (None when missing) and the missing paths."""
        known = self._read.get(key)
        if known is None and path.startswith(UITKOMST):
            known = self._uitkomstfeiten.get(key)
            if known is None:
                known = self._uitkomstfeiten[key] = self._uitkomstfeit(path)
        if known is None:
            value = None
            if self.model and spec.type not in (InvoerType.lijst, InvoerType.maandreeks):
                try:  # a plain fact of the model: its attributes in one go
                    value = _attribute_getter(path)(self.household)
                except AttributeError:  # an object on the way is None: as _lookup says
                    value = None
            if value is not None and not isinstance(value, BaseModel):
                known = self._read[key] = (to_zen(value), [])
            else:
                value, gaps = _lookup(path, spec, self.household, self.peildatum)
                if not gaps and spec.type is not InvoerType.maandreeks:  # that one is zen's
                    value = to_zen(value)
                known = self._read[key] = (None if gaps else value, gaps)
        return known

    def lijst(self, invoer: "Lijstinvoer") -> Any:
        """A list input as the fast path reads it (vil.rules.snel): rows of its fields, read
        once per household; raises Ontbreekt with the missing paths as `_lookup` names them."""
        rows = self._lijsten.get(invoer)
        if rows is None:
            rows = self._lijsten[invoer] = invoer.lees(self)
        if type(rows) is Ontbreekt:
            raise rows
        return rows

    def gelezen(self, invoer: "Lijstinvoer") -> Any:
        """A list input's reading when this household's is made already, else None."""
        return self._lijsten.get(invoer)

    def per_maand(self, path: str, items: list[Any]) -> dict[date, Any]:
        """A month series' items (`items`, the series at `path`) by month, made once per
        household for every window read."""
        by_month = self._lijsten.get(path)
        if by_month is None:
            by_month = self._lijsten[path] = {item.maand: item for item in items}
        return by_month

    def snel_uitkomst(self, regeling_id: str, veld: str) -> Any:
        """A field, step or voorwaarde of another regeling's fast decision, as zen reads it;
        Terugval where that regeling is the reference's to decide, Ontbreekt without a value
        (the facts that regeling missed, or else this input itself, as `_uitkomstfeit`)."""
        if self.regelbron is None:
            raise Terugval
        beslissing = self.regelbron(regeling_id).snel(self)
        if beslissing is None:
            raise Terugval
        value = beslissing.waarde(veld)
        if value is None:
            gaps = beslissing.ontbrekende or [f"{PREFIX}{UITKOMST}{regeling_id}.{veld}"]
            raise Ontbreekt(list(gaps))
        return lees(value)

    def uitkomst(self, regeling_id: str) -> Uitkomst | None:
        """A regeling's outcome for this household, evaluated once when first read."""
        found = self._uitkomsten.get(regeling_id)
        if found is None:
            if self.uitkomstbron is None:
                return None
            found = self._uitkomsten[regeling_id] = self.uitkomstbron(regeling_id, self)
        return found

    def _uitkomstfeit(self, path: str) -> tuple[Any, list[str]]:
        """An input `uitkomst.<id>.<veld>`: the value, or the facts the other regeling missed
        (its own `ontbrekendeGegevens`), or else this path itself as missing."""
        _, regeling_id, veld = path.split(".", 2)
        uitkomst = self.uitkomst(regeling_id)
        value = None if uitkomst is None else uitkomst.waarde(veld)
        if value is not None:
            return to_zen(value), []
        missing = list(uitkomst.ontbrekende_gegevens) if uitkomst is not None else []
        return None, missing or [PREFIX + path]


def spec_key(path: str, spec: Invoer) -> Hashable:
    """What makes two readings of an input the same: its path, type, fields and months."""
    return (path, spec.type, tuple(spec.velden or ()), spec.maanden)


class Feiten:
    """The inputs of one regeling, read from the household's shared facts when first needed.

    Values land, as zen takes them, in the dict the caller passes (the evaluation's names).
    """

    __slots__ = ("facts", "gaps", "invoer", "keys", "present", "values")

    def __init__(
        self,
        invoer: Mapping[str, Invoer],
        keys: Mapping[str, Hashable],
        facts: Huishoudfeiten,
        values: dict[str, Any],
    ) -> None:
        self.invoer = invoer
        self.keys = keys
        self.facts = facts
        self.values = values
        self.gaps: dict[str, list[str]] = {}  # input path -> missing fact paths (empty: present)
        self.present: set[str] = set()  # the inputs read and complete

    def missing(self, paths: Iterable[str]) -> bool:
        """Whether any of these inputs is missing."""
        for path in paths:
            gaps = self.gaps.get(path)
            if gaps is None:
                gaps = self.read(path)
            if gaps:
                return True
        return False

    def read(self, path: str) -> list[str]:
        """Read one input; the fact paths (with `huishouden.`) that are missing for it."""
        gaps = self.gaps.get(path)
        if gaps is None:
            value, gaps = self.facts.read(self.keys[path], path, self.invoer[path])
            self.gaps[path] = gaps
            if not gaps:
                self.values[path] = value
                self.present.add(path)
        return gaps

    def missing_paths(self) -> list[str]:
        """Every missing fact of every input of the regeling, each once (the inputs that are
        another regeling's outcome name the facts that one misses, often the same)."""
        return list(dict.fromkeys(gap for path in self.invoer for gap in self.read(path)))


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _lookup(
    path: str, spec: Invoer, household: Mapping[str, Any], peildatum: date
) -> tuple[Any, list[str]]:
    node: Any = household
    for segment in path.split("."):
        if node is None:
            # No partner means the partner's facts do not apply; anything else is unknown.
            return (None, []) if path.startswith("partner.") else (None, [PREFIX + path])
        node = _get(node, segment)
    if node is None:
        return None, [PREFIX + path]
    if spec.type is InvoerType.lijst:
        return _items(path, spec, node)
    if spec.type is InvoerType.maandreeks:
        return _months(path, spec, node, peildatum)
    if isinstance(node, BaseModel):  # an object as a fact: as in the household's dump
        return node.model_dump(by_alias=True), []
    return node, []


def _items(path: str, spec: Invoer, items: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    assert spec.velden is not None
    gaps = [
        f"{PREFIX}{path}[{index}].{name}"
        for index, item in enumerate(items)
        for name in spec.velden
        if _get(item, name) is None
    ]
    return [{name: _get(item, name) for name in spec.velden} for item in items], gaps


def _months(
    path: str, spec: Invoer, items: list[dict[str, Any]], peildatum: date
) -> tuple[Any, list[str]]:
    """The `maanden` whole months before the peildatum's month, each with `maandenGeleden`,
    as zen takes them (a history of 36 months is read for every household: in one pass)."""
    assert spec.velden is not None
    assert spec.maanden is not None
    by_month = {_get(item, "maand"): item for item in items}
    velden = [(name, ATTRIBUTES.get(name, name)) for name in spec.velden]
    window = []
    for back, maand in enumerate(_window(peildatum, spec.maanden), 1):
        item = by_month.get(maand)
        if item is None:
            return None, [PREFIX + path]
        if isinstance(item, dict):
            row = {name: to_zen(item.get(name)) for name, _ in velden}
        else:
            row = {name: to_zen(getattr(item, attribute, None)) for name, attribute in velden}
        row["maandenGeleden"] = back
        window.append(row)
    return window, []


@functools.lru_cache(maxsize=256)
def _window(peildatum: date, maanden: int) -> tuple[date, ...]:
    """The first days of the `maanden` months before the peildatum's month, latest first."""
    return tuple(month_start(peildatum, back) for back in range(1, maanden + 1))


class Ontbreekt(Exception):
    """An input the fast path finds missing, with the fact paths the reference names."""

    def __init__(self, gaps: list[str]) -> None:
        super().__init__(gaps)
        self.gaps = gaps


class Lijstinvoer:
    """A list input as the fast path reads it: the rows of the fields it reads, as tuples
    (a month series' rows start with `maandenGeleden`), each number read as zen reads it.
    One object per path, fields and window (`lijstinvoer`): two regelingen that read the same
    share the household's reading of it (Huishoudfeiten.lijst)."""

    __slots__ = ("getal", "getter", "items", "maanden", "nummers", "path", "velden")

    def __init__(
        self, path: str, velden: tuple[str, ...], getallen: tuple[bool, ...], maanden: int | None
    ) -> None:
        self.path = path
        self.velden = velden
        self.maanden = maanden
        self.items = _attribute_getter(path)  # read from the household's `Velden`
        # The fields of an item in one call, as a tuple (attrgetter gives one field bare).
        attributes = [ATTRIBUTES.get(veld, veld) for veld in velden]
        self.getter = operator.attrgetter(*attributes) if attributes else (lambda _: ())
        self.getal = getallen  # per field, whether it is a number (read as zen reads it)
        self.nummers = tuple(place for place, getal in enumerate(getallen) if getal)

    def lees(self, facts: Huishoudfeiten) -> Any:
        """The rows, or Ontbreekt naming each missing field of each item (as `_items`), or
        the whole series when a month of the window is missing (as `_months`)."""
        if self.maanden is not None:
            return self._maanden(facts)
        items = self.items(facts.velden)
        if not items:
            return () if items is not None else Ontbreekt([PREFIX + self.path])
        rows = list(map(self.getter, items))
        if len(self.velden) == 1:
            rows = [(row,) for row in rows]
        for row in rows:
            for value in row:
                if value is None:  # not `None in row`: a Decimal's == asks numbers.Rational
                    return self._ontbreekt(rows)
        for place in self.nummers:  # a number read otherwise than it is: its row made anew
            for index, row in enumerate(rows):
                if (read := lees(value := row[place])) is not value:
                    rows[index] = (*row[:place], read, *row[place + 1 :])
        return rows

    def _ontbreekt(self, rows: list[tuple[Any, ...]]) -> Ontbreekt:
        return Ontbreekt(
            [
                f"{PREFIX}{self.path}[{index}].{veld}"
                for index, row in enumerate(rows)
                for veld, value in zip(self.velden, row, strict=True)
                if value is None
            ]
        )

    def _maanden(self, facts: Huishoudfeiten) -> Any:
        assert self.maanden is not None
        # The window's months are the first of a longer window's (`_window`): its rows when
        # they are read already, each month found (IIT's 36 months before the woonkosten's 12).
        for maanden, langer in _VENSTERS.get((self.path, self.velden, self.getal), ()):
            if maanden > self.maanden and type(rows := facts.gelezen(langer)) is list:
                return rows[: self.maanden]
        window = self._venster(facts)
        if window is None:
            return Ontbreekt([PREFIX + self.path])
        get = self.getter
        if len(self.velden) == 1:  # the common case, a column read in one go
            values = list(map(get, window))
            read = lees_alle(values) if self.nummers else values
            return list(enumerate(read, 1))
        return [
            (back, *[lees(v) if n else v for v, n in zip(get(item), self.getal, strict=True)])
            for back, item in enumerate(window, 1)
        ]

    def _venster(self, facts: Huishoudfeiten) -> Any:
        """The items of the window's months, latest first; None when one is missing. A series
        of just those months, latest or earliest first (as a source gives it), is taken in its
        order; any other (a longer one, or one that names a month twice) month by month."""
        assert self.maanden is not None
        months = _window(facts.peildatum, self.maanden)
        items = self.items(facts.velden)
        if items is None:
            return None
        if len(items) == len(months):  # else no month tuple to make
            given = tuple(map(_MAAND, items))
            if given == months:
                return items
            if given[::-1] == months:
                return items[::-1]
        by_month = facts.per_maand(self.path, items)
        try:
            return [by_month[maand] for maand in months]
        except KeyError:
            return None


@functools.cache
def lijstinvoer(
    path: str, velden: tuple[str, ...], getallen: tuple[bool, ...], maanden: int | None
) -> Lijstinvoer:
    """The one Lijstinvoer of a path, its fields and window."""
    invoer = Lijstinvoer(path, velden, getallen, maanden)
    if maanden is not None:
        _VENSTERS.setdefault((path, velden, getallen), []).append((maanden, invoer))
    return invoer


# A month series' windows by path, fields and which are numbers (`lijstinvoer`).
_VENSTERS: dict[tuple[str, tuple[str, ...], tuple[bool, ...]], list[tuple[int, Lijstinvoer]]] = {}


def _attributes(model: type[BaseModel], found: dict[str, str]) -> dict[str, str]:
    """JSON name -> attribute, over the household model and every model inside it."""
    for attribute, field in model.model_fields.items():
        found[field.alias or attribute] = attribute
        for inner in typing.get_args(field.annotation) or (field.annotation,):
            for kind in typing.get_args(inner) or (inner,):
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    _attributes(kind, found)
    return found


# One JSON name means one attribute throughout the household (the aliases are generated).
ATTRIBUTES = _attributes(Huishouden, {})


def _paden(model: type[BaseModel], prefix: str = "") -> Iterable[str]:
    """The JSON paths of a model's fields that hold a value, through the models inside it
    (not through a list)."""
    for attribute, field in model.model_fields.items():
        path = prefix + (field.alias or attribute)
        kinds = typing.get_args(field.annotation) or (field.annotation,)
        if any(typing.get_origin(kind) is list for kind in (field.annotation, *kinds)):
            continue
        inner = [k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel)]
        yield from _paden(inner[0], path + ".") if inner else (path,)


# Each path of a value in the household, numbered: its place in Huishoudfeiten.getallen.
PLEKKEN = {path: place for place, path in enumerate(_paden(Huishouden))}


@functools.cache
def _attribute_getter(path: str) -> Callable[[Any], Any]:
    """The model's attributes along a path of JSON names."""
    return operator.attrgetter(".".join(ATTRIBUTES.get(name, name) for name in path.split(".")))


_MAAND = _attribute_getter("maand")  # the month of a month series' item


class Velden:
    """A model's fields as plain attributes, a model inside it as Velden too: read without
    the hook that pydantic's `__getattr__` puts before every attribute read of a model
    (some 340 processor instructions a read on Python 3.11, 430 on 3.13, where a plain
    object's takes a tenth of that)."""


def velden(model: type[BaseModel], values: dict[str, Any]) -> Velden:
    """The Velden of a model of this type with these fields (its `__dict__`): the household's,
    made once per household for its fast decisions, a model inside it absent as one without
    facts (`_leeg`: its fields read as None, without a test of the model first). The models
    are frozen: a model inside it lends its own `__dict__`. (Its numbers are read by each
    function that reads them: reading them all here cost a regeling decided alone a fifth
    more, docs/decisions.md, round 14.)"""
    fields = values.copy()
    for name, kind in _modelvelden(model):
        if (value := fields[name]) is None:
            fields[name] = _leeg(kind)
        else:
            fields[name] = inner = Velden()
            inner.__dict__ = value.__dict__
    view = Velden()
    view.__dict__ = fields
    return view


@functools.cache
def _modelvelden(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel]], ...]:
    """The fields of a model that hold a model, which holds none itself (a list of models
    is no such field: a list input reads the models, Huishoudfeiten.lijst), with its type."""
    found = []
    for name, field in model.model_fields.items():
        if typing.get_origin(field.annotation) is list:
            continue
        for kind in typing.get_args(field.annotation) or (field.annotation,):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                assert not _modelvelden(kind), f"{kind.__name__} holds a model: Velden reads it"
                found.append((name, kind))
    return tuple(found)


@functools.cache
def _leeg(model: type[BaseModel]) -> Velden:
    """The Velden of a model that is absent: each of its fields None."""
    view = Velden()
    view.__dict__ = dict.fromkeys(model.model_fields)
    return view


def _get(node: Any, name: str) -> Any:
    """A field by its JSON name, from a dumped dict or from the model itself."""
    if isinstance(node, dict):
        return node.get(name)
    return getattr(node, ATTRIBUTES.get(name, name), None)


def herkomst_van(path: str, herkomst: Mapping[str, FeitHerkomst]) -> list[FeitHerkomst]:
    """The provenance of an input: of the fact itself, of its items and fields, or of the
    object it is part of (a correction of 'huishouden.woning' covers 'woning.kaleHuur')."""
    key = PREFIX + path
    return [
        origin
        for pad, origin in herkomst.items()
        if pad == key
        or pad.startswith((key + "[", key + "."))
        or key.startswith((pad + "[", pad + "."))
    ]
