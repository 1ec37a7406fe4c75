"""Council reports: a quarterly document (title page, one-page summary, detail) as HTML or PDF.

Where it sits: after the query layer. A report asks :class:`koers.metrics.query.QueryService`
as the public would (``PUBLIC``), through the same parameters as the JSON API, so every number
equals the API's answer to the same question and passes the same disclosure control
(:mod:`koers.privacy.disclosure` via :mod:`koers.metrics.publication`). Each number records
that question (:class:`~koers.reports.council.document.ApiQuestion`).

A report is declared once as a :class:`~koers.reports.council.registry.ReportDefinition`
and registered by name (built-ins in ``BUILTIN_REPORTS``, others through the ``koers.reports``
entry point); ``koers report <naam>`` finds it there.
"""

from koers.reports.council.context import Answer, ReportContext
from koers.reports.council.document import (
    ApiQuestion,
    Chart,
    Figure,
    KeyFigure,
    ReportDocument,
    Section,
    Summary,
    Table,
    TableRow,
    TitlePage,
)
from koers.reports.council.period import Quarter
from koers.reports.council.registry import (
    ReportBody,
    ReportDefinition,
    available_reports,
    get_report,
)

__all__ = [
    "Answer",
    "ApiQuestion",
    "Chart",
    "Figure",
    "KeyFigure",
    "Quarter",
    "ReportBody",
    "ReportContext",
    "ReportDefinition",
    "ReportDocument",
    "Section",
    "Summary",
    "Table",
    "TableRow",
    "TitlePage",
    "available_reports",
    "get_report",
]
