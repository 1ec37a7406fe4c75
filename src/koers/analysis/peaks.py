"""Peaks: days with clearly more reports than the seasonal baseline, grouped into episodes.

Each day gets a p-value: the chance of at least the observed count if the baseline were true,
from a Poisson tail, or a negative-binomial one when the series is overdispersed (alpha
estimated robustly in :mod:`koers.analysis.decompose`). Over the hundreds of days of a
series many days are unusual by chance, so days are kept by the Benjamini-Hochberg procedure
at false-discovery rate ``fdr`` (per series): on a series without any real peak, the chance of
any alarm is at most ``fdr``; with real peaks, at most that share of the alarms is expected to
be false. A day must also have at least ``min_extra`` reports more than expected: on a large
series a few percent can be "significant" and still not be news.

Neighbouring days grow an episode without passing the FDR step themselves when they are
unusual on their own (p < ``extend_p``): a storm's second day is smaller than its first, but
it belongs to the same event. They never start an episode, so they cannot add false alarms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from koers.analysis.decompose import Decomposition, decompose
from koers.analysis.series import DailySeries, FloatArray

FDR = 0.05
MIN_EXTRA = 2.0
EXTEND_P = 0.01


@dataclass(frozen=True)
class Peak:
    """An episode of consecutive unusual days, ``first`` to ``last`` inclusive.

    ``observed``, ``expected`` and ``extra`` are totals over the episode; ``p_value`` is
    that of the total (same tail as the days), ``q_value`` the smallest BH-adjusted value of
    its days; ``peak_day`` has the largest excess.
    """

    series: str
    first: dt.date
    last: dt.date
    peak_day: dt.date
    observed: float
    expected: float
    p_value: float
    q_value: float

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def extra(self) -> float:
        return self.observed - self.expected

    @property
    def percent(self) -> float:
        """How many percent above the expectation (the "38% meer dan verwacht")."""
        return 100.0 * self.extra / self.expected if self.expected > 0 else float("inf")

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def upper_tail(observed: FloatArray, expected: FloatArray, alpha: float) -> FloatArray:
    """P(Y >= observed) under Poisson(expected), or NB with variance mu + alpha mu^2."""
    k = np.maximum(observed - 1.0, -1.0)
    if alpha <= 0:
        return np.asarray(stats.poisson.sf(k, expected), dtype=float)
    size = 1.0 / alpha
    return np.asarray(stats.nbinom.sf(k, size, size / (size + expected)), dtype=float)


def benjamini_hochberg(p_values: FloatArray) -> FloatArray:
    """BH-adjusted p-values (q-values): keep the days with q <= the chosen FDR."""
    m = len(p_values)
    if m == 0:
        return p_values.copy()
    order = np.argsort(p_values)
    ranked = p_values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def detect_peaks(
    series: DailySeries,
    decomposition: Decomposition | None = None,
    *,
    fdr: float = FDR,
    min_extra: float = MIN_EXTRA,
    extend_p: float = EXTEND_P,
) -> list[Peak]:
    """Episodes of significantly more reports than the baseline, in date order."""
    fit = decomposition if decomposition is not None else decompose(series)
    y, mu = series.values, fit.expected
    alpha = fit.dispersion
    p = upper_tail(y, mu, alpha)
    q = benjamini_hochberg(p)
    excess = y - mu
    seed = (q <= fdr) & (excess >= min_extra)
    if not seed.any():
        return []
    grow = (p < extend_p) & (excess > 0)
    peaks = []
    for a, b in _episodes(seed, grow):
        observed = float(y[a:b].sum())
        expected = float(mu[a:b].sum())
        total_p = float(upper_tail(np.array([observed]), np.array([expected]), alpha)[0])
        top = a + int(np.argmax(excess[a:b]))
        peaks.append(
            Peak(
                series=series.name,
                first=series.start + dt.timedelta(days=a),
                last=series.start + dt.timedelta(days=b - 1),
                peak_day=series.start + dt.timedelta(days=top),
                observed=observed,
                expected=expected,
                p_value=total_p,
                q_value=float(q[a:b].min()),
            )
        )
    return peaks


def _episodes(seed: np.ndarray, grow: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges: runs of seed days, widened over adjacent grow days."""
    member = seed | grow
    spans = []
    n = len(seed)
    i = 0
    while i < n:
        if not member[i]:
            i += 1
            continue
        j = i
        while j < n and member[j]:
            j += 1
        if seed[i:j].any():
            spans.append((i, j))
        i = j
    return spans
