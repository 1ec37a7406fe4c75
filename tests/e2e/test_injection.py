"""SQL injection and XSS attempts in every parameter and filter of the API and the pages.

Each attempt must end in a refusal (4xx) or an ordinary answer: never a server error, never the
payload back as markup in a page, and the warehouse unchanged afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.support.accounts import ensure_account, log_in

from koers.access.csrf import CSRF_FIELD
from koers.web.app import create_app

SQL_PAYLOADS = (
    "' OR 1=1 --",
    "x'); DROP TABLE staging.meldingen; --",
    "GM0226' UNION SELECT table_name, NULL FROM information_schema.tables --",
    "1; DELETE FROM marts.meldingen_dag",
    "\u2019 OR \u20181\u2019=\u20191",  # curly quotes
    "\uff07 OR \uff071\uff07=\uff071",  # fullwidth apostrophe
    "\\' OR 1=1 --",
    '" OR ""="',
    "%' --",
    "x\x00y",
    "99999999999999999999999",
    "-1",
    "\u00b2",  # a digit to str.isdigit, not to int()
    "9" * 5000,  # longer than int() converts
)

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
)

PAYLOADS = SQL_PAYLOADS + XSS_PAYLOADS

METRIC = "meldingen_ontvangen"
API_DATA_PATHS = (
    f"/api/metrics/{METRIC}/data",
    f"/api/metrics/{METRIC}/export.csv",
    f"/api/metrics/{METRIC}/export.xlsx",
    "/api/tabellen/meldingen_pieken",
    "/api/tabellen/meldingen_pieken/export.csv",
)
#: Every query parameter of the data routes: the reserved ones and the dimension filters.
API_PARAMS = ("gemeente", "from", "to", "by", "category", "wijk", "format")
#: Page parameters: dashboard filters (Dutch names) and the Beheer page's.
PAGE_PARAMS = {
    "/dashboards/meldingen": ("gemeente", "van", "tot", "category", "wijk"),
    "/meldingen/pieken": ("gemeente", "category", "van", "tot"),
    "/reisdocumenten": ("gemeente",),
    "/sociaal-domein/wachtlijst": ("gemeente", "domein"),
    "/sociaal-domein/zaken": ("gemeente", "domein", "termijn_status", "doel"),
    "/beheer": ("bron", "tabel", "pagina"),
    "/beheer/quarantaine.csv": ("bron",),
    "/": ("gemeente",),
    "/inloggen": ("volgende",),
    "/privacy/audit": ("gebruiker", "object", "pseudoniem", "van", "tot"),
}
#: Path segments a user can type: the metric id and the dashboard id.
PATH_TEMPLATES = (
    "/api/metrics/{}",
    "/api/metrics/{}/data",
    "/api/metrics/{}/export.csv",
    "/api/tabellen/{}",
    "/api/tabellen/{}/export.csv",
    "/dashboards/{}",
)


@pytest.fixture(scope="module")
def app(demo_project: Path) -> FastAPI:
    # One account that reaches every page, so each parameter is tried past the role check.
    ensure_account(demo_project, "injectietest", "beheerder", "privacy-officer", "analist")
    return create_app(demo_project)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        log_in(test_client, "injectietest")
        yield test_client


def warehouse_state(app: FastAPI) -> dict[str, int]:
    """Row count of every table in the warehouse, through the app's own connection."""
    warehouse = app.state.queries.warehouse
    tables = warehouse.query(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' ORDER BY 1, 2"
    ).rows
    return {f"{s}.{t}": warehouse.count_rows(f"{s}.{t}") for s, t in tables}


#: What an unescaped payload would look like as markup in a page.
MARKUP = ("<script>alert(1)", "<img src=x", "<svg onload")


def check(path: str, status: int, content_type: str, text: str, payload: str) -> None:
    assert status < 500, f"{path}: server error {status} for {payload!r}"
    if "text/html" in content_type:
        if "<" in payload:
            assert payload not in text, f"{path}: payload unescaped in the page"
        for markup in MARKUP:
            assert markup not in text, f"{path}: {markup!r} in the page for {payload!r}"
    if path.startswith("/api/") and status >= 400:
        assert content_type.startswith("application/json"), path


@pytest.fixture(scope="module")
def state_before(app: FastAPI, client: TestClient) -> dict[str, int]:
    state = warehouse_state(app)
    assert sum(state.values()) > 1000, "the demo warehouse should hold data"
    return state


@pytest.mark.parametrize("payload", PAYLOADS)
def test_api_parameters(client: TestClient, payload: str, state_before: dict[str, int]) -> None:
    for path in API_DATA_PATHS:
        for name in API_PARAMS:
            response = client.get(path, params={name: payload})
            check(
                path, response.status_code, response.headers["content-type"], response.text, payload
            )
        # The name of a filter is user input too: it picks a dimension.
        response = client.get(path, params={payload: "Afval"})
        check(path, response.status_code, response.headers["content-type"], response.text, payload)
        # A payload among good values in a comma list.
        response = client.get(
            path, params={"gemeente": f"GM0226,{payload}", "by": f"month,{payload}"}
        )
        check(path, response.status_code, response.headers["content-type"], response.text, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_page_parameters(client: TestClient, payload: str, state_before: dict[str, int]) -> None:
    for path, names in PAGE_PARAMS.items():
        for name in names:
            response = client.get(path, params={name: payload})
            check(
                path, response.status_code, response.headers["content-type"], response.text, payload
            )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_path_segments(client: TestClient, payload: str, state_before: dict[str, int]) -> None:
    for template in PATH_TEMPLATES:
        # Encoded as a path segment, the way a browser sends a typed link.
        path = template.format(quote(payload, safe=""))
        response = client.get(path)
        check(path, response.status_code, response.headers["content-type"], response.text, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_login_form(client: TestClient, payload: str, state_before: dict[str, int]) -> None:
    """The log-in form shows the typed user name back after a failure: escaped."""
    form = client.get("/inloggen").text
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]*)"', form)
    assert token is not None, "the log-in form should carry a CSRF token"
    response = client.post(
        "/inloggen",
        data={
            CSRF_FIELD: token[1],
            "gebruikersnaam": payload,
            "wachtwoord": payload,
            "volgende": payload,
        },
        follow_redirects=False,
    )
    check(
        "/inloggen", response.status_code, response.headers["content-type"], response.text, payload
    )


def test_xss_payload_is_shown_escaped_in_an_error_message(client: TestClient) -> None:
    """The Beheer page names an unknown table back to the reader: escaped, as text."""
    payload = '"><img src=x onerror=alert(1)>'
    response = client.get("/beheer", params={"tabel": payload})
    assert response.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "<img src=x" not in response.text


def test_warehouse_unchanged(
    app: FastAPI, client: TestClient, state_before: dict[str, int]
) -> None:
    """Runs after the attempts above (same module, file order) and compares the row counts."""
    for payload in SQL_PAYLOADS:
        client.get(f"/api/metrics/{METRIC}/data", params={"category": payload, "by": "year"})
    assert warehouse_state(app) == state_before
