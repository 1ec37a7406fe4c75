"""Security headers on every route of the demo app, and the dashboard under its strict CSP in
real Chromium: the charts are drawn and the browser reports no policy violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import ConsoleMessage, Page
from tests.support.browser import serve_app

from koers.web import security
from koers.web.app import create_app

#: A demo value for every path parameter a route may have. A route with a parameter not
#: listed here fails the test, so a new route cannot slip past the check.
DEMO_PATH_PARAMS = {
    "metric_id": "meldingen_ontvangen",
    "dashboard_id": "meldingen",
    "table_id": "meldingen_pieken",
    "path": "koers.css",
}

HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def get_paths(app: FastAPI) -> list[str]:
    """Every GET path of the app (with demo parameters), through included routers and mounts."""
    paths: list[str] = []
    for route in app.routes:
        contexts: list[Any] = (
            list(route.effective_route_contexts())
            if hasattr(route, "effective_route_contexts")
            else [route]
        )
        for context in contexts:
            methods = getattr(getattr(context, "original_route", context), "methods", None)
            path = context.path
            if methods is None:  # a mount: static files
                path += "/{path}"
            elif "GET" not in methods:
                continue
            names = re.findall(r"{(\w+)(?::\w+)?}", path)
            missing = [n for n in names if n not in DEMO_PATH_PARAMS]
            assert not missing, f"{path}: add a demo value for {missing} to DEMO_PATH_PARAMS"
            paths.append(re.sub(r"{(\w+)(?::\w+)?}", lambda m: DEMO_PATH_PARAMS[m[1]], path))
    return paths


@pytest.fixture(scope="module")
def app(demo_project: Path) -> FastAPI:
    return create_app(demo_project)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_every_get_route_carries_the_security_headers(app: FastAPI, client: TestClient) -> None:
    paths = get_paths(app)
    # The routes this test must at least see (guards against a broken route walk).
    for expected in ("/", "/api/health", "/dashboards/meldingen", "/static/koers/koers.css"):
        assert expected in paths
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        for name in HEADERS:
            assert response.headers.get(name), f"{name} missing on GET {path}"
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, path
        if not path.startswith(("/docs", "/redoc")):
            assert policy == security.PAGE_POLICY, path


def test_error_pages_carry_the_headers(client: TestClient) -> None:
    for path in ("/bestaat-niet", "/api/metrics/bestaat_niet", "/dashboards/bestaat-niet"):
        response = client.get(path)
        assert 400 <= response.status_code < 500, path
        assert response.headers["Content-Security-Policy"] == security.PAGE_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    """The policy would block them; this finds them before a browser does."""
    for path in ("/", "/dashboards/meldingen", "/beheer"):
        html = client.get(path).text
        assert security.inline_hashes(html.encode()) == {"script-src": [], "style-src": []}, path
        assert not re.search(r"\sstyle=|\son[a-z]+=", html), path


# Collects what the page reports; init scripts run before the page's own and are not bound
# by its policy.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_dashboard_draws_under_the_strict_policy(demo_project: Path, page: Page) -> None:
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            messages.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.add_init_script(WATCH_VIOLATIONS)
    with serve_app(create_app(demo_project)) as base_url:
        response = page.goto(f"{base_url}/dashboards/meldingen")
        assert response is not None
        assert response.headers["content-security-policy"] == security.PAGE_POLICY
        page.wait_for_selector("#panel-0-chart[data-drawn='true']", timeout=30_000)
        assert page.locator("#panel-0-chart svg .mark-line path").count() == 3
        assert page.locator("[data-spec-id][data-drawn='true']").count() == 4
        # The tooltip works without its injected <style>: its styles come from koers.css.
        page.locator("#panel-0-chart svg .mark-symbol path").first.hover()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert tooltip.evaluate("e => getComputedStyle(e).position") == "fixed"
        violations = page.evaluate("window.__cspViolations")
    assert violations == []
    csp_messages = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert csp_messages == []
    # Chromium asks for /favicon.ico, which Koers does not serve; nothing else may fail.
    errors = [
        m for m in messages if "Failed to load resource" not in m and "uses Vega-Lite v5" not in m
    ]
    assert errors == []
