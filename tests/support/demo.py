"""Making a demo project the way a user does: ``koers demo`` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from koers.config import load_project
from koers.engine import connect
from koers.metrics.query import QueryService
from koers.packs import load_packs


def koers(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the ``koers`` CLI of this checkout; the caller checks the return code."""
    return subprocess.run(
        [sys.executable, "-m", "koers", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def make_demo(folder: Path, args: Sequence[str]) -> Path:
    """``koers demo FOLDER --no-serve ARGS``; fails the test with the CLI's output if it fails."""
    result = koers("demo", str(folder), "--no-serve", *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return folder


@contextmanager
def query_service(folder: Path) -> Iterator[QueryService]:
    """The project's query layer on its warehouse, opened read-only like the web app does."""
    project = load_project(folder)
    with connect(project, read_only=True) as warehouse:
        yield QueryService(project, warehouse, load_packs(project.packs, project.dir))
