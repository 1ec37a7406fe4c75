"""CSV that Dutch Excel opens right: UTF-8 with BOM, semicolons, decimal commas, dd-mm-jjjj.

Excel on a Dutch machine splits on ';' and reads '1234,5' as a number; without the BOM it
takes UTF-8 for Windows-1252 and mangles 'ë'. Thousands separators are left out on purpose:
Excel would read '1.234' as text or as a date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from koers.reports.cells import neutralise_formula


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return neutralise_formula(str(value))


def dutch_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
