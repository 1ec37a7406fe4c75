"""Candidate causes of a peak, from weather, the calendar and the user's own events table.

A cause is a candidate for an episode when it happened on one of its days or, for weather,
the day before (a storm's fallen trees are reported the next morning too). Candidates are
ranked by what the series itself has taught: on the other days with the same cause (the
episode left out), how many times the baseline did this series run? That ratio, the *lift*,
is shrunk towards 1 with ``PRIOR_EXPECTED`` reports so that a cause seen twice cannot look
decisive. The score is the Poisson log-likelihood ratio of the episode's days under "the
baseline times the lift" against "the baseline": it is large when the cause usually raises
this series and the episode is high on the days the cause touched, near 0 when the cause
leaves this series alone, whatever else coincided with it (a frosty day during a storm).

An event from the user's table has no history, so its lift is taken from the episode itself,
square-rooted (half the log): a recorded event on the very days is evidence, but unlearned.
Thresholds are those of the warehouse (``weer_drempels`` in the weer pack, equal to
:mod:`koers.demo.weather` by a test there); pass others to :class:`WeatherThresholds`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from koers.analysis.calendar import (
    NEW_YEAR_DAYS,
    SchoolHoliday,
    public_holiday_names,
    school_holiday_on,
)
from koers.analysis.decompose import Decomposition
from koers.analysis.peaks import Peak
from koers.analysis.series import FloatArray
from koers.demo.weather import FROST_BELOW_C, HEAT_FROM_C, HEAVY_RAIN_MM, STORM_GUST_MS
from koers.formatting import dutch_date, number

#: Reports of pseudo-evidence for "no effect" in the lift: (seen + 3) / (expected + 3).
PRIOR_EXPECTED = 3.0
WEATHER_LAGS = (0, 1)

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class WeatherThresholds:
    """When a day counts as storm, heavy rain, frost or heat (``oorzaak``/``drempel``)."""

    storm_gust_ms: float = STORM_GUST_MS
    heavy_rain_mm: float = HEAVY_RAIN_MM
    frost_below_c: float = FROST_BELOW_C
    heat_from_c: float = HEAT_FROM_C

    @classmethod
    def from_csv(cls, path: Path) -> WeatherThresholds:
        """Read a ``weer_drempels.csv`` (columns oorzaak, drempel) as the warehouse uses it."""
        with path.open(encoding="utf-8", newline="") as handle:
            values = {row["oorzaak"]: float(row["drempel"]) for row in csv.DictReader(handle)}
        return cls(
            storm_gust_ms=values["storm"],
            heavy_rain_mm=values["zware_regen"],
            frost_below_c=values["vorst"],
            heat_from_c=values["hitte"],
        )


@dataclass(frozen=True)
class DailyWeatherSeries:
    """Day values from ``start`` (NaN where unknown), the columns of ``core.weer_dag``."""

    start: dt.date
    windstoot_max_ms: FloatArray
    neerslag_mm: FloatArray
    temperatuur_min_c: FloatArray
    temperatuur_max_c: FloatArray

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> DailyWeatherSeries:
        """Rows with ``datum`` and the four value columns (None for unknown)."""
        by_day = {_as_date(row["datum"]): row for row in rows}
        if not by_day:
            raise ValueError("Geen weergegevens.")
        start, end = min(by_day), max(by_day)
        n = (end - start).days + 1
        columns = ("windstoot_max_ms", "neerslag_mm", "temperatuur_min_c", "temperatuur_max_c")
        values = {name: np.full(n, np.nan) for name in columns}
        for day, row in by_day.items():
            for name in columns:
                value = row.get(name)
                if value is not None:
                    values[name][(day - start).days] = float(value)  # type: ignore[arg-type]
        return cls(start, *(values[name] for name in columns))

    def on(self, start: dt.date, n: int, column: str) -> FloatArray:
        """``n`` days of ``column`` from ``start``, NaN outside the known days."""
        source: FloatArray = getattr(self, column)
        out = np.full(n, np.nan)
        offset = (start - self.start).days
        a, b = max(0, -offset), min(n, len(source) - offset)
        if b > a:
            out[a:b] = source[offset + a : offset + b]
        return out


@dataclass(frozen=True)
class Event:
    """A row of the user's events table: a fair, road works, a clean-up day."""

    first: dt.date
    last: dt.date
    description: str
    gemeente_code: str | None = None  # None: everywhere
    wijk_code: str | None = None  # None: the whole gemeente


