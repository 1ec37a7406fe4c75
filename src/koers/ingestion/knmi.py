"""KNMI daily station data ("daggegevens", ``etmgeg_<station>.txt``) → a raw table.

KNMI delivers daily weather per station as one text file: a bilingual preamble and legend,
then a header line ``# STN,YYYYMMDD,DDVEC,...`` and one comma-separated line per day with
values padded by spaces. This module is the only parser of that format in Koers: the loader
reads deliveries through :func:`read_knmi_raw`, the demo reads its packaged copy through
:func:`parse_knmi`, and ``scripts/trim_knmi.py`` trims a download with it.

Values stay as KNMI writes them, in KNMI's own units (0.1 °C, 0.1 mm, 0.1 m/s, RH = -1 for
less than 0.05 mm): the contract types them and a core model converts units in SQL, so what
was delivered can always be traced back to the file. ``_row`` is the line number in the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from koers.config import SourceConfig
from koers.engine import Processor
from koers.errors import ContractError
from koers.ingestion.csv_reader import (
    RawTable,
    check_headers,
    load_numbered_copy,
    temporary_csv,
)

#: How every KNMI daggegevens file starts (the Dutch half of the bilingual attribution).
KNMI_FIRST_LINE = "BRON: KONINKLIJK NEDERLANDS METEOROLOGISCH INSTITUUT"
#: The header line starts with the station and the date, always in this order.
HEADER_START = ("STN", "YYYYMMDD")
#: KNMI writes plain ASCII; latin-1 reads any byte, so a stray one costs a value, not the file.
ENCODING = "latin-1"

_TOO_MANY = "rij heeft meer velden dan de kopregel"
_TOO_FEW = "rij heeft minder velden dan de kopregel"


@dataclass(frozen=True)
class KnmiRecord:
    """One day line: its line number in the file and its fields as written (with padding)."""

    line: int
    cells: list[str]

    @property
    def values(self) -> list[str]:
        """The fields without KNMI's padding; an empty string is a missing value."""
        return [cell.strip() for cell in self.cells]


@dataclass(frozen=True)
class KnmiFile:
    """A parsed daggegevens file; callers may rely on ``headers[:2] == ["STN", "YYYYMMDD"]``."""

    name: str
    #: Every line above the header line (attribution, remarks, legend), without line ends.
    preamble: list[str]
    #: The header fields as written, after the leading ``#`` (``" STN"``, ``"  FHX"``, ...).
    header_cells: list[str]
    records: list[KnmiRecord]
    #: (line, Dutch reason) for day lines that do not split into the header's fields.
    rejected: list[tuple[int, str]]

    @property
    def headers(self) -> list[str]:
        return [cell.strip() for cell in self.header_cells]


def is_knmi_file(path: Path) -> bool:
    """True when the file starts the way KNMI starts every daggegevens file."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(len(KNMI_FIRST_LINE) + 8)
    except OSError:
        return False
    return first.decode(ENCODING).lstrip("\ufeff\u00ef\u00bb\u00bf").startswith(KNMI_FIRST_LINE)


def parse_knmi(lines: Iterable[str], name: str) -> KnmiFile:
    """Split a daggegevens file into preamble, header and day lines.

    A file without the ``# STN,YYYYMMDD,...`` header line is refused as a whole (ContractError
    naming ``name``); a day line with the wrong number of fields is listed in ``rejected`` and
    the rest still counts. Empty lines are skipped. Values are not judged here.
    """
    preamble: list[str] = []
    header_cells: list[str] | None = None
    records: list[KnmiRecord] = []
    rejected: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if header_cells is None:
            if line.startswith("#"):
                header_cells = _header(line, name, number)
            else:
                preamble.append(line)
            continue
        if not line.strip():
            continue
        cells = line.split(",")
        if len(cells) == len(header_cells):
            records.append(KnmiRecord(number, cells))
        else:
            rejected.append((number, _TOO_MANY if len(cells) > len(header_cells) else _TOO_FEW))
    if header_cells is None:
        raise ContractError(
            f"{name}: geen KNMI-daggegevens: de kopregel '# STN,YYYYMMDD,...' ontbreekt; "
            "het bestand is niet geladen"
        )
    return KnmiFile(name, preamble, header_cells, records, rejected)


def _header(line: str, name: str, number: int) -> list[str]:
    cells = line[1:].split(",")
    headers = tuple(cell.strip() for cell in cells[: len(HEADER_START)])
    if headers != HEADER_START:
        raise ContractError(
            f"{name}: regel {number} is geen KNMI-kopregel (verwacht '# STN,YYYYMMDD,...', "
            f"gevonden '{line[:40]}'); het bestand is niet geladen"
        )
    return cells


def read_knmi_file(path: Path) -> KnmiFile:
    """Parse the file at ``path``; errors name the file, not the whole path."""
    with path.open(encoding=ENCODING, newline="") as handle:
        return parse_knmi(handle, path.name)


def read_knmi_raw(processor: Processor, path: Path, source: SourceConfig, name: str) -> RawTable:
    """Read a daggegevens file into the raw table ``name``: ``_row`` plus one text column per
    KNMI code, through a temporary CSV that DuckDB reads in one go (as for XLSX)."""
    parsed = read_knmi_file(path)
    headers = parsed.headers
    check_headers(path, headers)
    with temporary_csv() as copy:
        with copy.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            for record in parsed.records:
                writer.writerow([record.line, *record.values])
        load_numbered_copy(processor, copy, headers, name)
    return RawTable(name, headers, parsed.rejected, format="knmi", decimal=".", thousands="")


__all__ = [
    "KNMI_FIRST_LINE",
    "KnmiFile",
    "KnmiRecord",
    "is_knmi_file",
    "parse_knmi",
    "read_knmi_file",
    "read_knmi_raw",
]
