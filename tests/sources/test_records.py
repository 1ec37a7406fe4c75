"""The NDJSON delivery file: flat records, stable bytes, and the high-water mark."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from koers.errors import SourceError
from koers.sources.records import HighWater, flatten, max_watermark, write_ndjson


def test_flatten_makes_dotted_keys_and_json_text_of_lists() -> None:
    record = {
        "id": 7,
        "adres": {"wijk": "Centrum", "geo": {"x": 1.5, "y": None}},
        "tags": ["afval", {"b": 2, "a": dt.date(2024, 3, 1)}],
        "leeg": {},
    }
    assert flatten(record) == {
        "id": 7,
        "adres.wijk": "Centrum",
        "adres.geo.x": 1.5,
        "adres.geo.y": None,
        "tags": '["afval",{"a":"2024-03-01","b":2}]',
    }


def test_flatten_turns_database_values_into_text() -> None:
    moment = dt.datetime(2024, 3, 1, 10, 30, tzinfo=dt.UTC)
    flat = flatten(
        {
            "op": moment,
            "dag": dt.date(2024, 3, 1),
            "bedrag": Decimal("12.50"),
            "nan": float("nan"),
            "ja": True,
            "bytes": b"\x01\xff",
        }
    )
    assert flat == {
        "op": "2024-03-01T10:30:00+00:00",
        "dag": "2024-03-01",
        "bedrag": "12.50",
        "nan": None,
        "ja": True,
        "bytes": "01ff",
    }


def test_flatten_is_idempotent_and_refuses_colliding_keys() -> None:
    flat = flatten({"a": {"b": [1, 2]}, "c": "x"})
    assert flatten(flat) == flat
    with pytest.raises(SourceError, match=r"a\.b"):
        flatten({"a": {"b": 1}, "a.b": 2})


def test_write_ndjson_is_deterministic_and_reports_progress(tmp_path: Path) -> None:
    records: list[dict[str, object]] = [{"z": 1, "a": "Één"}, {"a": "twee", "n": {"x": 1}}]
    seen: list[int] = []
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    assert write_ndjson(records, first, seen.append) == 2
    write_ndjson(reversed(list(reversed(records))), second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8").splitlines() == [
        '{"a":"Één","z":1}',
        '{"a":"twee","n.x":1}',
    ]
    assert seen == [2]


def test_write_ndjson_removes_a_partial_file(tmp_path: Path) -> None:
    def broken() -> Iterator[dict[str, object]]:
        yield {"id": 1}
        raise SourceError("verbinding verbroken")

    target = tmp_path / "deel.ndjson"
    with pytest.raises(SourceError):
        write_ndjson(broken(), target)
    assert not target.exists()


def test_write_ndjson_writes_an_empty_file_for_no_records(tmp_path: Path) -> None:
    target = tmp_path / "leeg.ndjson"
    assert write_ndjson([], target) == 0
    assert target.read_bytes() == b""


@pytest.mark.parametrize(
    ("values", "previous", "expected"),
    [
        ([9, 10, 2], None, "10"),  # numbers compare as numbers, not as text
        ([9, 10], "11", "11"),  # never below what was stored
        ([12], "9", "12"),  # the stored text is read back as a number
        ([None, None], "2024-01-01", "2024-01-01"),  # nothing new: unchanged
        ([], None, None),
        (["2024-03-02T10:00:00Z", "2024-03-10T08:00:00Z"], "2024-03-01", "2024-03-10T08:00:00Z"),
        ([dt.datetime(2024, 3, 1, 9), dt.datetime(2024, 3, 1, 10)], None, "2024-03-01T10:00:00"),
        ([Decimal("2.5"), Decimal("10")], "3", "10"),
    ],
)
def test_max_watermark(values: list[object], previous: str | None, expected: str | None) -> None:
    assert max_watermark(values, previous) == expected
    high_water = HighWater(previous)
    for value in values:
        high_water.see(value)
    assert high_water.text == expected


def test_written_lines_are_plain_json(tmp_path: Path) -> None:
    target = tmp_path / "x.ndjson"
    write_ndjson([{"a": float("inf"), "b": {"c": [dt.time(8, 15)]}}], target)
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": None, "b.c": '["08:15:00"]'}
