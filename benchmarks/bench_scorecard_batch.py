"""Batch scorecards from a lender attribute table: ours against the peers, in one run.

Run:  python benchmarks/bench_scorecard_batch.py [--rows 1000000] [--repeat 2] [--out PATH]
      (also part of python benchmarks/bench_batch.py, which calls :func:`run`)

The data are German-credit-shaped and generated reproducibly (nothing is downloaded): the 20
columns of the German credit data (13 categorical, coded ``A11``... as in the original
file, with the original number of categories; 7 integer, in the original ranges), 1,000
training rows with outcomes from a known logistic model, and a table of ``--rows`` rows
to score, as pandas reads it (``str`` columns for the categories, ``int64`` for the
numbers) with an integer ``subject_id``.

Contenders, each fitted on the same 1,000 rows and scoring the same table:

- ours: ``LogisticScorer().fit(profiles, outcomes)`` then
  ``score_columnar(<no accounts>, attributes=table, scorer=card)``: score, probability,
  band, decision, four ranked reasons and closure impact per row, every input checked;
- optbinning 1.0: ``BinningProcess`` + ``Scorecard(LogisticRegression())``, ``card.score(X)``
  (points only);
- scikit-learn: ``OneHotEncoder`` on the categories + ``LogisticRegression``,
  ``predict_proba(X)`` (a probability only);
- toad 0.1.7: ``Combiner(chi)`` + ``WOETransformer`` + ``ScoreCard``, ``card.predict(X)``
  (points only).

Each contender runs in its own fresh process, which fits, scores the table ``--repeat``
times (best time kept) and reports the peak of its resident memory while scoring once
(sampled every millisecond, less the memory in use just before), against the input
table's own size (``DataFrame.memory_usage(deep=True)``). The optional peers that are not
installed are skipped with a note. Wall-clock figures on a shared machine are noisy: read
the ratios, all measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import warnings
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
#: The categorical columns of the German credit data and their number of categories.
CATEGORIES = {
    "status": 4,
    "credit_history": 5,
    "purpose": 10,
    "savings": 5,
    "employment": 5,
    "personal_status": 4,
    "other_debtors": 3,
    "property": 4,
    "other_plans": 3,
    "housing": 3,
    "job": 4,
    "telephone": 2,
    "foreign_worker": 2,
}
#: The integer columns and their ranges in the German credit data.
NUMBERS = {
    "duration": (4, 72),
    "amount": (250, 18424),
    "installment_rate": (1, 4),
    "residence": (1, 4),
    "age": (19, 75),
    "existing_credits": (1, 4),
    "liable": (1, 2),
}
COLUMNS = list(CATEGORIES) + list(NUMBERS)
CONTENDERS = ("credit_closure", "optbinning", "sklearn", "toad")


def german_like(n: int, seed: int) -> tuple[Any, np.ndarray]:
    """``n`` German-credit-shaped rows (a DataFrame of the 20 columns) and outcomes drawn
    from one fixed logistic model (the same model for every seed)."""
    import pandas as pd

    model = np.random.default_rng(12345)  # the effects: fixed
    rng = np.random.default_rng(seed)  # the rows
    cols: dict[str, Any] = {}
    log_odds = np.full(n, -1.0)
    for i, (name, k) in enumerate(CATEGORIES.items()):
        share = model.dirichlet(np.ones(k) * 2)
        effect = model.normal(0, 0.5, k)
        codes = rng.choice(k, n, p=share)
        cols[name] = pd.array(
            np.array([f"A{i + 3}{j + 1}" for j in range(k)], dtype=object)[codes], dtype="str"
        )
        log_odds += effect[codes]
    for name, (lo, hi) in NUMBERS.items():
        slope = 0.8 * model.choice([-1.0, 1.0])
        v = rng.integers(lo, hi + 1, n)
        cols[name] = v
        log_odds += slope * (v - lo) / (hi - lo)
    y = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(np.int64)
    return pd.DataFrame(cols), y


def score_table(n: int, strings: str = "str") -> Any:
    """The table to score: ``n`` rows and an integer ``subject_id`` first; the categories
    as pandas 3 reads text (``str``, arrow-backed) or as pandas 2 did (``object``)."""
    frame, _ = german_like(n, seed=2)
    frame.insert(0, "subject_id", np.arange(n, dtype=np.int64))
    if strings == "object":
        frame = frame.astype(dict.fromkeys(CATEGORIES, object))
    return frame


# ------------------------------------------------------------------------------------------
# Contenders: fit on the training rows, then a function scoring the whole table
# ------------------------------------------------------------------------------------------
def _fit_ours(X: Any, y: np.ndarray) -> Any:
    from credit_closure import CreditProfile, LogisticScorer
    from credit_closure.columnar import score_columnar

    profiles = [
        CreditProfile(
            subject_id=f"t{i}",
            attributes={k: (v if isinstance(v, str) else int(v)) for k, v in row.items()},
        )
        for i, row in enumerate(X.to_dict("records"))
    ]
    card = LogisticScorer().fit(profiles, [int(v) for v in y], as_of=AS_OF)
    no_accounts = {
        "subject_id": np.zeros(0, dtype=np.int64),
        "account_id": np.zeros(0, dtype=np.int64),
        "product": np.zeros(0, dtype=object),
        "status": np.zeros(0, dtype=object),
    }
    return lambda table: score_columnar(no_accounts, attributes=table, scorer=card, as_of=AS_OF)


def _fit_optbinning(X: Any, y: np.ndarray) -> Any:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    card = Scorecard(
        binning_process=BinningProcess(
            variable_names=COLUMNS, categorical_variables=list(CATEGORIES)
        ),
        estimator=LogisticRegression(),
        scaling_method="min_max",
        scaling_method_params={"min": 300, "max": 850},
    )
    card.fit(X, y)
    return lambda table: card.score(table[COLUMNS])


def _fit_sklearn(X: Any, y: np.ndarray) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    model = make_pipeline(
        ColumnTransformer(
            [("categories", OneHotEncoder(handle_unknown="ignore"), list(CATEGORIES))],
            remainder="passthrough",
        ),
        LogisticRegression(max_iter=1000),
    )
    model.fit(X, y)
    return lambda table: model.predict_proba(table[COLUMNS])[:, 1]


def _fit_toad(X: Any, y: np.ndarray) -> Any:
    import toad

    df = X.copy()
    df["target"] = y
    comb = toad.transform.Combiner()
    comb.fit(df, y="target", method="chi", min_samples=0.05)
    transer = toad.transform.WOETransformer()
    woe = transer.fit_transform(comb.transform(df), df["target"], exclude=["target"])
    card = toad.ScoreCard(combiner=comb, transer=transer)
    card.fit(woe[COLUMNS], df["target"])
    return lambda table: card.predict(table[COLUMNS])


_FIT = {
    "credit_closure": _fit_ours,
    "optbinning": _fit_optbinning,
    "sklearn": _fit_sklearn,
    "toad": _fit_toad,
}
_MODULE = {"credit_closure": "credit_closure", "optbinning": "optbinning", "sklearn": "sklearn"}


def _rss() -> int:
    """Resident memory of this process, in bytes (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_while(fn: Any) -> int:
    """Peak resident memory above the memory in use before, while ``fn()`` runs."""
    gc.collect()
    base = _rss()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.001)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        fn()
    finally:
        done.set()
        thread.join()
    return max(peak[0], _rss()) - base


