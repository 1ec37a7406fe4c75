"""The shared calendar: Easter, Dutch public holidays and working-day numbers."""

from __future__ import annotations

from datetime import date

import pytest

from koers.transform.calendar import easter_sunday, public_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2014, date(2014, 4, 20)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
    ],
)
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_kings_day_moves_to_saturday_when_it_falls_on_sunday() -> None:
    assert public_holidays(2025)[date(2025, 4, 26)] == "Koningsdag"  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in public_holidays(2025)
    assert public_holidays(2013)[date(2013, 4, 30)] == "Koninginnedag"


def test_liberation_day_only_in_lustrum_years() -> None:
    assert date(2025, 5, 5) in public_holidays(2025)
    assert date(2026, 5, 5) not in public_holidays(2026)


def test_ascension_and_whit_monday_follow_easter() -> None:
    days = public_holidays(2026)
    assert days[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert days[date(2026, 5, 25)] == "Tweede Pinksterdag"
