"""Fixtures for connector tests: a loaded project folder to resolve paths and name sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from koers.config import Project, load_project

MINIMAL_PROJECT = """\
[project]
name = "Bronnentest"

[[gemeenten]]
code = "GM0226"
naam = "Duiven"
"""


def write_project(folder: Path, sources_toml: str = "") -> Project:
    """A project in ``folder`` with the given ``[[sources]]`` tables appended."""
    (folder / "koers.toml").write_text(MINIMAL_PROJECT + sources_toml, encoding="utf-8")
    return load_project(folder)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    return write_project(tmp_path)
