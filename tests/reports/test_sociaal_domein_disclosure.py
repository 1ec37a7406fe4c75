"""No hidden cell of a published sociaal-domein table can be worked out from what is shown.

The report and the public API publish counts of clients per quarter as one table: gemeenten by
the metric's publication dimension, with row, column and grand totals, protected by
:func:`koers.privacy.disclosure.protect_counts` exactly as :mod:`koers.metrics.publication`
calls it. This test plays the reader: from the shown (rounded) cells, the reasons of the hidden
ones and the rule, it bounds each hidden count over every table of whole counts that could
lie behind what is published (an integer program), and checks that it could still have more
than one value (a small count: at least the
rule's protection width). This is independent of the module's own flow audit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from koers.privacy.disclosure import (
    CBS_WMO,
    TOTAL,
    DisclosureRule,
    Key,
    ProtectedTable,
    Suppression,
    protect_counts,
)

GEMEENTEN = ("GM0226", "GM0293", "GM0299")


def _known_range(table: ProtectedTable, key: Key) -> tuple[float, float]:
    """What a reader knows of one count from its cell alone: lowest and highest value."""
    rule = table.rule
    cell = table[key]
    half = rule.rounding // 2
    if cell.shown is not None:
        # Rounded half up to a multiple of the base, and shown only from the threshold.
        return max(cell.shown - half, rule.threshold), cell.shown + half
    if cell.suppression is Suppression.SMALL:
        return rule.smallest_hidden, rule.threshold - 1
    if cell.suppression is Suppression.PROTECTS_OTHER:
        return rule.threshold, math.inf
    return 0, math.inf


def _reader_bounds(table: ProtectedTable, target: Key) -> tuple[int, int]:
    """The lowest and highest value ``target`` has in any table of whole counts that agrees
    with everything published: every cell's range and every total's range.

    An integer program per side (HiGHS via scipy), independent of the module's own audit.
    """
    rows, cols = table.levels
    interior = list(itertools.product(rows, cols))

    def row_of(key: Key) -> list[float]:
        g, c = key
        return [1.0 if (g is TOTAL or r == g) and (c is TOTAL or k == c) else 0.0
                for r, k in interior]  # fmt: skip

    totals = [k for k in table.cells if TOTAL in k]
    constraints = [
        LinearConstraint(np.array([row_of(k) for k in totals]),
                         [_known_range(table, k)[0] for k in totals],
                         [_known_range(table, k)[1] for k in totals])
    ]  # fmt: skip
    low, high = zip(*(_known_range(table, k) for k in interior), strict=True)
    bounds = Bounds(np.array(low, dtype=float), np.array(high, dtype=float))
    objective = np.array(row_of(target))
    ends = []
    for sign in (1.0, -1.0):
        result = milp(sign * objective, constraints=constraints, bounds=bounds,
                      integrality=np.ones(len(interior)))  # fmt: skip
        if result.status != 0:  # unbounded above: the reader cannot pin it down either
            ends.append(math.inf if sign < 0 else -math.inf)
            continue
        ends.append(round(sign * result.fun))
    return ends[0], ends[1]


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[Key, int], tuple[Hashable, ...]]:
    """A quarter's small table: three gemeenten by two or three categories, counts 0-40."""
    categories = tuple(draw(st.sampled_from([("Wmo", "Jeugd"), ("A", "B", "C")])))
    counts = {
        (g, c): draw(st.one_of(st.integers(0, 12), st.integers(0, 40)))
        for g in GEMEENTEN
        for c in categories
    }
    return counts, categories


#: The project rule, and the same without rounding (shown counts exact), where only the
#: suppression pattern protects.
RULES = st.sampled_from([CBS_WMO, DisclosureRule(rounding=1)])


@settings(max_examples=80, deadline=None)
@given(tables(), RULES)
def test_no_hidden_cell_can_be_recovered_from_the_shown_cells_and_totals(
    drawn: tuple[dict[Key, int], tuple[Hashable, ...]], rule: DisclosureRule
) -> None:
    counts, categories = drawn
    table = protect_counts(
        counts,
        dimensions=("gemeente", "productcategorie"),
        levels={"gemeente": GEMEENTEN, "productcategorie": categories},
        rule=rule,
    )
    for key, cell in table.cells.items():
        if cell.is_shown:
            assert cell.shown is not None and cell.shown % rule.rounding == 0
            assert cell.shown >= rule.threshold - rule.rounding // 2
            continue
        assert cell.reason  # a hidden cell always says why
        low, high = _reader_bounds(table, key)
        true = table.counts_for_ratios[key]
        assert low <= true <= high, (key, low, high)
        assert high > low, f"{key} is exactly {true} from what is shown: {table.cells}"
        if cell.suppression is Suppression.SMALL:
            assert high - low >= rule.protection_width, (key, low, high)


def test_the_reader_model_does_find_an_unprotected_count() -> None:
    """The reader model is not blind: without secondary suppression (and without rounding)
    a small cell is worked out exactly from its row and column totals."""
    exact = DisclosureRule(rounding=1)
    counts = {("GM0226", "Wmo"): 3, ("GM0226", "Jeugd"): 40, ("GM0293", "Wmo"): 30,
              ("GM0293", "Jeugd"): 30, ("GM0299", "Wmo"): 30, ("GM0299", "Jeugd"): 30}  # fmt: skip
    protected = protect_counts(counts, dimensions=("gemeente", "productcategorie"),
                               levels={"gemeente": GEMEENTEN}, rule=exact)  # fmt: skip
    # Undo the secondary suppression: show every cell the rule hid only to protect another.
    from dataclasses import replace

    from koers.privacy.disclosure import Cell

    naive = replace(protected, cells={
        k: Cell(protected.counts_for_ratios[k])
        if c.suppression is Suppression.PROTECTS_OTHER else c
        for k, c in protected.cells.items()
    })  # fmt: skip
    assert any(c.suppression is Suppression.PROTECTS_OTHER for c in protected.cells.values())
    low, high = _reader_bounds(naive, ("GM0226", "Wmo"))
    assert low == high == 3