@dataclass(frozen=True)
class CauseContext:
    """Everything known about the days around a series, passed in as plain data."""

    weather: DailyWeatherSeries | None = None
    thresholds: WeatherThresholds = field(default_factory=WeatherThresholds)
    events: Sequence[Event] = ()
    school_holidays: Sequence[SchoolHoliday] = ()
    gemeente_code: str | None = None
    wijk_code: str | None = None


@dataclass(frozen=True)
class Cause:
    """One candidate cause of one peak, with the numbers that make its evidence.

    ``code``: storm, zware_regen, vorst, hitte, oud_en_nieuw, feestdag, schoolvakantie or
    evenement. ``value``/``unit``/``value_day``: the strongest reading on the episode's days
    (e.g. 24 m/s on 21-10). ``lift``: reports per expected report on the cause's other days
    in this series (for an event: from the episode itself); ``history_days`` how many days
    that rests on. ``evidence`` is the Dutch sentence a page shows.
    """

    code: str
    label: str
    evidence: str
    score: float
    lift: float
    history_days: int
    value: float | None = None
    unit: str = ""
    value_day: dt.date | None = None


def rank_causes(decomposition: Decomposition, peak: Peak, context: CauseContext) -> list[Cause]:
    """The candidate causes of ``peak``, best first (highest score, then fewest days)."""
    series = decomposition.series
    n = len(series)
    y, mu = series.values, decomposition.expected
    a, b = series.index_of(peak.first), series.index_of(peak.last) + 1
    in_episode = np.zeros(n, dtype=bool)
    in_episode[a:b] = True
    candidates = []
    for trigger in _triggers(series.start, n, context):
        affected = _shift_any(trigger.days, trigger.lags)
        touched = affected & in_episode
        if not touched.any():
            continue
        if trigger.code == "evenement":
            lift = float(np.sqrt(max(y[touched].sum(), 0.0) / max(mu[touched].sum(), 1e-9)))
            history = 0
        else:
            history_mask = affected & ~in_episode
            lift = (float(y[history_mask].sum()) + PRIOR_EXPECTED) / (
                float(mu[history_mask].sum()) + PRIOR_EXPECTED
            )
            history = int(trigger.days[~in_episode].sum())
        score = _log_likelihood_ratio(y[touched], mu[touched], lift)
        candidates.append(trigger.cause(series.start, a, b, lift, history, score))
    candidates.sort(key=lambda c: (-c.score, c.code))
    return candidates


def _log_likelihood_ratio(y: FloatArray, mu: FloatArray, lift: float) -> float:
    """Poisson LLR of "mu x lift" against "mu"; 0 when the lift does not raise the series."""
    if lift <= 1.0:
        return 0.0
    return float(np.sum(y * np.log(lift) - mu * (lift - 1.0)))


