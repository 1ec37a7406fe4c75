"""Dutch sentences whose every number is a traceable fact."""

from __future__ import annotations

import datetime as dt

import numpy as np

from koers.analysis.backtest import Backtest
from koers.analysis.causes import Cause
from koers.analysis.forecast import WeeklyForecast
from koers.analysis.narrative import (
    Source,
    backtest_sentence,
    forecast_sentence,
    main_share,
    peak_sentence,
)
from koers.analysis.peaks import Peak

PEAK = Peak(
    series="meldingen GM0299 Openbaar groen en water",
    first=dt.date(2025, 10, 21),
    last=dt.date(2025, 10, 22),
    peak_day=dt.date(2025, 10, 21),
    observed=1380.0,
    expected=1000.0,
    p_value=1e-9,
    q_value=1e-7,
)
STORM = Cause(
    code="storm", label="Storm", evidence="windstoten tot 24 m/s op 21-10; ...", score=12.0,
    lift=3.1, history_days=14, value=24.0, unit="m/s", value_day=dt.date(2025, 10, 21),
)  # fmt: skip


def test_the_issue_example_reads_in_dutch_with_dutch_numbers() -> None:
    where = Source("meldingen per wijk", PEAK.first, PEAK.last, "meeste extra meldingen")
    share = main_share(
        {"over groen in Zevenaar-Centrum": 300.0, "over groen in Babberich": 80.0}, where
    )
    sentence = peak_sentence(PEAK, causes=[STORM], main_share=share, by_week=True)
    assert sentence.text == (
        "In week 43 kwamen 38% meer meldingen binnen dan verwacht (1.380 in plaats van 1.000), "
        "vooral over groen in Zevenaar-Centrum; op 21 oktober waaiden windstoten tot 24 m/s."
    )


def test_every_number_carries_its_source() -> None:
    sentence = peak_sentence(PEAK, causes=[STORM], query="SELECT ... FROM marts.meldingen_dag")
    assert sentence.text.startswith("Van 21 oktober tot en met 22 oktober kwamen 38% meer")
    for name, fact in sentence.facts.items():
        assert fact.text in sentence.text, name
        assert fact.source.computation
    assert sentence.facts["percent"].value == 38
    assert sentence.facts["observed"].source.query.startswith("SELECT")
    assert "seizoensbasislijn" in sentence.facts["expected"].source.computation
    assert sentence.facts["cause_value"].source.computation.startswith("windstoten")


def test_no_main_share_when_the_excess_is_spread() -> None:
    source = Source("x", None, None, "y")
    assert main_share({"a": 10.0, "b": 9.0, "c": 11.0}, source) is None
    assert main_share({"a": -3.0}, source) is None


def test_forecast_and_backtest_sentences() -> None:
    forecast = WeeklyForecast(
        "meldingen GM0299", dt.date(2025, 11, 3), np.array([1200.5, 1234.0]),
        np.array([1100.0, 1120.0]), np.array([1300.0, 1380.0]),
        np.array([1050.0, 1080.0]), np.array([1350.0, 1420.0]),
    )  # fmt: skip
    assert forecast_sentence(forecast).text == (
        "Voor de 2 weken vanaf 3 november verwachten we 2.434 meldingen; per week ligt het "
        "aantal met 80% zekerheid tussen 1.100 en 1.380."
    )
    backtest = Backtest("x", 12, 96, 0.73, 1.0, 0.834, 0.96)
    assert backtest_sentence(backtest).text == (
        "In 96 voorspelde weken uit het verleden zat de voorspelling er gemiddeld 27% minder "
        "naast dan 'dezelfde week vorig jaar'; 83% van de weken viel binnen het 80%-interval."
    )
