"""Typing and checking a raw delivery against its contract, as one set-based SQL statement.

Every value arrives as text. For each row the first broken rule is named (column, value and
a Dutch reason) so the row can be quarantined while the rest of the file loads. Personal
columns leave this step already pseudonymised, scrubbed or dropped: nothing downstream ever
sees them as delivered, not even the quarantine.

Rules run in the processor (DuckDB), vectorised, because a delivery can hold millions of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from koers.engine import Processor, sql_identifier, sql_string, sql_strings, sql_text
from koers.errors import PackError
from koers.ingestion.contracts import Contract, ContractColumn
from koers.ingestion.csv_reader import RawTable
from koers.ingestion.dialect import detect_date_format
from koers.privacy.pseudonym import bsn_valid_sql, pseudonym_sql
from koers.privacy.scrub import scrub_sql

#: Shown instead of a personal value in the quarantine; the row number finds it in the file.
HIDDEN = "(persoonsgegeven, niet bewaard)"

#: ISO forms are always accepted too: spreadsheets, JSON and Parquet deliver them.
_ISO_DATES = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d",
]

_TYPE_WORDS = {
    "integer": "geen geheel getal",
    "decimal": "geen getal",
    "boolean": "geen ja/nee-waarde",
}


@dataclass(frozen=True)
class CheckContext:
    """What the checks need beyond the contract: the pseudonym key and loaded references."""

    pseudonym_key: bytes | None = None
    #: ``seed.column`` → a processor relation with one VARCHAR column ``value``.
    references: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rule:
    column: ContractColumn
    text: str  # the column's text, shown in the quarantine unless it is personal
    condition: str
    reason: str  # a SQL expression giving the Dutch reason


def check_rows(
    processor: Processor, raw: RawTable, contract: Contract, context: CheckContext, name: str
) -> str:
    """Create temp table ``name``: ``_row``, the stored columns with their final values, and
    ``_failed_column``, ``_failed_value``, ``_failed_reason`` (NULL when the row is valid).

    Three layers, so that every text and typed value is computed once per row however many
    rules use it: texts (and the first row of each key), then typed values, then the first
    failing rule as one index into constant lists of columns and reasons."""
    present = set(raw.headers)
    text_columns, value_columns, outputs = [], [], []
    rules: list[_Rule] = []
    for index, column in enumerate(contract.columns):
        text, value = f"_t{index}", f"_v{index}"
        formats = (
            _date_formats(processor, raw, column) if column.type in ("date", "timestamp") else []
        )
        column_rules = _rules(column, text, value, context, formats, contract.key)
        rules.extend(column_rules)
        # A dropped column without rules is never read: don't touch its (often long) text.
        needed = column.stored or bool(column_rules)
        source = (
            _clean_text(sql_identifier(column.header))
            if column.header in present and needed
            else "CAST(NULL AS VARCHAR)"
        )
        text_columns.append(f"{source} AS {text}")
        value_columns.append(f"{_typed(raw, column, text, formats)} AS {value}")
        if column.stored:
            outputs.append(f"{_final(column, text, value, context)} AS {column.name}")

    position = {c.name: i for i, c in enumerate(contract.columns)}
    key_texts = [f"_t{position[name]}" for name in contract.key]
    duplicates = f"{name}_duplicates"
    first_row, join = "_row", ""
    if key_texts:
        # Keys seen more than once, with their first row: usually none or a handful, so the
        # join below is against a tiny table rather than the whole delivery.
        key_sources = [text_columns[position[n]].rsplit(" AS ", 1)[0] for n in contract.key]
        selected = ", ".join(f"{sql} AS k{i}" for i, sql in enumerate(key_sources))
        grouped = ", ".join(f"k{i}" for i in range(len(key_sources)))
        processor.execute(
            f"CREATE OR REPLACE TEMP TABLE {duplicates} AS SELECT {grouped}, min(_row) AS first "
            f"FROM (SELECT _row, {selected} FROM {raw.name}) GROUP BY {grouped} "
            "HAVING count(*) > 1"
        )
        on = " AND ".join(f"d.k{i} = t.{key}" for i, key in enumerate(key_texts))
        join = f"LEFT JOIN {duplicates} AS d ON {on}"
        first_row = "coalesce(d.first, t._row)"
    if key_texts:
        key_column = contract.columns[position[contract.key[0]]]
        rules.append(
            _Rule(
                key_column,
                f"_t{position[key_column.name]}",
                "_first_row < _row",
                "'sleutel komt eerder voor in deze levering (rij ' || _first_row || ')'",
            )
        )
    failure = _failure_columns(rules)
    processor.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        WITH texts AS (
            SELECT _row, {", ".join(text_columns)} FROM {raw.name}
        ), typed AS (
            SELECT t.*, {", ".join(value_columns)}, {first_row} AS _first_row
            FROM texts AS t {join}
        ), judged AS (
            SELECT *, {failure["rule"]} AS _rule FROM typed
        )
        SELECT _row, {", ".join(outputs)},
               {failure["column"]} AS _failed_column,
               {failure["value"]} AS _failed_value,
               {failure["reason"]} AS _failed_reason
        FROM judged
        """
    )
    processor.execute(f"DROP TABLE IF EXISTS {duplicates}")
    return name


