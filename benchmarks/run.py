"""Run the benchmark suite in one go: each script prints its own table, measured against a
baseline in the same run, and writes its JSON to benchmarks/results/; this runner then prints a
summary of the bars and writes benchmarks/results/summary.json, so runs can be compared.

Run:  python benchmarks/run.py [--quick] [--with-peers PYTHON]

--with-peers PYTHON also runs bench_german.py with that interpreter (one that has the `bench`
extra installed; the peers' pins are better kept out of your working environment).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

#: (name, script, arguments for a quick run)
SCRIPTS = [
    ("core", "bench_core.py", ["--quick"]),
    ("batch", "bench_batch.py", ["--quick", "--parts", "base,cores,shapes,distributed"]),
    (
        "portfolio",
        "bench_portfolio.py",
        ["--records", "200000", "--events", "2000000", "--repeat", "1"],
    ),
]


def _load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="short runs (smaller sizes)")
    ap.add_argument(
        "--with-peers",
        metavar="PYTHON",
        default=None,
        help="interpreter with the bench extra, to run bench_german.py as well",
    )
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    status = {}
    runs = list(SCRIPTS)
    if args.with_peers:
        runs.append(("german", "bench_german.py", ["--quick"]))
    for name, script, quick_args in runs:
        python = args.with_peers if name == "german" else sys.executable
        cmd = [python, str(ROOT / "benchmarks" / script)]
        if args.quick:
            cmd.extend(quick_args)
        print(f"\n=== {script} {'(quick)' if args.quick else ''} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call(cmd, cwd=str(ROOT))
        status[name] = {"exit_code": rc, "seconds": round(time.perf_counter() - t0, 1)}
    summary = {
        "quick": args.quick,
        "runs": status,
        "core": _load("core"),
        "batch": _load("batch"),
        "german": _load("german"),
    }
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print("\n=== summary ===")
    for name, st in status.items():
        print(f"{name:10} exit {st['exit_code']}  {st['seconds']:7.1f} s")
    core = summary["core"]
    if core:
        print(
            f"assess() rules / sklearn predict_proba:     {core.get('ratio_assess_to_sklearn', float('nan')):.3f}  (bar <= 0.333)"
        )
        print(
            f"assess() logistic / sklearn predict_proba:  {core.get('ratio_logistic_assess_to_sklearn', float('nan')):.3f}  (bar <= 0.333)"
        )
        print(
            f"cold import:                                {core.get('cold_import_s', float('nan')):.3f} s (bar < 0.25 s)"
        )
    print(f"results in {RESULTS}")
    return 0 if all(st["exit_code"] == 0 for st in status.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
