"""Pre-bins of a numeric column and the cut points between its bins.

The non-missing values are sorted once and summed per distinct value (:func:`_distinct`),
then cut into pre-bins on the distinct values, a distinct value never split: by
equal-frequency targets (``prebinning="quantile"``) or by a best-first classification tree
on the value alone (``"tree"``, :func:`_tree_prebins`). Once the pre-bins are grouped into
bins (:mod:`credit_closure._scorecard.binning_search`), :func:`_cuts` places each cut
between the last training value of a bin and the first of the next, with as few
significant digits as fit (:func:`_nice_cut`). :func:`_rank_sign` breaks an IV tie between
the two monotonic directions. The method is described in the docstring of
:mod:`credit_closure._scorecard.binning`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from credit_closure._scorecard.binning_search import Bin

#: ``fit_numeric(prebinning=...)`` choices.
PREBINNINGS = ("quantile", "tree")


class _Distinct(NamedTuple):
    """The non-missing rows of a column aggregated per distinct value, in ascending order."""

    values: np.ndarray  # the distinct values (-0.0 made 0.0)
    cum: np.ndarray  # rows up to and including each distinct value (int64)
    cum_bad: np.ndarray  # bads up to and including each distinct value (int64)
    n_rows: int  # the non-missing rows


def _distinct(xv: np.ndarray, yv: np.ndarray) -> _Distinct:
    """Sort the non-missing values once and sum rows and bads per distinct value (so the
    result does not depend on row order)."""
    n_v = len(xv)
    order = np.argsort(xv, kind="stable")
    xs = xv[order]
    ys = yv[order]
    first = np.empty(n_v, dtype=bool)
    first[0] = True
    np.not_equal(xs[1:], xs[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    uvals = xs[starts] + 0.0  # distinct values; + 0.0 makes -0.0 into 0.0
    cum = np.append(starts[1:], n_v).astype(np.int64)  # rows up to each distinct value
    cum_bad = np.cumsum(ys, dtype=np.int64)[cum - 1]
    return _Distinct(uvals, cum, cum_bad, n_v)


def _rank_sign(cum: np.ndarray, cnt: np.ndarray, bad: np.ndarray) -> int:
    """Sign of the Spearman correlation between ``x`` (mid-ranks) and ``y``.

    Compares the mean mid-rank of the bad rows with the overall mean rank, exactly in
    integers (twice the mid-rank of a distinct value is ``2*before + count + 1``).
    """
    n_v = int(cum[-1])
    twice_rank = 2 * (cum - cnt) + cnt + 1
    s = int(np.dot(twice_rank.astype(np.int64), bad.astype(np.int64)))
    ref = int(bad.sum()) * (n_v + 1)
    return (s > ref) - (s < ref)


def _tree_prebins(
    cum: np.ndarray, cum_bad: np.ndarray, max_leaves: int, min_leaf: int
) -> np.ndarray:
    """Supervised (CART-like) pre-bins on the distinct values; returns the pre-bins' ``ends``.

    ``cum``/``cum_bad`` are the rows and bads up to each distinct value. Leaves are grown
    best first, like a classification tree limited to ``max_leaves`` leaves: every leaf is
    scored by the best decrease of the Gini impurity (weighted by rows) over the cuts between
    its distinct values that leave at least ``min_leaf`` rows on each side, and the leaf with
    the largest decrease is split next (ties: the leftmost leaf; within a leaf, the leftmost
    cut). Growth stops at ``max_leaves`` leaves or when no admissible cut lowers the
    impurity. All arithmetic is on the per-distinct-value sums, so the result does not
    depend on row order.
    """
    n_distinct = len(cum)
    c0 = np.concatenate(([0], cum)).astype(np.float64)
    b0 = np.concatenate(([0], cum_bad)).astype(np.float64)

    def best_split(lo: int, hi: int) -> tuple[float, int]:
        # Leaf = distinct values lo..hi-1; a cut after value k (lo <= k < hi - 1).
        if hi - lo < 2:
            return 0.0, -1
        n_t = c0[hi] - c0[lo]
        b_t = b0[hi] - b0[lo]
        n_l = c0[lo + 1 : hi] - c0[lo]
        b_l = b0[lo + 1 : hi] - b0[lo]
        n_r = n_t - n_l
        b_r = b_t - b_l
        ok = (n_l >= min_leaf) & (n_r >= min_leaf)
        if not bool(ok.any()):
            return 0.0, -1
        with np.errstate(divide="ignore", invalid="ignore"):
            # n * Gini = 2 * b * g / n; the decrease is the parent's minus the children's.
            child = np.where(ok, b_l * (n_l - b_l) / n_l + b_r * (n_r - b_r) / n_r, np.inf)
        k = int(np.argmin(child))
        gain = b_t * (n_t - b_t) / n_t - float(child[k])
        if not gain > 1e-12 * max(n_t, 1.0):
            return 0.0, -1
        return gain, lo + k

    heap: list[tuple[float, int, int, int]] = []
    gain, k = best_split(0, n_distinct)
    if k >= 0:
        heap.append((-gain, 0, n_distinct, k))
    ends = [n_distinct - 1]
    leaves = 1
    while heap and leaves < max_leaves:
        _, lo, hi, k = heapq.heappop(heap)
        ends.append(k)
        leaves += 1
        for a, b in ((lo, k + 1), (k + 1, hi)):
            g, kk = best_split(a, b)
            if kk >= 0:
                heapq.heappush(heap, (-g, a, b, kk))
    return np.asarray(sorted(ends), dtype=np.int64)


def _prebin_ends(
    d: _Distinct, prebinning: str, prebins: int, min_prebin_share: float
) -> np.ndarray:
    """The pre-bins on the distinct values: pre-bin ``j`` ends at distinct value
    ``ends[j]`` (a distinct value is never split across two pre-bins)."""
    if prebinning == "tree":
        min_leaf = max(1, math.ceil(float(min_prebin_share) * d.n_rows))
        return _tree_prebins(d.cum, d.cum_bad, prebins, min_leaf)
    targets = (d.n_rows * np.arange(1, prebins, dtype=np.int64) + prebins - 1) // prebins
    ends: np.ndarray = np.unique(
        np.append(np.searchsorted(d.cum, targets, side="left"), len(d.values) - 1)
    )
    return ends


def _nice_cut(lo: float, hi: float) -> float:
    """A cut ``c`` with ``lo < c <= hi`` with as few significant digits as possible."""
    mid = lo / 2 + hi / 2
    if not lo < mid <= hi:
        mid = hi
    for digits in range(1, 18):
        c = float(f"{mid:.{digits}g}")
        if lo < c <= hi:
            return c + 0.0
    return hi + 0.0  # pragma: no cover - 17 digits always reproduce ``mid``


def _cuts(bins: Sequence[Bin], ends: np.ndarray, values: np.ndarray) -> tuple[float, ...]:
    """The cut between the last training value of each bin and the first of the next."""
    cuts = []
    for s, _, _ in bins[1:]:
        g = int(ends[s - 1]) + 1  # first distinct value of the bin
        cuts.append(_nice_cut(float(values[g - 1]), float(values[g])))
    return tuple(cuts)
