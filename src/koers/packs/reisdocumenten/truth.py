"""The ground truth of the reisdocumenten demo: what the simulation planted, counted per quarter.

``demo.py`` writes the exports; this module summarises the same simulated world, so later
issues (a renewal forecast, a peak warning) can be checked against what really happened in
it, also after the export's end date (the forecast horizon). Counts follow the application
date (``Datum aanvraag``) and the expiry date (``Geldig tot``) as the files write them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from koers.packs.reisdocumenten import geldigheid
from koers.packs.reisdocumenten.simulation import (
    FIRST,
    NIK_2011,
    RENEWED_AFTER,
    RENEWED_BEFORE,
    REPLACEMENT,
    Behaviour,
    World,
)

#: The dip and the wave the facts describe (section 2: NVVB, RvIG).
DIP_YEARS = (2019, 2023)
WAVE_YEARS = (2024, 2028)
#: Quarters within this share of the highest wave quarter count as its peak.
PEAK_TOLERANCE = 0.9
QUANTILES = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class ValidityRules:
    """The rules every exported document follows (``geldigheid.py``, facts section 2)."""

    ten_year_validity_from: dt.date = geldigheid.TEN_YEAR_VALIDITY_FROM
    adult_age: int = geldigheid.ADULT_AGE
    adult_years_before: int = geldigheid.ADULT_VALIDITY_YEARS_BEFORE
    adult_years_from_2014: int = geldigheid.ADULT_VALIDITY_YEARS_FROM_2014
    minor_years: int = geldigheid.MINOR_VALIDITY_YEARS
    age_and_term_counted_from: str = "Datum aanvraag"


@dataclass(frozen=True)
class QuarterTruth:
    """One gemeente's documents in one quarter, in the simulated world (also after the end)."""

    gemeente_code: str
    quarter: str  # "2024-Q1"
    complete_in_export: bool  # the quarter ends on or before the export's end date
    issued: int  # applications (Datum aanvraag in the quarter), all kinds
    first_documents: int  # a holder's first document of this kind (incl. NIK rush 2011)
    renewals_before_expiry: int  # applied for on or before the old document's Geldig tot
    renewals_after_expiry: int
    replacements: int  # lost, stolen or damaged, well before expiry
    expiring: int  # Geldig tot in the quarter
    expiring_not_replaced: int  # of those, still the holder's current document


@dataclass(frozen=True)
class RealisedBehaviour:
    """What holders of one gemeente did with documents that expired in a window whose
    outcome is known by the export's end date (replaced documents left out)."""

    gemeente_code: str
    expiry_from: dt.date
    expiry_to: dt.date
    documents: int
    share_renewed_before_expiry: float
    share_renewed_after_expiry: float
    share_not_renewed: float  # moved away, died, or stopped
    lead_days_quantiles: dict[str, float]  # days from Datum aanvraag to old Geldig tot
    lag_days_quantiles: dict[str, float]  # days from old Geldig tot to Datum aanvraag


@dataclass(frozen=True)
class WaveTruth:
    """The dip of 2019-2023 and the renewal wave from 2024 in one gemeente."""

    gemeente_code: str
    inhabitants: float  # as simulated: CBS 1 Jan 2024 times the scale
    issued_per_year: dict[int, int]
    dip_per_10000_per_year: float  # mean over DIP_YEARS
    wave_per_10000_per_year: float  # mean over WAVE_YEARS
    peak_quarter: str  # most applications in WAVE_YEARS
    peak_issued: int
    peak_quarters: list[str]  # quarters of WAVE_YEARS within PEAK_TOLERANCE of the peak
    expiry_peak_quarter: str  # most documents expiring in WAVE_YEARS


@dataclass(frozen=True)
class PlantedPeak:
    """An application rush the facts describe, with the documents it added or moved."""

    gemeente_code: str
    name: str  # "tienjarige_geldigheid_2014" or "nik_december_2011"
    period_start: dt.date
    period_end: dt.date
    documents: int
    echo_start: dt.date  # first and last expiry of those documents: the rush comes back
    echo_end: dt.date  # with their renewals (2024 and 2016, facts section 2)


@dataclass(frozen=True)
class ReisdocumentenGroundTruth:
    """Everything the reisdocumenten demo planted; JSON-encodable with ``default=str``."""

    first_export_year: int
    export_end: dt.date
    forecast_horizon: dt.date
    total_rows: int
    rows_per_file: dict[str, int]
    validity_rules: ValidityRules
    behaviour: Behaviour
    realised_behaviour: list[RealisedBehaviour] = field(default_factory=list)
    quarters: list[QuarterTruth] = field(default_factory=list)
    waves: list[WaveTruth] = field(default_factory=list)
    peaks: list[PlantedPeak] = field(default_factory=list)


