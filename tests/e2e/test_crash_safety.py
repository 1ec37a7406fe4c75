"""kill -9 in the middle of ``koers run``: the warehouse is as before the run or as after it,
never in between, and the next run finishes the job as if nothing happened."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import drop_file, write_project
from tests.support.demo import koers

from koers.config import load_project
from koers.demo.bulk import write_bulk_meldingen
from koers.engine import connect

ROWS = 300_000
#: Moments to kill at, as fractions of how long an uninterrupted run takes.
KILL_AT = (0.15, 0.3, 0.45, 0.6, 0.75, 0.9)


def state(project_dir: Path) -> str:
    """A digest of everything loading decides (not timestamps or run ids)."""
    with connect(load_project(project_dir)) as warehouse:
        parts = []
        for sql in (
            "SELECT load_id, source, sha256, rows_read, rows_loaded, rows_quarantined "
            "FROM landing.loads",
            "SELECT * FROM landing.quarantine",
            "SELECT * FROM staging.meldingen",
        ):
            rows = warehouse.query(sql).rows if warehouse.table_exists("landing.loads") else []
            parts.append("\n".join(sorted(repr(r) for r in rows)))
    return hashlib.sha256("\n--\n".join(parts).encode()).hexdigest()


def test_kill_9_during_a_load_never_leaves_half_a_delivery(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", sources=("GM0226",))
    drop_file(project, "GM0226", "GM0226_klein.csv")
    assert koers("run", cwd=project).returncode == 0
    before = state(project)
    write_bulk_meldingen(project / "bronnen" / "meldingen" / "GM0226" / "groot.csv", ROWS)

    reference = tmp_path / "reference"
    shutil.copytree(project, reference)
    started = time.monotonic()
    assert koers("run", cwd=reference).returncode == 0
    duration = time.monotonic() - started
    after = state(reference)
    assert after != before

    outcomes = []
    for fraction in KILL_AT:
        process = subprocess.Popen(
            [sys.executable, "-m", "koers", "run"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        process.kill()  # SIGKILL: no cleanup, no atexit, no rollback by the program
        process.wait()
        now = state(project)
        assert now in (before, after), f"half geladen na kill op {fraction:.0%}"
        outcomes.append(now == after)
        if now == after:
            break
    assert not outcomes[0], "the first kill came too late to test anything"

    assert koers("run", cwd=project).returncode == 0
    assert state(project) == after
