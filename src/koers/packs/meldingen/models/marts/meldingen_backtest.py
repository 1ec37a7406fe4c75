"""Rolling-origin backtests of the meldingen forecast, per gemeente and category.

Would the forecast in marts.meldingen_prognose have helped in the past? From 12 Mondays four
weeks apart the method (koers.analysis.forecast) is refitted on the days before each and
compared with the 8 weeks that came, on the weekly totals of the category over all wijken
(koers.analysis.backtest). MASE scales the errors by the in-sample error of "the same week a
year earlier", so the model and that seasonal-naive forecast can be compared on one scale;
dekking_80 is the share of weeks that fell inside the 80% interval. A series needs 104 weeks
of history before its first origin plus 8 weeks to check; shorter ones get no row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd  # type: ignore[import-untyped]

from koers.analysis.backtest import rolling_origin
from koers.analysis.series import DailySeries
from koers.engine import Warehouse

INPUTS = ("core.meldingen",)
CODE = (
    "koers.analysis.series",
    "koers.analysis.decompose",
    "koers.analysis.forecast",
    "koers.analysis.backtest",
)
# peildatum (the last day the backtest used) is not one of the served columns: it is there
# as the published table's date column, so a period filter on the table has a date to use.
COLUMNS = {
    "gemeente_code": "VARCHAR",
    "category": "VARCHAR",
    "voorspellingen": "BIGINT",
    "mase_model": "DOUBLE",
    "mase_seizoensnaief": "DOUBLE",
    "dekking_80": "DOUBLE",
    "peildatum": "DATE",
}

_COUNTS_SQL = """
SELECT gemeente_code, category, created_date, count(*) AS n
FROM core.meldingen
WHERE created_date IS NOT NULL AND category IS NOT NULL
GROUP BY gemeente_code, category, created_date
"""


def build(warehouse: Warehouse) -> pd.DataFrame:
    counts: dict[tuple[str, str], dict[dt.date, float]] = defaultdict(dict)
    first_day: dict[str, dt.date] = {}
    last_day: dict[str, dt.date] = {}
    for gemeente, category, day, n in warehouse.query(_COUNTS_SQL).rows:
        counts[gemeente, category][day] = float(n)
        first_day[gemeente] = min(first_day.get(gemeente, day), day)
        last_day[gemeente] = max(last_day.get(gemeente, day), day)
    rows = []
    for (gemeente, category), days in sorted(counts.items()):
        last = last_day[gemeente]
        end = last - dt.timedelta(days=(last.weekday() + 1) % 7)  # the last whole week
        if end <= first_day[gemeente]:
            continue
        series = DailySeries.from_counts(
            days, start=first_day[gemeente], end=end, name=f"{gemeente} / {category}"
        )
        try:
            result = rolling_origin(series)
        except ValueError:
            continue  # too little history for a single origin
        rows.append(
            (
                gemeente,
                category,
                result.forecasts,
                result.mase_model,
                result.mase_seasonal_naive,
                result.coverage_80,
                end,
            )
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
