"""Validation metrics for credit scorecards: discrimination, calibration and stability.

Everything here is plain, vectorised :mod:`numpy` (no scikit-learn, no pandas) and runs in
``O(n log n)``; a million rows take a fraction of a second.

Conventions used by every function:

* ``y`` holds the observed outcome, ``0`` = good and ``1`` = bad (default). Booleans and
  floats equal to ``0.0``/``1.0`` are accepted too.
* ``risk`` (and ``probability``) is a *risk* score: **higher means more likely bad**, for
  example a probability of default. A points score where higher means *better* must be
  negated (or turned into a probability) before it is passed as ``risk``.
* ``probability`` must lie in ``[0, 1]``; ``risk`` and the PSI samples may be any finite
  numbers.
* Bins are right-closed: a cut point ``c`` puts the value ``c`` itself in the bin *below*
  it. The first and last bins are open-ended.

Population and characteristic stability use the usual formula [PSI-1]
``PSI = sum_i (a_i - e_i) * ln(a_i / e_i)`` over the bin shares ``e_i`` (expected, i.e.
development or baseline) and ``a_i`` (actual, i.e. recent), with every share floored at
:data:`PSI_EPSILON` so an empty bin gives a large but finite value. The bands reported with
it, ``"stable"`` below 0.1, ``"moderate"`` from 0.1 to 0.25 and ``"major"`` above 0.25, are
an industry rule of thumb [PSI-2], not a regulatory threshold.

Bad input (arrays of different lengths, labels other than 0/1, NaN or infinite scores,
empty arrays, a single class where two are needed) raises
:class:`~credit_closure.exceptions.InvalidInputError`, whose ``problems`` list every
problem found as ``(argument_name, message)`` pairs:

Example:
    >>> from credit_closure.exceptions import InvalidInputError
    >>> from credit_closure.metrics import roc_auc
    >>> try:
    ...     roc_auc([0, 1, 2], [0.1, float("nan")])
    ... except InvalidInputError as exc:
    ...     for problem in exc.problems:
    ...         print(problem)
    ('y', 'must contain only 0 (good) and 1 (bad); 1 other value(s), first at index 2')
    ('risk', 'must be finite; found 1 NaN, first at index 1')
    ('risk', 'must have the same length as y (3), got 2')
"""

from __future__ import annotations

import math
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike

from credit_closure._metrics.checks import Problems as _Problems
from credit_closure._metrics.checks import count_pair as _count_pair
from credit_closure._metrics.checks import finite_vector as _finite_vector
from credit_closure._metrics.checks import input_pairs as _input_pairs
from credit_closure._metrics.checks import labels_and_scores as _labels_and_scores
from credit_closure._metrics.checks import length as _length
from credit_closure._metrics.checks import positive_int as _positive_int
from credit_closure._metrics.checks import raise_if as _raise_if

# _bin_labels: report.py imported it from here before the split; kept importable.
from credit_closure._metrics.markdown import bin_labels as _bin_labels  # noqa: F401
from credit_closure._metrics.markdown import render_markdown as _render_markdown
from credit_closure._metrics.scoring import baseline_points as _baseline_points
from credit_closure._metrics.scoring import frozen_bin_counts as _frozen_bin_counts
from credit_closure._metrics.scoring import report_dates as _report_dates
from credit_closure._metrics.scoring import score_all as _score_all
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "CalibrationBin",
    "KSResult",
    "PSIResult",
    "PSI_EPSILON",
    "ValidationReport",
    "calibration_by_decile",
    "csi",
    "gini",
    "ks_curve",
    "ks_statistic",
    "psi",
    "psi_band",
    "psi_from_counts",
    "roc_auc",
    "roc_curve",
    "validation_report",
    "validation_report_from_arrays",
]

PSI_EPSILON: float = 1e-4
"""Floor applied to every bin share before the PSI/CSI formula (so empty bins stay finite)."""

_PSI_STABLE_BELOW = 0.1
_PSI_MAJOR_ABOVE = 0.25


# ---------------------------------------------------------------------------------------
# Result classes
# ---------------------------------------------------------------------------------------


