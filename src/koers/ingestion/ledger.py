"""The ingestion ledger: which deliveries were loaded, what was set aside, and how far each
incremental source has been read.

These tables are the memory that makes loading idempotent (a delivery is known by the hash
of its content) and incremental (a watermark per source). They are written in the same
transaction as the rows they describe, so they never disagree with the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from koers.engine import Warehouse, sql_text

LOADS_TABLE = "landing.loads"
QUARANTINE_TABLE = "landing.quarantine"
WATERMARKS_TABLE = "landing.watermarks"
#: Hashes of drop-folder files by name, size and modification time, so unchanged files are
#: not read again on every run (an optimisation: losing it costs only time).
FILE_HASHES_TABLE = "landing.file_hashes"
#: Raw deliveries removed from landing/ after their retention period.
RAW_REMOVED_TABLE = "landing.raw_removed"

LOADS_SCHEMA = {
    "load_id": "VARCHAR",
    "run_id": "VARCHAR",
    "source": "VARCHAR",
    "contract": "VARCHAR",
    "contract_version": "INTEGER",
    "target_table": "VARCHAR",
    "file_name": "VARCHAR",
    "sha256": "VARCHAR",
    "size_bytes": "BIGINT",
    "rows_read": "BIGINT",
    "rows_loaded": "BIGINT",
    "rows_quarantined": "BIGINT",
    "loaded_at": "TIMESTAMP",
}
QUARANTINE_SCHEMA = {
    "load_id": "VARCHAR",
    "source": "VARCHAR",
    "file_name": "VARCHAR",
    "row_number": "BIGINT",
    "column_name": "VARCHAR",
    "value": "VARCHAR",
    "reason": "VARCHAR",
}
WATERMARKS_SCHEMA = {
    "source": "VARCHAR",
    "watermark": "VARCHAR",
    "load_id": "VARCHAR",
    "updated_at": "TIMESTAMP",
}
FILE_HASHES_SCHEMA = {
    "source": "VARCHAR",
    "file_name": "VARCHAR",
    "size_bytes": "BIGINT",
    "mtime_ns": "BIGINT",
    "sha256": "VARCHAR",
}
RAW_REMOVED_SCHEMA = {
    "load_id": "VARCHAR",
    "file_name": "VARCHAR",
    "removed_at": "TIMESTAMP",
}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_ledger(warehouse: Warehouse) -> None:
    warehouse.create_table(LOADS_TABLE, LOADS_SCHEMA)
    warehouse.create_table(QUARANTINE_TABLE, QUARANTINE_SCHEMA)
    warehouse.create_table(WATERMARKS_TABLE, WATERMARKS_SCHEMA)
    warehouse.create_table(RAW_REMOVED_TABLE, RAW_REMOVED_SCHEMA)
    warehouse.create_table(FILE_HASHES_TABLE, FILE_HASHES_SCHEMA)


def known_file_hashes(warehouse: Warehouse, source: str) -> dict[tuple[str, int, int], str]:
    rows = warehouse.query(
        f"SELECT file_name, size_bytes, mtime_ns, sha256 FROM {FILE_HASHES_TABLE} "
        f"WHERE source = '{sql_text(source)}'"
    ).rows
    return {(str(n), int(size), int(mtime)): str(sha) for n, size, mtime, sha in rows}


def remember_file_hashes(
    warehouse: Warehouse, source: str, files: Sequence[tuple[str, int, int, str]]
) -> None:
    """Replace the source's remembered hashes by those of the files in its folder now."""
    with warehouse.transaction():
        warehouse.execute(f"DELETE FROM {FILE_HASHES_TABLE} WHERE source = '{sql_text(source)}'")
        warehouse.insert_rows(
            FILE_HASHES_TABLE,
            list(FILE_HASHES_SCHEMA),
            [(source, *file) for file in files],
        )


def loaded_hashes(warehouse: Warehouse, source: str) -> set[str]:
    rows = warehouse.query(
        f"SELECT sha256 FROM {LOADS_TABLE} WHERE source = '{sql_text(source)}'"
    ).rows
    return {str(row[0]) for row in rows}


def watermark(warehouse: Warehouse, source: str) -> str | None:
    value = warehouse.query(
        f"SELECT watermark FROM {WATERMARKS_TABLE} WHERE source = '{sql_text(source)}'"
    ).scalar()
    return None if value is None else str(value)


def set_watermark(warehouse: Warehouse, source: str, value: str, load_id: str) -> None:
    """Move the watermark; call inside the load's transaction so both land or neither."""
    warehouse.execute(f"DELETE FROM {WATERMARKS_TABLE} WHERE source = '{sql_text(source)}'")
    warehouse.insert_rows(
        WATERMARKS_TABLE, list(WATERMARKS_SCHEMA), [(source, value, load_id, utc_now())]
    )


def record_load(warehouse: Warehouse, values: Sequence[object]) -> None:
    warehouse.insert_rows(LOADS_TABLE, list(LOADS_SCHEMA), [values])


def quarantine_rows(warehouse: Warehouse, rows: Sequence[Sequence[object]]) -> int:
    return warehouse.insert_rows(QUARANTINE_TABLE, list(QUARANTINE_SCHEMA), rows)
