"""Reading a Parquet answer back the way a BI tool would: with DuckDB, types and all."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb


def read_parquet(content: bytes) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Column name → DuckDB type, and the rows as dicts, of a Parquet file's bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "antwoord.parquet"
        path.write_bytes(content)
        with duckdb.connect() as con:
            relation = con.sql(f"SELECT * FROM '{path}'")
            types = {
                name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)
            }
            rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    return types, rows
