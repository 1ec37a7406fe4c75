"""Loading one delivered file: check it against its contract, keep what is valid, set the
rest aside with a reason, and record the load — all in one transaction.

Flow for a file: landing (the raw file kept as delivered, named by its hash) → the processor
reads it as text → each row is typed and checked → valid rows go to ``staging.<table>``,
invalid ones to ``landing.quarantine`` → ``landing.loads`` records the delivery. A file
already loaded (same hash for the same source) is skipped, so loading twice adds nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count

from koers.config import Project, SourceConfig
from koers.engine import Processor, Warehouse
from koers.errors import ContractError
from koers.ingestion.contracts import Contract, ContractColumn
from koers.ingestion.csv_reader import load_raw
from koers.sources.files import SourceFile, list_files

LOADS_TABLE = "landing.loads"
QUARANTINE_TABLE = "landing.quarantine"

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

_temp_names = count()


@dataclass(frozen=True)
class LoadResult:
    source: str
    file_name: str
    skipped: bool
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0


def ensure_ingestion_tables(warehouse: Warehouse, contracts: list[Contract]) -> None:
    warehouse.create_table(LOADS_TABLE, LOADS_SCHEMA)
    warehouse.create_table(QUARANTINE_TABLE, QUARANTINE_SCHEMA)
    for contract in contracts:
        warehouse.create_table(contract.staging_table, contract.staging_schema())


def pending_files(project: Project, warehouse: Warehouse, source: SourceConfig) -> list[SourceFile]:
    """Files in the source folder whose content this source has not loaded before."""
    loaded = {
        row[0]
        for row in warehouse.query(
            f"SELECT sha256 FROM {LOADS_TABLE} WHERE source = '{_sql_text(source.name)}'"
        ).rows
    }
    return [f for f in list_files(project, source) if f.sha256 not in loaded]


def load_file(
    project: Project,
    warehouse: Warehouse,
    source: SourceConfig,
    contract: Contract,
    file: SourceFile,
    run_id: str,
) -> LoadResult:
    load_id = f"{source.name}-{file.sha256[:16]}"
    _keep_in_landing(project, source, file)
    name = f"_koers_raw_{next(_temp_names)}"
    with warehouse.processor() as processor:
        raw = load_raw(processor, file.path, source.csv, name)
        _check_headers(file, contract, raw.headers)
        checked = _check_rows(processor, raw.name, contract)
        rows_read = int(processor.query(f"SELECT count(*) FROM {raw.name}").scalar()) + len(
            raw.rejected
        )
        gemeente = _sql_text(source.gemeente or "")
        stored = [c.name for c in contract.stored_columns]
        with warehouse.transaction():
            loaded = warehouse.append_from_processor(
                processor,
                f"SELECT {', '.join(stored)}, '{gemeente}', '{load_id}' FROM {checked} "
                "WHERE _failed_column IS NULL ORDER BY _row",
                contract.staging_table,
                [*stored, "gemeente_code", "_load_id"],
            )
            quarantined = warehouse.append_from_processor(
                processor,
                f"SELECT '{load_id}', '{_sql_text(source.name)}', '{_sql_text(file.path.name)}', "
                f"_row, _failed_column, _failed_value, _failed_reason FROM {checked} "
                "WHERE _failed_column IS NOT NULL ORDER BY _row",
                QUARANTINE_TABLE,
                list(QUARANTINE_SCHEMA),
            )
            quarantined += warehouse.insert_rows(
                QUARANTINE_TABLE,
                list(QUARANTINE_SCHEMA),
                [
                    (load_id, source.name, file.path.name, row, None, None, reason)
                    for row, reason in raw.rejected
                ],
            )
            warehouse.insert_rows(
                LOADS_TABLE,
                list(LOADS_SCHEMA),
                [
                    (
                        load_id,
                        run_id,
                        source.name,
                        contract.name,
                        contract.version,
                        contract.staging_table,
                        file.path.name,
                        file.sha256,
                        file.size_bytes,
                        rows_read,
                        loaded,
                        quarantined,
                        datetime.now(UTC).replace(tzinfo=None),
                    )
                ],
            )
        for table in (checked, raw.name, f"{raw.name}_rejects", f"{raw.name}_reject_scans"):
            processor.execute(f"DROP TABLE IF EXISTS {table}")
    return LoadResult(source.name, file.path.name, False, rows_read, loaded, quarantined)


def _keep_in_landing(project: Project, source: SourceConfig, file: SourceFile) -> None:
    """Keep the raw delivery, immutable and named by its hash, before anything reads it."""
    folder = project.dir / "landing" / source.name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{file.sha256}{file.path.suffix}"
    if not target.exists():
        partial = target.with_suffix(".partial")
        shutil.copyfile(file.path, partial)
        partial.replace(target)


def _check_headers(file: SourceFile, contract: Contract, headers: list[str]) -> None:
    missing = [c.header for c in contract.columns if c.required and c.header not in headers]
    if missing:
        raise ContractError(
            f"{file.path.name}: verplichte kolom(men) ontbreken: {', '.join(missing)} "
            f"(contract {contract.name}); het bestand is niet geladen"
        )


def _check_rows(processor: Processor, raw: str, contract: Contract) -> str:
    """Type every column and name the first problem of each row; returns the checked table."""
    typed, reasons = [], []
    present = {r[0] for r in processor.query(f"SELECT column_name FROM (DESCRIBE {raw})").rows}
    for column in contract.columns:
        if not column.stored and not column.required:
            continue
        text = (
            f"nullif(trim(\"{_ident(column.header)}\"), '')"
            if column.header in present
            else "CAST(NULL AS VARCHAR)"
        )
        value = _typed(column, text)
        if column.stored:
            typed.append(f"{value} AS {column.name}")
        reasons.append((column, text, value))
    failed = _first_failure(reasons)
    checked = f"{raw}_checked"
    processor.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {checked} AS
        SELECT _row, {", ".join(typed)},
               {failed["column"]} AS _failed_column,
               {failed["value"]} AS _failed_value,
               {failed["reason"]} AS _failed_reason
        FROM {raw}
        """
    )
    return checked


