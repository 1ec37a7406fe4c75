"""Statistical disclosure control: the one place that decides which counts may be published.

Every number that leaves the platform as ``openbaar`` (public portal, downloads) and every
council report passes through here after the query layer has computed it. A table of counts
goes in with the totals that will be published beside it; a table of cells comes out, each
either a rounded count or a suppressed cell with a Dutch reason. Ratios (percentages, rates
per 1,000, averages) are derived from that result so that none rests on a hidden count.

The rule follows CBS practice for Wmo tables (docs/privacy/disclosure.md, ADR 0006): counts
below 10 are hidden, the rest rounded to multiples of 5, and further cells are hidden so that
totals and differences cannot reveal a hidden one. What is guaranteed is checked, not hoped:
after the cheap group rules, an exact audit (a flow computation on the table's sum
constraints) bounds every hidden small count from everything a reader could know, and more
cells are hidden until each such count keeps an interval of at least
``DisclosureRule.protection_width``. Tables of one or two dimensions are supported.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Final

from koers.errors import ConfigError


class Margin(Enum):
    """Marks the total of a dimension inside a key: ``("GM0226", TOTAL)`` sums over dim 2."""

    TOTAL = "totaal"

    def __repr__(self) -> str:
        return "TOTAL"

    def __str__(self) -> str:
        """How a page labels the total row or column."""
        return "Totaal"


TOTAL: Final = Margin.TOTAL

#: One value per dimension, in the order of ``dimensions``; ``TOTAL`` where summed over.
Key = tuple[Hashable, ...]


class Suppression(StrEnum):
    """Why a cell is hidden; the Dutch wording for readers is in ``Cell.reason``."""

    #: Primary suppression: the count itself is below the threshold.
    SMALL = "klein"
    #: Secondary suppression: hidden so that a small count cannot be worked out from sums.
    PROTECTS_OTHER = "beschermt"
    #: Nothing of the table can be shown safely (only possible with ``show_zero``).
    WITHHELD = "tabel"


REASON_PROTECTS_OTHER: Final = "afgeschermd om een ander getal te beschermen"
REASON_WITHHELD: Final = "afgeschermd: deze tabel kan niet veilig worden getoond"
REASON_RATIO_HIDDEN: Final = "niet getoond: berekend uit een afgeschermd getal"
REASON_RATIO_UNDEFINED: Final = "niet te berekenen"

_INFINITE: Final = 1 << 62


@dataclass(frozen=True)
class DisclosureRule:
    """The publication rule; the defaults follow CBS practice for Wmo tables.

    ``threshold``: counts below it are hidden. ``rounding``: shown counts are rounded (half
    up) to a multiple of it. ``show_zero``: whether a zero is shown as 0; off by default
    because a shown zero tells a reader that every hidden count is at least 1, which pins
    down tables of ones (ADR 0006). ``protection_width``: after protection, the values a
    reader cannot rule out for any hidden small count span at least this many steps
    (highest possible minus lowest possible), whatever they combine.
    """

    threshold: int = 10
    rounding: int = 5
    show_zero: bool = False
    protection_width: int = 5

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ConfigError("de drempel voor kleine aantallen moet minstens 1 zijn")
        if self.rounding < 1:
            raise ConfigError("het afrondingsveelvoud moet minstens 1 zijn")
        if self.round(self.threshold) == 0:
            raise ConfigError(
                f"afronden op veelvouden van {self.rounding} maakt het kleinste getoonde "
                f"aantal ({self.threshold}) tot 0; kies een hogere drempel"
            )
        widest = self.threshold - 1 - self.smallest_hidden
        if not 0 <= self.protection_width <= widest:
            raise ConfigError(
                f"de beschermingsbreedte moet tussen 0 en {widest} liggen bij drempel "
                f"{self.threshold}"
            )

    @property
    def smallest_hidden(self) -> int:
        """The lowest value a reader knows a count hidden for being small can have."""
        return 1 if self.show_zero else 0

    @property
    def reason_small(self) -> str:
        return f"minder dan {self.threshold}"

    def is_small(self, count: int) -> bool:
        return count < self.threshold and not (count == 0 and self.show_zero)

    def round(self, count: int) -> int:
        """Round half up to the rounding base: 12 -> 10, 13 -> 15 with base 5."""
        return (count + self.rounding // 2) // self.rounding * self.rounding


#: CBS practice for Wmo tables: below 10 hidden, the rest rounded to multiples of 5.
CBS_WMO: Final = DisclosureRule()


@dataclass(frozen=True)
class Cell:
    """What may be published for one count: a rounded value, or nothing and why."""

    shown: int | None
    suppression: Suppression | None = None
    #: Dutch, for a footnote or tooltip next to the hidden cell.
    reason: str | None = None

    @property
    def is_shown(self) -> bool:
        return self.shown is not None


@dataclass(frozen=True)
class ProtectedTable:
    """A table safe to publish: every grid cell and every published total, as a ``Cell``.

    Render every key of ``cells``: leaving out a row that was hidden or empty tells a reader
    it was zero. The true counts are kept (out of ``repr``) only so that ``protect_ratio``
    can compute a ratio from exact parts; never render ``counts_for_ratios``.
    """

    rule: DisclosureRule
    dimensions: tuple[str, ...]
    #: The values of each dimension, in order, without ``TOTAL``.
    levels: tuple[tuple[Hashable, ...], ...]
    cells: Mapping[Key, Cell]
    withheld: bool = False
    counts_for_ratios: Mapping[Key, int] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )

    def __getitem__(self, key: Key) -> Cell:
        return self.cells[key]

    def shown(self, key: Key) -> int | None:
        return self.cells[key].shown

    def suppressed(self) -> dict[Key, Suppression]:
        return {k: c.suppression for k, c in self.cells.items() if c.suppression is not None}


@dataclass(frozen=True)
class RatioCell:
    """A percentage, rate or average that may be published, or nothing and why."""

    shown: float | None
    reason: str | None = None


# Building the table


@dataclass
class _Table:
    """Working state: published keys, their true counts, the sums that link them, status."""

    rule: DisclosureRule
    levels: tuple[tuple[Hashable, ...], ...]
    total_axes: frozenset[int]
    value: dict[Key, int]
    #: (total key, the keys it sums), one per published total and summed dimension.
    groups: list[tuple[Key, tuple[Key, ...]]]
    groups_of: dict[Key, list[int]]
    status: dict[Key, Suppression | None]


def protect_counts(
    counts: Mapping[Key, int],
    *,
    dimensions: Sequence[str],
    totals: bool | Collection[str] = True,
    levels: Mapping[str, Sequence[Hashable]] | None = None,
    rule: DisclosureRule = CBS_WMO,
) -> ProtectedTable:
    """Protect a table of counts of people or cases, with the totals that will be shown.

    ``counts`` maps a key (one value per dimension) to a count; a missing key counts 0.
    ``totals`` names the dimensions that get a total (``True``: all, ``False``: none); in a
    two-way table with both, the row totals, column totals and grand total are published.
    ``levels`` lists every value of a dimension, so that wijken without cases are cells too.
    Totals are computed here from the cells: a total that also counts cases without a
    category must get that category as a cell, or the sums a reader checks do not hold.
    """
    dims = tuple(dimensions)
    if len(dims) not in (1, 2):
        raise ValueError("disclosure control supports tables of one or two dimensions")
    if len(set(dims)) != len(dims):
        raise ValueError(f"a dimension appears twice: {dims}")
    table = _build(counts, dims, totals, levels or {}, rule)
    _suppress_small(table)
    _close_groups(table, list(range(len(table.groups))))
    safe = _audit_and_extend(table)
    return _result(table, dims, withheld=not safe)


def _build(
    counts: Mapping[Key, int],
    dims: tuple[str, ...],
    totals: bool | Collection[str],
    given_levels: Mapping[str, Sequence[Hashable]],
    rule: DisclosureRule,
) -> _Table:
    unknown = set(given_levels) - set(dims)
    if unknown:
        raise ValueError(f"levels given for unknown dimensions: {sorted(unknown)}")
    if isinstance(totals, bool):
        total_axes = frozenset(range(len(dims))) if totals else frozenset()
    else:
        extra = set(totals) - set(dims)
        if extra:
            raise ValueError(f"totals over unknown dimensions: {sorted(extra)}")
        total_axes = frozenset(dims.index(name) for name in totals)

    seen: list[dict[Hashable, None]] = [{} for _ in dims]
    for key, count in counts.items():
        if len(key) != len(dims):
            raise ValueError(f"key {key!r} does not have one value per dimension {dims}")
        if not isinstance(count, int) or count < 0:
            raise ValueError(f"count for {key!r} is not a non-negative integer: {count!r}")
        for axis, item in enumerate(key):
            if item is TOTAL:
                raise ValueError(f"key {key!r} holds TOTAL; totals are computed here")
            seen[axis][item] = None
    levels: list[tuple[Hashable, ...]] = []
    for axis, name in enumerate(dims):
        if name in given_levels:
            listed = tuple(dict.fromkeys(given_levels[name]))
            missing = [item for item in seen[axis] if item not in listed]
            if missing:
                raise ValueError(f"values of {name} not in its levels: {missing[:5]!r}")
            levels.append(listed)
        else:
            levels.append(tuple(seen[axis]))

    axes = [
        (*levels[axis], TOTAL) if axis in total_axes else levels[axis] for axis in range(len(dims))
    ]
    value: dict[Key, int] = dict.fromkeys(itertools.product(*axes), 0)
    for key, count in counts.items():
        # A cell adds to itself and to every total over any subset of the summed dimensions.
        for mask in itertools.product((False, True), repeat=len(dims)):
            if any(m and axis not in total_axes for axis, m in enumerate(mask)):
                continue
            value[tuple(TOTAL if m else item for item, m in zip(key, mask, strict=True))] += count

    groups: list[tuple[Key, tuple[Key, ...]]] = []
    groups_of: dict[Key, list[int]] = {key: [] for key in value}
    for key in value:
        for axis, item in enumerate(key):
            if item is not TOTAL:
                continue
            members = tuple((*key[:axis], level, *key[axis + 1 :]) for level in levels[axis])
            for member in (key, *members):
                groups_of[member].append(len(groups))
            groups.append((key, members))
    return _Table(rule, tuple(levels), total_axes, value, groups, groups_of, dict.fromkeys(value))


def _suppress_small(table: _Table) -> None:
    for key, count in table.value.items():
        if table.rule.is_small(count):
            table.status[key] = Suppression.SMALL


def _candidate(table: _Table, members: Sequence[Key], total: Key) -> Key | None:
    """The shown count to hide next in a group: one of its parts, else its total.

    The smallest part of at least threshold + protection width: hidden beside a small count,
    it leaves that count room over the whole protection width. Else the largest part, else
    the total. Zeros never qualify: a hidden zero protects nothing and a reader of the rule
    knows a cell hidden to protect another is at least the threshold.
    """
    rule = table.rule

    def usable(key: Key) -> bool:
        return table.status[key] is None and table.value[key] >= rule.threshold

    pool = [k for k in members if usable(k)] or [k for k in (total,) if usable(k)]
    if not pool:
        return None
    enough = rule.threshold + rule.protection_width
    wide = [k for k in pool if table.value[k] >= enough]
    if wide:
        return min(wide, key=lambda k: table.value[k])
    return max(pool, key=lambda k: table.value[k])


def _close_groups(table: _Table, pending: list[int]) -> None:
    """Group rule: no sum may have exactly one hidden term, else it gives that term away.

    A group is a published total with the parts it sums (a row with its row total, a column
    with its column total, the margins with the grand total). Runs until no group changes.
    """
    queue = deque(dict.fromkeys(pending))
    queued = set(queue)
    while queue:
        index = queue.popleft()
        queued.discard(index)
        total, members = table.groups[index]
        if sum(table.status[k] is not None for k in (*members, total)) != 1:
            continue
        extra = _candidate(table, members, total)
        if extra is None:
            continue
        table.status[extra] = Suppression.PROTECTS_OTHER
        for other in table.groups_of[extra]:
            if other not in queued:
                queue.append(other)
                queued.add(other)


# The audit: exact bounds from everything a reader can know


def _audit_and_extend(table: _Table) -> bool:
    """Hide more until every small hidden count keeps ``protection_width`` of room and no
    hidden count at all (also one hidden to protect another) can be worked out exactly.

    Hiding a shown count only widens what a reader must consider, so a count that passes
    stays passing; only the failing ones are checked again. False when nothing is left to
    hide and a hidden count is still too exposed.
    """

    def needed(key: Key) -> int:
        return table.rule.protection_width if table.status[key] is Suppression.SMALL else 1

    network = _Network(table)
    failing = [k for k in table.value if table.status[k] is not None]
    failing = [k for k in failing if network.room(k, needed(k)) < needed(k)]
    while failing:
        key = failing[0]
        extra = _candidate_near(table, key)
        if extra is None:
            return False
        table.status[extra] = Suppression.PROTECTS_OTHER
        _close_groups(table, table.groups_of[extra])
        network = _Network(table)
        failing = [k for k in table.value if table.status[k] is not None]
        failing = [k for k in failing if network.room(k, needed(k)) < needed(k)]
    return True


def _candidate_near(table: _Table, key: Key) -> Key | None:
    """A shown count in a group of ``key``, else in groups reached through hidden cells."""
    seen_groups: set[int] = set()
    seen_keys = {key}
    frontier = [key]
    while frontier:
        layer = [g for k in frontier for g in table.groups_of[k] if g not in seen_groups]
        seen_groups.update(layer)
        pool: list[Key] = []
        for index in dict.fromkeys(layer):
            total, members = table.groups[index]
            found = _candidate(table, members, total)
            if found is not None:
                pool.append(found)
        if pool:
            # Prefer a part over a total across the groups too.
            return min(pool, key=lambda k: (sum(i is TOTAL for i in k), table.value[k]))
        frontier = []
        for index in layer:
            total, members = table.groups[index]
            for k in (*members, total):
                if k not in seen_keys and table.status[k] is not None:
                    seen_keys.add(k)
                    frontier.append(k)
    return None


class _Network:
    """The table's sums as a circulation, so exact bounds come from short flow searches.

    Nodes: a source, a sink, one node per row and per column whose total is published (a
    dimension without totals folds into the source or sink, as its sums constrain nothing).
    Edges: the grand total sink -> source, row totals source -> row, cells row -> column,
    column totals column -> sink; conservation at each node is exactly "total = sum of parts".
    Each edge carries what a reader knows of its count: a shown count exactly (rounding only
    widens this), a small hidden count between ``smallest_hidden`` and threshold - 1, a count
    hidden to protect another at least the threshold, an unpublished sum anything from 0.
    The true table is a feasible flow; any other table a reader cannot rule out differs from
    it by cycles, so how far a count can move is a capped max-flow in the residual graph.
    The sums of a two-way table form a network matrix, so these bounds are exact integers.
    """

    def __init__(self, table: _Table) -> None:
        rule = table.rule
        two_way = len(table.levels) == 2
        rows_summed = 1 in table.total_axes if two_way else 0 in table.total_axes
        cols_summed = 0 in table.total_axes if two_way else False
        self.index: dict[Key, int] = {}
        self.tail: list[object] = []
        self.head: list[object] = []
        self.low: list[int] = []
        self.high: list[int] = []
        self.flow: list[int] = []
        self.adjacent: dict[object, list[tuple[int, object]]] = {}
        #: Residual capacity per arc: 2n raises edge n's count, 2n + 1 lowers it.
        self.spare: list[int] = []

        for key, count in table.value.items():
            row, col = key if two_way else (0, key[0])
            row_node: object = ("row", row) if rows_summed else "source"
            col_node: object = ("col", col) if cols_summed else "sink"
            if row is TOTAL and col is TOTAL:
                ends: tuple[object, object] = ("sink", "source")
            elif col is TOTAL:
                ends = ("source", row_node)
            elif row is TOTAL:
                ends = (col_node, "sink")
            else:
                ends = (row_node, col_node)
            status = table.status[key]
            if status is None:
                low = high = count
            elif status is Suppression.SMALL:
                low, high = rule.smallest_hidden, rule.threshold - 1
            else:
                low, high = rule.threshold, _INFINITE
            self._edge(key, ends, low, high, count)
        # Sums that are not published are free; they close the circulation.
        if not (two_way and rows_summed and cols_summed):
            grand = sum(n for k, n in table.value.items() if TOTAL not in k)
            self._edge(None, ("sink", "source"), 0, _INFINITE, grand)

    def _edge(
        self, key: Key | None, ends: tuple[object, object], low: int, high: int, flow: int
    ) -> None:
        number = len(self.flow)
        if key is not None:
            self.index[key] = number
        tail, head = ends
        self.tail.append(tail)
        self.head.append(head)
        self.low.append(low)
        self.high.append(high)
        self.flow.append(flow)
        self.spare.extend((high - flow, flow - low))
        if low < high:  # a shown count is fixed and carries no residual capacity
            self.adjacent.setdefault(tail, []).append((2 * number, head))
            self.adjacent.setdefault(head, []).append((2 * number + 1, tail))

    def room(self, key: Key, limit: int) -> int:
        """How far the count of ``key`` can move up plus down, counted up to ``limit``."""
        number = self.index[key]
        up = min(
            self.high[number] - self.flow[number],
            self._push(self.head[number], self.tail[number], limit, number),
        )
        if up >= limit:
            return up
        down = min(
            self.flow[number] - self.low[number],
            self._push(self.tail[number], self.head[number], limit - up, number),
        )
        return up + down

    def _push(self, start: object, goal: object, limit: int, skip: int) -> int:
        """Max flow from ``start`` to ``goal`` avoiding edge ``skip``, stopped at ``limit``.

        Augmenting paths are found depth first: in a table with many hidden cells a short
        cycle is nearly always there, and a depth-first search reaches it without first
        visiting every row and column as a breadth-first one would.
        """
        spare = self.spare
        adjacent = self.adjacent
        # Edge number -> flow moved along it in this search; an arc's own spare shrinks by it
        # forward (even arc) and grows by it backward (odd arc).
        moved: dict[int, int] = {}
        pushed = 0
        while pushed < limit:
            parent: dict[object, tuple[object, int] | None] = {start: None}
            stack = [start]
            while stack and goal not in parent:
                node = stack.pop()
                for arc, other in adjacent.get(node, ()):
                    if other in parent or arc >> 1 == skip:
                        continue
                    if spare[arc] + (moved.get(arc >> 1, 0) * (1 if arc & 1 else -1)) <= 0:
                        continue
                    parent[other] = (node, arc)
                    if other == goal:
                        break
                    stack.append(other)
            if goal not in parent:
                break
            path: list[int] = []
            node = goal
            while (step := parent[node]) is not None:
                node, arc = step
                path.append(arc)
            amount = limit - pushed
            for arc in path:
                amount = min(amount, spare[arc] + moved.get(arc >> 1, 0) * (1 if arc & 1 else -1))
            for arc in path:
                moved[arc >> 1] = moved.get(arc >> 1, 0) + (-amount if arc & 1 else amount)
            pushed += amount
        return pushed


def _result(table: _Table, dims: tuple[str, ...], *, withheld: bool) -> ProtectedTable:
    rule = table.rule
    cells: dict[Key, Cell] = {}
    for key, count in table.value.items():
        status = table.status[key]
        if withheld:
            cells[key] = Cell(None, Suppression.WITHHELD, REASON_WITHHELD)
        elif status is Suppression.SMALL:
            cells[key] = Cell(None, status, rule.reason_small)
        elif status is Suppression.PROTECTS_OTHER:
            cells[key] = Cell(None, status, REASON_PROTECTS_OTHER)
        else:
            cells[key] = Cell(rule.round(count))
    return ProtectedTable(
        rule=rule,
        dimensions=dims,
        levels=table.levels,
        cells=MappingProxyType(cells),
        withheld=withheld,
        counts_for_ratios=MappingProxyType(dict(table.value)),
    )


# Ratios


def protect_ratio(
    numerator: ProtectedTable | Mapping[Key, float],
    denominator: ProtectedTable | Mapping[Key, float],
    *,
    scale: float = 100.0,
    digits: int = 1,
) -> dict[Key, RatioCell]:
    """Ratios per key of the protected side(s), shown only when no protected part is hidden.

    A ``ProtectedTable`` is a count under the rule; a plain mapping is a quantity that is
    not suppressed itself (inhabitants from CBS, the summed weeks behind an average). The
    ratio is computed from the exact parts, so it rounds only once; a shown part is at least
    the threshold, and the audit already assumes a reader knows shown counts exactly.
    ``scale``: 100 for a percentage, 1000 for a rate per 1,000, 1 for an average.
    """
    protected = [side for side in (numerator, denominator) if isinstance(side, ProtectedTable)]
    if not protected:
        raise ValueError("at least one side of a ratio must be a protected table of counts")
    keys = list(protected[0].cells)
    result: dict[Key, RatioCell] = {}
    for key in keys:
        parts: list[float] = []
        hidden: str | None = None
        for side in (numerator, denominator):
            if isinstance(side, ProtectedTable):
                cell = side.cells.get(key)
                if cell is None or not cell.is_shown:
                    hidden = REASON_WITHHELD if cell and side.withheld else REASON_RATIO_HIDDEN
                    break
                parts.append(side.counts_for_ratios[key])
            elif key in side:
                parts.append(side[key])
            else:
                hidden = REASON_RATIO_UNDEFINED
                break
        if hidden is not None:
            result[key] = RatioCell(None, hidden)
        elif parts[1] == 0:
            result[key] = RatioCell(None, REASON_RATIO_UNDEFINED)
        else:
            result[key] = RatioCell(_round_half_up(parts[0] / parts[1] * scale, digits))
    return result


def _round_half_up(number: float, digits: int) -> float:
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP))
