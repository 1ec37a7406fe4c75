"""Turning records from an API or database into one NDJSON delivery file.

Connectors that do not receive files (HTTP, CBS, SQL) write what they fetched here, so the
loader can treat it like any dropped ``.ndjson`` file: one flat JSON object per line, hashed,
landed and checked against the source's contract. The shape is deliberately plain so the
same contract works whether a source is delivered as CSV or fetched from an API:

* nested objects become dotted keys (``{"adres": {"wijk": "Centrum"}}`` → ``adres.wijk``);
* lists become JSON text, since a contract column holds one value;
* values are JSON scalars: dates, times and timestamps as ISO 8601 text, decimals as text
  (so no digits are lost to floating point), non-finite floats as null.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TypeAlias

from koers.errors import SourceError

#: What a field of a written record may hold.
Scalar: TypeAlias = str | int | float | bool | None
#: Called with the number of records written so far, e.g. to move a progress bar.
RecordProgress: TypeAlias = Callable[[int], None]

#: How often ``write_ndjson`` reports progress; per record would slow a terminal bar down.
PROGRESS_EVERY_RECORDS = 1000


def to_scalar(value: object) -> Scalar:
    """One value as a JSON scalar; anything unknown becomes its text rather than failing."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _plain(value: object) -> object:
    """A value made JSON-safe with its structure kept, for lists written as JSON text."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return to_scalar(value)


def flatten(record: Mapping[str, object]) -> dict[str, Scalar]:
    """The record with nested objects as dotted keys and lists as JSON text.

    Flattening a flat record changes nothing, so connectors may flatten early (to read a
    dotted watermark field) and the writer may flatten again. Two paths that end in the same
    key (``{"a": {"b": 1}, "a.b": 2}``) are refused rather than silently losing one value.
    """
    flat: dict[str, Scalar] = {}
    _flatten_into(flat, "", record)
    return flat


def _flatten_into(flat: dict[str, Scalar], prefix: str, record: Mapping[str, object]) -> None:
    for raw_key, value in record.items():
        key = f"{prefix}{raw_key}"
        if isinstance(value, Mapping):
            _flatten_into(flat, f"{key}.", value)
            continue
        if key in flat:
            raise SourceError(
                f"veld '{key}' komt na het platslaan van geneste objecten dubbel voor"
            )
        if isinstance(value, list | tuple):
            flat[key] = json.dumps(
                _plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )
        else:
            flat[key] = to_scalar(value)


def write_ndjson(
    records: Iterable[Mapping[str, object]],
    path: Path,
    progress: RecordProgress | None = None,
) -> int:
    """Write the records in the order given, one flattened object per line; return the count.

    Keys are sorted, so the same records always give the same bytes and thus the same hash:
    a source that delivers nothing new does not look like a new delivery. The records are
    consumed one by one, never held in memory together. If writing fails half-way the
    partial file is removed, so no caller can mistake it for a complete delivery.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(
                    json.dumps(
                        flatten(record),
                        ensure_ascii=False,
                        sort_keys=True,
                        separators=(",", ":"),
                        allow_nan=False,
                    )
                )
                out.write("\n")
                count += 1
                if progress is not None and count % PROGRESS_EVERY_RECORDS == 0:
                    progress(count)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if progress is not None and count % PROGRESS_EVERY_RECORDS != 0:
        progress(count)
    return count


def _coerce_like(text: str, example: object) -> object:
    """A stored watermark (always text) read back as the type of a freshly fetched value."""
    try:
        if isinstance(example, bool):
            return text
        if isinstance(example, int):
            return int(text)
        if isinstance(example, float):
            return float(text)
        if isinstance(example, Decimal):
            return Decimal(text)
        if isinstance(example, dt.datetime):
            return dt.datetime.fromisoformat(text)
        if isinstance(example, dt.date):
            return dt.date.fromisoformat(text)
    except (ValueError, ArithmeticError):
        pass
    return text


def _later(current: object, candidate: object) -> object:
    """The later of two watermark values, compared as their own type where possible.

    Text comparison would put ``"9"`` after ``"10"``, so numbers and timestamps compare as
    numbers and timestamps; values that cannot be compared that way (an aware with a naive
    timestamp, a number with text) fall back to comparing their text.
    """
    if candidate is None:
        return current
    if current is None:
        return candidate
    if isinstance(current, str) and not isinstance(candidate, str):
        current = _coerce_like(current, candidate)
    try:
        return candidate if candidate > current else current  # type: ignore[operator]
    except TypeError:
        return candidate if str(to_scalar(candidate)) > str(to_scalar(current)) else current


def watermark_text(value: object) -> str | None:
    """How a watermark value is stored and sent back to the source next time."""
    scalar = to_scalar(value)
    return None if scalar is None else str(scalar)


def max_watermark(values: Iterable[object], previous: str | None = None) -> str | None:
    """The high-water mark after seeing ``values``: their maximum as text, never below
    ``previous``, and ``previous`` itself when there are no (non-null) values."""
    highest: object = previous
    for value in values:
        highest = _later(highest, value)
    return watermark_text(highest)


class HighWater:
    """The running ``max_watermark`` of values seen while records stream past the writer."""

    def __init__(self, previous: str | None) -> None:
        self._highest: object = previous

    def see(self, value: object) -> None:
        self._highest = _later(self._highest, value)

    @property
    def text(self) -> str | None:
        return watermark_text(self._highest)


def watching(
    records: Iterable[Mapping[str, object]], field: str | None, high_water: HighWater
) -> Iterator[dict[str, Scalar]]:
    """The records flattened, feeding ``field`` (a flattened, possibly dotted key) to the
    high-water mark on the way; a record without the field does not move it."""
    for record in records:
        flat = flatten(record)
        if field is not None:
            high_water.see(flat.get(field))
        yield flat
