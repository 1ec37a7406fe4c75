"""The SQL connector: rows from another database (a case system, a GIS, an export file).

SQLAlchemy speaks to whatever database the URL names and loads the driver itself, so this
module never imports one (only ``koers.engine`` talks to the warehouse's drivers). Rows are
streamed in batches straight into the NDJSON file; a table of millions of rows never sits in
memory. With a watermark column each run asks only for rows past the last high-water mark,
in that column's order, so a run that dies half-way leaves nothing to reconcile.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import Engine, TextClause, bindparam, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.compiler import IdentifierPreparer
from sqlalchemy.types import NullType

from koers.config import Project, SqlOptions
from koers.errors import ConfigError, SourceError
from koers.sources.fetch import Fetched
from koers.sources.records import HighWater, RecordProgress, write_ndjson

#: Name of the wrapped ``query`` in ``SELECT * FROM (query) AS ...``.
SUBQUERY_ALIAS = "koers_bron"


def _url(project: Project, options: SqlOptions) -> URL:
    """The URL to connect with: password from the environment, SQLite paths from the project."""
    try:
        url = make_url(options.url)
    except ArgumentError:
        raise ConfigError("sleutel 'sql.url' is geen geldige SQLAlchemy-URL") from None
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        # In-memory and URI-style (file:...) databases are left as SQLite reads them.
        if database and database != ":memory:" and not database.startswith("file:"):
            path = project.resolve(database)
            if not path.is_file():
                # SQLite would silently create an empty database and report a missing table.
                raise SourceError(f"databasebestand {path} bestaat niet")
            url = url.set(database=str(path))
    if options.password_env:
        password = os.environ.get(options.password_env)
        if password is None:
            raise ConfigError(
                f"sql.password_env noemt omgevingsvariabele {options.password_env}, "
                "maar die is niet gezet"
            )
        url = url.set(password=password)
    return url


def _engine(url: URL) -> Engine:
    """One connection for one fetch; no pool to keep connections open after it."""
    try:
        return create_engine(url, poolclass=NullPool)
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"geen databasestuurprogramma voor '{url.drivername}' geïnstalleerd "
            "(voor PostgreSQL: pip install 'koers[postgres]')"
        ) from None


def _quote_name(preparer: IdentifierPreparer, name: str) -> str:
    """``schema.table`` quoted part by part, only where the database needs it."""
    return ".".join(preparer.quote(part) for part in name.split("."))


def select_statement(
    options: SqlOptions, preparer: IdentifierPreparer, watermark: str | None
) -> TextClause:
    """``SELECT *`` from the table or the wrapped query, past the watermark and in its order."""
    if options.query is not None:
        # Colons are escaped so a time literal like '10:30' is not read as a bind parameter.
        query = options.query.strip().rstrip(";").strip().replace(":", "\\:")
        source = f"({query}) AS {SUBQUERY_ALIAS}"
    else:
        source = _quote_name(preparer, options.table or "")
    sql = f"SELECT * FROM {source}"
    if options.watermark_column is None:
        return text(sql)
    column = preparer.quote(options.watermark_column)
    if watermark is None:
        return text(f"{sql} ORDER BY {column}")
    # The stored watermark is text; NullType binds it untyped, so the database casts it to
    # the column's type instead of comparing a timestamp with a VARCHAR.
    return text(f"{sql} WHERE {column} > :watermark ORDER BY {column}").bindparams(
        bindparam("watermark", watermark, type_=NullType())
    )


def _check_columns(columns: Sequence[str], watermark_column: str | None) -> None:
    doubles = sorted({name for name in columns if columns.count(name) > 1})
    if doubles:
        raise SourceError(
            f"kolom(men) {', '.join(doubles)} komen dubbel voor in het resultaat; "
            "geef ze in de query een eigen naam met AS"
        )
    if watermark_column is not None and watermark_column not in columns:
        raise SourceError(
            f"kolom '{watermark_column}' (sleutel sql.watermark_column) staat niet in het "
            "resultaat; let op hoofd- en kleine letters"
        )


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own first line, without SQLAlchemy's SQL echo and help link."""
    original = exc.orig if isinstance(exc, DBAPIError) else None
    first = (str(original if original is not None else exc).strip().splitlines() or [""])[0]
    return first[:300] or type(exc).__name__


def fetch_sql(
    project: Project,
    options: SqlOptions,
    watermark: str | None,
    target: Path,
    progress: RecordProgress | None = None,
) -> Fetched:
    """Stream the table or query (only rows past ``watermark`` when a watermark column is
    named) into ``target``; the new watermark is the column's highest fetched value."""
    url = _url(project, options)
    shown = url.render_as_string(hide_password=True)
    engine = _engine(url)
    high_water = HighWater(watermark)
    statement = select_statement(options, engine.dialect.identifier_preparer, watermark)
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=options.batch_size).execute(statement)
            columns = list(result.keys())
            _check_columns(columns, options.watermark_column)
            count = write_ndjson(
                _rows(result, columns, options.watermark_column, high_water), target, progress
            )
    except SQLAlchemyError as exc:
        message = f"database {shown} gaf een fout: {_reason(exc)}"
        if url.password:
            message = message.replace(str(url.password), "***")
        # Not chained: the driver's exception may carry connection details.
        raise SourceError(message) from None
    finally:
        engine.dispose()
    return Fetched(target, count, high_water.text)


def _rows(
    result: Iterable[Sequence[object]],
    columns: list[str],
    watermark_column: str | None,
    high_water: HighWater,
) -> Iterator[dict[str, object]]:
    """Rows as records, feeding the watermark column's native value (a datetime, a number) to
    the high-water mark, so numbers and timestamps compare as such and not as text."""
    for row in result:
        record = dict(zip(columns, row, strict=True))
        if watermark_column is not None:
            high_water.see(record[watermark_column])
        yield record
