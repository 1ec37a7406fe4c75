"""Disclosure control: hand-made tables, and the guarantee checked on random ones.

The guarantee (docs/privacy/disclosure.md): a reader who knows the rule, every shown count
exactly (stronger than its rounded value), which cells are hidden for being small and which
to protect another, and that totals are sums, still cannot narrow any small hidden count to
an interval narrower than ``protection_width``. The checkers below compute that interval
exactly and independently of the module: one-way by the bounds of a single sum, two-way by
Hoffman's circulation theorem over every subset of the table's nodes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koers.errors import ConfigError
from koers.privacy.disclosure import (
    CBS_WMO,
    REASON_PROTECTS_OTHER,
    REASON_RATIO_HIDDEN,
    REASON_RATIO_UNDEFINED,
    TOTAL,
    DisclosureRule,
    Key,
    ProtectedTable,
    Suppression,
    _build,
    _close_groups,
    _Network,
    _result,
    _suppress_small,
    protect_counts,
    protect_ratio,
)

INF = math.inf
Bounds = tuple[float, float]


# What a reader knows, taken from the published table plus the true values of shown cells


def known_bounds(table: ProtectedTable, truth: Mapping[Key, int]) -> dict[Key, Bounds]:
    rule = table.rule
    bounds: dict[Key, Bounds] = {}
    for key, cell in table.cells.items():
        if cell.suppression is None:
            bounds[key] = (truth[key], truth[key])
        elif cell.suppression is Suppression.SMALL:
            bounds[key] = (rule.smallest_hidden, rule.threshold - 1)
        else:
            assert cell.suppression is Suppression.PROTECTS_OTHER
            bounds[key] = (rule.threshold, INF)
    return bounds


def one_way_interval(bounds: Mapping[Key, Bounds], key: Key, has_total: bool) -> Bounds:
    """Exact bounds of one cell under ``total = sum(cells)`` and box bounds on each term."""
    if not has_total:
        return bounds[key]
    total_low, total_high = bounds[(TOTAL,)]
    if key == (TOTAL,):
        parts = [b for k, b in bounds.items() if k != (TOTAL,)]
        low = max(total_low, sum(b[0] for b in parts))
        high = min(total_high, sum(b[1] for b in parts))
        return low, high
    others = [b for k, b in bounds.items() if k not in (key, (TOTAL,))]
    low = max(bounds[key][0], total_low - sum(b[1] for b in others))
    high = min(bounds[key][1], total_high - sum(b[0] for b in others))
    return low, high


def two_way_interval(
    bounds: Mapping[Key, Bounds], key: Key, rows: int, cols: int, row_totals: bool, col_totals: bool
) -> Bounds:
    """Exact bounds of one count by Hoffman's theorem on the table as a circulation.

    Edges: grand total T->S, row total S->r, cell r->c, column total c->T; a sum that is not
    published is an edge free from 0 up. With the count of ``key`` fixed at v, a table
    exists iff every node subset X has sum(lower in) <= sum(upper out). A subset that the
    edge enters gives v <= ..., one that it leaves gives v >= ...; others do not involve v.
    """
    row_keys = sorted({k[0] for k in bounds if k[0] is not TOTAL}, key=repr)
    col_keys = sorted({k[1] for k in bounds if k[1] is not TOTAL}, key=repr)
    assert len(row_keys) == rows and len(col_keys) == cols
    node: dict[object, int] = {"S": 0, "T": 1}
    for r in row_keys:
        node[("r", r)] = len(node)
    for c in col_keys:
        node[("c", c)] = len(node)
    edges: list[tuple[int, int, float, float, Key | None]] = []
    for r in row_keys:
        for c in col_keys:
            edges.append((node[("r", r)], node[("c", c)], *bounds[(r, c)], (r, c)))
    for r in row_keys:
        b = bounds[(r, TOTAL)] if row_totals else (0, INF)
        edges.append((node["S"], node[("r", r)], *b, (r, TOTAL) if row_totals else None))
    for c in col_keys:
        b = bounds[(TOTAL, c)] if col_totals else (0, INF)
        edges.append((node[("c", c)], node["T"], *b, (TOTAL, c) if col_totals else None))
    grand = row_totals and col_totals
    b = bounds[(TOTAL, TOTAL)] if grand else (0, INF)
    edges.append((node["T"], node["S"], *b, (TOTAL, TOTAL) if grand else None))

    target = next(e for e in edges if e[4] == key)
    others = [e for e in edges if e is not target]
    low, high = target[2], target[3]
    for mask in range(1, (1 << len(node)) - 1):
        inside = [(mask >> n) & 1 for n in range(len(node))]
        lower_in = sum(e[2] for e in others if not inside[e[0]] and inside[e[1]])
        upper_out = sum(e[3] for e in others if inside[e[0]] and not inside[e[1]])
        enters = not inside[target[0]] and inside[target[1]]
        leaves = inside[target[0]] and not inside[target[1]]
        if enters:
            high = min(high, upper_out - lower_in)
        elif leaves:
            low = max(low, lower_in - upper_out)
    return low, high


def true_table(counts: Mapping[Key, int], table: ProtectedTable) -> dict[Key, int]:
    """Every published key's true count, totals recomputed here from the cells."""
    truth: dict[Key, int] = {}
    for key in table.cells:
        truth[key] = sum(
            n
            for k, n in counts.items()
            if all(want is TOTAL or want == have for want, have in zip(key, k, strict=True))
        )
    return truth


