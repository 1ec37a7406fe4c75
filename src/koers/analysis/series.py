"""Daily count series: the one shape every analysis in this package takes as input.

Counts come from the warehouse (``marts.meldingen_dag``: one row per day with reports) or
from a demo generator. A day without a row had no reports, so it is filled with 0 here once,
and every later step may rely on one value per calendar day, without gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DailySeries:
    """Counts for consecutive calendar days from ``start``; ``name`` says what is counted."""

    start: dt.date
    values: FloatArray
    name: str = ""

    def __post_init__(self) -> None:
        if self.values.ndim != 1 or len(self.values) == 0:
            raise ValueError("Een dagreeks heeft minstens één dag nodig.")
        if np.any(self.values < 0) or not np.all(np.isfinite(self.values)):
            raise ValueError("Een dagreeks telt: geen negatieve of ontbrekende waarden.")

    @classmethod
    def from_counts(
        cls,
        counts: Mapping[dt.date, float] | Iterable[tuple[dt.date, float]],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        name: str = "",
    ) -> DailySeries:
        """Counts by day, missing days as 0; ``start``/``end`` widen the span beyond the data.

        Repeated days are added up, so rows per wijk can be passed straight in for a gemeente.
        """
        pairs = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
        days = [day for day, _ in pairs]
        first = start or min(days)
        last = end or max(days)
        if last < first:
            raise ValueError("De einddatum ligt voor de begindatum.")
        values = np.zeros((last - first).days + 1)
        for day, value in pairs:
            index = (day - first).days
            if 0 <= index < len(values):
                values[index] += float(value)
        return cls(first, values, name)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=len(self.values) - 1)

    def __len__(self) -> int:
        return len(self.values)

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(len(self.values))]

    def day_numbers(self) -> npt.NDArray[np.int64]:
        """Days since 1970-01-01 (numpy's datetime64[D] epoch), for vectorised calendar work."""
        first = np.datetime64(self.start, "D").astype(np.int64)
        return first + np.arange(len(self.values), dtype=np.int64)

    def index_of(self, day: dt.date) -> int:
        return (day - self.start).days

    def slice(self, first: dt.date, last: dt.date) -> DailySeries:
        """Days ``first`` to ``last`` inclusive, clipped to the series."""
        a = max(0, self.index_of(first))
        b = min(len(self.values), self.index_of(last) + 1)
        if b <= a:
            raise ValueError("De gevraagde periode valt buiten de reeks.")
        return DailySeries(self.start + dt.timedelta(days=a), self.values[a:b], self.name)

    def weekly(self) -> WeeklySeries:
        """Sums per ISO week (Monday to Sunday); only whole weeks inside the series are kept,
        as a week with days missing at either end would read as a drop."""
        offset = (7 - self.start.weekday()) % 7
        whole = (len(self.values) - offset) // 7
        if whole <= 0:
            raise ValueError("De reeks bevat geen hele week.")
        sums = self.values[offset : offset + 7 * whole].reshape(whole, 7).sum(axis=1)
        return WeeklySeries(self.start + dt.timedelta(days=offset), sums, self.name)


@dataclass(frozen=True)
class WeeklySeries:
    """Sums per ISO week; ``start`` is the Monday of the first week."""

    start: dt.date
    values: FloatArray
    name: str = ""

    def __len__(self) -> int:
        return len(self.values)

    def week_start(self, index: int) -> dt.date:
        return self.start + dt.timedelta(weeks=index)

    def label(self, index: int) -> str:
        """``2025-W43``: ISO year and week, as people plan by week number."""
        year, week, _ = self.week_start(index).isocalendar()
        return f"{year}-W{week:02d}"
