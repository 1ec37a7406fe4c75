"""The concern controller's list of budget cuts (bezuinigingen), as an XLSX kept by hand.

Part of the financien demo: one workbook per gemeente with one row per measure and year, the
target (taakstelling), what was realised and a status, after the Doesburg template in the
shared facts (section 10). A few measures fall behind plan on purpose; they are returned so
the ground truth can name them with their amounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from koers.demo.exports import Cell, gemeente_rng, write_xlsx
from koers.demo.geography import DUIVEN, WESTERVOORT, Gemeente
from koers.packs.financien.iv3 import begroting, programma_of

HEADER = (
    "Nr", "Maatregel", "L/B", "Taakveld", "Programma", "Portefeuillehouder", "Jaar",
    "Taakstelling", "Gerealiseerd", "Status", "Toelichting", "Vervangende maatregel",
)  # fmt: skip
OP_SCHEMA, RISICO, NIET_HAALBAAR = "Op schema", "Risico", "Niet haalbaar"
# A completed year counts as behind plan below 90% of the target [U] estimate.
BEHIND_THRESHOLD = 0.9
# Realised share of the target [U] estimate: on plan 92-105%; at risk 45-75%; not achievable
# 0-20%, so the three never overlap around the 90% threshold.
REALISED_SHARE = {OP_SCHEMA: (0.92, 1.05), RISICO: (0.45, 0.75), NIET_HAALBAAR: (0.0, 0.2)}
# The Doesburg amounts are for a town of about 11,300 inhabitants [U] estimate; we scale them
# by inhabitants and round to €500.
DOESBURG_INWONERS = 11_300
# Duiven's route to a balanced budget ran from 2022 (facts section 3), as did 1Stroom's saving.
PLAN_FIRST_YEAR = 2022
PLAN_YEARS_AHEAD = 3  # the meerjarenraming runs three years past the current one


@dataclass(frozen=True)
class Maatregel:
    """A budget cut as the Doesburg template lists it: amounts for the first and fourth year."""

    maatregel: str
    lb: str  # L (lower lasten) or B (higher baten)
    taakveld: str
    portefeuillehouder: str
    first_eur: float
    fourth_eur: float
    vervangend: str  # the replacing measure when this one proves not achievable


# Measures and amounts from the Doesburg Programmabegroting 2025-2028 (facts section 10);
# portefeuilles and replacing measures are our own [U].
DOESBURG_MAATREGELEN = (
    Maatregel("Rehabilitatie wegen budget verlagen", "L", "2.1", "Wethouder Openbare Ruimte",
              75_000, 75_000, "Onderhoud openbare verlichting versoberen"),
    Maatregel("Uitbreiden betaald parkeren", "B", "0.63", "Wethouder Financiën",
              76_500, 236_800, "Tarieven parkeervergunningen verhogen"),
    Maatregel("Sluiten/beperken subsidie sporthal/zwembad", "L", "5.2", "Wethouder Sport",
              0, 250_000, "Huurtarieven sportaccommodaties verhogen"),
    Maatregel("Invoeren hervormingsagenda Jeugd", "L", "6.72", "Wethouder Sociaal Domein",
              170_000, 360_000, "Strakkere sturing op inkoop jeugdhulp"),
    Maatregel("Wmo geïndiceerde zorg (ambulante begeleiding)", "L", "6.6",
              "Wethouder Sociaal Domein", 50_000, 100_000, "Inzet algemene voorzieningen Wmo"),
    Maatregel("Jeugdteam", "L", "6.2", "Wethouder Sociaal Domein", 50_000, 50_000,
              "Formatie toegang herijken"),
    Maatregel("Mantelzorgcompliment verlagen", "L", "6.1", "Wethouder Sociaal Domein",
              17_500, 17_500, "Subsidies welzijn verlagen"),
)  # fmt: skip
# 1Stroom, the ambtelijke fusie of Duiven and Westervoort, was to save €600k a year from 2022
# (facts section 3); the split over the two by inhabitants is our estimate [U].
EENSTROOM_TOTAL_EUR = 600_000
EENSTROOM_GEMEENTEN = (DUIVEN, WESTERVOORT)
EENSTROOM = Maatregel("Besparing ambtelijke samenwerking 1Stroom", "L", "0.4",
                      "Burgemeester", 0, 0, "Extra taakstelling bedrijfsvoering 1Stroom")  # fmt: skip


@dataclass(frozen=True)
class AchterstandBezuiniging:
    """A measure-year planted behind plan: a completed year realising under 90% of target."""

    gemeente_code: str
    nr: int
    maatregel: str
    programma: str
    taakveld: str
    jaar: int
    status: str
    taakstelling_eur: int
    gerealiseerd_eur: int
    achterstand_eur: int


def _measures(gemeente: Gemeente) -> list[tuple[Maatregel, float]]:
    """The measures a gemeente has, each with its scale factor on the template amounts."""
    factor = gemeente.inwoners / DOESBURG_INWONERS
    parking = any(
        t.taakveld == "0.63" and t.baten_x1000 > 0
        for t in begroting(gemeente.code, 2025).taakvelden
    )
    chosen = [(m, factor) for m in DOESBURG_MAATREGELEN if m.taakveld != "0.63" or parking]
    if gemeente.code in {g.code for g in EENSTROOM_GEMEENTEN}:
        share = gemeente.inwoners / sum(g.inwoners for g in EENSTROOM_GEMEENTEN)
        chosen.insert(0, (EENSTROOM, share))
    return chosen


def _target(measure: Maatregel, factor: float, index: int) -> int:
    """Target in the ``index``-th plan year: the template ramps from year 1 to year 4."""
    if measure is EENSTROOM:
        return round(EENSTROOM_TOTAL_EUR * factor / 500) * 500
    ramp = measure.first_eur + (measure.fourth_eur - measure.first_eur) * min(index, 3) / 3
    return round(ramp * factor / 500) * 500


def _toelichting(status: str, jaar: int, current: bool) -> str:
    if status == NIET_HAALBAAR:
        return f"Maatregel blijkt in {jaar} niet haalbaar; vervangende maatregel voorgesteld."
    if status == RISICO:
        return f"Besparing {jaar} blijft achter; bijsturing nodig."
    return "Loopt volgens planning." if not current else "Loopt tot nu toe volgens planning."


def write_bezuinigingen(
    folder: Path,
    gemeente: Gemeente,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    quarters_done: int,
) -> tuple[int, list[AchterstandBezuiniging]]:
    """Write ``bezuinigingen_<code>.xlsx``; return its row count and the planted shortfalls.

    ``quarters_done`` is how many quarters of ``end.year`` are complete at the end date: the
    current year shows the realised savings so far, later years only their targets.
    """
    rng = gemeente_rng(seed, gemeente.code, "bezuinigingen")
    first = min(max(start.year, PLAN_FIRST_YEAR), end.year)
    years = range(first, end.year + PLAN_YEARS_AHEAD + 1)
    completed = [y for y in years if y < end.year or (y == end.year and quarters_done == 4)]
    measures = _measures(gemeente)
    # Two measures per gemeente fall behind from a completed year on: one at risk, one not
    # achievable. Only measures with a target in some completed year qualify.
    eligible = [
        i for i, (m, f) in enumerate(measures) if any(_target(m, f, y - first) for y in completed)
    ]
    picked = rng.choice(eligible, size=min(2, len(eligible)), replace=False).tolist()
    onset: dict[int, tuple[int, str]] = {}
    for index, status in zip(picked, (RISICO, NIET_HAALBAAR), strict=False):
        m, f = measures[index]
        candidates = [y for y in completed if _target(m, f, y - first) > 0]
        onset[index] = (int(rng.choice(candidates)), status)
    rows: list[list[Cell]] = []
    behind: list[AchterstandBezuiniging] = []
    for index, (measure, factor) in enumerate(measures):
        programma = programma_of(measure.taakveld)
        for year in years:
            target = _target(measure, factor, year - first)
            since, late_status = onset.get(index, (10_000, OP_SCHEMA))
            status = late_status if year >= since else OP_SCHEMA
            low, high = REALISED_SHARE[status]
            share = float(rng.uniform(low, high))
            # Quarters of this year behind us: all, those so far, or none (a future year).
            done = 4 if year in completed else quarters_done if year == end.year else None
            realised = None if done is None else round(target * share * done / 4)
            rows.append([
                index + 1, measure.maatregel, measure.lb, measure.taakveld,
                f"{programma.code} {programma.naam}", measure.portefeuillehouder, year,
                target, realised, status,
                "" if done is None else _toelichting(status, year, current=done < 4),
                measure.vervangend if status == NIET_HAALBAAR else None,
            ])  # fmt: skip
            if year in completed and status != OP_SCHEMA and realised is not None:
                behind.append(
                    AchterstandBezuiniging(
                        gemeente.code, index + 1, measure.maatregel,
                        f"{programma.code} {programma.naam}", measure.taakveld, year, status,
                        target, realised, target - realised,
                    )
                )  # fmt: skip
    name = f"bezuinigingen_{gemeente.code}.xlsx"
    count = write_xlsx(folder / name, HEADER, rows, sheet="Bezuinigingen")
    return count, behind


__all__ = ["BEHIND_THRESHOLD", "HEADER", "AchterstandBezuiniging", "write_bezuinigingen"]
