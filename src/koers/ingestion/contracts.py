"""Data contracts: what a source must deliver, declared in TOML inside a pack.

A contract names each column as the export writes it (``header``) and as Koers calls it
(``name``), its type and format, the rules a value must meet (required, allowed values,
range, pattern, reference to a seed), which columns form the key, and whether a column
holds personal data, which never enters the warehouse as delivered.
"""

from __future__ import annotations

import re
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


PersonalKind = Literal[
    "none", "bsn", "client_number", "name", "address", "phone", "email", "contact", "free_text"
]
#: What happens to a column at the boundary. ``pseudonymise`` replaces the value by a keyed
#: HMAC-SHA256 pseudonym; ``scrub`` keeps free text with e-mail addresses, phone numbers,
#: BSNs and postcode-plus-house-number removed; ``drop`` keeps it out of the warehouse.
Handling = Literal["keep", "drop", "pseudonymise", "scrub"]


class ContractColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    header: str
    type: ColumnType = "text"
    #: strptime format for dates and timestamps, e.g. ``%d-%m-%Y %H:%M``; left out, the
    #: format is detected from the values (Dutch formats first).
    format: str | None = None
    required: bool = False
    allowed: list[str] | None = None
    #: Inclusive bounds, written as the value would be: ``0``, ``2,5``, ``2005-01-01``.
    minimum: str | None = None
    maximum: str | None = None
    #: A regular expression the whole text must match (RE2 syntax), e.g. ``WK\d{6}``.
    pattern: str | None = None
    #: ``seed.column``: the value must occur in that column of a seed table.
    references: Annotated[str | None, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] = None
    personal: PersonalKind = "none"
    handling: Handling = "keep"
    description: str = ""

    @model_validator(mode="after")
    def _pattern_compiles(self) -> ContractColumn:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"kolom {self.name}: ongeldig patroon ({exc})") from None
        return self

    @model_validator(mode="after")
    def _personal_is_never_kept(self) -> ContractColumn:
        if self.personal != "none" and self.handling == "keep":
            raise ValueError(
                f"kolom {self.name}: persoonsgegevens mogen niet ongewijzigd blijven "
                "(handling: drop, pseudonymise of scrub)"
            )
        if self.handling == "scrub" and (self.type != "text" or self.personal != "free_text"):
            raise ValueError(f"kolom {self.name}: scrub is alleen voor vrije tekst")
        if self.handling == "pseudonymise" and self.personal == "none":
            raise ValueError(f"kolom {self.name}: pseudonymise alleen voor persoonsgegevens")
        if self.personal == "bsn" and self.type != "text":
            raise ValueError(f"kolom {self.name}: een BSN is tekst (voorloopnullen tellen)")
        if (self.minimum is not None or self.maximum is not None) and self.type in (
            "text",
            "boolean",
        ):
            raise ValueError(f"kolom {self.name}: minimum/maximum alleen voor getallen en datums")
        return self

    @property
    def stored(self) -> bool:
        return self.handling != "drop"

    @property
    def sql_type(self) -> str:
        return "VARCHAR" if self.handling == "pseudonymise" else SQL_TYPES[self.type]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    version: int
    #: The staging table rows go to: ``staging.<table>``.
    table: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    #: Columns that identify a record (within a gemeente). A later delivery of the same key
    #: replaces the stored version; a key twice in one delivery is quarantined.
    key: list[str]
    #: Keep replaced versions in ``staging.<table>_history``.
    history: bool = False
    columns: Annotated[list[ContractColumn], Field(min_length=1)]

    @model_validator(mode="after")
    def _key_columns_exist(self) -> Contract:
        by_name = {c.name: c for c in self.columns}
        if len(by_name) != len(self.columns):
            raise ValueError("een kolomnaam staat er dubbel in")
        headers = [c.header for c in self.columns]
        if len(set(headers)) != len(headers):
            raise ValueError("een kolomkop (header) staat er dubbel in")
        for name in self.key:
            if name not in by_name:
                raise ValueError(f"sleutelkolom {name} staat niet onder columns")
            if not by_name[name].stored:
                raise ValueError(f"sleutelkolom {name} wordt niet bewaard (handling = drop)")
        return self

    @property
    def staging_table(self) -> str:
        return f"staging.{self.table}"

    @property
    def history_table(self) -> str:
        return f"staging.{self.table}_history"

    @property
    def stored_columns(self) -> list[ContractColumn]:
        return [c for c in self.columns if c.stored]

    @property
    def holds_personal_data(self) -> bool:
        return any(c.personal != "none" for c in self.columns)

    def staging_schema(self, pseudonym_type: str = "VARCHAR") -> dict[str, str]:
        """Column types of the staging table: contract columns plus gemeente and lineage.

        ``pseudonym_type`` is the engine's type for pseudonymised columns (see
        :class:`~koers.engine.base.Capabilities`); any spelling of text will do for reading.
        """
        schema = {
            c.name: pseudonym_type if c.handling == "pseudonymise" else c.sql_type
            for c in self.stored_columns
        }
        return {**schema, "gemeente_code": "VARCHAR", "_load_id": "VARCHAR"}

    def history_schema(self, pseudonym_type: str = "VARCHAR") -> dict[str, str]:
        return {
            **self.staging_schema(pseudonym_type),
            "_replaced_at": "TIMESTAMP",
            "_replaced_by": "VARCHAR",
        }


def load_contract(path: Path) -> Contract:
    try:
        return Contract.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise PackError(f"{path}: ongeldig contract ({exc})") from None
