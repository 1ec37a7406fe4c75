"""The analysis against the meldingen demo's planted ground truth (issue 6's checks).

Data: ``koers demo``'s defaults (seed 20261123, scale 1, six years: 2020-2025), read back from
the exports like ingestion would, as daily counts per gemeente and (Hoofdcategorie,
Subcategorie); weather from the same KNMI file the generator used.

What counts (also in docs/analysis.md):

- A planted peak is *found* when a detected episode of the same gemeente and category covers
  its date. Recall is over the planted peaks *in scope*: single-day peaks an oracle could see,
  i.e. whose median count (Poisson, baseline + planted mean) would pass a Bonferroni test at
  5% over the series' days against the true baseline. Most planted peaks are far smaller (a
  frost day adds 0.15-0.75 reports per 10,000 inhabitants, less than one report in Westervoort
  at scale 1) and no method can tell them from noise. Bladval is out of scope: it is a
  three-month season that returns every autumn, which the yearly seasonality is meant to absorb.
- A detection is *true* when its days overlap any planted extra of the same gemeente and
  category (in scope or not, bladval included: those reports were really planted); the others
  are false positives. Precision = true / all detections.
- Cause: the best-ranked candidate of the episode that found an in-scope peak must be the
  planted cause.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from scipy import stats  # type: ignore[import-untyped]

from koers.analysis.backtest import pool, rolling_origin
from koers.analysis.causes import CauseContext, DailyWeatherSeries, rank_causes
from koers.analysis.decompose import decompose
from koers.analysis.peaks import FDR, Peak, detect_peaks
from koers.analysis.series import DailySeries
from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.weather import load_weather
from koers.packs.meldingen.demo import MeldingenGroundTruth, PlantedPeak, generate_meldingen
from koers.packs.meldingen.demo_categories import CATEGORY_INDEX
from koers.packs.meldingen.demo_plan import make_plan

pytestmark = pytest.mark.slow

SEED = 20261123
START, END = dt.date(2020, 1, 1), dt.date(2025, 12, 31)
Key = tuple[str, str, str]  # gemeente_code, Hoofdcategorie, Subcategorie


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[MeldingenGroundTruth, dict[Key, DailySeries]]:
    out = tmp_path_factory.mktemp("meldingen")
    truth = generate_meldingen(out, seed=SEED, start=START, end=END)
    return truth, _daily_counts(out)


def _daily_counts(out: Path) -> dict[Key, DailySeries]:
    counts: dict[Key, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for path in sorted(out.glob("GM*/meldingen_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                try:
                    day = dt.datetime.strptime(row["Datum melding"][:10], "%d-%m-%Y").date()
                except ValueError:
                    continue  # a planted malformed row, which ingestion quarantines
                if row["Hoofdcategorie"]:
                    key = (path.parent.name, row["Hoofdcategorie"], row["Subcategorie"])
                    counts[key][day] += 1
    return {
        key: DailySeries.from_counts(days, start=START, end=END, name=" / ".join(key))
        for key, days in counts.items()
    }


def _weather() -> DailyWeatherSeries:
    return DailyWeatherSeries.from_rows(
        {"datum": day, **vars(w)} for day, w in load_weather().items()
    )


def _in_scope(peak: PlantedPeak, baseline: float, days: int) -> bool:
    if peak.cause == "bladval" or peak.days != 1:
        return False
    median = stats.poisson.ppf(0.5, baseline + peak.expected_extra)
    return bool(stats.poisson.sf(median - 1, baseline) < FDR / days)


def test_planted_peaks_are_found_and_their_causes_ranked_first(
    demo: tuple[MeldingenGroundTruth, dict[Key, DailySeries]],
) -> None:
    truth, series = demo
    context_weather = _weather()
    detected: dict[Key, list[Peak]] = {}
    best_cause: dict[tuple[Key, dt.date], str | None] = {}
    for key, daily in series.items():
        fit = decompose(daily)
        detected[key] = detect_peaks(daily, fit)
        context = CauseContext(weather=context_weather, gemeente_code=key[0])
        for peak in detected[key]:
            ranked = rank_causes(fit, peak, context)
            best_cause[key, peak.first] = ranked[0].code if ranked else None

    plan = make_plan(START, END)
    inhabitants = {g.code: g.inwoners for g in DEMO_GEMEENTEN}
    n_days = (END - START).days + 1
    in_scope, found, cause_first = 0, 0, 0
    for planted in truth.peaks:
        assert planted.gemeente_code is not None
        key = (planted.gemeente_code, planted.hoofdcategorie, planted.category)
        day = (planted.date - START).days
        base = plan.base_rate[day, CATEGORY_INDEX[key[1], key[2]]] * inhabitants[key[0]]
        if not _in_scope(planted, float(base), n_days):
            continue
        in_scope += 1
        match = next((p for p in detected.get(key, []) if p.covers(planted.date)), None)
        if match is not None:
            found += 1
            cause_first += best_cause[key, match.first] == planted.cause

    planted_days: dict[Key, set[dt.date]] = defaultdict(set)
    for planted in truth.peaks:
        assert planted.gemeente_code is not None
        key = (planted.gemeente_code, planted.hoofdcategorie, planted.category)
        planted_days[key].update(planted.date + dt.timedelta(days=i) for i in range(planted.days))
    detections = [(key, p) for key, peaks in detected.items() for p in peaks]
    true = sum(
        any(p.first + dt.timedelta(days=i) in planted_days[key] for i in range(p.days))
        for key, p in detections
    )

    assert in_scope >= 100, "the scope rule left too few planted peaks to judge"
    assert found / in_scope >= 0.9, f"recall {found}/{in_scope}"
    assert true / len(detections) >= 0.8, f"precision {true}/{len(detections)}"
    assert cause_first / found >= 0.8, f"planted cause first {cause_first}/{found}"


def test_forecasts_beat_seasonal_naive_with_honest_intervals(
    demo: tuple[MeldingenGroundTruth, dict[Key, DailySeries]],
) -> None:
    # Series busy enough to plan crews by: on average at least one report a week.
    _, series = demo
    busy = [s for s in series.values() if s.values.sum() >= 6 * 52]
    assert len(busy) >= 40
    pooled = pool([rolling_origin(s, origins=6, step_weeks=8) for s in busy])
    assert pooled.mase_model < pooled.mase_seasonal_naive
    assert 0.7 <= pooled.coverage_80 <= 0.9
