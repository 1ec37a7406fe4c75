"""The vth demo generator writes VTH-system exports whose terms, planted late decisions and
enforcement chains can be checked from the files alone, and that load without quarantine."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.vth.demo import (
    AANVRAGEN_HEADER,
    CONTROLES_HEADER,
    HANDHAVING_HEADER,
    VthGroundTruth,
    generate_vth,
)
from koers.packs.vth.terms import legal_deadline, wettelijk_kader

# Two years, so the files hold both Wabo and Omgevingswet applications and the planted period.
END = dt.date(2025, 6, 30)
START = dt.date(2023, 6, 28)  # what write_demo_project makes of years=2 (day capped at 28)
SEED = 20261123
CONTRACTS = ("vth_aanvragen", "vth_controles", "vth_handhaving")
DATE = re.compile(r"\d{2}-\d{2}-\d{4}")
CODES = [g.code for g in DEMO_GEMEENTEN]

Row = dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, VthGroundTruth]:
    out = tmp_path_factory.mktemp("vth")
    return out, generate_vth(out, seed=SEED, start=START, end=END)


def _files(out: Path, contract: str, code: str = "GM*") -> list[Path]:
    return sorted(out.glob(f"{contract}/{code}/{contract}_*.csv"))


def _read(path: Path) -> list[Row]:
    with path.open(encoding="windows-1252", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _rows(out: Path, contract: str, code: str) -> list[Row]:
    return [row for path in _files(out, contract, code) for row in _read(path)]


def _day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d-%m-%Y").date() if text else None


def _must(text: str) -> dt.date:
    day = _day(text)
    assert day is not None
    return day


def _late(row: Row) -> bool:
    decided = _day(row["Datum besluit"])
    return decided is not None and decided > _must(row["Uiterste beslisdatum"])


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
    demo: tuple[Path, VthGroundTruth], tmp_path: Path
) -> None:
    out, _ = demo
    generate_vth(tmp_path / "same", seed=SEED, start=START, end=END)
    generate_vth(tmp_path / "other", seed=SEED + 1, start=START, end=END)
    files = [p for contract in CONTRACTS for p in _files(out, contract)]
    assert len(files) == 3 * 3 * 3  # contracts x gemeenten x calendar years 2023-2025
    for path in files:
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_files_are_semicolon_csv_in_windows_1252_with_dutch_dates(
    demo: tuple[Path, VthGroundTruth],
) -> None:
    out, truth = demo
    headers = dict(
        zip(CONTRACTS, (AANVRAGEN_HEADER, CONTROLES_HEADER, HANDHAVING_HEADER), strict=True)
    )
    for contract, header in headers.items():
        for code in CODES:
            files = _files(out, contract, code)
            assert [p.name for p in files] == [
                f"{contract}_{code}_{y}.csv" for y in (2023, 2024, 2025)
            ]
            total = 0
            for path in files:
                raw = path.read_bytes()
                assert raw.startswith(";".join(header).encode("cp1252") + b"\r\n")
                rows = _read(path)
                assert raw.count(b"\r\n") == len(rows) + 1
                for row in rows:
                    assert None not in row
                    dates = [
                        v
                        for k, v in row.items()
                        if k.startswith("Datum") or k.startswith("Uiterste")
                    ]
                    assert all(DATE.fullmatch(v) for v in dates if v)
                    assert (
                        row[header[0]].split("-")[1] == path.stem[-4:]
                    )  # number has the file year
                total += len(rows)
            assert truth.rows[contract][code] == total
    status = b"".join(p.read_bytes() for p in _files(out, "vth_handhaving"))
    assert "beëindigd".encode("cp1252") in status
    assert truth.malformed_rows == {}


def test_legal_deadline_follows_the_term_arithmetic_in_every_row(
    demo: tuple[Path, VthGroundTruth],
) -> None:
    out, _ = demo
    seen: Counter[tuple[str, str, str]] = Counter()
    for code in CODES:
        for row in _rows(out, "vth_aanvragen", code):
            received = _must(row["Datum ontvangst"])
            weeks = {"Regulier": 8, "Uitgebreid": 26}[row["Procedure"]]
            assert int(row["Beslistermijn (weken)"]) == weeks
            extended = {"Ja": True, "Nee": False}[row["Verdaagd"]]
            suspended = int(row["Opschorting (dagen)"])
            expected = received + dt.timedelta(weeks=weeks + 6 * extended, days=suspended)
            assert _must(row["Uiterste beslisdatum"]) == expected
            # An extension is decided within the first term (facts 1.4).
            verdaging = _day(row["Datum verdaging"])
            assert (verdaging is not None) == extended
            if verdaging:
                first_term_end = received + dt.timedelta(weeks=weeks, days=suspended)
                assert received < verdaging <= first_term_end
            assert row["Wettelijk kader"] == (
                "Wabo" if received < dt.date(2024, 1, 1) else "Omgevingswet"
            )
            decided = _day(row["Datum besluit"])
            assert (
                (decided is None) == (row["Status"] == "In behandeling") == (row["Besluit"] == "")
            )
            if decided:
                assert received < decided <= END
            by_law = (
                row["Wettelijk kader"] == "Wabo" and row["Procedure"] == "Regulier" and _late(row)
            )
            assert (row["Besluit"] == "Van rechtswege verleend") == by_law
            if row["Besluit"] in ("Ingetrokken", "Buiten behandeling"):
                assert not _late(row)
            seen[(row["Wettelijk kader"], row["Procedure"], row["Verdaagd"])] += 1
    # Every combination occurs, so the arithmetic above was tested on all of them.
    assert {k for k, n in seen.items() if n >= 2} == {
        (kader, procedure, verdaagd)
        for kader in ("Wabo", "Omgevingswet")
        for procedure in ("Regulier", "Uitgebreid")
        for verdaagd in ("Ja", "Nee")
    }


@given(
    received=st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
    procedure=st.sampled_from(["Regulier", "Uitgebreid"]),
    verdaagd=st.booleans(),
    suspended=st.integers(0, 365),
)
def test_deadline_is_received_plus_term_extension_and_suspension(
    received: dt.date, procedure: str, verdaagd: bool, suspended: int
) -> None:
    deadline = legal_deadline(received, procedure, verdaagd=verdaagd, opschorting_days=suspended)
    weeks = (8 if procedure == "Regulier" else 26) + (6 if verdaagd else 0)
    assert (deadline - received).days == 7 * weeks + suspended
    assert wettelijk_kader(received) == ("Wabo" if received.year < 2024 else "Omgevingswet")


def test_the_planted_late_period_and_the_background_rate_are_in_the_files(
    demo: tuple[Path, VthGroundTruth],
) -> None:
    out, truth = demo
    period = truth.late_period
    assert period is not None and period.gemeente_code == "GM0299"
    assert period.cause == "personeelstekort"
    assert START < period.first_deadline < period.last_deadline < END

    def in_period(row: Row) -> bool:
        return period.first_deadline <= _must(row["Uiterste beslisdatum"]) <= period.last_deadline

    outside_decided = outside_late = 0
    for code in CODES:
        rows = _rows(out, "vth_aanvragen", code)
        planted = [r for r in rows if code == period.gemeente_code and in_period(r)]
        decided = [r for r in planted if r["Datum besluit"]]
        if code == period.gemeente_code:
            assert len(decided) == period.decided
            assert [r["Zaaknummer"] for r in decided if _late(r)] == period.case_ids
            assert sum(map(_late, decided)) / len(decided) > 0.4
        others = [r for r in rows if r not in planted]
        late = [r["Zaaknummer"] for r in others if _late(r)]
        assert late == truth.background_late[code]
        assert late, f"{code}: no background late decisions"
        outside_decided += sum(bool(r["Datum besluit"]) for r in others)
        outside_late += len(late)
        overdue = [
            r["Zaaknummer"]
            for r in rows
            if not r["Datum besluit"] and _must(r["Uiterste beslisdatum"]) < END
        ]
        assert overdue == truth.open_past_deadline[code]
    background = outside_late / outside_decided
    assert 0.02 < background < truth.background_late_share
    in_share = len(period.case_ids) / period.decided
    assert in_share > 5 * background


def test_every_enforcement_case_follows_a_violation_found_twice(
    demo: tuple[Path, VthGroundTruth],
) -> None:
    out, truth = demo
    links = []
    for code in CODES:
        controles = {r["Controlenummer"]: r for r in _rows(out, "vth_controles", code)}
        permits = {r["Zaaknummer"]: r for r in _rows(out, "vth_aanvragen", code)}
        cases = _rows(out, "vth_handhaving", code)
        for row in controles.values():
            if row["Zaaknummer vergunning"]:
                permit = permits[row["Zaaknummer vergunning"]]
                assert permit["Besluit"] in ("Verleend", "Van rechtswege verleend")
                assert _must(permit["Datum besluit"]) < _must(row["Datum controle"])
            if row["Soort controle"] == "Hercontrole":
                first = controles[row["Vorige controle"]]
                assert first["Resultaat"] == "Overtreding"
                assert _must(first["Datum controle"]) < _must(row["Datum controle"])
        for case in cases:
            recheck = controles[case["Controlenummer"]]
            assert (recheck["Soort controle"], recheck["Resultaat"]) == (
                "Hercontrole",
                "Overtreding",
            )
            assert _must(recheck["Datum controle"]) < _must(case["Datum start"])
            links.append(
                (code, case["Zaaknummer"], case["Controlenummer"], recheck["Vorige controle"])
            )
            _check_escalation(case)
        opened = {c["Controlenummer"] for c in cases}
        settled = END - dt.timedelta(days=30)
        for number, row in controles.items():
            if row["Soort controle"] == "Hercontrole" and row["Resultaat"] == "Overtreding":
                assert number in opened or _must(row["Datum controle"]) > settled
    recorded = [
        (e.gemeente_code, e.zaak_id, e.controle_id, e.eerste_controle_id) for e in truth.enforcement
    ]
    assert links == recorded
    assert len(recorded) >= 20


def _check_escalation(case: Row) -> None:
    """Notice, then a last with its grace period, then an outcome; amounts only for dwangsom."""
    start = _must(case["Datum start"])
    notice, last, closed = (
        _day(case[k]) for k in ("Datum vooraankondiging", "Datum last", "Datum afgesloten")
    )
    assert notice is None or start <= notice
    assert (
        (last is not None) == bool(case["Instrument"]) == bool(case["Begunstigingstermijn (dagen)"])
    )
    if last is not None:
        assert notice is not None and notice < last
    dwangsom = case["Instrument"] == "Last onder dwangsom"
    assert (
        bool(case["Dwangsom per week (EUR)"]) == bool(case["Maximale dwangsom (EUR)"]) == dwangsom
    )
    assert (closed is None) == (case["Status"] == "Lopend")
    if closed is not None:
        assert closed <= END and closed > (last or notice or start)
    if case["Status"] == "Dwangsom verbeurd":
        assert dwangsom
    if case["Status"] == "Bestuursdwang toegepast":
        assert case["Instrument"] == "Last onder bestuursdwang"


def test_volumes_follow_the_facts(demo: tuple[Path, VthGroundTruth]) -> None:
    _, truth = demo
    years = ((END - START).days + 1) / 365.25
    for gemeente in DEMO_GEMEENTEN:
        per_10k = truth.rows["vth_aanvragen"][gemeente.code] / years / gemeente.inwoners * 10_000
        assert 60 < per_10k < 90  # facts 4.4: 50-100 per 10,000 a year; we aim at 75
        controles = truth.rows["vth_controles"][gemeente.code] / years / gemeente.inwoners * 10_000
        assert 35 < controles < 75  # [U] ~50 per 10,000 a year
    assert sum(truth.rows["vth_handhaving"].values()) > 0


@pytest.fixture
def loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, dict[str, object]]]:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(tmp_path, seed=SEED, scale=1.0, years=2, end=END, packs=("vth",))
    yield tmp_path, truths


def test_every_row_reaches_staging_with_personal_data_pseudonymised_or_dropped(
    loaded: tuple[Path, dict[str, object]], demo: tuple[Path, VthGroundTruth]
) -> None:
    directory, truths = loaded
    _, truth = demo
    assert truths["vth"]["rows"] == truth.rows  # type: ignore[index]
    stored = json.loads((directory / "grondwaarheid" / "vth.json").read_text(encoding="utf-8"))
    assert stored["late_period"]["case_ids"] == truth.late_period.case_ids  # type: ignore[union-attr]
    with pipeline_run(directory) as (summary, warehouse):
        assert summary.refused == []
        assert summary.rows_quarantined == 0
        assert summary.rows_loaded == sum(sum(per.values()) for per in truth.rows.values())
        for contract in CONTRACTS:
            counts = dict(
                warehouse.query(
                    f"SELECT gemeente_code, count(*) FROM staging.{contract} GROUP BY 1"
                ).rows
            )
            assert counts == truth.rows[contract]
        for contract in CONTRACTS:
            columns = warehouse.query(f"SELECT * FROM staging.{contract} LIMIT 1").columns
            assert "locatie" not in columns
        names = warehouse.query(
            "SELECT aanvrager, deadline_on, received_on FROM staging.vth_aanvragen LIMIT 50"
        ).rows
        assert all(re.fullmatch(r"[0-9a-f]{64}", str(name)) for name, _, _ in names)
        assert all(isinstance(d, dt.date) and d > r for _, d, r in names)
