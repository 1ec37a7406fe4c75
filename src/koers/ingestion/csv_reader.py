"""Reading a CSV export into the processor as a raw table: text columns plus row numbers.

Everything is read as text first: a value that does not parse is a finding about that row,
not a reason to refuse the file. Rows the CSV parser itself cannot split (too many or too
few fields, an unclosed quote, bytes that do not fit the encoding) are collected with their
row number so the loader can quarantine them too. How the file is written comes from
:mod:`koers.ingestion.dialect`; :func:`koers.ingestion.readers.read_raw` picks this reader
for ``.csv``, ``.txt``, ``.tsv`` and ``.tab`` files.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from koers.config import CsvDialect
from koers.engine import Processor, sql_string
from koers.engine.base import first_line
from koers.errors import ContractError
from koers.ingestion.dialect import CsvSettings, detect_csv, read_sample_text

#: The column every raw table adds; a header of that name would be ambiguous.
ROW_COLUMN = "_row"
#: Longest record DuckDB accepts; a longer one is rejected as a row, not the whole file.
MAX_LINE_BYTES = 16 << 20
#: While a file is read, DuckDB keeps at most this much in memory and spills the rest of
#: the raw table to its temp directory: a 2 GB delivery must not need 4 GB of RAM.
RAW_MEMORY_LIMIT_BYTES = 1 << 30

_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_TRANSCODE_CHUNK = 4 << 20


@dataclass(frozen=True)
class RawTable:
    """A temp table ``name``: ``_row`` (BIGINT) and one VARCHAR column per header.

    ``_row`` is the row as a person finds it: for CSV and XLSX the spreadsheet row (header
    is row 1), for JSON, NDJSON and Parquet the record number (first record is 1). Rows
    listed in ``rejected`` are not in the table.
    """

    name: str
    headers: list[str]
    #: (row, Dutch reason) for rows the parser could not split.
    rejected: list[tuple[int, str]]
    #: What was read: csv, tsv, xlsx, json, ndjson, parquet or knmi.
    format: str
    #: How numbers in the text columns are written, for the loader to parse them: the
    #: file's own separators for CSV, ``.`` and no thousands separator for formats that
    #: store numbers natively.
    decimal: str
    thousands: str
    #: Set when the file is not read yet (``read_csv_raw(..., defer=True)``): there is no
    #: table ``name`` and ``rejected`` is still empty. Select from :attr:`relation` once,
    #: then let :meth:`PendingScan.finish` number the rows of what that built.
    pending: PendingScan | None = None

    @property
    def relation(self) -> str:
        """What to select ``_row`` and the header columns from: the table, or the file."""
        return self.pending.relation if self.pending else self.name

    @property
    def sample_relation(self) -> str:
        """Like :attr:`relation`, for a look at the first values; it reads no whole file."""
        return self.pending.sample if self.pending else self.name


@dataclass(frozen=True)
class PendingScan:
    """A delimited file that the first statement selecting from :attr:`relation` parses.

    A raw table costs a write and a read of every value of the delivery, and on a large file
    more than the memory cap holds; reading the file straight into the next table saves that
    pass. That statement must keep file order, as DuckDB does under
    ``preserve_insertion_order`` for selects from one relation (no join, no aggregate):
    :meth:`finish` numbers the rows by their position, exactly as for a raw table.
    """

    #: ``_row`` (NULL until :meth:`finish`) and one VARCHAR column per header, in file order;
    #: records DuckDB cannot split go to the rejects tables.
    relation: str
    #: The same file, skipping unreadable records and recording nothing.
    sample: str
    rejects: str
    scans: str
    #: The row number of the first record (2 below a header).
    first_row: int

    @contextmanager
    def reading(self, processor: Processor) -> Iterator[None]:
        """Around the statement that selects from :attr:`relation`.

        DuckDB checks the encoding only of the fields a statement uses, so a broken byte in a
        column the contract drops would go unnoticed; with column pruning off every field is
        decoded and such a record is rejected, as when the whole file is read into a table.
        """
        found = processor.query("SELECT current_setting('disabled_optimizers')").scalar()
        before = str(found or "")
        disabled = [name for name in before.split(",") if name.strip()]
        processor.execute(
            f"SET disabled_optimizers = {sql_string(','.join([*disabled, 'unused_columns']))}"
        )
        try:
            yield
        finally:
            processor.execute(f"SET disabled_optimizers = {sql_string(before)}")

    def finish(self, processor: Processor, table: str) -> list[tuple[int, str]]:
        """Fill ``_row`` of ``table`` (built from :attr:`relation`, in file order) and return
        (row, Dutch reason) for the records DuckDB rejected."""
        kinds = processor.query(
            f"SELECT line, list(DISTINCT error_type) FROM {self.rejects} "
            "GROUP BY line ORDER BY line"
        ).rows
        _number_rows(processor, table, self.rejects, self.first_row, bool(kinds))
        for rejects in (self.rejects, self.scans):
            processor.execute(f"DROP TABLE IF EXISTS {rejects}")
        return [(int(line), _reject_reason(list(errors))) for line, errors in kinds]


def read_csv_raw(
    processor: Processor,
    path: Path,
    dialect_overrides: CsvDialect,
    name: str,
    *,
    file_format: str = "csv",
    defer: bool = False,
) -> RawTable:
    """Detect how ``path`` is written (``dialect_overrides`` win) and read it as ``name``.

    With ``defer``, a file DuckDB can parse itself is not read yet: the result is pending
    (see :attr:`RawTable.pending`). A file that must be transcoded is read at once.
    """
    settings = detect_csv(path, dialect_overrides)
    return load_csv(processor, path, settings, name, file_format, defer=defer)


def load_csv(
    processor: Processor,
    path: Path,
    settings: CsvSettings,
    name: str,
    file_format: str = "csv",
    *,
    defer: bool = False,
) -> RawTable:
    """Read ``path`` with known settings into the raw table ``name`` (or, with ``defer``,
    prepare to: see :func:`read_csv_raw`)."""
    headers = csv_headers(path, settings)
    if defer and settings.duckdb_encoding is not None:
        # A windows-1252 byte that DuckDB's latin-1 refuses makes the reading statement fail;
        # the caller then reads the file again without ``defer``, which transcodes it.
        pending = pending_scan(
            processor,
            name,
            path,
            headers,
            delimiter=settings.delimiter,
            quote=settings.quote,
            header=settings.header,
            encoding=settings.duckdb_encoding,
        )
        return RawTable(
            name=name,
            headers=headers,
            rejected=[],
            format=file_format,
            decimal=settings.decimal,
            thousands=settings.thousands,
            pending=pending,
        )
    with bounded_memory(processor):
        if settings.duckdb_encoding is None:
            rejected = _scan_transcoded(processor, path, headers, settings, name)
        else:
            try:
                rejected = _scan_csv(
                    processor, path, headers, settings, settings.duckdb_encoding, name
                )
            except ContractError as exc:
                if settings.duckdb_encoding != "latin-1" or "latin-1" not in exc.message:
                    raise
                # A windows-1252 byte DuckDB's latin-1 refuses turned up after the sample.
                rejected = _scan_transcoded(processor, path, headers, settings, name)
    return RawTable(
        name=name,
        headers=headers,
        rejected=rejected,
        format=file_format,
        decimal=settings.decimal,
        thousands=settings.thousands,
    )


def csv_headers(path: Path, settings: CsvSettings) -> list[str]:
    """Column names: the trimmed header record, or ``kolom1``, ``kolom2``, ... without one."""
    text = read_sample_text(path, settings.codec)
    reader = csv.reader(io.StringIO(text), delimiter=settings.delimiter, quotechar=settings.quote)
    first = next((record for record in reader if record), None)
    if first is None:
        raise ContractError(f"{path.name}: het bestand is leeg")
    if not settings.header:
        return [f"kolom{i}" for i in range(1, len(first) + 1)]
    if any("\ufffd" in field for field in first):
        raise ContractError(
            f"{path.name}: tekens in de kopregel passen niet bij codering {settings.encoding}; "
            "stel csv.encoding in voor deze bron"
        )
    # An export that ends every line with the delimiter has an unnamed last column.
    headers = [field.strip() or f"kolom{i}" for i, field in enumerate(first, start=1)]
    check_headers(path, headers)
    return headers


def check_headers(path: Path, headers: Sequence[str]) -> None:
    """Refuse names DuckDB would confuse: it compares column names case-insensitively."""
    seen: set[str] = set()
    for header in headers:
        key = header.lower()
        if key == ROW_COLUMN:
            raise ContractError(
                f"{path.name}: kolomnaam '{header}' is gereserveerd voor het rijnummer"
            )
        if key in seen:
            raise ContractError(f"{path.name}: de kopregel bevat kolom '{header}' meer dan eens")
        seen.add(key)


def _scan_csv(
    processor: Processor,
    path: Path,
    headers: list[str],
    settings: CsvSettings,
    encoding: str,
    name: str,
    shown_as: Path | None = None,
) -> list[tuple[int, str]]:
    return scan_text(
        processor,
        name,
        path,
        headers,
        delimiter=settings.delimiter,
        quote=settings.quote,
        header=settings.header,
        encoding=encoding,
        shown_as=shown_as or path,
    )


def _scan_transcoded(
    processor: Processor, path: Path, headers: list[str], settings: CsvSettings, name: str
) -> list[tuple[int, str]]:
    """DuckDB reads UTF-8 and UTF-16 only; a single-byte file goes through a UTF-8 copy.

    Line structure is unchanged, so row numbers and rejects still point at the original.
    """
    handle, temp = tempfile.mkstemp(prefix="koers-", suffix=".csv")
    os.close(handle)
    copy = Path(temp)
    try:
        _transcode(path, settings.codec, copy)
        return _scan_csv(processor, copy, headers, settings, "utf-8", name, shown_as=path)
    finally:
        copy.unlink(missing_ok=True)


def _single_byte_fallback(error: UnicodeError) -> tuple[str, int]:
    # windows-1252 leaves five bytes undefined; read them as latin-1 does, like browsers.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("koers-latin-1", _single_byte_fallback)


def _transcode(source: Path, codec: str, target: Path) -> None:
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(_TRANSCODE_CHUNK):
            writer.write(chunk.decode(codec, errors="koers-latin-1").encode("utf-8"))


def scan_text(
    processor: Processor,
    name: str,
    path: Path,
    columns: Sequence[str],
    *,
    delimiter: str,
    quote: str,
    header: bool,
    encoding: str = "utf-8",
    shown_as: Path | None = None,
) -> list[tuple[int, str]]:
    """Parse a delimited text file into temp table ``name`` (``_row`` + VARCHAR columns).

    Returns (row, reason) for the records DuckDB rejected. Rows are numbered as the file
    numbers its records, header included: a record spanning lines in quotes is one row,
    like in Excel. An empty line in the middle is skipped by DuckDB without a trace, so the
    numbers of the rows after it are one lower than in Excel.
    """
    scan = pending_scan(
        processor,
        name,
        path,
        columns,
        delimiter=delimiter,
        quote=quote,
        header=header,
        encoding=encoding,
    )
    try:
        # The table is filled in file order (preserve_insertion_order, see bounded_memory),
        # so rowid is the record's position among the records DuckDB kept. Numbering with
        # row_number() OVER () instead would force the scan onto one thread.
        with scan.reading(processor):
            processor.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {scan.relation}"
            )
    except Exception as exc:  # DuckDB's own error type stays inside koers.engine
        raise ContractError(
            f"{(shown_as or path).name}: niet te lezen als tekstbestand ({first_line(exc)})"
        ) from exc
    return scan.finish(processor, name)


def pending_scan(
    processor: Processor,
    name: str,
    path: Path,
    columns: Sequence[str],
    *,
    delimiter: str,
    quote: str,
    header: bool,
    encoding: str = "utf-8",
) -> PendingScan:
    """Prepare to parse a delimited text file as :func:`scan_text` does, without reading it;
    the rejects go to ``<name>_rejects`` and ``<name>_reject_scans``."""
    if not _TABLE_NAME.match(name):
        raise ValueError(f"geen geldige naam voor een tijdelijke tabel: {name!r}")
    rejects, scans = f"{name}_rejects", f"{name}_reject_scans"
    for table in (rejects, scans):
        processor.execute(f"DROP TABLE IF EXISTS {table}")
    types = "{" + ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in columns) + "}"
    options = (
        f"{sql_string(str(path))}, delim = {sql_string(delimiter)}, quote = {sql_string(quote)}, "
        f"escape = {sql_string(quote)}, header = {'true' if header else 'false'}, "
        f"auto_detect = false, columns = {types}, encoding = {sql_string(encoding)}, "
        f"max_line_size = {MAX_LINE_BYTES}"
    )
    return PendingScan(
        relation=(
            f"(SELECT CAST(NULL AS BIGINT) AS {ROW_COLUMN}, * FROM read_csv({options}, "
            f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{scans}'))"
        ),
        sample=(
            f"(SELECT CAST(NULL AS BIGINT) AS {ROW_COLUMN}, * "
            f"FROM read_csv({options}, ignore_errors = true))"
        ),
        rejects=rejects,
        scans=scans,
        first_row=2 if header else 1,
    )


def _number_rows(
    processor: Processor, name: str, rejects: str, first_row: int, any_rejected: bool
) -> None:
    """Fill ``_row`` from rowid, skipping the numbers of rejected records.

    DuckDB reports a rejected record by its number (``line``). The k-th rejected record
    moves every later kept record up by one, so a kept record at position p gets
    p + first_row + (number of rejected records whose threshold is at or before p), with
    threshold = line - first_row - (k - 1): the position of the first kept record after it.
    """
    if not any_rejected:
        processor.execute(f"UPDATE {name} SET {ROW_COLUMN} = rowid + {first_row}")
        return
    # Consecutive rejected records share a threshold; the later one carries the larger
    # shift. An ASOF join finds each row's threshold by sorting, where a range join
    # between the two tables took twice as long on five million rows.
    processor.execute(
        f"""
        UPDATE {name} SET {ROW_COLUMN} = {name}.rowid + {first_row} + coalesce(found.shift, 0)
        FROM (
            SELECT kept.rowid AS position, shifts.shift
            FROM {name} AS kept
            ASOF LEFT JOIN (
                SELECT threshold, max(shift) AS shift
                FROM (
                    SELECT line - {first_row} - (row_number() OVER (ORDER BY line) - 1)
                               AS threshold,
                           row_number() OVER (ORDER BY line) AS shift
                    FROM (SELECT DISTINCT line FROM {rejects})
                )
                GROUP BY threshold
            ) AS shifts ON kept.rowid >= shifts.threshold
        ) AS found
        WHERE {name}.rowid = found.position
        """
    )


#: DuckDB's reject kinds, most telling first: one record can have several.
_REJECT_REASONS = {
    "INVALID ENCODING": "tekens passen niet bij de codering",
    "UNQUOTED VALUE": "aanhalingstekens niet goed afgesloten",
    "TOO MANY COLUMNS": "rij heeft meer velden dan de kopregel",
    "MISSING COLUMNS": "rij heeft minder velden dan de kopregel",
    "LINE SIZE OVER MAXIMUM": "rij is te lang",
}


def _reject_reason(kinds: list[str]) -> str:
    for kind, reason in _REJECT_REASONS.items():
        if kind in kinds:
            return reason
    return f"rij niet te lezen ({', '.join(sorted(kinds)).lower()})"


@contextmanager
def bounded_memory(processor: Processor) -> Iterator[None]:
    """Cap DuckDB's memory while a file is read, and keep insertion order on.

    Raw tables are written once and read once in order, so spilling them to DuckDB's temp
    directory costs little; holding a 2 GB delivery in memory would starve the rest. The
    settings are the connection's own again afterwards. Without a temp directory DuckDB
    cannot spill, so the cap is left off there.
    """
    limit, temp_dir, ordered = processor.query(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
        "current_setting('preserve_insertion_order')"
    ).rows[0]
    cap = bool(temp_dir) and _size_bytes(str(limit)) > RAW_MEMORY_LIMIT_BYTES
    if cap:
        processor.execute(f"SET memory_limit = '{RAW_MEMORY_LIMIT_BYTES}B'")
    if not ordered:
        processor.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        if not ordered:
            processor.execute("SET preserve_insertion_order = false")
        if cap:
            # DuckDB shows the limit rounded; RESET restores the default exactly.
            processor.execute("RESET memory_limit")
            now = processor.query("SELECT current_setting('memory_limit')").scalar()
            if now != limit:
                processor.execute(f"SET memory_limit = {sql_string(str(limit))}")


_SIZE = re.compile(r"^\s*([\d.]+)\s*([KMGTPE]?)(?:i?B|bytes)?\s*$", re.IGNORECASE)
_UNIT_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}


def _size_bytes(text: str) -> float:
    """DuckDB's ``'18.8 GiB'`` in bytes; anything else counts as unlimited."""
    match = _SIZE.match(text)
    if not match:
        return float("inf")
    return float(match.group(1)) * (1 << (10 * _UNIT_POWERS[match.group(2).upper()]))


