"""The Parquet export: typed columns under the API's names, values kept exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.support.parquet import read_parquet

from koers.reports.parquet_export import typed_parquet


def test_each_column_gets_the_type_of_its_values() -> None:
    rows = [
        [date(2025, 1, 1), 1.5, "Duiven", None, True, 3, Decimal("2.5"), "2025-03-01"],
        [date(2025, 2, 1), 2, "Zevenaar", None, False, None, 1, None],
    ]
    columns = ["period", "value", "gemeente", "toelichting", "vlag", "n", "bedrag", "dag"]
    types, back = read_parquet(typed_parquet(columns, rows))
    assert types == {
        "period": "DATE", "value": "DOUBLE", "gemeente": "VARCHAR", "toelichting": "VARCHAR",
        "vlag": "BOOLEAN", "n": "BIGINT", "bedrag": "DOUBLE", "dag": "DATE",
    }  # fmt: skip
    assert back[0] == {
        "period": date(2025, 1, 1), "value": 1.5, "gemeente": "Duiven", "toelichting": None,
        "vlag": True, "n": 3, "bedrag": 2.5, "dag": date(2025, 3, 1),
    }  # fmt: skip
    assert back[1]["value"] == 2.0 and back[1]["n"] is None


def test_text_is_kept_exactly_and_only_whole_iso_dates_become_dates() -> None:
    rows = [["=1+1", "2025-03-01", '"Ë" ; x', "2025-03"], ["@SOM(A1)", "2025-W10", "", "2025-04"]]
    types, back = read_parquet(typed_parquet(["formule", "gemengd", "tekst", "maand"], rows))
    assert set(types.values()) == {"VARCHAR"}
    assert [list(r.values()) for r in back] == rows  # no formula guard: Parquet is for tools


def test_known_types_hold_also_for_an_empty_file() -> None:
    known = {"period": "DATE", "value": "DOUBLE", "gemeente": "VARCHAR"}
    types, back = read_parquet(typed_parquet(["period", "value", "gemeente"], [], known))
    assert types == known and back == []
    types, _ = read_parquet(typed_parquet(["value"], [[1], [2]], {"value": "DOUBLE"}))
    assert types == {"value": "DOUBLE"}


def test_timestamps_keep_their_time_zone_and_odd_names_survive() -> None:
    moment = datetime(2025, 5, 1, 12, 30, tzinfo=UTC)
    types, back = read_parquet(typed_parquet(['kolom "a"', "b"], [[moment, datetime(2025, 5, 1)]]))
    assert types == {'kolom "a"': "TIMESTAMP WITH TIME ZONE", "b": "TIMESTAMP"}
    assert back[0]['kolom "a"'] == moment
