"""Typing and checking a raw delivery against its contract, set-based in SQL (one pass).

Every value arrives as text. For each row the first broken rule is named (column, value and
a Dutch reason) so the row can be quarantined while the rest of the file loads. Personal
columns leave this step already pseudonymised, scrubbed or dropped: nothing downstream ever
sees them as delivered, not even the quarantine. (The checked temp table may still hold the
text of a key or reference column for the rules judged after the pass; the loader takes only
the stored columns from it.)

Rules run in the processor (DuckDB), vectorised, because a delivery can hold millions of rows.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
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
    #: Judged after the pass over the rows, against the checked table (``text`` and
    #: ``condition`` name its columns): the rule needs another relation, and DuckDB does
    #: not promise to keep the file order through a join, which a pending read needs.
    after_pass: bool = False


@dataclass(frozen=True)
class Checked:
    """The temp table :func:`check_rows` made, and the records the reader rejected (for a
    pending read only known once the file has been read)."""

    name: str
    rejected: list[tuple[int, str]]


def check_rows(
    processor: Processor, raw: RawTable, contract: Contract, context: CheckContext, name: str
) -> Checked:
    """Create temp table ``name``: ``_row``, the stored columns with their final values, and
    ``_failed_column``, ``_failed_value``, ``_failed_reason`` (NULL when the row is valid).

    One statement reads the rows (for a pending read: parses the file) and judges every rule
    that looks at one row only. Three layers, so that every text and typed value is computed
    once per row however many rules use it: texts, then typed values, then the first failing
    rule as one index into constant lists of columns and reasons. Rules that need another
    relation (a seed's values, the other rows of the delivery for the key) then update the
    rows they break, keeping the first failing rule: few rows fail, so these are cheap."""
    present = set(raw.headers)
    text_columns, value_columns, outputs, kept_texts = [], [], [], []
    rules: list[_Rule] = []
    stored_text: dict[str, str] = {}  # column name -> its text in the checked table
    for index, column in enumerate(contract.columns):
        text, value = f"_t{index}", f"_v{index}"
        formats = (
            _date_formats(processor, raw, column) if column.type in ("date", "timestamp") else []
        )
        # A text stored as delivered is its own output column; any other is kept beside it
        # when a rule judged after the pass needs it.
        kept = column.name if column.stored and _stored_as_text(column) else text
        stored_text[column.name] = kept
        column_rules = _rules(column, text, value, context, formats, contract.key, kept)
        rules.extend(column_rules)
        later = column.name in contract.key or any(r.after_pass for r in column_rules)
        if later and kept == text:
            kept_texts.append(text)
        # A dropped column without rules is never cleaned or typed: leave its (often long)
        # text alone.
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
    duplicate_key: _Rule | None = None
    if contract.key:
        # Last, so any other broken rule of the row is the one reported.
        key_column = next(c for c in contract.columns if c.name == contract.key[0])
        duplicate_key = _Rule(
            key_column,
            stored_text[key_column.name],
            "_row > d._first_row",  # d: the keys seen more than once, see below
            "'sleutel komt eerder voor in deze levering (rij ' || d._first_row || ')'",
            after_pass=True,
        )
        rules.append(duplicate_key)

    failure = _failure_columns(rules)
    # Only selects from one relation, no join and no aggregate: DuckDB then keeps the order
    # of the rows read, which a pending read's numbering relies on (see PendingScan).
    with raw.pending.reading(processor) if raw.pending else nullcontext():
        processor.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {name} AS
            WITH texts AS (
                SELECT _row, {", ".join(text_columns)} FROM {raw.relation}
            ), typed AS (
                SELECT *, {", ".join(value_columns)} FROM texts
            ), judged AS (
                SELECT *, {failure["rule"]} AS _rule FROM typed
            )
            SELECT _row, {", ".join([*outputs, *kept_texts])}, _rule,
                   {failure["column"]} AS _failed_column,
                   {failure["value"]} AS _failed_value,
                   {failure["reason"]} AS _failed_reason
            FROM judged
            """
        )
    rejected = raw.pending.finish(processor, name) if raw.pending else raw.rejected
    for number, rule in enumerate(rules, start=1):
        if rule is duplicate_key:
            keys = [stored_text[key] for key in contract.key]
            _judge_duplicate_keys(processor, name, keys, number, rule)
        elif rule.after_pass:
            processor.execute(
                f"UPDATE {name} SET {_failure_assignments(number, rule)} "
                f"WHERE (_rule IS NULL OR _rule > {number}) AND {rule.condition}"
            )
    return Checked(name, rejected)


