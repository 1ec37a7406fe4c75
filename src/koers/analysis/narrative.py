"""Dutch sentences about peaks, causes and forecasts, made from templates and the numbers.

A sentence is a template with named slots and one :class:`Fact` per slot. A fact keeps its
value, its text in Dutch formats (:mod:`koers.formatting`: 1.234,5 and 21 oktober) and its
:class:`Source`: which series, which period and which computation gave it, and the query if
the caller has one. A page can therefore render the sentence and, on each number, where it
came from; nothing in a sentence is typed by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from koers.analysis.backtest import Backtest
from koers.analysis.causes import Cause
from koers.analysis.forecast import WeeklyForecast
from koers.analysis.peaks import Peak
from koers.formatting import MONTHS, number


@dataclass(frozen=True)
class Source:
    """Where a number came from: the series, the days, the computation, the query."""

    series: str
    first: dt.date | None
    last: dt.date | None
    computation: str
    query: str = ""


@dataclass(frozen=True)
class Fact:
    value: float | dt.date | str
    text: str
    source: Source


@dataclass(frozen=True)
class Sentence:
    """``template`` with ``{name}`` slots, each filled by ``facts[name].text``."""

    template: str
    facts: Mapping[str, Fact] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template.format(**{name: fact.text for name, fact in self.facts.items()})

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Share:
    """One part of a peak's excess (a category or wijk), for "vooral over ... in ...".

    ``extra`` is the part's observed minus expected over the peak's days.
    """

    label: str
    extra: float
    source: Source


#: A part is named ("vooral ...") only when it holds at least this share of the excess.
MAIN_SHARE = 0.4


def main_share(extras: Mapping[str, float], source: Source) -> Share | None:
    """The part (label -> extra reports over the peak) that carried the peak, if one did."""
    positive = {label: extra for label, extra in extras.items() if extra > 0}
    if not positive:
        return None
    label, extra = max(positive.items(), key=lambda item: item[1])
    return Share(label, extra, source) if extra >= MAIN_SHARE * sum(positive.values()) else None


def day_month(day: dt.date) -> str:
    """'21 oktober': how a date reads in running Dutch text."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def peak_sentence(
    peak: Peak,
    *,
    subject: str = "meldingen",
    causes: Sequence[Cause] = (),
    main_share: Share | None = None,
    by_week: bool = False,
    query: str = "",
) -> Sentence:
    """'In week 43 kwamen 38% meer meldingen binnen dan verwacht, vooral over groen in
    Zevenaar-Centrum; op 21 oktober waaiden windstoten tot 24 m/s.'

    ``by_week`` names the ISO week of the peak day instead of the days; the best cause, if
    any, closes the sentence.
    """
    period_source = Source(peak.series, peak.first, peak.last, "dagen van de piek", query)
    facts: dict[str, Fact] = {}
    if by_week:
        week = peak.peak_day.isocalendar().week
        facts["when"] = Fact(week, f"week {week}", period_source)
        opening = "In {when}"
    elif peak.days == 1:
        facts["when"] = Fact(peak.first, day_month(peak.first), period_source)
        opening = "Op {when}"
    else:
        facts["when"] = Fact(peak.first, day_month(peak.first), period_source)
        facts["until"] = Fact(peak.last, day_month(peak.last), period_source)
        opening = "Van {when} tot en met {until}"
    facts["percent"] = Fact(
        round(peak.percent),
        f"{number(peak.percent)}%",
        Source(
            peak.series,
            peak.first,
            peak.last,
            "100 × (ontvangen − verwacht) / verwacht; verwacht volgens de seizoensbasislijn",
            query,
        ),
    )
    facts["observed"] = Fact(
        peak.observed,
        number(peak.observed),
        Source(peak.series, peak.first, peak.last, "som van de ontvangen meldingen", query),
    )
    facts["expected"] = Fact(
        peak.expected,
        number(peak.expected),
        Source(peak.series, peak.first, peak.last, "som van de seizoensbasislijn", query),
    )
    template = opening + " kwamen {percent} meer " + subject + " binnen dan verwacht"
    template += " ({observed} in plaats van {expected})"
    if main_share is not None:
        facts["share"] = Fact(main_share.label, main_share.label, main_share.source)
        template += ", vooral {share}"
    if causes:
        clause, cause_facts = _cause_clause(causes[0], peak.series, query)
        facts.update(cause_facts)
        template += "; " + clause
    return Sentence(template + ".", facts)


