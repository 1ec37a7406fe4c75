"""The financien demo writes budget exports anchored on the real Iv3 data, with planted faults."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.financien.demo import FinancienGroundTruth, generate_financien

START, END = dt.date(2022, 1, 1), dt.date(2025, 12, 31)
SEED = 20261123
HEADER_LINE = (
    "Boekjaar;Kwartaal;Programma;Programmanaam;Taakveld;Taakveldnaam;Lasten/Baten;"
    "Begroting;Realisatie"
)
AMOUNT = re.compile(r"-?\d{1,3}(\.\d{3})*,\d{2}")
# Real Iv3 begroting 2023, total lasten in thousands of euros (CBS), summed by hand.
BEGROTING_2023_LASTEN_X1000 = {"GM0226": 72_859, "GM0293": 44_139, "GM0299": 159_788}
# The realisation noise outside planted overspends stays within 10% of budget.
OVERSPEND_RATIO = 1.12

Row = dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FinancienGroundTruth]:
    out = tmp_path_factory.mktemp("financien")
    return out, generate_financien(out, seed=SEED, start=START, end=END)


def _csv_files(out: Path) -> list[Path]:
    return sorted(out.glob("financien_begroting_realisatie/GM*/*.csv"))


def _rows(out: Path) -> list[tuple[str, Row]]:
    """(gemeente code, row) for every export row."""
    rows = []
    for path in _csv_files(out):
        with path.open(encoding="windows-1252", newline="") as handle:
            rows += [(path.parent.name, row) for row in csv.DictReader(handle, delimiter=";")]
    return rows


def _euro(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _iv3() -> dict[tuple[str, int, str, str], tuple[int, int]]:
    """The packaged Iv3 file read directly: (code, year, document, taakveld) -> (L, B) x1000."""
    text = resources.files("koers.demo").joinpath("data/iv3_liemers.csv").read_text("utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# Bron: CBS")
    return {
        (r["gemeente_code"], int(r["jaar"]), r["document"], r["taakveld"]): (
            int(r["lasten_x1000"] or 0),
            int(r["baten_x1000"] or 0),
        )
        for r in csv.DictReader(lines[1:])
    }


def _per_line(out: Path) -> dict[tuple[str, int, str, str], list[tuple[float, float]]]:
    """(code, year, taakveld, L/B) -> [(budget, realisation)] per quarter in file order."""
    lines: defaultdict[tuple[str, int, str, str], list[tuple[float, float]]] = defaultdict(list)
    for code, row in _rows(out):
        key = (code, int(row["Boekjaar"]), row["Taakveld"], row["Lasten/Baten"])
        lines[key].append((_euro(row["Begroting"]), _euro(row["Realisatie"])))
    return dict(lines)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, FinancienGroundTruth], tmp_path: Path
) -> None:
    out, _ = demo
    generate_financien(tmp_path / "same", seed=SEED, start=START, end=END)
    generate_financien(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 3 * 4 + 3
    for path in files:
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_exports_use_the_dialect_of_a_financial_system(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, truth = demo
    for path in _csv_files(out):
        raw = path.read_bytes()
        assert raw.startswith(HEADER_LINE.encode() + b"\r\n")  # windows-1252, no BOM
        assert "Geëscaleerde".encode("windows-1252") in raw or b"Gesc" not in raw
        assert raw.count(b"\r\n") == truth.rows_per_file[path.name] + 1
    rows = _rows(out)
    assert all(
        AMOUNT.fullmatch(r["Begroting"]) and AMOUNT.fullmatch(r["Realisatie"]) for _, r in rows
    )
    assert any(r["Begroting"].count(".") >= 2 for _, r in rows)  # millions with two separators
    assert any(r["Realisatie"].startswith("-") for _, r in rows)


def test_budgets_are_the_real_iv3_budgets_and_grow_4_percent_elsewhere(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, truth = demo
    iv3 = _iv3()
    lines = _per_line(out)
    annual: defaultdict[tuple[str, int, str], float] = defaultdict(float)
    for (code, year, taakveld, soort), quarters in lines.items():
        assert len({b for b, _ in quarters}) == 1  # the budget is phased evenly
        annual[(code, year, soort)] += sum(b for b, _ in quarters)
        if year in (2023, 2024, 2025):
            lasten, baten = iv3.get((code, year, "begroting", taakveld), (0, 0))
            assert sum(b for b, _ in quarters) == 1000 * (lasten if soort == "Lasten" else baten)
    for code, lasten in BEGROTING_2023_LASTEN_X1000.items():
        assert annual[(code, 2023, "Lasten")] == lasten * 1000
        assert annual[(code, 2022, "Lasten")] == pytest.approx(lasten * 1000 / 1.04, rel=1e-3)
    for total in truth.jaartotalen:
        assert annual[(total.gemeente_code, total.jaar, "Lasten")] == total.begroting_lasten_eur
        assert annual[(total.gemeente_code, total.jaar, "Baten")] == total.begroting_baten_eur
    # Spending per inhabitant in a realistic range for Dutch municipalities [U]: EUR 2.5-5k.
    for gemeente in DEMO_GEMEENTEN:
        per_inhabitant = annual[(gemeente.code, 2024, "Lasten")] / gemeente.inwoners
        assert 2_500 < per_inhabitant < 5_000


def test_2023_realises_exactly_the_real_jaarrekening(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, truth = demo
    iv3 = _iv3()
    lines = _per_line(out)
    for (code, year, document, taakveld), (lasten, baten) in iv3.items():
        if document != "jaarrekening":
            continue
        for soort, amount in (("Lasten", lasten), ("Baten", baten)):
            realised = sum(r for _, r in lines.get((code, year, taakveld, soort), []))
            assert realised == pytest.approx(amount * 1000, abs=0.005)
    for total in truth.jaartotalen:
        realised = sum(
            r
            for (code, year, _, soort), quarters in lines.items()
            if (code, year, soort) == (total.gemeente_code, total.jaar, "Lasten")
            for _, r in quarters
        )
        assert realised == pytest.approx(total.realisatie_lasten_eur, abs=0.01)


def test_planted_overspends_are_the_only_ones_and_recorded_with_amounts(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, truth = demo
    lines = _per_line(out)
    found: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for (code, year, taakveld, soort), quarters in lines.items():
        budget = sum(b for b, _ in quarters)
        realised = sum(r for _, r in quarters)
        if (
            year != 2023
            and soort == "Lasten"
            and budget > 0
            and realised > OVERSPEND_RATIO * budget
        ):
            found[(code, year)].append(taakveld)
    planted = {(o.gemeente_code, o.jaar): o for o in truth.overschrijdingen}
    assert {k: sorted(v) for k, v in found.items()} == {
        k: sorted(o.taakvelden) for k, o in planted.items()
    }
    assert set(planted) == {("GM0226", 2025), ("GM0299", 2025)}
    for (code, year), overspend in planted.items():
        hit = [lines[(code, year, tv, "Lasten")] for tv in overspend.taakvelden]
        budget = sum(b for quarters in hit for b, _ in quarters)
        realised = sum(r for quarters in hit for _, r in quarters)
        assert budget == overspend.begroting_eur
        assert realised - budget == pytest.approx(overspend.overschrijding_eur, abs=0.01)
        assert 15 < overspend.overschrijding_pct < 30
        # The overspend builds up through the year.
        q1 = sum(q[0][1] for q in hit) / sum(q[0][0] for q in hit)
        q4 = sum(q[3][1] for q in hit) / sum(q[3][0] for q in hit)
        assert q4 > q1 + 0.2


def test_realisation_follows_a_quarterly_pattern_and_programmes_follow_taakvelden(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, _ = demo
    by_quarter: defaultdict[tuple[str, str], float] = defaultdict(float)
    for _, row in _rows(out):
        soort = (
            "OZB"
            if row["Taakveld"] in ("0.61", "0.62") and row["Lasten/Baten"] == "Baten"
            else row["Lasten/Baten"]
        )
        by_quarter[(soort, row["Kwartaal"])] += _euro(row["Realisatie"])
        main = row["Taakveld"].split(".")[0]
        expected = {"0.4": "OH", "0.10": "MR", "0.11": "MR"}.get(row["Taakveld"], f"P{main}")
        if row["Taakveld"] in ("0.5", "0.61", "0.62", "0.63", "0.64", "0.7", "0.8", "0.9"):
            expected = "AD"
        assert row["Programma"] == expected
    assert by_quarter[("Lasten", "4")] > 1.15 * by_quarter[("Lasten", "1")]
    assert by_quarter[("OZB", "1")] > 0.5 * sum(by_quarter[("OZB", q)] for q in "1234")


def test_budget_cuts_behind_plan_are_in_the_workbook_and_the_ground_truth(
    demo: tuple[Path, FinancienGroundTruth],
) -> None:
    out, truth = demo
    behind = set()
    eenstroom: Counter[int] = Counter()
    for gemeente in DEMO_GEMEENTEN:
        path = (
            out / "financien_bezuinigingen" / gemeente.code / f"bezuinigingen_{gemeente.code}.xlsx"
        )
        sheet = load_workbook(path, read_only=True)["Bezuinigingen"]
        rows = list(sheet.iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        assert len(body) == truth.rows_per_file[path.name]
        for values in body:
            row = dict(zip(header, values, strict=True))
            year, target, realised = int(row["Jaar"]), int(row["Taakstelling"]), row["Gerealiseerd"]
            if year > END.year:
                assert realised is None
                continue
            assert realised is not None
            if row["Maatregel"] == "Besparing ambtelijke samenwerking 1Stroom":
                eenstroom[year] += target
            if realised < 0.9 * target:
                assert row["Status"] in ("Risico", "Niet haalbaar")
                behind.add((gemeente.code, row["Nr"], row["Maatregel"], year, target, realised))
            else:
                assert row["Status"] == "Op schema"
            assert (row["Vervangende maatregel"] is not None) == (row["Status"] == "Niet haalbaar")
    recorded = {
        (a.gemeente_code, a.nr, a.maatregel, a.jaar, a.taakstelling_eur, a.gerealiseerd_eur)
        for a in truth.achterstanden
    }
    assert behind == recorded
    assert all(
        a.achterstand_eur == a.taakstelling_eur - a.gerealiseerd_eur for a in truth.achterstanden
    )
    assert {a.gemeente_code for a in truth.achterstanden} == {g.code for g in DEMO_GEMEENTEN}
    # 1Stroom was to save EUR 600k a year from 2022 for Duiven and Westervoort together.
    assert set(eenstroom.values()) == {600_000}


def test_every_row_loads_through_ingestion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(
        tmp_path, seed=SEED, scale=1.0, years=1, end=dt.date(2025, 12, 31), packs=("financien",)
    )
    truth = truths["financien"]
    assert isinstance(truth, dict)
    written = sum(truth["rows_per_file"].values())
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert (summary.rows_loaded, summary.rows_quarantined) == (written, 0)
        assert not summary.refused
        budgets = warehouse.query(
            "SELECT gemeente_code, sum(begroting_eur) FROM staging.financien_begroting_realisatie "
            "WHERE boekjaar = 2025 AND lasten_baten = 'Lasten' GROUP BY ALL ORDER BY ALL"
        ).rows
        statuses = warehouse.query(
            "SELECT DISTINCT status FROM staging.financien_bezuinigingen ORDER BY ALL"
        ).rows
    expected = {
        (t["gemeente_code"], t["begroting_lasten_eur"])
        for t in truth["jaartotalen"]
        if t["jaar"] == 2025
    }
    assert {(str(c), round(float(str(b)))) for c, b in budgets} == expected
    assert [s for (s,) in statuses] == ["Niet haalbaar", "Op schema", "Risico"]
