"""Core latency benchmark: assess() (rules and the logistic scorecard), from_dict(), cold
import and the cold first logistic call, against scikit-learn's single-row predict_proba
measured in the same run; and the cold ``LogisticScorer.load`` + first ``assess()`` of a
fresh process, against the same with numpy imported beforehand (issue 18: the first call
used to pay numpy's import).

Run:  python benchmarks/bench_core.py [--quick]
      python benchmarks/bench_core.py --cold [--quick]   # the cold-start rows only (~10 s)

The header names the build that ran: "compiled" (a wheel, or ``python hatch_build.py
--inplace`` in a checkout) or "pure Python" (an editable install, or
``CREDIT_CLOSURE_PURE_PYTHON=1``); run it once per build to compare them.

Prints a table of medians and ratios and writes benchmarks/results/core.json (core_cold.json
with --cold). Wall-clock figures on shared machines are noisy; the ratios against the
same-run baseline are what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILE = {
    "subject_id": "bench-1",
    "accounts": [
        {
            "account_id": "hb1",
            "product": "revolving_consumer",
            "provider": "huabei",
            "opened_on": "2019-03-01",
            "credit_limit": 20000,
            "balance": 0,
            "status": "closed",
            "closed_on": "2025-06-10",
            "worst_dpd_24m": 0,
            "months_delinquent_24m": 0,
        },
        {
            "account_id": "jb1",
            "product": "cash_loan",
            "provider": "jiebei",
            "opened_on": "2020-02-10",
            "credit_limit": 30000,
            "balance": 12400,
            "status": "open",
            "worst_dpd_24m": 35,
            "months_delinquent_24m": 1,
        },
        {
            "account_id": "cc1",
            "product": "credit_card",
            "opened_on": "2014-09-15",
            "credit_limit": 50000,
            "balance": 26200,
            "status": "open",
            "worst_dpd_24m": 0,
        },
        {
            "account_id": "cc2",
            "product": "credit_card",
            "opened_on": "2017-05-20",
            "credit_limit": 30000,
            "balance": 0,
            "status": "closed",
            "closed_on": "2025-09-01",
        },
        {
            "account_id": "mg1",
            "product": "mortgage",
            "opened_on": "2018-11-01",
            "credit_limit": 1200000,
            "balance": 860000,
            "status": "open",
            "worst_dpd_24m": 0,
        },
    ],
    "closures": [
        {
            "account_id": "hb1",
            "closed_on": "2025-06-10",
            "initiator": "consumer",
            "reason": "privacy",
            "termination": "normal",
            "balance_at_closure": 0,
            "limit_at_closure": 20000,
            "worst_dpd_6m_before": 0,
        },
        {
            "account_id": "cc2",
            "closed_on": "2025-09-01",
            "initiator": "lender_risk",
            "reason": "lender_risk_control",
            "termination": "normal",
            "balance_at_closure": 0,
        },
    ],
    "inquiries": [
        {"on": "2025-05-01", "kind": "loan_approval"},
        {"on": "2025-10-01", "kind": "card_approval"},
    ],
    "attributes": {"monthly_income": 15000, "city_tier": "1"},
}


def median_seconds(fn: Callable[[], object], *, repeat: int, number: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls."""
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples)


def interleaved(
    fn: Callable[[], object], base: Callable[[], object], *, repeat: int, number: int
) -> tuple[float, float, float]:
    """Time ``fn`` and ``base`` in alternating rounds; return the medians of each and the
    median of the per-round ratios (robust to load that drifts during the run)."""
    fn()
    base()
    a, b, ratios = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        t1 = time.perf_counter()
        for _ in range(number):
            base()
        t2 = time.perf_counter()
        a.append((t1 - t0) / number)
        b.append((t2 - t1) / number)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def cold_import_seconds(runs: int) -> tuple[float, float, bool]:
    """Median wall time of `python -c "import credit_closure"` and of a bare interpreter,
    and whether scikit-learn got imported."""
    code = "import sys, credit_closure; print(any(m.startswith('sklearn') for m in sys.modules))"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with_lib, bare, sk = [], [], False
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(ROOT),
            check=True,
        )
        with_lib.append(time.perf_counter() - t0)
        sk = sk or out.stdout.strip() == "True"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        bare.append(time.perf_counter() - t0)
    return statistics.median(with_lib), statistics.median(bare), sk


COLD_CALL = """
import datetime, json, sys, time
t0 = time.perf_counter()
import credit_closure as cc
t1 = time.perf_counter()
profile = cc.CreditProfile.from_dict(json.loads(sys.argv[1]))
t2 = time.perf_counter()
cc.assess(profile, scorer="logistic", as_of=datetime.date(2025, 12, 31))
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "call": t3 - t2, "numpy": "numpy" in sys.modules}))
"""


