"""The engine-neutral warehouse interface and the facts that differ per engine."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: The layers of the data flow, in order; each is a schema in the warehouse.
LAYERS = ("landing", "staging", "core", "marts")
#: Koers' own bookkeeping (run log, build state) lives beside the layers.
META_SCHEMA = "koers_meta"

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def qualified(name: str) -> tuple[str, str]:
    """Split ``schema.table`` and refuse anything that is not a plain identifier."""
    schema, _, table = name.partition(".")
    if not table or not _IDENTIFIER.match(schema) or not _IDENTIFIER.match(table):
        raise ValueError(f"geen geldige tabelnaam: {name!r}")
    return schema, table


def sql_text(text: str) -> str:
    """``text`` as the body of a SQL string literal: quotes doubled, nothing else changes."""
    return text.replace("'", "''")


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal, the same in DuckDB and PostgreSQL."""
    return f"'{sql_text(text)}'"


def sql_strings(values: Iterable[object]) -> str:
    """Comma-separated string literals, for ``IN (...)``."""
    return ", ".join(sql_string(str(value)) for value in values)


def sql_identifier(name: str) -> str:
    """Any text (a CSV header, say) as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def first_line(exc: BaseException) -> str:
    """A driver's error, shortened to the line a person can act on."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Capabilities:
    """What differs between engines, as data."""

    name: str
    dialect: str
    #: Human name in messages.
    title: str
    #: Whether ingestion can process inside the warehouse connection itself.
    processes_in_place: bool
    #: Whether DDL takes part in transactions (both current engines: yes).
    transactional_ddl: bool = True
    #: Column type for pseudonyms: 64 hex characters of a keyed hash, random by design.
    pseudonym_type: str = "VARCHAR"


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


class Processor(ABC):
    """An in-process DuckDB used to parse and check files before they reach the warehouse."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] | None = None) -> Result: ...

    @abstractmethod
    def batches(self, sql: str, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]: ...

    @abstractmethod
    def register(self, name: str, frame: Any) -> None:
        """Make a pandas DataFrame queryable as ``name`` until :meth:`unregister`."""

    @abstractmethod
    def unregister(self, name: str) -> None: ...


class Warehouse(ABC):
    """A connection to the warehouse; all SQL given to it is in the home dialect."""

    capabilities: Capabilities

    @abstractmethod
    def query(self, sql: str) -> Result: ...

    @abstractmethod
    def execute(self, sql: str) -> None: ...

    @abstractmethod
    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> int: ...

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]: ...

    @abstractmethod
    def table_exists(self, table: str) -> bool: ...

    @abstractmethod
    def table_columns(self, table: str) -> list[str]: ...

    @abstractmethod
    @contextmanager
    def processor(self) -> Iterator[Processor]: ...

    @abstractmethod
    def append_from_processor(
        self, processor: Processor, select_sql: str, table: str, columns: Sequence[str]
    ) -> int:
        """Copy the rows of ``select_sql`` (run on ``processor``) into ``table``."""

    @abstractmethod
    def stage_from_processor(
        self, processor: Processor, select_sql: str, name: str, columns: dict[str, str]
    ) -> str:
        """Make the rows of ``select_sql`` visible to warehouse SQL as the temporary relation
        ``name`` (returned), for set-based work such as replacing records by key. Call
        :meth:`unstage` when done."""

    @abstractmethod
    def unstage(self, name: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @contextmanager
    def unordered_inserts(self) -> Iterator[None]:
        """Inserts inside may store rows in any order, not the order they were selected in
        (unless they say ``ORDER BY``). Enter it outside a transaction.

        A table has no order, but an engine may keep it anyway at a cost; an engine that does
        not (PostgreSQL) needs nothing here.
        """
        yield

    # Shared behaviour, written once on top of the primitives above.

    def ensure_layers(self) -> None:
        for schema in (*LAYERS, META_SCHEMA):
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")

    def create_table(self, table: str, columns: dict[str, str]) -> None:
        """Create ``table`` with home-dialect column types unless it exists."""
        schema, name = qualified(table)
        body = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        self.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{name} ({body})")

    def replace_table(self, table: str, select_sql: str) -> int:
        """Materialise ``select_sql`` as ``table`` atomically; returns its row count."""
        schema, name = qualified(table)
        with self.transaction():
            self.execute(f"DROP TABLE IF EXISTS {schema}.{name}")
            self.execute(f"CREATE TABLE {schema}.{name} AS {select_sql}")
        return self.count_rows(table)

    def add_missing_columns(self, table: str, columns: dict[str, str]) -> list[str]:
        """Add the columns a newer contract version declares to an existing table."""
        schema, name = qualified(table)
        present = set(self.table_columns(table))
        added = [c for c in columns if c not in present]
        for column in added:
            self.execute(f"ALTER TABLE {schema}.{name} ADD COLUMN {column} {columns[column]}")
        return added

    def count_rows(self, table: str) -> int:
        schema, name = qualified(table)
        return int(self.query(f"SELECT count(*) FROM {schema}.{name}").scalar())

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
