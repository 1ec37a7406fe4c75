"""Logging in from tests the way a browser does: fetch the form, post it with its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from koers.access import csrf
from koers.access.accounts import DEMO_PASSWORD, NewAccount, ensure_demo_accounts
from koers.access.store import open_store
from koers.config import load_project
from koers.web.app import create_app

_TOKEN = re.compile(rf'name="{csrf.CSRF_FIELD}" value="([^"]+)"')


def log_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log ``client`` in (cookies stay on the client); fails the test if it does not work."""
    form = client.get("/inloggen")
    match = _TOKEN.search(form.text)
    assert match is not None, "het inlogformulier heeft geen CSRF-veld"
    answer = client.post(
        "/inloggen",
        data={
            csrf.CSRF_FIELD: match.group(1),
            "gebruikersnaam": username,
            "wachtwoord": password,
            "volgende": "/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[-500:]


def ensure_account(
    project_dir: Path, username: str, *roles: str, gemeenten: tuple[str, ...] | None = None
) -> None:
    """Create ``username`` with ``roles`` for ``gemeenten`` (None: all; password
    DEMO_PASSWORD) in the project's access store, unless it exists."""
    project = load_project(project_dir)
    codes = [g.code for g in project.gemeenten]
    store = open_store(project)
    try:
        account = NewAccount(username, username, DEMO_PASSWORD, roles, gemeenten)
        ensure_demo_accounts(store, [account], codes)
    finally:
        store.dispose()


@contextmanager
def client_as(project_dir: Path, username: str, *roles: str) -> Iterator[TestClient]:
    """A test client of the project's web app, logged in as ``username`` with ``roles``."""
    ensure_account(project_dir, username, *roles)
    with TestClient(create_app(project_dir)) as client:
        log_in(client, username)
        yield client
