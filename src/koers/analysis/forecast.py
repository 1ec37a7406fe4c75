"""Weekly forecasts with 80% and 95% prediction intervals, for planning crews.

The forecast is the baseline of :mod:`koers.analysis.decompose` carried forward: weekday and
time-of-year effects as fitted, the trend held at its last value (a slope extrapolated over
eight weeks is a guess, a level is not), summed over each ISO week. The spread of a week's
total is that of a negative-binomial count with the fitted dispersion, widened by how much
more the past weekly totals scattered around the baseline than that model says (``inflation``,
at least 1), plus the uncertainty of the level itself (about 1/sqrt of the reports it rests
on). Peak days are down-weighted in the fit, so a storm last month does not lift next month.

Why not ETS/SARIMA on weekly sums: with 0-20 reports a week per category and wijk they have
few degrees of freedom per season and assume normal errors; the count model uses every day's
information and gives intervals that respect zero. The rolling-origin backtests in
:mod:`koers.analysis.backtest` compare it with seasonal naive; docs/analysis.md has figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from koers.analysis.decompose import Decomposition, decompose
from koers.analysis.series import DailySeries, FloatArray

HORIZON_WEEKS = 8
LEVELS = (0.80, 0.95)
#: The level rests on roughly this many recent days when its uncertainty is judged.
LEVEL_WINDOW_DAYS = 182


@dataclass(frozen=True)
class WeeklyForecast:
    """Forecast per ISO week from ``first_week`` (a Monday); arrays have one entry a week."""

    series: str
    first_week: dt.date
    mean: FloatArray
    lower_80: FloatArray
    upper_80: FloatArray
    lower_95: FloatArray
    upper_95: FloatArray

    def week_start(self, index: int) -> dt.date:
        return self.first_week + dt.timedelta(weeks=index)

    def __len__(self) -> int:
        return len(self.mean)


def forecast_weeks(
    series: DailySeries,
    decomposition: Decomposition | None = None,
    *,
    horizon_weeks: int = HORIZON_WEEKS,
) -> WeeklyForecast:
    """The next ``horizon_weeks`` whole ISO weeks after the series ends."""
    fit = decomposition if decomposition is not None else decompose(series)
    model = fit.model
    after = series.end + dt.timedelta(days=1)
    first_week = after + dt.timedelta(days=(7 - after.weekday()) % 7)
    first_day = int(np.datetime64(first_week, "D").astype(np.int64))
    days = first_day + np.arange(7 * horizon_weeks, dtype=np.int64)
    mu_day = model.expected(days, hold_trend=True).reshape(horizon_weeks, 7)
    mean = mu_day.sum(axis=1)
    alpha = model.dispersion
    count_variance = mean + alpha * (mu_day**2).sum(axis=1)
    variance = count_variance * weekly_inflation(fit) + mean**2 * level_variance(fit)
    bounds = [interval(mean, variance, level) for level in LEVELS]
    return WeeklyForecast(
        series.name, first_week, mean, bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]
    )


def weekly_inflation(fit: Decomposition) -> float:
    """How much more past weekly totals scattered than the count model says, at least 1.

    The median of the squared standardised residuals over the whole weeks, divided by the
    median of chi-square(1) (0.455): robust to the few weeks with a peak in them.
    """
    observed = fit.series.weekly().values
    offset = (7 - fit.series.start.weekday()) % 7
    whole = len(observed)
    mu = fit.expected[offset : offset + 7 * whole].reshape(whole, 7)
    expected = mu.sum(axis=1)
    variance = expected + fit.dispersion * (mu**2).sum(axis=1)
    z2 = (observed - expected) ** 2 / np.maximum(variance, 1e-9)
    return max(1.0, float(np.median(z2)) / float(stats.chi2.ppf(0.5, 1)))


def level_variance(fit: Decomposition) -> float:
    """Variance of the log level at the end: about 1 / reports in the last half year."""
    recent = fit.series.values[-LEVEL_WINDOW_DAYS:]
    return 1.0 / (float(recent.sum()) + 1.0)


def interval(mean: FloatArray, variance: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Interval of a count with this mean and variance (negative binomial when the variance
    exceeds the mean, else Poisson), in whole reports.

    Each end is the whole number whose tail probability is nearest to the nominal one (10%
    each side for 80%). The plain quantiles would always err on the wide side: for a mean of
    5 reports, the 10% and 90% quantiles 2 and 8 hold 89% of the chance, not 80%.
    """
    tail = (1.0 - level) / 2.0
    mean = np.maximum(mean, 1e-9)
    over = variance > mean * (1.0 + 1e-9)
    size = np.where(over, mean**2 / np.maximum(variance - mean, 1e-12), 1.0)
    p = size / (size + mean)

    def cdf(k: FloatArray) -> FloatArray:
        return np.asarray(
            np.where(over, stats.nbinom.cdf(k, size, p), stats.poisson.cdf(k, mean)), dtype=float
        )

    def ppf(q: float) -> FloatArray:
        return np.asarray(
            np.where(over, stats.nbinom.ppf(q, size, p), stats.poisson.ppf(q, mean)), dtype=float
        )

    lower = ppf(tail)
    below_at, below_next = cdf(lower - 1), cdf(lower)  # P(Y < lower), P(Y < lower + 1)
    lower = np.where(below_next - tail < tail - below_at, lower + 1, lower)
    upper = ppf(1.0 - tail)
    above_at, above_prev = 1.0 - cdf(upper), 1.0 - cdf(upper - 1)  # P(Y > upper), P(Y > upper - 1)
    upper = np.where(above_prev - tail < tail - above_at, upper - 1, upper)
    return np.asarray(lower, dtype=float), np.asarray(np.maximum(upper, lower), dtype=float)
