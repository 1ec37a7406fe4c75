"""Who may see what, route by route: every role × own and other gemeente × privacy level.

A project with meldingen for Duiven (own) and Westervoort (other) gets one metric per privacy
level. Each role logs in as a Duiven employee and asks every API route and page; the answer
must be the expected allow or deny, and a deny carries no data (issue 5, ADR 0007).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.helpers import DATA, pipeline_run, write_project
from tests.support.accounts import ensure_account, log_in
from tests.support.parquet import read_parquet

from koers.access.audit import AuditFilter, list_records, verify_chain
from koers.web.app import create_app

OWN, OTHER = "GM0226", "GM0293"
LEVELS = ("openbaar", "intern", "vertrouwelijk")
#: username → role; every account serves Duiven only. None: the anonymous public.
ROLES: dict[str, str | None] = {
    "publiek": None,
    "analist-duiven": "analist",
    "manager-duiven": "manager",
    "raadslid-duiven": "raadslid",
    "beheerder-duiven": "beheerder",
    "privacy-duiven": "privacy-officer",
}
#: What each role may see (src/koers/privacy/roles.py), written out here on purpose.
VISIBLE = {
    None: {"openbaar"},
    "analist": set(LEVELS),
    "manager": {"openbaar", "intern"},
    "raadslid": {"openbaar", "intern"},
    "beheerder": {"openbaar", "intern"},
    "privacy-officer": set(LEVELS),
}
PURPOSE = "matrixtest: controle van de toegangsregels"

METRICS = "\n".join(
    f"""
[[metrics]]
id = "matrix_{level}"
title = "Meldingen ({level})"
description = "Testmetriek op niveau {level}."
unit = "aantal"
kind = "flow"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente"]
privacy = "{level}"
disclosure = "geen"
owner = "Test"
"""
    for level in LEVELS
) + "\n".join(
    f"""
[[tables]]
id = "matrix_tabel_{level}"
title = "Meldingen per dag ({level})"
description = "Testtabel op niveau {level}."
mart = "marts.meldingen_dag"
date_column = "report_date"
privacy = "{level}"
disclosure = "geen"
owner = "Test"
columns = [{{ name = "report_date", title = "Dag" }}, {{ name = "received_count", title = "Ontvangen" }}]
"""
    for level in LEVELS
)
#: Every API route (OpenAPI paths) and where this file checks it; a new route must be added.
COVERED_API_ROUTES = {
    "/api/health": "test_public_routes_without_data",
    "/api/metrics": "test_metric_routes_follow_level_and_gemeente",
    "/api/metrics/{metric_id}": "test_metric_routes_follow_level_and_gemeente",
    "/api/metrics/{metric_id}/data": "test_metric_routes_follow_level_and_gemeente",
    "/api/metrics/{metric_id}/export.csv": "test_metric_routes_follow_level_and_gemeente",
    "/api/metrics/{metric_id}/export.xlsx": "test_metric_routes_follow_level_and_gemeente",
    "/api/metrics/{metric_id}/export.parquet": "test_metric_routes_follow_level_and_gemeente",
    "/api/tabellen": "test_table_routes_follow_level_and_gemeente",
    "/api/tabellen/{table_id}": "test_table_routes_follow_level_and_gemeente",
    "/api/tabellen/{table_id}/export.csv": "test_table_routes_follow_level_and_gemeente",
    "/api/tabellen/{table_id}/export.parquet": "test_table_routes_follow_level_and_gemeente",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_project(tmp_path_factory.mktemp("matrix"), sources=(OWN, OTHER))
    for code in (OWN, OTHER):
        shutil.copyfile(
            DATA / "meldingen" / "GM0226_klein.csv",
            folder / "bronnen" / "meldingen" / code / "export.csv",
        )
    (folder / "metrics.toml").write_text(METRICS, encoding="utf-8")
    with pipeline_run(folder) as (summary, _):
        assert summary.rows_loaded > 0 and not summary.refused
    for username, role in ROLES.items():
        if role is not None:
            ensure_account(folder, username, role, gemeenten=(OWN,))
    return folder


@pytest.fixture(scope="module")
def clients(project: Path) -> Iterator[dict[str, TestClient]]:
    app = create_app(project)
    made: dict[str, TestClient] = {}
    try:
        for username, role in ROLES.items():
            client = TestClient(app, raise_server_exceptions=False)
            client.__enter__()
            if role is not None:
                log_in(client, username)
            made[username] = client
        yield made
    finally:
        for client in made.values():
            client.__exit__(None, None, None)


def _allowed(role: str | None, level: str, gemeente: str) -> bool:
    return level in VISIBLE[role] and (level != "vertrouwelijk" or gemeente == OWN)


def _assert_denied_without_data(status: int, body: str, route: str) -> None:
    assert status == 403, route
    assert '"rows"' not in body and "Periode;" not in body, route


@pytest.mark.parametrize("username", list(ROLES))
def test_metric_routes_follow_level_and_gemeente(
    clients: dict[str, TestClient], username: str
) -> None:
    client, role = clients[username], ROLES[username]
    listed = {m["id"] for m in client.get("/api/metrics").json()}
    assert {m for m in listed if m.startswith("matrix_")} == {
        f"matrix_{level}" for level in VISIBLE[role]
    }
    for level in LEVELS:
        metric = f"matrix_{level}"
        described = client.get(f"/api/metrics/{metric}")
        assert described.status_code == (200 if level in VISIBLE[role] else 403)
        for gemeente in (OWN, OTHER):
            expected = _allowed(role, level, gemeente)
            params = {"gemeente": gemeente, "by": "year", "doel": PURPOSE}
            for route in ("data", "export.csv", "export.xlsx", "export.parquet"):
                path = f"/api/metrics/{metric}/{route}"
                answer = client.get(path, params=params)
                if expected:
                    assert answer.status_code == 200, (path, gemeente, answer.text[:200])
                else:
                    _assert_denied_without_data(answer.status_code, answer.text, path)


@pytest.mark.parametrize("username", list(ROLES))
def test_table_routes_follow_level_and_gemeente(
    clients: dict[str, TestClient], username: str
) -> None:
    client, role = clients[username], ROLES[username]
    listed = {t["id"] for t in client.get("/api/tabellen").json() if t["id"].startswith("matrix_")}
    assert listed == {f"matrix_tabel_{level}" for level in VISIBLE[role]}
    for level in LEVELS:
        table = f"matrix_tabel_{level}"
        for gemeente in (OWN, OTHER):
            expected = _allowed(role, level, gemeente)
            params = {"gemeente": gemeente, "doel": PURPOSE}
            for path in (
                f"/api/tabellen/{table}",
                f"/api/tabellen/{table}/export.csv",
                f"/api/tabellen/{table}/export.parquet",
            ):
                answer = client.get(path, params=params)
                if expected:
                    assert answer.status_code == 200, (path, gemeente, answer.text[:200])
                    if path.endswith(".parquet"):
                        _, rows = read_parquet(answer.content)
                        assert rows and {r["gemeente_code"] for r in rows} == {gemeente}
                    else:
                        assert gemeente in answer.text
                else:
                    _assert_denied_without_data(answer.status_code, answer.text, path)
                    assert "received_count" not in answer.text and "Ontvangen;" not in answer.text


def test_public_routes_without_data(clients: dict[str, TestClient]) -> None:
    assert clients["publiek"].get("/api/health").json()["status"] == "ok"


def test_every_api_route_is_in_the_matrix(clients: dict[str, TestClient]) -> None:
    paths = set(clients["publiek"].get("/openapi.json").json()["paths"])
    assert paths == set(COVERED_API_ROUTES), "a new API route needs its place in this matrix"


@pytest.mark.parametrize("username", [u for u, r in ROLES.items() if "vertrouwelijk" in VISIBLE[r]])
def test_confidential_data_needs_a_stated_purpose(
    clients: dict[str, TestClient], username: str
) -> None:
    client = clients[username]
    answer = client.get(
        "/api/metrics/matrix_vertrouwelijk/data", params={"gemeente": OWN, "by": "year"}
    )
    _assert_denied_without_data(answer.status_code, answer.text, "zonder doel")
    assert "doel" in answer.json()["detail"]


@pytest.mark.parametrize("username", list(ROLES))
def test_pages_follow_roles(clients: dict[str, TestClient], username: str) -> None:
    client, role = clients[username], ROLES[username]
    assert client.get("/").status_code == 200
    assert client.get("/dashboards/meldingen").status_code == 200
    # Pages of packs this project does not enable: staff get a clear 404; the public is
    # asked to log in where the page is for staff (before it could know the pack is off).
    staff_page = client.get("/reisdocumenten", follow_redirects=False)
    if role is None:
        assert staff_page.status_code == 303 and "/inloggen" in staff_page.headers["location"]
    else:
        assert staff_page.status_code == 404 and "niet aan staat" in staff_page.text
    for path in ("/sociaal-domein/wachtlijst", "/sociaal-domein/zaken"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 404 and "niet aan staat" in answer.text, path
    for path, needed in (
        ("/beheer", "beheerder"),
        ("/beheer/quarantaine.csv", "beheerder"),
        ("/privacy/audit", "privacy-officer"),
    ):
        answer = client.get(path, follow_redirects=False)
        if role == needed:
            assert answer.status_code == 200, path
        elif role is None:
            assert answer.status_code == 303 and "/inloggen" in answer.headers["location"]
        else:
            assert answer.status_code == 403, (path, role)
            assert "meldingen_gm0226" not in answer.text, path


def test_confidential_views_and_all_exports_are_in_the_audit_log(
    clients: dict[str, TestClient], project: Path
) -> None:
    client = clients["analist-duiven"]
    client.get(
        "/api/metrics/matrix_vertrouwelijk/data",
        params={"gemeente": OWN, "by": "year", "doel": PURPOSE},
    )
    store = client.app.state.access_store  # type: ignore[attr-defined]
    seen = list_records(store, AuditFilter(username="analist-duiven", object="matrix_"), limit=500)
    actions = {(r.action, r.object) for r in seen}
    assert ("bekijken", "matrix_vertrouwelijk") in actions
    assert ("exporteren", "matrix_openbaar") in actions
    assert ("bekijken", "matrix_openbaar") not in actions  # open aggregates: no view logged
    assert all(r.purpose == PURPOSE for r in seen if r.object == "matrix_vertrouwelijk")
    assert verify_chain(store).ok


def test_a_beheerder_of_one_gemeente_sees_only_its_sources(
    clients: dict[str, TestClient], project: Path
) -> None:
    client = clients["beheerder-duiven"]
    page = client.get("/beheer")
    assert page.status_code == 200
    assert "meldingen_gm0226" in page.text and "meldingen_gm0293" not in page.text
    other = client.get("/beheer", params={"bron": "meldingen_gm0293"})
    assert other.status_code == 400 and "Onbekende bron" in other.text
    download = client.get("/beheer/quarantaine.csv")
    assert download.status_code == 200 and "meldingen_gm0293" not in download.text
    refused = client.get("/beheer/quarantaine.csv", params={"bron": "meldingen_gm0293"})
    assert refused.status_code == 400 and "meldingen_gm0293;" not in refused.text
    # A beheerder of the whole collaboration sees both.
    ensure_account(project, "beheerder-alle", "beheerder")
    with TestClient(create_app(project)) as everyone:
        log_in(everyone, "beheerder-alle")
        text = everyone.get("/beheer").text
    assert "meldingen_gm0226" in text and "meldingen_gm0293" in text


def test_tables_filter_on_their_own_columns_only(clients: dict[str, TestClient]) -> None:
    client = clients["publiek"]
    path = "/api/tabellen/matrix_tabel_openbaar"
    all_rows = client.get(path, params={"gemeente": OWN}).json()["rows"]
    ones = client.get(path, params={"gemeente": OWN, "received_count": "1"}).json()["rows"]
    assert ones and all(r["received_count"] == 1 for r in ones)
    assert len(ones) == sum(1 for r in all_rows if r["received_count"] == 1) < len(all_rows)
    refused = client.get(path, params={"wijk_code": "WK022601"})
    assert refused.status_code == 400 and "geen kolom 'wijk_code'" in refused.json()["detail"]
