"""Legal terms of the Wmo and Jeugd case flow: which term applies and when it ends.

The rules sit between staging and the marts: ``core.sociaal_domein_zaken`` (a Python model)
gives every onderzoek and every aanvraag its last day on time with :func:`deadline`, so the
waiting list, the exceedances and the drill-down table all use this one piece of arithmetic.
Which term applies is data, not code: the seed ``seeds/sociaal_domein_termijnen.csv`` holds a
row per domein and stap for every gemeente (``*``) and may hold a gemeente's own row when its
verordening sets a different term. docs/packs/sociaal_domein.md gives the legal sources.

Counting: a term of N days that starts on day D ends on D + N (the melding or aanvraag day
itself does not count). A step is late from the day after its deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from koers.transform.calendar import public_holidays

ANY_GEMEENTE = "*"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Termijn:
    """One row of the terms seed: the term of a step, in calendar days.

    ``termijn_dagen`` is ``None`` when no term applies (the Jeugdwet sets none for the
    onderzoek). ``termijnenwet``: the Algemene termijnenwet moves the end of the term off a
    weekend or feestdag; it covers terms set by a wet, not by a local verordening.
    """

    gemeente_code: str
    domein: str
    stap: str
    termijn_dagen: int | None
    termijnenwet: bool
    bron: str


class Termijnen:
    """The seed's rows, looked up per gemeente; a gemeente's own row beats the ``*`` row."""

    def __init__(self, rows: Iterable[Termijn]) -> None:
        self._rows: dict[tuple[str, str, str], Termijn] = {}
        for row in rows:
            key = (row.gemeente_code, row.domein, row.stap)
            if key in self._rows:
                raise ValueError(
                    f"termijn dubbel opgegeven: {row.gemeente_code}, {row.domein}, {row.stap}"
                )
            self._rows[key] = row

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]]) -> Termijnen:
        """From the seed as the warehouse returns it (``termijnenwet`` 'ja'/'nee')."""
        rows = []
        for r in records:
            days = r.get("termijn_dagen")
            flag = str(r.get("termijnenwet") or "").strip().lower()
            if flag not in {"ja", "nee", "true", "false"}:
                raise ValueError(f"termijnenwet moet 'ja' of 'nee' zijn, niet '{flag}'")
            rows.append(
                Termijn(
                    gemeente_code=str(r["gemeente_code"]),
                    domein=str(r["domein"]),
                    stap=str(r["stap"]),
                    termijn_dagen=None if days is None or days == "" else int(str(days)),
                    termijnenwet=flag in {"ja", "true"},
                    bron=str(r.get("bron") or ""),
                )
            )
        return cls(rows)

    def lookup(self, gemeente_code: str, domein: str, stap: str) -> Termijn | None:
        own = self._rows.get((gemeente_code, domein, stap))
        return own or self._rows.get((ANY_GEMEENTE, domein, stap))


@cache
def atw_feestdagen(year: int) -> frozenset[dt.date]:
    """The algemeen erkende feestdagen of the Algemene termijnenwet (art. 3).

    The shared calendar's days off, plus 5 May in every year: the Atw names Bevrijdingsdag
    without the lustrum rule that governs the day off for staff.
    """
    return frozenset(public_holidays(year)) | {dt.date(year, 5, 5)}


def atw_end(day: dt.date) -> dt.date:
    """``day``, or the next day that is no Saturday, Sunday or Atw feestdag (Atw art. 1)."""
    while day.weekday() >= 5 or day in atw_feestdagen(day.year):
        day += DAY
    return day


@dataclass(frozen=True)
class Deadline:
    """The last day on time of one step, and how it came about.

    ``deadline`` is ``None`` when no term applies or while a suspension runs (the term is on
    hold, nothing can be late). ``wettelijk`` is the end of the legal term with suspension
    and Atw, before an extension; ``verdaagd`` says an extension notice moved the deadline,
    ``verdaging_te_laat`` that a notice came after the term had already ended (and so moved
    nothing: Awb 4:14 requires the notice within the term).
    """

    deadline: dt.date | None
    wettelijk: dt.date | None
    opgeschort_dagen: int = 0
    opschorting_loopt: bool = False
    verdaagd: bool = False
    verdaging_te_laat: bool = False


def deadline(
    start: dt.date,
    termijn: Termijn | None,
    *,
    suspended_from: dt.date | None = None,
    suspended_until: dt.date | None = None,
    extension_notice: dt.date | None = None,
    extended_until: dt.date | None = None,
) -> Deadline:
    """The last day on time of a step that started on ``start`` (melding or aanvraag).

    1. The term: ``start`` + ``termijn_dagen``.
    2. Awb 4:15: a suspension that starts while the term runs adds its days, both ends
       included. One still running (no end date) puts the term on hold: no deadline.
       A suspension that starts after the term ended changes nothing.
    3. Algemene termijnenwet (when the term's row says so): an end on a Saturday, Sunday or
       feestdag moves to the next working day.
    4. Awb 4:14: an extension notice sent on or before that day sets the new last day (never
       earlier than the legal one). The date in the notice is the college's own, so the
       Atw does not move it. A notice after the term ended moves nothing.
    """
    if termijn is None or termijn.termijn_dagen is None:
        return Deadline(None, None)
    shift = atw_end if termijn.termijnenwet else (lambda d: d)
    end = start + dt.timedelta(days=termijn.termijn_dagen)
    suspended = 0
    if suspended_from is not None and suspended_from <= shift(end):
        if suspended_until is None:
            return Deadline(None, None, opschorting_loopt=True)
        suspended = max(0, (suspended_until - suspended_from).days + 1)
        end += dt.timedelta(days=suspended)
    legal = shift(end)
    if extended_until is None:
        return Deadline(legal, legal, suspended)
    if extension_notice is not None and extension_notice > legal:
        return Deadline(legal, legal, suspended, verdaging_te_laat=True)
    return Deadline(max(legal, extended_until), legal, suspended, verdaagd=extended_until > legal)


def is_late(last_day: dt.date | None, done: dt.date | None, peildatum: dt.date) -> bool:
    """Done after the last day, or still open on a peildatum after it."""
    if last_day is None:
        return False
    return done > last_day if done is not None else peildatum > last_day
