"""Loading one delivery: check it against its contract, keep what is valid, set the rest
aside with a reason, and record the load — all in one transaction.

Flow for a delivery (a dropped file, or what an API or database fetch wrote to landing):
the raw file is kept in landing named by its hash → the processor reads it as text → each
row is typed, checked and its personal columns pseudonymised (for a CSV file in the same
statement that parses it) → valid rows replace their earlier versions in
``staging.<table>``, invalid ones go to the quarantine → the ledger
records the load (and the source's new watermark). A killed load leaves nothing behind: the
transaction never committed, and the next run loads the delivery again.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from koers.config import Project, SourceConfig
from koers.engine import Processor, Warehouse, sql_text
from koers.errors import ContractError, KoersError, PipelineError
from koers.ingestion.checks import CheckContext, Checked, check_rows
from koers.ingestion.contracts import Contract
from koers.ingestion.csv_reader import RawTable, bounded_memory
from koers.ingestion.ledger import (
    QUARANTINE_SCHEMA,
    QUARANTINE_TABLE,
    quarantine_rows,
    record_load,
    set_watermark,
    utc_now,
)
from koers.ingestion.readers import read_raw
from koers.ingestion.versioning import apply_versions
from koers.privacy.pseudonym import load_key

_temp_names = count()


@dataclass(frozen=True)
class Delivery:
    """One unit of loading, known by the hash of its content."""

    path: Path
    sha256: str
    size_bytes: int
    #: The name a person recognises: the dropped file's name, or the fetch's.
    name: str
    #: For fetched sources: the watermark to store once this delivery is loaded.
    watermark: str | None = None
    #: Whether ``path`` is already the kept copy in landing (fetched deliveries are).
    in_landing: bool = False


@dataclass(frozen=True)
class LoadContext:
    """What loading needs from the project beyond the source: contracts to recognise a file
    of another source, seed files for references, and where the pseudonym key lives."""

    contracts: Mapping[str, Contract]
    seeds: Mapping[str, Path]
    pseudonym_key_env: str


@dataclass(frozen=True)
class LoadResult:
    source: str
    file_name: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_replaced: int = 0
    notes: list[str] = field(default_factory=list)


def load_id_for(source: SourceConfig, delivery: Delivery) -> str:
    return f"{source.name}-{delivery.sha256[:16]}"


def load_delivery(
    project: Project,
    warehouse: Warehouse,
    source: SourceConfig,
    contract: Contract,
    delivery: Delivery,
    run_id: str,
    context: LoadContext,
) -> LoadResult:
    load_id = load_id_for(source, delivery)
    kept = delivery.path if delivery.in_landing else keep_in_landing(project, source, delivery)
    name = f"_koers_raw_{next(_temp_names)}"
    temps = [
        name,
        f"{name}_rejects",
        f"{name}_reject_scans",
        f"{name}_checked",
        f"{name}_checked_duplicates",
    ]
    # The whole load runs under the reader's memory cap: DuckDB spills the raw and checked
    # tables to disk rather than growing with the delivery (a 2 GB file, 5 M rows).
    with warehouse.processor() as processor, bounded_memory(processor):
        try:
            # A CSV file is parsed by the check statement itself (one pass over the delivery
            # instead of a raw table written and read again).
            raw = _read(processor, kept, source, delivery, name, defer=True)
            notes = _check_headers(delivery, contract, raw, context.contracts)
            check_context = CheckContext(
                pseudonym_key=(
                    load_key(context.pseudonym_key_env)
                    if any(c.handling == "pseudonymise" for c in contract.columns)
                    else None
                ),
                references=_load_references(processor, contract, context.seeds, temps),
            )
            checked_name = f"{name}_checked"
            try:
                checked = _check(processor, raw, contract, check_context, checked_name, delivery)
            except PipelineError:
                if raw.pending is None:
                    raise
                # Reading and checking in one statement failed. Read the file on its own
                # first, so that a file DuckDB cannot parse is reported as such (and one with
                # a windows-1252 byte after the sample is transcoded), then check again.
                raw = _read(processor, kept, source, delivery, name, defer=False)
                checked = _check(processor, raw, contract, check_context, checked_name, delivery)
            # The checked table holds all that is still needed; free the raw one now.
            processor.execute(f"DROP TABLE IF EXISTS {raw.name}")
            result = _commit(
                warehouse, processor, source, contract, delivery, load_id, checked, run_id
            )
        finally:
            for table in temps:
                processor.execute(f"DROP TABLE IF EXISTS {table}")
    loaded, quarantined, replaced = result
    return LoadResult(
        source=source.name,
        file_name=delivery.name,
        rows_read=loaded + quarantined,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        rows_replaced=replaced,
        notes=notes,
    )


def _read(
    processor: Processor,
    kept: Path,
    source: SourceConfig,
    delivery: Delivery,
    name: str,
    *,
    defer: bool,
) -> RawTable:
    try:
        return read_raw(processor, kept, source, name, defer=defer)
    except ContractError as exc:
        # The reader names the landing copy; a person knows the file they delivered.
        raise ContractError(exc.message.replace(kept.name, delivery.name)) from None


def _check(
    processor: Processor,
    raw: RawTable,
    contract: Contract,
    context: CheckContext,
    name: str,
    delivery: Delivery,
) -> Checked:
    """:func:`check_rows`, with any failure of its statements as a :class:`PipelineError`."""
    try:
        return check_rows(processor, raw, contract, context, name)
    except KoersError:
        raise
    except Exception as exc:
        # The check statement embeds the pseudonym key's pads: never pass the driver's
        # message on (it may quote the SQL), only its kind.
        raise PipelineError(
            f"{delivery.name}: controle tegen contract {contract.name} mislukt "
            f"({type(exc).__name__}); controleer patronen en grenzen in het contract"
        ) from None


def _commit(
    warehouse: Warehouse,
    processor: Processor,
    source: SourceConfig,
    contract: Contract,
    delivery: Delivery,
    load_id: str,
    checked: Checked,
    run_id: str,
) -> tuple[int, int, int]:
    """Everything that changes the warehouse, in one transaction: all of it or none."""
    gemeente = f"'{sql_text(source.gemeente)}'" if source.gemeente else "CAST(NULL AS VARCHAR)"
    stored = [c.name for c in contract.stored_columns]
    schema = contract.staging_schema()
    file_name = sql_text(delivery.name)
    # Staging takes millions of rows whose stored order means nothing. Entered before the
    # transaction, so the setting is restored after a rollback too.
    with warehouse.unordered_inserts(), warehouse.transaction():
        incoming = warehouse.stage_from_processor(
            processor,
            f"SELECT {', '.join(stored)}, {gemeente} AS gemeente_code, "
            f"'{load_id}' AS _load_id FROM {checked.name} WHERE _failed_column IS NULL",
            f"{checked.name}_incoming",
            schema,
        )
        try:
            loaded = int(warehouse.query(f"SELECT count(*) FROM {incoming}").scalar())
            replaced = apply_versions(warehouse, contract, incoming, load_id)
        finally:
            warehouse.unstage(incoming)
        quarantined = warehouse.append_from_processor(
            processor,
            f"SELECT '{load_id}', '{sql_text(source.name)}', '{file_name}', "
            f"_row, _failed_column, _failed_value, _failed_reason FROM {checked.name} "
            "WHERE _failed_column IS NOT NULL ORDER BY _row",
            QUARANTINE_TABLE,
            list(QUARANTINE_SCHEMA),
        )
        quarantined += quarantine_rows(
            warehouse,
            [
                (load_id, source.name, delivery.name, row, None, None, reason)
                for row, reason in checked.rejected
            ],
        )
        record_load(
            warehouse,
            (
                load_id,
                run_id,
                source.name,
                contract.name,
                contract.version,
                contract.staging_table,
                delivery.name,
                delivery.sha256,
                delivery.size_bytes,
                loaded + quarantined,
                loaded,
                quarantined,
                utc_now(),
            ),
        )
        if delivery.watermark is not None:
            set_watermark(warehouse, source.name, delivery.watermark, load_id)
    return loaded, quarantined, replaced


def landing_folder(project: Project, source: SourceConfig) -> Path:
    return project.dir / "landing" / source.name


def keep_in_landing(project: Project, source: SourceConfig, delivery: Delivery) -> Path:
    """Keep the raw delivery, immutable and named by its hash, before anything reads it."""
    folder = landing_folder(project, source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{delivery.sha256}{delivery.path.suffix.lower()}"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(delivery.path, partial)
        partial.replace(target)
    return target


def _check_headers(
    delivery: Delivery, contract: Contract, raw: RawTable, contracts: Mapping[str, Contract]
) -> list[str]:
    """Refuse a delivery without the required columns; name the contract it fits instead,
    if any. Returns notes about columns the contract does not know (they are ignored)."""
    present = set(raw.headers)
    missing = [c.header for c in contract.columns if c.required and c.header not in present]
    if missing:
        message = (
            f"{delivery.name}: verplichte kolom(men) ontbreken: {', '.join(missing)} "
            f"(contract {contract.name}); het bestand is niet geladen"
        )
        other = _fitting_contract(present, contract, contracts)
        if other:
            message += (
                f". Het lijkt een levering voor contract '{other}': staat het in de goede map?"
            )
        elif len(raw.headers) == 1 and any(d in raw.headers[0] for d in ";,\t|"):
            message += (
                ". Alle kolommen staan in één kolom: klopt het scheidingsteken (csv.delimiter)?"
            )
        raise ContractError(message)
    known = {c.header for c in contract.columns}
    extra = [h for h in raw.headers if h not in known]
    return [f"kolom(men) niet in het contract, genegeerd: {', '.join(extra)}"] if extra else []


def _fitting_contract(
    headers: set[str], contract: Contract, contracts: Mapping[str, Contract]
) -> str | None:
    for other in contracts.values():
        required = {c.header for c in other.columns if c.required}
        if other.name != contract.name and required and required <= headers:
            return other.name
    return None


def _load_references(
    processor: Processor, contract: Contract, seeds: Mapping[str, Path], temps: list[str]
) -> dict[str, str]:
    relations: dict[str, str] = {}
    for column in contract.columns:
        if not column.references or column.references in relations:
            continue
        seed, _, seed_column = column.references.partition(".")
        if seed not in seeds:
            raise ContractError(
                f"contract {contract.name}, kolom {column.name}: verwijst naar seed '{seed}', "
                "maar die bestaat niet"
            )
        relation = f"_koers_ref_{next(_temp_names)}"
        temps.append(relation)
        processor.execute(
            f"CREATE OR REPLACE TEMP TABLE {relation} AS SELECT DISTINCT "
            f'trim(CAST("{seed_column}" AS VARCHAR)) AS value FROM read_csv(?, header = true, '
            "delim = ',', quote = '\"', all_varchar = true)",
            [str(seeds[seed])],
        )
        relations[column.references] = relation
    return relations
