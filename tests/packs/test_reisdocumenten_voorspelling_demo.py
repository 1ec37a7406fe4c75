"""Against the demo's ground truth: the models build in the warehouse after `koers demo`, the
metrics answer through the query layer, and the renewal forecast made from the warehouse
lands within 10% of what the simulated world really did in each forecast quarter."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.demo import make_demo

from koers.config import load_project
from koers.engine import Warehouse, connect
from koers.metrics.query import QueryService
from koers.metrics.request import Grain, MetricRequest
from koers.packs import load_packs
from koers.packs.reisdocumenten import forecast as fc
from koers.privacy.access import Principal, PrivacyLevel

pytestmark = pytest.mark.slow

# The export ends on the last day of a quarter, so every forecast quarter is whole; scale 1
# keeps the counter's chance per quarter (Poisson) at 3-5% of the count.
UNTIL = dt.date(2025, 12, 31)
DEMO_ARGS = (
    *("--packs", "reisdocumenten", "--years", "2", "--seed", "11", "--scale", "1"),
    *("--until", UNTIL.strftime("%d-%m-%Y")),
)
TOLERANCE = 0.10
ANALIST = Principal("analist", frozenset({"analist"}), None, frozenset(PrivacyLevel))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("reisdocumenten") / "demo", DEMO_ARGS)


@pytest.fixture(scope="module")
def warehouse(demo: Path) -> Iterator[Warehouse]:
    with connect(load_project(demo), read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (demo / "grondwaarheid" / "reisdocumenten.json").read_text("utf-8")
    )
    return loaded


@pytest.fixture(scope="module")
def result(warehouse: Warehouse) -> fc.RenewalForecast:
    return fc.forecast_from_warehouse(warehouse)


def _quarters(first: dt.date, last: dt.date) -> list[str]:
    """Quarters wholly inside first..last."""
    out: list[str] = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        start = dt.date(year, quarter * 3 + 1, 1)
        end = dt.date(year + quarter // 3, (quarter + 1) % 4 * 3 + 1, 1) - dt.timedelta(days=1)
        if end > last:
            return out
        if start >= first:
            out.append(f"{year}-Q{quarter + 1}")
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)


def test_models_build_and_link_every_renewal_the_ground_truth_counts(
    warehouse: Warehouse, truth: dict[str, Any]
) -> None:
    assert warehouse.count_rows("core.reisdocumenten") == truth["total_rows"]
    assert warehouse.count_rows("marts.reisdocumenten_vernieuwing") == truth["total_rows"]
    assert warehouse.count_rows("core.balie_capaciteit") == 3
    found = {
        (code, quarter): count
        for code, quarter, count in warehouse.query(
            "SELECT gemeente_code, CAST(extract(year FROM aanvraagdatum) AS VARCHAR) || '-Q' || "
            "CAST(extract(quarter FROM aanvraagdatum) AS VARCHAR), sum(aanvragen_count) "
            "FROM marts.reisdocumenten_aanvragen_dag "
            "WHERE aanvraagreden LIKE 'vernieuwing%' AND aanvraagdatum >= DATE '2017-01-01' "
            "GROUP BY 1, 2"
        ).rows
    }
    # From 2017 every predecessor lies in the export (late renewals take at most 3 years).
    for q in truth["quarters"]:
        if q["complete_in_export"] and q["quarter"] >= "2017":
            renewed = q["renewals_before_expiry"] + q["renewals_after_expiry"]
            assert found[(q["gemeente_code"], q["quarter"])] == renewed, q


def test_metrics_show_the_2014_wave_through_the_query_layer(
    demo: Path, warehouse: Warehouse
) -> None:
    project = load_project(demo)
    service = QueryService(project, warehouse, load_packs(project.packs, project.dir))
    expiring = service.data(
        ANALIST,
        MetricRequest(
            "reisdocumenten_verlopend",
            date_from=dt.date(2019, 1, 1),
            date_to=dt.date(2028, 12, 31),
            grain=Grain.YEAR,
            dimensions=("geldigheidsduur",),
        ),
    )
    ten_year = {
        r["period"][:4]: r["value"] for r in expiring.rows if r["geldigheidsduur"] == "10 jaar"
    }
    assert min(ten_year) == "2024"  # the first ten-year documents were applied for in 2014
    five_year = {
        r["period"][:4]: r["value"] for r in expiring.rows if r["geldigheidsduur"] == "5 jaar"
    }
    assert all(ten_year[y] > five_year[y] for y in ("2024", "2025", "2026", "2027"))
    share = service.data(
        ANALIST,
        MetricRequest(
            "reisdocumenten_vernieuwd_voor_verloop_pct",
            grain=None,
            date_from=dt.date(2020, 1, 1),
            date_to=UNTIL,
        ),
    )
    assert 55 < share.rows[0]["value"] < 75


def test_forecast_renewals_per_quarter_are_within_10_percent_of_the_ground_truth(
    result: fc.RenewalForecast, truth: dict[str, Any]
) -> None:
    """The quantity compared: renewals (renewals_before_expiry + renewals_after_expiry of the
    ground truth) per gemeente per quarter, for every quarter the 156 weeks cover whole."""
    forecast = fc.per_quarter(result, "renewals")
    last_day = max(w.week_start for w in result.weeks) + dt.timedelta(days=6)
    quarters = _quarters(UNTIL + dt.timedelta(days=1), last_day)
    assert len(quarters) == 11
    by_key = {(q["gemeente_code"], q["quarter"]): q for q in truth["quarters"]}
    errors = {}
    for code in result.peildatum:
        for quarter in quarters:
            q = by_key[(code, quarter)]
            real = q["renewals_before_expiry"] + q["renewals_after_expiry"]
            errors[(code, quarter)] = forecast[(code, quarter)] / real - 1
    worst = max(errors, key=lambda k: abs(errors[k]))
    assert abs(errors[worst]) <= TOLERANCE, (worst, errors[worst])


def test_forecast_applications_per_quarter_are_within_10_percent_over_the_gemeenten(
    result: fc.RenewalForecast, truth: dict[str, Any]
) -> None:
    """All applications (``issued``: renewals, first documents, replacements) summed over the
    three gemeenten; per gemeente the first documents' chance alone is about 7% a quarter."""
    forecast = fc.per_quarter(result, "applications")
    last_day = max(w.week_start for w in result.weeks) + dt.timedelta(days=6)
    for quarter in _quarters(UNTIL + dt.timedelta(days=1), last_day):
        real = sum(q["issued"] for q in truth["quarters"] if q["quarter"] == quarter)
        expected = sum(v for (_, q), v in forecast.items() if q == quarter)
        assert abs(expected / real - 1) <= TOLERANCE, (quarter, expected, real)


