"""The projecten demo's ground truth: which projects were planted late or over budget.

Every amount is computed from the quarterly spend rows that were written, and every date from
the portfolio, so an analysis that reads the files finds exactly these numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koers.packs.projecten.demo import Project

#: A project counts as late when its expected opleverdatum is more than this many days past
#: the planned one; ordinary demo projects slip at most 60 days, planted ones at least 120 [U].
DELAY_FLAG_DAYS = 90
#: ... and as over budget when spend to date passes the budget by more than 10%; ordinary
#: projects never pass the budget, planted ones end at least ~14% over it [U].
OVERRUN_FLAG_RATIO = 1.10


@dataclass(frozen=True)
class PlantedProject:
    """A project planted late, over budget, or both, as the exports show it at the end date.

    ``kind`` is ``vertraagd_en_overschreden``, ``vertraagd`` or ``overschreden``.
    ``budget_exceeded_in`` is the quarter (``2024-K3``) in which cumulative spend first passed
    the budget, or None if it has not.
    """

    kind: str
    gemeente_code: str
    project_id: str
    name: str
    phase: str
    status: str
    budget_eur: float
    spend_to_date_eur: float
    forecast_cost_eur: float
    overrun_eur: float  # spend to date minus budget (negative: still within budget)
    overrun_pct: float
    planned_end: dt.date
    expected_end: dt.date
    delay_days: int
    budget_exceeded_in: str | None


@dataclass
class ProjectenGroundTruth:
    """Row counts per gemeente, spend per year, the flag rules and the planted projects."""

    delay_flag_days: int
    overrun_flag_ratio: float
    projects: dict[str, int] = field(default_factory=dict)  # portfolio rows per gemeente
    milestones: dict[str, int] = field(default_factory=dict)
    spend_rows: dict[str, int] = field(default_factory=dict)
    active_at_end: dict[str, int] = field(default_factory=dict)  # not yet afgerond
    spend_eur_per_year: dict[str, dict[int, float]] = field(default_factory=dict)
    planted: list[PlantedProject] = field(default_factory=list)


def planted_record(
    kind: str, code: str, project: Project, phase: str, status: str
) -> PlantedProject:
    cumulative, exceeded_in = 0.0, None
    for (year, quarter), amount in sorted(project.spend.items()):
        cumulative += amount
        if exceeded_in is None and round(cumulative, 2) > project.budget:
            exceeded_in = f"{year}-K{quarter}"
    spend = round(cumulative, 2)
    planned_end, expected_end = project.planned[4][1], project.actual[4][1]
    return PlantedProject(
        kind,
        code,
        project.number,
        project.name,
        phase,
        status,
        float(project.budget),
        spend,
        float(round(project.final_cost, -3)),
        round(spend - project.budget, 2),
        round(100 * (spend - project.budget) / project.budget, 1),
        planned_end,
        expected_end,
        (expected_end - planned_end).days,
        exceeded_in,
    )
