"""Supervised binning with weight of evidence (WOE) and information value (IV).

This is the first stage of a credit scorecard (binning -> WOE -> L2 logistic regression ->
points per bin). Each input column is cut into a few bins; each bin gets a WOE that the
regression then uses as the column's value. ``y`` is 0/1 with **1 = bad**.

This module holds the fit functions (:func:`fit_numeric`, :func:`fit_categorical`), their
parameter checks and the choice of a shape; the pre-bins are cut in
:mod:`~credit_closure._scorecard.binning_prebins`, grouped by the engines of
:mod:`~credit_closure._scorecard.binning_search` (greedy merges, exact search), scored with
the WOE, IV and monotonicity tests of :mod:`~credit_closure._scorecard.woe`, and the results
are the classes of :mod:`~credit_closure._scorecard.binning_model`. Every public name (and
the private helpers tests import) is re-exported here, so this stays the import path.

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

from collections.abc import Iterable, Sequence
from fractions import Fraction
from numbers import Real
from typing import Any, NamedTuple

import numpy as np

from credit_closure._scorecard._validation import Problem, is_int, type_name
from credit_closure._scorecard.binning_model import (
    MISSING_LABEL,
    CategoricalBinning,
    NumericBinning,
    _as_float_array,
    binning_from_dict,
)
from credit_closure._scorecard.binning_prebins import (
    PREBINNINGS,
    _cuts,
    _Distinct,
    _distinct,
    _prebin_ends,
    _rank_sign,
)
from credit_closure._scorecard.binning_search import (
    METHODS,
    OPTIMAL_MAX_PREBINS,
    Bin,
    Constraint,
    Turn,
    _merge_all,
)
from credit_closure._scorecard.binning_search import _optimal as _optimal
from credit_closure._scorecard.woe import (
    _DIRECTIONS,
    _UNIMODAL,
    MAX_PREBINS,
    MAX_SMOOTHING,
    SMOOTHING,
    _check_smoothing,
    _turns,
    _unimodal_sides,
)
from credit_closure._scorecard.woe import _has_shape as _has_shape
from credit_closure._scorecard.woe import _violates as _violates
from credit_closure._scorecard.woe import _woe_iv as _woe_iv
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


# --------------------------------------------------------------------------------------
# Parameter and data checks
# --------------------------------------------------------------------------------------
def _check_int_param(problems: list[Problem], name: str, value: Any, lo: int, hi: int) -> None:
    if not is_int(value) and not isinstance(value, np.integer):
        problems.append((name, f"must be an integer (got {type_name(value)})"))
    elif not lo <= int(value) <= hi:
        problems.append((name, f"must be between {lo} and {hi} (got {int(value)})"))


def _check_method(problems: list[Problem], value: Any) -> None:
    if not (isinstance(value, str) and value in METHODS):
        problems.append(("method", "must be 'optimal' or 'greedy'"))


def _check_share_param(problems: list[Problem], name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        problems.append((name, f"must be a number (got {type_name(value)})"))
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


class _Column(NamedTuple):
    """A checked numeric column: ``x`` as float64 (NaN = missing) and ``y`` as int64 0/1."""

    x: np.ndarray
    y: np.ndarray


def _check_numeric_args(
    x: Any,
    y: Any,
    *,
    max_bins: Any,
    min_bin_share: Any,
    monotonic: Any,
    prebins: Any,
    prebinning: Any,
    min_prebin_share: Any,
    method: Any,
    smoothing: Any,
) -> _Column:
    """The checked column of :func:`fit_numeric`; raises naming every bad argument."""
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
    return _Column(xa, ya)


# --------------------------------------------------------------------------------------
# _Grouping the pre-bins under a shape
# --------------------------------------------------------------------------------------
class _Grouping(NamedTuple):
    """Grouped pre-bins: the bins, then the rows, bads and WOE of every bin with the
    missing bin appended last, and the IV."""

    bins: list[Bin]
    counts: list[int]
    bads: list[int]
    woe: tuple[float, ...]
    iv: float


class _Shaped(NamedTuple):
    """The shape kept for a column and its grouping."""

    shape: str | None
    grouping: _Grouping


class _Grouper(NamedTuple):
    """Groups the pre-bins of one column (``counts``/``bads`` per pre-bin) with ``method``
    under a shape, and finishes each grouping with the missing bin, its WOE and its IV."""

    counts: list[int]
    bads: list[int]
    method: str
    threshold: float
    max_bins: int
    n_bad: int
    n_good: int
    n_missing: int
    b_missing: int
    a: float

    def group(self, shape: Constraint) -> list[Bin]:
        """The bins of the pre-bins under ``shape`` (a direction, a :class:`Turn`,
        ``"peak"``/``"valley"`` for the exact search, or ``None``)."""
        if self.method == "optimal":
            assert not isinstance(shape, Turn)  # the exact search finds the turn itself
            return _optimal(
                self.counts,
                self.bads,
                shape=shape,
                threshold=self.threshold,
                max_bins=self.max_bins,
                n_bad=self.n_bad,
                n_good=self.n_good,
                missing_nonempty=self.n_missing > 0,
                a=self.a,
            )
        return _merge_all(
            self.counts,
            self.bads,
            direction=shape,
            threshold=self.threshold,
            max_bins=self.max_bins,
            n_bad=self.n_bad,
            n_good=self.n_good,
            missing_nonempty=self.n_missing > 0,
            a=self.a,
        )

    def fit(self, shape: Constraint) -> _Grouping:
        """:meth:`group`, finished with the missing bin, the WOE and the IV."""
        bins = self.group(shape)
        counts = [c for _, c, _ in bins] + [self.n_missing]
        bads = [b for _, _, b in bins] + [self.b_missing]
        woe, iv = _woe_iv(counts, bads, self.a)
        return _Grouping(bins, counts, bads, woe, iv)

    def unimodal(self, shape: str) -> _Grouping:
        """The best ``"peak"`` or ``"valley"``: every turning pre-bin ``s`` in ``1..m-1`` is
        tried and the largest IV wins (ties: the smallest ``s``); the exact search finds the
        best turning point itself."""
        if self.method == "optimal":
            return self.fit(shape)
        left, right = _unimodal_sides(shape)
        best: _Grouping | None = None
        for s in range(1, len(self.counts)):
            got = self.fit(Turn(left, right, s))
            if best is None or got.iv > best.iv:
                best = got
        if best is None:  # a single pre-bin: nothing to turn
            best = self.fit(None)
        return best


def _best_monotonic(g: _Grouper, d: _Distinct) -> _Shaped:
    """``monotonic="auto"``: the direction with the larger IV, ties broken by the sign of the
    rank correlation between ``x`` and ``y``."""
    fits = {direction: g.fit(direction) for direction in _DIRECTIONS}
    iv_inc, iv_dec = fits["increasing"].iv, fits["decreasing"].iv
    if iv_inc != iv_dec:
        shape = "increasing" if iv_inc > iv_dec else "decreasing"
    else:
        cnt_d = np.diff(d.cum, prepend=0)
        bad_d = np.diff(d.cum_bad, prepend=0)
        shape = "decreasing" if _rank_sign(d.cum, cnt_d, bad_d) < 0 else "increasing"
    return _Shaped(shape, fits[shape])


def _unimodal_if_better(g: _Grouper, mono: _Shaped) -> _Shaped:
    """``monotonic="auto_shape"``: the better peak or valley instead of ``mono`` when it
    turns, has enough bins and gains enough IV (see the module docstring)."""
    peak, valley = g.unimodal("peak"), g.unimodal("valley")
    # Peak first, so a tie keeps the peak; the gain is checked against the monotonic.
    shape, u = ("valley", valley) if valley.iv > peak.iv else ("peak", peak)
    n = g.n_bad + g.n_good
    mono_iv = mono.grouping.iv
    if (
        len(u.bins) >= UNIMODAL_MIN_BINS
        and _turns(u.counts[:-1], u.bads[:-1])
        and g.n_bad * g.n_good / n * (u.iv - mono_iv) >= UNIMODAL_MIN_GAIN
        and u.iv >= (1.0 + UNIMODAL_MIN_RATIO) * mono_iv
    ):
        return _Shaped(shape, u)
    return mono


def _fit_shape(g: _Grouper, d: _Distinct, monotonic: str | None) -> _Shaped:
    """The grouping of the pre-bins under ``monotonic`` (see :func:`fit_numeric`)."""
    if monotonic in ("auto", "auto_shape"):
        best = _best_monotonic(g, d)
        if monotonic == "auto_shape" and len(g.counts) >= UNIMODAL_MIN_BINS:
            best = _unimodal_if_better(g, best)
        return best
    if monotonic in _UNIMODAL:
        assert monotonic is not None
        return _Shaped(monotonic, g.unimodal(monotonic))
    return _Shaped(monotonic, g.fit(monotonic))


def _numeric_binning(shaped: _Shaped, cuts: tuple[float, ...], a: float) -> NumericBinning:
    """The binning of a fitted shape and its cut points."""
    shape, grouping = shaped
    return NumericBinning(
        cuts=cuts,
        counts=tuple(grouping.counts),
        bad_counts=tuple(grouping.bads),
        woe=grouping.woe,
        iv=grouping.iv,
        direction=shape if shape in _DIRECTIONS else None,
        shape=shape,
        smoothing=a,
    )


def _all_missing(monotonic: str | None, n_missing: int, b_missing: int, a: float) -> NumericBinning:
    """The binning of a column without a value: one empty value bin (WOE 0.0), increasing
    when the direction was to be chosen."""
    shape = "increasing" if monotonic in ("auto", "auto_shape") else monotonic
    counts, bads = [0, n_missing], [0, b_missing]
    woe, iv = _woe_iv(counts, bads, a)
    return _numeric_binning(_Shaped(shape, _Grouping([], counts, bads, woe, iv)), (), a)


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------
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
    col = _check_numeric_args(
        x,
        y,
        max_bins=max_bins,
        min_bin_share=min_bin_share,
        monotonic=monotonic,
        prebins=prebins,
        prebinning=prebinning,
        min_prebin_share=min_prebin_share,
        method=method,
        smoothing=smoothing,
    )
    n, a = len(col.x), float(smoothing)
    miss = np.isnan(col.x)
    n_missing, b_missing = int(miss.sum()), int(col.y[miss].sum())
    if n_missing == n:
        return _all_missing(monotonic, n_missing, b_missing, a)
    d = _distinct(col.x[~miss], col.y[~miss])
    ends = _prebin_ends(d, prebinning, int(prebins), min_prebin_share)
    n_bad = int(col.y.sum())
    grouper = _Grouper(
        counts=np.diff(d.cum[ends], prepend=0).tolist(),
        bads=np.diff(d.cum_bad[ends], prepend=0).tolist(),
        method=method,
        threshold=float(min_bin_share) * n,
        max_bins=int(max_bins),
        n_bad=n_bad,
        n_good=n - n_bad,
        n_missing=n_missing,
        b_missing=b_missing,
        a=a,
    )
    shaped = _fit_shape(grouper, d, monotonic)
    return _numeric_binning(shaped, _cuts(shaped.grouping.bins, ends, d.values), a)


class _Category(NamedTuple):
    """One category's label, rows and bads."""

    label: str
    rows: int
    bads: int


