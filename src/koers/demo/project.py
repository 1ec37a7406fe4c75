"""Writing the demo project: ``koers.toml`` plus each pack's generated exports.

The demo goes through the normal ingestion: it only writes files into the drop folders that
its ``koers.toml`` declares, exactly where a municipality's exports would land.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path

from koers.config import PROJECT_FILE
from koers.config.starter import demo_project
from koers.demo.geography import DEMO_GEMEENTEN
from koers.packs.base import available_packs

DEMO_PACKS = ("meldingen",)


def write_demo_project(
    directory: Path, *, seed: int, scale: float, years: int, end: date, port: int = 8000
) -> dict[str, object]:
    """Write (or rewrite, identically for the same arguments) the demo project."""
    directory.mkdir(parents=True, exist_ok=True)
    gemeenten = [(g.code, g.naam) for g in DEMO_GEMEENTEN]
    (directory / PROJECT_FILE).write_text(
        demo_project(gemeenten, DEMO_PACKS, port=port), encoding="utf-8"
    )
    start = date(end.year - years, end.month, min(end.day, 28))
    truths: dict[str, object] = {}
    packs = available_packs()
    for name in DEMO_PACKS:
        pack = packs[name]
        if pack.demo is None:
            continue
        out = directory / "bronnen" / name
        truth = pack.demo(out, seed=seed, start=start, end=end, scale=scale)
        truths[name] = (
            asdict(truth) if is_dataclass(truth) and not isinstance(truth, type) else truth
        )
        # The planted patterns, beside (not inside) the drop folders, for tests and analysts.
        folder = directory / "grondwaarheid"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.json").write_text(
            json.dumps(truths[name], default=str, indent=1, sort_keys=True), encoding="utf-8"
        )
    return truths
