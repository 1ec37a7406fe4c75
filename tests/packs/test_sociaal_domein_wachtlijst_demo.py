"""Against the demo's ground truth, through the query layer: the sociaal domein models build
after `koers demo`, every planted term exceedance is found as a past-deadline case (the same
case ids, and per week the same counts), and the planted Westervoort Wmo overload shows up
in the causes table with capacity drop or inflow spike ranked first. The pack's SQL models
also translate to PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel
from tests.support.demo import make_demo, query_service

from koers.engine import Warehouse
from koers.formatting import MONTHS
from koers.metrics.query import QueryService
from koers.metrics.request import Grain, MetricRequest
from koers.packs.sociaal_domein import PACK
from koers.privacy.access import Principal, PrivacyLevel
from koers.transform.calendar import public_holidays

# Two years is the shortest period with the planted overload (it needs ~300 days after the
# leave date, which lies 60% into the period). 31 Dec 2024 is a Tuesday, a working day.
UNTIL = dt.date(2024, 12, 31)
DEMO_ARGS = (
    *("--packs", "sociaal_domein", "--years", "2", "--seed", "7"),
    *("--until", UNTIL.strftime("%d-%m-%Y")),
)
ANALIST = Principal("analist", frozenset({"analist"}), None, frozenset(PrivacyLevel))
MODELS = PACK.folder / "models"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("sociaal_domein") / "demo", DEMO_ARGS)


@pytest.fixture(scope="module")
def service(demo: Path) -> Iterator[QueryService]:
    with query_service(demo) as opened:
        yield opened


@pytest.fixture(scope="module")
def warehouse(service: QueryService) -> Warehouse:
    return service.warehouse


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (demo / "grondwaarheid" / "sociaal_domein.json").read_text("utf-8")
    )
    return loaded


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _atw_move(day: dt.date) -> dt.date:
    """Written out again here: the next day that is no weekend day or Atw feestdag."""
    while day.weekday() >= 5 or day in public_holidays(day.year) or (day.month, day.day) == (5, 5):
        day += dt.timedelta(days=1)
    return day


def _legal_end(x: dict[str, Any], extended: dict[str, str | None]) -> dt.date:
    """The pack's deadline for a ground-truth exceedance, written out again here.

    The generator counts terms in plain calendar days; the pack moves a legal term that ends
    on a weekend or feestdag to the next working day (Algemene termijnenwet, see
    docs/packs/sociaal_domein.md). A date named in an extension notice is not moved.
    """
    day = _day(x["deadline"])
    assert day is not None
    return day if extended.get(x["case_id"]) == x["deadline"] else _atw_move(day)


def _expected_late(
    truth: dict[str, Any], extended: dict[str, str | None]
) -> dict[str, dict[str, Any]]:
    """The ground truth's exceedances, less those the Algemene termijnenwet makes on time."""
    peildatum = _day(truth["peildatum"])
    assert peildatum is not None
    cases = truth["background"] + truth["overbelasting"]["overschrijdingen"]
    return {
        x["case_id"]: x for x in cases if (_day(x["done"]) or peildatum) > _legal_end(x, extended)
    }


@pytest.fixture(scope="module")
def extended(service: QueryService) -> dict[str, str | None]:
    """Verdaagd tot (the source's own column) per case id."""
    rows = service.table_rows(ANALIST, "sociaal_domein_zaken").rows
    return {r["zaak_id"]: r["verdaagd_tot"] for r in rows}


@pytest.mark.slow
def test_models_build_with_one_row_per_onderzoek_and_aanvraag(warehouse: Warehouse) -> None:
    staged = warehouse.query(
        "SELECT (SELECT count(*) FROM staging.sociaal_domein_meldingen "
        "WHERE uitkomst IS NULL OR uitkomst <> 'Verwijzing zonder onderzoek') + "
        "(SELECT count(*) FROM staging.sociaal_domein_aanvragen)"
    ).rows[0][0]
    assert warehouse.count_rows("core.sociaal_domein_zaken") == staged > 5000
    assert warehouse.count_rows("marts.sociaal_domein_zaken") == staged
    for mart in ("wachtlijst_week", "stroom_week", "capaciteit_maand", "oorzaken"):
        assert warehouse.count_rows(f"marts.sociaal_domein_{mart}") > 0
    peil = warehouse.query("SELECT DISTINCT peildatum FROM core.sociaal_domein_zaken").rows
    assert peil == [(UNTIL,)]
    # Jeugd onderzoek has no legal term; every other step has a deadline or a running hold.
    no_term = warehouse.query(
        "SELECT domein, stap, count(*) FROM core.sociaal_domein_zaken "
        "WHERE deadline IS NULL AND NOT opschorting_loopt GROUP BY 1, 2"
    ).rows
    assert [(d, s) for d, s, _ in no_term] == [("Jeugd", "onderzoek")]


@pytest.mark.slow
def test_every_planted_exceedance_is_a_past_deadline_case(
    service: QueryService, truth: dict[str, Any], extended: dict[str, str | None]
) -> None:
    start = _day(truth["start"])
    expected = _expected_late(truth, extended)
    everything = len(truth["background"]) + len(truth["overbelasting"]["case_ids"])
    # Only a handful are saved by the Atw (deadline on a feestdag, done the next day).
    assert 0 < everything - len(expected) <= 10
    table = service.table_rows(
        ANALIST,
        "sociaal_domein_zaken",
        date_from=None,
        filters={"termijn_status": ["overschreden"]},
    )
    found = {r["zaak_id"]: r for r in table.rows if r["deadline"] >= start.isoformat()}  # type: ignore[union-attr]
    assert set(found) == set(expected)
    for case_id, x in expected.items():
        row = found[case_id]
        assert row["stap"] == x["termijn"] and row["gemeente_code"] == x["gemeente_code"]
        assert row["closed_date"] == x["done"]
        assert row["deadline"] == _legal_end(x, extended).isoformat()
        assert row["client_pseudoniem"] and len(row["client_pseudoniem"]) == 64


