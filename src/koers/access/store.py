"""The access store: one SQLAlchemy database for accounts, sessions and the audit log.

It is not the warehouse (ADR 0005). The web app reads the warehouse read-only and may serve
while ``koers run`` writes to it, yet every log-in, failed attempt and audited view must be
written at once. By default the store is a SQLite file in the project folder; a shared setup
points ``[access] url`` at PostgreSQL. Each module that keeps state here declares its tables on
:data:`METADATA`, and :func:`open_store` creates whatever is missing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url

from koers.config import Project

#: Default location of the store, relative to the project folder.
DEFAULT_STORE = Path("beheer") / "toegang.sqlite"

METADATA = MetaData()


def store_url(project: Project) -> str:
    """The store's SQLAlchemy URL, with the password from the environment if configured."""
    if project.access.url is None:
        path = project.dir / DEFAULT_STORE
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    url = make_url(project.access.url)
    password = project.access.password()
    if password is not None:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


def open_store(project: Project) -> Engine:
    """An engine on the project's access store with all declared tables present."""
    # The modules that keep state here declare their tables on import; importing them here
    # means every caller gets the same, complete store (they import this module themselves,
    # hence the late import).
    from koers.access import accounts, audit, oidc, sessions  # noqa: F401

    engine = create_engine(store_url(project), future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    METADATA.create_all(engine)
    return engine


def _sqlite_pragmas(connection: object, _: object) -> None:
    # WAL lets the web app's writes (log-ins, audit) and a CLI command work side by side;
    # foreign keys are off by default in SQLite.
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