def assert_published_rule(table: ProtectedTable, truth: Mapping[Key, int]) -> None:
    """Shown counts are rounded true counts of at least the threshold (or zeros if allowed)."""
    rule = table.rule
    for key, cell in table.cells.items():
        if cell.is_shown:
            assert not rule.is_small(truth[key]), key
            assert cell.shown == rule.round(truth[key])
        elif cell.suppression is Suppression.PROTECTS_OTHER:
            assert truth[key] >= rule.threshold
            assert cell.reason == REASON_PROTECTS_OTHER
        elif cell.suppression is Suppression.SMALL:
            assert rule.is_small(truth[key])
            assert cell.reason == f"minder dan {rule.threshold}"


def assert_no_lone_hidden_cell(table: ProtectedTable) -> None:
    """The group rule: no published sum has exactly one hidden term."""
    for key in table.cells:
        for axis, item in enumerate(key):
            if item is not TOTAL:
                continue
            group = [key] + [(*key[:axis], level, *key[axis + 1 :]) for level in table.levels[axis]]
            assert sum(not table.cells[k].is_shown for k in group) != 1, group


# Random tables: many small counts, some zeros, some large ones

count = st.one_of(st.integers(0, 12), st.integers(0, 40), st.sampled_from([0, 1, 9, 10, 14, 15]))
rules = st.sampled_from(
    [
        CBS_WMO,
        DisclosureRule(show_zero=True),
        DisclosureRule(protection_width=8),
        DisclosureRule(threshold=5, rounding=3, protection_width=2),
        DisclosureRule(threshold=10, rounding=1, show_zero=True, protection_width=8),
    ]
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(FAST, max_examples=400)


@THOROUGH
@given(st.lists(count, min_size=1, max_size=9), st.booleans(), rules)
def test_one_way_no_small_count_can_be_narrowed(
    values: list[int], total: bool, rule: DisclosureRule
) -> None:
    counts: dict[Key, int] = {(f"w{i}",): v for i, v in enumerate(values)}
    table = protect_counts(counts, dimensions=["wijk"], totals=total, rule=rule)
    truth = true_table(counts, table)
    if table.withheld:
        assert rule.show_zero and all(not c.is_shown for c in table.cells.values())
        return
    assert_published_rule(table, truth)
    assert_no_lone_hidden_cell(table)
    bounds = known_bounds(table, truth)
    for key, cell in table.cells.items():
        if cell.suppression is Suppression.SMALL:
            low, high = one_way_interval(bounds, key, total)
            assert low <= truth[key] <= high
            assert high - low >= rule.protection_width, (key, low, high)


@THOROUGH
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.data(),
    st.sampled_from([(True, True), (True, False), (False, True), (False, False)]),
    rules,
)
def test_two_way_no_small_count_can_be_narrowed(
    rows: int, cols: int, data: st.DataObject, margins: tuple[bool, bool], rule: DisclosureRule
) -> None:
    row_totals, col_totals = margins
    values = data.draw(st.lists(count, min_size=rows * cols, max_size=rows * cols))
    counts: dict[Key, int] = {
        (f"p{r}", f"l{c}"): values[r * cols + c] for r in range(rows) for c in range(cols)
    }
    totals = [name for name, on in (("product", col_totals), ("leeftijd", row_totals)) if on]
    table = protect_counts(counts, dimensions=["product", "leeftijd"], totals=totals, rule=rule)
    truth = true_table(counts, table)
    if table.withheld:
        assert rule.show_zero
        return
    assert_published_rule(table, truth)
    assert_no_lone_hidden_cell(table)
    bounds = known_bounds(table, truth)
    for key, cell in table.cells.items():
        if cell.suppression is Suppression.SMALL:
            low, high = two_way_interval(bounds, key, rows, cols, row_totals, col_totals)
            assert low <= truth[key] <= high
            assert high - low >= rule.protection_width, (key, low, high)