@pytest.mark.slow
def test_open_exceedances_now_and_new_ones_per_week_match_the_ground_truth(
    service: QueryService, truth: dict[str, Any], extended: dict[str, str | None]
) -> None:
    expected = _expected_late(truth, extended)
    now = service.data(
        ANALIST, MetricRequest("sociaal_domein_over_termijn", grain=None, dimensions=("gemeente",))
    )
    open_late = Counter(x["gemeente_code"] for x in expected.values() if x["done"] is None)
    assert {r["gemeente"]: r["value"] for r in now.rows if r["value"]} == dict(open_late)

    o = truth["overbelasting"]
    first, last = _day(o["start"]), _day(o["end"])
    assert first is not None and last is not None
    weekly = service.data(
        ANALIST,
        MetricRequest(
            "sociaal_domein_nieuw_over_termijn",
            gemeenten=(o["gemeente_code"],),
            date_from=first + dt.timedelta(days=7 - first.weekday()),
            date_to=last - dt.timedelta(days=7 + last.weekday()),
            grain=Grain.WEEK,
            filters={"domein": (o["domein"],)},
        ),
    )
    mine = {k for k in o["case_ids"] if k in expected}
    planted = Counter(
        (_legal_end(expected[k], extended) + dt.timedelta(days=1)).isoformat() for k in mine
    )
    # Count per Monday of the first late day, as the ground truth's per_week does.
    per_week: Counter[str] = Counter()
    for day, n in planted.items():
        d = dt.date.fromisoformat(day)
        per_week[(d - dt.timedelta(days=d.weekday())).isoformat()] += n
    got = {r["period"]: r["value"] for r in weekly.rows}
    assert len(got) > 30
    assert got == {week: per_week.get(week, 0) for week in got}
    assert sum(got.values()) > 150


@pytest.mark.slow
def test_the_westervoort_overload_is_found_with_its_planted_causes_first(
    service: QueryService, truth: dict[str, Any]
) -> None:
    o = truth["overbelasting"]
    assert o["causes"] == ["consulent uit dienst", "instroom gestegen"]
    first, last = _day(o["start"]), _day(o["end"])
    assert first is not None and last is not None
    rows = service.table_rows(
        ANALIST,
        "sociaal_domein_oorzaken",
        gemeenten=(o["gemeente_code"],),
        date_from=first,
        date_to=last,
        filters={"domein": [o["domein"]]},
    ).rows
    weeks = sorted({r["week_end"] for r in rows})
    assert len(weeks) >= 10
    # Found within six weeks of the leave date.
    assert dt.date.fromisoformat(weeks[0]) <= first + dt.timedelta(weeks=6)
    best = [r for r in rows if r["rang"] == 1]
    assert len(best) == len(weeks)
    planted = {"capaciteit", "instroom"}  # "consulent uit dienst", "instroom gestegen"
    assert all(r["oorzaak"] in planted and r["score"] > 0 for r in best)
    assert {r["oorzaak"] for r in best} == planted  # both show up as the leading cause
    # No change in case mix was planted: it never scores.
    assert all(r["score"] == 0 for r in rows if r["oorzaak"] == "casemix")
    since = f"sinds {first.day} {MONTHS[first.month - 1]} {first.year}"
    capacity = [r["bewijs"] for r in rows if r["oorzaak"] == "capaciteit" and r["score"] > 0]
    assert capacity and all(since in text and o["team"] in text for text in capacity)
    inflow = [r["bewijs"] for r in best if r["oorzaak"] == "instroom"]
    assert inflow and all("% boven het gemiddelde van de 26 weken ervoor" in t for t in inflow)


@pytest.mark.slow
def test_available_hours_drop_when_the_consultant_leaves(
    service: QueryService, truth: dict[str, Any]
) -> None:
    o = truth["overbelasting"]
    hours = service.data(
        ANALIST,
        MetricRequest(
            "sociaal_domein_beschikbare_uren",
            gemeenten=(o["gemeente_code"],),
            grain=Grain.MONTH,
            filters={"domein": (o["domein"],)},
        ),
    )
    by_month = {r["period"]: r["value"] for r in hours.rows}
    start = dt.date.fromisoformat(o["start"])
    earlier = start.replace(year=start.year - 1).isoformat()
    # One of four consultants (the one with the most hours) is gone for four months.
    assert by_month[start.isoformat()] < 0.85 * by_month[earlier]


@pytest.mark.parametrize("path", sorted(MODELS.glob("*/*.sql")), ids=lambda p: p.stem)
def test_models_translate_to_postgresql(path: Path) -> None:
    (translated,) = sqlglot.transpile(
        path.read_text(encoding="utf-8"),
        read="duckdb",
        write="postgres",
        unsupported_level=ErrorLevel.RAISE,
    )
    assert "SELECT" in translated


def test_without_the_bevolking_pack_the_age_group_denominators_are_empty(
    warehouse: Warehouse,
) -> None:
    """The pack builds on its own: the population is an optional input of its denominators."""
    assert not warehouse.table_exists("marts.bevolking_dag")
    assert (
        warehouse.query("SELECT count(*) FROM marts.sociaal_domein_inwoners_kwartaal").scalar() == 0
    )
