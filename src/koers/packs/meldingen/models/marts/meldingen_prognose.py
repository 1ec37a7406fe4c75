"""Forecast of meldingen per gemeente, category and wijk for the next 8 ISO weeks.

Teams plan crews per wijk and category by the week. The method is koers.analysis.forecast:
the seasonal baseline of each daily series carried forward, with 80% and 95% intervals in
whole reports. Each series ends on the last Sunday of its gemeente's data, so a week that is
still running does not read as a drop; the first forecast week is the Monday after it.

Interval ends are whole reports, each the count whose tail chance is nearest the nominal one
(koers.analysis.forecast.interval). For a wijk with a fifth of a report a week that rule
gives "0 to 0" (no report has an 84% chance), an interval that leaves out its own
expectation; the ends stored here are therefore widened to the whole numbers around the
expectation (0 to 1), which only ever makes such an interval wider. It never binds on the
gemeente x category series the backtest checks, which have several reports a week.
Backtests of the same method are in marts.meldingen_backtest (docs/packs/meldingen.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pandas as pd  # type: ignore[import-untyped]

from koers.analysis.decompose import decompose
from koers.analysis.forecast import forecast_weeks
from koers.analysis.series import DailySeries
from koers.engine import Warehouse

INPUTS = ("core.meldingen",)
CODE = ("koers.analysis.series", "koers.analysis.decompose", "koers.analysis.forecast")
COLUMNS = {
    "gemeente_code": "VARCHAR",
    "category": "VARCHAR",
    "wijk_code": "VARCHAR",
    "wijk_name": "VARCHAR",
    "week_start": "DATE",
    "verwacht": "DOUBLE",
    "ondergrens_80": "DOUBLE",
    "bovengrens_80": "DOUBLE",
    "ondergrens_95": "DOUBLE",
    "bovengrens_95": "DOUBLE",
}

_COUNTS_SQL = """
SELECT gemeente_code, category, wijk_code, max(wijk_name) AS wijk_name, created_date,
       count(*) AS n
FROM core.meldingen
WHERE created_date IS NOT NULL AND category IS NOT NULL
GROUP BY gemeente_code, category, wijk_code, created_date
"""

Key = tuple[str, str, str]  # gemeente_code, category, wijk_code


def build(warehouse: Warehouse) -> pd.DataFrame:
    counts: dict[Key, dict[dt.date, float]] = defaultdict(dict)
    names: dict[str, str] = {}
    first_day: dict[str, dt.date] = {}
    last_day: dict[str, dt.date] = {}
    for gemeente, category, wijk, wijk_name, day, n in warehouse.query(_COUNTS_SQL).rows:
        counts[gemeente, category, wijk][day] = float(n)
        names[wijk] = wijk_name or wijk
        first_day[gemeente] = min(first_day.get(gemeente, day), day)
        last_day[gemeente] = max(last_day.get(gemeente, day), day)
    rows = []
    for (gemeente, category, wijk), days in sorted(counts.items()):
        end = last_complete_sunday(last_day[gemeente])
        if end - first_day[gemeente] < dt.timedelta(days=13):
            continue  # less than two weeks of data: no weekday pattern to carry forward
        series = DailySeries.from_counts(
            days, start=first_day[gemeente], end=end, name=f"{gemeente} / {category} / {wijk}"
        )
        forecast = forecast_weeks(series, decompose(series))
        for i in range(len(forecast)):
            mean = float(forecast.mean[i])
            low, high = math.floor(mean), math.ceil(mean)
            rows.append(
                (
                    gemeente,
                    category,
                    wijk,
                    names[wijk],
                    forecast.week_start(i),
                    mean,
                    min(float(forecast.lower_80[i]), low),
                    max(float(forecast.upper_80[i]), high),
                    min(float(forecast.lower_95[i]), low),
                    max(float(forecast.upper_95[i]), high),
                )
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def last_complete_sunday(last: dt.date) -> dt.date:
    """The Sunday that ends the last whole ISO week up to ``last`` (``last`` if a Sunday)."""
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)
