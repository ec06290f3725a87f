"""Supervised binning with weight of evidence (WOE) and information value (IV).

This is the first stage of a credit scorecard (binning -> WOE -> L2 logistic regression ->
points per bin). Each input column is cut into a few bins; each bin gets a WOE that the
regression then uses as the column's value. ``y`` is 0/1 with **1 = bad**.

WOE convention (risk WOE, fixed)
--------------------------------
With ``B``/``G`` the total bad/good rows, ``bad_i``/``good_i`` the rows of bin ``i``,
``k`` the number of bins *that hold at least one training row* and the additive smoothing
``a`` (``smoothing=`` of the fit functions: a multiple of 0.5, by default ``SMOOTHING = 0.5``,
recorded in the binning)::

    p_i   = (bad_i  + a) / (B + a*k)        # smoothed share of the bads in bin i
    q_i   = (good_i + a) / (G + a*k)        # smoothed share of the goods in bin i
    woe_i = ln(p_i / q_i)
    IV    = sum_i (p_i - q_i) * woe_i

A riskier bin has a **larger** WOE (the opposite sign of the "goods over bads" convention
some textbooks use). The shares in the IV are the smoothed ones, so every term is >= 0 and
so is the IV. A bin without training rows (the missing bin when training had no missing
value; the single value bin when every training value was missing) has ``woe = 0.0``
(neutral: it moves the score neither way) and adds nothing to the IV.

Numeric columns (:func:`fit_numeric`)
-------------------------------------
1. Sort the non-missing values once and aggregate rows, bads and cumulative sums per
   distinct value (so the result does not depend on row order).
2. Pre-bin (a distinct value is never split across two pre-bins), with
   ``prebinning="quantile"`` (the default) on ``prebins`` equal-frequency targets, blind to
   ``y``; or with ``prebinning="tree"``, supervised: a classification tree on ``x`` alone,
   grown best first to at most ``prebins`` leaves. Each leaf's best cut is the one that most
   lowers the rows-weighted Gini impurity of the bad flag while leaving at least
   ``min_prebin_share`` of the non-missing rows (and one row) on each side; the leaf whose
   cut gains most is split next (ties: the leftmost leaf, then the leftmost cut), until no
   cut gains. It works on the per-distinct-value cumulative sums of step 1, so it is
   deterministic and does not depend on row order. A narrow band whose bad rate differs from
   its flat surroundings gets a pre-bin of its own, where 5%-quantile pre-bins would blur
   it into its neighbours.
3. Monotonicity (``"increasing"``: a higher value is riskier; ``"decreasing"``; ``"auto"``
   fits both and keeps the one with the larger IV, ties broken by the sign of a Spearman
   rank correlation between ``x`` and ``y``; ``None``: no constraint): adjacent violators
   are pooled, pool-adjacent-violators style, until both the bad rate and the WOE are
   monotonic in the required direction. The monotonicity is kept (re-pooled if needed)
   after every later merge.
4. Every bin holding fewer than ``min_bin_share`` of *all* rows (missing rows included) is
   merged, smallest first, into the neighbour with the nearest bad rate.
5. While more than ``max_bins`` value bins remain, the adjacent pair whose merge loses the
   least IV is merged.

Steps 3-5 are the ``method="greedy"`` engine (the default). ``method="optimal"`` replaces
them with one exact search: of all the groupings of adjacent pre-bins into at most
``max_bins`` bins that hold at least ``min_bin_share`` of all rows each (waived for a single
bin) and whose bad rates and WOE follow the shape, the one with the largest IV (the missing
bin's term included, the smoothing counted with the final number of bins; ties: fewer bins).
It is a dynamic programme over bin boundaries (:func:`_optimal`): for each number of bins
``K`` and each last bin ``[s, e)``, the best ``k``-bin prefix ending there is the IV term of
``[s, e)`` plus the best compatible ``(k-1)``-bin prefix ending at ``s``; a peak or valley
adds a rising/falling phase to the state, so every turning point is searched at once.
``O(K^2 m^3)`` vectorised work for ``m`` pre-bins (a few milliseconds for 20 pre-bins and
8 bins); more than :data:`OPTIMAL_MAX_PREBINS` pre-bins are first reduced to that many by
the greedy least-IV-loss merge. The exact IV is never below the greedy one under the same
constraints, except for a categorical column with more than that many categories (the
greedy reduction comes first); whether it generalises better is an empirical question, answered for the
scorecard's defaults in ``docs/logistic-scorecard.md`` (it did not, there).

Unimodal shapes (``monotonic="peak"``, ``"valley"`` or ``"auto_shape"``)
------------------------------------------------------------------------
A **peak** is a bad rate that rises to a turning bin, then falls (the middle of the range is
riskiest); a **valley** falls, then rises (both ends are riskier, e.g. the youngest and the
oldest applicants). For a turning pre-bin ``s`` the pre-bins ``[0, s)`` are pooled increasing
and ``[s, m)`` decreasing (the reverse for a valley); later merges keep every pair on the left
of ``s`` increasing and every pair on the right decreasing, and a bin that comes to straddle
``s`` is the turning bin. The pair that meets at ``s`` may rise or fall, but its bad rate
and its WOE must not move in opposite directions (a thin bin whose smoothed odds order
differs from its bad-rate order is merged), as in the exact search. Both the bad rate and
the WOE are unimodal. Every ``s`` from 1 to
``m - 1`` is tried and the largest IV wins (ties: the smallest ``s``), so a fit costs about
``2 m`` monotonic fits.

``"auto_shape"`` fits the ``"auto"`` monotonic binning and the best peak and valley
(the valley only when its IV is strictly larger), and keeps the unimodal one only when

* its bad rates actually rise and fall (a "peak" at an end is just monotonic),
* it has at least :data:`UNIMODAL_MIN_BINS` (3) value bins,
* its IV gain is significant: ``n * pi * (1 - pi) * (IV_unimodal - IV_monotonic) >= 4``
  (:data:`UNIMODAL_MIN_GAIN`), ``pi`` being the bad rate. For small effects
  ``n * pi * (1 - pi) * IV`` approximates the chi-square statistic of the bins-by-outcome
  table, and 4 is about the 95% point of a chi-square with one degree of freedom, the turn;
* and material: ``IV_unimodal >= 1.05 * IV_monotonic`` (:data:`UNIMODAL_MIN_RATIO`), since
  with many rows a tiny wiggle in a flat stretch of a monotonic risk is "significant".

Both thresholds were set from simulations, never from a benchmark's test data: one numeric
input with a 30% bad rate, x normal, log-normal or 7-valued, risk flat, linear in x (weak,
moderate), a step, or U-shaped (weak to strong); 800 or 5,000 training rows; the binning's
AUC on 20,000 fresh rows. Averaged over the seven kinds of risk, (4, 5%) gave the best or
within 0.0001 of the best AUC of the thresholds tried (gain 4 or 8, ratio 0, 5% or 10%):
0.5741 at 800 rows and 0.5780 at 5,000, against 0.5731 and 0.5778 with a gain of 8 and
0.5669 and 0.5690 with monotonic shapes only. The price is spurious turns on weak inputs:
with no signal or a weak linear one, 13-33% of the columns got a peak or valley (costing
up to 0.005 AUC on that input); with a moderate linear risk 0-4%, with a step 0-11%; a
U-shaped risk kept its turn in 49-84% of the columns at 800 rows and 67-100% at 5,000.

Otherwise the monotonic binning is kept. ``shape`` records the result; ``direction`` is
``None`` for a peak or valley.

Why quantile pre-bins stay the default
--------------------------------------
``"tree"`` was compared with ``"quantile"`` (``prebins=20``) inside ``LogisticScorer`` with
its other defaults, on data that no benchmark scores: (a) the German credit data, by an inner
stratified 3-fold CV on each of the 25 *training* folds of the 5 x 5-fold benchmark (inner
``random_state = 1000 + seed``; the test folds were not read), mean inner AUC 0.7779 with
quantile pre-bins, 0.7791 with ``"tree"`` (``min_prebin_share=0.05``; at least quantile's in
16 of 25 folds; the paired differences have an SD of 0.0049) and 0.7792 with
``min_prebin_share=0.02``; (b) ``synth.generate_portfolio(20000, seed=21)``, stratified
5-fold CV, mean test AUC 0.8299 with quantile pre-bins, 0.8282 with ``"tree"`` (0.05; lower
in 4 of 5 folds) and 0.8293 (0.02). The tree fits the training rows better (on the first
German training fold the valley of credit_amount reaches an IV of 0.252 instead of 0.180),
but the gain on unseen rows is within the noise on German credit and is a loss on the
synthetic portfolio, so the default was not changed. A union of both sets of pre-bins did no
better (German +0.0000 and +0.0010, synthetic -0.0001 and -0.0005). Re-run under the
later defaults (``C=0.3``, ``min_iv=0``; ``benchmarks/evidence/defaults_round3_cv.py``),
the picture was the same: German inner CV +0.0010 (``min_prebin_share=0.05``) and +0.0012
(0.02) over quantile's 0.7804, at least as good in 16 and 15 of 25 folds (paired SD 0.0042
and 0.0049); synthetic -0.0017 and -0.0006 from quantile's 0.8301. Both missed the rule
fixed beforehand (synthetic not lower by more than 0.0005), so quantile pre-bins stay;
the same round moved ``LogisticScorer``'s number of them from 20 to 30 (its ``prebins``).

Bins are given by sorted finite cut points ``cuts``: a value ``v`` falls in bin ``i`` when
``cuts[i-1] <= v < cuts[i]`` (the first bin is unbounded below, the last unbounded above, so
``-inf``/``+inf`` are accepted when transforming). A cut lies between the last training
value of one bin and the first of the next; it is the number with the fewest significant
digits in that gap (``0.5`` rather than ``0.50000123``), which keeps the labels readable.
NaN (or ``None``) is missing.

Categorical columns (:func:`fit_categorical`)
---------------------------------------------
Categories (``str``; ``None`` or a float NaN is missing) are ordered by bad rate (ties by
label), rare ones (below ``min_group_share`` of all rows) are merged, smallest first, into the
adjacent group with the nearest bad rate, then adjacent groups are merged losing the least
IV until at most ``max_groups`` remain (``method="greedy"``); with ``method="optimal"`` the
contiguous grouping of the ordered categories with the largest IV under the same two limits
is found exactly, as for numeric columns. A category not seen at training goes to the group
with the most training rows (ties: the group whose smallest label sorts first), stored as
``unseen_index``.

Layout of the results
---------------------
The value bins come first, in order; the **missing bin is always present and always last**
(``missing_index == n_bins - 1``), with its own count and WOE. ``max_bins``/``max_groups``
count the value bins only.

Persistence: ``to_dict()`` returns plain JSON types (lists of floats, ints and strings; no
NaN or infinity: the unbounded ends are implied by the cut list), ``from_dict()`` validates
every field, collects every problem, and raises
:class:`~credit_closure.exceptions.InvalidInputError`. Floats survive a JSON round trip
exactly, so the transforms of a reloaded binning are bit-identical.

Example:
    >>> from credit_closure._scorecard.binning import fit_numeric
    >>> x = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9, None]
    >>> b = fit_numeric(x, [0, 0, 0, 1, 1, 0, 1], max_bins=2, min_bin_share=0.0)
    >>> b.labels
    ('(-inf, 0.5)', '[0.5, +inf)', 'missing')
    >>> b.direction, [round(w, 3) for w in b.woe]
    ('increasing', [-1.745, 0.711, 1.299])
    >>> b.bin_index_one(0.5), b.transform_index([0.4, float("nan")]).tolist()
    (1, [0, 2])

    Five values of 100 rows with 1, 12, 11, 24 and 53 bads in two bins: the greedy merges
    cut at 4, the exact search finds the cut with the largest IV, at 2.5:

    >>> x = [float(v) for v in range(5) for _ in range(100)]
    >>> y = [int(i < b) for b in (1, 12, 11, 24, 53) for i in range(100)]
    >>> [fit_numeric(x, y, max_bins=2, min_bin_share=0.0, prebins=5, method=m).cuts
    ...  for m in ("greedy", "optimal")]
    [(4.0,), (2.5,)]
"""

