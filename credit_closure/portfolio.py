"""Portfolio closure-rate signal: closure rates per period and segment, control charts, PSI.

A wave of closures across a lender's book is a *market* signal, read on aggregates only.
Nothing here takes or returns a person's data beyond counting their accounts, and no scorer
reads anything from this module: a portfolio alert never feeds a person's score
(DOMAIN.md §7, INFERENCE; ``docs/portfolio-monitoring.md``).

**Counts (the long format).** One row per period and segment with the columns ``period``,
``segment`` (optional; ``"all"`` when absent), ``open_at_start`` (accounts open at the start
of the period, >= 1), ``closures`` (of those accounts, how many closed in the period),
``voluntary`` (closed by the consumer) and ``involuntary`` (closed by a lender, platform or
regulator, or charged off) -- so ``voluntary + involuntary <= closures <= open_at_start``;
the rest had an unknown initiator. Accepted as a dict of arrays (or lists), a pandas
DataFrame, or a sequence of row mappings. Periods are integers or strings (ISO labels such as
``"2025-01"`` sort correctly); segments are reported as strings.

**Rates** [RKH-ATTR][VINTAGE]: gross ``closures / open_at_start``, voluntary
``voluntary / open_at_start`` and involuntary ``involuntary / open_at_start``.

**Rules**, per segment and rate, in period order; ``p̄`` is the pooled rate of the segment's
baseline periods (all periods unless ``baseline_periods`` is set), ``σ_t = sqrt(p̄(1-p̄)/n_t)``
with ``n_t = open_at_start``, and ``z_t = (p_t - p̄) / (σ_z·σ_t)`` (0 when ``σ_t = 0``), where
``σ_z`` is 1 (binomial limits) or Laney's moving-range estimate on the baseline (p′ limits),
chosen per segment and rate by ``SignalConfig.limits`` (``"auto"``: p′ when the baseline is
overdispersed, see :class:`ChartBasis`). With ``SignalConfig.season`` the centre is the pooled
rate of the baseline periods of the same season (month of year, quarter or the caller's keys):

- p-chart [PCHART]: limits ``p̄ ± sigma·σ_z·σ_t`` (LCL floored at 0, UCL capped at 1); alert
  when the rate is outside them.
- tabular CUSUM on ``z_t`` [CUSUM-MONT][CUSUM-JMP]: ``S⁺_t = max(0, S⁺_{t-1} + z_t - k)``,
  ``S⁻_t = max(0, S⁻_{t-1} - z_t - k)``, ``S_0 = 0``; alert when either exceeds ``h``
  (defaults k = 0.5, h = 5); after a signal both sums restart from 0 (``cusum_reset``).
- EWMA on ``z_t`` [EWMA-NIST][EWMA-LIM]: ``E_t = λ z_t + (1-λ) E_{t-1}``, ``E_0 = 0`` (the
  target of a standardised series); alert when ``|E_t| > L·sqrt(λ/(2-λ)·(1-(1-λ)^{2t}))``
  (defaults λ = 0.2, L = 3).
- PSI between two periods' score distributions [PSI-1][PSI-2]: :func:`score_psi`, with the
  0.1 (warning) / 0.25 (alert) bands of :func:`credit_closure.metrics.psi`.

Every alert names the rule, the rate, the period, the segment, the statistic's value and the
limit it crossed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from credit_closure._contract.model import CreditProfile
from credit_closure._portfolio import charts as _charts
from credit_closure._portfolio import columns as _columns_mod
from credit_closure._portfolio import events as _events
from credit_closure._portfolio.charts import ChartBasis, ChartSeries
from credit_closure._portfolio.columns import (
    Problem,
    check_columns,
    columns,
    float_array,
    num_in,
    raise_if,
)
from credit_closure._portfolio.events import (
    account_spans,
    check_events,
    check_profile_options,
    count_rows,
    event_counts,
    open_counts,
    period_rows,
)
from credit_closure._portfolio.plot import draw_rate_panels
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "COUNT_COLUMNS",
    "ChartBasis",
    "ChartSeries",
    "ClosureCounts",
    "ClosureRates",
    "INITIATOR_CODES",
    "PortfolioAlert",
    "RATES",
    "SignalConfig",
    "StabilityCheck",
    "closure_counts",
    "closure_counts_from_arrays",
    "closure_counts_from_profiles",
    "closure_rates",
    "cusum",
    "ewma",
    "laney_sigma_z",
    "p_chart_limits",
    "plot_closure_rates",
    "score_psi",
]

#: The columns of the long counts format (``segment`` is optional).
COUNT_COLUMNS = _columns_mod.COUNT_COLUMNS
#: The rates computed for every row.
RATES = _charts.RATES
#: Integer codes of closure initiators for :func:`closure_counts_from_arrays` (its fast path).
#: ``charge_off`` marks an account that ended as a charge-off / bad debt (involuntary).
INITIATOR_CODES: dict[str, int] = _events.INITIATOR_CODES


# ---------------------------------------------------------------------------------------
# Small checked helpers
# ---------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------
# The chart formulas, on plain arrays (public so that they can be checked by hand)
# ---------------------------------------------------------------------------------------
def p_chart_limits(
    x: Any, n: Any, *, sigma: float = 3.0, p_bar: float | None = None, sigma_z: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre line and 3-sigma limits of a p-chart with a varying sample size [PCHART].

    ``p̄ = Σx / Σn`` unless given; ``LCL_t = max(0, p̄ - sigma·σ_z·sqrt(p̄(1-p̄)/n_t))`` and
    ``UCL_t = min(1, p̄ + sigma·σ_z·sqrt(p̄(1-p̄)/n_t))``. ``σ_z = 1`` is the textbook
    p-chart; ``σ_z > 1`` is Laney's p′ chart (see :func:`laney_sigma_z`).

    Args:
        x: Events per period (closures), ``0 <= x_t <= n_t``.
        n: Trials per period (accounts open at its start), ``n_t >= 1``.
        sigma: The limits' multiplier (default 3).
        p_bar: The centre line, when it comes from a baseline; ``Σx / Σn`` when ``None``.
        sigma_z: Laney's between-period factor (default 1: binomial limits).

    Returns:
        ``(center, lcl, ucl)``, arrays as long as ``x``.

    Raises:
        InvalidInputError: lengths differ, counts are out of range, or sigma/p_bar/sigma_z
            are bad.

    Example:
        >>> c, lo, hi = p_chart_limits([10, 10, 10, 30], [100, 100, 100, 100])
        >>> round(float(c[0]), 4), round(float(lo[0]), 6), round(float(hi[0]), 6)
        (0.15, 0.042879, 0.257121)
    """
    problems: list[Problem] = []
    xa = float_array(x, "x", problems)
    na = float_array(n, "n", problems)
    if not num_in(sigma, 0.0, 100.0, lo_open=True):
        problems.append(("sigma", "must be a number > 0 and <= 100"))
    if p_bar is not None and not num_in(p_bar, 0.0, 1.0):
        problems.append(("p_bar", "must be a number between 0 and 1"))
    if not num_in(sigma_z, 0.0, 1000.0, lo_open=True):
        problems.append(("sigma_z", "must be a number > 0 and <= 1000"))
    if xa is not None and na is not None:
        if xa.shape != na.shape:
            problems.append(("n", "must be as long as x"))
        elif xa.size == 0:
            problems.append(("x", "must not be empty"))
        elif (na < 1).any() or (xa < 0).any() or (xa > na).any():
            problems.append(("x", "must satisfy 0 <= x_t <= n_t with n_t >= 1"))
    raise_if(problems, "argument")
    assert xa is not None and na is not None
    pb = float(xa.sum() / na.sum()) if p_bar is None else float(p_bar)
    sd = sigma_z * np.sqrt(pb * (1.0 - pb) / na)
    center = np.full(na.shape, pb)
    return center, np.maximum(0.0, pb - sigma * sd), np.minimum(1.0, pb + sigma * sd)