def _clean_text(expr: str) -> str:
    """``nullif(trim(expr), '')``, with ``trim`` only where it can change the value.

    DuckDB's ``trim`` strips Unicode space separators and copies every string it is given,
    which made it one of the larger costs of a big load. In pure ASCII text the only such
    separator is the space, so only text with an outer space or any non-ASCII character
    needs it; the result is the same for every string (tested over all code points).
    """
    return (
        f"CASE WHEN prefix({expr}, ' ') OR suffix({expr}, ' ') OR strlen({expr}) <> "
        f"length({expr}) THEN nullif(trim({expr}), '') ELSE nullif({expr}, '') END"
    )


def _typed(raw: RawTable, column: ContractColumn, text: str, formats: list[str]) -> str:
    """The SQL for the typed value, NULL where the text does not parse."""
    if column.type == "text":
        return text
    if column.type in ("date", "timestamp"):
        listed = ", ".join(f"'{sql_text(f)}'" for f in formats)
        parsed = f"try_strptime({text}, [{listed}])"
        return f"CAST({parsed} AS DATE)" if column.type == "date" else parsed
    if column.type in ("decimal", "integer"):
        shape = _number_shape(raw, integer=column.type == "integer")
        plain = text
        if raw.thousands:
            plain = f"replace({plain}, '{sql_text(raw.thousands)}', '')"
        if raw.decimal != ".":
            plain = f"replace({plain}, '{sql_text(raw.decimal)}', '.')"
        kind = "BIGINT" if column.type == "integer" else "DOUBLE"
        return (
            f"CASE WHEN regexp_full_match({text}, '{sql_text(shape)}') "
            f"THEN try_cast({plain} AS {kind}) END"
        )
    return (
        f"CASE lower({text}) WHEN 'ja' THEN true WHEN 'true' THEN true WHEN '1' THEN true "
        f"WHEN 'j' THEN true WHEN 'nee' THEN false WHEN 'false' THEN false WHEN '0' THEN false "
        f"WHEN 'n' THEN false END"
    )


def _number_shape(raw: RawTable, *, integer: bool) -> str:
    """A number as this delivery writes it; anything else (``1,234.5`` in a Dutch file) is a
    finding rather than a silently wrong value."""
    decimal, thousands = re.escape(raw.decimal), re.escape(raw.thousands)
    whole = rf"(\d{{1,3}}({thousands}\d{{3}})+|\d+)" if raw.thousands else r"\d+"
    fraction = "" if integer else rf"({decimal}\d+)?"
    exponent = "" if integer or raw.thousands else r"([eE][+-]?\d+)?"
    return rf"[+-]?{whole}{fraction}{exponent}"


def _date_formats(processor: Processor, raw: RawTable, column: ContractColumn) -> list[str]:
    if column.format:
        return [column.format, *_ISO_DATES]
    if column.header not in raw.headers:
        return list(_ISO_DATES)
    samples = processor.query(
        f"SELECT {sql_identifier(column.header)} FROM {raw.name} "
        f"WHERE nullif(trim({sql_identifier(column.header)}), '') IS NOT NULL LIMIT 2000"
    ).rows
    detected = detect_date_format(
        (str(row[0]).strip() for row in samples), with_time=column.type == "timestamp"
    )
    return [detected, *_ISO_DATES] if detected else list(_ISO_DATES)


def _final(column: ContractColumn, text: str, value: str, context: CheckContext) -> str:
    """What is stored: the typed value, or its pseudonym, or the scrubbed text."""
    if column.handling == "pseudonymise":
        if context.pseudonym_key is None:
            raise PackError(f"kolom {column.name}: pseudonimiseren zonder sleutel")
        return pseudonym_sql(text, context.pseudonym_key, column.personal)
    if column.handling == "scrub":
        return scrub_sql(text)
    return value