def _float_tuple(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _optional_float_tuple(values: Any) -> tuple[float, ...] | None:
    return None if values is None else _float_tuple(values)


@attrs.frozen
class KSResult:
    """The Kolmogorov-Smirnov statistic and the cut-off where it is reached.

    Attributes:
        statistic: ``max |F_good(t) - F_bad(t)|`` over the distinct score values ``t``, in
            ``[0, 1]``, where ``F`` is the share of the class with score ``<= t``.
        threshold: The score value ``t`` at which the maximum is reached (rows with score
            ``<= threshold`` are on one side of the cut, rows above it on the other). The
            lowest such value when several tie.

    .. versionadded:: 0.1.0
    """

    statistic: float = attrs.field(converter=float)
    threshold: float = attrs.field(converter=float)

    def to_dict(self) -> dict[str, float]:
        """Return the result as plain JSON-safe data."""
        return {"statistic": self.statistic, "threshold": self.threshold}


@attrs.frozen
class CalibrationBin:
    """One quantile bin of predicted probability, with the observed bad rate in it.

    Attributes:
        lower: Smallest predicted probability in the bin.
        upper: Largest predicted probability in the bin.
        n: Number of rows in the bin.
        n_bad: Number of bads (``y == 1``) in the bin.
        mean_predicted: Mean predicted probability in the bin.
        observed_rate: ``n_bad / n``.

    .. versionadded:: 0.1.0
    """

    lower: float = attrs.field(converter=float)
    upper: float = attrs.field(converter=float)
    n: int = attrs.field(converter=int)
    n_bad: int = attrs.field(converter=int)
    mean_predicted: float = attrs.field(converter=float)
    observed_rate: float = attrs.field(converter=float)

    def to_dict(self) -> dict[str, float | int]:
        """Return the bin as plain JSON-safe data."""
        return {
            "lower": self.lower,
            "upper": self.upper,
            "n": self.n,
            "n_bad": self.n_bad,
            "mean_predicted": self.mean_predicted,
            "observed_rate": self.observed_rate,
        }


@attrs.frozen
class PSIResult:
    """A population (or characteristic) stability index with its per-bin breakdown.

    Attributes:
        value: The index, ``sum(contribution)`` [PSI-1]; always ``>= 0``.
        band: ``"stable"`` (< 0.1), ``"moderate"`` (0.1 to 0.25 inclusive) or ``"major"``
            (> 0.25) [PSI-2].
        edges: The interior cut points (bins are ``(-inf, e0]``, ``(e0, e1]``, ...,
            ``(e_last, inf)``), or ``None`` when the index was computed from counts.
        expected_share: Share of the expected (baseline) sample per bin, floored at
            :data:`PSI_EPSILON` (so the shares may sum to slightly more than 1).
        actual_share: Share of the actual (recent) sample per bin, floored likewise.
        contribution: ``(actual_share - expected_share) * ln(actual_share / expected_share)``
            per bin; each is ``>= 0``.

    .. versionadded:: 0.1.0
    """

    value: float = attrs.field(converter=float)
    band: str
    edges: tuple[float, ...] | None = attrs.field(converter=_optional_float_tuple)
    expected_share: tuple[float, ...] = attrs.field(converter=_float_tuple)
    actual_share: tuple[float, ...] = attrs.field(converter=_float_tuple)
    contribution: tuple[float, ...] = attrs.field(converter=_float_tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-safe data (lists for the per-bin tuples)."""
        return {
            "value": self.value,
            "band": self.band,
            "edges": None if self.edges is None else list(self.edges),
            "expected_share": list(self.expected_share),
            "actual_share": list(self.actual_share),
            "contribution": list(self.contribution),
        }


def _mapping_proxy(value: Mapping[str, PSIResult] | None) -> Mapping[str, PSIResult]:
    return types.MappingProxyType(dict(value or {}))


def _bin_tuple(bins: Iterable[CalibrationBin]) -> tuple[CalibrationBin, ...]:
    return tuple(bins)


@attrs.frozen
class ValidationReport:
    """A validation summary of a scorecard on one sample, renderable as Markdown or JSON.

    Build it with :func:`validation_report_from_arrays`.

    Attributes:
        title: Heading of the report.
        n: Number of rows.
        n_bad: Number of bads (``y == 1``).
        bad_rate: ``n_bad / n``.
        auc: Area under the ROC curve of the predicted probability.
        gini: ``2 * auc - 1``.
        ks: Kolmogorov-Smirnov statistic and threshold of the predicted probability.
        calibration: Quantile bins of predicted probability (see
            :func:`calibration_by_decile`).
        psi: Population stability of the score against the baseline, or ``None``.
        psi_basis: ``"score"`` or ``"probability"`` (what the PSI was computed on), or
            ``None`` when there is no PSI.
        csi: Characteristic stability index per input name (read-only mapping, possibly
            empty).

    .. versionadded:: 0.1.0
    """

    title: str
    n: int = attrs.field(converter=int)
    n_bad: int = attrs.field(converter=int)
    bad_rate: float = attrs.field(converter=float)
    auc: float = attrs.field(converter=float)
    gini: float = attrs.field(converter=float)
    ks: KSResult
    calibration: tuple[CalibrationBin, ...] = attrs.field(converter=_bin_tuple)
    psi: PSIResult | None = None
    psi_basis: str | None = None
    csi: Mapping[str, PSIResult] = attrs.field(factory=dict, converter=_mapping_proxy)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-safe data (dicts, lists, str, int, float, None).

        Returns:
            A dictionary that :func:`json.dumps` accepts as is.

        Example:
            >>> import json
            >>> from credit_closure.metrics import validation_report_from_arrays
            >>> report = validation_report_from_arrays([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
            >>> data = report.to_dict()
            >>> data["auc"], data["ks"]["statistic"], len(data["calibration"])
            (0.75, 0.5, 4)
            >>> json.loads(json.dumps(data)) == data
            True
        """
        return {
            "title": self.title,
            "n": self.n,
            "n_bad": self.n_bad,
            "bad_rate": self.bad_rate,
            "auc": self.auc,
            "gini": self.gini,
            "ks": self.ks.to_dict(),
            "calibration": [b.to_dict() for b in self.calibration],
            "psi": None if self.psi is None else self.psi.to_dict(),
            "psi_basis": self.psi_basis,
            "csi": {name: result.to_dict() for name, result in self.csi.items()},
        }

    def to_markdown(self) -> str:
        """Render the report as GitHub-flavoured Markdown tables.

        Figures are shown with four decimals (thresholds and bin bounds with six significant
        digits).

        Returns:
            The Markdown text, ending with a newline.

        Example:
            >>> from credit_closure.metrics import validation_report_from_arrays
            >>> report = validation_report_from_arrays(
            ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], title="Demo")
            >>> text = report.to_markdown()
            >>> print(text.splitlines()[0])
            # Demo
            >>> "| AUC | 0.7500 |" in text
            True
        """
        return _render_markdown(self)


# ---------------------------------------------------------------------------------------
# Input checking (collects problems; callers raise once)
# ---------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------
# Core computations (inputs already validated)
# ---------------------------------------------------------------------------------------


def _grouped(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct score values (ascending) with the number of bads and goods at each."""
    order = np.argsort(score)
    s = score[order]
    ys = y[order]
    starts = np.concatenate(([0], np.flatnonzero(s[1:] != s[:-1]) + 1))
    values = s[starts]
    bad = np.add.reduceat(ys, starts)
    size = np.diff(np.append(starts, s.size))
    return values, bad, size - bad


def _auc_from_groups(bad: np.ndarray, good: np.ndarray) -> float:
    """Mann-Whitney AUC (ties count 1/2) in exact integer arithmetic."""
    n_bad = int(bad.sum())
    n_good = int(good.sum())
    good_below = np.cumsum(good) - good
    twice_u = int(np.sum(bad * (2 * good_below + good)))
    return twice_u / (2 * n_bad * n_good)


def _ks_from_groups(values: np.ndarray, bad: np.ndarray, good: np.ndarray) -> KSResult:
    """KS in exact integer arithmetic, so equal gaps tie exactly (lowest threshold wins)."""
    cum_bad = np.cumsum(bad)
    cum_good = np.cumsum(good)
    n_bad = int(cum_bad[-1])
    n_good = int(cum_good[-1])
    scaled_gap = np.abs(cum_good * n_bad - cum_bad * n_good)  # = gap * n_bad * n_good
    i = int(np.argmax(scaled_gap))
    return KSResult(statistic=int(scaled_gap[i]) / (n_bad * n_good), threshold=values[i])


def _quantile_cuts(sorted_values: np.ndarray, n_bins: int) -> np.ndarray:
    """Interior cut points at the ``k / n_bins`` quantiles (inverted CDF), deduplicated,
    dropping any equal to the maximum so that every right-closed bin is non-empty."""
    n = sorted_values.size
    if n_bins <= 1:
        return np.empty(0, dtype=np.float64)
    k = np.arange(1, n_bins, dtype=np.int64)
    pos = (k * n + n_bins - 1) // n_bins - 1  # ceil(k * n / n_bins) - 1
    cuts = np.unique(sorted_values[pos])
    kept: np.ndarray = cuts[cuts < sorted_values[-1]]
    return kept


def _psi_result(e_counts: np.ndarray, a_counts: np.ndarray, edges: Any) -> PSIResult:
    e = np.maximum(e_counts / e_counts.sum(), PSI_EPSILON)
    a = np.maximum(a_counts / a_counts.sum(), PSI_EPSILON)
    contribution = (a - e) * np.log(a / e)
    value = float(contribution.sum()) + 0.0  # turn a -0.0 into 0.0
    return PSIResult(
        value=value,
        band=_band(value),
        edges=edges,
        expected_share=e,
        actual_share=a,
        contribution=contribution + 0.0,
    )


def _band(value: float) -> str:
    if value < _PSI_STABLE_BELOW:
        return "stable"
    if value <= _PSI_MAJOR_ABOVE:
        return "moderate"
    return "major"


# ---------------------------------------------------------------------------------------
# Discrimination
# ---------------------------------------------------------------------------------------


def roc_auc(y: ArrayLike, risk: ArrayLike) -> float:
    """Area under the ROC curve: the chance that a random bad scores above a random good.

    Computed as the Mann-Whitney statistic with average ranks for ties, i.e. a tied
    (bad, good) pair counts one half; all-tied scores give exactly ``0.5``. Runs in
    ``O(n log n)`` with exact integer arithmetic, so the result does not depend on row
    order.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        risk: Risk scores (higher = more likely bad), finite, same length as ``y``.

    Returns:
        The AUC in ``[0, 1]``.

    Raises:
        InvalidInputError: If ``y`` is not 0/1, ``risk`` is not finite, the lengths
            differ, an array is empty, or ``y`` holds one class only.

    Example:
        >>> from credit_closure.metrics import roc_auc
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
        >>> roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])  # the tied pair counts 1/2
        0.875
    """
    problems: _Problems = []
    checked = _labels_and_scores(y, risk, problems)
    _raise_if(problems)
    assert checked is not None
    _, bad, good = _grouped(*checked)
    return _auc_from_groups(bad, good)


def gini(y: ArrayLike, risk: ArrayLike) -> float:
    """Gini coefficient (accuracy ratio) of a risk score: ``2 * AUC - 1``.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        risk: Risk scores (higher = more likely bad), finite, same length as ``y``.

    Returns:
        The Gini coefficient in ``[-1, 1]``; negative means the score ranks backwards.

    Raises:
        InvalidInputError: As for :func:`roc_auc`.

    Example:
        >>> from credit_closure.metrics import gini
        >>> gini([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.5
    """
    return 2.0 * roc_auc(y, risk) - 1.0


def roc_curve(y: ArrayLike, risk: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROC curve points, one per distinct score value (ties form a single step).

    Point ``i`` classifies as bad every row with ``risk >= thresholds[i]``. The first point
    is ``(0, 0)`` with threshold ``+inf``; the last is ``(1, 1)``.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        risk: Risk scores (higher = more likely bad), finite, same length as ``y``.

    Returns:
        ``(fpr, tpr, thresholds)``: float arrays of equal length; ``fpr`` is the share of
        goods and ``tpr`` the share of bads at or above each threshold (descending).

    Raises:
        InvalidInputError: As for :func:`roc_auc`.

    Example:
        >>> from credit_closure.metrics import roc_curve
        >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
        >>> thresholds.tolist()
        [inf, 0.8, 0.4, 0.35, 0.1]
    """
    problems: _Problems = []
    checked = _labels_and_scores(y, risk, problems)
    _raise_if(problems)
    assert checked is not None
    values, bad, good = _grouped(*checked)
    tp = np.cumsum(bad[::-1])
    fp = np.cumsum(good[::-1])
    tpr = np.concatenate(([0.0], tp / tp[-1]))
    fpr = np.concatenate(([0.0], fp / fp[-1]))
    thresholds = np.concatenate(([np.inf], values[::-1]))
    return fpr, tpr, thresholds


def ks_curve(y: ArrayLike, risk: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative distributions of bads and goods by score, for a KS plot.

    Evaluated at each distinct score value ``t`` (ascending): the share of bads and the
    share of goods with ``risk <= t``. Tied rows therefore never fall on both sides of a
    cut-off.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        risk: Risk scores (higher = more likely bad), finite, same length as ``y``.

    Returns:
        ``(thresholds, cum_bad_share, cum_good_share)``: float arrays of equal length; the
        last shares are both ``1``.

    Raises:
        InvalidInputError: As for :func:`roc_auc`.

    Example:
        >>> from credit_closure.metrics import ks_curve
        >>> t, bad, good = ks_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> t.tolist(), bad.tolist(), good.tolist()
        ([0.1, 0.35, 0.4, 0.8], [0.0, 0.5, 0.5, 1.0], [0.5, 0.5, 1.0, 1.0])
    """
    problems: _Problems = []
    checked = _labels_and_scores(y, risk, problems)
    _raise_if(problems)
    assert checked is not None
    values, bad, good = _grouped(*checked)
    cum_bad = np.cumsum(bad)
    cum_good = np.cumsum(good)
    return values.astype(np.float64), cum_bad / cum_bad[-1], cum_good / cum_good[-1]


def ks_statistic(y: ArrayLike, risk: ArrayLike) -> KSResult:
    """Kolmogorov-Smirnov statistic: the largest gap between the bad and good score CDFs.

    ``max_t |F_good(t) - F_bad(t)|`` where ``F(t)`` is the share of the class with
    ``risk <= t``, evaluated only at distinct score values (i.e. at cuts *between* distinct
    values), so ties are never split. For a score that ranks correctly goods accumulate
    first and the gap is ``F_good - F_bad``; the absolute value keeps the statistic in
    ``[0, 1]`` for a reversed score too.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        risk: Risk scores (higher = more likely bad), finite, same length as ``y``.

    Returns:
        :class:`KSResult` with the statistic and the (lowest) threshold reaching it.

    Raises:
        InvalidInputError: As for :func:`roc_auc`.

    Example:
        >>> from credit_closure.metrics import ks_statistic
        >>> ks_statistic([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        KSResult(statistic=0.5, threshold=0.1)
    """
    problems: _Problems = []
    checked = _labels_and_scores(y, risk, problems)
    _raise_if(problems)
    assert checked is not None
    return _ks_from_groups(*_grouped(*checked))


# ---------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------


def calibration_by_decile(
    y: ArrayLike, probability: ArrayLike, *, n_bins: int = 10
) -> tuple[CalibrationBin, ...]:
    """Observed bad rate against mean predicted probability, by quantile bin.

    The cut points are the ``k / n_bins`` quantiles (``k = 1 .. n_bins - 1``, inverted
    CDF, i.e. actual data values) of ``probability``; bins are right-closed. Rows with the
    same probability always share a bin, so heavy ties (or fewer rows than bins) give
    **fewer than** ``n_bins`` bins; no bin is ever empty. Only one class is needed.

    Args:
        y: Outcomes, 0 = good and 1 = bad.
        probability: Predicted probabilities of bad, in ``[0, 1]``, same length as ``y``.
        n_bins: Requested number of bins (10 = deciles), an integer ``>= 1``.

    Returns:
        The bins in increasing order of probability.

    Raises:
        InvalidInputError: If ``y`` is not 0/1, ``probability`` is not finite or outside
            ``[0, 1]``, the lengths differ, an array is empty, or ``n_bins < 1``.

    Example:
        >>> from credit_closure.metrics import calibration_by_decile
        >>> bins = calibration_by_decile(
        ...     [0, 0, 1, 0, 1, 1], [0.1, 0.1, 0.2, 0.5, 0.5, 0.9], n_bins=3)
        >>> [(b.n, b.n_bad, b.lower, b.upper) for b in bins]
        [(2, 0, 0.1, 0.1), (3, 2, 0.2, 0.5), (1, 1, 0.9, 0.9)]
        >>> round(bins[1].mean_predicted, 4), round(bins[1].observed_rate, 4)
        (0.4, 0.6667)
        >>> len(calibration_by_decile([0, 1, 0, 1], [0.2, 0.2, 0.2, 0.7]))  # ties: 2 bins
        2
    """
    problems: _Problems = []
    n = _positive_int(n_bins, "n_bins", problems)
    checked = _labels_and_scores(
        y,
        probability,
        problems,
        score_name="probability",
        both_classes=False,
        unit_interval=True,
    )
    _raise_if(problems)
    assert checked is not None and n is not None
    return _calibration(*checked, n)


def _calibration(y: np.ndarray, p: np.ndarray, n_bins: int) -> tuple[CalibrationBin, ...]:
    order = np.argsort(p)
    ps = p[order]
    ys = y[order]
    cuts = _quantile_cuts(ps, n_bins)
    ends = np.searchsorted(ps, cuts, side="right")
    starts = np.concatenate(([0], ends)).astype(np.intp)
    stops = np.append(ends, ps.size).astype(np.intp)
    n = stops - starts
    n_bad = np.add.reduceat(ys, starts)
    total_p = np.add.reduceat(ps, starts)
    return tuple(
        CalibrationBin(
            lower=ps[lo],
            upper=ps[hi - 1],
            n=cnt,
            n_bad=nb,
            mean_predicted=min(max(tp / cnt, ps[lo]), ps[hi - 1]),  # no rounding spill
            observed_rate=nb / cnt,
        )
        for lo, hi, cnt, nb, tp in zip(
            starts.tolist(), stops.tolist(), n.tolist(), n_bad.tolist(), total_p.tolist()
        )
    )


# ---------------------------------------------------------------------------------------
# Stability
# ---------------------------------------------------------------------------------------


def psi_band(value: float) -> str:
    """Name the stability band of a PSI or CSI value [PSI-2].

    ``"stable"`` below 0.1, ``"moderate"`` from 0.1 up to and including 0.25, ``"major"``
    above 0.25. These cut-offs are an industry rule of thumb, not a regulation.

    Args:
        value: A PSI/CSI value, finite and ``>= 0``.

    Returns:
        ``"stable"``, ``"moderate"`` or ``"major"``.

    Raises:
        InvalidInputError: If ``value`` is not a finite number ``>= 0``.

    Example:
        >>> from credit_closure.metrics import psi_band
        >>> psi_band(0.05), psi_band(0.1), psi_band(0.25), psi_band(0.3)
        ('stable', 'moderate', 'moderate', 'major')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError([("value", "must be a number")]) from None
    if not math.isfinite(v) or v < 0:
        raise InvalidInputError([("value", "must be a finite number >= 0")])
    return _band(v)


def psi(
    expected: ArrayLike,
    actual: ArrayLike,
    *,
    bins: int = 10,
    edges: ArrayLike | None = None,
) -> PSIResult:
    """Population stability index of a score between two samples [PSI-1].

    ``PSI = sum_i (a_i - e_i) * ln(a_i / e_i)`` over bins, with shares floored at
    :data:`PSI_EPSILON` (``1e-4``) so an empty bin gives a finite value. By default the cut
    points are the ``k / bins`` quantiles of ``expected`` (actual data values,
    deduplicated, any equal to its maximum dropped), so heavy ties give fewer bins. The
    first and last bins are open-ended and bins are right-closed:
    ``(-inf, e0], (e0, e1], ..., (e_last, inf)``.

    Args:
        expected: Baseline (development) scores; finite, non-empty.
        actual: Recent scores; finite, non-empty, any length.
        bins: Requested number of quantile bins when ``edges`` is not given.
        edges: Interior cut points to use instead, strictly increasing and finite (an
            empty list means a single bin).

    Returns:
        :class:`PSIResult` with the value, band [PSI-2], edges, shares and contributions.

    Raises:
        InvalidInputError: If a sample is empty or not finite, ``bins < 1``, or ``edges``
            is not a strictly increasing finite 1-D sequence.

    Example:
        >>> from credit_closure.metrics import psi
        >>> result = psi([1, 2, 3, 4], [1, 1, 1, 4], edges=[2])
        >>> result.expected_share, result.actual_share
        ((0.5, 0.5), (0.75, 0.25))
        >>> round(result.value, 4), result.band
        (0.2747, 'major')
        >>> psi([1, 2, 3, 4], [4, 3, 2, 1], bins=2).value
        0.0
    """
    problems: _Problems = []
    e = _finite_vector(expected, "expected", problems)
    a = _finite_vector(actual, "actual", problems)
    cuts: np.ndarray | None = None
    if edges is None:
        n = _positive_int(bins, "bins", problems)
    else:
        n = None
        cuts = _edges(edges, problems)
    _raise_if(problems)
    assert e is not None and a is not None
    if cuts is None:
        assert n is not None
        cuts = _quantile_cuts(np.sort(e), n)
    m = cuts.size + 1
    e_counts = np.bincount(np.searchsorted(cuts, e, side="left"), minlength=m)
    a_counts = np.bincount(np.searchsorted(cuts, a, side="left"), minlength=m)
    return _psi_result(e_counts.astype(np.float64), a_counts.astype(np.float64), cuts)


def _edges(value: Any, problems: _Problems) -> np.ndarray | None:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        problems.append(("edges", "must be a one-dimensional sequence of numbers"))
        return None
    if arr.ndim != 1:
        problems.append(("edges", f"must be one-dimensional (got shape {arr.shape})"))
        return None
    if not np.isfinite(arr).all():
        problems.append(("edges", "must be finite"))
        return None
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        problems.append(("edges", "must be strictly increasing"))
        return None
    return arr


def psi_from_counts(expected_counts: ArrayLike, actual_counts: ArrayLike) -> PSIResult:
    """Population stability index from counts per bin (bins already fixed) [PSI-1].

    Same formula and :data:`PSI_EPSILON` floor as :func:`psi`; the counts may be
    non-integer (weights). ``edges`` of the result is ``None``.

    Args:
        expected_counts: Baseline count per bin; finite, ``>= 0``, positive total.
        actual_counts: Recent count per bin, same number of bins.

    Returns:
        :class:`PSIResult`.

    Raises:
        InvalidInputError: If counts are empty, negative, not finite, sum to zero, or the
            numbers of bins differ.

    Example:
        >>> from credit_closure.metrics import psi_from_counts
        >>> result = psi_from_counts([50, 50], [75, 25])
        >>> round(result.value, 4), result.band, result.edges
        (0.2747, 'major', None)
    """
    problems: _Problems = []
    checked = _count_pair(expected_counts, actual_counts, problems)
    _raise_if(problems)
    assert checked is not None
    return _psi_result(checked[0], checked[1], None)


def csi(expected_counts: ArrayLike, actual_counts: ArrayLike) -> PSIResult:
    """Characteristic stability index of one model input, on bins frozen at training.

    The PSI formula [PSI-1] applied to one input's distribution: the caller passes the
    number of rows per bin of that input, with the bins fixed when the model was
    developed, for the development sample (``expected_counts``) and the recent sample
    (``actual_counts``), in the same bin order. Include a bin for missing values (and one
    for unseen categories, if any) so that shifts into it count. Bands as for PSI [PSI-2].

    Args:
        expected_counts: Development count per frozen bin; finite, ``>= 0``, positive total.
        actual_counts: Recent count per frozen bin, same number of bins.

    Returns:
        :class:`PSIResult` with ``edges`` ``None``.

    Raises:
        InvalidInputError: As for :func:`psi_from_counts`.

    Example:
        >>> from credit_closure.metrics import csi
        >>> # bins: missing, < 25, 25-40, > 40
        >>> result = csi([10, 30, 40, 20], [10, 30, 40, 20])
        >>> result.value, result.band
        (0.0, 'stable')
    """
    return psi_from_counts(expected_counts, actual_counts)


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def validation_report_from_arrays(
    y: ArrayLike,
    probability: ArrayLike,
    *,
    score: ArrayLike | None = None,
    baseline_score: ArrayLike | None = None,
    input_counts: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    title: str = "Scorecard validation report",
    n_bins: int = 10,
    psi_bins: int = 10,
) -> ValidationReport:
    """Compute a :class:`ValidationReport` from outcome and prediction arrays.

    Discrimination (AUC, Gini, KS) and calibration use ``probability``. When
    ``baseline_score`` is given, the PSI compares it (expected) with ``score`` (actual) if
    given, else with ``probability``; ``baseline_score`` must be on the same scale. Every
    input is checked before anything is computed and all problems are reported at once.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        probability: Predicted probability of bad per row, in ``[0, 1]``.
        score: Optional score per row (any finite scale, e.g. points), used only for PSI.
        baseline_score: Optional baseline sample (e.g. development scores) for PSI.
        input_counts: Optional mapping of input name to ``(expected_counts,
            actual_counts)`` per frozen bin, for CSI (see :func:`csi`).
        title: Report heading.
        n_bins: Requested number of calibration bins.
        psi_bins: Requested number of PSI bins (quantiles of ``baseline_score``).

    Returns:
        The report.

    Raises:
        InvalidInputError: Listing every problem, named by argument (for CSI inputs as
            ``input_counts['name'].expected_counts``).

    Example:
        >>> from credit_closure.metrics import validation_report_from_arrays
        >>> report = validation_report_from_arrays(
        ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8],
        ...     baseline_score=[0.1, 0.2, 0.3, 0.9],
        ...     input_counts={"age": ([5, 5], [4, 6])})
        >>> report.n, report.n_bad, report.auc, report.gini, report.ks.statistic
        (4, 2, 0.75, 0.5, 0.5)
        >>> report.psi_basis, report.psi.band, report.csi["age"].band
        ('probability', 'major', 'stable')
    """
    problems: _Problems = []
    if not isinstance(title, str):
        problems.append(("title", "must be a string"))
    n_cal = _positive_int(n_bins, "n_bins", problems)
    n_psi = _positive_int(psi_bins, "psi_bins", problems)
    checked = _labels_and_scores(
        y, probability, problems, score_name="probability", unit_interval=True
    )
    s_arr = None
    if score is not None:
        s_arr = _finite_vector(score, "score", problems)
        n_y, n_s = _length(y), _length(score)
        if n_y is not None and n_s is not None and n_y != n_s:
            problems.append(("score", f"must have the same length as y ({n_y}), got {n_s}"))
    base = None
    if baseline_score is not None:
        base = _finite_vector(baseline_score, "baseline_score", problems)
    pairs = _input_pairs(input_counts, problems)
    _raise_if(problems)
    assert checked is not None and n_cal is not None and n_psi is not None
    y_arr, p_arr = checked

    values, bad, good = _grouped(y_arr, p_arr)
    n_bad = int(bad.sum())
    auc = _auc_from_groups(bad, good)

    psi_result = None
    psi_basis = None
    if base is not None:
        psi_basis = "probability" if s_arr is None else "score"
        psi_result = psi(base, p_arr if s_arr is None else s_arr, bins=n_psi)

    return ValidationReport(
        title=title,
        n=y_arr.size,
        n_bad=n_bad,
        bad_rate=n_bad / y_arr.size,
        auc=auc,
        gini=2.0 * auc - 1.0,
        ks=_ks_from_groups(values, bad, good),
        calibration=_calibration(y_arr, p_arr, n_cal),
        psi=psi_result,
        psi_basis=psi_basis,
        csi={name: _psi_result(e, a, None) for name, (e, a) in pairs.items()},
    )


# ---------------------------------------------------------------------------------------
# Report from a scorer
# ---------------------------------------------------------------------------------------


def validation_report(
    scorer: Any,
    profiles: Sequence[Any],
    outcomes: ArrayLike,
    *,
    as_of: Any,
    baseline_profiles: Sequence[Any] | None = None,
    baseline_as_of: Any = None,
    title: str | None = None,
    n_bins: int = 10,
    psi_bins: int = 10,
) -> ValidationReport:
    """Validate a scorer on labelled profiles: AUC, Gini, KS, calibration, PSI and CSI.

    Every profile is scored through ``scorer.score`` (the scorer protocol); discrimination
    and calibration use its probability of default, the PSI its points on the scorer's
    scale (clipped as :func:`~credit_closure.assess` reports them). With
    ``baseline_profiles`` (typically the development sample), the PSI compares their points
    with those of ``profiles``, and for a :class:`~credit_closure.LogisticScorer` the CSI of
    every input is computed on the bins frozen at training (missing bin included), keyed by
    input (``attributes.<name>`` for a lender attribute).

    Args:
        scorer: A scorer object (a fitted ``LogisticScorer``, say) or a registered name.
        profiles: The profiles to validate on.
        outcomes: One observed outcome per profile, 0 = good, 1 = bad; both must occur.
        as_of: Observation date(s): one ``date``/``"YYYY-MM-DD"`` or one per profile.
        baseline_profiles: Optional baseline sample for PSI/CSI.
        baseline_as_of: Date(s) of the baseline; ``as_of`` when omitted (then it must be a
            single date).
        title: Report heading; names the scorer's version when omitted.
        n_bins: Requested number of calibration bins.
        psi_bins: Requested number of PSI bins.

    Returns:
        The :class:`ValidationReport`.

    Raises:
        InvalidInputError: Listing every problem (profiles that are not ``CreditProfile``
            or are dated after their date, bad dates, outcomes not 0/1, lengths).
        NotFittedError: For a ``LogisticScorer`` that is not fitted.

    Example:
        >>> from credit_closure import CreditProfile
        >>> from credit_closure.metrics import validation_report
        >>> ps = [CreditProfile.from_dict({"subject_id": f"s{i}", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "credit_limit": 10000, "balance": 1000 * i}]}) for i in range(10)]
        >>> r = validation_report("rules", ps, [0] * 7 + [1] * 3, as_of="2025-06-30")
        >>> r.n, r.n_bad, r.auc > 0.5
        (10, 3, True)
    """
    from credit_closure._scoring.registry import resolve

    obj = resolve(scorer)[0]
    problems: _Problems = []
    if isinstance(profiles, (str, bytes, Mapping)) or not isinstance(profiles, Sequence):
        raise InvalidInputError([("profiles", "must be a sequence of CreditProfile")])
    dates = _report_dates(as_of, len(profiles), "as_of", problems)
    probs, points = _score_all(obj, profiles, dates, "profiles", problems)
    base_points, base_idx = _baseline_points(
        obj, baseline_profiles, as_of, baseline_as_of, problems
    )
    n_y = _length(outcomes)
    if n_y is not None and n_y != len(profiles):
        problems.append(
            (
                "outcomes",
                f"must have one outcome per profile (got {n_y} for {len(profiles)} profiles)",
            )
        )
    _raise_if(problems)

    input_counts = None
    from credit_closure._scorecard.logistic import LogisticScorer

    if isinstance(obj, LogisticScorer) and baseline_profiles is not None:
        input_counts = _frozen_bin_counts(obj, base_idx, profiles, dates)
    if title is None:
        title = f"Validation of {getattr(obj, 'version', type(obj).__name__)}"
    return validation_report_from_arrays(
        outcomes,
        probs,
        score=points,
        baseline_score=base_points,
        input_counts=input_counts,
        title=title,
        n_bins=n_bins,
        psi_bins=psi_bins,
    )
