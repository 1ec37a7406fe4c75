"""Dutch formats for everything a person reads: 1.234,5 and 23-11-2026."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
UNITS = {"aantal": "", "dagen": " dagen", "procent": "%", "euro": ""}


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5'; None -> '–' (no value, as opposed to zero)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def with_unit(value: float | int | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "euro":
        return f"€ {number(value, 0)}"
    decimals = 0 if unit == "aantal" else 1
    return f"{number(value, decimals)}{UNITS.get(unit, '')}"


def dutch_date(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d-%m-%Y")


def dutch_datetime(value: datetime | None) -> str:
    """'23-11-2026 14:05' on the Dutch clock.

    Koers stores moments as naive UTC (the ledger and the run log); a person reads them in
    Dutch time, summer time included. Without the time-zone database (Windows without the
    ``tzdata`` package) the machine's own zone is used, which on a municipality's PC is Dutch.
    """
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(_dutch_zone()).strftime("%d-%m-%Y %H:%M")


def _dutch_zone() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:
        return None


def period_label(value: date | str, grain: str) -> str:
    """How a period reads in a table: 'maart 2025', 'week 12 2025', '2025-K1', '2025'."""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    if grain == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    if grain == "quarter":
        return f"{day.year}-K{(day.month - 1) // 3 + 1}"
    if grain == "year":
        return str(day.year)
    if grain == "week":
        iso = day.isocalendar()
        return f"week {iso.week} {iso.year}"
    return dutch_date(day)