def _rate_key(item: _Category) -> tuple[Fraction, str]:
    label, c, b = item
    return Fraction(b, c), label


class _Coded(NamedTuple):
    """A checked categorical column: each row's code (its index in ``keys``), the distinct
    values in order of first appearance (``str``, ``None`` or a float NaN) and ``y``."""

    codes: list[int] | np.ndarray
    keys: list[Any]
    y: np.ndarray


def _code_distinct(x: Any) -> tuple[np.ndarray, list[Any]] | None:
    """The codes and keys of :class:`_Coded` for a one-dimensional object array of strings,
    ``None`` and float NaN, by pandas' hash factorisation (no Python step per row; every
    missing row gets the one key ``None``, which bins them alike); ``None`` for anything
    else (the caller codes it value by value)."""
    if not (isinstance(x, np.ndarray) and x.dtype == object and x.ndim == 1 and x.size > 64):
        return None
    try:
        import pandas as pd

        codes, uniques = pd.factorize(x)
    except (ImportError, TypeError):  # pragma: no cover - pandas absent; unhashable values
        return None
    keys = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    if not all(type(k) is str for k in keys):
        return None
    na = codes < 0
    if na.any():
        if not all(v is None or (type(v) is float and v != v) for v in set(x[na].tolist())):
            return None
        codes = np.where(na, len(keys), codes)
        keys.append(None)
    return np.asarray(codes, dtype=np.intp), keys


