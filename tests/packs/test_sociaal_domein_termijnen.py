"""Legal-term arithmetic of the sociaal domein pack on hand-made edge cases: month ends, the
leap day, weekends and feestdagen under the Algemene termijnenwet, Awb 4:15 suspensions
across and after the deadline or still running, Awb 4:14 extensions sent in time or too
late, and the terms seed with a gemeente's own row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koers.packs.sociaal_domein import PACK
from koers.packs.sociaal_domein.terms import (
    Termijn,
    Termijnen,
    atw_end,
    deadline,
    is_late,
)

D = dt.date
WMO_ONDERZOEK = Termijn("*", "Wmo", "onderzoek", 42, True, "Wmo 2015 art. 2.3.2")
WMO_BESCHIKKING = Termijn("*", "Wmo", "beschikking", 14, True, "Wmo 2015 art. 2.3.5")
JEUGD_BESCHIKKING = Termijn("*", "Jeugd", "beschikking", 56, True, "Awb 4:13")
#: A term from a local verordening: the Atw does not cover it.
VERORDENING = Termijn("GM0293", "Jeugd", "beschikking", 42, False, "Verordening jeugdhulp")
SEED = PACK.folder / "seeds" / "sociaal_domein_termijnen.csv"


def _end(start: D, termijn: Termijn, **kwargs: D | None) -> D | None:
    return deadline(start, termijn, **kwargs).deadline


@pytest.mark.parametrize(
    ("start", "termijn", "expected"),
    [
        # Month ends: a term in days runs over the end of a month like any other day.
        (D(2023, 1, 31), WMO_BESCHIKKING, D(2023, 2, 14)),  # Tue -> Tue
        (D(2023, 3, 31), WMO_ONDERZOEK, D(2023, 5, 12)),  # Fri -> Fri
        (D(2023, 12, 29), WMO_BESCHIKKING, D(2024, 1, 12)),  # over new year
        # The leap day is an ordinary working day and can be the last day.
        (D(2024, 2, 15), WMO_BESCHIKKING, D(2024, 2, 29)),
        (D(2024, 1, 4), JEUGD_BESCHIKKING, D(2024, 2, 29)),
        (D(2023, 2, 15), WMO_BESCHIKKING, D(2023, 3, 1)),  # no leap day in 2023
        # Atw: Saturday and Sunday move to Monday.
        (D(2024, 1, 6), WMO_ONDERZOEK, D(2024, 2, 19)),  # would end Sat 17 Feb
        (D(2024, 1, 7), WMO_ONDERZOEK, D(2024, 2, 19)),  # would end Sun 18 Feb
        # Atw feestdagen: Hemelvaartsdag, both Christmas days, Easter and Whit Monday, and
        # 5 May in every year (2023 is no lustrum year, still a feestdag for the Atw).
        (D(2024, 4, 25), WMO_BESCHIKKING, D(2024, 5, 10)),  # Thu 9 May 2024
        (D(2023, 12, 11), WMO_BESCHIKKING, D(2023, 12, 27)),  # Mon 25 Dec, Tue 26 Dec
        (D(2024, 3, 18), WMO_BESCHIKKING, D(2024, 4, 2)),  # Mon 1 Apr: Tweede Paasdag
        (D(2024, 5, 6), WMO_BESCHIKKING, D(2024, 5, 21)),  # Mon 20 May: Tweede Pinksterdag
        (D(2023, 4, 21), WMO_BESCHIKKING, D(2023, 5, 8)),  # Fri 5 May 2023
        (D(2024, 4, 13), WMO_BESCHIKKING, D(2024, 4, 29)),  # Sat 27 Apr: Koningsdag
        # A verordening's term is not moved: it ends on the Saturday.
        (D(2024, 1, 6), VERORDENING, D(2024, 2, 17)),
    ],
)
def test_the_term_ends_on_the_right_day(start: D, termijn: Termijn, expected: D) -> None:
    assert _end(start, termijn) == expected


def test_a_suspension_across_the_deadline_adds_all_its_days() -> None:
    # Aanvraag Mon 4 Mar 2024: term ends Mon 18 Mar. Suspended 14 to 27 Mar (14 days, both
    # included): 18 Mar + 14 = Mon 1 Apr, Tweede Paasdag, so Tue 2 Apr.
    result = deadline(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        suspended_from=D(2024, 3, 14),
        suspended_until=D(2024, 3, 27),
    )
    assert (result.deadline, result.wettelijk, result.opgeschort_dagen) == (
        D(2024, 4, 2),
        D(2024, 4, 2),
        14,
    )
    # A one-day suspension adds one day.
    one = _end(
        D(2024, 3, 4), WMO_BESCHIKKING, suspended_from=D(2024, 3, 5), suspended_until=D(2024, 3, 5)
    )
    assert one == D(2024, 3, 19)


def test_a_suspension_after_the_term_ended_changes_nothing() -> None:
    late = deadline(
        D(2024, 3, 4), WMO_BESCHIKKING, suspended_from=D(2024, 3, 19), suspended_until=D(2024, 4, 5)
    )
    assert (late.deadline, late.opgeschort_dagen) == (D(2024, 3, 18), 0)
    # Starting on the last day still counts: the term was running.
    on_last_day = _end(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        suspended_from=D(2024, 3, 18),
        suspended_until=D(2024, 3, 18),
    )
    assert on_last_day == D(2024, 3, 19)


def test_a_running_suspension_puts_the_term_on_hold() -> None:
    held = deadline(D(2024, 3, 4), WMO_BESCHIKKING, suspended_from=D(2024, 3, 10))
    assert held.deadline is None and held.opschorting_loopt
    assert not is_late(held.deadline, None, D(2024, 12, 31))
    # One that began after the term ended does not hold anything: the case is late.
    after = deadline(D(2024, 3, 4), WMO_BESCHIKKING, suspended_from=D(2024, 3, 25))
    assert after.deadline == D(2024, 3, 18) and not after.opschorting_loopt
    assert is_late(after.deadline, None, D(2024, 3, 19))


def test_an_extension_sent_in_time_sets_the_new_last_day() -> None:
    result = deadline(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        extension_notice=D(2024, 3, 15),
        extended_until=D(2024, 4, 1),
    )
    # The college names the date itself: the Atw does not move it off Tweede Paasdag.
    assert (result.deadline, result.wettelijk, result.verdaagd) == (
        D(2024, 4, 1),
        D(2024, 3, 18),
        True,
    )
    # Sent on the last day of the term is still in time.
    on_time = _end(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        extension_notice=D(2024, 3, 18),
        extended_until=D(2024, 4, 2),
    )
    assert on_time == D(2024, 4, 2)
    # An extension to a date before the legal end does not shorten the term.
    shorter = deadline(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        extension_notice=D(2024, 3, 6),
        extended_until=D(2024, 3, 10),
    )
    assert (shorter.deadline, shorter.verdaagd) == (D(2024, 3, 18), False)


def test_an_extension_sent_after_the_term_ended_moves_nothing() -> None:
    result = deadline(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        extension_notice=D(2024, 3, 19),
        extended_until=D(2024, 4, 15),
    )
    assert (result.deadline, result.verdaagd, result.verdaging_te_laat) == (
        D(2024, 3, 18),
        False,
        True,
    )
    # The term the notice is measured against includes a suspension and the Atw move.
    suspended = deadline(
        D(2024, 3, 4),
        WMO_BESCHIKKING,
        suspended_from=D(2024, 3, 14),
        suspended_until=D(2024, 3, 27),
        extension_notice=D(2024, 4, 2),
        extended_until=D(2024, 4, 16),
    )
    assert (suspended.deadline, suspended.verdaagd) == (D(2024, 4, 16), True)


def test_no_term_means_no_deadline_and_never_late() -> None:
    jeugd_onderzoek = Termijn("*", "Jeugd", "onderzoek", None, False, "Jeugdwet: geen termijn")
    assert deadline(D(2024, 1, 1), jeugd_onderzoek).deadline is None
    assert deadline(D(2024, 1, 1), None).deadline is None
    assert not is_late(None, None, D(2030, 1, 1))


@pytest.mark.parametrize(
    ("done", "peildatum", "late"),
    [
        (D(2024, 3, 18), D(2024, 12, 31), False),  # done on the last day: on time
        (D(2024, 3, 19), D(2024, 12, 31), True),
        (None, D(2024, 3, 18), False),  # open, the last day is today
        (None, D(2024, 3, 19), True),
    ],
)
def test_late_from_the_day_after_the_deadline(done: D | None, peildatum: D, late: bool) -> None:
    assert is_late(D(2024, 3, 18), done, peildatum) is late


def test_the_seed_gives_the_legal_terms_and_a_gemeente_may_have_its_own() -> None:
    with SEED.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    terms = Termijnen.from_records(records)
    found = {
        (d, s): (t.termijn_dagen, t.termijnenwet)
        for d in ("Wmo", "Jeugd")
        for s in ("onderzoek", "beschikking")
        if (t := terms.lookup("GM0226", d, s)) is not None
    }
    assert found == {
        ("Wmo", "onderzoek"): (42, True),
        ("Wmo", "beschikking"): (14, True),
        ("Jeugd", "onderzoek"): (None, False),
        ("Jeugd", "beschikking"): (56, True),
    }
    own = {**records[3], "gemeente_code": "GM0293", "termijn_dagen": "42", "termijnenwet": "nee"}
    local = Termijnen.from_records([*records, own])
    assert local.lookup("GM0293", "Jeugd", "beschikking") == Termijn(
        "GM0293", "Jeugd", "beschikking", 42, False, records[3]["bron"]
    )
    assert local.lookup("GM0226", "Jeugd", "beschikking").termijn_dagen == 56  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="dubbel"):
        Termijnen.from_records([*records, records[0]])
    with pytest.raises(ValueError, match="termijnenwet"):
        Termijnen.from_records([{**records[0], "termijnenwet": "misschien"}])


def test_the_seed_names_a_source_for_every_term() -> None:
    text = Path(SEED).read_text(encoding="utf-8")
    for source in ("art. 2.3.2", "art. 2.3.5", "Awb 4:13", "Jeugdwet"):
        assert source in text


@given(
    start=st.dates(min_value=D(2006, 1, 1), max_value=D(2034, 6, 30)),
    days=st.integers(min_value=1, max_value=120),
    suspended=st.one_of(st.none(), st.tuples(st.integers(0, 30), st.integers(0, 60))),
)
def test_the_atw_end_is_a_working_day_at_most_four_days_later(
    start: D, days: int, suspended: tuple[int, int] | None
) -> None:
    termijn = Termijn("*", "Wmo", "beschikking", days, True, "")
    plain = start + dt.timedelta(days=days)
    kwargs: dict[str, D] = {}
    if suspended is not None:
        offset, length = suspended
        kwargs = {
            "suspended_from": start + dt.timedelta(days=offset),
            "suspended_until": start + dt.timedelta(days=offset + length),
        }
    result = deadline(start, termijn, **kwargs)
    assert result.deadline is not None
    assert result.deadline == atw_end(result.deadline)
    assert result.deadline.weekday() < 5
    added = result.opgeschort_dagen
    assert 0 <= (result.deadline - plain).days - added <= 4
    if suspended is not None and suspended[0] <= days:  # began while the term ran
        assert added == suspended[1] + 1
