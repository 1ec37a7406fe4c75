"""Demo generator for the reisdocumenten pack: a Burgerzaken report of passports and ID cards.

``koers demo`` writes, per gemeente, one report per year of application from 2009 up to the
end date, as an older Burgerzaken application exports it: semicolons, Windows-1252, CRLF,
dates as ``dd-mm-jjjj``. The years do not depend on the demo's start date, because the stock
of valid documents (applied for up to ten years back) is what a renewal forecast needs. The
documents come from ``simulation.py`` under the validity rules of ``geldigheid.py``; the
ground truth (``truth.py``) records the behaviour and the quarterly counts behind them,
also for five years after the end date, so a forecast can be checked.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from koers.demo.exports import dutch_date, gemeente_rng, write_dutch_csv
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente
from koers.packs.reisdocumenten import truth as gt
from koers.packs.reisdocumenten.simulation import BEHAVIOUR, ID_KAART, PASPOORT, World, simulate
from koers.privacy.pseudonym import fake_bsn
from koers.transform.calendar import public_holidays

CONTRACT = "reisdocumenten"
HEADER = (
    "Documentnummer",
    "Soort document",
    "Omschrijving soort document",
    "BSN houder",
    "Leeftijdsklasse houder",
    "Datum aanvraag",
    "Spoed",
    "Datum uitreiking",
    "Geldig tot",
    "Status",
)
ENCODING = "windows-1252"
#: The report starts in 2009, so the documents still valid in 2014 (and their renewals)
#: are all in it; that the system's history goes back this far is our assumption [U].
FIRST_EXPORT_YEAR = 2009
#: The ground truth follows the simulated world this many years past the end date.
FORECAST_YEARS = 5

SOORT = {PASPOORT: ("PN", "Nationaal paspoort"), ID_KAART: ("NI", "Nederlandse identiteitskaart")}
#: Age bands of the holder on the application date; 18 is a boundary because it decides
#: the validity term. The other boundaries are our choice [U].
AGE_BANDS = ((0, "0-11"), (12, "12-17"), (18, "18-29"), (30, "30-44"), (45, "45-64"), (65, "65+"))
# Status of a document on the report date.
UITGEREIKT, GEREED, IN_PRODUCTIE = "Uitgereikt", "Gereed voor uitreiking", "In productie"

# Production time in working days: about 5 normally; 10 for passports in the second half of
# September 2024, when the new model came in, and no spoedaanvragen 25-29 Sep 2024 (facts
# section 2, T-Diel and Rijssen-Holten) [S]. We apply the 10 days to ID cards too [U].
PRODUCTION_DAYS = 5
NEW_MODEL_PRODUCTION_DAYS = 10
NEW_MODEL_SLOW = (dt.date(2024, 9, 16), dt.date(2024, 9, 29))
NO_SPOED = (dt.date(2024, 9, 25), dt.date(2024, 9, 29))
SPOED_SHARE = 0.03  # [U]
SPOED_PRODUCTION_DAYS = 1  # ready the next working day [U]
# Working days between "ready" and collection: exponential, capped at about three months [U].
PICKUP_MEAN_DAYS = 5.0
PICKUP_MAX_DAYS = 60
# Document numbers: 9 characters, letters and digits without the letter O and ending in a
# digit, resembling the Dutch format from memory [U]; fictitious, never a real document.
LETTERS = "ABCDEFGHIJKLMNPQRSTUVWXYZ"
ALPHANUMERIC = LETTERS + "0123456789"


def _in(days: npt.NDArray[np.datetime64], span: tuple[dt.date, dt.date]) -> npt.NDArray[np.bool_]:
    inside: npt.NDArray[np.bool_] = (days >= np.datetime64(span[0])) & (
        days <= np.datetime64(span[1])
    )
    return inside


def _document_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Unique document numbers within one gemeente, drawn in row order."""
    seen: set[str] = set()
    numbers: list[str] = []
    letters, alphanumeric = np.array(list(LETTERS)), np.array(list(ALPHANUMERIC))
    while len(numbers) < n:
        k = n - len(numbers)
        chars = np.concatenate(
            [
                letters[rng.integers(0, len(LETTERS), (k, 2))],
                alphanumeric[rng.integers(0, len(ALPHANUMERIC), (k, 6))],
                alphanumeric[rng.integers(len(LETTERS), len(ALPHANUMERIC), (k, 1))],
            ],
            axis=1,
        )
        for number in np.ascontiguousarray(chars).view("<U9").ravel().tolist():
            if number not in seen:
                seen.add(number)
                numbers.append(number)
    return numbers


def _date_texts(days: npt.NDArray[np.datetime64]) -> list[str]:
    """``dd-mm-jjjj`` per day, formatting each distinct day once (NaT becomes empty)."""
    unique, inverse = np.unique(days, return_inverse=True)
    texts = [dutch_date(day) for day in unique.tolist()]
    return [texts[i] for i in inverse.tolist()]


def _bsns(seed: int, code: str, holders: list[int]) -> dict[int, str]:
    """A fake BSN (11-proef) per holder, unique within the gemeente, in order of appearance."""
    stream = gemeente_rng(seed, code, "bsn")
    draw = random.Random(int(stream.integers(0, 2**63)))
    used: set[str] = set()
    out: dict[int, str] = {}
    for holder in holders:
        if holder in out:
            continue
        bsn = fake_bsn(draw)
        while bsn in used:
            bsn = fake_bsn(draw)
        used.add(bsn)
        out[holder] = bsn
    return out


