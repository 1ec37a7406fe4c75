"""Dashboards ask a purpose before they show `vertrouwelijk` numbers, and log the view.

The API took a purpose (``doel``) already; a page is just another way to reach the same data,
so it must ask the same question and write the same audit record (issue 5 point 4).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.helpers import DATA, pipeline_run, write_project
from tests.support.accounts import ensure_account, log_in

from koers.access.audit import AuditFilter, list_records, verify_chain
from koers.web.app import create_app

DUIVEN, WESTERVOORT = "GM0226", "GM0293"
PURPOSE = "voorbereiding teamoverleg Wmo"

METRICS = """
[[metrics]]
id = "zaken_vertrouwelijk"
title = "Zaken (vertrouwelijk)"
description = "Testmetriek op niveau vertrouwelijk."
unit = "aantal"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente"]
privacy = "vertrouwelijk"
owner = "Test"

[[metrics]]
id = "zaken_openbaar"
title = "Zaken (openbaar)"
description = "Testmetriek op niveau openbaar."
unit = "aantal"
mart = "marts.meldingen_dag"
date_column = "report_date"
formula = "sum(received_count)"
dimensions = ["gemeente"]
privacy = "openbaar"
disclosure = "geen"
owner = "Test"
"""

DASHBOARDS = """
[[dashboards]]
id = "gemengd"
title = "Gemengd"
description = "Een vertrouwelijk en een openbaar paneel."
default_months = 36

[[dashboards.panels]]
metric = "zaken_vertrouwelijk"
grain = "month"

[[dashboards.panels]]
metric = "zaken_openbaar"
grain = "month"

[[dashboards]]
id = "geheim"
title = "Alleen vertrouwelijk"
description = "Alleen een vertrouwelijk paneel."

[[dashboards.panels]]
metric = "zaken_vertrouwelijk"
grain = "month"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_project(tmp_path_factory.mktemp("doel"), sources=(DUIVEN, WESTERVOORT))
    for code in (DUIVEN, WESTERVOORT):
        shutil.copyfile(
            DATA / "meldingen" / "GM0226_klein.csv",
            folder / "bronnen" / "meldingen" / code / "export.csv",
        )
    (folder / "metrics.toml").write_text(METRICS, encoding="utf-8")
    (folder / "dashboards.toml").write_text(DASHBOARDS, encoding="utf-8")
    with pipeline_run(folder) as (summary, _):
        assert summary.rows_loaded > 0
    ensure_account(folder, "analist", "analist", gemeenten=(DUIVEN,))
    ensure_account(folder, "manager", "manager", gemeenten=(DUIVEN,))
    return folder


@pytest.fixture(scope="module")
def app_clients(project: Path) -> Iterator[dict[str, TestClient]]:
    app = create_app(project)
    clients = {}
    for name in ("publiek", "analist", "manager"):
        client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        client.__enter__()
        if name != "publiek":
            log_in(client, name)
        clients[name] = client
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _views(client: TestClient) -> list[tuple[str, str | None]]:
    store = client.app.state.access_store  # type: ignore[attr-defined]
    records = list_records(store, AuditFilter(object="zaken_vertrouwelijk"), limit=100)
    return [(r.action, r.purpose) for r in records]


def test_confidential_panel_waits_for_a_purpose(app_clients: dict[str, TestClient]) -> None:
    client = app_clients["analist"]
    before = _views(client)
    page = client.get("/dashboards/gemengd")
    assert page.status_code == 200
    assert 'name="doel"' in page.text and "Deze cijfers zijn vertrouwelijk" in page.text
    assert 'id="panel-0-spec"' not in page.text  # no numbers of the confidential panel
    assert 'id="panel-1-spec"' in page.text  # the open panel is shown
    assert _views(client) == before  # nothing seen, nothing logged


def test_with_a_purpose_the_view_is_logged_and_links_carry_it(
    app_clients: dict[str, TestClient],
) -> None:
    client = app_clients["analist"]
    page = client.get("/dashboards/gemengd", params={"doel": PURPOSE})
    assert page.status_code == 200
    assert 'id="panel-0-spec"' in page.text
    assert ("bekijken", PURPOSE) in _views(client)
    export = re.search(r'href="(/api/metrics/zaken_vertrouwelijk/export\.csv\?[^"]+)"', page.text)
    assert export is not None and "doel=" in export.group(1)
    download = client.get(export.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert ("exporteren", PURPOSE) in _views(client)
    assert verify_chain(client.app.state.access_store).ok  # type: ignore[attr-defined]


def test_a_blank_purpose_is_no_purpose(app_clients: dict[str, TestClient]) -> None:
    client = app_clients["analist"]
    page = client.get("/dashboards/gemengd", params={"doel": "   "})
    assert 'id="panel-0-spec"' not in page.text


def test_roles_without_the_level_do_not_see_the_panel(app_clients: dict[str, TestClient]) -> None:
    manager = app_clients["manager"]
    page = manager.get("/dashboards/gemengd", params={"doel": PURPOSE})
    assert page.status_code == 200
    assert "Zaken (vertrouwelijk)" not in page.text and 'name="doel"' not in page.text
    assert manager.get("/dashboards/geheim").status_code == 403
    public = app_clients["publiek"]
    answer = public.get("/dashboards/geheim")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/inloggen")


def test_home_tile_never_shows_confidential_numbers(app_clients: dict[str, TestClient]) -> None:
    home = app_clients["analist"].get("/")
    assert home.status_code == 200
    assert "Zaken (vertrouwelijk), laatste volledige maand" not in home.text
    assert "Zaken (openbaar), laatste volledige maand" in home.text
    assert "Vertrouwelijke cijfers: open het dashboard" in home.text  # the 'geheim' card
