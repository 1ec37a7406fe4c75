"""The Wmo and Jeugd waiting list for the teams, and the cases behind its numbers.

The waiting list (``/sociaal-domein/wachtlijst``) is for staff (``intern``): open cases by
phase, team, consultant and waiting time against the legal terms, exceedances now and in the
coming weeks, inflow against outflow, consultant hours, and the likely causes of a rise. The
cases behind a number (``/sociaal-domein/zaken``) are ``vertrouwelijk``: only for roles that
may see them, for their own gemeenten, after a stated purpose, and every view is written to
the audit log with the pseudonyms of the clients shown. Everything goes through the query layer.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.access.audit_web import audit_access
from koers.errors import AccessDenied, LoginRequired, QueryError
from koers.metrics.request import Grain, MetricRequest
from koers.privacy.access import PUBLIC, PrivacyLevel
from koers.web.charts import chart_table, line_chart, locale_options
from koers.web.deps import CurrentUser, Queries
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)

OPEN, OVER = "sociaal_domein_open", "sociaal_domein_over_termijn"
SOON = {
    "binnen 1 week": "sociaal_domein_termijn_binnen_1_week",
    "binnen 2 weken": "sociaal_domein_termijn_binnen_2_weken",
    "binnen 4 weken": "sociaal_domein_termijn_binnen_4_weken",
}
CAUSES, CASES = "sociaal_domein_oorzaken", "sociaal_domein_zaken"
HISTORY_WEEKS = 52
CAUSE_WEEKS = 26


def _staff_only(user: CurrentUser, level: PrivacyLevel, what: str) -> None:
    if not user.may_see_level(level):
        if user is PUBLIC:
            raise LoginRequired(f"log in om {what} te zien")
        raise AccessDenied(f"{what} is niet voor uw rol")


def _choices(request: Request, queries: Queries, user: CurrentUser) -> tuple[str, str]:
    params = request.query_params
    visible = user.visible_gemeenten(queries.all_gemeenten) or queries.all_gemeenten
    gemeente = params.get("gemeente") or visible[0]
    if gemeente not in queries.all_gemeenten:
        raise QueryError(f"onbekende gemeente '{gemeente}'")
    return gemeente, params.get("domein", "")


@router.get("/sociaal-domein/wachtlijst", response_class=HTMLResponse)
def waiting_list(request: Request, user: CurrentUser, queries: Queries) -> Response:
    if OPEN not in queries.packs.metrics:
        message = "Deze pagina hoort bij de pack sociaal_domein, die in dit project niet aan staat."
        return render(request, "error.html", {"message": message}, 404)
    _staff_only(user, PrivacyLevel.INTERN, "de wachtlijst")
    gemeente, domein = _choices(request, queries, user)
    filters: dict[str, tuple[str, ...]] = {"domein": (domein,)} if domein else {}
    _, last = queries.data_range(user, OPEN)
    last = last or date.today()
    since = last - timedelta(weeks=HISTORY_WEEKS)

    def ask(metric: str, **kwargs: Any) -> list[dict[str, Any]]:
        asked = MetricRequest(metric, gemeenten=(gemeente,), filters=filters, **kwargs)
        return queries.data(user, asked).rows

    now: dict[str, Any] = {
        "open": ask(OPEN, date_from=last, date_to=last, grain=None, dimensions=("fase",)),
        "over": _total(ask(OVER, date_from=last, date_to=last, grain=None)),
        "soon": {
            label: _total(ask(m, date_from=last, date_to=last, grain=None))
            for label, m in SOON.items()
        },
    }
    trend = [
        {**row, "reeks": label}
        for metric, label in ((OPEN, "Openstaand"), (OVER, "Over de termijn"))
        for row in ask(metric, date_from=since, date_to=last, grain=Grain.WEEK)
    ]
    flow = [
        {**row, "reeks": label}
        for metric, label in (
            ("sociaal_domein_instroom", "Instroom"),
            ("sociaal_domein_uitstroom", "Uitstroom"),
        )
        for row in ask(metric, date_from=since, date_to=last, grain=Grain.WEEK)
    ]
    hours = ask(
        "sociaal_domein_beschikbare_uren",
        date_from=date(last.year - 2, last.month, 1),
        date_to=last,
        grain=Grain.MONTH,
        dimensions=("team",),
    )
    per_consultant = ask(
        OPEN, date_from=last, date_to=last, grain=None, dimensions=("consulent", "wachtduur")
    )
    causes = queries.table_rows(
        user, CAUSES, (gemeente,), date_from=last - timedelta(weeks=CAUSE_WEEKS), filters=filters
    ).rows
    metric = queries.metric(user, OPEN)
    hours_metric = queries.metric(user, "sociaal_domein_beschikbare_uren")
    hours_rows = [{**r, "reeks": r["team"]} for r in hours]
    may_drill = user.may_see_level(PrivacyLevel.VERTROUWELIJK) and user.may_see_gemeente(gemeente)
    drill = {"gemeente": gemeente, **({"domein": domein} if domein else {})}
    context = {
        "gemeente": gemeente,
        "naam": queries.project.gemeente_naam(gemeente),
        "gemeenten": queries.project.gemeenten,
        "domein": domein,
        "domeinen": queries.dimension_values(user, OPEN, "domein"),
        "peildatum": last,
        "now": now,
        "open_total": _total(now["open"]),
        "trend_spec": json.dumps(line_chart(metric, trend, "reeks", "Openstaande zaken per week")),
        "flow_spec": json.dumps(
            line_chart(metric, flow, "reeks", "Instroom en uitstroom per week")
        ),
        "hours_spec": json.dumps(
            line_chart(hours_metric, hours_rows, "reeks", "Beschikbare uren consulenten per maand")
        ),
        "trend_table": chart_table(trend, "reeks"),
        "flow_table": chart_table(flow, "reeks"),
        "hours_table": chart_table(hours_rows, "reeks"),
        "open_unit": metric.unit,
        "hours_unit": hours_metric.unit,
        "consultants": _pivot(per_consultant),
        "causes": _latest_episode(causes),
        "may_drill": may_drill,
        "drill_over": "/sociaal-domein/zaken?"
        + urlencode({**drill, "termijn_status": "overschreden"}),
        "drill_open": "/sociaal-domein/zaken?" + urlencode(drill),
        "embed_options": json.dumps(locale_options()),
        "api": {
            "open": f"/api/metrics/{OPEN}/data?"
            + urlencode(
                {
                    "gemeente": gemeente,
                    "from": last.isoformat(),
                    "to": last.isoformat(),
                    "by": "fase",
                    **({"domein": domein} if domein else {}),
                }
            ),
            "causes": f"/api/tabellen/{CAUSES}?"
            + urlencode({"gemeente": gemeente, **({"domein": domein} if domein else {})}),
        },
    }
    return render(request, "sociaal_domein_wachtlijst.html", context)


@router.get("/sociaal-domein/zaken", response_class=HTMLResponse)
def cases(request: Request, user: CurrentUser, queries: Queries) -> Response:
    """The open cases behind a waiting-list number; the purpose first, then the log, then
    the rows (fail closed: no log entry, no rows)."""
    if CASES not in queries.packs.tables:
        message = "Deze pagina hoort bij de pack sociaal_domein, die in dit project niet aan staat."
        return render(request, "error.html", {"message": message}, 404)
    _staff_only(user, PrivacyLevel.VERTROUWELIJK, "de zaken achter de wachtlijst")
    gemeente, domein = _choices(request, queries, user)
    if not user.may_see_gemeente(gemeente):
        raise AccessDenied(f"geen toegang tot zaken van {queries.project.gemeente_naam(gemeente)}")
    status = request.query_params.get("termijn_status", "")
    purpose = request.query_params.get("doel", "").strip()
    context: dict[str, Any] = {
        "gemeente": gemeente,
        "naam": queries.project.gemeente_naam(gemeente),
        "domein": domein,
        "termijn_status": status,
        "doel": purpose,
        "rows": None,
    }
    if purpose:
        filters = {"status": ("open",)}
        if domein:
            filters["domein"] = (domein,)
        if status:
            filters["termijn_status"] = (status,)
        data = queries.table_rows(user, CASES, (gemeente,), filters=filters)
        audit_access(
            request,
            user,
            "bekijken",
            CASES,
            gemeente,
            PrivacyLevel.VERTROUWELIJK,
            rows=[str(r["client_pseudoniem"]) for r in data.rows if r["client_pseudoniem"]],
            purpose=purpose,
        )
        context["rows"] = data.rows
        query = {"gemeente": gemeente, "doel": purpose, "status": "open"}
        if domein:
            query["domein"] = domein
        if status:
            query["termijn_status"] = status
        context["csv"] = f"/api/tabellen/{CASES}/export.csv?{urlencode(query)}"
    return render(request, "sociaal_domein_zaken.html", context)


def _total(rows: list[dict[str, Any]]) -> float:
    return float(sum(r["value"] or 0 for r in rows))


def _pivot(rows: list[dict[str, Any]]) -> dict[str, Any]:
    bands = sorted({str(r["wachtduur"]) for r in rows}, key=_band_order)
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        table.setdefault(str(row["consulent"]), {})[str(row["wachtduur"])] = row["value"]
    return {"bands": bands, "rows": sorted(table.items())}


def _band_order(band: str) -> tuple[int, str]:
    digits = "".join(ch if ch.isdigit() else " " for ch in band).split()
    return (int(digits[0]) if digits else 10**6, band)


def _latest_episode(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranked causes of the most recent week with a signal, per domein and team."""
    if not rows:
        return []
    latest = max(str(r["week_end"]) for r in rows)
    return [r for r in rows if str(r["week_end"]) == latest]
