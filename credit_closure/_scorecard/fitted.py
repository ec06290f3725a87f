"""What a fitted logistic scorecard holds, and the per-subject lookups scoring does with it.

* :class:`ScorecardInput`: one input (its binning, coefficient, points and log-odds term
  per bin, reason code);
* :class:`FittedState`: everything :meth:`LogisticScorer.fit` learns and an artifact
  stores (inputs, intercept, scale, reason texts, cutoff averages, training metadata);
* :class:`ScoringRow` and :func:`scoring_table`: the hot-path table ``LogisticScorer``
  scores from, one row per input, which inlines the binnings' ``bin_index_one``;
* :func:`_sigmoid` (log-odds to probability) and :func:`_category` (the label of a number
  given for a categorical input).

Twin implementations that must stay bit-for-bit equal to these semantics: the scorecard's
log-odds (intercept plus each input's ``coefficient * woe`` term, summed in input order)
and its probability are also computed, for a whole chunk at once, by
``credit_closure.columnar._logistic_bins`` / ``_logistic_log_odds`` / ``_score_logistic``
(which read :attr:`LogisticScorer._table` rows by position) and, from the log-odds, by the
compiled kernel's ``scale_many`` (``credit_closure._columnar.kernel``, with
``logistic=True``); ``tests/test_columnar.py`` checks they agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from credit_closure._scorecard.binning_model import CategoricalBinning, NumericBinning
from credit_closure._scoring.features import FEATURE_INDEX
from credit_closure._scoring.protocol import Factor
from credit_closure._scoring.reasons import ReasonText
from credit_closure._scoring.scale import Scale

__all__ = ["FittedState", "ScorecardInput", "ScoringRow"]

#: The binning of one input.
Binning = NumericBinning | CategoricalBinning

#: :attr:`ScoringRow.kind` of a feature, a numeric lender attribute and a categorical one.
FEATURE_ROW, NUMERIC_ATTRIBUTE_ROW, CATEGORICAL_ATTRIBUTE_ROW = 0, 1, 2


def _sigmoid(z: float) -> float:
    """The probability of log-odds ``z``, ``1 / (1 + exp(-z))``, without overflow."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _category(v: Any) -> str:
    """The category label of a number given for a categorical input."""
    if isinstance(v, float) and v.is_integer():
        return repr(v)
    return str(v)


class Points(NamedTuple):
    """The points of every bin of an input and the best of those that held training rows."""

    points: tuple[float, ...]
    max_points: float


def _points_for(binning: Binning, coefficient: float, factor: float) -> Points:
    """``-factor * coefficient * woe`` per bin, and the best over the bins with rows."""
    points = tuple(-factor * coefficient * w + 0.0 for w in binning.woe)
    seen = [p for p, c in zip(points, binning.counts) if c > 0] or list(points)
    return Points(points, max(seen))


