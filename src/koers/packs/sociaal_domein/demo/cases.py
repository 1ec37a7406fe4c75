"""Simulating one gemeente's Wmo and Jeugd case flow, day by day, from melding to voorziening.

Meldingen arrive as a Poisson process; a team starts onderzoeken as far as its consultants'
hours allow (first in, first out), so when hours drop or inflow rises the queue grows and
terms are exceeded without anyone having to plant a late date by hand. After the onderzoek
follow the aanvraag, the beschikking (with suspension and extension where they happen) and
the voorzieningen. Everything after the export's end date is simulated too; the writers in
:mod:`.export` leave out what had not happened yet on that day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import deque
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from koers.demo.geography import Gemeente, Wijk
from koers.packs.sociaal_domein.demo import params as p
from koers.packs.sociaal_domein.demo.staff import Team, add_months
from koers.privacy.pseudonym import fake_bsn
from koers.transform.calendar import public_holidays

DAY = dt.timedelta(days=1)


@dataclass
class Client:
    """A fictitious client; the BSN passes the 11-proef and is unique within the demo."""

    bsn: str
    sex: str
    age_band: str
    wijk: Wijk
    last_melding: dt.date


@dataclass
class Voorziening:
    """One toewijzing; ``end`` is the last day (``None``: still running after the simulation)."""

    id: str
    product: p.Product
    aanbieder: str
    start: dt.date
    end: dt.date | None
    volume_per_week: float | None
    tarief_eur: float


@dataclass
class Case:
    """A melding and everything that followed it; ``None`` where a step never happened."""

    number: str  # gemeente number and sequence, e.g. 0293-000123
    domain: p.Domain
    client: Client
    melding: dt.date
    verwijzer: p.Verwijzer
    consultant: str | None = None
    onderzoek_start: dt.date | None = None
    onderzoek_end: dt.date | None = None
    uitkomst: str | None = None
    aanvraag: dt.date | None = None
    suspended_from: dt.date | None = None
    suspended_until: dt.date | None = None
    extension_notice: dt.date | None = None
    extended_until: dt.date | None = None
    beschikking: dt.date | None = None
    besluit: str | None = None
    voorzieningen: list[Voorziening] = field(default_factory=list)

    def id(self, kind: str) -> str:
        """``M``elding, ``A``anvraag or ``B``eschikking number, e.g. ``AW0293-000123``."""
        return f"{kind}{self.domain.code}{self.number}"


@dataclass
class Calendar:
    """The simulated days and which of them are working days for the teams."""

    days: list[dt.date]
    workday: npt.NDArray[np.bool_]

    def index(self, day: dt.date) -> int:
        return (day - self.days[0]).days

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        i = self.index(day)
        while 0 <= i < len(self.days) and not self.workday[i]:
            i += 1
            day += DAY
        while day.weekday() >= 5:  # past the simulated period only weekends are known
            day += DAY
        return day


def make_calendar(first: dt.date, last: dt.date) -> Calendar:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    holidays = {d for year in range(first.year, last.year + 1) for d in public_holidays(year)}
    workday = np.array([d.weekday() < 5 and d not in holidays for d in days])
    return Calendar(days, workday)


@dataclass
class Plants:
    """The planted changes that touch one gemeente's simulation (empty for most)."""

    inflow_factor: dict[str, list[tuple[dt.date, dt.date, float]]] = field(default_factory=dict)
    departure: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)


class ClientRegistry:
    """Clients of one gemeente. BSNs come from ``fake_bsn``; their first digit depends on the
    gemeente number, so demo gemeenten never share a BSN (a real person could still have it:
    demo data only)."""

    def __init__(self, gemeente: Gemeente, rng: np.random.Generator) -> None:
        self.gemeente = gemeente
        self.random = random.Random(int(rng.integers(1 << 62)))
        self.rng = rng
        self.used: set[str] = set()
        self.wijk_weights = tuple(float(w.inwoners) for w in gemeente.wijken)

    def new(self, domain: p.Domain, day: dt.date) -> Client:
        bsn = fake_bsn(self.random)
        while bsn in self.used:
            bsn = fake_bsn(self.random)
        self.used.add(bsn)
        u = self.rng.random()
        sex = (
            "Onbekend"
            if u < p.UNKNOWN_SEX_SHARE
            else ("Man" if u < p.UNKNOWN_SEX_SHARE + domain.male_share else "Vrouw")
        )
        band = _pick(self.rng, domain.age_bands)
        wijk = self.gemeente.wijken[choose(self.rng, self.wijk_weights)]
        return Client(bsn, sex, band, wijk, day)