def cold_call_seconds(runs: int) -> tuple[float, float, bool]:
    """Median wall time of the first ``assess(scorer="logistic")`` in a fresh interpreter
    (loading the built-in scorecard included) after ``import credit_closure``, the median
    import time in the same processes, and whether that first call imported numpy."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    calls, imports, numpy = [], [], False
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD_CALL, json.dumps(PROFILE)],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(ROOT),
            check=True,
        )
        got = json.loads(out.stdout)
        calls.append(got["call"])
        imports.append(got["import"])
        numpy = numpy or got["numpy"]
    return statistics.median(calls), statistics.median(imports), numpy


COLD_LOAD = """
import datetime, json, sys, time
t_numpy = None
if sys.argv[3] == "numpy":  # the baseline: a process that has imported numpy already
    t0 = time.perf_counter()
    import numpy
    t_numpy = time.perf_counter() - t0
import credit_closure as cc
profile = cc.CreditProfile.from_dict(json.loads(sys.argv[1]))
t0 = time.perf_counter()
card = cc.LogisticScorer.load(sys.argv[2])
cc.assess(profile, scorer=card, as_of=datetime.date(2025, 12, 31))
t1 = time.perf_counter()
print(json.dumps({"call": t1 - t0, "numpy": "numpy" in sys.modules, "numpy_import": t_numpy}))
"""


def cold_load_seconds(runs: int) -> dict[str, float | bool]:
    """The first ``LogisticScorer.load(<the shipped artifact>)`` + ``assess()`` of a fresh
    interpreter (after ``import credit_closure``, not timed), against the same in a fresh
    interpreter that imported numpy first: ``runs`` pairs, each pair's order swapped every
    other run. Returns the medians of each, the median of the per-pair ratios, numpy's own
    import time in the baseline processes, and whether the cold call imported numpy."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    artifact = str(ROOT / "credit_closure" / "data" / "logistic_reference.json")
    times: dict[str, list[float]] = {"cold": [], "numpy": [], "ratio": [], "numpy_import": []}
    imported = False
    for i in range(runs):
        got = {}
        for variant in ("cold", "numpy") if i % 2 == 0 else ("numpy", "cold"):
            out = subprocess.run(
                [sys.executable, "-c", COLD_LOAD, json.dumps(PROFILE), artifact, variant],
                capture_output=True,
                text=True,
                env=env,
                cwd=str(ROOT),
                check=True,
            )
            got[variant] = json.loads(out.stdout)
            times[variant].append(got[variant]["call"])
        times["ratio"].append(got["cold"]["call"] / got["numpy"]["call"])
        times["numpy_import"].append(got["numpy"]["numpy_import"])
        imported = imported or got["cold"]["numpy"]
    medians: dict[str, float | bool] = {k: statistics.median(v) for k, v in times.items()}
    medians["imports_numpy"] = imported
    return medians


