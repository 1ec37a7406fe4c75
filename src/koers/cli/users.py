"""``koers users``: local accounts for the embedded setup (add, list, disable, enable).

Accounts live in the access store of the project (ADR 0005), not in the warehouse. A
password is typed twice at a hidden prompt, or read from standard input for scripts; it is
never an argument, so it does not end up in the shell history or the process list.
Errors are :class:`koers.access.accounts.AccountError`: one Dutch line, exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from koers.cli.options import ProjectOption

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from koers.config import Project

users_app = typer.Typer(
    name="users",
    help="Beheer de lokale accounts: toevoegen, tonen, uitschakelen, inschakelen.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
console = Console()


def _store(project_dir: Path | None) -> tuple[Project, Engine]:
    from koers.access.store import open_store
    from koers.config import find_project_dir, load_project

    project = load_project(find_project_dir(project_dir))
    return project, open_store(project)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam, bv. j.jansen.")],
    rol: Annotated[
        list[str],
        typer.Option(
            "--rol",
            help="Rol (herhaalbaar): beheerder, analist, manager, raadslid, privacy-officer.",
        ),
    ],
    gemeente: Annotated[
        list[str] | None,
        typer.Option("--gemeente", help="CBS-code van een gemeente (herhaalbaar), bv. GM0226."),
    ] = None,
    alle_gemeenten: Annotated[
        bool, typer.Option("--alle-gemeenten", help="Toegang tot alle gemeenten van het project.")
    ] = False,
    naam: Annotated[
        str | None, typer.Option("--naam", help="Weergavenaam (standaard de gebruikersnaam).")
    ] = None,
    wachtwoord_stdin: Annotated[
        bool,
        typer.Option("--wachtwoord-stdin", help="Lees het wachtwoord van stdin (voor scripts)."),
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Maak een account; het wachtwoord wordt twee keer gevraagd (of via --wachtwoord-stdin)."""
    from koers.access.accounts import AccountError, NewAccount, add_account, check_access

    if gemeente and alle_gemeenten:
        raise AccountError("geef --gemeente of --alle-gemeenten, niet allebei")
    if not gemeente and not alle_gemeenten:
        raise AccountError("geef minstens één --gemeente GMnnnn, of --alle-gemeenten")
    loaded, store = _store(project)
    known = [g.code for g in loaded.gemeenten]
    codes = None if alle_gemeenten else tuple(c.strip().upper() for c in gemeente or ())
    # Checked before the password is asked, so a typo does not cost the user two prompts.
    check_access(tuple(rol), codes, known)
    password = _password_from_stdin() if wachtwoord_stdin else _password_from_prompt()
    account = add_account(
        store,
        NewAccount(
            username=name,
            display_name=naam or name,
            password=password,
            roles=tuple(rol),
            gemeenten=codes,
        ),
        known,
    )
    store.dispose()
    where = "alle gemeenten" if account.gemeenten is None else ", ".join(account.gemeenten)
    console.print(
        f"Account {account.username} gemaakt: {', '.join(account.roles)} voor {where}.",
        highlight=False,
        markup=False,
    )


@users_app.command("list")
def list_command(project: ProjectOption = None) -> None:
    """Toon alle accounts met rollen, gemeenten en status (nooit wachtwoorden)."""
    from rich.table import Table

    from koers.access.accounts import list_accounts, now_utc
    from koers.formatting import dutch_datetime

    _, store = _store(project)
    accounts = list_accounts(store)
    store.dispose()
    if not accounts:
        console.print("Nog geen accounts. Maak er een met 'koers users add'.")
        return
    now = now_utc()
    table = Table()
    for header in ("Gebruikersnaam", "Naam", "Rollen", "Gemeenten", "Status", "Laatst ingelogd"):
        # fold, not ellipsis: a script reading the list needs whole names.
        table.add_column(header, overflow="fold")
    for account in accounts:
        if account.disabled:
            status = "uitgeschakeld"
        elif account.locked(now):
            status = f"geblokkeerd tot {dutch_datetime(account.locked_until)}"
        else:
            status = "actief"
        table.add_row(
            account.username,
            account.display_name,
            ", ".join(account.roles),
            "alle" if account.gemeenten is None else ", ".join(account.gemeenten),
            status,
            dutch_datetime(account.last_login_at) or "nooit",
        )
    # Piped into a script or a file: one line per account, not folded to 80 columns.
    out = console if console.is_terminal else Console(width=240)
    out.print(table, markup=False, highlight=False)


@users_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam.")],
    project: ProjectOption = None,
) -> None:
    """Schakel een account uit; lopende sessies stoppen meteen."""
    from koers.access.accounts import set_disabled

    _, store = _store(project)
    account = set_disabled(store, name, disabled=True)
    store.dispose()
    console.print(
        f"Account {account.username} is uitgeschakeld; lopende sessies zijn beëindigd.",
        highlight=False,
        markup=False,
    )


@users_app.command("enable")
def enable(
    name: Annotated[str, typer.Argument(help="Gebruikersnaam.")],
    project: ProjectOption = None,
) -> None:
    """Schakel een account weer in; een blokkade na mislukte pogingen vervalt ook."""
    from koers.access.accounts import set_disabled

    _, store = _store(project)
    account = set_disabled(store, name, disabled=False)
    store.dispose()
    console.print(f"Account {account.username} is ingeschakeld.", highlight=False, markup=False)


def _password_from_stdin() -> str:
    from koers.access.accounts import AccountError

    line = sys.stdin.readline()
    if not line:
        raise AccountError("geen wachtwoord op stdin gekregen")
    return line.rstrip("\r\n")


def _password_from_prompt() -> str:
    import getpass

    from koers.access.accounts import AccountError
    from koers.access.passwords import WeakPassword, check_new_password

    first = getpass.getpass("Wachtwoord: ")
    try:
        check_new_password(first)
    except WeakPassword as exc:
        raise AccountError(str(exc)) from None
    if getpass.getpass("Nog een keer: ") != first:
        raise AccountError("de twee wachtwoorden verschillen; probeer het opnieuw")
    return first
