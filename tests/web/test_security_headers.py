"""The security headers of koers.web.security on a small app: every kind of response gets them.

The demo project's own routes are checked in tests/e2e/test_security_headers_demo.py; here the
middleware is tested on its own, fast, including the cases a project cannot easily provoke
(an unhandled exception, a route that sets its own header, https).
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from koers.web import security

ALWAYS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def _directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"directive {name} appears twice"
        parsed[name] = sources
    return parsed


def _app(static_dir: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/pagina", response_class=HTMLResponse)
    def page() -> str:
        return "<!doctype html><title>x</title><p>hallo</p>"

    @app.get("/api/iets")
    def api() -> dict[str, str]:
        return {"a": "b"}

    @app.get("/api/stuk")
    def broken_api() -> dict[str, str]:
        raise RuntimeError("kapot")

    @app.get("/stuk")
    def broken_page() -> str:
        raise RuntimeError("kapot")

    @app.get("/eigen")
    def own_headers() -> Response:
        return Response(
            "x", headers={"Cache-Control": "public, max-age=60", "X-Frame-Options": "SAMEORIGIN"}
        )

    @app.post("/alleen-post")
    def post_only() -> dict[str, str]:
        return {}

    app.mount("/static/koers", StaticFiles(directory=static_dir), name="static")
    security.install(app)
    return app


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "koers.css").write_text("body {}", encoding="utf-8")
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/pagina", 200),
        ("GET", "/api/iets", 200),
        ("GET", "/static/koers/koers.css", 200),
        ("GET", "/static/koers/bestaat-niet.css", 404),
        ("GET", "/bestaat-niet", 404),
        ("GET", "/alleen-post", 405),
        ("HEAD", "/pagina", 405),
        ("GET", "/api/iets?x=%ZZ", 200),
        ("GET", "/stuk", 500),
        ("GET", "/api/stuk", 500),
        ("GET", "/openapi.json", 200),
        ("GET", "/docs", 200),
        ("GET", "/redoc", 200),
        ("GET", "/docs/oauth2-redirect", 200),
    ],
)
def test_every_kind_of_response_carries_the_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    for name in ALWAYS:
        assert response.headers.get(name), f"{name} missing on {method} {path}"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_server_error_is_dutch_and_tells_nothing_of_the_exception(client: TestClient) -> None:
    page = client.get("/stuk")
    api = client.get("/api/stuk")
    assert "Er ging iets mis" in page.text and "kapot" not in page.text
    assert api.json() == {"detail": "Er ging iets mis op de server."}


def test_page_policy_is_strict() -> None:
    policy = _directives(security.PAGE_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["img-src"]) == {"'self'", "data:"}
    assert "unsafe" not in security.PAGE_POLICY


def test_pages_and_api_get_the_strict_policy_and_are_not_cached(client: TestClient) -> None:
    for path in ("/pagina", "/api/iets", "/bestaat-niet"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == security.PAGE_POLICY
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/koers/koers.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_route_keeps_headers_it_set_itself(client: TestClient) -> None:
    response = client.get("/eigen")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Content-Security-Policy"] == security.PAGE_POLICY


def test_hsts_only_over_https(tmp_path: Path) -> None:
    (tmp_path / "koers.css").write_text("", encoding="utf-8")
    app = _app(tmp_path)
    with TestClient(app, base_url="https://testserver") as https:
        assert https.get("/pagina").headers["Strict-Transport-Security"].startswith("max-age=")
        assert https.get("/bestaat-niet").headers["Strict-Transport-Security"]
    with TestClient(app, base_url="http://testserver") as http:
        assert "Strict-Transport-Security" not in http.get("/pagina").headers


def _sha256(text: str) -> str:
    return "'sha256-" + b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_docs_policy_allows_exactly_its_own_inline_blocks(client: TestClient) -> None:
    response = client.get("/docs")
    policy = _directives(response.headers["Content-Security-Policy"])
    inline = response.text.split("<script>", 1)[1].split("</script>", 1)[0]
    assert _sha256(inline) in policy["script-src"]
    assert security.DOCS_CDN in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert int(response.headers["Content-Length"]) == len(response.content)
    # Only the documentation pages are widened.
    assert security.DOCS_CDN not in client.get("/pagina").headers["Content-Security-Policy"]


def test_inline_hashes_skip_data_and_external_scripts() -> None:
    html = (
        b'<script src="/a.js"></script><script type="application/json">{"a": 1}</script>'
        b"<script>run()</script><style>p{}</style>"
    )
    assert security.inline_hashes(html) == {
        "script-src": [_sha256("run()")],
        "style-src": [_sha256("p{}")],
    }
