"""`koers audit verify` and `koers audit list` as an operator runs them, in a subprocess.

Tampering goes straight into the SQLite file with Python's sqlite3, around Koers, as someone
with access to the project folder would.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from tests.helpers import write_project
from tests.support.demo import koers

from koers.access.audit import AuditEntry, record
from koers.access.store import DEFAULT_STORE, open_store
from koers.config import load_project
from koers.privacy.access import PrivacyLevel

PERSON = hashlib.sha256(b"een persoon").hexdigest()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = write_project(tmp_path / "project")
    engine = open_store(load_project(folder))
    for n, user in enumerate(["anna", "bert", "anna", "bert", "anna"], start=1):
        record(
            engine,
            AuditEntry(
                username=user,
                roles=["analist"],
                action="exporteren" if n == 4 else "bekijken",
                object=f"wmo_clienten_{n}",
                gemeente="GM0226",
                privacy_level=PrivacyLevel.VERTROUWELIJK,
                rows=[PERSON],
                purpose=f"doel {n}",
                path="/api/metrics/wmo_clienten/export.csv",
            ),
        )
    engine.dispose()
    return folder


def tamper(folder: Path, *statements: str) -> None:
    with sqlite3.connect(folder / DEFAULT_STORE) as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            db.execute(statement)
    db.close()


def test_verify_passes_on_an_intact_log(project: Path) -> None:
    result = koers("audit", "verify", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"Auditlog in orde: 5 regels, laatste hash [0-9a-f]{64}\n", result.stdout
    ), result.stdout


def test_verify_names_the_row_whose_field_was_changed(project: Path) -> None:
    tamper(project, "UPDATE audit_log SET username = 'niemand' WHERE seq = 2")
    result = koers("audit", "verify", "--project", str(project))
    assert result.returncode == 1
    assert "regel 2" in result.stderr and "inhoud gewijzigd" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_names_a_deleted_middle_row(project: Path) -> None:
    tamper(project, "DELETE FROM audit_log WHERE seq = 3")
    result = koers("audit", "verify", "--project", str(project))
    assert result.returncode == 1
    assert "regel 3 ontbreekt" in result.stderr


def test_verify_with_an_anchor_notices_a_cut_off_tail(project: Path) -> None:
    first = koers("audit", "verify", "--project", str(project))
    anchor = first.stdout.split("laatste hash ")[1].strip()
    tamper(project, "DELETE FROM audit_log WHERE seq = 5")
    plain = koers("audit", "verify", "--project", str(project))
    assert plain.returncode == 0  # the chain alone cannot see a shorter tail
    anchored = koers("audit", "verify", "--project", str(project), "--anker", anchor)
    assert anchored.returncode == 1 and "ingekort" in anchored.stderr


def test_list_filters_by_user_and_limits(project: Path) -> None:
    result = koers(
        "audit", "list", "--project", str(project), "--gebruiker", "bert", "--limit", "1"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2 auditregel(s); de nieuwste 1:"
    assert lines[1].startswith("#4 ") and "bert [analist]: exporteren wmo_clienten_4" in lines[1]
    assert f"1 rij(en): {PERSON[:12]}" in lines[1] and "doel: doel 4" in lines[1]
    assert PERSON not in result.stdout  # shortened: a list on screen is not the place for it


def test_list_since_a_future_day_is_empty_and_a_bad_day_is_a_usage_error(project: Path) -> None:
    future = koers("audit", "list", "--project", str(project), "--sinds", "01-01-2999")
    assert future.returncode == 0 and "Geen auditregels gevonden." in future.stdout
    bad = koers("audit", "list", "--project", str(project), "--sinds", "morgen")
    assert bad.returncode == 2 and "dd-mm-jjjj" in bad.stderr