def _typed(column: ContractColumn, text: str) -> str:
    if column.type == "text":
        return text
    if column.type in ("date", "timestamp"):
        parsed = f"try_strptime({text}, '{_sql_text(column.format or '')}')"
        return f"CAST({parsed} AS DATE)" if column.type == "date" else parsed
    if column.type == "decimal":
        # Dutch exports write 1.234,5: drop the thousands dots, then the comma is the point.
        return f"try_cast(replace(replace({text}, '.', ''), ',', '.') AS DOUBLE)"
    if column.type == "integer":
        return f"try_cast(replace({text}, '.', '') AS BIGINT)"
    return (
        f"CASE lower({text}) WHEN 'ja' THEN true WHEN 'true' THEN true WHEN '1' THEN true "
        f"WHEN 'nee' THEN false WHEN 'false' THEN false WHEN '0' THEN false END"
    )


_TYPE_WORDS = {
    "integer": "geen geheel getal",
    "decimal": "geen getal",
    "boolean": "geen ja/nee-waarde",
}


def _reason(column: ContractColumn, text: str, value: str) -> list[tuple[str, str]]:
    """(condition, Dutch reason) pairs for one column, most basic first."""
    checks = []
    if column.required:
        checks.append((f"{text} IS NULL", "verplicht veld is leeg"))
    if column.type in ("date", "timestamp"):
        shown = (
            (column.format or "")
            .replace("%d", "dd")
            .replace("%m", "mm")
            .replace("%Y", "jjjj")
            .replace("%H", "uu")
            .replace("%M", "mm")
        )
        checks.append(
            (f"{text} IS NOT NULL AND {value} IS NULL", f"geen geldige datum (verwacht {shown})")
        )
    elif column.type in _TYPE_WORDS:
        checks.append((f"{text} IS NOT NULL AND {value} IS NULL", _TYPE_WORDS[column.type]))
    if column.allowed:
        options = ", ".join(f"'{_sql_text(a)}'" for a in column.allowed)
        shown = ", ".join(column.allowed)
        checks.append(
            (
                f"{text} IS NOT NULL AND {text} NOT IN ({options})",
                f"onbekende waarde (toegestaan: {shown})",
            )
        )
    return checks


def _first_failure(columns: list[tuple[ContractColumn, str, str]]) -> dict[str, str]:
    branches = [
        (condition, column, text, reason)
        for column, text, value in columns
        for condition, reason in _reason(column, text, value)
    ]
    if not branches:
        return {
            "column": "CAST(NULL AS VARCHAR)",
            "value": "CAST(NULL AS VARCHAR)",
            "reason": "CAST(NULL AS VARCHAR)",
        }

    def case(pick: Callable[[ContractColumn, str, str], str]) -> str:
        whens = " ".join(
            f"WHEN {condition} THEN {pick(column, text, reason)}"
            for condition, column, text, reason in branches
        )
        return f"CASE {whens} END"

    return {
        "column": case(lambda c, _t, _r: f"'{c.name}'"),
        # Personal data is not copied into quarantine either; the row number finds it.
        "value": case(
            lambda c, t, _r: (
                "'(persoonsgegeven, niet bewaard)'" if c.personal != "none" else f"left({t}, 200)"
            )
        ),
        "reason": case(lambda _c, _t, r: f"'{_sql_text(r)}'"),
    }


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _ident(text: str) -> str:
    return text.replace('"', '""')
