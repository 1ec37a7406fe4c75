"""The renewal forecast of the reisdocumenten pack: expected applications per ISO week.

It sits after the transform step. ``marts.reisdocumenten_vernieuwing`` gives one row per
document with its successor (if the holder applied for a new one of the same kind) and the
gemeente's peildatum; from those rows this module learns how holders renew (share renewed
before and after expiry, days before or after expiry, replacements, first documents), applies
that to the documents whose outcome is still open, and turns the expected applications into
counter appointments against ``core.balie_capaciteit``. The arithmetic is pure numpy/pandas
over rows, so it is tested on hand-made rows; ``forecast_from_warehouse`` is the one entry
point that reads the warehouse, for the Burgerzaken page and the API.

The method and its limits are written down for BI specialists in docs/packs/reisdocumenten.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the project

from koers.engine import Warehouse, sql_strings
from koers.transform.calendar import public_holidays

Floats = npt.NDArray[np.float64]

LINKS_TABLE = "marts.reisdocumenten_vernieuwing"
CAPACITY_TABLE = "core.balie_capaciteit"
#: Columns of the renewal-link mart the forecast reads.
LINK_COLUMNS = (
    "gemeente_code",
    "documentsoort",
    "leeftijdsklasse",
    "geldigheid_jaren",
    "aanvraagdatum",
    "geldig_tot",
    "heeft_voorganger",
    "opvolger_aanvraagdatum",
    "peildatum",
)
#: A successor applied for more than this many days before the old document expires replaces
#: it (lost, stolen, damaged) rather than renewing it. The SQL models use the same number.
REPLACEMENT_LEAD_DAYS = 365
#: Renewals further than this many days after expiry are not modelled (about three years
#: plus a few days for the counter to be open); they are rare and look like first documents.
LAG_MAX_DAYS = 1100
#: Renewal behaviour is learned from documents that expired in the last this many years,
#: and never from before 2015: adults postponed their renewals of 2013-2014 to get the
#: ten-year document (facts section 2), which is not how people renew otherwise.
LEARN_YEARS = 5
LEARN_FROM_EARLIEST = dt.date(2015, 1, 1)
#: First documents and replacements follow their rate over the last this many years.
RATE_YEARS = 3
#: A group of expired documents (term x age class, within or across gemeenten) needs this
#: many documents before its own renewal shares are used instead of a wider group's.
MIN_GROUP_DOCUMENTS = 200
#: Lead times per expiry month need this many renewals, else all months together are used.
MIN_MONTH_RENEWALS = 100
DEFAULT_WEEKS = 156
#: Two-sided 90% interval under a normal approximation.
INTERVAL_Z = 1.6449
WEEKDAY_LIMIT = 5  # Monday-Friday


@dataclass(frozen=True)
class RenewalShares:
    """Of the documents in one group that expired, the share renewed before (or on) and the
    share renewed after the expiry date; the rest was never renewed here (moved away, died,
    stopped). ``documents`` is how many expired documents the shares rest on."""

    before: float
    after: float
    documents: int

    @property
    def relative_error(self) -> float:
        """Binomial standard error of the share renewed at all, relative to that share."""
        total = self.before + self.after
        if total <= 0 or self.documents <= 0:
            return 1.0
        return math.sqrt(total * (1 - total) / self.documents) / total


@dataclass(frozen=True)
class Behaviour:
    """Renewal behaviour learned from the data, as the forecast applies it.

    ``lead_pmf[m][k]``: of the renewals before expiry of documents expiring in month m
    (1-12), the share applied for k days before the expiry date (k = 0..365).
    ``lag_pmf[k]``: of the renewals after expiry, the share applied for k days after it
    (k = 0..LAG_MAX_DAYS; k = 0 is never used). Shares are looked up by group key, most
    specific first: (gemeente, term, age class), (term, age class), (term,), ().
    """

    shares: Mapping[tuple[str | int, ...], RenewalShares]
    lead_pmf: Mapping[int, Floats]
    lag_pmf: Floats
    #: Replacements per document-year at risk, per gemeente.
    replacement_per_year: Mapping[str, float]
    #: First documents per working day, per gemeente and calendar month.
    first_per_working_day: Mapping[str, Mapping[int, float]]
    #: How many first documents the rates rest on, per gemeente.
    first_documents: Mapping[str, int]

    def shares_for(self, gemeente: str, term: int, age_class: str) -> RenewalShares:
        for key in ((gemeente, term, age_class), (term, age_class), (term,), ()):
            found = self.shares.get(key)
            if found is not None and found.documents >= MIN_GROUP_DOCUMENTS:
                return found
        fallback = self.shares.get(())
        if fallback is None:
            raise ValueError("Er zijn geen verlopen documenten om vernieuwingsgedrag van te leren.")
        return fallback


@dataclass(frozen=True)
class WeekForecast:
    """Expected applications and appointments in one ISO week of one gemeente."""

    gemeente_code: str
    iso_week: str  # "2026-W05"
    week_start: dt.date  # the Monday
    complete: bool  # False for a first week that began on or before the peildatum
    renewals: float
    first_documents: float
    replacements: float
    applications: float
    lower: float  # 90% interval of the applications
    upper: float
    appointments: float
    capacity: float | None  # appointments per week the counter offers; None if not configured
    over_capacity: bool  # the expected appointments exceed the capacity
    may_exceed_capacity: bool  # the upper bound does


@dataclass(frozen=True)
class RenewalForecast:
    """The forecast of every gemeente in the rows, per day and per ISO week."""

    peildatum: Mapping[str, dt.date]
    behaviour: Behaviour
    #: gemeente_code, day, renewals, first_documents, replacements, variance_renewals,
    #: variance_first: expected applications per day after the peildatum (working days).
    days: pd.DataFrame
    weeks: list[WeekForecast] = field(default_factory=list)


# Reading the warehouse


def links_from_warehouse(
    warehouse: Warehouse, gemeenten: Iterable[str] | None = None
) -> pd.DataFrame:
    """The renewal-link rows the forecast learns from, optionally for some gemeenten only."""
    where = ""
    codes = tuple(gemeenten or ())
    if codes:
        where = f" WHERE gemeente_code IN ({sql_strings(codes)})"
    result = warehouse.query(f"SELECT {', '.join(LINK_COLUMNS)} FROM {LINKS_TABLE}{where}")
    return links_frame(result.rows)


def links_frame(rows: Iterable[tuple[object, ...] | Mapping[str, object]]) -> pd.DataFrame:
    """Rows (tuples in LINK_COLUMNS order, or mappings) as the typed frame the forecast uses."""
    rows = list(rows)
    if rows and isinstance(rows[0], Mapping):
        frame = pd.DataFrame.from_records(rows, columns=list(LINK_COLUMNS))
    else:
        frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    for column in ("aanvraagdatum", "geldig_tot", "opvolger_aanvraagdatum", "peildatum"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["geldigheid_jaren"] = frame["geldigheid_jaren"].astype(np.int64)
    frame["heeft_voorganger"] = frame["heeft_voorganger"].astype(bool)
    return frame


def capacity_from_warehouse(warehouse: Warehouse) -> dict[str, float]:
    """Appointments per week per gemeente from the seed ``balie_capaciteit.csv``."""
    if not warehouse.table_exists(CAPACITY_TABLE):
        return {}
    rows = warehouse.query(f"SELECT gemeente_code, afspraken_per_week FROM {CAPACITY_TABLE}").rows
    return {str(code): float(per_week) for code, per_week in rows}


def forecast_from_warehouse(
    warehouse: Warehouse,
    gemeenten: Iterable[str] | None = None,
    *,
    weeks: int = DEFAULT_WEEKS,
    appointments_per_application: float = 1.0,
) -> RenewalForecast:
    """The forecast for the gemeenten asked (all when None), learned from all gemeenten in
    the warehouse so that a small gemeente borrows from its neighbours where it has little
    data; the weeks carry the counter capacity of ``core.balie_capaciteit``."""
    links = links_from_warehouse(warehouse)
    wanted = tuple(gemeenten or ())
    return forecast(
        links,
        gemeenten=wanted or None,
        weeks=weeks,
        capacity=capacity_from_warehouse(warehouse),
        appointments_per_application=appointments_per_application,
    )


# Learning


def _days_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def _learning_window(links: pd.DataFrame) -> pd.Series:
    """Expired, not replaced documents whose expiry falls in the learning window."""
    start = (links["peildatum"] - pd.DateOffset(years=LEARN_YEARS)).clip(
        lower=pd.Timestamp(LEARN_FROM_EARLIEST)
    )
    replaced = _days_between(links["geldig_tot"], links["opvolger_aanvraagdatum"]) > (
        REPLACEMENT_LEAD_DAYS
    )
    return (links["geldig_tot"] > start) & (links["geldig_tot"] <= links["peildatum"]) & ~replaced


def _lag_pmf(links: pd.DataFrame) -> Floats:
    """Days after expiry of late renewals, from documents followed for the full window.

    Only documents that expired at least LAG_MAX_DAYS before the peildatum show every late
    renewal; when there are too few of those, all late renewals are used (which favours
    short lags, a documented limit)."""
    lag = -_days_between(links["geldig_tot"], links["opvolger_aanvraagdatum"])
    late = (lag > 0) & (lag <= LAG_MAX_DAYS)
    followed = links["geldig_tot"] <= links["peildatum"] - pd.Timedelta(days=LAG_MAX_DAYS)
    start = pd.Timestamp(LEARN_FROM_EARLIEST)
    chosen = lag[late & followed & (links["geldig_tot"] >= start)]
    if len(chosen) < MIN_MONTH_RENEWALS:
        chosen = lag[late]
    counts = np.bincount(chosen.to_numpy(dtype=np.int64), minlength=LAG_MAX_DAYS + 1)
    total = counts.sum()
    pmf: Floats = counts / total if total else np.zeros(LAG_MAX_DAYS + 1)
    return pmf


def _lead_pmfs(learn: pd.DataFrame) -> dict[int, Floats]:
    """Days before expiry of early renewals, per expiry month (summer expiries renew in
    spring), falling back to all months together where a month has too few."""
    lead = _days_between(learn["geldig_tot"], learn["opvolger_aanvraagdatum"])
    early = learn[(lead >= 0) & (lead <= REPLACEMENT_LEAD_DAYS)]
    days = lead[early.index].to_numpy(dtype=np.int64)
    months = early["geldig_tot"].dt.month.to_numpy()
    size = REPLACEMENT_LEAD_DAYS + 1
    overall = np.bincount(days, minlength=size).astype(np.float64)
    overall = overall / overall.sum() if overall.sum() else overall
    pmfs: dict[int, Floats] = {}
    for month in range(1, 13):
        counts = np.bincount(days[months == month], minlength=size).astype(np.float64)
        pmfs[month] = counts / counts.sum() if counts.sum() >= MIN_MONTH_RENEWALS else overall
    return pmfs


def _shares(learn: pd.DataFrame, lag_pmf: Floats) -> dict[tuple[str | int, ...], RenewalShares]:
    """Renewal shares per group, corrected for late renewals that have not happened yet.

    Renewals before expiry are all known for an expired document. A late renewal of a
    document that expired f days ago is seen with probability G(f), the lag distribution's
    cumulative share, so the share renewed late is (late renewals seen) / sum of G(f)."""
    offset = _days_between(learn["geldig_tot"], learn["opvolger_aanvraagdatum"])
    before = (offset >= 0).to_numpy()
    after = ((offset < 0) & (offset >= -LAG_MAX_DAYS)).to_numpy()
    follow_up = _days_between(learn["peildatum"], learn["geldig_tot"]).clip(0, LAG_MAX_DAYS)
    seen = np.cumsum(lag_pmf)[follow_up.to_numpy(dtype=np.int64)]
    frame = pd.DataFrame(
        {
            "gemeente": learn["gemeente_code"].to_numpy(),
            "term": learn["geldigheid_jaren"].to_numpy(),
            "age": learn["leeftijdsklasse"].to_numpy(),
            "before": before.astype(np.int64),
            "after": after.astype(np.int64),
            "seen": seen,
            "n": 1,
        }
    )
    shares: dict[tuple[str | int, ...], RenewalShares] = {}
    for keys in (["gemeente", "term", "age"], ["term", "age"], ["term"], []):
        grouped = (
            frame.groupby(keys)[["before", "after", "seen", "n"]].sum()
            if keys
            else frame[["before", "after", "seen", "n"]].sum().to_frame().T
        )
        for key, row in grouped.iterrows():
            n = int(row["n"])
            share_before = row["before"] / n if n else 0.0
            share_after = row["after"] / row["seen"] if row["seen"] > 0 else 0.0
            share_after = min(share_after, 1.0 - share_before)
            index = () if not keys else (key if isinstance(key, tuple) else (key,))
            shares[tuple(_plain(k) for k in index)] = RenewalShares(
                float(share_before), float(share_after), n
            )
    return shares


def _plain(value: object) -> str | int:
    return int(value) if isinstance(value, np.integer | int) else str(value)


def _replacement_rates(links: pd.DataFrame) -> dict[str, float]:
    """Replacements per document-year, over the last RATE_YEARS: a document is at risk from
    its application until REPLACEMENT_LEAD_DAYS before expiry or its successor."""
    peil = links["peildatum"]
    window_start = peil - pd.DateOffset(years=RATE_YEARS)
    successor = links["opvolger_aanvraagdatum"]
    at_risk_until = links["geldig_tot"] - pd.Timedelta(days=REPLACEMENT_LEAD_DAYS)
    stop = pd.concat([at_risk_until, successor.fillna(peil), peil], axis=1).min(axis=1)
    start = pd.concat([links["aanvraagdatum"], window_start], axis=1).max(axis=1)
    exposure_years = _days_between(stop, start).clip(lower=0) / 365.25
    replaced = (_days_between(links["geldig_tot"], successor) > REPLACEMENT_LEAD_DAYS) & (
        successor > window_start
    )
    frame = pd.DataFrame(
        {"gemeente": links["gemeente_code"], "years": exposure_years, "replaced": replaced}
    )
    totals = frame.groupby("gemeente")[["years", "replaced"]].sum()
    return {
        str(code): float(row["replaced"] / row["years"]) if row["years"] > 0 else 0.0
        for code, row in totals.iterrows()
    }


def _first_rates(links: pd.DataFrame) -> tuple[dict[str, dict[int, float]], dict[str, int]]:
    """First documents per working day by calendar month, over the last RATE_YEARS."""
    rates: dict[str, dict[int, float]] = {}
    counts: dict[str, int] = {}
    for code, own in links.groupby("gemeente_code"):
        peil = own["peildatum"].iloc[0].date()
        start = _add_years(peil, -RATE_YEARS)
        chosen = own[
            ~own["heeft_voorganger"]
            & (own["aanvraagdatum"] > pd.Timestamp(start))
            & (own["aanvraagdatum"] <= pd.Timestamp(peil))
        ]
        per_month = chosen["aanvraagdatum"].dt.month.value_counts()
        days = _working_days(start + dt.timedelta(days=1), peil)
        open_per_month = pd.Series([d.month for d in days]).value_counts()
        rates[str(code)] = {
            month: float(per_month.get(month, 0)) / float(open_per_month[month])
            if month in open_per_month
            else 0.0
            for month in range(1, 13)
        }
        counts[str(code)] = len(chosen)
    return rates, counts


def learn_behaviour(links: pd.DataFrame) -> Behaviour:
    """Everything the forecast needs to know about how holders renew, from the link rows."""
    if links.empty:
        raise ValueError("Er zijn geen reisdocumenten om van te leren.")
    learn = links[_learning_window(links)]
    lag_pmf = _lag_pmf(links)
    first, first_counts = _first_rates(links)
    return Behaviour(
        shares=_shares(learn, lag_pmf),
        lead_pmf=_lead_pmfs(learn),
        lag_pmf=lag_pmf,
        replacement_per_year=_replacement_rates(links),
        first_per_working_day=first,
        first_documents=first_counts,
    )


# Forecasting


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    holidays = {d for y in range(first.year, last.year + 1) for d in public_holidays(y)}
    span = (last - first).days + 1
    days = (first + dt.timedelta(days=i) for i in range(max(span, 0)))
    return [d for d in days if d.weekday() < WEEKDAY_LIMIT and d not in holidays]


def _offset_pmf(shares: RenewalShares, lead: Floats, lag: Floats) -> Floats:
    """Expected renewals per day offset from expiry, index i = offset + 365 (offset from
    -365 to LAG_MAX_DAYS; negative is before expiry). Sums to the share renewed at all."""
    pmf = np.zeros(REPLACEMENT_LEAD_DAYS + 1 + LAG_MAX_DAYS)
    pmf[: REPLACEMENT_LEAD_DAYS + 1] = shares.before * lead[::-1]
    pmf[REPLACEMENT_LEAD_DAYS + 1 :] = shares.after * lag[1:]
    return pmf


def _expected_renewals(
    open_docs: pd.DataFrame,
    code: str,
    peil: dt.date,
    horizon_days: int,
    behaviour: Behaviour,
) -> tuple[Floats, Floats, Floats]:
    """Expected renewals per calendar day after the peildatum (day 0 = peildatum + 1), their
    parameter variance, and the expected number of documents still at risk of replacement.

    A document that has not been renewed by the peildatum, f days before or after its
    expiry, is renewed later with the learned offset distribution conditioned on "not
    yet": the expected count on a later day is pmf(offset) / (1 - pmf mass up to f)."""
    renewals = np.zeros(horizon_days)
    variance = np.zeros(horizon_days)
    h = behaviour.replacement_per_year.get(code, 0.0)
    peil_ts = pd.Timestamp(peil)
    groups = open_docs.groupby(["geldig_tot", "geldigheid_jaren", "leeftijdsklasse"]).size()
    cache: dict[tuple[int, str, int], tuple[Floats, Floats, float]] = {}
    at_risk_until = np.zeros(horizon_days + 1)
    for (expiry_day, term, age), count in groups.items():
        expiry = pd.Timestamp(expiry_day)
        key = (int(term), str(age), expiry.month)
        if key not in cache:
            shares = behaviour.shares_for(code, int(term), str(age))
            pmf = _offset_pmf(shares, behaviour.lead_pmf[expiry.month], behaviour.lag_pmf)
            cache[key] = (pmf, np.cumsum(pmf), shares.relative_error)
        pmf, cumulative, relative_error = cache[key]
        until_expiry = (expiry - peil_ts).days  # days from peildatum to expiry
        # Replacement risk: from the peildatum until a year before expiry.
        risk_days = until_expiry - REPLACEMENT_LEAD_DAYS
        at_risk_until[min(max(risk_days, 0), horizon_days)] += count
        survive = math.exp(-h * max(risk_days, 0) / 365.25)
        # Offsets d with expiry + d = peildatum + 1 + j for day j of the horizon.
        first_offset = 1 - until_expiry  # offset of day 0
        seen = first_offset - 1  # offsets up to here lie on or before the peildatum
        low = -REPLACEMENT_LEAD_DAYS
        done = cumulative[seen - low] if seen >= low else 0.0
        if seen - low >= len(pmf):
            continue
        remaining = 1.0 - done
        if remaining <= 1e-9:
            continue
        start = max(first_offset, low)
        stop = min(first_offset + horizon_days, low + len(pmf))
        if start >= stop:
            continue
        part = pmf[start - low : stop - low] * (count * survive / remaining)
        j = start - first_offset
        renewals[j : j + len(part)] += part
        variance[j : j + len(part)] += (part * relative_error) ** 2
    # Documents still at risk on each day: those whose risk window has not closed yet.
    closed = np.cumsum(at_risk_until[:horizon_days])
    at_risk = at_risk_until.sum() - closed
    return renewals, variance, at_risk


