"""Benchmark: security scan of 1,000,000 activity records and the closure-rate table over
10,000,000 closure events, each against a baseline measured in the same run.

Run:  .venv/bin/python benchmarks/bench_portfolio.py [--records N] [--events N] [--repeat R]

Baselines (lower bounds, not competitors):

- scan: a bare Python loop over the same tuples doing only the cheapest rule (one dict
  lookup and one date comparison per record: "activity after closure");
- closure rates: a bare numpy pass over the same arrays: period number, one bincount of the
  (period, segment) key and two masked bincounts (voluntary, involuntary), no validation,
  no labels, no charts.

The ratio is our time / the baseline's time (1.0 = as fast as the bare pass). Times are the
best of ``--repeat`` runs. Data are synthetic (random), generated before timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from credit_closure.monitoring import scan_stream
from credit_closure.portfolio import closure_counts_from_arrays, closure_rates

KINDS = ("transaction", "login", "reopen_request", "contact_change", "limit_change")


def best(fn, repeat):
    """Best wall time of ``repeat`` runs, the CPU time of that run, and the result."""
    runs = []
    out = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(runs)
    return wall, cpu, out


def make_records(n, n_accounts, seed=1):
    rng = np.random.default_rng(seed)
    acc = rng.integers(0, n_accounts, n)
    secs = np.sort(rng.integers(0, 3 * 365 * 86400, n))  # time order overall => per account
    kind = rng.choice(len(KINDS), n, p=[0.6, 0.3, 0.03, 0.04, 0.03])
    base = dt.datetime(2023, 1, 1)
    names = [f"acc{i}" for i in range(n_accounts)]
    td = dt.timedelta
    recs = [
        (names[a], base + td(seconds=s), KINDS[k])
        for a, s, k in zip(acc.tolist(), secs.tolist(), kind.tolist())
    ]
    closed_idx = rng.choice(n_accounts, n_accounts * 3 // 10, replace=False)
    closed = {
        names[i]: dt.date(2023, 1, 1) + td(days=int(rng.integers(0, 3 * 365)))
        for i in closed_idx.tolist()
    }
    return recs, closed


def baseline_scan(recs, closed):
    n = 0
    get = closed.get
    for acc, at, _kind in recs:
        d = get(acc)
        if d is not None and at.date() > d:
            n += 1
    return n


def ours_scan(recs, closed):
    n = 0
    for _ in scan_stream(recs, closed):
        n += 1
    return n


def make_events(n, n_segments, seed=2):
    rng = np.random.default_rng(seed)
    days = (np.datetime64("2016-01-01") + rng.integers(0, 3653, n)).astype("datetime64[D]")
    init = rng.choice(7, n, p=[0.5, 0.1, 0.1, 0.05, 0.05, 0.1, 0.1]).astype(np.int64)
    seg = rng.integers(0, n_segments, n).astype(np.int64)
    opens = {}
    for m in range(120):
        label = f"{2016 + m // 12}-{m % 12 + 1:02d}"
        for s in range(n_segments):
            opens[(label, str(s))] = 2_000_000
    return days, init, seg, opens


def baseline_rates(days, init, seg, n_segments):
    months = days.astype("datetime64[M]").astype(np.int64)
    key = (months - months.min()) * n_segments + seg
    gross = np.bincount(key)
    vol = np.bincount(key[init == 0], minlength=gross.size)
    inv = np.bincount(key[(init >= 1) & (init != 5)], minlength=gross.size)
    return gross, vol, inv


def ours_rates(days, init, seg, opens):
    counts = closure_counts_from_arrays(days, init, seg, open_at_start=opens)
    return closure_rates(counts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--segments", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    t0 = time.perf_counter()
    recs, closed = make_records(args.records, args.accounts)
    print(
        f"generated {len(recs):,} activity records ({len(closed):,} closed accounts) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    t_base, c_base, n_base = best(lambda: baseline_scan(recs, closed), args.repeat)
    t_ours, c_ours, n_alerts = best(lambda: ours_scan(recs, closed), args.repeat)

    t0 = time.perf_counter()
    days, init, seg, opens = make_events(args.events, args.segments)
    print(f"generated {args.events:,} closure events in {time.perf_counter() - t0:.1f} s")
    tb_rates, cb_rates, _ = best(
        lambda: baseline_rates(days, init, seg, args.segments), args.repeat
    )
    to_rates, co_rates, res = best(lambda: ours_rates(days, init, seg, opens), args.repeat)

    rows = [
        (
            "security scan_stream (5 rules)",
            len(recs),
            t_ours,
            c_ours,
            "bare loop, 1 rule",
            t_base,
            c_base,
            f"{n_alerts:,} alerts",
        ),
        (
            "closure-rate table + charts",
            args.events,
            to_rates,
            co_rates,
            "bare numpy bincounts",
            tb_rates,
            cb_rates,
            f"{len(res.counts):,} cells, {len(res.alerts):,} alerts",
        ),
    ]
    print()
    print(
        f"{'task':<31} {'items':>11} {'ours s':>7} {'cpu s':>6} {'items/s':>11} "
        f"{'baseline':<21} {'base s':>7} {'cpu s':>6} {'base items/s':>12} {'ratio':>6}  note"
    )
    for name, n, t, c, bname, tb, cb, note in rows:
        print(
            f"{name:<31} {n:>11,} {t:>7.3f} {c:>6.2f} {n / t:>11,.0f} {bname:<21} "
            f"{tb:>7.3f} {cb:>6.2f} {n / tb:>12,.0f} {t / tb:>6.2f}  {note}"
        )
    print(
        "\nratio = ours / baseline wall time (same data, same run, best of "
        f"{args.repeat}; cpu s = process CPU time of that run); "
        f"baseline alert-rule hits: {n_base:,}"
    )


if __name__ == "__main__":
    main()
