"""The renewal forecast learns lead times, renewal shares, replacements and first documents
from hand-made link rows, applies them to documents still waiting, and flags the weeks over
the counter's capacity; the pack's SQL models also run on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from koers.packs.reisdocumenten import forecast as fc

PEIL = dt.date(2025, 12, 31)
GM = "GM0226"
MODELS = Path(fc.__file__).parent / "models"

Row = tuple[object, ...]


def _doc(
    aanvraag: dt.date,
    geldig_tot: dt.date,
    opvolger: dt.date | None = None,
    *,
    age: str = "30-44",
    first: bool = False,
    gemeente: str = GM,
    peil: dt.date = PEIL,
) -> Row:
    term = geldig_tot.year - aanvraag.year
    return (gemeente, "PN", age, term, aanvraag, geldig_tot, not first, opvolger, peil)


def _expired(expiry: dt.date, n: int, offsets: list[int | None]) -> list[Row]:
    """n ten-year documents expiring on ``expiry``; offsets cycle: days of the successor's
    application after expiry (negative: before), None: not renewed."""
    rows = []
    for i in range(n):
        offset = offsets[i % len(offsets)]
        successor = None if offset is None else expiry + dt.timedelta(days=offset)
        rows.append(_doc(expiry.replace(year=expiry.year - 10), expiry, successor))
    return rows


def test_lead_times_are_learned_per_expiry_month() -> None:
    # Expiring in March: renewed 30 days before; in July: 90 days before (spring).
    rows = _expired(dt.date(2024, 3, 20), 200, [-30]) + _expired(dt.date(2024, 7, 20), 200, [-90])
    behaviour = fc.learn_behaviour(fc.links_frame(rows))
    assert behaviour.lead_pmf[3][30] == pytest.approx(1.0)
    assert behaviour.lead_pmf[7][90] == pytest.approx(1.0)
    # A month without renewals of its own borrows all months together.
    assert behaviour.lead_pmf[1][30] == pytest.approx(0.5)
    assert behaviour.lead_pmf[1][90] == pytest.approx(0.5)


def test_late_renewals_not_yet_seen_do_not_lower_the_share_renewed_after_expiry() -> None:
    # Old documents, fully followed: half renewed 10 days before, a quarter 20 days after.
    old = _expired(dt.date(2021, 6, 1), 400, [-10, -10, 20, None])
    # Documents that expired 5 days before the peildatum: the early half is seen; the late
    # quarter cannot have happened yet and must not count as "never".
    recent = _expired(PEIL - dt.timedelta(days=5), 400, [-10, -10, None, None])
    shares = fc.learn_behaviour(fc.links_frame(old + recent)).shares[(10,)]
    assert shares.documents == 800
    assert shares.before == pytest.approx(0.5)
    assert shares.after == pytest.approx(0.25)


def test_shares_fall_back_to_a_wider_group_when_a_group_is_small() -> None:
    rows = _expired(dt.date(2023, 5, 1), 300, [-20, None]) + [
        _doc(dt.date(2013, 5, 1), dt.date(2023, 5, 1), None, age="65+") for _ in range(20)
    ]
    behaviour = fc.learn_behaviour(fc.links_frame(rows))
    own = behaviour.shares[(GM, 10, "65+")]
    assert (own.before, own.documents) == (0.0, 20)
    used = behaviour.shares_for(GM, 10, "65+")
    assert used.documents == 320
    assert used.before == pytest.approx(150 / 320)
    assert behaviour.shares_for(GM, 10, "30-44").before == pytest.approx(0.5)


def test_a_successor_more_than_a_year_early_is_a_replacement_not_a_renewal() -> None:
    expiry = dt.date(2024, 9, 1)
    rows = _expired(expiry, 300, [-30]) + [
        _doc(dt.date(2014, 9, 1), expiry, expiry - dt.timedelta(days=400)) for _ in range(60)
    ]
    behaviour = fc.learn_behaviour(fc.links_frame(rows))
    assert behaviour.shares[(10,)].documents == 300
    assert behaviour.shares[(10,)].before == pytest.approx(1.0)
    assert behaviour.replacement_per_year[GM] > 0


def test_documents_still_waiting_are_renewed_with_the_learned_behaviour() -> None:
    history = _expired(dt.date(2024, 4, 15), 1000, [-14, -14, -14, 30, None])
    expiry = dt.date(2026, 4, 15)  # a Wednesday
    waiting = [_doc(dt.date(2016, 4, 15), expiry) for _ in range(500)]
    result = fc.forecast(fc.links_frame(history + waiting), weeks=30)
    days = result.days.set_index("day")
    # 60% of 500 renewed 14 days before expiry, 20% 30 days after it.
    assert days.loc[expiry - dt.timedelta(days=14), "renewals"] == pytest.approx(300)
    assert days.loc[expiry + dt.timedelta(days=30), "renewals"] == pytest.approx(100)
    assert days["renewals"].sum() == pytest.approx(400)


def test_a_document_past_expiry_and_not_yet_renewed_is_conditioned_on_not_yet() -> None:
    history = _expired(dt.date(2024, 4, 15), 1000, [-14, -14, -14, 30, None])
    expired = PEIL - dt.timedelta(days=10)  # renewed-before is over; late renewals remain
    waiting = [_doc(dt.date(2015, 12, 21), expired) for _ in range(300)]
    result = fc.forecast(fc.links_frame(history + waiting), weeks=10)
    # The waiting documents are data too: none was renewed before expiry, and their late
    # renewals cannot have been seen yet. So 600 of 1300 renewed before, 200 of the 1000
    # followed long enough renewed after; of those not renewed before, that share follows.
    before, after = 600 / 1300, 200 / 1000
    assert result.behaviour.shares[(10,)].before == pytest.approx(before)
    assert result.days["renewals"].sum() == pytest.approx(300 * after / (1 - before))


def test_renewals_and_first_documents_land_on_working_days_only() -> None:
    history = _expired(dt.date(2024, 4, 15), 500, [-14, 30])
    firsts = [
        _doc(PEIL - dt.timedelta(days=d), PEIL + dt.timedelta(days=3650 - d), first=True)
        for d in range(1, 1000, 3)
    ]
    waiting = [_doc(dt.date(2016, 5, 10), dt.date(2026, 5, 10)) for _ in range(50)]  # a Sunday
    result = fc.forecast(fc.links_frame(history + firsts + waiting), weeks=40)
    closed = result.days[[d.weekday() >= 5 for d in result.days["day"]]]
    assert closed[["renewals", "first_documents", "replacements"]].to_numpy().sum() == 0
    assert result.days["first_documents"].sum() > 0
    assert (result.days["renewals"] > 0).any()


def test_weeks_flag_appointments_over_capacity_with_the_configured_factor() -> None:
    history = _expired(dt.date(2024, 4, 15), 1000, [-3])
    expiry = dt.date(2026, 3, 13)  # renewals on Tuesday 10 March, ISO week 11
    waiting = [_doc(dt.date(2016, 3, 13), expiry) for _ in range(100)]
    links = fc.links_frame(history + waiting)
    result = fc.forecast(links, weeks=20, capacity={GM: 150}, appointments_per_application=2.0)
    assert len(result.weeks) == 20
    assert result.weeks[0].iso_week == "2026-W01" and not result.weeks[0].complete
    busy = [w for w in result.weeks if w.over_capacity]
    assert [w.iso_week for w in busy] == ["2026-W11"]
    assert busy[0].appointments == pytest.approx(2 * busy[0].applications)
    assert busy[0].lower < busy[0].applications < busy[0].upper
    unlimited = fc.forecast(links, weeks=20)
    assert not any(w.over_capacity or w.may_exceed_capacity for w in unlimited.weeks)


def test_quarters_add_up_to_the_days() -> None:
    history = _expired(dt.date(2024, 4, 15), 1000, [-14, 30, None])
    waiting = [_doc(dt.date(2016, 6, 1), dt.date(2026, 6, 1)) for _ in range(100)]
    result = fc.forecast(fc.links_frame(history + waiting))
    quarters = fc.per_quarter(result)
    days = result.days
    total = (days["renewals"] + days["first_documents"] + days["replacements"]).sum()
    assert sum(quarters.values()) == pytest.approx(total)
    assert quarters[(GM, "2026-Q2")] == pytest.approx(
        fc.per_quarter(result, "renewals")[(GM, "2026-Q2")]
        + fc.per_quarter(result, "replacements")[(GM, "2026-Q2")]
    )


def test_no_rows_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="geen reisdocumenten"):
        fc.forecast(fc.links_frame([]))


@pytest.mark.parametrize("path", sorted(MODELS.glob("*/*.sql")), ids=lambda p: p.stem)
def test_models_translate_to_postgresql(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    (translated,) = sqlglot.transpile(
        sql, read="duckdb", write="postgres", unsupported_level=ErrorLevel.RAISE
    )
    assert "SELECT" in translated


def test_the_models_use_the_forecasts_replacement_threshold() -> None:
    for name in ("core/reisdocumenten.sql", "marts/reisdocumenten_vernieuwing.sql"):
        sql = (MODELS / name).read_text(encoding="utf-8")
        assert f"> {fc.REPLACEMENT_LEAD_DAYS} THEN 'verv" in sql
