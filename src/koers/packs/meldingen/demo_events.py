"""The meldingen demo's events list: the file a team keeps for contract ``gebeurtenissen``.

The dates follow fixed calendar rules (a kermis on a given weekend, the national clean-up
day in March), chosen without looking at the plan: no extra meldingen are planted on them,
so the ground truth has no event peak. The list is there to show the events contract, its
loading and how an event becomes a candidate cause; a peak that happens to fall on an event
day will name it as a weak candidate (events have no history to learn a lift from).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from koers.demo.exports import dutch_date, write_dutch_csv
from koers.demo.geography import DEMO_GEMEENTEN, Gemeente

HEADER = ("Datum van", "Datum tot", "Gemeente", "Wijkcode", "Omschrijving")
FILE_NAME = "gebeurtenissen.csv"

#: Per gemeente: month, which Friday of it (1-based; -1 the last) and the kermis's days.
_KERMIS = {"GM0226": (8, -1, 4), "GM0293": (6, 2, 4), "GM0299": (9, 1, 5)}


def _friday(year: int, month: int, which: int) -> dt.date:
    first = dt.date(year, month, 1)
    fridays = [
        first + dt.timedelta(days=offset)
        for offset in range(31)
        if (first + dt.timedelta(days=offset)).month == month
        and (first + dt.timedelta(days=offset)).weekday() == 4
    ]
    return fridays[which - 1] if which > 0 else fridays[which]


def _third_saturday_of_march(year: int) -> dt.date:
    first = dt.date(year, 3, 1)
    return first + dt.timedelta(days=(5 - first.weekday()) % 7 + 14)


def event_rows(
    start: dt.date, end: dt.date, gemeenten: Sequence[Gemeente] = DEMO_GEMEENTEN
) -> list[tuple[str, str, str, str, str]]:
    """The rows of the list for every year from ``start`` to ``end``, in date order."""
    rows: list[tuple[dt.date, dt.date, str, str, str]] = []
    for year in range(start.year, end.year + 1):
        clean_up = _third_saturday_of_march(year)
        rows.append((clean_up, clean_up, "", "", "de Landelijke Opschoondag"))
        for gemeente in gemeenten:
            if gemeente.code not in _KERMIS:
                continue
            month, which, days = _KERMIS[gemeente.code]
            first = _friday(year, month, which)
            centre = gemeente.wijken[0]
            rows.append(
                (
                    first,
                    first + dt.timedelta(days=days - 1),
                    gemeente.code,
                    centre.code,
                    f"de kermis in {gemeente.naam}",
                )
            )
    kept = sorted(r for r in rows if start <= r[0] <= end)
    return [(dutch_date(a), dutch_date(b), g, w, text) for a, b, g, w, text in kept]


def write_events(folder: Path, start: dt.date, end: dt.date) -> int:
    """Write ``gebeurtenissen.csv`` (Dutch Excel CSV) into ``folder``; returns the rows."""
    return write_dutch_csv(folder / FILE_NAME, HEADER, event_rows(start, end))
