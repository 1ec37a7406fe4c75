"""The ``koers`` command: init, run, check, lineage, serve and demo.

Errors a user can fix are printed as one Dutch line with exit code 2 (bad usage or
configuration) or 1 (a failed run); never a traceback.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from koers.cli import audit, report, users
from koers.cli.options import ProjectOption
from koers.errors import KoersError

if TYPE_CHECKING:
    from koers.config import Project
    from koers.web.admin_queries import AdminQueries

try:  # Typer 0.29 carries its own copy of Click; older Typer uses Click itself.
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

app = typer.Typer(
    name="koers",
    help="Koers: sturen op feiten voor gemeenten.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
console = Console()
app.add_typer(users.users_app, name="users")
app.add_typer(audit.app, name="audit")
app.command("report")(report.report)


def _open(project_dir: Path | None):  # type: ignore[no-untyped-def]
    from koers.config import find_project_dir, load_project
    from koers.engine import connect
    from koers.packs import load_packs

    project = load_project(find_project_dir(project_dir))
    packs = load_packs(project.packs, project.dir)
    return project, packs, connect(project)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Map voor het nieuwe project.")],
    name: Annotated[str, typer.Option(help="Naam van de samenwerking.")] = "Mijn samenwerking",
) -> None:
    """Maak een nieuw project met een toegelicht koers.toml."""
    from koers.config import PROJECT_FILE
    from koers.config.starter import starter_project
    from koers.errors import ConfigError

    target = directory / PROJECT_FILE
    if target.exists():
        raise ConfigError(f"{target}: bestaat al; kies een andere map")
    (directory / "bronnen" / "meldingen" / "GM0226").mkdir(parents=True, exist_ok=True)
    target.write_text(starter_project(name), encoding="utf-8")
    console.print(
        f"Project gemaakt in {directory}. Zet exports in {directory}/bronnen en draai 'koers run'."
    )


@app.command("run")
def run_command(project: ProjectOption = None) -> None:
    """Laad nieuwe bestanden, bouw de modellen en bereken de metrieken."""
    from koers.cli.progress import RichProgress
    from koers.pipeline.run import run_pipeline

    loaded_project, packs, warehouse = _open(project)
    with warehouse:
        summary = run_pipeline(loaded_project, warehouse, packs, RichProgress(console))
    _print_summary(summary)


def _print_summary(summary: object) -> None:
    from koers.formatting import number
    from koers.pipeline.run import RunSummary

    assert isinstance(summary, RunSummary)
    console.print(
        f"Run {summary.run_id} geslaagd: {len(summary.loads)} bestand(en) geladen, "
        f"{number(summary.rows_loaded)} rijen, {number(summary.rows_quarantined)} apart gezet; "
        f"{len(summary.built)} tabel(len) gebouwd, {len(summary.unchanged)} ongewijzigd."
    )
    if summary.rows_quarantined:
        console.print("Bekijk de apart gezette rijen met 'koers check'.")


@app.command()
def check(
    project: ProjectOption = None,
    limit: Annotated[int, typer.Option(help="Hoeveel rijen tonen.")] = 20,
    bron: Annotated[
        str | None, typer.Option("--bron", help="Alleen rijen uit deze bron (naam uit koers.toml).")
    ] = None,
) -> None:
    """Toon de rijen die bij het laden apart zijn gezet, met de reden."""
    from koers.ingestion.ledger import QUARANTINE_TABLE
    from koers.web.admin_queries import AdminQueries

    loaded_project, _, warehouse = _open(project)
    with warehouse:
        if not warehouse.table_exists(QUARANTINE_TABLE):
            console.print("Nog niets geladen: draai eerst 'koers run'.")
            return
        admin = AdminQueries(warehouse, [s.name for s in loaded_project.sources])
        source = _checked_source(admin, bron)
        page = admin.quarantine(source, page=1, size=max(limit, 1))
    total = page.total
    where = f" uit bron {source}" if source else ""
    if not total:
        console.print(f"Geen apart gezette rijen{where}.")
        return
    console.print(
        f"{total} apart gezette rij(en){where}; de eerste {min(total, limit)}:", highlight=False
    )
    for row in page.rows[: max(limit, 0)]:
        place = f"{row['source']}/{row['file_name']} rij {row['row_number']}"
        if row["column_name"]:
            place += f", kolom {row['column_name']}"
        shown = f" (waarde: {row['value']!r})" if row["value"] is not None else ""
        # markup=False: delivered values may hold "[...]", which Rich would read as markup.
        console.print(
            f"- {place}: {row['reason']}{shown}", highlight=False, soft_wrap=True, markup=False
        )


def _checked_source(admin: AdminQueries, bron: str | None) -> str | None:
    """``--bron`` checked against the known sources; a wrong name is a usage error (exit 2)."""
    from koers.errors import QueryError

    if not bron:
        return None
    try:
        return admin.check_source(bron)
    except QueryError as exc:
        raise typer.BadParameter(exc.message, param_hint="'--bron'") from None


@app.command()
def lineage(
    table: Annotated[str, typer.Argument(help="Tabel als schema.tabel, bv. marts.meldingen_dag.")],
    project: ProjectOption = None,
) -> None:
    """Toon uit welke geleverde bestanden een tabel is gebouwd."""
    from koers.config import find_project_dir, load_project
    from koers.engine import connect
    from koers.formatting import dutch_datetime, number
    from koers.web.admin_queries import AdminQueries

    loaded = load_project(find_project_dir(project))
    # Read-only, so it also works while 'koers serve' has the DuckDB file open.
    with connect(loaded, read_only=True) as warehouse:
        loads = AdminQueries(warehouse, []).lineage(table).records()
    if not loads:
        console.print(
            f"{table} is niet uit geleverde bestanden gebouwd (bijvoorbeeld de kalender of een "
            "referentietabel uit een pack).",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
        return
    console.print(f"Herkomst van {table}: {len(loads)} lading(en)", highlight=False, markup=False)
    for load in loads:
        console.print(
            f"- {load['source']}/{load['file_name']}  hash {str(load['sha256'])[:12]}  "
            f"geladen {dutch_datetime(load['loaded_at'])}  "
            f"contract {load['contract']} v{load['contract_version']}  "
            f"{number(load['rows_loaded'])} rijen ({number(load['rows_quarantined'])} apart gezet)",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )


@app.command()
def serve(
    project: ProjectOption = None,
    host: Annotated[str | None, typer.Option(help="Adres (standaard uit koers.toml).")] = None,
    port: Annotated[int | None, typer.Option(help="Poort (standaard uit koers.toml).")] = None,
) -> None:
    """Start de webapplicatie met dashboards en API."""
    from koers.config import find_project_dir, load_project

    loaded = load_project(find_project_dir(project))
    _serve(loaded.dir, host or loaded.web.host, port or loaded.web.port)


def _serve(project_dir: Path, host: str, port: int) -> None:
    import uvicorn

    from koers.web.app import create_app

    console.print(f"Koers draait op http://{host}:{port}/  (stoppen: Ctrl+C)")
    uvicorn.run(create_app(project_dir), host=host, port=port, log_level="warning")


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Map voor het demoproject.")] = Path(
        "koers-demo"
    ),
    seed: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator.")] = 20261123,
    scale: Annotated[
        float, typer.Option(min=0.01, max=100, help="Volume t.o.v. werkelijk (100: benchmark).")
    ] = 1.0,
    years: Annotated[int, typer.Option(min=1, max=15, help="Aantal jaren terug.")] = 6,
    until: Annotated[
        str | None, typer.Option(help="Einddatum dd-mm-jjjj (standaard vandaag).")
    ] = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Daarna de dashboards starten.")
    ] = True,
    port: Annotated[int, typer.Option(help="Poort voor de dashboards.")] = 8000,
    packs: Annotated[
        str | None,
        typer.Option(help="Alleen deze packs, met komma's gescheiden (standaard: alle)."),
    ] = None,
) -> None:
    """Maak een demoproject voor Duiven, Westervoort en Zevenaar en draai het."""
    from koers.cli.progress import RichProgress
    from koers.demo.project import DEMO_PACKS, use_demo_pseudonym_key, write_demo_project
    from koers.formatting import number
    from koers.pipeline.run import run_pipeline

    end = _parse_dutch_date(until) if until else date.today()
    chosen = tuple(p.strip() for p in packs.split(",") if p.strip()) if packs else DEMO_PACKS
    console.print(
        f"Demogegevens maken in {directory} (seed {seed}, schaal {scale:g}, {years} jaar) ..."
    )
    write_demo_project(
        directory,
        seed=seed,
        scale=scale,
        years=years,
        end=end,
        port=port,
        packs=chosen,
        report=console.print,
    )
    loaded_project, pack_set, warehouse = _open(directory)
    env_name = loaded_project.privacy.pseudonym_key_env
    key_file = use_demo_pseudonym_key(directory, env_name)
    if key_file is not None:
        console.print(
            f"Demo: {env_name} is niet gezet; de demo gebruikt de sleutel in {key_file}. "
            f"Voor 'koers run' in deze map: export {env_name}=$(cat {key_file})"
        )
    _demo_accounts(loaded_project)
    started = time.perf_counter()
    with warehouse:
        summary = run_pipeline(loaded_project, warehouse, pack_set, RichProgress(console))
    _print_summary(summary)
    seconds = time.perf_counter() - started
    console.print(
        f"Geladen en gebouwd in {number(seconds, 1)} s "
        f"({number(summary.rows_loaded / max(seconds, 1e-9))} rijen/s)."
    )
    if serve_after:
        _serve(loaded_project.dir, "127.0.0.1", port)


def _demo_accounts(project: Project) -> None:
    """One account per role, so the demo shows who may see what (docs/access/accounts.md)."""
    from koers.access.accounts import DEMO_PASSWORD, demo_accounts, ensure_demo_accounts
    from koers.access.store import open_store

    codes = [g.code for g in project.gemeenten]
    store = open_store(project)
    try:
        accounts = demo_accounts(codes)
        ensure_demo_accounts(store, accounts, codes)
    finally:
        store.dispose()
    names = ", ".join(a.username for a in accounts)
    console.print(f"Demo-accounts (wachtwoord '{DEMO_PASSWORD}'): {names}")


def _parse_dutch_date(text: str) -> date:
    from datetime import datetime

    from koers.errors import ConfigError

    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        raise ConfigError(f"--until: '{text}' is geen datum als dd-mm-jjjj") from None


_CLICK_MESSAGES = {
    "No such command": "onbekend commando",
    "No such option": "onbekende optie",
    "Missing argument": "argument ontbreekt",
    "Missing option": "optie ontbreekt",
    "Invalid value": "ongeldige waarde",
    "Got unexpected extra argument": "onverwacht extra argument",
    "requires an argument": "vraagt een waarde",
    " for '": " voor '",
    "Input should be a valid integer, unable to parse string as an integer": "geen geheel getal",
    "Input should be a valid number, unable to parse string as a number": "geen getal",
}


def _dutch(message: str) -> str:
    for english, dutch in _CLICK_MESSAGES.items():
        message = message.replace(english, dutch)
    return message


def _fail(message: str) -> None:
    # Plain print: one line, never wrapped, whatever the terminal width.
    print(f"fout: {' '.join(message.split())}", file=sys.stderr)


def run() -> None:
    """Entry point: one clear line per error, exit 2 for usage and configuration errors."""
    try:
        outcome = app(standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        print(exc.format_message() if hasattr(exc, "format_message") else "", end="")
        sys.exit(0)
    except click_exceptions.UsageError as exc:
        _fail(f"{_dutch(exc.format_message())} (zie 'koers --help')")
        sys.exit(2)
    except typer.Abort:
        _fail("afgebroken")
        sys.exit(130)
    except KoersError as exc:
        _fail(exc.message)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(outcome if isinstance(outcome, int) else 0)
