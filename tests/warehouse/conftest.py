"""Every warehouse test runs once per engine: DuckDB in a file, PostgreSQL on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers import write_project


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """An empty project folder whose koers.toml points at the engine under test."""
    url = request.getfixturevalue("postgres_db_url") if request.param == "postgres" else None
    yield write_project(tmp_path, engine_url=url, sources=("GM0226", "GM0293", "GM0299"))
