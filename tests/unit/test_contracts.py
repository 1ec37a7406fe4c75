"""Contract declarations: mistakes in a contract are caught when it is read, in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from koers.errors import PackError
from koers.ingestion.contracts import Contract, ContractColumn
from koers.packs import load_packs


def column(**fields: object) -> ContractColumn:
    return ContractColumn.model_validate({"name": "x", "header": "X", **fields})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pattern": "WK(\\d{6}"}, "ongeldig patroon"),
        ({"personal": "bsn"}, "persoonsgegevens mogen niet ongewijzigd blijven"),
        ({"handling": "scrub"}, "scrub is alleen voor vrije tekst"),
        ({"handling": "pseudonymise"}, "pseudonymise alleen voor persoonsgegevens"),
        ({"type": "text", "minimum": "1"}, "minimum/maximum alleen voor getallen en datums"),
        ({"personal": "bsn", "handling": "pseudonymise", "type": "integer"}, "BSN is tekst"),
    ],
)
def test_a_wrong_column_declaration_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        column(**fields)


def test_key_columns_must_exist_and_be_stored() -> None:
    base = {"name": "c", "title": "C", "version": 1, "table": "c"}
    with pytest.raises(ValidationError, match="sleutelkolom y staat niet onder columns"):
        Contract.model_validate({**base, "key": ["y"], "columns": [{"name": "x", "header": "X"}]})
    dropped = {"name": "x", "header": "X", "personal": "name", "handling": "drop"}
    with pytest.raises(ValidationError, match="wordt niet bewaard"):
        Contract.model_validate({**base, "key": ["x"], "columns": [dropped]})


def test_pseudonymised_columns_are_stored_as_text() -> None:
    bsn = column(type="text", personal="bsn", handling="pseudonymise")
    assert bsn.sql_type == "VARCHAR" and bsn.stored


def test_two_contracts_may_not_fill_the_same_staging_table(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name in ("een", "twee"):
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\ntitle = "T"\nversion = 1\ntable = "gedeeld"\nkey = []\n'
            '[[columns]]\nname = "x"\nheader = "X"\n',
            encoding="utf-8",
        )
    with pytest.raises(PackError, match=r"staging\.gedeeld"):
        load_packs([], tmp_path)
