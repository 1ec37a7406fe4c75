"""Building small projects for tests: a koers.toml and drop folders in a temp dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koers.engine import Warehouse
    from koers.pipeline.run import RunSummary

DATA = Path(__file__).parent / "data"

GEMEENTEN = (("GM0226", "Duiven"), ("GM0293", "Westervoort"), ("GM0299", "Zevenaar"))


def write_project(
    folder: Path,
    *,
    engine_url: str | None = None,
    gemeenten: tuple[tuple[str, str], ...] = GEMEENTEN,
    sources: tuple[str, ...] = ("GM0226",),
) -> Path:
    """A project whose meldingen sources read bronnen/meldingen/<code>."""
    lines = ["[project]", 'name = "Testproject"', ""]
    for code, naam in gemeenten:
        lines += ["[[gemeenten]]", f'code = "{code}"', f'naam = "{naam}"', ""]
    if engine_url:
        lines += ["[engine]", 'type = "postgres"', f'url = "{engine_url}"', ""]
    for code in sources:
        (folder / "bronnen" / "meldingen" / code).mkdir(parents=True, exist_ok=True)
        lines += [
            "[[sources]]",
            f'name = "meldingen_{code.lower()}"',
            'contract = "meldingen"',
            f'gemeente = "{code}"',
            f'path = "bronnen/meldingen/{code}"',
            "",
        ]
    (folder / "koers.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def drop_file(project: Path, code: str, name: str) -> Path:
    target = project / "bronnen" / "meldingen" / code / name
    shutil.copyfile(DATA / "meldingen" / name, target)
    return target


CLIENTEN = DATA / "clienten"
#: A key for tests only; real projects set their own in the environment.
TEST_PSEUDONYM_KEY = "testsleutel-alleen-voor-tests-0123456789abcdef"


def write_clienten_project(
    folder: Path, *, engine_url: str | None = None, extra_sources: str = ""
) -> Path:
    """A project with its own contract and seed (no pack): the 'new source by configuration
    alone' case. Its drop folder is bronnen/clienten."""
    for part in ("contracts", "seeds"):
        shutil.copytree(CLIENTEN / part, folder / part, dirs_exist_ok=True)
    (folder / "bronnen" / "clienten").mkdir(parents=True, exist_ok=True)
    lines = [
        "[project]",
        'name = "Testproject clienten"',
        "",
        "[[gemeenten]]",
        'code = "GM0226"',
        'naam = "Duiven"',
        "",
        "[packs]",
        "enabled = []",
        "",
    ]
    if engine_url:
        lines += ["[engine]", 'type = "postgres"', f'url = "{engine_url}"', ""]
    lines += [
        "[[sources]]",
        'name = "clienten"',
        'contract = "clienten"',
        'gemeente = "GM0226"',
        'path = "bronnen/clienten"',
        "",
        extra_sources,
    ]
    (folder / "koers.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def drop_clienten(project: Path, name: str, as_name: str | None = None) -> Path:
    target = project / "bronnen" / "clienten" / (as_name or name)
    shutil.copyfile(CLIENTEN / name, target)
    return target


@contextmanager
def pipeline_run(directory: Path) -> Iterator[tuple[RunSummary, Warehouse]]:
    """Run the project in ``directory`` as ``koers run`` does; the warehouse stays open inside."""
    from koers.config import load_project
    from koers.engine import connect
    from koers.packs import load_packs
    from koers.pipeline.run import run_pipeline

    project = load_project(directory)
    with connect(project) as warehouse:
        yield run_pipeline(project, warehouse, load_packs(project.packs, project.dir)), warehouse
