"""The logistic scorecard: binning, scoring, its JSON artifact and fitting.

Internal seam for this library's tests and benchmarks; not public API; may change without
notice. The names below are imported lazily (module ``__getattr__``): importing this package
imports none of its submodules, so ``import credit_closure`` stays as light as before. Tests
import internals only from here (``from credit_closure._scorecard import fit_numeric``), never from the
submodules, except a module object that a test monkeypatches or whose state it reads (the name
must be looked up where the code looks it up); docs/internals.md, "Tests".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credit_closure._seams import lazy_names

if TYPE_CHECKING:
    from credit_closure._scorecard.artifact import _sha256 as sha256
    from credit_closure._scorecard.binning import OPTIMAL_MAX_PREBINS as OPTIMAL_MAX_PREBINS
    from credit_closure._scorecard.binning import SMOOTHING as SMOOTHING
    from credit_closure._scorecard.binning import UNIMODAL_MIN_BINS as UNIMODAL_MIN_BINS
    from credit_closure._scorecard.binning import UNIMODAL_MIN_GAIN as UNIMODAL_MIN_GAIN
    from credit_closure._scorecard.binning import CategoricalBinning as CategoricalBinning
    from credit_closure._scorecard.binning import NumericBinning as NumericBinning
    from credit_closure._scorecard.binning import _has_shape as has_shape
    from credit_closure._scorecard.binning import _optimal as optimal
    from credit_closure._scorecard.binning import _violates as violates
    from credit_closure._scorecard.binning import _woe_iv as woe_iv
    from credit_closure._scorecard.binning import binning_from_dict as binning_from_dict
    from credit_closure._scorecard.binning import fit_categorical as fit_categorical
    from credit_closure._scorecard.binning import fit_numeric as fit_numeric
    from credit_closure._scorecard.fitted import ScoringRow as ScoringRow
    from credit_closure._scorecard.fitted import _sigmoid as sigmoid
    from credit_closure._scorecard.logistic import _REFERENCE_FILE as REFERENCE_FILE
    from credit_closure._scorecard.logistic import CLOSURE_ACT_FEATURES as CLOSURE_ACT_FEATURES
    from credit_closure._scorecard.logistic import _canonical as canonical
    from credit_closure._scorecard.logistic import attribute_reason_code as attribute_reason_code
    from credit_closure._scorecard.logistic import reference_scorer as reference_scorer

#: seam name -> (submodule, name in that submodule)
_SEAM: dict[str, tuple[str, str]] = {
    "OPTIMAL_MAX_PREBINS": ("binning", "OPTIMAL_MAX_PREBINS"),
    "SMOOTHING": ("binning", "SMOOTHING"),
    "UNIMODAL_MIN_BINS": ("binning", "UNIMODAL_MIN_BINS"),
    "UNIMODAL_MIN_GAIN": ("binning", "UNIMODAL_MIN_GAIN"),
    "CategoricalBinning": ("binning", "CategoricalBinning"),
    "NumericBinning": ("binning", "NumericBinning"),
    "binning_from_dict": ("binning", "binning_from_dict"),
    "fit_categorical": ("binning", "fit_categorical"),
    "fit_numeric": ("binning", "fit_numeric"),
    "has_shape": ("binning", "_has_shape"),
    "optimal": ("binning", "_optimal"),
    "violates": ("binning", "_violates"),
    "woe_iv": ("binning", "_woe_iv"),
    "CLOSURE_ACT_FEATURES": ("logistic", "CLOSURE_ACT_FEATURES"),
    "REFERENCE_FILE": ("logistic", "_REFERENCE_FILE"),
    "attribute_reason_code": ("logistic", "attribute_reason_code"),
    "canonical": ("logistic", "_canonical"),
    "reference_scorer": ("logistic", "reference_scorer"),
    "sha256": ("artifact", "_sha256"),
    "sigmoid": ("fitted", "_sigmoid"),
    "ScoringRow": ("fitted", "ScoringRow"),
}

__all__ = [  # the seam's names (tests/test_layout.py checks they match _SEAM)
    "CLOSURE_ACT_FEATURES",
    "CategoricalBinning",
    "NumericBinning",
    "OPTIMAL_MAX_PREBINS",
    "REFERENCE_FILE",
    "SMOOTHING",
    "ScoringRow",
    "UNIMODAL_MIN_BINS",
    "UNIMODAL_MIN_GAIN",
    "attribute_reason_code",
    "binning_from_dict",
    "canonical",
    "fit_categorical",
    "fit_numeric",
    "has_shape",
    "optimal",
    "reference_scorer",
    "sha256",
    "sigmoid",
    "violates",
    "woe_iv",
]


__getattr__, __dir__ = lazy_names(__name__, _SEAM, globals())