from __future__ import annotations

import heapq
import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from numbers import Real
from typing import Any

import attrs
import numpy as np

from credit_closure.exceptions import InvalidInputError

__all__ = [
    "CategoricalBinning",
    "MAX_PREBINS",
    "MAX_SMOOTHING",
    "METHODS",
    "MISSING_LABEL",
    "NumericBinning",
    "OPTIMAL_MAX_PREBINS",
    "PREBINNINGS",
    "SMOOTHING",
    "UNIMODAL_MIN_BINS",
    "UNIMODAL_MIN_GAIN",
    "UNIMODAL_MIN_RATIO",
    "binning_from_dict",
    "fit_categorical",
    "fit_numeric",
]

#: The default additive smoothing ``a`` of the WOE (see the module docstring); a binning
#: may be fitted with another multiple of 0.5 up to :data:`MAX_SMOOTHING` (``smoothing=``).
SMOOTHING = 0.5

#: The largest smoothing accepted. Larger pseudo-counts swamp any bin of a few hundred rows;
#: the exact monotonicity tests stay within int64 up to about 3 billion rows either way
#: (the doubled odds multiply two disjoint row counts, and ``2a`` adds at most 32 to each).
MAX_SMOOTHING = 16.0

#: Label of the missing bin.
MISSING_LABEL = "missing"

#: Largest ``prebins`` accepted (the merge stage is quadratic in the number of pre-bins).
MAX_PREBINS = 1000

_DIRECTIONS = ("increasing", "decreasing")
_UNIMODAL = ("peak", "valley")
_SHAPES = _DIRECTIONS + _UNIMODAL
_MONOTONIC = ("auto", "auto_shape", "increasing", "decreasing", "peak", "valley", None)

#: ``monotonic="auto_shape"`` keeps a peak or valley only when its IV exceeds the IV of the
#: best monotonic binning of the same column by at least this much in chi-square units,
#: ``n * pi * (1 - pi) * (IV_unimodal - IV_monotonic)`` (``pi`` = bad rate): the penalty for
#: the freedom of choosing a shape and a turning point (see the module docstring).
UNIMODAL_MIN_GAIN = 4.0

#: ... and only when its IV is at least ``1 + UNIMODAL_MIN_RATIO`` times the monotonic IV
#: (a material gain: with many rows a tiny wiggle is "significant").
UNIMODAL_MIN_RATIO = 0.05

#: ... and only when it has at least this many value bins (a turn needs three).
UNIMODAL_MIN_BINS = 3

#: The pair constraint of the merge engine: ``None`` (none), a direction, or
#: ``(direction_left, direction_right, s)`` for a unimodal shape turning at pre-bin ``s``.
Constraint = Any

Problem = tuple[str, str]


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------
def _type_name(value: Any) -> str:
    """The JSON name of a value's type, for messages (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_int_param(problems: list[Problem], name: str, value: Any, lo: int, hi: int) -> None:
    if not _is_int(value) and not isinstance(value, np.integer):
        problems.append((name, f"must be an integer (got {_type_name(value)})"))
    elif not lo <= int(value) <= hi:
        problems.append((name, f"must be between {lo} and {hi} (got {int(value)})"))


def _check_method(problems: list[Problem], value: Any) -> None:
    if not (isinstance(value, str) and value in METHODS):
        problems.append(("method", "must be 'optimal' or 'greedy'"))


def _check_smoothing(problems: list[Problem], name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        problems.append((name, f"must be a number (got {_type_name(value)})"))
        return
    try:
        v = float(value)
    except OverflowError:  # an int beyond the float range
        v = math.inf
    if not (0.5 <= v <= MAX_SMOOTHING and (2.0 * v).is_integer()):
        problems.append(
            (
                name,
                f"must be a multiple of 0.5 between 0.5 and {MAX_SMOOTHING:g} "
                f"(got {v!r}), so the monotonicity tests stay exact",
            )
        )


def _finite_number(value: Any) -> bool:
    """``math.isfinite`` of a number, False for an int beyond the float range."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _check_smoothing_key(problems: list[Problem], fields: Mapping[str, Any]) -> None:
    """A document's ``smoothing`` key is written only as :meth:`to_dict` writes it: a float,
    and absent when it is the default (so a document has one canonical form and hash)."""
    if "smoothing" not in fields or any(p == "smoothing" for p, _ in problems):
        return
    v = fields["smoothing"]
    if isinstance(v, int) and not isinstance(v, bool):
        problems.append(("smoothing", f"must be written as a float ({v}.0, not {v})"))
    elif isinstance(v, float) and v == SMOOTHING:
        problems.append(("smoothing", f"must be left out when it is the default {SMOOTHING}"))


