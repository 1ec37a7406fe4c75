"""Demo generator for the projecten pack: a gemeente's project portfolio and what it cost.

``koers demo`` writes, per gemeente, three deliveries as a municipality has them: the
portfolio overview the PMO keeps in Excel (one row per project, with a traffic light), the
phase milestones exported from the project tool (planned and actual dates), and the spend per
project per quarter from the financial system. Ordinary projects run at most two months late
and stay within budget; a few are planted late, over budget, or both, and returned as the
ground truth so analysis can be checked against it. All volumes and amounts are our own
estimates [U]: the domain facts hold no portfolio figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from koers.demo.exports import (
    Cell,
    dutch_date,
    dutch_number,
    gemeente_rng,
    write_dutch_csv,
    write_xlsx,
)
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.projecten.catalogue import (
    AFGEROND,
    BUILDINGS,
    LOCATIONS,
    PHASE_MONTHS,
    PHASES,
    PROJECT_TYPES,
    REALISATIE,
    SPEND_SHARE,
    STREETS,
    ProjectType,
)
from koers.packs.projecten.truth import (
    DELAY_FLAG_DAYS,
    OVERRUN_FLAG_RATIO,
    PlantedProject,
    ProjectenGroundTruth,
    planted_record,
)

PORTFOLIO = "projecten_portefeuille"
MILESTONES = "projecten_mijlpalen"
SPEND = "projecten_uitgaven"
PORTFOLIO_HEADER = (
    "Projectnummer", "Projectnaam", "Programma", "Taakveld", "Fase", "Status", "Projectleider",
    "Budget (krediet)", "Prognose eindkosten", "Startdatum", "Geplande opleverdatum",
    "Verwachte opleverdatum", "Datum afgerond",
)  # fmt: skip
MILESTONE_HEADER = (
    "Projectnummer", "Fase", "Geplande start", "Geplande einddatum", "Werkelijke start",
    "Werkelijke einddatum",
)  # fmt: skip
SPEND_HEADER = ("Jaar", "Kwartaal", "Projectnummer", "Projectnaam", "Taakveld", "Uitgaven")

ACTIVE_PER_1000 = 1.0  # running projects per 1,000 inhabitants [U]
WARMUP_YEARS = 4  # projects started this long before the period may still run in it
DAYS_PER_MONTH = 30.44
BACKGROUND_DELAY_DAYS = (-20, 60)  # opleverdatum slip of ordinary projects [U]
BACKGROUND_COST_RATIO = (0.85, 0.99)  # final cost over budget of ordinary projects [U]
QUARTER_NOISE = (0.7, 1.3)  # spend is lumpy between quarters [U]
#: Planted kinds per gemeente: (kind, delay days range, final cost over budget range).
PLANTED: tuple[tuple[str, tuple[int, int], tuple[float, float]], ...] = (
    ("vertraagd_en_overschreden", (120, 420), (1.25, 1.6)),
    ("vertraagd_en_overschreden", (120, 420), (1.25, 1.6)),
    ("vertraagd", (120, 420), (0.9, 0.99)),
    ("overschreden", (-10, 30), (1.2, 1.5)),
)


@dataclass
class Project:
    """One project with its baseline and actual phase dates and its final cost."""

    kind: ProjectType
    name: str
    budget: int
    planned: list[tuple[dt.date, dt.date]]  # (first, last day) per phase in PHASES
    actual: list[tuple[dt.date, dt.date]]
    final_cost: float
    tiebreak: float
    number: str = ""
    spend: dict[tuple[int, int], float] = field(default_factory=dict)  # (year, quarter) -> eur


def _realisatie_months(rng: np.random.Generator, budget: float) -> int:
    """Bigger projects take longer to build: 3 months at €50k, ~11 at €5M, at most 24 [U]."""
    base = 3 + 4 * math.log10(max(budget, 50_000) / 50_000)
    return int(np.clip(round(base + rng.uniform(-2, 2)), 2, 24))


def _mean_months() -> float:
    """Expected project length from first idea to the end of nazorg, for the start rate."""
    fixed = sum((lo + hi) / 2 for lo, hi in PHASE_MONTHS.values())
    weights = np.array([t.weight for t in PROJECT_TYPES])
    build = [
        3 + 4 * math.log10(math.sqrt(t.budget_eur[0] * t.budget_eur[1]) / 50_000)
        for t in PROJECT_TYPES
    ]
    return fixed + float(np.dot(weights / weights.sum(), build))


def _schedule(first: dt.date, days: Sequence[int]) -> list[tuple[dt.date, dt.date]]:
    out, day = [], first
    for length in days:
        out.append((day, day + dt.timedelta(days=length - 1)))
        day += dt.timedelta(days=length)
    return out


def _durations(rng: np.random.Generator, budget: float, delay: int) -> tuple[list[int], list[int]]:
    """Planned days per phase, and actual days with ``delay`` spread over initiatief..realisatie."""
    months = [int(rng.integers(lo, hi + 1)) for lo, hi in PHASE_MONTHS.values()]
    months.insert(REALISATIE, _realisatie_months(rng, budget))
    planned = [round(m * DAYS_PER_MONTH) for m in months]
    weights = rng.uniform(0.2, 1.0, REALISATIE + 1) * np.array([1, 1, 1, 2, 4][: REALISATIE + 1])
    shares = np.floor(delay * weights / weights.sum()).astype(int)
    shares[REALISATIE] += delay - int(shares.sum())  # the remainder lands in realisatie
    actual = [max(14, p + int(s)) for p, s in zip(planned, [*shares.tolist(), 0], strict=True)]
    actual[-1] = planned[-1] + int(rng.integers(-10, 11))
    return planned, actual


def _name(
    rng: np.random.Generator, kind: ProjectType, gemeente: Gemeente, used: set[str], year: int
) -> str:
    """A name as the PMO writes it; a repeat of an earlier name gets its start year."""
    weights = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    picks = rng.choice(len(gemeente.wijken), size=2, replace=False, p=weights / weights.sum())
    kern, kern2 = (gemeente.wijken[int(i)].naam for i in picks)
    name = kind.name.format(
        kern=kern,
        kern2=kern2,
        gebouw=BUILDINGS[int(rng.integers(len(BUILDINGS)))].format(kern=kern),
        straat=f"{STREETS[int(rng.integers(len(STREETS)))]} {kern}",
        locatie=f"{LOCATIONS[int(rng.integers(len(LOCATIONS)))]} ({kern})",
    )
    if name in used:
        name = f"{name} {year}"
    base, repeat = name, 1
    while name in used:
        repeat += 1
        name = f"{base}-{repeat}"
    used.add(name)
    return name


def _project(
    rng: np.random.Generator,
    gemeente: Gemeente,
    used: set[str],
    delay: int,
    cost_ratio: float,
    first: dt.date | None = None,
    opgeleverd: dt.date | None = None,
) -> Project:
    """A project starting on ``first``, or one whose realisatie actually ends on ``opgeleverd``."""
    weights = np.array([t.weight for t in PROJECT_TYPES])
    kind = PROJECT_TYPES[int(rng.choice(len(PROJECT_TYPES), p=weights / weights.sum()))]
    low, high = (math.log(b) for b in kind.budget_eur)
    budget = int(round(math.exp(rng.uniform(low, high)) / 5_000) * 5_000)
    planned_days, actual_days = _durations(rng, budget, delay)
    if first is None:
        assert opgeleverd is not None
        first = opgeleverd - dt.timedelta(days=sum(actual_days[: REALISATIE + 1]) - 1)
    return Project(
        kind,
        _name(rng, kind, gemeente, used, first.year),
        budget,
        _schedule(first, planned_days),
        _schedule(first, actual_days),
        budget * cost_ratio,
        float(rng.random()),
    )


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - dt.timedelta(days=1)


def _spend(rng: np.random.Generator, project: Project, end: dt.date) -> None:
    """Spread each phase's share of the final cost over its quarters, up to ``end``."""
    spend: dict[tuple[int, int], float] = defaultdict(float)
    for (first, last), share in zip(project.actual, SPEND_SHARE, strict=True):
        chunks: list[tuple[tuple[int, int], int, int]] = []  # quarter, days, days up to end
        day = first
        while day <= last:
            chunk_end = min(_quarter_end(*_quarter(day)), last)
            done = max(0, (min(chunk_end, end) - day).days + 1)
            chunks.append((_quarter(day), (chunk_end - day).days + 1, done))
            day = chunk_end + dt.timedelta(days=1)
        weights = [days * float(rng.uniform(*QUARTER_NOISE)) for _, days, _ in chunks]
        for (quarter, days, done), weight in zip(chunks, weights, strict=True):
            if done:
                spend[quarter] += project.final_cost * share * weight / sum(weights) * done / days
    project.spend = {q: round(v, 2) for q, v in sorted(spend.items()) if round(v, 2) > 0}


