"""Sources other than files, declared only in koers.toml, through the whole pipeline: the
records land as a delivery, pass the contract, and the next run fetches only what changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.helpers import TEST_PSEUDONYM_KEY, write_clienten_project
from tests.support.fake_http import FakeServer, Reply, Request

from koers.config import load_project
from koers.engine import connect
from koers.packs import load_packs
from koers.pipeline.run import RunSummary, run_pipeline

RECORDS = [
    {
        "Dossiernummer": "D0100",
        "BSN": "111222333",
        "Wijkcode": "WK022600",
        "Leeftijd": 40,
        "Bedrag": 12.5,
        "Startdatum": "2025-01-02",
        "Status": "open",
        "gewijzigd": "2025-01-02T10:00:00",
    },
    {
        "Dossiernummer": "D0101",
        "BSN": "123456782",
        "Wijkcode": "WK022601",
        "Leeftijd": 200,
        "Bedrag": 1,
        "Startdatum": "2025-01-03",
        "Status": "open",
        "gewijzigd": "2025-01-03T10:00:00",
    },
]
UPDATE = {**RECORDS[0], "Status": "gesloten", "gewijzigd": "2025-02-01T09:00:00"}


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)


def http_source(url: str, *options: str) -> str:
    """A ``[[sources]]`` entry reading the clienten contract from a JSON API."""
    return "\n".join(
        [
            "[[sources]]",
            'name = "clienten_api"',
            'contract = "clienten"',
            'type = "http"',
            'gemeente = "GM0226"',
            "[sources.http]",
            f'url = "{url}"',
            *options,
        ]
    )


def run(project_dir: Path) -> RunSummary:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return run_pipeline(project, warehouse, load_packs(project.packs, project.dir))


def current(project_dir: Path, table: str = "staging.clienten") -> list[tuple[object, ...]]:
    with connect(load_project(project_dir)) as warehouse:
        return warehouse.query(
            f"SELECT dossier, status, bedrag, gemeente_code FROM {table} ORDER BY dossier"
        ).rows


def test_an_api_source_loads_incrementally_by_watermark(tmp_path: Path) -> None:
    served = list(RECORDS)

    def dossiers(request: Request) -> Reply:
        since = request.query.get("sinds")
        return Reply(body={"data": [r for r in served if not since or r["gewijzigd"] > since]})

    with FakeServer({"/dossiers": dossiers}) as server:
        project = write_clienten_project(
            tmp_path,
            extra_sources=http_source(
                server.url("/dossiers"),
                'records = "data"',
                'watermark_param = "sinds"',
                'watermark_field = "gewijzigd"',
            ),
        )
        first = run(project)
        assert [(load.rows_loaded, load.rows_quarantined) for load in first.loads] == [(1, 1)]
        assert current(project) == [("D0100", "open", 12.5, "GM0226")]

        again = run(project)
        assert again.loads == []
        assert server.requests[-1].query["sinds"] == "2025-01-03T10:00:00"

        served.append(UPDATE)
        third = run(project)
        assert [load.rows_replaced for load in third.loads] == [1]
    assert current(project) == [("D0100", "gesloten", 12.5, "GM0226")]
    with connect(load_project(project)) as warehouse:
        assert warehouse.query("SELECT watermark FROM landing.watermarks").rows == [
            ("2025-02-01T09:00:00",)
        ]
        assert warehouse.count_rows("staging.clienten_history") == 1


def test_a_database_source_loads_incrementally_by_watermark_column(tmp_path: Path) -> None:
    database = tmp_path / "zaaksysteem.sqlite"
    with sqlite3.connect(database) as con:
        con.execute(
            'CREATE TABLE dossiers ("Dossiernummer" TEXT, "BSN" TEXT, "Wijkcode" TEXT, '
            '"Bedrag" REAL, "Status" TEXT, gewijzigd TEXT)'
        )
        con.executemany(
            "INSERT INTO dossiers VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("D0200", "111222333", "WK022600", 3.5, "open", "2025-01-01 08:00"),
                ("D0201", "123456782", "WK022601", 4.0, "open", "2025-01-02 08:00"),
            ],
        )
    project = write_clienten_project(
        tmp_path,
        extra_sources="\n".join(
            [
                "[[sources]]",
                'name = "clienten_db"',
                'contract = "clienten"',
                'type = "sql"',
                'gemeente = "GM0226"',
                "[sources.sql]",
                'url = "sqlite:///zaaksysteem.sqlite"',
                'table = "dossiers"',
                'watermark_column = "gewijzigd"',
            ]
        ),
    )
    assert run(project).rows_loaded == 2
    with sqlite3.connect(database) as con:
        con.execute(
            "UPDATE dossiers SET \"Status\" = 'gesloten', gewijzigd = '2025-03-01 08:00' "
            "WHERE \"Dossiernummer\" = 'D0201'"
        )
    summary = run(project)
    assert [(load.rows_loaded, load.rows_replaced) for load in summary.loads] == [(1, 1)]
    assert current(project) == [
        ("D0200", "open", 3.5, "GM0226"),
        ("D0201", "gesloten", 4.0, "GM0226"),
    ]


def test_api_timestamps_with_fractions_of_a_second_are_read(tmp_path: Path) -> None:
    record = {**RECORDS[0], "Startdatum": "2025-01-02T10:00:00.123"}
    with FakeServer({"/d": lambda _request: Reply(body=[record])}) as server:
        project = write_clienten_project(
            tmp_path,
            extra_sources=http_source(server.url("/d")),
        )
        assert run(project).rows_loaded == 1
    with connect(load_project(project)) as warehouse:
        assert str(warehouse.query("SELECT startdatum FROM staging.clienten").scalar()) == (
            "2025-01-02"
        )