def quarter_label(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Quarters as integers (year * 4 + quarter - 1), so they sort and count fast."""
    months = days.astype("datetime64[M]").astype(np.int64)
    labels: npt.NDArray[np.int64] = (months // 12 + 1970) * 4 + (months % 12) // 3
    return labels


def _name(q: int) -> str:
    return f"{q // 4}-Q{q % 4 + 1}"


def _last_day(q: int) -> dt.date:
    following = q + 1
    return dt.date(following // 4, following % 4 * 3 + 1, 1) - dt.timedelta(days=1)


def quarters(code: str, world: World, first_year: int, end: dt.date) -> list[QuarterTruth]:
    """Counts per quarter from ``first_year`` to the forecast horizon."""
    docs = world.documents
    issued = quarter_label(docs.aanvraag)
    expiring = quarter_label(docs.geldig_tot)
    first, last = first_year * 4, int(quarter_label(np.array([world.horizon], "datetime64[D]"))[0])
    span = last - first + 1

    def count(
        labels: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_] | None = None
    ) -> list[int]:
        chosen = labels if mask is None else labels[mask]
        chosen = chosen[(chosen >= first) & (chosen <= last)] - first
        return np.bincount(chosen, minlength=span).tolist()  # type: ignore[no-any-return]

    columns = (
        count(issued),
        count(issued, (docs.kind == FIRST) | (docs.kind == NIK_2011)),
        count(issued, docs.kind == RENEWED_BEFORE),
        count(issued, docs.kind == RENEWED_AFTER),
        count(issued, docs.kind == REPLACEMENT),
        count(expiring),
        count(expiring, ~docs.replaced),
    )
    return [
        QuarterTruth(
            code,
            _name(first + i),
            _last_day(first + i) <= end,
            *(int(column[i]) for column in columns),
        )
        for i in range(span)
    ]


def realised_behaviour(code: str, world: World, end: dt.date, b: Behaviour) -> RealisedBehaviour:
    """Renewal shares and lead times for documents that expired from 2014 until the last
    day whose outcome is certain by ``end`` (the longest late renewal, plus a week)."""
    docs = world.documents
    expiry_from = dt.date(2014, 1, 1)
    expiry_to = end - dt.timedelta(days=b.lag_max_days + 7)
    successor = {
        (int(h), int(s), prev): i
        for i, (h, s, prev) in enumerate(
            zip(
                docs.holder.tolist(),
                docs.soort.tolist(),
                docs.previous_expiry.tolist(),
                strict=True,
            )
        )
        if prev is not None
    }
    leads: list[int] = []
    lags: list[int] = []
    expired = 0
    window = (
        (docs.geldig_tot >= np.datetime64(expiry_from))
        & (docs.geldig_tot <= np.datetime64(expiry_to))
        & ~docs.replaced
    )
    for i in np.flatnonzero(window).tolist():
        expiry = docs.geldig_tot[i].item()
        expired += 1
        nxt = successor.get((int(docs.holder[i]), int(docs.soort[i]), expiry))
        if nxt is None:
            continue
        days = (expiry - docs.aanvraag[nxt].item()).days
        (leads if days >= 0 else lags).append(abs(days))
    share = (lambda n: round(n / expired, 4)) if expired else (lambda n: 0.0)

    def spread(values: list[int]) -> dict[str, float]:
        if not values:
            return {}
        found = np.percentile(np.array(values), QUANTILES)
        return {f"p{q}": round(float(v), 1) for q, v in zip(QUANTILES, found, strict=True)}

    return RealisedBehaviour(
        code,
        expiry_from,
        expiry_to,
        expired,
        share(len(leads)),
        share(len(lags)),
        share(expired - len(leads) - len(lags)),
        spread(leads),
        spread(lags),
    )


def wave(code: str, world: World, inhabitants: float, rows: list[QuarterTruth]) -> WaveTruth:
    """Yearly applications, the dip and wave levels, and the wave's peak quarter(s)."""
    years = world.documents.aanvraag.astype("datetime64[Y]").astype(np.int64) + 1970
    first = int(rows[0].quarter[:4])
    per_year = {y: int((years == y).sum()) for y in range(first, world.horizon.year + 1)}

    def level(span: tuple[int, int]) -> float:
        counts = [per_year.get(y, 0) for y in range(span[0], span[1] + 1)]
        return round(float(np.mean(counts)) / inhabitants * 10_000, 1) if inhabitants else 0.0

    in_wave = [r for r in rows if WAVE_YEARS[0] <= int(r.quarter[:4]) <= WAVE_YEARS[1]]
    if not in_wave:
        raise ValueError("De voorspelhorizon moet tot in de golf van 2024-2028 lopen.")
    peak = max(in_wave, key=lambda r: r.issued)
    expiry_peak = max(in_wave, key=lambda r: r.expiring)
    near = [r.quarter for r in in_wave if r.issued >= PEAK_TOLERANCE * peak.issued]
    return WaveTruth(
        code,
        round(inhabitants, 1),
        per_year,
        level(DIP_YEARS),
        level(WAVE_YEARS),
        peak.quarter,
        peak.issued,
        near,
        expiry_peak.quarter,
    )


def planted_peaks(code: str, world: World) -> list[PlantedPeak]:
    """The 2014 rush (postponed renewals) and the children's ID-card rush of December 2011."""
    docs = world.documents
    rush_2014 = docs.aanvraag[docs.postponed]
    nik = docs.aanvraag[docs.kind == NIK_2011]
    peaks = []
    if len(rush_2014):
        peaks.append(
            PlantedPeak(
                code,
                "tienjarige_geldigheid_2014",
                rush_2014.min().item(),
                rush_2014.max().item(),
                len(rush_2014),
                geldigheid.add_years(rush_2014.min().item(), 10),
                geldigheid.add_years(rush_2014.max().item(), 10),
            )
        )
    if len(nik):
        peaks.append(
            PlantedPeak(
                code,
                "nik_december_2011",
                nik.min().item(),
                nik.max().item(),
                len(nik),
                geldigheid.add_years(nik.min().item(), 5),
                geldigheid.add_years(nik.max().item(), 5),
            )
        )
    return peaks
