"""One demo project per test session, made the way a user makes it: through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.demo import make_demo

DEMO_ARGS = ["--years", "2", "--scale", "0.5", "--seed", "7", "--until", "23-11-2026"]


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "koers-demo", DEMO_ARGS)
