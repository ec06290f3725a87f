#!/usr/bin/env bash
# Line and branch coverage of the compiled kernel, measured with the JIT disabled
# (NUMBA_DISABLE_JIT=1 runs the kernel as plain Python, so coverage can see it).
#
# The kernel's functions carry "# pragma: no cover - compiled" (they are invisible to
# coverage when compiled). This script uses its own coverage config whose exclude_lines
# replaces the default list with a pattern that matches nothing, so those markers are NOT
# honoured: every kernel line and branch counts.
#
# Usage, from the worktree root:
#   tools/kernel_coverage.sh [extra pytest args]
# Environment: PYTHON (default: /work/main/.venv/bin/python, else python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-/work/main/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kernel-coverage.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/coveragerc" <<RC
[run]
branch = True
data_file = $WORK/.coverage

[report]
# replaces coverage's default exclusions ("pragma: no cover" included) with a pattern that
# never occurs, so the kernel's "pragma: no cover - compiled" lines are measured
exclude_lines =
    __kernel_coverage_excludes_nothing__
RC

cd "$ROOT"
NUMBA_DISABLE_JIT=1 PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
  "$PYTHON" -m pytest -q -p no:warnings \
    --cov=credit_closure._columnar --cov-branch --cov-config="$WORK/coveragerc" \
    --cov-report= \
    tests/test_engine_agreement.py tests/test_columnar.py "$@" || status=$?

"$PYTHON" -m coverage json --rcfile="$WORK/coveragerc" -o "$WORK/cov.json" -q
"$PYTHON" - "$WORK/cov.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for name, f in sorted(data["files"].items()):
    s = f["summary"]
    lines = f"{s['covered_lines']}/{s['num_statements']}"
    branches = f"{s['covered_branches']}/{s['num_branches']}"
    lp = 100.0 * s["covered_lines"] / max(s["num_statements"], 1)
    bp = 100.0 * s["covered_branches"] / max(s["num_branches"], 1)
    print(f"{name}: lines {lines} ({lp:.1f}%), branches {branches} ({bp:.1f}%)")
    if name.endswith("kernel.py"):
        print(f"  kernel missing lines: {f['missing_lines']}")
        print(f"  kernel partial branches (from->to): {f.get('missing_branches', [])}")
PY
"$PYTHON" -m coverage report --rcfile="$WORK/coveragerc" --include='*/_columnar/kernel.py' -m
exit "${status:-0}"
