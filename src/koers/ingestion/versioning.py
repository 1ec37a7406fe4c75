"""Record versions in staging: a later delivery of the same key replaces the stored record.

Source systems re-export records when they change (a melding that was open is delivered
again once closed). Staging holds the current version of each record, keyed by the
contract's key within a gemeente; where the contract asks for history, the replaced version
moves to ``staging.<table>_history`` with when and by which load it was replaced.
"""

from __future__ import annotations

from koers.engine import Warehouse, sql_text
from koers.ingestion.contracts import Contract
from koers.ingestion.ledger import utc_now


def ensure_staging(warehouse: Warehouse, contract: Contract) -> None:
    """Create the staging (and history) table, or add the columns a newer version declares."""
    for table, schema in _tables(contract, warehouse.capabilities.pseudonym_type):
        if warehouse.table_exists(table):
            warehouse.add_missing_columns(table, schema)
        else:
            warehouse.create_table(table, schema)


def apply_versions(warehouse: Warehouse, contract: Contract, incoming: str, load_id: str) -> int:
    """Move ``incoming`` (a relation with the staging columns) into staging, replacing records
    with the same key; returns how many stored records were replaced. Runs inside the
    caller's transaction."""
    columns = list(contract.staging_schema())
    listed = ", ".join(columns)
    replaced = 0
    if contract.key:
        match = (
            " AND ".join(f"s.{name} = i.{name}" for name in contract.key)
            + " AND s.gemeente_code IS NOT DISTINCT FROM i.gemeente_code"
        )
        existing = f"EXISTS (SELECT 1 FROM {incoming} AS i WHERE {match})"
        replaced = int(
            warehouse.query(
                f"SELECT count(*) FROM {contract.staging_table} AS s WHERE {existing}"
            ).scalar()
        )
        if replaced:
            if contract.history:
                stamp = utc_now().isoformat(sep=" ")
                warehouse.execute(
                    f"INSERT INTO {contract.history_table} ({listed}, _replaced_at, _replaced_by) "
                    f"SELECT {', '.join(f's.{c}' for c in columns)}, "
                    f"CAST('{stamp}' AS TIMESTAMP), '{sql_text(load_id)}' "
                    f"FROM {contract.staging_table} AS s WHERE {existing}"
                )
            warehouse.execute(f"DELETE FROM {contract.staging_table} AS s WHERE {existing}")
    warehouse.execute(
        f"INSERT INTO {contract.staging_table} ({listed}) SELECT {listed} FROM {incoming}"
    )
    return replaced


def _tables(contract: Contract, pseudonym_type: str) -> list[tuple[str, dict[str, str]]]:
    tables = [(contract.staging_table, contract.staging_schema(pseudonym_type))]
    if contract.history:
        tables.append((contract.history_table, contract.history_schema(pseudonym_type)))
    return tables
