"""Evidence for the default rule policy (issue 15 item 11): decisions against outcomes on the
contract v2 synthetic bureau.

``python benchmarks/evidence/policy_v2_evidence.py [--n 20000] [--seed 15] [--policies v1 v2]``

Draws ``credit_closure.synth.generate_portfolio(n, seed=seed, contract_version=2)`` (synthetic
subjects with a documented ground truth, ``credit_closure/_synth/truth.py``; nothing here is
evidence about real borrowers), assesses every subject at the portfolio's ``as_of`` under each
policy (a bundled name, ``v1`` / ``v2``, or a policy file) and prints, as Markdown tables:

1. the decision mix and the observed bad rate (share of drawn defaults) per decision, with
   the mean true default probability;
2. the same per score band;
3. every rule with a ``decline`` or ``refer`` trigger: the share of the book it fires on, the
   bad rate among those it fires on and its lift over the book's bad rate.

The bars (docs/default-policy.md, "Evidence"): bad rate approve < refer < decline; no
hard-decline rule firing on a share of the book far beyond its bad rate without a stated
reason. A rule's "firing share" counts subjects whose assessment carries its trigger.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict

import numpy as np

import credit_closure as cc
from credit_closure.synth import generate_portfolio

_DECISIONS = ("approve", "refer", "decline")


def _scorer(name: str) -> cc.RuleScorer:
    if os.path.exists(name):
        return cc.RuleScorer.from_file(name)
    return cc.RuleScorer(policy=name)


def _rate(mask: np.ndarray, y: np.ndarray) -> str:
    n = int(mask.sum())
    return "—" if n == 0 else f"{100 * y[mask].mean():.1f} %"


def evaluate(pf: object, scorer: cc.RuleScorer) -> dict[str, object]:
    """Decisions, bands and trigger rules of every subject of ``pf`` under ``scorer``."""
    decisions, bands = [], []
    fired: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, profile in enumerate(pf.profiles):  # type: ignore[attr-defined]
        a = cc.assess(profile, scorer=scorer, as_of=pf.as_of)  # type: ignore[attr-defined]
        decisions.append(a.decision)
        bands.append(a.band)
        for t in {(t.rule or "?", t.action, t.code) for t in a.triggers}:
            if t[1] in ("decline", "refer"):
                fired[t].append(i)
    return {"decision": np.array(decisions), "band": np.array(bands), "fired": fired}


def report(pf: object, results: dict[str, dict[str, object]]) -> None:
    """Print the three tables for every policy."""
    y = np.asarray(pf.outcomes, dtype=float)  # type: ignore[attr-defined]
    p = np.asarray(pf.true_probability)  # type: ignore[attr-defined]
    n = len(y)
    print(f"Book: {n} subjects, bad rate {100 * y.mean():.2f} % "
          f"(mean true probability {100 * p.mean():.2f} %)\n")  # fmt: skip
    print("### Decisions\n")
    print("| policy | decision | share of book | bad rate | mean true PD |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        dec = r["decision"]
        for d in _DECISIONS:
            m = dec == d  # type: ignore[operator]
            pd_ = f"{100 * p[m].mean():.1f} %" if m.any() else "—"
            print(f"| {name} | {d} | {100 * m.mean():.1f} % | {_rate(m, y)} | {pd_} |")
    print("\n### Bands\n")
    print("| policy | band | share of book | bad rate |")
    print("|---|---|---|---|")
    for name, r in results.items():
        band = r["band"]
        for b in sorted(set(band.tolist())):  # type: ignore[attr-defined]
            m = band == b  # type: ignore[operator]
            print(f"| {name} | {b} | {100 * m.mean():.1f} % | {_rate(m, y)} |")
    print("\n### Trigger rules (decline and refer)\n")
    print(
        "| policy | rule | action | code | subjects | share of book | bad rate when fired | lift |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        fired = r["fired"]
        for (rule, action, code), idx in sorted(
            fired.items(),
            key=lambda kv: (kv[0][1] != "decline", kv[0][0]),  # type: ignore[union-attr]
        ):
            m = np.zeros(n, dtype=bool)
            m[idx] = True
            lift = y[m].mean() / y.mean() if y.mean() else float("nan")
            print(
                f"| {name} | {rule} | {action} | `{code}` | {len(idx)} | {100 * m.mean():.2f} % "
                f"| {_rate(m, y)} | {lift:.1f}× |"
            )
    print("\n### Bar: bad rate approve < refer < decline\n")
    for name, r in results.items():
        dec = r["decision"]
        rates = [y[dec == d].mean() if (dec == d).any() else float("nan") for d in _DECISIONS]  # type: ignore[operator]
        ok = rates[0] < rates[1] < rates[2]
        shown = " < ".join(f"{100 * x:.1f} %" for x in rates)
        print(f"- {name}: {shown}: {'met' if ok else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--policies", nargs="+", default=["v1", "v2"])
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pf = generate_portfolio(args.n, seed=args.seed, contract_version=2)
    print(f"<!-- generate_portfolio({args.n}, seed={args.seed}, contract_version=2): "
          f"{time.perf_counter() - t0:.1f} s -->")  # fmt: skip
    results = {}
    for name in args.policies:
        scorer = _scorer(name)
        results[scorer.version] = evaluate(pf, scorer)
    report(pf, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
