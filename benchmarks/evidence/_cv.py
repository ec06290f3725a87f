"""The cross-validation harness shared by the evidence scripts of this folder.

Every default of ``LogisticScorer`` chosen by evidence was chosen with these two designs, on
data no benchmark scores:

* :func:`german_inner_cv`: for each of the 25 outer *training* folds of ``bench_german.py``
  (5 seeds x 5 folds), the mean test AUC of a 3-fold inner cross-validation inside that
  training fold. The outer test folds are never read.
* :func:`synth_cv`: 5-fold cross-validation on ``generate_portfolio(20000, seed=21)``, with
  the oracle AUC (the generator's true probabilities) of each fold.

:func:`table` prints the per-variant means and the paired differences against the first.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/

from credit_closure import LogisticScorer

#: ``fit_auc(variant, profiles, y, train, test, as_of) -> test AUC``
FitAuc = Callable[[Any, Sequence[Any], np.ndarray, np.ndarray, np.ndarray, Any], float]


def auc_of(
    params: Mapping[str, Any],
    profiles: Sequence[Any],
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    as_of: Any,
) -> float:
    """Fit ``LogisticScorer(**params)`` on ``train`` and return its AUC on ``test``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticScorer(**params).fit(
            [profiles[i] for i in train], [int(v) for v in y[train]], as_of=as_of
        )
    p = np.asarray(m.predict_proba([profiles[i] for i in test], as_of=as_of), dtype=float)
    return float(roc_auc_score(y[test], p))


def german_inner_cv(variants: Mapping[str, Any], fit_auc: FitAuc) -> dict[str, list[float]]:
    """Mean inner-CV AUC per outer German training fold, per variant."""
    import bench_german as G

    data = G.load_german()
    profiles = G.build_profiles(data)
    res: dict[str, list[float]] = {k: [] for k in variants}
    for seed, _k, train, _test in G.make_folds(data.y, range(5)):  # _test is never used
        skf = StratifiedKFold(3, shuffle=True, random_state=1000 + seed)
        inner = list(skf.split(np.zeros((len(train), 1)), data.y[train]))
        for name, v in variants.items():
            aucs = [fit_auc(v, profiles, data.y, train[a], train[b], G.AS_OF) for a, b in inner]
            res[name].append(float(np.mean(aucs)))
    return res


def synth_cv(
    variants: Mapping[str, Any], fit_auc: FitAuc
) -> tuple[dict[str, list[float]], list[float]]:
    """Test AUC per synthetic CV fold, per variant, and the oracle AUC per fold."""
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(20000, seed=21)
    y = np.asarray(pf.outcomes, dtype=np.int64)
    res: dict[str, list[float]] = {k: [] for k in variants}
    oracle: list[float] = []
    skf = StratifiedKFold(5, shuffle=True, random_state=0)
    for a, b in skf.split(np.zeros((len(y), 1)), y):
        oracle.append(float(roc_auc_score(y[b], pf.true_probability[b])))
        for name, v in variants.items():
            res[name].append(fit_auc(v, pf.profiles, y, a, b, pf.as_of))
    return res, oracle


def table(
    res: Mapping[str, list[float]],
    oracle: list[float] | None = None,
    *,
    label: str = "variant",
    reference: str = "reference",
) -> str:
    """Markdown table of means and paired differences against the first variant."""
    names = list(res)
    base = np.asarray(res[names[0]])
    n = len(base)
    head = f"| {label} | mean AUC | "
    head += "ratio to oracle | " if oracle else ""
    head += f"paired diff vs {reference} (SD) | folds >= {reference} |"
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for k in names:
        v = np.asarray(res[k])
        d = v - base
        row = f"| {k} | {v.mean():.4f} | "
        row += f"{v.mean() / np.mean(oracle):.5f} | " if oracle else ""
        row += f"{d.mean():+.4f} ({d.std(ddof=1):.4f}) | {(d >= 0).sum()} / {n} |"
        lines.append(row)
    return "\n".join(lines)


DATA_SETS = ("german", "credit_data", "lending_club", "synth")


def data_parser(doc: str) -> Any:
    """The command line of a round's evidence script: ``--data`` and ``--seeds``."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", required=True, choices=list(DATA_SETS))
    ap.add_argument("--seeds", type=int, default=5, help="outer seeds (5: all 25 folds)")
    return ap


def run_candidates(
    data: str, variants: Mapping[str, Any], seeds: int, inner_cv: Any, fit_auc: FitAuc = auc_of
) -> None:
    """Score ``variants`` on ``data`` and print the table: the synthetic portfolio's 5-fold CV,
    or ``inner_cv`` (``round5_cv.inner_cv``: inner 3-fold CV of each outer training fold)."""
    import time

    t = time.time()
    if data == "synth":
        s, oracle = synth_cv(variants, fit_auc)
        print("Synthetic portfolio (generate_portfolio(20000, seed=21)), stratified 5-fold CV")
        print(table(s, oracle, label="candidate"))
    else:
        res = inner_cv(data, dict(variants), seeds, fit_auc=fit_auc)
        print(
            f"{data}: inner stratified 3-fold CV on each of the {5 * seeds} outer "
            "training folds (test folds unused); mean inner AUC per outer fold"
        )
        print(table(res, label="candidate"))
    print(f"({time.time() - t:.0f} s)", flush=True)
