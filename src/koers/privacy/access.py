"""The requesting user, carried into every query from day one.

Only the anonymous public exists yet; roles, log-in and per-municipality staff follow.
The query layer asks this module, and nothing else, whether a level may be seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PrivacyLevel(StrEnum):
    OPENBAAR = "openbaar"
    INTERN = "intern"
    VERTROUWELIJK = "vertrouwelijk"


@dataclass(frozen=True)
class Principal:
    """Who asks: a name, roles, the municipalities they serve (None: all) and levels allowed."""

    name: str
    roles: frozenset[str]
    gemeenten: frozenset[str] | None
    levels: frozenset[PrivacyLevel]

    def may_see_level(self, level: PrivacyLevel) -> bool:
        return level in self.levels

    def may_see_gemeente(self, code: str) -> bool:
        return self.gemeenten is None or code in self.gemeenten

    def visible_gemeenten(self, all_codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(code for code in all_codes if self.may_see_gemeente(code))


PUBLIC = Principal(
    name="publiek",
    roles=frozenset({"publiek"}),
    gemeenten=None,
    levels=frozenset({PrivacyLevel.OPENBAAR}),
)
#: The pipeline itself computes metrics for storage; it never serves them to a person.
SYSTEM = Principal(
    name="koers-pijplijn",
    roles=frozenset({"systeem"}),
    gemeenten=None,
    levels=frozenset(PrivacyLevel),
)
