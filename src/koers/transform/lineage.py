"""Lineage: which deliveries a table was built from.

Every staging row carries the load that brought it (``_load_id``); the ledger says what that
load was (source, file, content hash, when, under which contract version). When a model is
built, the loads present in the staging tables it reads — directly or through other models —
are recorded beside it, so ``koers lineage marts.x`` answers "where do these numbers come
from" for the version of the table that exists now.
"""

from __future__ import annotations

from koers.engine import Result, Warehouse, sql_text
from koers.errors import KoersError
from koers.ingestion.ledger import LOADS_TABLE, utc_now
from koers.transform.graph import ModelGraph

LINEAGE_TABLE = "koers_meta.lineage"
LINEAGE_SCHEMA = {
    "table_name": "VARCHAR",
    "run_id": "VARCHAR",
    "load_id": "VARCHAR",
    "recorded_at": "TIMESTAMP",
}

#: What ``koers lineage`` and the beheer page show for each load.
LOAD_COLUMNS = (
    "load_id",
    "source",
    "file_name",
    "sha256",
    "loaded_at",
    "contract",
    "contract_version",
    "rows_loaded",
    "rows_quarantined",
)


def upstream_sources(graph: ModelGraph, table: str) -> set[str]:
    """The staging tables ``table`` reads, directly or through other models."""
    seen: set[str] = set()
    todo = [table]
    found: set[str] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in graph.sources:
            found.add(current)
        elif current in graph.nodes:
            todo.extend(graph.nodes[current].inputs)
    return found


def record_lineage(warehouse: Warehouse, graph: ModelGraph, table: str, run_id: str) -> None:
    """Replace the recorded loads of ``table``; call in the transaction that builds it."""
    warehouse.execute(f"DELETE FROM {LINEAGE_TABLE} WHERE table_name = '{sql_text(table)}'")
    stamp = utc_now().isoformat(sep=" ")
    for source in sorted(upstream_sources(graph, table)):
        if not warehouse.table_exists(source):
            continue
        warehouse.execute(
            f"INSERT INTO {LINEAGE_TABLE} (table_name, run_id, load_id, recorded_at) "
            f"SELECT DISTINCT '{sql_text(table)}', '{sql_text(run_id)}', _load_id, "
            f"CAST('{stamp}' AS TIMESTAMP) FROM {source}"
        )


def lineage_of(warehouse: Warehouse, table: str) -> Result:
    """The loads behind ``table``: recorded at its last build, or for a staging table the
    loads whose rows it holds now."""
    columns = ", ".join(f"l.{c}" for c in LOAD_COLUMNS)
    if table.startswith("staging."):
        if not warehouse.table_exists(table):
            raise KoersError(f"tabel {table} bestaat niet (nog niet geladen?)")
        ids = f"SELECT DISTINCT _load_id FROM {table}"
    else:
        known = warehouse.query(
            f"SELECT count(*) FROM {LINEAGE_TABLE} WHERE table_name = '{sql_text(table)}'"
        ).scalar()
        if not known and not warehouse.table_exists(table):
            raise KoersError(f"tabel {table} bestaat niet; draai eerst 'koers run'")
        ids = f"SELECT load_id FROM {LINEAGE_TABLE} WHERE table_name = '{sql_text(table)}'"
    return warehouse.query(
        f"SELECT {columns} FROM {LOADS_TABLE} AS l WHERE l.load_id IN ({ids}) "
        "ORDER BY l.loaded_at, l.load_id"
    )
