"""Likely causes of a rising waiting list: inflow spike, capacity drop or change in case mix.

One row per gemeente x domein x signal week x candidate cause. A signal week is a week in
which the waiting list (open cases at the week's end) or the new term exceedances rose
clearly above the 26 weeks before (thresholds below). Consecutive signal weeks form an
episode; every week of an episode compares the same two periods: the *window* from eight
weeks before the episode began up to the week, against the 26 weeks before the window, so
the baseline is not already raised by the problem it explains. Each cause gets a score (the
relative rise in work per available hour it stands for; 0 when the change is not
significant) and a Dutch sentence with its evidence. A cause is a coincidence in time, not
proof: the page says so (docs/packs/sociaal_domein.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from scipy import stats  # type: ignore[import-untyped]

from koers.engine import Warehouse
from koers.formatting import MONTHS, number

INPUTS = (
    "marts.sociaal_domein_wachtlijst_week",
    "marts.sociaal_domein_stroom_week",
    "marts.sociaal_domein_capaciteit_maand",
    "core.sociaal_domein_zaken",
)
COLUMNS = {
    "gemeente_code": "VARCHAR",
    "domein": "VARCHAR",
    "team": "VARCHAR",
    "week_end": "DATE",
    "episode_start": "DATE",
    "signaal": "VARCHAR",
    "open_count": "DOUBLE",
    "open_verwacht": "DOUBLE",
    "nieuw_over_termijn_4_weken": "DOUBLE",
    "nieuw_over_termijn_verwacht": "DOUBLE",
    "rang": "INTEGER",
    "oorzaak": "VARCHAR",
    "oorzaak_label": "VARCHAR",
    "score": "DOUBLE",
    "p_waarde": "DOUBLE",
    "bewijs": "VARCHAR",
}

BASELINE_WEEKS = 26
#: The detection baseline ends this many weeks before the week, so a slow rise is not
#: compared with itself.
DETECTION_GAP_WEEKS = 4
#: Open cases: at least 3 standard deviations and 25% and 5 cases above the baseline mean.
OPEN_SD, OPEN_RISE, OPEN_MIN = 3.0, 1.25, 5.0
#: New exceedances in the last 4 weeks: Poisson p-value below this against the baseline rate.
EXCEEDANCE_WEEKS, EXCEEDANCE_P, EXCEEDANCE_MIN = 4, 0.001, 4
#: Signal weeks at most this far apart belong to one episode.
EPISODE_GAP_WEEKS = 2
#: The cause window starts this many weeks before an episode's first week.
LEAD_WEEKS = 8
MIN_BASELINE_WEEKS = 8
#: Significance for a cause to score; capacity needs a drop of at least 10% (sick leave
#: alone moves a team's hours by a few percent).
CAUSE_P = 0.05
MIX_P = 0.01
CAPACITY_DROP = 0.9

LABELS = {
    "instroom": "Meer instroom",
    "capaciteit": "Minder beschikbare uren",
    "casemix": "Andere samenstelling van de instroom",
}

Key = tuple[str, str]  # gemeente_code, domein

_OPEN_SQL = """
SELECT gemeente_code, domein, week_end, sum(open_count) AS open_count
FROM marts.sociaal_domein_wachtlijst_week
GROUP BY gemeente_code, domein, week_end
"""
_FLOW_SQL = """
SELECT gemeente_code, domein, week_start, max(team) AS team,
       sum(CASE WHEN stap = 'onderzoek' THEN instroom_count ELSE 0 END) AS instroom,
       sum(nieuw_over_termijn_count) AS nieuw_over_termijn
FROM marts.sociaal_domein_stroom_week
GROUP BY gemeente_code, domein, week_start
"""
_HOURS_SQL = """
SELECT gemeente_code, domein, month, max(team) AS team,
       sum(beschikbare_uren_per_week) AS uren_per_week
FROM marts.sociaal_domein_capaciteit_maand
GROUP BY gemeente_code, domein, month
"""
_MIX_SQL = """
SELECT gemeente_code, domein, CAST(date_trunc('week', start_date) AS DATE) AS week_start,
       coalesce(verwijzer, 'onbekend') AS verwijzer, count(*) AS n