class ScorecardInput:
    """One input of a fitted scorecard: its binning, coefficient and points per bin.

    Attributes:
        name: Feature name, or the lender attribute's name.
        kind: ``"feature"`` or ``"attribute"``.
        binning: The frozen :class:`~credit_closure._scorecard.binning.NumericBinning` or
            :class:`~credit_closure._scorecard.binning.CategoricalBinning`.
        coefficient: Regression coefficient of the input's WOE (> 0).
        points: Points per bin (``-factor * coefficient * woe``), the missing bin last.
        reason_code: The code reported when the input lowers a score.
        max_points: Best points attainable (over the bins that held training rows).
        bin_texts: The reason text of each bin (``None`` for a bin that reads the code's
            text), or ``None`` when no bin has its own (``credit_closure._scorecard.
            bin_texts``).
    """

    __slots__ = (
        "bin_texts",
        "binning",
        "categorical",
        "coefficient",
        "index",
        "kind",
        "labels",
        "log_odds",
        "max_points",
        "name",
        "points",
        "reason_code",
    )

    def __init__(
        self,
        *,
        name: str,
        kind: str,
        binning: Binning,
        coefficient: float,
        points: Sequence[float],
        reason_code: str,
        max_points: float,
        bin_texts: Sequence[ReasonText | None] | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.binning = binning
        self.coefficient = coefficient
        self.points = tuple(points)
        self.reason_code = reason_code
        self.max_points = max_points
        self.bin_texts = None if bin_texts is None else tuple(bin_texts)
        #: log-odds term per bin (``coefficient * woe``), for the probability
        self.log_odds = tuple(coefficient * w for w in binning.woe)
        self.index = FEATURE_INDEX[name] if kind == "feature" else -1
        self.categorical = isinstance(binning, CategoricalBinning)
        self.labels = binning.labels

    @property
    def key(self) -> str:
        """``name`` for a feature, ``attributes.<name>`` for a lender attribute."""
        return self.name if self.kind == "feature" else f"attributes.{self.name}"

    def to_dict(self) -> dict[str, Any]:
        """The input as artifact data (``bin_texts`` only when a bin has its own text)."""
        out = {
            "name": self.name,
            "kind": self.kind,
            "binning": self.binning.to_dict(),
            "points": list(self.points),
            "coefficient": self.coefficient,
            "reason_code": self.reason_code,
            "max_points": self.max_points,
        }
        if self.bin_texts is not None:
            out["bin_texts"] = [
                None if t is None else {"en": t.en, "zh": t.zh} for t in self.bin_texts
            ]
        return out

    def with_bin_texts(self, bin_texts: Sequence[ReasonText | None] | None) -> ScorecardInput:
        """A copy of the input with these per-bin texts."""
        return ScorecardInput(
            name=self.name,
            kind=self.kind,
            binning=self.binning,
            coefficient=self.coefficient,
            points=self.points,
            reason_code=self.reason_code,
            max_points=self.max_points,
            bin_texts=bin_texts,
        )

    def __repr__(self) -> str:
        return (
            f"ScorecardInput(name={self.name!r}, kind={self.kind!r}, "
            f"bins={len(self.points)}, coefficient={self.coefficient!r})"
        )


class FittedState(NamedTuple):
    """What a scorecard learned: the result of the fit pipeline or of a loaded artifact."""

    inputs: list[ScorecardInput]
    intercept: float
    scale: Scale
    texts: dict[str, ReasonText]
    cutoff_averages: list[float]
    metadata: dict[str, Any]


class ScoringRow(NamedTuple):
    """One input of the scoring hot path (a tuple: the loops unpack it positionally).

    The lookups reproduce the binnings' ``bin_index_one`` inline; the factors are immutable
    and the same for every subject in a bin, so scoring allocates none.
    """

    #: :data:`FEATURE_ROW`, :data:`NUMERIC_ATTRIBUTE_ROW` or :data:`CATEGORICAL_ATTRIBUTE_ROW`
    kind: int
    #: index of the feature in the extractor's output (-1 for an attribute)
    feature_index: int
    #: the input's name (the attribute's key for an attribute)
    name: str
    #: cut points of a numeric input (empty for a categorical one)
    cuts: tuple[float, ...]
    #: category -> bin of a categorical input (empty for a numeric one)
    lookup: dict[str, int]
    #: the missing bin
    missing: int
    #: the bin of a category not seen at training (-1 for a numeric input)
    unseen: int
    #: log-odds term per bin
    log_odds: tuple[float, ...]
    #: prebuilt :class:`~credit_closure.Factor` per bin (points minus the reference)
    factors: tuple[Factor, ...]


def _make_factor(code: str, points: float, feature: str, value: Any) -> Factor:
    # The fields are known to be valid (a str code and a finite float from a validated
    # model), so the attrs validators are skipped: this is the per-subject hot path.
    f = object.__new__(Factor)
    object.__setattr__(f, "code", code)
    object.__setattr__(f, "points", points)
    object.__setattr__(f, "feature", feature)
    object.__setattr__(f, "value", value)
    return f


def scoring_row(inp: ScorecardInput, reference: float) -> ScoringRow:
    """The hot-path row of ``inp``, its factors' points relative to ``reference``."""
    b = inp.binning
    cuts: tuple[float, ...]
    lookup: dict[str, int]
    if isinstance(b, CategoricalBinning):
        kind, cuts, unseen = CATEGORICAL_ATTRIBUTE_ROW, (), b.unseen_index
        lookup = {c: i for i, g in enumerate(b.groups) for c in g}
    else:
        kind = FEATURE_ROW if inp.index >= 0 else NUMERIC_ATTRIBUTE_ROW
        cuts, unseen, lookup = b.cuts, -1, {}
    factors = tuple(
        _make_factor(inp.reason_code, pts - reference + 0.0, inp.name, label)
        for pts, label in zip(inp.points, inp.labels)
    )
    return ScoringRow(
        kind, inp.index, inp.name, cuts, lookup, b.missing_index, unseen, inp.log_odds, factors
    )


def scoring_table(
    inputs: Sequence[ScorecardInput], references: Sequence[float]
) -> tuple[ScoringRow, ...]:
    """One :class:`ScoringRow` per input, each with its reason reference points."""
    return tuple(scoring_row(inp, ref) for inp, ref in zip(inputs, references))
