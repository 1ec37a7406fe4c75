"""`koers lineage` and `koers check --bron` as an operator runs them on the demo project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.support.demo import koers


def test_lineage_lists_the_loads_behind_a_mart(demo_project: Path) -> None:
    result = koers("lineage", "marts.meldingen_dag", "--project", str(demo_project))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    exports = sorted((demo_project / "bronnen" / "meldingen").glob("*/*.csv"))
    assert len(lines) == len(exports)
    assert f"Herkomst van marts.meldingen_dag: {len(exports)} lading(en)" in result.stdout
    for export in exports:
        line = next(line for line in lines if f"/{export.name} " in line)
        assert re.search(r"hash [0-9a-f]{12} ", line)
        assert re.search(r"geladen \d{2}-\d{2}-\d{4} \d{2}:\d{2} ", line)
        assert "contract meldingen v" in line and "rijen (" in line


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("marts.bestaat_niet", "tabel marts.bestaat_niet bestaat niet"),
        ("meldingen_dag", "'meldingen_dag' is geen tabelnaam"),
    ],
)
def test_lineage_of_an_unknown_table_is_a_dutch_error(
    demo_project: Path, table: str, message: str
) -> None:
    result = koers("lineage", table, cwd=demo_project)
    assert result.returncode != 0
    assert result.stderr.startswith("fout: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_check_filters_by_source(demo_project: Path) -> None:
    truth = json.loads((demo_project / "grondwaarheid" / "meldingen.json").read_text())
    planted = sum(len(r) for n, r in truth["malformed_rows"].items() if "_GM0299_" in n)
    result = koers("check", "--bron", "meldingen_zevenaar", "--limit", "1000", cwd=demo_project)
    assert result.returncode == 0, result.stderr
    assert f"{planted} apart gezette rij(en) uit bron meldingen_zevenaar" in result.stdout
    listed = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert len(listed) == planted
    assert all(line.startswith("- meldingen_zevenaar/") for line in listed)


def test_check_refuses_an_unknown_source(demo_project: Path) -> None:
    result = koers("check", "--bron", "meldingen_arnhem", cwd=demo_project)
    assert result.returncode == 2
    assert "onbekende bron 'meldingen_arnhem'" in result.stderr
    assert "meldingen_duiven" in result.stderr  # names the ones that exist
