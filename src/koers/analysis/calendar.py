"""Calendar causes: public holidays, New Year's fireworks days and school holidays.

Public holidays come from :mod:`koers.transform.calendar`, the rule ``core.calendar`` is
built from, so the analysis and the warehouse agree on which days were closed. Fireworks
may be sold and set off from 28 December (Vuurwerkbesluit: sale on 28, 29, 30 and 31
December), so "oud en nieuw" spans 28 December to 1 January.

School holidays differ per region and year and are published by the Rijksoverheid
(rijksoverheid.nl, "schoolvakanties"). Koers ships no dates it cannot source: a caller passes
the table (``CauseContext.school_holidays``), and in the pipeline a team enters them in its
own events file (the meldingen pack's ``gebeurtenissen`` contract), where they become
candidate causes like any event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from koers.transform.calendar import public_holidays

NEW_YEAR_DAYS = frozenset({(12, 28), (12, 29), (12, 30), (12, 31), (1, 1)})


@dataclass(frozen=True)
class SchoolHoliday:
    first: dt.date
    last: dt.date
    name: str


def public_holiday_names(days: Sequence[dt.date]) -> list[str]:
    """The holiday's Dutch name per day, "" on other days."""
    if not days:
        return []
    names: dict[dt.date, str] = {}
    for year in range(min(days).year, max(days).year + 1):
        names.update(public_holidays(year))
    return [names.get(day, "") for day in days]


def school_holiday_on(day: dt.date, table: Sequence[SchoolHoliday]) -> str:
    """The name of the school holiday ``day`` falls in, "" if none."""
    for holiday in table:
        if holiday.first <= day <= holiday.last:
            return holiday.name
    return ""