def choose(rng: np.random.Generator, weights: tuple[float, ...]) -> int:
    """Index drawn with the given (unnormalised) weights; one uniform draw per call."""
    return bisect.bisect_right(_cumulative(weights), rng.random())


@cache
def _cumulative(weights: tuple[float, ...]) -> list[float]:
    total, running, out = sum(weights), 0.0, []
    for w in weights[:-1]:
        running += w
        out.append(running / total)
    return out


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    return options[choose(rng, tuple(w for _, w in options))][0]


def _lognormal(rng: np.random.Generator, median: float, sigma: float) -> float:
    return median * float(np.exp(sigma * rng.standard_normal()))


def inflow_counts(
    gemeente: Gemeente,
    domain: p.Domain,
    calendar: Calendar,
    rng: np.random.Generator,
    scale: float,
    factors: list[tuple[dt.date, dt.date, float]],
) -> npt.NDArray[np.int64]:
    """Meldingen per day: the yearly rate spread over working days by weekday and month."""
    weekday = np.array(
        [p.WEEKDAY_INFLOW[d.weekday()] if d.weekday() < 5 else 0.0 for d in calendar.days]
    )
    month = np.array([p.MONTH_INFLOW[d.month - 1] for d in calendar.days])
    weight = weekday * month * calendar.workday
    years = np.array([d.year for d in calendar.days])
    yearly = gemeente.inwoners * scale * domain.meldingen_per_10k / 1e4
    mean = np.zeros(len(calendar.days))
    for year in np.unique(years):
        in_year = years == year
        mean[in_year] = yearly * weight[in_year] / weight[in_year].sum() * (in_year.sum() / 365.25)
    for first, last, factor in factors:
        span = slice(calendar.index(max(first, calendar.days[0])), calendar.index(last) + 1)
        mean[span] *= factor
    return rng.poisson(mean).astype(np.int64)


def draw_cases(
    gemeente: Gemeente,
    domain: p.Domain,
    calendar: Calendar,
    counts: npt.NDArray[np.int64],
    clients: ClientRegistry,
    rng: np.random.Generator,
) -> list[Case]:
    """One case per melding, from a new client or (sometimes) one seen in the last 3 years."""
    known: list[Client] = []
    cases: list[Case] = []
    number = gemeente.code.removeprefix("GM")
    verwijzer_weights = tuple(v.share for v in domain.verwijzers)
    for day, count in zip(calendar.days, counts.tolist(), strict=True):
        for _ in range(count):
            client = None
            if known and rng.random() < domain.existing_client_share:
                candidate = known[int(rng.integers(len(known)))]
                if (day - candidate.last_melding).days <= 3 * 365:
                    client = candidate
            if client is None:
                client = clients.new(domain, day)
                known.append(client)
            client.last_melding = day
            verwijzer = domain.verwijzers[choose(rng, verwijzer_weights)]
            cases.append(Case(f"{number}-{len(cases) + 1:06d}", domain, client, day, verwijzer))
    return cases


