"""Evidence behind the pre-binning default of LogisticScorer (docs/benchmarks-quality.md):
inner CV on the German *training* folds and CV on an independent synthetic portfolio; the
German test folds are never read. Run with an interpreter that has the bench extra:
/work/bench-venv/bin/python benchmarks/evidence/prebinning_cv.py
The scorer's parameters are pinned to the defaults of the time (C=1.0, min_iv=0.02, greedy
binning, 20 pre-bins, WOE pseudo-count 0.5), so the recorded numbers reproduce after the
defaults changed."""

import functools
import pathlib
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # benchmarks/
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

import credit_closure._scorecard.binning as B
from credit_closure import LogisticScorer

ORIG = B.fit_numeric
THEN = {
    "C": 1.0,
    "min_iv": 0.02,
    "binning": "greedy",
    "prebins": 20,
    "woe_smoothing": 0.5,
}  # the defaults then
VARIANTS = {
    "quantile": {},
    "tree(0.05)": {"prebinning": "tree", "min_prebin_share": 0.05},
    "tree(0.02)": {"prebinning": "tree", "min_prebin_share": 0.02},
}


def use(kw):
    B.fit_numeric = functools.partial(ORIG, **kw) if kw else ORIG


def german():
    import bench_german as G

    data = G.load_german()
    prof = G.build_profiles(data)
    folds = G.make_folds(data.y, range(5))
    res = {k: [] for k in VARIANTS}
    for seed, _k, train, _test in folds:  # the outer test fold is never used
        y_tr = data.y[train]
        inner = list(
            StratifiedKFold(3, shuffle=True, random_state=1000 + seed).split(
                np.zeros((len(train), 1)), y_tr
            )
        )
        for name, kw in VARIANTS.items():
            use(kw)
            aucs = []
            for a, b in inner:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m = LogisticScorer(**THEN).fit(
                        [prof[i] for i in train[a]],
                        [int(v) for v in data.y[train[a]]],
                        as_of=G.AS_OF,
                    )
                p = np.asarray(m.predict_proba([prof[i] for i in train[b]], as_of=G.AS_OF), float)
                aucs.append(roc_auc_score(data.y[train[b]], p[:, 1] if p.ndim == 2 else p))
            res[name].append(float(np.mean(aucs)))
    use({})
    return res


def synth():
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(20000, seed=21)
    y = pf.outcomes.astype(int)
    res = {k: [] for k in VARIANTS}
    orc = []
    for a, b in StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros((len(y), 1)), y):
        orc.append(roc_auc_score(y[b], pf.true_probability[b]))
        for name, kw in VARIANTS.items():
            use(kw)
            m = LogisticScorer(**THEN).fit(
                [pf.profiles[i] for i in a], y[a].tolist(), as_of=pf.as_of
            )
            p = np.asarray(m.predict_proba([pf.profiles[i] for i in b], pf.as_of), float)
            res[name].append(roc_auc_score(y[b], p[:, 1] if p.ndim == 2 else p))
    use({})
    return res, orc


t = time.time()
g = german()
base = np.array(g["quantile"])
print("German inner 3-fold CV on the 25 outer training folds (test folds unused)")
print("| pre-binning | mean inner AUC | diff vs quantile | folds >= quantile |")
for k, v in g.items():
    v = np.array(v)
    print(
        f"| {k} | {v.mean():.4f} | {v.mean() - base.mean():+.4f} (sd {np.std(v - base, ddof=1):.4f}) | {(v >= base).sum()} / 25 |"
    )
print(f"({time.time() - t:.0f}s)", flush=True)
t = time.time()
s, orc = synth()
base = np.array(s["quantile"])
print(
    "Synthetic portfolio generate_portfolio(20000, seed=21), stratified 5-fold CV (random_state=0)"
)
print(f"oracle mean AUC {np.mean(orc):.4f}")
print("| pre-binning | mean AUC | ratio to oracle | diff vs quantile | folds >= quantile |")
for k, v in s.items():
    v = np.array(v)
    print(
        f"| {k} | {v.mean():.4f} | {v.mean() / np.mean(orc):.5f} | {v.mean() - base.mean():+.4f} | {(v >= base).sum()} / 5 |"
    )
print(f"({time.time() - t:.0f}s)")
