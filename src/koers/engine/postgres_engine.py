"""PostgreSQL: the shared server of a collaboration, where Power BI and Excel connect too."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from koers.engine.base import (
    Capabilities,
    Processor,
    Result,
    Warehouse,
    first_line,
    qualified,
)
from koers.engine.dialect import transpile
from koers.engine.duckdb_engine import new_processor
from koers.errors import EngineError

CAPABILITIES = Capabilities(
    name="postgres", dialect="postgres", title="PostgreSQL", processes_in_place=False
)


def _plain(value: Any) -> Any:
    # PostgreSQL returns NUMERIC for sums of integers; callers expect plain numbers.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class PostgresWarehouse(Warehouse):
    capabilities = CAPABILITIES

    def __init__(self, url: str, password: str | None = None) -> None:
        try:
            import psycopg
        except ImportError:
            raise EngineError(
                "PostgreSQL-ondersteuning ontbreekt; installeer met: pip install 'koers[postgres]'"
            ) from None
        self._psycopg = psycopg
        try:
            self._con = psycopg.connect(url, password=password, connect_timeout=10)
        except psycopg.Error as exc:
            raise EngineError(
                f"PostgreSQL op {_safe(url)} niet bereikbaar ({first_line(exc)})"
            ) from None
        self._con.autocommit = True
        self._lock = threading.RLock()
        self._depth = 0

    def query(self, sql: str) -> Result:
        with self._lock, self._con.cursor() as cursor:
            try:
                for statement in transpile(sql, self.capabilities.dialect):
                    cursor.execute(statement.encode())
                columns = [d.name for d in cursor.description or []]
                rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            except self._psycopg.Error as exc:
                raise EngineError(f"PostgreSQL: {first_line(exc)}") from exc
        return Result(columns, rows)

    def execute(self, sql: str) -> None:
        with self._lock, self._con.cursor() as cursor:
            try:
                for statement in transpile(sql, self.capabilities.dialect):
                    cursor.execute(statement.encode())
            except self._psycopg.Error as exc:
                raise EngineError(f"PostgreSQL: {first_line(exc)}") from exc

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        return self._copy(table, columns, iter([list(rows)]))

    def _copy(self, table: str, columns: Sequence[str], batches: Iterator[Any]) -> int:
        schema, name = qualified(table)
        return self._copy_into(f"{schema}.{name}", columns, batches)

    def _copy_into(self, target: str, columns: Sequence[str], batches: Iterator[Any]) -> int:
        count = 0
        with self._lock, self._con.cursor() as cursor:
            statement = f"COPY {target} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement.encode()) as copy:
                for batch in batches:
                    for row in batch:
                        copy.write_row(row)
                        count += 1
        return count

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock, self._con.transaction():
            yield

    def table_exists(self, table: str) -> bool:
        schema, name = qualified(table)
        with self._lock, self._con.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = %s AND table_name = %s",
                (schema, name),
            )
            found = cursor.fetchone()
        return bool(found and found[0])

    def table_columns(self, table: str) -> list[str]:
        schema, name = qualified(table)
        with self._lock, self._con.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s ORDER BY ordinal_position",
                (schema, name),
            )
            return [r[0] for r in cursor.fetchall()]

    @contextmanager
    def processor(self) -> Iterator[Processor]:
        processor = new_processor()
        try:
            yield processor
        finally:
            processor.con.close()

    def append_from_processor(
        self, processor: Processor, select_sql: str, table: str, columns: Sequence[str]
    ) -> int:
        return self._copy(table, columns, processor.batches(select_sql))

    def stage_from_processor(
        self, processor: Processor, select_sql: str, name: str, columns: dict[str, str]
    ) -> str:
        body = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        self.execute(f"CREATE TEMP TABLE {name} ({body})")
        self._copy_into(name, list(columns), processor.batches(select_sql))
        return name

    def unstage(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self._con.close()


def _safe(url: str) -> str:
    return url.rsplit("@", maxsplit=1)[-1]
