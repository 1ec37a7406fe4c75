"""XLSX for Excel: typed numbers and dates, and text that can never run as a formula."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koers.reports.cells import FORMULA_TRIGGERS, neutralise_formula
from koers.reports.csv_export import dutch_csv
from koers.reports.xlsx_export import dutch_xlsx

DANGEROUS = [
    '=HYPERLINK("https://example.org/?x="&A1,"Klik hier")',
    "+31 6 1234 5678",
    "@SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _read(body: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(body)).active


def _sheet_xml(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_formula_like_text_comes_back_as_guarded_text() -> None:
    body = dutch_xlsx(["Waarde"], [[text] for text in DANGEROUS])
    cells = [row[0] for row in _read(body).iter_rows(min_row=2)]
    for cell, text in zip(cells, DANGEROUS, strict=True):
        assert cell.data_type == "s"
        # XML turns a lone CR into LF on reading; the guard is what matters here.
        assert cell.value == "'" + text.replace("\r", "\n")
    assert "<f>" not in _sheet_xml(body)  # no formula element anywhere in the sheet


def test_numbers_dates_and_empty_cells_keep_their_type() -> None:
    rows = [
        [date(2025, 3, 1), 1234.5, 12, Decimal("2.25"), None, True],
        [datetime(2025, 3, 1, 14, 5), -7.5, 0, Decimal("-1"), "gewoon", False],
    ]
    sheet = _read(dutch_xlsx(["Periode", "A", "B", "C", "D", "E"], rows))
    first, second = list(sheet.iter_rows(min_row=2))
    assert first[0].is_date and first[0].value == datetime(2025, 3, 1)
    assert first[0].number_format == "dd-mm-yyyy"
    assert second[0].value == datetime(2025, 3, 1, 14, 5)
    assert second[0].number_format == "dd-mm-yyyy hh:mm"
    assert [c.value for c in first[1:4]] == [1234.5, 12, 2.25]
    assert all(c.data_type == "n" for c in first[1:4])
    assert [c.value for c in second[1:4]] == [-7.5, 0, -1]
    assert first[4].value is None and second[4].value == "gewoon"
    assert (first[5].value, second[5].value) == ("ja", "nee")


def test_header_is_bold_and_frozen_and_the_sheet_named() -> None:
    sheet = _read(dutch_xlsx(["Periode", "Waarde"], [], sheet_title="Meldingen: ontvangen/dag"))
    assert [c.value for c in sheet[1]] == ["Periode", "Waarde"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "Meldingen  ontvangen dag"


def test_control_characters_are_dropped_rather_than_breaking_the_file() -> None:
    sheet = _read(dutch_xlsx(["Waarde"], [["a\x00b\x1fc"]]))
    assert sheet["A2"].value == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-12", "-12"),
        ("+3,5", "+3,5"),
        ("-inf", "'-inf"),
        ("=1+1", "'=1+1"),
        ("gewoon", "gewoon"),
        ("", ""),
        (" =1", " =1"),
    ],
)
def test_the_guard_leaves_plain_numbers_and_text_alone(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


def test_csv_and_xlsx_guard_the_same_way() -> None:
    csv_text = dutch_csv(["Waarde"], [["@SUM(A1)"]])[3:].decode("utf-8")
    xlsx_value = _read(dutch_xlsx(["Waarde"], [["@SUM(A1)"]]))["A2"].value
    assert csv_text.splitlines()[1] == xlsx_value == "'@SUM(A1)"


@given(st.text(max_size=40))
def test_guarded_text_never_starts_with_a_formula_trigger(text: str) -> None:
    guarded = neutralise_formula(text)
    assert guarded in (text, "'" + text)
    if guarded == text and text[:1] in FORMULA_TRIGGERS:
        # Only a plain signed number may keep its sign unguarded.
        assert text[0] in "+-" and text[1:].replace(",", ".").replace(".", "", 1).isdecimal()
        assert text.isascii()


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@\t ab1(),"), min_size=1, max_size=12))
def test_no_text_becomes_a_formula_in_the_workbook(text: str) -> None:
    body = dutch_xlsx(["Waarde"], [[text]])
    assert _read(body)["A2"].data_type == "s"
    assert "<f>" not in _sheet_xml(body)
