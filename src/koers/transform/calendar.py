"""The shared calendar (``core.calendar``): Dutch public holidays and working-day numbers.

Service targets count working days and legal terms count calendar days; both need one
calendar that every pack joins, so the rule is written once. The table is built from SQL so
it materialises on every engine the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

FIRST_YEAR = 2005
LAST_YEAR = 2035


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> dict[date, str]:
    """Days off for Dutch municipal staff.

    Koningsdag moves to Saturday when the 27th (before 2014: Koninginnedag on the 30th)
    falls on a Sunday. Bevrijdingsdag is a day off for government staff in lustrum years only.
    """
    easter = easter_sunday(year)
    king = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    if king.weekday() == 6:
        king -= timedelta(days=1)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter: "Eerste Paasdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        king: "Koningsdag" if year >= 2014 else "Koninginnedag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=49): "Eerste Pinksterdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    if year % 5 == 0:
        days[date(year, 5, 5)] = "Bevrijdingsdag"
    return days


def calendar_sql() -> str:
    """A SELECT producing one row per day with holiday and working-day facts."""
    holidays = {
        day: name
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        for day, name in public_holidays(year).items()
    }
    values = ",\n        ".join(
        f"(DATE '{day.isoformat()}', '{name}')" for day, name in sorted(holidays.items())
    )
    return f"""
WITH days AS (
    SELECT CAST(d AS DATE) AS calendar_date
    FROM generate_series(DATE '{FIRST_YEAR}-01-01', DATE '{LAST_YEAR}-12-31', INTERVAL 1 DAY)
        AS g(d)
),
holidays AS (
    SELECT * FROM (VALUES
        {values}
    ) AS h(holiday_date, holiday_name)
),
flagged AS (
    SELECT
        days.calendar_date,
        CAST(extract(year FROM days.calendar_date) AS INTEGER) AS year,
        CAST(extract(month FROM days.calendar_date) AS INTEGER) AS month,
        CAST(extract(week FROM days.calendar_date) AS INTEGER) AS iso_week,
        CAST(extract(isodow FROM days.calendar_date) AS INTEGER) AS iso_weekday,
        holidays.holiday_name,
        holidays.holiday_name IS NOT NULL AS is_public_holiday,
        extract(isodow FROM days.calendar_date) <= 5 AND holidays.holiday_name IS NULL
            AS is_working_day
    FROM days
    LEFT JOIN holidays ON holidays.holiday_date = days.calendar_date
)
SELECT
    *,
    sum(CASE WHEN is_working_day THEN 1 ELSE 0 END) OVER (
        ORDER BY calendar_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS working_day_number
FROM flagged
"""