@FAST
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.data(),
    st.sampled_from([(True, True), (True, False), (False, True)]),
    rules,
)
def test_the_audit_computes_the_exact_interval(
    rows: int, cols: int, data: st.DataObject, margins: tuple[bool, bool], rule: DisclosureRule
) -> None:
    """The module's flow audit agrees with Hoffman's theorem on every hidden count."""
    row_totals, col_totals = margins
    values = data.draw(st.lists(count, min_size=rows * cols, max_size=rows * cols))
    counts: dict[Key, int] = {
        (f"p{r}", f"l{c}"): values[r * cols + c] for r in range(rows) for c in range(cols)
    }
    totals = [name for name, on in (("product", col_totals), ("leeftijd", row_totals)) if on]
    work = _build(counts, ("product", "leeftijd"), totals, {}, rule)
    _suppress_small(work)
    _close_groups(work, list(range(len(work.groups))))
    network = _Network(work)
    table = _result(work, ("product", "leeftijd"), withheld=False)
    bounds = known_bounds(table, true_table(counts, table))
    for key, status in work.status.items():
        if status is not None:
            low, high = two_way_interval(bounds, key, rows, cols, row_totals, col_totals)
            assert network.room(key, 1000) == min(high - low, 1000), key


def test_the_checker_catches_primary_suppression_alone() -> None:
    """Without secondary suppression a lone small cell equals total minus the rest."""
    counts: dict[Key, int] = {("a",): 3, ("b",): 20, ("c",): 30}
    truth = {**counts, (TOTAL,): 53}
    bounds: dict[Key, Bounds] = {k: (v, v) for k, v in truth.items()}
    bounds[("a",)] = (0, 9)
    assert one_way_interval(bounds, ("a",), has_total=True) == (3, 3)
    two_way: dict[Key, Bounds] = {("p", "a"): (0, 9), ("p", "b"): (20, 20), ("p", TOTAL): (23, 23)}
    assert two_way_interval(two_way, ("p", "a"), 1, 2, True, False) == (3, 3)


# Hand-made tables


def shown(table: ProtectedTable) -> dict[Key, int | None]:
    return {key: cell.shown for key, cell in table.cells.items()}


def test_one_small_cell_next_to_a_total_takes_a_large_enough_neighbour() -> None:
    table = protect_counts({("a",): 3, ("b",): 12, ("c",): 20, ("d",): 30}, dimensions=["wijk"])
    # 12 would leave 3 + 12 - 10 = 5 of room, but 20 is the smallest of at least 10 + 5.
    assert shown(table) == {("a",): None, ("b",): 10, ("c",): None, ("d",): 30, (TOTAL,): 65}
    assert table[("a",)].reason == "minder dan 10"
    assert table[("c",)].reason == "afgeschermd om een ander getal te beschermen"
    assert table[("c",)].suppression is Suppression.PROTECTS_OTHER


def test_two_small_cells_protect_each_other_when_their_sum_leaves_room() -> None:
    table = protect_counts({("a",): 4, ("b",): 6, ("c",): 40}, dimensions=["wijk"])
    # A reader learns a + b = 10 with both below 10: each lies in 1..9.
    assert shown(table) == {("a",): None, ("b",): None, ("c",): 40, (TOTAL,): 50}


def test_two_tiny_cells_also_hide_a_large_one() -> None:
    table = protect_counts({("a",): 1, ("b",): 1, ("c",): 50}, dimensions=["wijk"])
    # Showing 50 would tell a + b = 2.
    assert shown(table) == {("a",): None, ("b",): None, ("c",): None, (TOTAL,): 50}


