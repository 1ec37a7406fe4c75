"""Any delivered file → the same raw table in the processor; the loader's first step.

Whatever the format (CSV, TSV, Excel, JSON, NDJSON, Parquet), the result is a temp table
with ``_row`` and one VARCHAR column per header, described by a
:class:`~koers.ingestion.csv_reader.RawTable`. Everything is text at this stage: the loader
types and checks values against the contract afterwards and quarantines bad rows one by one.
Records a parser cannot read at all are listed in ``RawTable.rejected``. The loader asks for a
CSV file to be left pending instead (``defer``): its check statement then parses the file
itself, which saves writing and reading the whole delivery once more.

What ``_row`` means per format, so a finding points at something a person can open:

* CSV/TSV and XLSX: the spreadsheet row (the header is row 1, or the header row of the sheet).
* JSON: the record's position in the list (first record is 1).
* NDJSON: the line number, which is the record number when the file has no empty lines.
* Parquet: the record's position in the file (first record is 1).
* KNMI daggegevens: the line number in the file (see :mod:`koers.ingestion.knmi`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from koers.config import CsvDialect, SourceConfig
from koers.engine import Processor, sql_identifier, sql_string
from koers.engine.base import first_line
from koers.errors import ContractError
from koers.ingestion.csv_reader import (
    MAX_LINE_BYTES,
    ROW_COLUMN,
    RawTable,
    bounded_memory,
    check_headers,
    load_numbered_copy,
    read_csv_raw,
    scan_text,
    temporary_csv,
)
from koers.ingestion.dialect import SAMPLE_BYTES
from koers.ingestion.knmi import is_knmi_file, read_knmi_raw

#: File extension → format, for ``format = "auto"``.
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".parquet": "parquet",
}

RawReader = Callable[[Processor, Path, SourceConfig, str], RawTable]


def read_raw(
    processor: Processor, path: Path, source: SourceConfig, name: str, *, defer: bool = False
) -> RawTable:
    """Read ``path`` as ``source`` declares it into the temp table ``name``.

    With ``defer``, a CSV or TSV file that DuckDB parses itself is left for the next
    statement to read (see :attr:`RawTable.pending`); other files are read at once.
    """
    kind = file_format(path, source)
    if defer and kind in ("csv", "tsv"):
        return read_csv_raw(
            processor, path, _csv_dialect(kind, source), name, file_format=kind, defer=True
        )
    return READERS[kind](processor, path, source, name)


def file_format(path: Path, source: SourceConfig) -> str:
    """The declared format, or for ``auto`` the one its extension names.

    A ``.txt`` file that starts like a KNMI daggegevens file is read as KNMI, not as CSV.
    """
    if source.format != "auto":
        return source.format
    suffix = path.suffix.lower()
    if suffix == ".txt" and is_knmi_file(path):
        return "knmi"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    supported = ", ".join(EXTENSIONS)
    hint = "; sla een .xls op als .xlsx" if suffix == ".xls" else ""
    raise ContractError(
        f"{path.name}: onbekend bestandstype '{suffix or '(geen extensie)'}'{hint}; "
        f"ondersteund: {supported} (of stel format in voor deze bron)"
    )


# --- CSV and TSV ------------------------------------------------------------------------


def _read_csv(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    return read_csv_raw(processor, path, _csv_dialect("csv", source), name)


def _read_tsv(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    return read_csv_raw(processor, path, _csv_dialect("tsv", source), name, file_format="tsv")


def _csv_dialect(kind: str, source: SourceConfig) -> CsvDialect:
    """The source's CSV settings; a TSV file is tab-separated unless the source says not."""
    dialect = source.csv
    if kind == "tsv" and dialect.delimiter is None:
        dialect = dialect.model_copy(update={"delimiter": "\t"})
    return dialect


# --- XLSX -------------------------------------------------------------------------------