FROM core.sociaal_domein_zaken
WHERE stap = 'onderzoek'
GROUP BY 1, 2, 3, 4
"""


@dataclass
class _Series:
    """Weekly series of one gemeente x domein, indexed by the Monday of the week."""

    weeks: list[dt.date]
    week_end: list[dt.date]
    open: np.ndarray[Any, np.dtype[np.float64]]
    inflow: np.ndarray[Any, np.dtype[np.float64]]
    exceeded: np.ndarray[Any, np.dtype[np.float64]]
    mix: dict[str, np.ndarray[Any, np.dtype[np.float64]]]
    hours: dict[dt.date, float]
    team: str


def build(warehouse: Warehouse) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for key, series in sorted(_load(warehouse).items()):
        rows += _rows(key, series)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _load(warehouse: Warehouse) -> dict[Key, _Series]:
    open_by: dict[Key, dict[dt.date, tuple[dt.date, float]]] = defaultdict(dict)
    for gemeente, domein, week_end, n in warehouse.query(_OPEN_SQL).rows:
        open_by[gemeente, domein][_monday(week_end)] = (week_end, float(n))
    flow: dict[Key, dict[dt.date, tuple[float, float]]] = defaultdict(dict)
    teams: dict[Key, str] = {}
    for gemeente, domein, week, team, inflow, exceeded in warehouse.query(_FLOW_SQL).rows:
        flow[gemeente, domein][week] = (float(inflow), float(exceeded))
        teams[gemeente, domein] = team
    hours: dict[Key, dict[dt.date, float]] = defaultdict(dict)
    for gemeente, domein, month, team, per_week in warehouse.query(_HOURS_SQL).rows:
        hours[gemeente, domein][month] = float(per_week or 0.0)
        teams.setdefault((gemeente, domein), team)
    mix: dict[Key, dict[str, dict[dt.date, float]]] = defaultdict(lambda: defaultdict(dict))
    for gemeente, domein, week, verwijzer, n in warehouse.query(_MIX_SQL).rows:
        mix[gemeente, domein][verwijzer][week] = float(n)
    out: dict[Key, _Series] = {}
    for key, by_week in open_by.items():
        weeks = sorted(by_week)
        out[key] = _Series(
            weeks=weeks,
            week_end=[by_week[w][0] for w in weeks],
            open=np.array([by_week[w][1] for w in weeks]),
            inflow=np.array([flow[key].get(w, (0.0, 0.0))[0] for w in weeks]),
            exceeded=np.array([flow[key].get(w, (0.0, 0.0))[1] for w in weeks]),
            mix={v: np.array([d.get(w, 0.0) for w in weeks]) for v, d in mix[key].items()},
            hours=hours.get(key, {}),
            team=teams.get(key, "onbekend"),
        )
    return out


def _signals(s: _Series) -> dict[int, tuple[str, float, float, float]]:
    """Signal weeks: index -> (signal, open baseline, exceedances in 4 weeks, expected)."""
    found: dict[int, tuple[str, float, float, float]] = {}
    first = BASELINE_WEEKS + DETECTION_GAP_WEEKS
    for i in range(first, len(s.weeks)):
        base = slice(i - first, i - DETECTION_GAP_WEEKS)
        mean, sd = float(s.open[base].mean()), float(s.open[base].std(ddof=1))
        rise = s.open[i] > max(mean + OPEN_SD * sd, OPEN_RISE * mean, mean + OPEN_MIN)
        recent = float(s.exceeded[i - EXCEEDANCE_WEEKS + 1 : i + 1].sum())
        expected = float(s.exceeded[base].mean()) * EXCEEDANCE_WEEKS
        p = float(stats.poisson.sf(recent - 1, max(expected, 0.1)))
        late = recent >= EXCEEDANCE_MIN and p < EXCEEDANCE_P
        if rise or late:
            kind = (
                "wachtlijst en overschrijdingen"
                if rise and late
                else ("wachtlijst" if rise else "overschrijdingen")
            )
            found[i] = (kind, mean, recent, expected)
    return found


def _rows(key: Key, s: _Series) -> list[dict[str, Any]]:
    signals = _signals(s)
    rows: list[dict[str, Any]] = []
    episode_start: int | None = None
    previous: int | None = None
    for i in sorted(signals):
        if previous is None or i - previous > EPISODE_GAP_WEEKS + 1:
            episode_start = i
        previous = i
        assert episode_start is not None
        window_first = episode_start - LEAD_WEEKS
        base_first = max(0, window_first - BASELINE_WEEKS)
        if window_first - base_first < MIN_BASELINE_WEEKS:
            continue
        window, base = slice(window_first, i + 1), slice(base_first, window_first)
        causes = [
            _inflow(s, window, base),
            _capacity(s, window, base),
            _mix(s, window, base),
        ]
        causes.sort(key=lambda c: (-c[1], c[0]))
        kind, open_base, recent, expected = signals[i]
        for rank, (code, score, p, evidence) in enumerate(causes, start=1):
            rows.append(
                {
                    "gemeente_code": key[0],
                    "domein": key[1],
                    "team": s.team,
                    "week_end": s.week_end[i],
                    "episode_start": s.weeks[episode_start],
                    "signaal": kind,
                    "open_count": float(s.open[i]),
                    "open_verwacht": open_base,
                    "nieuw_over_termijn_4_weken": recent,
                    "nieuw_over_termijn_verwacht": expected,
                    "rang": rank,
                    "oorzaak": code,
                    "oorzaak_label": LABELS[code],
                    "score": score,
                    "p_waarde": p,
                    "bewijs": evidence,
                }
            )
    return rows


def _inflow(s: _Series, window: slice, base: slice) -> tuple[str, float, float, str]:
    weeks = window.stop - window.start
    base_weeks = base.stop - base.start
    observed = float(s.inflow[window].sum())
    rate, base_rate = observed / weeks, float(s.inflow[base].mean())
    p = float(stats.poisson.sf(observed - 1, max(base_rate * weeks, 0.1)))
    ratio = rate / base_rate if base_rate > 0 else float("inf")
    score = ratio - 1 if p < CAUSE_P and ratio > 1 else 0.0
    direction = "boven" if rate >= base_rate else "onder"
    evidence = (
        f"instroom {number(abs(ratio - 1) * 100)}% {direction} het gemiddelde van de "
        f"{base_weeks} weken ervoor ({number(rate, 1)} per week tegen {number(base_rate, 1)})"
    )
    return "instroom", float(min(score, 10.0)), p, evidence


def _capacity(s: _Series, window: slice, base: slice) -> tuple[str, float, float, str]:
    """Available hours per week in the window's months against the same months a year
    earlier (leave follows the seasons), or else the baseline's months."""
    months = sorted({w.replace(day=1) for w in s.weeks[window]})
    base_months = sorted({w.replace(day=1) for w in s.weeks[base]} - set(months))
    base_mean = np.mean([s.hours[m] for m in base_months if m in s.hours] or [np.nan])
    pairs: list[tuple[dt.date, float, float]] = []
    year_earlier = True
    for m in months:
        if m not in s.hours:
            continue
        earlier = m.replace(year=m.year - 1)
        if earlier in s.hours and s.hours[earlier] > 0:
            pairs.append((m, s.hours[m], s.hours[earlier]))
        else:
            year_earlier = False
            pairs.append((m, s.hours[m], float(base_mean)))
    pairs = [(m, h, ref) for m, h, ref in pairs if not np.isnan(ref) and ref > 0]
    if not pairs:
        return "capaciteit", 0.0, 1.0, f"geen urenregistratie van {s.team} voor deze periode"
    now = sum(h for _, h, _ in pairs)
    ref = sum(r for _, _, r in pairs)
    ratio = now / ref
    since = next((m for m, h, r in pairs if h / r < CAPACITY_DROP), None)
    score = 1 / ratio - 1 if ratio < CAPACITY_DROP and now > 0 else 0.0
    compared = "een jaar eerder" if year_earlier else "de maanden ervoor"
    if ratio < 1:
        text = f"beschikbare uren {s.team} {number((1 - ratio) * 100)}% lager dan {compared}"
        if since is not None:
            text += f", sinds {since.day} {MONTHS[since.month - 1]} {since.year}"
    else:
        text = f"beschikbare uren {s.team} {number((ratio - 1) * 100)}% hoger dan {compared}"
    # No p-value for hours (they are counted, not sampled): 0 marks a drop past the cut-off.
    return "capaciteit", float(min(score, 10.0)), 0.0 if score > 0 else 1.0, text