def test_all_cells_small() -> None:
    table = protect_counts({("a",): 2, ("b",): 3, ("c",): 4}, dimensions=["wijk"])
    assert all(not cell.is_shown for cell in table.cells.values())
    assert table[(TOTAL,)].suppression is Suppression.SMALL
    ones = protect_counts({(f"w{i}",): 1 for i in range(12)}, dimensions=["wijk"])
    # Twelve hidden counts of 0..9 adding up to 12: any one can still be 0..9.
    assert ones[(TOTAL,)].shown == 10


def test_zeros_hidden_by_default_and_shown_when_configured() -> None:
    counts: dict[Key, int] = {("a",): 0, ("b",): 25, ("c",): 30}
    default = protect_counts(counts, dimensions=["wijk"], totals=False)
    assert default[("a",)].shown is None
    assert default[("a",)].reason == "minder dan 10"
    with_zero = protect_counts(counts, dimensions=["wijk"], rule=DisclosureRule(show_zero=True))
    assert shown(with_zero) == {("a",): 0, ("b",): 25, ("c",): 30, (TOTAL,): 55}


def test_shown_zeros_make_a_table_of_ones_hide_its_total() -> None:
    rule = DisclosureRule(show_zero=True)
    ones = protect_counts({(f"w{i}",): 1 for i in range(12)}, dimensions=["wijk"], rule=rule)
    # Hidden counts known to be 1..9 that add up to at most 12 would each be exactly 1.
    assert ones[(TOTAL,)].suppression is Suppression.PROTECTS_OTHER
    nine = protect_counts({(f"w{i}",): 1 for i in range(9)}, dimensions=["wijk"], rule=rule)
    # Nine counts of 1..9 with a total below 10: all are 1, and nothing is left to hide.
    assert nine.withheld
    assert {cell.suppression for cell in nine.cells.values()} == {Suppression.WITHHELD}


def test_time_series_without_total_only_hides_small_months() -> None:
    counts: dict[Key, int] = {("2025-01",): 3, ("2025-02",): 14, ("2025-03",): 0}
    table = protect_counts(
        counts,
        dimensions=["maand"],
        totals=False,
        levels={"maand": ["2025-01", "2025-02", "2025-03", "2025-04"]},
    )
    assert shown(table) == {
        ("2025-01",): None,
        ("2025-02",): 15,
        ("2025-03",): None,
        ("2025-04",): None,
    }
    assert table.suppressed() == {
        ("2025-01",): Suppression.SMALL,
        ("2025-03",): Suppression.SMALL,
        ("2025-04",): Suppression.SMALL,
    }


def test_two_way_table_with_margins() -> None:
    counts: dict[Key, int] = {
        ("hulpmiddel", "0-17"): 3,
        ("hulpmiddel", "18-64"): 40,
        ("hulpmiddel", "65+"): 120,
        ("begeleiding", "0-17"): 25,
        ("begeleiding", "18-64"): 60,
        ("begeleiding", "65+"): 35,
    }
    table = protect_counts(counts, dimensions=["product", "leeftijd"])
    hidden = table.suppressed()
    assert hidden[("hulpmiddel", "0-17")] is Suppression.SMALL
    # Its row and its column each need a second hidden count, and they form a rectangle.
    assert ("begeleiding", "0-17") in hidden
    assert sum(k[0] == "begeleiding" and TOTAL not in k for k in hidden) >= 2
    assert table[(TOTAL, TOTAL)].shown == 285
    assert_no_lone_hidden_cell(table)
    truth = true_table(counts, table)
    low, high = two_way_interval(
        known_bounds(table, truth), ("hulpmiddel", "0-17"), 2, 3, True, True
    )
    assert high - low >= CBS_WMO.protection_width


def test_rounding_is_half_up_to_the_base() -> None:
    assert [CBS_WMO.round(n) for n in (10, 12, 13, 17, 18, 102)] == [10, 10, 15, 15, 20, 100]
    assert DisclosureRule(threshold=10, rounding=10).round(15) == 20


