"""Demo generator for the meldingen pack: Fixi/Signalen-style exports of fictitious reports.

``koers demo`` writes these files as if a municipality exported them from its meldingen system
and opened them in Excel, so ingestion, the pack's models and the peak analysis all run on
input that looks and misbehaves like the real thing. Volumes, category shares, seasonality and
handling times follow docs/demo-data.md (sources in the shared domain facts, section 4.3);
weather peaks come from real KNMI observations (station Herwijnen). The ground truth returned
says which peaks and bad rows were planted, so tests and the demo can check what Koers finds.

The generator streams: per gemeente and calendar year it first draws the counts per day and
category (so the file's size and its planted bad rows are known), then makes and writes the
rows in chunks of about ``CHUNK_ROWS`` days' worth, so memory stays bounded at any scale or
period (``--scale 100`` writes over ten million rows). The plan is in ``demo_plan``, the
tables in ``demo_categories`` and the text formatting in ``demo_lines``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from koers.demo.exports import gemeente_rng
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.meldingen.demo_categories import (
    CATEGORIES,
    HEADER,
    HOUR_PROFILES,
    SLO_IN_CALENDAR_DAYS,
    SLO_TARGET_DAYS,
)
from koers.packs.meldingen.demo_events import write_events
from koers.packs.meldingen.demo_lines import (
    AFGEHANDELD,
    GEANNULEERD,
    GEMELD,
    IN_BEHANDELING,
    LineFormatter,
    csv_field,
    draw_texts,
)
from koers.packs.meldingen.demo_plan import (
    BASE_RATE_PER_INHABITANT,
    CAUSES,
    Plan,
    dutch_holidays,
    leaf_season_start,
    make_plan,
)

__all__ = [
    "BASE_RATE_PER_INHABITANT",
    "HEADER",
    "MeldingenGroundTruth",
    "PlantedPeak",
    "dutch_holidays",
    "generate_demo",
    "generate_meldingen",
    "write_ground_truth",
]

# Planted malformed rows [U]: 1 in 2,000, and at least one in every file of 500 rows or more.
MALFORMED_SHARE = 0.0005
MALFORMED_MIN_FILE_ROWS = 500
CANCELLED_SHARE = 0.02  # [U]
# Lognormal handling time with its median at 45% of the target and sigma 0.85: ~83% within the
# target and ~1% beyond three times it before peak slowdowns [U]. Verlichting then averages
# ~13 days, shorter than Fixi's ~20, which includes complex cases this model leaves out.
HANDLING_MEDIAN_FRACTION = 0.45
HANDLING_SIGMA = 0.85
MAX_PEAK_SLOWDOWN = 3.0
#: Rows made and written at a time (whole days, so a chunk may be a little larger). It bounds
#: memory; changing it changes the draws, so it is fixed for reproducible output.
CHUNK_ROWS = 1 << 17

_SLO = np.array([c.slo for c in CATEGORIES])
_HOUR_PROFILE = np.array([list(HOUR_PROFILES).index(c.hours) for c in CATEGORIES])


@dataclass(frozen=True)
class PlantedPeak:
    """Extra meldingen planted on top of the baseline, so peak detection can be checked.

    ``expected_extra`` is the Poisson mean, ``planted`` the rows actually added (a few may
    later have been made malformed). Peaks are recorded per gemeente because their size scales
    with inhabitants; ``gemeente_code`` None would mean all gemeenten. ``days`` > 1 marks a
    season (bladval) starting at ``date``, with totals over the span.
    """

    date: dt.date
    gemeente_code: str | None
    category: str  # Subcategorie
    cause: str  # storm, zware_regen, vorst, hitte, oud_en_nieuw, bladval
    expected_extra: float
    hoofdcategorie: str
    planted: int
    days: int = 1
    #: Planted rows per wijk code: a peak is spread over the wijken by inhabitants.
    wijken: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MeldingenGroundTruth:
    """What the generator planted; rows are 1-based data rows, the header not counted."""

    total_rows: int  # rows written, malformed ones included
    malformed_rows: dict[str, list[int]]  # file name -> planted bad data rows
    peaks: list[PlantedPeak]
    per_gemeente: dict[str, int]  # well-formed rows per gemeente_code
    pii_rows: dict[str, list[int]] = field(default_factory=dict)  # e-mail/phone/address in text


@dataclass(frozen=True)
class _Year:
    """One gemeente's calendar year drawn before its rows: counts and planted bad rows.

    Day arrays are relative to ``first``, the year's first day index in the plan; ``extra``
    holds indexes into the plan's extras that fall in the year.
    """

    year: int
    first: int
    counts: npt.NDArray[np.int64]  # (day, category) baseline rows
    extra: npt.NDArray[np.int64]
    extra_mean: npt.NDArray[np.float64]
    extra_counts: npt.NDArray[np.int64]
    load: npt.NDArray[np.float64]  # (day, category): how far peaks swamp the team, >= 1
    rows: int
    bad: npt.NDArray[np.int64]  # sorted 0-based rows made malformed
    bad_kind: npt.NDArray[np.int64]
    bad_pick: npt.NDArray[np.int64]


def _draw_year(
    gemeente: Gemeente,
    plan: Plan,
    span: tuple[int, int, int],
    rng: np.random.Generator,
    scale: float,
) -> _Year:
    """Draw counts per day and category (Poisson) and which rows will be malformed."""
    year, first, stop = span
    people = gemeente.inwoners * scale
    base_mean = plan.base_rate[first:stop] * people
    counts = rng.poisson(base_mean)
    extra = np.flatnonzero((plan.extra_day >= first) & (plan.extra_day < stop))
    extra_mean = plan.extra_rate[extra] * people
    extra_counts = rng.poisson(extra_mean)
    extra_dense = np.zeros_like(base_mean)
    np.add.at(extra_dense, (plan.extra_day[extra] - first, plan.extra_category[extra]), extra_mean)
    load = 1.0 + extra_dense / np.maximum(base_mean, 1e-9)
    rows = int(counts.sum() + extra_counts.sum())
    k = max(int(rng.binomial(rows, MALFORMED_SHARE)), int(rows >= MALFORMED_MIN_FILE_ROWS))
    bad = np.sort(rng.choice(rows, size=k, replace=False)) if k else np.zeros(0, np.int64)
    kind, pick = rng.integers(0, 3, k), rng.integers(0, 1000, k)
    return _Year(
        year,
        first,
        counts,
        extra,
        extra_mean,
        extra_counts,
        load,
        rows,
        bad,
        kind,
        pick,
    )


def _chunks(drawn: _Year, plan: Plan) -> list[tuple[int, int]]:
    """Consecutive day ranges (relative to the year) of about ``CHUNK_ROWS`` rows each."""
    per_day = drawn.counts.sum(axis=1) + np.bincount(
        plan.extra_day[drawn.extra] - drawn.first,
        weights=drawn.extra_counts,
        minlength=len(drawn.counts),
    ).astype(np.int64)
    before = np.cumsum(per_day) - per_day
    starts = np.flatnonzero(np.diff(before // CHUNK_ROWS, prepend=-1)).tolist()
    return list(zip(starts, [*starts[1:], len(per_day)], strict=True))


@dataclass(frozen=True)
class _Cases:
    """A chunk's meldingen as parallel arrays, sorted by report time."""

    category: npt.NDArray[np.int64]
    cause: npt.NDArray[np.int64]  # index into CAUSES, -1 for the baseline
    wijk: npt.NDArray[np.int64]
    reported: npt.NDArray[np.int64]  # minutes since the plan's first day, local time
    load: npt.NDArray[np.float64]


