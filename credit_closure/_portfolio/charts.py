"""The charts of :func:`credit_closure.portfolio.closure_rates`, segment by segment.

Centre lines (pooled over the baseline, or per season), the overdispersion test and Laney's
``σ_z``, the standardised rate that CUSUM and EWMA read, and the crossings that become
alerts. The formulas are documented in :mod:`credit_closure.portfolio` and
``docs/portfolio-monitoring.md``; the public chart functions (``p_chart_limits``, ``cusum``,
``ewma``) stay in :mod:`credit_closure.portfolio` and are passed in by the caller.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from credit_closure._portfolio.columns import FloatArray, Problem, raise_if

#: d2 of a moving range of two observations: σ ≈ mean moving range / 1.128 (the constant of
#: the individuals chart; Laney's p′ chart estimates σ_z this way).
D2 = 1.128
#: The overdispersion test needs at least this many degrees of freedom (baseline periods
#: minus estimated centre lines); with fewer, ``limits="auto"`` keeps the binomial limits.
MIN_TEST_DF = 7
LIMITS = ("auto", "binomial", "laney")
SEASONS = ("month", "quarter")

_MONTH = re.compile(r"^\d{4}-(\d{2})(?:-\d{2})?$")
_QUARTER = re.compile(r"^\d{4}-?Q([1-4])$")


# ---------------------------------------------------------------------------------------
# Small statistics (no scipy: the core depends on numpy only for these)
# ---------------------------------------------------------------------------------------
def chi2_sf(x: float, df: int) -> float:
    """Upper tail ``P(χ²_df > x)`` by the Wilson–Hilferty cube-root normal approximation
    (within about 0.002 of the exact tail for df >= 7 in the range that matters here)."""
    if x <= 0.0:
        return 1.0
    c = 2.0 / (9.0 * df)
    zz = ((x / df) ** (1.0 / 3.0) - (1.0 - c)) / math.sqrt(c)
    return 0.5 * math.erfc(zz / math.sqrt(2.0))


def moving_range_sigma(r: FloatArray) -> float | None:
    """``mean(|r_t - r_{t-1}|) / 1.128``, or ``None`` with fewer than two values."""
    if r.size < 2:
        return None
    return float(np.abs(np.diff(r)).mean() / D2)


# ---------------------------------------------------------------------------------------
# Seasons
# ---------------------------------------------------------------------------------------
def season_keys(periods: Sequence[Any], season: Any, problems: list[Problem]) -> list[str] | None:
    """The season key of every period, or ``None`` when ``season`` is ``None``.

    ``"month"``: the month of a ``YYYY-MM`` (or ``YYYY-MM-DD``) label, ``"01"`` to ``"12"``;
    ``"quarter"``: ``Q1``..``Q4`` of a ``YYYYQn`` label or of a month label; a tuple of
    ``(period, key)`` pairs: the caller's own keys (periods compared as text).
    """
    if season is None:
        return None
    out: list[str] = []
    bad: list[str] = []
    table = dict(season) if not isinstance(season, str) else {}
    for per in periods:
        text = str(per)
        key: str | None = None
        if season == "month":
            m = _MONTH.match(text)
            key = m.group(1) if m and 1 <= int(m.group(1)) <= 12 else None
        elif season == "quarter":
            m = _MONTH.match(text)
            if m and 1 <= int(m.group(1)) <= 12:
                key = f"Q{(int(m.group(1)) - 1) // 3 + 1}"
            else:
                q = _QUARTER.match(text)
                key = f"Q{q.group(1)}" if q else None
        else:
            key = table.get(text)
        if key is None:
            bad.append(text)
        out.append(key or "")
    if bad:
        shown = ", ".join(dict.fromkeys(bad[:5]))
        if isinstance(season, str):
            need = "YYYY-MM" if season == "month" else "YYYY-MM or YYYYQn"
            problems.append(("season", f"needs {need} period labels; got {shown}"))
        else:
            problems.append(("season", f"has no season key for the periods {shown}"))
        return None
    return out


# ---------------------------------------------------------------------------------------
# The basis of one chart: which limits and why
# ---------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class ChartBasis:
    """Which limits one rate's charts in one segment use, and why.

    Attributes:
        rate: The rate (``"gross"``, ``"voluntary"``, ``"involuntary"``).
        segment: The segment.
        limits: ``"binomial"`` (textbook p-chart, σ_z = 1) or ``"laney"`` (p′: widened by σ_z).
        requested: The configured ``limits`` (``"auto"``, ``"binomial"`` or ``"laney"``).
        sigma_z: The factor the limits and the standardised rate use (1.0 for binomial).
        sigma_z_estimate: Laney's moving-range estimate of σ_z on the baseline
            (``None`` with fewer than two usable baseline periods).
        chi2: Pearson's dispersion statistic ``Σ z_t²`` over the baseline (``None`` when
            it cannot be computed).
        df: Its degrees of freedom: baseline periods minus centre lines estimated.
        p_value: ``P(χ²_df > chi2)`` (Wilson–Hilferty); small means overdispersed.
        baseline_periods: Periods of the segment in the baseline.
        season: ``None``, ``"month"``, ``"quarter"`` or ``"custom"``.
        why: ``"requested"`` (``limits`` was not ``"auto"``), ``"no_variation"`` (Laney
            limits requested on a baseline whose rates do not vary: σ_z 0 or not
            measurable, binomial limits kept), ``"too_few"`` (too few
            baseline periods to test), ``"binomial_fit"`` (the test does not reject),
            ``"baseline_shift"`` (the test rejects but the moving-range σ_z <= 1: a shift or
            trend inside the baseline) or ``"overdispersed"`` (Laney p′ chosen).
        reason: One sentence in English: the test result and the choice.
    """

    rate: str
    segment: str
    limits: str
    requested: str
    sigma_z: float
    sigma_z_estimate: float | None
    chi2: float | None
    df: int | None
    p_value: float | None
    baseline_periods: int
    season: str | None
    why: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return attrs.asdict(self)


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3g}"


def choose_limits(
    requested: str,
    alpha: float,
    chi2: float | None,
    df: int,
    s_hat: float | None,
) -> tuple[str, float, float | None, str, str]:
    """``(limits, sigma_z, p_value, why, reason)`` for one chart.

    ``auto`` uses Laney's p′ limits when the baseline's Pearson dispersion test rejects the
    binomial at level ``alpha`` *and* the moving-range σ_z exceeds 1; otherwise binomial.
    ``why`` is a code (``requested``, ``no_variation``, ``too_few``, ``binomial_fit``,
    ``baseline_shift``, ``overdispersed``) and ``reason`` the sentence in English (see
    ``docs/portfolio-monitoring.md``).
    """
    p_val = chi2_sf(chi2, df) if chi2 is not None and df >= 1 else None
    test = (
        f"X² {chi2:.1f} on {df} df, p {p_val:.2g}"
        if chi2 is not None and p_val is not None
        else "no dispersion test"
    )
    if requested == "binomial":
        why, reason = "requested", f"binomial limits requested ({test}, σ_z {_fmt(s_hat)})"
        return "binomial", 1.0, p_val, why, reason
    if requested == "laney":
        if s_hat is None or s_hat <= 0.0:
            reason = (
                "binomial limits: Laney p′ limits requested, but the baseline rates do not "
                "vary from period to period (σ_z 0 or not measurable)"
            )
            return "binomial", 1.0, p_val, "no_variation", reason
        why, reason = "requested", f"Laney p′ limits requested ({test}, σ_z {s_hat:.3g})"
        return "laney", s_hat, p_val, why, reason
    if chi2 is None or p_val is None or s_hat is None or df < MIN_TEST_DF:
        reason = (
            "binomial limits: too few baseline periods to test for overdispersion "
            f"({max(df, 0)} df, the test needs {MIN_TEST_DF})"
        )
        return "binomial", 1.0, p_val, "too_few", reason
    if p_val >= alpha:
        reason = f"binomial limits: baseline variation fits the binomial ({test} >= {alpha:g})"
        return "binomial", 1.0, p_val, "binomial_fit", reason
    if s_hat <= 1.0:
        reason = (
            f"binomial limits: {test} < {alpha:g} but the moving-range σ_z {s_hat:.3g} <= 1 "
            "(a shift or trend inside the baseline, not month-to-month noise: check the baseline)"
        )
        return "binomial", 1.0, p_val, "baseline_shift", reason
    reason = (
        f"Laney p′ limits: baseline overdispersed ({test} < {alpha:g}), limits widened by "
        f"σ_z {s_hat:.3g}"
    )
    return "laney", s_hat, p_val, "overdispersed", reason


# ---------------------------------------------------------------------------------------
# One segment's chart
# ---------------------------------------------------------------------------------------
def _centres(
    x: FloatArray, n: FloatArray, m: int, keys: list[str] | None, min_per_season: int
) -> tuple[FloatArray, FloatArray, FloatArray, int, list[tuple[str, int]]]:
    """Centre line per row, the in-baseline and the prediction variance factors, the number
    of centres estimated, and the seasons short of baseline periods ``(key, count)``.

    A period after the baseline differs from a centre estimated on ``N`` accounts by a
    variance ``σ_t²·(1 + n_t/N)``: the prediction factor ``sqrt(1 + n_t/N)``. A baseline
    period is part of its own centre: its residual's variance is ``σ_t²·(1 - n_t/N)``.
    """
    if keys is None:
        big = float(n[:m].sum())
        pb = float(x[:m].sum() / big)
        after = np.where(np.arange(n.size) < m, 1.0, np.sqrt(1.0 + n / big))
        return np.full(n.size, pb), np.ones(n.size), after, 1, []
    sums: dict[str, list[float]] = {}
    for t in range(m):
        acc = sums.setdefault(keys[t], [0.0, 0.0, 0.0])
        acc[0] += x[t]
        acc[1] += n[t]
        acc[2] += 1
    short = [
        (k, int(sums[k][2]) if k in sums else 0)
        for k in dict.fromkeys(keys)
        if k not in sums or sums[k][2] < min_per_season
    ]
    if short:
        return n, n, n, 0, short
    centre = np.array([sums[k][0] / sums[k][1] for k in keys])
    big_n = np.array([sums[k][1] for k in keys])
    lev = n / big_n
    inside = np.sqrt(np.clip(1.0 - lev, 0.0, None))  # residual of a period in its centre
    after = np.where(np.arange(n.size) < m, 1.0, np.sqrt(1.0 + lev))  # a new period's error
    return centre, inside, after, len(sums), []


def segment_chart(
    x: FloatArray,
    n: FloatArray,
    p: FloatArray,
    m: int,
    keys: list[str] | None,
    cfg: Any,
    funcs: tuple[Callable[..., Any], Callable[..., Any]],
) -> tuple[dict[str, FloatArray], dict[str, Any], list[tuple[str, int]]]:
    """The chart arrays, the basis fields and any season short of baseline periods.

    ``m`` is the number of baseline rows; ``funcs`` are the public ``cusum`` and ``ewma``.
    """
    centre, inside, after, n_centres, short = _centres(x, n, m, keys, cfg.season_min_periods)
    if short:
        return {}, {}, short
    sd = np.sqrt(centre * (1.0 - centre) / n)
    ok = sd > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(ok, (p - centre) / np.where(ok, sd, 1.0), 0.0)
        resid = np.where(ok & (inside > 0), z / np.where(inside > 0, inside, 1.0), 0.0)
    base_ok = ok[:m]
    used = int(base_ok.sum())
    chi2 = float((z[:m][base_ok] ** 2).sum()) if used > n_centres else None
    df = used - n_centres
    s_hat = moving_range_sigma(resid[:m][base_ok])
    if cfg.limits == "laney" and m < 2:
        return {}, {"problem": "laney"}, []
    limits, s, p_val, why, reason = choose_limits(cfg.limits, cfg.dispersion_alpha, chi2, df, s_hat)
    if limits == "binomial" and keys is None:
        after = np.ones(n.size)  # the textbook p-chart: p̄ treated as known
    width = cfg.sigma * s * sd * after
    lcl = np.maximum(0.0, centre - width)
    ucl = np.minimum(1.0, centre + width)
    zs = z / (s * after) if s > 0 else np.zeros_like(z)
    cusum, ewma = funcs
    hi, lo = cusum(zs, k=cfg.cusum_k, h=cfg.cusum_h, reset=cfg.cusum_reset)
    e, elim = ewma(zs, lam=cfg.ewma_lambda, L=cfg.ewma_L)
    arrays = {
        "center": centre,
        "lcl": lcl,
        "ucl": ucl,
        "z": zs,
        "cusum_hi": hi,
        "cusum_lo": lo,
        "ewma": e,
        "ewma_limit": elim,
        "sigma_z": np.full(n.size, s),
    }
    basis = {
        "limits": limits,
        "sigma_z": s,
        "sigma_z_estimate": s_hat,
        "chi2": chi2,
        "df": df if chi2 is not None else None,
        "p_value": p_val,
        "why": why,
        "reason": reason,
    }
    return arrays, basis, []


def season_label(season: Any) -> str | None:
    """``"month"``, ``"quarter"``, ``"custom"`` (a mapping) or ``None``."""
    if season is None or isinstance(season, str):
        return season
    return "custom"


def check_season(value: Any, problems: list[Problem]) -> Any:
    """``None``, ``"month"``, ``"quarter"`` or a sorted tuple of ``(period, key)`` text pairs."""
    if value is None or (isinstance(value, str) and value in SEASONS):
        return value
    if isinstance(value, Mapping) and value:
        pairs = []
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                problems.append(("season", "keys must be period labels (text or integers)"))
                return None
            if not isinstance(v, (str, int)) or isinstance(v, bool) or not str(v):
                problems.append((f"season.{k}", "must be a season key (text)"))
                return None
            pairs.append((str(k), str(v)))
        return tuple(sorted(pairs))
    if (
        isinstance(value, tuple)
        and value
        and all(
            isinstance(t, tuple) and len(t) == 2 and all(isinstance(v, str) and v for v in t)
            for t in value
        )
    ):
        return value
    problems.append(
        ("season", "must be None, 'month', 'quarter' or a non-empty mapping {period: key}")
    )
    return None


# ---------------------------------------------------------------------------------------
# The series of one rate, and the crossings that become alerts
# ---------------------------------------------------------------------------------------
@attrs.frozen(eq=False)
class ChartSeries:
    """The charts of one rate, row by row (aligned with the counts).

    Attributes:
        center: The row's centre line: ``p̄`` of its segment's baseline, or of its season's
            baseline periods with a seasonal baseline.
        lcl, ucl: p-chart limits ``center ∓ sigma·σ_z·σ_t`` (times the seasonal prediction
            factor after the baseline), floored at 0 and capped at 1.
        z: The standardised rate CUSUM and EWMA read: ``(p_t - center_t) / (σ_z·σ_t)``
            (``σ_z = 1`` with binomial limits; divided by the seasonal prediction factor too).
        cusum_hi, cusum_lo: ``S⁺_t`` and ``S⁻_t``.
        ewma: ``E_t``.
        ewma_limit: The EWMA limit at ``t``.
        sigma_z: The σ_z of the row's segment (1.0 with binomial limits).
    """

    center: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    z: np.ndarray
    cusum_hi: np.ndarray
    cusum_lo: np.ndarray
    ewma: np.ndarray
    ewma_limit: np.ndarray
    sigma_z: np.ndarray


def segment_bounds(segments: Sequence[str]) -> list[tuple[int, int]]:
    """``(first row, end row)`` of each segment's run of rows (counts are sorted by segment)."""
    bounds = []
    start = 0
    for r in range(1, len(segments) + 1):
        if r == len(segments) or segments[r] != segments[start]:
            bounds.append((start, r))
            start = r
    return bounds


