"""Candidate causes: the cause that usually lifts a series ranks first, with its evidence."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np

from koers.analysis.causes import (
    CauseContext,
    DailyWeatherSeries,
    Event,
    WeatherThresholds,
    rank_causes,
)
from koers.analysis.decompose import decompose
from koers.analysis.peaks import detect_peaks
from koers.analysis.series import DailySeries

from .synthetic import baseline

START = dt.date(2021, 1, 4)
DAYS = 3 * 365


def _world(seed: int) -> tuple[DailySeries, DailyWeatherSeries, list[int]]:
    """Tree reports that jump on storm days and the day after; frost does nothing to them."""
    rng = np.random.default_rng(seed)
    gust = rng.uniform(5, 15, DAYS)
    storms = sorted(rng.choice(np.arange(10, DAYS - 10), 12, replace=False).tolist())
    gust[storms] = rng.uniform(21, 30, len(storms))
    t_min = rng.normal(5, 6, DAYS)
    mean = baseline(START, DAYS, level=2.0)
    for day in storms:
        mean[day] += 3 * (gust[day] - 19)
        mean[day + 1] += 1.5 * (gust[day] - 19)
    weather = DailyWeatherSeries(START, gust, np.zeros(DAYS), t_min, t_min + 8)
    series = DailySeries(START, rng.poisson(mean).astype(float), "bomen")
    return series, weather, storms


def test_storm_ranks_first_with_gusts_as_evidence_even_on_a_frosty_day() -> None:
    series, weather, storms = _world(seed=7)
    weather.temperatuur_min_c[storms] = -4.0  # every storm day also froze
    fit = decompose(series)
    peaks = detect_peaks(series, fit)
    context = CauseContext(weather=weather)
    hits = [p for p in peaks if any(p.covers(START + dt.timedelta(days=d)) for d in storms)]
    assert len(hits) >= 10
    for peak in hits:
        causes = rank_causes(fit, peak, context)
        assert causes[0].code == "storm"
        assert causes[0].lift > 2
        assert causes[0].unit == "m/s"
        assert causes[0].evidence.startswith("windstoten tot ")
        assert "vorst" in {c.code for c in causes[1:]}  # a candidate, ranked lower


def test_evidence_names_the_strongest_gust_and_its_day() -> None:
    series, weather, storms = _world(seed=8)
    day = storms[3]
    weather.windstoot_max_ms[day] = 24.0
    fit = decompose(series)
    peak = next(p for p in detect_peaks(series, fit) if p.covers(START + dt.timedelta(days=day)))
    storm = rank_causes(fit, peak, CauseContext(weather=weather))[0]
    when = START + dt.timedelta(days=day)
    assert storm.value == 24.0 and storm.value_day == when
    assert storm.evidence.startswith(f"windstoten tot 24 m/s op {when:%d-%m}; op ")
    assert "keer zoveel meldingen als verwacht" in storm.evidence


def test_a_users_event_is_a_candidate_only_in_its_own_gemeente() -> None:
    mean = baseline(START, DAYS, level=3.0)
    values = np.random.default_rng(9).poisson(mean).astype(float)
    values[500:502] += 30
    series = DailySeries(START, values, "afval")
    fit = decompose(series)
    (peak,) = detect_peaks(series, fit)
    fair = Event(peak.first, peak.last, "kermis", gemeente_code="GM0299")
    here = rank_causes(fit, peak, CauseContext(events=[fair], gemeente_code="GM0299"))
    elsewhere = rank_causes(fit, peak, CauseContext(events=[fair], gemeente_code="GM0226"))
    assert here[0].code == "evenement" and "kermis" in here[0].evidence
    assert all(c.code != "evenement" for c in elsewhere)


def test_new_years_eve_is_a_calendar_candidate() -> None:
    mean = baseline(START, DAYS, level=0.3)
    values = np.random.default_rng(10).poisson(mean).astype(float)
    for year in (2021, 2022, 2023):
        values[(dt.date(year, 12, 31) - START).days] += 8
    series = DailySeries(START, values, "vuurwerk")
    fit = decompose(series)
    peaks = detect_peaks(series, fit)
    assert {p.first for p in peaks} >= {dt.date(2022, 12, 31), dt.date(2023, 12, 31)}
    for peak in peaks:
        assert rank_causes(fit, peak, CauseContext())[0].code == "oud_en_nieuw"


def test_thresholds_match_the_warehouse_seed() -> None:
    seed = resources.files("koers.packs.weer").joinpath("seeds/weer_drempels.csv")
    with resources.as_file(seed) as path:
        assert WeatherThresholds.from_csv(path) == WeatherThresholds()


def test_weather_from_warehouse_rows_keeps_gaps_unknown() -> None:
    weather = DailyWeatherSeries.from_rows(
        [
            {"datum": "2025-10-21", "windstoot_max_ms": 24.0, "neerslag_mm": 3.1,
             "temperatuur_min_c": 8.0, "temperatuur_max_c": 14.0},
            {"datum": dt.date(2025, 10, 23), "windstoot_max_ms": None, "neerslag_mm": 0.0,
             "temperatuur_min_c": 6.0, "temperatuur_max_c": 12.0},
        ]
    )  # fmt: skip
    gusts = weather.on(dt.date(2025, 10, 20), 5, "windstoot_max_ms")
    assert np.isnan(gusts[[0, 2, 3, 4]]).all() and gusts[1] == 24.0
