"""A real HTTP server on 127.0.0.1 for connector tests, with routes as plain functions.

Connectors are tested over a real socket (timeouts, retries and redirects behave as they do
against a municipality's API), never against the internet. The server picks a free port,
records every request, and stops with the ``with`` block, releasing any route that hangs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

#: How long a hanging route waits at most if the test forgets to stop the server.
HANG_LIMIT_S = 10.0


@dataclass(frozen=True)
class Request:
    path: str
    #: Query parameters, last value wins; names and values decoded.
    query: dict[str, str]
    #: Header names in lower case.
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    #: Encoded as JSON unless it is already ``bytes``.
    body: object = None
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Send nothing until the server stops: a source that accepts and never answers.
    hang: bool = False


Route = Callable[[Request], Reply]


class FakeServer:
    """``with FakeServer({"/pad": route}) as server: server.url("/pad")``."""

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        # A short poll interval: shutdown() waits for the next poll, 0.5 s by default.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        request = Request(
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        fake.record(request)
        route = fake.routes.get(request.path)
        reply = route(request) if route else Reply(404, {"fout": "onbekend pad"})
        if reply.hang:
            fake.stopping.wait(HANG_LIMIT_S)
            return
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test); nothing to tell it

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows the test's own assertions, not an access log."""
