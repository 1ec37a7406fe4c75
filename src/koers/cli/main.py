"""The ``koers`` command: init, run, check, serve and demo.

Errors a user can fix are printed as one Dutch line with exit code 2 (bad usage or
configuration) or 1 (a failed run); never a traceback.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from koers.errors import KoersError

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

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-p", help="Projectmap met koers.toml (standaard: huidige map)."),
]


def _open(project_dir: Path | None):  # type: ignore[no-untyped-def]
    from koers.config import find_project_dir, load_project
    from koers.engine import connect
    from koers.packs import load_packs

    project = load_project(find_project_dir(project_dir))
    packs = load_packs(project.packs)
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
) -> None:
    """Toon de rijen die bij het laden apart zijn gezet, met de reden."""
    from koers.ingestion.loader import QUARANTINE_TABLE

    _, _, warehouse = _open(project)
    with warehouse:
        if not warehouse.table_exists(QUARANTINE_TABLE):
            console.print("Nog niets geladen: draai eerst 'koers run'.")
            return
        total = warehouse.count_rows(QUARANTINE_TABLE)
        result = warehouse.query(
            f"SELECT source, file_name, row_number, column_name, value, reason "
            f"FROM {QUARANTINE_TABLE} ORDER BY source, file_name, row_number LIMIT {int(limit)}"
        )
    if not total:
        console.print("Geen apart gezette rijen.")
        return
    console.print(f"{total} apart gezette rij(en); de eerste {min(total, limit)}:", highlight=False)
    for source, file_name, row, column, value, reason in result.rows:
        where = f"{source}/{file_name} rij {row}" + (f", kolom {column}" if column else "")
        shown = f" (waarde: {value!r})" if value is not None else ""
        console.print(f"- {where}: {reason}{shown}", highlight=False, soft_wrap=True)


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
    scale: Annotated[float, typer.Option(min=0.01, max=20, help="Volume t.o.v. werkelijk.")] = 1.0,
    years: Annotated[int, typer.Option(min=1, max=15, help="Aantal jaren terug.")] = 6,
    until: Annotated[
        str | None, typer.Option(help="Einddatum dd-mm-jjjj (standaard vandaag).")
    ] = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Daarna de dashboards starten.")
    ] = True,
    port: Annotated[int, typer.Option(help="Poort voor de dashboards.")] = 8000,
) -> None:
    """Maak een demoproject voor Duiven, Westervoort en Zevenaar en draai het."""
    from koers.cli.progress import RichProgress
    from koers.demo.project import write_demo_project
    from koers.pipeline.run import run_pipeline

    end = _parse_dutch_date(until) if until else date.today()
    console.print(
        f"Demogegevens maken in {directory} (seed {seed}, schaal {scale}, {years} jaar) ..."
    )
    write_demo_project(directory, seed=seed, scale=scale, years=years, end=end, port=port)
    loaded_project, packs, warehouse = _open(directory)
    with warehouse:
        summary = run_pipeline(loaded_project, warehouse, packs, RichProgress(console))
    _print_summary(summary)
    if serve_after:
        _serve(loaded_project.dir, "127.0.0.1", port)


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
