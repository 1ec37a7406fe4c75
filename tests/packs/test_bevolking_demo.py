"""The bevolking demo writes CBS-style population tables anchored on real CBS numbers."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import pytest
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.bevolking.demo import BevolkingGroundTruth, generate_bevolking

START, END = dt.date(2020, 6, 30), dt.date(2026, 6, 30)
SEED = 20261123
TOTAAL, INWONERS = "Totaal mannen en vrouwen", "Bevolking op 1 januari (aantal)"
# Real 1 January 2021 totals (CBS, as the shared data README quotes them) and the CBS counts
# of two age bands of Duiven, read off the source file by hand.
CBS_2021 = {"GM0226": 25_065, "GM0293": 15_010, "GM0299": 44_090}
DUIVEN_2021 = {"0 tot 5 jaar": 1_050, "50 tot 55 jaar": 2_305, "95 jaar of ouder": 25}
# Inhabitants on 1 January 2024 (CBS, facts section 3).
REAL_2024 = {"GM0226": 24_869, "GM0293": 15_152, "GM0299": 45_050}

Row = dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BevolkingGroundTruth]:
    out = tmp_path_factory.mktemp("bevolking")
    return out, generate_bevolking(out, seed=SEED, start=START, end=END)


def _read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _population(out: Path) -> list[Row]:
    return [row for p in sorted(out.glob("bevolking/GM*/*.csv")) for row in _read(p)]


def _households(out: Path) -> list[Row]:
    return [row for p in sorted(out.glob("bevolking_huishoudens/GM*/*.csv")) for row in _read(p)]


def _gemeente_totals(rows: list[Row]) -> dict[tuple[str, int], int]:
    totals: Counter[tuple[str, int]] = Counter()
    for row in rows:
        if row["Soort regio"] == "Gemeente" and row["Geslacht"] == TOTAAL:
            totals[(row["Regiocode"], int(row["Perioden"]))] += int(row[INWONERS])
    return dict(totals)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, BevolkingGroundTruth], tmp_path: Path
) -> None:
    out, _ = demo
    generate_bevolking(tmp_path / "same", seed=SEED, start=START, end=END)
    generate_bevolking(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    files = sorted(out.glob("*/GM*/*.csv"))
    assert len(files) == 2 * 3 * 7
    for path in files:
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_2021_matches_the_real_cbs_numbers_per_age_band(
    demo: tuple[Path, BevolkingGroundTruth],
) -> None:
    out, _ = demo
    text = resources.files("koers.demo").joinpath("data/cbs_bevolking_liemers.csv")
    lines = text.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Bron: CBS")
    cbs = {
        (r["gemeente_code"], r["leeftijd"]): int(r["inwoners"]) for r in csv.DictReader(lines[1:])
    }
    found = {
        (row["Regiocode"], row["Leeftijd"]): int(row[INWONERS])
        for row in _population(out)
        if row["Perioden"] == "2021"
        and row["Soort regio"] == "Gemeente"
        and row["Geslacht"] == TOTAAL
    }
    assert len(found) == len(cbs) == 60
    for (code, band), count in cbs.items():
        low, _, high = band.partition("-")
        label = f"{low} tot {int(high) + 1} jaar" if high else "95 jaar of ouder"
        assert found[(code, label)] == count
    assert {label: found[("GM0226", label)] for label in DUIVEN_2021} == DUIVEN_2021
    totals = _gemeente_totals(_population(out))
    assert {code: totals[(code, 2021)] for code in CBS_2021} == CBS_2021


def test_every_year_is_covered_and_2024_meets_the_real_totals(
    demo: tuple[Path, BevolkingGroundTruth],
) -> None:
    out, truth = demo
    totals = _gemeente_totals(_population(out))
    years = range(START.year, END.year + 1)
    assert set(totals) == {(g.code, y) for g in DEMO_GEMEENTEN for y in years}
    assert {code: totals[(code, 2024)] for code in REAL_2024} == REAL_2024
    assert {(t.gemeente_code, t.jaar): t.inwoners for t in truth.totalen} == totals
    for gemeente in DEMO_GEMEENTEN:
        series = [totals[(gemeente.code, y)] for y in years]
        changes = [b / a - 1 for a, b in itertools.pairwise(series)]
        assert all(abs(c) < 0.02 for c in changes)  # slow change, no jumps between years


def test_wijken_and_sexes_add_up_to_the_totals(demo: tuple[Path, BevolkingGroundTruth]) -> None:
    out, _ = demo
    cells: dict[tuple[str, str, str, str], int] = {}
    wijk_sum: Counter[tuple[str, str, str, str]] = Counter()
    gemeente_of = {w.code: g.code for g in DEMO_GEMEENTEN for w in g.wijken}
    for row in _population(out):
        key = (row["Regiocode"], row["Perioden"], row["Geslacht"], row["Leeftijd"])
        assert key not in cells
        cells[key] = int(row[INWONERS])
        if row["Soort regio"] == "Wijk":
            wijk_sum[(gemeente_of[row["Regiocode"]], *key[1:])] += int(row[INWONERS])
    for (code, year, sex, band), count in cells.items():
        if code.startswith("GM"):
            assert wijk_sum[(code, year, sex, band)] == count
        if sex == TOTAAL:
            assert (
                cells[(code, year, "Mannen", band)] + cells[(code, year, "Vrouwen", band)] == count
            )
    assert min(cells.values()) >= 0


def test_households_follow_the_estimated_household_size(
    demo: tuple[Path, BevolkingGroundTruth],
) -> None:
    out, truth = demo
    people: Counter[tuple[str, str]] = Counter()
    for row in _population(out):
        if row["Geslacht"] == TOTAAL:
            people[(row["Regiocode"], row["Perioden"])] += int(row[INWONERS])
    households = _households(out)
    by_gemeente: dict[tuple[str, int], int] = {}
    wijk_households: defaultdict[tuple[str, str], int] = defaultdict(int)
    for row in households:
        code, year = row["Regiocode"], row["Perioden"]
        count = int(row["Particuliere huishoudens (aantal)"])
        assert int(row["Aantal inwoners (aantal)"]) == people[(code, year)]
        size = float(row["Gemiddelde huishoudensgrootte (aantal)"].replace(",", "."))
        assert 1.9 < size < 2.7
        assert size == pytest.approx(people[(code, year)] / count, abs=0.006)
        if row["Soort regio"] == "Gemeente":
            by_gemeente[(code, int(year))] = count
        else:
            wijk_households[(code[2:6], year)] += count
    for (gemeente_code, jaar), total in by_gemeente.items():
        assert wijk_households[(gemeente_code[2:], str(jaar))] == total
    assert {(t.gemeente_code, t.jaar): t.huishoudens for t in truth.totalen} == by_gemeente
    # Facts section 3 estimate about 11k, 6.8k and 20k households in 2024.
    expected = {"GM0226": 11_000, "GM0293": 6_800, "GM0299": 20_000}
    for gemeente_code, estimate in expected.items():
        assert by_gemeente[(gemeente_code, 2024)] == pytest.approx(estimate, rel=0.05)


def test_scale_shrinks_the_population_like_other_volumes(tmp_path: Path) -> None:
    truth = generate_bevolking(
        tmp_path, seed=1, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), scale=0.1
    )
    assert {t.gemeente_code: t.inwoners for t in truth.totalen} == {
        code: round(n * 0.1) for code, n in REAL_2024.items()
    }
    assert asdict(truth)["doel_inwoners"] == {code: round(n * 0.1) for code, n in REAL_2024.items()}


def test_every_row_loads_through_ingestion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    end = dt.date(2025, 3, 31)
    truths = write_demo_project(
        tmp_path, seed=SEED, scale=1.0, years=1, end=end, packs=("bevolking",)
    )
    written = sum(truths["bevolking"]["rows_per_file"].values())  # type: ignore[index]
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert (summary.rows_loaded, summary.rows_quarantined) == (written, 0)
        assert not summary.refused
        per_gemeente = warehouse.query(
            "SELECT gemeente_code, jaar, sum(inwoners) FROM staging.bevolking "
            "WHERE soort_regio = 'Gemeente' AND geslacht = 'Totaal mannen en vrouwen' "
            "GROUP BY ALL ORDER BY ALL"
        ).rows
        sizes = warehouse.query(
            "SELECT min(huishoudensgrootte), max(huishoudensgrootte) FROM staging.bevolking_huishoudens"
        ).rows
    assert [(c, int(str(y)), int(str(n))) for c, y, n in per_gemeente if y == 2024] == [
        (code, 2024, n) for code, n in sorted(REAL_2024.items())
    ]
    low, high = sizes[0]
    assert 1.9 < float(str(low)) <= float(str(high)) < 2.7
