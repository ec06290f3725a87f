"""Benchmark: run lengths and false-alarm rates of the portfolio control charts.

Run:  .venv/bin/python benchmarks/bench_charts.py [--seed 15] [--quick]

Part A, average run lengths (ARL) on binomial data with known parameters, against the
textbook values (the table of the docs page, docs/portfolio-monitoring.md):

- p-chart, 3 sigma: ARL = 1 / P(|Z + δ| > 3) for a normal statistic (370.4 in control);
- tabular CUSUM, k = 0.5, h = 4 and h = 5, two-sided: Montgomery, *Introduction to
  Statistical Quality Control*, Table 9.3 (after Hawkins): h = 4: 168, 26.6, 8.38, 3.34;
  h = 5: 465, 38.0, 10.4, 4.01 at shifts 0, 0.5, 1, 2 sigma;
- EWMA, λ = 0.2 with L = 2.962 and λ = 0.1 with L = 2.814: Montgomery Table 9.11 (after
  Lucas and Saccucci 1990): 500, 41.8, 10.5, 3.7 and 500, 31.3, 10.3, 4.4.

Each chart is the library's own function (``p_chart_limits``, ``cusum``, ``ewma``) on
standardised binomial rates ``z_t = (x_t/n - p0) / sqrt(p0(1-p0)/n)`` with n = 200,000 and
p0 = 2 % (n·p0 = 4,000); a shift of δ sigma sets the rate to ``p0 + δ·sqrt(p0(1-p0)/n)``.
CUSUM run lengths are the gaps between signals of one long stream (it restarts from zero
after each signal: zero-state ARL); EWMA runs start from ``E_0 = 0`` one by one (its limits
are the exact time-varying ones, textbook tables use the asymptotic ones).

Part B, false alarms on a synthetic book: segments of n0 accounts (each month n_t = n0·U(0.9,
1.1)), a gross closure rate p0 = 1.5 %, months drawn as ``x_t ~ Binomial(n_t, p0·(1 + c·ε_t))``
with ``ε_t ~ N(0, 1)`` (c = 0, 2 % or 5 % relative extra month-to-month variation), Phase I =
the first 24 months, then 36 monitored months. Every chart is ``closure_rates`` itself. An
alarm month is a monitored (segment, month) with at least one alert of that rule; the rate is
alarm months / monitored book-months. "plain" = binomial limits, no CUSUM reset (earlier
releases); "aware" = the defaults (limits="auto": Laney p′ when the baseline is
overdispersed; CUSUM reset after a signal). Also a seasonal book (Chinese New Year, 618 and
双11 months) with a month-of-year baseline.

Bars (issue 15): ARL0 within 10 % of the textbook for each chart; with 5 % extra variation
the aware charts keep alarm months under 2 % of book-months. Results are also written to
benchmarks/results/charts.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from credit_closure.portfolio import closure_rates, cusum, ewma, p_chart_limits

SHIFTS = (0.0, 0.5, 1.0, 2.0)
N_ARL, P0_ARL = 200_000, 0.02


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def shewhart_arl(d: float, L: float = 3.0) -> float:
    return 1.0 / (_phi(-L - d) + 1.0 - _phi(L - d))


#: (chart, parameters) -> textbook ARL at SHIFTS, with the source.
TEXTBOOK = {
    ("p_chart", "L=3"): ([shewhart_arl(d) for d in SHIFTS], "normal tail, 1/P(|Z+δ|>3)"),
    ("cusum", "k=0.5,h=4"): ([168.0, 26.6, 8.38, 3.34], "Montgomery Table 9.3"),
    ("cusum", "k=0.5,h=5"): ([465.0, 38.0, 10.4, 4.01], "Montgomery Table 9.3"),
    ("ewma", "λ=0.2,L=2.962"): ([500.0, 41.8, 10.5, 3.7], "Montgomery Table 9.11 (L&S 1990)"),
    ("ewma", "λ=0.1,L=2.814"): ([500.0, 31.3, 10.3, 4.4], "Montgomery Table 9.11 (L&S 1990)"),
}


def binomial_z(rng: np.random.Generator, shape: tuple[int, ...] | int, shift: float) -> np.ndarray:
    sd = math.sqrt(P0_ARL * (1 - P0_ARL) / N_ARL)
    x = rng.binomial(N_ARL, P0_ARL + shift * sd, size=shape)
    return (x / N_ARL - P0_ARL) / sd


def gaps(signal: np.ndarray) -> np.ndarray:
    """Run lengths of a restarted chart: the gaps between signals of one stream."""
    at = np.flatnonzero(signal) + 1
    return np.diff(np.concatenate([[0], at]))


def arl_pchart(rng: np.random.Generator, shift: float, signals: int) -> tuple[float, int]:
    length = int(signals * shewhart_arl(shift) * 1.1) + 100
    sd = math.sqrt(P0_ARL * (1 - P0_ARL) / N_ARL)
    n = np.full(length, N_ARL)
    x = rng.binomial(N_ARL, P0_ARL + shift * sd, size=length)
    _c, lo, hi = p_chart_limits(x, n, p_bar=P0_ARL)
    rate = x / N_ARL
    g = gaps((rate > hi) | (rate < lo))
    return float(g.mean()), g.size


def arl_cusum(
    rng: np.random.Generator, shift: float, h: float, expect: float, signals: int
) -> tuple[float, int]:
    z = binomial_z(rng, int(signals * expect * 1.2) + 100, shift)
    hi, lo = cusum(z, k=0.5, h=h, reset=True)
    g = gaps((hi > h) | (lo > h))
    return float(g.mean()), g.size


def arl_ewma(
    rng: np.random.Generator, shift: float, lam: float, L: float, expect: float, runs: int
) -> tuple[float, float, int]:
    """Zero-state ARL of ``ewma`` against its exact limits and against the asymptotic limit
    ``L·sqrt(λ/(2-λ))`` of the textbook tables (its last, converged, value)."""
    horizon = int(10 * expect) + 20
    exact, asym = [], []
    for _ in range(runs):
        z = binomial_z(rng, horizon, shift)
        e, lim = ewma(z, lam=lam, L=L)
        for out, bound in ((exact, lim), (asym, lim[-1])):
            hit = np.flatnonzero(np.abs(e) > bound)
            out.append(hit[0] + 1 if hit.size else horizon)  # censored: counted at horizon
    return float(np.mean(asym)), float(np.mean(exact)), runs


def part_a(rng: np.random.Generator, quick: bool) -> list[dict]:
    rows = []
    signals = 600 if quick else 3000
    runs = 300 if quick else 1500
    for (chart, params), (book, source) in TEXTBOOK.items():
        for d, expect in zip(SHIFTS, book):
            exact = None
            if chart == "p_chart":
                arl, m = arl_pchart(rng, d, signals)
            elif chart == "cusum":
                h = 4.0 if "h=4" in params else 5.0
                arl, m = arl_cusum(rng, d, h, expect, signals)
            else:
                lam = 0.2 if "0.2" in params else 0.1
                L = 2.962 if lam == 0.2 else 2.814
                arl, exact, m = arl_ewma(rng, d, lam, L, expect, runs if d == 0 else runs // 2)
            rows.append(
                {
                    "chart": chart,
                    "params": params,
                    "shift": d,
                    "arl": arl,
                    "textbook": expect,
                    "ratio": arl / expect,
                    "runs": m,
                    "exact_limits_arl": exact,
                    "source": source,
                }
            )
    return rows


# ---------------------------------------------------------------------------------------
# Part B: a synthetic book
# ---------------------------------------------------------------------------------------
SEASONAL = {1: 0.15, 2: 0.25, 6: 0.20, 11: 0.30}  # CNY (Jan/Feb), 618 (Jun), 双11 (Nov)


def book(
    rng: np.random.Generator,
    segments: int,
    n0: int,
    c: float,
    months: int,
    p0: float = 0.015,
    seasonal: bool = False,
    step: tuple[int, float] | None = None,
) -> dict[str, list]:
    period = [f"{2020 + t // 12}-{t % 12 + 1:02d}" for t in range(months)]
    uplift = np.array([1.0 + SEASONAL.get(t % 12 + 1, 0.0) for t in range(months)])
    out: dict[str, list] = {k: [] for k in ("period", "segment", "open_at_start", "closures")}
    for s in range(segments):
        n = np.rint(n0 * rng.uniform(0.9, 1.1, months)).astype(np.int64)
        p = p0 * (uplift if seasonal else 1.0) * (1.0 + c * rng.standard_normal(months))
        if step is not None:  # a lasting rise of the rate from month step[0] on
            p[step[0] :] *= 1.0 + step[1]
        x = rng.binomial(n, np.clip(p, 0.0, 1.0))
        out["period"] += period
        out["segment"] += [f"s{s}"] * months
        out["open_at_start"] += n.tolist()
        out["closures"] += x.tolist()
    out["voluntary"] = [0] * len(out["closures"])
    out["involuntary"] = [0] * len(out["closures"])
    return out


def alarm_rates(rows: dict[str, list], cfg: dict, base: int) -> dict[str, float]:
    res = closure_rates(rows, config={"rates": ["gross"], "baseline_periods": base, **cfg})
    c = res.counts
    first = {}
    for r, seg in enumerate(c.segment):
        first.setdefault(seg, r)
    monitored = {
        (c.segment[r], c.period[r]) for r in range(len(c)) if r - first[c.segment[r]] >= base
    }
    out = {}
    for rule in ("p_chart", "cusum", "ewma", None):
        hit = {
            (a.segment, a.period)
            for a in res.alerts
            if (rule is None or a.rule == rule) and (a.segment, a.period) in monitored
        }
        out[rule or "any"] = len(hit) / len(monitored)
    out["laney_share"] = sum(b.limits == "laney" for b in res.bases) / len(res.bases)
    return out


CONFIGS = {
    "plain": {"limits": "binomial", "cusum_reset": False},
    "plain+reset": {"limits": "binomial"},
    "aware": {},
}


def part_b(rng: np.random.Generator, quick: bool) -> list[dict]:
    segments = 60 if quick else 400
    rows = []
    for n0 in (20_000, 200_000, 2_000_000):
        for c in (0.0, 0.02, 0.05):
            data = book(rng, segments, n0, c, 60)
            for name, cfg in CONFIGS.items():
                rows.append(
                    {"book": "flat", "n0": n0, "extra": c, "config": name, "base": 24}
                    | alarm_rates(data, cfg, 24)
                )
    # Phase I of 12 and 36 months, and a seasonal book
    for base in (12, 36):
        data = book(rng, segments, 200_000, 0.05, base + 36)
        for name in ("plain", "aware"):
            rows.append(
                {"book": "flat", "n0": 200_000, "extra": 0.05, "config": name, "base": base}
                | alarm_rates(data, CONFIGS[name], base)
            )
    data = book(rng, segments, 200_000, 0.02, 60, seasonal=True)
    for name, cfg in (
        ("plain", CONFIGS["plain"]),
        ("aware", {}),
        ("aware+season", {"season": "month"}),
    ):
        rows.append(
            {"book": "seasonal", "n0": 200_000, "extra": 0.02, "config": name, "base": 24}
            | alarm_rates(data, cfg, 24)
        )
    data = book(rng, segments, 200_000, 0.05, 72, seasonal=True)
    rows.append(
        {"book": "seasonal", "n0": 200_000, "extra": 0.05, "config": "aware+season", "base": 36}
        | alarm_rates(data, {"season": "month"}, 36)
    )
    return rows


def detection(rng: np.random.Generator, quick: bool) -> list[dict]:
    """Share of segments whose lasting rise (from the 13th monitored month) is flagged by any
    rule within 1, 3 and 6 months, and the median delay: the aware charts still see a real
    change. The rise is 2 total standard deviations of the month-to-month rate."""
    segments = 60 if quick else 300
    out = []
    cases = (
        ("flat", 0.05, {}, "aware", False),
        ("flat", 0.05, {"limits": "binomial", "cusum_reset": False}, "plain", False),
        ("seasonal", 0.02, {}, "aware", True),
        ("seasonal", 0.02, {"season": "month"}, "aware+season", True),
    )
    base, start = 24, 24 + 12
    for kind, c, cfg, name, seasonal in cases:
        n0, p0 = 200_000, 0.015
        rel_sd = math.sqrt(c**2 + (1 - p0) / (n0 * p0))
        data = book(rng, segments, n0, c, 60, seasonal=seasonal, step=(start, 2 * rel_sd))
        res = closure_rates(data, config={"rates": ["gross"], "baseline_periods": base, **cfg})
        periods = sorted(set(res.counts.period))
        first: dict[str, int] = {}
        for a in res.alerts:
            t = periods.index(a.period)
            if t >= start:
                first[a.segment] = min(first.get(a.segment, 99), t - start + 1)
        delays = sorted(first.values())
        row = {"book": kind, "extra": c, "config": name, "step_rel": 2 * rel_sd}
        for w in (1, 3, 6):
            row[f"within_{w}"] = sum(d <= w for d in delays) / segments
        row["median_delay"] = float(np.median(delays)) if delays else None
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="fewer runs (about 20 s)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"python {platform.python_version()}, numpy {np.__version__}, seed {args.seed}")

    t0 = time.perf_counter()
    arl = part_a(rng, args.quick)
    ta = time.perf_counter() - t0
    print(f"\nA. ARL on binomial data, known p0 (n = {N_ARL:,}, p0 = {P0_ARL:.0%}); {ta:.0f} s")
    print(
        f"{'chart':<8} {'parameters':<15} {'shift':>5} {'ours':>8} {'textbook':>9} "
        f"{'ratio':>6} {'runs':>6} {'exact lim.':>10}  source"
    )
    for r in arl:
        ex = "" if r["exact_limits_arl"] is None else f"{r['exact_limits_arl']:.1f}"
        print(
            f"{r['chart']:<8} {r['params']:<15} {r['shift']:>5.1f} {r['arl']:>8.1f} "
            f"{r['textbook']:>9.1f} {r['ratio']:>6.3f} {r['runs']:>6} {ex:>10}  "
            f"{r['source']}"
        )

    t0 = time.perf_counter()
    fa = part_b(rng, args.quick)
    tb = time.perf_counter() - t0
    print(f"\nB. alarm months / monitored book-months (36 months after the Phase I); {tb:.0f} s")
    print(
        f"{'book':<9} {'n0':>9} {'extra':>5} {'base':>4} {'config':<13} {'p_chart':>8} "
        f"{'cusum':>7} {'ewma':>7} {'any':>7} {'laney':>6}"
    )
    for r in fa:
        print(
            f"{r['book']:<9} {r['n0']:>9,} {r['extra']:>5.0%} {r['base']:>4} "
            f"{r['config']:<13} {r['p_chart']:>8.2%} {r['cusum']:>7.2%} {r['ewma']:>7.2%} "
            f"{r['any']:>7.2%} {r['laney_share']:>6.0%}"
        )

    t0 = time.perf_counter()
    det = detection(rng, args.quick)
    print(
        f"\nC. a lasting rise of 2 total sigma from the 13th monitored month, caught by any "
        f"rule within 1 / 3 / 6 months; {time.perf_counter() - t0:.0f} s"
    )
    print(
        f"{'book':<9} {'extra':>5} {'config':<13} {'rise':>6} {'≤1':>6} {'≤3':>6} {'≤6':>6} "
        f"{'median':>6}"
    )
    for r in det:
        med = "-" if r["median_delay"] is None else f"{r['median_delay']:.0f}"
        print(
            f"{r['book']:<9} {r['extra']:>5.0%} {r['config']:<13} {r['step_rel']:>6.1%} "
            f"{r['within_1']:>6.0%} {r['within_3']:>6.0%} {r['within_6']:>6.0%} {med:>6}"
        )

    arl0 = [r for r in arl if r["shift"] == 0.0]
    bar_a = all(abs(r["ratio"] - 1.0) <= 0.10 for r in arl0)
    aware5 = [
        r for r in fa if r["extra"] == 0.05 and r["config"].startswith("aware") and r["base"] >= 24
    ]
    bar_b = all(r[k] < 0.02 for r in aware5 for k in ("p_chart", "cusum", "ewma"))
    bar_b_any = all(r["any"] < 0.02 for r in aware5)
    print("\nbars:")
    ratios = ", ".join(f"{r['ratio']:.3f}" for r in arl0)
    print(
        f"  ARL0 within 10 % of the textbook, every chart: {'met' if bar_a else 'NOT met'} "
        f"(ratios {ratios})"
    )
    print(
        f"  5 % extra variation, aware charts (24+ months of Phase I), each rule < 2 %: "
        f"{'met' if bar_b else 'NOT met'}; any rule < 2 %: {'met' if bar_b_any else 'NOT met'}"
    )
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "charts.json").write_text(
        json.dumps(
            {
                "seed": args.seed,
                "quick": args.quick,
                "arl": arl,
                "false_alarms": fa,
                "detection": det,
                "bars": {
                    "arl0": bar_a,
                    "aware_5pct_each_rule": bar_b,
                    "aware_5pct_any_rule": bar_b_any,
                },
            },
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