def cold_rows(quick: bool) -> dict[str, float | bool]:
    """Measure and print the cold-start rows; return them for the JSON."""
    runs = 5 if quick else 11
    imp, bare, sk = cold_import_seconds(runs)
    cold_call, _, cold_numpy = cold_call_seconds(runs)
    load = cold_load_seconds(runs)
    print(f"{'cold import credit_closure (wall, incl. interpreter)':58} {imp * 1e3:9.1f} ms")
    print(f"{'bare interpreter start (same run)':58} {bare * 1e3:9.1f} ms")
    print(f"{'import cost over bare interpreter':58} {(imp - bare) * 1e3:9.1f} ms")
    print(f"scikit-learn imported by `import credit_closure`: {sk}")
    print(
        f"{'first assess(scorer=logistic) after import (cold call)':58} {cold_call * 1e3:9.1f} ms"
    )
    print(f"numpy imported by that first call: {cold_numpy}")
    print(f"{'measurement (fresh process each)':58} {'median':>12} {'ratio to baseline':>18}")
    rows = [
        ("LogisticScorer.load(artifact) + first assess(), cold", load["cold"], load["ratio"]),
        ("baseline: the same, numpy imported before", load["numpy"], 1.0),
        ("(numpy's own import in the baseline processes)", load["numpy_import"], None),
    ]
    for name, t, ratio in rows:
        shown = "" if ratio is None else f"{ratio:18.3f}"
        print(f"{name:58} {float(t) * 1e3:9.2f} ms {shown}")
    print(f"numpy imported by the cold load + assess(): {load['imports_numpy']}")
    print(f"bar cold import < 0.25 s: {imp:.3f} s -> {'PASS' if imp < 0.25 and not sk else 'FAIL'}")
    print(
        "bar cold load + first assess() imports no numpy: "
        f"{'FAIL' if load['imports_numpy'] or cold_numpy else 'PASS'}"
    )
    return {
        "cold_import_s": imp,
        "bare_interpreter_s": bare,
        "sklearn_imported": sk,
        "cold_logistic_call_s": cold_call,
        "cold_call_imports_numpy": cold_numpy,
        "cold_load_assess_s": load["cold"],
        "cold_load_assess_numpy_preimported_s": load["numpy"],
        "ratio_cold_load_assess_to_numpy_preimported": load["ratio"],
        "numpy_import_s": load["numpy_import"],
        "cold_load_assess_imports_numpy": load["imports_numpy"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--cold", action="store_true", help="only the cold-start rows")
    args = ap.parse_args()
    if args.cold:
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        cold = cold_rows(args.quick)
        (out / "core_cold.json").write_text(json.dumps(cold, indent=2))
        return 0
    repeat, number = (5, 200) if args.quick else (15, 1000)

    import credit_closure as cc
    from credit_closure._accel import build_label

    profile = cc.CreditProfile.from_dict(PROFILE)
    as_of = "2025-12-31"
    import datetime as dt

    day = dt.date(2025, 12, 31)

    try:
        import numpy as np
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("scikit-learn is not installed: pip install 'credit-closure[bench]'")
        return 1
    from credit_closure._scoring.features import FEATURE_NAMES

    rng = np.random.default_rng(0)
    n_inputs = len(FEATURE_NAMES)
    X = rng.normal(size=(2000, n_inputs))
    y = (X[:, 0] + rng.normal(size=2000) > 1).astype(int)
    model = LogisticRegression().fit(X, y)
    row = X[:1]
    base = lambda: model.predict_proba(row)  # noqa: E731

    t_assess, t_sk, r_assess = interleaved(
        lambda: cc.assess(profile, as_of=day), base, repeat=repeat, number=number
    )
    # default policy v2 against the version-1 policy, same profile, same run (issue 15 bar)
    # (both passed as instances, so that neither pays the registry look-up of a name)
    v1_rules = cc.RuleScorer(policy="v1")
    v2_rules = cc.RuleScorer.default()
    _t_v2, t_v1, r_v2_v1 = interleaved(
        lambda: cc.assess(profile, scorer=v2_rules, as_of=day),
        lambda: cc.assess(profile, scorer=v1_rules, as_of=day),
        repeat=repeat,
        number=number,
    )
    t_assess_str, _, r_assess_str = interleaved(
        lambda: cc.assess(profile, as_of=as_of), base, repeat=repeat, number=number
    )
    t_from, _, r_from = interleaved(
        lambda: cc.CreditProfile.from_dict(PROFILE), base, repeat=repeat, number=number
    )
    # the built-in logistic scorecard, loaded from its JSON artifact (no scikit-learn)
    loaded = cc.LogisticScorer.load(ROOT / "credit_closure" / "data" / "logistic_reference.json")
    t_logit, _, r_logit = interleaved(
        lambda: cc.assess(profile, scorer=loaded, as_of=day), base, repeat=repeat, number=number
    )

    rows = [
        ("assess(), 5 accounts, rules, closure impact + reasons", t_assess, r_assess),
        ("assess() with as_of as a string", t_assess_str, r_assess_str),
        ("assess(), rules, version-1 default policy", t_v1, t_v1 / t_sk),
        ("assess(), same profile, loaded logistic artifact", t_logit, r_logit),
        ("CreditProfile.from_dict(), 5 accounts", t_from, r_from),
        (f"baseline: sklearn predict_proba, 1 row x {n_inputs}", t_sk, 1.0),
    ]
    print(
        f"credit_closure {cc.__version__}  python {platform.python_version()}  {platform.machine()}  "
        f"cpus {os.cpu_count()}  build: {build_label()}"
    )
    print(f"{'measurement':58} {'median':>12} {'ratio to baseline':>18}")
    for name, t, ratio in rows:
        print(f"{name:58} {t * 1e6:9.1f} us {ratio:18.3f}")
    cold = cold_rows(args.quick)
    bar = r_assess
    print(
        f"\nbar rules assess() <= 0.25x predict_proba: ratio {bar:.3f} -> "
        f"{'PASS' if bar <= 0.25 else 'FAIL'}"
    )
    print(
        f"bar logistic assess() <= 0.25x predict_proba (goal 0.11x): ratio {r_logit:.3f} -> "
        f"{'PASS' if r_logit <= 0.25 else 'FAIL'}"
    )
    print(
        f"bar default policy v2 assess() <= 1.1x policy v1 (same run): ratio {r_v2_v1:.3f} -> "
        f"{'PASS' if r_v2_v1 <= 1.1 else 'FAIL'}"
    )
    r_from_assess = t_from / t_assess
    print(
        f"bar from_dict() <= assess() (same run): ratio {r_from_assess:.3f} -> "
        f"{'PASS' if r_from_assess <= 1.0 else 'FAIL'}"
    )

    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "core.json").write_text(
        json.dumps(
            {
                "version": cc.__version__,
                "python": platform.python_version(),
                "build": build_label(),
                "ratio_from_dict_to_assess": t_from / t_assess,
                "assess_us": t_assess * 1e6,
                "assess_str_us": t_assess_str * 1e6,
                "from_dict_us": t_from * 1e6,
                "sklearn_predict_proba_us": t_sk * 1e6,
                "ratio_assess_to_sklearn": bar,
                "assess_policy_v1_us": t_v1 * 1e6,
                "ratio_policy_v2_to_v1": r_v2_v1,
                "logistic_assess_us": t_logit * 1e6,
                "ratio_logistic_assess_to_sklearn": r_logit,
                "ratio_from_dict_to_sklearn": r_from,
                **cold,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
