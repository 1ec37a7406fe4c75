"""Making a report: check the request, open the project read-only, build, write HTML or PDF.

This is what ``koers report`` calls; tests call it too. Checks come first and fail with one
Dutch line (exit 2): an unknown report or gemeente, a period that is not a quarter, a pack the
report needs that is not enabled, or a quarter the data does not fully cover.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from koers.formatting import dutch_date
from koers.metrics.query import QueryService
from koers.privacy.access import PUBLIC, Principal
from koers.reports.council.context import Gemeente, ReportContext
from koers.reports.council.document import ReportDocument, TitlePage
from koers.reports.council.period import Quarter, ReportUsageError
from koers.reports.council.registry import ReportDefinition, get_report


class OutputFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


def make_report(
    project_dir: Path | None,
    name: str,
    period: str,
    gemeente: str,
    *,
    made_on: date | None = None,
    user: Principal = PUBLIC,
) -> ReportDocument:
    """The report ``name`` for one gemeente and quarter, asked as ``user`` (the public).

    A council report is a public document, so it asks what anyone may ask and gets the same
    protected answers the public API gives.
    """
    from koers.config import find_project_dir, load_project
    from koers.engine import connect
    from koers.packs import load_packs

    definition = get_report(name)
    quarter = Quarter.parse(period)
    project = load_project(find_project_dir(project_dir))
    missing = [p for p in definition.packs if p not in project.packs]
    if missing:
        raise ReportUsageError(
            f"rapport '{name}' heeft de pack(s) {', '.join(missing)} nodig; zet ze aan in "
            "koers.toml onder [packs] enabled"
        )
    gemeenten = [Gemeente(g.code, g.naam) for g in project.gemeenten]
    chosen = next((g for g in gemeenten if g.code == gemeente.strip().upper()), None)
    if chosen is None:
        known = ", ".join(f"{g.code} ({g.naam})" for g in gemeenten) or "geen"
        raise ReportUsageError(
            f"--gemeente: '{gemeente}' is geen gemeente van dit project (wel: {known})"
        )
    packs = load_packs(project.packs, project.dir)
    # Read-only, so a report can be made while 'koers serve' has the warehouse open.
    with connect(project, read_only=True) as warehouse:
        queries = QueryService(project, warehouse, packs)
        _check_coverage(queries, definition, quarter, user)
        context = ReportContext(queries, user, quarter, chosen, gemeenten, made_on or date.today())
        body = definition.build(context)
        notes = context.metric_notes()
    title = TitlePage(
        title=definition.title,
        subtitle=definition.subtitle,
        gemeente_code=chosen.code,
        gemeente_naam=chosen.naam,
        period_label=f"{quarter.words.capitalize()} ({dutch_date(quarter.first_day)} t/m "
        f"{dutch_date(quarter.last_day)})",
        made_on=context.made_on,
    )
    return ReportDocument(name, title, body.summary, body.sections, notes)


def _check_coverage(
    queries: QueryService, definition: ReportDefinition, quarter: Quarter, user: Principal
) -> None:
    """The quarter must lie within the data of the report's main metric, whole."""
    metric = queries.metric(user, definition.main_metric)
    if not queries.warehouse.table_exists(metric.mart):
        raise ReportUsageError(f"nog geen gegevens voor '{metric.title}': draai eerst 'koers run'")
    first, last = queries.data_range(user, metric.id)
    if first is None or last is None:
        raise ReportUsageError(f"nog geen gegevens voor '{metric.title}'")
    if quarter.first_day < first or quarter.last_day > last:
        raise ReportUsageError(
            f"--period: voor {quarter.label} zijn geen volledige gegevens; '{metric.title}' "
            f"loopt van {dutch_date(first)} tot en met {dutch_date(last)}"
        )


def write_report(document: ReportDocument, output: OutputFormat, out: Path) -> None:
    from koers.reports.council.html import render_html
    from koers.reports.council.pdf import html_to_pdf

    html = render_html(document)
    if output is OutputFormat.HTML:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    else:
        html_to_pdf(html, out)