def _phase_on(project: Project, day: dt.date) -> str:
    for phase, (first, last) in zip(PHASES, project.actual, strict=True):
        if first <= day <= last:
            return phase
    return AFGEROND


def _status(project: Project, end: dt.date) -> str:
    """The traffic light the PMO shows: red past 90 days or 5% over budget [U]."""
    delay = (project.actual[REALISATIE][1] - project.planned[REALISATIE][1]).days
    cost = max(sum(project.spend.values()), project.final_cost) / project.budget
    if delay > DELAY_FLAG_DAYS or cost > 1.05:
        return "Rood"
    return "Oranje" if delay > 30 or cost > 0.98 else "Groen"


def _background(
    gemeente: Gemeente,
    rng: np.random.Generator,
    start: dt.date,
    end: dt.date,
    scale: float,
    used: set[str],
) -> list[Project]:
    per_day = ACTIVE_PER_1000 * gemeente.inwoners / 1000 * scale / (_mean_months() * DAYS_PER_MONTH)
    first_day = dt.date(start.year - WARMUP_YEARS, start.month, 1)
    count = int(rng.poisson(per_day * ((end - first_day).days + 1)))
    offsets = np.sort(rng.integers(0, (end - first_day).days + 1, count))
    projects = []
    for offset in offsets.tolist():
        delay = int(rng.integers(BACKGROUND_DELAY_DAYS[0], BACKGROUND_DELAY_DAYS[1] + 1))
        ratio = float(rng.uniform(*BACKGROUND_COST_RATIO))
        first = first_day + dt.timedelta(days=offset)
        projects.append(_project(rng, gemeente, used, delay, ratio, first=first))
    return projects


