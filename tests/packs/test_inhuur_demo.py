"""The inhuur demo writes a realistic contract register and ledger with planted audit findings.

Every planted finding is recomputed here from the files alone, with the auditor's rules of
the domain facts §7, and compared with the ground truth; ordinary contracts must show none.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.inhuur.demo import (
    BOOKING_HEADER,
    REGISTER_HEADER,
    InhuurGroundTruth,
    generate_inhuur,
)

START, END = dt.date(2021, 1, 1), dt.date(2024, 12, 31)
SEED = 4242
INWONERS = {g.code: g.inwoners for g in DEMO_GEMEENTEN}
# European thresholds for decentral services by first year of validity (facts §7); the
# values before 2014 and from 2026 are the generator's [U] estimates.
THRESHOLDS = {2014: 207_000, 2016: 209_000, 2018: 221_000, 2020: 214_000, 2022: 215_000,
              2024: 221_000, 2026: 216_000}  # fmt: skip
DIRECT = {"Enkelvoudig onderhands", "Meervoudig onderhands"}


@dataclass(frozen=True)
class Registered:
    supplier: str
    functie: str
    kostenplaats: str
    taakveld: str
    procedure: str
    start: dt.date
    end: dt.date
    hours_per_week: int
    rate: float
    value: float
    status: str


@dataclass(frozen=True)
class Line:
    boekstuk: str
    booked_on: dt.date
    month: dt.date
    supplier: str
    contract: str
    kostenplaats: str
    taakveld: str
    hours: float
    rate: float
    amount: float


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d-%m-%Y").date()


def _register(out: Path, code: str) -> dict[str, Registered]:
    path = out / "inhuur_contracten" / code / f"contractregister_inhuur_{code}.xlsx"
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == REGISTER_HEADER
    found = {}
    for row in rows[1:]:
        number, *rest = row
        values = list(rest)
        values[5], values[6] = values[5].date(), values[6].date()
        found[str(number)] = Registered(*values)
    return found


def _lines(out: Path, code: str) -> list[Line]:
    lines = []
    for path in sorted((out / "inhuur_boekingen" / code).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                lines.append(
                    Line(
                        row["Boekstuknummer"],
                        _date(row["Boekdatum"]),
                        _date("01-" + row["Prestatiemaand"]),
                        row["Crediteur"],
                        row["Contractnummer"],
                        row["Kostenplaats"],
                        row["Taakveld"],
                        _number(row["Uren"]),
                        _number(row["Tarief"]),
                        _number(row["Bedrag excl. btw"]),
                    )
                )
    return lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, InhuurGroundTruth]:
    out = tmp_path_factory.mktemp("inhuur")
    return out, generate_inhuur(out, seed=SEED, start=START, end=END)


def _files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, InhuurGroundTruth], tmp_path: Path
) -> None:
    out, truth = demo
    generate_inhuur(tmp_path / "same", seed=SEED, start=START, end=END)
    other = generate_inhuur(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    assert [p.relative_to(out) for p in _files(out)] == [
        p.relative_to(tmp_path / "same") for p in _files(tmp_path / "same")
    ]
    for path in _files(out):
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        if (tmp_path / "other" / relative).exists():
            assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()
    assert other.splitting != truth.splitting


def test_files_are_a_register_workbook_and_dutch_ledger_csvs(
    demo: tuple[Path, InhuurGroundTruth],
) -> None:
    out, truth = demo
    header = ";".join(BOOKING_HEADER).encode()
    for gemeente in DEMO_GEMEENTEN:
        code = gemeente.code
        years = sorted(p.name for p in (out / "inhuur_boekingen" / code).iterdir())
        assert years == [f"inhuur_boekingen_{code}_{y}.csv" for y in range(2021, 2025)]
        for path in (out / "inhuur_boekingen" / code).iterdir():
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf" + header + b"\r\n")
        assert len(_register(out, code)) == truth.contracts[code]
        assert len(_lines(out, code)) == truth.bookings[code]
    assert [p.name for p in (out / "inhuur_contracten").iterdir()] != []


def test_volume_matches_the_bbv_share_of_external_hire(
    demo: tuple[Path, InhuurGroundTruth],
) -> None:
    """Facts §6: externe inhuur typically 15-22% of loonsom plus inhuur; formatie 4.8-9.6 fte
    per 1,000 inhabitants. With the generator's 7 fte and €80,000 per fte [U] the booked
    amounts must imply a share in that band (with room for chance)."""
    out, truth = demo
    for code, inwoners in INWONERS.items():
        lines = _lines(out, code)
        per_year: dict[int, float] = defaultdict(float)
        for line in lines:
            per_year[line.booked_on.year] += line.amount
        assert per_year.keys() == truth.booked_eur_per_year[code].keys()
        for year in (2022, 2023, 2024):  # 2021 misses the December before the period
            loonsom = inwoners * 7.0 / 1000 * 80_000
            share = per_year[year] / (loonsom + per_year[year])
            assert 0.13 < share < 0.25, (code, year, share)
            assert per_year[year] == pytest.approx(truth.booked_eur_per_year[code][year], abs=0.5)
        # Contracts running at once: ~23 in Duiven at 18% [U]; between 0.5 and 1.5 per 1,000.
        concurrent = sum(line.month.year == 2023 for line in lines) / 12
        assert 0.5 < concurrent / inwoners * 1000 < 1.5, (code, concurrent)


def test_domain_rules_hold_for_every_contract_and_line(
    demo: tuple[Path, InhuurGroundTruth],
) -> None:
    out, _ = demo
    for code in INWONERS:
        register = _register(out, code)
        numbers = [line.boekstuk for line in _lines(out, code)]
        assert len(set(numbers)) == len(numbers)
        for number, contract in register.items():
            assert number.startswith(f"INH-{code[2:]}-{contract.start.year}-")
            assert contract.start <= contract.end
            assert contract.supplier.endswith(" B.V.")  # a company, never a person
            assert contract.status == ("Lopend" if contract.end >= END else "Beëindigd")
            if contract.procedure in DIRECT:
                assert contract.value < 200_000  # a single direct order stays below any threshold
        for line in _lines(out, code):
            contract = register[line.contract]
            assert (line.supplier, line.kostenplaats, line.taakveld) == (
                contract.supplier,
                contract.kostenplaats,
                contract.taakveld,
            )
            assert line.amount == pytest.approx(round(line.hours * line.rate, 2), abs=0.005)
            assert START <= line.booked_on <= END
            assert line.booked_on > line.month
            assert line.month >= contract.start.replace(day=1)


def _threshold(day: dt.date) -> int:
    years = [y for y in THRESHOLDS if y <= day.year]
    return THRESHOLDS[max(years)] if years else 200_000


def test_every_planted_finding_is_in_the_files_and_nothing_else_is(
    demo: tuple[Path, InhuurGroundTruth],
) -> None:
    out, truth = demo
    for code in INWONERS:
        register, lines = _register(out, code), _lines(out, code)
        by_contract: dict[str, list[Line]] = defaultdict(list)
        for line in sorted(lines, key=lambda item: item.month):
            by_contract[line.contract].append(line)

        # (a) hours after the end date
        late = {
            number: [x for x in found if x.month > register[number].end]
            for number, found in by_contract.items()
        }
        late = {number: found for number, found in late.items() if found}
        (after,) = [f for f in truth.after_end if f.gemeente_code == code]
        assert list(late) == [after.contract_number]
        assert [x.month for x in late[after.contract_number]] == after.months
        assert sum(x.amount for x in late[after.contract_number]) == pytest.approx(after.amount_eur)
        assert register[after.contract_number].end == after.contract_end

        # (b) bookings above the contract value
        over = {
            number: sum(x.amount for x in found)
            for number, found in by_contract.items()
            if sum(x.amount for x in found) > register[number].value
        }
        (ceiling,) = [f for f in truth.ceiling_exceeded if f.gemeente_code == code]
        assert list(over) == [ceiling.contract_number]
        assert over[ceiling.contract_number] == pytest.approx(ceiling.booked_eur)
        assert ceiling.contract_value_eur == register[ceiling.contract_number].value
        assert ceiling.overrun_eur == pytest.approx(ceiling.booked_eur - ceiling.contract_value_eur)
        running = 0.0
        for line in by_contract[ceiling.contract_number]:
            running += line.amount
            if running > ceiling.contract_value_eur:
                assert line.month == ceiling.exceeded_in
                break

        # a rate above the contract rate
        dearer = [x for x in lines if x.rate > register[x.contract].rate + 0.001]
        (rate,) = [f for f in truth.rate_above_contract if f.gemeente_code == code]
        assert {x.contract for x in dearer} == {rate.contract_number}
        assert sorted(x.month for x in dearer) == rate.months
        excess = sum(x.amount - round(x.hours * rate.contract_rate_eur, 2) for x in dearer)
        assert excess == pytest.approx(rate.excess_eur)
        assert rate.booked_rate_eur > rate.contract_rate_eur

        # (c) splitting: direct orders per supplier within four years pass the threshold
        direct: dict[str, list[tuple[dt.date, float, str]]] = defaultdict(list)
        for number, contract in register.items():
            if contract.procedure in DIRECT:
                direct[contract.supplier].append((contract.start, contract.value, number))
        crossings = {}
        for supplier, orders in direct.items():
            orders.sort()
            for index, (day, _, number) in enumerate(orders):
                window = [
                    v for d, v, _ in orders[: index + 1] if d > day.replace(year=day.year - 4)
                ]
                if sum(window) >= _threshold(day):
                    crossings[supplier] = (number, sum(window), _threshold(day))
                    break
        (split,) = [f for f in truth.splitting if f.gemeente_code == code]
        assert crossings == {
            split.supplier: (split.crossing_contract, split.cumulative_eur, split.threshold_eur)
        }
        assert all(register[n].procedure == split.procedure for n in split.contract_numbers)
        assert all(v < 50_000 for v in split.contract_values_eur)


def test_the_demo_project_loads_every_row_without_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(
        tmp_path, seed=7, scale=0.3, years=1, end=dt.date(2025, 6, 30), packs=("inhuur",)
    )
    truth = truths["inhuur"]
    assert isinstance(truth, dict)
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert summary.rows_quarantined == 0
        expected = sum(truth["contracts"].values()) + sum(truth["bookings"].values())
        assert summary.rows_loaded == expected
        per_gemeente = dict(
            warehouse.query(
                "SELECT gemeente_code, count(*) FROM staging.inhuur_boekingen GROUP BY 1"
            ).rows
        )
        assert per_gemeente == truth["bookings"]
        (late,) = [f for f in truth["after_end"] if f["gemeente_code"] == "GM0293"]
        found = warehouse.query(
            "SELECT b.work_month FROM staging.inhuur_boekingen b JOIN staging.inhuur_contracten c "
            "USING (gemeente_code, contract_number) WHERE b.work_month > c.end_date "
            "AND b.gemeente_code = 'GM0293' ORDER BY 1"
        ).rows
        assert [row[0] for row in found] == late["months"]
    assert (tmp_path / "grondwaarheid" / "inhuur.json").exists()