def _read_xlsx(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    """Stream the sheet's rows through a temporary CSV, which DuckDB reads in one go.

    openpyxl in read-only mode keeps one row in memory at a time; going through a file is
    far faster than inserting rows one statement at a time.
    """
    from openpyxl import load_workbook  # only needed for workbooks, and slow to import

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise ContractError(f"{path.name}: geen leesbaar Excel-bestand (.xlsx) ({exc})") from exc
    try:
        with temporary_csv() as copy:
            with copy.open("w", encoding="utf-8", newline="") as out:
                sheet = _sheet(workbook, path, source.xlsx.sheet)
                headers, rejected = _copy_rows(
                    path, sheet, source.xlsx.header_row, csv.writer(out, lineterminator="\n")
                )
            load_numbered_copy(processor, copy, headers, name)
    finally:
        workbook.close()
    return RawTable(name, headers, rejected, format="xlsx", decimal=".", thousands="")


def _sheet(workbook: Any, path: Path, wanted: str | None) -> Any:
    names: list[str] = list(workbook.sheetnames)
    if wanted is None:
        if not names:
            raise ContractError(f"{path.name}: de werkmap heeft geen tabbladen")
        return workbook[names[0]]
    if wanted not in names:
        raise ContractError(
            f"{path.name}: tabblad '{wanted}' bestaat niet; wel: {', '.join(names)} "
            "(stel xlsx.sheet in voor deze bron)"
        )
    return workbook[wanted]


def _copy_rows(
    path: Path, sheet: Any, header_row: int, writer: Any
) -> tuple[list[str], list[tuple[int, str]]]:
    """Write ``_row`` and the cell texts of every non-empty row below the header."""
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(min_row=header_row)
    header_cells = next(rows, None)
    titles = [_cell_text(cell) for cell in header_cells or ()]
    while titles and not (titles[-1] or "").strip():
        titles.pop()
    if not titles:
        raise ContractError(
            f"{path.name}: tabblad '{sheet.title}' heeft geen kopregel op rij {header_row} "
            "(stel xlsx.header_row in voor deze bron)"
        )
    headers = [(t or "").strip() or f"kolom{i}" for i, t in enumerate(titles, start=1)]
    check_headers(path, headers)
    width = len(headers)
    rejected: list[tuple[int, str]] = []
    # Read-only openpyxl yields rows absent from the sheet's XML as empty ones, so counting
    # from the header row gives the row number Excel shows.
    for number, cells in enumerate(rows, start=header_row + 1):
        values = [_cell_text(cell) for cell in cells]
        if not any(v and v.strip() for v in values):
            continue
        if any(v and v.strip() for v in values[width:]):
            rejected.append((number, "rij heeft meer velden dan de kopregel"))
            continue
        writer.writerow([number, *values[:width]])
    return headers, rejected


def _cell_text(cell: Any) -> str | None:
    """A cell as the text the loader parses: ISO dates, plain numbers, true/false."""
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        # Excel stores every date as a date-time; a midnight value shows as a date unless
        # its cell format shows the time.
        if value.time() == time() and not _shows_time(getattr(cell, "number_format", "")):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _number_text(value: float) -> str:
    """``1234.5`` and ``1234`` rather than ``1234.0`` or ``1.2345e+20``."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text


def _shows_time(number_format: str) -> bool:
    # Hours or seconds outside quoted literal text; [h] (elapsed hours) counts too.
    parts = str(number_format).split('"')
    code = "".join(parts[::2]).lower()
    return "h" in code or "s" in code


# --- JSON and NDJSON --------------------------------------------------------------------


def _read_json(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    """A list of records, an object holding one list of records, or objects one after another.

    A file that turns out to hold one object per line is read as NDJSON, so one broken line
    costs that record only.
    """
    layout = _json_layout(path)
    if layout == "lines":
        return _read_ndjson(processor, path, source, name)
    docs = f"{name}_docs"
    with bounded_memory(processor):
        try:
            if layout == "array":
                processor.execute(
                    f"CREATE OR REPLACE TEMP TABLE {docs} AS "
                    f"SELECT CAST(NULL AS BIGINT) AS {ROW_COLUMN}, CAST(json AS VARCHAR) AS _doc "
                    f"FROM read_json_objects(?, format = 'array', "
                    f"maximum_object_size = {MAX_LINE_BYTES})",
                    [str(path)],
                )
            else:
                _records_of_object(processor, path, docs)
        except ContractError:
            raise
        except Exception as exc:  # DuckDB's own error type stays inside koers.engine
            raise ContractError(f"{path.name}: geen geldige JSON ({first_line(exc)})") from exc
        processor.execute(f"UPDATE {docs} SET {ROW_COLUMN} = rowid + 1")
        headers, rejected = _spread_records(processor, path, docs, name)
    return RawTable(name, headers, rejected, format="json", decimal=".", thousands="")


def _json_layout(path: Path) -> str:
    with path.open("rb") as handle:
        start = handle.read(SAMPLE_BYTES).decode("utf-8-sig", errors="replace").lstrip()
    if not start:
        raise ContractError(f"{path.name}: het bestand is leeg")
    if start[0] == "[":
        return "array"
    if start[0] != "{":
        raise ContractError(
            f"{path.name}: geen JSON-lijst met records (het bestand begint niet met [ of {{)"
        )
    first, _, rest = start.partition("\n")
    try:
        one_line = isinstance(json.loads(first), dict)
    except ValueError:
        one_line = False
    return "lines" if one_line and rest.strip() else "object"


def _records_of_object(processor: Processor, path: Path, docs: str) -> None:
    """Records from ``{"meta": ..., "records": [...]}``, or from ``{...} {...}`` in a row.

    The wrapper object is parsed as a whole, so it must fit in memory; API answers do.
    """
    whole = f"{docs}_whole"
    size = max(path.stat().st_size + 1, MAX_LINE_BYTES)
    processor.execute(
        f"CREATE OR REPLACE TEMP TABLE {whole} AS SELECT json FROM read_json_objects(?, "
        f"format = 'unstructured', maximum_object_size = {min(size, 2**32 - 1)})",
        [str(path)],
    )
    try:
        if int(processor.query(f"SELECT count(*) FROM {whole}").scalar()) > 1:
            processor.execute(
                f"CREATE OR REPLACE TEMP TABLE {docs} AS SELECT CAST(NULL AS BIGINT) AS "
                f"{ROW_COLUMN}, CAST(json AS VARCHAR) AS _doc FROM {whole}"
            )
            return
        lists = [
            key
            for key, kind in processor.query(
                f"SELECT key, json_type(json, '/' || replace(replace(key, '~', '~0'), '/', '~1')) "
                f"FROM {whole}, unnest(json_keys(json)) WITH ORDINALITY AS keys(key, position) "
                "ORDER BY position"
            ).rows
            if kind == "ARRAY"
        ]
        if len(lists) != 1:
            found = f" (lijsten: {', '.join(lists)})" if lists else ""
            raise ContractError(
                f"{path.name}: verwacht een lijst met records, of een object met precies één "
                f"lijst erin{found}"
            )
        processor.execute(
            f"CREATE OR REPLACE TEMP TABLE {docs} AS SELECT CAST(NULL AS BIGINT) AS "
            f"{ROW_COLUMN}, CAST(unnest(CAST(json_extract(json, ?) AS JSON[])) AS VARCHAR) "
            f"AS _doc FROM {whole}",
            [_json_pointer(lists[0])],
        )
    finally:
        processor.execute(f"DROP TABLE IF EXISTS {whole}")


def _read_ndjson(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    """One JSON object per line, each line read as text first and checked on its own."""
    docs = f"{name}_docs"
    with bounded_memory(processor):
        # \x1f never occurs in valid JSON text (control characters must be escaped), so
        # as a delimiter it keeps every line whole; quoting is off for the same reason.
        rejected = [
            (row, reason if reason in _KEPT_REASONS else _NOT_JSON)
            for row, reason in scan_text(
                processor, docs, path, ["_doc"], delimiter="\x1f", quote="", header=False
            )
        ]
        headers, more = _spread_records(processor, path, docs, name)
    return RawTable(
        name, headers, sorted(rejected + more), format="ndjson", decimal=".", thousands=""
    )


_NOT_JSON = "regel is geen geldige JSON"
_KEPT_REASONS = ("tekens passen niet bij de codering", "rij is te lang")


def _spread_records(
    processor: Processor, path: Path, docs: str, name: str
) -> tuple[list[str], list[tuple[int, str]]]:
    """Turn ``docs`` (``_row``, ``_doc`` JSON text) into one text column per key.

    Columns are the union of the records' keys in first-seen order; nested values stay JSON
    text. Returns the headers and the records that are not JSON objects.
    """
    rejected = [
        (int(row), str(reason))
        for row, reason in processor.query(
            f"""
            SELECT {ROW_COLUMN},
                   CASE WHEN json_valid(_doc) THEN 'record is geen JSON-object'
                        ELSE '{_NOT_JSON}' END
            FROM {docs}
            WHERE trim(_doc) <> ''
              AND CASE WHEN json_valid(_doc) THEN json_type(_doc) <> 'OBJECT' ELSE true END
            ORDER BY {ROW_COLUMN}
            """
        ).rows
    ]
    processor.execute(
        f"DELETE FROM {docs} WHERE coalesce(trim(_doc), '') = '' OR "
        "CASE WHEN json_valid(_doc) THEN json_type(_doc) <> 'OBJECT' ELSE true END"
    )
    keys = [
        str(row[0])
        for row in processor.query(
            f"""
            SELECT keys.key
            FROM {docs}, unnest(json_keys(_doc)) WITH ORDINALITY AS keys(key, position)
            GROUP BY keys.key
            ORDER BY min({ROW_COLUMN}), arg_min(keys.position, {ROW_COLUMN})
            """
        ).rows
    ]
    headers = [key.strip() or f"kolom{i}" for i, key in enumerate(keys, start=1)]
    check_headers(path, headers)
    pointers = ", ".join(sql_string(_json_pointer(key)) for key in keys)
    columns = "".join(
        f', "values"[{i}] AS {sql_identifier(h)}' for i, h in enumerate(headers, start=1)
    )
    # One json_extract_string with all keys parses each record once, not once per column.
    processor.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT {ROW_COLUMN}{columns}
        FROM (SELECT {ROW_COLUMN}, json_extract_string(_doc, [{pointers}]) AS "values"
              FROM {docs})
        """
        if keys
        else f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {ROW_COLUMN} FROM {docs}"
    )
    processor.execute(f"DROP TABLE IF EXISTS {docs}")
    return headers, rejected