def run_queue(
    team: Team,
    cases: list[Case],
    calendar: Calendar,
    rng: np.random.Generator,
    last_day: dt.date,
    departure: tuple[dt.date, dt.date] | None,
) -> npt.NDArray[np.int64]:
    """Start onderzoeken first in, first out as far as hours allow; the queue length per day.

    On a departure day the leaver's unfinished onderzoeken go back to the front of the
    queue: their successor has to start again.
    """
    waiting = [c for c in cases if not c.verwijzer.direct]
    queue: deque[Case] = deque()
    started: list[Case] = []
    queue_len = np.zeros(len(calendar.days), dtype=np.int64)
    credit, nxt = 0.0, 0
    leaver = _leaver(team, departure)
    for i, day in enumerate(calendar.days):
        if day > last_day:
            break
        while nxt < len(waiting) and waiting[nxt].melding + dt.timedelta(days=p.INTAKE_DAYS) <= day:
            queue.append(waiting[nxt])
            nxt += 1
        if departure is not None and day == departure[0]:
            back = [
                c
                for c in started
                if c.consultant == leaver and c.onderzoek_end and c.onderzoek_end >= day
            ]
            for case in sorted(back, key=lambda c: (c.melding, c.number), reverse=True):
                case.consultant = case.onderzoek_start = case.onderzoek_end = None
                queue.appendleft(case)
        queue_len[i] = len(queue)
        if not calendar.workday[i]:
            continue
        available = team.available(day)
        if not available:
            continue
        hours = sum(h for _, h in available)
        daily = hours / 5 * p.CASEWORK_SHARE / team.hours_per_onderzoek
        credit = min(credit + daily, max(2.0, 2 * daily))
        while credit >= 1 and queue:
            credit -= 1
            case = queue.popleft()
            case.consultant = available[choose(rng, tuple(h for _, h in available))][0].code
            case.onderzoek_start = day
            days = max(
                1, round(_lognormal(rng, case.domain.onderzoek_median_days, p.SIGMA_ONDERZOEK))
            )
            case.onderzoek_end = calendar.next_workday(day + dt.timedelta(days=days))
            started.append(case)
    return queue_len


def _leaver(team: Team, departure: tuple[dt.date, dt.date] | None) -> str | None:
    if departure is None:
        return None
    return next(c.code for c in team.consultants if c.leaves_on == departure[0])


def decide(
    cases: list[Case],
    calendar: Calendar,
    queue_len: npt.NDArray[np.int64],
    normal_queue: float,
    rng: np.random.Generator,
) -> None:
    """Uitkomst, aanvraag and beschikking after each finished onderzoek.

    The time to a beschikking grows with the team's queue (the same consultants write
    them), capped at three times normal.
    """
    last = len(queue_len) - 1
    for case in cases:
        if case.onderzoek_end is None:
            continue
        domain = case.domain
        case.uitkomst = _pick(rng, domain.outcomes)
        if case.uitkomst != "Aanvraag":
            continue
        aanvraag = calendar.next_workday(case.onderzoek_end + int(rng.integers(0, 8)) * DAY)
        case.aanvraag = aanvraag
        load = max(1.0, queue_len[min(calendar.index(aanvraag), last)] / max(normal_queue, 1.0))
        days = _lognormal(rng, domain.beschikking_median_days, p.SIGMA_BESCHIKKING)
        days *= min(load**0.7, 3.0)
        term = dt.timedelta(days=p.BESCHIKKING_TERM_DAYS[domain.naam])
        deadline = aanvraag + term
        decided = calendar.next_workday(aanvraag + max(1, round(days)) * DAY)
        if rng.random() < p.SUSPENSION_SHARE:
            low, high = p.SUSPENSION_DAYS
            length = int(rng.integers(low, high + 1))
            case.suspended_from = aanvraag + int(rng.integers(1, 6)) * DAY
            case.suspended_until = case.suspended_from + (length - 1) * DAY
            deadline += length * DAY
            decided = max(decided + length * DAY, case.suspended_until + DAY)
            decided = calendar.next_workday(decided)
        if decided > deadline and rng.random() < p.EXTENSION_SHARE:
            notice = deadline - int(rng.integers(1, 6)) * DAY
            case.extension_notice = max(notice, aanvraag + DAY)
            case.extended_until = deadline + p.EXTENSION_DAYS[domain.naam] * DAY
        case.beschikking = decided
        case.besluit = _pick(rng, domain.besluiten)


