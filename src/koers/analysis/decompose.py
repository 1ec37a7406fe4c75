"""Seasonal baseline of a daily count series: trend x weekday x time of year, fitted robustly.

Every later step (peaks, causes, forecasts) asks the same question: how many reports were
to be expected on this day? The answer is a log-linear count model

    log E[y_t] = trend(t) + weekday(t) + yearly(t)

with a piecewise-linear trend (a knot each year, penalised so it stays smooth; knots closer
than a year would let the trend mimic the season), one
effect per weekday (a Dutch public holiday counts as a Sunday: offices are closed and people
report as on a Sunday), and ``harmonics`` sine/cosine pairs of the day of the year. It is
fitted by iteratively reweighted least squares for a Poisson or negative-binomial count, with
Huber weights on deviance residuals so that peaks (the very thing we look for) hardly pull
the baseline up. Deviance residuals, not Pearson ones, because on sparse series (a category
in one wijk: 0.1 report a day) a single report is a Pearson residual of 3 and would be
down-weighted until the baseline collapses towards zero.

Why not STL/MSTL: they work on the additive scale, need a transformation for counts of 0-2
a day and take ~20x longer; this model has ~30 columns and fits in a few milliseconds, which
the benchmark (300 series of six years, all steps, < 60 s on 2 cores) needs. See
docs/analysis.md for the parameters and their limits.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from koers.analysis.calendar import NEW_YEAR_DAYS
from koers.analysis.series import DailySeries, FloatArray
from koers.transform.calendar import public_holidays

DAYS_PER_YEAR = 365.25
#: Sine/cosine pairs of the day of the year. Four follow a season that rises over a month or
#: two (wasps, black ice) without bending into a short recurring peak such as New Year's Eve.
HARMONICS = 4
TREND_KNOT_DAYS = 365
#: Huber cut-off on deviance residuals: beyond 2 a day's weight falls as 2/|r|.
HUBER_C = 2.0
#: Beyond this deviance residual a day's weight falls further, to 0 at twice it: a storm
#: day 20 residuals out should not bend the season at all, as Huber weights alone let it.
REJECT_FROM = 6.0
#: Pearson residual beyond which a day is left out of the dispersion estimate.
DISPERSION_CUT = 4.0
DISPERSION_ROUNDS = 10
#: Iterations without robust weights first, so the season is in place before days are
#: judged against it (judged against a flat start, a busy summer would look like a peak).
PLAIN_ITERATIONS = 4
#: Ridge penalties, in units of expected reports (a prior worth that many reports):
#: slope changes of the trend are held back hard, the other effects only against singularity.
TREND_PENALTY = 200.0
OTHER_PENALTY = 0.5
MAX_ITERATIONS = 25
TOLERANCE = 1e-6

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BaselineModel:
    """A fitted baseline that can be evaluated on any day, the future included.

    ``coefficients`` belong to the columns of :func:`design`; ``dispersion`` is the
    negative-binomial alpha (variance = mu + alpha mu^2; 0 is Poisson).
    """

    first_day: int  # day number (days since 1970-01-01) of the fitted series' first day
    last_day: int
    harmonics: int
    knots: FloatArray  # in years since first_day
    coefficients: FloatArray
    dispersion: float

    def log_parts(
        self, day_numbers: IntArray, *, hold_trend: bool = False
    ) -> dict[str, FloatArray]:
        """Trend, weekday and yearly parts on the log scale; each seasonal part averages 0
        over a week or a year, so the trend carries the level. ``hold_trend`` keeps the trend
        at its last fitted value after the data end (a forecast does not extrapolate a slope)."""
        days = np.minimum(day_numbers, self.last_day) if hold_trend else day_numbers
        trend_x = _trend_columns(days, self.first_day, self.knots)
        weekday_x = _weekday_columns(day_numbers)
        yearly_x = _yearly_columns(day_numbers, self.harmonics)
        n_trend = trend_x.shape[1]
        beta_trend = self.coefficients[:n_trend]
        beta_week = self.coefficients[n_trend : n_trend + 6]
        beta_year = self.coefficients[n_trend + 6 :]
        weekday = weekday_x @ beta_week
        week_mean = float(beta_week.sum()) / 7.0  # Monday is the reference (0)
        return {
            "trend": trend_x @ beta_trend + week_mean,
            "weekday": weekday - week_mean,
            "yearly": yearly_x @ beta_year,
        }

    def expected(self, day_numbers: IntArray, *, hold_trend: bool = False) -> FloatArray:
        parts = self.log_parts(day_numbers, hold_trend=hold_trend)
        return np.exp(parts["trend"] + parts["weekday"] + parts["yearly"])


@dataclass(frozen=True)
class Decomposition:
    """Observed = trend x weekly x yearly + remainder, all per day of ``series``.

    ``trend`` is in reports per day on an average weekday and time of year; ``weekly`` and
    ``yearly`` are factors around 1; ``weights`` are the robust weights (below 1: the day
    was treated as unusual while fitting).
    """

    series: DailySeries
    model: BaselineModel
    trend: FloatArray
    weekly: FloatArray
    yearly: FloatArray
    expected: FloatArray
    remainder: FloatArray
    weights: FloatArray

    @property
    def dispersion(self) -> float:
        return self.model.dispersion


def decompose(
    series: DailySeries,
    *,
    harmonics: int = HARMONICS,
    trend_knot_days: int = TREND_KNOT_DAYS,
    robust: bool = True,
    leave_out: Collection[tuple[int, int]] = NEW_YEAR_DAYS,
) -> Decomposition:
    """Fit the baseline of ``series`` and split it into its parts.

    Days whose (month, day) is in ``leave_out`` get no weight in the fit, though the
    baseline is still given for them: by default the fireworks days around New Year, which
    recur on the same dates every year and would otherwise be absorbed by the yearly
    season, so that the New Year peak would disappear from every year at once.

    Works from a few weeks of data; the yearly part is only estimated when the series spans
    at least a year (before that, ``yearly`` is 1 and seasonality is left in the trend).
    """
    days = series.day_numbers()
    prior = np.ones(len(days))
    if leave_out:
        prior[_on_month_days(days, leave_out)] = 0.0
    span_years = len(days) / DAYS_PER_YEAR
    harmonics = harmonics if span_years >= 1.0 else 0
    knots = np.arange(trend_knot_days, len(days) - trend_knot_days // 2, trend_knot_days) / (
        DAYS_PER_YEAR
    )
    x = design(days, days[0], knots, harmonics)
    n_trend = 2 + len(knots)
    penalty = np.full(x.shape[1], OTHER_PENALTY)
    penalty[0] = 0.0
    penalty[2:n_trend] = TREND_PENALTY
    y = series.values
    beta, weights, mu = _irls(x, y, prior, penalty, 0.0, robust)
    dispersion = estimate_dispersion(y, mu, weights * prior)
    if dispersion > 0:
        beta, weights, mu = _irls(x, y, prior, penalty, dispersion, robust, beta)
        dispersion = estimate_dispersion(y, mu, weights * prior)
    model = BaselineModel(int(days[0]), int(days[-1]), harmonics, knots, beta, dispersion)
    parts = model.log_parts(days)
    expected = np.exp(parts["trend"] + parts["weekday"] + parts["yearly"])
    return Decomposition(
        series=series,
        model=model,
        trend=np.exp(parts["trend"]),
        weekly=np.exp(parts["weekday"]),
        yearly=np.exp(parts["yearly"]),
        expected=expected,
        remainder=y - expected,
        weights=weights,
    )


def design(days: IntArray, first_day: int, knots: FloatArray, harmonics: int) -> FloatArray:
    """Columns: intercept, slope, hinges at ``knots``, Tue..Sun, then sin/cos pairs."""
    return np.hstack(
        [
            _trend_columns(days, first_day, knots),
            _weekday_columns(days),
            _yearly_columns(days, harmonics),
        ]
    )


def estimate_dispersion(y: FloatArray, mu: FloatArray, weights: FloatArray) -> float:
    """Negative-binomial alpha by moments, leaving out days far outside the model.

    A day is left out when its Pearson residual under the current alpha exceeds
    ``DISPERSION_CUT`` (or the fit gave it no weight): that keeps peaks from passing as
    overdispersion, which would make every later peak look ordinary, while cutting so far
    out that the noise itself is hardly trimmed (trimming at the Huber cut of 2 would
    throw away the very tails that show overdispersion). Three rounds settle the cut and
    alpha together. Below 0.01 the count is treated as Poisson.
    """
    alpha = 0.0
    usable = weights > 0
    for _ in range(DISPERSION_ROUNDS):
        z = (y - mu) / np.sqrt(mu + alpha * mu**2)
        kept = usable & (np.abs(z) <= DISPERSION_CUT)
        if kept.sum() < 30:
            return 0.0
        excess = float(np.sum((y[kept] - mu[kept]) ** 2 - mu[kept]))
        alpha = max(0.0, excess / float(np.sum(mu[kept] ** 2)))
    return alpha if alpha >= 0.01 else 0.0


def _irls(
    x: FloatArray,
    y: FloatArray,
    prior: FloatArray,
    penalty: FloatArray,
    alpha: float,
    robust: bool,
    start: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Penalised, Huber-weighted IRLS for a log-link count model; returns beta, weights, mu."""
    if start is None:
        beta = np.zeros(x.shape[1])
        beta[0] = np.log(max(float(y.mean()), 0.01))
    else:
        beta = start.copy()
    robust_w = np.ones(len(y))
    mu = np.exp(np.clip(x @ beta, -30.0, 30.0))
    for iteration in range(MAX_ITERATIONS):
        eta = np.clip(x @ beta, -30.0, 30.0)
        mu = np.exp(eta)
        if robust and (start is not None or iteration >= PLAIN_ITERATIONS):
            robust_w = huber_weights(deviance_residuals(y, mu, alpha))
        working = mu / (1.0 + alpha * mu)  # mu^2 / variance
        w = working * robust_w * prior
        z = eta + (y - mu) / mu
        xtw = x.T * w
        new = np.asarray(np.linalg.solve(xtw @ x + np.diag(penalty), xtw @ z), dtype=np.float64)
        change = float(np.max(np.abs(new - beta)))
        beta = new
        if change < TOLERANCE and (
            not robust or start is not None or iteration >= PLAIN_ITERATIONS
        ):
            break
    mu = np.exp(np.clip(x @ beta, -30.0, 30.0))
    if robust:
        robust_w = huber_weights(deviance_residuals(y, mu, alpha))
    return beta, robust_w, mu