def _handout(
    rng: np.random.Generator, aanvraag: npt.NDArray[np.datetime64], end: dt.date
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.datetime64], list[str]]:
    """Spoed flag, Datum uitreiking (NaT while not handed out by ``end``) and status."""
    n = len(aanvraag)
    holidays = np.array(
        sorted(d for y in range(FIRST_EXPORT_YEAR, end.year + 2) for d in public_holidays(y)),
        dtype="datetime64[D]",
    )
    spoed = (rng.random(n) < SPOED_SHARE) & ~_in(aanvraag, NO_SPOED)
    days = np.where(
        spoed,
        SPOED_PRODUCTION_DAYS,
        np.where(_in(aanvraag, NEW_MODEL_SLOW), NEW_MODEL_PRODUCTION_DAYS, PRODUCTION_DAYS),
    )
    ready = np.busday_offset(aanvraag, days, roll="forward", holidays=holidays)
    wait = np.minimum(np.floor(rng.exponential(PICKUP_MEAN_DAYS, n)), PICKUP_MAX_DAYS)
    handed = np.busday_offset(ready, wait.astype(np.int64), roll="forward", holidays=holidays)
    last = np.datetime64(end, "D")
    status = np.where(handed <= last, UITGEREIKT, np.where(ready <= last, GEREED, IN_PRODUCTIE))
    handed = np.where(handed <= last, handed, np.datetime64("NaT"))
    return spoed, handed, status.tolist()


def _write_exports(
    folder: Path, code: str, world: World, seed: int, end: dt.date
) -> dict[str, int]:
    """One CSV per year of application; returns the rows written per file name."""
    docs = world.documents
    exported = (docs.aanvraag >= np.datetime64(dt.date(FIRST_EXPORT_YEAR, 1, 1))) & (
        docs.aanvraag <= np.datetime64(end)
    )
    idx = np.flatnonzero(exported)
    idx = idx[np.lexsort((docs.soort[idx], docs.holder[idx], docs.aanvraag[idx]))]
    aanvraag = docs.aanvraag[idx]
    numbers = _document_numbers(gemeente_rng(seed, code, "documentnummers"), len(idx))
    bsn = _bsns(seed, code, docs.holder[idx].tolist())
    spoed, uitreiking, status = _handout(gemeente_rng(seed, code, "uitreiking"), aanvraag, end)
    bounds = np.array([b for b, _ in AGE_BANDS])
    band = np.searchsorted(bounds, docs.age[idx], side="right") - 1
    years = aanvraag.astype("datetime64[Y]").astype(np.int64) + 1970
    rows = [
        [
            number,
            *SOORT[soort],
            bsn[holder],
            AGE_BANDS[b][1],
            applied,
            "J" if urgent else "N",
            handed,
            expiry,
            state,
        ]
        for number, soort, holder, b, applied, urgent, handed, expiry, state in zip(
            numbers,
            docs.soort[idx].tolist(),
            docs.holder[idx].tolist(),
            band.tolist(),
            _date_texts(aanvraag),
            spoed.tolist(),
            _date_texts(uitreiking),
            _date_texts(docs.geldig_tot[idx]),
            status,
            strict=True,
        )
    ]
    written: dict[str, int] = {}
    for year in range(FIRST_EXPORT_YEAR, end.year + 1):
        name = f"reisdocumenten_{code}_{year}.csv"
        chosen = np.flatnonzero(years == year).tolist()
        written[f"{code}/{name}"] = write_dutch_csv(
            folder / name, HEADER, (rows[i] for i in chosen), encoding=ENCODING
        )
    return written


def generate_reisdocumenten(
    out_dir: Path,
    *,
    seed: int,
    start: dt.date,
    end: dt.date,
    scale: float = 1.0,
    gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN,
) -> gt.ReisdocumentenGroundTruth:
    """Write ``out_dir/<GMcode>/reisdocumenten_<GMcode>_<year>.csv`` for 2009 up to ``end``.

    ``start`` is accepted for the common generator interface but not used: the reports
    always begin in 2009 (see the module docstring). Same seed and arguments, same bytes.
    """
    del start  # the stock of valid documents, not the demo period, decides the first year
    if end.year <= FIRST_EXPORT_YEAR:
        raise ValueError(f"De einddatum moet na {FIRST_EXPORT_YEAR} liggen.")
    horizon = dt.date(end.year + FORECAST_YEARS, 12, 31)
    rows_per_file: dict[str, int] = {}
    realised: list[gt.RealisedBehaviour] = []
    quarters: list[gt.QuarterTruth] = []
    waves: list[gt.WaveTruth] = []
    peaks: list[gt.PlantedPeak] = []
    for gemeente in gemeenten:
        code, inhabitants = gemeente.code, gemeente.inwoners * scale
        world = simulate(gemeente_rng(seed, code, "houders"), inhabitants, horizon)
        rows_per_file.update(_write_exports(out_dir / code, code, world, seed, end))
        own_quarters = gt.quarters(code, world, FIRST_EXPORT_YEAR, end)
        quarters += own_quarters
        realised.append(gt.realised_behaviour(code, world, end, BEHAVIOUR))
        waves.append(gt.wave(code, world, inhabitants, own_quarters))
        peaks += gt.planted_peaks(code, world)
    return gt.ReisdocumentenGroundTruth(
        first_export_year=FIRST_EXPORT_YEAR,
        export_end=end,
        forecast_horizon=horizon,
        total_rows=sum(rows_per_file.values()),
        rows_per_file=rows_per_file,
        validity_rules=gt.ValidityRules(),
        behaviour=BEHAVIOUR,
        realised_behaviour=realised,
        quarters=quarters,
        waves=waves,
        peaks=peaks,
    )
