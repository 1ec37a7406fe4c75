"""Working out how a delivered CSV file is written, and how the dates in a column are written.

Municipal exports rarely say how they were made: Excel in Dutch writes ``;`` and ``1.234,5``
in windows-1252, a case system writes ``,`` in UTF-8 with a BOM. Detection looks at a bounded
sample from the start of the file (files can be gigabytes), and anything the source sets in
``koers.toml`` (:class:`~koers.config.CsvDialect`) wins over what was detected. The reader in
:mod:`koers.ingestion.csv_reader` then parses the whole file with the settings found here.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

from koers.config import CsvDialect
from koers.errors import ContractError

#: How much of the start of a file detection reads; enough for thousands of rows.
SAMPLE_BYTES = 1 << 20
#: Records of the sample that delimiter and number detection look at.
SAMPLE_RECORDS = 5_000

#: Delimiters and quotes tried, in order of preference when the sample fits more than one.
DELIMITERS = (";", ",", "\t", "|")
QUOTES = ('"', "'")
#: Share of sample records that must have as many fields as the first record.
_MIN_CONSISTENCY = 0.5

#: Encoding name as in koers.toml → (Python codec, DuckDB encoding or None).
#: DuckDB reads UTF-8 and UTF-16 itself. Its latin-1 refuses the bytes 0x80-0x9F, which
#: windows-1252 uses for € ‘ ’ “ ” – …; such files are transcoded to UTF-8 first (None).
_ENCODINGS: dict[str, tuple[str, str | None]] = {
    "utf-8": ("utf-8-sig", "utf-8"),
    "utf-8-sig": ("utf-8-sig", "utf-8"),
    "utf-16": ("utf-16", "utf-16"),
    "windows-1252": ("cp1252", "latin-1"),
    "latin-1": ("latin-1", "latin-1"),
}
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class CsvSettings:
    """How to parse one CSV file; every field is either detected or set in koers.toml."""

    delimiter: str
    quote: str
    #: Encoding as named in koers.toml (``utf-8``, ``windows-1252``, ...).
    encoding: str
    #: Python codec for the same encoding (``utf-8-sig`` also accepts a file without BOM).
    codec: str
    #: What DuckDB's ``read_csv`` is told; ``None``: DuckDB cannot read this file itself
    #: and the reader transcodes it to UTF-8 first. ``latin-1`` for a windows-1252 file
    #: means the sample had no bytes where the two differ; the reader falls back to
    #: transcoding if DuckDB finds one further on.
    duckdb_encoding: str | None
    #: Decimal and thousands separator of numbers in the file (thousands ``""``: none).
    decimal: str
    thousands: str
    header: bool


@dataclass(frozen=True)
class _Sample:
    data: bytes
    #: Whether the file goes on after the sample (so its last line may be cut off).
    truncated: bool


def detect_csv(path: Path, overrides: CsvDialect) -> CsvSettings:
    """Settings for ``path``: what ``overrides`` sets, the rest detected from a sample."""
    sample = _read_sample(path)
    encoding = overrides.encoding or _detect_encoding(path, sample)
    codec, duckdb_encoding = _ENCODINGS[encoding]
    if duckdb_encoding == "latin-1" and _C1_BYTES.search(sample.data):
        duckdb_encoding = None
    text = decode_sample(sample.data, codec, sample.truncated)
    if not text.strip():
        raise ContractError(f"{path.name}: het bestand is leeg")
    delimiter, quote = _detect_delimiter(path, text, overrides)
    records = _records(text, delimiter, quote)
    decimal, thousands = _detect_numbers(
        path, records[1:] if overrides.header else records, overrides
    )
    return CsvSettings(
        delimiter=delimiter,
        quote=quote,
        encoding=encoding,
        codec=codec,
        duckdb_encoding=duckdb_encoding,
        decimal=decimal,
        thousands=thousands,
        header=overrides.header,
    )


def read_sample_text(path: Path, codec: str) -> str:
    """The start of ``path`` as text; bytes that do not fit ``codec`` become U+FFFD."""
    sample = _read_sample(path)
    return decode_sample(sample.data, codec, sample.truncated)


def decode_sample(data: bytes, codec: str, truncated: bool) -> str:
    """Decode a sample without failing on bad bytes or on a character cut at its end.

    A cut-off sample also loses its last, probably partial, line.
    """
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text = decoder.decode(data, final=not truncated)
    if truncated and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _read_sample(path: Path) -> _Sample:
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES + 1)
    return _Sample(data[:SAMPLE_BYTES], len(data) > SAMPLE_BYTES)


def _detect_encoding(path: Path, sample: _Sample) -> str:
    """BOM first; else UTF-8 unless most lines with non-ASCII bytes are not valid UTF-8.

    Judging per line keeps a UTF-8 file in which someone pasted a few windows-1252 lines
    UTF-8: only those lines are rejected later, instead of every é in the file garbled.
    """
    data = sample.data
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if not data.strip():
        raise ContractError(f"{path.name}: het bestand is leeg")
    if data.startswith(_ZIP_MAGIC):
        raise ContractError(
            f"{path.name}: dit is geen CSV maar waarschijnlijk een Excel-bestand; "
            'lever het als .xlsx aan of stel format = "xlsx" in voor deze bron'
        )
    if b"\x00" in data:
        raise ContractError(
            f"{path.name}: dit is geen tekstbestand (CSV); is het UTF-16 zonder BOM, "
            'stel dan csv.encoding = "utf-16" in voor deze bron'
        )
    lines = data.split(b"\n")
    partial = lines.pop() if sample.truncated else b""
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
        else:
            valid += 1
    if valid == invalid == 0:
        # Only the cut-off last line has non-ASCII bytes; it may end in half a character.
        try:
            codecs.getincrementaldecoder("utf-8")().decode(partial, final=False)
        except UnicodeDecodeError:
            return "windows-1252"
        return "utf-8"
    return "utf-8" if valid >= invalid else "windows-1252"


def _detect_delimiter(path: Path, text: str, overrides: CsvDialect) -> tuple[str, str]:
    """The delimiter and quote under which the sample's records agree on their field count.

    Candidates are ranked by the share of records with as many fields as the first one,
    then by that number of fields; ties go to ``;`` (Dutch Excel) and ``"``.
    """
    delimiters = (overrides.delimiter,) if overrides.delimiter else DELIMITERS
    quotes = (overrides.quote,) if overrides.quote else QUOTES
    if len(delimiters) == 1 and len(quotes) == 1:
        return delimiters[0], quotes[0]
    ranked: list[tuple[float, int, int, int, str, str]] = []
    for d_rank, delimiter in enumerate(delimiters):
        for q_rank, quote in enumerate(quotes):
            try:
                counts = [len(r) for r in _records(text, delimiter, quote)]
            except csv.Error:  # e.g. a quote that swallows the sample: not this quote
                continue
            if not counts:
                continue
            first, rest = counts[0], counts[1:]
            share = sum(1 for c in rest if c == first) / len(rest) if rest else 1.0
            ranked.append((round(share, 3), first, -q_rank, -d_rank, delimiter, quote))
    usable = [r for r in ranked if r[1] >= 2 or overrides.delimiter]
    if not usable:
        raise ContractError(
            f"{path.name}: geen scheidingsteken gevonden (gezocht: ; , tab en |); "
            "stel csv.delimiter in voor deze bron"
        )
    best = max(usable)
    if best[0] < _MIN_CONSISTENCY:
        raise ContractError(
            f"{path.name}: geen eenduidig scheidingsteken gevonden: de rijen hebben steeds "
            "een ander aantal velden; stel csv.delimiter in voor deze bron"
        )
    return best[4], best[5]


def _records(text: str, delimiter: str, quote: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote, strict=False)
    return [record for record in islice(reader, SAMPLE_RECORDS) if record]


# Numbers whose separators tell which one is the decimal one. 1.234 and 1,234 do not:
# they are a thousand-and-something with grouping, or one-and-a-bit without.
_AMBIGUOUS = re.compile(r"[-+]?\d{1,3}[.,]\d{3}")
_COMMA_DECIMAL = re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+|[-+]?\d{1,3}(?:\.\d{3}){2,}")
_POINT_DECIMAL = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+|[-+]?\d{1,3}(?:,\d{3}){2,}")
_COMMA_GROUPS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _detect_numbers(path: Path, records: list[list[str]], overrides: CsvDialect) -> tuple[str, str]:
    """Decimal and thousands separator by majority over number-like values in the sample."""
    comma = point = 0
    comma_groups = False
    if overrides.decimal is None or overrides.thousands is None:
        for record in records:
            for field in record:
                value = field.strip()
                if not value or _AMBIGUOUS.fullmatch(value):
                    continue
                if _COMMA_DECIMAL.fullmatch(value):
                    comma += 1
                elif _POINT_DECIMAL.fullmatch(value):
                    point += 1
                    comma_groups = comma_groups or bool(_COMMA_GROUPS.fullmatch(value))
    decimal = overrides.decimal or ("." if point > comma else ",")
    if overrides.thousands is not None:
        thousands = overrides.thousands
    elif decimal == ",":
        thousands = "."
    else:
        thousands = "," if comma_groups else ""
    if thousands == decimal:
        raise ContractError(
            f"{path.name}: decimaalteken en scheiding van duizendtallen zijn allebei "
            f"'{decimal}'; pas csv.decimal of csv.thousands aan voor deze bron"
        )
    return decimal, thousands


#: Date formats a Dutch export uses, most likely first; the first one wins a tie, so an
#: ambiguous 03-04-2024 is read day-first. Two-digit years come last: %Y needs four digits
#: in Python, so they never steal a four-digit sample.
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y")
TIMESTAMP_FORMATS = (
    *(f"{date} {time}" for date in DATE_FORMATS for time in ("%H:%M", "%H:%M:%S")),
    "%Y-%m-%dT%H:%M:%S",
    # A timestamp column that holds only dates still parses (at midnight).
    *DATE_FORMATS,
)
#: Share of non-empty samples a format must parse to be chosen; the rest are bad values,
#: which the loader quarantines row by row.
DATE_MAJORITY = 0.8
_DATE_SAMPLES = 2_000


def detect_date_format(samples: Iterable[str], with_time: bool) -> str | None:
    """The strptime format that parses (nearly) all non-empty samples, or None.

    The result is meant for DuckDB's ``try_strptime``, which like Python accepts one-digit
    days, months and hours for ``%d``, ``%m`` and ``%H``. An impossible date (31-02-2024)
    counts as a sample the format does not parse.
    """
    values = list(islice((s.strip() for s in samples if s and s.strip()), _DATE_SAMPLES))
    if not values:
        return None
    best: tuple[int, str] | None = None
    for fmt in TIMESTAMP_FORMATS if with_time else DATE_FORMATS:
        parsed = sum(1 for value in values if _parses(value, fmt))
        if best is None or parsed > best[0]:
            best = (parsed, fmt)
    if best is None or best[0] < DATE_MAJORITY * len(values):
        return None
    return best[1]


def _parses(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True