def deviance_residuals(y: FloatArray, mu: FloatArray, alpha: float = 0.0) -> FloatArray:
    """Signed square root of each day's deviance contribution (Poisson or NB)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(y > 0, y * np.log(y / mu), 0.0)
        if alpha > 0:
            r = 1.0 / alpha
            d = 2.0 * (log_term - (y + r) * np.log((y + r) / (mu + r)))
        else:
            d = 2.0 * (log_term - (y - mu))
    return np.sign(y - mu) * np.sqrt(np.maximum(d, 0.0))


def huber_weights(
    residuals: FloatArray, c: float = HUBER_C, reject_from: float = REJECT_FROM
) -> FloatArray:
    """Huber weights (1 up to ``c``, then c/|r|), fading to 0 between ``reject_from`` and
    twice that."""
    size = np.abs(residuals)
    huber = np.where(size <= c, 1.0, c / np.maximum(size, 1e-12))
    fade = np.clip((2.0 * reject_from - size) / reject_from, 0.0, 1.0)
    return np.asarray(huber * fade, dtype=np.float64)


def _trend_columns(days: IntArray, first_day: int, knots: FloatArray) -> FloatArray:
    years = (days - first_day) / DAYS_PER_YEAR
    hinges = np.maximum(years[:, None] - knots[None, :], 0.0)
    columns: FloatArray = np.hstack([np.ones((len(days), 1)), years[:, None], hinges])
    return columns


def _weekday_columns(days: IntArray) -> FloatArray:
    """Tue..Sun indicators, Monday the reference; public holidays as Sunday."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3)
    weekday = np.where(
        np.isin(days, _holiday_day_numbers(int(days.min()), int(days.max()))), 6, weekday
    )
    columns: FloatArray = (weekday[:, None] == np.arange(1, 7)[None, :]).astype(np.float64)
    return columns