def laney_sigma_z(x: Any, n: Any, *, p_bar: float | None = None) -> float:
    """Laney's σ_z: the spread of the standardised rates between periods (p′ chart).

    ``z_t = (p_t - p̄) / sqrt(p̄(1-p̄)/n_t)`` and ``σ_z = mean(|z_t - z_{t-1}|) / 1.128``
    (the moving-range estimate of an individuals chart). Binomial data give ``σ_z ≈ 1``; a
    book whose rate also moves from month to month gives more, and the p′ limits
    ``p̄ ± 3·σ_z·σ_t`` widen by that factor. The moving range follows the period-to-period
    noise and is little moved by a slow trend or one step.

    Args:
        x: Events per period, ``0 <= x_t <= n_t``.
        n: Trials per period, ``n_t >= 1``.
        p_bar: The centre line; ``Σx / Σn`` when ``None``.

    Returns:
        σ_z (``0.0`` when ``p̄`` is 0 or 1).

    Raises:
        InvalidInputError: as :func:`p_chart_limits`, or fewer than two periods.

    Example:
        >>> round(laney_sigma_z([100, 130, 90, 120], [10_000] * 4), 4)
        2.8332
    """
    center, _lo, _hi = p_chart_limits(x, n, p_bar=p_bar)
    xa = np.asarray(x, dtype=np.float64)
    na = np.asarray(n, dtype=np.float64)
    if xa.size < 2:
        raise InvalidInputError([("x", "must have at least two periods")], what="argument")
    pb = float(center[0])
    if pb <= 0.0 or pb >= 1.0:
        return 0.0
    z = (xa / na - pb) / np.sqrt(pb * (1.0 - pb) / na)
    s = _charts.moving_range_sigma(z)
    assert s is not None
    return s


