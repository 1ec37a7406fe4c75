"""Dutch formats for everything a person reads: 1.234,5 and 23-11-2026."""

from __future__ import annotations

from datetime import date, datetime

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
