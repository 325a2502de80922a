"""DynamoDB: the main table and the audit table, one small store per aggregate.

The layout (every key) is in `keys`, every kind of item a model in `items`, the shared helpers
(paged queries, the one transaction recipe, cursors) in `tabel`, the stores in `stores`.
"""

from vil.adapters.dynamodb.stores import (
    Aanvragen,
    Auditlog,
    Beoordelingen,
    Brongegevens,
    Impactrapporten,
    Maandchecks,
    Machtigingen,
    Profielen,
    Regelingversies,
    Sessies,
    Toestemmingen,
)
from vil.adapters.dynamodb.tabel import conditional, cursor_van, positie, query_alles, table

__all__ = [
    "Aanvragen",
    "Auditlog",
    "Beoordelingen",
    "Brongegevens",
    "Impactrapporten",
    "Maandchecks",
    "Machtigingen",
    "Profielen",
    "Regelingversies",
    "Sessies",
    "Toestemmingen",
    "conditional",
    "cursor_van",
    "positie",
    "query_alles",
    "table",
]
