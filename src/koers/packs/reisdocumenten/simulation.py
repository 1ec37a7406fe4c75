"""Simulated document holders of one gemeente and every passport and ID card they apply for.

The demo generator (``demo.py``) turns this world into Burgerzaken exports and a ground truth.
Each holder owns one or two document *lines* (a passport, an ID card, or both); a line is a
chain of documents in which every next document renews, or replaces, the one before. The
validity rules come from ``geldigheid.py``; the behaviour (when people renew, who never does)
is the set of parameters in :class:`Behaviour`, recorded in the ground truth so a forecast
can be checked against what was planted. All randomness comes from the one generator passed
in, so a seed gives the same world every time.

Sources are the shared domain facts, sections 2 and 4.5. Every number marked [U] is our own
estimate; the holder shares and arrival rate are tuned so that the volumes land on the facts'
≈ 900 documents per 10,000 inhabitants in a dip year and ≈ 1,600 in a peak year [D].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from koers.packs.reisdocumenten.geldigheid import (
    ADULT_AGE,
    ADULT_VALIDITY_YEARS_BEFORE,
    ADULT_VALIDITY_YEARS_FROM_2014,
    MINOR_VALIDITY_YEARS,
    TEN_YEAR_VALIDITY_FROM,
)
from koers.transform.calendar import public_holidays

Days = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

PASPOORT, ID_KAART = 0, 1
# Document kinds, as the ground truth counts them.
STOCK, FIRST, RENEWED_BEFORE, RENEWED_AFTER, REPLACEMENT, NIK_2011 = range(6)

#: The simulation starts ten years before the first export year, so the stock of valid
#: documents in 2009 has a realistic spread of issue and expiry dates.
SIMULATION_START = dt.date(1999, 1, 1)
#: A replacement (lost, stolen, damaged) only happens this long before expiry; closer to
#: the end people simply renew. Keeps renewals (lead <= 300 days) and replacements apart.
REPLACEMENT_MIN_LEAD_DAYS = 400

# Holders on 1 Jan 1999 per inhabitant, and the mix of what they hold. The passport:ID ratio
# of 0.75:0.55 lines gives about 58:42 issued, between the facts' 62:38 (2023) and 57:43
# (2024 forecast) [S]; the shares themselves are our estimate [U].
INITIAL_HOLDERS_PER_INHABITANT = 0.72
LINE_MIX = (0.45, 0.25, 0.30)  # passport only, ID card only, both [U]
# New holders (first documents: children, newcomers, adults who never had one) per
# inhabitant per year [U], tuned to the dip-year volume of facts 4.5.
ARRIVALS_PER_INHABITANT = 0.030
# Spring is busier (facts section 2, Metro); the size of the profile is our estimate [U].
ARRIVAL_MONTH_WEIGHT = (0.8, 0.9, 1.1, 1.25, 1.3, 1.2, 1.0, 0.8, 0.85, 0.9, 0.95, 0.95)
# Age bands (lower, upper exclusive, weight) of the population in 1999 and of new holders [U].
POPULATION_AGES = (
    (0, 18, 0.21),
    (18, 30, 0.15),
    (30, 45, 0.23),
    (45, 65, 0.26),
    (65, 80, 0.11),
    (80, 95, 0.04),
)
ARRIVAL_AGES = (
    (0, 5, 0.30),
    (5, 12, 0.15),
    (12, 18, 0.15),
    (18, 30, 0.20),
    (30, 65, 0.17),
    (65, 85, 0.03),
)

#: Children's ID cards (NIK) in December 2011: 383,874 against about 50,000 in a normal
#: month, because fees rose on 1 Jan 2012 and parents' passports stopped listing children
#: (facts section 2, NVVB) [V]. About 334,000 extra for 16.7 million people ≈ 200 per
#: 10,000 [D]; children aged 0-12 [U], so most are still minors at the five-year echo.
NIK_2011_PER_INHABITANT = 0.020
NIK_2011_AGES = ((0, 13, 1.0),)


@dataclass(frozen=True)
class Behaviour:
    """How holders renew. Every value is our estimate [U] unless its comment cites a fact."""

    #: At expiry a resident holder renews before (or on) the expiry date, after it, or stops.
    renew_before_share: float = 0.74
    renew_after_share: float = 0.18
    #: Days between application and expiry for early renewers: lognormal, capped.
    lead_median_days: float = 42.0
    lead_sigma: float = 0.9
    lead_max_days: int = 300
    #: Days after expiry for late renewers (they renew when they next travel): exponential.
    lag_mean_days: float = 150.0
    lag_max_days: int = 1095
    #: Holders whose document expires in June-September renew in spring instead, before
    #: the summer holidays (facts section 2: demand peaks before the summer holidays [V]).
    summer_pull_share: float = 0.35
    #: Adults whose renewal fell between ``postpone_from`` and 8 Mar 2014 waited for the
    #: ten-year document (facts section 2, Bergen op Zoom [S]); window, share and delay
    #: (exponential from 10 March 2014, capped) are estimates.
    postpone_share: float = 0.7
    postpone_from: dt.date = dt.date(2013, 6, 1)
    postpone_mean_days: float = 35.0
    postpone_max_days: int = 90
    #: Lost, stolen or damaged documents replaced before expiry, per document-year.
    replacement_per_year: float = 0.012
    #: Holders leaving the gemeente's records (moving away, dying) per year, and the extra
    #: hazard from the age of 75 on.
    exit_per_year: float = 0.03
    old_age: int = 75
    old_age_exit_per_year: float = 0.10


BEHAVIOUR = Behaviour()


@dataclass(frozen=True)
class Holders:
    """Everyone who ever held a document in the simulation; index = holder number."""

    birth: Days
    exit: Days  # leaves the gemeente (moves away or dies); documents stop being renewed


@dataclass(frozen=True)
class Documents:
    """Every simulated document as parallel arrays, in no particular order."""

    holder: Ints
    soort: Ints  # PASPOORT or ID_KAART
    kind: Ints  # STOCK, FIRST, RENEWED_BEFORE, RENEWED_AFTER, REPLACEMENT or NIK_2011
    aanvraag: Days
    geldig_tot: Days
    minor: Bools  # under 18 on the application date
    age: Ints  # age in whole years on the application date
    previous_expiry: Days  # of the document this one follows; NaT for a line's first
    replaced: Bools  # replaced before it expired (lost, stolen, damaged)
    postponed: Bools  # application moved to after 9 March 2014


@dataclass(frozen=True)
class World:
    """One gemeente's simulated holders and documents up to ``horizon``."""

    holders: Holders
    documents: Documents
    horizon: dt.date


