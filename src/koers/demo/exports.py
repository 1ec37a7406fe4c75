"""Writing demo exports the way municipal source systems and their users write them.

Every demo generator writes through these functions, so the dialects (Dutch Excel CSV with
semicolons and a BOM, Windows-1252 exports of older case systems, XLSX kept by hand) are
defined once. Numbers and dates are formatted by the caller with :func:`dutch_number` and
:func:`dutch_date`, because a source system decides per column how it writes them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from koers.formatting import number

Cell = str | int | float | dt.date | None


def gemeente_rng(seed: int, gemeente_code: str, stream: str) -> np.random.Generator:
    """A random stream per (seed, gemeente, purpose).

    Adding a gemeente or a new purpose never changes the numbers drawn for another one, so
    ground truths stay stable while generators grow.
    """
    stream_number = int.from_bytes(stream.encode("utf-8")[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng(
        np.random.SeedSequence([seed, int(gemeente_code.removeprefix("GM")), stream_number])
    )


def dutch_number(value: float, decimals: int = 2, *, thousands: bool = False) -> str:
    """``1234.5`` as ``1234,50`` (or ``1.234,50``): how Dutch Excel writes a number."""
    text = number(value, decimals)
    return text if thousands else text.replace(".", "")


def dutch_date(value: dt.date | None) -> str:
    """``dd-mm-jjjj``, or empty for a missing date."""
    return "" if value is None else value.strftime("%d-%m-%Y")


def write_dutch_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ";",
) -> int:
    """Write one export as Dutch Excel saves it (CRLF; UTF-8 with BOM unless told otherwise).

    ``encoding="windows-1252"`` gives the export of an older case system. Returns the number
    of data rows written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])
            count += 1
    return count


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet: str = "Blad1"
) -> int:
    """Write a workbook as a person keeps it in Excel: one sheet, a header row, real dates.

    Dates stay Excel dates (not text) and numbers stay numbers, as in a hand-kept list.
    Returns the number of data rows written. The file is byte-stable for the same input
    because the workbook's timestamps are fixed.
    """
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(list(header))
    count = 0
    for row in rows:
        worksheet.append(list(row))
        count += 1
    for column in range(1, len(header) + 1):
        if isinstance(worksheet.cell(row=2, column=column).value, dt.date):
            for (cell,) in worksheet.iter_rows(
                min_row=2, min_col=column, max_col=column, max_row=count + 1
            ):
                cell.number_format = "DD-MM-YYYY"
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    _write_stable_zip(buffer.getvalue(), path)
    return count


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _write_stable_zip(data: bytes, path: Path) -> None:
    """Rewrite a zip with fixed entry times: openpyxl stamps each entry with the clock."""
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            stable = zipfile.ZipInfo(entry.filename, date_time=(2000, 1, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":  # openpyxl sets "modified" on save
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(stable, content)
