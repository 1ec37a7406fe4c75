"""Translating home-dialect SQL (DuckDB) to each engine's dialect with SQLGlot."""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot.errors import ErrorLevel

HOME_DIALECT = "duckdb"


@lru_cache(maxsize=2048)
def transpile(sql: str, dialect: str) -> tuple[str, ...]:
    """Statements of ``sql`` rewritten for ``dialect``; cached because pages repeat queries."""
    if dialect == HOME_DIALECT:
        return (sql,)
    return tuple(
        sqlglot.transpile(sql, read=HOME_DIALECT, write=dialect, unsupported_level=ErrorLevel.RAISE)
    )
