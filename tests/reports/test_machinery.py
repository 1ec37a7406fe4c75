"""The parts of the report machinery that need no warehouse: periods, registry, derivations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.reports.council import Figure, Quarter, get_report
from koers.reports.council.document import derive
from koers.reports.council.period import ReportUsageError
from koers.reports.council.registry import available_reports


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_a_quarter_spans_its_three_months_and_steps_back_a_year(year: int, number: int) -> None:
    quarter = Quarter.parse(f"{year}-Q{number}")
    assert Quarter.parse(f"{year}-K{number}") == quarter
    assert quarter.first_day.month == 3 * number - 2 and quarter.first_day.day == 1
    assert (quarter.last_day + timedelta(days=1)).day == 1
    assert (quarter.last_day - quarter.first_day).days in range(89, 92)
    assert quarter.minus_years(1) == quarter.minus_quarters(4)
    assert Quarter.containing(quarter.last_day) == quarter
    assert quarter.minus_quarters(-1).first_day == quarter.last_day + timedelta(days=1)


@pytest.mark.parametrize("text", ["2025-Q5", "2025-Q0", "2025Q3", "Q3-2025", "juli 2025", ""])
def test_a_period_that_is_not_a_quarter_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(ReportUsageError, match="--period") as caught:
        Quarter.parse(text)
    assert caught.value.exit_code == 2


def test_the_registry_finds_the_meldingen_report_and_refuses_unknown_names() -> None:
    assert "meldingen" in available_reports()
    definition = get_report("meldingen")
    assert definition.name == "meldingen" and "meldingen" in definition.packs
    with pytest.raises(ReportUsageError, match="onbekend rapport 'x'"):
        get_report("x")


def test_derived_figures_compute_and_say_why_when_they_cannot() -> None:
    a, b = Figure(110.0, "aantal"), Figure(100.0, "aantal")
    assert derive("verandering_procent", a, b, unit="aantal").text == "+10,0%"
    assert derive("per_1000", a, Figure(20000.0, "aantal"), unit="aantal").text == "5,5"
    within = derive("verschil", Figure(80.5, "procent"), Figure(82.0, "procent"), unit="procent")
    assert within.text == "-1,5 procentpunt"
    assert derive("per_1000", a, Figure(0.0, "aantal"), unit="aantal").reason == "deling door nul"
    missing = derive("verschil", a, Figure(None, "aantal", "geen gegevens"), unit="aantal")
    assert missing.value is None and missing.text == "–" and missing.reason == "geen gegevens"
    assert date(2025, 7, 1).isoformat() == Quarter(2025, 3).key
