"""The KNMI connector reads daggegevens files as KNMI delivers them, and refuses what is not one.

Test files in tests/data/knmi are real KNMI lines (station 356 Herwijnen, Bron: KNMI); see the
README there for the faults planted in one of them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from koers.config import SourceConfig, load_project
from koers.engine import connect
from koers.engine.base import Processor
from koers.engine.duckdb_engine import new_processor
from koers.errors import ContractError
from koers.ingestion.knmi import KNMI_FIRST_LINE, is_knmi_file, parse_knmi, read_knmi_file
from koers.ingestion.readers import file_format, read_raw
from koers.packs import load_packs
from koers.pipeline.run import RunSummary, run_pipeline

DATA = Path(__file__).parent.parent / "data" / "knmi"
SHORT, FAULTS = DATA / "etmgeg_356_kort.txt", DATA / "etmgeg_356_fouten.txt"
HEADER_LINE = 52  # "# STN,YYYYMMDD,..." in both test files; day lines start at 54


@pytest.fixture
def processor() -> Iterator[Processor]:
    yield new_processor()


def source(**options: Any) -> SourceConfig:
    return SourceConfig(name="weer", contract="weer", path="bronnen/weer", **options)


def test_the_parser_splits_preamble_header_and_days_with_line_numbers() -> None:
    knmi = read_knmi_file(SHORT)
    assert knmi.preamble[0].startswith(KNMI_FIRST_LINE)
    assert len(knmi.preamble) == HEADER_LINE - 1
    assert knmi.headers[:6] == ["STN", "YYYYMMDD", "DDVEC", "FHVEC", "FG", "FHX"]
    assert len(knmi.headers) == 41 and knmi.header_cells[5] == "  FHX"
    assert [r.line for r in knmi.records] == list(range(54, 63))
    eunice = knmi.records[5]
    assert eunice.values[:2] == ["356", "20220218"]
    assert eunice.values[knmi.headers.index("FXX")] == "330"
    assert eunice.cells[knmi.headers.index("FXX")] == "  330"  # padding kept for trimming
    assert knmi.rejected == []


def test_a_knmi_txt_is_recognised_by_its_first_line_and_a_csv_txt_is_not(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "export.txt"
    plain.write_text("STN;YYYYMMDD\n356;20220218\n", encoding="utf-8")
    assert is_knmi_file(SHORT) and not is_knmi_file(plain)
    assert file_format(SHORT, source()) == "knmi"
    assert file_format(plain, source()) == "csv"
    renamed = tmp_path / "weer.dat"
    shutil.copyfile(SHORT, renamed)
    assert file_format(renamed, source(format="knmi")) == "knmi"


def test_days_become_text_columns_named_by_knmi_code(processor: Processor) -> None:
    raw = read_raw(processor, SHORT, source(), "raw_weer")
    assert raw.format == "knmi" and raw.headers[:2] == ["STN", "YYYYMMDD"]
    rows = processor.query(
        "SELECT _row, STN, YYYYMMDD, FXX, TN, RH FROM raw_weer ORDER BY _row"
    ).rows
    assert rows[0] == (54, "356", "20211217", None, None, None)  # KNMI has no values that day
    assert rows[2] == (56, "356", "20220118", "50", "-1", "-1")
    assert rows[5] == (59, "356", "20220218", "330", "55", "22")
    types = dict(processor.query("SELECT column_name, column_type FROM (DESCRIBE raw_weer)").rows)
    assert types.pop("_row") == "BIGINT" and set(types.values()) == {"VARCHAR"}


def test_an_explicit_knmi_source_reads_a_file_with_any_name(
    tmp_path: Path, processor: Processor
) -> None:
    renamed = tmp_path / "herwijnen.csv"
    shutil.copyfile(SHORT, renamed)
    raw = read_raw(processor, renamed, source(format="knmi"), "raw_weer")
    assert processor.query("SELECT count(*) FROM raw_weer").scalar() == 9
    assert raw.format == "knmi"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("# STN,HH,   DD,   FH", "regel 3 is geen KNMI-kopregel"),
        ("STN,YYYYMMDD,  FXX", "de kopregel '# STN,YYYYMMDD,...' ontbreekt"),
    ],
)
def test_a_file_without_the_knmi_header_is_refused_whole_with_its_name(
    tmp_path: Path, processor: Processor, header: str, expected: str
) -> None:
    path = tmp_path / "uurgeg_356.txt"
    path.write_text(f"{KNMI_FIRST_LINE} (KNMI)\n\n{header}\n  356,20220218,  330\n")
    with pytest.raises(ContractError) as caught:
        read_raw(processor, path, source(), "raw_weer")
    assert caught.value.message.startswith("uurgeg_356.txt: ")
    assert expected in caught.value.message
    assert "niet geladen" in caught.value.message


def test_a_cut_off_day_line_is_rejected_by_its_line_number(processor: Processor) -> None:
    raw = read_raw(processor, FAULTS, source(), "raw_weer")
    assert raw.rejected == [(55, "rij heeft minder velden dan de kopregel")]
    kept = [r[0] for r in processor.query("SELECT _row FROM raw_weer ORDER BY _row").rows]
    assert kept == [54, 56, 57, 58]
    assert parse_knmi(["# STN,YYYYMMDD", "356,20220218,1"], "x.txt").rejected == [
        (2, "rij heeft meer velden dan de kopregel")
    ]


# --- End to end: a project with a KNMI source through the normal pipeline ----------------


def write_weer_project(folder: Path, *files: Path) -> Path:
    (folder / "bronnen" / "weer").mkdir(parents=True)
    for path in files:
        shutil.copyfile(path, folder / "bronnen" / "weer" / path.name)
    (folder / "koers.toml").write_text(
        "\n".join(
            [
                "[project]",
                'name = "Weer"',
                "[[gemeenten]]",
                'code = "GM0226"',
                'naam = "Duiven"',
                "[packs]",
                'enabled = ["weer"]',
                "[[sources]]",
                'name = "weer"',
                'contract = "weer"',
                'path = "bronnen/weer"',
            ]
        ),
        encoding="utf-8",
    )
    return folder


def run(project_dir: Path) -> tuple[RunSummary, Any]:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        summary = run_pipeline(project, warehouse, load_packs(project.packs, project.dir))
    return summary, project


def query(project_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    project = load_project(project_dir)
    with connect(project) as warehouse:
        return warehouse.query(sql).rows


def test_a_knmi_file_loads_and_core_weer_dag_converts_units(tmp_path: Path) -> None:
    project = write_weer_project(tmp_path, SHORT)
    summary, _ = run(project)
    assert (summary.rows_loaded, summary.rows_quarantined, summary.refused) == (9, 0, [])
    days = {
        row[0]: row[1:]
        for row in query(
            project,
            "SELECT datum, windstoot_max_ms, neerslag_mm, neerslag_spoor, temperatuur_min_c, "
            "temperatuur_max_c, is_storm, is_zware_regen, is_vorst, is_hitte "
            "FROM core.weer_dag WHERE station = '356'",
        )
    }
    assert days[date(2022, 2, 18)] == (33.0, 2.2, False, 5.5, 12.4, True, False, False, False)
    assert days[date(2022, 1, 18)] == (5.0, 0.0, True, -0.1, 7.4, False, False, True, False)
    assert days[date(2022, 2, 20)][1] == 33.9 and days[date(2022, 2, 20)][6] is True
    assert days[date(2022, 7, 19)][4] == 36.3 and days[date(2022, 7, 19)][8] is True
    assert days[date(2021, 12, 17)] == (None, None, None, None, None, None, None, None, None)
    gemeenten = query(project, "SELECT DISTINCT gemeente_code FROM staging.weer")
    assert gemeenten == [(None,)]  # regional: no gemeente


def test_bad_days_go_to_quarantine_with_line_column_and_reason(tmp_path: Path) -> None:
    project = write_weer_project(tmp_path, FAULTS)
    summary, _ = run(project)
    assert (summary.rows_loaded, summary.rows_quarantined) == (2, 3)
    found = {
        int(str(row[0])): row[1:]
        for row in query(
            project, "SELECT row_number, column_name, value, reason FROM landing.quarantine"
        )
    }
    assert found[55][2] == "rij heeft minder velden dan de kopregel"
    assert found[56] == ("windstoot_max_01ms", "abc", "geen geheel getal")
    assert found[58][0] == "station" and "rij 54" in str(found[58][2])