def _planted(
    gemeente: Gemeente, rng: np.random.Generator, start: dt.date, end: dt.date, used: set[str]
) -> list[tuple[str, Project]]:
    """Late and costly projects, delivered inside the period or (only late) still running."""
    out = []
    for kind, delays, ratios in PLANTED:
        delay = int(rng.integers(delays[0], delays[1] + 1))
        if kind == "vertraagd":  # still being built at the end of the period
            opgeleverd = end + dt.timedelta(days=int(rng.integers(60, 301)))
        else:
            span = (end - start).days - 60
            if span < 0:
                raise ValueError(
                    "De periode is te kort om projecten te planten (minstens 61 dagen)."
                )
            opgeleverd = start + dt.timedelta(days=30 + int(rng.integers(0, span + 1)))
        ratio = float(rng.uniform(*ratios))
        out.append((kind, _project(rng, gemeente, used, delay, ratio, opgeleverd=opgeleverd)))
    return out


def _portfolio_row(project: Project, end: dt.date) -> list[Cell]:
    phase = _phase_on(project, end)
    return [
        project.number, project.name, project.kind.programme, project.kind.taakveld, phase,
        _status(project, end), project.kind.leader, project.budget,
        int(round(project.final_cost, -3)), project.actual[0][0], project.planned[REALISATIE][1],
        project.actual[REALISATIE][1], project.actual[-1][1] if phase == AFGEROND else None,
    ]  # fmt: skip