def _draw_cases(
    gemeente: Gemeente, plan: Plan, drawn: _Year, days: tuple[int, int], rng: np.random.Generator
) -> _Cases:
    """When each melding of days ``days`` (relative to the year) came in, and from where."""
    a, b = days
    counts = drawn.counts[a:b]
    cells = np.repeat(np.arange(counts.size), counts.ravel())
    extra_day = plan.extra_day[drawn.extra] - drawn.first
    in_chunk = (extra_day >= a) & (extra_day < b)
    extra_counts = drawn.extra_counts[in_chunk]
    day = np.concatenate(
        [cells // len(CATEGORIES) + a, np.repeat(extra_day[in_chunk], extra_counts)]
    )
    category = np.concatenate(
        [
            cells % len(CATEGORIES),
            np.repeat(plan.extra_category[drawn.extra][in_chunk], extra_counts),
        ]
    )
    cause = np.concatenate(
        [np.full(len(cells), -1), np.repeat(plan.extra_cause[drawn.extra][in_chunk], extra_counts)]
    )
    n = len(day)

    weights = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    wijk = rng.choice(len(gemeente.wijken), size=n, p=weights / weights.sum())
    hour = np.zeros(n, dtype=np.int64)
    profile = _HOUR_PROFILE[category]
    for index, raw in enumerate(HOUR_PROFILES.values()):
        chosen = profile == index
        hour[chosen] = rng.choice(24, size=int(chosen.sum()), p=np.array(raw) / sum(raw))
    minute = hour * 60 + rng.integers(0, 60, n)
    # Local times from 02:00 to 03:00 do not exist on the day summer time starts.
    minute += 60 * (plan.dst_start[day + drawn.first] & (minute >= 120) & (minute < 180))
    reported = (day + drawn.first) * 1440 + minute
    order = np.argsort(reported, kind="stable")
    return _Cases(
        category[order],
        cause[order],
        wijk[order],
        reported[order],
        drawn.load[day, category][order],
    )


def _close(
    cases: _Cases, plan: Plan, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Closing minute and whether cancelled: lognormal around the target, slower in a peak."""
    n = len(cases.category)
    slo = _SLO[cases.category]
    slowdown = np.minimum(cases.load**0.35, MAX_PEAK_SLOWDOWN)
    noise = np.exp(HANDLING_SIGMA * rng.standard_normal(n))
    duration = SLO_TARGET_DAYS[slo] * HANDLING_MEDIAN_FRACTION * slowdown * noise
    cancelled = rng.random(n) < CANCELLED_SHARE
    duration = np.where(cancelled, rng.uniform(0.0, 2.0, n), duration)
    whole = np.floor(duration).astype(np.int64)
    start = np.datetime64(plan.start, "D")
    reported_on = start + cases.reported // 1440
    holidays = plan.holidays
    calendar = SLO_IN_CALENDAR_DAYS[slo] & ~cancelled
    close_on = np.where(
        calendar,
        np.busday_offset(reported_on + whole, 0, roll="forward", holidays=holidays),
        np.busday_offset(reported_on, whole, roll="forward", holidays=holidays),
    )
    minute = rng.integers(8 * 60, 17 * 60, n)  # office hours
    closed = (close_on - start).astype(np.int64) * 1440 + minute
    next_workday = np.busday_offset(reported_on, 1, roll="forward", holidays=holidays)
    retry = (next_workday - start).astype(np.int64) * 1440 + minute
    return np.where(closed < cases.reported + 15, retry, closed), cancelled


def _status(
    cases: _Cases,
    closed: npt.NDArray[np.int64],
    cancelled: npt.NDArray[np.bool_],
    end_minute: int,
    rng: np.random.Generator,
) -> npt.NDArray[np.int64]:
    """Open at the end date: mostly still 'In behandeling', fresh ones often only 'Gemeld'."""
    still_open = closed >= end_minute
    fresh = (end_minute - cases.reported) < 2 * 1440
    reported_only = still_open & (fresh | (rng.random(len(closed)) < 0.25))
    done = np.where(cancelled, GEANNULEERD, AFGEHANDELD)
    return np.where(still_open, np.where(reported_only, GEMELD, IN_BEHANDELING), done)


def _write_year(
    path: Path,
    gemeente: Gemeente,
    plan: Plan,
    drawn: _Year,
    formatter: LineFormatter,
    first_number: int,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], Counter[tuple[int, int, int, int]]]:
    """Make and write one export chunk by chunk; returns its rows with personal data and the
    planted rows counted per (plan day, category, cause, wijk)."""
    end_minute = len(plan.days) * 1440  # nothing closes after the end date
    pii_rows = []
    planted: Counter[tuple[int, int, int, int]] = Counter()
    written = 0
    with path.open("wb") as handle:
        handle.write(("\ufeff" + ";".join(map(csv_field, HEADER)) + "\r\n").encode("utf-8"))
        for days in _chunks(drawn, plan):
            cases = _draw_cases(gemeente, plan, drawn, days, rng)
            closed, cancelled = _close(cases, plan, rng)
            status = _status(cases, closed, cancelled, end_minute, rng)
            texts, pii = draw_texts(rng, cases.category, cases.cause, cases.wijk, gemeente)
            n = len(texts)
            in_chunk = (drawn.bad >= written) & (drawn.bad < written + n)
            broken = zip(
                (drawn.bad[in_chunk] - written).tolist(),
                drawn.bad_kind[in_chunk].tolist(),
                drawn.bad_pick[in_chunk].tolist(),
                strict=True,
            )
            data = formatter.chunk(
                first_number + written,
                cases.reported,
                closed,
                cases.category,
                cases.wijk,
                status,
                texts,
                list(broken),
                drawn.year,
            )
            handle.write(data)
            pii_rows.append(np.flatnonzero(pii) + written + 1)
            extra = cases.cause >= 0
            keys = np.stack(
                [
                    cases.reported[extra] // 1440,
                    cases.category[extra],
                    cases.cause[extra],
                    cases.wijk[extra],
                ],
                axis=1,
            )
            found, counts = np.unique(keys, axis=0, return_counts=True)
            for (day, category, cause, wijk), count in zip(
                found.tolist(), counts.tolist(), strict=True
            ):
                planted[day, category, cause, wijk] += count
            written += n
    assert written == drawn.rows
    return np.concatenate([np.zeros(0, np.int64), *pii_rows]), planted


_PeakKey = tuple[dt.date, int, str]


def _peak_key(plan: Plan, day_index: int, category: int, cause_index: int) -> _PeakKey:
    """A peak's key: its first day (a leaf-fall season counts as one peak), category, cause."""
    day = plan.days[day_index]
    cause = CAUSES[cause_index]
    first = max(leaf_season_start(day), plan.start) if cause == "bladval" else day
    return first, category, cause


def _merge_wijken(
    wijken: dict[_PeakKey, Counter[str]],
    plan: Plan,
    gemeente: Gemeente,
    planted: Counter[tuple[int, int, int, int]],
) -> None:
    for (day_index, category, cause_index, wijk), count in planted.items():
        key = _peak_key(plan, day_index, category, cause_index)
        wijken.setdefault(key, Counter())[gemeente.wijken[wijk].code] += count


def _merge_peaks(
    merged: dict[tuple[dt.date, int, str], list[float]], plan: Plan, drawn: _Year
) -> None:
    """Add a year's extras per day, category and cause; a leaf-fall season is one entry."""
    for extra, mean, count in zip(
        drawn.extra.tolist(), drawn.extra_mean.tolist(), drawn.extra_counts.tolist(), strict=True
    ):
        day = plan.days[int(plan.extra_day[extra])]
        first, category, cause = _peak_key(
            plan,
            int(plan.extra_day[extra]),
            int(plan.extra_category[extra]),
            int(plan.extra_cause[extra]),
        )
        entry = merged.setdefault((first, category, cause), [0.0, 0.0, 1.0])
        entry[0] += mean
        entry[1] += count
        entry[2] = max(entry[2], (day - first).days + 1)


def _peaks(
    gemeente_code: str,
    merged: dict[tuple[dt.date, int, str], list[float]],
    wijken: dict[_PeakKey, Counter[str]],
) -> list[PlantedPeak]:
    return [
        PlantedPeak(
            day,
            gemeente_code,
            CATEGORIES[c].sub,
            cause,
            round(v[0], 3),
            CATEGORIES[c].hoofd,
            int(v[1]),
            int(v[2]),
            dict(sorted(wijken.get((day, c, cause), Counter()).items())),
        )
        for (day, c, cause), v in sorted(merged.items())
    ]


def generate_meldingen(
    out_dir: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> MeldingenGroundTruth:
    """Write one export per gemeente per calendar year from ``start`` to ``end`` inclusive.

    Files are ``out_dir/<code>/meldingen_<code>_<year>.csv``. The same seed and arguments give
    byte-identical files. Each gemeente and year draws from its own stream (seed, the number in
    the ``GMnnnn`` code, the year), so adding a gemeente does not change the others. Memory
    does not grow with ``scale`` or the period: rows are written as they are made.
    """
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    plan = make_plan(start, end)
    malformed: dict[str, list[int]] = {}
    pii_rows: dict[str, list[int]] = {}
    per_gemeente: dict[str, int] = {}
    peaks: list[PlantedPeak] = []
    total = 0
    for gemeente in gemeenten:
        formatter = LineFormatter(gemeente, plan.days)
        folder = out_dir / gemeente.code
        folder.mkdir(parents=True, exist_ok=True)
        merged: dict[tuple[dt.date, int, str], list[float]] = {}
        wijken: dict[_PeakKey, Counter[str]] = {}
        per_gemeente[gemeente.code] = 0
        number = 1  # Meldingnummers run on over the years of one gemeente
        for span in plan.years():
            rng = gemeente_rng(seed, gemeente.code, f"jaar{span[0]}")
            drawn = _draw_year(gemeente, plan, span, rng, scale)
            name = f"meldingen_{gemeente.code}_{drawn.year}.csv"
            pii, planted = _write_year(folder / name, gemeente, plan, drawn, formatter, number, rng)
            _merge_peaks(merged, plan, drawn)
            _merge_wijken(wijken, plan, gemeente, planted)
            malformed[name] = (drawn.bad + 1).tolist()
            pii_rows[name] = pii.tolist()
            per_gemeente[gemeente.code] += drawn.rows - len(drawn.bad)
            total += drawn.rows
            number += drawn.rows
        peaks += _peaks(gemeente.code, merged, wijken)
    return MeldingenGroundTruth(total, malformed, peaks, per_gemeente, pii_rows)


def generate_demo(
    bronnen: Path, *, seed: int, start: dt.date, end: dt.date, scale: float = 1.0
) -> MeldingenGroundTruth:
    """The pack's demo: the meldingen exports in ``bronnen/meldingen/<code>/`` and the team's
    events list in ``bronnen/gebeurtenissen/`` (no extra meldingen are planted on its days)."""
    truth = generate_meldingen(bronnen / "meldingen", seed=seed, start=start, end=end, scale=scale)
    write_events(bronnen / "gebeurtenissen", start, end)
    return truth


def write_ground_truth(truth: MeldingenGroundTruth, path: Path) -> None:
    """Write the ground truth as JSON (ISO dates) next to the exports, for the demo's check."""

    def encode(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"Niet naar JSON om te zetten: {type(value).__name__}")

    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(truth), default=encode, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