@dataclass(frozen=True)
class _Trigger:
    code: str
    label: str
    days: BoolArray  # the days the cause happened, over the series' span
    lags: tuple[int, ...]
    reading: FloatArray | None = None  # day values for the evidence, if a measurement
    unit: str = ""
    higher_is_stronger: bool = True
    describe: str = ""  # evidence template for a measurement: {value} {unit} {day}
    names: Sequence[str] = ()  # per-day name (holidays, events)

    def cause(
        self, start: dt.date, a: int, b: int, lift: float, history: int, score: float
    ) -> Cause:
        # The days of the episode on which (or the day before which) the cause happened.
        lo = max(0, a - max(self.lags))
        hit = np.flatnonzero(self.days[lo:b]) + lo
        value = value_day = None
        if self.reading is not None:
            readings = self.reading[hit]
            pick = int(
                np.nanargmax(readings) if self.higher_is_stronger else np.nanargmin(readings)
            )
            value = float(readings[pick])
            value_day = start + dt.timedelta(days=int(hit[pick]))
            what = self.describe.format(
                value=number(value, 1 if abs(value) < 10 else 0),
                day=dutch_date(value_day)[:5],
            )
        else:
            value_day = start + dt.timedelta(days=int(hit[0]))
            names = sorted({self.names[int(i)] for i in hit}) if self.names else [self.label]
            what = f"{' en '.join(names)} op {dutch_date(value_day)[:5]}"
        if self.code == "evenement":
            history_text = "staat in de eigen evenementenlijst"
        elif history:
            history_text = (
                f"op {number(history)} andere dagen met {self.label.lower()} kwamen in deze reeks "
                f"{number(lift, 1)} keer zoveel meldingen als verwacht"
            )
        else:
            history_text = "geen eerdere dagen om van te leren"
        return Cause(
            code=self.code,
            label=self.label,
            evidence=f"{what}; {history_text}",
            score=score,
            lift=lift,
            history_days=history,
            value=value,
            unit=self.unit,
            value_day=value_day,
        )


def _triggers(start: dt.date, n: int, context: CauseContext) -> list[_Trigger]:
    days = [start + dt.timedelta(days=i) for i in range(n)]
    triggers = []
    if context.weather is not None:
        w, t = context.weather, context.thresholds
        gust = w.on(start, n, "windstoot_max_ms")
        rain = w.on(start, n, "neerslag_mm")
        t_min = w.on(start, n, "temperatuur_min_c")
        t_max = w.on(start, n, "temperatuur_max_c")
        with np.errstate(invalid="ignore"):
            triggers += [
                _Trigger("storm", "Storm", gust >= t.storm_gust_ms, WEATHER_LAGS, gust, "m/s",
                         describe="windstoten tot {value} m/s op {day}"),
                _Trigger("zware_regen", "Zware regen", rain >= t.heavy_rain_mm, WEATHER_LAGS,
                         rain, "mm", describe="{value} mm regen op {day}"),
                _Trigger("vorst", "Vorst", t_min < t.frost_below_c, WEATHER_LAGS, t_min, "°C",
                         higher_is_stronger=False, describe="vorst tot {value} °C op {day}"),
                _Trigger("hitte", "Hitte", t_max >= t.heat_from_c, WEATHER_LAGS, t_max, "°C",
                         describe="{value} °C op {day}"),
            ]  # fmt: skip
    new_year = np.array([(d.month, d.day) in NEW_YEAR_DAYS for d in days])
    triggers.append(_Trigger("oud_en_nieuw", "Oud en nieuw", new_year, (0,)))
    holiday_names = public_holiday_names(days)
    holidays = np.array([name != "" for name in holiday_names])
    triggers.append(_Trigger("feestdag", "Feestdag", holidays, (0,), names=holiday_names))
    if context.school_holidays:
        school = [school_holiday_on(d, context.school_holidays) for d in days]
        triggers.append(
            _Trigger("schoolvakantie", "Schoolvakantie", np.array([s != "" for s in school]),
                     (0,), names=school)
        )  # fmt: skip
    for event in context.events:
        if event.gemeente_code not in (None, context.gemeente_code):
            continue
        if event.wijk_code is not None and context.wijk_code not in (None, event.wijk_code):
            continue
        on = np.array([event.first <= d <= event.last for d in days])
        if on.any():
            names = [event.description] * n
            triggers.append(_Trigger("evenement", "Evenement", on, (0,), names=names))
    return triggers


def _shift_any(days: BoolArray, lags: tuple[int, ...]) -> BoolArray:
    """Days on which a cause on ``days`` can act: the same day, or ``lag`` days later."""
    out = np.zeros_like(days)
    for lag in lags:
        if lag == 0:
            out |= days
        else:
            out[lag:] |= days[:-lag]
    return out


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