def _ymd(days: Days) -> tuple[Ints, Ints, Ints]:
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def add_years(days: Days, years: Ints | int) -> Days:
    """Vectorised :func:`geldigheid.add_years`: same calendar day, 29 Feb to 28 Feb."""
    months = days.astype("datetime64[M]")
    offset = days - months.astype("datetime64[D]")
    target = months + np.asarray(years, dtype=np.int64) * 12
    last_day = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    result: Days = np.minimum(target.astype("datetime64[D]") + offset, last_day)
    return result


def age_on(birth: Days, on: Days) -> Ints:
    """Age in whole years; a 29 February birthday counts on 28 February, as add_years does."""
    years = _ymd(on)[0] - _ymd(birth)[0]
    age: Ints = years - (on < add_years(birth, years)).astype(np.int64)
    return age


def _days(rng: np.random.Generator, mean: float, n: int) -> npt.NDArray[np.timedelta64]:
    """Whole days, at least one, from an exponential with the given mean."""
    drawn = np.maximum(np.ceil(rng.exponential(mean, n)), 1).astype(np.int64)
    return drawn.astype("timedelta64[D]")


def _ages(rng: np.random.Generator, bands: tuple[tuple[int, int, float], ...], n: int) -> Ints:
    """Age in days on the day drawn, from bands of whole years."""
    weights = np.array([b[2] for b in bands])
    band = rng.choice(len(bands), size=n, p=weights / weights.sum())
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    ages: Ints = np.floor((low + rng.random(n) * (high - low)) * 365.25).astype(np.int64)
    return ages


class _Builder:
    """Collects holders and the first document of each line before the renewal loop."""

    def __init__(self) -> None:
        self.birth: list[Days] = []
        self.entry: list[Days] = []
        self.line_holder: list[Ints] = []
        self.line_soort: list[Ints] = []
        self.line_start: list[Days] = []
        self.line_kind: list[Ints] = []
        self.count = 0

    def add(
        self, rng: np.random.Generator, day: Days, age_days: Ints, kind: int, *, id_only: bool
    ) -> None:
        """New holders applying on ``day``; with their line mix, one or two documents each."""
        n = len(day)
        holder = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        self.birth.append(day - age_days.astype("timedelta64[D]"))
        self.entry.append(day)
        mix = np.full(n, 1) if id_only else rng.choice(3, size=n, p=LINE_MIX)
        for soort, holds in ((PASPOORT, mix != 1), (ID_KAART, mix != 0)):
            self.line_holder.append(holder[holds])
            self.line_soort.append(np.full(int(holds.sum()), soort, dtype=np.int64))
            self.line_start.append(day[holds])
            self.line_kind.append(np.full(int(holds.sum()), kind, dtype=np.int64))


