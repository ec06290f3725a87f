"""Mutation check of the engine-agreement tests.

Each mutant is one small edit of the scoring semantics in ONE engine (the scalar reference
``assess``, the numpy engine, or the compiled kernel): a flipped comparison, a negated
``equals`` condition, a window of 11 months instead of 12, a summed buffer swapped. For each,
the worktree is copied to a temporary directory (never edited in place), the edit is applied
there, and the tests run against the copy. A mutant is *killed* when the tests fail.

Mutations find their code by a regular expression searched in every ``.py`` file of the
package, so they survive files being moved; a pattern that matches nowhere (or more often than
expected) is reported as such, not as a crash: update the pattern after a refactor.

Usage (from the worktree root, with the venv's python)::

    python tools/mutation_check.py                 # tests/test_engine_agreement.py only
    python tools/mutation_check.py --columnar      # also the columnar test files
    python tools/mutation_check.py --only kernel-equals numpy-equals
    python tools/mutation_check.py --list

Hypothesis shrinking is switched off in the mutant runs (``ENGINE_AGREEMENT_NO_SHRINK=1``,
read by the test module) and pytest stops at the first failure (``-x``): a killed mutant is
reported quickly. Exit status 0 when every applicable mutant was killed.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = "credit_closure"


class Mutant(NamedTuple):
    name: str
    engine: str  # "scalar", "numpy", "kernel"
    description: str
    pattern: str  # a regular expression (re.MULTILINE)
    replacement: str
    occurrences: int = 1  # how many matches the pattern must have, all replaced
    path_hint: str = ""  # only files whose path (relative to the copy) contains this


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "kernel-at_least-step",
        "kernel",
        "at_least rule: a later step needs v > threshold instead of v >= threshold",
        r"if v >= thr\[t0 \+ k\]:",
        "if v > thr[t0 + k]:",
    ),
    Mutant(
        "kernel-at_least-first",
        "kernel",
        "at_least rule: the first step fires on v > threshold instead of v >= threshold",
        r"if not v >= thr\[t0\]:",
        "if not v > thr[t0]:",
    ),
    Mutant(
        "kernel-equals",
        "kernel",
        "the equals condition negated (v != value)",
        r"^(\s*)return v == val$",
        r"\1return v != val",
    ),
    Mutant(
        "numpy-equals",
        "numpy",
        "the equals condition negated (v != value)",
        r"held = v == c\.value",
        "held = v != c.value",
    ),
    Mutant(
        "scalar-equals",
        "scalar",
        "the equals condition negated (v != value)",
        r"^(\s*)h = v == value$",
        r"\1h = v != value",
    ),
    Mutant(
        "scalar-at_least-step",
        "scalar",
        "at_least rule: a later step needs v > threshold",
        r"if v >= thresholds\[k\] if at_least else v < thresholds\[k\]:",
        "if v > thresholds[k] if at_least else v < thresholds[k]:",
    ),
    Mutant(
        "numpy-at_least-step",
        "numpy",
        "at_least rule: the step is searched on the left (v > threshold)",
        r'np\.searchsorted\(th, vv, side="right"\)',
        'np.searchsorted(th, vv, side="left")',
    ),
    Mutant(
        "numpy-below-step",
        "numpy",
        "below rule: the step is searched on the right (v <= threshold)",
        r'np\.searchsorted\(-th, -vv, side="left"\)',
        'np.searchsorted(-th, -vv, side="right")',
    ),
    Mutant(
        "kernel-window-12m",
        "kernel",
        "the 12-month window is 11 months (the kernel's day vector, one function for the rule "
        "scorer and the scorecard)",
        r"months = \(3, 6, 12, 24, retention_months, counterfactual_months\)",
        "months = (3, 6, 11, 24, retention_months, counterfactual_months)",
    ),
    Mutant(
        "numpy-window-12m",
        "numpy",
        "the 12-month window is 11 months",
        r"d12 = day_number\(months_before\(as_of, 12\)\)",
        "d12 = day_number(months_before(as_of, 11))",
    ),
    Mutant(
        "scalar-window-12m",
        "scalar",
        "the 12-month window is 11 months",
        r"^(\s*)months_before\(as_of, 12\),$",
        r"\1months_before(as_of, 11),",
    ),
    Mutant(
        "kernel-inquiry-edge-12m",
        "kernel",
        "an inquiry exactly on the 12-month window start counts (>= instead of >)",
        r"if on > d12:",
        "if on >= d12:",
    ),
    Mutant(
        "numpy-closure-edge-12m",
        "numpy",
        "a closure exactly on the 12-month window start counts (>= instead of >)",
        r"in12 = c_day > d12$",
        "in12 = c_day >= d12",
        path_hint="numpy",
    ),
    Mutant(
        "kernel-summed-buffer-swap",
        "kernel",
        "lost_limit_share's numerator sums the re-added limits (buffer 5) not the closed ones (6)",
        r"lost_num = _xsum\(bufs, 6, n6,",
        "lost_num = _xsum(bufs, 5, n5,",
    ),
    Mutant(
        "kernel-feature-index-swap",
        "kernel",
        "closed_with_balance_amt sums the owed buffer (0) instead of closed balances (2)",
        r"f\[F_CLOSED_WITH_BALANCE_AMT\] = _xsum\(bufs, 2, n2,",
        "f[F_CLOSED_WITH_BALANCE_AMT] = _xsum(bufs, 0, n0,",
    ),
    Mutant(
        "numpy-feature-index-swap",
        "numpy",
        "the two average ages are written to each other's columns",
        r'_put\(out, "age_avg_months_incl_closed", age_avg\)',
        '_put(out, "age_avg_months_incl_closed", age_avg_open)',
    ),
    Mutant(
        "kernel-no-exact-resum",
        "kernel",
        "plain sums are never redone exactly near a threshold (_NEAR = 0)",
        r"^_NEAR = 1e-11$",
        "_NEAR = 0.0",
    ),
)


def _find(tree: pathlib.Path, m: Mutant) -> tuple[list[tuple[pathlib.Path, int]], str]:
    """Files of the package copy where ``m.pattern`` matches, with match counts."""
    rx = re.compile(m.pattern, re.MULTILINE)
    hits = []
    for path in sorted((tree / PACKAGE).rglob("*.py")):
        if m.path_hint not in str(path.relative_to(tree)):
            continue
        n = len(rx.findall(path.read_text(encoding="utf-8")))
        if n:
            hits.append((path, n))
    total = sum(n for _, n in hits)
    if total == 0:
        return hits, "pattern not found"
    if total != m.occurrences:
        where = ", ".join(f"{p.relative_to(tree)} x{n}" for p, n in hits)
        return hits, f"pattern matched {total} times (expected {m.occurrences}): {where}"
    return hits, ""


def _copy_tree(dest: pathlib.Path) -> None:
    for name in (PACKAGE, "tests"):
        shutil.copytree(
            ROOT / name, dest / name, ignore=shutil.ignore_patterns(".hypothesis", "*.pyc")
        )
    for name in ("pyproject.toml", "setup.cfg", "conftest.py"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)


def run_mutant(m: Mutant, tests: list[str], python: str, timeout: int) -> dict:
    """Apply ``m`` in a fresh copy and run ``tests``; the outcome as a dict."""
    with tempfile.TemporaryDirectory(prefix=f"mutant-{m.name}-") as tmp:
        tree = pathlib.Path(tmp)
        _copy_tree(tree)
        hits, problem = _find(tree, m)
        if problem:
            return {"mutant": m, "status": "NOT APPLIED", "detail": problem, "seconds": 0.0}
        rx = re.compile(m.pattern, re.MULTILINE)
        for path, _ in hits:
            text = path.read_text(encoding="utf-8")
            path.write_text(rx.sub(m.replacement, text), encoding="utf-8")
        where = ", ".join(str(p.relative_to(tree)) for p, _ in hits)
        env = dict(os.environ)
        env["PYTHONPATH"] = str(tree)
        env["ENGINE_AGREEMENT_NO_SHRINK"] = "1"
        env["NUMBA_CACHE_DIR"] = str(tree / ".numba-cache")
        cmd = [python, "-m", "pytest", "-q", "-x", "-p", "no:warnings", *tests]
        # the copy must be what is imported: checked in the same interpreter setup
        probe = subprocess.run(
            [python, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
        )
        if not probe.stdout.strip().startswith(str(tree)):
            return {
                "mutant": m,
                "status": "ERROR",
                "detail": f"the copy is not imported: {probe.stdout.strip()} {probe.stderr[-300:]}",
                "seconds": 0.0,
            }
        t0 = time.monotonic()
        try:
            res = subprocess.run(
                cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return {
                "mutant": m,
                "status": "TIMEOUT",
                "detail": f"no verdict in {timeout} s ({where})",
                "seconds": float(timeout),
            }
        seconds = time.monotonic() - t0
        failed = [
            line.split(" ")[1]
            for line in res.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR "))
        ]
        if res.returncode == 0:
            status, detail = "SURVIVED", where
        elif res.returncode == 1:
            status, detail = "killed", f"{where}; by {', '.join(failed) or '?'}"
        else:
            status, detail = "ERROR", f"pytest exit {res.returncode}: {res.stdout[-500:]}"
        return {"mutant": m, "status": status, "detail": detail, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--columnar",
        action="store_true",
        help="also run the columnar test files (columnar, tables, prepare, convert)",
    )
    ap.add_argument("--only", nargs="*", help="mutant names to run")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per mutant")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.name:28} {m.engine:7} {m.description}")
        return 0
    tests = ["tests/test_engine_agreement.py"]
    if args.columnar:
        tests.extend(
            f"tests/test_{name}.py" for name in ("columnar", "tables", "prepare", "convert")
        )
    print(f"tests: {' '.join(tests)}")
    print(f"{'mutant':28} {'engine':7} {'status':11} {'secs':>6}  detail")
    results = []
    for m in mutants:
        r = run_mutant(m, tests, args.python, args.timeout)
        results.append(r)
        print(
            f"{m.name:28} {m.engine:7} {r['status']:11} {r['seconds']:6.0f}  {r['detail']}",
            flush=True,
        )
    applied = [r for r in results if r["status"] not in ("NOT APPLIED",)]
    killed = [r for r in applied if r["status"] == "killed"]
    print(f"\nkilled {len(killed)} of {len(applied)} applied mutants ({len(results)} defined)")
    return 0 if len(killed) == len(applied) else 1


if __name__ == "__main__":
    sys.exit(main())
