"""What a caller asks the query layer: a metric, gemeenten, a period, a grain, a split."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class MetricRequest:
    metric_id: str
    gemeenten: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    grain: Grain | None = Grain.MONTH
    dimensions: tuple[str, ...] = ()
    #: Dimension id -> allowed values.
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