def _rules(
    column: ContractColumn,
    text: str,
    value: str,
    context: CheckContext,
    formats: list[str],
    key: list[str],
) -> list[_Rule]:
    """The rules for one column, most basic first; the first that fails is reported."""
    found: list[tuple[str, str]] = []  # (condition, Dutch reason)
    present = f"{text} IS NOT NULL"
    if column.name in key and not column.required:
        found.append((f"{text} IS NULL", "sleutelveld is leeg"))
    if column.required:
        found.append((f"{text} IS NULL", "verplicht veld is leeg"))
    if column.type in ("date", "timestamp"):
        shown = _shown_format(formats[0] if formats and formats[0] not in _ISO_DATES else None)
        expected = f" (verwacht {shown})" if shown else ""
        found.append((f"{present} AND {value} IS NULL", f"geen geldige datum{expected}"))
    elif column.type in _TYPE_WORDS:
        found.append((f"{present} AND {value} IS NULL", _TYPE_WORDS[column.type]))
    if column.personal == "bsn":
        found.append(
            (
                f"{present} AND NOT {bsn_valid_sql(text)}",
                "geen geldig BSN (voldoet niet aan de elfproef)",
            )
        )
    if column.allowed:
        found.append(
            (
                f"{present} AND {text} NOT IN ({sql_strings(column.allowed)})",
                f"onbekende waarde (toegestaan: {', '.join(column.allowed)})",
            )
        )
    if column.minimum is not None:
        bound = _bound(column, column.minimum)
        found.append((f"{value} < {bound}", f"kleiner dan het minimum {column.minimum}"))
    if column.maximum is not None:
        bound = _bound(column, column.maximum)
        found.append((f"{value} > {bound}", f"groter dan het maximum {column.maximum}"))
    if column.pattern:
        found.append(
            (
                f"{present} AND NOT regexp_full_match({text}, {sql_string(column.pattern)})",
                f"past niet bij het patroon {column.pattern}",
            )
        )
    if column.references:
        relation = context.references[column.references]
        found.append(
            (
                f"{present} AND {text} NOT IN (SELECT value FROM {relation})",
                f"onbekend in {column.references}",
            )
        )
    return [_Rule(column, text, condition, sql_string(reason)) for condition, reason in found]


def _failure_columns(rules: list[_Rule]) -> dict[str, str]:
    """SQL for the index of the first failing rule, and the column, value and reason it
    names. The conditions are evaluated once; the rest is a lookup by index."""
    null = "CAST(NULL AS VARCHAR)"
    if not rules:
        return {"rule": "CAST(NULL AS INTEGER)", "column": null, "value": null, "reason": null}
    whens = " ".join(f"WHEN {r.condition} THEN {i}" for i, r in enumerate(rules, start=1))
    columns = ", ".join(f"'{r.column.name}'" for r in rules)
    values = " ".join(
        f"WHEN {i} THEN "
        + (f"'{HIDDEN}'" if r.column.personal != "none" else f"left({r.text}, 200)")
        for i, r in enumerate(rules, start=1)
    )
    reasons = " ".join(f"WHEN {i} THEN {r.reason}" for i, r in enumerate(rules, start=1))
    return {
        "rule": f"CASE {whens} END",
        "column": f"[{columns}][_rule]",
        "value": f"CASE _rule {values} END",
        "reason": f"CASE _rule {reasons} END",
    }


def _bound(column: ContractColumn, text: str) -> str:
    """A contract bound as a SQL literal of the column's type."""
    try:
        if column.type in ("date", "timestamp"):
            parsed = _parse_bound_date(text)
            return f"DATE '{parsed.isoformat()}'"
        number = float(text.replace(".", "").replace(",", ".") if "," in text else text)
    except ValueError:
        raise PackError(f"kolom {column.name}: grens '{text}' is geen {column.type}") from None
    return repr(number) if column.type == "decimal" else str(int(number))


def _parse_bound_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _shown_format(fmt: str | None) -> str:
    if not fmt:
        return ""
    return (
        fmt.replace("%d", "dd")
        .replace("%m", "mm")
        .replace("%Y", "jjjj")
        .replace("%y", "jj")
        .replace("%H", "uu")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )
