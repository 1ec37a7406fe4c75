"""Forecasts, their intervals and the backtest arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from koers.analysis.backtest import mase, pool, rolling_origin, seasonal_naive_scale
from koers.analysis.forecast import forecast_weeks, interval

from .synthetic import baseline, poisson_series

START = dt.date(2021, 1, 4)


def test_mase_on_hand_made_numbers() -> None:
    weekly = np.array([10.0, 12, 14, 11, 13, 15])
    # Season 3: |11-10|, |13-12|, |15-14| -> scale 1.
    assert seasonal_naive_scale(weekly, season=3) == 1.0
    assert mase(np.array([10.0, 20.0]), np.array([12.0, 17.0]), scale=2.0) == 1.25
    assert mase(np.array([3.0]), np.array([3.0]), scale=0.0) == 0.0
    assert mase(np.array([3.0]), np.array([4.0]), scale=0.0) == float("inf")


def test_interval_ends_are_the_whole_counts_nearest_the_nominal_tails() -> None:
    # Poisson(5): P(Y<3)=0.125 is nearer 10% than P(Y<2)=0.040; P(Y>8)=0.068 nearer than
    # P(Y>7)=0.133. Plain quantiles would give 2..8, holding 89% instead of 80%.
    lower, upper = interval(np.array([5.0]), np.array([5.0]), 0.80)
    assert (lower[0], upper[0]) == (3.0, 8.0)
    wide_lower, wide_upper = interval(np.array([5.0]), np.array([15.0]), 0.80)
    assert wide_lower[0] <= 2 and wide_upper[0] >= 10


def test_forecast_starts_the_monday_after_the_data_and_follows_the_season() -> None:
    days = 3 * 365 + 2  # ends on a Wednesday
    mean = baseline(START, days, level=10.0, season=0.5)
    series = poisson_series(mean, START, seed=11, name="reeks")
    forecast = forecast_weeks(series)
    assert forecast.first_week.weekday() == 0
    assert 1 <= (forecast.first_week - series.end).days <= 7
    assert len(forecast) == 8
    future = baseline(START, days + 70, level=10.0, season=0.5)
    offset = (forecast.first_week - START).days
    truth = future[offset : offset + 56].reshape(8, 7).sum(axis=1)
    np.testing.assert_allclose(forecast.mean, truth, rtol=0.1)
    assert np.all(forecast.lower_95 <= forecast.lower_80)
    assert np.all(forecast.lower_80 <= forecast.mean)
    assert np.all(forecast.mean <= forecast.upper_80)
    assert np.all(forecast.upper_80 <= forecast.upper_95)


def test_backtest_beats_seasonal_naive_and_intervals_hold() -> None:
    results = []
    for seed, level in ((12, 1.0), (13, 4.0), (14, 15.0)):
        mean = baseline(START, 4 * 365, level=level, season=0.6)
        results.append(rolling_origin(poisson_series(mean, START, seed=seed), origins=8))
    pooled = pool(results)
    assert pooled.forecasts == 3 * 8 * 8
    assert pooled.mase_model < 0.9 * pooled.mase_seasonal_naive
    assert 0.7 <= pooled.coverage_80 <= 0.9
    assert pooled.coverage_95 >= 0.88


def test_backtest_needs_two_seasons() -> None:
    series = poisson_series(baseline(START, 500, level=3.0), START, seed=1)
    with pytest.raises(ValueError, match="geschiedenis"):
        rolling_origin(series)
