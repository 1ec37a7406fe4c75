"""The audit log: append-only, hash-chained, safe under concurrent writers, and its page.

The chain tests run on SQLite (the embedded default) and on the real throwaway PostgreSQL;
tampering goes around Koers, straight into the store, as an attacker with file access would.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from tests.helpers import write_project

from koers.access.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditFilter,
    count_records,
    list_records,
    record,
    verify_chain,
)
from koers.access.store import open_store
from koers.config import load_project
from koers.engine import connect
from koers.errors import AccessDenied
from koers.privacy.access import PUBLIC, Principal, PrivacyLevel
from koers.web import deps
from koers.web.app import create_app

PERSON_A = hashlib.sha256(b"persoon a").hexdigest()
PERSON_B = hashlib.sha256(b"persoon b").hexdigest()

# What an attacker with the store file or the owner's rights does first.
DISABLE_TRIGGERS = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS audit_log_no_update",
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
    ),
    "postgresql": ("ALTER TABLE audit_log DISABLE TRIGGER USER",),
}


def _project(folder: Path, access_url: str | None = None) -> Path:
    write_project(folder)
    if access_url:
        with (folder / "koers.toml").open("a", encoding="utf-8") as toml:
            toml.write(f'\n[access]\nurl = "{access_url}"\n')
    return folder


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = None
    if request.param == "postgres":
        plain = request.getfixturevalue("postgres_db_url")
        url = plain.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = open_store(load_project(_project(tmp_path, url)))
    yield engine
    engine.dispose()


def entry(n: int = 0, **changes: object) -> AuditEntry:
    fields: dict[str, object] = {
        "username": "anna",
        "roles": ["analist"],
        "action": "bekijken",
        "object": f"wmo_clienten_{n}",
        "gemeente": "GM0226",
        "privacy_level": PrivacyLevel.VERTROUWELIJK,
        "rows": [PERSON_A],
        "purpose": "signaal van de wijkcoach onderzoeken",
        "path": "/dashboards/wmo",
    }
    fields.update(changes)
    return AuditEntry(**fields)


def fill(engine: Engine, count: int) -> None:
    for n in range(count):
        record(engine, entry(n))


def tamper(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in (*DISABLE_TRIGGERS[engine.dialect.name], *statements):
            connection.exec_driver_sql(statement)


# --- the chain -----------------------------------------------------------------------------


def test_an_intact_chain_passes_and_links_each_row_to_the_one_before(store: Engine) -> None:
    fill(store, 5)
    report = verify_chain(store)
    assert report.ok and report.rows == 5 and report.last_seq == 5
    rows = sorted(list_records(store, limit=10), key=lambda r: r.seq)
    assert rows[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert report.last_hash == rows[-1].hash


def test_the_hash_is_the_documented_canonical_form(store: Engine) -> None:
    """An auditor may recompute the chain without Koers, from the stored columns alone."""
    stored = record(store, entry(rows=[PERSON_B, PERSON_A, PERSON_A]))
    with store.connect() as connection:
        row = dict(connection.exec_driver_sql("SELECT * FROM audit_log").mappings().one())
    fields = {k: v for k, v in row.items() if k != "hash"}
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["hash"] == stored.hash
    assert json.loads(row["row_refs"]) == sorted([PERSON_A, PERSON_B])
    assert row["recorded_at"].endswith("+00:00")


def test_a_changed_field_is_named_by_its_row(store: Engine) -> None:
    fill(store, 5)
    tamper(store, "UPDATE audit_log SET purpose = 'nieuwsgierigheid' WHERE seq = 3")
    report = verify_chain(store)
    assert not report.ok
    assert report.broken_seq == 3
    assert report.reason is not None and "inhoud gewijzigd" in report.reason


def test_a_deleted_middle_row_is_a_gap(store: Engine) -> None:
    fill(store, 5)
    tamper(store, "DELETE FROM audit_log WHERE seq = 3")
    report = verify_chain(store)
    assert report.broken_seq == 3
    assert report.reason is not None and "ontbreekt" in report.reason


def test_a_deleted_row_with_renumbered_successors_still_breaks_the_chain(store: Engine) -> None:
    fill(store, 5)
    tamper(
        store,
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 5",
    )
    report = verify_chain(store)
    assert report.broken_seq == 3
    assert report.reason is not None and "geschreven als regel 4" in report.reason


def test_swapped_rows_are_reported_as_reordered(store: Engine) -> None:
    fill(store, 5)
    tamper(
        store,
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    )
    report = verify_chain(store)
    assert report.broken_seq == 2
    assert report.reason is not None and "volgorde gewijzigd" in report.reason


def test_a_rewritten_row_with_a_fresh_hash_breaks_the_next_link(store: Engine) -> None:
    from koers.access.audit import row_hash

    fill(store, 4)
    with store.connect() as connection:
        row = dict(
            connection.exec_driver_sql("SELECT * FROM audit_log WHERE seq = 2").mappings().one()
        )
    row["purpose"] = "iets anders"
    tamper(
        store,
        f"UPDATE audit_log SET purpose = 'iets anders', hash = '{row_hash(row)}' WHERE seq = 2",
    )
    report = verify_chain(store)
    assert report.broken_seq == 3
    assert report.reason is not None and "keten verbroken" in report.reason


def test_an_anchor_shows_a_cut_off_tail(store: Engine) -> None:
    fill(store, 4)
    anchor = verify_chain(store).last_hash
    assert verify_chain(store, anchor=anchor).ok
    tamper(store, "DELETE FROM audit_log WHERE seq = 4")
    report = verify_chain(store, anchor=anchor)
    assert report.broken_seq is None and report.anchor_found is False and not report.ok


def test_the_store_refuses_update_and_delete(store: Engine) -> None:
    fill(store, 2)
    for statement in ("UPDATE audit_log SET purpose = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="alleen aan te vullen"), store.begin() as connection:
            connection.exec_driver_sql(statement)
    assert count_records(store) == 2


def test_concurrent_writers_make_one_unbroken_chain(store: Engine) -> None:
    threads, each = 6, 15
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(each):
                record(store, entry(worker * 100 + n, username=f"gebruiker{worker}"))
        except BaseException as exc:  # collected, so the test names it
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    report = verify_chain(store)
    assert report.ok and report.rows == threads * each


# --- what may be logged -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purpose": None}, "doel"),
        ({"purpose": "   "}, "doel"),
        ({"rows": ["123456782"]}, "geen pseudoniem"),
        ({"rows": ["Jan Jansen"]}, "geen pseudoniem"),
        ({"action": "stiekem"}, "onbekende auditactie"),
        ({"gemeente": "Duiven"}, "CBS-gemeentecode"),
        ({"privacy_level": "geheim"}, "privacyniveau"),
    ],
)
def test_entries_that_may_not_be_logged_are_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    engine = open_store(load_project(_project(tmp_path)))
    with pytest.raises(AccessDenied, match=message):
        record(engine, entry(**changes))
    assert count_records(engine) == 0


def test_openbaar_exports_need_no_purpose_and_the_public_is_named(tmp_path: Path) -> None:
    engine = open_store(load_project(_project(tmp_path)))
    stored = record(
        engine,
        AuditEntry.for_principal(
            PUBLIC, "exporteren", "meldingen_aantal", privacy_level=PrivacyLevel.OPENBAAR
        ),
    )
    assert (stored.username, stored.roles, stored.purpose) == ("publiek", ("publiek",), None)


def test_filters_narrow_by_user_object_person_and_gemeente(tmp_path: Path) -> None:
    engine = open_store(load_project(_project(tmp_path)))
    record(engine, entry(1, username="anna", rows=[PERSON_A]))
    record(engine, entry(2, username="bert", rows=[PERSON_B], gemeente="GM0293"))
    record(engine, entry(3, username="anna", rows=[PERSON_A, PERSON_B], object="jeugd_x"))
    assert count_records(engine, AuditFilter(username="anna")) == 2
    assert count_records(engine, AuditFilter(object="jeugd")) == 1
    assert count_records(engine, AuditFilter(object="%")) == 0  # LIKE wildcards are literal
    assert count_records(engine, AuditFilter(pseudonym=PERSON_B)) == 2
    assert count_records(engine, AuditFilter(gemeenten=frozenset({"GM0293"}))) == 1


# --- the privacy officer's page -----------------------------------------------------------

OFFICER = Principal(
    name="pia",
    roles=frozenset({"privacy-officer"}),
    gemeenten=None,
    levels=frozenset(PrivacyLevel),
)


@pytest.fixture()
def web(tmp_path: Path) -> Iterator[tuple[TestClient, Engine]]:
    folder = _project(tmp_path)
    connect(load_project(folder)).close()  # an empty warehouse, enough to serve
    app = create_app(folder)
    with TestClient(app) as client:
        engine: Engine = app.state.access_store
        yield client, engine


def test_the_public_is_sent_to_log_in_and_other_roles_get_403_without_data(
    web: tuple[TestClient, Engine],
) -> None:
    client, engine = web
    record(engine, entry(1, object="geheim_object_xyz"))
    response = client.get("/privacy/audit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?volgende=%2Fprivacy%2Faudit"
    assert "geheim_object_xyz" not in response.text and PERSON_A not in response.text
    analist = Principal("anna", frozenset({"analist"}), None, frozenset(PrivacyLevel))
    client.app.dependency_overrides[deps.current_user] = lambda: analist
    assert client.get("/privacy/audit").status_code == 403


def test_the_officer_sees_who_when_what_rows_and_purpose(web: tuple[TestClient, Engine]) -> None:
    client, engine = web
    record(engine, entry(1, object="<script>alert(1)</script>"))
    record(engine, entry(2, username="bert", purpose="bezwaarschrift behandelen"))
    client.app.dependency_overrides[deps.current_user] = lambda: OFFICER
    page = client.get("/privacy/audit")
    assert page.status_code == 200
    body = page.text
    assert "bezwaarschrift behandelen" in body and "bert" in body
    assert PERSON_A[:12] in body and f"pseudoniem={PERSON_A}" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    only_bert = client.get("/privacy/audit", params={"gebruiker": "bert"}).text
    assert "bezwaarschrift behandelen" in only_bert and "&lt;script&gt;" not in only_bert
    # Reading the log is itself logged, with the officer's purpose.
    last = list_records(engine, limit=1)[0]
    assert (last.username, last.object, last.privacy_level) == ("pia", "auditlog", "vertrouwelijk")
    assert verify_chain(engine).ok


def test_the_page_is_paged_and_filters_by_period(web: tuple[TestClient, Engine]) -> None:
    client, engine = web
    fill(engine, 60)
    client.app.dependency_overrides[deps.current_user] = lambda: OFFICER
    first = client.get("/privacy/audit", params={"gebruiker": "anna"}).text
    assert "Pagina 1 van 2" in first and "gebruiker=anna&amp;pagina=2" in first
    second = client.get("/privacy/audit", params={"gebruiker": "anna", "pagina": "2"}).text
    assert "wmo_clienten_0<" in second and "wmo_clienten_59<" not in second
    before = client.get("/privacy/audit", params={"tot": "01-01-2020"}).text
    assert "Geen auditregels binnen dit filter" in before
    today = client.get("/privacy/audit", params={"van": "2020-01-01", "gebruiker": "anna"}).text
    assert "van 60 auditregel(s)" in today
    assert client.get("/privacy/audit", params={"van": "gisteren"}).status_code == 400
    assert client.get("/privacy/audit", params={"pseudoniem": "1234"}).status_code == 400


def test_an_officer_for_one_gemeente_sees_only_its_rows(web: tuple[TestClient, Engine]) -> None:
    client, engine = web
    record(engine, entry(1, gemeente="GM0226", purpose="doel in duiven"))
    record(engine, entry(2, gemeente="GM0293", purpose="doel in westervoort"))
    local = Principal("piet", frozenset({"privacy-officer"}), frozenset({"GM0226"}), OFFICER.levels)
    client.app.dependency_overrides[deps.current_user] = lambda: local
    body = client.get("/privacy/audit").text
    assert "doel in duiven" in body and "doel in westervoort" not in body