def _to_working_days(values: Floats, open_day: npt.NDArray[np.bool_]) -> Floats:
    """Move what falls on a closed day (weekend, holiday) to the next open day."""
    moved = np.zeros_like(values)
    carry = 0.0
    for i in range(len(values)):
        carry += values[i]
        if open_day[i]:
            moved[i] = carry
            carry = 0.0
    if carry and len(moved):
        moved[-1] += carry
    return moved


def _gemeente_days(
    links: pd.DataFrame, code: str, peil: dt.date, horizon_days: int, behaviour: Behaviour
) -> pd.DataFrame:
    days = [peil + dt.timedelta(days=1 + i) for i in range(horizon_days)]
    holidays = {d for y in range(days[0].year, days[-1].year + 1) for d in public_holidays(y)}
    open_day = np.array([d.weekday() < WEEKDAY_LIMIT and d not in holidays for d in days])
    open_docs = links[links["opvolger_aanvraagdatum"].isna()]
    open_docs = open_docs[
        open_docs["geldig_tot"] >= pd.Timestamp(peil) - pd.Timedelta(days=LAG_MAX_DAYS)
    ]
    renewals, renewal_variance, at_risk = _expected_renewals(
        open_docs, code, peil, horizon_days, behaviour
    )
    renewals = _to_working_days(renewals, open_day)
    renewal_variance = _to_working_days(renewal_variance, open_day)
    rate = behaviour.first_per_working_day.get(code, {})
    first = np.array(
        [rate.get(d.month, 0.0) if o else 0.0 for d, o in zip(days, open_day, strict=True)]
    )
    n_first = behaviour.first_documents.get(code, 0)
    first_variance = first**2 / n_first if n_first else first**2
    # New documents (renewals and first documents) are at risk of replacement from the day
    # they are issued; over three years none of them comes near its own expiry.
    issued_before = np.concatenate([[0.0], np.cumsum(renewals + first)[:-1]])
    h = behaviour.replacement_per_year.get(code, 0.0)
    replacements = _to_working_days((at_risk + issued_before) * h / 365.25, open_day)
    return pd.DataFrame(
        {
            "gemeente_code": code,
            "day": days,
            "renewals": renewals,
            "first_documents": first,
            "replacements": replacements,
            "variance_renewals": renewal_variance,
            "variance_first": first_variance,
        }
    )


