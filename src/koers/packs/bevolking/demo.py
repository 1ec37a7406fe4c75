"""Demo generator for the bevolking pack: CBS-style population and household tables.

``koers demo`` writes, per gemeente and year, what a BI specialist downloads from CBS StatLine
(Kerncijfers wijken en buurten style): population on 1 January per wijk, age band and sex, and
households per wijk. The numbers follow :mod:`koers.packs.bevolking.model`: real CBS counts in
2021, the real 2024 totals of :mod:`koers.demo.geography`, a cohort model in between. Other
packs divide by these inhabitants for rates per 1,000, so every year of the period is covered;
the ground truth lists the totals per gemeente and year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from koers.demo.exports import dutch_number, gemeente_rng, write_dutch_csv
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.bevolking.model import (
    ANCHOR_YEAR,
    BAND_LABELS,
    BIRTH_RATE,
    SEXES,
    TARGET_YEAR,
    apportion,
    population_by_year,
)

BEVOLKING_CONTRACT = "bevolking"
HUISHOUDENS_CONTRACT = "bevolking_huishoudens"
BEVOLKING_HEADER = ("Soort regio", "Regiocode", "Regio's", "Perioden", "Geslacht", "Leeftijd",
                    "Bevolking op 1 januari (aantal)")  # fmt: skip
HUISHOUDENS_HEADER = ("Soort regio", "Regiocode", "Regio's", "Perioden", "Aantal inwoners (aantal)",
                      "Particuliere huishoudens (aantal)",
                      "Gemiddelde huishoudensgrootte (aantal)")  # fmt: skip
TOTAAL = "Totaal mannen en vrouwen"
GEMEENTE, WIJK = "Gemeente", "Wijk"

# Persons per household on 1 January 2024 [U] estimate: the facts (section 3) suggest 2.2-2.3,
# giving about 11k households in Duiven, 6.8k in Westervoort and 20k in Zevenaar. Households
# shrink by 0.4% a year [U]; wijken differ by a few percent around the gemeente [U].
HOUSEHOLD_SIZE = {"GM0226": 2.26, "GM0293": 2.23, "GM0299": 2.25}
HOUSEHOLD_SIZE_DEFAULT = 2.25
HOUSEHOLD_SHRINK = 0.004
HOUSEHOLD_WIJK_SIGMA = 0.03
# Wijken share a gemeente's age structure, each band bent by a lognormal factor [U].
WIJK_AGE_SIGMA = 0.08


@dataclass(frozen=True)
class Totaal:
    """A gemeente's inhabitants and households on 1 January of one year."""

    gemeente_code: str
    jaar: int
    inwoners: int
    huishoudens: int


@dataclass
class BevolkingGroundTruth:
    """What the bevolking demo wrote; JSON-able with ``dataclasses.asdict``."""

    ankerjaar: int
    doeljaar: int
    doel_inwoners: dict[str, int]  # the 2024 totals the model meets, after scale
    geboortecijfer: float
    totalen: list[Totaal] = field(default_factory=list)
    rows_per_file: dict[str, int] = field(default_factory=dict)


