"""Analysis benchmark: 300 daily series of six years through every step of koers.analysis.

    .venv/bin/python benchmarks/analysis.py              # 300 series (the target)
    .venv/bin/python benchmarks/analysis.py --series 60  # a quick look

The series come from the meldingen demo generator's own plan (``make_plan``: baseline per
inhabitant per day and category, with the planted weather and calendar peaks from the KNMI
file), drawn as Poisson counts with a fixed seed, the way ``generate_meldingen`` draws its
counts, but without writing and re-reading CSV rows, which would time the generator instead.
Shape: 3 demo gemeenten x the 10 largest subcategories x 10 wijken. The demo has 3-11 kernen
per gemeente; here each gemeente is split into 10 equal wijken at scale 10, so one wijk has
about the volume of its whole gemeente at scale 1.

Timed, per series: decomposition, peak detection, cause ranking of every peak (weather,
calendar), and an 8-week forecast with intervals. Work is spread over two processes, one per
core, each with one BLAS thread (for these small matrices, OpenBLAS threads only contend).

Target (issue 6): all 300 series in under 60 s on the 2-core machine.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

from koers.analysis.causes import CauseContext, DailyWeatherSeries, rank_causes  # noqa: E402
from koers.analysis.decompose import decompose  # noqa: E402
from koers.analysis.forecast import forecast_weeks  # noqa: E402
from koers.analysis.peaks import detect_peaks  # noqa: E402
from koers.analysis.series import DailySeries  # noqa: E402
from koers.demo.geography import DEMO_GEMEENTEN  # noqa: E402
from koers.demo.weather import load_weather  # noqa: E402
from koers.packs.meldingen.demo_categories import CATEGORIES  # noqa: E402
from koers.packs.meldingen.demo_plan import make_plan  # noqa: E402

SERIES = 300
SEED = 20261123
START, END = dt.date(2020, 1, 1), dt.date(2025, 12, 31)
WIJKEN = 10
SCALE = 10.0
TARGET_S = 60.0
WORKERS = 2

Job = tuple[str, str, np.ndarray]  # gemeente_code, name, daily counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=SERIES)
    args = parser.parse_args()
    jobs = _series()[: args.series]
    days = len(jobs[0][2])
    print(f"{len(jobs)} reeksen van {days} dagen ({START} t/m {END}), {WORKERS} processen")
    started = time.perf_counter()
    with ProcessPoolExecutor(WORKERS, initializer=_init) as pool:
        results = list(pool.map(_analyse, jobs, chunksize=10))
    seconds = time.perf_counter() - started
    peaks = sum(r[0] for r in results)
    causes = sum(r[1] for r in results)
    per_s = len(jobs) / seconds
    print(
        f"{len(jobs)} reeksen in {seconds:.1f} s: {per_s:.1f} reeksen/s; "
        f"{peaks} pieken, {causes} kandidaat-oorzaken, {len(jobs)} voorspellingen van 8 weken"
    )
    result = {
        "benchmark": "analysis",
        "series": len(jobs),
        "days_per_series": days,
        "workers": WORKERS,
        "peaks": peaks,
        "causes": causes,
        "seconds": round(seconds, 1),
        "series_per_s": round(per_s, 1),
        "target_s": TARGET_S,
        "met": seconds < TARGET_S and len(jobs) >= SERIES,
    }
    print(json.dumps(result))


def _series() -> list[Job]:
    """3 gemeenten x 10 largest subcategories x 10 equal wijken, Poisson draws of the plan."""
    plan = make_plan(START, END)
    largest = np.argsort([-c.share_pct for c in CATEGORIES], kind="stable")[:10]
    extra = np.zeros_like(plan.base_rate)
    np.add.at(extra, (plan.extra_day, plan.extra_category), plan.extra_rate)
    rate = plan.base_rate + extra
    rng = np.random.default_rng(SEED)
    jobs = []
    for gemeente in DEMO_GEMEENTEN:
        people = gemeente.inwoners * SCALE / WIJKEN
        for category in largest:
            for wijk in range(WIJKEN):
                counts = rng.poisson(rate[:, category] * people).astype(float)
                name = f"{gemeente.code} wijk {wijk + 1:02d} {CATEGORIES[category].sub}"
                jobs.append((gemeente.code, name, counts))
    return jobs


_WEATHER: DailyWeatherSeries | None = None


def _init() -> None:
    global _WEATHER  # noqa: PLW0603 - one copy per worker process, read once
    _WEATHER = DailyWeatherSeries.from_rows(
        {"datum": day, **vars(w)} for day, w in load_weather().items()
    )


def _analyse(job: Job) -> tuple[int, int]:
    gemeente_code, name, counts = job
    series = DailySeries(START, counts, name)
    fit = decompose(series)
    peaks = detect_peaks(series, fit)
    context = CauseContext(weather=_WEATHER, gemeente_code=gemeente_code)
    causes = sum(len(rank_causes(fit, peak, context)) for peak in peaks)
    forecast_weeks(series, fit)
    return len(peaks), causes


if __name__ == "__main__":
    main()
