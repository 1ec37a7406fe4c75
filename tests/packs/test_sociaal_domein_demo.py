"""The sociaal domein demo writes realistic, reproducible Wmo and Jeugd case exports whose
planted patterns can be found back in the files and match the ground truth."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.helpers import TEST_PSEUDONYM_KEY, pipeline_run

from koers.demo.geography import DEMO_GEMEENTEN
from koers.demo.project import write_demo_project
from koers.packs.sociaal_domein import PACK
from koers.packs.sociaal_domein.demo import SociaalDomeinGroundTruth, generate_sociaal_domein
from koers.privacy.pseudonym import bsn_valid, pseudonym

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
SEED = 4242
INHABITANTS = {g.code: g.inwoners for g in DEMO_GEMEENTEN}
CONTRACTS = (
    "sociaal_domein_meldingen",
    "sociaal_domein_aanvragen",
    "sociaal_domein_voorzieningen",
    "sociaal_domein_consulenten_uren",
)
# The legal terms, written out here again so the test does not reuse the generator's rules:
# Wmo onderzoek 6 weeks (art. 2.3.2), beschikking 2 weeks (Wmo art. 2.3.5) or 8 (Awb 4:13).
ONDERZOEK_DAYS = 42
BESCHIKKING_DAYS = {"Wmo": 14, "Jeugd": 56}

DIRECT = ("Huisarts, jeugdarts of medisch specialist", "Gecertificeerde instelling")

Row = dict[str, str]


class Export:
    """All files of one generated demo, parsed without the generator's code."""

    def __init__(self, bronnen: Path) -> None:
        self.bronnen = bronnen
        self.meldingen = self._csv("sociaal_domein_meldingen")
        self.aanvragen = self._csv("sociaal_domein_aanvragen")
        self.voorzieningen = self._csv("sociaal_domein_voorzieningen")
        self.uren: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(bronnen.glob("sociaal_domein_consulenten_uren/GM*/*.xlsx")):
            sheet = load_workbook(path, read_only=True).active
            assert sheet is not None
            values = list(sheet.iter_rows(values_only=True))
            self.uren[path.parent.name] = [dict(zip(values[0], v, strict=True)) for v in values[1:]]

    def _csv(self, contract: str) -> dict[str, list[Row]]:
        out = {}
        for path in sorted(self.bronnen.glob(f"{contract}/GM*/*.csv")):
            encoding = "cp1252" if path.parent.name == "GM0299" else "utf-8-sig"
            with path.open(encoding=encoding, newline="") as handle:
                out[path.parent.name] = list(csv.DictReader(handle, delimiter=";"))
        return out


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d-%m-%Y").date()


def opt(text: str) -> dt.date | None:
    """A date column that may be empty."""
    return day(text) if text else None


def number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Export, SociaalDomeinGroundTruth]:
    out = tmp_path_factory.mktemp("sociaal_domein")
    truth = generate_sociaal_domein(out, seed=SEED, start=START, end=END)
    return Export(out), truth


