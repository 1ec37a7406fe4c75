"""Peaks in meldingen per gemeente and (category, subcategory), with causes and a sentence.

One row per peak episode found by :mod:`koers.analysis` over the whole history in the
warehouse: the seasonal baseline (``decompose``), the episodes with their p- and q-values
(``detect_peaks``), the candidate causes ranked by what each series has learnt (weather from
the weer pack, the calendar and the team's own events list, ``rank_causes``), the wijk that
carried the extra reports and the Dutch sentence a page shows (``narrative``). Stored so that
pages, the API and exports read the same peaks through the query layer (docs/packs/meldingen.md).

Weather is optional: ``core.weer_dag`` and ``core.weer_drempels`` exist only when the weer pack
is enabled, and a project with meldingen alone must still build. They are therefore
``OPTIONAL_INPUTS`` (see koers.transform.python_model): with the weer pack on they order,
fingerprint and trace this model like its other inputs; without it the peaks are still
found and their causes come from the calendar and the events list only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd  # type: ignore[import-untyped]

from koers.analysis.causes import (
    Cause,
    CauseContext,
    DailyWeatherSeries,
    Event,
    WeatherThresholds,
    rank_causes,
)
from koers.analysis.decompose import decompose
from koers.analysis.narrative import Share, Source, main_share, peak_sentence
from koers.analysis.peaks import Peak, detect_peaks
from koers.analysis.series import DailySeries, FloatArray
from koers.engine import Warehouse
from koers.formatting import number

INPUTS = ("core.meldingen", "staging.gebeurtenissen")
OPTIONAL_INPUTS = ("core.weer_dag", "core.weer_drempels")
CODE = (
    "koers.analysis.series",
    "koers.analysis.decompose",
    "koers.analysis.peaks",
    "koers.analysis.calendar",
    "koers.analysis.causes",
    "koers.analysis.narrative",
)
COLUMNS = {
    "gemeente_code": "VARCHAR",
    "category": "VARCHAR",
    "subcategory": "VARCHAR",
    "eerste_dag": "DATE",
    "laatste_dag": "DATE",
    "piekdag": "DATE",
    "ontvangen": "DOUBLE",
    "verwacht": "DOUBLE",
    "extra": "DOUBLE",
    "procent": "DOUBLE",
    "p_waarde": "DOUBLE",
    "q_waarde": "DOUBLE",
    "zekerheid": "VARCHAR",
    "oorzaak": "VARCHAR",
    "oorzaak_label": "VARCHAR",
    "oorzaak_bewijs": "VARCHAR",
    "oorzaak_score": "DOUBLE",
    "andere_oorzaken": "VARCHAR",
    "wijk_code": "VARCHAR",
    "wijk_name": "VARCHAR",
    "wijk_aandeel": "DOUBLE",
    "zin": "VARCHAR",
}

#: q-value cut-offs for the Dutch certainty word: at most this share of the days flagged at
#: this level would be false alarms. Peaks are only kept at q <= 0.05 (analysis.peaks.FDR),
#: so "mogelijk" means 0.01 < q <= 0.05.
CERTAINTY = ((0.001, "zeer zeker"), (0.01, "zeker"))
POSSIBLE = "mogelijk"
#: Candidates named in andere_oorzaken after the best one.
OTHER_CAUSES = 3

SeriesKey = tuple[str, str, str]  # gemeente_code, category, subcategory

_COUNTS_SQL = """
SELECT gemeente_code, category, subcategory, wijk_code, max(wijk_name) AS wijk_name,
       created_date, count(*) AS n
FROM core.meldingen
WHERE created_date IS NOT NULL AND category IS NOT NULL AND subcategory IS NOT NULL
GROUP BY gemeente_code, category, subcategory, wijk_code, created_date
"""
# One weather row per day: with several stations the strongest gust, the most rain, the
# lowest minimum and the highest maximum (a cause anywhere in the region counts).
_WEATHER_SQL = """
SELECT datum, max(windstoot_max_ms) AS windstoot_max_ms, max(neerslag_mm) AS neerslag_mm,
       min(temperatuur_min_c) AS temperatuur_min_c, max(temperatuur_max_c) AS temperatuur_max_c
