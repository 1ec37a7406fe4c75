"""The warehouse engine: the one place that talks to DuckDB or PostgreSQL.

Everything above it writes SQL once, in DuckDB's dialect (the *home* dialect), and hands it
to a :class:`Warehouse`, which transpiles it with SQLGlot for its own engine. What an engine
can and cannot do is data (:class:`Capabilities`), not ``if`` branches elsewhere.
"""

from koers.engine.base import (
    LAYERS,
    META_SCHEMA,
    Capabilities,
    Processor,
    Result,
    Warehouse,
    sql_identifier,
    sql_string,
    sql_strings,
    sql_text,
)
from koers.engine.connect import connect

__all__ = [
    "LAYERS",
    "META_SCHEMA",
    "Capabilities",
    "Processor",
    "Result",
    "Warehouse",
    "connect",
    "sql_identifier",
    "sql_string",
    "sql_strings",
    "sql_text",
]
