"""Peak detection: planted spikes are found, seasons and noise are not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from koers.analysis.peaks import benjamini_hochberg, detect_peaks, upper_tail
from koers.analysis.series import DailySeries

from .synthetic import baseline, poisson_series

START = dt.date(2022, 1, 3)


def test_a_planted_spike_is_found_with_its_size() -> None:
    mean = baseline(START, 2 * 365, level=4.0, season=0.3)
    series = poisson_series(mean, START, seed=3)
    values = series.values.copy()
    values[300] += 25
    values[301] += 10
    peaks = detect_peaks(DailySeries(START, values, "spike"))
    assert len(peaks) == 1
    peak = peaks[0]
    assert peak.first == START + dt.timedelta(days=300)
    assert peak.last == START + dt.timedelta(days=301)
    assert peak.extra == pytest.approx(35, abs=8)
    assert peak.percent > 200
    assert peak.q_value <= 0.05
    assert peak.series == "spike"


def test_a_seasonal_bump_is_not_a_peak() -> None:
    # Summer triples the volume every year: the season, not news.
    mean = baseline(START, 4 * 365, level=3.0, season=1.1)
    assert detect_peaks(poisson_series(mean, START, seed=4)) == []


def test_false_discovery_rate_holds_on_pure_noise() -> None:
    # Under pure noise every alarm is false, so BH at 5% allows an alarm in <= 5% of series.
    mean = baseline(START, 2 * 365, level=2.0, season=0.4)
    with_alarm = sum(bool(detect_peaks(poisson_series(mean, START, seed=s))) for s in range(200))
    assert with_alarm / 200 <= 0.08


def test_overdispersed_noise_does_not_flood_with_alarms() -> None:
    rng = np.random.default_rng(5)
    mean = baseline(START, 2 * 365, level=6.0)
    alarms = 0
    for _ in range(60):
        gamma = rng.gamma(shape=4.0, scale=0.25, size=len(mean))  # NB with alpha 0.25
        alarms += bool(detect_peaks(DailySeries(START, rng.poisson(mean * gamma).astype(float))))
    assert alarms / 60 <= 0.1


def test_benjamini_hochberg_on_hand_made_p_values() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.20])
    # Sorted 0.01, 0.03, 0.04, 0.20 -> x4/1, x4/2, x4/3, x4/4 -> 0.04, 0.06, 0.0533, 0.20,
    # then the running minimum from the top: 0.04, 0.0533, 0.0533, 0.20.
    np.testing.assert_allclose(benjamini_hochberg(p), [0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_upper_tail_is_poisson_without_dispersion() -> None:
    p = upper_tail(np.array([0.0, 3.0]), np.array([1.0, 1.0]), 0.0)
    assert p[0] == 1.0
    assert p[1] == pytest.approx(1 - np.exp(-1) * (1 + 1 + 0.5))
    # Overdispersion fattens the tail.
    assert (
        upper_tail(np.array([8.0]), np.array([2.0]), 0.5)[0]
        > upper_tail(np.array([8.0]), np.array([2.0]), 0.0)[0]
    )