def cusum(
    z: Any, *, k: float = 0.5, h: float = 5.0, reset: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Tabular CUSUM of a standardised series [CUSUM-MONT].

    ``S⁺_t = max(0, S⁺_{t-1} + z_t - k)``, ``S⁻_t = max(0, S⁻_{t-1} - z_t - k)``, from 0.
    A signal is ``S⁺_t > h`` or ``S⁻_t > h``. With ``reset`` (the default) both sums restart
    from 0 after a signal, as when the process has been looked at and the chart restarted:
    the value at the signal is returned, and period ``t+1`` starts from ``S = 0``. Without
    it the sums run on (as in earlier releases: a lasting shift alarms every period).

    Args:
        z: The standardised values.
        k: Reference value (allowance), half the shift to detect in sigmas (default 0.5).
        h: Decision interval (default 5).
        reset: Restart both sums from 0 after a signal (default ``True``).

    Returns:
        ``(s_hi, s_lo)``.

    Raises:
        InvalidInputError: ``z`` is not a finite 1-D sequence, or k/h are out of range.

    Example:
        >>> hi, lo = cusum([1, 2, 3, 0, -1])
        >>> hi.tolist(), lo.tolist()
        ([0.5, 2.0, 4.5, 4.0, 2.5], [0.0, 0.0, 0.0, 0.0, 0.5])
        >>> cusum([3, 3, 3, 3], h=4)[0].tolist(), cusum([3, 3, 3, 3], h=4, reset=False)[0].tolist()
        ([2.5, 5.0, 2.5, 5.0], [2.5, 5.0, 7.5, 10.0])
    """
    problems: list[Problem] = []
    za = float_array(z, "z", problems)
    if not num_in(k, 0.0, 100.0):
        problems.append(("k", "must be a number between 0 and 100"))
    if not num_in(h, 0.0, 1000.0, lo_open=True):
        problems.append(("h", "must be a number > 0 and <= 1000"))
    if not isinstance(reset, bool):
        problems.append(("reset", "must be true or false"))
    raise_if(problems, "argument")
    assert za is not None
    hi = np.empty_like(za)
    lo = np.empty_like(za)
    s_hi = s_lo = 0.0
    for t, v in enumerate(za.tolist()):
        s_hi = max(0.0, s_hi + v - k)
        s_lo = max(0.0, s_lo - v - k)
        hi[t] = s_hi
        lo[t] = s_lo
        if reset and (s_hi > h or s_lo > h):
            s_hi = s_lo = 0.0
    return hi, lo


def ewma(z: Any, *, lam: float = 0.2, L: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """EWMA of a standardised series with the exact time-varying limits [EWMA-NIST].

    ``E_t = λ z_t + (1-λ) E_{t-1}`` with ``E_0 = 0``, and the limit
    ``L·sqrt(λ/(2-λ)·(1-(1-λ)^{2t}))`` for ``t = 1, 2, ...`` (σ = 1, μ0 = 0).

    Args:
        z: The standardised values.
        lam: The weight λ of the newest value, 0 < λ <= 1 (default 0.2).
        L: Width of the limits in sigmas (default 3).

    Returns:
        ``(e, limit)``: the statistic and the (symmetric) limit at each time.

    Raises:
        InvalidInputError: ``z`` is not a finite 1-D sequence, or λ/L are out of range.

    Example:
        >>> e, lim = ewma([1, 2, 3, 0, -1])
        >>> [round(v, 5) for v in e.tolist()], round(float(lim[0]), 6)
        ([0.2, 0.56, 1.048, 0.8384, 0.47072], 0.6)
    """
    problems: list[Problem] = []
    za = float_array(z, "z", problems)
    if not num_in(lam, 0.0, 1.0, lo_open=True):
        problems.append(("lam", "must be a number > 0 and <= 1"))
    if not num_in(L, 0.0, 100.0, lo_open=True):
        problems.append(("L", "must be a number > 0 and <= 100"))
    raise_if(problems, "argument")
    assert za is not None
    e = np.empty_like(za)
    prev = 0.0
    for i, v in enumerate(za.tolist()):
        prev = lam * v + (1.0 - lam) * prev
        e[i] = prev
    t = np.arange(1, za.size + 1, dtype=np.float64)
    limit = L * np.sqrt(lam / (2.0 - lam) * (1.0 - (1.0 - lam) ** (2.0 * t)))
    return e, limit


# ---------------------------------------------------------------------------------------
# Configuration, alerts
# ---------------------------------------------------------------------------------------
_RULES = _charts.RULES


@attrs.frozen(kw_only=True)
class SignalConfig:
    """Parameters of the closure-rate alert rules (DOMAIN.md §9 R15).

    Args:
        sigma: p-chart limit width in sigmas (default 3) [PCHART].
        cusum_k: CUSUM reference value k (default 0.5, a 1-sigma shift) [CUSUM-MONT].
        cusum_h: CUSUM decision interval h (default 5).
        ewma_lambda: EWMA weight λ (default 0.2) [EWMA-NIST].
        ewma_L: EWMA limit width L (default 3).
        baseline_periods: The first N periods of each segment estimate ``p̄`` (Phase I);
            ``None`` uses every period.
        rates: Which rates the rules watch (default all of :data:`RATES`).
        rules: Which rules run (default ``("p_chart", "cusum", "ewma")``).
        limits: ``"auto"`` (default): Laney p′ limits when the baseline is overdispersed
            (Pearson dispersion test at ``dispersion_alpha`` rejects the binomial and the
            moving-range σ_z exceeds 1), binomial limits otherwise; ``"binomial"``: always
            the textbook limits (the behaviour of earlier releases); ``"laney"``: always p′.
            The choice and its reason are in :attr:`ClosureRates.bases`.
        dispersion_alpha: Level of the overdispersion test (default 0.05).
        cusum_reset: Restart the CUSUM from 0 after a signal (default ``True``).
        season: ``None`` (default), ``"month"`` (month of year of ``YYYY-MM`` periods),
            ``"quarter"``, or a mapping ``{period: season key}`` (e.g. to mark the Chinese New
            Year month, 618 or 双11 yourself): each period is compared with the baseline
            periods of its own season.
        season_min_periods: Baseline periods each season needs (default 2, i.e. two years
            of a month-of-year baseline; at least 2).

    Raises:
        InvalidInputError: a parameter is out of range.

    Example:
        >>> SignalConfig().cusum_h, SignalConfig(ewma_lambda=0.3).ewma_lambda
        (5.0, 0.3)
        >>> SignalConfig().limits, SignalConfig(season="month").season
        ('auto', 'month')
    """

    sigma: float = 3.0
    cusum_k: float = 0.5
    cusum_h: float = 5.0
    ewma_lambda: float = 0.2
    ewma_L: float = 3.0
    baseline_periods: int | None = None
    rates: tuple[str, ...] = attrs.field(default=RATES, converter=tuple)
    rules: tuple[str, ...] = attrs.field(default=_RULES, converter=tuple)
    limits: str = "auto"
    dispersion_alpha: float = 0.05
    cusum_reset: bool = True
    season: Any = None
    season_min_periods: int = 2

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        object.__setattr__(self, "season", _charts.check_season(self.season, p))
        if self.limits not in _charts.LIMITS:
            p.append(("limits", f"must be one of: {', '.join(_charts.LIMITS)}"))
        if not num_in(self.dispersion_alpha, 0.0, 0.5, lo_open=True):
            p.append(("dispersion_alpha", "must be a number > 0 and <= 0.5"))
        if not isinstance(self.cusum_reset, bool):
            p.append(("cusum_reset", "must be true or false"))
        m = self.season_min_periods
        if isinstance(m, bool) or not isinstance(m, int) or m < 2:
            p.append(("season_min_periods", "must be an integer >= 2"))
        if not num_in(self.sigma, 0.0, 100.0, lo_open=True):
            p.append(("sigma", "must be a number > 0 and <= 100"))
        if not num_in(self.cusum_k, 0.0, 100.0):
            p.append(("cusum_k", "must be a number between 0 and 100"))
        if not num_in(self.cusum_h, 0.0, 1000.0, lo_open=True):
            p.append(("cusum_h", "must be a number > 0 and <= 1000"))
        if not num_in(self.ewma_lambda, 0.0, 1.0, lo_open=True):
            p.append(("ewma_lambda", "must be a number > 0 and <= 1"))
        if not num_in(self.ewma_L, 0.0, 100.0, lo_open=True):
            p.append(("ewma_L", "must be a number > 0 and <= 100"))
        b = self.baseline_periods
        if b is not None and (isinstance(b, bool) or not isinstance(b, int) or b < 1):
            p.append(("baseline_periods", "must be an integer >= 1 or None"))
        if not self.rates or any(r not in RATES for r in self.rates):
            p.append(("rates", f"must be a non-empty list of: {', '.join(RATES)}"))
        if any(r not in _RULES for r in self.rules):
            p.append(("rules", f"must list only: {', '.join(_RULES)}"))
        if p:
            raise InvalidInputError(p, what="signal configuration")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "sigma": self.sigma,
            "cusum_k": self.cusum_k,
            "cusum_h": self.cusum_h,
            "ewma_lambda": self.ewma_lambda,
            "ewma_L": self.ewma_L,
            "baseline_periods": self.baseline_periods,
            "rates": list(self.rates),
            "rules": list(self.rules),
            "limits": self.limits,
            "dispersion_alpha": self.dispersion_alpha,
            "cusum_reset": self.cusum_reset,
            "season": (
                dict(self.season)
                if self.season is not None and not isinstance(self.season, str)
                else self.season
            ),
            "season_min_periods": self.season_min_periods,
        }


@attrs.frozen(kw_only=True)
class PortfolioAlert:
    """One portfolio alert: which rule fired, where, the statistic and the limit it crossed.

    Attributes:
        rule: ``"p_chart"``, ``"cusum"``, ``"ewma"`` or ``"psi"``.
        rate: ``"gross"``, ``"voluntary"``, ``"involuntary"`` (``"score"`` for PSI).
        period: The period label.
        segment: The segment label.
        value: The statistic: the rate (p-chart), ``S⁺``/``S⁻`` (CUSUM), ``E_t`` (EWMA) or the
            PSI.
        limit: The limit it crossed (UCL or LCL, ``h``, ``±`` the EWMA limit, 0.1 or 0.25).
        side: ``"high"`` (above an upper limit) or ``"low"``.
        severity: ``"alert"``, or ``"warning"`` for a moderate PSI shift.
        observed_rate: The period's rate (``None`` for PSI).
        sources: DOMAIN.md source keys of the rule.
        limits: ``"binomial"`` or ``"laney"``: the limits of the chart that fired (see
            :class:`ChartBasis`).
        sigma_z: The σ_z those limits used (1.0 for binomial limits).
    """

    rule: str
    rate: str
    period: Any
    segment: str
    value: float
    limit: float
    side: str
    severity: str = "alert"
    observed_rate: float | None = None
    sources: tuple[str, ...] = ()
    limits: str = "binomial"
    sigma_z: float = 1.0

    @property
    def message(self) -> str:
        """One line in English naming rule, rate, period, segment, value and limit."""
        if self.rule == "cusum":
            stat = "S+" if self.side == "high" else "S-"
            what = f"{stat} {self.value:.6g} > h {self.limit:.6g}"
        else:
            cmp = ">" if self.side == "high" else "<"
            stat = {"p_chart": "rate", "ewma": "EWMA", "psi": "PSI"}.get(self.rule, "value")
            lim = {"p_chart": "UCL" if self.side == "high" else "LCL"}.get(self.rule, "limit")
            what = f"{stat} {self.value:.6g} {cmp} {lim} {self.limit:.6g}"
        if self.limits == "laney":
            what += f" (Laney p′ limits, σ_z {self.sigma_z:.3g})"
        return (
            f"{self.rule}: {self.rate} rate, period {self.period}, segment {self.segment}: {what}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "rule": self.rule,
            "rate": self.rate,
            "period": self.period,
            "segment": self.segment,
            "value": self.value,
            "limit": self.limit,
            "side": self.side,
            "severity": self.severity,
            "observed_rate": self.observed_rate,
            "sources": list(self.sources),
            "limits": self.limits,
            "sigma_z": self.sigma_z,
            "message": self.message,
        }


_SOURCES = {
    "p_chart": ("PCHART",),
    "cusum": ("CUSUM-MONT", "CUSUM-JMP"),
    "ewma": ("EWMA-NIST", "EWMA-LIM"),
    "psi": ("PSI-1", "PSI-2"),
}


# ---------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------
def _int_tuple(a: Any) -> np.ndarray:
    arr = np.asarray(a, dtype=np.int64)
    arr.setflags(write=False)
    return arr


@attrs.frozen(eq=False)
class ClosureCounts:
    """Validated closure counts in the long format, sorted by segment, then period.

    Build it with :func:`closure_counts` (or one of the ``closure_counts_from_*``
    functions). The count arrays are read-only ``int64`` numpy arrays.

    Example:
        >>> c = closure_counts({"period": ["2025-02", "2025-01"], "open_at_start": [90, 100],
        ...                     "closures": [9, 5], "voluntary": [6, 4], "involuntary": [2, 1]})
        >>> c.period, c.segment, c.closures.tolist()
        (('2025-01', '2025-02'), ('all', 'all'), [5, 9])
    """

    period: tuple[Any, ...]
    segment: tuple[str, ...]
    open_at_start: np.ndarray = attrs.field(converter=_int_tuple)
    closures: np.ndarray = attrs.field(converter=_int_tuple)
    voluntary: np.ndarray = attrs.field(converter=_int_tuple)
    involuntary: np.ndarray = attrs.field(converter=_int_tuple)

    def __len__(self) -> int:
        return len(self.period)

    @property
    def segments(self) -> tuple[str, ...]:
        """The segments, in order."""
        return tuple(dict.fromkeys(self.segment))

    def to_dict(self) -> dict[str, list[Any]]:
        """The long format as a dict of lists (JSON-safe)."""
        return {
            "period": list(self.period),
            "segment": list(self.segment),
            "open_at_start": self.open_at_start.tolist(),
            "closures": self.closures.tolist(),
            "voluntary": self.voluntary.tolist(),
            "involuntary": self.involuntary.tolist(),
        }


def _columns(data: Any) -> dict[str, Any]:
    """The columns of a dict of arrays, a DataFrame, a sequence of row mappings or counts."""
    if isinstance(data, ClosureCounts):
        return data.to_dict()
    return columns(data)


def closure_counts(data: Any) -> ClosureCounts:
    """Validate closure counts in the long format (see the module documentation).

    Args:
        data: A dict of columns (arrays or lists), a pandas DataFrame, a sequence of row
            mappings, or a :class:`ClosureCounts`.

    Returns:
        A :class:`ClosureCounts`, sorted by segment and period.

    Raises:
        InvalidInputError: listing every problem: missing or unknown columns, unequal
            lengths, counts that are not whole numbers ``>= 0``, ``open_at_start < 1``,
            ``closures > open_at_start``, ``voluntary + involuntary > closures``, and
            duplicate (period, segment) rows, each with its row (``closures[3]``).

    Example:
        >>> closure_counts([{"period": 1, "segment": "huabei", "open_at_start": 50,
        ...                  "closures": 3, "voluntary": 2, "involuntary": 1}]).segment
        ('huabei',)
    """
    if isinstance(data, ClosureCounts):
        return data
    period, segment, (o, c, v, i), order = check_columns(_columns(data))
    idx = np.asarray(order, dtype=np.int64)
    return ClosureCounts(
        period=tuple(period[r] for r in order),
        segment=tuple(segment[r] for r in order),
        open_at_start=o[idx],
        closures=c[idx],
        voluntary=v[idx],
        involuntary=i[idx],
    )


# ---------------------------------------------------------------------------------------
# From events
# ---------------------------------------------------------------------------------------


def closure_counts_from_arrays(
    closed_on: Any,
    initiator: Any,
    segment: Any = None,
    *,
    open_at_start: Any,
    freq: str = "M",
) -> ClosureCounts:
    """Closure counts from columns of closure events (the vectorised path).

    Args:
        closed_on: Closing dates: a ``datetime64`` array (fastest), dates or ISO strings.
        initiator: Who closed each account: integer codes of :data:`INITIATOR_CODES`
            (fastest) or their names; ``charge_off`` for an account that ended charged off.
        segment: The segment of each event (integer codes or labels), or ``None`` for one
            segment ``"all"``.
        open_at_start: Accounts open at the start of each period and segment: counts in the
            long format with the columns ``period``, ``segment`` (optional) and
            ``open_at_start``, or a mapping ``{(period, segment): n}`` (``{period: n}``
            without segments). Periods are labelled ``"2025-01"`` (M), ``"2025Q1"`` (Q) or
            ``"2025"`` (Y); segments as ``str(label)``.
        freq: ``"M"``, ``"Q"`` or ``"Y"``.

    Returns:
        :class:`ClosureCounts` with a row for every (period, segment) of ``open_at_start``.

    Raises:
        InvalidInputError: bad arrays, an unknown initiator, a closure in a (period,
            segment) with no open count, or counts that break the format's rules.

    Example:
        >>> import numpy as np
        >>> days = np.array(["2025-01-05", "2025-01-20", "2025-02-03"], dtype="datetime64[D]")
        >>> c = closure_counts_from_arrays(days, np.array([0, 1, 6]),
        ...                                open_at_start={"2025-01": 100, "2025-02": 98})
        >>> c.period, c.closures.tolist(), c.voluntary.tolist(), c.involuntary.tolist()
        (('2025-01', '2025-02'), [2, 1], [1, 0], [1, 1])
    """
    days, init, seg_codes, seg_labels = check_events(closed_on, initiator, segment, freq)
    counts = event_counts(days, init, seg_codes, [str(s) for s in seg_labels], freq)
    problems: list[Problem] = []
    opens = open_counts(open_at_start, segment, _columns, problems)
    raise_if(problems, "closure events")
    return closure_counts(count_rows(counts, opens, problems))


def closure_counts_from_profiles(
    profiles: Iterable[CreditProfile],
    *,
    freq: str = "M",
    segment_by: str | None = "product",
    start: Any = None,
    end: Any = None,
) -> ClosureCounts:
    """Closure counts from the accounts and closure events of many profiles.

    For each period, ``open_at_start`` counts the accounts opened before the period's start
    (an unknown opening date counts as before every period) that had not ended by then;
    ``closures`` counts those of them that ended during the period, by the account's
    ``closed_on`` (else its closure event's date). Voluntary: closed by the consumer;
    involuntary: closed by a lender, platform or regulator, or charged off / ended as bad
    debt. Accounts opened and closed inside one period are not counted (they were not open at
    its start). Ended accounts with no date are left out. Periods with no open account in a
    segment are left out.

    Args:
        profiles: :class:`~credit_closure.CreditProfile` objects.
        freq: ``"M"``, ``"Q"`` or ``"Y"``.
        segment_by: ``"product"``, ``"provider"`` (missing provider: ``"unknown"``) or
            ``None`` (one segment ``"all"``).
        start, end: First and last date to cover (``date`` or ``"YYYY-MM-DD"``); default the
            first and last closure.

    Returns:
        :class:`ClosureCounts`.

    Raises:
        InvalidInputError: an item is not a profile, or a bad option.

    Example:
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "opened_on": "2020-01-01"},
        ...     {"account_id": "b", "product": "credit_card", "status": "closed",
        ...      "opened_on": "2020-01-01", "closed_on": "2025-03-02"}],
        ...     "closures": [{"account_id": "b", "closed_on": "2025-03-02",
        ...                   "initiator": "consumer"}]})
        >>> c = closure_counts_from_profiles([p], segment_by=None)
        >>> c.period, c.open_at_start.tolist(), c.voluntary.tolist()
        (('2025-03',), [2], [1])
    """
    bounds = check_profile_options(freq, segment_by, start, end)
    return closure_counts(period_rows(account_spans(profiles, segment_by), bounds, freq))


# ---------------------------------------------------------------------------------------
# Rates and alerts
# ---------------------------------------------------------------------------------------
@attrs.frozen(eq=False)
class ClosureRates:
    """Closure rates per period and segment, their charts and the alerts they raised.

    Attributes:
        counts: The validated :class:`ClosureCounts` (sorted by segment, period).
        rates: ``{"gross" | "voluntary" | "involuntary": array}``, aligned with the counts.
        charts: ``{rate: ChartSeries}`` for the watched rates.
        alerts: Every :class:`PortfolioAlert`, by segment, period, rate and rule.
        config: The :class:`SignalConfig` used.
        bases: One :class:`ChartBasis` per watched rate and segment: which limits were used
            (binomial or Laney p′), σ_z, the dispersion test and the reason.
    """

    counts: ClosureCounts
    rates: Mapping[str, np.ndarray]
    charts: Mapping[str, ChartSeries]
    alerts: tuple[PortfolioAlert, ...]
    config: SignalConfig
    bases: tuple[ChartBasis, ...] = ()

    def rows(self) -> list[dict[str, Any]]:
        """One dict per (period, segment): counts, the three rates and the p-chart limits of
        the watched rates."""
        c = self.counts
        out = []
        for r in range(len(c)):
            row: dict[str, Any] = {
                "period": c.period[r],
                "segment": c.segment[r],
                "open_at_start": int(c.open_at_start[r]),
                "closures": int(c.closures[r]),
                "voluntary": int(c.voluntary[r]),
                "involuntary": int(c.involuntary[r]),
            }
            for name in RATES:
                row[f"{name}_rate"] = float(self.rates[name][r])
            for name, ch in self.charts.items():
                row[f"{name}_center"] = float(ch.center[r])
                row[f"{name}_lcl"] = float(ch.lcl[r])
                row[f"{name}_ucl"] = float(ch.ucl[r])
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data: rows, alerts, configuration and the limits used (``bases``)."""
        return {
            "rows": self.rows(),
            "alerts": [a.to_dict() for a in self.alerts],
            "config": self.config.to_dict(),
            "bases": [b.to_dict() for b in self.bases],
        }

    def format_bases(self) -> str:
        """One line per watched rate and segment: the limits used and why."""
        return "\n".join(f"{b.segment} {b.rate}: {b.reason}" for b in self.bases)

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def format_table(self) -> str:
        """A plain-text table of counts, rates and gross p-chart limits."""
        head = (
            f"{'segment':<20} {'period':<10} {'open':>10} {'closed':>8} {'gross':>8} "
            f"{'vol.':>8} {'invol.':>8} {'LCL':>8} {'UCL':>8}  flags"
        )
        lines = [head, "-" * len(head)]
        flags: dict[tuple[str, Any], list[str]] = {}
        for a in self.alerts:
            flags.setdefault((a.segment, a.period), []).append(f"{a.rule}:{a.rate}")
        ch = self.charts.get("gross")
        c = self.counts
        for r in range(len(c)):
            lo = f"{ch.lcl[r]:8.4f}" if ch is not None else f"{'-':>8}"
            hi = f"{ch.ucl[r]:8.4f}" if ch is not None else f"{'-':>8}"
            f = ",".join(dict.fromkeys(flags.get((c.segment[r], c.period[r]), [])))
            lines.append(
                f"{str(c.segment[r])[:20]:<20} {str(c.period[r])[:10]:<10} "
                f"{int(c.open_at_start[r]):>10d} {int(c.closures[r]):>8d} "
                f"{self.rates['gross'][r]:8.4f} {self.rates['voluntary'][r]:8.4f} "
                f"{self.rates['involuntary'][r]:8.4f} {lo} {hi}  {f}"
            )
        return "\n".join(lines)


