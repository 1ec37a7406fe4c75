"""The audit log: who saw or exported what, when and why, append-only and hash-chained.

Every access to ``vertrouwelijk`` data and every export becomes one row in the access store
(ADR 0005), never in the warehouse an operator may rebuild. Each row carries the SHA-256 of
its own content and of the row before it, so a changed, removed or reordered row breaks the
chain and :func:`verify_chain` (``koers audit verify``) names where. Nothing here updates or
deletes a row; the store's triggers refuse it as well, for whoever bypasses this module.

The hash of a row is ``sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False,
separators=(",", ":")).encode("utf-8"))`` where ``fields`` are all stored columns except
``hash`` (``prev_hash`` included), exactly as stored: an auditor can check the chain with ten
lines of any language, without Koers.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from koers.access.store import METADATA
from koers.errors import AccessDenied, KoersError, QueryError
from koers.privacy.access import Principal, PrivacyLevel

#: What a person did. Other modules add their actions here, so the log's page can name them.
ACTIONS: Mapping[str, str] = {
    "bekijken": "bekeek",
    "exporteren": "exporteerde",
    "inloggen": "logde in",
    "inloggen-mislukt": "inloggen mislukt",
    "uitloggen": "logde uit",
}

#: ``prev_hash`` of the first row: there is nothing before it.
GENESIS_HASH = "0" * 64

# Row references are the warehouse's pseudonyms (lowercase hex HMAC-SHA256, see
# koers.privacy.pseudonym); anything else might be a BSN or a name and is refused.
_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")
_GEMEENTE = re.compile(r"^GM\d{4}$")
_MAX_TEXT = 1000
_INSERT_ATTEMPTS = 20
# How far verify looks for a moved row's original number (each try is one hash).
_REORDER_SEARCH = 100_000

AUDIT_TABLE = Table(
    "audit_log",
    METADATA,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    # ISO 8601 in UTC with microseconds: sorts as text and hashes the same on every engine.
    Column("recorded_at", String(40), nullable=False),
    Column("username", String(200), nullable=False),
    Column("roles", Text, nullable=False),  # JSON list, sorted
    Column("action", String(40), nullable=False),
    Column("object", String(_MAX_TEXT), nullable=False),
    Column("gemeente", String(6), nullable=True),
    Column("privacy_level", String(20), nullable=True),
    Column("row_refs", Text, nullable=False),  # JSON list of pseudonyms, sorted, unique
    Column("purpose", Text, nullable=True),
    Column("path", String(_MAX_TEXT), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_username", "username"),
    Index("ix_audit_log_recorded_at", "recorded_at"),
    Index("ix_audit_log_hash", "hash"),
)
_HASHED = tuple(c.name for c in AUDIT_TABLE.columns if c.name != "hash")

_REFUSED = "auditlog is alleen aan te vullen: wijzigen en verwijderen zijn geweigerd"

#: Per engine, the statements that make the table refuse UPDATE and DELETE (and TRUNCATE).
#: Someone with the database's owner rights can drop them; the hash chain still shows it.
APPEND_ONLY_DDL: Mapping[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $body$ BEGIN RAISE EXCEPTION '{_REFUSED}'; END $body$",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


@dataclass(frozen=True)
class WriteLock:
    """How an engine lets one writer at a time read the last row and append the next.

    ``begin`` replaces the driver's implicit BEGIN; ``lock`` runs first inside the
    transaction. Without either, the primary key on ``seq`` and a retry still keep the chain
    whole; the lock only spares concurrent writers the retries.
    """

    begin: str | None = None
    lock: str | None = None


WRITE_LOCKS: Mapping[str, WriteLock] = {
    # IMMEDIATE takes SQLite's write lock at BEGIN, so the read of the last row is already
    # serialised; busy writers wait in the driver's busy timeout.
    "sqlite": WriteLock(begin="BEGIN IMMEDIATE"),
    # EXCLUSIVE blocks other writers of the table but not readers (the audit page).
    "postgresql": WriteLock(lock="LOCK TABLE audit_log IN EXCLUSIVE MODE"),
}


@event.listens_for(AUDIT_TABLE, "after_create")
def _make_append_only(_: Table, connection: Connection, **__: Any) -> None:
    for statement in APPEND_ONLY_DDL.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


class AuditError(KoersError):
    """The audit log is damaged: a row was changed, removed or moved."""


@dataclass(frozen=True)
class AuditEntry:
    """One access as the caller describes it; :func:`record` adds time, number and hashes.

    ``rows`` are pseudonyms only. ``purpose`` (the stated ``doel``) is required for
    ``vertrouwelijk`` data: the AVG asks why, not only who.
    """

    username: str
    roles: Sequence[str]
    action: str
    object: str
    gemeente: str | None = None
    privacy_level: PrivacyLevel | None = None
    rows: Sequence[str] = ()
    purpose: str | None = None
    path: str | None = None

    @classmethod
    def for_principal(cls, user: Principal, action: str, object: str, **rest: Any) -> AuditEntry:
        """An entry for ``user``; the anonymous public is logged as 'publiek'."""
        return cls(
            username=user.name, roles=sorted(user.roles), action=action, object=object, **rest
        )

    def checked(self) -> AuditEntry:
        """The entry with its text trimmed, or :class:`AccessDenied` naming what is wrong.

        Refusing here refuses the access itself: a caller that cannot log may not serve.
        """
        if self.action not in ACTIONS:
            raise AccessDenied(f"onbekende auditactie '{self.action}'")
        if not self.username.strip() or not self.object.strip():
            raise AccessDenied("een auditregel vraagt een gebruiker en een object")
        if self.gemeente is not None and not _GEMEENTE.match(self.gemeente):
            raise AccessDenied(f"'{self.gemeente}' is geen CBS-gemeentecode")
        try:
            level = PrivacyLevel(self.privacy_level) if self.privacy_level is not None else None
        except ValueError:
            raise AccessDenied(f"onbekend privacyniveau '{self.privacy_level}'") from None
        purpose = (self.purpose or "").strip() or None
        if level is PrivacyLevel.VERTROUWELIJK and purpose is None:
            raise AccessDenied("geef een doel op voor toegang tot vertrouwelijke gegevens")
        wrong = [ref for ref in self.rows if not _PSEUDONYM.match(ref)]
        if wrong:
            raise AccessDenied(
                f"{len(wrong)} rijverwijzing(en) zijn geen pseudoniem; het auditlog bewaart "
                "nooit persoonsgegevens zelf"
            )
        return AuditEntry(
            username=self.username.strip()[:200],
            roles=sorted(set(self.roles)),
            action=self.action,
            object=self.object.strip()[:_MAX_TEXT],
            gemeente=self.gemeente,
            privacy_level=level,
            rows=sorted(set(self.rows)),
            purpose=purpose[:_MAX_TEXT] if purpose else None,
            path=self.path[:_MAX_TEXT] if self.path else None,
        )


@dataclass(frozen=True)
class AuditRecord:
    """A stored row of the log."""

    seq: int
    recorded_at: datetime
    username: str
    roles: tuple[str, ...]
    action: str
    object: str
    gemeente: str | None
    privacy_level: str | None
    rows: tuple[str, ...]
    purpose: str | None
    path: str | None
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditRecord:
        return cls(
            seq=row["seq"],
            recorded_at=datetime.fromisoformat(row["recorded_at"]),
            username=row["username"],
            roles=tuple(json.loads(row["roles"])),
            action=row["action"],
            object=row["object"],
            gemeente=row["gemeente"],
            privacy_level=row["privacy_level"],
            rows=tuple(json.loads(row["row_refs"])),
            purpose=row["purpose"],
            path=row["path"],
            prev_hash=row["prev_hash"],
            hash=row["hash"],
        )


def row_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical form of a row's stored columns (all but ``hash``)."""
    payload = {name: fields[name] for name in _HASHED}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _compact(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def record(engine: Engine, entry: AuditEntry) -> AuditRecord:
    """Append ``entry`` as the next row of the chain and return it as stored.

    Safe with many writers in many processes: the write lock of :data:`WRITE_LOCKS` puts them
    in line, and the primary key on ``seq`` turns any remaining race into a retry rather than
    a fork in the chain. Raises :class:`AccessDenied` for an entry that may not be logged.
    """
    checked = entry.checked()
    lock = WRITE_LOCKS.get(engine.dialect.name, WriteLock())
    for attempt in range(_INSERT_ATTEMPTS):
        try:
            with engine.connect() as connection:
                row = _append(connection, lock, checked)
                connection.commit()
            return AuditRecord.from_row(row)
        except IntegrityError:
            if attempt == _INSERT_ATTEMPTS - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _append(connection: Connection, lock: WriteLock, entry: AuditEntry) -> dict[str, Any]:
    if lock.begin:
        connection.exec_driver_sql(lock.begin)
    if lock.lock:
        connection.exec_driver_sql(lock.lock)
    last = connection.execute(
        select(AUDIT_TABLE.c.seq, AUDIT_TABLE.c.hash).order_by(AUDIT_TABLE.c.seq.desc()).limit(1)
    ).first()
    row: dict[str, Any] = {
        "seq": (last.seq + 1) if last else 1,
        # Taken inside the lock, so times never run backwards along the chain.
        "recorded_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "username": entry.username,
        "roles": _compact(entry.roles),
        "action": entry.action,
        "object": entry.object,
        "gemeente": entry.gemeente,
        "privacy_level": entry.privacy_level.value if entry.privacy_level else None,
        "row_refs": _compact(entry.rows),
        "purpose": entry.purpose,
        "path": entry.path,
        "prev_hash": last.hash if last else GENESIS_HASH,
    }
    row["hash"] = row_hash(row)
    connection.execute(AUDIT_TABLE.insert().values(**row))
    return row


@dataclass(frozen=True)
class AuditFilter:
    """What the privacy officer narrows the log to; ``gemeenten`` None means all."""

    username: str | None = None
    object: str | None = None
    pseudonym: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    gemeenten: frozenset[str] | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        c = AUDIT_TABLE.c
        where: list[ColumnElement[bool]] = []
        if self.username:
            where.append(c.username == self.username)
        if self.object:
            where.append(c.object.contains(self.object, autoescape=True))
        if self.pseudonym:
            where.append(c.row_refs.contains(f'"{self.pseudonym}"', autoescape=True))
        if self.since:
            where.append(c.recorded_at >= _iso(self.since))
        if self.until:
            where.append(c.recorded_at < _iso(self.until))
        if self.gemeenten is not None:
            # Staff of some gemeenten see what happened to those gemeenten' data only.
            where.append(c.gemeente.in_(sorted(self.gemeenten)))
        return where


def parse_day(text: str, name: str) -> date:
    """A day typed as dd-mm-jjjj, or sent as jjjj-mm-dd by a browser's date field."""
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise QueryError(f"'{name}': '{text}' is geen datum als dd-mm-jjjj")


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` on the Dutch clock, as the moment a person means."""
    try:
        zone: tzinfo = ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # Windows without tzdata: the machine's own (Dutch) zone
        return datetime.combine(day, datetime.min.time()).astimezone()
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def list_records(
    engine: Engine, where: AuditFilter = AuditFilter(), *, limit: int = 50, offset: int = 0
) -> list[AuditRecord]:
    """Rows matching ``where``, newest first."""
    query = (
        select(AUDIT_TABLE)
        .where(*where.conditions())
        .order_by(AUDIT_TABLE.c.seq.desc())
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )
    with engine.connect() as connection:
        return [AuditRecord.from_row(dict(row._mapping)) for row in connection.execute(query)]


def count_records(engine: Engine, where: AuditFilter = AuditFilter()) -> int:
    query = select(func.count()).select_from(AUDIT_TABLE).where(*where.conditions())
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def known_users(engine: Engine) -> list[str]:
    """Every name in the log, for the page's filter."""
    query = select(AUDIT_TABLE.c.username).distinct().order_by(AUDIT_TABLE.c.username)
    with engine.connect() as connection:
        return [str(name) for name in connection.execute(query).scalars()]


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`verify_chain`: whole, or the first broken row and why."""

    rows: int
    last_seq: int | None
    last_hash: str | None
    broken_seq: int | None = None
    reason: str | None = None
    anchor_found: bool | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and self.anchor_found is not False


def verify_chain(engine: Engine, anchor: str | None = None, batch: int = 5000) -> ChainReport:
    """Recompute every row's hash and link, oldest first, and stop at the first break.

    ``anchor`` is a hash noted earlier (``koers audit verify`` prints the last one): if it is
    no longer in the chain, the log was cut short or rewritten from some row on, which the
    chain alone cannot show.
    """
    rows = 0
    previous: Mapping[str, Any] | None = None
    anchor_found = False if anchor else None
    with engine.connect() as connection:
        for row in _stream(connection, batch):
            expected = previous["seq"] + 1 if previous else 1
            broken = _first_break(connection, row, previous, expected)
            if broken is not None:
                seq, reason = broken
                return ChainReport(rows, _get(previous, "seq"), _get(previous, "hash"), seq, reason)
            if anchor and row["hash"] == anchor:
                anchor_found = True
            rows += 1
            previous = row
    return ChainReport(
        rows, _get(previous, "seq"), _get(previous, "hash"), anchor_found=anchor_found
    )


def _get(row: Mapping[str, Any] | None, name: str) -> Any:
    return row[name] if row is not None else None


def _stream(connection: Connection, batch: int) -> Iterator[Mapping[str, Any]]:
    # Keyset paging: constant memory whatever the log's length, on every engine.
    after = 0
    while True:
        chunk = connection.execute(
            select(AUDIT_TABLE)
            .where(AUDIT_TABLE.c.seq > after)
            .order_by(AUDIT_TABLE.c.seq)
            .limit(batch)
        ).all()
        if not chunk:
            return
        for row in chunk:
            yield dict(row._mapping)
        after = chunk[-1].seq


def _first_break(
    connection: Connection,
    row: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    expected: int,
) -> tuple[int, str] | None:
    seq = row["seq"]
    if seq != expected:
        gap = f"regel {expected}" if seq == expected + 1 else f"regels {expected} t/m {seq - 1}"
        after = f"na regel {expected - 1}" if expected > 1 else "aan het begin"
        return expected, f"{gap} ontbreekt (verwijderd): {after} volgt regel {seq}"
    if row_hash(row) != row["hash"]:
        highest = connection.execute(select(func.max(AUDIT_TABLE.c.seq))).scalar_one()
        written_as = _written_as(row, int(highest))
        if written_as is not None:
            return seq, f"volgorde gewijzigd: deze regel is geschreven als regel {written_as}"
        return seq, "inhoud gewijzigd: de hash van de regel klopt niet meer met de inhoud"
    link = previous["hash"] if previous else GENESIS_HASH
    if row["prev_hash"] != link:
        before = f"regel {seq - 1}" if previous else "het begin van de keten"
        return seq, (
            f"keten verbroken: de regel verwijst niet naar {before} (een regel is verwijderd, "
            "ingevoegd of herschreven)"
        )
    return None


def _written_as(row: Mapping[str, Any], highest: int) -> int | None:
    """The number a row had when written, if only its number changed: the one that makes its
    own hash come out right. Searched outwards from where it stands now, within a bound, as
    this only runs once the chain is already known to be broken."""
    seq: int = row["seq"]
    for distance in range(1, min(max(highest, seq), _REORDER_SEARCH) + 1):
        for place in (seq - distance, seq + distance):
            if 1 <= place <= highest and row_hash({**row, "seq": place}) == row["hash"]:
                return place
    return None
