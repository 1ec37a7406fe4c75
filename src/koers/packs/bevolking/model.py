"""Population of the demo municipalities per year, age band and sex: anchored, aged, split.

The bevolking demo starts from the real CBS population of 1 January 2021 per gemeente, 5-year
age band and sex ("Bron: CBS", packaged by ``scripts/trim_cbs_bevolking.py``), ages it a year
at a time with a simple cohort model, and rescales each year to a target total: the real 2021
total, the real 2024 total from :mod:`koers.demo.geography`, geometric in between and beyond.
Every count is a whole person; :func:`apportion` rounds so that all sums still add up.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

CBS_RESOURCE = "data/cbs_bevolking_liemers.csv"
ANCHOR_YEAR = 2021  # the CBS table's reference date is 1 January 2021
TARGET_YEAR = 2024  # koers.demo.geography gives the inhabitants of 1 January 2024

# CBS age bands in the packaged file and as StatLine labels them.
BANDS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+")  # fmt: skip
BAND_LABELS = tuple(
    f"{int(b.split('-')[0])} tot {int(b.split('-')[1]) + 1} jaar"
    if "-" in b
    else "95 jaar of ouder"
    for b in BANDS
)
SEXES = ("Mannen", "Vrouwen")

# Cohort model [U] estimates, per year: deaths per person by band (a rough Dutch life table),
# births per inhabitant (about 9.5 per 1,000) of which 51.3% boys, and net migration spread
# over bands with these weights (young adults move most).
DEATH_RATE = np.array([0.0005] * 10 + [0.003, 0.003, 0.008, 0.008, 0.018, 0.03, 0.055, 0.10,
                                        0.19, 0.33])  # fmt: skip
BIRTH_RATE = 0.0095
BOY_SHARE = 0.513
MIGRATION_WEIGHT = np.array([1.0, 0.6, 0.5, 0.8, 2.2, 2.6, 2.0, 1.3, 0.9, 0.7, 0.6, 0.5, 0.5,
                             0.5, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3])  # fmt: skip
MIGRATION_NOISE = 0.2  # lognormal sigma on the weights per year, so seeds differ [U]


def apportion(total: int, weights: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Whole numbers proportional to ``weights`` that sum exactly to ``total``.

    Largest remainder (Hamilton) method; ties go to the earlier position, so the result is
    deterministic. Zero weights get zero. A generic helper other demo packs may reuse.
    """
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() <= 0:
        return np.zeros(w.shape, dtype=np.int64)
    exact = w / w.sum() * total
    floor: npt.NDArray[np.int64] = np.floor(exact).astype(np.int64)
    rest = total - int(floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:rest]] += 1
    return floor


@dataclass(frozen=True)
class CbsBand:
    """One row of the packaged CBS table."""

    band: str
    inwoners: int
    man: int
    vrouw: int


@functools.cache
def load_cbs_2021() -> dict[str, tuple[CbsBand, ...]]:
    """The packaged 2021 population per gemeente code; cached, do not mutate."""
    text = resources.files("koers.demo").joinpath(CBS_RESOURCE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    out: dict[str, list[CbsBand]] = {}
    for row in csv.DictReader(lines):
        out.setdefault(row["gemeente_code"], []).append(
            CbsBand(
                row["leeftijd"],
                int(row["inwoners"]),
                int(row["inwoners_man"]),
                int(row["inwoners_vrouw"]),
            )
        )
    return {code: tuple(rows) for code, rows in out.items()}


def anchor_2021(gemeente_code: str, scale: float) -> npt.NDArray[np.int64]:
    """The 2021 population as a (band, sex) array whose band sums are CBS's totals.

    CBS rounds each count to 5, so men plus women can differ from the total by a few; the
    total wins and the sexes share it in CBS's proportion. At ``scale`` 1 the band totals are
    exactly CBS's; otherwise the scaled gemeente total is apportioned over the bands first.
    """
    rows = load_cbs_2021()[gemeente_code]
    if tuple(r.band for r in rows) != BANDS:
        raise ValueError(f"{gemeente_code}: onverwachte leeftijdsklassen in de CBS-tabel")
    totals = np.array([r.inwoners for r in rows])
    if scale != 1.0:
        totals = apportion(round(int(totals.sum()) * scale), totals)
    out = np.zeros((len(BANDS), 2), dtype=np.int64)
    for i, (row, total) in enumerate(zip(rows, totals.tolist(), strict=True)):
        out[i] = apportion(total, [row.man, row.vrouw] if row.man + row.vrouw else [1, 1])
    return out


def target_totals(anchor_total: int, target_total: int, years: Sequence[int]) -> dict[int, int]:
    """Gemeente totals per year: real in 2021 and 2024, geometric in between and beyond [D]."""
    rate = (target_total / anchor_total) ** (1 / (TARGET_YEAR - ANCHOR_YEAR))
    return {y: round(anchor_total * rate ** (y - ANCHOR_YEAR)) for y in years}


def _age_one_year(
    state: npt.NDArray[np.float64], target: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """One step of the cohort model, then net migration so the total meets ``target``."""
    alive = state * (1.0 - DEATH_RATE)[:, None]
    moving = alive / 5.0  # a fifth of each 5-year band has its birthday into the next band
    moving[-1] = 0.0  # 95+ stays
    nxt = alive - moving
    nxt[1:] += moving[:-1]
    births = BIRTH_RATE * state.sum()
    nxt[0] += births * np.array([BOY_SHARE, 1.0 - BOY_SHARE])
    weights = MIGRATION_WEIGHT * np.exp(rng.normal(0.0, MIGRATION_NOISE, len(BANDS)))
    profile = nxt * weights[:, None]
    migration = (target - nxt.sum()) * profile / profile.sum()
    result: npt.NDArray[np.float64] = np.maximum(nxt + migration, 0.0)
    return result


def population_by_year(
    gemeente_code: str,
    target_2024: int,
    years: Sequence[int],
    rng: np.random.Generator,
    scale: float,
) -> dict[int, npt.NDArray[np.int64]]:
    """(band, sex) counts on 1 January of each year; totals follow :func:`target_totals`.

    Years before 2021 keep the 2021 age structure, scaled (we do not age backwards).
    """
    anchor = anchor_2021(gemeente_code, scale)
    wanted = sorted(set(years) | {ANCHOR_YEAR})
    totals = target_totals(
        int(anchor.sum()), round(target_2024 * scale), range(wanted[0], wanted[-1] + 1)
    )
    out: dict[int, npt.NDArray[np.int64]] = {ANCHOR_YEAR: anchor}
    state = anchor.astype(float)
    for year in range(ANCHOR_YEAR + 1, wanted[-1] + 1):
        state = _age_one_year(state, totals[year], rng)
        out[year] = apportion(totals[year], state.ravel()).reshape(state.shape)
    for year in range(wanted[0], ANCHOR_YEAR):
        out[year] = apportion(totals[year], anchor.ravel()).reshape(anchor.shape)
    return {year: out[year] for year in years}