def _check_config(config: Any) -> SignalConfig:
    if config is None:
        return SignalConfig()
    if isinstance(config, SignalConfig):
        return config
    if isinstance(config, Mapping):
        known = {a.name for a in attrs.fields(SignalConfig)}
        unknown = sorted(set(map(str, config)) - known)
        if unknown:
            raise InvalidInputError(
                [(f"config.{k}", "is not a known field") for k in unknown],
                what="signal configuration",
            )
        return SignalConfig(**config)
    raise InvalidInputError([("config", "must be a SignalConfig or a mapping")], what="argument")


def closure_rates(counts: Any, *, config: Any = None) -> ClosureRates:
    """Closure rates per period and segment, with p-chart, CUSUM and EWMA alerts.

    Args:
        counts: Counts in the long format (see :func:`closure_counts`), or a
            :class:`ClosureCounts`.
        config: A :class:`SignalConfig` (or a mapping of its fields); defaults when ``None``.

    Returns:
        :class:`ClosureRates`, with the limits each rate and segment uses and why in
        ``bases``.

    Raises:
        InvalidInputError: bad counts or configuration, listing every problem; with a
            seasonal baseline, periods without a season key and every season with fewer
            than ``season_min_periods`` baseline periods (``season.03``, with its segment).

    Example:
        >>> res = closure_rates({"period": [1, 2, 3, 4], "open_at_start": [100] * 4,
        ...                      "closures": [10, 10, 10, 30], "voluntary": [5, 5, 5, 5],
        ...                      "involuntary": [5, 5, 5, 25]}, config={"rates": ["gross"]})
        >>> [(a.rule, a.period, round(a.value, 2), round(a.limit, 4)) for a in res.alerts]
        [('p_chart', 4, 0.3, 0.2571)]
    """
    cfg = _check_config(config)
    c = closure_counts(counts)
    n = c.open_at_start.astype(np.float64)
    rates = {
        "gross": c.closures / n,
        "voluntary": c.voluntary / n,
        "involuntary": c.involuntary / n,
    }
    for v in rates.values():
        v.setflags(write=False)
    numer = {"gross": c.closures, "voluntary": c.voluntary, "involuntary": c.involuntary}
    charts: dict[str, ChartSeries] = {}
    bases: list[ChartBasis] = []
    alerts: list[tuple[tuple[int, int, int, str], PortfolioAlert]] = []
    for name in cfg.rates:
        ch, got = _charts.rate_chart(
            name, c, numer[name].astype(np.float64), n, rates[name], cfg, (cusum, ewma)
        )
        charts[name] = ch
        bases.extend(got)
        alerts.extend(_charts.rate_alerts(name, c, rates[name], ch, cfg, got, _alert))
    alerts.sort(key=lambda t: t[0])
    seg_rank = {seg: i for i, seg in enumerate(c.segments)}
    bases.sort(key=lambda b: (seg_rank[b.segment], RATES.index(b.rate)))
    return ClosureRates(
        counts=c,
        rates=rates,
        charts=charts,
        alerts=tuple(a for _, a in alerts),
        config=cfg,
        bases=tuple(bases),
    )