def _working_day(
    days: Days, holidays: Days, roll: Literal["forward", "backward"] = "forward"
) -> Days:
    """The counter is open on working days only: move to the next (or previous) one."""
    rolled: Days = np.busday_offset(days, 0, roll=roll, holidays=holidays)
    return rolled


def _first_lines(
    rng: np.random.Generator, inhabitants: float, horizon: dt.date, holidays: Days
) -> _Builder:
    """Holders at the start, new holders month by month, and the NIK rush of December 2011."""
    build = _Builder()
    start = np.datetime64(SIMULATION_START, "D")
    n0 = int(rng.poisson(inhabitants * INITIAL_HOLDERS_PER_INHABITANT))
    # Stock documents: applied for in the five years before the start, all valid five years,
    # and never before the holder was a month old.
    birth = start - _ages(rng, POPULATION_AGES, n0).astype("timedelta64[D]")
    issued = start - rng.integers(1, 5 * 365 + 1, n0).astype("timedelta64[D]")
    issued = np.maximum(issued, birth + np.timedelta64(30, "D"))
    build.add(rng, issued, (issued - birth).astype(np.int64), STOCK, id_only=False)

    months = np.arange(
        np.datetime64(SIMULATION_START, "M"), np.datetime64(horizon, "M") + 1
    ).astype("datetime64[M]")
    weight = np.array(ARRIVAL_MONTH_WEIGHT) / np.mean(ARRIVAL_MONTH_WEIGHT)
    month_weight = weight[months.astype(np.int64) % 12]
    counts = rng.poisson(inhabitants * ARRIVALS_PER_INHABITANT / 12 * month_weight)
    month_of = np.repeat(months, counts)
    length = ((month_of + 1).astype("datetime64[D]") - month_of.astype("datetime64[D]")).astype(
        np.int64
    )
    day = month_of.astype("datetime64[D]") + (rng.random(len(month_of)) * length).astype(
        "timedelta64[D]"
    )
    day = _working_day(day, holidays)
    build.add(rng, day, _ages(rng, ARRIVAL_AGES, len(day)), FIRST, id_only=False)

    if horizon >= dt.date(2012, 1, 1):
        n = int(rng.poisson(inhabitants * NIK_2011_PER_INHABITANT))
        # A rush that grows towards the fee rise on 1 January: triangular over December.
        offset = np.floor(rng.triangular(0, 31, 31, n)).astype(np.int64)
        day = np.datetime64("2011-12-01") + offset.astype("timedelta64[D]")
        day = _working_day(day, holidays, roll="backward")  # still in December
        build.add(rng, day, _ages(rng, NIK_2011_AGES, n), NIK_2011, id_only=True)
    return build


def _exits(rng: np.random.Generator, birth: Days, entry: Days, b: Behaviour) -> Days:
    """When each holder leaves: a constant hazard, plus a higher one from old age on."""
    n = len(birth)
    general = entry + _days(rng, 365.25 / b.exit_per_year, n)
    old_from = np.maximum(entry, add_years(birth, b.old_age))
    old = old_from + _days(rng, 365.25 / b.old_age_exit_per_year, n)
    leaves: Days = np.minimum(general, old)
    return leaves


def _validity(aanvraag: Days, minor: Bools) -> Ints:
    adult_years = np.where(
        aanvraag < np.datetime64(TEN_YEAR_VALIDITY_FROM, "D"),
        ADULT_VALIDITY_YEARS_BEFORE,
        ADULT_VALIDITY_YEARS_FROM_2014,
    )
    years: Ints = np.where(minor, MINOR_VALIDITY_YEARS, adult_years).astype(np.int64)
    return years


