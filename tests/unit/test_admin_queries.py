"""The operator's queries on hand-made bookkeeping, once per engine: empty warehouses answer
empty, the quarantine pages and filters, and lineage only offers real tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from tests.helpers import write_project

from koers.config import load_project
from koers.engine import Warehouse, connect
from koers.errors import KoersError, QueryError
from koers.ingestion.ledger import (
    LOADS_SCHEMA,
    LOADS_TABLE,
    QUARANTINE_SCHEMA,
    QUARANTINE_TABLE,
    RAW_REMOVED_SCHEMA,
    RAW_REMOVED_TABLE,
    ensure_ledger,
)
from koers.pipeline.runlog import RUNS_SCHEMA, RUNS_TABLE, STEPS_SCHEMA, STEPS_TABLE
from koers.transform.build import BUILD_STATE_SCHEMA, BUILD_STATE_TABLE
from koers.transform.lineage import LINEAGE_SCHEMA, LINEAGE_TABLE
from koers.web.admin_queries import AdminQueries

MOMENT = datetime(2026, 11, 23, 9, 30)
SOURCES = ("meldingen_gm0226", "meldingen_gm0293")


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    url = request.getfixturevalue("postgres_db_url") if request.param == "postgres" else None
    project = load_project(write_project(tmp_path, engine_url=url))
    with connect(project) as opened:
        opened.ensure_layers()
        yield opened


def _fill(warehouse: Warehouse) -> None:
    ensure_ledger(warehouse)
    for table, schema in (
        (RUNS_TABLE, RUNS_SCHEMA),
        (STEPS_TABLE, STEPS_SCHEMA),
        (BUILD_STATE_TABLE, BUILD_STATE_SCHEMA),
        (LINEAGE_TABLE, LINEAGE_SCHEMA),
    ):
        warehouse.create_table(table, schema)
    target = ("meldingen", 1, "staging.meldingen")
    loads = [
        (
            f"load{i}",
            "run1",
            SOURCES[i % 2],
            *target,
            f"f{i}.csv",
            "ab" * 32,
            10,
            100,
            95,
            5,
            MOMENT,
        )
        for i in range(3)
    ]
    warehouse.insert_rows(LOADS_TABLE, list(LOADS_SCHEMA), loads)
    warehouse.insert_rows(RAW_REMOVED_TABLE, list(RAW_REMOVED_SCHEMA), [("load1", "f1", MOMENT)])
    quarantine = [
        ("load0", SOURCES[0], "f0.csv", row, "datum", "x'y", "geen geldige datum")
        for row in range(1, 251)
    ] + [("load1", SOURCES[1], "f1.csv", 3, None, None, "te weinig kolommen")]
    warehouse.insert_rows(QUARANTINE_TABLE, list(QUARANTINE_SCHEMA), quarantine)
    warehouse.insert_rows(
        RUNS_TABLE, list(RUNS_SCHEMA), [("run1", MOMENT, MOMENT, "mislukt", "geweigerd")]
    )
    steps = [
        ("run1", 1, f"{SOURCES[0]}/f0.csv", "laden", MOMENT, MOMENT, "geslaagd"),
        ("run1", 2, f"{SOURCES[0]}/kapot.csv", "laden", MOMENT, MOMENT, "geweigerd"),
    ]
    warehouse.insert_rows(
        STEPS_TABLE, list(STEPS_SCHEMA), [(*s, None, None, None, "kolom ontbreekt") for s in steps]
    )
    warehouse.insert_rows(
        BUILD_STATE_TABLE,
        list(BUILD_STATE_SCHEMA),
        [("marts.meldingen_dag", "f", MOMENT, 1, "run1"), ("metric:x", "f", MOMENT, 1, "run1")],
    )
    warehouse.insert_rows(
        LINEAGE_TABLE,
        list(LINEAGE_SCHEMA),
        [("marts.meldingen_dag", "run1", f"load{i}", MOMENT) for i in (0, 2)],
    )


def test_an_empty_warehouse_answers_empty(warehouse: Warehouse) -> None:
    admin = AdminQueries(warehouse, SOURCES)
    assert not admin.anything_loaded
    assert admin.recent_runs() == admin.loads() == admin.refused() == []
    assert admin.quarantine().rows == [] and admin.quarantine().count == 1
    assert admin.quarantine_rows() == [] and admin.lineage_tables() == []
    assert admin.known_sources() == sorted(SOURCES)
    with pytest.raises(KoersError, match="nog niets geladen"):
        admin.lineage("marts.meldingen_dag")


def test_bookkeeping_as_the_operator_sees_it(warehouse: Warehouse) -> None:
    _fill(warehouse)
    admin = AdminQueries(warehouse, (*SOURCES, "meldingen_gm0299"))
    assert admin.anything_loaded and admin.count_loads() == 3
    removed = {load["file_name"]: load["raw_removed_at"] for load in admin.loads()}
    assert removed == {"f0.csv": None, "f1.csv": MOMENT, "f2.csv": None}
    assert [s["step"] for s in admin.refused()] == [f"{SOURCES[0]}/kapot.csv"]
    assert admin.recent_runs()[0]["status"] == "mislukt"
    assert admin.known_sources() == [*SOURCES, "meldingen_gm0299"]

    everything = admin.quarantine(size=100)
    assert (everything.total, everything.count, len(everything.rows)) == (251, 3, 100)
    last = admin.quarantine(SOURCES[0], page=3, size=100)
    assert (last.first_row, last.last_row, last.rows[-1]["row_number"]) == (201, 250, 250)
    assert {r["source"] for r in last.rows} == {SOURCES[0]}
    assert last.rows[0]["value"] == "x'y"
    assert len(admin.quarantine_rows(SOURCES[1])) == 1

    assert admin.lineage_tables() == ["marts.meldingen_dag", "staging.meldingen"]
    behind = admin.lineage("marts.meldingen_dag").records()
    assert [load["file_name"] for load in behind] == ["f0.csv", "f2.csv"]


def test_unknown_sources_and_names_are_refused(warehouse: Warehouse) -> None:
    _fill(warehouse)
    admin = AdminQueries(warehouse, SOURCES)
    with pytest.raises(QueryError, match="onbekende bron 'x' OR 1=1'"):
        admin.check_source("x' OR 1=1")
    with pytest.raises(QueryError, match="geen tabelnaam"):
        admin.lineage("marts.x; DROP TABLE landing.loads")
    with pytest.raises(QueryError, match="1 of meer"):
        admin.quarantine(page=0)
    assert warehouse.count_rows(LOADS_TABLE) == 3


def test_an_older_ledger_without_raw_removed_still_lists_loads(warehouse: Warehouse) -> None:
    _fill(warehouse)
    warehouse.execute(f"DROP TABLE {RAW_REMOVED_TABLE}")
    loads = AdminQueries(warehouse, SOURCES).loads()
    assert len(loads) == 3 and all(load["raw_removed_at"] is None for load in loads)
