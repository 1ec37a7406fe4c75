"""Demo generator for the financien pack: budget and realisation exports, and budget cuts.

``koers demo`` writes, per gemeente, what the financial system exports each quarter (budget and
realisation per programme, taakveld and quarter, Dutch number format) and the concern
controller's XLSX of budget cuts. Every budget is the real Iv3 budget of the gemeente (CBS),
grown at a stated rate for years CBS has none; 2023 realises exactly as the real jaarrekening.
Two overspends and a few lagging cuts are planted; the ground truth records them with amounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from koers.demo.exports import dutch_number, gemeente_rng, write_dutch_csv
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.financien.bezuinigingen import AchterstandBezuiniging, write_bezuinigingen
from koers.packs.financien.iv3 import (
    GROWTH_RATE,
    Jaarbegroting,
    Taakveldbedrag,
    begroting,
    jaarrekening,
    jaarrekening_years,
    programma_of,
)

REALISATIE_CONTRACT = "financien_begroting_realisatie"
BEZUINIGINGEN_CONTRACT = "financien_bezuinigingen"
HEADER = (
    "Boekjaar", "Kwartaal", "Programma", "Programmanaam", "Taakveld", "Taakveldnaam",
    "Lasten/Baten", "Begroting", "Realisatie",
)  # fmt: skip
LASTEN, BATEN = "Lasten", "Baten"
# Older financial packages export in windows-1252 [U]; the taakveld names have ë and ö.
ENCODING = "windows-1252"

# Yearly realisation against budget outside 2023 [U] estimate: lasten slightly under budget
# (onderuitputting), baten slightly over; clipped to +-10% so only planted overspends go past.
DEVIATION = {LASTEN: (-0.02, 0.04), BATEN: (0.01, 0.05)}
DEVIATION_CLIP = 0.10
# Quarterly phasing of realisation (Q1..Q4) [U] estimate: spending catches up in Q4 (invoices
# and year-end accruals), tax assessments go out early in the year, the gemeentefonds pays in
# equal monthly parts, reserve mutations and the result are booked at year end.
PHASING_LASTEN = (0.22, 0.24, 0.24, 0.30)
PHASING_BATEN = (0.20, 0.25, 0.25, 0.30)
PHASING_BELASTINGEN = (0.70, 0.15, 0.10, 0.05)
PHASING_VLAK = (0.25, 0.25, 0.25, 0.25)
PHASING_JAAREINDE = (0.0, 0.0, 0.0, 1.0)
PHASING_NOISE = 0.08  # lognormal sigma on each quarter's share [U]

# Planted overspends (lasten), in the last complete year of the period other than 2023 (whose
# realisation is the real jaarrekening). Duiven's deficit came from youth care (facts section
# 3), so Duiven overspends jeugdhulp; Zevenaar overspends Wmo huishoudelijke hulp. The sizes
# are our estimate [U]; the overspend grows through the year (Q1..Q4 shares below).
OVERSPEND_PCT = (0.18, 0.26)
OVERSPEND_PHASING = (0.10, 0.20, 0.30, 0.40)
# Iv3 taakvelden per cluster: the codes up to 2024 and from 2025 (when CBS split them anew).
CLUSTERS = {
    "Jeugdhulp": ("6.72", "6.73", "6.74", "6.75", "6.76"),
    "Wmo huishoudelijke hulp": ("6.71a", "6.711"),
}
PLANTED_OVERSPENDS = {"GM0226": "Jeugdhulp", "GM0299": "Wmo huishoudelijke hulp"}


@dataclass(frozen=True)
class JaarTotaal:
    """A gemeente's anchored totals for one year, in euros, as the export holds them."""

    gemeente_code: str
    jaar: int
    bron_begroting: str
    bron_realisatie: str
    kwartalen: list[int]  # the quarters of this year in the export
    begroting_lasten_eur: int  # whole year, also when the export holds fewer quarters
    begroting_baten_eur: int
    realisatie_lasten_eur: float  # over the quarters in the export
    realisatie_baten_eur: float


@dataclass(frozen=True)
class Overschrijding:
    """A planted overspend: a cluster of taakvelden whose lasten exceed budget in one year."""

    gemeente_code: str
    jaar: int
    programma: str
    cluster: str
    taakvelden: list[str]
    begroting_eur: int
    realisatie_eur: float
    overschrijding_eur: float
    overschrijding_pct: float


