"""Local accounts in the access store: who may log in, with which roles, for which gemeenten.

Used by ``koers users`` (create, list, disable) and by the log-in page (:func:`authenticate`).
An account never leaves this module with its password hash. Failed log-ins are counted per
account; too many within the window lock it for a while (:func:`after_failure`, pure, so the
arithmetic is tested on its own). Whatever goes wrong in a log-in, the caller gets the same
``None`` and shows the same message, so a stranger cannot learn which names exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    TypeDecorator,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Dialect

from koers.access import passwords
from koers.access.store import METADATA
from koers.config.project import AccessConfig
from koers.errors import KoersError
from koers.privacy.access import Principal
from koers.privacy.roles import ROLES, principal_for, unknown_roles

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


class AccountError(KoersError):
    """A request about accounts that cannot be done as asked; the message names the fix."""

    exit_code = 2


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database: SQLite keeps no zone and
    PostgreSQL would convert to the session's zone, so the store holds one meaning only."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime for the access store; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


accounts_table = Table(
    "accounts",
    METADATA,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    # NULL: no local password (an account that only logs in through OpenID Connect).
    Column("password_hash", String(512), nullable=True),
    # Space-separated names; roles and CBS codes hold no spaces.
    Column("roles", String(500), nullable=False),
    # NULL: every gemeente of the project, including ones added later.
    Column("gemeenten", String(4000), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("failed_since", UtcDateTime, nullable=True),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime, nullable=True),
)


@dataclass(frozen=True)
class Account:
    """An account as the rest of Koers sees it: everything but the password hash."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    gemeenten: tuple[str, ...] | None
    disabled: bool
    failed_count: int
    failed_since: datetime | None
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    def principal(self) -> Principal:
        return principal_for(self.username, self.roles, self.gemeenten)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class NewAccount:
    """What it takes to create an account (``koers users add``, the demo)."""

    username: str
    display_name: str
    password: str
    roles: tuple[str, ...]
    gemeenten: tuple[str, ...] | None


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: AccessConfig) -> LockoutPolicy:
        return cls(
            attempts=config.lockout_attempts,
            window=timedelta(minutes=config.lockout_window_minutes),
            duration=timedelta(minutes=config.lockout_minutes),
        )


@dataclass(frozen=True)
class FailureState:
    """The lockout bookkeeping of one account."""

    count: int = 0
    since: datetime | None = None
    locked_until: datetime | None = None


def after_failure(state: FailureState, now: datetime, policy: LockoutPolicy) -> FailureState:
    """The state after one more wrong password at ``now``.

    Failures count within a window that opens at the first of them; an older window starts
    over. Reaching ``policy.attempts`` locks the account for ``policy.duration`` from now and
    starts the count afresh, so the next lock again takes a full set of failures.
    """
    if state.since is None or now - state.since >= policy.window:
        state = FailureState(count=0, since=now, locked_until=state.locked_until)
    count = state.count + 1
    if count >= policy.attempts:
        return FailureState(count=0, since=None, locked_until=now + policy.duration)
    return replace(state, count=count)


def now_utc() -> datetime:
    return datetime.now(UTC)


def normalise_username(name: str) -> str:
    return name.strip().lower()


def check_new_account(account: NewAccount, known_gemeenten: Sequence[str]) -> NewAccount:
    """The account with a normalised name, or an :class:`AccountError` that says what to fix."""
    username = normalise_username(account.username)
    if not USERNAME.match(username):
        raise AccountError(
            f"'{account.username}' is geen geldige gebruikersnaam: 2 tot 64 tekens, kleine "
            "letters, cijfers en . _ @ - (begin met een letter of cijfer)"
        )
    check_access(account.roles, account.gemeenten, known_gemeenten)
    try:
        passwords.check_new_password(account.password)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from None
    return replace(
        account,
        username=username,
        display_name=account.display_name.strip() or username,
        roles=tuple(dict.fromkeys(account.roles)),
        gemeenten=None if account.gemeenten is None else tuple(dict.fromkeys(account.gemeenten)),
    )


def check_access(
    roles: Sequence[str], gemeenten: Sequence[str] | None, known_gemeenten: Sequence[str]
) -> None:
    """Refuses an unknown role or gemeente with a message that lists the valid ones."""
    if not roles:
        raise AccountError(f"geef minstens één rol; mogelijk: {', '.join(ROLES)}")
    wrong_roles = unknown_roles(roles)
    if wrong_roles:
        raise AccountError(f"onbekende rol '{wrong_roles[0]}'; mogelijk: {', '.join(ROLES)}")
    if gemeenten is None:
        return
    if not gemeenten:
        raise AccountError(
            "geef minstens één gemeente (--gemeente GMnnnn) of kies --alle-gemeenten"
        )
    wrong = [code for code in gemeenten if code not in known_gemeenten]
    if wrong:
        raise AccountError(
            f"onbekende gemeente '{wrong[0]}'; in dit project: {', '.join(known_gemeenten)}"
        )


def add_account(
    engine: Engine,
    account: NewAccount,
    known_gemeenten: Sequence[str],
    now: datetime | None = None,
) -> Account:
    """Creates an account; refuses a name that exists, an unknown role or gemeente."""
    checked = check_new_account(account, known_gemeenten)
    if get_account(engine, checked.username) is not None:
        raise AccountError(f"account '{checked.username}' bestaat al")
    with engine.begin() as connection:
        connection.execute(
            insert(accounts_table).values(
                username=checked.username,
                display_name=checked.display_name,
                password_hash=passwords.hash_password(checked.password),
                roles=" ".join(checked.roles),
                gemeenten=None if checked.gemeenten is None else " ".join(checked.gemeenten),
                disabled=False,
                failed_count=0,
                created_at=now or now_utc(),
            )
        )
    created = get_account(engine, checked.username)
    assert created is not None
    return created


