"""Building the model graph into the warehouse, skipping what has not changed.

Each table gets a fingerprint: its own SQL (or CSV) plus the fingerprints of what it reads;
for a staging table, the loads that filled it. A table whose fingerprint matches the last
build is left alone, so a run without new data rewrites nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from koers.engine import Warehouse
from koers.ingestion.ledger import LOADS_TABLE
from koers.transform.graph import ModelGraph, Node, NodeKind
from koers.transform.lineage import record_lineage
from koers.transform.python_model import build_python_model

BUILD_STATE_TABLE = "koers_meta.build_state"
BUILD_STATE_SCHEMA = {
    "table_name": "VARCHAR",
    "fingerprint": "VARCHAR",
    "built_at": "TIMESTAMP",
    "row_count": "BIGINT",
    "run_id": "VARCHAR",
}


@dataclass(frozen=True)
class BuildResult:
    table: str
    rebuilt: bool
    rows: int


def source_fingerprints(warehouse: Warehouse, tables: frozenset[str]) -> dict[str, str]:
    """A staging table changes exactly when a load adds to it."""
    rows = warehouse.query(
        f"SELECT target_table, load_id FROM {LOADS_TABLE} ORDER BY target_table, load_id"
    ).rows
    loads: dict[str, list[str]] = {table: [] for table in tables}
    for table, load_id in rows:
        loads.setdefault(table, []).append(load_id)
        # A load into staging.x may move replaced records into staging.x_history.
        history = f"{table}_history"
        if history in tables:
            loads[history].append(load_id)
    return {table: _digest("\n".join(ids)) for table, ids in loads.items()}


def fingerprints(graph: ModelGraph, sources: dict[str, str]) -> dict[str, str]:
    known = dict(sources)
    for node in graph.order():
        upstream = "".join(f"{t}={known[t]};" for t in sorted(node.inputs))
        known[node.table] = _digest(f"{node.kind}:{node.body_hash}:{upstream}")
    return known


def previous_fingerprints(warehouse: Warehouse) -> dict[str, str]:
    rows = warehouse.query(f"SELECT table_name, fingerprint FROM {BUILD_STATE_TABLE}").rows
    return {table: fingerprint for table, fingerprint in rows}


def build_node(
    warehouse: Warehouse, graph: ModelGraph, node: Node, fingerprint: str, run_id: str
) -> int:
    with warehouse.transaction():
        if node.kind is NodeKind.SEED:
            rows = _seed(warehouse, node)
        elif node.kind is NodeKind.PYTHON and node.path is not None:
            rows = build_python_model(warehouse, node.table, node.path, node.origin)
        else:
            rows = warehouse.replace_table(node.table, node.body)
        record_build(warehouse, node.table, fingerprint, rows, run_id)
        record_lineage(warehouse, graph, node.table, run_id)
    return rows


def record_build(
    warehouse: Warehouse, table: str, fingerprint: str, rows: int, run_id: str
) -> None:
    warehouse.execute(f"DELETE FROM {BUILD_STATE_TABLE} WHERE table_name = '{table}'")
    warehouse.insert_rows(
        BUILD_STATE_TABLE,
        list(BUILD_STATE_SCHEMA),
        [(table, fingerprint, datetime.now(UTC).replace(tzinfo=None), rows, run_id)],
    )


def _seed(warehouse: Warehouse, node: Node) -> int:
    """Load a reference CSV with the types DuckDB infers, the same on every engine."""
    with _as_file(node.body) as path, warehouse.processor() as processor:
        processor.execute(
            "CREATE OR REPLACE TEMP TABLE _koers_seed AS "
            "SELECT * FROM read_csv(?, header = true, delim = ',', quote = '\"')",
            [str(path)],
        )
        described = processor.query("DESCRIBE _koers_seed").rows
        columns = {str(row[0]): str(row[1]) for row in described}
        warehouse.execute(f"DROP TABLE IF EXISTS {node.table}")
        warehouse.create_table(node.table, columns)
        rows = warehouse.append_from_processor(
            processor, "SELECT * FROM _koers_seed", node.table, list(columns)
        )
        processor.execute("DROP TABLE _koers_seed")
    return rows


class _as_file:
    """The seed's CSV text as a file the processor can read (packs may be zipped)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __enter__(self) -> Path:
        handle = tempfile.NamedTemporaryFile(
            "w", suffix=".csv", delete=False, encoding="utf-8", newline=""
        )
        with handle:
            handle.write(self.text)
        self.path = Path(handle.name)
        return self.path

    def __exit__(self, *_: object) -> None:
        self.path.unlink(missing_ok=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def iter_changed(
    graph: ModelGraph, current: dict[str, str], previous: dict[str, str], warehouse: Warehouse
) -> Iterator[tuple[Node, bool]]:
    """Nodes in build order, each with whether it must be (re)built."""
    for node in graph.order():
        stale = previous.get(node.table) != current[node.table]
        yield node, stale or not warehouse.table_exists(node.table)