def crossings(r: int, obs: float, ch: ChartSeries, cfg: Any) -> list[tuple[str, float, float, str]]:
    """``(rule, value, limit, side)`` of every rule that row ``r`` of the chart breaks."""
    found = []
    if "p_chart" in cfg.rules:
        if obs > ch.ucl[r]:
            found.append(("p_chart", obs, float(ch.ucl[r]), "high"))
        elif obs < ch.lcl[r]:
            found.append(("p_chart", obs, float(ch.lcl[r]), "low"))
    if "cusum" in cfg.rules:
        if ch.cusum_hi[r] > cfg.cusum_h:
            found.append(("cusum", float(ch.cusum_hi[r]), cfg.cusum_h, "high"))
        if ch.cusum_lo[r] > cfg.cusum_h:
            found.append(("cusum", float(ch.cusum_lo[r]), cfg.cusum_h, "low"))
    if "ewma" in cfg.rules:
        if ch.ewma[r] > ch.ewma_limit[r]:
            found.append(("ewma", float(ch.ewma[r]), float(ch.ewma_limit[r]), "high"))
        elif ch.ewma[r] < -ch.ewma_limit[r]:
            found.append(("ewma", float(ch.ewma[r]), -float(ch.ewma_limit[r]), "low"))
    return found


# ---------------------------------------------------------------------------------------
# One rate over every segment, and its alerts
# ---------------------------------------------------------------------------------------
RULES = ("p_chart", "cusum", "ewma")
RATES = ("gross", "voluntary", "involuntary")