def _alert(rule: str, **fields: Any) -> PortfolioAlert:
    return PortfolioAlert(rule=rule, sources=_SOURCES[rule], **fields)


# ---------------------------------------------------------------------------------------
# PSI
# ---------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class StabilityCheck:
    """The PSI of a score between two periods, and the alert it raised, if any.

    Attributes:
        psi: The :class:`credit_closure.metrics.PSIResult` (value, band, per-bin shares).
        alert: A ``psi`` :class:`PortfolioAlert` with severity ``"warning"`` (moderate
            shift, 0.1 to 0.25) or ``"alert"`` (major, above 0.25), or ``None`` when stable.
    """

    psi: Any
    alert: PortfolioAlert | None


def score_psi(
    expected: Any,
    actual: Any,
    *,
    bins: int = 10,
    edges: Any = None,
    period: Any = None,
    segment: str = "all",
) -> StabilityCheck:
    """PSI between two periods' score distributions, with the 0.1 / 0.25 bands [PSI-1][PSI-2].

    Scores here are aggregates for monitoring the population; nothing is fed back to a
    person's score.

    Args:
        expected: Baseline period's scores.
        actual: Recent period's scores.
        bins: Quantile bins of ``expected`` (default 10), unless ``edges`` is given.
        edges: Interior cut points to use instead.
        period: Label of the recent period, for the alert.
        segment: Segment label, for the alert.

    Returns:
        :class:`StabilityCheck`.

    Raises:
        InvalidInputError: as :func:`credit_closure.metrics.psi`.

    Example:
        >>> chk = score_psi([1, 2, 3, 4], [1, 1, 1, 4], edges=[2], period="2025-02")
        >>> round(chk.psi.value, 4), chk.alert.severity, chk.alert.limit
        (0.2747, 'alert', 0.25)
    """
    from credit_closure.metrics import psi

    result = psi(expected, actual, bins=bins, edges=edges)
    alert = None
    if result.band != "stable":
        major = result.band == "major"
        alert = PortfolioAlert(
            rule="psi",
            rate="score",
            period=period,
            segment=str(segment),
            value=result.value,
            limit=0.25 if major else 0.1,
            side="high",
            severity="alert" if major else "warning",
            sources=_SOURCES["psi"],
        )
    return StabilityCheck(psi=result, alert=alert)