@contextmanager
def temporary_csv() -> Iterator[Path]:
    """A temporary file for rows that Python produces (XLSX, KNMI), removed afterwards."""
    handle, temp = tempfile.mkstemp(prefix="koers-", suffix=".csv")
    os.close(handle)
    copy = Path(temp)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def load_numbered_copy(processor: Processor, copy: Path, headers: Sequence[str], name: str) -> None:
    """Read ``copy`` (UTF-8 CSV without header: row number, then one value per header) into
    the raw table ``name``. Going through a file lets DuckDB read it in one go, far faster
    than inserting the rows one statement at a time."""
    types = ", ".join(f"{sql_string(h)}: 'VARCHAR'" for h in headers)
    with bounded_memory(processor):
        processor.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {name} AS
            SELECT * FROM read_csv(?, delim = ',', quote = '"', escape = '"',
                                   header = false, auto_detect = false,
                                   max_line_size = {MAX_LINE_BYTES},
                                   columns = {{'{ROW_COLUMN}': 'BIGINT', {types}}})
            """,
            [str(copy)],
        )


__all__ = [
    "ROW_COLUMN",
    "PendingScan",
    "RawTable",
    "bounded_memory",
    "check_headers",
    "csv_headers",
    "load_csv",
    "load_numbered_copy",
    "pending_scan",
    "read_csv_raw",
    "scan_text",
    "temporary_csv",
]
