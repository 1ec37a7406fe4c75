"""Large meldingen exports in seconds, for the ingestion benchmark and the crash tests.

The realistic demo generator models weather and seasons and writes tens of thousands of
rows; measuring ingestion needs millions. This writer lets DuckDB produce a file in the same
Dutch dialect (semicolons, dd-mm-jjjj uu:mm, CRLF, UTF-8 with BOM) and under the same
contract, with a fixed share of rows that break it (an impossible date, an unknown status),
so the checks do real work. Deterministic for a seed.
"""

from __future__ import annotations

from pathlib import Path

from koers.engine import sql_string
from koers.engine.duckdb_engine import new_processor
from koers.packs.meldingen.demo import HEADER

#: Every ``BAD_EVERY``-th row breaks the contract: the checks must find it.
BAD_EVERY = 1000

_CATEGORIES = [
    ("Afval", "Grofvuil"),
    ("Afval", "Zwerfvuil"),
    ("Openbaar groen en water", "Boom"),
    ("Openbaar groen en water", "Onkruid"),
    ("Wegen, verkeer, straatmeubilair", "Straatverlichting/openbare klok"),
    ("Wegen, verkeer, straatmeubilair", "Bestrating"),
    ("Overlast in de openbare ruimte", "Parkeeroverlast"),
    ("Overlast in de openbare ruimte", "Hondenpoep"),
]


#: Extra column with the reporter's phone number, for measuring pseudonymisation.
PHONE_HEADER = "Telefoon melder"


def write_bulk_meldingen(
    path: Path,
    rows: int,
    *,
    seed: int = 1,
    description_chars: int = 40,
    start_id: int = 1,
    phone: bool = False,
) -> int:
    """Write ``rows`` meldingen to ``path``; returns how many break the contract."""
    categories = " UNION ALL ".join(
        f"SELECT {i} AS c, '{main}' AS main, '{sub}' AS sub"
        for i, (main, sub) in enumerate(_CATEGORIES)
    )
    header = ";".join([*HEADER, PHONE_HEADER] if phone else HEADER)
    phone_sql = (
        f", '06' || lpad(CAST(hash(i, {seed + 1}) % 100000000 AS VARCHAR), 8, '0') "
        f'AS "{PHONE_HEADER}"'
        if phone
        else ""
    )
    processor = new_processor()
    try:
        processor.execute(
            f"""
            COPY (
              WITH base AS (
                SELECT i, hash(i, {seed}) AS h,
                       TIMESTAMP '2019-01-01 07:00'
                           + to_minutes(CAST(hash(i, {seed}) % 3153600 AS BIGINT)) AS created
                FROM range({start_id}, {start_id} + {rows}) AS t(i)
              )
              SELECT 'M' || i AS "Meldingnummer",
                     CASE WHEN i % {BAD_EVERY} = 0 THEN '31-02-2024 10:00'
                          ELSE strftime(created, '%d-%m-%Y %H:%M') END AS "Datum melding",
                     CASE WHEN h % 10 < 8
                          THEN strftime(created + to_hours(CAST(h % 400 AS BIGINT)),
                                        '%d-%m-%Y %H:%M')
                          END AS "Datum afgehandeld",
                     k.main AS "Hoofdcategorie", k.sub AS "Subcategorie",
                     'WK0226' || lpad(CAST(h % 7 AS VARCHAR), 2, '0') AS "Wijkcode",
                     'Wijk ' || (h % 7) AS "Wijk",
                     CASE WHEN i % {BAD_EVERY} = 500 THEN 'Onbekend'
                          WHEN h % 10 < 8 THEN 'Afgehandeld' ELSE 'Gemeld' END AS "Status",
                     rpad('Melding ' || i || ' bij lantaarnpaal', {description_chars}, '.')
                         AS "Omschrijving"{phone_sql}
              FROM base JOIN ({categories}) AS k ON k.c = h % {len(_CATEGORIES)}
              ORDER BY i
            ) TO {sql_string(f"{path}.body")} (FORMAT csv, DELIMITER ';', HEADER false,
                                            NEW_LINE '\\r\\n', QUOTE '"')
            """
        )
    finally:
        processor.con.close()
    body = Path(f"{path}.body")
    with path.open("wb") as out, body.open("rb") as inp:
        out.write(b"\xef\xbb\xbf" + header.encode() + b"\r\n")
        while chunk := inp.read(1 << 24):
            out.write(chunk)
    body.unlink()
    return sum(
        _multiples(start_id, start_id + rows, BAD_EVERY, offset) for offset in (0, BAD_EVERY // 2)
    )


def _multiples(first: int, end: int, every: int, offset: int) -> int:
    """How many i in [first, end) have i % every == offset."""
    return (end - 1 - offset) // every - (first - 1 - offset) // every
