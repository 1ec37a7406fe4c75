"""The validity rules of Dutch passports and identity cards, as one small pure module.

The demo generator draws documents with these rules, its tests check every exported row
against them, and a later rules-engine issue can reuse them. Source: the shared domain facts,
section 2 (RvIG, January 2014): from 9 March 2014 a document for a holder aged 18 or over is
valid for 10 years instead of 5; a document for a holder under 18 stays valid for 5 years.
"""

from __future__ import annotations

import datetime as dt

#: Sunday 9 March 2014: the ten-year validity applies to applications from this day on
#: (facts section 2; the first counter applications were on Monday 10 March).
TEN_YEAR_VALIDITY_FROM = dt.date(2014, 3, 9)
ADULT_AGE = 18
MINOR_VALIDITY_YEARS = 5
ADULT_VALIDITY_YEARS_BEFORE = 5
ADULT_VALIDITY_YEARS_FROM_2014 = 10


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def is_minor(birth: dt.date, on: dt.date) -> bool:
    """Whether someone born on ``birth`` is under 18 on ``on``."""
    return on < add_years(birth, ADULT_AGE)


def validity_years(aanvraag: dt.date, minor: bool) -> int:
    """How long a document applied for on ``aanvraag`` is valid.

    The holder's age counts on the application date, and so does the 2014 change: the facts
    tie it to applications ("eerste aanvragen aan de balie op 10 maart 2014"). Which date
    decides the age is not stated in the facts [U].
    """
    if minor:
        return MINOR_VALIDITY_YEARS
    if aanvraag < TEN_YEAR_VALIDITY_FROM:
        return ADULT_VALIDITY_YEARS_BEFORE
    return ADULT_VALIDITY_YEARS_FROM_2014


def expiry_date(aanvraag: dt.date, minor: bool) -> dt.date:
    """The "geldig tot" date: the application date plus the validity term.

    That the term runs from the application date to the same calendar day is our reading
    of how the date of issue is printed [U] estimate.
    """
    return add_years(aanvraag, validity_years(aanvraag, minor))