def forecast(
    links: pd.DataFrame,
    *,
    gemeenten: Iterable[str] | None = None,
    weeks: int = DEFAULT_WEEKS,
    capacity: Mapping[str, float] | None = None,
    appointments_per_application: float = 1.0,
) -> RenewalForecast:
    """Expected applications per ISO week for ``weeks`` weeks after each gemeente's peildatum.

    Behaviour is learned from all rows; the forecast is made for ``gemeenten`` (default:
    every gemeente in the rows). The first week starts on the Monday of the week after the
    peildatum's day; if that Monday lies on or before the peildatum, the week only counts
    the days after it and is marked incomplete.
    """
    behaviour = learn_behaviour(links)
    codes = sorted(set(gemeenten) if gemeenten else set(links["gemeente_code"]))
    peildata: dict[str, dt.date] = {}
    frames = []
    for code in codes:
        own = links[links["gemeente_code"] == code]
        if own.empty:
            raise ValueError(f"Geen reisdocumenten van {code} om een voorspelling op te baseren.")
        peil = own["peildatum"].iloc[0].date()
        peildata[code] = peil
        first_day = peil + dt.timedelta(days=1)
        monday = first_day - dt.timedelta(days=first_day.weekday())
        horizon_days = (monday + dt.timedelta(weeks=weeks) - first_day).days
        frames.append(_gemeente_days(own, code, peil, horizon_days, behaviour))
    days = pd.concat(frames, ignore_index=True)
    result = RenewalForecast(peildata, behaviour, days)
    result.weeks.extend(
        weekly(result, capacity or {}, appointments_per_application=appointments_per_application)
    )
    return result


