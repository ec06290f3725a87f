"""Columnar throughput on contract v2 data with 24-month histories against v1, same run.

Run:  python benchmarks/bench_columnar_v2.py [--subjects N] [--repeat R] [--code DIR]

(``--code DIR``: time the ``credit_closure`` package of another checkout on the same data,
for a before/after comparison in one session.)

Bar (issue 14): ``score_columnar`` on v2 accounts, each with a 24-month repayment history
(``repayment_history`` + ``history_end``, the three summaries left to be derived from it, a
classification and an institution type), costs at most 2x per account what it costs on the
same accounts in v1 (the three summaries given, no history). Both engines are timed; the
figure is the best of ``--repeat`` runs per case, and the table prints the ratio v2 / v1 per
account. Wall-clock figures on a shared machine are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
# --code DIR: time the credit_closure of another checkout (a "before", say), same data
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv[:-1] else str(ROOT)
sys.path.insert(0, _CODE)

import numpy as np  # noqa: E402

from credit_closure.columnar import score_columnar  # noqa: E402

AS_OF = "2025-12-31"
ACCOUNTS_PER_SUBJECT = 10
SUMMARIES = ("worst_dpd_24m", "months_delinquent_24m", "max_consecutive_delinquent_24m")


def _histories(rng: np.random.Generator, n: int) -> np.ndarray:
    """24-month histories: mostly ``N``, some delinquent months (levels 1-3)."""
    months = np.full((n, 24), ord("N"), dtype=np.uint32)
    late = rng.random((n, 24)) < 0.03
    months[late] = ord("1") + rng.integers(0, 3, size=int(late.sum()))
    return months.view("U24").reshape(n).astype(object)


def tables(n_subjects: int, seed: int = 7) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same accounts as v1 tables (summaries given) and v2 tables (histories)."""
    rng = np.random.default_rng(seed)
    n = n_subjects * ACCOUNTS_PER_SUBJECT
    sids = np.array([f"s{i:07d}" for i in range(n_subjects)], dtype=object)
    base: dict[str, Any] = {
        "subject_id": np.repeat(sids, ACCOUNTS_PER_SUBJECT),
        "account_id": np.tile(
            np.array([f"a{j}" for j in range(ACCOUNTS_PER_SUBJECT)], dtype=object), n_subjects
        ),
        "product": np.where(rng.random(n) < 0.6, "credit_card", "cash_loan").astype(object),
        "status": np.full(n, "open", dtype=object),
        "opened_on": np.datetime64("2015-01-01")
        + rng.integers(0, 3000, n).astype("timedelta64[D]"),
        "credit_limit": rng.integers(1, 100, n) * 1000.0,
        "balance": rng.integers(0, 50, n) * 1000.0,
    }
    hist = _histories(rng, n)
    code = np.array([[ord(c) - 48 if c in "1234567" else 0 for c in h] for h in hist])
    months = (code > 0).sum(axis=1).astype(float)
    run = np.zeros(n)
    longest = np.zeros(n)
    for c in range(24):
        run = np.where(code[:, c] > 0, run + 1, 0)
        longest = np.maximum(longest, run)
    worst = code.max(axis=1)
    dpd = np.where(worst == 0, 0, 1 + 30 * (worst - 1)).astype(float)
    v1 = dict(
        base,
        worst_dpd_24m=dpd,
        months_delinquent_24m=months,
        max_consecutive_delinquent_24m=longest,
    )
    v2 = dict(
        base,
        repayment_history=hist,
        history_end=np.full(n, np.datetime64("2025-11-30")),
        classification=np.full(n, "normal", dtype=object),
        institution_type=np.where(rng.random(n) < 0.5, "bank", "online_platform").astype(object),
    )
    return v1, v2


def _best(fn: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subjects", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", default=str(ROOT), help="checkout whose credit_closure to time")
    args = ap.parse_args(argv)
    v1, v2 = tables(args.subjects)
    n = args.subjects * ACCOUNTS_PER_SUBJECT
    a = score_columnar(v1, as_of=AS_OF, engine="numpy")
    b = score_columnar(v2, as_of=AS_OF, engine="numpy")
    # the histories prove the summaries given in v1: v2 with them given scores the same (v2
    # and v1 scores differ where policy v2 reads what only a history shows, a month overdue now)
    both = dict(v2, **{k: v1[k] for k in SUMMARIES})
    assert np.array_equal(b["score"], score_columnar(both, as_of=AS_OF, engine="numpy")["score"])
    assert a["score"].shape == b["score"].shape
    engines = ["numpy"]
    try:
        import numba  # noqa: F401

        engines.append("numba")
        score_columnar(v1, as_of=AS_OF, engine="numba")  # compile outside the timings
    except ImportError:
        pass
    import credit_closure

    print(f"code: {pathlib.Path(credit_closure.__file__).parent.parent}")
    print(
        f"{n:,} accounts ({args.subjects:,} subjects x {ACCOUNTS_PER_SUBJECT}), best of {args.repeat}"
    )
    print(f"{'engine':8} {'v1 us/acc':>10} {'v2 us/acc':>10} {'v2/v1':>7}  bar <= 2.0")
    for engine in engines:
        t1 = _best(lambda e=engine: score_columnar(v1, as_of=AS_OF, engine=e), args.repeat)
        t2 = _best(lambda e=engine: score_columnar(v2, as_of=AS_OF, engine=e), args.repeat)
        ratio = t2 / t1
        print(
            f"{engine:8} {t1 / n * 1e6:10.3f} {t2 / n * 1e6:10.3f} {ratio:7.2f}  {'ok' if ratio <= 2 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