def grant(cases: list[Case], rng: np.random.Generator) -> None:
    """Voorzieningen for every granted beschikking and every direct referral.

    A client never has the same periodic product twice at once: an earlier toewijzing ends
    the day before a later one of the same product starts (a herindicatie).
    """
    for case in cases:
        if case.verwijzer.direct:
            basis = case.melding
        elif case.besluit == "Toegekend" and case.beschikking is not None:
            basis = case.beschikking
        else:
            continue
        domain = case.domain
        options = _options(case)
        count = min(1 + choose(rng, domain.products_per_toekenning), len(options))
        chosen: list[p.Product] = []
        for _ in range(count):  # weighted draws without replacement
            chosen.append(options.pop(choose(rng, tuple(w for _, w in options)))[0])
        chosen.sort(key=domain.products.index)
        for k, product in enumerate(chosen, start=1):
            wait = max(0, round(_lognormal(rng, product.wait_median_days, p.SIGMA_WAIT)))
            start = basis + wait * DAY
            if product.mean_duration_days is None:
                end: dt.date | None = start
                volume, tarief = None, _lognormal(rng, product.tarief_eur, 0.6)
            else:
                length = max(30, round(rng.exponential(product.mean_duration_days)))
                end = start + length * DAY
                low, high = product.volume_per_week or (1.0, 1.0)
                volume = round(float(rng.uniform(low, high)) * 2) / 2
                tarief = product.tarief_eur
            tarief *= (1 + p.TARIFF_INDEX) ** (start.year - p.TARIFF_BASE_YEAR)
            aanbieder = product.aanbieders[int(rng.integers(len(product.aanbieders)))]
            case.voorzieningen.append(
                Voorziening(
                    f"T{domain.code}{case.number}-{k}",
                    product,
                    aanbieder,
                    start,
                    end,
                    volume,
                    round(tarief, 2),
                )
            )
    _no_overlaps(cases)


def _options(case: Case) -> list[tuple[p.Product, float]]:
    """Products this referrer leads to, weighted; no jeugdreclassering below 12 years."""
    mix = dict(case.verwijzer.products)
    options = [
        (x, mix.get(x.naam, 0.0) if mix else x.share)
        for x in case.domain.products
        if not (x.naam == "Jeugdreclassering" and case.client.age_band in p.YOUNG_BANDS)
    ]
    return [(x, w) for x, w in options if w > 0] or [(case.domain.products[0], 1.0)]


def _no_overlaps(cases: list[Case]) -> None:
    by_key: dict[tuple[str, str], list[Voorziening]] = {}
    for case in cases:
        for v in case.voorzieningen:
            if v.product.mean_duration_days is not None:
                by_key.setdefault((case.client.bsn, v.product.naam), []).append(v)
    for _, items in sorted(by_key.items()):
        items.sort(key=lambda v: (v.start, v.id))
        for before, after in itertools.pairwise(items):
            if after.start <= before.start:
                after.start = before.start + DAY
                if after.end is not None and after.end < after.start:
                    after.end = after.start
            if before.end is None or before.end >= after.start:
                before.end = after.start - DAY


@dataclass
class GemeenteSim:
    """Everything simulated for one gemeente, by domain name."""

    gemeente: Gemeente
    calendar: Calendar
    teams: dict[str, Team]
    cases: dict[str, list[Case]]
    queue_len: dict[str, npt.NDArray[np.int64]]
    normal_queue: dict[str, float]


def overload_dates(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """Leave date, end of the inflow rise and the successor's first day (all month starts)."""
    leave = add_months(start + (end - start) * p.OVERLOAD_AT_FRACTION, 0)
    return (
        leave,
        add_months(leave, p.OVERLOAD_INFLOW_MONTHS) - DAY,
        add_months(leave, p.OVERLOAD_VACANCY_MONTHS),
    )


def intervention_date(start: dt.date, end: dt.date) -> dt.date:
    """First of the month ~40% into the export period."""
    return add_months(start + (end - start) * p.INTERVENTION_AT_FRACTION, 0)
