"""No secret in the logs: a served demo app with a PostgreSQL access store whose password and a
pseudonym key come from the environment logs neither, at any log level, nor shows them."""

from __future__ import annotations

import logging
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from koers.access.store import open_store
from koers.config import load_project
from koers.web.app import create_app

pytestmark = pytest.mark.postgres

PASSWORD = "Wachtwoord-ZEER-geheim-4711"
PSEUDONYM_KEY = "pseudoniemsleutel-NIET-loggen-0815"
PASSWORD_ENV = "KOERS_TEST_TOEGANG_WACHTWOORD"
KEY_ENV = "KOERS_TEST_PSEUDONIEM_SLEUTEL"


def project_with_secrets(demo_project: Path, target: Path, store_url: str) -> Path:
    """A copy of the demo project (configuration and warehouse) whose access store is on
    PostgreSQL with the password in the environment, and whose pseudonym key has its own
    variable."""
    shutil.copy(demo_project / "koers.toml", target / "koers.toml")
    shutil.copytree(demo_project / "warehouse", target / "warehouse")
    config = (target / "koers.toml").read_text(encoding="utf-8")
    assert "[access]" not in config and "[privacy]" not in config
    config += (
        f'\n[access]\nurl = "{store_url}"\npassword_env = "{PASSWORD_ENV}"\n'
        f'\n[privacy]\npseudonym_key_env = "{KEY_ENV}"\n'
    )
    (target / "koers.toml").write_text(config, encoding="utf-8")
    return target


@contextmanager
def serve_with_debug_logs(app: object) -> Iterator[str]:
    """uvicorn on 127.0.0.1 with access log and debug level, logging through the root logger
    (``log_config=None``) so pytest's caplog sees every line."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="debug", access_log=True
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_no_password_or_key_in_logs(
    demo_project: Path,
    tmp_path: Path,
    postgres_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(KEY_ENV, PSEUDONYM_KEY)
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "uvicorn", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)

    folder = project_with_secrets(demo_project, tmp_path, postgres_db_url)
    project = load_project(folder)
    assert project.access.password() == PASSWORD

    bodies: list[str] = []
    # The store is opened the way the web app opens it; with statement logging on.
    store = open_store(project)
    with store.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    store.dispose()
    # A store that cannot be reached: its error names the server, not the password.
    broken = project.model_copy(
        update={
            "access": project.access.model_copy(
                update={"url": re.sub(r":\d+/", ":1/", postgres_db_url)}
            )
        }
    )
    with pytest.raises(Exception) as refused:
        open_store(broken)
    bodies.append(str(refused.value))

    with serve_with_debug_logs(create_app(folder)) as base_url:
        paths = [
            "/",
            "/api/health",
            "/api/metrics",
            "/api/metrics/meldingen_ontvangen/data?by=year",
            "/api/metrics/bestaat_niet/data",
            "/dashboards/meldingen",
            "/beheer",
            "/bestaat-niet",
        ]
        with httpx.Client(base_url=base_url, timeout=30) as client:
            for path in paths:
                response = client.get(path)
                assert response.status_code < 500, path
                bodies.append(response.text)
                bodies.append(str(response.headers))

    captured = capfd.readouterr()
    logged = "\n".join(
        [r.getMessage() for r in caplog.records]
        + [str(r.args) for r in caplog.records]
        + [caplog.text, captured.out, captured.err]
    )
    assert "GET /api/health" in logged, "the access log should have been captured"
    for secret in (PASSWORD, PSEUDONYM_KEY):
        assert secret not in logged
        for body in bodies:
            assert secret not in body