def _next_application(
    rng: np.random.Generator,
    aanvraag: Days,
    expiry: Days,
    birth: Days,
    holidays: Days,
    b: Behaviour,
) -> tuple[Days, Ints, Bools, Bools]:
    """When each line's next document is applied for, its kind, whether there is one at all,
    and whether the 2014 postponement moved it."""
    n = len(aanvraag)
    replacement = aanvraag + _days(rng, 365.25 / b.replacement_per_year, n)
    replaced = replacement < expiry - np.timedelta64(REPLACEMENT_MIN_LEAD_DAYS, "D")
    choice = rng.random(n)
    before = choice < b.renew_before_share
    after = ~before & (choice < b.renew_before_share + b.renew_after_share)

    lead = np.minimum(
        np.rint(b.lead_median_days * np.exp(b.lead_sigma * rng.standard_normal(n))),
        b.lead_max_days,
    ).astype("timedelta64[D]")
    early = expiry - lead
    year, month, _ = _ymd(expiry)
    april = ((year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 3).astype(
        "datetime64[D]"
    )
    spring = april + rng.integers(0, 76, n).astype("timedelta64[D]")  # 1 April - 15 June
    pulled = (month >= 6) & (month <= 9) & (rng.random(n) < b.summer_pull_share)
    early = np.where(pulled, np.minimum(early, spring), early)
    late = expiry + np.minimum(_days(rng, b.lag_mean_days, n), np.timedelta64(b.lag_max_days, "D"))
    nxt = np.where(replaced, replacement, np.where(before, early, late))

    window_end = np.datetime64(TEN_YEAR_VALIDITY_FROM, "D")
    counter_opens = window_end + np.timedelta64(1, "D")  # Monday 10 March 2014
    adult_then = add_years(birth, ADULT_AGE) <= counter_opens
    postponed = (
        ~replaced
        & adult_then
        & (nxt >= np.datetime64(b.postpone_from, "D"))
        & (nxt < window_end)
        & (rng.random(n) < b.postpone_share)
    )
    delay = np.minimum(
        _days(rng, b.postpone_mean_days, n), np.timedelta64(b.postpone_max_days, "D")
    )
    waited = counter_opens + delay - np.timedelta64(1, "D")
    nxt = _working_day(np.where(postponed, waited, nxt), holidays)
    kind = np.where(
        replaced, REPLACEMENT, np.where(nxt <= expiry, RENEWED_BEFORE, RENEWED_AFTER)
    ).astype(np.int64)
    return nxt, kind, replaced | before | after, postponed


def simulate(
    rng: np.random.Generator,
    inhabitants: float,
    horizon: dt.date,
    behaviour: Behaviour = BEHAVIOUR,
) -> World:
    """Every document applied for from ``SIMULATION_START`` to ``horizon`` in one gemeente."""
    holidays = np.array(
        sorted(d for y in range(1990, horizon.year + 3) for d in public_holidays(y)),
        dtype="datetime64[D]",
    )
    build = _first_lines(rng, inhabitants, horizon, holidays)
    birth = np.concatenate(build.birth)
    holders = Holders(birth, _exits(rng, birth, np.concatenate(build.entry), behaviour))
    line_holder = np.concatenate(build.line_holder)
    line_soort = np.concatenate(build.line_soort)
    aanvraag = np.concatenate(build.line_start)
    kind = np.concatenate(build.line_kind)
    end = np.datetime64(horizon, "D")
    keep = aanvraag <= end
    line_holder, line_soort, kind = line_holder[keep], line_soort[keep], kind[keep]
    aanvraag = aanvraag[keep]
    previous = np.full(len(aanvraag), np.datetime64("NaT"), dtype="datetime64[D]")
    postponed = np.zeros(len(aanvraag), dtype=bool)
    parts: list[tuple[npt.NDArray[Any], ...]] = []
    replaced_parts: list[Bools] = []
    while len(aanvraag):
        hb = birth[line_holder]
        minor = aanvraag < add_years(hb, ADULT_AGE)
        expiry = add_years(aanvraag, _validity(aanvraag, minor))
        age = age_on(hb, aanvraag)
        nxt, next_kind, goes_on, next_postponed = _next_application(
            rng, aanvraag, expiry, hb, holidays, behaviour
        )
        goes_on &= (nxt < holders.exit[line_holder]) & (nxt <= end)
        parts.append(
            (line_holder, line_soort, kind, aanvraag, expiry, minor, age, previous, postponed)
        )
        replaced_parts.append(goes_on & (next_kind == REPLACEMENT))
        line_holder, line_soort = line_holder[goes_on], line_soort[goes_on]
        aanvraag, kind, previous = nxt[goes_on], next_kind[goes_on], expiry[goes_on]
        postponed = next_postponed[goes_on]
    columns = [np.concatenate([p[i] for p in parts]) for i in range(9)]
    documents = Documents(
        holder=columns[0],
        soort=columns[1],
        kind=columns[2],
        aanvraag=columns[3],
        geldig_tot=columns[4],
        minor=columns[5],
        age=columns[6],
        previous_expiry=columns[7],
        replaced=np.concatenate(replaced_parts),
        postponed=columns[8],
    )
    return World(holders, documents, horizon)
