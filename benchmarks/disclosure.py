"""Disclosure-control benchmark: the worst case for the audit, a 100 x 100 table of small counts.

    .venv/bin/python benchmarks/disclosure.py

Every cell of a wijk x maand table holds a count from 0 to 40, most of them small, so the CBS
rule hides many cells and the exact audit (koers.privacy.disclosure) has to check every row,
column and total for a hidden count that could be worked out. Also a one-way series of 10,000
days. The baseline, measured in the same run, is what a spreadsheet user does without
disclosure control: the same counts pivoted with row and column totals by pandas.

No issue names a target; this shows the cost of protection on the largest table a public page
asks for (the portal's tables are at most a few hundred cells) and guards against a
change that makes the audit blow up. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
import time

import pandas as pd

from koers.privacy.disclosure import protect_counts

PATTERN = [0, 3, 7, 12, 1, 25, 2, 9, 40, 5, 15]
SIDE = 100
DAYS = 10_000
REPEATS = 3


def _best_of(run: object) -> float:
    assert callable(run)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    counts = {
        (r, c): PATTERN[(r * 7 + c * 3) % len(PATTERN)] for r in range(SIDE) for c in range(SIDE)
    }
    frame = pd.DataFrame(
        [(r, c, n) for (r, c), n in counts.items()], columns=["wijk", "maand", "aantal"]
    )

    def baseline() -> None:
        frame.pivot_table(index="wijk", columns="maand", values="aantal", aggfunc="sum",
                          margins=True)  # fmt: skip

    table = protect_counts(counts, dimensions=["wijk", "maand"])
    hidden = sum(1 for cell in table.cells.values() if not cell.is_shown)
    baseline_s = _best_of(baseline)
    two_way_s = _best_of(lambda: protect_counts(counts, dimensions=["wijk", "maand"]))
    series = {(i,): PATTERN[i % len(PATTERN)] for i in range(DAYS)}
    one_way_s = _best_of(lambda: protect_counts(series, dimensions=["dag"]))
    print(f"100 x 100 tabel: {two_way_s:.2f} s ({hidden} van {len(table.cells)} cellen verborgen)")
    print(f"reeks van {DAYS} dagen: {one_way_s:.2f} s")
    print(f"pandas-draaitabel met totalen (basislijn): {baseline_s * 1000:.1f} ms")
    print(json.dumps({
        "cells_two_way": len(table.cells), "hidden_two_way": hidden,
        "two_way_s": round(two_way_s, 3), "one_way_days": DAYS, "one_way_s": round(one_way_s, 3),
        "baseline_pivot_s": round(baseline_s, 4),
        "ratio_baseline_to_koers": round(baseline_s / two_way_s, 5),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