def _mix(s: _Series, window: slice, base: slice) -> tuple[str, float, float, str]:
    """Referrers of new onderzoeken in the window against the baseline (chi-square)."""
    names = sorted(s.mix)
    recent = np.array([s.mix[v][window].sum() for v in names])
    before = np.array([s.mix[v][base].sum() for v in names])
    keep = (recent + before) > 0
    if keep.sum() < 2 or recent.sum() == 0 or before.sum() == 0:
        return "casemix", 0.0, 1.0, "te weinig instroom om de samenstelling te vergelijken"
    names = [n for n, k in zip(names, keep, strict=True) if k]
    recent, before = recent[keep], before[keep]
    p = float(stats.chi2_contingency(np.vstack([recent, before]))[1])
    shares_now, shares_before = recent / recent.sum(), before / before.sum()
    shift = shares_now - shares_before
    tv = float(np.abs(shift).sum() / 2)
    j = int(np.argmax(np.abs(shift)))
    direction = "hoger" if shift[j] >= 0 else "lager"
    base_weeks = base.stop - base.start
    evidence = (
        f"aandeel '{names[j]}' in de instroom {number(abs(shift[j]) * 100)} procentpunt "
        f"{direction} dan in de {base_weeks} weken ervoor"
    )
    return "casemix", tv if p < MIX_P else 0.0, p, evidence
