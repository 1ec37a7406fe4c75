"""DuckDB: the embedded default, one file inside the project folder."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from koers.engine.base import (
    Capabilities,
    Processor,
    Result,
    Warehouse,
    first_line,
    qualified,
)
from koers.engine.dialect import transpile
from koers.errors import EngineError

CAPABILITIES = Capabilities(
    name="duckdb",
    dialect="duckdb",
    title="DuckDB",
    processes_in_place=True,
    # Compression at best halves hex text, and choosing it (dictionary, FSST) costs more
    # than storing the bytes; see docs/adr/0010-pseudonyms-stored-uncompressed.md.
    pseudonym_type="VARCHAR USING COMPRESSION uncompressed",
)


class DuckDBProcessor(Processor):
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.con.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> Result:
        cursor = self.con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())

    def batches(self, sql: str, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.con.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows

    def register(self, name: str, frame: Any) -> None:
        self.con.register(name, frame)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)


# DuckDB's text when another process holds the file, e.g. "... Conflicting lock is held in
# /usr/bin/python3 (PID 1234) ..."; only one process may write a DuckDB file.
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")


def _open_failed(path: Path | None, exc: duckdb.Error) -> str:
    """One Dutch line; a file held by another process (usually 'koers serve') says what to do."""
    held = _LOCK_HOLDER.search(str(exc))
    if held is None:
        return f"{path}: DuckDB-bestand niet te openen ({first_line(exc)})"
    return (
        f"{path}: het warehouse is in gebruik door een ander proces (PID {held['pid']}), "
        "meestal 'koers serve' of een tweede 'koers run'. Een DuckDB-bestand kan maar door één "
        "proces tegelijk worden bijgewerkt: stop dat proces, draai opnieuw en start de server "
        "daarna weer. Voor een gedeelde opzet met meerdere gebruikers is PostgreSQL bedoeld "
        "(zie docs/architecture.md)."
    )


class DuckDBWarehouse(Warehouse):
    capabilities = CAPABILITIES

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        if path is not None and not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise EngineError(f"{path}: map voor het warehouse niet te maken ({exc})") from None
        if path is not None and read_only and not path.exists():
            raise EngineError(f"{path}: warehouse bestaat nog niet; draai eerst 'koers run'")
        try:
            self._con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only)
        except duckdb.Error as exc:
            raise EngineError(_open_failed(path, exc)) from None
        # Koers shows its own progress; DuckDB's bar would write into the CLI's output.
        self._con.execute("SET enable_progress_bar = false")
        self._lock = threading.RLock()
        self._in_transaction = False
        self.path = path

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        # Outside a transaction every call gets its own cursor so web threads do not collide.
        return self._con if self._in_transaction else self._con.cursor()

    def query(self, sql: str) -> Result:
        statements = transpile(sql, self.capabilities.dialect)
        cursor = self._cursor()
        try:
            for statement in statements[:-1]:
                cursor.execute(statement)
            cursor.execute(statements[-1])
            columns = [d[0] for d in cursor.description or []]
            return Result(columns, cursor.fetchall())
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB: {first_line(exc)}") from exc

    def execute(self, sql: str) -> None:
        cursor = self._cursor()
        try:
            for statement in transpile(sql, self.capabilities.dialect):
                cursor.execute(statement)
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB: {first_line(exc)}") from exc

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        schema, name = qualified(table)
        marks = ", ".join("?" for _ in columns)
        self._cursor().executemany(
            f"INSERT INTO {schema}.{name} ({', '.join(columns)}) VALUES ({marks})",
            [list(row) for row in rows],
        )
        return len(rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:  # nested: the outer transaction decides
            yield
            return
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            self._in_transaction = True
            try:
                yield
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            else:
                self._con.execute("COMMIT")
            finally:
                self._in_transaction = False

    @contextmanager
    def unordered_inserts(self) -> Iterator[None]:
        # With insertion order kept (DuckDB's default, and the loader's: it numbers raw rows
        # by position), the rows that parallel threads produce are put back in order before
        # they are written; without, each thread writes its own row groups.
        cursor = self._cursor()
        found = cursor.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        ordered = bool(found and found[0])
        if ordered:
            cursor.execute("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            if ordered:
                cursor.execute("SET preserve_insertion_order = true")

    def table_exists(self, table: str) -> bool:
        schema, name = qualified(table)
        found = (
            self._cursor()
            .execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                "AND table_name = ?",
                [schema, name],
            )
            .fetchone()
        )
        return bool(found and found[0])

    def table_columns(self, table: str) -> list[str]:
        schema, name = qualified(table)
        rows = (
            self._cursor()
            .execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
                "AND table_name = ? ORDER BY ordinal_position",
                [schema, name],
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    @contextmanager
    def processor(self) -> Iterator[Processor]:
        # DuckDB processes files in the warehouse connection itself: no copy between engines.
        yield DuckDBProcessor(self._con)

    def append_from_processor(
        self, processor: Processor, select_sql: str, table: str, columns: Sequence[str]
    ) -> int:
        schema, name = qualified(table)
        cursor = self._con.execute(
            f"INSERT INTO {schema}.{name} ({', '.join(columns)}) {select_sql}"
        )
        inserted = cursor.fetchone()
        return int(inserted[0]) if inserted else 0

    def stage_from_processor(
        self, processor: Processor, select_sql: str, name: str, columns: dict[str, str]
    ) -> str:
        # Same connection: a view over the processor's temp table, no copy at all.
        self._con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {select_sql}")
        return name

    def unstage(self, name: str) -> None:
        self._con.execute(f"DROP VIEW IF EXISTS {name}")

    def close(self) -> None:
        self._con.close()


def new_processor() -> DuckDBProcessor:
    """A private in-memory DuckDB, for engines that cannot process files in place."""
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    return DuckDBProcessor(con)
