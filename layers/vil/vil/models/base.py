"""The shared model configuration: camelCase JSON, unknown fields refused, money as Decimal."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel


def _geen_getal(value: Any) -> Any:
    """A date is text ('2026-01-31'): pydantic would read a number as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("een datum is tekst, bijvoorbeeld 2026-01-31")
    return value


def _alleen_ja_nee(value: Any) -> Any:
    """Yes or no is true or false, not 'yes', 1 or 'on'."""
    if not isinstance(value, bool):
        raise ValueError("true of false")
    return value


# Euros as JSON numbers or decimal strings, at most two decimals; never float, never NaN.
# Written back as plain decimal text ('1000', not '1E+3').
Bedrag = Annotated[
    Decimal,
    Field(allow_inf_nan=False, decimal_places=2, max_digits=14),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
    # The document states exactly what is accepted: whole euros as a number, or cents as text.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": -(10**12) + 1, "maximum": 10**12 - 1},
                {"type": "string", "pattern": r"^-?\d{1,12}(\.\d{1,2})?$"},
            ],
            "description": "Euro: een geheel getal, of tekst met hoogstens twee decimalen.",
        }
    ),
]
# An amount that cannot be below zero (an aanslag, a rent): a negative one is refused, never
# evaluated (a negative aanslag or woonlasten would raise a remission instead of lowering it).
BedragNietNegatief = Annotated[
    Bedrag,
    Field(ge=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 10**12 - 1},
                {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
            ],
            "description": "Euro, niet negatief: een geheel getal, of tekst met hoogstens twee"
            " decimalen.",
        }
    ),
]
Datum = Annotated[date, BeforeValidator(_geen_getal)]
JaNee = Annotated[bool, BeforeValidator(_alleen_ja_nee)]


class VilModel(BaseModel):
    """Base of every VIL model: camelCase aliases, extra fields are an error."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )
