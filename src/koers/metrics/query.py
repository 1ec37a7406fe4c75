"""The one query layer: every metric request, from a page, the API or the pipeline, ends here.

It knows the requesting user. It refuses a metric whose privacy level the user may not see,
limits `vertrouwelijk` metrics to the municipalities the user serves (aggregates up to
`intern` may be compared across the collaboration, ADR 0007), checks every dimension and filter
against the metric's declaration, and writes the SQL itself — values enter only as escaped
literals, never as text pasted from a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlglot import exp

from koers.config import Project
from koers.engine import Warehouse, sql_strings
from koers.errors import AccessDenied, QueryError
from koers.metrics.definitions import Dimension, Metric, MetricKind
from koers.packs.base import PackSet
from koers.privacy.access import Principal, PrivacyLevel

METRIC_VALUES_TABLE = "marts.metric_values"


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


@dataclass(frozen=True)
class MetricData:
    metric: Metric
    request: MetricRequest
    #: Column names in order: "period" (when a grain is asked), dimension ids (plus
    #: "<id>_label" where the dimension has labels), then "value".
    columns: list[str]
    rows: list[dict[str, Any]]
    sql: str


class QueryService:
    def __init__(self, project: Project, warehouse: Warehouse, packs: PackSet) -> None:
        self.project = project
        self.warehouse = warehouse
        self.packs = packs
        self.all_gemeenten = tuple(g.code for g in project.gemeenten)

    # Catalogue

    def metrics(self, user: Principal) -> list[Metric]:
        return [m for m in self.packs.metrics.values() if user.may_see_level(m.privacy)]

    def metric(self, user: Principal, metric_id: str) -> Metric:
        metric = self.packs.metrics.get(metric_id)
        if metric is None:
            raise QueryError(f"onbekende metriek '{metric_id}'")
        if not user.may_see_level(metric.privacy):
            raise AccessDenied(f"geen toegang tot metriek '{metric_id}' ({metric.privacy})")
        return metric

    def dimension(self, dimension_id: str) -> Dimension:
        return self.packs.dimensions[dimension_id]

    # Answers

    def data(self, user: Principal, request: MetricRequest) -> MetricData:
        metric = self.metric(user, request.metric_id)
        sql, columns = self._compile(metric, user, request)
        result = self.warehouse.query(sql)
        rows = [_jsonable(dict(zip(columns, row, strict=True))) for row in result.rows]
        return MetricData(metric, request, columns, rows, sql)

    def dimension_values(
        self, user: Principal, metric_id: str, dimension_id: str
    ) -> list[tuple[str, str]]:
        """(value, label) pairs a filter can offer, within what the user may see."""
        metric = self.metric(user, metric_id)
        dimension = self._dimension_of(metric, dimension_id)
        label = dimension.label_column or dimension.column
        where = self._gemeente_condition(user, (), metric)
        sql = (
            f"SELECT DISTINCT {dimension.column}, {label} FROM {metric.mart} "
            f"WHERE {where} ORDER BY {label}"
        )
        return [(str(v), str(lbl)) for v, lbl in self.warehouse.query(sql).rows if v is not None]

    def data_range(self, user: Principal, metric_id: str) -> tuple[date | None, date | None]:
        metric = self.metric(user, metric_id)
        where = self._gemeente_condition(user, (), metric)
        sql = f"SELECT min({metric.date_column}), max({metric.date_column}) FROM {metric.mart} WHERE {where}"
        first, last = self.warehouse.query(sql).rows[0]
        return first, last

    # SQL

    def _dimension_of(self, metric: Metric, dimension_id: str) -> Dimension:
        if dimension_id not in metric.dimensions:
            allowed = ", ".join(metric.dimensions) or "geen"
            raise QueryError(
                f"metriek '{metric.id}' kan niet worden uitgesplitst naar '{dimension_id}' "
                f"(wel: {allowed})"
            )
        return self.packs.dimensions[dimension_id]

    def _gemeente_condition(self, user: Principal, asked: Sequence[str], metric: Metric) -> str:
        """Which gemeenten a query may cover (ADR 0007).

        Metrics are aggregates. Up to ``intern`` a user who may see the level may compare all
        gemeenten of the collaboration; a ``vertrouwelijk`` metric only covers the gemeenten
        the user serves, so a Duiven consultant never sees Westervoort's clients.
        """
        unknown = [code for code in asked if code not in self.all_gemeenten]
        if unknown:
            raise QueryError(f"onbekende gemeente(n): {', '.join(unknown)}")
        own_only = metric.privacy == PrivacyLevel.VERTROUWELIJK
        denied = [code for code in asked if own_only and not user.may_see_gemeente(code)]
        if denied:
            raise AccessDenied(f"geen toegang tot gegevens van {', '.join(denied)}")
        visible = user.visible_gemeenten(self.all_gemeenten) if own_only else self.all_gemeenten
        codes = tuple(asked) or visible
        if not codes:
            raise AccessDenied("geen toegang tot gegevens van een gemeente")
        return f"gemeente_code IN ({sql_strings(codes)})"

    def _compile(
        self, metric: Metric, user: Principal, request: MetricRequest
    ) -> tuple[str, list[str]]:
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise QueryError("de begindatum ligt na de einddatum")
        dims = [self._dimension_of(metric, d) for d in request.dimensions]
        if len(set(request.dimensions)) != len(request.dimensions):
            raise QueryError("een dimensie staat dubbel in 'by'")
        conditions = [self._gemeente_condition(user, request.gemeenten, metric)]
        day = metric.date_column
        if request.date_from:
            conditions.append(f"{day} >= DATE '{request.date_from.isoformat()}'")
        if request.date_to:
            conditions.append(f"{day} <= DATE '{request.date_to.isoformat()}'")
        for dimension_id, values in request.filters.items():
            dimension = self._dimension_of(metric, dimension_id)
            if values:
                conditions.append(f"{dimension.column} IN ({sql_strings(values)})")

        group: list[str] = []
        select: list[str] = []
        columns: list[str] = []
        if request.grain:
            select.append(f"{_period(request.grain, day)} AS period")
            group.append("period")
            columns.append("period")
        for dimension in dims:
            select.append(f"{dimension.column} AS {dimension.id}")
            group.append(dimension.id)
            columns.append(dimension.id)
            if dimension.label_column:
                select.append(f"max({dimension.label_column}) AS {dimension.id}_label")
                columns.append(f"{dimension.id}_label")
        formula: str = exp.maybe_parse(metric.formula, dialect="duckdb").sql(dialect="duckdb")
        select.append(f"{formula} AS value")
        columns.append("value")

        source = f"(SELECT * FROM {metric.mart} WHERE {' AND '.join(conditions)})"
        if metric.kind is MetricKind.STOCK:
            # A level is read on the last day of each period that the data covers.
            period = _period(request.grain, day) if request.grain else "1"
            source = (
                f"(SELECT b.* FROM {source} AS b JOIN (SELECT {period} AS p, max({day}) AS last_day "
                f"FROM {source} AS i GROUP BY {period}) AS l "
                f"ON l.last_day = b.{day})"
            )
        group_sql = (
            f" GROUP BY {', '.join(_group_expr(g, request, day, dims) for g in group)}"
            if group
            else ""
        )
        order_sql = f" ORDER BY {', '.join(group)}" if group else ""
        sql = f"SELECT {', '.join(select)} FROM {source} AS m{group_sql}{order_sql}"
        return sql, columns

    # Snapshots computed by the pipeline

    def latest_values(self, user: Principal, metric_id: str) -> list[dict[str, Any]]:
        """Stored monthly values of a metric, per gemeente, for overview tiles."""
        metric = self.metric(user, metric_id)
        where = self._gemeente_condition(user, (), metric)
        sql = (
            f"SELECT gemeente_code, period, value FROM {METRIC_VALUES_TABLE} "
            f"WHERE metric_id = '{metric.id}' AND {where} ORDER BY gemeente_code, period"
        )
        if not self.warehouse.table_exists(METRIC_VALUES_TABLE):
            return []
        return [_jsonable(r) for r in self.warehouse.query(sql).records()]


def _period(grain: Grain, column: str) -> str:
    if grain is Grain.DAY:
        return f"CAST({column} AS DATE)"
    return f"CAST(date_trunc('{grain.value}', {column}) AS DATE)"


def _group_expr(name: str, request: MetricRequest, day: str, dims: list[Dimension]) -> str:
    # PostgreSQL cannot group by an output alias that shadows an input column; repeat the
    # expression instead.
    if name == "period" and request.grain:
        return _period(request.grain, day)
    for dimension in dims:
        if dimension.id == name:
            return dimension.column
    return name


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, float):
            out[key] = round(value, 6)
        else:
            out[key] = value
    return out
