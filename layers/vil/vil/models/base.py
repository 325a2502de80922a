"""The shared model configuration: camelCase JSON, unknown fields refused, money as Decimal."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from annotated_types import GroupedMetadata
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel


def _geen_getal(value: Any) -> Any:
    """A date is text ('2026-01-31'): pydantic would read a number as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("een datum is tekst, bijvoorbeeld 2026-01-31")
    return value


@dataclass(frozen=True)
class DecimaalAlsTekst(GroupedMetadata):
    """A non-negative decimal from a JSON number or from text of digits with at most `decimalen`
    decimals (Decimal() alone would also read '1_000', '1e3' and ' 12 '); never float, NaN or
    negative; written back as plain decimal text ('1000', not '1E+3'). The document states
    exactly what is accepted: a whole number, or the text."""

    decimalen: int
    fout: str  # the 400's message for text that is not such a number
    beschrijving: str

    def __iter__(self) -> Iterator[Any]:
        patroon = rf"^\d{{1,12}}(\.\d{{1,{self.decimalen}}})?$"

        def als_tekst(value: Any) -> Any:
            if isinstance(value, str) and not re.fullmatch(patroon, value):
                raise ValueError(self.fout)
            return value

        yield BeforeValidator(als_tekst)
        yield Field(
            ge=0, allow_inf_nan=False, decimal_places=self.decimalen, max_digits=12 + self.decimalen
        )
        yield PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json")
        schema = {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 10**12 - 1},
                {"type": "string", "pattern": patroon},
            ],
            "description": self.beschrijving,
        }
        yield WithJsonSchema(schema)


# Euros, at most two decimals; never negative (no regeling reads a negative rent, income or
# vermogen: none is 0; docs/decisions.md).
Bedrag = Annotated[
    Decimal,
    DecimaalAlsTekst(
        2,
        "een bedrag als tekst is cijfers met hoogstens twee decimalen: 1000.50",
        "Euro: een geheel getal, of tekst met hoogstens twee decimalen.",
    ),
]
Datum = Annotated[date, BeforeValidator(_geen_getal)]
# The day an evaluation is about: the years whose rules VIL can hold, and far enough from the
# ends of the calendar for the date arithmetic around it (36 months back, a year on).
Peildatum = Annotated[
    Datum,
    Field(ge=date(2000, 1, 1), le=date(2099, 12, 31)),
    # JSON Schema has no bounds for a date; a pattern on the year says the same.
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^20\d\d-",
            "description": "Van 2000-01-01 tot en met 2099-12-31.",
        }
    ),
]
JaNee = StrictBool  # true or false, not 'yes', 1 or 'on'


class VilModel(BaseModel):
    """Base of every VIL model: camelCase aliases, extra fields are an error."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )


M = TypeVar("M", bound=VilModel)
# The setters of the four slots of every pydantic model, which `model_construct` fills (called
# directly: `object.__setattr__` would look each up again).
_DICT, _GEZET, _EXTRA, _PRIVATE = (
    BaseModel.__dict__[slot].__set__
    for slot in (
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    )
)


def gemaakt(model: type[M], values: dict[str, Any], gezet: set[str] | None = None) -> M:
    """A model of values that have their fields' types already (VIL's own, never what a
    client sends), made as pydantic's `model_construct` makes it (its `__dict__`, the fields
    set, no extra, no private attributes) without validating them or its per-field
    bookkeeping; `values` becomes the model's own `__dict__`. `gezet`: the fields set, when
    not every value's. The tests hold each use to what `model_validate` makes of the same
    values."""
    instance = object.__new__(model)  # not model.__new__: pydantic's metaclass has a __getattr__
    _DICT(instance, values)
    _GEZET(instance, set(values) if gezet is None else gezet)
    _EXTRA(instance, None)
    _PRIVATE(instance, None)
    return instance
