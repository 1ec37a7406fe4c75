"""One demo project per test session, made the way a user makes it: through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DEMO_ARGS = ["--no-serve", "--years", "2", "--scale", "0.5", "--seed", "7", "--until", "23-11-2026"]


def koers(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "koers", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "koers-demo"
    result = koers("demo", str(folder), *DEMO_ARGS)
    assert result.returncode == 0, result.stderr + result.stdout
    return folder