def _late(export: Export, start: dt.date, peildatum: dt.date) -> dict[str, tuple[str, dt.date]]:
    """Every case late on a legal term, by case id: (gemeente, deadline)."""
    late: dict[str, tuple[str, dt.date]] = {}

    def check(case_id: str, code: str, deadline: dt.date, done: dt.date | None) -> None:
        if deadline >= start and (done > deadline if done else peildatum > deadline):
            late[case_id] = (code, deadline)

    for code, rows in export.meldingen.items():
        for r in rows:
            if r["Domein"] == "Wmo":
                deadline = day(r["Datum melding"]) + dt.timedelta(days=ONDERZOEK_DAYS)
                check(r["Meldingnummer"], code, deadline, opt(r["Einddatum onderzoek"]))
    for code, rows in export.aanvragen.items():
        for r in rows:
            if r["Opschorting vanaf"] and not r["Opschorting tot en met"]:
                continue  # the term is on hold
            deadline = day(r["Datum aanvraag"]) + dt.timedelta(days=BESCHIKKING_DAYS[r["Domein"]])
            if r["Opschorting vanaf"]:
                deadline += day(r["Opschorting tot en met"]) - day(r["Opschorting vanaf"])
                deadline += dt.timedelta(days=1)
            if r["Verdaagd tot"]:
                deadline = max(deadline, day(r["Verdaagd tot"]))
            check(r["Aanvraagnummer"], code, deadline, opt(r["Datum beschikking"]))
    return late


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first, last = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        generate_sociaal_domein(tmp_path / name, seed=seed, start=first, end=last, scale=0.2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 12
    for relative in files:
        data = (tmp_path / "a" / relative).read_bytes()
        assert (tmp_path / "b" / relative).read_bytes() == data
        assert (tmp_path / "c" / relative).read_bytes() != data


def test_one_folder_per_contract_and_gemeente_in_the_export_dialects(
    demo: tuple[Export, SociaalDomeinGroundTruth],
) -> None:
    export, truth = demo
    assert {c.name for c in PACK.contracts} == set(CONTRACTS)
    written = sorted(str(p.relative_to(export.bronnen)) for p in export.bronnen.rglob("*.*"))
    assert written == sorted(truth.rows_per_file)
    assert {w.split("/")[0] for w in written} == set(CONTRACTS)
    for relative, count in truth.rows_per_file.items():
        code = relative.split("/")[1]
        raw = (export.bronnen / relative).read_bytes()
        if relative.endswith(".xlsx"):
            assert len(export.uren[code]) == count
            continue
        # 1Stroom's system writes UTF-8 with a BOM, Zevenaar's an older Windows-1252 export.
        assert raw.startswith(b"\xef\xbb\xbf") == (code != "GM0299")
        contract = relative.split("/")[0].removeprefix("sociaal_domein_")
        assert len(getattr(export, contract)[code]) == count
    assert "Zorgcoöperatie Voorbeeld (fictief)" in {
        r["Aanbieder"] for r in export.voorzieningen["GM0299"]
    }
    assert truth.malformed_rows == {name: [] for name in truth.rows_per_file}


def test_clients_have_fake_bsns_that_pass_the_11_proef_and_stay_one_person(
    demo: tuple[Export, SociaalDomeinGroundTruth],
) -> None:
    export, _ = demo
    for code in INHABITANTS:
        person: dict[str, tuple[str, str, str, str]] = {}
        rows = export.meldingen[code] + export.voorzieningen[code]
        for r in rows:
            assert bsn_valid(r["BSN"]) and len(r["BSN"]) == 9
            seen = (r["Domein"], r["Leeftijdscategorie"], r["Geslacht"], r["Wijkcode"])
            assert person.setdefault(r["BSN"], seen) == seen
        domains = Counter(r["Domein"] for r in export.meldingen[code])
        per_client = Counter(r["BSN"] for r in export.meldingen[code])
        assert max(per_client.values()) > 1  # some clients come back: pseudonyms must link
        assert len(per_client) < sum(domains.values())


def test_volumes_follow_the_facts(demo: tuple[Export, SociaalDomeinGroundTruth]) -> None:
    export, _ = demo
    year = 2023  # before the planted patterns
    for code, people in INHABITANTS.items():
        meldingen = Counter(
            r["Domein"] for r in export.meldingen[code] if day(r["Datum melding"]).year == year
        )
        # No source for Wmo inflow; the facts assume 20-30% of the ~720 clients per 10,000.
        assert 140 < meldingen["Wmo"] / people * 1e4 < 260
        clients: dict[str, set[str]] = defaultdict(set)
        for r in export.voorzieningen[code]:
            ends = opt(r["Einddatum"])
            if day(r["Startdatum"]) <= dt.date(year, 12, 31) and (
                ends is None or ends >= dt.date(year, 1, 1)
            ):
                clients[r["Domein"]].add(r["BSN"])
        # Wmo: 72 per 1,000 (CBS 86050NED); Jeugd: ~270 per 10,000 inhabitants (NJi/CBS).
        assert len(clients["Wmo"]) / people * 1e4 == pytest.approx(720, rel=0.2)
        assert len(clients["Jeugd"]) / people * 1e4 == pytest.approx(270, rel=0.2)
        wmo_team = {
            r["Consulentcode"]
            for r in export.uren[code]
            if r["Functie"] == "Wmo-consulent" and r["Maand"].date() == dt.date(year, 1, 1)
        }
        assert len(wmo_team) == round(people * 2.6 / 1e4)  # 2.6 per 10,000 (facts 4.1)


def test_dates_and_amounts_are_consistent(demo: tuple[Export, SociaalDomeinGroundTruth]) -> None:
    export, _ = demo
    for code in INHABITANTS:
        meldingen = {r["Meldingnummer"]: r for r in export.meldingen[code]}
        beschikkingen: dict[str, tuple[dt.date, str]] = {}
        for r in meldingen.values():
            dates = [
                opt(r[k]) for k in ("Datum melding", "Startdatum onderzoek", "Einddatum onderzoek")
            ]
            known = [d for d in dates if d]
            assert known == sorted(known) and max(known) <= END
            assert bool(r["Uitkomst onderzoek"]) == (r["Status"] == "Afgerond")
            if r["Uitkomst onderzoek"] == "Verwijzing zonder onderzoek":
                assert not r["Startdatum onderzoek"] and r["Domein"] == "Jeugd"
        for r in export.aanvragen[code]:
            melding = meldingen[r["Meldingnummer"]]
            assert melding["Uitkomst onderzoek"] == "Aanvraag"
            aanvraag, decided = day(r["Datum aanvraag"]), opt(r["Datum beschikking"])
            assert day(melding["Einddatum onderzoek"]) <= aanvraag <= END
            assert decided is None or aanvraag < decided <= END
            assert bool(r["Besluit"]) == bool(decided) == bool(r["Beschikkingnummer"])
            if r["Opschorting tot en met"]:
                assert aanvraag < day(r["Opschorting vanaf"]) <= day(r["Opschorting tot en met"])
                assert decided is None or decided > day(r["Opschorting tot en met"])
            if r["Datum verdagingsbericht"]:
                # The notice goes out before the original term ends (Awb 4:14).
                term = aanvraag + dt.timedelta(days=BESCHIKKING_DAYS[r["Domein"]] + 28)
                assert aanvraag < day(r["Datum verdagingsbericht"]) <= term
                assert day(r["Verdaagd tot"]) > day(r["Datum verdagingsbericht"])
            if decided:
                beschikkingen[r["Beschikkingnummer"]] = (decided, r["Besluit"])
        for r in export.voorzieningen[code]:
            start, ends = day(r["Startdatum"]), opt(r["Einddatum"])
            assert start <= END and (ends is None or start <= ends <= END)
            assert ends is None or ends >= START - dt.timedelta(days=1)
            if r["Beschikkingnummer"] in beschikkingen:
                decided, besluit = beschikkingen[r["Beschikkingnummer"]]
                assert besluit == "Toegekend" and decided <= start
            elif not r["Beschikkingnummer"]:  # a referral under the Jeugdwet, no beschikking
                assert r["Domein"] == "Jeugd"
                referral = meldingen.get(r["Meldingnummer"])
                if referral is not None:
                    assert referral["Verwijzer"] in DIRECT
                    assert day(referral["Datum melding"]) <= start
            else:  # granted before the export period: a conversion record
                assert start < START + dt.timedelta(days=365)
            tarief, cost = number(r["Tarief"]), number(r["Kosten tot en met peildatum"])
            if r["Eenheid"] == "stuk":
                assert cost == tarief and ends == start
            else:
                days = ((ends or END) - start).days + 1
                expected = number(r["Omvang per week"]) * tarief * days / 7
                assert cost == pytest.approx(expected, abs=0.011)


def test_every_term_exceedance_is_in_the_ground_truth(
    demo: tuple[Export, SociaalDomeinGroundTruth],
) -> None:
    export, truth = demo
    late = _late(export, START, END)
    overload = truth.overbelasting
    assert overload is not None
    recorded = {x.case_id for x in truth.background} | set(overload.case_ids)
    assert set(late) == recorded
    assert len(truth.background) + len(overload.case_ids) == len(recorded)
    # Background: a few everywhere, at a low rate (about 1 to 3% of cases).
    cases = sum(len(rows) for rows in export.meldingen.values())
    assert 0.002 < len(truth.background) / cases < 0.03
    assert {x.gemeente_code for x in truth.background} == set(INHABITANTS)


def test_planted_overload_shows_in_hours_inflow_and_late_cases(
    demo: tuple[Export, SociaalDomeinGroundTruth],
) -> None:
    export, truth = demo
    o = truth.overbelasting
    assert o is not None and (o.gemeente_code, o.domein) == ("GM0293", "Wmo")
    assert o.causes == ["consulent uit dienst", "instroom gestegen"]
    hours = {(r["Consulentcode"], r["Maand"].date()): r for r in export.uren[o.gemeente_code]}
    assert hours[(o.consultant_left, o.start)]["Beschikbare uren per week"] == 0
    assert hours[(o.consultant_left, o.start)]["Status"] == "Uit dienst"
    before = o.start.replace(month=o.start.month - 1) if o.start.month > 1 else None
    assert before is None or hours[(o.consultant_left, before)]["Beschikbare uren per week"] > 0
    assert (o.successor, o.successor_start) in hours
    assert not any(k == o.successor and m < o.successor_start for k, m in hours)

    # Inflow: the Wmo meldingen per day in the planted months against the rest of the period.
    dates = [
        day(r["Datum melding"])
        for r in export.meldingen[o.gemeente_code]
        if r["Domein"] == "Wmo" and day(r["Datum melding"]) >= START
    ]
    inside = sum(o.inflow_start <= d <= o.inflow_end for d in dates)
    span = (o.inflow_end - o.inflow_start).days + 1
    rate_in = inside / span
    rate_out = (len(dates) - inside) / ((END - START).days + 1 - span)
    assert 1.1 < rate_in / rate_out < 1.6

    # Late cases: the team's exceedances in the window are exactly the recorded ones.
    late = _late(export, START, END)
    mine = sorted(
        case_id
        for case_id, (code, deadline) in late.items()
        if code == o.gemeente_code and case_id[1] == "W" and o.start <= deadline <= o.end
    )
    assert mine == o.case_ids and len(mine) > 50
    # Counted by the Monday of the week holding the first late day.
    first_late = [late[c][1] + dt.timedelta(days=1) for c in mine]
    per_week = Counter((d - dt.timedelta(days=d.weekday())).isoformat() for d in first_late)
    assert dict(per_week) == o.per_week
    weeks = (o.end - o.start).days / 7
    team_background = [
        x for x in truth.background if (x.gemeente_code, x.domein) == (o.gemeente_code, o.domein)
    ]
    background_weeks = ((END - START).days - (o.end - o.start).days) / 7
    assert len(mine) / weeks > 10 * max(len(team_background), 1) / background_weeks


def test_planted_intervention_lowers_zevenaar_jeugd_inflow_by_about_15_percent(
    demo: tuple[Export, SociaalDomeinGroundTruth],
) -> None:
    export, truth = demo
    i = truth.interventie
    assert i is not None and (i.gemeente_code, i.domein, i.effect_pct) == ("GM0299", "Jeugd", -15)
    assert i.control_gemeenten == ["GM0226", "GM0293"]

    def before_after(codes: list[str]) -> tuple[int, int]:
        dates = [
            day(r["Datum melding"])
            for c in codes
            for r in export.meldingen[c]
            if r["Domein"] == "Jeugd" and day(r["Datum melding"]) >= START
        ]
        return sum(d < i.start for d in dates), sum(d >= i.start for d in dates)

    treated, control = before_after([i.gemeente_code]), before_after(i.control_gemeenten)
    ratio = (treated[1] / treated[0]) / (control[1] / control[0])
    assert 0.7 < ratio < 0.95  # planted: 0.85


def test_demo_loads_through_ingestion_without_quarantine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOERS_PSEUDONIEM_SLEUTEL", TEST_PSEUDONYM_KEY)
    truths = write_demo_project(
        tmp_path, seed=3, scale=0.3, years=1, end=END, packs=("sociaal_domein",)
    )
    truth = truths["sociaal_domein"]
    assert isinstance(truth, dict)
    with pipeline_run(tmp_path) as (summary, warehouse):
        assert summary.rows_quarantined == 0
        assert summary.rows_loaded == sum(truth["rows_per_file"].values())
        counts = {
            c: warehouse.query(f"SELECT count(*) FROM staging.{c}").rows[0][0] for c in CONTRACTS
        }
        stored = warehouse.query(
            "SELECT bsn FROM staging.sociaal_domein_meldingen "
            "WHERE gemeente_code = 'GM0293' ORDER BY melding_id LIMIT 1"
        ).rows[0][0]
        columns = warehouse.table_columns("staging.sociaal_domein_consulenten_uren")
    for contract, count in counts.items():
        files = [n for n in truth["rows_per_file"] if n.startswith(contract + "/")]
        assert count == sum(truth["rows_per_file"][n] for n in files) > 0
    export = Export(tmp_path / "bronnen")
    first = sorted(export.meldingen["GM0293"], key=lambda r: r["Meldingnummer"])[0]
    assert stored == pseudonym(first["BSN"], TEST_PSEUDONYM_KEY.encode(), "bsn")
    assert "naam" not in columns
