"""``koers report <naam>``: a quarterly council report as HTML or PDF.

The reports themselves are declared in :mod:`koers.reports.council` and found by name; this
module only reads the options and writes the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from koers.cli.options import ProjectOption

console = Console()


def report(
    naam: Annotated[str, typer.Argument(help="Welk rapport, bijvoorbeeld 'meldingen'.")],
    period: Annotated[
        str, typer.Option("--period", help="Kwartaal als JJJJ-QN, bijvoorbeeld 2025-Q3.")
    ],
    gemeente: Annotated[
        str, typer.Option("--gemeente", help="CBS-code van de gemeente, bijvoorbeeld GM0226.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Bestand om het rapport in te schrijven.")],
    output_format: Annotated[
        str, typer.Option("--format", help="pdf of html (standaard: naar de extensie van --out).")
    ] = "",
    project: ProjectOption = None,
) -> None:
    """Maak een kwartaalrapport voor de raad (HTML of PDF), met cijfers uit de API."""
    from koers.reports.council.build import OutputFormat, make_report, write_report
    from koers.reports.council.period import ReportUsageError

    chosen = (output_format or out.suffix.lstrip(".") or "pdf").lower()
    if chosen not in {f.value for f in OutputFormat}:
        raise ReportUsageError(f"--format: '{chosen}' kan niet; kies pdf of html")
    document = make_report(project, naam, period, gemeente)
    write_report(document, OutputFormat(chosen), out)
    console.print(
        f"Rapport '{naam}' voor {document.title_page.gemeente_naam}, "
        f"{document.title_page.period_label}, geschreven naar {out}.",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )
