"""The weer demo delivers the real KNMI file unchanged and records the weather-cause days."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
from tests.helpers import pipeline_run

from koers.demo import weather
from koers.demo.project import write_demo_project
from koers.demo.weather import KNMI_FILE_NAME, load_weather, weather_file_bytes
from koers.ingestion.knmi import KNMI_FIRST_LINE, read_knmi_file
from koers.packs.meldingen.demo import generate_meldingen
from koers.packs.weer import PACK
from koers.packs.weer.demo import CAUSES, WeerGroundTruth, generate_weer

ROOT = Path(__file__).parent.parent.parent
#: A full KNMI download (etmgeg_356.txt) to re-check the trimming against, when an operator
#: points KOERS_KNMI_ORIGINAL at one; the packaged file is what the other tests use.
ORIGINAL = Path(os.environ.get("KOERS_KNMI_ORIGINAL", "etmgeg_356.txt"))
START, END = dt.date(2021, 7, 1), dt.date(2022, 12, 31)
SEED = 7
_KEPT = ("STN", "YYYYMMDD", "FHX", "FXX", "TN", "TX", "RH")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WeerGroundTruth]:
    bronnen = tmp_path_factory.mktemp("bronnen")
    truth = PACK.demo(bronnen, seed=SEED, start=START, end=END, scale=1.0)  # type: ignore[misc]
    assert isinstance(truth, WeerGroundTruth)
    return bronnen, truth


def _days(path: Path) -> dict[dt.date, dict[str, str]]:
    """The day lines of a KNMI file, read with plain string handling (not Koers' parser)."""
    lines = path.read_text(encoding="latin-1").splitlines()
    header = next(line for line in lines if line.startswith("# STN,"))
    codes = [code.strip() for code in header[1:].split(",")]
    days = {}
    for line in lines[lines.index(header) + 1 :]:
        if line.strip():
            values = dict(zip(codes, (cell.strip() for cell in line.split(",")), strict=True))
            day = values["YYYYMMDD"]
            days[dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))] = values
    return days


def _meets(values: dict[str, str]) -> set[str]:
    def number(code: str) -> float | None:
        return int(values[code]) / 10 if values[code] else None

    gust, rain, t_min, t_max = number("FXX"), number("RH"), number("TN"), number("TX")
    causes = set()
    if gust is not None and gust >= 20:
        causes.add("storm")
    if rain is not None and rain >= 20:
        causes.add("zware_regen")
    if t_min is not None and t_min < 0:
        causes.add("vorst")
    if t_max is not None and t_max >= 30:
        causes.add("hitte")
    return causes


def test_the_real_file_is_delivered_whole_in_one_regional_folder(
    demo: tuple[Path, WeerGroundTruth], tmp_path: Path
) -> None:
    bronnen, truth = demo
    assert [p.relative_to(bronnen).as_posix() for p in bronnen.rglob("*")] == [
        "weer",
        f"weer/{KNMI_FILE_NAME}",
    ]
    delivered = (bronnen / truth.file).read_bytes()
    assert delivered == weather_file_bytes()
    # Observed weather: neither the seed nor the period changes the delivery.
    generate_weer(tmp_path / "weer", seed=SEED + 1, start=END, end=END, scale=0.1)
    assert (tmp_path / "weer" / KNMI_FILE_NAME).read_bytes() == delivered
    assert delivered.decode("ascii").startswith(KNMI_FIRST_LINE + " (KNMI)\r\n")


def test_the_packaged_file_keeps_only_the_legend_of_its_columns() -> None:
    knmi = read_knmi_file(ROOT / "src/koers/demo/data" / Path(weather.WEATHER_RESOURCE).name)
    assert knmi.headers == ["STN", "YYYYMMDD", "FHX", "FXX", "TN", "TX", "RH"]
    legend = [line.split("=")[0].strip() for line in knmi.preamble if " = " in line[:12]]
    assert legend == ["YYYYMMDD", "FHX", "FXX", "TN", "TX", "RH"]
    assert any(line.startswith("SOURCE: ROYAL NETHERLANDS") for line in knmi.preamble)
    assert any(line.startswith("Ingekort door Koers") for line in knmi.preamble)
    assert knmi.rejected == []


@pytest.mark.skipif(not ORIGINAL.exists(), reason="set KOERS_KNMI_ORIGINAL to a full KNMI download")
def test_the_packaged_file_is_the_original_trimmed_and_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("trim_knmi", ROOT / "scripts/trim_knmi.py")
    assert spec and spec.loader
    script: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    lines = script.trimmed_lines(read_knmi_file(ORIGINAL))
    assert ("\r\n".join(lines) + "\r\n").encode("ascii") == weather_file_bytes()
    original = _days(ORIGINAL)
    path = tmp_path / KNMI_FILE_NAME
    path.write_bytes(weather_file_bytes())
    packaged = _days(path)
    assert min(packaged) == dt.date(2008, 1, 1) and max(packaged) == max(original)
    for day, values in packaged.items():
        assert values == {code: original[day][code] for code in values}


def test_the_series_is_complete_and_covers_the_demo_years(
    demo: tuple[Path, WeerGroundTruth],
) -> None:
    bronnen, truth = demo
    days = _days(bronnen / truth.file)
    assert truth.days_in_file == len(days) == (truth.last_day - truth.first_day).days + 1
    assert truth.first_day == dt.date(2008, 1, 1) and truth.last_day >= dt.date(2026, 6, 1)
    assert truth.days_without_values == [
        day for day, values in sorted(days.items()) if not any(values[c] for c in _KEPT[2:])
    ]
    assert len(truth.days_without_values) < 10  # KNMI gaps are rare


def test_ground_truth_lists_the_cause_days_found_in_the_file(
    demo: tuple[Path, WeerGroundTruth],
) -> None:
    bronnen, truth = demo
    days = _days(bronnen / truth.file)
    expected: dict[str, list[dt.date]] = {cause: [] for cause in CAUSES}
    for day, values in sorted(days.items()):
        if START <= day <= END:
            for cause in sorted(_meets(values)):
                expected[cause].append(day)
    assert truth.cause_days == expected
    # Real days anyone can check: storm Eunice and the hot 19 July 2022.
    assert dt.date(2022, 2, 18) in truth.cause_days["storm"]
    assert dt.date(2022, 7, 19) in truth.cause_days["hitte"]
    # Frost is common, heat and storms rare: about what a Dutch inland station sees.
    per_year = {c: len(d) / 1.5 for c, d in truth.cause_days.items()}
    assert 20 < per_year["vorst"] < 80
    assert 1 <= per_year["hitte"] < 15
    assert 1 <= per_year["storm"] < 20
    assert 1 <= per_year["zware_regen"] < 15


def test_thresholds_are_the_ones_meldingen_plants_peaks_with(
    demo: tuple[Path, WeerGroundTruth], tmp_path: Path
) -> None:
    _, truth = demo
    melding_truth = generate_meldingen(tmp_path, seed=SEED, start=START, end=END, scale=0.02)
    peaks: dict[str, set[dt.date]] = {cause: set() for cause in CAUSES}
    for peak in melding_truth.peaks:
        if peak.cause in peaks:
            peaks[peak.cause].add(peak.date)
    # A storm peak lasts three days and a rain peak two; frost and heat one.
    spread = {"storm": 3, "zware_regen": 2, "vorst": 1, "hitte": 1}
    for cause, days in truth.cause_days.items():
        expected = {
            day + dt.timedelta(days=lag)
            for day in days
            for lag in range(spread[cause])
            if day + dt.timedelta(days=lag) <= END
        }
        assert peaks[cause] == expected, cause
    with (PACK.folder / "seeds" / "weer_drempels.csv").open(encoding="utf-8") as handle:
        seed = {row["oorzaak"]: float(row["drempel"]) for row in csv.DictReader(handle)}
    assert seed == {
        "storm": truth.thresholds["storm_windstoot_ms"],
        "zware_regen": truth.thresholds["zware_regen_neerslag_mm"],
        "vorst": truth.thresholds["vorst_temperatuur_min_onder_c"],
        "hitte": truth.thresholds["hitte_temperatuur_max_c"],
    }


def test_the_demo_source_loads_every_day_and_sql_converts_like_the_demo(
    tmp_path: Path,
) -> None:
    truths = write_demo_project(tmp_path, seed=SEED, scale=1.0, years=1, end=END, packs=("weer",))
    toml = (tmp_path / "koers.toml").read_text(encoding="utf-8")
    assert 'path = "bronnen/weer"' in toml
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert summary.refused == []
        days = truths["weer"]["days_in_file"]  # type: ignore[index]
        assert (summary.rows_loaded, summary.rows_quarantined) == (days, 0)
        rows = warehouse.query(
            "SELECT datum, windstoot_max_ms, wind_uurgemiddelde_max_ms, neerslag_mm, "
            "temperatuur_min_c, temperatuur_max_c, is_storm FROM core.weer_dag"
        ).rows
    expected = load_weather()
    assert len(rows) == len(expected)
    for day, *values, storm in rows:
        w = expected[day]
        assert values == [
            w.windstoot_max_ms,
            w.wind_uurgemiddelde_max_ms,
            w.neerslag_mm,
            w.temperatuur_min_c,
            w.temperatuur_max_c,
        ]
        assert storm == (None if w.windstoot_max_ms is None else "storm" in w.causes())