# ---------------------------------------------------------------------------------------
# Plot
# ---------------------------------------------------------------------------------------
_MAX_PLOT_SEGMENTS = 24


def plot_closure_rates(
    result: ClosureRates, path: Any, *, rate: str = "gross", segments: Sequence[str] | None = None
) -> None:
    """Save a PNG of one rate per segment with its p-chart limits and alerts marked.

    Needs matplotlib (``pip install credit-closure[plot]``); uses the non-interactive Agg
    backend and never opens a window.

    Args:
        result: A :class:`ClosureRates`.
        path: Where to write the PNG.
        rate: Which rate to draw (one the rules watched).
        segments: Which segments (default all; at most 24 panels).

    Raises:
        ImportError: matplotlib is not installed (the message says how to install it).
        InvalidInputError: a bad result, rate or segment list.
    """
    problems: list[Problem] = []
    if not isinstance(result, ClosureRates):
        raise InvalidInputError([("result", "must be a ClosureRates")], what="argument")
    if rate not in result.charts:
        problems.append(("rate", f"must be one of the watched rates: {', '.join(result.charts)}"))
    segs = list(result.counts.segments if segments is None else segments)
    unknown = [s for s in segs if s not in result.counts.segments]
    if unknown:
        problems.append(("segments", f"has unknown segments: {', '.join(map(str, unknown[:5]))}"))
    if not segs or len(segs) > _MAX_PLOT_SEGMENTS:
        problems.append(("segments", f"must name 1 to {_MAX_PLOT_SEGMENTS} segments"))
    raise_if(problems, "argument")
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plot_closure_rates needs matplotlib: pip install credit-closure[plot]"
        ) from None
    draw_rate_panels(plt, result, path, rate, segs)
