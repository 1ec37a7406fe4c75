"""The benchmark-scale demo: ``koers demo --scale 100`` writes and loads over ten million
meldingen, and the whole command stays under 2 GiB of memory (generation streams to disk)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from koers.config import load_project
from koers.engine import connect
from koers.measure import PEAK_MARK, peak_from_output

pytestmark = pytest.mark.slow

ROWS = 10_000_000
PEAK_LIMIT_KIB = 2 << 20  # 2 GiB


def test_scale_100_writes_and_loads_ten_million_meldingen_in_under_2_gib(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    args = ["--scale", "100", "--packs", "meldingen", "--no-serve", "--until", "23-11-2026"]
    result = subprocess.run(
        [sys.executable, "-m", "koers.measure", "demo", str(folder), *args, "--seed", "20261123"],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout[-2000:]

    truth = json.loads((folder / "grondwaarheid" / "meldingen.json").read_text())
    planted_bad = sum(len(rows) for rows in truth["malformed_rows"].values())
    assert truth["total_rows"] >= ROWS
    assert sum(truth["per_gemeente"].values()) == truth["total_rows"] - planted_bad

    summary = re.search(
        r"geladen, ([\d.]+) rijen, ([\d.]+) apart gezet", result.stdout.replace("\n", " ")
    )
    assert summary is not None, result.stdout[-2000:]
    loaded, quarantined = (int(group.replace(".", "")) for group in summary.groups())
    assert quarantined == planted_bad
    with connect(load_project(folder)) as warehouse:
        meldingen = warehouse.count_rows("staging.meldingen")
        events = warehouse.count_rows("staging.gebeurtenissen")  # the team's events list
    assert meldingen == truth["total_rows"] - planted_bad >= ROWS
    assert loaded == meldingen + events and events < 100

    assert result.stdout.count(PEAK_MARK) == 1
    assert 0 < peak_from_output(result.stdout) < PEAK_LIMIT_KIB
