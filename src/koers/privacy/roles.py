"""The roles of Koers and the privacy levels each may see: one declaration, read everywhere.

An account carries role names; the web layer turns them into a :class:`Principal` here, and
the query layer only ever looks at the principal. Changing what a role may see is a change
to :data:`ROLES`, never an ``if`` elsewhere. The municipality limit is not a level: an
analist sees ``vertrouwelijk`` data only of the gemeenten on their account, because the
principal carries those gemeenten and the query layer filters on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from koers.privacy.access import PUBLIC, Principal, PrivacyLevel

_O = PrivacyLevel.OPENBAAR
_I = PrivacyLevel.INTERN
_V = PrivacyLevel.VERTROUWELIJK


@dataclass(frozen=True)
class Role:
    """A role as users name it, what it is for (shown in ``koers users``) and its levels."""

    name: str
    description: str
    levels: frozenset[PrivacyLevel]


#: Every role an account may hold. The anonymous public is not an account role: a visitor
#: without a session is :data:`koers.privacy.access.PUBLIC`.
ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role("beheerder", "beheert het project, de bronnen en de accounts", frozenset({_O, _I})),
        Role("analist", "analyseert de gegevens van de eigen gemeenten", frozenset({_O, _I, _V})),
        Role("manager", "stuurt op de dashboards van de eigen gemeenten", frozenset({_O, _I})),
        Role("raadslid", "controleert als lid van de gemeenteraad", frozenset({_O, _I})),
        Role(
            "privacy-officer",
            "ziet toe op de verwerking en leest het auditlog",
            frozenset({_O, _I, _V}),
        ),
    )
}
PUBLIC_ROLE = Role("publiek", "iedereen, zonder in te loggen", PUBLIC.levels)


def unknown_roles(names: Iterable[str]) -> list[str]:
    """The names that are not a role, in the order given (empty when all are known)."""
    return [name for name in names if name not in ROLES]


def levels_for(roles: Iterable[str]) -> frozenset[PrivacyLevel]:
    """The union of what the roles may see; unknown names add nothing, so a role removed from
    :data:`ROLES` cannot leave a stored account with more than the public gets."""
    levels: set[PrivacyLevel] = set(PUBLIC.levels)
    for name in roles:
        role = ROLES.get(name)
        if role is not None:
            levels |= role.levels
    return frozenset(levels)


def principal_for(name: str, roles: Iterable[str], gemeenten: Iterable[str] | None) -> Principal:
    """The principal of a logged-in account; ``gemeenten=None`` means all of the project."""
    role_set = frozenset(roles)
    return Principal(
        name=name,
        roles=role_set,
        gemeenten=None if gemeenten is None else frozenset(gemeenten),
        levels=levels_for(role_set),
    )
