"""The shared model configuration: camelCase JSON, unknown fields refused, money as Decimal."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

# Euros as JSON numbers or decimal strings, at most two decimals; never float, never NaN.
Bedrag = Annotated[Decimal, Field(allow_inf_nan=False, decimal_places=2, max_digits=14)]


class VilModel(BaseModel):
    """Base of every VIL model: camelCase aliases, extra fields are an error."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )
