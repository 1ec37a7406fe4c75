"""The reisdocumenten demo writes Burgerzaken reports that follow the validity rules, show the
dip of 2019-2023 and the renewal wave from 2024, and match their ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.config import load_project
from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.reisdocumenten import geldigheid
from koers.packs.reisdocumenten.demo import HEADER, generate_reisdocumenten
from koers.packs.reisdocumenten.simulation import add_years
from koers.packs.reisdocumenten.truth import QuarterTruth, ReisdocumentenGroundTruth

SEED = 4711
START, END = dt.date(2020, 5, 15), dt.date(2026, 5, 15)
SCALE = 0.1
HEADER_LINE = (
    "Documentnummer;Soort document;Omschrijving soort document;BSN houder;"
    "Leeftijdsklasse houder;Datum aanvraag;Spoed;Datum uitreiking;Geldig tot;Status"
)
MINOR_BANDS = {"0-11", "12-17"}
DOCUMENT_NUMBER = re.compile(r"[A-NP-Z]{2}[A-NP-Z0-9]{6}[0-9]")

Row = dict[str, str]
Demo = tuple[Path, ReisdocumentenGroundTruth]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    out = tmp_path_factory.mktemp("reisdocumenten")
    return out, generate_reisdocumenten(out, seed=SEED, start=START, end=END, scale=SCALE)


def _files(out: Path) -> list[Path]:
    return sorted(out.glob("GM*/reisdocumenten_*.csv"))


def _read(path: Path) -> list[Row]:
    with path.open(encoding="windows-1252", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d-%m-%Y").date()


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def rows(demo: Demo) -> dict[str, list[Row]]:
    out, _ = demo
    by_gemeente: dict[str, list[Row]] = defaultdict(list)
    for path in _files(out):
        by_gemeente[path.parent.name] += _read(path)
    return dict(by_gemeente)


def _truth_quarters(truth: ReisdocumentenGroundTruth, code: str) -> dict[str, QuarterTruth]:
    return {q.quarter: q for q in truth.quarters if q.gemeente_code == code}


def test_same_seed_gives_identical_bytes_whatever_the_start_and_another_seed_does_not(
    demo: Demo, tmp_path: Path
) -> None:
    out, _ = demo
    generate_reisdocumenten(
        tmp_path / "same", seed=SEED, start=dt.date(2001, 1, 1), end=END, scale=SCALE
    )
    generate_reisdocumenten(tmp_path / "other", seed=SEED + 1, start=START, end=END, scale=SCALE)
    for path in _files(out):
        relative = path.relative_to(out)
        assert (tmp_path / "same" / relative).read_bytes() == path.read_bytes()
        assert (tmp_path / "other" / relative).read_bytes() != path.read_bytes()


def test_one_windows_1252_report_per_year_of_application_from_2009(demo: Demo) -> None:
    out, truth = demo
    expected = {
        f"{g.code}/reisdocumenten_{g.code}_{year}.csv"
        for g in DEMO_GEMEENTEN
        for year in range(2009, END.year + 1)
    }
    assert {str(p.relative_to(out)) for p in _files(out)} == expected
    assert ";".join(HEADER) == HEADER_LINE
    for path in _files(out):
        raw = path.read_bytes()
        assert raw.startswith(HEADER_LINE.encode("cp1252") + b"\r\n")  # no BOM
        file_rows = _read(path)
        assert raw.count(b"\r\n") == len(file_rows) + 1
        assert truth.rows_per_file[str(path.relative_to(out))] == len(file_rows)
        year = int(path.stem[-4:])
        assert all(_date(row["Datum aanvraag"]).year == year for row in file_rows)
    assert truth.total_rows == sum(truth.rows_per_file.values())


def test_every_document_follows_the_validity_rules(rows: dict[str, list[Row]]) -> None:
    checked: Counter[str] = Counter()
    for row in (row for file_rows in rows.values() for row in file_rows):
        applied, expiry = _date(row["Datum aanvraag"]), _date(row["Geldig tot"])
        minor = row["Leeftijdsklasse houder"] in MINOR_BANDS
        # Facts section 2: 5 years for minors; adults 5 years before 9 March 2014, then 10.
        years = 5 if minor or applied < dt.date(2014, 3, 9) else 10
        day = 28 if (applied.month, applied.day) == (2, 29) else applied.day
        assert expiry == dt.date(applied.year + years, applied.month, day), row
        checked["minor" if minor else f"adult_{years}"] += 1
    assert min(checked.values()) > 1000


def test_handout_dates_bsns_and_document_numbers_are_plausible(
    rows: dict[str, list[Row]],
) -> None:
    def eleven_proof(bsn: str) -> bool:
        weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
        return sum(w * int(d) for w, d in zip(weights, bsn, strict=True)) % 11 == 0

    for file_rows in rows.values():
        numbers = [row["Documentnummer"] for row in file_rows]
        assert len(set(numbers)) == len(numbers)
        assert all(DOCUMENT_NUMBER.fullmatch(n) for n in numbers)
        assert all(eleven_proof(row["BSN houder"]) for row in file_rows)
        for row in file_rows:
            applied = _date(row["Datum aanvraag"])
            assert applied.weekday() < 5
            if row["Status"] == "Uitgereikt":
                handed = _date(row["Datum uitreiking"])
                assert applied < handed <= END
                assert (handed - applied).days <= 120
            else:
                assert row["Datum uitreiking"] == ""
                assert (END - applied).days < 120
    statuses = Counter(row["Status"] for file_rows in rows.values() for row in file_rows)
    assert statuses["In productie"] > 0 and statuses["Gereed voor uitreiking"] > 0
    spoed = Counter(row["Spoed"] for file_rows in rows.values() for row in file_rows)
    assert 0.02 < spoed["J"] / spoed.total() < 0.04


def test_volumes_follow_the_facts_and_rise_clearly_from_2024(
    rows: dict[str, list[Row]], demo: Demo
) -> None:
    _, truth = demo
    inhabitants = sum(g.inwoners for g in DEMO_GEMEENTEN) * SCALE
    per_year = Counter(
        _date(row["Datum aanvraag"]).year for file_rows in rows.values() for row in file_rows
    )
    dip = np.mean([per_year[y] for y in range(2019, 2024)]) / inhabitants * 10_000
    wave_2024_2025 = np.mean([per_year[2024], per_year[2025]]) / inhabitants * 10_000
    # Facts 4.5: about 900 per 10,000 in a dip ("normal") year and 1,600 in a peak year.
    assert dip == pytest.approx(900, rel=0.2)
    assert wave_2024_2025 == pytest.approx(1600, rel=0.2)
    for code, file_rows in rows.items():
        years = Counter(_date(row["Datum aanvraag"]).year for row in file_rows)
        assert min(years[2024], years[2025]) > 1.4 * max(years[y] for y in range(2019, 2024))
        wave = next(w for w in truth.waves if w.gemeente_code == code)
        assert {y: years[y] for y in range(2009, 2026)} == {
            y: wave.issued_per_year[y] for y in range(2009, 2026)
        }
        assert wave.wave_per_10000_per_year > 1.5 * wave.dip_per_10000_per_year
    passports = sum(r["Soort document"] == "PN" for f in rows.values() for r in f)
    # Facts section 2: passports:ID cards about 62:38 in 2023 and 57:43 in 2024.
    assert 0.52 < passports / sum(per_year.values()) < 0.65


def test_quarterly_ground_truth_matches_the_files(rows: dict[str, list[Row]], demo: Demo) -> None:
    _, truth = demo
    last_known = geldigheid.add_years(END, 5)  # documents applied after END expire later
    for code, file_rows in rows.items():
        quarters = _truth_quarters(truth, code)
        issued = Counter(_quarter(_date(r["Datum aanvraag"])) for r in file_rows)
        expiring = Counter(_quarter(_date(r["Geldig tot"])) for r in file_rows)
        complete = [q for q in quarters.values() if q.complete_in_export]
        assert len(complete) == (END.year - 2009) * 4 + 1
        assert all(issued[q.quarter] == q.issued for q in complete)
        assert not quarters[_quarter(END)].complete_in_export
        known = [q for q in quarters.values() if "2014" <= q.quarter < _quarter(last_known)]
        assert len(known) > 40
        assert all(expiring[q.quarter] == q.expiring for q in known)


def _chains(file_rows: list[Row]) -> list[tuple[Row, Row | None]]:
    """Each document with the next one of the same holder and kind (None: there is none)."""
    by_line: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in file_rows:
        by_line[row["BSN houder"], row["Soort document"]].append(row)
    pairs: list[tuple[Row, Row | None]] = []
    for line in by_line.values():
        line.sort(key=lambda r: _date(r["Datum aanvraag"]))
        pairs += list(zip(line, [*line[1:], None], strict=True))
    return pairs


def _lead(old: Row, new: Row) -> int:
    return (_date(old["Geldig tot"]) - _date(new["Datum aanvraag"])).days


def test_renewals_found_by_holder_match_the_ground_truth(
    rows: dict[str, list[Row]], demo: Demo
) -> None:
    _, truth = demo
    for code, file_rows in rows.items():
        kinds: dict[str, Counter[str]] = defaultdict(Counter)
        successors = set()
        for old, new in _chains(file_rows):
            if new is not None:
                successors.add(new["Documentnummer"])
                lead = _lead(old, new)
                kind = "replacement" if lead > 365 else "before" if lead >= 0 else "after"
                kinds[_quarter(_date(new["Datum aanvraag"]))][kind] += 1
        for row in file_rows:
            if row["Documentnummer"] not in successors:
                kinds[_quarter(_date(row["Datum aanvraag"]))]["first"] += 1
        compared = 0
        for q in _truth_quarters(truth, code).values():
            # From 2017 every predecessor lies in the export (late renewals take <= 3 years).
            if q.complete_in_export and int(q.quarter[:4]) >= 2017:
                found = kinds[q.quarter]
                assert (found["first"], found["before"], found["after"], found["replacement"]) == (
                    q.first_documents,
                    q.renewals_before_expiry,
                    q.renewals_after_expiry,
                    q.replacements,
                ), q
                compared += 1
        assert compared > 30


def test_realised_renewal_behaviour_can_be_learned_from_the_files(
    rows: dict[str, list[Row]], demo: Demo
) -> None:
    _, truth = demo
    for code, file_rows in rows.items():
        realised = next(r for r in truth.realised_behaviour if r.gemeente_code == code)
        leads: list[int] = []
        lags: list[int] = []
        expired = 0
        for old, new in _chains(file_rows):
            expiry = _date(old["Geldig tot"])
            if not realised.expiry_from <= expiry <= realised.expiry_to:
                continue
            if new is not None and _lead(old, new) > 365:
                continue  # replaced before it expired
            expired += 1
            if new is not None:
                lead = _lead(old, new)
                (leads if lead >= 0 else lags).append(abs(lead))
        assert expired == realised.documents
        assert len(leads) / expired == pytest.approx(realised.share_renewed_before_expiry, abs=1e-4)
        assert len(lags) / expired == pytest.approx(realised.share_renewed_after_expiry, abs=1e-4)
        median = float(np.percentile(leads, 50))
        assert median == pytest.approx(realised.lead_days_quantiles["p50"], abs=0.05)
        # The planted behaviour: most renew before expiry, a minority after, some never.
        assert 0.5 < realised.share_renewed_before_expiry < 0.75
        assert 0.1 < realised.share_not_renewed < 0.35
        assert 20 < median < 90


def test_the_2014_rush_and_its_2024_echo_are_planted_and_recorded(
    rows: dict[str, list[Row]], demo: Demo
) -> None:
    _, truth = demo
    for code, file_rows in rows.items():
        per_quarter = Counter(_quarter(_date(r["Datum aanvraag"])) for r in file_rows)
        rush = next(p for p in truth.peaks if p.gemeente_code == code and "2014" in p.name)
        assert rush.period_start >= dt.date(2014, 3, 10)
        assert per_quarter["2014-Q2"] > 1.3 * per_quarter["2015-Q2"]
        assert per_quarter["2013-Q3"] < 0.8 * per_quarter["2012-Q3"]  # people waited
        wave = next(w for w in truth.waves if w.gemeente_code == code)
        assert wave.expiry_peak_quarter == "2024-Q2"
        assert wave.peak_quarter in wave.peak_quarters
        assert int(wave.peak_quarter[:4]) in range(2024, 2029)
        first_half_2024 = per_quarter["2024-Q1"] + per_quarter["2024-Q2"]
        dip_half_year = sum(per_quarter[f"{y}-Q{i}"] for y in range(2019, 2024) for i in (1, 2))
        assert first_half_2024 > 1.5 * dip_half_year / 5


def test_the_childrens_id_card_rush_of_december_2011_echoes_in_2016(
    rows: dict[str, list[Row]], demo: Demo
) -> None:
    _, truth = demo
    children: Counter[str] = Counter()
    for code, file_rows in rows.items():
        own = Counter(
            _date(r["Datum aanvraag"]).strftime("%Y-%m")
            for r in file_rows
            if r["Soort document"] == "NI" and r["Leeftijdsklasse houder"] in MINOR_BANDS
        )
        nik = next(p for p in truth.peaks if p.gemeente_code == code and "nik" in p.name)
        assert own["2011-12"] > nik.documents > 3 * own["2011-11"]
        assert nik.echo_start.strftime("%Y-%m") == nik.echo_end.strftime("%Y-%m") == "2016-12"
        children += own
    # Five years on the cards expire; renewals come in the months before (lead time).
    echo = sum(children[f"2016-{m}"] for m in ("10", "11", "12"))
    assert echo > 1.5 * sum(children[f"2015-{m}"] for m in ("10", "11", "12"))


@given(st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)), st.integers(0, 20))
def test_vectorised_add_years_agrees_with_the_rule(day: dt.date, years: int) -> None:
    vectorised = add_years(np.array([day], dtype="datetime64[D]"), years)[0].item()
    assert vectorised == geldigheid.add_years(day, years)
    minor = geldigheid.is_minor(dt.date(2000, 1, 1), day)
    assert geldigheid.expiry_date(day, minor) > day


def test_every_row_loads_through_ingestion_with_the_bsn_pseudonymised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(
        tmp_path, seed=SEED, scale=0.02, years=3, end=END, packs=("reisdocumenten",)
    )
    truth = truths["reisdocumenten"]
    assert isinstance(truth, dict)
    saved = json.loads((tmp_path / "grondwaarheid" / "reisdocumenten.json").read_text("utf-8"))
    assert saved["total_rows"] == truth["total_rows"] > 0
    assert len(load_project(tmp_path).sources) == len(DEMO_GEMEENTEN)
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert (summary.rows_loaded, summary.rows_quarantined) == (truth["total_rows"], 0)
        ((stored, holders, raw_bsn),) = warehouse.query(
            "SELECT count(*), count(DISTINCT houder_bsn), "
            "count(*) FILTER (WHERE regexp_full_match(houder_bsn, '[0-9]{9}')) "
            "FROM staging.reisdocumenten"
        ).rows
    bsns = set()
    for path in (tmp_path / "bronnen" / "reisdocumenten").glob("GM*/*.csv"):
        bsns |= {row["BSN houder"] for row in _read(path)}
    assert (stored, raw_bsn) == (truth["total_rows"], 0)
    assert holders == len(bsns)
