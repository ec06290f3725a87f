"""Contract v2 parsing cost: ``CreditProfile.from_dict`` of a v2 profile with 10 accounts and
24-month repayment histories against the v1 profile of the same accounts, timed in
alternating rounds in the same run (bar: ratio <= 2).

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
    print(f"{'case':<44}{'median':>12}")
    print(f"{'from_dict v1, 10 accounts':<44}{statistics.median(t1) * 1e6:>10.1f}us")
    print(
        f"{'from_dict v2, 10 accounts + 24m histories':<44}{statistics.median(t2) * 1e6:>10.1f}us"
    )
    print(f"ratio v2 / v1 (median of {rounds} rounds): {ratio:.2f}x  (bar <= 2.00x)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "contract.json").write_text(
        json.dumps(
            {
                "from_dict_v1_us": statistics.median(t1) * 1e6,
                "from_dict_v2_us": statistics.median(t2) * 1e6,
                "ratio": ratio,
                "bar": 2.0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
