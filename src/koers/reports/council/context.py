"""What a report may ask, and how: the query layer, as the public, through API parameters.

A report never writes SQL and never computes a count itself. It asks with the parameters the
JSON API takes (``/api/metrics/<id>/data?...``); they are turned into a request by the same
function the API uses (:func:`koers.web.params.request_from_params`), so the report's number
and the API's answer come from one request, one query and one disclosure control.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from koers.metrics.definitions import Metric
from koers.metrics.publication import REASON_COLUMN
from koers.metrics.query import MetricData, QueryService
from koers.privacy.access import Principal
from koers.reports.council.document import ApiQuestion, Figure, MetricNote
from koers.reports.council.period import Quarter
from koers.web.params import request_from_params

NO_DATA = "geen gegevens"


@dataclass(frozen=True)
class Answer:
    """One API answer, from which figures are picked by row."""

    question: ApiQuestion
    data: MetricData

    @property
    def metric(self) -> Metric:
        return self.data.metric

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.data.rows

    def figure(self, label: str = "", **row: str) -> Figure:
        """The number in the row whose columns have these values; absent rows are "no data"."""
        found = [r for r in self.data.rows if all(str(r.get(k)) == v for k, v in row.items())]
        question = self.question.with_row(**row)
        unit = self.metric.unit
        label = label or self.metric.title
        if len(found) > 1:
            raise ValueError(f"{question.url}: {row} kiest {len(found)} rijen, verwacht één")
        if not found:
            return Figure(None, unit, NO_DATA, question=question, label=label)
        value = found[0]["value"]
        reason = found[0].get(REASON_COLUMN)
        if value is None:
            return Figure(None, unit, reason or NO_DATA, question=question, label=label)
        return Figure(float(value), unit, question=question, label=label)

    def values(self, column: str) -> list[str]:
        """Distinct values of a column, in the answer's order."""
        return list(dict.fromkeys(str(r[column]) for r in self.data.rows if column in r))


@dataclass(frozen=True)
class Gemeente:
    code: str
    naam: str


class ReportContext:
    """The report's period, its gemeente, the collaboration's gemeenten and the questions asked."""

    def __init__(
        self,
        queries: QueryService,
        user: Principal,
        period: Quarter,
        gemeente: Gemeente,
        gemeenten: Sequence[Gemeente],
        made_on: date,
    ) -> None:
        self.queries = queries
        self.user = user
        self.period = period
        self.gemeente = gemeente
        self.gemeenten = tuple(gemeenten)
        self.made_on = made_on
        self._used: dict[str, Metric] = {}

    def naam(self, code: str) -> str:
        return next((g.naam for g in self.gemeenten if g.code == code), code)

    def ask(
        self,
        metric_id: str,
        *,
        by: str,
        first: date,
        last: date,
        gemeente: str | Sequence[str] = (),
        filters: Mapping[str, str] | None = None,
    ) -> Answer:
        """Ask as ``GET /api/metrics/<metric_id>/data`` with these parameters would."""
        codes = (gemeente,) if isinstance(gemeente, str) else tuple(gemeente)
        params: dict[str, str] = {"by": by, "from": first.isoformat(), "to": last.isoformat()}
        if codes:
            params["gemeente"] = ",".join(codes)
        params.update(filters or {})
        request = request_from_params(metric_id, params)
        data = self.queries.data(self.user, request)
        self._used.setdefault(metric_id, data.metric)
        return Answer(ApiQuestion(metric_id, tuple(params.items())), data)

    def quarters(
        self, metric_id: str, quarters: Sequence[Quarter], *, by: str = "quarter,gemeente"
    ) -> Answer:
        """One answer spanning the given quarters (first to last), split as ``by`` says."""
        first = min(quarters)
        last = max(quarters)
        return self.ask(metric_id, by=by, first=first.first_day, last=last.last_day)

    def first_whole_quarter(self, metric_id: str) -> Quarter:
        """The first quarter the metric's data covers from its first day."""
        first, _ = self.queries.data_range(self.user, metric_id)
        if first is None:
            return self.period
        quarter = Quarter.containing(first)
        return quarter if quarter.first_day == first else quarter.minus_quarters(-1)

    def metric_notes(self) -> list[MetricNote]:
        """The metrics asked so far, for the appendix that explains them."""
        return [MetricNote(m.id, m.title, m.description, m.owner) for m in self._used.values()]
