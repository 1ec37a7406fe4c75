"""Parquet for BI tools (Power BI, Python, R, DuckDB): typed columns under the API's names.

Where the CSV and XLSX exports are for people in Excel (Dutch titles, values spelled or typed
for Excel, text guarded against formulas), a Parquet file is for a program that reads it
further: the column names are those of the JSON API, numbers are numbers, a period is a
DATE, and text is kept exactly as it is. No formula guard: Parquet has no formulas, and a
tool that later writes the values to a spreadsheet must guard them itself.

DuckDB writes the file (a private in-memory one from :mod:`koers.engine`), so no pyarrow
is needed.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from koers.engine.duckdb_engine import new_processor

# The query layer hands dates over as ISO text (they go to JSON too); a column whose every
# value is one goes into the file as a DATE.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _column_type(values: Sequence[Any]) -> str:
    """The DuckDB type a column's Python values fit in; an empty column is text."""
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if not kinds:
        return "VARCHAR"
    if kinds == {str} and all(_ISO_DATE.fullmatch(v) for v in present):
        return "DATE"
    if kinds == {bool}:
        return "BOOLEAN"
    if kinds == {int}:
        return "BIGINT"
    if kinds <= {int, float, Decimal}:
        return "DOUBLE"
    if kinds == {date}:
        return "DATE"
    if kinds <= {datetime}:
        aware = any(v.tzinfo is not None for v in values if v is not None)
        return "TIMESTAMPTZ" if aware else "TIMESTAMP"
    return "VARCHAR"


def _python(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "DOUBLE":
        return float(value)
    if kind == "VARCHAR":
        return str(value)
    if kind == "DATE" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def typed_parquet(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    known: Mapping[str, str] | None = None,
) -> bytes:
    """One Parquet file (zstd-compressed) with ``columns``, each typed from its values.

    ``known`` fixes the DuckDB type of named columns. A BI tool that refreshes a file expects
    the same schema every time, also when an export happens to be empty or all whole numbers.
    """
    fixed = known or {}
    kinds = [
        fixed.get(name) or _column_type([row[i] for row in rows]) for i, name in enumerate(columns)
    ]
    frame = pd.DataFrame(
        {
            f"c{i}": pd.Series([_python(row[i], kind) for row in rows], dtype=object)
            for i, kind in enumerate(kinds)
        },
        columns=[f"c{i}" for i in range(len(columns))],
    )
    select = ", ".join(
        f'CAST(c{i} AS {kind}) AS "{name.replace(chr(34), chr(34) * 2)}"'
        for i, (name, kind) in enumerate(zip(columns, kinds, strict=True))
    )
    with tempfile.TemporaryDirectory(prefix="koers-parquet-") as folder:
        target = Path(folder) / "export.parquet"
        processor = new_processor()
        try:
            processor.register("export_rows", frame)
            processor.execute(
                f"COPY (SELECT {select} FROM export_rows) TO '{target}' "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
        finally:
            processor.con.close()
        return target.read_bytes()