def _check_categorical_args(
    x: Any,
    y: Any,
    *,
    max_groups: Any,
    min_group_share: Any,
    method: Any,
    smoothing: Any,
    coded: tuple[np.ndarray, list[Any]] | None = None,
) -> _Coded:
    """The checked, coded column of :func:`fit_categorical` (``coded``: what
    :func:`_code_distinct` gives for ``x``, when the caller has it already); raises naming
    every bad argument."""
    problems: list[Problem] = []
    _check_int_param(problems, "max_groups", max_groups, 1, 10_000)
    _check_share_param(problems, "min_group_share", min_group_share)
    _check_method(problems, method)
    _check_smoothing(problems, "smoothing", smoothing)
    keys: list[Any] = []
    n_x: int | None = None
    fast = coded if coded is not None else _code_distinct(x)
    codes_list: list[int] | np.ndarray | None = None
    if fast is not None:
        codes_list, keys = fast
        n_x = len(codes_list)
    elif isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
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
                    ("x", f"must hold only str or None (found {type_name(bad_types[0])})")
                )
                codes_list = None
    ya = _validate_y(problems, y)
    if n_x is not None:
        _check_rows(problems, n_x, ya)
    if problems or codes_list is None or ya is None:
        raise InvalidInputError(problems)
    return _Coded(codes_list, keys, ya)


