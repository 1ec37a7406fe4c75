"""The Burgerzaken page: expected applications for travel documents against the counter.

Everything on it comes through the query layer: the stored forecast (published table
``reisdocumenten_prognose``), the renewal behaviour it learned (two internal metrics) and the
expiries that make the 2014 wave. Internal: the forecast is a plan for staff.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.errors import AccessDenied, LoginRequired, QueryError
from koers.metrics.request import Grain, MetricRequest
from koers.packs.reisdocumenten.forecast import LEARN_FROM_EARLIEST, LEARN_YEARS
from koers.packs.reisdocumenten.narrative import behaviour_sentence, forecast_sentences
from koers.privacy.access import PUBLIC, PrivacyLevel
from koers.web.charts import band_chart, chart_table, line_chart, locale_options
from koers.web.deps import CurrentUser, Queries
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)

TABLE = "reisdocumenten_prognose"
#: Expiries are shown from the first ten-year documents' predecessors to well past the wave.
WAVE_FROM = date(2010, 1, 1)
WAVE_YEARS_AHEAD = 12


@router.get("/reisdocumenten", response_class=HTMLResponse)
def reisdocumenten_page(request: Request, user: CurrentUser, queries: Queries) -> Response:
    if not user.may_see_level(PrivacyLevel.INTERN):
        if user is PUBLIC:
            raise LoginRequired("log in om de prognose voor Burgerzaken te zien")
        raise AccessDenied("de prognose voor Burgerzaken is alleen voor medewerkers")
    if TABLE not in queries.packs.tables:
        message = "Deze pagina hoort bij de pack reisdocumenten, die in dit project niet aan staat."
        return render(request, "error.html", {"message": message}, 404)
    gemeenten = user.visible_gemeenten(queries.all_gemeenten) or queries.all_gemeenten
    code = request.query_params.get("gemeente") or gemeenten[0]
    if code not in queries.all_gemeenten:
        raise QueryError(f"onbekende gemeente '{code}'")
    name = queries.project.gemeente_naam(code)
    weeks = queries.table_rows(user, TABLE, gemeenten=(code,)).rows
    table_api = f"/api/tabellen/{TABLE}?{urlencode({'gemeente': code})}"
    context: dict[str, Any] = {
        "gemeente": code,
        "gemeenten": queries.project.gemeenten,
        "naam": name,
        "weeks": weeks,
        "busy_weeks": [w for w in weeks if w["mogelijk_boven_capaciteit"]],
        "table_api": table_api,
        "table_csv": f"/api/tabellen/{TABLE}/export.csv?{urlencode({'gemeente': code})}",
        "embed_options": json.dumps(locale_options()),
        "sentences": forecast_sentences(name, weeks, table_api),
    }
    if weeks:
        peildatum = date.fromisoformat(str(weeks[0]["peildatum"]))
        context["peildatum"] = peildatum
        context["forecast_spec"] = json.dumps(
            band_chart(
                weeks,
                title=f"Verwachte aanvragen per week, {name}",
                value="verwacht_aanvragen",
                low="ondergrens_90",
                high="bovengrens_90",
                value_title="Verwachte aanvragen",
                limit="capaciteit",
                limit_title="Baliecapaciteit (afspraken per week)",
            )
        )
        behaviour = _behaviour(queries, user, code, name, peildatum)
        if behaviour is not None:
            context["sentences"].append(behaviour)
        context["wave"] = _wave(queries, user, code, peildatum)
    return render(request, "reisdocumenten.html", context)


def _behaviour(queries: Queries, user: CurrentUser, code: str, name: str, peildatum: date) -> Any:
    first = max(date(peildatum.year - LEARN_YEARS, peildatum.month, 1), LEARN_FROM_EARLIEST)
    values: list[float | None] = []
    links: list[str] = []
    for metric_id in (
        "reisdocumenten_vernieuwd_voor_verloop_pct",
        "reisdocumenten_dagen_voor_verloop_mediaan",
    ):
        request = MetricRequest(
            metric_id, gemeenten=(code,), date_from=first, date_to=peildatum, grain=None
        )
        rows = queries.data(user, request).rows
        values.append(float(rows[0]["value"]) if rows and rows[0]["value"] is not None else None)
        query = {"gemeente": code, "from": first.isoformat(), "to": peildatum.isoformat(), "by": ""}
        links.append(f"/api/metrics/{metric_id}/data?{urlencode(query)}")
    return behaviour_sentence(name, values[0], values[1], (first, peildatum), (links[0], links[1]))


def _wave(queries: Queries, user: CurrentUser, code: str, peildatum: date) -> dict[str, Any]:
    """Expiries per quarter by validity term: the ten-year documents of 2014 on expire together."""
    until = date(peildatum.year + WAVE_YEARS_AHEAD, 12, 31)
    request = MetricRequest(
        "reisdocumenten_verlopend",
        gemeenten=(code,),
        date_from=WAVE_FROM,
        date_to=until,
        grain=Grain.QUARTER,
        dimensions=("geldigheidsduur",),
    )
    data = queries.data(user, request)
    rows = [{**row, "reeks": f"{row['geldigheidsduur']} geldig"} for row in data.rows]
    query = {
        "gemeente": code,
        "from": WAVE_FROM.isoformat(),
        "to": until.isoformat(),
        "by": "quarter,geldigheidsduur",
    }
    return {
        "spec": json.dumps(
            line_chart(data.metric, rows, "reeks", "Verlopende documenten per kwartaal")
        ),
        "table": chart_table(rows, "reeks"),
        "metric": data.metric,
        "api_url": f"/api/metrics/reisdocumenten_verlopend/data?{urlencode(query)}",
    }