def _milestone_rows(project: Project, end: dt.date) -> list[list[str]]:
    rows = []
    for phase, (p_first, p_last), (a_first, a_last) in zip(
        PHASES, project.planned, project.actual, strict=True
    ):
        rows.append([
            project.number, phase, dutch_date(p_first), dutch_date(p_last),
            dutch_date(a_first if a_first <= end else None),
            dutch_date(a_last if a_last < end else None),  # a phase ending today still runs
        ])  # fmt: skip
    return rows


def _spend_rows(project: Project) -> list[list[str]]:
    return [
        [str(year), str(quarter), project.number, project.name, project.kind.taakveld,
         dutch_number(amount, 2, thousands=True)]
        for (year, quarter), amount in project.spend.items()
    ]  # fmt: skip


def generate_projecten(
    bronnen: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> ProjectenGroundTruth:
    """Write the portfolio, milestones and spend of every gemeente under ``bronnen``.

    The same arguments give byte-identical files. The portfolio holds every project started
    by ``end`` and not closed before ``start``; four planted projects per gemeente, whatever
    the scale.
    """
    truth = ProjectenGroundTruth(
        delay_flag_days=DELAY_FLAG_DAYS, overrun_flag_ratio=OVERRUN_FLAG_RATIO
    )
    for gemeente in gemeenten:
        code, used = gemeente.code, set[str]()
        base_rng = gemeente_rng(seed, code, "prj-base")
        plant_rng = gemeente_rng(seed, code, "prj-plnt")
        background = _background(gemeente, base_rng, start, end, scale, used)
        planted = _planted(gemeente, plant_rng, start, end, used)
        projects = [p for p in background if p.actual[-1][1] >= start]
        for project in projects:
            _spend(base_rng, project, end)
        for _, project in planted:
            _spend(plant_rng, project, end)
        projects += [p for _, p in planted]
        per_year: dict[int, int] = defaultdict(int)
        for project in sorted(projects, key=lambda p: (p.actual[0][0], p.tiebreak)):
            year = project.actual[0][0].year
            per_year[year] += 1
            project.number = f"PR{code[2:]}-{year}-{per_year[year]:03d}"
        projects.sort(key=lambda p: p.number)

        truth.projects[code] = write_xlsx(
            bronnen / PORTFOLIO / code / f"projectenoverzicht_{code}.xlsx",
            PORTFOLIO_HEADER,
            [_portfolio_row(p, end) for p in projects],
            sheet="Projecten",
        )
        truth.milestones[code] = write_dutch_csv(
            bronnen / MILESTONES / code / f"mijlpalen_{code}.csv",
            MILESTONE_HEADER,
            [row for p in projects for row in _milestone_rows(p, end)],
        )
        truth.spend_rows[code] = write_dutch_csv(
            bronnen / SPEND / code / f"projectuitgaven_{code}.csv",
            SPEND_HEADER,
            [row for p in projects for row in _spend_rows(p)],
        )
        truth.active_at_end[code] = sum(_phase_on(p, end) != AFGEROND for p in projects)
        truth.spend_eur_per_year[code] = _spend_per_year(projects)
        for kind, project in planted:
            truth.planted.append(
                planted_record(kind, code, project, _phase_on(project, end), _status(project, end))
            )
    return truth


def _spend_per_year(projects: list[Project]) -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for project in projects:
        for (year, _), amount in project.spend.items():
            totals[year] += amount
    return {year: round(total, 2) for year, total in sorted(totals.items())}


__all__ = ["PlantedProject", "ProjectenGroundTruth", "generate_projecten"]
