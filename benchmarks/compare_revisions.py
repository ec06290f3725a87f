"""Compare the benchmark figures of two revisions in one run (before/after a refactor, say).

Run:  python benchmarks/compare_revisions.py BASE [--rounds 2] [--scripts core batch]

BASE is a git revision (a commit, tag or branch); it is checked out into a temporary worktree
and imported from there (``PYTHONPATH``), while the working tree is the other side. Each script
of ``benchmarks/run.py`` (``--quick`` sizes) runs alternately on both sides, ``--rounds`` times,
so that both meet the same machine load; every figure is the median over the rounds. The table
prints both sides and their ratio, and flags a figure worse by more than 5 %. Read the ratios
that each script already takes against its own same-run baseline (``ratio_*``) first: wall-clock
times on a shared machine move with the load, ratios much less.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: script name -> (file, quick arguments, results file)
SCRIPTS = {
    "core": ("bench_core.py", ["--quick"], "core.json"),
    "batch": ("bench_batch.py", ["--quick"], "batch.json"),
}

#: figures where a larger value is better (throughputs); everything else: smaller is better
HIGHER_IS_BETTER = ("per_s", "per_sec", "throughput", "rows_s", "accounts_s")


def _flatten(d: Any, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        out[prefix[:-1]] = float(d)
    return out


def _run(side_root: pathlib.Path, script: str, args: list[str], results: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(side_root))
    out = side_root / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, str(side_root / "benchmarks" / script), *args],
        cwd=str(side_root),
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return _flatten(json.loads((out / results).read_text(encoding="utf-8")))


def _worse(name: str, before: float, after: float) -> bool:
    if before == 0 or before != before or after != after:
        return False
    higher = any(h in name for h in HIGHER_IS_BETTER)
    ratio = after / before
    return ratio < 0.95 if higher else ratio > 1.05


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base", help="the git revision to compare the working tree with")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--scripts", nargs="+", default=list(SCRIPTS), choices=list(SCRIPTS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_root = pathlib.Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_root), args.base],
            cwd=str(ROOT),
            check=True,
            capture_output=True,
        )
        try:
            for name in args.scripts:
                script, sargs, results = SCRIPTS[name]
                runs: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
                for _ in range(args.rounds):
                    runs["base"].append(_run(base_root, script, sargs, results))
                    runs["head"].append(_run(ROOT, script, sargs, results))
                keys = sorted(set(runs["base"][0]) & set(runs["head"][0]))
                print(f"\n=== {script} (median of {args.rounds}; base {args.base}) ===")
                print(f"{'figure':58} {'base':>12} {'head':>12} {'head/base':>10}")
                for k in keys:
                    b = statistics.median(r[k] for r in runs["base"])
                    h = statistics.median(r[k] for r in runs["head"])
                    ratio = h / b if b else float("nan")
                    flag = "  worse >5%" if _worse(k, b, h) else ""
                    print(f"{k[:58]:58} {b:12.6g} {h:12.6g} {ratio:10.3f}{flag}")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base_root)],
                cwd=str(ROOT),
                check=False,
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
