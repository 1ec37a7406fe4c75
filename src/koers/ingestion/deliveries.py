"""Finding what a source has delivered since the last run.

A drop folder delivers files; an API, database or CBS table delivers what a fetch returns,
written to landing as NDJSON. Either way the result is a list of :class:`Delivery` objects
known by their content hash, so what was loaded before is not loaded again.
"""

from __future__ import annotations

from collections.abc import Callable

from koers.config import Project, SourceConfig
from koers.engine import Warehouse
from koers.ingestion.ledger import (
    known_file_hashes,
    loaded_hashes,
    remember_file_hashes,
    utc_now,
    watermark,
)
from koers.ingestion.loader import Delivery, landing_folder
from koers.sources.fetch import fetch_records
from koers.sources.files import file_sha256, list_files, settled


def pending_deliveries(
    project: Project,
    warehouse: Warehouse,
    source: SourceConfig,
    on_records: Callable[[int], None] | None = None,
) -> list[Delivery]:
    loaded = loaded_hashes(warehouse, source.name)
    if source.type == "files":
        files = list_files(project, source, known_file_hashes(warehouse, source.name))
        remember_file_hashes(
            warehouse,
            source.name,
            [(f.path.name, f.size_bytes, f.mtime_ns, f.sha256) for f in files if settled(f)],
        )
        return [
            Delivery(f.path, f.sha256, f.size_bytes, f.path.name)
            for f in files
            if f.sha256 not in loaded
        ]
    return _fetch(project, warehouse, source, loaded, on_records)


def _fetch(
    project: Project,
    warehouse: Warehouse,
    source: SourceConfig,
    loaded: set[str],
    on_records: Callable[[int], None] | None,
) -> list[Delivery]:
    folder = landing_folder(project, source)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utc_now().strftime("%Y%m%dT%H%M%S")
    partial = folder / f"ophaling-{stamp}.ndjson.partial"
    try:
        fetched = fetch_records(
            project, source, watermark(warehouse, source.name), partial, on_records
        )
        if fetched.records == 0:
            return []
        sha = file_sha256(partial)
        if sha in loaded:
            return []
        target = folder / f"{sha}.ndjson"
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return [
        Delivery(
            path=target,
            sha256=sha,
            size_bytes=target.stat().st_size,
            name=f"ophaling {stamp} ({fetched.records} records)",
            watermark=fetched.watermark,
            in_landing=True,
        )
    ]
