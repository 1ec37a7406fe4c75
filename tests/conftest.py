"""Shared test setup: a real PostgreSQL server and real Chromium, started on demand."""

pytest_plugins = ["tests.support.postgres", "tests.support.browser"]
