"""credit_closure end to end, without a notebook.

    python examples/walkthrough.py [OUT_DIR] [--n-train 4000] [--n-recent 1500] [--seed 7]

1. Generate a synthetic book with ``credit_closure.synth`` (a development sample and a more
   recent one), saved as JSON Lines training files.
2. Train a logistic scorecard on the development sample and save it as a JSON artifact.
3. Validate it on the recent sample: AUC, KS, calibration, PSI against the development
   sample, and the self-contained HTML report with its charts.
4. Score the recent sample in batch with ``assess_many`` and write the results as CSV.
5. Look at closure rates over time with ``credit_closure.portfolio`` and draw the chart.

Everything goes into OUT_DIR (default ``./walkthrough-out``). The data are synthetic: nothing
here says anything about real borrowers. Charts need matplotlib (``pip install
'credit-closure[plot]'``); without it the script still runs and says what it skipped. Fitting
needs scikit-learn (``pip install 'credit-closure[fit]'``).
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _step(n: int, text: str) -> None:
    print(f"\n[{n}/5] {text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out",
        nargs="?",
        default="walkthrough-out",
        help="output folder (default ./walkthrough-out)",
    )
    parser.add_argument("--n-train", type=int, default=4000, help="development sample size")
    parser.add_argument("--n-recent", type=int, default=1500, help="recent sample size")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic book")
    args = parser.parse_args(argv)

    from credit_closure import LogisticScorer, assess_many
    from credit_closure.portfolio import (
        SignalConfig,
        closure_counts_from_profiles,
        closure_rates,
        plot_closure_rates,
    )
    from credit_closure.report import PLOT_HINT, charts_available, html_report
    from credit_closure.synth import generate_portfolio, read_jsonl

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    _step(1, "a synthetic book")
    dev_date, recent_date = dt.date(2026, 6, 30), dt.date(2026, 12, 31)
    dev = generate_portfolio(args.n_train, seed=args.seed, as_of=dev_date)
    recent = generate_portfolio(args.n_recent, seed=args.seed + 1, as_of=recent_date)
    dev.to_jsonl(out / "train.jsonl")
    recent.to_jsonl(out / "recent.jsonl")
    print(
        f"  development: {len(dev)} subjects at {dev_date}, default rate "
        f"{dev.default_rate:.1%} -> {out / 'train.jsonl'}"
    )
    print(
        f"  recent:      {len(recent)} subjects at {recent_date}, default rate "
        f"{recent.default_rate:.1%} -> {out / 'recent.jsonl'}"
    )

    _step(2, "train a logistic scorecard")
    train = read_jsonl(out / "train.jsonl")  # the same file `credit-closure train` reads
    scorer = LogisticScorer(max_bins=6)
    scorer.fit(train.profiles, train.outcomes, as_of=train.as_of)
    digest = scorer.save(out / "model.json")
    print(f"  {len(scorer.inputs_)} inputs, version {scorer.version}")
    print(f"  saved {out / 'model.json'} (sha256 {digest[:12]}...)")
    scorer = LogisticScorer.load(out / "model.json")  # what production would do

    _step(3, "validate on the recent sample, with the HTML report")
    result = html_report(
        scorer,
        list(recent.profiles),
        recent.outcomes.tolist(),
        as_of=recent_date,
        baseline_profiles=list(dev.profiles),
        baseline_as_of=dev_date,
        title="Walkthrough: recent sample",
    )
    written = result.write(out / "report.html", png_dir=out / "charts")
    r = result.report
    print(
        f"  AUC {r.auc:.3f}  Gini {r.gini:.3f}  KS {r.ks.statistic:.3f}  "
        f"PSI {r.psi.value:.4f} ({r.psi.band})"
    )
    print(f"  wrote {written[0]} with {len(result.charts)} charts")
    if result.charts_missing:
        print(f"  (no charts: matplotlib is not installed; {PLOT_HINT})")

    _step(4, "score the recent sample in batch")
    results = assess_many(recent.profiles, scorer=scorer, as_of=recent_date)
    with open(out / "scores.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "subject_id",
                "score",
                "band",
                "probability_of_default",
                "decision",
                "closure_impact",
                "reason_1",
            ]
        )
        for a in results:
            w.writerow(
                [
                    a.subject_id,
                    f"{a.score:.1f}",
                    a.band,
                    f"{a.probability_of_default:.5f}",
                    a.decision,
                    f"{a.closure_impact:+.1f}",
                    a.reasons[0].code if a.reasons else "",
                ]
            )
    decisions = collections.Counter(a.decision for a in results)
    print(
        "  decisions: " + ", ".join(f"{k} {decisions[k]}" for k in ("approve", "refer", "decline"))
    )
    moved = [a for a in results if abs(a.closure_impact) >= 0.05]
    print(f"  closures moved the score of {len(moved)} of {len(results)} subjects")
    print(f"  wrote {out / 'scores.csv'}")

    _step(5, "closure rates over time")
    counts = closure_counts_from_profiles(
        recent.profiles, freq="Q", segment_by=None, start="2022-01-01", end=recent_date
    )
    rates = closure_rates(counts, config=SignalConfig(baseline_periods=8))
    segments: list[str] = sorted(set(rates.counts.segment))
    print(
        f"  {len(rates.counts.period)} quarters ({len(segments)} segment), "
        f"{len(rates.alerts)} alerts"
    )
    for alert in rates.alerts[:5]:
        print(f"    {alert.segment} {alert.period} {alert.rate} {alert.rule}")
    if charts_available():
        plot_closure_rates(rates, out / "closure_rates.png", rate="gross")
        print(f"  wrote {out / 'closure_rates.png'}")
    else:
        print(f"  (no chart: matplotlib is not installed; {PLOT_HINT})")

    print(
        f"\ndone in {time.perf_counter() - started:.1f} s; open {out / 'report.html'} in a browser"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