def _stored_as_text(column: ContractColumn) -> bool:
    """Whether the stored value is the cleaned text itself (see :func:`_typed`, :func:`_final`)."""
    return column.type == "text" and column.handling == "keep"


def _judge_duplicate_keys(
    processor: Processor, name: str, keys: list[str], number: int, rule: _Rule
) -> None:
    """Set aside every row of a key but the first, naming that first row."""
    duplicates = f"{name}_duplicates"
    selected = ", ".join(f"{key} AS _key{i}" for i, key in enumerate(keys))
    grouped = ", ".join(f"_key{i}" for i in range(len(keys)))
    # Keys seen more than once, with their first row: usually none or a handful.
    processor.execute(
        f"CREATE OR REPLACE TEMP TABLE {duplicates} AS SELECT {grouped}, "
        f"min(_row) AS _first_row FROM (SELECT _row, {selected} FROM {name}) "
        f"GROUP BY {grouped} HAVING count(*) > 1"
    )
    on = " AND ".join(f"d._key{i} = {name}.{key}" for i, key in enumerate(keys))
    processor.execute(
        f"UPDATE {name} SET {_failure_assignments(number, rule)} FROM {duplicates} AS d "
        f"WHERE {on} AND {rule.condition} "
        f"AND ({name}._rule IS NULL OR {name}._rule > {number})"
    )
    processor.execute(f"DROP TABLE IF EXISTS {duplicates}")


def _failure_assignments(number: int, rule: _Rule) -> str:
    return (
        f"_rule = {number}, _failed_column = '{rule.column.name}', "
        f"_failed_value = {_shown_value(rule)}, _failed_reason = {rule.reason}"
    )


def _shown_value(rule: _Rule) -> str:
    """The value the quarantine shows for a broken rule: never a personal one."""
    return f"'{HIDDEN}'" if rule.column.personal != "none" else f"left({rule.text}, 200)"


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
        f"SELECT {sql_identifier(column.header)} FROM {raw.sample_relation} "
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
    kept: str,
) -> list[_Rule]:
    """The rules for one column, most basic first; the first that fails is reported.

    ``kept`` is the column's text in the checked table, for rules judged after the pass."""
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
        # Not ``NOT IN (...)``: DuckDB plans a list of six or more values as a join, and
        # keeps file order only through plain selects (see check_rows).
        found.append(
            (
                f"{present} AND NOT list_contains([{sql_strings(column.allowed)}], {text})",
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
    rules = [_Rule(column, text, condition, sql_string(reason)) for condition, reason in found]
    if column.references:
        relation = context.references[column.references]
        rules.append(
            _Rule(
                column,
                kept,
                f"{kept} IS NOT NULL AND {kept} NOT IN (SELECT value FROM {relation})",
                sql_string(f"onbekend in {column.references}"),
                after_pass=True,
            )
        )
    return rules


def _failure_columns(rules: list[_Rule]) -> dict[str, str]:
    """SQL for the index of the first failing rule, and the column, value and reason it
    names. The conditions are evaluated once; the rest is a lookup by index."""
    null = "CAST(NULL AS VARCHAR)"
    judged = [(i, r) for i, r in enumerate(rules, start=1) if not r.after_pass]
    if not judged:
        return {"rule": "CAST(NULL AS INTEGER)", "column": null, "value": null, "reason": null}
    # Rules judged after the pass keep their number, so the first failing rule still wins.
    whens = " ".join(f"WHEN {r.condition} THEN {i}" for i, r in judged)
    columns = ", ".join(f"'{r.column.name}'" for r in rules)
    values = " ".join(f"WHEN {i} THEN {_shown_value(r)}" for i, r in judged)
    reasons = " ".join(f"WHEN {i} THEN {r.reason}" for i, r in judged)
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
