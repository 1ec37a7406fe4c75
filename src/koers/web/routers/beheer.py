"""The Beheer page: what the operator of a Koers project needs to see after a run.

Recent runs, the ledger of loaded files, deliveries that were refused, the rows set aside in
quarantine (filterable by source, paged, downloadable) and the lineage of a built table. All
data comes through :class:`koers.web.admin_queries.AdminQueries`; this router only checks the
query string and lays the answers out.

Only the ``beheerder`` role gets in (anonymous visitors are sent to log in); a beheerder of some
gemeenten sees the loads and quarantine of those gemeenten' sources and the shared ones.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from koers.errors import KoersError, QueryError
from koers.reports.csv_export import dutch_csv
from koers.web.admin_queries import QUARANTINE_HEADERS, AdminQueries, Page
from koers.web.deps import Admin, Beheerder
from koers.web.rendering import render

router = APIRouter(include_in_schema=False)

QUARANTINE_PAGE_SIZE = 100
RUNS_SHOWN = 20
LOADS_SHOWN = 100
REFUSED_SHOWN = 50
MAX_PAGE_NUMBER = 10**9


@router.get("/beheer", response_class=HTMLResponse)
def beheer_page(request: Request, admin: Admin, _: Beheerder) -> Response:
    params = request.query_params
    source = _source_param(admin, params.get("bron", ""))
    table = params.get("tabel", "").strip()
    page = _quarantine_page(admin, source, _page_number(params.get("pagina", "")))
    tables = admin.lineage_tables()
    lineage, lineage_error = _lineage(admin, table, tables)
    context = {
        "anything_loaded": admin.anything_loaded,
        "runs": admin.recent_runs(RUNS_SHOWN),
        "loads": admin.loads(LOADS_SHOWN, source),
        "loads_total": admin.count_loads(source),
        "refused": admin.refused(REFUSED_SHOWN),
        "sources": admin.known_sources(),
        "bron": source or "",
        "quarantine": page,
        "pages": _page_links(page, source, table),
        "csv_url": "/beheer/quarantaine.csv"
        + (f"?{urlencode({'bron': source})}" if source else ""),
        "tables": tables,
        "tabel": table,
        "lineage": lineage,
        "lineage_error": lineage_error,
    }
    return render(request, "beheer.html", context)


@router.get("/beheer/quarantaine.csv")
def quarantine_csv(request: Request, admin: Admin, _: Beheerder) -> Response:
    source = _source_param(admin, request.query_params.get("bron", ""))
    body = dutch_csv(QUARANTINE_HEADERS, admin.quarantine_rows(source))
    name = f"quarantaine_{source}.csv" if source else "quarantaine.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _source_param(admin: AdminQueries, value: str) -> str | None:
    value = value.strip()
    return admin.check_source(value) if value else None


def _page_number(value: str) -> int:
    if not value:
        return 1
    # isascii: str.isdigit also accepts digits such as '²' that int() refuses.
    digits = value.lstrip("0")
    if not (value.isascii() and value.isdigit()) or not digits:
        raise QueryError(f"'pagina' moet een geheel getal van 1 of meer zijn, niet '{value}'")
    # A page past the end shows the last one; capping keeps the offset within a BIGINT (and
    # int() away from strings longer than Python converts).
    return MAX_PAGE_NUMBER if len(digits) > 9 else min(int(digits), MAX_PAGE_NUMBER)


def _quarantine_page(admin: AdminQueries, source: str | None, number: int) -> Page:
    page = admin.quarantine(source, number, QUARANTINE_PAGE_SIZE)
    if page.number > page.count:  # a link from before the filter changed: show the last page
        page = admin.quarantine(source, page.count, QUARANTINE_PAGE_SIZE)
    return page


def _page_links(page: Page, source: str | None, table: str) -> dict[str, str | None]:
    def link(number: int) -> str:
        query = {"bron": source or "", "tabel": table, "pagina": str(number)}
        kept = {key: value for key, value in query.items() if value}
        return f"/beheer?{urlencode(kept)}#quarantaine"

    return {
        "previous": link(page.number - 1) if page.number > 1 else None,
        "next": link(page.number + 1) if page.number < page.count else None,
    }


def _lineage(
    admin: AdminQueries, table: str, tables: list[str]
) -> tuple[list[dict[str, Any]], str | None]:
    """The loads behind ``table``; an unknown or not yet built table is a message in the
    lineage section, so the rest of the page stays readable."""
    if not table:
        return [], None
    if table not in tables:
        return [], f"Onbekende tabel '{table}': kies een tabel uit de lijst."
    try:
        return admin.lineage(table).records(), None
    except KoersError as exc:
        return [], exc.message
