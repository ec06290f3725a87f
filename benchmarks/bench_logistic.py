"""Benchmarks of the logistic scorecard, each printed against a baseline from the same run.

1. Latency: ``assess(profile, scorer=loaded)`` for one profile with 5 accounts (closure
   impact and reasons included) and ``loaded.score(profile, as_of)``, against scikit-learn's
   single-row ``LogisticRegression.predict_proba`` with the same number of inputs.
   Bar: median ratio <= 1/3.
2. Fit time on 100,000 synthetic subjects (the portfolio's generation is timed separately).
   Bar: under 60 s.
3. Quality: test AUC on a 50,000-subject synthetic portfolio (stratified 70/30 split, seed 0)
   against the oracle AUC of the true probabilities on the same test rows. Bar: >= 0.97 x.

Usage::

    python benchmarks/bench_logistic.py            # full sizes
    python benchmarks/bench_logistic.py --quick    # 10x smaller, for a smoke run
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from credit_closure import LogisticScorer, assess
from credit_closure._scoring.assess import counterfactual
from credit_closure._scoring.features import extract
from credit_closure.metrics import roc_auc
from credit_closure.synth import generate_portfolio


def _median_us(fn, repeat: int, inner: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``inner`` calls, in microseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner * 1e6)
    return statistics.median(times)


def bench_latency(scorer: LogisticScorer, repeat: int) -> list[tuple[str, float, float]]:
    """Single-profile latency rows: (what, median us, ratio to sklearn)."""
    from sklearn.linear_model import LogisticRegression

    pf = generate_portfolio(3000, seed=99)
    as_of = pf.as_of
    # 5 accounts and a closure inside the 24-month window, so the counterfactual (closure
    # impact) is scored too: assess() calls score() twice
    five = [p for p in pf.profiles if len(p.accounts) == 5 and counterfactual(p, as_of) is not None]
    profile = five[0]
    k = len(scorer.inputs_)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, k))
    y = (X.sum(axis=1) + rng.normal(size=2000) > 0).astype(int)
    sk = LogisticRegression().fit(X, y)
    row = X[:1].copy()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.json"
        scorer.save(path)
        loaded = LogisticScorer.load(path)
    for _ in range(200):  # warm up
        sk.predict_proba(row)
        assess(profile, scorer=loaded, as_of=as_of)
    gc.collect()
    base = _median_us(lambda: sk.predict_proba(row), repeat, 200)
    a = _median_us(lambda: assess(profile, scorer=loaded, as_of=as_of), repeat, 200)
    s = _median_us(lambda: loaded.score(profile, as_of), repeat, 200)
    x = _median_us(lambda: extract(profile, as_of), repeat, 200)
    return [
        (f"sklearn predict_proba, 1 row x {k} inputs (baseline)", base, 1.0),
        ("assess(profile, scorer=loaded), 5 accounts, closure impact + reasons", a, a / base),
        ("loaded.score(profile, as_of) (assess calls it twice here)", s, s / base),
        ("  of which extract(profile, as_of), the shared feature extractor", x, x / base),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the tables."""
    ap = argparse.ArgumentParser(description="logistic scorecard benchmarks")
    ap.add_argument("--quick", action="store_true", help="10x smaller portfolios")
    ap.add_argument("--repeat", type=int, default=15, help="timing repeats (median)")
    args = ap.parse_args(argv)
    n_fit = 10_000 if args.quick else 100_000
    n_auc = 5_000 if args.quick else 50_000
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")

    # -- quality -------------------------------------------------------------------------
    t0 = time.perf_counter()
    pf = generate_portfolio(n_auc, seed=7)
    gen_auc = time.perf_counter() - t0
    y = pf.outcomes.astype(int)
    rng = np.random.default_rng(0)
    test = np.zeros(len(y), dtype=bool)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        test[idx[: round(0.3 * len(idx))]] = True
    train_p = [p for p, t in zip(pf.profiles, test) if not t]
    test_p = [p for p, t in zip(pf.profiles, test) if t]
    oracle = roc_auc(y[test], pf.true_probability[test])
    rows = []
    scorer = None
    for label, params in (
        ("defaults", {}),
        ("max_bins=10, min_bin_share=0.02", {"max_bins": 10, "min_bin_share": 0.02}),
    ):
        fitted_q = LogisticScorer(**params).fit(train_p, y[~test].tolist(), as_of=pf.as_of)
        auc = roc_auc(y[test], fitted_q.predict_proba(test_p, pf.as_of))
        rows.append((f"LogisticScorer({label}), {len(fitted_q.inputs_)} inputs, test rows", auc))
        scorer = scorer or fitted_q
    print()
    print(
        f"## Quality: synthetic portfolio of {n_auc} (generated in {gen_auc:.1f} s), "
        f"stratified 70/30 split, seed 0"
    )
    print("| what | AUC | ratio to oracle |")
    print("|---|---:|---:|")
    print(f"| oracle (true probability, test rows) (baseline) | {oracle:.4f} | 1.00000 |")
    for what, auc in rows:
        print(f"| {what} | {auc:.4f} | {auc / oracle:.5f} |")
    assert scorer is not None

    # -- latency -------------------------------------------------------------------------
    print()
    print(f"## Latency, one profile (median of {args.repeat} x 200 calls)")
    print("| what | median us | ratio to sklearn |")
    print("|---|---:|---:|")
    for what, us, ratio in bench_latency(scorer, args.repeat):
        print(f"| {what} | {us:.1f} | {ratio:.3f} |")

    # -- fit time ------------------------------------------------------------------------
    t0 = time.perf_counter()
    big = generate_portfolio(n_fit, seed=8)
    gen = time.perf_counter() - t0
    outcomes = big.outcomes.tolist()
    t0 = time.perf_counter()
    fitted = LogisticScorer().fit(big.profiles, outcomes, as_of=big.as_of)
    fit_s = time.perf_counter() - t0
    print()
    print(f"## Fit time, {n_fit} synthetic subjects (generation: {gen:.1f} s, not counted)")
    print("| what | seconds | ratio to the 60 s bar |")
    print("|---|---:|---:|")
    print(
        f"| LogisticScorer.fit ({len(fitted.inputs_)} inputs kept) | {fit_s:.1f} | "
        f"{fit_s / 60.0:.3f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
