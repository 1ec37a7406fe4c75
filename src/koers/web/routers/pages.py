"""Server-rendered Dutch pages: the home page and the dashboards declared by packs.

Every number on a page comes from the query layer; the table under each chart holds the
same numbers, for readers without JavaScript or with a screen reader.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.access.audit_web import audit_access
from koers.analysis.comparison import year_on_year
from koers.errors import AccessDenied, LoginRequired, QueryError
from koers.metrics.definitions import Metric
from koers.metrics.publication import GRAIN_WORDS, is_protected
from koers.metrics.request import Grain, MetricRequest
from koers.privacy.access import PUBLIC, PrivacyLevel
from koers.web.charts import chart_table, line_chart, locale_options, vega_bundle
from koers.web.dashboards import Dashboard
from koers.web.deps import CurrentUser, Queries
from koers.web.params import parse_date
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, queries: Queries) -> Response:
    dashboards = []
    seen = {m.id: m for m in queries.metrics(user)}
    for dashboard in queries.packs.dashboards.values():
        visible = [seen[p.metric] for p in dashboard.panels if p.metric in seen]
        if not visible:
            continue
        # A tile shows numbers without asking a purpose, so never a confidential metric's.
        tiles = [m for m in visible if m.privacy != PrivacyLevel.VERTROUWELIJK]
        headline = (tiles or visible)[0]
        values = queries.latest_values(user, headline.id) if tiles else []
        comparisons = year_on_year(values, complete_before=date.today())
        dashboards.append(
            {
                "dashboard": dashboard,
                "headline": headline,
                "comparisons": comparisons,
                "confidential_only": not tiles,
            }
        )
    return render(request, "home.html", {"dashboards": dashboards})


@router.get("/dashboards/{dashboard_id}", response_class=HTMLResponse)
def dashboard_page(
    dashboard_id: str, request: Request, user: CurrentUser, queries: Queries
) -> Response:
    dashboard = queries.packs.dashboards.get(dashboard_id)
    if dashboard is None:
        return render(request, "error.html", {"message": "Dit dashboard bestaat niet."}, 404)
    params = request.query_params
    gemeente = params.get("gemeente", "")
    if gemeente and gemeente not in queries.all_gemeenten:
        raise QueryError(f"onbekende gemeente '{gemeente}'")
    visible = _visible_panels(queries, user, dashboard)
    first_metric = dashboard.panels[visible[0]].metric
    _, last = queries.data_range(user, first_metric)
    last = last or date.today()
    date_to = parse_date(params.get("tot"), "tot") or last
    date_from = parse_date(params.get("van"), "van") or _months_back(
        date_to, dashboard.default_months
    )
    filters = {f: params.get(f, "") for f in dashboard.filters}
    filter_options = {f: queries.dimension_values(user, first_metric, f) for f in dashboard.filters}
    purpose = params.get("doel", "").strip()
    panels = []
    for index in visible:
        metric = queries.metric(user, dashboard.panels[index].metric)
        if metric.privacy == PrivacyLevel.VERTROUWELIJK:
            if not purpose:
                panels.append(_purpose_first(dashboard, index, metric))
                continue
            # Logged before the numbers are computed and sent; no log, no numbers.
            audit_access(
                request,
                user,
                "bekijken",
                metric.id,
                gemeente or None,
                metric.privacy,
                purpose=purpose,
            )
        panels.append(
            _panel(queries, user, dashboard, index, gemeente, date_from, date_to, filters, purpose)
        )
    context = {
        "dashboard": dashboard,
        "panels": panels,
        "gemeente": gemeente,
        "gemeenten": queries.project.gemeenten,
        "van": date_from.isoformat(),
        "tot": date_to.isoformat(),
        "filters": filters,
        "filter_options": filter_options,
        "filter_titles": {f: queries.dimension(f).title for f in dashboard.filters},
        "asks_purpose": any(p.get("confidential") for p in panels),
        "doel": purpose,
        "embed_options": json.dumps(locale_options()),
    }
    return render(request, "dashboard.html", context)


def _panel(
    queries: Queries,
    user: CurrentUser,
    dashboard: Dashboard,
    index: int,
    gemeente: str,
    date_from: date,
    date_to: date,
    filters: dict[str, str],
    purpose: str,
) -> dict[str, Any]:
    panel = dashboard.panels[index]
    metric = queries.metric(user, panel.metric)
    series = panel.series if panel.series in metric.dimensions else None
    asked = MetricRequest(
        metric_id=metric.id,
        gemeenten=(gemeente,) if gemeente else (),
        date_from=date_from,
        date_to=date_to,
        grain=Grain(panel.grain),
        dimensions=(series,) if series else (),
        filters={k: (v,) for k, v in filters.items() if v and k in metric.dimensions},
    )
    request = queries.fit_for(user, asked)
    series = request.dimensions[0] if request.dimensions else None
    data = queries.data(user, request)
    label_of = _series_labels(queries, series)
    rows = [{**row, "reeks": label_of(row) if series else metric.title} for row in data.rows]
    spec = line_chart(metric, rows, "reeks" if series else None, panel.title or metric.title)
    query = {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "by": ",".join([str(request.grain or panel.grain), *request.dimensions]),
    }
    if request.gemeenten:
        query["gemeente"] = ",".join(request.gemeenten)
    query.update({k: v[0] for k, v in request.filters.items()})
    confidential = metric.privacy == PrivacyLevel.VERTROUWELIJK
    if confidential:
        query["doel"] = purpose  # exports of confidential data are logged with it
    return {
        "confidential": confidential,
        "id": f"panel-{index}",
        "metric": metric,
        "title": panel.title or metric.title,
        "grain": request.grain.value if request.grain else panel.grain,
        "spec": json.dumps(spec),
        "table": chart_table(rows, "reeks"),
        "protection": _protection_note(queries, request) if is_protected(metric, user) else None,
        "export_url": f"/api/metrics/{metric.id}/export.csv?{urlencode(query)}",
        "xlsx_url": f"/api/metrics/{metric.id}/export.xlsx?{urlencode(query)}",
        "parquet_url": f"/api/metrics/{metric.id}/export.parquet?{urlencode(query)}",
        "api_url": f"/api/metrics/{metric.id}/data?{urlencode(query)}",
    }


def _visible_panels(queries: Queries, user: CurrentUser, dashboard: Dashboard) -> list[int]:
    """Panels whose metric the user may see; a dashboard with none is not theirs to open."""
    seen = {m.id for m in queries.metrics(user)}
    visible = [index for index, panel in enumerate(dashboard.panels) if panel.metric in seen]
    if not visible:
        if user is PUBLIC:
            raise LoginRequired("log in om dit dashboard te zien")
        raise AccessDenied("u hebt geen toegang tot de cijfers van dit dashboard")
    return visible


def _purpose_first(dashboard: Dashboard, index: int, metric: Metric) -> dict[str, Any]:
    """A confidential panel before a purpose is given: its title, no numbers."""
    panel = dashboard.panels[index]
    return {
        "id": f"panel-{index}",
        "metric": metric,
        "title": panel.title or metric.title,
        "confidential": True,
        "needs_purpose": True,
    }


def _protection_note(queries: Queries, request: MetricRequest) -> str:
    rule = queries.project.privacy.disclosure.rule()
    return (
        "Deze cijfers tellen personen. Om hen te beschermen toont het openbare portaal ze "
        f"per {GRAIN_WORDS[request.grain or Grain.MONTH]}, zonder aantallen onder "
        f"{rule.threshold}, afgerond op veelvouden van {rule.rounding}; enkele andere "
        "cellen zijn afgeschermd zodat totalen niets verraden."
    )


def _series_labels(queries: Queries, series: str | None) -> Any:
    if series == "gemeente":
        return lambda row: queries.project.gemeente_naam(row["gemeente"])
    if series:
        return lambda row: row.get(f"{series}_label") or row[series]
    return lambda row: ""


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


@router.get("/static/vega.js")
def vega_js() -> Response:
    return Response(
        vega_bundle(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
