"""The projecten demo writes a consistent portfolio, milestones and spend, with planted
projects that are late, over budget or both; they are recomputed here from the files."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.projecten.demo import (
    MILESTONE_HEADER,
    PORTFOLIO_HEADER,
    SPEND_HEADER,
    ProjectenGroundTruth,
    generate_projecten,
)

START, END = dt.date(2020, 7, 1), dt.date(2025, 6, 30)
SEED = 777
PHASES = ["initiatief", "definitie", "ontwerp", "voorbereiding", "realisatie", "nazorg"]
INWONERS = {g.code: g.inwoners for g in DEMO_GEMEENTEN}

Row = dict[str, Any]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ProjectenGroundTruth]:
    out = tmp_path_factory.mktemp("projecten")
    return out, generate_projecten(out, seed=SEED, start=START, end=END)


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d-%m-%Y").date() if text else None


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _portfolio(out: Path, code: str) -> dict[str, Row]:
    path = out / "projecten_portefeuille" / code / f"projectenoverzicht_{code}.xlsx"
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == PORTFOLIO_HEADER
    found = {}
    for values in rows[1:]:
        row = dict(zip(PORTFOLIO_HEADER, values, strict=True))
        for key, value in row.items():
            if isinstance(value, dt.datetime):
                row[key] = value.date()
        found[str(row["Projectnummer"])] = row
    return found


def _milestones(out: Path, code: str) -> dict[str, list[dict[str, str]]]:
    rows = _csv(out / "projecten_mijlpalen" / code / f"mijlpalen_{code}.csv")
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        found[row["Projectnummer"]].append(row)
    return found


def _spend(out: Path, code: str) -> dict[str, list[tuple[int, int, float]]]:
    rows = _csv(out / "projecten_uitgaven" / code / f"projectuitgaven_{code}.csv")
    found: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for row in rows:
        amount = float(row["Uitgaven"].replace(".", "").replace(",", "."))
        found[row["Projectnummer"]].append((int(row["Jaar"]), int(row["Kwartaal"]), amount))
    return found


def _files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, ProjectenGroundTruth], tmp_path: Path
) -> None:
    out, _ = demo
    generate_projecten(tmp_path / "same", seed=SEED, start=START, end=END)
    generate_projecten(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    assert len(_files(out)) == 9
    for path in _files(out):
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_csv_exports_use_the_dutch_excel_dialect(demo: tuple[Path, ProjectenGroundTruth]) -> None:
    out, truth = demo
    for code in INWONERS:
        milestones = out / "projecten_mijlpalen" / code / f"mijlpalen_{code}.csv"
        spend = out / "projecten_uitgaven" / code / f"projectuitgaven_{code}.csv"
        assert milestones.read_bytes().startswith(
            b"\xef\xbb\xbf" + ";".join(MILESTONE_HEADER).encode() + b"\r\n"
        )
        assert spend.read_bytes().startswith(
            b"\xef\xbb\xbf" + ";".join(SPEND_HEADER).encode() + b"\r\n"
        )
        amounts = [row["Uitgaven"] for row in _csv(spend)]
        assert any("." in a and a.index(".") < a.index(",") for a in amounts)  # 1.234,56
        assert len(_csv(spend)) == truth.spend_rows[code]
        assert len(_portfolio(out, code)) == truth.projects[code]


def test_volumes_follow_the_estimates(demo: tuple[Path, ProjectenGroundTruth]) -> None:
    """[U] estimates: about 1 running project per 1,000 inhabitants, and capital spend of a
    few hundred euros per inhabitant per year."""
    out, truth = demo
    for code, inwoners in INWONERS.items():
        portfolio = _portfolio(out, code)
        running = sum(row["Fase"] != "afgerond" for row in portfolio.values())
        assert running == truth.active_at_end[code]
        assert 0.5 < running / inwoners * 1000 < 1.6, (code, running)
        per_year: dict[int, float] = defaultdict(float)
        for rows in _spend(out, code).values():
            for year, _, amount in rows:
                per_year[year] += amount
        for year in (2021, 2022, 2023, 2024):
            assert 100 < per_year[year] / inwoners < 900, (code, year, per_year[year] / inwoners)
            assert per_year[year] == pytest.approx(truth.spend_eur_per_year[code][year], abs=0.5)


def test_portfolio_milestones_and_spend_agree(demo: tuple[Path, ProjectenGroundTruth]) -> None:
    out, _ = demo
    last_quarter = (END.year, (END.month - 1) // 3 + 1)
    for code in INWONERS:
        portfolio, milestones, spend = (
            _portfolio(out, code),
            _milestones(out, code),
            _spend(out, code),
        )
        assert set(milestones) == set(portfolio)
        assert set(spend) <= set(portfolio)
        for number, row in portfolio.items():
            assert number.startswith(f"PR{code[2:]}-{row['Startdatum'].year}-")
            assert row["Projectleider"].startswith(("Projectleider", "Programmamanager"))
            phases = milestones[number]
            assert [p["Fase"] for p in phases] == PHASES
            planned = [(_date(p["Geplande start"]), _date(p["Geplande einddatum"])) for p in phases]
            actual = [
                (_date(p["Werkelijke start"]), _date(p["Werkelijke einddatum"])) for p in phases
            ]
            for (_, end), (start, _) in itertools.pairwise(planned):
                assert end is not None and start == end + dt.timedelta(days=1)
            assert actual[0][0] == planned[0][0] == row["Startdatum"] <= END
            assert row["Geplande opleverdatum"] == planned[4][1]
            started = [p for p in actual if p[0] is not None]
            assert all(p[0] is not None for p in actual[: len(started)])  # no gaps
            if row["Fase"] == "afgerond":
                assert row["Datum afgerond"] == actual[5][1]
                assert row["Datum afgerond"] is not None and START <= row["Datum afgerond"] <= END
            else:
                current = PHASES.index(row["Fase"])
                assert actual[current][0] is not None and actual[current][1] is None
                assert row["Datum afgerond"] is None
            if actual[4][1] is not None:
                assert row["Verwachte opleverdatum"] == actual[4][1]
            else:
                assert row["Verwachte opleverdatum"] >= END
            for year, quarter, amount in spend.get(number, []):
                assert amount > 0
                assert (year, quarter) <= last_quarter
                start = row["Startdatum"]
                assert (year, quarter) >= (start.year, (start.month - 1) // 3 + 1)


def test_planted_projects_are_in_the_files_and_no_others_are_flagged(
    demo: tuple[Path, ProjectenGroundTruth],
) -> None:
    out, truth = demo
    for code in INWONERS:
        portfolio, spend = _portfolio(out, code), _spend(out, code)
        flagged = {}
        for number, row in portfolio.items():
            delay = (row["Verwachte opleverdatum"] - row["Geplande opleverdatum"]).days
            spent = sum(amount for _, _, amount in spend.get(number, []))
            late = delay > truth.delay_flag_days
            over = spent > row["Budget (krediet)"] * truth.overrun_flag_ratio
            if late or over:
                kind = (
                    "vertraagd_en_overschreden"
                    if late and over
                    else ("vertraagd" if late else "overschreden")
                )
                flagged[number] = (kind, delay, round(spent, 2))
            else:
                assert spent <= row["Budget (krediet)"]  # ordinary projects stay within budget
        planted = [p for p in truth.planted if p.gemeente_code == code]
        assert sorted(p.kind for p in planted) == [
            "overschreden", "vertraagd", "vertraagd_en_overschreden", "vertraagd_en_overschreden",
        ]  # fmt: skip
        assert {number: found[:2] for number, found in flagged.items()} == {
            p.project_id: (p.kind, p.delay_days) for p in planted
        }
        for p in planted:
            assert flagged[p.project_id][2] == pytest.approx(p.spend_to_date_eur, abs=0.01)
            row = portfolio[p.project_id]
            assert (row["Projectnaam"], row["Fase"], row["Status"]) == (p.name, p.phase, "Rood")
            assert (row["Geplande opleverdatum"], row["Verwachte opleverdatum"]) == (
                p.planned_end,
                p.expected_end,
            )
            assert row["Budget (krediet)"] == p.budget_eur
            assert p.overrun_eur == pytest.approx(p.spend_to_date_eur - p.budget_eur)
            cumulative, crossed = 0.0, None
            for year, quarter, amount in sorted(spend[p.project_id]):
                cumulative += amount
                if crossed is None and cumulative > p.budget_eur:
                    crossed = f"{year}-K{quarter}"
            assert crossed == p.budget_exceeded_in
            if p.kind == "vertraagd":
                assert p.expected_end > END and p.phase != "afgerond"


def test_the_demo_project_loads_every_row_without_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(
        tmp_path, seed=11, scale=0.3, years=2, end=dt.date(2025, 3, 31), packs=("projecten",)
    )
    truth = truths["projecten"]
    assert isinstance(truth, dict)
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert summary.rows_quarantined == 0
        expected = sum(sum(truth[key].values()) for key in ("projects", "milestones", "spend_rows"))
        assert summary.rows_loaded == expected
        (late,) = [
            p for p in truth["planted"]
            if p["gemeente_code"] == "GM0299" and p["kind"] == "vertraagd_en_overschreden"
        ][:1]  # fmt: skip
        spent = warehouse.query(
            "SELECT sum(amount_eur) FROM staging.projecten_uitgaven "
            f"WHERE gemeente_code = 'GM0299' AND project_id = '{late['project_id']}'"
        ).rows[0][0]
        assert spent == pytest.approx(late["spend_to_date_eur"], abs=0.01)
        delay = warehouse.query(
            "SELECT expected_end - planned_end FROM staging.projecten_portefeuille "
            f"WHERE gemeente_code = 'GM0299' AND project_id = '{late['project_id']}'"
        ).rows[0][0]
        assert delay == late["delay_days"]