def weekly(
    result: RenewalForecast,
    capacity: Mapping[str, float],
    *,
    appointments_per_application: float = 1.0,
) -> list[WeekForecast]:
    """The daily forecast per ISO week, with appointments against the counter's capacity.

    The interval adds the counter's day-to-day chance (Poisson: variance equals the mean)
    to the uncertainty of the learned shares and rates; it does not cover a change in how
    people behave."""
    days = result.days.copy()
    days["week_start"] = [d - dt.timedelta(days=d.weekday()) for d in days["day"]]
    summed = days.groupby(["gemeente_code", "week_start"], sort=True)[
        ["renewals", "first_documents", "replacements", "variance_renewals", "variance_first"]
    ].sum()
    out: list[WeekForecast] = []
    for (code, monday), row in summed.iterrows():
        applications = float(row["renewals"] + row["first_documents"] + row["replacements"])
        sd = math.sqrt(applications + row["variance_renewals"] + row["variance_first"])
        iso = monday.isocalendar()
        limit = capacity.get(str(code))
        appointments = applications * appointments_per_application
        upper = applications + INTERVAL_Z * sd
        out.append(
            WeekForecast(
                gemeente_code=str(code),
                iso_week=f"{iso.year}-W{iso.week:02d}",
                week_start=monday,
                complete=monday > result.peildatum[str(code)],
                renewals=float(row["renewals"]),
                first_documents=float(row["first_documents"]),
                replacements=float(row["replacements"]),
                applications=applications,
                lower=max(applications - INTERVAL_Z * sd, 0.0),
                upper=upper,
                appointments=appointments,
                capacity=limit,
                over_capacity=limit is not None and appointments > limit,
                may_exceed_capacity=limit is not None
                and upper * appointments_per_application > limit,
            )
        )
    return out


def per_quarter(
    result: RenewalForecast, component: str = "applications"
) -> dict[tuple[str, str], float]:
    """Expected counts per (gemeente, "2026-Q1") for one component ("renewals",
    "first_documents", "replacements" or "applications"); a quarter the horizon only partly
    covers counts only its forecast days."""
    days = result.days
    values = (
        days["renewals"] + days["first_documents"] + days["replacements"]
        if component == "applications"
        else days[component]
    )
    labels = [f"{d.year}-Q{(d.month - 1) // 3 + 1}" for d in days["day"]]
    frame = pd.DataFrame({"gemeente": days["gemeente_code"], "quarter": labels, "value": values})
    summed = frame.groupby(["gemeente", "quarter"])["value"].sum()
    return {(str(g), str(q)): float(v) for (g, q), v in summed.items()}