def _check_share_param(problems: list[Problem], name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        problems.append((name, f"must be a number (got {_type_name(value)})"))
    elif not 0.0 <= float(value) <= 0.5:
        problems.append((name, f"must be between 0 and 0.5 (got {float(value)})"))


def _validate_y(problems: list[Problem], y: Any) -> np.ndarray | None:
    """Return ``y`` as an int64 0/1 array, or None after recording the problem."""
    try:
        arr = np.asarray(y)
    except Exception:
        problems.append(("y", "must be an array of 0/1 labels"))
        return None
    if arr.ndim != 1:
        problems.append(("y", f"must be one-dimensional (got {arr.ndim} dimensions)"))
        return None
    if arr.dtype.kind not in "biuf":
        problems.append(("y", f"must hold 0/1 numbers (got dtype {arr.dtype})"))
        return None
    ok = (arr == 0) | (arr == 1)
    if not bool(np.all(ok)):
        n_other = int(np.size(ok) - np.count_nonzero(ok))
        problems.append(("y", f"must hold only 0 and 1 ({n_other} other values)"))
        return None
    return arr.astype(np.int64)


def _check_rows(problems: list[Problem], n_x: int, y: np.ndarray | None) -> None:
    """Length, row-count and class checks shared by both fits."""
    if y is not None and len(y) != n_x:
        problems.append(("y", f"must have the same length as x (got {len(y)}, x has {n_x})"))
    if n_x < 2:
        problems.append(("x", f"needs at least 2 rows (got {n_x})"))
    if y is not None and len(y) >= 1:
        n_bad = int(y.sum())
        if n_bad == 0 or n_bad == len(y):
            problems.append(("y", f"must contain both classes 0 and 1 (found only {int(y[0])})"))


def _woe_iv(
    counts: Sequence[int], bads: Sequence[int], a: float = SMOOTHING
) -> tuple[tuple[float, ...], float]:
    """WOE per bin and IV, with the convention of the module docstring.

    The WOE is computed as ``ln(((bad+a)*(G+a*k)) / ((good+a)*(B+a*k)))`` whose products are
    exact in floating point, so two bins with the same smoothed odds get the same WOE and a
    monotonic odds sequence gives a monotonic WOE sequence. ``p - q`` is computed from the
    same exact products, so each IV term is >= 0. ``a`` is the smoothing.
    """
    total = sum(counts)
    n_bad = sum(bads)
    n_good = total - n_bad
    k = sum(1 for c in counts if c > 0)
    den_b = n_bad + a * k
    den_g = n_good + a * k
    woe: list[float] = []
    terms: list[float] = []
    for c, b in zip(counts, bads):
        if c == 0:
            woe.append(0.0)
            continue
        num = (b + a) * den_g
        den = (c - b + a) * den_b
        w = math.log(num / den) + 0.0  # + 0.0 turns a -0.0 into 0.0
        woe.append(w)
        terms.append((num - den) / (den_b * den_g) * w)
    return tuple(woe), float(math.fsum(terms))


def _terms_vec(b: np.ndarray, c: np.ndarray, den_b: float, den_g: float, a: float) -> np.ndarray:
    """Vectorised IV terms for bins with ``b`` bads out of ``c`` rows (all ``c`` > 0)."""
    num = (b + a) * den_g
    den = (c - b + a) * den_b
    return (num - den) / (den_b * den_g) * np.log(num / den)


def _violates(cl: int, bl: int, cr: int, br: int, direction: str, a2: int = 1) -> bool:
    """Whether the adjacent bins (left ``cl``/``bl``, right ``cr``/``br``) break monotonicity.

    Both the bad rate and the smoothed odds (hence the WOE) must be monotonic; comparisons are
    exact integer arithmetic: ``a2`` is twice the smoothing ``a`` (a multiple of 0.5), and the
    odds are compared doubled.
    """
    rate_l, rate_r = bl * cr, br * cl
    odds_l = (2 * bl + a2) * (2 * (cr - br) + a2)
    odds_r = (2 * br + a2) * (2 * (cl - bl) + a2)
    if direction == "increasing":
        return rate_l > rate_r or odds_l > odds_r
    return rate_l < rate_r or odds_l < odds_r


def _pair_direction(constraint: Constraint, e: int) -> str | None:
    """The direction required of two adjacent bins whose right one starts at pre-bin ``e``.

    A unimodal constraint ``(left, right, s)`` asks for ``left`` on the pairs inside pre-bins
    ``[0, s)``, ``right`` on the pairs inside ``[s, m)``, and either of the two of the pair
    that meets at ``s`` (``None`` here; :func:`_violates_at` then refuses only a pair whose
    bad rate and WOE move in opposite directions); a bin that straddles ``s`` after a merge
    is the turning bin (rising into it, falling out of it for a peak).
    """
    if constraint is None or isinstance(constraint, str):
        return constraint
    left, right, s = constraint
    if e < s:
        return left
    if e > s:
        return right
    return None


def _violates_at(
    cl: int, bl: int, cr: int, br: int, constraint: Constraint, e: int, a2: int
) -> bool:
    """:func:`_violates` under ``constraint`` for the pair meeting at pre-bin ``e``.

    The turning pair of a unimodal constraint may rise or fall, but its bad rate and its WOE
    must not move in opposite directions (possible when the smoothing outweighs a thin bin's
    rows): it must keep one of the two directions, as every pair of the exact search does.
    """
    d = _pair_direction(constraint, e)
    if d is not None:
        return _violates(cl, bl, cr, br, d, a2)
    if constraint is None or isinstance(constraint, str):
        return False
    return _violates(cl, bl, cr, br, "increasing", a2) and _violates(
        cl, bl, cr, br, "decreasing", a2
    )


def _nearest_is_left(c: int, b: int, cl: int, bl: int, cr: int, br: int) -> bool:
    """Whether the left neighbour's bad rate is at least as near as the right one's.

    Ties go to the smaller neighbour, then to the left.
    """
    dl = abs(b * cl - bl * c) * cr  # |rate - rate_l| * c * cl * cr
    dr = abs(b * cr - br * c) * cl
    if dl != dr:
        return dl < dr
    return cl <= cr


# --------------------------------------------------------------------------------------
# The merge engine (shared by numeric and categorical binning)
# --------------------------------------------------------------------------------------
def _pav(
    counts: Sequence[int], bads: Sequence[int], direction: Constraint, a2: int
) -> list[list[int]]:
    """Pool adjacent violators; return ``[start, count, bad]`` per pooled bin.

    A unimodal constraint pools each side of its turning pre-bin separately.
    """
    if not isinstance(direction, str):
        left, right, s = direction
        head = _pav(counts[:s], bads[:s], left, a2)
        tail = _pav(counts[s:], bads[s:], right, a2)
        return _repair_pairs(head + [[st + s, c, b] for st, c, b in tail], direction, a2)
    out: list[list[int]] = []
    for i, (c, b) in enumerate(zip(counts, bads)):
        cur = [i, int(c), int(b)]
        while out and _violates(out[-1][1], out[-1][2], cur[1], cur[2], direction, a2):
            prev = out.pop()
            cur = [prev[0], prev[1] + cur[1], prev[2] + cur[2]]
        out.append(cur)
    return out


def _merge_small(
    bins: list[list[int]], threshold: float, direction: Constraint, a2: int
) -> list[list[int]]:
    """Merge bins below ``threshold`` rows, smallest first, into the nearest-rate neighbour.

    A doubly linked list with a lazy heap keeps this O(m log m) for m bins (a categorical
    column can have many categories). With a ``direction``, monotonicity is repaired around
    every merged bin.
    """
    m = len(bins)
    if m <= 1:
        return bins
    start = [s for s, _, _ in bins]
    cnt = [c for _, c, _ in bins]
    bad = [b for _, _, b in bins]
    prev = list(range(-1, m - 1))
    nxt = list(range(1, m)) + [-1]
    alive = [True] * m
    version = [0] * m
    heap = [(cnt[i], i, 0) for i in range(m)]
    heapq.heapify(heap)
    n_alive = m

    def merge(left: int, right: int) -> int:
        nonlocal n_alive
        cnt[left] += cnt[right]
        bad[left] += bad[right]
        alive[right] = False
        after = nxt[right]
        nxt[left] = after
        if after != -1:
            prev[after] = left
        version[left] += 1
        n_alive -= 1
        heapq.heappush(heap, (cnt[left], left, version[left]))
        return left

    def repair(node: int) -> None:
        assert direction is not None
        while True:
            p = prev[node]
            if p != -1 and _violates_at(
                cnt[p], bad[p], cnt[node], bad[node], direction, start[node], a2
            ):
                node = merge(p, node)
                continue
            q = nxt[node]
            if q != -1 and _violates_at(
                cnt[node], bad[node], cnt[q], bad[q], direction, start[q], a2
            ):
                node = merge(node, q)
                continue
            return

    while heap and n_alive > 1:
        c, i, ver = heapq.heappop(heap)
        if not alive[i] or ver != version[i]:
            continue
        if c >= threshold:
            break
        p, q = prev[i], nxt[i]
        if p == -1:
            node = merge(i, q)
        elif q == -1:
            node = merge(p, i)
        elif _nearest_is_left(cnt[i], bad[i], cnt[p], bad[p], cnt[q], bad[q]):
            node = merge(p, i)
        else:
            node = merge(i, q)
        if direction is not None:
            repair(node)

    out = []
    i = 0  # bin 0 is never the right side of a merge, so it heads the list
    while i != -1:
        out.append([start[i], cnt[i], bad[i]])
        i = nxt[i]
    return out


def _merge_iv(
    bins: list[list[int]],
    max_bins: int,
    direction: Constraint,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[list[int]]:
    """Merge the adjacent pair losing the least IV until at most ``max_bins`` bins remain.

    ``a`` is the smoothing (a multiple of 0.5).
    """
    start = [s for s, _, _ in bins]
    cnt = [c for _, c, _ in bins]  # exact ints, for the monotonicity tests
    bad = [b for _, _, b in bins]
    c_arr = np.asarray(cnt, dtype=np.float64)  # kept in step, for the vectorised losses
    b_arr = np.asarray(bad, dtype=np.float64)
    a2 = int(2 * a)

    def merge(j: int) -> None:
        nonlocal c_arr, b_arr
        cnt[j] += cnt[j + 1]
        bad[j] += bad[j + 1]
        del start[j + 1], cnt[j + 1], bad[j + 1]
        c_arr[j] += c_arr[j + 1]
        b_arr[j] += b_arr[j + 1]
        c_arr = np.delete(c_arr, j + 1)
        b_arr = np.delete(b_arr, j + 1)

    while len(cnt) > max_bins:
        k_after = len(cnt) - 1 + (1 if missing_nonempty else 0)
        den_b = n_bad + a * k_after
        den_g = n_good + a * k_after
        t = _terms_vec(b_arr, c_arr, den_b, den_g, a)
        t_merged = _terms_vec(b_arr[:-1] + b_arr[1:], c_arr[:-1] + c_arr[1:], den_b, den_g, a)
        loss = t[:-1] + t[1:] - t_merged
        j = int(np.argmin(loss))
        merge(j)
        if direction is not None:
            while True:
                if j > 0 and _violates_at(
                    cnt[j - 1], bad[j - 1], cnt[j], bad[j], direction, start[j], a2
                ):
                    j -= 1
                    merge(j)
                    continue
                if j + 1 < len(cnt) and _violates_at(
                    cnt[j], bad[j], cnt[j + 1], bad[j + 1], direction, start[j + 1], a2
                ):
                    merge(j)
                    continue
                break
    return [[s, c, b] for s, c, b in zip(start, cnt, bad)]


def _merge_all(
    counts: Sequence[int],
    bads: Sequence[int],
    *,
    direction: Constraint,
    threshold: float,
    max_bins: int,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[list[int]]:
    """Run the three merge stages; return ``[start, count, bad]`` per final bin."""
    a2 = int(2 * a)
    if direction is not None:
        bins = _pav(counts, bads, direction, a2)
    else:
        bins = [[i, int(c), int(b)] for i, (c, b) in enumerate(zip(counts, bads))]
    bins = _merge_small(bins, threshold, direction, a2)
    return _merge_iv(bins, max_bins, direction, n_bad, n_good, missing_nonempty, a)


def _repair_pairs(bins: list[list[int]], constraint: Constraint, a2: int) -> list[list[int]]:
    """Merge adjacent bins until no pair violates ``constraint`` (:func:`_violates_at`).

    Once :func:`_pav` has pooled each side of a unimodal constraint, only the pair meeting at
    the turning pre-bin can still violate (its bad rate and WOE moving apart), and merging
    it can only unsettle its neighbours, so this ends after a few merges.
    """
    out = [list(b) for b in bins]
    j = 1
    while j < len(out):
        (_, cl, bl), (s, cr, br) = out[j - 1], out[j]
        if _violates_at(cl, bl, cr, br, constraint, s, a2):
            out[j - 1] = [out[j - 1][0], cl + cr, bl + br]
            del out[j]
            j = max(1, j - 1)
            continue
        j += 1
    return out


#: ``method`` choices of :func:`fit_numeric` and :func:`fit_categorical`.
METHODS = ("optimal", "greedy")

#: The exact optimiser works on at most this many pre-bins (its cost grows with their cube);
#: a column with more (a large ``prebins``, a categorical column with many categories) is
#: first reduced to this many by the greedy least-IV-loss merge.
OPTIMAL_MAX_PREBINS = 64


def _iv_terms(c: np.ndarray, b: np.ndarray, den_b: float, den_g: float, a: float) -> np.ndarray:
    """IV terms of bins with ``c`` rows and ``b`` bads; ``-inf`` where ``c <= 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        num = (b + a) * den_g
        den = (c - b + a) * den_b
        t = (num - den) / (den_b * den_g) * np.log(num / den)
    return np.where(c > 0, t, -np.inf)


def _compatible(cm: np.ndarray, bm: np.ndarray, direction: str, a2: int) -> np.ndarray:
    """``F[p, s, e]``: whether bin ``[p, s)`` followed by bin ``[s, e)`` keeps ``direction``.

    The test is :func:`_violates` (bad rate and smoothed odds, exact integers), for every
    triple of pre-bin boundaries at once; entries that are not ``p < s < e`` are junk and
    are never reached by the optimiser.
    """
    cl, bl = cm[:, :, None], bm[:, :, None]
    cr, br = cm[None, :, :], bm[None, :, :]
    rate_l, rate_r = bl * cr, br * cl
    odds_l = (2 * bl + a2) * (2 * (cr - br) + a2)
    odds_r = (2 * br + a2) * (2 * (cl - bl) + a2)
    if direction == "increasing":
        return (rate_l <= rate_r) & (odds_l <= odds_r)
    return (rate_l >= rate_r) & (odds_l >= odds_r)


def _optimal(
    counts: Sequence[int],
    bads: Sequence[int],
    *,
    shape: str | None,
    threshold: float,
    max_bins: int,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[list[int]]:
    """The grouping of adjacent pre-bins with the largest IV, exactly; ``[start, count, bad]``
    per bin.

    Among all partitions of the pre-bins into at most ``max_bins`` contiguous bins whose bad
    rates follow ``shape`` (``None``, ``"increasing"``, ``"decreasing"``, ``"peak"`` or
    ``"valley"``, in the sense of :func:`_violates`) and that hold at least ``threshold`` rows
    each (waived for a single bin), it returns one with the largest IV as the module
    docstring defines it (the missing bin's term included, the smoothing counted with the
    final number of bins). Ties go to fewer bins, then to the first optimum found.

    Dynamic programming over bin boundaries: for every number of bins ``K``, the best value
    of ``k`` bins covering pre-bins ``[0, e)`` whose last bin is ``[s, e)`` is the IV term of
    ``[s, e)`` plus the best compatible ``k - 1`` bins ending at ``s``. A peak or valley
    carries a phase (rising or falling; a peak may switch from rising to falling once).
    Cost ``O(K^2 m^3)`` vectorised operations for ``m`` pre-bins; ``m`` is capped at
    :data:`OPTIMAL_MAX_PREBINS`.
    """
    base = [[i, int(c), int(b)] for i, (c, b) in enumerate(zip(counts, bads))]
    if len(base) > OPTIMAL_MAX_PREBINS:
        base = _merge_iv(base, OPTIMAL_MAX_PREBINS, None, n_bad, n_good, missing_nonempty, a)
    m = len(base)
    if m <= 1:
        return base
    starts = [s for s, _, _ in base]
    cum = np.concatenate(([0], np.cumsum([c for _, c, _ in base]))).astype(np.int64)
    cum_b = np.concatenate(([0], np.cumsum([b for _, _, b in base]))).astype(np.int64)
    cm = cum[None, :] - cum[:, None]  # cm[s, e]: rows of pre-bins [s, e)
    bm = cum_b[None, :] - cum_b[:, None]
    upper = np.triu(np.ones((m + 1, m + 1), dtype=bool), 1)
    a2 = int(2 * a)
    fits = upper & (cm >= threshold)
    n_missing = n_bad + n_good - int(cum[-1])
    b_missing = n_bad - int(cum_b[-1])

    # Transitions (from phase, to phase, compatibility) and the number of phases.
    if shape is None:
        every = np.ones((m + 1, m + 1, m + 1), dtype=bool)
        moves, n_phase = [(0, 0, every)], 1
    elif shape in _DIRECTIONS:
        moves, n_phase = [(0, 0, _compatible(cm, bm, shape, a2))], 1
    else:
        first, second = (
            ("increasing", "decreasing") if shape == "peak" else ("decreasing", "increasing")
        )
        f1, f2 = _compatible(cm, bm, first, a2), _compatible(cm, bm, second, a2)
        moves, n_phase = [(0, 0, f1), (0, 1, f2), (1, 1, f2)], 2

    cmf, bmf = cm.astype(np.float64), bm.astype(np.float64)
    best_iv, best_bins = -math.inf, [[starts[0], int(cum[-1]), int(cum_b[-1])]]
    for k_bins in range(1, min(int(max_bins), m) + 1):
        k_all = k_bins + (1 if missing_nonempty else 0)
        den_b, den_g = n_bad + a * k_all, n_good + a * k_all
        extra = 0.0
        if n_missing > 0:
            extra = float(
                _iv_terms(
                    np.array([n_missing], dtype=np.float64),
                    np.array([b_missing], dtype=np.float64),
                    den_b,
                    den_g,
                    a,
                )[0]
            )
        terms = _iv_terms(cmf, bmf, den_b, den_g, a)
        if k_bins == 1:
            iv = float(terms[0, m]) + extra
            if iv > best_iv:
                best_iv = iv
            continue
        terms = np.where(fits, terms, -np.inf)
        value = [np.full((m + 1, m + 1), -np.inf) for _ in range(n_phase)]
        value[0][0, :] = terms[0, :]
        back = []  # per layer, per phase: (best p, its phase)
        for _ in range(1, k_bins):
            new = [np.full((m + 1, m + 1), -np.inf) for _ in range(n_phase)]
            arg_p = [np.zeros((m + 1, m + 1), dtype=np.intp) for _ in range(n_phase)]
            arg_q = [np.zeros((m + 1, m + 1), dtype=np.intp) for _ in range(n_phase)]
            for src, dst, ok in moves:
                cand = np.where(ok, value[src][:, :, None], -np.inf)  # [p, s, e]
                p = np.argmax(cand, axis=0)
                got = np.take_along_axis(cand, p[None], axis=0)[0] + terms
                better = got > new[dst]
                new[dst] = np.where(better, got, new[dst])
                arg_p[dst] = np.where(better, p, arg_p[dst])
                arg_q[dst] = np.where(better, src, arg_q[dst])
            value = new
            back.append((arg_p, arg_q))
        ends = [value[q][:, m] for q in range(n_phase)]
        q_best = max(range(n_phase), key=lambda q: (float(ends[q].max()), -q))
        s_best = int(np.argmax(ends[q_best]))
        iv = float(ends[q_best][s_best]) + extra
        if not iv > best_iv + 1e-12 * max(1.0, abs(best_iv)):
            continue
        bounds = [m, s_best]
        q, s, e = q_best, s_best, m
        for arg_p, arg_q in reversed(back):
            p, q = int(arg_p[q][s, e]), int(arg_q[q][s, e])
            e, s = s, p
            bounds.append(s)
        bounds.reverse()  # 0 = b_0 < b_1 < ... < b_K = m
        best_iv = iv
        best_bins = [
            [starts[lo], int(cum[hi] - cum[lo]), int(cum_b[hi] - cum_b[lo])]
            for lo, hi in zip(bounds, bounds[1:])
        ]
    return best_bins


# --------------------------------------------------------------------------------------
# Cut points and labels
# --------------------------------------------------------------------------------------
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


def _fmt(value: float) -> str:
    return repr(float(value))


def _category_label(group: Sequence[str]) -> str:
    return "{" + ", ".join(json.dumps(c, ensure_ascii=False) for c in group) + "}"


# --------------------------------------------------------------------------------------
# Validation of the persisted fields
# --------------------------------------------------------------------------------------
def _to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _to_int_tuple(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return tuple(int(v) if isinstance(v, np.integer) else v for v in value)


def _to_float_tuple(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return tuple(_to_float(v) for v in value)


def _to_float(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range: refused as not finite
            return math.inf if value > 0 else -math.inf
    return value


def _to_int(value: Any) -> Any:
    return int(value) if isinstance(value, np.integer) else value


def _to_groups(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return tuple(_to_tuple(g) for g in value)


def _check_float_list(problems: list[Problem], path: str, value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        problems.append((path, f"must be a list (got {_type_name(value)})"))
        return False
    ok = True
    for i, v in enumerate(value):
        if not _is_number(v):
            problems.append((f"{path}[{i}]", f"must be a number (got {_type_name(v)})"))
            ok = False
        elif not _finite_number(v):
            problems.append((f"{path}[{i}]", "must be a finite number"))
            ok = False
    return ok


def _check_int_list(problems: list[Problem], path: str, value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        problems.append((path, f"must be a list (got {_type_name(value)})"))
        return False
    ok = True
    for i, v in enumerate(value):
        if not _is_int(v):
            problems.append((f"{path}[{i}]", f"must be an integer (got {_type_name(v)})"))
            ok = False
        elif v < 0:
            problems.append((f"{path}[{i}]", "must be >= 0"))
            ok = False
    return ok


def _check_common(
    problems: list[Problem], fields: Mapping[str, Any], n_expected: int | None
) -> None:
    """Checks of ``counts``, ``bad_counts``, ``woe`` and ``iv`` (present keys only)."""
    ok = {
        "counts": "counts" in fields and _check_int_list(problems, "counts", fields["counts"]),
        "bad_counts": "bad_counts" in fields
        and _check_int_list(problems, "bad_counts", fields["bad_counts"]),
        "woe": "woe" in fields and _check_float_list(problems, "woe", fields["woe"]),
    }
    if n_expected is None and isinstance(fields.get("counts"), (list, tuple)):
        n_expected = len(fields["counts"])
    for key in ("counts", "bad_counts", "woe"):
        value = fields.get(key)
        if isinstance(value, (list, tuple)) and n_expected is not None and len(value) != n_expected:
            problems.append((key, f"must have {n_expected} items, one per bin (got {len(value)})"))
            ok[key] = False
    if ok["counts"] and ok["bad_counts"]:
        for i, (c, b) in enumerate(zip(fields["counts"], fields["bad_counts"])):
            if b > c:
                problems.append((f"bad_counts[{i}]", "must not exceed counts"))
    if "iv" in fields:
        iv = fields["iv"]
        if not _is_number(iv):
            problems.append(("iv", f"must be a number (got {_type_name(iv)})"))
        elif not _finite_number(iv) or iv < 0:
            problems.append(("iv", "must be a finite number >= 0"))


def _check_numeric_fields(fields: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    n_expected = None
    if "cuts" in fields:
        cuts = fields["cuts"]
        _check_float_list(problems, "cuts", cuts)
        if isinstance(cuts, (list, tuple)):
            n_expected = len(cuts) + 2
            usable = [(i, c) for i, c in enumerate(cuts) if _is_number(c) and _finite_number(c)]
            for (_, lo), (i, hi) in zip(usable, usable[1:]):
                if not lo < hi:
                    problems.append((f"cuts[{i}]", "must be greater than the previous cut"))
    _check_common(problems, fields, n_expected)
    if "smoothing" in fields:
        _check_smoothing(problems, "smoothing", fields["smoothing"])
    d = fields.get("direction")
    if "direction" in fields and d is not None and d not in _DIRECTIONS:
        problems.append(("direction", "must be 'increasing', 'decreasing' or null"))
    shape = fields.get("shape")
    if shape is not None:
        if shape not in _SHAPES:
            problems.append(
                ("shape", "must be 'increasing', 'decreasing', 'peak', 'valley' or null")
            )
        elif shape in _DIRECTIONS and d in _SHAPES and d != shape:
            problems.append(("shape", "must equal direction for a monotonic binning"))
        elif shape in _UNIMODAL:
            if d is not None:
                problems.append(("direction", "must be null for a peak or valley binning"))
            if (
                not problems
                and "counts" in fields
                and "bad_counts" in fields
                and not _has_shape(
                    fields["counts"][:-1],
                    fields["bad_counts"][:-1],
                    shape,
                    int(2 * fields.get("smoothing", SMOOTHING)),
                )
            ):
                problems.append(
                    ("shape", f"does not match the bins: their bad rates are not a {shape}")
                )
    return problems


def _has_shape(counts: Sequence[int], bads: Sequence[int], shape: str, a2: int = 1) -> bool:
    """Whether the non-empty bins' bad rates and WOE have ``shape`` (a peak: non-decreasing
    up to a turning bin, then non-increasing; a valley: the reverse; a monotonic shape
    is a peak or valley turning at an end). ``a2`` is twice the smoothing."""
    if shape in _DIRECTIONS:
        first, second = shape, shape
    else:
        first, second = (
            ("increasing", "decreasing") if shape == "peak" else ("decreasing", "increasing")
        )
    cb = [(int(c), int(b)) for c, b in zip(counts, bads) if c > 0]
    pairs = list(zip(cb, cb[1:]))
    k = next((i for i, (l, r) in enumerate(pairs) if _violates(*l, *r, first, a2)), len(pairs))
    return not any(_violates(*l, *r, second, a2) for l, r in pairs[k + 1 :])


def _turns(counts: Sequence[int], bads: Sequence[int]) -> bool:
    """Whether the bad rates of the non-empty bins both rise and fall somewhere."""
    cb = [(int(c), int(b)) for c, b in zip(counts, bads) if c > 0]
    up = any(bl * cr < br * cl for (cl, bl), (cr, br) in zip(cb, cb[1:]))
    down = any(bl * cr > br * cl for (cl, bl), (cr, br) in zip(cb, cb[1:]))
    return up and down


def _check_categorical_fields(fields: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    n_expected = None
    if "groups" in fields:
        groups = fields["groups"]
        if not isinstance(groups, (list, tuple)):
            problems.append(("groups", f"must be a list (got {_type_name(groups)})"))
        else:
            n_expected = len(groups) + 1
            seen: set[str] = set()
            for i, g in enumerate(groups):
                if not isinstance(g, (list, tuple)):
                    problems.append((f"groups[{i}]", f"must be a list (got {_type_name(g)})"))
                    continue
                if not g:
                    problems.append((f"groups[{i}]", "must hold at least one category"))
                for j, c in enumerate(g):
                    path = f"groups[{i}][{j}]"
                    if not isinstance(c, str):
                        problems.append((path, f"must be a string (got {_type_name(c)})"))
                    elif c in seen:
                        problems.append((path, "repeats a category of an earlier position"))
                    else:
                        seen.add(c)
    _check_common(problems, fields, n_expected)
    if "smoothing" in fields:
        _check_smoothing(problems, "smoothing", fields["smoothing"])
    if "unseen_index" in fields:
        u = fields["unseen_index"]
        if not _is_int(u):
            problems.append(("unseen_index", f"must be an integer (got {_type_name(u)})"))
        elif u < 0 or (n_expected is not None and u >= n_expected):
            hi = "n_bins - 1" if n_expected is None else str(n_expected - 1)
            problems.append(("unseen_index", f"must be between 0 and {hi} (got {u})"))
    return problems


def _fields_from_dict(
    d: Any, kind: str, required: Sequence[str], what: str, optional: Sequence[str] = ()
) -> tuple[dict[str, Any], list[Problem]]:
    """Top-level structure checks of a ``to_dict`` document (kind, required and unknown keys)."""
    if not isinstance(d, Mapping):
        raise InvalidInputError([("", f"must be an object (got {_type_name(d)})")], what=what)
    problems: list[Problem] = []
    if "kind" not in d:
        problems.append(("kind", "is required"))
    elif d["kind"] != kind:
        problems.append(("kind", f"must be {kind!r}"))
    for key in required:
        if key not in d:
            problems.append((key, "is required"))
    allowed = set(required) | set(optional) | {"kind"}
    for key in d:
        if key not in allowed:
            problems.append((str(key), "is not a known field"))
    fields = {k: d[k] for k in (*required, *optional) if k in d}
    return fields, problems


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class NumericBinning:
    """The binning of one numeric column (see the module docstring for the conventions).

    Value bins ``0 .. n_bins - 2`` are given by ``cuts`` (bin ``i`` holds
    ``cuts[i-1] <= v < cuts[i]``; the ends are unbounded); the missing bin is the last one,
    ``missing_index == n_bins - 1``.

    Attributes:
        cuts: Sorted finite cut points (``n_bins - 2`` of them).
        counts: Training rows per bin (missing bin last).
        bad_counts: Training bads per bin.
        woe: Risk WOE per bin (larger = riskier; 0.0 for a bin without training rows).
        iv: Information value of the binning.
        direction: ``"increasing"`` (higher value = riskier), ``"decreasing"``, or ``None``
            when no monotonicity was imposed or the shape is a peak or valley.
        shape: The shape the bad rates were constrained to: ``"increasing"``,
            ``"decreasing"``, ``"peak"`` (rising to a turning bin, then falling),
            ``"valley"`` (falling, then rising) or ``None`` (no constraint). Defaults to
            ``direction``; a peak or valley needs ``direction=None`` and is checked against
            the bins' bad rates.
        smoothing: The pseudo-count ``a`` the WOE and the monotonicity tests were computed
            with (a multiple of 0.5; :data:`SMOOTHING` unless fitted with another).

    Raises:
        InvalidInputError: On construction, when the fields are inconsistent.
    """

    cuts: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    bad_counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    woe: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    iv: float = attrs.field(converter=_to_float)
    direction: str | None = None
    shape: str | None = None
    smoothing: float = attrs.field(default=SMOOTHING, converter=_to_float)
    _missing: int = attrs.field(init=False, eq=False, repr=False)
    _cuts_arr: np.ndarray = attrs.field(init=False, eq=False, repr=False)
    _woe_arr: np.ndarray = attrs.field(init=False, eq=False, repr=False)

    _FIELDS = ("cuts", "counts", "bad_counts", "woe", "iv", "direction")
    _OPTIONAL = ("shape", "smoothing")

    def __attrs_post_init__(self) -> None:
        if self.shape is None and self.direction in _DIRECTIONS:
            object.__setattr__(self, "shape", self.direction)
        problems = _check_numeric_fields(
            {k: getattr(self, k) for k in (*self._FIELDS, *self._OPTIONAL)}
        )
        if problems:
            raise InvalidInputError(problems, what="numeric binning")
        cuts_arr = np.asarray(self.cuts, dtype=np.float64)
        woe_arr = np.asarray(self.woe, dtype=np.float64)
        cuts_arr.flags.writeable = False
        woe_arr.flags.writeable = False
        object.__setattr__(self, "_missing", len(self.counts) - 1)
        object.__setattr__(self, "_cuts_arr", cuts_arr)
        object.__setattr__(self, "_woe_arr", woe_arr)

    @property
    def n_bins(self) -> int:
        """Number of bins, the missing bin included."""
        return len(self.counts)

    @property
    def missing_index(self) -> int:
        """Index of the missing bin (always the last one, ``n_bins - 1``)."""
        return self._missing

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable bin labels.

        ``"(-inf, 0.3)"``, ``"[0.3, 0.5)"``, ``"[0.5, +inf)"``, then ``"missing"``; a single
        value bin is ``"(-inf, +inf)"``.
        """
        c = self.cuts
        if not c:
            return ("(-inf, +inf)", MISSING_LABEL)
        out = [f"(-inf, {_fmt(c[0])})"]
        out += [f"[{_fmt(c[i - 1])}, {_fmt(c[i])})" for i in range(1, len(c))]
        out.append(f"[{_fmt(c[-1])}, +inf)")
        out.append(MISSING_LABEL)
        return tuple(out)

    def transform_index(self, x: Any) -> np.ndarray:
        """Bin index of every value (vectorised).

        Args:
            x: Numbers (any shape); NaN or ``None`` is missing; ``-inf``/``+inf`` fall in the
                first/last value bin.

        Returns:
            An ``np.intp`` array of the shape of ``x``.

        Raises:
            InvalidInputError: When ``x`` is not numeric.
        """
        arr = _as_float_array(x)
        idx = np.searchsorted(self._cuts_arr, arr, side="right")
        return np.where(np.isnan(arr), self._missing, idx).astype(np.intp)

    def transform_woe(self, x: Any) -> np.ndarray:
        """WOE of every value (vectorised); see :meth:`transform_index`.

        Args:
            x: Numbers (any shape); NaN or ``None`` is missing.

        Returns:
            A float64 array of the shape of ``x``.

        Raises:
            InvalidInputError: When ``x`` is not numeric.
        """
        return self._woe_arr[self.transform_index(x)]

    def bin_index_one(self, value: Any) -> int:
        """Bin index of one value (pure Python, for the per-subject scoring path).

        Args:
            value: A number; ``None`` or NaN is missing.

        Returns:
            The bin index, equal to ``transform_index([value])[0]``.

        Raises:
            TypeError: When ``value`` cannot be compared with floats.
        """
        if value is None or value != value:
            return self._missing
        return bisect_right(self.cuts, value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (no NaN/inf: the unbounded ends are implied by ``cuts``).

        Returns:
            ``{"kind": "numeric", "cuts", "counts", "bad_counts", "woe", "iv", "direction"}``,
            plus ``"shape"`` (``"peak"`` or ``"valley"``) for a unimodal binning only, so a
            monotonic binning is written exactly as before shapes existed, and
            ``"smoothing"`` only when it is not the default 0.5, so a binning fitted with
            the default is written exactly as before the option existed.
        """
        out: dict[str, Any] = {
            "kind": "numeric",
            "cuts": list(self.cuts),
            "counts": list(self.counts),
            "bad_counts": list(self.bad_counts),
            "woe": list(self.woe),
            "iv": self.iv,
            "direction": self.direction,
        }
        if self.shape in _UNIMODAL:
            out["shape"] = self.shape
        if self.smoothing != SMOOTHING:
            out["smoothing"] = self.smoothing
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NumericBinning:
        """Rebuild a binning from :meth:`to_dict` output, validating every field.

        Args:
            d: The dict (typically parsed JSON).

        Returns:
            The binning.

        Raises:
            InvalidInputError: Listing every problem as ``(path, message)``.
        """
        fields, problems = _fields_from_dict(
            d, "numeric", cls._FIELDS, "numeric binning", cls._OPTIONAL
        )
        problems += _check_numeric_fields(fields)
        _check_smoothing_key(problems, fields)
        if problems:
            raise InvalidInputError(problems, what="numeric binning")
        return cls(**fields)


@attrs.frozen(kw_only=True)
class CategoricalBinning:
    """The binning of one categorical column (see the module docstring for the conventions).

    Group ``i`` (``0 .. n_bins - 2``) holds the categories ``groups[i]``; the groups are in
    increasing order of training bad rate; the missing bin is the last one. A category not
    seen at training maps to ``unseen_index`` (the group with the most training rows).

    Attributes:
        groups: Categories of each group (each sorted).
        counts: Training rows per bin (missing bin last).
        bad_counts: Training bads per bin.
        woe: Risk WOE per bin (larger = riskier; 0.0 for a bin without training rows).
        iv: Information value of the binning.
        unseen_index: Bin of a category not seen at training.
        smoothing: The pseudo-count ``a`` the WOE was computed with (a multiple of 0.5;
            :data:`SMOOTHING` unless fitted with another).

    Raises:
        InvalidInputError: On construction, when the fields are inconsistent.
    """

    groups: tuple[tuple[str, ...], ...] = attrs.field(converter=_to_groups)
    counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    bad_counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    woe: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    iv: float = attrs.field(converter=_to_float)
    unseen_index: int = attrs.field(converter=_to_int)
    smoothing: float = attrs.field(default=SMOOTHING, converter=_to_float)
    _missing: int = attrs.field(init=False, eq=False, repr=False)
    _lookup: dict = attrs.field(init=False, eq=False, repr=False)
    _woe_arr: np.ndarray = attrs.field(init=False, eq=False, repr=False)

    _FIELDS = ("groups", "counts", "bad_counts", "woe", "iv", "unseen_index")
    _OPTIONAL = ("smoothing",)

    def __attrs_post_init__(self) -> None:
        problems = _check_categorical_fields(
            {k: getattr(self, k) for k in (*self._FIELDS, *self._OPTIONAL)}
        )
        if problems:
            raise InvalidInputError(problems, what="categorical binning")
        lookup = {c: i for i, g in enumerate(self.groups) for c in g}
        woe_arr = np.asarray(self.woe, dtype=np.float64)
        woe_arr.flags.writeable = False
        object.__setattr__(self, "_missing", len(self.counts) - 1)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_woe_arr", woe_arr)

    @property
    def n_bins(self) -> int:
        """Number of bins, the missing bin included."""
        return len(self.counts)

    @property
    def missing_index(self) -> int:
        """Index of the missing bin (always the last one, ``n_bins - 1``)."""
        return self._missing

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable bin labels: ``'{"a", "b,c"}'`` per group (JSON-quoted categories), then
        ``"missing"``. The categories themselves are in :attr:`groups`."""
        return tuple(_category_label(g) for g in self.groups) + (MISSING_LABEL,)

    def bin_index_one(self, value: Any) -> int:
        """Bin index of one value (pure Python, for the per-subject scoring path).

        Args:
            value: A category; ``None`` or a float NaN is missing; anything else not seen at
                training goes to :attr:`unseen_index`.

        Returns:
            The bin index.
        """
        idx = self._lookup.get(value)
        if idx is not None:
            return idx
        if value is None or (isinstance(value, float) and value != value):
            return self._missing
        return self.unseen_index

    def transform_index(self, x: Iterable[Any]) -> np.ndarray:
        """Bin index of every value, as :meth:`bin_index_one`.

        Args:
            x: An iterable of categories (not a single ``str``).

        Returns:
            A one-dimensional ``np.intp`` array.

        Raises:
            InvalidInputError: When ``x`` is a single string or not iterable.
        """
        if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
            raise InvalidInputError([("x", "must be a sequence of categories, not one value")])
        one = self.bin_index_one
        return np.fromiter((one(v) for v in x), dtype=np.intp)

    def transform_woe(self, x: Iterable[Any]) -> np.ndarray:
        """WOE of every value; see :meth:`transform_index`.

        Args:
            x: An iterable of categories.

        Returns:
            A one-dimensional float64 array.

        Raises:
            InvalidInputError: When ``x`` is a single string or not iterable.
        """
        return self._woe_arr[self.transform_index(x)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict.

        Returns:
            ``{"kind": "categorical", "groups", "counts", "bad_counts", "woe", "iv",
            "unseen_index"}``, plus ``"smoothing"`` when it is not the default 0.5.
        """
        out: dict[str, Any] = {
            "kind": "categorical",
            "groups": [list(g) for g in self.groups],
            "counts": list(self.counts),
            "bad_counts": list(self.bad_counts),
            "woe": list(self.woe),
            "iv": self.iv,
            "unseen_index": self.unseen_index,
        }
        if self.smoothing != SMOOTHING:
            out["smoothing"] = self.smoothing
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CategoricalBinning:
        """Rebuild a binning from :meth:`to_dict` output, validating every field.

        Args:
            d: The dict (typically parsed JSON).

        Returns:
            The binning.

        Raises:
            InvalidInputError: Listing every problem as ``(path, message)``.
        """
        fields, problems = _fields_from_dict(
            d, "categorical", cls._FIELDS, "categorical binning", cls._OPTIONAL
        )
        problems += _check_categorical_fields(fields)
        _check_smoothing_key(problems, fields)
        if problems:
            raise InvalidInputError(problems, what="categorical binning")
        return cls(**fields)


def binning_from_dict(d: Mapping[str, Any]) -> NumericBinning | CategoricalBinning:
    """Rebuild either kind of binning from its ``to_dict`` output, dispatching on ``"kind"``.

    Args:
        d: The dict (typically parsed JSON).

    Returns:
        A :class:`NumericBinning` or a :class:`CategoricalBinning`.

    Raises:
        InvalidInputError: When ``kind`` is unknown or the document is malformed.
    """
    kind = d.get("kind") if isinstance(d, Mapping) else None
    if kind == "numeric":
        return NumericBinning.from_dict(d)
    if kind == "categorical":
        return CategoricalBinning.from_dict(d)
    if not isinstance(d, Mapping):
        raise InvalidInputError([("", f"must be an object (got {_type_name(d)})")], what="binning")
    raise InvalidInputError([("kind", "must be 'numeric' or 'categorical'")], what="binning")


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------
def _as_float_array(x: Any) -> np.ndarray:
    """``x`` as a float64 array (None -> NaN); InvalidInputError("x") if it is not numeric."""
    try:
        arr = np.asarray(x)
    except Exception as exc:
        raise InvalidInputError([("x", "must be an array of numbers")]) from exc
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "O":
        flat = arr.ravel()
        for v in flat:
            if v is not None and (isinstance(v, bool) or not isinstance(v, (Real, np.number))):
                found = _type_name(v)
                raise InvalidInputError([("x", f"must hold numbers or None (found {found})")])
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError([("x", "must hold real numbers")]) from exc
    raise InvalidInputError([("x", f"must hold numbers (got dtype {arr.dtype})")])


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


#: ``fit_numeric(prebinning=...)`` choices.
PREBINNINGS = ("quantile", "tree")


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


def fit_numeric(
    x: Any,
    y: Any,
    *,
    max_bins: int = 6,
    min_bin_share: float = 0.05,
    monotonic: str | None = "auto",
    prebins: int = 20,
    prebinning: str = "quantile",
    min_prebin_share: float = 0.05,
    method: str = "greedy",
    smoothing: float = SMOOTHING,
) -> NumericBinning:
    """Fit a monotonic supervised binning of a numeric column.

    The algorithm and the WOE convention are described in the module docstring. Runs in
    O(n log n) (one sort), plus O(d * prebins) at worst for the tree pre-bins (``d``
    distinct values), plus a merge stage that depends only on ``prebins``.

    Args:
        x: Values, one-dimensional; NaN (or ``None``) is missing; infinities are refused.
        y: 0/1 labels (1 = bad), same length as ``x``, both classes present.
        max_bins: Largest number of value bins (the missing bin is extra), >= 1.
        min_bin_share: Smallest share of all rows (missing ones included) a value bin may
            hold, in [0, 0.5]; it cannot be honoured when a single bin remains.
        monotonic: The shape of the bad rates: ``"increasing"`` (higher x = riskier),
            ``"decreasing"``, ``"auto"`` (the direction giving the larger IV; ties by the
            sign of the rank correlation), ``"peak"`` (rising, then falling; the turning
            point giving the largest IV), ``"valley"`` (falling, then rising),
            ``"auto_shape"`` (``"auto"``, replaced by the better peak or valley only when it
            turns, has at least :data:`UNIMODAL_MIN_BINS` value bins and gains at least
            :data:`UNIMODAL_MIN_GAIN` over the monotonic IV in chi-square units) or ``None``
            (no constraint).
        prebins: Largest number of pre-bins, 1 to :data:`MAX_PREBINS`.
        prebinning: How the pre-bins are cut: ``"quantile"`` (``prebins`` equal-frequency
            targets, blind to ``y``) or ``"tree"`` (a best-first classification tree on
            ``x`` alone with at most ``prebins`` leaves, cut by the Gini impurity, so narrow
            risk bands get their own pre-bin; see the module docstring).
        min_prebin_share: With ``prebinning="tree"``, the smallest share of the
            non-missing rows a pre-bin may hold, in [0, 0.5] (at least one row); ignored
            with ``"quantile"``.
        method: How the pre-bins are grouped: ``"greedy"`` (pool adjacent violators, merge
            small bins, merge the pair losing least IV) or ``"optimal"`` (the grouping with
            the largest IV under the same shape and limits, found exactly; see the module
            docstring). With ``"optimal"``, a peak or valley's turning point is part of
            the same exact search.
        smoothing: The pseudo-count ``a`` added to the bads and the goods of every bin, in
            the WOE, the IV and the monotonicity tests alike: a multiple of 0.5 between 0.5
            and :data:`MAX_SMOOTHING` (default :data:`SMOOTHING`). A larger ``a`` pulls
            each bin's smoothed odds towards 1:1, the more the fewer rows it has, so thin
            bins differ less from each other. It is not a pull towards WOE 0: with fewer
            bads than goods it raises the WOE of thin bins.

    Returns:
        The fitted :class:`NumericBinning` (its ``shape`` records the shape kept). A constant
        column gives one value bin; a column that is entirely missing gives one empty value
        bin with WOE 0.0.

    Raises:
        InvalidInputError: Naming every bad argument (``"x"``, ``"y"``, ``"max_bins"``...):
            non-numeric or infinite ``x``, ``y`` not 0/1, a length mismatch, fewer than 2
            rows, a single class, an out-of-range parameter.
    """
    problems: list[Problem] = []
    _check_int_param(problems, "max_bins", max_bins, 1, 10_000)
    _check_share_param(problems, "min_bin_share", min_bin_share)
    if not (monotonic is None or (isinstance(monotonic, str) and monotonic in _MONOTONIC)):
        problems.append(
            (
                "monotonic",
                "must be 'auto', 'auto_shape', 'increasing', "
                "'decreasing', 'peak', 'valley' or None",
            )
        )
    _check_int_param(problems, "prebins", prebins, 1, MAX_PREBINS)
    if not (isinstance(prebinning, str) and prebinning in PREBINNINGS):
        problems.append(("prebinning", "must be 'quantile' or 'tree'"))
    _check_share_param(problems, "min_prebin_share", min_prebin_share)
    _check_method(problems, method)
    _check_smoothing(problems, "smoothing", smoothing)
    xa: np.ndarray | None = None
    try:
        xa = _as_float_array(x)
    except InvalidInputError as exc:
        problems += exc.problems
    if xa is not None:
        if xa.ndim != 1:
            problems.append(("x", f"must be one-dimensional (got {xa.ndim} dimensions)"))
            xa = None
        elif bool(np.isinf(xa).any()):
            problems.append(("x", "must not contain infinite values (NaN means missing)"))
    ya = _validate_y(problems, y)
    if xa is not None:
        _check_rows(problems, len(xa), ya)
    if problems or xa is None or ya is None:
        raise InvalidInputError(problems)

    n = len(xa)
    a = float(smoothing)
    n_bad = int(ya.sum())
    n_good = n - n_bad
    miss = np.isnan(xa)
    n_missing = int(miss.sum())
    b_missing = int(ya[miss].sum())
    threshold = float(min_bin_share) * n
    max_bins = int(max_bins)

    xv = xa[~miss]
    yv = ya[~miss]
    n_v = len(xv)
    if n_v == 0:
        shape = "increasing" if monotonic in ("auto", "auto_shape") else monotonic
        counts, bads = [0, n_missing], [0, b_missing]
        woe, iv = _woe_iv(counts, bads, a)
        return NumericBinning(
            cuts=(),
            counts=tuple(counts),
            bad_counts=tuple(bads),
            woe=woe,
            iv=iv,
            direction=shape if shape in _DIRECTIONS else None,
            shape=shape,
            smoothing=a,
        )

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
    n_distinct = len(uvals)

    # Pre-bins on distinct values: prebin j ends at distinct value ends[j].
    if prebinning == "tree":
        min_leaf = max(1, math.ceil(float(min_prebin_share) * n_v))
        ends = _tree_prebins(cum, cum_bad, int(prebins), min_leaf)
    else:
        targets = (n_v * np.arange(1, int(prebins), dtype=np.int64) + int(prebins) - 1) // int(
            prebins
        )
        ends = np.unique(np.append(np.searchsorted(cum, targets, side="left"), n_distinct - 1))
    pre_cum = cum[ends]
    pre_cum_bad = cum_bad[ends]
    pre_cnt = np.diff(pre_cum, prepend=0).tolist()
    pre_bad = np.diff(pre_cum_bad, prepend=0).tolist()

    def merge(direction: Any) -> list[list[int]]:
        if method == "optimal":
            return _optimal(
                pre_cnt,
                pre_bad,
                shape=direction,
                threshold=threshold,
                max_bins=max_bins,
                n_bad=n_bad,
                n_good=n_good,
                missing_nonempty=n_missing > 0,
                a=a,
            )
        return _merge_all(
            pre_cnt,
            pre_bad,
            direction=direction,
            threshold=threshold,
            max_bins=max_bins,
            n_bad=n_bad,
            n_good=n_good,
            missing_nonempty=n_missing > 0,
            a=a,
        )

    def finish(bins: list[list[int]]) -> tuple[list[int], list[int], tuple[float, ...], float]:
        counts = [c for _, c, _ in bins] + [n_missing]
        bads = [b for _, _, b in bins] + [b_missing]
        woe, iv = _woe_iv(counts, bads, a)
        return counts, bads, woe, iv

    def unimodal(shape: str) -> tuple[list[list[int]], Any]:
        # Every turning pre-bin s in 1..m-1 is tried; the largest IV wins (ties: smallest s).
        if method == "optimal":  # one exact fit finds the best turning point too
            bins = merge(shape)
            return bins, finish(bins)
        sides = ("increasing", "decreasing") if shape == "peak" else ("decreasing", "increasing")
        best: tuple[list[list[int]], Any] | None = None
        for s in range(1, len(pre_cnt)):
            bins = merge((sides[0], sides[1], s))
            fin = finish(bins)
            if best is None or fin[3] > best[1][3]:
                best = (bins, fin)
        if best is None:  # a single pre-bin: nothing to turn
            bins = merge(None)
            best = (bins, finish(bins))
        return best

    if monotonic in ("auto", "auto_shape"):
        cnt_d = np.diff(cum, prepend=0)
        bad_d = np.diff(cum_bad, prepend=0)
        sign = _rank_sign(cum, cnt_d, bad_d)
        fits: dict[str, Any] = {}
        for d in _DIRECTIONS:
            bins = merge(d)
            fits[d] = (bins, finish(bins))
        iv_inc, iv_dec = fits["increasing"][1][3], fits["decreasing"][1][3]
        if iv_inc != iv_dec:
            shape = "increasing" if iv_inc > iv_dec else "decreasing"
        else:
            shape = "decreasing" if sign < 0 else "increasing"
        if monotonic == "auto_shape" and len(pre_cnt) >= UNIMODAL_MIN_BINS:
            mono_iv = fits[shape][1][3]
            for u in _UNIMODAL:
                fits[u] = unimodal(u)
            # Peak first, so a tie keeps the peak; the gain is checked against the monotonic.
            u = "valley" if fits["valley"][1][3] > fits["peak"][1][3] else "peak"
            u_bins, u_fin = fits[u]
            if (
                len(u_bins) >= UNIMODAL_MIN_BINS
                and _turns(u_fin[0][:-1], u_fin[1][:-1])
                and n_bad * n_good / n * (u_fin[3] - mono_iv) >= UNIMODAL_MIN_GAIN
                and u_fin[3] >= (1.0 + UNIMODAL_MIN_RATIO) * mono_iv
            ):
                shape = u
        bins, (counts, bads, woe, iv) = fits[shape]
    elif monotonic in _UNIMODAL:
        shape = monotonic
        bins, (counts, bads, woe, iv) = unimodal(shape)
    else:
        shape = monotonic
        bins = merge(shape)
        counts, bads, woe, iv = finish(bins)

    cuts = []
    for s, _, _ in bins[1:]:
        g = int(ends[s - 1]) + 1  # first distinct value of the bin
        cuts.append(_nice_cut(float(uvals[g - 1]), float(uvals[g])))
    return NumericBinning(
        cuts=tuple(cuts),
        counts=tuple(counts),
        bad_counts=tuple(bads),
        woe=woe,
        iv=iv,
        direction=shape if shape in _DIRECTIONS else None,
        shape=shape,
        smoothing=a,
    )


def _rate_key(item: tuple[str, int, int]) -> tuple[Fraction, str]:
    label, c, b = item
    return Fraction(b, c), label


def fit_categorical(
    x: Sequence[str | None],
    y: Any,
    *,
    max_groups: int = 6,
    min_group_share: float = 0.05,
    method: str = "greedy",
    smoothing: float = SMOOTHING,
) -> CategoricalBinning:
    """Fit a supervised grouping of a categorical column.

    Categories are ordered by bad rate (ties by label); rare ones are merged into the adjacent
    group with the nearest bad rate; adjacent groups are then merged losing the least IV.

    Args:
        x: Categories (``str``); ``None`` (or a float NaN) is missing.
        y: 0/1 labels (1 = bad), same length as ``x``, both classes present.
        max_groups: Largest number of groups (the missing bin is extra), >= 1.
        min_group_share: Smallest share of all rows (missing ones included) a group may
            hold, in [0, 0.5]; it cannot be honoured when a single group remains.
        method: ``"greedy"`` (the merges above) or ``"optimal"`` (the contiguous grouping
            of the rate-ordered categories with the largest IV under the same limits,
            found exactly; more than :data:`OPTIMAL_MAX_PREBINS` categories are first
            merged greedily down to that many).
        smoothing: The pseudo-count ``a`` of the WOE and the IV, as in
            :func:`fit_numeric`.

    Cost: a hash pass over the rows, then merging that is O(m log m) for the rare-category
    stage and O(m^2) (vectorised) for the IV stage, m being the number of groups left after
    the rare ones are merged (at most ``1 / min_group_share``; all distinct categories when
    ``min_group_share`` is 0, about 1 s for 10,000 categories).

    Returns:
        The fitted :class:`CategoricalBinning`. Unseen categories map to the group with the
        most training rows (ties: the group whose smallest label sorts first); with no
        non-missing training value at all, there is no group and they map to the missing
        bin.

    Raises:
        InvalidInputError: Naming every bad argument: ``x`` holding other than ``str`` /
            ``None``, ``y`` not 0/1, a length mismatch, fewer than 2 rows, a single class,
            an out-of-range parameter.
    """
    problems: list[Problem] = []
    _check_int_param(problems, "max_groups", max_groups, 1, 10_000)
    _check_share_param(problems, "min_group_share", min_group_share)
    _check_method(problems, method)
    _check_smoothing(problems, "smoothing", smoothing)
    codes_list: list[int] | None = None
    keys: list[Any] = []
    n_x: int | None = None
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        problems.append(("x", "must be a sequence of categories (str or None)"))
    else:
        index: dict[Any, int] = {}
        try:
            setdefault = index.setdefault
            codes_list = [setdefault(v, len(index)) for v in x]
            n_x = len(codes_list)
        except TypeError:
            problems.append(("x", "must hold only str or None (found an unhashable value)"))
            codes_list = None
        else:
            keys = list(index)
            bad_types = [
                k
                for k in keys
                if not (k is None or isinstance(k, str) or (isinstance(k, float) and k != k))
            ]
            if bad_types:
                problems.append(
                    ("x", f"must hold only str or None (found {_type_name(bad_types[0])})")
                )
                codes_list = None
    ya = _validate_y(problems, y)
    if n_x is not None:
        _check_rows(problems, n_x, ya)
    if problems or codes_list is None or ya is None:
        raise InvalidInputError(problems)

    n = len(codes_list)
    n_bad = int(ya.sum())
    n_good = n - n_bad
    codes = np.asarray(codes_list, dtype=np.intp)
    n_keys = len(keys)
    cnt_k = np.bincount(codes, minlength=n_keys)
    bad_k = np.bincount(codes, weights=ya, minlength=n_keys).round().astype(np.int64)
    per_label: dict[str, list[int]] = {}
    n_missing = b_missing = 0
    for key, c, b in zip(keys, cnt_k.tolist(), bad_k.tolist()):
        if isinstance(key, str):
            acc = per_label.setdefault(str(key), [0, 0])
            acc[0] += c
            acc[1] += b
        else:
            n_missing += c
            b_missing += b

    cats = sorted(((lab, c, b) for lab, (c, b) in per_label.items()), key=_rate_key)
    grouper = _optimal if method == "optimal" else _merge_all
    kw = {"shape": None} if method == "optimal" else {"direction": None}
    bins = grouper(
        [c for _, c, _ in cats],
        [b for _, _, b in cats],
        threshold=float(min_group_share) * n,
        max_bins=int(max_groups),
        n_bad=n_bad,
        n_good=n_good,
        missing_nonempty=n_missing > 0,
        a=float(smoothing),
        **kw,
    )
    groups = []
    for i, (s, _, _) in enumerate(bins):
        e = bins[i + 1][0] if i + 1 < len(bins) else len(cats)
        groups.append(tuple(sorted(lab for lab, _, _ in cats[s:e])))
    counts = [c for _, c, _ in bins] + [n_missing]
    bads = [b for _, _, b in bins] + [b_missing]
    woe, iv = _woe_iv(counts, bads, float(smoothing))
    if groups:
        unseen = min(range(len(groups)), key=lambda i: (-counts[i], groups[i][0]))
    else:
        unseen = len(counts) - 1
    return CategoricalBinning(
        groups=tuple(groups),
        counts=tuple(counts),
        bad_counts=tuple(bads),
        woe=woe,
        iv=iv,
        unseen_index=unseen,
        smoothing=float(smoothing),
    )
