"""``koers audit``: check the audit log's hash chain and read its latest rows.

``verify`` is what an operator schedules (cron, CI of the platform): exit 0 when the chain is
whole, exit 1 naming the first broken row. Heavy modules are imported inside the commands so
``koers --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from koers.cli.options import ProjectOption

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(
    help="Het auditlog: wie wat bekeek of exporteerde, en of het log ongeschonden is.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
console = Console()


def _store(project_dir: Path | None) -> Engine:
    from koers.access.store import open_store
    from koers.config import find_project_dir, load_project

    return open_store(load_project(find_project_dir(project_dir)))


@app.command()
def verify(
    project: ProjectOption = None,
    anker: Annotated[
        str | None,
        typer.Option(
            "--anker",
            help="Een eerder genoteerde hash die nog in de keten moet staan (ontdekt inkorten).",
        ),
    ] = None,
) -> None:
    """Herbereken de hashketen; exit 1 bij de eerste gewijzigde, verwijderde of verplaatste regel."""
    from koers.access.audit import AuditError, verify_chain

    engine = _store(project)
    try:
        report = verify_chain(engine, anchor=anker.strip().lower() if anker else None)
    finally:
        engine.dispose()
    if report.broken_seq is not None:
        raise AuditError(f"Auditlog beschadigd bij regel {report.broken_seq}: {report.reason}")
    if report.anchor_found is False:
        raise AuditError(
            f"Auditlog ingekort of herschreven: de hash {anker} staat niet (meer) in de keten "
            f"van {report.rows} regels"
        )
    if not report.rows:
        console.print("Auditlog in orde: 0 regels (nog leeg).", highlight=False)
        return
    console.print(
        f"Auditlog in orde: {report.rows} regels, laatste hash {report.last_hash}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("list")
def list_command(
    project: ProjectOption = None,
    gebruiker: Annotated[
        str | None, typer.Option("--gebruiker", help="Alleen regels van deze gebruiker.")
    ] = None,
    sinds: Annotated[
        str | None, typer.Option("--sinds", help="Alleen regels vanaf deze dag (dd-mm-jjjj).")
    ] = None,
    pseudoniem: Annotated[
        str | None,
        typer.Option("--pseudoniem", help="Alleen toegang tot de rijen van deze persoon."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Hoeveel regels tonen (1 of meer).")] = 20,
) -> None:
    """Toon de nieuwste regels van het auditlog: wie, wanneer, wat, welke rijen en waarom."""
    from koers.access.audit import AuditFilter, count_records, day_start, list_records, parse_day
    from koers.errors import QueryError
    from koers.formatting import dutch_datetime

    if limit < 1:
        raise typer.BadParameter("moet 1 of meer zijn", param_hint="'--limit'")
    try:
        since = day_start(parse_day(sinds, "--sinds")) if sinds else None
    except QueryError:
        raise typer.BadParameter(
            f"'{sinds}' is geen datum als dd-mm-jjjj", param_hint="'--sinds'"
        ) from None
    where = AuditFilter(
        username=gebruiker,
        pseudonym=pseudoniem.strip().lower() if pseudoniem else None,
        since=since,
    )
    engine = _store(project)
    try:
        total = count_records(engine, where)
        records = list_records(engine, where, limit=limit)
    finally:
        engine.dispose()
    if not total:
        console.print("Geen auditregels gevonden.")
        return
    console.print(f"{total} auditregel(s); de nieuwste {len(records)}:", highlight=False)
    for r in records:
        what = " ".join(
            part
            for part in (
                r.action,
                r.object,
                r.gemeente or "",
                f"({r.privacy_level})" if r.privacy_level else "",
            )
            if part
        )
        rows = (
            f", {len(r.rows)} rij(en): {', '.join(ref[:12] for ref in r.rows[:3])}"
            if r.rows
            else ""
        )
        if len(r.rows) > 3:
            rows += " …"
        purpose = f", doel: {r.purpose}" if r.purpose else ""
        # markup=False: names and purposes are typed by people and may hold "[...]".
        console.print(
            f"#{r.seq} {dutch_datetime(r.recorded_at)} {r.username} [{', '.join(r.roles)}]: "
            f"{what}{rows}{purpose}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
