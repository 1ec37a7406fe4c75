"""Smoke tests for the shared fixtures: if these fail, every DB/UI failure downstream is noise."""

from __future__ import annotations

import re
import socket

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.sync_api import Page, expect

from tests.support.browser import serve_app
from tests.support.postgres import PostgresServer

_seen_databases: set[str] = set()


@pytest.mark.postgres
def test_postgres_is_real_and_recent(postgres_db_url: str) -> None:
    with psycopg.connect(postgres_db_url) as conn:
        version = conn.execute("select version()").fetchone()
        version_num = conn.execute("show server_version_num").fetchone()
    assert version is not None and version_num is not None
    assert str(version[0]).startswith("PostgreSQL ")
    assert int(version_num[0]) >= 150000, version[0]


@pytest.mark.postgres
def test_postgres_url_is_koers_role_on_loopback(
    postgres_url: str, postgres_server: PostgresServer
) -> None:
    assert re.fullmatch(r"postgresql://koers@127\.0\.0\.1:\d+/koers", postgres_url)
    # Startup budget: a slow fixture makes every DB test run feel broken.
    assert postgres_server.startup_seconds < 5, postgres_server.startup_seconds
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute(
            "select current_user, current_database(), r.rolsuper, r.rolcreatedb,"
            " pg_get_userbyid(d.datdba), current_setting('server_encoding')"
            " from pg_roles r, pg_database d"
            " where r.rolname = current_user and d.datname = current_database()"
        ).fetchone()
    assert row == ("koers", "koers", False, True, "koers", "UTF8")


@pytest.mark.postgres
@pytest.mark.parametrize("run", [1, 2])
def test_postgres_db_url_gives_fresh_empty_database(postgres_db_url: str, run: int) -> None:
    with psycopg.connect(postgres_db_url) as conn:
        name, owner = conn.execute(
            "select current_database(), pg_get_userbyid(datdba) from pg_database"
            " where datname = current_database()"
        ).fetchone() or ("", "")
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        ).fetchone()
        # Leave something behind: the other parametrised run must not see it.
        conn.execute("create table leftover (id int primary key)")
        conn.execute("insert into leftover values (%s)", (run,))
    assert re.fullmatch(r"koers_t\d+", name)
    assert owner == "koers"
    assert tables == (0,)
    assert name not in _seen_databases
    _seen_databases.add(name)


def _demo_app() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return """<!doctype html>
<html><body>
<p id="out">static</p>
<p id="api">pending</p>
<script>
  document.getElementById("out").textContent =
    "js:" + (6 * 7) + ":" + navigator.language + ":" +
    Intl.DateTimeFormat().resolvedOptions().timeZone;
  fetch("/api/ping").then(r => r.json()).then(d => {
    document.getElementById("api").textContent = d.answer;
  });
</script>
</body></html>"""

    @app.get("/api/ping")
    def ping() -> dict[str, str]:
        return {"answer": "pong"}

    return app


@pytest.mark.browser
def test_browser_runs_javascript_against_served_app(page: Page) -> None:
    with serve_app(_demo_app()) as base_url:
        page.goto(base_url + "/")
        expect(page.locator("#out")).to_have_text("js:42:nl-NL:Europe/Amsterdam")
        expect(page.locator("#api")).to_have_text("pong")


def test_serve_app_stops_and_frees_the_port() -> None:
    with serve_app(_demo_app()) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert httpx.get(base_url + "/api/ping", timeout=5).json() == {"answer": "pong"}
        port = int(base_url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