def _cause_clause(cause: Cause, series: str, query: str) -> tuple[str, dict[str, Fact]]:
    day = cause.value_day
    source = Source("weer" if cause.unit else "kalender", day, day, cause.evidence, query)
    facts: dict[str, Fact] = {}
    if day is not None:
        facts["cause_day"] = Fact(day, day_month(day), source)
    if cause.value is not None:
        decimals = 0 if cause.code == "storm" or abs(cause.value) >= 10 else 1
        facts["cause_value"] = Fact(cause.value, number(cause.value, decimals), source)
    templates = {
        "storm": "op {cause_day} waaiden windstoten tot {cause_value} m/s",
        "zware_regen": "op {cause_day} viel {cause_value} mm regen",
        "vorst": "op {cause_day} vroor het tot {cause_value} °C",
        "hitte": "op {cause_day} werd het {cause_value} °C",
        "oud_en_nieuw": "het was oud en nieuw",
    }
    if cause.code in templates:
        return templates[cause.code], facts
    name = cause.evidence.split(" op ")[0]
    facts["cause_name"] = Fact(name, name, source)
    return "op {cause_day} was het {cause_name}" if cause.code != "evenement" else (
        "er was {cause_name} ({cause_day})"
    ), facts


def forecast_sentence(
    forecast: WeeklyForecast, *, subject: str = "meldingen", query: str = ""
) -> Sentence:
    """'Voor de 8 weken vanaf 3 november verwachten we 1.234 meldingen, met 80% zekerheid
    tussen 1.100 en 1.380 per week ...' (per week: what crews are planned by)."""
    first = forecast.first_week
    last = forecast.week_start(len(forecast) - 1) + dt.timedelta(days=6)

    def fact(value: float, computation: str) -> Fact:
        return Fact(value, number(value), Source(forecast.series, first, last, computation, query))

    facts = {
        "weeks": Fact(len(forecast), number(len(forecast)),
                      Source(forecast.series, first, last, "voorspelhorizon in weken", query)),
        "start": Fact(first, day_month(first),
                      Source(forecast.series, first, first, "eerste voorspelde week", query)),
        "total": fact(float(forecast.mean.sum()), "som van de verwachte meldingen per week"),
        "low": fact(float(forecast.lower_80.min()), "laagste ondergrens van de 80%-intervallen"),
        "high": fact(float(forecast.upper_80.max()), "hoogste bovengrens van de 80%-intervallen"),
    }  # fmt: skip
    template = (
        "Voor de {weeks} weken vanaf {start} verwachten we {total} " + subject
        + "; per week ligt het aantal met 80% zekerheid tussen {low} en {high}."
    )  # fmt: skip
    return Sentence(template, facts)


def backtest_sentence(backtest: Backtest, *, query: str = "") -> Sentence:
    """How much better than "same week last year" the forecasts were, and how often the
    80% interval held."""
    source = Source(backtest.series, None, None, "rolling-origin backtest", query)
    better = 100.0 * (1.0 - backtest.mase_model / backtest.mase_seasonal_naive)
    facts = {
        "forecasts": Fact(backtest.forecasts, number(backtest.forecasts), source),
        "better": Fact(better, f"{number(abs(better))}%", Source(
            backtest.series, None, None,
            "100 × (1 − MASE model / MASE seizoensnaïef)", query)),
        "coverage": Fact(backtest.coverage_80, f"{number(100 * backtest.coverage_80)}%", Source(
            backtest.series, None, None, "aandeel weken binnen het 80%-interval", query)),
    }  # fmt: skip
    direction = "minder" if better >= 0 else "meer"
    template = (
        "In {forecasts} voorspelde weken uit het verleden zat de voorspelling er gemiddeld "
        "{better} " + direction + " naast dan 'dezelfde week vorig jaar'; "
        "{coverage} van de weken viel binnen het 80%-interval."
    )
    return Sentence(template, facts)
