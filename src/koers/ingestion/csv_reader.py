"""Reading a CSV export into the processor as text, one column per header, with row numbers.

Everything is read as text first: a value that does not parse is a finding about that row,
not a reason to refuse the file. Rows the CSV parser itself cannot split (too many or too
few fields) are collected with their line so they can be quarantined too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from koers.config import CsvDialect
from koers.engine import Processor
from koers.errors import ContractError

#: Python codec names for the encodings a contract may name.
_CODECS = {
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "latin-1": "latin-1",
    "windows-1252": "cp1252",
    "utf-16": "utf-16",
}
#: DuckDB's names for the same encodings.
_DUCKDB_ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "latin-1": "latin-1",
    "windows-1252": "latin-1",
    "utf-16": "utf-16",
}


@dataclass(frozen=True)
class RawTable:
    """A temp table ``name`` with ``_row`` (the row as Excel numbers it) and text columns."""

    name: str
    headers: list[str]
    rejected: list[tuple[int, str]]  # (row, reason) for rows the parser could not split


def read_header(path: Path, dialect: CsvDialect) -> list[str]:
    try:
        with path.open(encoding=_CODECS[dialect.encoding], newline="") as handle:
            first = next(csv.reader(handle, delimiter=dialect.delimiter, quotechar=dialect.quote))
    except StopIteration:
        raise ContractError(f"{path.name}: het bestand is leeg") from None
    except UnicodeDecodeError:
        raise ContractError(
            f"{path.name}: tekens passen niet bij codering {dialect.encoding}; "
            "stel csv.encoding in voor deze bron"
        ) from None
    return [h.strip() for h in first]


def load_raw(processor: Processor, path: Path, dialect: CsvDialect, name: str) -> RawTable:
    headers = read_header(path, dialect)
    if len(set(headers)) != len(headers):
        raise ContractError(f"{path.name}: de kopregel bevat dezelfde kolomnaam meer dan eens")
    columns = "{" + ", ".join(f"'{_quote(h)}': 'VARCHAR'" for h in headers) + "}"
    rejects = f"{name}_rejects"
    processor.execute(f"DROP TABLE IF EXISTS {rejects}")
    processor.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name}_scan AS
        SELECT row_number() OVER () AS _scan_row, *
        FROM read_csv(?, delim = ?, quote = ?, escape = ?, header = true, auto_detect = false,
                      columns = {columns}, encoding = ?, store_rejects = true,
                      rejects_table = '{rejects}', rejects_scan = '{name}_reject_scans')
        """,
        [
            str(path),
            dialect.delimiter,
            dialect.quote,
            dialect.quote,
            _DUCKDB_ENCODINGS[dialect.encoding],
        ],
    )
    # One rejected record shifts the numbers of the records after it; recover the real
    # record number so every finding points at the row a person sees in Excel.
    rejected = processor.query(
        f"SELECT DISTINCT line, error_type FROM {rejects} ORDER BY line"
    ).rows
    processor.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        WITH gaps AS (
            SELECT line - 1 - row_number() OVER (ORDER BY line) AS before_scan_row
            FROM (SELECT DISTINCT line FROM {rejects})
        )
        SELECT s.* EXCLUDE (_scan_row),
               s._scan_row + 1 + (SELECT count(*) FROM gaps WHERE gaps.before_scan_row < s._scan_row)
                   AS _row
        FROM {name}_scan AS s
        """
    )
    processor.execute(f"DROP TABLE {name}_scan")
    return RawTable(
        name=name,
        headers=headers,
        rejected=[(int(line), _reject_reason(str(kind))) for line, kind in rejected],
    )


def _reject_reason(kind: str) -> str:
    return {
        "TOO MANY COLUMNS": "rij heeft meer velden dan de kopregel",
        "MISSING COLUMNS": "rij heeft minder velden dan de kopregel",
        "UNQUOTED VALUE": "aanhalingstekens niet goed afgesloten",
        "LINE SIZE OVER MAXIMUM": "rij is te lang",
        "INVALID ENCODING": "tekens passen niet bij de codering",
    }.get(kind, f"rij niet te lezen ({kind.lower()})")


def _quote(text: str) -> str:
    return text.replace("'", "''")
