"""XLSX for Excel: real numbers and real dates (shown dd-mm-jjjj), text guarded against formulas.

Where the CSV export has to spell values the way Dutch Excel parses them, an XLSX cell carries
its type, so a number stays a number whatever the reader's locale, and a date is an Excel date
the reader can filter and sort on. Text goes through the same formula guard as the CSV
(:mod:`koers.reports.cells`). The workbook is written in openpyxl's write-only mode, which
streams rows instead of holding a cell object per value, so a long export stays cheap.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from koers.reports.cells import neutralise_formula

#: Number formats are stored in Excel's own (English) codes; Dutch Excel shows dd-mm-jjjj.
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TIME_FORMAT = "hh:mm"

# Excel refuses these characters in a sheet name, and allows at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
# Column widths in characters: wide enough for a date, capped so free text does not sprawl.
_MIN_WIDTH = 10
_MAX_WIDTH = 60


def dutch_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Koers"
) -> bytes:
    """One worksheet: a bold, frozen header row, then ``rows``; returns the .xlsx bytes.

    Values: ``None`` becomes an empty cell, ``bool`` the words ja/nee (as in the CSV), ints,
    floats and Decimals numbers, dates and datetimes Excel dates (a timezone-aware datetime
    is written in UTC, since Excel cells have no time zone), anything else guarded text.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    # Write-only sheets take column widths and panes before the first row, not after.
    for index, header in enumerate(headers, start=1):
        width = min(max(len(header) + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_text(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no time zones; a naive UTC value is what Koers stores elsewhere too.
            value = value.astimezone(UTC).replace(tzinfo=None)
        return _formatted(sheet, value, DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted(sheet, value, DATE_FORMAT)
    if isinstance(value, time):
        return _formatted(sheet, value.replace(tzinfo=None), TIME_FORMAT)
    cell = WriteOnlyCell(sheet, value=_text(str(value)))
    # Always a text cell, even if openpyxl would guess otherwise from the first character.
    cell.data_type = "s"
    return cell


def _formatted(sheet: Any, value: date | datetime | time, number_format: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _text(value: str) -> str:
    # Control characters other than tab and newlines make the file unreadable for Excel;
    # openpyxl refuses them. They carry no meaning in an export, so they are dropped.
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'")
    return cleaned[:_SHEET_TITLE_MAX] or "Koers"
