"""The meldingen analysis page: which peaks, when, where, why and how sure; the next 8 weeks.

Public (the peaks and forecasts count reports, not people). Everything comes through the
query layer: the published tables ``meldingen_pieken``, ``meldingen_prognose`` and
``meldingen_backtest`` that the pipeline's Python models store, and the metrics
``meldingen_ontvangen`` and ``meldingen_verwacht``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.errors import QueryError
from koers.metrics.request import Grain, MetricRequest
from koers.web.charts import chart_table, line_chart, locale_options, peaks_chart
from koers.web.deps import CurrentUser, Queries
from koers.web.params import parse_date
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)

PEAKS, FORECAST, BACKTEST = "meldingen_pieken", "meldingen_prognose", "meldingen_backtest"
#: How many peaks the story at the top tells; the table lists all.
STORY_PEAKS = 5
DEFAULT_MONTHS = 12


@router.get("/meldingen/pieken", response_class=HTMLResponse)
def peaks_page(request: Request, user: CurrentUser, queries: Queries) -> Response:
    if PEAKS not in queries.packs.tables:
        message = "Deze pagina hoort bij de pack meldingen, die in dit project niet aan staat."
        return render(request, "error.html", {"message": message}, 404)
    params = request.query_params
    gemeente = params.get("gemeente", "")
    if gemeente and gemeente not in queries.all_gemeenten:
        raise QueryError(f"onbekende gemeente '{gemeente}'")
    category = params.get("category", "")
    _, last = queries.data_range(user, "meldingen_ontvangen")
    last = last or date.today()
    date_to = parse_date(params.get("tot"), "tot") or last
    date_from = parse_date(params.get("van"), "van") or date_to - timedelta(
        days=round(DEFAULT_MONTHS * 30.44)
    )
    gemeenten = (gemeente,) if gemeente else ()
    filters: dict[str, tuple[str, ...]] = {"category": (category,)} if category else {}
    peaks = queries.table_rows(
        user, PEAKS, gemeenten, date_from=date_from, date_to=date_to, filters=filters
    ).rows
    weekly = queries.data(
        user,
        MetricRequest(
            "meldingen_ontvangen",
            gemeenten=gemeenten,
            date_from=date_from,
            date_to=date_to,
            grain=Grain.WEEK,
            filters=filters,
        ),
    ).rows
    context: dict[str, Any] = {
        "gemeente": gemeente,
        "gemeenten": queries.project.gemeenten,
        "category": category,
        "categories": queries.dimension_values(user, "meldingen_ontvangen", "category"),
        "van": date_from.isoformat(),
        "tot": date_to.isoformat(),
        "peaks": peaks,
        "story": [
            _story(queries, p) for p in sorted(peaks, key=lambda p: -p["extra"])[:STORY_PEAKS]
        ],
        "peaks_spec": json.dumps(peaks_chart(weekly, peaks)),
        "weekly_table": chart_table([{**w, "reeks": "Ontvangen"} for w in weekly], "reeks"),
        "peaks_api": _api(f"/api/tabellen/{PEAKS}", gemeente, category, date_from, date_to),
        "peaks_csv": _api(
            f"/api/tabellen/{PEAKS}/export.csv", gemeente, category, date_from, date_to
        ),
        "embed_options": json.dumps(locale_options()),
        **_forecast(queries, user, gemeente, category),
        **_backtest(queries, user, gemeenten, filters),
    }
    return render(request, "meldingen_pieken.html", context)


def _api(path: str, gemeente: str, category: str, first: date | None, last: date | None) -> str:
    query = {"gemeente": gemeente, "category": category}
    if first:
        query["from"] = first.isoformat()
    if last:
        query["to"] = last.isoformat()
    return f"{path}?{urlencode({k: v for k, v in query.items() if v})}"


def _story(queries: Queries, peak: dict[str, Any]) -> dict[str, Any]:
    """A peak's stored sentence with links to the row and to the counts it was made from."""
    first = date.fromisoformat(str(peak["eerste_dag"])[:10])
    last = date.fromisoformat(str(peak["laatste_dag"])[:10])
    around = {
        "gemeente": peak["gemeente_code"],
        "category": peak["category"],
        "from": (first - timedelta(days=14)).isoformat(),
        "to": (last + timedelta(days=14)).isoformat(),
        "by": "day",
    }
    return {
        "peak": peak,
        "gemeente_naam": queries.project.gemeente_naam(peak["gemeente_code"]),
        "row_api": _api(
            f"/api/tabellen/{PEAKS}", peak["gemeente_code"], peak["category"], first, first
        ),
        "counts_api": f"/api/metrics/meldingen_ontvangen/data?{urlencode(around)}",
    }