def _wijk_cells(
    counts: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Split (band, sex) counts over wijken: result (wijk, band, sex), sums exact."""
    out = np.zeros((weights.shape[0], *counts.shape), dtype=np.int64)
    for band in range(counts.shape[0]):
        for sex in range(counts.shape[1]):
            out[:, band, sex] = apportion(int(counts[band, sex]), weights[:, band])
    return out


def _wijk_profiles(
    gemeente: Gemeente, counts_2024: npt.NDArray[np.int64], rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per wijk: weights per age band, and a household-size factor with mean 1.

    Each wijk bends the gemeente's age structure a little, rescaled so that its expected total
    in 2024 stays its share of inhabitants in :mod:`koers.demo.geography`.
    """
    base = np.array([w.inwoners for w in gemeente.wijken], dtype=float)
    noise = np.exp(rng.normal(0.0, WIJK_AGE_SIGMA, (len(base), counts_2024.shape[0])))
    band_share = counts_2024.sum(axis=1) / max(int(counts_2024.sum()), 1)
    weights = base[:, None] * noise / (noise @ band_share)[:, None]
    size = np.exp(rng.normal(0.0, HOUSEHOLD_WIJK_SIGMA, len(base)))
    return weights, size / np.average(size, weights=base)


def _population_rows(
    gemeente: Gemeente, year: int, counts: npt.NDArray[np.int64], wijken: npt.NDArray[np.int64]
) -> list[tuple[object, ...]]:
    regions = [(GEMEENTE, gemeente.code, gemeente.naam, counts)] + [
        (WIJK, w.code, w.naam, wijken[i]) for i, w in enumerate(gemeente.wijken)
    ]
    rows: list[tuple[object, ...]] = []
    for soort, code, naam, cells in regions:
        by_sex = [(TOTAAL, cells.sum(axis=1))] + [(s, cells[:, i]) for i, s in enumerate(SEXES)]
        for sex, column in by_sex:
            for label, value in zip(BAND_LABELS, column.tolist(), strict=True):
                rows.append((soort, code, naam, year, sex, label, value))
    return rows


def _household_rows(
    gemeente: Gemeente, year: int, people: list[int], size: npt.NDArray[np.float64]
) -> tuple[list[tuple[object, ...]], int]:
    """Rows for the wijken and the gemeente (first); returns them and the gemeente's count."""
    households = [round(p / s) for p, s in zip(people, size.tolist(), strict=True)]
    total_people, total_households = sum(people), sum(households)

    def row(soort: str, code: str, naam: str, p: int, h: int) -> tuple[object, ...]:
        return (soort, code, naam, year, p, h, dutch_number(p / h if h else 0.0, 2))

    rows = [row(GEMEENTE, gemeente.code, gemeente.naam, total_people, total_households)]
    rows += [
        row(WIJK, w.code, w.naam, p, h)
        for w, p, h in zip(gemeente.wijken, people, households, strict=True)
    ]
    return rows, total_households


def generate_bevolking(
    bronnen: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> BevolkingGroundTruth:
    """Write one population and one household file per gemeente and year (1 January).

    Years run from ``start.year`` to ``end.year``. ``scale`` scales the population like the
    other packs' volumes, so rates per 1,000 inhabitants stay realistic in a small demo; at 1.0
    the 2021 counts are CBS's and the 2024 totals those of :mod:`koers.demo.geography`.
    """
    if end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    years = list(range(start.year, end.year + 1))
    truth = BevolkingGroundTruth(ANCHOR_YEAR, TARGET_YEAR, {}, BIRTH_RATE)
    for gemeente in gemeenten:
        truth.doel_inwoners[gemeente.code] = round(gemeente.inwoners * scale)
        model_rng = gemeente_rng(seed, gemeente.code, "cohorten")
        populations = population_by_year(
            gemeente.code, gemeente.inwoners, sorted({*years, TARGET_YEAR}), model_rng, scale
        )
        wijk_rng = gemeente_rng(seed, gemeente.code, "wijken")
        weights, size_factor = _wijk_profiles(gemeente, populations[TARGET_YEAR], wijk_rng)
        size_2024 = HOUSEHOLD_SIZE.get(gemeente.code, HOUSEHOLD_SIZE_DEFAULT)
        for year in years:
            counts = populations[year]
            wijken = _wijk_cells(counts, weights)
            name = f"bevolking_{gemeente.code}_{year}.csv"
            truth.rows_per_file[name] = write_dutch_csv(
                bronnen / BEVOLKING_CONTRACT / gemeente.code / name,
                BEVOLKING_HEADER,
                _population_rows(gemeente, year, counts, wijken),
            )
            size = size_2024 * (1 - HOUSEHOLD_SHRINK) ** (year - TARGET_YEAR) * size_factor
            people = [int(w.sum()) for w in wijken]
            rows, households = _household_rows(gemeente, year, people, size)
            name = f"huishoudens_{gemeente.code}_{year}.csv"
            truth.rows_per_file[name] = write_dutch_csv(
                bronnen / HUISHOUDENS_CONTRACT / gemeente.code / name, HUISHOUDENS_HEADER, rows
            )
            truth.totalen.append(Totaal(gemeente.code, year, int(counts.sum()), households))
    return truth
