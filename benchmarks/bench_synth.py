"""Synthetic bureau cost: ``generate_portfolio(n, contract_version=2)`` against the v1 call for
the same ``n`` and seed, timed in alternating rounds in the same run (no bar; the v2 profiles
carry the v1 profile plus histories of 24-60 months and the other v2 detail).

Run:  python benchmarks/bench_synth.py [--quick] [--n N] [--rounds R]

Prints the medians and the ratio (the median of per-round ratios) and writes
benchmarks/results/synth.json.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from credit_closure.synth import generate_portfolio  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 subjects, 2 rounds")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    n = 2000 if args.quick else args.n
    t1: list[float] = []
    t2: list[float] = []
    for r in range(args.rounds):
        t = time.perf_counter()
        generate_portfolio(n, seed=r)
        t1.append(time.perf_counter() - t)
        t = time.perf_counter()
        generate_portfolio(n, seed=r, contract_version=2)
        t2.append(time.perf_counter() - t)
    ratio = statistics.median(b / a for a, b in zip(t1, t2))
    print(f"{'subjects':<10}{'v1 s (median)':>16}{'v2 s (median)':>16}{'v2 / v1':>10}")
    print(f"{n:<10}{statistics.median(t1):>16.2f}{statistics.median(t2):>16.2f}{ratio:>10.2f}")
    print(
        f"per subject: v1 {1e3 * statistics.median(t1) / n:.3f} ms, "
        f"v2 {1e3 * statistics.median(t2) / n:.3f} ms"
    )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "synth.json").write_text(
        json.dumps({"n": n, "v1_s": t1, "v2_s": t2, "ratio": ratio}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
