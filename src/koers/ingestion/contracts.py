"""Data contracts: what a source must deliver, declared in TOML inside a pack.

A contract names each column as the export writes it (``header``) and as Koers calls it
(``name``), its type and format, whether it is required, which values are allowed, and
whether it holds personal data (which is dropped at the boundary, never stored).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from koers.errors import PackError

ColumnType = Literal["text", "integer", "decimal", "date", "timestamp", "boolean"]

#: Home-dialect column types for each contract type.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
}


class ContractColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    header: str
    type: ColumnType = "text"
    #: strptime format for dates and timestamps, e.g. ``%d-%m-%Y %H:%M``.
    format: str | None = None
    required: bool = False
    allowed: list[str] | None = None
    #: Personal data is never stored as delivered; ``drop`` keeps it out of the warehouse.
    personal: Literal["none", "free_text", "name", "address", "contact", "bsn"] = "none"
    handling: Literal["keep", "drop"] = "keep"
    description: str = ""

    @model_validator(mode="after")
    def _personal_is_never_kept(self) -> ContractColumn:
        if self.personal != "none" and self.handling == "keep":
            raise ValueError(f"kolom {self.name}: persoonsgegevens mogen niet ongewijzigd blijven")
        if self.type in ("date", "timestamp") and not self.format:
            raise ValueError(f"kolom {self.name}: een datum heeft een format nodig")
        return self

    @property
    def stored(self) -> bool:
        return self.handling == "keep"


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    version: int
    #: The staging table rows go to: ``staging.<table>``.
    table: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    key: list[str]
    columns: Annotated[list[ContractColumn], Field(min_length=1)]

    @property
    def staging_table(self) -> str:
        return f"staging.{self.table}"

    @property
    def stored_columns(self) -> list[ContractColumn]:
        return [c for c in self.columns if c.stored]

    def staging_schema(self) -> dict[str, str]:
        """Column types of the staging table: contract columns plus gemeente and lineage."""
        schema = {c.name: SQL_TYPES[c.type] for c in self.stored_columns}
        return {**schema, "gemeente_code": "VARCHAR", "_load_id": "VARCHAR"}


def load_contract(path: Path) -> Contract:
    try:
        return Contract.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PackError(f"{path}: ongeldig contract ({exc})") from None
