"""The meldingen demo's plan: expected meldingen per inhabitant, per day and category.

The plan is the same for every gemeente, because every rate in it is per inhabitant: the
baseline (volume, category shares, season, weekday) and the planted weather and calendar
peaks. :mod:`koers.packs.meldingen.demo` multiplies it by a gemeente's inhabitants and the
scale, and draws the meldingen one calendar year at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from koers.demo.weather import (
    FROST_BELOW_C,
    HEAT_FROM_C,
    HEAVY_RAIN_MM,
    STORM_GUST_MS,
    load_weather,
)
from koers.packs.meldingen.demo_categories import (
    AFVAL,
    CATEGORIES,
    CATEGORY_INDEX,
    DIEREN,
    GROEN,
    OPENBARE_RUIMTE,
    PERSONEN,
    SEASON_PROFILES,
    WEGEN,
)
from koers.transform.calendar import public_holidays

# Baseline meldingen per inhabitant per year. The facts (4.3) give 1,000-2,000 per 10,000
# inhabitants per year: Fixi 2018 ~720 from the app alone (Decos blog), Fixi 2021 ~1,900
# annualised over 75 municipalities (Straatbeeld). We aim at the top of that range, ~2,000 in
# total [U], so a benchmark at scale 100 has over 10 million rows in the default six years;
# ~155 of the 2,000 come from the planted weather and calendar peaks below (measured over
# 2020-2026 with the KNMI data), the baseline gives the other ~1,850.
BASE_RATE_PER_INHABITANT = 0.187

# Weekday factors Mon..Sun: "de meeste meldingen komen kort na het weekeinde binnen" (Fixi);
# the sizes are our estimate [U]. Public holidays count as a Sunday.
_WEEKDAY_RAW = np.array([1.32, 1.10, 1.04, 1.00, 0.94, 0.78, 0.82])
WEEKDAY_FACTOR = _WEEKDAY_RAW / _WEEKDAY_RAW.mean()

#: Causes of planted peaks, as the ground truth names them; extras store an index into it.
CAUSES = ("storm", "zware_regen", "vorst", "hitte", "oud_en_nieuw", "bladval")


@dataclass(frozen=True)
class Plan:
    """Everything that is the same for every gemeente: days, rates per inhabitant, peaks.

    The planted extras are parallel arrays, one entry per (day, category, cause) with a rate.
    """

    start: dt.date
    days: list[dt.date]
    base_rate: npt.NDArray[np.float64]  # (day, category) meldingen per inhabitant
    extra_day: npt.NDArray[np.int64]  # index into days
    extra_category: npt.NDArray[np.int64]  # index into CATEGORIES
    extra_cause: npt.NDArray[np.int64]  # index into CAUSES
    extra_rate: npt.NDArray[np.float64]  # extra meldingen per inhabitant
    dst_start: npt.NDArray[np.bool_]  # per day: clocks go forward at 02:00
    holidays: npt.NDArray[np.datetime64]

    def years(self) -> list[tuple[int, int, int]]:
        """``(year, first, stop)``: each calendar year as a half-open range of day indexes."""
        years = np.array([d.year for d in self.days])
        return [
            (year, int(np.searchsorted(years, year)), int(np.searchsorted(years, year, "right")))
            for year in range(self.days[0].year, self.days[-1].year + 1)
        ]


def dutch_holidays(first_year: int, last_year: int) -> list[dt.date]:
    """Days municipal offices are closed, from the same calendar the warehouse uses."""
    return sorted(day for year in range(first_year, last_year + 1) for day in public_holidays(year))


def leaf_season_start(day: dt.date) -> dt.date:
    """Leaves fall from mid-October to mid-January (Westervoort's own page, facts 4.3)."""
    return dt.date(day.year - (day.month < 10), 10, 15)


def _season_by_day(days: list[dt.date]) -> dict[str, npt.NDArray[np.float64]]:
    """Interpolate the monthly profiles to days, anchored mid-month and wrapping the year."""
    anchors = np.array([-15.5, *(30.4 * m + 15.2 for m in range(12)), 380.0])
    day_of_year = np.array([d.timetuple().tm_yday - 1 for d in days], dtype=float)
    one_year = np.arange(365, dtype=float)
    result = {}
    for name, raw in SEASON_PROFILES.items():
        values = np.array([raw[-1], *raw, raw[0]], dtype=float)
        mean = np.interp(one_year, anchors, values).mean()
        result[name] = np.interp(day_of_year, anchors, values) / mean
    return result


_Extra = tuple[int, int, int, float]  # day index, category index, cause index, rate


def _plan_extras(days: list[dt.date], weekday_factor: npt.NDArray[np.float64]) -> list[_Extra]:
    """The weather and calendar peaks per inhabitant; weather only on days KNMI covers.

    Sizes are estimates [U] calibrated on the facts: a heavy storm gives tens of meldingen per
    10,000 (Noordenveld 180 in a day), a mild one a few (Goirle, Ciarán: 11 tree reports).
    """
    weather = load_weather()
    index = {d: i for i, d in enumerate(days)}
    extras: list[_Extra] = []

    def add(day: dt.date, hoofd: str, sub: str, cause: str, per_10k: float) -> None:
        if day in index and per_10k > 0:
            category = CATEGORY_INDEX[hoofd, sub]
            extras.append((index[day], category, CAUSES.index(cause), per_10k * 1e-4))

    for day in days:
        w = weather.get(day)
        gust = w.windstoot_max_ms if w else None
        rain = w.neerslag_mm if w else None
        t_min = w.temperatuur_min_c if w else None
        t_max = w.temperatuur_max_c if w else None
        if gust is not None and gust >= STORM_GUST_MS:
            # Linear in the excess over 20 m/s (+1 so a 20 m/s day still counts), decaying over
            # the two following days while fallen trees and branches are still being found.
            for lag, factor in enumerate((1.0, 0.5, 0.2)):
                later = day + dt.timedelta(days=lag)
                add(later, GROEN, "Boom", "storm", 0.8 * (gust - 19.0) * factor)
        if rain is not None and rain >= HEAVY_RAIN_MM:
            size = 0.12 * (rain - 15.0)
            add(day, WEGEN, "Put/riolering verstopt", "zware_regen", size)
            add(
                day + dt.timedelta(days=1), WEGEN, "Put/riolering verstopt", "zware_regen", size / 3
            )
        if t_min is not None and t_min < FROST_BELOW_C:
            add(day, WEGEN, "Gladheid", "vorst", 0.15 + 0.06 * min(-t_min, 10.0))
        if t_max is not None and t_max >= HEAT_FROM_C:
            add(day, DIEREN, "Wespen", "hitte", 0.3 + 0.15 * (t_max - 30.0))
            add(day, OPENBARE_RUIMTE, "Stank/geluid", "hitte", 0.15 + 0.05 * (t_max - 30.0))
        if (day.month, day.day) in ((12, 28), (12, 29), (12, 30)):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 0.3)
        elif (day.month, day.day) == (12, 31):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 1.5)
            add(day, PERSONEN, "Overlast door afsteken vuurwerk", "oud_en_nieuw", 0.8)
        elif (day.month, day.day) == (1, 1):
            add(day, PERSONEN, "Vuurwerkoverlast", "oud_en_nieuw", 1.0)
            add(day, PERSONEN, "Overlast door afsteken vuurwerk", "oud_en_nieuw", 0.6)
            add(day, AFVAL, "Veeg-/zwerfvuil", "oud_en_nieuw", 1.2)
        since = (day - leaf_season_start(day)).days
        if 0 <= since <= 92:  # until 15 January, peaking mid-November
            leaves = 1.4 * float(np.exp(-0.5 * ((since - 31) / 22.0) ** 2))
            add(day, GROEN, "Overig", "bladval", leaves * float(weekday_factor[index[day]]))
    return extras


def make_plan(start: dt.date, end: dt.date) -> Plan:
    """The plan for ``start`` to ``end`` inclusive; small (days x categories), made once."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    holidays = dutch_holidays(start.year, end.year + 2)
    closed = set(holidays)
    weekday_factor = WEEKDAY_FACTOR[[6 if d in closed else d.weekday() for d in days]]
    seasons = _season_by_day(days)
    shares = np.array([c.share_pct for c in CATEGORIES]) / 100.0
    season = np.stack([seasons[c.season] for c in CATEGORIES], axis=1)
    base = BASE_RATE_PER_INHABITANT / 365.25 * shares[None, :] * season * weekday_factor[:, None]
    dst = np.array([d.month == 3 and d.weekday() == 6 and d.day >= 25 for d in days])
    extras = _plan_extras(days, weekday_factor)
    day, category, cause = (np.array([e[i] for e in extras], dtype=np.int64) for i in range(3))
    rate = np.array([e[3] for e in extras], dtype=float)
    return Plan(
        start, days, base, day, category, cause, rate, dst, np.array(holidays, "datetime64[D]")
    )