def rate_chart(
    name: str,
    c: Any,
    x: FloatArray,
    n: FloatArray,
    p: FloatArray,
    cfg: Any,
    funcs: tuple[Callable[..., Any], Callable[..., Any]],
) -> tuple[ChartSeries, list[ChartBasis]]:
    """The charts of one rate (``x`` events out of ``n``, rate ``p``) over the counts ``c``,
    segment by segment, and the basis of each segment's limits.

    Raises:
        InvalidInputError: bad season labels, a season short of baseline periods (each one
            named), or Laney limits on a one-period baseline.
    """
    fields = ("center", "lcl", "ucl", "z", "cusum_hi", "cusum_lo", "ewma", "ewma_limit")
    arrays = {k: np.empty(len(n)) for k in (*fields, "sigma_z")}
    problems: list[Problem] = []
    keys = season_keys(c.period, cfg.season, problems)
    raise_if(problems, "seasonal baseline")
    bases = []
    for a, b in segment_bounds(c.segment):
        m = (b - a) if cfg.baseline_periods is None else min(b - a, cfg.baseline_periods)
        seg = c.segment[a]
        got, basis, short = segment_chart(
            x[a:b], n[a:b], p[a:b], m, None if keys is None else keys[a:b], cfg, funcs
        )
        for key, count in short:
            problems.append(
                (
                    f"season.{key}",
                    f"segment {seg}: {count} baseline period(s) in this season; a seasonal "
                    f"baseline needs at least {cfg.season_min_periods} (season_min_periods)",
                )
            )
        if basis.get("problem") == "laney":
            problems.append(
                ("limits", f"segment {seg}: Laney limits need at least 2 baseline periods")
            )
        if not got:
            continue
        for key, val in got.items():
            arrays[key][a:b] = val
        bases.append(
            ChartBasis(
                rate=name,
                segment=seg,
                requested=cfg.limits,
                baseline_periods=m,
                season=season_label(cfg.season),
                **basis,
            )
        )
    raise_if(problems, "seasonal baseline" if cfg.season is not None else "signal configuration")
    for arr in arrays.values():
        arr.setflags(write=False)
    return ChartSeries(**arrays), bases


def rate_alerts(
    name: str,
    c: Any,
    p: FloatArray,
    ch: ChartSeries,
    cfg: Any,
    bases: list[ChartBasis],
    make: Callable[..., Any],
) -> list[tuple[tuple[int, int, int, str], Any]]:
    """The alerts of one rate, each with its sort key (row, rate, rule, side); ``make``
    builds a :class:`credit_closure.portfolio.PortfolioAlert` from a rule and its fields."""
    rule_rank = {rule: i for i, rule in enumerate(RULES)}
    rate_rank = {rate: i for i, rate in enumerate(RATES)}
    limits = {b.segment: b.limits for b in bases}
    out = []
    for r in range(len(c)):
        pr, sg, obs = c.period[r], c.segment[r], float(p[r])
        for rule, value, limit, side in crossings(r, obs, ch, cfg):
            alert = make(
                rule,
                rate=name,
                period=pr,
                segment=sg,
                value=value,
                limit=limit,
                side=side,
                observed_rate=obs,
                limits=limits[sg],
                sigma_z=float(ch.sigma_z[r]),
            )
            out.append(((r, rate_rank[name], rule_rank[rule], side), alert))
    return out
