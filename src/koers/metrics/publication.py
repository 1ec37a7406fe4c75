"""Public answers for metrics that count people: cells of protected publication tables.

Protecting each public answer on its own is not enough: the difference between two answers
(all wijken and all but one, two overlapping periods, a month that grows day by day) can give
a hidden count back. So the public never runs a free query over such a metric. For every
period of the metric's publication grain there is one table — the gemeenten by the metric's
publication dimension, with all totals — protected once by :mod:`koers.privacy.disclosure`,
and every public answer is a selection of its cells. A selection of cells says nothing the
table does not, whatever a reader combines (ADR 0008).

What a public request may therefore ask: the publication grain, a split by gemeente and/or
the publication dimension, one gemeente or all, one value of the publication dimension or
all, whole periods only, and only periods the data fully covers.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from koers.errors import QueryError
from koers.metrics.definitions import Disclosure, Metric
from koers.metrics.request import Grain, MetricRequest
from koers.privacy.access import Principal, PrivacyLevel
from koers.privacy.disclosure import TOTAL, DisclosureRule, Key, protect_counts

#: The column that says why a value is not shown, in protected answers only.
REASON_COLUMN = "toelichting"


def is_protected(metric: Metric, user: Principal) -> bool:
    """The public (who may see nothing above ``openbaar``) gets protected answers; staff who
    may see ``intern`` data are trusted with exact counts of what they may see anyway."""
    return metric.disclosure is Disclosure.CBS and not user.may_see_level(PrivacyLevel.INTERN)


def fit_request(metric: Metric, request: MetricRequest) -> MetricRequest:
    """The nearest publishable request, for pages: a chart asked per week becomes per
    month, a split or filter the publication has not is dropped."""
    allowed = {"gemeente", metric.publication_dimension}
    return replace(
        request,
        grain=Grain(metric.publication_grain),
        dimensions=tuple(d for d in request.dimensions if d in allowed),
        filters={
            k: v
            for k, v in request.filters.items()
            if k == metric.publication_dimension and len(v) == 1
        },
        gemeenten=request.gemeenten if len(request.gemeenten) <= 1 else (),
    )


@dataclass(frozen=True)
class Publication:
    """One public request checked against what the publication tables hold."""

    metric: Metric
    request: MetricRequest
    grain: Grain

    @classmethod
    def of(cls, metric: Metric, request: MetricRequest) -> Publication:
        grain = Grain(metric.publication_grain)
        pub = metric.publication_dimension
        if request.grain is not grain:
            raise QueryError(
                f"'{metric.title}' telt personen en is openbaar alleen per "
                f"{GRAIN_WORDS[grain]} beschikbaar (by={grain.value})"
            )
        extra = [d for d in request.dimensions if d not in {"gemeente", pub}]
        if extra:
            raise QueryError(
                f"'{metric.title}' telt personen en is openbaar alleen uit te splitsen naar "
                f"{_allowed_words(pub)}, niet naar {', '.join(extra)}"
            )
        for dimension_id, values in request.filters.items():
            if dimension_id != pub or len(values) != 1:
                raise QueryError(
                    f"'{metric.title}' telt personen: openbaar kan alleen op één waarde van "
                    f"{pub or 'geen dimensie'} worden gefilterd, om kleine aantallen te beschermen"
                )
        if len(request.gemeenten) > 1 and "gemeente" not in request.dimensions:
            raise QueryError(
                "kies één gemeente of alle gemeenten, of splits uit naar gemeente: de som van "
                "een deel van de gemeenten wordt niet openbaar gemaakt"
            )
        return cls(metric, request, grain)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions of the publication table: gemeente, then the publication one."""
        pub = self.metric.publication_dimension
        return ("gemeente", pub) if pub else ("gemeente",)

    def table_request(self, data_until: date | None) -> MetricRequest:
        """The whole tables behind the answer: every gemeente, whole and complete periods."""
        first = (
            _period_start(self.request.date_from, self.grain) if self.request.date_from else None
        )
        last = self.request.date_to or data_until
        if data_until and last and last > data_until:
            last = data_until
        if last:
            # Whole periods, and only those the data fully covers: a month that grows by the
            # day would let yesterday's and today's answers be subtracted.
            last = _period_end(last, self.grain)
            if data_until and last > data_until:
                last = _period_start(last, self.grain) - timedelta(days=1)
        return MetricRequest(
            metric_id=self.metric.id,
            date_from=first,
            date_to=last,
            grain=self.grain,
            dimensions=self.dimensions,
        )

    def answer(
        self,
        rows: Sequence[dict[str, Any]],
        levels: Mapping[str, Sequence[str]],
        labels: dict[str, dict[str, str]],
        rule: DisclosureRule,
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """Protect each period's table and pick the cells the request asked for."""
        by_period: dict[str, dict[Key, int]] = {}
        for row in rows:
            key = tuple(row[d] for d in self.dimensions)
            by_period.setdefault(row["period"], {})[key] = int(row["value"] or 0)
        columns = ["period"]
        for dimension_id in self.request.dimensions:
            columns.append(dimension_id)
            if dimension_id in labels:
                columns.append(f"{dimension_id}_label")
        columns += ["value", REASON_COLUMN]
        out: list[dict[str, Any]] = []
        for period in sorted(by_period):
            table = protect_counts(
                by_period[period],
                dimensions=self.dimensions,
                levels={d: levels[d] for d in self.dimensions},
                rule=rule,
            )
            for key, picked in self._selection(levels):
                cell = table[key]
                row = {"period": period, **picked, "value": cell.shown, REASON_COLUMN: cell.reason}
                for dimension_id in self.request.dimensions:
                    if dimension_id in labels:
                        row[f"{dimension_id}_label"] = labels[dimension_id].get(
                            picked[dimension_id], picked[dimension_id]
                        )
                out.append({c: row.get(c) for c in columns})
        return columns, out

    def _selection(self, levels: Mapping[str, Sequence[str]]) -> list[tuple[Key, dict[str, str]]]:
        """Keys of the requested cells, with the dimension values the answer shows."""
        choices: list[list[tuple[Any, dict[str, str]]]] = []
        for dimension_id in self.dimensions:
            asked = (
                self.request.gemeenten
                if dimension_id == "gemeente"
                else self.request.filters.get(dimension_id, ())
            )
            if dimension_id in self.request.dimensions:
                values = [v for v in levels[dimension_id] if not asked or v in asked]
                choices.append([(v, {dimension_id: v}) for v in values])
            elif asked:
                choices.append([(asked[0], {})])
            else:
                choices.append([(TOTAL, {})])
        keys: list[tuple[Key, dict[str, str]]] = [((), {})]
        for options in choices:
            keys = [
                ((*key, value), {**shown, **more}) for key, shown in keys for value, more in options
            ]
        return keys


GRAIN_WORDS = {
    Grain.DAY: "dag",
    Grain.WEEK: "week",
    Grain.MONTH: "maand",
    Grain.QUARTER: "kwartaal",
    Grain.YEAR: "jaar",
}


def _allowed_words(pub: str | None) -> str:
    return f"gemeente en {pub}" if pub else "gemeente"


def _period_start(day: date, grain: Grain) -> date:
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    if grain is Grain.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if grain is Grain.YEAR:
        return date(day.year, 1, 1)
    return day


def _period_end(day: date, grain: Grain) -> date:
    start = _period_start(day, grain)
    if grain is Grain.WEEK:
        return start + timedelta(days=6)
    if grain is Grain.MONTH:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if grain is Grain.QUARTER:
        last_month = start.month + 2
        return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])
    if grain is Grain.YEAR:
        return date(start.year, 12, 31)
    return day
