"""Powertools' idempotency behind the `Idempotentie` port: a use case once per input, pydantic
models in and out, records in the idempotency table.

`idempotent_function` in the service layer, never `@idempotent` on the handler: that would store
and replay a 500 (docs/libraries.md). The input model is hashed whole, or only the part
`sleutel` selects (JMESPath over its JSON); with `controle` a repeated key whose other part
differs is refused instead of answered with the first result (IETF Idempotency-Key).
"""

from collections.abc import Callable
from functools import cache, partial
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from vil.fouten import AndereInhoud, NogBezig

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


class _JsonSerializer(PydanticSerializer):
    """Powertools' serializer dumps in Python mode, which json cannot write (dates): JSON mode."""

    def to_dict(self, data: BaseModel) -> dict[str, Any]:
        return data.model_dump(mode="json", by_alias=True)


class Idempotentie:
    """The `Idempotentie` port over one idempotency table."""

    def __init__(self, tabel: str) -> None:
        self.tabel = tabel

    def eenmalig(
        self,
        doe: Callable[[In], Out],
        invoer: In,
        uitvoer: type[Out],
        *,
        bewaar_seconden: int,
        context: LambdaContext | None = None,
        sleutel: str | None = None,
        controle: str | None = None,
    ) -> Out:
        # `doe` may be a partial that binds the use case's ports: named after the function in it.
        functie = doe.func if isinstance(doe, partial) else doe
        naam = f"{functie.__module__}.{functie.__qualname__}"
        config, eenmaal = _eenmaal(self.tabel, naam, uitvoer, bewaar_seconden, sleutel, controle)
        if context is not None:
            # A run in progress expires with the invocation (and may then be retried).
            config.register_lambda_context(context)
        try:
            # Only `invoer` is hashed and validated; `doe` is passed through.
            resultaat: Out = eenmaal(doe, invoer=invoer)
        except IdempotencyValidationError as error:
            raise AndereInhoud(
                "Deze Idempotency-Key is al gebruikt voor een ander verzoek."
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise NogBezig(
                "Hetzelfde verzoek wordt nog verwerkt; probeer het straks opnieuw."
            ) from error
        return resultaat


@cache
def _eenmaal(
    tabel: str,
    naam: str,
    uitvoer: type[BaseModel],
    bewaar_seconden: int,
    sleutel: str | None,
    controle: str | None,
) -> tuple[IdempotencyConfig, Any]:
    """The idempotent runner of one use case, made once per process (a persistence layer keeps
    the first configuration it is given, so each use case has its own)."""
    config = IdempotencyConfig(
        event_key_jmespath=sleutel or "",
        payload_validation_jmespath=controle or "",
        expires_after_seconds=bewaar_seconden,
    )

    def uitvoeren(doe: Callable[[Any], BaseModel], invoer: BaseModel) -> BaseModel:
        return doe(invoer)

    # The record's key carries the function's name: the use case's, not this runner's.
    uitvoeren.__module__, _, uitvoeren.__qualname__ = naam.rpartition(".")
    eenmaal = idempotent_function(
        data_keyword_argument="invoer",
        persistence_store=DynamoDBPersistenceLayer(table_name=tabel),
        config=config,
        output_serializer=_JsonSerializer(uitvoer),
    )(uitvoeren)
    return config, eenmaal
