"""The inhuur demo's ground truth: which audit findings were planted, with their amounts.

Each record is computed from the invoice lines that made it into the export (booked within
the period), so a test or an analysis that reads the files finds exactly these numbers.
Amounts are euros excl. VAT; months are the first day of the month worked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from koers.packs.inhuur.thresholds import AGGREGATION_YEARS, period_label, threshold_on

if TYPE_CHECKING:
    from koers.packs.inhuur.demo import Booking, Contract


@dataclass(frozen=True)
class BookingAfterEnd:
    """Hours invoiced for months after the contract's end date (facts §7, rule a)."""

    gemeente_code: str
    contract_number: str
    supplier: str
    contract_end: dt.date
    months: list[dt.date]
    hours: float
    amount_eur: float


@dataclass(frozen=True)
class CeilingExceeded:
    """Bookings on a contract add up to more than its value (facts §7, rule b)."""

    gemeente_code: str
    contract_number: str
    supplier: str
    contract_value_eur: float
    booked_eur: float
    overrun_eur: float
    exceeded_in: dt.date  # the month whose booking took the total over the value


@dataclass(frozen=True)
class RateAboveContract:
    """Months invoiced at a higher hourly rate than the contract says."""

    gemeente_code: str
    contract_number: str
    supplier: str
    contract_rate_eur: float
    booked_rate_eur: float
    months: list[dt.date]
    hours: float
    excess_eur: float  # sum over the months of amount - hours x contract rate


@dataclass(frozen=True)
class Splitting:
    """Direct orders with one supplier that together pass the European threshold (rule c).

    Orders count within ``AGGREGATION_YEARS`` of the crossing order; the threshold is the one
    in force on the day that order started.
    """

    gemeente_code: str
    supplier: str
    procedure: str
    contract_numbers: list[str]
    contract_values_eur: list[float]
    crossing_contract: str
    crossed_on: dt.date
    cumulative_eur: float
    threshold_eur: int
    threshold_period: str
    threshold_verified: bool
    aggregation_years: int = AGGREGATION_YEARS


@dataclass
class InhuurGroundTruth:
    """Row counts per gemeente, yearly booked totals, and every planted finding."""

    contracts: dict[str, int] = field(default_factory=dict)  # register rows per gemeente
    bookings: dict[str, int] = field(default_factory=dict)  # invoice lines per gemeente
    booked_eur_per_year: dict[str, dict[int, float]] = field(default_factory=dict)  # by boekjaar
    target_eur_per_year: dict[str, float] = field(default_factory=dict)  # facts §6 volume
    after_end: list[BookingAfterEnd] = field(default_factory=list)
    ceiling_exceeded: list[CeilingExceeded] = field(default_factory=list)
    rate_above_contract: list[RateAboveContract] = field(default_factory=list)
    splitting: list[Splitting] = field(default_factory=list)


def _exported(contract: Contract, start: dt.date, end: dt.date) -> list[Booking]:
    lines = [b for b in contract.bookings if start <= b.booked_on <= end]
    return sorted(lines, key=lambda b: b.month)


def after_end_truth(code: str, contract: Contract, start: dt.date, end: dt.date) -> BookingAfterEnd:
    late = [b for b in _exported(contract, start, end) if b.month > contract.end]
    return BookingAfterEnd(
        code,
        contract.number,
        contract.supplier,
        contract.end,
        [b.month for b in late],
        round(sum(b.hours for b in late), 1),
        round(sum(b.amount for b in late), 2),
    )


def ceiling_truth(code: str, contract: Contract, start: dt.date, end: dt.date) -> CeilingExceeded:
    lines = _exported(contract, start, end)
    total, exceeded_in = 0.0, None
    for booking in lines:
        total += booking.amount
        if exceeded_in is None and round(total, 2) > contract.value:
            exceeded_in = booking.month
    if exceeded_in is None:
        raise AssertionError(f"{contract.number}: geplante overschrijding niet in de export")
    booked = round(total, 2)
    return CeilingExceeded(
        code,
        contract.number,
        contract.supplier,
        float(contract.value),
        booked,
        round(booked - contract.value, 2),
        exceeded_in,
    )


def rate_truth(code: str, contract: Contract, start: dt.date, end: dt.date) -> RateAboveContract:
    higher = [b for b in _exported(contract, start, end) if b.rate > contract.rate]
    if not higher:
        raise AssertionError(f"{contract.number}: gepland hoger tarief niet in de export")
    excess = sum(b.amount - round(b.hours * contract.rate, 2) for b in higher)
    return RateAboveContract(
        code,
        contract.number,
        contract.supplier,
        contract.rate,
        higher[0].rate,
        [b.month for b in higher],
        round(sum(b.hours for b in higher), 1),
        round(excess, 2),
    )


def splitting_truth(code: str, chain: list[Contract]) -> Splitting:
    ordered = sorted(chain, key=lambda c: c.start)
    cumulative = 0
    for contract in ordered:
        cumulative += contract.value
        threshold = threshold_on(contract.start)
        if cumulative >= threshold.amount_eur:
            return Splitting(
                code,
                contract.supplier,
                contract.procedure,
                [c.number for c in ordered],
                [float(c.value) for c in ordered],
                contract.number,
                contract.start,
                float(cumulative),
                threshold.amount_eur,
                period_label(threshold),
                threshold.verified,
            )
    raise AssertionError(f"{code}: geplante opsplitsing komt niet boven de drempel")
