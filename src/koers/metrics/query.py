"""The one query layer: every metric request, from a page, the API or the pipeline, ends here.

It knows the requesting user. It refuses a metric whose privacy level the user may not see,
limits `vertrouwelijk` metrics to the municipalities the user serves (aggregates up to
`intern` may be compared across the collaboration, ADR 0007), checks every dimension and filter
against the metric's declaration, and writes the SQL itself — values enter only as escaped
literals, never as text pasted from a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlglot import exp

from koers.config import Project
from koers.engine import Warehouse, sql_strings
from koers.errors import AccessDenied, NotFound, QueryError
from koers.metrics import publication
from koers.metrics.definitions import Dimension, Metric, MetricKind, Table
from koers.metrics.request import Grain, MetricRequest
from koers.packs.base import PackSet
from koers.privacy.access import Principal, PrivacyLevel

METRIC_VALUES_TABLE = "marts.metric_values"


@dataclass(frozen=True)
class MetricData:
    metric: Metric
    request: MetricRequest
    #: Column names in order: "period" (when a grain is asked), dimension ids (plus
    #: "<id>_label" where the dimension has labels), then "value".
    columns: list[str]
    rows: list[dict[str, Any]]
    sql: str


@dataclass(frozen=True)
class TableData:
    table: Table
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
            raise NotFound(f"onbekende metriek '{metric_id}'")
        if not user.may_see_level(metric.privacy):
            raise AccessDenied(f"geen toegang tot metriek '{metric_id}' ({metric.privacy})")
        return metric

    def dimension(self, dimension_id: str) -> Dimension:
        return self.packs.dimensions[dimension_id]

    # Answers

    def data(self, user: Principal, request: MetricRequest) -> MetricData:
        metric = self.metric(user, request.metric_id)
        if publication.is_protected(metric, user):
            return self._published(metric, user, request)
        sql, columns = self._compile(metric, user, request)
        return MetricData(metric, request, columns, self._rows(sql, columns), sql)

    def fit_for(self, user: Principal, request: MetricRequest) -> MetricRequest:
        """The request a page should make: as asked, or the nearest one the user may get."""
        metric = self.metric(user, request.metric_id)
        return (
            publication.fit_request(metric, request)
            if publication.is_protected(metric, user)
            else request
        )

    def _published(self, metric: Metric, user: Principal, request: MetricRequest) -> MetricData:
        """The public's answer: cells of protected publication tables (ADR 0008)."""
        shape = publication.Publication.of(metric, request)
        for code in request.gemeenten:
            if code not in self.all_gemeenten:
                raise QueryError(f"onbekende gemeente(n): {code}")
        _, data_until = self.data_range(user, metric.id)
        table_request = shape.table_request(data_until)
        sql, columns = self._compile(metric, user, table_request)
        levels: dict[str, list[str]] = {"gemeente": list(self.all_gemeenten)}
        labels: dict[str, dict[str, str]] = {}
        if metric.publication_dimension:
            pairs = self.dimension_values(user, metric.id, metric.publication_dimension)
            levels[metric.publication_dimension] = [value for value, _ in pairs]
            if self.dimension(metric.publication_dimension).label_column:
                labels[metric.publication_dimension] = dict(pairs)
        asked_labels = {d: labels[d] for d in request.dimensions if d in labels}
        columns, rows = shape.answer(
            self._rows(sql, columns), levels, asked_labels, self.project.privacy.disclosure.rule()
        )
        return MetricData(metric, request, columns, rows, sql)

    def _rows(self, sql: str, columns: list[str]) -> list[dict[str, Any]]:
        result = self.warehouse.query(sql)
        return [_jsonable(dict(zip(columns, row, strict=True))) for row in result.rows]

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

    def _gemeente_condition(
        self, user: Principal, asked: Sequence[str], metric: Metric | Table
    ) -> str:
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

    # Published tables (results that do not add up: forecasts with intervals, peak lists)

    def tables(self, user: Principal) -> list[Table]:
        return [t for t in self.packs.tables.values() if user.may_see_level(t.privacy)]

    def table(self, user: Principal, table_id: str) -> Table:
        table = self.packs.tables.get(table_id)
        if table is None:
            raise NotFound(f"onbekende tabel '{table_id}'")
        if not user.may_see_level(table.privacy):
            raise AccessDenied(f"geen toegang tot tabel '{table_id}' ({table.privacy})")
        return table

    def table_rows(
        self,
        user: Principal,
        table_id: str,
        gemeenten: Sequence[str] = (),
        date_from: date | None = None,
        date_to: date | None = None,
        filters: Mapping[str, Sequence[str]] | None = None,
    ) -> TableData:
        """Rows of a published table within the gemeenten and period asked, and allowed;
        ``filters`` keep rows whose column (one the table publishes) has one of the values."""
        table = self.table(user, table_id)
        if date_from and date_to and date_from > date_to:
            raise QueryError("de begindatum ligt na de einddatum")
        conditions = [self._gemeente_condition(user, gemeenten, table)]
        if date_from:
            conditions.append(f"{table.date_column} >= DATE '{date_from.isoformat()}'")
        if date_to:
            conditions.append(f"{table.date_column} <= DATE '{date_to.isoformat()}'")
        columns = ["gemeente_code", *(c.name for c in table.columns if c.name != "gemeente_code")]
        for column, values in (filters or {}).items():
            if column not in columns:
                raise QueryError(
                    f"tabel '{table.id}' heeft geen kolom '{column}' om op te filteren "
                    f"(wel: {', '.join(columns)})"
                )
            if values:
                conditions.append(f"CAST({column} AS VARCHAR) IN ({sql_strings(values)})")
        order = table.order_by or ["gemeente_code", table.date_column]
        sql = (
            f"SELECT {', '.join(columns)} FROM {table.mart} WHERE {' AND '.join(conditions)} "
            f"ORDER BY {', '.join(order)}"
        )
        return TableData(table, columns, self._rows(sql, columns), sql)

    # Snapshots computed by the pipeline

    def latest_values(self, user: Principal, metric_id: str) -> list[dict[str, Any]]:
        """Stored monthly values of a metric, per gemeente, for overview tiles."""
        metric = self.metric(user, metric_id)
        if publication.is_protected(metric, user):
            asked = MetricRequest(
                metric.id, grain=Grain(metric.publication_grain), dimensions=("gemeente",)
            )
            return [
                {"gemeente_code": r["gemeente"], "period": r["period"], "value": r["value"]}
                for r in self._published(metric, user, asked).rows
                if r["value"] is not None
            ]
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
