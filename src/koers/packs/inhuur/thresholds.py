"""European tender thresholds for services bought by a gemeente, by validity period.

Inhuur of staff is a service, so the threshold for "leveringen en diensten, decentrale
overheid" applies (domain facts §7, citing bornlegal.nl, justionadvocaten.nl and
europadecentraal.nl). The value is computed over the whole contract term including options
and extensions (facts §7, wijdemeren.nl). The demo generator plants splitting against this
table, and the rules engine can use the same table to flag it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class TenderThreshold:
    """One two-year threshold period; ``verified`` is False for our own estimates."""

    valid_from: dt.date
    amount_eur: int
    verified: bool = True


#: Decentral services thresholds, excl. VAT, newest last. Facts §7 gives €207k (2014),
#: €209k (2016), €221k (2018), €214k (2020), €215k (2022) and €221k (1 Jan 2024 – 31 Dec
#: 2025). Before 2014 we use €200,000 and from 2026 €216,000: both are [U] estimates (the
#: facts did not find the 2026-2027 value and say to keep thresholds in a table like this).
DECENTRAL_SERVICES: tuple[TenderThreshold, ...] = (
    TenderThreshold(dt.date(1900, 1, 1), 200_000, verified=False),
    TenderThreshold(dt.date(2014, 1, 1), 207_000),
    TenderThreshold(dt.date(2016, 1, 1), 209_000),
    TenderThreshold(dt.date(2018, 1, 1), 221_000),
    TenderThreshold(dt.date(2020, 1, 1), 214_000),
    TenderThreshold(dt.date(2022, 1, 1), 215_000),
    TenderThreshold(dt.date(2024, 1, 1), 221_000),
    TenderThreshold(dt.date(2026, 1, 1), 216_000, verified=False),
)

#: Facts §7 rule (c): spend per supplier is added up over four years.
AGGREGATION_YEARS = 4


def threshold_on(day: dt.date) -> TenderThreshold:
    """The threshold in force on ``day`` (the date an order is placed)."""
    current = DECENTRAL_SERVICES[0]
    for threshold in DECENTRAL_SERVICES:
        if threshold.valid_from <= day:
            current = threshold
    return current


def period_label(threshold: TenderThreshold) -> str:
    """``2024-2025``: the two calendar years a threshold is published for."""
    if threshold.valid_from.year < 2014:
        return "tot 2014"
    return f"{threshold.valid_from.year}-{threshold.valid_from.year + 1}"
