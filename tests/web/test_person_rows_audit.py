"""A table with rows about persons: only `vertrouwelijk`, and every view or export writes the
pseudonyms of the rows shown to the audit log (issue 5 point 4: "which rows, as pseudonyms")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.helpers import TEST_PSEUDONYM_KEY, drop_clienten, pipeline_run, write_clienten_project
from tests.support.accounts import ensure_account, log_in

from koers.access.audit import AuditFilter, list_records, verify_chain
from koers.metrics.definitions import Table
from koers.web.app import create_app

MODEL = """
SELECT dossier, bsn AS client_pseudoniem, wijk_code, startdatum, gemeente_code
FROM staging.clienten
"""
TABLES = """
[[tables]]
id = "clienten_lijst"
title = "Cliënten"
description = "Testtabel met een rij per cliënt."
mart = "marts.clienten_lijst"
date_column = "startdatum"
privacy = "vertrouwelijk"
owner = "Test"
pseudonym_column = "client_pseudoniem"
columns = [
    { name = "dossier", title = "Dossier" },
    { name = "client_pseudoniem", title = "Cliënt (pseudoniem)" },
    { name = "startdatum", title = "Start" },
]
"""
PURPOSE = "controle dossiervorming"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
        folder = write_clienten_project(tmp_path_factory.mktemp("personen"))
        drop_clienten(folder, "clienten_1.csv")
        (folder / "models" / "marts").mkdir(parents=True)
        (folder / "models" / "marts" / "clienten_lijst.sql").write_text(MODEL, encoding="utf-8")
        (folder / "metrics.toml").write_text(TABLES, encoding="utf-8")
        with pipeline_run(folder) as (summary, _):
            assert summary.rows_loaded > 0
        ensure_account(folder, "analist", "analist", gemeenten=("GM0226",))
        yield folder


def test_views_and_exports_log_the_pseudonyms_shown(project: Path) -> None:
    with TestClient(create_app(project)) as client:
        log_in(client, "analist")
        assert client.get("/api/tabellen/clienten_lijst").status_code == 403  # no purpose
        rows = client.get("/api/tabellen/clienten_lijst", params={"doel": PURPOSE}).json()["rows"]
        shown = {r["client_pseudoniem"] for r in rows}
        assert shown and all(len(p) == 64 for p in shown)
        client.get("/api/tabellen/clienten_lijst/export.csv", params={"doel": PURPOSE})
        store = client.app.state.access_store  # type: ignore[attr-defined]
        records = list_records(store, AuditFilter(object="clienten_lijst"), limit=10)
        assert {r.action for r in records} == {"bekijken", "exporteren"}
        assert all(set(r.rows) == shown and r.purpose == PURPOSE for r in records)
        one = next(iter(shown))
        by_person = list_records(store, AuditFilter(pseudonym=one), limit=10)
        assert len(by_person) == 2  # "who looked at this person's data, when, and why"
        assert verify_chain(store).ok


def test_rows_about_persons_must_be_confidential() -> None:
    base = {
        "id": "t",
        "title": "T",
        "description": "d",
        "mart": "marts.t",
        "date_column": "d",
        "owner": "o",
        "columns": [{"name": "p", "title": "P"}],
        "pseudonym_column": "p",
    }
    with pytest.raises(ValidationError, match="vertrouwelijk"):
        Table.model_validate({**base, "privacy": "intern"})
    with pytest.raises(ValidationError, match="staat niet in de kolommen"):
        Table.model_validate({**base, "privacy": "vertrouwelijk", "pseudonym_column": "q"})
    assert Table.model_validate({**base, "privacy": "vertrouwelijk"}).pseudonym_column == "p"