@dataclass
class FinancienGroundTruth:
    """What the financien demo planted; JSON-able with ``dataclasses.asdict``."""

    groeivoet_pct: float
    jaartotalen: list[JaarTotaal] = field(default_factory=list)
    overschrijdingen: list[Overschrijding] = field(default_factory=list)
    achterstanden: list[AchterstandBezuiniging] = field(default_factory=list)
    rows_per_file: dict[str, int] = field(default_factory=dict)


def _quarters(start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """Year -> the quarters whose last day falls within the period (a closed quarter)."""
    out: dict[int, list[int]] = {}
    for year in range(start.year, end.year + 1):
        for q in range(1, 5):
            first_of_next = dt.date(year + q // 4, 3 * q % 12 + 1, 1)
            if start <= first_of_next - dt.timedelta(days=1) <= end:
                out.setdefault(year, []).append(q)
    return out


def _phasing(taakveld: str, soort: str) -> tuple[float, ...]:
    if taakveld in ("0.10", "0.11"):
        return PHASING_JAAREINDE
    if soort == LASTEN:
        return PHASING_LASTEN
    if taakveld == "0.7":
        return PHASING_VLAK
    if taakveld in ("0.61", "0.62", "0.64"):
        return PHASING_BELASTINGEN
    return PHASING_BATEN


def _split_cents(total_eur: float, shares: np.ndarray) -> list[int]:
    """Split an amount over quarters in whole cents; the last used quarter takes the rest."""
    total = round(total_eur * 100)
    parts = [int(np.floor(total * s)) for s in shares]
    last = int(np.flatnonzero(shares)[-1])
    parts[last] += total - sum(parts)
    return parts


def _cluster_of(taakveld: str) -> str | None:
    for name, prefixes in CLUSTERS.items():
        if taakveld.startswith(prefixes):
            return name
    return None


def _amount(bedrag: Taakveldbedrag, soort: str) -> int:
    # Taakveldbedrag from iv3.begroting/jaarrekening holds euros despite the field names.
    return bedrag.lasten_x1000 if soort == LASTEN else bedrag.baten_x1000


@dataclass(frozen=True)
class _Line:
    taakveld: str
    naam: str
    soort: str
    budget_eur: int
    realised_cents: list[int]  # Q1..Q4


def _year_lines(
    gemeente: Gemeente,
    plan: Jaarbegroting,
    rng: np.random.Generator,
    planted: tuple[str, float] | None,
) -> list[_Line]:
    """Budget and quarterly realisation per taakveld and soort for one year."""
    actual = jaarrekening(gemeente.code, plan.jaar)
    real_by_tv = {t.taakveld: t for t in actual or ()}
    budget_by_tv = {t.taakveld: t for t in plan.taakvelden}
    order = list(budget_by_tv) + [tv for tv in real_by_tv if tv not in budget_by_tv]
    lines: list[_Line] = []
    for tv in order:
        budget = budget_by_tv.get(tv) or Taakveldbedrag(tv, real_by_tv[tv].naam, 0, 0)
        for soort in (LASTEN, BATEN):
            budget_eur = _amount(budget, soort)
            mu, sigma = DEVIATION[soort]
            deviation = float(np.clip(rng.normal(mu, sigma), -DEVIATION_CLIP, DEVIATION_CLIP))
            raw = np.array(_phasing(tv, soort)) * np.exp(rng.normal(0.0, PHASING_NOISE, 4))
            shares = raw / raw.sum()
            extra = 0.0
            if actual is not None:
                real = real_by_tv.get(tv)
                base = 0.0 if real is None else float(_amount(real, soort))
            elif planted and soort == LASTEN and _cluster_of(tv) == planted[0] and budget_eur > 0:
                base, extra = float(budget_eur), budget_eur * planted[1]
            else:
                base = budget_eur * (1.0 + deviation)
            if budget_eur == 0 and base == 0:
                continue
            cents = _split_cents(base, shares)
            if extra:
                growing = _split_cents(extra, np.array(OVERSPEND_PHASING))
                cents = [c + e for c, e in zip(cents, growing, strict=True)]
            lines.append(_Line(tv, budget.naam, soort, int(budget_eur), cents))
    return lines


def _overspend_year(quarters: dict[int, list[int]]) -> int | None:
    """The last complete year whose realisation is ours to plant in (not a real jaarrekening)."""
    real = jaarrekening_years()
    complete = [y for y, qs in quarters.items() if len(qs) == 4 and y not in real]
    return max(complete) if complete else None


def generate_financien(
    bronnen: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> FinancienGroundTruth:
    """Write both contracts' deliveries under ``bronnen/<contract>/<GMcode>/``.

    Amounts are real money and do not follow ``scale``: the export has one row per taakveld,
    quarter and soort whatever the population. The same seed and arguments give identical bytes.
    """
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    del scale  # budgets are not volumes; see the docstring
    quarters = _quarters(start, end)
    truth = FinancienGroundTruth(groeivoet_pct=GROWTH_RATE * 100)
    overspend_year = _overspend_year(quarters)
    for gemeente in gemeenten:
        rng = gemeente_rng(seed, gemeente.code, "realisatie")
        plant_rng = gemeente_rng(seed, gemeente.code, "overschrijding")
        folder = bronnen / REALISATIE_CONTRACT / gemeente.code
        for year, qs in sorted(quarters.items()):
            plan = begroting(gemeente.code, year)
            cluster = PLANTED_OVERSPENDS.get(gemeente.code) if year == overspend_year else None
            planted = (cluster, float(plant_rng.uniform(*OVERSPEND_PCT))) if cluster else None
            lines = _year_lines(gemeente, plan, rng, planted)
            rows = []
            for q in qs:
                for line in lines:
                    programma = programma_of(line.taakveld)
                    rows.append((
                        year, q, programma.code, programma.naam, line.taakveld, line.naam,
                        line.soort, dutch_number(line.budget_eur / 4, 2, thousands=True),
                        dutch_number(line.realised_cents[q - 1] / 100, 2, thousands=True),
                    ))  # fmt: skip
            name = f"begroting_realisatie_{gemeente.code}_{year}.csv"
            truth.rows_per_file[name] = write_dutch_csv(
                folder / name, HEADER, rows, encoding=ENCODING
            )
            truth.jaartotalen.append(_total(gemeente.code, plan, lines, qs))
            if planted:
                truth.overschrijdingen.append(_overspend(gemeente.code, year, planted[0], lines))
        count, behind = write_bezuinigingen(
            bronnen / BEZUINIGINGEN_CONTRACT / gemeente.code,
            gemeente,
            seed=seed,
            start=start,
            end=end,
            quarters_done=len(quarters.get(end.year, [])),
        )
        truth.rows_per_file[f"bezuinigingen_{gemeente.code}.xlsx"] = count
        truth.achterstanden += behind
    return truth


def _total(code: str, plan: Jaarbegroting, lines: list[_Line], qs: list[int]) -> JaarTotaal:
    def realised(soort: str) -> float:
        return (
            sum(line.realised_cents[q - 1] for line in lines if line.soort == soort for q in qs)
            / 100
        )

    actual = jaarrekening(code, plan.jaar) is not None
    return JaarTotaal(
        code,
        plan.jaar,
        plan.bron,
        f"Iv3-jaarrekening {plan.jaar} (CBS)" if actual else "gesimuleerd [U]",
        list(qs),
        sum(line.budget_eur for line in lines if line.soort == LASTEN),
        sum(line.budget_eur for line in lines if line.soort == BATEN),
        realised(LASTEN),
        realised(BATEN),
    )


def _overspend(code: str, year: int, cluster: str, lines: list[_Line]) -> Overschrijding:
    hit = [
        line
        for line in lines
        if line.soort == LASTEN and _cluster_of(line.taakveld) == cluster and line.budget_eur > 0
    ]
    budget = sum(line.budget_eur for line in hit)
    realised = sum(sum(line.realised_cents) for line in hit) / 100
    programma = programma_of(hit[0].taakveld)
    return Overschrijding(
        code, year, f"{programma.code} {programma.naam}", cluster,
        [line.taakveld for line in hit], budget, realised, round(realised - budget, 2),
        round(100 * (realised - budget) / budget, 2),
    )  # fmt: skip
