"""Python models: built in graph order from their inputs, skipped when nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.helpers import DATA, pipeline_run, write_project

from koers.errors import PipelineError

MODEL = """
import pandas as pd

INPUTS = ("marts.meldingen_dag",)
COLUMNS = {"gemeente_code": "VARCHAR", "ontvangen": "BIGINT", "versie": "INTEGER"}
VERSION = {version}


def build(warehouse):
    rows = warehouse.query(
        "SELECT gemeente_code, sum(received_count) FROM marts.meldingen_dag GROUP BY 1"
    ).rows
    frame = pd.DataFrame(rows, columns=["gemeente_code", "ontvangen"])
    frame["versie"] = VERSION
    return frame
"""


def _project(tmp_path: Path, version: int = 1) -> Path:
    folder = write_project(tmp_path)
    shutil.copyfile(
        DATA / "meldingen" / "GM0226_klein.csv", folder / "bronnen/meldingen/GM0226/export.csv"
    )
    _write_model(folder, version)
    return folder


def _write_model(folder: Path, version: int) -> None:
    (folder / "models" / "marts").mkdir(parents=True, exist_ok=True)
    (folder / "models" / "marts" / "meldingen_totaal.py").write_text(
        MODEL.replace("{version}", str(version)), encoding="utf-8"
    )


def test_python_model_is_built_after_its_inputs_and_only_when_changed(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    with pipeline_run(folder) as (summary, warehouse):
        built = [table for table, _ in summary.built]
        assert built.index("marts.meldingen_totaal") > built.index("marts.meldingen_dag")
        rows = warehouse.query("SELECT * FROM marts.meldingen_totaal").rows
        expected = warehouse.query("SELECT sum(received_count) FROM marts.meldingen_dag").scalar()
    assert rows == [("GM0226", expected, 1)]
    with pipeline_run(folder) as (summary, _):
        assert "marts.meldingen_totaal" in summary.unchanged
    _write_model(folder, 2)  # new code: the fingerprint changes, the table is rebuilt
    with pipeline_run(folder) as (summary, warehouse):
        assert "marts.meldingen_totaal" in [t for t, _ in summary.built]
        assert warehouse.query("SELECT versie FROM marts.meldingen_totaal").scalar() == 2


def test_python_model_without_build_is_refused_in_dutch(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    (folder / "models" / "marts" / "meldingen_totaal.py").write_text(
        'INPUTS = ("marts.meldingen_dag",)\nCOLUMNS = {"a": "INTEGER"}\n', encoding="utf-8"
    )
    with pytest.raises(PipelineError, match="build\\(warehouse\\) ontbreekt"), pipeline_run(folder):
        pass


def test_python_model_reading_an_unknown_table_is_refused(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    (folder / "models" / "marts" / "meldingen_totaal.py").write_text(
        MODEL.replace("{version}", "1").replace(
            '("marts.meldingen_dag",)', '("marts.bestaat_niet",)'
        ),
        encoding="utf-8",
    )
    with pytest.raises(PipelineError, match=r"marts\.bestaat_niet"), pipeline_run(folder):
        pass
