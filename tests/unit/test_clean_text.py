"""The fast text cleaning in the checks gives exactly what ``nullif(trim(x), '')`` gives."""

from __future__ import annotations

import duckdb

from koers.ingestion.checks import _clean_text


def test_clean_text_equals_trim_for_every_code_point_at_either_end() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE u AS "
        "SELECT chr(cp::INTEGER) || 'x' AS a FROM range(1, 200000) r(cp) "
        "WHERE cp NOT BETWEEN 55296 AND 57343 "
        "UNION ALL SELECT 'x' || chr(cp::INTEGER) FROM range(1, 200000) r(cp) "
        "WHERE cp NOT BETWEEN 55296 AND 57343 "
        "UNION ALL SELECT unnest(['', ' ', '   ', chr(160), ' a ', 'a  b', NULL])"
    )
    [(total, differing)] = con.sql(
        f"SELECT count(*), count(*) FILTER (WHERE ({_clean_text('a')}) "
        "IS DISTINCT FROM nullif(trim(a), '')) FROM u"
    ).fetchall()
    assert total > 390_000
    assert differing == 0
