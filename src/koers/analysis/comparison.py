"""Comparing a metric's latest period with the same period a year earlier.

The simplest honest answer to "is it getting better?": seasonal series (leaf fall, New Year)
must be compared with the same month last year, not with the month before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class YearOnYear:
    gemeente_code: str
    period: date
    value: float
    previous: float | None

    @property
    def change_percent(self) -> float | None:
        if self.previous in (None, 0):
            return None
        assert self.previous is not None
        return 100.0 * (self.value - self.previous) / abs(self.previous)


def year_on_year(values: list[dict[str, Any]], *, complete_before: date) -> list[YearOnYear]:
    """Per gemeente, the last complete month before ``complete_before`` against a year earlier.

    ``values`` are rows with gemeente_code, period (ISO date of the month start) and value.
    A month that has not ended yet is skipped: half a month is not comparable with a whole.
    """
    by_gemeente: dict[str, dict[date, float]] = {}
    for row in values:
        period = date.fromisoformat(str(row["period"])[:10])
        by_gemeente.setdefault(row["gemeente_code"], {})[period] = float(row["value"])
    out = []
    for code, series in sorted(by_gemeente.items()):
        complete = [p for p in series if _next_month_start(p) < complete_before]
        if not complete:
            continue
        last = max(complete)
        previous = series.get(date(last.year - 1, last.month, 1))
        out.append(YearOnYear(code, last, series[last], previous))
    return out


def _next_month_start(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)
