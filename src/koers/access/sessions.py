"""Server-side sessions: the cookie holds a random id, the store holds only its SHA-256.

Someone who reads the store (a backup, a copied file) cannot turn its rows into a working
cookie. A session ends after ``idle`` without requests, after ``max_age`` in any case, at
log-out, and at once when its account is disabled. A new id is made at every log-in, so an
id planted before log-in (session fixation) never becomes a logged-in session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
    update,
)

from koers.access.accounts import (
    Account,
    UtcDateTime,
    account_from_row,
    accounts_table,
    now_utc,
)
from koers.access.store import METADATA
from koers.config.project import AccessConfig

#: A request within this long of the last recorded one does not write to the store again;
#: the idle timeout is therefore exact to within this interval.
TOUCH_INTERVAL = timedelta(seconds=60)
#: 32 random bytes, URL-safe base64: 43 characters. Longer cookies are not looked up.
_MAX_TOKEN_LENGTH = 64

sessions_table = Table(
    "sessions",
    METADATA,
    Column("id_sha256", String(64), primary_key=True),
    Column(
        "username",
        String(64),
        ForeignKey("accounts.username", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=10)

    @classmethod
    def from_config(cls, config: AccessConfig) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=config.session_idle_minutes),
            max_age=timedelta(hours=config.session_max_hours),
        )


@dataclass(frozen=True)
class ActiveSession:
    """A live session and its account; ``token`` is the cookie value, never stored or logged."""

    token: str
    account: Account
    created_at: datetime
    last_seen_at: datetime


def session_expired(
    created_at: datetime, last_seen_at: datetime, now: datetime, policy: SessionPolicy
) -> bool:
    return now - last_seen_at >= policy.idle or now - created_at >= policy.max_age


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(engine: Engine, username: str, now: datetime | None = None) -> str:
    """Starts a session and returns the token for the cookie (256 random bits)."""
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            insert(sessions_table).values(
                id_sha256=token_hash(token), username=username, created_at=now, last_seen_at=now
            )
        )
    return token


def resolve_session(
    engine: Engine, token: str, policy: SessionPolicy, now: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie value, or ``None``; ends an expired session on the way,
    and every session of an account found disabled."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = now or now_utc()
    key = token_hash(token)
    query = (
        select(
            sessions_table.c.created_at.label("session_created_at"),
            sessions_table.c.last_seen_at,
            accounts_table,
        )
        .join(accounts_table, accounts_table.c.username == sessions_table.c.username)
        .where(sessions_table.c.id_sha256 == key)
    )
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    account = account_from_row(row)
    if account.disabled:
        end_sessions_of(engine, account.username)
        return None
    created_at, last_seen_at = row["session_created_at"], row["last_seen_at"]
    if session_expired(created_at, last_seen_at, now, policy):
        end_session(engine, token)
        return None
    if now - last_seen_at >= TOUCH_INTERVAL:
        with engine.begin() as connection:
            connection.execute(
                update(sessions_table)
                .where(sessions_table.c.id_sha256 == key)
                .values(last_seen_at=now)
            )
        last_seen_at = now
    return ActiveSession(
        token=token, account=account, created_at=created_at, last_seen_at=last_seen_at
    )


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(sessions_table).where(sessions_table.c.id_sha256 == token_hash(token))
        )


def end_sessions_of(engine: Engine, username: str) -> int:
    with engine.begin() as connection:
        return connection.execute(
            delete(sessions_table).where(sessions_table.c.username == username)
        ).rowcount


def purge_expired(engine: Engine, policy: SessionPolicy, now: datetime | None = None) -> int:
    """Removes sessions nobody can use any more, so the table does not grow without end."""
    now = now or now_utc()
    with engine.begin() as connection:
        return connection.execute(
            delete(sessions_table).where(
                or_(
                    sessions_table.c.last_seen_at <= now - policy.idle,
                    sessions_table.c.created_at <= now - policy.max_age,
                )
            )
        ).rowcount
