"""Trend terms of numeric lender attributes (``numeric_trend="auto"`` of
:class:`~credit_closure._scorecard.logistic.LogisticScorer`).

A WOE scorecard gives every row of a bin the same points, and the regression can only scale
each input's *marginal* WOE profile. When an attribute's effect given the other inputs is a
steady slope (the loan amount next to the price of the goods it buys, say), eight coarse
bins lose the part of it that lies within each bin. The trend term puts it back without
leaving the scorecard form:

1. the attribute's *fine* bins are its equal-frequency pre-bins, unmerged
   (:func:`fine_trend`: ``fit_numeric`` with ``max_bins = prebins``, no share, no shape),
   so every cut of its WOE binning is one of theirs;
2. each fine bin gets a trend value: the median training value of its rows, standardised
   over the rows with a value (0 for the missing bin), so the term is a step function that
   follows the attribute's values and is robust to outliers;
3. the regression takes the WOE of every input and the trend value of every numeric
   attribute (:func:`regress_with_trends`; free sign, the same L2 penalty); an input whose
   WOE coefficient comes out non-positive is dropped with its trend, as without trends;
4. each attribute with a trend is stored as one numeric binning on its fine bins whose
   per-bin value is ``woe + (trend coefficient / WOE coefficient) * trend value``, with the
   WOE coefficient as its coefficient (:func:`combined_binning`): the points per bin are
   exactly the model's log-odds term, so artifacts, scoring engines and reasons are
   unchanged. Its ``direction`` is kept only when the combined values still follow it.

Whether a fit uses trend terms is decided on its own rows by the cross-validation that
chooses ``C`` (:func:`credit_closure._scorecard.fitting.choose_c`): the trends are kept when
their mean CV AUC beats the WOE-only model's by more than :data:`TREND_MARGIN`. The
default since round 7 (``benchmarks/evidence/round7_cv.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from credit_closure._scorecard.binning import fit_numeric
from credit_closure._scorecard.binning_model import NumericBinning
from credit_closure._scorecard.newton import fit_logistic, with_intercept

if TYPE_CHECKING:  # pragma: no cover - typing only (fitting imports this module)
    from credit_closure._scorecard.fitting import Candidate, Columns

#: The trend terms are kept when their mean CV AUC exceeds the WOE-only model's by more
#: than this. The 3-fold CV of a German-credit training fold (about 530 rows) moved by up to
#: 0.009 either way between the two models, where on ``credit_data`` and ``lending_club`` the
#: trends gained 0.0025 to 0.0123 in every fit (round-7 exploration); with no margin the
#: noise cost German 0.0013, with this one 0.0001 (``benchmarks/evidence/round7_cv.py``).
TREND_MARGIN = 0.005


class FineTrend(NamedTuple):
    """The fine bins of a numeric attribute and their trend values."""

    fine: NumericBinning
    #: per fine bin, the bin of the input's WOE binning that holds it (missing: missing)
    to_coarse: np.ndarray
    #: per fine bin, the standardised median training value (missing bin: 0.0)
    value: np.ndarray


def is_trend_input(c: Candidate, columns: Columns) -> bool:
    """Whether ``c`` is a numeric lender attribute (the inputs that may get a trend)."""
    return c.kind == "attribute" and not columns.attributes[c.name].categorical


def fine_trend(
    c: Candidate, columns: Columns, y: np.ndarray, params: Mapping[str, Any]
) -> FineTrend | None:
    """The fine bins and trend values of the numeric attribute ``c`` on the rows of
    ``columns``; ``None`` when it has fewer than 3 fine value bins or no spread."""
    x = np.asarray(columns.of(c.kind, c.name), dtype=np.float64)
    prebins = int(params["prebins"])
    fine = fit_numeric(
        x,
        y,
        max_bins=prebins,
        min_bin_share=0.0,
        monotonic=None,
        prebins=prebins,
        method=params["binning"],
        smoothing=float(params["woe_smoothing"]),
    )
    n_value = fine.n_bins - 1
    if n_value < 3:
        return None
    idx = fine.transform_index(x)
    has = idx < n_value
    xs, bins = x[has], idx[has]
    order = np.lexsort((xs, bins))
    xs, bins = xs[order], bins[order]
    counts = np.bincount(bins, minlength=n_value)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    lo = starts + (counts - 1) // 2
    hi = starts + counts // 2
    median = 0.5 * (xs[np.maximum(lo, 0)] + xs[np.maximum(hi, 0)])  # every fine bin has rows
    per_row = median[bins]
    sd = float(per_row.std())
    if not sd > 0.0:
        return None
    value = np.append((median - float(per_row.mean())) / sd, 0.0)
    coarse = c.binning
    assert isinstance(coarse, NumericBinning)
    lower = np.asarray(fine.cuts, dtype=np.float64)
    to_coarse = np.empty(fine.n_bins, dtype=np.intp)
    to_coarse[0] = 0
    to_coarse[1:n_value] = np.searchsorted(np.asarray(coarse.cuts), lower, side="right")
    to_coarse[n_value] = coarse.missing_index
    return FineTrend(fine, to_coarse, value)


def fine_trends(
    kept: Sequence[Candidate], columns: Columns, y: np.ndarray, params: Mapping[str, Any]
) -> dict[tuple[str, str], FineTrend]:
    """The fine trend of every numeric attribute among ``kept`` that has one, by
    ``(kind, name)``."""
    out = {}
    for c in kept:
        if is_trend_input(c, columns):
            ft = fine_trend(c, columns, y, params)
            if ft is not None:
                out[(c.kind, c.name)] = ft
    return out


def trend_column(ft: FineTrend, c: Candidate, columns: Columns) -> np.ndarray:
    """The trend value of every row of ``columns`` for the input ``c``."""
    col: np.ndarray = ft.value[ft.fine.transform_index(columns.of(c.kind, c.name))]
    return col


def combined_binning(c: Candidate, ft: FineTrend, ratio: float) -> NumericBinning:
    """The input's binning on its fine bins, valued ``woe + ratio * trend value``
    (``ratio``: the trend coefficient over the WOE coefficient)."""
    coarse = c.binning
    assert isinstance(coarse, NumericBinning)
    woe = np.asarray(coarse.woe, dtype=np.float64)[ft.to_coarse] + ratio * ft.value
    values = (woe + 0.0).tolist()  # + 0.0 turns a -0.0 into 0.0
    steps = np.diff(values[:-1])
    direction = coarse.direction
    if direction == "increasing" and np.any(steps < 0.0):
        direction = None
    elif direction == "decreasing" and np.any(steps > 0.0):
        direction = None
    return NumericBinning(
        cuts=ft.fine.cuts,
        counts=ft.fine.counts,
        bad_counts=ft.fine.bad_counts,
        woe=values,
        iv=coarse.iv,
        direction=direction,
        shape=direction,
        smoothing=coarse.smoothing,
    )


class TrendFit(NamedTuple):
    """The inputs kept, their WOE coefficients, the intercept, each kept input's trend
    coefficient by ``(kind, name)`` (those with a trend), and the inputs dropped."""

    selected: list[Candidate]
    coefficients: list[float]
    intercept: float
    trend_coefficients: dict[tuple[str, str], float]
    dropped: list[Candidate]


def regress_with_trends(
    passing: Sequence[Candidate],
    trends: Mapping[tuple[str, str], FineTrend],
    woe: Sequence[np.ndarray],
    columns: Columns,
    y: np.ndarray,
    C: float,
) -> TrendFit:
    """The L2 logistic regression of ``y`` on the WOE of ``passing`` (``woe``, one column
    each) and the trend of each input in ``trends``; the input with the smallest
    non-positive WOE coefficient is dropped with its trend and the model refitted."""
    selected = list(passing)
    cols = list(woe)
    trend_cols = {
        (c.kind, c.name): trend_column(trends[(c.kind, c.name)], c, columns)
        for c in selected
        if (c.kind, c.name) in trends
    }
    dropped: list[Candidate] = []
    while selected:
        names = [(c.kind, c.name) for c in selected if (c.kind, c.name) in trend_cols]
        k = len(selected)
        X = with_intercept(np.column_stack([*cols, *(trend_cols[n] for n in names)]))
        fit = fit_logistic(X, y, float(C))
        coefs = [float(v) for v in fit.coef[:k]]
        worst = min(range(k), key=lambda i: coefs[i])
        if coefs[worst] > 0.0:
            trend_coefs = {n: float(v) for n, v in zip(names, fit.coef[k:])}
            return TrendFit(selected, coefs, fit.intercept, trend_coefs, dropped)
        dropped.append(selected.pop(worst))
        cols.pop(worst)
    return TrendFit([], [], 0.0, {}, dropped)
