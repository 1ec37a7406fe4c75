"""Pytest plugin: Debian's headless Chromium under Playwright, plus a helper to serve an ASGI app.

Koers' UI is judged by what a person sees, so UI tests run real JavaScript in a
real browser. ``playwright install`` cannot download browsers on our machines,
hence Playwright launches the distro's Chromium instead of its own build.

Load with ``pytest_plugins = ["tests.support.browser"]`` or
``-p tests.support.browser``. Do not also install pytest-playwright: it defines
fixtures with the same names.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

README_TEST_COMMAND = "bash scripts/test.sh"

CHROMIUM_PATH = os.environ.get("KOERS_CHROMIUM", "/usr/bin/chromium")

# --headless/--no-sandbox: no display, and root cannot use the sandbox. The rest stop
# Chromium from phoning home (there is no internet here, so those calls only stall).
CHROMIUM_ARGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

LOCALE = "nl-NL"
TIMEZONE = "Europe/Amsterdam"


def pytest_configure(config: pytest.Config) -> None:
    """Registers the marker here too, so the plugin works under --strict-markers on its own."""
    config.addinivalue_line("markers", "browser: drives the real headless Chromium via Playwright")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Auto-marks tests that use the browser fixtures, so ``-m 'not browser'`` is reliable."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "browser" in names or "page" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver per session; starting its node process per test would be slow."""
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One Chromium per session; tests get isolation from fresh contexts, not fresh processes."""
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(
            f"Chromium was not found at {CHROMIUM_PATH}. "
            f"Run the tests with `{README_TEST_COMMAND}`, "
            "which installs Debian's 'chromium' package (`apt-get install -y chromium`); "
            "`playwright install` cannot download browsers here.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM_PATH,
        headless=True,
        args=CHROMIUM_ARGS,
        timeout=60_000,
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A page in its own context (cookies, storage), with our users' Dutch locale and clock."""
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def serve_app(app: Any, host: str = "127.0.0.1", timeout: float = 15.0) -> Iterator[str]:
    """Serves an ASGI app over real HTTP, since a browser cannot use an in-process test client.

    The listening socket is bound here and handed to uvicorn, so there is no
    window in which another process could take the port. Uvicorn runs in a
    thread (it skips signal handlers off the main thread) and is stopped with
    ``should_exit`` so lifespan shutdown runs.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not (server.started and _port_answers(host, port)):
            if not thread.is_alive():
                raise RuntimeError(
                    f"uvicorn exited before serving on {host}:{port} (see the log above)"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"uvicorn did not answer on {host}:{port} within {timeout:.0f} s"
                )
            time.sleep(0.02)
        url_host = f"[{host}]" if family == socket.AF_INET6 else host
        yield f"http://{url_host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():
            # Open keep-alive or streaming connections can stall a graceful exit.
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()
