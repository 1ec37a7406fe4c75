"""Security headers on every response of the web app: pages, API, static files and errors.

The pages are server-rendered and load only their own scripts and styles (``/static/...``), so
the Content-Security-Policy can be strict: no inline script or style, no ``eval``, no other
origin. The charts keep to it because ``koers.js`` asks vega-embed for its expression
interpreter (``ast: true``) instead of Vega's default code generation with ``new Function``.

Two exceptions, both narrow and documented in ``docs/access/security.md``:

- FastAPI's own API documentation (``/docs``, ``/redoc``) loads Swagger UI or ReDoc from a
  CDN and starts it with an inline script. Those paths get a policy that allows that CDN and
  exactly the inline blocks FastAPI rendered (by their SHA-256 hash), nothing else.
- ``Strict-Transport-Security`` is only sent over https (behind a proxy: when uvicorn is told to
  trust its ``X-Forwarded-Proto``), since a browser ignores it over http and a plain-http demo
  must stay reachable.

The middleware is plain ASGI, so it also covers streamed and static responses. An unhandled
exception is answered by Starlette's outermost error middleware, past every other middleware;
:func:`install` registers the 500 handler that gives that answer the same headers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy of every page and API answer. ``data:`` images are allowed for charts exported
#: as PNG and for icons in CSS; forms may only post back to this server.
CONTENT_SECURITY_POLICY: Mapping[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
}

#: Where FastAPI's documentation pages load Swagger UI, ReDoc, their fonts and favicon from.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_EXTRA_SOURCES: Mapping[str, tuple[str, ...]] = {
    "script-src": (DOCS_CDN,),
    "style-src": (DOCS_CDN, "https://fonts.googleapis.com"),
    "font-src": ("https://fonts.gstatic.com",),
    "img-src": ("https://fastapi.tiangolo.com", DOCS_CDN),
    # ReDoc runs its search in a worker made from a blob.
    "worker-src": ("'self'", "blob:"),
}

#: Headers every response carries, unless a route set its own value.
STATIC_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Only features a browser knows: an unknown name is logged as an error in the console.
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"

#: Paths whose answers may be kept by the browser and proxies: the same for every user.
CACHEABLE_PREFIXES = ("/static/",)

_INLINE_BLOCK = re.compile(
    rb"<(script|style)\b([^>]*)>(.*?)</\1\s*>", flags=re.IGNORECASE | re.DOTALL
)


def render_policy(policy: Mapping[str, Iterable[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


PAGE_POLICY = render_policy(CONTENT_SECURITY_POLICY)


def inline_hashes(html: bytes) -> dict[str, list[str]]:
    """CSP hash sources of the inline ``<script>`` and ``<style>`` blocks of a page, by
    directive. Scripts with ``src`` or a data type (JSON) do not run, so they need none."""
    found: dict[str, list[str]] = {"script-src": [], "style-src": []}
    for match in _INLINE_BLOCK.finditer(html):
        tag, attributes, body = match.group(1).lower(), match.group(2).lower(), match.group(3)
        if tag == b"script" and (b"src=" in attributes or b"application/json" in attributes):
            continue
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
        found["script-src" if tag == b"script" else "style-src"].append(f"'sha256-{digest}'")
    return found


def docs_policy(html: bytes) -> str:
    """The page policy widened for FastAPI's documentation page ``html``: its CDN, and its
    own inline blocks by hash (so an injected inline script still cannot run)."""
    policy = {name: list(sources) for name, sources in CONTENT_SECURITY_POLICY.items()}
    for name, sources in DOCS_EXTRA_SOURCES.items():
        policy.setdefault(name, []).extend(s for s in sources if s not in policy.get(name, []))
    for name, hashes in inline_hashes(html).items():
        policy[name].extend(hashes)
    return render_policy(policy)


def security_headers(scope: Scope, content_security_policy: str = PAGE_POLICY) -> dict[str, str]:
    """All security headers for a response to the request in ``scope``."""
    headers = {"Content-Security-Policy": content_security_policy, **STATIC_HEADERS}
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS
    path: str = scope.get("path", "")
    if not path.startswith(CACHEABLE_PREFIXES):
        # Pages and API answers depend on who asks; no shared cache may keep them.
        headers["Cache-Control"] = "no-store"
    return headers


class SecurityHeadersMiddleware:
    """Adds :func:`security_headers` to every HTTP response, keeping values a route set."""

    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_missing(MutableHeaders(scope=message), security_headers(scope))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The documentation pages are small and never streamed: hold the body back until it
        # is complete, so the policy can name the hashes of its inline blocks.
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = MutableHeaders(scope=start)
            _add_missing(headers, security_headers(scope, docs_policy(bytes(body))))
            headers["Content-Length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, hold)


def _add_missing(headers: MutableHeaders, wanted: Mapping[str, str]) -> None:
    for name, value in wanted.items():
        if name not in headers:
            headers[name] = value


async def _server_error(request: Request, exc: Exception) -> Response:
    # Starlette's outermost middleware calls this and sends its answer directly, past the
    # headers middleware; hence the headers here. It re-raises afterwards, so the server still
    # logs the traceback.
    headers = security_headers(request.scope)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "Er ging iets mis op de server."}, status_code=500, headers=headers
        )
    return PlainTextResponse("Er ging iets mis op de server.", status_code=500, headers=headers)


def install(app: FastAPI) -> None:
    """Adds the security headers to every response of ``app``; call once in ``create_app``."""
    docs_paths = [
        path
        for path in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
        if path and app.openapi_url
    ]
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=docs_paths)
    app.add_exception_handler(Exception, _server_error)