def test_the_wave_puts_weeks_over_the_configured_capacity(result: fc.RenewalForecast) -> None:
    assert len(result.weeks) == 3 * fc.DEFAULT_WEEKS
    zevenaar = [w for w in result.weeks if w.gemeente_code == "GM0299"]
    assert all(w.capacity == 114 for w in zevenaar)
    spring_2026 = [w for w in zevenaar if w.iso_week.startswith("2026-W1")]
    autumn_2028 = [w for w in zevenaar if "2028-W40" <= w.iso_week <= "2028-W49"]
    assert all(w.over_capacity for w in spring_2026)
    assert not any(w.over_capacity for w in autumn_2028)


def test_the_forecast_is_stored_as_a_mart_and_served_through_the_query_layer(
    demo: Path, warehouse: Warehouse, result: fc.RenewalForecast
) -> None:
    """The pipeline's Python model stores the same weeks; pages and the API read them as a
    published table and as metrics, with the level rules of every other query."""
    project = load_project(demo)
    service = QueryService(project, warehouse, load_packs(project.packs, project.dir))
    table = service.table_rows(ANALIST, "reisdocumenten_prognose", gemeenten=("GM0299",))
    weeks = [w for w in result.weeks if w.gemeente_code == "GM0299"]
    assert len(table.rows) == len(weeks) == fc.DEFAULT_WEEKS
    for row, week in zip(table.rows, weeks, strict=True):
        assert row["iso_week"] == week.iso_week
        assert row["verwacht_aanvragen"] == pytest.approx(week.applications, rel=1e-6)
        assert row["boven_capaciteit"] == week.over_capacity
    per_quarter = service.data(
        ANALIST,
        MetricRequest(
            "reisdocumenten_prognose_aanvragen", gemeenten=("GM0299",), grain=Grain.QUARTER
        ),
    )
    assert sum(r["value"] for r in per_quarter.rows) == pytest.approx(
        sum(w.applications for w in weeks), rel=1e-6
    )
    from koers.errors import AccessDenied
    from koers.privacy.access import PUBLIC

    with pytest.raises(AccessDenied):
        service.table_rows(PUBLIC, "reisdocumenten_prognose")