def worker(name: str, rows: int, repeat: int, strings: str = "str") -> dict[str, Any]:
    """One contender in this process: fit, score ``repeat`` times, peak memory of one run."""
    try:
        __import__(_MODULE.get(name, name))
    except Exception as exc:  # an optional peer that is not installed
        return {"name": name, "skipped": f"{type(exc).__name__}: {exc}"}
    X, y = german_like(1000, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        score = _FIT[name](X, y)
        fit_seconds = time.perf_counter() - t0
        table = score_table(rows, strings)
        input_bytes = int(table.memory_usage(deep=True, index=False).sum())
        score(table.iloc[:1000])  # warm up (numba's cache, imports)
        peak = _peak_while(lambda: score(table))
        times = []
        for _ in range(repeat):
            gc.collect()
            t0 = time.perf_counter()
            out = score(table)
            times.append(time.perf_counter() - t0)
            del out
    best = min(times)
    return {
        "name": name,
        "rows": rows,
        "fit_seconds": fit_seconds,
        "seconds": best,
        "all_seconds": times,
        "rows_per_s": rows / best,
        "input_bytes": input_bytes,
        "peak_bytes": peak,
        "peak_over_input": peak / input_bytes,
    }


def run(rows: int, repeat: int, strings: str = "str") -> dict[str, Any]:
    """Every contender in its own process, one after the other; prints the table."""
    results: dict[str, Any] = {}
    for name in CONTENDERS:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--rows",
                str(rows),
                "--repeat",
                str(repeat),
                "--strings",
                strings,
            ],
            capture_output=True,
            text=True,
            check=False,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            },
        )
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            results[name] = {"name": name, "skipped": f"failed: {proc.stderr.strip()[-400:]}"}
        else:
            results[name] = json.loads(lines[-1])
    ours = results["credit_closure"]
    print(
        f"\nbatch scorecard, {rows:,} attribute rows (German-credit-shaped, 20 inputs, "
        f"text columns as {strings})"
    )
    print(f"{'contender':<16} {'rows/s':>12} {'ours / it':>10} {'peak / input':>13}  output")
    outputs = {
        "credit_closure": "score, PD, band, decision, 4 reasons, closure impact",
        "optbinning": "points (Scorecard.score)",
        "sklearn": "probability (OneHot + LR predict_proba)",
        "toad": "points (ScoreCard.predict)",
    }
    for name in CONTENDERS:
        r = results[name]
        if "skipped" in r:
            print(f"{name:<16} skipped: {r['skipped'][:100]}")
            continue
        ratio = ours["rows_per_s"] / r["rows_per_s"] if "rows_per_s" in ours else float("nan")
        print(
            f"{name:<16} {r['rows_per_s']:>12,.0f} {ratio:>9.2f}x {r['peak_over_input']:>12.2f}x"
            f"  {outputs[name]}"
        )
    if "input_bytes" in ours:
        print(
            f"input table {ours['input_bytes'] / 1e6:,.0f} MB; best of {repeat}; "
            f"cores={os.cpu_count()}, load={os.getloadavg()[0]:.1f}"
        )
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument(
        "--strings",
        choices=("str", "object"),
        default="str",
        help="the text columns' dtype: str (pandas 3's default) or object (pandas 2's)",
    )
    ap.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "scorecard_batch.json"))
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows, args.repeat, args.strings)))
        return
    results = run(args.rows, args.repeat, args.strings)
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "results": results,
                "cpus": os.cpu_count(),
                "load_average_1m": os.getloadavg()[0],
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            fh,
            indent=2,
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