FROM core.weer_dag
GROUP BY datum
"""
_EVENTS_SQL = """
SELECT datum_van, coalesce(datum_tot, datum_van) AS datum_tot,
       coalesce(gemeente, gemeente_code) AS gemeente, wijk_code, omschrijving
FROM staging.gebeurtenissen
WHERE datum_van IS NOT NULL AND omschrijving IS NOT NULL
ORDER BY datum_van, omschrijving
"""


@dataclass
class _Series:
    """Counts of one gemeente x (category, subcategory): per day, and per day per wijk."""

    days: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))
    wijken: dict[str, dict[dt.date, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )


def build(warehouse: Warehouse) -> pd.DataFrame:
    series: dict[SeriesKey, _Series] = defaultdict(_Series)
    wijk_names: dict[str, str] = {}
    span: dict[str, tuple[dt.date, dt.date]] = {}
    for gemeente, category, sub, wijk, wijk_name, day, n in warehouse.query(_COUNTS_SQL).rows:
        entry = series[gemeente, category, sub]
        entry.days[day] += float(n)
        entry.wijken[wijk][day] += float(n)
        wijk_names[wijk] = wijk_name or wijk
        first, last = span.get(gemeente, (day, day))
        span[gemeente] = (min(first, day), max(last, day))
    weather, thresholds = _weather(warehouse)
    events = _events(warehouse)
    rows: list[dict[str, object]] = []
    for key in sorted(series):
        first, last = span[key[0]]
        context = CauseContext(
            weather=weather, thresholds=thresholds, events=events, gemeente_code=key[0]
        )
        rows += _peak_rows(key, series[key], first, last, context, wijk_names)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    # Nullable floats, so that "no wijk" and "no cause" are stored as NULL, not as NaN.
    for name in ("oorzaak_score", "wijk_aandeel"):
        frame[name] = frame[name].astype("Float64")
    return frame


def _peak_rows(
    key: SeriesKey,
    counts: _Series,
    first: dt.date,
    last: dt.date,
    context: CauseContext,
    wijk_names: dict[str, str],
) -> list[dict[str, object]]:
    gemeente, category, sub = key
    daily = DailySeries.from_counts(
        counts.days, start=first, end=last, name=f"{gemeente} / {category} / {sub}"
    )
    fit = decompose(daily)
    peaks = detect_peaks(daily, fit)
    if not peaks:
        return []
    by_wijk = {
        wijk: DailySeries.from_counts(days, start=first, end=last).values
        for wijk, days in counts.wijken.items()
    }
    rows = []
    for peak in peaks:
        # A cause that does not raise this series (score 0: its lift is at most 1) is no
        # explanation, even when it happened on the day.
        causes = [c for c in rank_causes(fit, peak, context) if c.score > 0]
        wijk, share_of_extra = _main_wijk(daily, peak, by_wijk)
        share = None
        if wijk is not None:
            share = Share(
                f"in {wijk_names[wijk]}",
                share_of_extra * peak.extra,
                Source(daily.name, peak.first, peak.last, _WIJK_COMPUTATION),
            )
        sentence = peak_sentence(peak, subject=_subject(category, sub), causes=causes,
                                 main_share=share)  # fmt: skip
        best = causes[0] if causes else None
        rows.append(
            {
                "gemeente_code": gemeente,
                "category": category,
                "subcategory": sub,
                "eerste_dag": peak.first,
                "laatste_dag": peak.last,
                "piekdag": peak.peak_day,
                "ontvangen": peak.observed,
                "verwacht": peak.expected,
                "extra": peak.extra,
                "procent": peak.percent,
                "p_waarde": peak.p_value,
                "q_waarde": peak.q_value,
                "zekerheid": certainty(peak.q_value),
                "oorzaak": best.code if best else None,
                "oorzaak_label": best.label if best else None,
                "oorzaak_bewijs": best.evidence if best else None,
                "oorzaak_score": best.score if best else None,
                "andere_oorzaken": _others(causes[1:]),
                "wijk_code": wijk,
                "wijk_name": wijk_names[wijk] if wijk is not None else None,
                "wijk_aandeel": share_of_extra if wijk is not None else None,
                "zin": sentence.text,
            }
        )
    return rows


_WIJK_COMPUTATION = (
    "per wijk: ontvangen min verwacht over de dagen van de piek; verwacht = verwacht van de "
    "reeks × aandeel van de wijk in de meldingen van deze reeks buiten de piek"
)


def _main_wijk(
    daily: DailySeries, peak: Peak, by_wijk: dict[str, FloatArray]
) -> tuple[str | None, float]:
    """The wijk that carried the peak (narrative.main_share over the wijken's extra reports)
    and its part of the positive extras, or (None, 0) when no wijk carried enough of it.

    A wijk's expectation is the series' expectation on the peak days times the wijk's share
    of the series outside the episode: a wijk that always has half the reports is expected
    to have half of them on the peak days too.
    """
    a, b = daily.index_of(peak.first), daily.index_of(peak.last) + 1
    outside_total = float(daily.values.sum() - daily.values[a:b].sum())
    if outside_total <= 0:
        return None, 0.0
    extras = {}
    for wijk, values in by_wijk.items():
        in_peak = float(values[a:b].sum())
        share = (float(values.sum()) - in_peak) / outside_total
        extras[wijk] = in_peak - peak.expected * share
    main = main_share(extras, Source(daily.name, peak.first, peak.last, _WIJK_COMPUTATION))
    if main is None:
        return None, 0.0
    positive = sum(extra for extra in extras.values() if extra > 0)
    return main.label, main.extra / positive


def certainty(q_value: float) -> str:
    """'zeer zeker', 'zeker' or 'mogelijk' (see CERTAINTY)."""
    for cut, word in CERTAINTY:
        if q_value <= cut:
            return word
    return POSSIBLE


def _subject(category: str, sub: str) -> str:
    """What the sentence counts: 'meldingen over boom', 'overige meldingen over groen'."""
    if sub.lower().startswith("overig"):
        return f"overige meldingen over {category.lower()}"
    return f"meldingen over {sub.lower()}"


def _others(causes: Sequence[Cause]) -> str | None:
    named = [f"{c.label} (score {number(c.score, 1)})" for c in causes[:OTHER_CAUSES]]
    return "; ".join(named) if named else None


def _weather(warehouse: Warehouse) -> tuple[DailyWeatherSeries | None, WeatherThresholds]:
    """Weather and thresholds from the weer pack, if it is enabled (OPTIONAL_INPUTS)."""
    thresholds = WeatherThresholds()
    if warehouse.table_exists("core.weer_drempels"):
        values = dict(warehouse.query("SELECT oorzaak, drempel FROM core.weer_drempels").rows)
        thresholds = WeatherThresholds(
            storm_gust_ms=float(values.get("storm", thresholds.storm_gust_ms)),
            heavy_rain_mm=float(values.get("zware_regen", thresholds.heavy_rain_mm)),
            frost_below_c=float(values.get("vorst", thresholds.frost_below_c)),
            heat_from_c=float(values.get("hitte", thresholds.heat_from_c)),
        )
    if not warehouse.table_exists("core.weer_dag"):
        return None, thresholds
    records = warehouse.query(_WEATHER_SQL).records()
    return (DailyWeatherSeries.from_rows(records) if records else None), thresholds


def _events(warehouse: Warehouse) -> list[Event]:
    """The team's events list; a row whose last day lies before its first is left out."""
    events = []
    for first, last, gemeente, wijk, text in warehouse.query(_EVENTS_SQL).rows:
        if last >= first:
            events.append(Event(first, last, str(text), gemeente or None, wijk or None))
    return events
