"""Staging tables as the engine creates them for a contract."""

from __future__ import annotations

from pathlib import Path

from koers.engine.duckdb_engine import DuckDBWarehouse
from koers.ingestion.contracts import Contract
from koers.ingestion.versioning import ensure_staging

CONTRACT = Contract.model_validate(
    {
        "name": "proef",
        "title": "Proef",
        "version": 1,
        "table": "proef",
        "key": ["id"],
        "history": True,
        "columns": [
            {"name": "id", "header": "id"},
            {
                "name": "telefoon",
                "header": "telefoon",
                "personal": "phone",
                "handling": "pseudonymise",
            },
        ],
    }
)


def test_duckdb_stores_pseudonyms_uncompressed_in_staging_and_history(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.ensure_layers()
    ensure_staging(warehouse, CONTRACT)
    created = dict(
        warehouse.query(
            "SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'staging'"
        ).rows
    )
    warehouse.close()
    assert set(created) == {"proef", "proef_history"}
    for sql in created.values():
        assert "telefoon VARCHAR USING COMPRESSION Uncompressed" in sql
        assert "id VARCHAR," in sql, "other columns keep DuckDB's choice of compression"


def test_a_pseudonym_column_added_later_is_uncompressed_too(tmp_path: Path) -> None:
    first = CONTRACT.model_copy(update={"columns": CONTRACT.columns[:1], "version": 0})
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.ensure_layers()
    ensure_staging(warehouse, first)
    ensure_staging(warehouse, CONTRACT)
    sql = warehouse.query(
        "SELECT sql FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'proef'"
    ).scalar()
    warehouse.close()
    assert "telefoon VARCHAR USING COMPRESSION Uncompressed" in str(sql)