def _json_pointer(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


# --- Parquet ----------------------------------------------------------------------------


def _read_parquet(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    """Every column as text: dates ISO, nested values as JSON, like the other formats."""
    try:
        described = processor.query(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
            [str(path)],
        ).rows
    except Exception as exc:  # DuckDB's own error type stays inside koers.engine
        raise ContractError(
            f"{path.name}: geen leesbaar Parquet-bestand ({first_line(exc)})"
        ) from exc
    headers = [str(column) for column, _ in described]
    check_headers(path, headers)
    columns = "".join(
        f", {_parquet_text(column, str(kind))} AS {sql_identifier(column)}"
        for column, kind in zip(headers, (k for _, k in described), strict=True)
    )
    with bounded_memory(processor):
        processor.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS "
            f"SELECT file_row_number + 1 AS {ROW_COLUMN}{columns} "
            "FROM read_parquet(?, file_row_number = true)",
            [str(path)],
        )
    return RawTable(name, headers, [], format="parquet", decimal=".", thousands="")


def _parquet_text(column: str, kind: str) -> str:
    quoted = sql_identifier(column)
    nested = kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION"))
    return f"CAST(to_json({quoted}) AS VARCHAR)" if nested else f"CAST({quoted} AS VARCHAR)"


#: Format → reader; a new format is one function and one entry here.
READERS: dict[str, RawReader] = {
    "csv": _read_csv,
    "tsv": _read_tsv,
    "xlsx": _read_xlsx,
    "json": _read_json,
    "ndjson": _read_ndjson,
    "parquet": _read_parquet,
    "knmi": read_knmi_raw,
}

__all__ = ["EXTENSIONS", "READERS", "RawTable", "file_format", "read_raw"]
