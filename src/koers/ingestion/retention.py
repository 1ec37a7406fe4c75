"""Retention of raw deliveries in landing.

Landing keeps every delivery as it arrived, so a load can be explained and redone. For
deliveries that hold personal data that copy is itself a risk: it is removed once the
retention period set in ``koers.toml`` has passed (AVG: storage limitation). The ledger keeps
the fact of the load and its hash; staging keeps the pseudonymised rows.

The drop folder belongs to whoever delivers into it; Koers does not delete there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from koers.config import Project
from koers.engine import Warehouse, sql_text
from koers.ingestion.contracts import Contract
from koers.ingestion.ledger import (
    LOADS_TABLE,
    RAW_REMOVED_SCHEMA,
    RAW_REMOVED_TABLE,
    utc_now,
)


def remove_expired_raw(
    project: Project,
    warehouse: Warehouse,
    contracts: Mapping[str, Contract],
    now: datetime | None = None,
) -> list[str]:
    """Delete raw copies past retention; returns the load ids (and, for copies that never
    became a load, the file names) whose copy was removed."""
    now = now or utc_now()
    cutoff = now - timedelta(days=project.privacy.landing_retention_days)
    personal = [
        s.name
        for s in project.sources
        if s.contract in contracts and contracts[s.contract].holds_personal_data
    ]
    if not personal:
        return []
    names = ", ".join(f"'{sql_text(n)}'" for n in personal)
    expired = warehouse.query(
        f"SELECT load_id, source, sha256, file_name FROM {LOADS_TABLE} "
        f"WHERE source IN ({names}) AND loaded_at <= CAST('{cutoff.isoformat(sep=' ')}' AS TIMESTAMP) "
        f"AND load_id NOT IN (SELECT load_id FROM {RAW_REMOVED_TABLE})"
    ).rows
    removed = []
    for source in personal:
        removed.extend(_remove_unloaded(project, warehouse, source, cutoff))
    for load_id, source, sha, file_name in expired:
        for path in (project.dir / "landing" / str(source)).glob(f"{sha}.*"):
            path.unlink(missing_ok=True)
        warehouse.insert_rows(
            RAW_REMOVED_TABLE, list(RAW_REMOVED_SCHEMA), [(load_id, file_name, now)]
        )
        removed.append(str(load_id))
    return removed


def _remove_unloaded(
    project: Project, warehouse: Warehouse, source: str, cutoff: datetime
) -> list[str]:
    """Copies that never became a load (a refused delivery, a fetch cut off halfway) hold
    personal data just the same: they go by their file time. Returns their file names."""
    folder = project.dir / "landing" / source
    if not folder.is_dir():
        return []
    loaded = {
        str(row[0])
        for row in warehouse.query(
            f"SELECT sha256 FROM {LOADS_TABLE} WHERE source = '{sql_text(source)}'"
        ).rows
    }
    gone = []
    for path in folder.iterdir():
        sha = path.name.split(".", 1)[0]
        changed = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
        if path.is_file() and sha not in loaded and changed <= cutoff:
            path.unlink(missing_ok=True)
            gone.append(path.name)
    return gone
