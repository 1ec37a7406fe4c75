"""The SQL connector: a SQLite export file made by the test, and the real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from koers.config import Project, SqlOptions
from koers.errors import ConfigError, SourceError
from koers.sources.fetch import Fetched
from koers.sources.sql_database import fetch_sql

SQLITE_URL = "sqlite:///export/zaken.sqlite"
PASSWORD_ENV = "KOERS_TEST_BRON_WACHTWOORD"
PASSWORD = "pw-7Qx-zeer-geheim"


def add_zaken(database: Path, rows: list[tuple[int, str, str, str]]) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS zaken ("
            "id INTEGER PRIMARY KEY, omschrijving TEXT, bedrag NUMERIC, gewijzigd_op TIMESTAMP)"
        )
        connection.executemany("INSERT INTO zaken VALUES (?, ?, ?, ?)", rows)
    connection.close()


@pytest.fixture()
def export(project: Project) -> Path:
    """``export/zaken.sqlite`` in the project: eleven cases, changed one day apart."""
    database = project.dir / "export" / "zaken.sqlite"
    add_zaken(
        database,
        [(n, f"zaak {n}", f"{n}.50", f"2024-03-{n:02d} 09:00:00") for n in range(11, 0, -1)],
    )
    return database


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def fetch(project: Project, options: SqlOptions, watermark: str | None = None) -> Fetched:
    return fetch_sql(project, options, watermark, project.dir / "levering.ndjson")


def test_table_is_read_whole_when_no_watermark_column(project: Project, export: Path) -> None:
    fetched = fetch(project, SqlOptions(url=SQLITE_URL, table="zaken", batch_size=3))
    assert (fetched.records, fetched.watermark) == (11, None)
    by_id = {r["id"]: r for r in lines(fetched.path)}
    assert set(by_id) == set(range(1, 12))
    assert by_id[11] == {
        "id": 11,
        "omschrijving": "zaak 11",
        "bedrag": 11.5,
        "gewijzigd_op": "2024-03-11 09:00:00",
    }


def test_watermark_column_fetches_only_newer_rows_in_order(project: Project, export: Path) -> None:
    options = SqlOptions(
        url=SQLITE_URL, table="zaken", watermark_column="gewijzigd_op", batch_size=4
    )
    first = fetch(project, options)
    assert [r["id"] for r in lines(first.path)] == list(range(1, 12))
    assert first.watermark == "2024-03-11 09:00:00"

    add_zaken(export, [(12, "zaak 12", "1", "2024-03-12 08:00:00")])
    second = fetch(project, options, first.watermark)
    assert (second.records, second.watermark) == (1, "2024-03-12 08:00:00")
    assert [r["id"] for r in lines(second.path)] == [12]

    third = fetch(project, options, second.watermark)
    assert (third.records, third.watermark) == (0, "2024-03-12 08:00:00")


def test_query_with_numeric_watermark(project: Project, export: Path) -> None:
    """Ids 9 and 10 would swap places if the watermark were compared as text."""
    options = SqlOptions(
        url=SQLITE_URL,
        query="SELECT id AS zaak_id, omschrijving FROM zaken WHERE omschrijving <> 'x:y';",
        watermark_column="zaak_id",
    )
    first = fetch(project, options, "8")
    assert [r["zaak_id"] for r in lines(first.path)] == [9, 10, 11]
    assert first.watermark == "11"
    assert fetch(project, options, "9").records == 2


def test_missing_sqlite_file_is_named(project: Project) -> None:
    with pytest.raises(SourceError, match=r"export/zaken\.sqlite bestaat niet"):
        fetch(project, SqlOptions(url=SQLITE_URL, table="zaken"))
    assert not (project.dir / "export").exists()


def test_database_errors_are_source_errors(project: Project, export: Path) -> None:
    with pytest.raises(SourceError, match="no such table: zakenn") as caught:
        fetch(project, SqlOptions(url=SQLITE_URL, table="zakenn"))
    assert caught.value.message.startswith("database sqlite:///")
    assert not (project.dir / "levering.ndjson").exists()


def test_password_env_must_be_set(
    project: Project, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    options = SqlOptions(url=SQLITE_URL, table="zaken", password_env=PASSWORD_ENV)
    with pytest.raises(ConfigError, match=PASSWORD_ENV):
        fetch(project, options)


def test_postgres_watermark_types_and_no_password_in_errors(
    postgres_db_url: str, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(postgres_db_url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE zaken (id integer, bedrag numeric(10, 2), gewijzigd_op timestamptz, "
            "details jsonb, labels text[])"
        )
        connection.execute(
            "INSERT INTO zaken SELECT n, n + 0.5, timestamptz '2024-03-01 09:00+00' + n * "
            "interval '1 hour', jsonb_build_object('wijk', 'Centrum', 'n', n), "
            "ARRAY['wmo', 'jeugd'] FROM generate_series(1, 5) AS n"
        )
    # Trust authentication ignores the password, so injecting one must still connect.
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    url = postgres_db_url.replace("postgresql://", "postgresql+psycopg://", 1)
    options = SqlOptions(
        url=url, table="zaken", watermark_column="gewijzigd_op", password_env=PASSWORD_ENV
    )
    first = fetch(project, options)
    assert first.records == 5
    assert first.watermark == "2024-03-01T14:00:00+00:00"
    assert lines(first.path)[0] == {
        "id": 1,
        "bedrag": "1.50",
        "gewijzigd_op": "2024-03-01T10:00:00+00:00",
        "details.n": 1,
        "details.wijk": "Centrum",
        "labels": '["wmo","jeugd"]',
    }
    second = fetch(project, options, "2024-03-01T12:00:00+00:00")
    assert [r["id"] for r in lines(second.path)] == [4, 5]

    numbered = SqlOptions(url=url, query="SELECT id FROM zaken", watermark_column="id")
    assert fetch(project, numbered, "3").records == 2

    # SQLite renames a repeated column (id:1); PostgreSQL returns it twice.
    doubled = SqlOptions(url=url, query="SELECT id, id FROM zaken")
    with pytest.raises(SourceError, match="id komen dubbel voor"):
        fetch(project, doubled)

    broken = options.model_copy(update={"table": "bestaat_niet"})
    with pytest.raises(SourceError, match="bestaat_niet") as caught:
        fetch(project, broken)
    assert PASSWORD not in caught.value.message
