"""Dutch number and date formats, and CSV that Dutch Excel opens right."""

from __future__ import annotations

from datetime import date, datetime

from koers.formatting import dutch_date, dutch_datetime, number, period_label, with_unit
from koers.reports.csv_export import dutch_csv


def test_numbers_use_dots_for_thousands_and_comma_for_decimals() -> None:
    assert number(1234.5, 1) == "1.234,5"
    assert number(1234567) == "1.234.567"
    assert number(None) == "–"
    assert with_unit(87.26, "procent") == "87,3%"
    assert with_unit(3.0, "dagen") == "3,0 dagen"


def test_dates_and_periods_read_dutch() -> None:
    assert dutch_date(date(2026, 11, 23)) == "23-11-2026"
    assert period_label("2025-03-01", "month") == "maart 2025"
    assert period_label("2025-07-01", "quarter") == "2025-K3"
    assert period_label("2025-03-10", "week") == "week 11 2025"


def test_csv_for_dutch_excel() -> None:
    body = dutch_csv(["Periode", "Waarde", "Naam"], [[date(2025, 1, 1), 1234.5, "=SOM(A1)"]])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body[3:].decode("utf-8")
    assert text == "Periode;Waarde;Naam\r\n01-01-2025;1234,5;'=SOM(A1)\r\n"


def test_moments_read_on_the_dutch_clock() -> None:
    # Koers stores naive UTC; winter is UTC+1, summer UTC+2.
    assert dutch_datetime(datetime(2026, 11, 23, 13, 5)) == "23-11-2026 14:05"
    assert dutch_datetime(datetime(2026, 7, 1, 22, 30)) == "02-07-2026 00:30"
    assert dutch_datetime(None) == ""
