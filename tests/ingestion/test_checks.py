"""Checking a CSV delivery in one pass over the file: rows keep the numbers the file gives
them whatever rules the contract holds, and every rule still finds the rows it breaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from koers.config import CsvDialect, SourceConfig
from koers.engine.base import Processor
from koers.engine.duckdb_engine import new_processor
from koers.ingestion.checks import HIDDEN, CheckContext, check_rows
from koers.ingestion.contracts import Contract
from koers.ingestion.readers import read_raw
from koers.privacy.pseudonym import pseudonym

KEY = b"een-geheime-sleutel-van-minstens-32-tekens"
ROWS = 200_000
#: Eight allowed values: DuckDB plans ``NOT IN`` with six or more as a join, and does not
#: promise to keep file order through one; the pass numbers rows by that order.
STATUSES = ["open", "gesloten", "vervallen", "gepland", "lopend", "wacht", "terug", "klaar"]

CONTRACT = Contract.model_validate(
    {
        "name": "proef",
        "title": "Proef",
        "version": 1,
        "table": "proef",
        "key": ["id"],
        "columns": [
            {"name": "id", "header": "id", "type": "integer", "required": True},
            {"name": "status", "header": "status", "allowed": STATUSES},
            {"name": "code", "header": "code", "pattern": r"C\d{3}"},
            {"name": "datum", "header": "datum", "type": "date", "format": "%d-%m-%Y"},
            {
                "name": "telefoon",
                "header": "telefoon",
                "personal": "phone",
                "handling": "pseudonymise",
            },
            {"name": "notitie", "header": "notitie", "personal": "free_text", "handling": "drop"},
        ],
    }
)


@pytest.fixture
def processor() -> Iterator[Processor]:
    yield new_processor()


def _line(number: int) -> bytes:
    """The record on file line ``number``: its id is the line number, so rows can be told
    apart after the check; some break the reader or a rule."""
    if number % 997 == 0:
        return f"{number};open".encode()  # too few fields: the reader rejects it
    status = "onbekend" if number % 1009 == 0 else STATUSES[number % len(STATUSES)]
    code = "X1" if number % 1013 == 0 else f"C{number % 1000:03d}"
    note = b"caf\xe9" if number % 1021 == 0 else b"notitie"  # windows-1252 in a UTF-8 file
    return f"{number};{status};{code};04-11-2024;06{number:08d};".encode() + note


def test_one_pass_keeps_row_numbers_and_finds_every_broken_rule(
    tmp_path: Path, processor: Processor
) -> None:
    last = ROWS + 2  # a second record with the id of line 2
    lines = [b"id;status;code;datum;telefoon;notitie"]
    lines += [_line(number) for number in range(2, last)]
    lines.append(b"2;open;C002;04-11-2024;0612345678;notitie")
    path = tmp_path / "proef.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    # Declared: detection would take the stray windows-1252 bytes for the file's encoding.
    source = SourceConfig(
        name="proef", contract="proef", path="bronnen", csv=CsvDialect(encoding="utf-8")
    )

    raw = read_raw(processor, path, source, "raw_proef", defer=True)
    assert raw.pending is not None, "a UTF-8 CSV file is read by the check itself"
    checked = check_rows(processor, raw, CONTRACT, CheckContext(pseudonym_key=KEY), "proef")

    unreadable = {n for n in range(2, last) if n % 997 == 0 or n % 1021 == 0}
    assert [row for row, _ in checked.rejected] == sorted(unreadable)
    assert {reason for row, reason in checked.rejected if row % 1021 == 0} == {
        "tekens passen niet bij de codering"
    }
    misnumbered = processor.query(
        f"SELECT count(*) FROM proef WHERE _row <> id AND _row <> {last}"
    ).scalar()
    assert misnumbered == 0
    assert processor.query("SELECT count(*) FROM proef").scalar() == last - 1 - len(unreadable)

    failed = {
        int(row): (column, value, reason)
        for row, column, value, reason in processor.query(
            "SELECT _row, _failed_column, _failed_value, _failed_reason FROM proef "
            "WHERE _failed_column IS NOT NULL"
        ).rows
    }
    wrong_status = {n for n in range(2, last) if n % 1009 == 0} - unreadable
    wrong_code = {n for n in range(2, last) if n % 1013 == 0} - unreadable - wrong_status
    assert set(failed) == wrong_status | wrong_code | {last}
    assert all(failed[n][:2] == ("status", "onbekend") for n in wrong_status)
    assert all(failed[n][:2] == ("code", "X1") for n in wrong_code)
    assert failed[last] == ("id", "2", "sleutel komt eerder voor in deze levering (rij 2)")

    stored = processor.query("SELECT telefoon FROM proef WHERE _row = 5").scalar()
    assert stored == pseudonym("0600000005", KEY, "phone")
    shown = processor.query("SELECT DISTINCT _failed_value FROM proef WHERE _row IN (2, 3)")
    assert HIDDEN not in str(shown.rows)