def _yearly_columns(days: IntArray, harmonics: int) -> FloatArray:
    if harmonics == 0:
        return np.zeros((len(days), 0))
    phase = 2.0 * np.pi * (days / DAYS_PER_YEAR)
    k = np.arange(1, harmonics + 1)
    angles = phase[:, None] * k[None, :]
    return np.hstack([np.sin(angles), np.cos(angles)])


def _holiday_day_numbers(first: int, last: int) -> IntArray:
    epoch = dt.date(1970, 1, 1)
    years = range(
        (epoch + dt.timedelta(days=first)).year, (epoch + dt.timedelta(days=last)).year + 1
    )
    return _holidays_for_years(years.start, years.stop)


@functools.cache
def _holidays_for_years(first_year: int, stop_year: int) -> IntArray:
    days = [d for year in range(first_year, stop_year) for d in public_holidays(year)]
    return np.array(days, dtype="datetime64[D]").astype(np.int64)


def _on_month_days(
    days: IntArray, month_days: Collection[tuple[int, int]]
) -> npt.NDArray[np.bool_]:
    """Which day numbers fall on one of the (month, day) pairs, in any year."""
    stamps = days.astype("datetime64[D]")
    month = stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (stamps - stamps.astype("datetime64[M]")).astype(np.int64) + 1
    code = month * 100 + day
    return np.isin(code, [m * 100 + d for m, d in month_days])
