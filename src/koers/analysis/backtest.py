"""Rolling-origin backtests: would the forecast have helped in the past, and do its intervals
hold what they promise?

From each origin (a Monday) the model is fitted on the days before it only, forecasts the
next weeks, and is compared with what came. Errors are scaled as in MASE (Hyndman & Koehler,
2006): by the mean absolute error of the seasonal-naive forecast ("the same week a year
earlier", 52 weeks back) within the training data, so 1.0 means "as good as seasonal naive
in-sample" and the model and the seasonal-naive forecast of the same weeks can be compared
on one scale. Coverage is the share of actual weeks inside the 80% and 95% intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from koers.analysis.forecast import HORIZON_WEEKS, forecast_weeks
from koers.analysis.series import DailySeries, FloatArray

SEASON_WEEKS = 52
#: A fit needs two seasons: one to learn the season, one to scale the errors.
MIN_TRAINING_WEEKS = 2 * SEASON_WEEKS


@dataclass(frozen=True)
class Backtest:
    """Results over all origins and horizons of one series (or pooled, see :func:`pool`)."""

    series: str
    origins: int
    forecasts: int  # weeks forecast in all
    mase_model: float
    mase_seasonal_naive: float
    coverage_80: float
    coverage_95: float

    @property
    def beats_seasonal_naive(self) -> bool:
        return self.mase_model < self.mase_seasonal_naive


def seasonal_naive_scale(weekly: FloatArray, season: int = SEASON_WEEKS) -> float:
    """Mean absolute error of "same week last season" within ``weekly``: MASE's denominator."""
    if len(weekly) <= season:
        raise ValueError("Te weinig weken voor een seizoensnaïeve schaal.")
    return float(np.mean(np.abs(weekly[season:] - weekly[:-season])))


def mase(actual: FloatArray, forecast: FloatArray, scale: float) -> float:
    """Mean absolute scaled error; a zero scale (a flat history) makes every error infinite."""
    error = float(np.mean(np.abs(actual - forecast)))
    if scale == 0:
        return 0.0 if error == 0 else float("inf")
    return error / scale


def rolling_origin(
    series: DailySeries,
    *,
    origins: int = 12,
    step_weeks: int = 4,
    horizon_weeks: int = HORIZON_WEEKS,
) -> Backtest:
    """Backtest from ``origins`` Mondays, ``step_weeks`` apart, the last leaving
    ``horizon_weeks`` whole weeks of actuals; origins with too little history are skipped."""
    weekly = series.weekly()
    total = len(weekly)
    last_origin = total - horizon_weeks
    starts = [last_origin - i * step_weeks for i in range(origins)]
    starts = sorted(s for s in starts if s >= MIN_TRAINING_WEEKS)
    if not starts:
        raise ValueError("Te weinig geschiedenis voor een backtest.")
    model_errors, naive_errors, inside_80, inside_95 = [], [], [], []
    for origin in starts:
        cut = weekly.week_start(origin)
        history = series.slice(series.start, cut - dt.timedelta(days=1))
        train = weekly.values[:origin]
        scale = seasonal_naive_scale(train)
        forecast = forecast_weeks(history, horizon_weeks=horizon_weeks)
        assert forecast.first_week == cut
        actual = weekly.values[origin : origin + horizon_weeks]
        naive = weekly.values[origin - SEASON_WEEKS : origin - SEASON_WEEKS + horizon_weeks]
        model_errors.append(np.abs(actual - forecast.mean) / max(scale, 1e-9))
        naive_errors.append(np.abs(actual - naive) / max(scale, 1e-9))
        inside_80.append((actual >= forecast.lower_80) & (actual <= forecast.upper_80))
        inside_95.append((actual >= forecast.lower_95) & (actual <= forecast.upper_95))
    return Backtest(
        series=series.name,
        origins=len(starts),
        forecasts=len(starts) * horizon_weeks,
        mase_model=float(np.mean(np.concatenate(model_errors))),
        mase_seasonal_naive=float(np.mean(np.concatenate(naive_errors))),
        coverage_80=float(np.mean(np.concatenate(inside_80))),
        coverage_95=float(np.mean(np.concatenate(inside_95))),
    )


def pool(results: list[Backtest], name: str = "alle reeksen") -> Backtest:
    """Average over series, each weighted by its number of forecast weeks."""
    weights = np.array([r.forecasts for r in results], dtype=float)

    def mean(values: list[float]) -> float:
        return float(np.average(values, weights=weights))

    return Backtest(
        series=name,
        origins=sum(r.origins for r in results),
        forecasts=int(weights.sum()),
        mase_model=mean([r.mase_model for r in results]),
        mase_seasonal_naive=mean([r.mase_seasonal_naive for r in results]),
        coverage_80=mean([r.coverage_80 for r in results]),
        coverage_95=mean([r.coverage_95 for r in results]),
    )
