"""Fetching a source that is not a drop folder: an HTTP API, a CBS table or another database.

Each connector asks its source for what is new since the last high-water mark and writes it
as one NDJSON file (see ``records.py``); from there the loader treats it as any delivered
file. This module is the one entry point the loader calls. Connectors are imported only
when used, so the CLI does not pay for httpx or SQLAlchemy when it does not need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from koers.config import Project, SourceConfig
from koers.errors import ConfigError, SourceError
from koers.sources.records import RecordProgress


@dataclass(frozen=True)
class Fetched:
    """What one fetch produced: the written NDJSON file, its record count and the new
    high-water mark to store (``None`` for sources that are always fetched whole)."""

    path: Path
    records: int
    watermark: str | None


def fetch_records(
    project: Project,
    source: SourceConfig,
    watermark: str | None,
    target: Path,
    progress: RecordProgress | None = None,
) -> Fetched:
    """Fetch the source's new records into ``target``; errors name the source.

    Raises ``SourceError`` when the source cannot be read and ``ConfigError`` when the
    project file or the environment it names is incomplete.
    """
    try:
        if source.type == "http" and source.http is not None:
            from koers.sources.http_api import fetch_http

            return fetch_http(source.http, watermark, target, progress)
        if source.type == "cbs" and source.cbs is not None:
            from koers.sources.cbs import fetch_cbs

            return fetch_cbs(source.cbs, watermark, target, progress)
        if source.type == "sql" and source.sql is not None:
            from koers.sources.sql_database import fetch_sql

            return fetch_sql(project, source.sql, watermark, target, progress)
    except ConfigError as exc:
        raise ConfigError(f"{project.file}: bron '{source.name}': {exc.message}") from exc
    except SourceError as exc:
        raise SourceError(f"bron '{source.name}': {exc.message}") from exc
    raise ConfigError(
        f"{project.file}: bron '{source.name}': type '{source.type}' wordt niet opgehaald "
        "maar uit een map gelezen"
    )