def test_rule_refuses_settings_it_cannot_guarantee() -> None:
    with pytest.raises(ConfigError, match="drempel"):
        DisclosureRule(threshold=0)
    with pytest.raises(ConfigError, match="beschermingsbreedte"):
        DisclosureRule(protection_width=10)
    with pytest.raises(ConfigError, match="beschermingsbreedte"):
        DisclosureRule(show_zero=True, protection_width=9)
    with pytest.raises(ConfigError, match="afronden"):
        DisclosureRule(threshold=2, rounding=10, protection_width=1)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        protect_counts({("a",): -1}, dimensions=["wijk"])
    with pytest.raises(ValueError, match="one or two"):
        protect_counts({("a", "b", "c"): 1}, dimensions=["x", "y", "z"])
    with pytest.raises(ValueError, match="not in its levels"):
        protect_counts({("a",): 1}, dimensions=["wijk"], levels={"wijk": ["b"]})


# Ratios


def test_percentage_with_a_hidden_part_is_not_shown() -> None:
    clients = protect_counts({("a",): 4, ("b",): 6, ("c",): 40}, dimensions=["wijk"])
    inhabitants: dict[Key, float] = {("a",): 800, ("b",): 900, ("c",): 4000, (TOTAL,): 5700}
    per_1000 = protect_ratio(clients, inhabitants, scale=1000, digits=1)
    assert per_1000[("a",)].shown is None
    assert per_1000[("a",)].reason == REASON_RATIO_HIDDEN
    assert per_1000[("c",)].shown == 10.0
    assert per_1000[(TOTAL,)].shown == 8.8  # 50 / 5700 * 1000 = 8.77


def test_percentage_of_two_protected_counts() -> None:
    dims = ["wijk"]
    waiting = protect_counts({("a",): 12, ("b",): 30, ("c",): 3}, dimensions=dims, totals=False)
    all_cases = protect_counts({("a",): 40, ("b",): 30, ("c",): 0}, dimensions=dims, totals=False)
    share = protect_ratio(waiting, all_cases)
    assert share[("a",)].shown == 30.0  # from the exact 12 / 40, not the rounded 10 / 40
    assert share[("b",)].shown == 100.0
    assert share[("c",)].shown is None


def test_average_needs_its_count_shown() -> None:
    cases = protect_counts({("a",): 11, ("b",): 2}, dimensions=["team"], totals=False)
    weeks: dict[Key, float] = {("a",): 55.0, ("b",): 9.0}
    average = protect_ratio(weeks, cases, scale=1, digits=1)
    assert average[("a",)].shown == 5.0
    assert average[("b",)].shown is None
    zero_people = protect_ratio(
        protect_counts({("a",): 12}, dimensions=["w"], totals=False), {("a",): 0.0}
    )
    assert zero_people[("a",)].reason == REASON_RATIO_UNDEFINED


# Size


def test_a_hundred_by_hundred_table_of_small_counts_is_protected_whole() -> None:
    """Worst case for the audit: a 100 x 100 table full of small counts, with margins, and a
    series of 10,000 days. Its speed is measured by benchmarks/disclosure.py, not here."""
    pattern = [0, 3, 7, 12, 1, 25, 2, 9, 40, 5, 15]
    counts: dict[Key, int] = {}
    for r in range(100):
        for c in range(100):
            counts[(r, c)] = pattern[(r * 7 + c * 3) % len(pattern)]
    table = protect_counts(counts, dimensions=["wijk", "maand"])
    assert len(table.cells) == 101 * 101
    assert not table.withheld
    assert all(
        c.shown is None or (c.shown >= 10 and c.shown % 5 == 0) for c in table.cells.values()
    )
    series: dict[Key, int] = {(i,): pattern[i % len(pattern)] for i in range(10_000)}
    protected = protect_counts(series, dimensions=["dag"])
    assert len(protected.cells) == 10_001 and not protected.withheld


def test_order_of_levels_is_kept() -> None:
    levels = {"wijk": ["z", "a", "m"]}
    table = protect_counts({("a",): 20, ("z",): 30, ("m",): 40}, dimensions=["wijk"], levels=levels)
    assert table.levels == (("z", "a", "m"),)
    assert list(table.cells) == [("z",), ("a",), ("m",), (TOTAL,)]


def test_grid_is_complete_for_two_way_tables() -> None:
    table = protect_counts({("a", "x"): 20, ("b", "y"): 30}, dimensions=["p", "q"], totals=False)
    assert set(table.cells) == set(itertools.product(["a", "b"], ["x", "y"]))
