"""The meldingen pipeline end to end, the same on every engine."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from tests.helpers import drop_file

from koers.config import load_project
from koers.engine import LAYERS, Warehouse, connect
from koers.errors import PipelineError
from koers.metrics.query import QueryService
from koers.metrics.request import Grain, MetricRequest
from koers.packs import load_packs
from koers.pipeline.run import RunSummary, run_pipeline
from koers.privacy.access import PUBLIC


def run(project_dir: Path) -> RunSummary:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return run_pipeline(project, warehouse, load_packs(project.packs))


def query(project_dir: Path, request: MetricRequest) -> list[dict[str, object]]:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return (
            QueryService(project, warehouse, load_packs(project.packs)).data(PUBLIC, request).rows
        )


def table_digests(warehouse: Warehouse) -> dict[str, str]:
    """A content hash per layer table, independent of row order."""
    layers = ", ".join(f"'{layer}'" for layer in LAYERS)
    tables = warehouse.query(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        f"WHERE table_schema IN ({layers}) ORDER BY 1"
    ).rows
    digests = {}
    for (table,) in tables:
        rows = sorted(repr(r) for r in warehouse.query(f"SELECT * FROM {table}").rows)
        digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def test_small_export_loads_valid_rows_and_sets_bad_ones_aside(engine_project: Path) -> None:
    drop_file(engine_project, "GM0226", "GM0226_klein.csv")
    summary = run(engine_project)
    assert (summary.rows_loaded, summary.rows_quarantined) == (4, 4)

    project = load_project(engine_project)
    with connect(project) as warehouse:
        quarantine = warehouse.query(
            "SELECT row_number, column_name, reason FROM landing.quarantine ORDER BY row_number"
        ).rows
        ids = warehouse.query("SELECT melding_id FROM staging.meldingen ORDER BY 1").rows
        core = warehouse.query(
            "SELECT melding_id, target_date, handling_days FROM core.meldingen ORDER BY melding_id"
        ).rows
        columns = warehouse.table_columns("staging.meldingen")
    # Rows as Excel numbers them (header = 1), even after a record spanning two lines.
    assert [(r[0], r[1]) for r in quarantine] == [
        (4, "created_at"),
        (6, "category"),
        (7, "status"),
        (8, None),
    ]
    assert quarantine[0][2] == "geen geldige datum (verwacht dd-mm-jjjj uu:mm)"
    assert quarantine[3][2] == "rij heeft meer velden dan de kopregel"
    assert ids == [("M1",), ("M2",), ("M4",), ("M8",)]
    # Free text is personal data: it never reaches the warehouse.
    assert "description" not in columns
    core = [(i, d, None if h is None else round(h, 3)) for i, d, h in core]
    assert core == [
        ("M1", date(2024, 11, 7), 1.031),  # 3 werkdagen from Monday 4 November
        ("M2", date(2024, 11, 11), None),  # 5 werkdagen, still open
        ("M4", date(2024, 11, 26), 15.333),  # 21 kalenderdagen
        ("M8", date(2024, 11, 12), None),  # cancelled: no handling time
    ]


def test_metrics_answer_from_the_marts(engine_project: Path) -> None:
    drop_file(engine_project, "GM0226", "GM0226_klein.csv")
    run(engine_project)
    received = query(engine_project, MetricRequest("meldingen_ontvangen", dimensions=("category",)))
    assert received == [
        {"period": "2024-11-01", "category": "Afval", "value": 2},
        {"period": "2024-11-01", "category": "Openbaar groen en water", "value": 1},
        {"period": "2024-11-01", "category": "Wegen, verkeer, straatmeubilair", "value": 1},
    ]
    open_by_day = query(
        engine_project,
        MetricRequest(
            "meldingen_open",
            grain=Grain.DAY,
            date_from=date(2024, 11, 4),
            date_to=date(2024, 11, 8),
        ),
    )
    # M1 closes on the 5th, M8 arrives on the 7th and is cancelled on the 8th.
    assert [r["value"] for r in open_by_day] == [2, 2, 2, 3, 2]
    median = query(engine_project, MetricRequest("meldingen_afhandeltijd_mediaan"))
    assert median[0]["value"] == pytest.approx((1.03125 + 15.333333) / 2, abs=1e-4)
    within = query(engine_project, MetricRequest("meldingen_binnen_norm", grain=Grain.YEAR))
    assert within == [{"period": "2024-01-01", "value": 100.0}]


def test_second_run_without_new_data_changes_no_row(engine_project: Path) -> None:
    drop_file(engine_project, "GM0226", "GM0226_klein.csv")
    run(engine_project)
    project = load_project(engine_project)
    with connect(project) as warehouse:
        before = table_digests(warehouse)
    second = run(engine_project)
    with connect(project) as warehouse:
        after = table_digests(warehouse)
        runs = warehouse.query("SELECT status FROM koers_meta.runs").rows
    assert second.loads == [] and second.built == []
    assert before == after
    assert runs == [("geslaagd",), ("geslaagd",)]


def test_the_same_file_under_another_name_is_not_loaded_twice(engine_project: Path) -> None:
    drop_file(engine_project, "GM0226", "GM0226_klein.csv")
    run(engine_project)
    copy = engine_project / "bronnen" / "meldingen" / "GM0226" / "kopie.csv"
    copy.write_bytes((engine_project / "bronnen/meldingen/GM0226/GM0226_klein.csv").read_bytes())
    assert run(engine_project).rows_loaded == 0


def test_file_missing_a_required_column_is_refused_whole(engine_project: Path) -> None:
    target = engine_project / "bronnen" / "meldingen" / "GM0226" / "zonder_status.csv"
    target.write_text(
        "Meldingnummer;Datum melding;Hoofdcategorie;Subcategorie;Wijkcode\n"
        "X1;01-01-2025 10:00;Afval;Grofvuil;WK022600\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PipelineError, match=r"zonder_status\.csv: verplichte kolom\(men\) ontbreken: Status"
    ):
        run(engine_project)
    project = load_project(engine_project)
    with connect(project) as warehouse:
        assert warehouse.count_rows("staging.meldingen") == 0
        assert warehouse.query("SELECT status FROM koers_meta.runs").rows == [("mislukt",)]
