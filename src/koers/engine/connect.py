"""Picking the engine a project asks for."""

from __future__ import annotations

from collections.abc import Callable

from koers.config import Project
from koers.engine.base import Warehouse


def _duckdb(project: Project, read_only: bool) -> Warehouse:
    from koers.engine.duckdb_engine import DuckDBWarehouse

    return DuckDBWarehouse(project.resolve(project.engine.path), read_only=read_only)


def _postgres(project: Project, read_only: bool) -> Warehouse:
    from koers.engine.postgres_engine import PostgresWarehouse

    assert project.engine.url is not None  # checked when the project was loaded
    return PostgresWarehouse(project.engine.url, project.engine.password())


#: Adding an engine (Spark follows) means one entry here and one module; packs do not change.
ENGINES: dict[str, Callable[[Project, bool], Warehouse]] = {
    "duckdb": _duckdb,
    "postgres": _postgres,
}


def connect(project: Project, *, read_only: bool = False) -> Warehouse:
    return ENGINES[project.engine.type](project, read_only)
