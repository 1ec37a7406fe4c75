"""Loading a source described only in the project: contract rules, pseudonymisation,
record versions with history, idempotency, lineage and retention — on every engine."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from tests.helpers import CLIENTEN, TEST_PSEUDONYM_KEY, drop_clienten, write_clienten_project

from koers.config import load_project
from koers.engine import connect
from koers.errors import PipelineError
from koers.ingestion.ledger import utc_now
from koers.ingestion.retention import remove_expired_raw
from koers.packs import load_packs
from koers.pipeline.run import RunSummary, run_pipeline
from koers.privacy.pseudonym import pseudonym
from koers.transform.lineage import lineage_of


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def clienten_project(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    url = request.getfixturevalue("postgres_db_url") if request.param == "postgres" else None
    yield write_clienten_project(tmp_path, engine_url=url)


def run(project_dir: Path) -> RunSummary:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return run_pipeline(project, warehouse, load_packs(project.packs, project.dir))


def rows(project_dir: Path, sql: str) -> list[tuple[object, ...]]:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return warehouse.query(sql).rows


def test_every_rule_sets_its_rows_aside_with_a_dutch_reason(clienten_project: Path) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    summary = run(clienten_project)
    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 9)

    found = {
        int(str(r[0])): (r[1], r[2], r[3])
        for r in rows(
            clienten_project,
            "SELECT row_number, column_name, value, reason FROM landing.quarantine",
        )
    }
    assert found[4] == ("bsn", "(persoonsgegeven, niet bewaard)", found[4][2])
    assert "elfproef" in str(found[4][2])
    assert found[5][0] == "wijk_code" and "wijken.wijk_code" in str(found[5][2])
    assert found[6][0] == "leeftijd" and "maximum 120" in str(found[6][2])
    assert found[7][0] == "bedrag" and "minimum 0" in str(found[7][2])
    assert found[8] == ("startdatum", "31-02-2024", found[8][2])
    assert "geen geldige datum" in str(found[8][2])
    assert found[9][0] == "dossier" and "rij 2" in str(found[9][2])
    assert found[10][0] == "dossier" and "patroon" in str(found[10][2])
    assert found[11] == ("bedrag", "1,234.56", "geen getal")
    assert found[12][0] == "status" and "toegestaan" in str(found[12][2])


def test_personal_columns_never_reach_the_warehouse_as_delivered(clienten_project: Path) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    run(clienten_project)
    stored = rows(
        clienten_project,
        "SELECT dossier, bsn, leeftijd, bedrag, startdatum, notitie FROM staging.clienten "
        "ORDER BY dossier",
    )
    key = TEST_PSEUDONYM_KEY.encode()
    assert [(r[0], r[1]) for r in stored] == [
        ("D0001", pseudonym("111222333", key, "bsn")),
        ("D0002", pseudonym("123456782", key, "bsn")),
    ]
    assert stored[0][2:5] == (34, 1234.56, stored[0][4])
    assert str(stored[0][4]) == "2024-02-01"
    assert "06-12345678" not in str(stored[0][5]) and "jan@example.nl" not in str(stored[0][5])
    assert "6921 AB 12" not in str(stored[1][5]) and "café" in str(stored[1][5])
    columns = [
        r[0]
        for r in rows(
            clienten_project,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'staging' AND table_name = 'clienten'",
        )
    ]
    assert "naam" not in columns
    everything = repr(rows(clienten_project, "SELECT * FROM landing.quarantine"))
    assert "111222333" not in everything and "Jansen" not in everything


def test_a_later_delivery_replaces_records_and_keeps_history(clienten_project: Path) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    run(clienten_project)
    drop_clienten(clienten_project, "clienten_2.csv")
    summary = run(clienten_project)
    assert [load.rows_replaced for load in summary.loads] == [1]
    current = rows(
        clienten_project,
        "SELECT dossier, leeftijd, bedrag FROM staging.clienten ORDER BY dossier",
    )
    assert current == [("D0001", 34, 1234.56), ("D0002", 71, 12.75), ("D0011", 5, 0.0)]
    history = rows(
        clienten_project,
        "SELECT dossier, leeftijd, _replaced_by FROM staging.clienten_history",
    )
    assert [(h[0], h[1]) for h in history] == [("D0002", 70)]
    assert str(history[0][2]).startswith("clienten-")


def test_the_same_content_under_another_name_is_not_loaded_again(clienten_project: Path) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    run(clienten_project)
    drop_clienten(clienten_project, "clienten_1.csv", as_name="kopie van clienten_1.csv")
    summary = run(clienten_project)
    assert summary.loads == []
    assert rows(clienten_project, "SELECT count(*) FROM landing.loads") == [(1,)]


def test_lineage_names_the_load_behind_every_staging_row(clienten_project: Path) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    drop_clienten(clienten_project, "clienten_2.csv")
    run(clienten_project)
    project = load_project(clienten_project)
    with connect(project) as warehouse:
        lineage = lineage_of(warehouse, "staging.clienten").records()
    assert [r["file_name"] for r in lineage] == ["clienten_1.csv", "clienten_2.csv"]
    assert all(r["contract"] == "clienten" and r["contract_version"] == 1 for r in lineage)
    assert all(len(str(r["sha256"])) == 64 for r in lineage)


def test_raw_copies_with_personal_data_leave_landing_after_retention(
    clienten_project: Path,
) -> None:
    drop_clienten(clienten_project, "clienten_1.csv")
    run(clienten_project)
    landing = clienten_project / "landing" / "clienten"
    assert len(list(landing.glob("*.csv"))) == 1
    project = load_project(clienten_project)
    packs = load_packs(project.packs, project.dir)
    with connect(project) as warehouse:
        assert remove_expired_raw(project, warehouse, packs.contracts) == []
        later = utc_now() + timedelta(days=project.privacy.landing_retention_days + 1)
        removed = remove_expired_raw(project, warehouse, packs.contracts, now=later)
        assert len(removed) == 1
        assert remove_expired_raw(project, warehouse, packs.contracts, now=later) == []
    assert list(landing.glob("*.csv")) == []


def test_a_missing_pseudonym_key_stops_the_load_with_a_clear_message(
    clienten_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KOERS_PSEUDONIEM_SLEUTEL")
    drop_clienten(clienten_project, "clienten_1.csv")
    with pytest.raises(PipelineError, match="KOERS_PSEUDONIEM_SLEUTEL"):
        run(clienten_project)
    assert rows(clienten_project, "SELECT count(*) FROM landing.loads") == [(0,)]


def test_raw_copies_of_refused_deliveries_also_leave_landing(clienten_project: Path) -> None:
    refused = clienten_project / "bronnen" / "clienten" / "verkeerd.csv"
    refused.write_text("Naam;BSN\nJan Jansen;111222333\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="verplichte kolom"):
        run(clienten_project)
    landing = clienten_project / "landing" / "clienten"
    assert len(list(landing.iterdir())) == 1
    project = load_project(clienten_project)
    packs = load_packs(project.packs, project.dir)
    later = utc_now() + timedelta(days=project.privacy.landing_retention_days + 1)
    with connect(project) as warehouse:
        assert remove_expired_raw(project, warehouse, packs.contracts, now=later) != []
    assert list(landing.iterdir()) == []


def test_a_project_model_can_read_the_history_of_replaced_records(
    clienten_project: Path,
) -> None:
    models = clienten_project / "models" / "marts"
    models.mkdir(parents=True)
    (models / "clienten_wijzigingen.sql").write_text(
        "SELECT dossier, count(*) AS eerdere_versies FROM staging.clienten_history "
        "GROUP BY dossier",
        encoding="utf-8",
    )
    drop_clienten(clienten_project, "clienten_1.csv")
    run(clienten_project)
    assert rows(clienten_project, "SELECT count(*) FROM marts.clienten_wijzigingen") == [(0,)]
    drop_clienten(clienten_project, "clienten_2.csv")
    summary = run(clienten_project)
    assert "marts.clienten_wijzigingen" in [table for table, _ in summary.built]
    assert rows(clienten_project, "SELECT * FROM marts.clienten_wijzigingen") == [("D0002", 1)]


def test_unchanged_files_are_not_read_again_but_changed_ones_are(
    clienten_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koers.sources import files

    export = drop_clienten(clienten_project, "clienten_1.csv")
    os.utime(export, (time.time() - 60, time.time() - 60))
    run(clienten_project)
    hashed: list[str] = []
    real = files.file_sha256
    monkeypatch.setattr(files, "file_sha256", lambda path: hashed.append(path.name) or real(path))
    assert run(clienten_project).loads == []
    assert hashed == []

    shutil.copyfile(CLIENTEN / "clienten_2.csv", export)  # rewritten in place, same name
    os.utime(export, (time.time() - 30, time.time() - 30))
    summary = run(clienten_project)
    assert hashed == ["clienten_1.csv"]
    assert [load.rows_replaced for load in summary.loads] == [1]
