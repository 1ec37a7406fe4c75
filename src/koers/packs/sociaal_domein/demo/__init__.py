"""Demo generator for the sociaal domein pack: Wmo and Jeugd case data with planted patterns.

``koers demo`` writes, per gemeente, what a case system (Suite4Sociaal Domein, GWS4all,
iDFocus) exports for the toegang: meldingen with their onderzoek, aanvragen with their
beschikking, voorzieningen with costs, plus the team leader's workbook of consultant hours.
The numbers follow the shared domain facts (sections 1, 4.1, 4.2); see
docs/demo-data/sociaal_domein.md. Planted and recorded in the ground truth: an overload in
one team (a consultant leaves while inflow rises), a policy intervention that lowers Jeugd
inflow in one gemeente, and the background term exceedances everywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from koers.demo.exports import gemeente_rng
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.sociaal_domein.demo import params as p
from koers.packs.sociaal_domein.demo.cases import (
    DAY,
    Case,
    ClientRegistry,
    GemeenteSim,
    Plants,
    decide,
    draw_cases,
    grant,
    inflow_counts,
    intervention_date,
    make_calendar,
    overload_dates,
    run_queue,
)
from koers.packs.sociaal_domein.demo.export import exported, write_gemeente
from koers.packs.sociaal_domein.demo.staff import (
    build_team,
    calibrate,
    month_starts,
    plant_departure,
)
from koers.packs.sociaal_domein.demo.terms import (
    beschikking_deadline,
    is_late,
    onderzoek_deadline,
    week_of,
)

__all__ = ["SociaalDomeinGroundTruth", "generate_sociaal_domein"]


@dataclass(frozen=True)
class Overschrijding:
    """A step done after its legal term (or still open after it on the peildatum).

    ``case_id`` is the Meldingnummer for the onderzoek term (Wmo art. 2.3.2) and the
    Aanvraagnummer for the beschikking term (Wmo art. 2.3.5, Awb 4:13 for Jeugd).
    """

    case_id: str
    gemeente_code: str
    domein: str
    termijn: str  # "onderzoek" or "beschikking"
    deadline: dt.date
    done: dt.date | None


@dataclass(frozen=True)
class Overbelasting:
    """Planted pattern 1: a consultant leaves while inflow rises, and terms are exceeded.

    Exceedances of this team whose deadline falls from ``start`` to ``end`` are attributed to
    it; ``per_week`` counts them by the Monday of the week of their first late day.
    """

    gemeente_code: str
    domein: str
    team: str
    start: dt.date
    end: dt.date
    causes: list[str]
    consultant_left: str
    successor: str
    successor_start: dt.date
    inflow_factor: float
    inflow_start: dt.date
    inflow_end: dt.date
    backlog_cleared: dt.date | None
    case_ids: list[str]
    per_week: dict[str, int]
    overschrijdingen: list[Overschrijding]


@dataclass(frozen=True)
class Interventie:
    """Planted pattern 2: inflow of one series lowered by a set share from a date."""

    gemeente_code: str
    domein: str
    series: str
    start: dt.date
    effect_pct: float
    control_gemeenten: list[str]


@dataclass(frozen=True)
class SociaalDomeinGroundTruth:
    """What was planted and written; pattern 3 is ``background``: every other exceedance."""

    start: dt.date
    peildatum: dt.date
    overbelasting: Overbelasting | None
    interventie: Interventie | None
    background: list[Overschrijding]
    rows_per_file: dict[str, int]
    malformed_rows: dict[str, list[int]] = field(default_factory=dict)


def generate_sociaal_domein(
    bronnen: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> SociaalDomeinGroundTruth:
    """Write the four deliveries per gemeente under ``bronnen/<contract>/<GMcode>/``.

    The same arguments give byte-identical files; each gemeente draws from its own streams.
    The planted overload needs about a year of data after its start; shorter periods get
    no overload (``overbelasting`` is ``None``).
    """
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    leave, inflow_end, successor_from = overload_dates(start, end)
    with_overload = (end - leave).days >= 300
    intervention = intervention_date(start, end)
    rows: dict[str, int] = {}
    late: list[Overschrijding] = []
    overload_sim: GemeenteSim | None = None
    for gemeente in gemeenten:
        plants = Plants()
        if gemeente.code == p.OVERLOAD_GEMEENTE and with_overload:
            plants.inflow_factor[p.OVERLOAD_DOMAIN] = [
                (leave, inflow_end, p.OVERLOAD_INFLOW_FACTOR)
            ]
            plants.departure[p.OVERLOAD_DOMAIN] = (leave, successor_from)
        if gemeente.code == p.INTERVENTION_GEMEENTE:
            factors = plants.inflow_factor.setdefault(p.INTERVENTION_DOMAIN, [])
            factors.append((intervention, end, 1 + p.INTERVENTION_EFFECT))
        sim = simulate(gemeente, seed=seed, start=start, end=end, scale=scale, plants=plants)
        rows.update(write_gemeente(bronnen, sim, start, end))
        late += exceedances(sim, start, end)
        if plants.departure:
            overload_sim = sim
    overload = _overload(overload_sim, late, leave, inflow_end, successor_from, end)
    attributed = set(overload.case_ids) if overload else set()
    interventie = Interventie(
        p.INTERVENTION_GEMEENTE,
        p.INTERVENTION_DOMAIN,
        "Nieuwe Jeugd-meldingen en verwijzingen per maand",
        intervention,
        p.INTERVENTION_EFFECT * 100,
        [g.code for g in gemeenten if g.code != p.INTERVENTION_GEMEENTE],
    )
    return SociaalDomeinGroundTruth(
        start=start,
        peildatum=end,
        overbelasting=overload,
        interventie=interventie if start < intervention <= end else None,
        background=[x for x in late if x.case_id not in attributed],
        rows_per_file=rows,
        malformed_rows={name: [] for name in rows},
    )


def simulate(
    gemeente: Gemeente, *, seed: int, start: dt.date, end: dt.date, scale: float, plants: Plants
) -> GemeenteSim:
    """Both domains of one gemeente, from the warm-up years to a year after the peildatum."""
    first = dt.date(start.year - p.WARMUP_YEARS, start.month, 1)
    calendar = make_calendar(first, dt.date(end.year + 1, 12, 31))
    months = month_starts(first, calendar.days[-1])
    clients = ClientRegistry(gemeente, gemeente_rng(seed, gemeente.code, "sdbsn"))
    staff_rng = gemeente_rng(seed, gemeente.code, "sduren")
    sim = GemeenteSim(gemeente, calendar, {}, {}, {}, {})
    next_number = 1
    for domain in p.DOMAINS:
        rng = gemeente_rng(seed, gemeente.code, f"sd{domain.naam.lower()}")
        factors = [(end + DAY, calendar.days[-1], 0.0), *plants.inflow_factor.get(domain.naam, [])]
        counts = inflow_counts(gemeente, domain, calendar, rng, scale, factors)
        cases = draw_cases(gemeente, domain, calendar, counts, clients, rng)
        team = build_team(
            gemeente, domain, months, staff_rng, scale=scale, first_number=next_number
        )
        next_number += len(team.consultants) + 1
        onderzoek_share = sum(v.share for v in domain.verwijzers if not v.direct)
        per_week = gemeente.inwoners * scale * domain.meldingen_per_10k / 1e4 / 52.18
        calibrate(team, per_week * onderzoek_share)
        departure = plants.departure.get(domain.naam)
        if departure is not None:
            plant_departure(team, departure[0], departure[1], staff_rng)
        queue_len = run_queue(team, cases, calendar, rng, end, departure)
        normal = per_week * onderzoek_share
        decide(cases, calendar, queue_len, normal, rng)
        grant(cases, rng)
        sim.teams[domain.naam], sim.cases[domain.naam] = team, cases
        sim.queue_len[domain.naam], sim.normal_queue[domain.naam] = queue_len, normal
    return sim


def exceedances(sim: GemeenteSim, start: dt.date, peildatum: dt.date) -> list[Overschrijding]:
    """Every exported case late on a term whose deadline lies in the export period."""
    found: list[Overschrijding] = []
    code = sim.gemeente.code
    for domein in sorted(sim.cases):
        for case in sim.cases[domein]:
            if not exported(case, start, peildatum) or case.verwijzer.direct:
                continue
            if domein == p.WMO:
                deadline = onderzoek_deadline(case.melding)
                done = _seen(case.onderzoek_end, peildatum)
                if start <= deadline and is_late(deadline, done, peildatum):
                    found.append(
                        Overschrijding(case.id("M"), code, domein, "onderzoek", deadline, done)
                    )
            found += _beschikking_late(case, code, start, peildatum)
    return found


def _beschikking_late(
    case: Case, code: str, start: dt.date, peildatum: dt.date
) -> list[Overschrijding]:
    if case.aanvraag is None or case.aanvraag > peildatum:
        return []
    notice = _seen(case.extension_notice, peildatum)
    deadline = beschikking_deadline(
        case.domain.naam,
        case.aanvraag,
        _seen(case.suspended_from, peildatum),
        _seen(case.suspended_until, peildatum),
        case.extended_until if notice else None,
    )
    done = _seen(case.beschikking, peildatum)
    if deadline is None or deadline < start or not is_late(deadline, done, peildatum):
        return []
    return [Overschrijding(case.id("A"), code, case.domain.naam, "beschikking", deadline, done)]


def _seen(day: dt.date | None, peildatum: dt.date) -> dt.date | None:
    return day if day is not None and day <= peildatum else None


def _overload(
    sim: GemeenteSim | None,
    late: list[Overschrijding],
    leave: dt.date,
    inflow_end: dt.date,
    successor_from: dt.date,
    peildatum: dt.date,
) -> Overbelasting | None:
    """The planted overload and the exceedances it caused, read back from the simulation."""
    if sim is None:
        return None
    domein = p.OVERLOAD_DOMAIN
    team = sim.teams[domein]
    queue_len, normal = sim.queue_len[domein], sim.normal_queue[domein]
    cleared = next(
        (
            day
            for day, n in zip(sim.calendar.days, queue_len.tolist(), strict=True)
            if successor_from <= day <= peildatum and n <= normal
        ),
        None,
    )
    # Cases that came in while the backlog lasted reach their deadlines up to ~8 weeks later.
    end = min(cleared + dt.timedelta(days=56), peildatum) if cleared else peildatum
    mine = [
        x
        for x in late
        if x.gemeente_code == sim.gemeente.code
        and x.domein == domein
        and leave <= x.deadline <= end
    ]
    per_week: dict[str, int] = {}
    for x in mine:
        week = week_of(x.deadline + DAY).isoformat()
        per_week[week] = per_week.get(week, 0) + 1
    leaver = next(c for c in team.consultants if c.leaves_on == leave)
    successor = next(c for c in team.consultants if c.first_month == successor_from)
    return Overbelasting(
        gemeente_code=sim.gemeente.code,
        domein=domein,
        team=team.naam,
        start=leave,
        end=end,
        causes=["consulent uit dienst", "instroom gestegen"],
        consultant_left=leaver.code,
        successor=successor.code,
        successor_start=successor_from,
        inflow_factor=p.OVERLOAD_INFLOW_FACTOR,
        inflow_start=leave,
        inflow_end=inflow_end,
        backlog_cleared=cleared,
        case_ids=sorted(x.case_id for x in mine),
        per_week=dict(sorted(per_week.items())),
        overschrijdingen=mine,
    )
