"""The JSON API. Routes and response shapes here are kept stable for later work and users."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from koers import __version__
from koers.access.audit_web import audit_access
from koers.metrics.definitions import Metric, Table
from koers.metrics.publication import REASON_COLUMN
from koers.metrics.query import MetricData, TableData
from koers.privacy.access import PrivacyLevel
from koers.reports.csv_export import dutch_csv
from koers.reports.parquet_export import typed_parquet
from koers.reports.xlsx_export import dutch_xlsx
from koers.web.deps import CurrentUser, Queries
from koers.web.params import RESERVED, parse_date, request_from_params, split_list

router = APIRouter(prefix="/api", tags=["api"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"


def _describe(metric: Metric, queries: Queries) -> dict[str, Any]:
    return {
        "id": metric.id,
        "title": metric.title,
        "description": metric.description,
        "unit": metric.unit,
        "kind": metric.kind.value,
        "dimensions": [{"id": d, "title": queries.dimension(d).title} for d in metric.dimensions],
        "privacy": metric.privacy.value,
        "owner": metric.owner,
        "disclosure": metric.disclosure.value if metric.disclosure else None,
    }


@router.get("/health", summary="Is de dienst in de lucht?")
def health(request: Request, queries: Queries) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "engine": queries.warehouse.capabilities.name,
        "gemeenten": list(queries.all_gemeenten),
    }


@router.get("/metrics", summary="Alle metrieken die u mag zien")
def list_metrics(user: CurrentUser, queries: Queries) -> list[dict[str, Any]]:
    return [_describe(m, queries) for m in queries.metrics(user)]


@router.get("/metrics/{metric_id}", summary="Eén metriek")
def get_metric(metric_id: str, user: CurrentUser, queries: Queries) -> dict[str, Any]:
    return _describe(queries.metric(user, metric_id), queries)


@router.get(
    "/metrics/{metric_id}/data",
    summary="Waarden van een metriek",
    description=(
        "Parameters: gemeente (CBS-code, komma-gescheiden), from en to (JJJJ-MM-DD), "
        "by (tijdseenheid day/week/month/quarter/year en/of dimensies, komma-gescheiden), "
        "en per dimensie een filter, bijvoorbeeld category=Afval."
    ),
)
def metric_data(
    metric_id: str,
    request: Request,
    user: CurrentUser,
    queries: Queries,
    gemeente: str | None = None,
    by: str = "month",
) -> dict[str, Any]:
    data = queries.data(user, request_from_params(metric_id, dict(request.query_params)))
    if data.metric.privacy == PrivacyLevel.VERTROUWELIJK:
        _audit(request, user, data, "bekijken")
    return {
        "metric": _describe(data.metric, queries),
        "grain": data.request.grain.value if data.request.grain else None,
        "dimensions": list(data.request.dimensions),
        "columns": data.columns,
        "rows": data.rows,
    }


@router.get("/metrics/{metric_id}/export.csv", summary="Waarden als CSV voor Excel")
def metric_export(
    metric_id: str, request: Request, user: CurrentUser, queries: Queries
) -> Response:
    headers, rows = _export_table(metric_id, request, user, queries)
    return _download(dutch_csv(headers, rows), CSV_MEDIA_TYPE, f"{metric_id}.csv")


@router.get(
    "/metrics/{metric_id}/export.xlsx",
    summary="Waarden als Excel-werkmap (XLSX)",
    description="Dezelfde parameters en cijfers als export.csv; datums als echte Excel-datums.",
)
def metric_export_xlsx(
    metric_id: str, request: Request, user: CurrentUser, queries: Queries
) -> Response:
    headers, rows = _export_table(metric_id, request, user, queries)
    title = queries.metric(user, metric_id).title
    return _download(
        dutch_xlsx(headers, rows, sheet_title=title), XLSX_MEDIA_TYPE, f"{metric_id}.xlsx"
    )


@router.get(
    "/metrics/{metric_id}/export.parquet",
    summary="Waarden als Parquet voor BI-tools",
    description=(
        "Dezelfde parameters en cijfers als export.csv, met de kolomnamen van de JSON-API: "
        "period (DATE), value (DOUBLE), de gekozen dimensies en toelichting (tekst)."
    ),
)
def metric_export_parquet(
    metric_id: str, request: Request, user: CurrentUser, queries: Queries
) -> Response:
    data, rows = _export_rows(metric_id, request, user, queries)
    known = {c: "VARCHAR" for c in data.columns} | {"period": "DATE", "value": "DOUBLE"}
    return _download(
        typed_parquet(data.columns, rows, known), PARQUET_MEDIA_TYPE, f"{metric_id}.parquet"
    )


def _download(content: bytes, media_type: str, filename: str) -> Response:
    """A file the browser saves under ``filename`` instead of showing it."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export_rows(
    metric_id: str, request: Request, user: CurrentUser, queries: Queries
) -> tuple[MetricData, list[list[Any]]]:
    """The rows of a metric request for a file; one path for every file format, so a CSV, an
    XLSX and a Parquet file of the same link hold the same numbers."""
    data = queries.data(user, request_from_params(metric_id, dict(request.query_params)))
    _audit(request, user, data, "exporteren")  # every export, before the file leaves
    return data, [[row[c] for c in data.columns] for row in _with_dates(data.rows)]


