"""Reports by name: what ``koers report <naam>`` can make.

A report is a :class:`ReportDefinition`: a name, a Dutch title, the packs and metrics it needs,
and a ``build`` function that turns a :class:`~koers.reports.council.context.ReportContext`
into a :class:`ReportBody` (summary and sections; the title page and appendix are the
machinery's). Built-in reports are named in :data:`BUILTIN_REPORTS` as ``"module:attribute"``
and imported only when asked for; a package outside Koers registers its own through the
``koers.reports`` entry point group, the same way packs register (``koers.packs``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from koers.errors import PackError
from koers.reports.council.period import ReportUsageError

if TYPE_CHECKING:
    from koers.reports.council.context import ReportContext
    from koers.reports.council.document import Section, Summary

ENTRY_POINT_GROUP = "koers.reports"

#: Built-in reports, imported on first use so ``koers --help`` stays fast.
BUILTIN_REPORTS: dict[str, str] = {
    "meldingen": "koers.reports.council.meldingen:REPORT",
    "sociaal-domein": "koers.reports.council.sociaal_domein:REPORT",
}


@dataclass(frozen=True)
class ReportBody:
    """What a report's ``build`` returns: the one-page summary and the detail sections."""

    summary: Summary
    sections: Sequence[Section]


@dataclass(frozen=True)
class ReportDefinition:
    #: The name on the command line: ``koers report <name>``.
    name: str
    #: Dutch title on the title page, e.g. "Kwartaalrapportage meldingen openbare ruimte".
    title: str
    #: Packs that must be enabled in the project (a clear error otherwise).
    packs: tuple[str, ...]
    #: The metric whose data must cover the quarter for the report to make sense.
    main_metric: str
    build: Callable[[ReportContext], ReportBody]
    #: One line under the title on the title page.
    subtitle: str = "Kwartaalrapportage voor de gemeenteraad"


def available_reports() -> dict[str, str]:
    """Report names -> where they are defined, built-ins first; duplicates are refused."""
    found = dict(BUILTIN_REPORTS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in found:
            raise PackError(
                f"rapport '{entry.name}' staat zowel in {found[entry.name]} als in {entry.value}"
            )
        found[entry.name] = entry.value
    return found


def get_report(name: str) -> ReportDefinition:
    """The definition registered as ``name``; an unknown name is a usage error."""
    known = available_reports()
    if name not in known:
        raise ReportUsageError(
            f"onbekend rapport '{name}' (beschikbaar: {', '.join(sorted(known)) or 'geen'})"
        )
    module, _, attribute = known[name].partition(":")
    definition = getattr(importlib.import_module(module), attribute)
    if not isinstance(definition, ReportDefinition) or definition.name != name:
        raise PackError(f"{known[name]} levert geen rapportdefinitie met de naam '{name}'")
    return definition
