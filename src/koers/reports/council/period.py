"""The report period: a calendar quarter, written ``2025-Q3`` on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from koers.errors import ConfigError

_QUARTER = re.compile(r"^(\d{4})-[QqKk](\d)$")
ORDINALS = ("eerste", "tweede", "derde", "vierde")


class ReportUsageError(ConfigError):
    """A report was asked for wrongly (period, gemeente, name): exit 2, one Dutch line."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2025-Q3`` (or ``2025-K3``, the Dutch spelling); anything else is a usage error."""
        match = _QUARTER.match(text.strip())
        if not match:
            raise ReportUsageError(
                f"--period: '{text}' is geen kwartaal; schrijf het als JJJJ-QN, bijvoorbeeld 2025-Q3"
            )
        year, number = int(match.group(1)), int(match.group(2))
        if not 1 <= number <= 4:
            raise ReportUsageError(
                f"--period: '{text}' bestaat niet; een jaar heeft de kwartalen Q1 tot en met Q4"
            )
        return cls(year, number)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        """How the query layer labels this period in a quarterly answer: its first day."""
        return self.first_day.isoformat()

    def minus_years(self, years: int) -> Quarter:
        return Quarter(self.year - years, self.number)

    def minus_quarters(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 - quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def label(self) -> str:
        """'2025-K3', as :func:`koers.formatting.period_label` writes a quarter."""
        return f"{self.year}-K{self.number}"

    @property
    def words(self) -> str:
        """'derde kwartaal 2025', for running text and the title page."""
        return f"{ORDINALS[self.number - 1]} kwartaal {self.year}"

    @property
    def in_words(self) -> str:
        """'het derde kwartaal van 2025', as running text needs it."""
        return f"het {ORDINALS[self.number - 1]} kwartaal van {self.year}"

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"
