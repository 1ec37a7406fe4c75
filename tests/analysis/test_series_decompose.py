"""Daily series and the robust seasonal decomposition."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from koers.analysis.decompose import decompose
from koers.analysis.series import DailySeries

from .synthetic import WEEKDAY, baseline, poisson_series

START = dt.date(2021, 1, 4)  # a Monday


def test_missing_days_are_zero_and_repeated_days_add_up() -> None:
    series = DailySeries.from_counts(
        [(dt.date(2025, 3, 1), 2), (dt.date(2025, 3, 4), 5), (dt.date(2025, 3, 4), 1)]
    )
    assert series.values.tolist() == [2.0, 0.0, 0.0, 6.0]
    assert series.end == dt.date(2025, 3, 4)
    wider = DailySeries.from_counts({dt.date(2025, 3, 2): 1}, start=dt.date(2025, 3, 1))
    assert wider.values.tolist() == [0.0, 1.0]


def test_weekly_sums_whole_iso_weeks_only() -> None:
    # Wednesday 1 Jan 2025 .. Wednesday 15 Jan: one whole week (Mon 6 .. Sun 12).
    series = DailySeries(dt.date(2025, 1, 1), np.arange(15, dtype=float))
    weekly = series.weekly()
    assert weekly.start == dt.date(2025, 1, 6)
    assert weekly.values.tolist() == [float(sum(range(5, 12)))]
    assert weekly.label(0) == "2025-W02"


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negatieve"):
        DailySeries(START, np.array([1.0, -1.0]))


def test_decomposition_recovers_a_known_weekly_pattern_and_season() -> None:
    mean = baseline(START, 3 * 365, level=20.0, season=0.5)
    fit = decompose(poisson_series(mean, START, seed=1))
    # A week in early March has no holidays: its factors must match Mon..Sun.
    monday = (dt.date(2022, 3, 7) - START).days
    found = fit.weekly[monday : monday + 7]
    truth = WEEKDAY / np.exp(np.log(WEEKDAY).mean())
    np.testing.assert_allclose(found, truth, rtol=0.04)
    # The yearly part follows the planted sine: high in spring, low in autumn.
    spring, autumn = (dt.date(2022, 4, 1) - START).days, (dt.date(2022, 10, 1) - START).days
    assert fit.yearly[spring] / fit.yearly[autumn] == pytest.approx(np.exp(1.0), rel=0.1)
    assert np.mean(np.abs(fit.expected / mean - 1)) < 0.03
    np.testing.assert_allclose(fit.trend * fit.weekly * fit.yearly, fit.expected)
    np.testing.assert_allclose(fit.expected + fit.remainder, fit.series.values)


def test_an_outlier_hardly_moves_the_robust_baseline() -> None:
    mean = baseline(START, 2 * 365, level=5.0)
    clean = poisson_series(mean, START, seed=2)
    values = clean.values.copy()
    day = 400
    values[day : day + 3] += 80  # a three-day storm
    spiked = DailySeries(START, values)
    robust = decompose(spiked)
    plain = decompose(spiked, robust=False)
    reference = decompose(clean)
    shift_robust = abs(robust.expected[day] / reference.expected[day] - 1)
    shift_plain = abs(plain.expected[day] / reference.expected[day] - 1)
    assert shift_robust < 0.05 < shift_plain
    assert robust.weights[day] < 0.5