def ensure_demo_accounts(
    engine: Engine, accounts: Iterable[NewAccount], known_gemeenten: Sequence[str]
) -> list[str]:
    """Creates the accounts that do not exist yet and returns their names; existing ones,
    also changed or disabled ones, are left alone, so running the demo twice is harmless."""
    created = []
    for account in accounts:
        if get_account(engine, normalise_username(account.username)) is None:
            created.append(add_account(engine, account, known_gemeenten).username)
    return created


def get_account(engine: Engine, username: str) -> Account | None:
    with engine.connect() as connection:
        row = (
            connection.execute(
                select(accounts_table).where(
                    accounts_table.c.username == normalise_username(username)
                )
            )
            .mappings()
            .first()
        )
    return None if row is None else account_from_row(row)


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(accounts_table).order_by(accounts_table.c.username)
        ).mappings()
        return [account_from_row(row) for row in rows]


def set_disabled(engine: Engine, username: str, disabled: bool) -> Account:
    """Disables (and ends every session of) or enables an account; enabling also lifts a
    lockout, so an operator can let a locked-out colleague back in at once."""
    from koers.access.sessions import end_sessions_of

    name = normalise_username(username)
    values: dict[str, Any] = {"disabled": disabled}
    if not disabled:
        values.update(failed_count=0, failed_since=None, locked_until=None)
    with engine.begin() as connection:
        found = connection.execute(
            update(accounts_table).where(accounts_table.c.username == name).values(**values)
        ).rowcount
    if not found:
        raise AccountError(f"account '{name}' bestaat niet; zie 'koers users list'")
    if disabled:
        end_sessions_of(engine, name)
    account = get_account(engine, name)
    assert account is not None
    return account


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    policy: LockoutPolicy,
    now: datetime | None = None,
) -> Account | None:
    """The account if the password is right and the account may log in, else ``None``.

    Unknown, disabled and locked accounts spend the same argon2 work as a real check. Only a
    wrong password for an existing, open account counts towards the lockout; attempts while
    locked neither count nor extend the lock.
    """
    now = now or now_utc()
    name = normalise_username(username)
    with engine.connect() as connection:
        row = (
            connection.execute(select(accounts_table).where(accounts_table.c.username == name))
            .mappings()
            .first()
        )
    if row is None or row["password_hash"] is None:
        passwords.burn_time(password)
        return None
    account = account_from_row(row)
    if account.disabled or account.locked(now):
        passwords.burn_time(password)
        return None
    outcome = passwords.verify(row["password_hash"], password)
    if not outcome.ok:
        state = after_failure(
            FailureState(account.failed_count, account.failed_since, account.locked_until),
            now,
            policy,
        )
        _store_failures(engine, name, state)
        return None
    values: dict[str, Any] = {
        "failed_count": 0,
        "failed_since": None,
        "locked_until": None,
        "last_login_at": now,
    }
    if outcome.new_hash is not None:
        values["password_hash"] = outcome.new_hash
    with engine.begin() as connection:
        connection.execute(
            update(accounts_table).where(accounts_table.c.username == name).values(**values)
        )
    return replace(account, failed_count=0, failed_since=None, locked_until=None, last_login_at=now)


def delete_account(engine: Engine, username: str) -> None:
    """Removes an account and its sessions (tests and the demo reset; the CLI disables)."""
    from koers.access.sessions import end_sessions_of

    end_sessions_of(engine, normalise_username(username))
    with engine.begin() as connection:
        connection.execute(
            delete(accounts_table).where(accounts_table.c.username == normalise_username(username))
        )


def _store_failures(engine: Engine, name: str, state: FailureState) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(accounts_table)
            .where(accounts_table.c.username == name)
            .values(
                failed_count=state.count,
                failed_since=state.since,
                locked_until=state.locked_until,
            )
        )


def account_from_row(row: Any) -> Account:
    return Account(
        username=row["username"],
        display_name=row["display_name"],
        roles=tuple(row["roles"].split()),
        gemeenten=None if row["gemeenten"] is None else tuple(row["gemeenten"].split()),
        disabled=bool(row["disabled"]),
        failed_count=row["failed_count"],
        failed_since=row["failed_since"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
        last_login_at=row["last_login_at"],
    )


#: The demo's shared password: published in docs/access/accounts.md, so it is only fit for
#: the demo on 127.0.0.1, never for a project with real data.
DEMO_PASSWORD = "koers-demo-wachtwoord"


def demo_accounts(gemeenten: Sequence[str]) -> list[NewAccount]:
    """One account per role for the demo, named after role and gemeente, plus a second
    analist so the demo shows two colleagues who cannot see each other's clients.

    ``gemeenten`` are the project's codes in order (the demo: Duiven, Westervoort, Zevenaar).
    """
    first, second, last = gemeenten[0], gemeenten[min(1, len(gemeenten) - 1)], gemeenten[-1]

    def make(name: str, title: str, role: str, codes: tuple[str, ...] | None) -> NewAccount:
        return NewAccount(name, title, DEMO_PASSWORD, (role,), codes)

    return [
        make("beheerder", "Demo beheerder", "beheerder", None),
        make(f"analist-{first.lower()}", f"Demo analist {first}", "analist", (first,)),
        make(f"analist-{second.lower()}", f"Demo analist {second}", "analist", (second,)),
        make(f"manager-{second.lower()}", f"Demo manager {second}", "manager", (second,)),
        make(f"raadslid-{last.lower()}", f"Demo raadslid {last}", "raadslid", (last,)),
        make("privacy-officer", "Demo privacy-officer", "privacy-officer", None),
    ]