def _export_table(
    metric_id: str, request: Request, user: CurrentUser, queries: Queries
) -> tuple[list[str], list[list[Any]]]:
    """Dutch column titles and rows of a metric request, for people in Excel."""
    data, rows = _export_rows(metric_id, request, user, queries)
    titles = {"period": "Periode", "value": data.metric.title, REASON_COLUMN: "Toelichting"}
    for dim in data.request.dimensions:
        titles[dim] = queries.dimension(dim).title
        titles[f"{dim}_label"] = f"{queries.dimension(dim).title} (naam)"
    return [titles.get(c, c) for c in data.columns], rows


def _audit(request: Request, user: CurrentUser, data: MetricData, action: str) -> None:
    """Write who saw or exported what to the audit log, before the answer leaves; a
    ``vertrouwelijk`` metric needs a stated purpose (``doel``), else 403 and no data."""
    gemeenten = data.request.gemeenten
    audit_access(
        request,
        user,
        action,
        data.metric.id,
        gemeente=gemeenten[0] if len(gemeenten) == 1 else None,
        level=data.metric.privacy,
        purpose=request.query_params.get("doel"),
    )


def _with_dates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            k: date.fromisoformat(v) if k == "period" and isinstance(v, str) else v
            for k, v in row.items()
        }
        for row in rows
    ]


# Published tables: results that do not add up (forecasts with intervals, lists of peaks)


def _describe_table(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "title": table.title,
        "description": table.description,
        "columns": [{"name": c.name, "title": c.title} for c in table.columns],
        "privacy": table.privacy.value,
        "owner": table.owner,
    }


@router.get("/tabellen", summary="Alle tabellen die u mag zien")
def list_tables(user: CurrentUser, queries: Queries) -> list[dict[str, Any]]:
    return [_describe_table(t) for t in queries.tables(user)]


@router.get(
    "/tabellen/{table_id}",
    summary="Rijen van een tabel",
    description=(
        "Parameters: gemeente (CBS-code, komma-gescheiden), from en to (JJJJ-MM-DD), en per "
        "kolom van de tabel een filter, bijvoorbeeld category=Afval."
    ),
)
def table_rows(
    table_id: str,
    request: Request,
    user: CurrentUser,
    queries: Queries,
    gemeente: str | None = None,
) -> dict[str, Any]:
    data = _table_data(table_id, request, user, queries)
    if data.table.privacy == PrivacyLevel.VERTROUWELIJK:
        _audit_table(request, user, data, "bekijken")
    return {"table": _describe_table(data.table), "columns": data.columns, "rows": data.rows}


@router.get("/tabellen/{table_id}/export.csv", summary="Een tabel als CSV voor Excel")
def table_export(table_id: str, request: Request, user: CurrentUser, queries: Queries) -> Response:
    data = _exported_table(table_id, request, user, queries)
    titles = {"gemeente_code": "Gemeente", **{c.name: c.title for c in data.table.columns}}
    rows = [
        [
            date.fromisoformat(row[c][:10])
            if c == data.table.date_column and isinstance(row[c], str)
            else row[c]
            for c in data.columns
        ]
        for row in data.rows
    ]
    content = dutch_csv([titles[c] for c in data.columns], rows)
    return _download(content, CSV_MEDIA_TYPE, f"{data.table.id}.csv")


@router.get(
    "/tabellen/{table_id}/export.parquet",
    summary="Een tabel als Parquet voor BI-tools",
    description="Dezelfde parameters en rijen als export.csv, met de kolomnamen van de JSON-API.",
)
def table_export_parquet(
    table_id: str, request: Request, user: CurrentUser, queries: Queries
) -> Response:
    data = _exported_table(table_id, request, user, queries)
    rows = [[row[c] for c in data.columns] for row in data.rows]
    return _download(
        typed_parquet(data.columns, rows), PARQUET_MEDIA_TYPE, f"{data.table.id}.parquet"
    )


def _exported_table(
    table_id: str, request: Request, user: CurrentUser, queries: Queries
) -> TableData:
    """A table's rows for a file, logged before the file leaves; every format goes here."""
    data = _table_data(table_id, request, user, queries)
    _audit_table(request, user, data, "exporteren")
    return data


def _table_data(table_id: str, request: Request, user: CurrentUser, queries: Queries) -> TableData:
    params = request.query_params
    return queries.table_rows(
        user,
        table_id,
        gemeenten=split_list(params.get("gemeente")),
        date_from=parse_date(params.get("from"), "from"),
        date_to=parse_date(params.get("to"), "to"),
        filters={k: split_list(v) for k, v in params.items() if k not in RESERVED and v},
    )


def _audit_table(request: Request, user: CurrentUser, data: TableData, action: str) -> None:
    """Log the view or export; for rows about persons, with the pseudonyms of those shown."""
    codes = sorted({str(row["gemeente_code"]) for row in data.rows})
    column = data.table.pseudonym_column
    audit_access(
        request,
        user,
        action,
        data.table.id,
        gemeente=codes[0] if len(codes) == 1 else None,
        level=data.table.privacy,
        rows=[str(row[column]) for row in data.rows if row[column]] if column else (),
        purpose=request.query_params.get("doel"),
    )
