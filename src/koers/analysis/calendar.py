"""Calendar causes: public holidays, New Year's fireworks days and school holidays.

Public holidays come from :mod:`koers.transform.calendar`, the rule ``core.calendar`` is
built from, so the analysis and the warehouse agree on which days were closed. Fireworks
may be sold and set off from 28 December (Vuurwerkbesluit: sale on 28, 29, 30 and 31
December), so "oud en nieuw" spans 28 December to 1 January.

School holidays differ per region and year and are published by the Rijksoverheid
(rijksoverheid.nl, "schoolvakanties"). The small table below is for region Zuid, which the
demo gemeenten (Duiven, Westervoort, Zevenaar) belong to; it is an estimate [U] from
secondary sources (school websites quoting the advised schedule; 2025 checked against
simonscholen.nl), not the official list. A gemeente should pass its own table.
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


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


#: Region Zuid, estimate [U]; see the module docstring.
SCHOOL_HOLIDAYS_ZUID: tuple[SchoolHoliday, ...] = (
    SchoolHoliday(_d("2020-07-11"), _d("2020-08-23"), "zomervakantie"),
    SchoolHoliday(_d("2021-07-24"), _d("2021-09-05"), "zomervakantie"),
    SchoolHoliday(_d("2022-07-09"), _d("2022-08-21"), "zomervakantie"),
    SchoolHoliday(_d("2023-07-15"), _d("2023-08-27"), "zomervakantie"),
    SchoolHoliday(_d("2024-07-06"), _d("2024-08-18"), "zomervakantie"),
    SchoolHoliday(_d("2024-10-19"), _d("2024-10-27"), "herfstvakantie"),
    SchoolHoliday(_d("2024-12-21"), _d("2025-01-05"), "kerstvakantie"),
    SchoolHoliday(_d("2025-07-05"), _d("2025-08-17"), "zomervakantie"),
    SchoolHoliday(_d("2025-12-20"), _d("2026-01-04"), "kerstvakantie"),
)


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
