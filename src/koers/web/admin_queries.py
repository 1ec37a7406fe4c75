"""Read-only questions an operator asks of Koers' own bookkeeping: which runs ran, which files
were loaded or refused, which rows were set aside, and which loads a table was built from.

The tables are written elsewhere in the flow: the ledger by ingestion (``landing.loads``,
``landing.quarantine``, ``landing.raw_removed``), the run log by the pipeline
(``koers_meta.runs``, ``koers_meta.run_steps``), build state and lineage by the transform
step. This module only reads them, for the Beheer page and for ``koers check`` and
``koers lineage``. It is deliberately separate from the metrics query layer: that one guards
privacy levels per metric, while everything here is operator data, to be put behind access
control as a whole.

On a fresh warehouse any of these tables can be missing; every method then answers empty
instead of failing, so the page can say "nog niets geladen".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from koers.engine import Result, Warehouse, sql_string, sql_strings
from koers.engine.base import qualified
from koers.errors import KoersError, QueryError
from koers.ingestion.ledger import LOADS_TABLE, QUARANTINE_TABLE, RAW_REMOVED_TABLE
from koers.pipeline.runlog import RUNS_TABLE, STEPS_TABLE
from koers.transform.build import BUILD_STATE_TABLE
from koers.transform.lineage import LINEAGE_TABLE, lineage_of

#: Run-log statuses of a step that did not get its data in.
REFUSED_STATUSES = ("geweigerd", "mislukt")
QUARANTINE_COLUMNS = ("source", "file_name", "row_number", "column_name", "value", "reason")
#: Dutch column headers of the quarantine download, in the order of QUARANTINE_COLUMNS.
QUARANTINE_HEADERS = ("Bron", "Bestand", "Rij", "Kolom", "Waarde", "Reden")


@dataclass(frozen=True)
class Page:
    """One page of a longer list; ``number`` counts from 1."""

    rows: list[dict[str, Any]]
    total: int
    number: int
    size: int

    @property
    def count(self) -> int:
        """How many pages the list has; an empty list still has one (empty) page."""
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1 if self.rows else 0


class AdminQueries:
    """The operator's view on one warehouse; ``configured_sources`` are the sources named in
    ``koers.toml``, known even before they delivered anything."""

    def __init__(
        self,
        warehouse: Warehouse,
        configured_sources: Iterable[str],
        allowed_sources: frozenset[str] | None = None,
    ) -> None:
        self.warehouse = warehouse
        #: The sources this operator may see (those of their gemeenten and the shared ones);
        #: None for an operator of the whole collaboration.
        self.allowed_sources = allowed_sources
        self.configured_sources = tuple(
            s for s in configured_sources if allowed_sources is None or s in allowed_sources
        )

    def _where(self, source: str | None) -> str:
        """The source condition of every ledger and quarantine query: the asked source, or all
        the operator may see."""
        if source is not None or self.allowed_sources is None:
            return _source_filter(source)
        return f" WHERE source IN ({sql_strings(sorted(self.allowed_sources) or [''])})"

    def _exists(self, table: str) -> bool:
        return self.warehouse.table_exists(table)

    @property
    def anything_loaded(self) -> bool:
        return self._exists(LOADS_TABLE) and self.warehouse.count_rows(LOADS_TABLE) > 0

    # The run log

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        if not self._exists(RUNS_TABLE):
            return []
        return self.warehouse.query(
            f"SELECT run_id, started_at, ended_at, status, message FROM {RUNS_TABLE} "
            f"ORDER BY started_at DESC, run_id LIMIT {int(limit)}"
        ).records()

    def refused(self, limit: int = 50) -> list[dict[str, Any]]:
        """Steps that did not get their data in: a file refused whole, a source unreachable."""
        if not self._exists(STEPS_TABLE):
            return []
        return self.warehouse.query(
            f"SELECT run_id, step, kind, status, started_at, message FROM {STEPS_TABLE} "
            f"WHERE status IN ({sql_strings(REFUSED_STATUSES)}) "
            f"ORDER BY started_at DESC, run_id, step_number LIMIT {int(limit)}"
        ).records()

    # The ledger

    def count_loads(self, source: str | None = None) -> int:
        if not self._exists(LOADS_TABLE):
            return 0
        return int(
            self.warehouse.query(
                f"SELECT count(*) FROM {LOADS_TABLE} AS l{self._where(source)}"
            ).scalar()
        )

    def loads(self, limit: int = 100, source: str | None = None) -> list[dict[str, Any]]:
        """Newest loads first (of one source, if given), each with ``raw_removed_at``: when
        retention removed the raw copy from landing/ (None while it is kept)."""
        if not self._exists(LOADS_TABLE):
            return []
        # The raw_removed table arrived later than the ledger; older warehouses lack it.
        removed = (
            f"(SELECT max(r.removed_at) FROM {RAW_REMOVED_TABLE} AS r WHERE r.load_id = l.load_id)"
            if self._exists(RAW_REMOVED_TABLE)
            else "CAST(NULL AS TIMESTAMP)"
        )
        return self.warehouse.query(
            "SELECT l.load_id, l.source, l.file_name, l.sha256, l.loaded_at, l.contract, "
            "l.contract_version, l.rows_read, l.rows_loaded, l.rows_quarantined, "
            f"{removed} AS raw_removed_at FROM {LOADS_TABLE} AS l{self._where(source)} "
            f"ORDER BY l.loaded_at DESC, l.load_id LIMIT {int(limit)}"
        ).records()

    def known_sources(self) -> list[str]:
        """Configured sources plus any the ledger still remembers after a rename."""
        found = set(self.configured_sources)
        for table in (LOADS_TABLE, QUARANTINE_TABLE):
            if self._exists(table):
                rows = self.warehouse.query(
                    f"SELECT DISTINCT source FROM {table}{self._where(None)}"
                ).rows
                found.update(str(row[0]) for row in rows if row[0] is not None)
        return sorted(found)

    def check_source(self, source: str) -> str:
        """``source`` when it is known; otherwise a Dutch error that lists the known ones."""
        known = self.known_sources()
        if source not in known:
            listed = ", ".join(known) or "geen"
            raise QueryError(f"onbekende bron '{source}' (bekend: {listed})")
        return source

    # The quarantine

    def quarantine(self, source: str | None = None, page: int = 1, size: int = 100) -> Page:
        """Rows set aside, by source, file and row; ``source`` must have passed
        :meth:`check_source`."""
        if page < 1 or size < 1:
            raise QueryError("paginanummer en paginagrootte moeten 1 of meer zijn")
        if not self._exists(QUARANTINE_TABLE):
            return Page([], 0, 1, size)
        where = self._where(source)
        total = int(
            self.warehouse.query(f"SELECT count(*) FROM {QUARANTINE_TABLE}{where}").scalar()
        )
        rows = self.warehouse.query(
            f"{_quarantine_select(where)} LIMIT {int(size)} OFFSET {(page - 1) * int(size)}"
        ).records()
        return Page(rows, total, page, size)

    def quarantine_rows(self, source: str | None = None) -> list[tuple[Any, ...]]:
        """All rows set aside, in the order of :data:`QUARANTINE_COLUMNS`, for a download."""
        if not self._exists(QUARANTINE_TABLE):
            return []
        return self.warehouse.query(_quarantine_select(self._where(source))).rows

    # Lineage

    def lineage_tables(self) -> list[str]:
        """Tables whose lineage can be asked: those the build made, and the staging tables
        loads went into."""
        tables: set[str] = set()
        if self._exists(BUILD_STATE_TABLE):
            # build_state also fingerprints metrics under "metric:<id>"; those are no tables.
            rows = self.warehouse.query(f"SELECT table_name FROM {BUILD_STATE_TABLE}").rows
            tables.update(str(row[0]) for row in rows if _is_table_name(row[0]))
        if self._exists(LOADS_TABLE):
            rows = self.warehouse.query(f"SELECT DISTINCT target_table FROM {LOADS_TABLE}").rows
            tables.update(str(row[0]) for row in rows if _is_table_name(row[0]))
        return sorted(tables)

    def lineage(self, table: str) -> Result:
        """The loads behind ``table`` (columns ``LOAD_COLUMNS``); a Dutch error when the
        name is malformed, the table unknown, or nothing was built yet."""
        if not _is_table_name(table):
            raise QueryError(
                f"'{table}' is geen tabelnaam; geef schema.tabel, bijvoorbeeld marts.meldingen_dag"
            )
        if not (self._exists(LOADS_TABLE) and self._exists(LINEAGE_TABLE)):
            raise KoersError("nog niets geladen of gebouwd; draai eerst 'koers run'")
        return lineage_of(self.warehouse, table)


def _quarantine_select(where: str) -> str:
    return (
        f"SELECT {', '.join(QUARANTINE_COLUMNS)} FROM {QUARANTINE_TABLE}{where} "
        "ORDER BY source, file_name, row_number, column_name"
    )


def _source_filter(source: str | None) -> str:
    return f" WHERE source = {sql_string(source)}" if source else ""


def _is_table_name(name: object) -> bool:
    if not isinstance(name, str):
        return False
    try:
        qualified(name)
    except ValueError:
        return False
    return True
