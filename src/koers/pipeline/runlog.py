"""The run log: every ``koers run`` and each of its steps, kept in the warehouse.

A run is written as started before any work, and closed with its status even when it fails,
so an operator can always see what happened and how many rows each step moved.
"""

from __future__ import annotations

from datetime import UTC, datetime

from koers.engine import Warehouse

RUNS_TABLE = "koers_meta.runs"
STEPS_TABLE = "koers_meta.run_steps"

RUNS_SCHEMA = {
    "run_id": "VARCHAR",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "status": "VARCHAR",
    "message": "VARCHAR",
}
STEPS_SCHEMA = {
    "run_id": "VARCHAR",
    "step_number": "INTEGER",
    "step": "VARCHAR",
    "kind": "VARCHAR",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "status": "VARCHAR",
    "rows_in": "BIGINT",
    "rows_out": "BIGINT",
    "rows_quarantined": "BIGINT",
    "message": "VARCHAR",
}


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class RunLog:
    def __init__(self, warehouse: Warehouse, run_id: str) -> None:
        self.warehouse = warehouse
        self.run_id = run_id
        self.step_number = 0
        warehouse.create_table(RUNS_TABLE, RUNS_SCHEMA)
        warehouse.create_table(STEPS_TABLE, STEPS_SCHEMA)

    def start(self) -> None:
        self.warehouse.insert_rows(
            RUNS_TABLE, list(RUNS_SCHEMA), [(self.run_id, now(), None, "bezig", None)]
        )

    def step(
        self,
        step: str,
        kind: str,
        started_at: datetime,
        status: str,
        rows_in: int | None = None,
        rows_out: int | None = None,
        rows_quarantined: int | None = None,
        message: str | None = None,
    ) -> None:
        self.step_number += 1
        self.warehouse.insert_rows(
            STEPS_TABLE,
            list(STEPS_SCHEMA),
            [
                (
                    self.run_id,
                    self.step_number,
                    step,
                    kind,
                    started_at,
                    now(),
                    status,
                    rows_in,
                    rows_out,
                    rows_quarantined,
                    message,
                )
            ],
        )

    def finish(self, status: str, message: str | None = None) -> None:
        text = "NULL" if message is None else "'" + message.replace("'", "''") + "'"
        self.warehouse.execute(
            f"UPDATE {RUNS_TABLE} SET ended_at = TIMESTAMP '{now().isoformat(sep=' ')}', "
            f"status = '{status}', message = {text} WHERE run_id = '{self.run_id}'"
        )