def _forecast(queries: Queries, user: CurrentUser, gemeente: str, category: str) -> dict[str, Any]:
    """Expected meldingen for the next 8 weeks: intervals per wijk once a gemeente and a
    category are chosen (an interval does not add up), else expected totals per week."""
    gemeenten = (gemeente,) if gemeente else ()
    split = "wijk" if gemeente else "gemeente"
    filters: dict[str, tuple[str, ...]] = {"category": (category,)} if category else {}
    expected = queries.data(
        user,
        MetricRequest(
            "meldingen_verwacht",
            gemeenten=gemeenten,
            grain=Grain.WEEK,
            dimensions=(split,),
            filters=filters,
        ),
    )
    label = (
        (lambda r: queries.project.gemeente_naam(r["gemeente"]))
        if split == "gemeente"
        else (lambda r: r.get("wijk_label") or r["wijk"])
    )
    rows = [{**r, "reeks": label(r)} for r in expected.rows]
    intervals: list[dict[str, Any]] = []
    if gemeente and category:
        intervals = queries.table_rows(
            user, FORECAST, gemeenten, filters={"category": (category,)}
        ).rows
    weeks = sorted({r["period"] for r in rows})
    return {
        "forecast_spec": json.dumps(
            line_chart(expected.metric, rows, "reeks", "Verwachte meldingen per week")
        ),
        "forecast_weeks": weeks,
        "forecast_table": _pivot(rows, weeks),
        "forecast_split": "Wijk" if split == "wijk" else "Gemeente",
        "intervals": _interval_table(intervals),
        "forecast_api": _api(f"/api/tabellen/{FORECAST}", gemeente, category, None, None),
    }


def _pivot(rows: list[dict[str, Any]], weeks: list[str]) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        table.setdefault(row["reeks"], {})[row["period"]] = row["value"]
    return [
        {"reeks": name, "values": [values.get(w) for w in weeks]}
        for name, values in sorted(table.items())
    ]


def _interval_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    weeks = sorted({str(r["week_start"]) for r in rows})
    by_wijk: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_wijk.setdefault(str(row["wijk_name"]), {})[str(row["week_start"])] = row
    return {
        "weeks": weeks,
        "rows": [
            {"wijk": wijk, "cells": [cells.get(w) for w in weeks]}
            for wijk, cells in sorted(by_wijk.items())
        ],
    }


def _backtest(
    queries: Queries,
    user: CurrentUser,
    gemeenten: tuple[str, ...],
    filters: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    rows = queries.table_rows(user, BACKTEST, gemeenten, filters=filters).rows
    weeks = sum(int(r["voorspellingen"]) for r in rows)
    if not weeks:
        return {"backtest": rows, "backtest_summary": None}
    model = sum(float(r["mase_model"]) * int(r["voorspellingen"]) for r in rows) / weeks
    naive = sum(float(r["mase_seizoensnaief"]) * int(r["voorspellingen"]) for r in rows) / weeks
    coverage = sum(float(r["dekking_80"]) * int(r["voorspellingen"]) for r in rows) / weeks
    return {
        "backtest": rows,
        "backtest_summary": {"weeks": weeks, "model": model, "naive": naive, "coverage": coverage},
    }