class _Categories(NamedTuple):
    """The categories of a column ordered by bad rate (ties by label), and the rows and
    bads of its missing values."""

    ordered: list[_Category]
    n_missing: int
    b_missing: int


def _categories(coded: _Coded) -> _Categories:
    """Rows and bads per category (one hash pass), ordered by bad rate."""
    codes = np.asarray(coded.codes, dtype=np.intp)
    n_keys = len(coded.keys)
    cnt_k = np.bincount(codes, minlength=n_keys)
    bad_k = np.bincount(codes, weights=coded.y, minlength=n_keys).round().astype(np.int64)
    per_label: dict[str, list[int]] = {}
    n_missing = b_missing = 0
    for key, c, b in zip(coded.keys, cnt_k.tolist(), bad_k.tolist()):
        if isinstance(key, str):
            acc = per_label.setdefault(str(key), [0, 0])
            acc[0] += c
            acc[1] += b
        else:
            n_missing += c
            b_missing += b
    cats = sorted((_Category(lab, c, b) for lab, (c, b) in per_label.items()), key=_rate_key)
    return _Categories(cats, n_missing, b_missing)


def _unseen_index(groups: Sequence[tuple[str, ...]], counts: Sequence[int]) -> int:
    """The group with the most training rows (ties: the group whose smallest label sorts
    first); the missing bin when there is no group."""
    if groups:
        return min(range(len(groups)), key=lambda i: (-counts[i], groups[i][0]))
    return len(counts) - 1


def fit_categorical(
    x: Sequence[str | None] | np.ndarray,
    y: Any,
    *,
    max_groups: int = 6,
    min_group_share: float = 0.05,
    method: str = "greedy",
    smoothing: float = SMOOTHING,
    coded: tuple[np.ndarray, list[Any]] | None = None,
) -> CategoricalBinning:
    """Fit a supervised grouping of a categorical column.

    Categories are ordered by bad rate (ties by label); rare ones are merged into the adjacent
    group with the nearest bad rate; adjacent groups are then merged losing the least IV.

    Args:
        x: Categories (``str``); ``None`` (or a float NaN) is missing. A numpy object array
            of them is coded once per distinct value (pandas' factorisation, when pandas is
            installed), the same result faster.
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
        coded: ``x`` already coded, as ``_code_distinct(x)`` codes it (a fit that bins
            and then transforms the same column codes it once); ``None``: coded here.

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
    coded_x = _check_categorical_args(
        x,
        y,
        max_groups=max_groups,
        min_group_share=min_group_share,
        method=method,
        smoothing=smoothing,
        coded=coded,
    )
    n = len(coded_x.codes)
    n_bad = int(coded_x.y.sum())
    cats = _categories(coded_x)
    grouper = _Grouper(
        counts=[c for _, c, _ in cats.ordered],
        bads=[b for _, _, b in cats.ordered],
        method=method,
        threshold=float(min_group_share) * n,
        max_bins=int(max_groups),
        n_bad=n_bad,
        n_good=n - n_bad,
        n_missing=cats.n_missing,
        b_missing=cats.b_missing,
        a=float(smoothing),
    )
    grouping = grouper.fit(None)
    bins = grouping.bins
    groups = []
    for i, (s, _, _) in enumerate(bins):
        e = bins[i + 1].start if i + 1 < len(bins) else len(cats.ordered)
        groups.append(tuple(sorted(lab for lab, _, _ in cats.ordered[s:e])))
    return CategoricalBinning(
        groups=tuple(groups),
        counts=tuple(grouping.counts),
        bad_counts=tuple(grouping.bads),
        woe=grouping.woe,
        iv=grouping.iv,
        unseen_index=_unseen_index(groups, grouping.counts),
        smoothing=float(smoothing),
    )
