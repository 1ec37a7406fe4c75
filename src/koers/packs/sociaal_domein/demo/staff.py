"""Consultant teams and their hours: the capacity side of the sociaal domein simulation.

A team leader keeps a workbook with one row per consultant per month (contract hours,
hours available after leave and sickness, in or out of service). The same numbers drive
how many onderzoeken a team can start per day in :mod:`.cases`, so a drop in the hours
file is exactly what slows the case flow down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from koers.demo.fictief import fake_person
from koers.demo.geography import Gemeente
from koers.packs.sociaal_domein.demo import params as p


@dataclass
class Consultant:
    """One consultant; ``first_month``/``leaves_on`` bound the months in service."""

    code: str
    naam: str
    contract_hours: float
    first_month: dt.date
    leaves_on: dt.date | None = None  # first day out of service (always a first of month)


@dataclass
class Team:
    """A team of one gemeente and domain, with hours per consultant per month."""

    gemeente: Gemeente
    domain: p.Domain
    naam: str
    consultants: list[Consultant]
    months: list[dt.date]
    #: available hours per week, by consultant code, one value per entry of ``months``
    hours: dict[str, list[float]] = field(default_factory=dict)
    hours_per_onderzoek: float = 0.0

    def month_index(self, day: dt.date) -> int:
        first = self.months[0]
        return (day.year - first.year) * 12 + day.month - first.month

    def available(self, day: dt.date) -> list[tuple[Consultant, float]]:
        """Consultants with hours in the month of ``day`` and their hours per week."""
        m = self.month_index(day)
        return [(c, self.hours[c.code][m]) for c in self.consultants if self.hours[c.code][m] > 0]


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from the month of ``first`` to the month of ``last``."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def add_months(day: dt.date, count: int) -> dt.date:
    """The first of the month ``count`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def build_team(
    gemeente: Gemeente,
    domain: p.Domain,
    months: list[dt.date],
    rng: np.random.Generator,
    *,
    scale: float,
    first_number: int,
) -> Team:
    """A team sized from the consultants per 10,000 inhabitants (facts 4.1), at least two."""
    size = max(2, round(gemeente.inwoners * scale * p.CONSULTANTS_PER_10K[domain.naam] / 1e4))
    number = gemeente.code.removeprefix("GM")
    consultants = [
        Consultant(
            code=f"C{number}-{first_number + i:02d}",
            naam=fake_person(rng),
            contract_hours=float(p.CONTRACT_HOURS[int(rng.integers(len(p.CONTRACT_HOURS)))]),
            first_month=months[0],
        )
        for i in range(size)
    ]
    team = Team(gemeente, domain, f"{domain.team_prefix} {gemeente.naam}", consultants, months)
    for consultant in consultants:
        team.hours[consultant.code] = _monthly_hours(consultant, months, rng)
    return team


def _monthly_hours(
    consultant: Consultant, months: list[dt.date], rng: np.random.Generator
) -> list[float]:
    """Contract hours times leave by month, halved in a month with sickness, 0 out of service."""
    sick = rng.random(len(months)) < p.SICK_MONTH_SHARE
    hours = []
    for month, is_sick in zip(months, sick.tolist(), strict=True):
        in_service = month >= consultant.first_month and (
            consultant.leaves_on is None or month < consultant.leaves_on
        )
        value = consultant.contract_hours * p.MONTH_AVAILABILITY[month.month - 1]
        hours.append(round(value * (0.5 if is_sick else 1.0), 1) if in_service else 0.0)
    return hours


def plant_departure(
    team: Team, leaves_on: dt.date, successor_from: dt.date, rng: np.random.Generator
) -> tuple[Consultant, Consultant]:
    """The consultant with the most hours leaves; a successor starts after the vacancy."""
    leaver = max(team.consultants, key=lambda c: (c.contract_hours, c.code))
    leaver.leaves_on = leaves_on
    number = team.gemeente.code.removeprefix("GM")
    last = max(int(c.code.rsplit("-", 1)[1]) for c in team.consultants)
    successor = Consultant(
        f"C{number}-{last + 1:02d}", fake_person(rng), leaver.contract_hours, successor_from
    )
    team.consultants.append(successor)
    for consultant in (leaver, successor):
        team.hours[consultant.code] = _monthly_hours(consultant, team.months, rng)
    return leaver, successor


def calibrate(team: Team, onderzoeken_per_week: float) -> None:
    """Set the hours one onderzoek takes so the team runs at the target utilisation."""
    mean_availability = sum(p.MONTH_AVAILABILITY) / 12 * (1 - p.SICK_MONTH_SHARE / 2)
    hours = sum(c.contract_hours for c in team.consultants) * mean_availability
    capacity_needed = max(onderzoeken_per_week, 0.1) / p.TARGET_UTILISATION
    team.hours_per_onderzoek = hours * p.CASEWORK_SHARE / capacity_needed
