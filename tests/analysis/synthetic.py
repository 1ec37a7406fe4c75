"""Synthetic daily counts with a known baseline, shared by the analysis tests."""

from __future__ import annotations

import datetime as dt

import numpy as np

from koers.analysis.series import DailySeries
from koers.transform.calendar import public_holidays

WEEKDAY = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.8, 0.9])  # Mon..Sun


def baseline(start: dt.date, days: int, level: float, season: float = 0.0) -> np.ndarray:
    """Expected counts: level x weekday (holidays as Sunday) x exp(season x yearly sine)."""
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    closed = {d for year in range(start.year, dates[-1].year + 1) for d in public_holidays(year)}
    weekday = np.array([6 if d in closed else d.weekday() for d in dates])
    day_of_year = np.array([d.timetuple().tm_yday for d in dates])
    season_factor = np.exp(season * np.sin(2 * np.pi * day_of_year / 365.25))
    return np.asarray(level * WEEKDAY[weekday] * season_factor, dtype=float)


def poisson_series(mean: np.ndarray, start: dt.date, seed: int, name: str = "test") -> DailySeries:
    rng = np.random.default_rng(seed)
    return DailySeries(start, rng.poisson(mean).astype(float), name)
