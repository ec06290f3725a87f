"""Contract parsing cost, timed in alternating rounds in the same run:

- ``CreditProfile.from_dict`` of a v2 profile with 10 accounts and 24-month repayment
  histories against the v1 profile of the same accounts (issue 14 bar: ratio <= 2);
- ``CreditProfile.from_dict`` of the core profile (benchmarks/bench_core.py's 5 accounts)
  against rules ``assess()`` of the same profile (issue 18 bar: ratio <= 1).

Run:  python benchmarks/bench_contract.py [--quick]

Prints the medians and the ratio (the median of per-round ratios) and writes
benchmarks/results/contract.json.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from credit_closure import CreditProfile  # noqa: E402

_PRODUCTS = ("credit_card", "revolving_consumer", "cash_loan", "installment", "mortgage")


def v1_profile(n_accounts: int = 10) -> dict[str, Any]:
    """A v1 profile of ``n_accounts`` accounts with the three summaries."""
    accounts = []
    for i in range(n_accounts):
        accounts.append(
            {
                "account_id": f"a{i}",
                "product": _PRODUCTS[i % len(_PRODUCTS)],
                "status": "open",
                "opened_on": "2018-03-01",
                "credit_limit": 20000 + 1000 * i,
                "balance": 1500 * i,
                "worst_dpd_24m": 0 if i % 3 else 45,
                "months_delinquent_24m": 0 if i % 3 else 2,
                "max_consecutive_delinquent_24m": 0 if i % 3 else 1,
            }
        )
    return {"subject_id": "bench", "accounts": accounts}


def v2_profile(n_accounts: int = 10) -> dict[str, Any]:
    """The same accounts as v2: a 24-month history each (agreeing with the summaries), the
    current delinquency and a classification."""
    doc = v1_profile(n_accounts)
    doc["contract_version"] = 2
    for i, acc in enumerate(doc["accounts"]):
        acc["repayment_history"] = "N" * 24 if i % 3 else "N" * 18 + "1N1NNN"
        acc["history_end"] = "2025-06-30"
        acc["classification"] = "normal"
        acc["current_overdue_amount"] = 0
        acc["current_overdue_periods"] = 0
    return doc


def _time(fn: Any, arg: Any, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn(arg)
    return (time.perf_counter() - t0) / n


def _core_rounds(rounds: int, n: int) -> tuple[float, float, float]:
    """Medians of ``from_dict`` and rules ``assess()`` on the core profile, and the median of
    the per-round ratios."""
    import datetime as dt

    from bench_core import PROFILE

    from credit_closure import assess

    profile = CreditProfile.from_dict(PROFILE)
    day = dt.date(2025, 12, 31)
    assess(profile, as_of=day)  # warm: the default policy is loaded once
    t_from: list[float] = []
    t_assess: list[float] = []
    ratios: list[float] = []
    for _ in range(rounds):
        a = _time(CreditProfile.from_dict, PROFILE, n)
        b = _time(lambda p: assess(p, as_of=day), profile, n)
        t_from.append(a)
        t_assess.append(b)
        ratios.append(a / b)
    return statistics.median(t_from), statistics.median(t_assess), statistics.median(ratios)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, n = (7, 300) if args.quick else (21, 1000)
    v1, v2 = v1_profile(), v2_profile()
    assert CreditProfile.from_dict(v2).is_v2 and not CreditProfile.from_dict(v1).is_v2
    t1: list[float] = []
    t2: list[float] = []
    ratios: list[float] = []
    for _ in range(rounds):  # alternating rounds: drift in the machine's load hits both
        a = _time(CreditProfile.from_dict, v1, n)
        b = _time(CreditProfile.from_dict, v2, n)
        t1.append(a)
        t2.append(b)
        ratios.append(b / a)
    ratio = statistics.median(ratios)
    t_from, t_assess, core_ratio = _core_rounds(rounds, n)
    print(f"{'case':<44}{'median':>12}")
    print(f"{'from_dict v1, 10 accounts':<44}{statistics.median(t1) * 1e6:>10.1f}us")
    print(
        f"{'from_dict v2, 10 accounts + 24m histories':<44}{statistics.median(t2) * 1e6:>10.1f}us"
    )
    print(f"ratio v2 / v1 (median of {rounds} rounds): {ratio:.2f}x  (bar <= 2.00x)")
    print(f"{'from_dict, core profile (5 accounts)':<44}{t_from * 1e6:>10.1f}us")
    print(f"{'assess(), rules, same profile':<44}{t_assess * 1e6:>10.1f}us")
    print(
        f"ratio from_dict / assess() (median of {rounds} rounds): {core_ratio:.2f}x  "
        f"(bar <= 1.00x) -> {'PASS' if core_ratio <= 1 else 'FAIL'}"
    )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "contract.json").write_text(
        json.dumps(
            {
                "from_dict_v1_us": statistics.median(t1) * 1e6,
                "from_dict_v2_us": statistics.median(t2) * 1e6,
                "ratio": ratio,
                "bar": 2.0,
                "from_dict_core_us": t_from * 1e6,
                "assess_core_us": t_assess * 1e6,
                "ratio_from_dict_to_assess": core_ratio,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
