"""The compiled engine of columnar rule scoring (used when numba is installed).

One pass over the subjects does, for each subject, what :func:`credit_closure.assess` does with
the rule scorer: the features of :func:`credit_closure._scoring.features.extract` (the same rules to
the letter; sums are taken the plain way unless a summed feature lands within ``_NEAR`` of a
value a rule compares it with, when the subject is done again with exactly rounded sums as
``math.fsum`` gives them, so every comparison, hence every result, is the same), the rule pass of
``RuleScorer._evaluate``, the per-code reason totals and their ranking, the triggers, and the
same again on the counterfactual accounts (closures of the last 24 months undone) for the
closure impact. Probability, points, band and cutoff decision are left to the caller: for the
rule scorer, the scale's own Python code once per distinct log-odds value (see
``engine._scores``); for the scorecard, whose log-odds are nearly all distinct,
:func:`~credit_closure._columnar.compiled.scale_many`, which calls the same C library
functions as Python's ``math`` module. The numba import and the other compiled helpers live
in :mod:`credit_closure._columnar.compiled`; this module holds the rule and feature kernel.

numba compiles the kernel on first use and caches it on disk (``cache=True``), so later
processes load it in well under a second; without numba the numpy engine computes the same
results, more slowly (``tests/test_columnar.py`` checks both against ``assess()``).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from credit_closure._columnar.codes import (
    DAY_3M,
    DAY_6M,
    DAY_12M,
    DAY_24M,
    DAY_AS_OF,
    DAY_COUNTERFACTUAL,
    DAY_RETENTION,
    KernelCodes,
    v1_columns,
)
from credit_closure._columnar.compiled import available as available
from credit_closure._columnar.compiled import njit as _njit
from credit_closure._columnar.policy_engine import POLICY_INDEX, policy_matrices
from credit_closure._scoring.features import (
    _DAYS_PER_MONTH,
    ACTIVITY_INDEX,
    FEATURE_INDEX,
    N_FEATURES,
    REPORT_INDEX,
    SUMMED_INDEX,
)
from credit_closure._scoring.rules import Condition

__all__ = [
    "AccountArrays",
    "CompiledRules",
    "InquiryArrays",
    "KernelOutputs",
    "RuleArrays",
    "compile_rules",
    "score_subjects",
]


#: Features computed from sums of many values (``FeatureSpec.exact_sum``: util_total,
#: util_delta_closure, lost_limit_share_12m, closed_with_balance_amt and the two average ages).
_SUMMED = SUMMED_INDEX
#: A summed feature this close (relative) to a value a rule compares it with is recomputed
#: with exact sums. Plain summation of n <= 1,000 non-negative values is off by at most
#: (n - 1) * 2**-53 of the sum (about 1.1e-13), a ratio of two such sums by twice that, and
#: util_delta_closure by that much of util_total: 1e-11 leaves a margin of about 50x.
_NEAR = 1e-11

# Rule actions and condition operators as small integers
_ACT_NONE, _ACT_REFER, _ACT_DECLINE = 0, 1, 2
_OPS = {"at_least": 0, "below": 1, "equals": 2}


class RuleArrays(NamedTuple):
    """A rule policy as flat arrays (numba takes a namedtuple of arrays).

    Rule ``i`` compares feature ``r_index[i]`` with ``thr[r_thr0[i] : r_thr0[i] + r_nthr[i]]``
    (``r_at_least[i]``: at least, else below) and adds ``steps`` at the same positions;
    ``r_reason``/``r_tcode`` are indices into the sorted reason codes (-1 none) and
    ``r_action`` a trigger action (0 none, 1 refer, 2 decline). Its ``when`` conditions are
    ``c_*[r_when0[i] : r_when0[i] + r_nwhen[i]]`` and its ``when_any`` ones likewise from
    ``r_any0``/``r_nany``. ``near_feat``/``near_val``: every (summed feature, value) a rule
    compares (see ``_kernel``).
    """

    r_index: np.ndarray
    r_at_least: np.ndarray
    r_thr0: np.ndarray
    r_nthr: np.ndarray
    thr: np.ndarray
    steps: np.ndarray
    r_reason: np.ndarray
    r_action: np.ndarray
    r_tcode: np.ndarray
    r_when0: np.ndarray
    r_nwhen: np.ndarray
    r_any0: np.ndarray
    r_nany: np.ndarray
    c_feat: np.ndarray
    c_op: np.ndarray
    c_val: np.ndarray
    c_missing: np.ndarray
    near_feat: np.ndarray
    near_val: np.ndarray


#: The dtype of each :class:`RuleArrays` field.
_RULE_DTYPES: tuple[type, ...] = (
    (np.int64, np.bool_, np.int64, np.int64, np.float64, np.float64)
    + (np.int64,) * 9
    + (np.float64, np.bool_, np.int64, np.float64)
)


class CompiledRules(NamedTuple):
    """What :func:`compile_rules` gives: the arrays and the sorted reason codes."""

    arrays: RuleArrays
    codes: list[str]


class AccountArrays(NamedTuple):
    """The per-account columns the kernel reads (the prepared ``acc`` columns of the same
    names; see :func:`score_subjects`)."""

    product: np.ndarray
    status: np.ndarray
    opened: np.ndarray
    opened_known: np.ndarray
    closed: np.ndarray
    closed_known: np.ndarray
    limit: np.ndarray
    balance: np.ndarray
    dpd: np.ndarray
    months: np.ndarray
    consec: np.ndarray
    has_event: np.ndarray
    ev_day: np.ndarray
    ev_initiator: np.ndarray
    ev_reason: np.ndarray
    ev_termination: np.ndarray
    ev_balance: np.ndarray
    ev_limit: np.ndarray
    ev_dpd6: np.ndarray


class InquiryArrays(NamedTuple):
    """The per-inquiry columns the kernel reads."""

    on: np.ndarray
    hard: np.ndarray


class KernelOutputs(NamedTuple):
    """The arrays the kernel fills (see :func:`score_subjects`)."""

    log_odds: np.ndarray
    cf_log_odds: np.ndarray
    trig: np.ndarray
    reasons: np.ndarray
    feats: np.ndarray
    cf_feats: np.ndarray


def compile_rules(scorer: Any) -> CompiledRules:
    """The rule policy of ``scorer`` as flat arrays for the kernel, and the sorted reason codes
    (a subject's reasons come back as indices into that list)."""
    rules = scorer.policy.rules
    codes = sorted({r.reason for r in rules})
    col = {c: k for k, c in enumerate(codes)}
    thr: list[float] = []
    steps: list[float] = []
    conds: list[Condition] = []
    r_index, r_at_least, r_thr0, r_nthr, r_reason, r_action, r_tcode = [], [], [], [], [], [], []
    r_when0, r_nwhen, r_any0, r_nany = [], [], [], []
    for r in rules:
        r_index.append(r.index)
        r_at_least.append(r.at_least)
        r_thr0.append(len(thr))
        r_nthr.append(len(r.thresholds))
        thr.extend(r.thresholds)
        steps.extend(r.log_odds)
        r_reason.append(col[r.reason])
        act = {"refer": _ACT_REFER, "decline": _ACT_DECLINE}.get(r.trigger_action or "", _ACT_NONE)
        r_action.append(act)
        r_tcode.append(col.get(r.trigger_code, -1) if r.trigger_code is not None else -1)
        r_when0.append(len(conds))
        r_nwhen.append(len(r.when))
        conds.extend(r.when)
        r_any0.append(len(conds))
        r_nany.append(len(r.when_any))
        conds.extend(r.when_any)
    # every (feature, value) a rule compares, for the features that sum many values: the
    # kernel first sums them the plain way and redoes a subject exactly when one of those
    # features lands near a value it is compared with (see _kernel)
    near = sorted(
        {(r.index, t) for r in rules for t in r.thresholds if r.index in _SUMMED}
        | {(c.feature_index, c.value) for c in conds if c.feature_index in _SUMMED}
    )
    values: tuple[list[Any], ...] = (
        r_index,
        r_at_least,
        r_thr0,
        r_nthr,
        thr,
        steps,
        r_reason,
        r_action,
        r_tcode,
        r_when0,
        r_nwhen,
        r_any0,
        r_nany,
        [c.feature_index for c in conds],
        [_OPS[c.op] for c in conds],
        [c.value for c in conds],
        [c.missing for c in conds],
        [k for k, _ in near],
        [t for _, t in near],
    )
    arrays = RuleArrays(
        *(np.asarray(v, dtype=dt) for v, dt in zip(values, _RULE_DTYPES, strict=True))
    )
    return CompiledRules(arrays, codes)


@_njit
def _fsum(
    bufs: np.ndarray, row: int, n: int, partials: np.ndarray
) -> float:  # pragma: no cover - compiled
    """``math.fsum(bufs[row, :n])``. Small, so that the compiler inlines it: up to two values,
    one rounding of their exact sum is the correctly rounded sum (``+ 0.0`` turns a negative
    zero into the zero ``fsum`` gives)."""
    # numpy's stubs type an element read as Any; the sums are floats (float64 buffers)
    if n == 2:
        return (bufs[row, 0] + bufs[row, 1]) + 0.0  # type: ignore[no-any-return]
    if n == 1:
        return bufs[row, 0] + 0.0  # type: ignore[no-any-return]
    if n == 0:
        return 0.0
    return _fsum_many(bufs, row, n, partials)


@_njit
def _xsum(
    bufs: np.ndarray, row: int, n: int, partials: np.ndarray, exact: bool
) -> float:  # pragma: no cover - compiled
    """The exact sum (``math.fsum``) or, when not ``exact``, the plain left-to-right sum."""
    if exact:
        return _fsum(bufs, row, n, partials)
    t = 0.0
    for k in range(n):
        t += bufs[row, k]
    return t


@_njit
def _fsum_many(
    bufs: np.ndarray, row: int, n: int, partials: np.ndarray
) -> float:  # pragma: no cover - compiled
    """``math.fsum(bufs[row, :n])``, the exactly rounded sum.

    Fast path: the running sum ``s`` with the exact rounding error of every addition
    (Knuth's branch-free TwoSum) gathered in ``c``, and the errors of those additions in
    ``cc``. When no addition into ``cc`` rounded, ``s + c + cc`` is the exact sum; it is then
    brought to two terms ``r + t`` exactly and rounded once, which is the correctly rounded
    sum. Otherwise (rare) Shewchuk's partials with CPython's final rounding.
    """
    s: float = bufs[row, 0]  # annotated: numpy's stubs type an element read as Any
    c = 0.0
    cc = 0.0
    lost = 0.0
    for k in range(1, n):
        x = bufs[row, k]
        t = s + x
        bp = t - s
        e = (s - (t - bp)) + (x - bp)
        s = t
        u = c + e
        bp = u - c
        ee = (c - (u - bp)) + (e - bp)
        c = u
        v = cc + ee
        bp = v - cc
        lost += abs((cc - (v - bp)) + (ee - bp))
        cc = v
    r = s + c
    bp = r - s
    err = (s - (r - bp)) + (c - bp)
    t = err + cc
    bp = t - err
    lost += abs((err - (t - bp)) + (cc - bp))
    if lost != 0.0:
        return _fsum_partials(bufs, row, n, partials)
    return r + t


@_njit
def _fsum_partials(
    bufs: np.ndarray, row: int, n: int, partials: np.ndarray
) -> float:  # pragma: no cover - compiled
    """``math.fsum(bufs[row, :n])``: Shewchuk's exact partials and CPython's final rounding."""
    m = 0
    for k in range(n):
        x: float = bufs[row, k]  # annotated: numpy's stubs type an element read as Any
        i = 0
        for j in range(m):
            y: float = partials[j]
            if abs(x) < abs(y):
                t = x
                x = y
                y = t
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        m = i
        if x != 0.0:
            partials[m] = x
            m += 1
    hi = 0.0
    if m > 0:
        m -= 1
        hi = partials[m]
        lo = 0.0
        while m > 0:
            x = hi
            m -= 1
            y = partials[m]
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                break
        if m > 0 and ((lo < 0.0 and partials[m - 1] < 0.0) or (lo > 0.0 and partials[m - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            yr = x - hi
            if y == yr:
                hi = x
    return hi


# Feature positions, named (numba reads module-level ints as compile-time constants, so a
# named position costs nothing). Derived from FEATURE_INDEX: the order lives in FEATURES only.
F_UTIL_TOTAL = FEATURE_INDEX["util_total"]
F_UTIL_MAX_LINE = FEATURE_INDEX["util_max_line"]
F_UTIL_DELTA_CLOSURE = FEATURE_INDEX["util_delta_closure"]
F_LOST_LIMIT_SHARE_12M = FEATURE_INDEX["lost_limit_share_12m"]
F_N_CONSUMER_CLOSURES_12M = FEATURE_INDEX["n_consumer_closures_12m"]
F_N_CONSUMER_CLOSURES_24M = FEATURE_INDEX["n_consumer_closures_24m"]
F_N_LENDER_CLOSURES_12M = FEATURE_INDEX["n_lender_closures_12m"]
F_N_LENDER_CLOSURES_24M = FEATURE_INDEX["n_lender_closures_24m"]
F_N_LENDER_RISK_CLOSURES_24M = FEATURE_INDEX["n_lender_risk_closures_24m"]
F_CLOSED_WITH_BALANCE_AMT = FEATURE_INDEX["closed_with_balance_amt"]
F_DPD_BEFORE_CLOSURE = FEATURE_INDEX["dpd_before_closure"]
F_N_ABNORMAL_TERMINATIONS = FEATURE_INDEX["n_abnormal_terminations"]
F_N_ADVERSE_ENDINGS = FEATURE_INDEX["n_adverse_endings"]  # policy v2
F_MONTHS_SINCE_LAST_CLOSURE = FEATURE_INDEX["months_since_last_closure"]
F_AGE_OLDEST_MONTHS = FEATURE_INDEX["age_oldest_months"]
F_AGE_AVG_MONTHS_INCL_CLOSED = FEATURE_INDEX["age_avg_months_incl_closed"]
F_AGE_AVG_MONTHS_OPEN_ONLY = FEATURE_INDEX["age_avg_months_open_only"]
F_CLOSED_SHARE = FEATURE_INDEX["closed_share"]
F_MAX_DPD_24M = FEATURE_INDEX["max_dpd_24m"]
F_N_DELINQUENT_ACCOUNTS_24M = FEATURE_INDEX["n_delinquent_accounts_24m"]
F_LIAN3LEI6_24M = FEATURE_INDEX["lian3lei6_24m"]
F_HARD_INQUIRIES_3M = FEATURE_INDEX["hard_inquiries_3m"]
F_HARD_INQUIRIES_6M = FEATURE_INDEX["hard_inquiries_6m"]
F_HARD_INQUIRIES_12M = FEATURE_INDEX["hard_inquiries_12m"]
F_N_DELEVERAGING_CLOSURES_12M = FEATURE_INDEX["n_deleveraging_closures_12m"]
F_N_OPEN_ACCOUNTS = FEATURE_INDEX["n_open_accounts"]
#: The security features (``FeatureSpec.needs_activity``): 0 without activity records.
_ACTIVITY = ACTIVITY_INDEX
#: Copied in, computed before the kernel runs: policy v2 features (``policy_matrices``), and
#: the report features from the first (``from_report``, the last block; ``report_features``).
_POLICY = POLICY_INDEX
_REPORT0 = REPORT_INDEX[0]
# numba freezes module globals (_ACTIVITY, N_FEATURES ...) into the kernel and keys its disk
# cache on THIS file only: a feature added in _scoring/features.py must come with an edit
# here, or a stale cached kernel leaves the new column unwritten.


@_njit
def _cond(
    f: np.ndarray, feat: int, op: int, val: float, missing: bool
) -> bool:  # pragma: no cover - compiled
    v: float = f[feat]  # annotated: numpy's stubs type an element read as Any
    if v != v:
        return missing
    if op == 0:
        return v >= val
    if op == 1:
        return v < val
    return v == val


# Documented hot path: the one compiled pass over every subject (see the module docstring).
# It is long and branchy on purpose: everything a subject needs happens in one call, with no
# per-subject calls, allocations or Python objects; it mirrors extract() and
# RuleScorer._evaluate line by line, which is what keeps it reviewable against them.
@_njit
def _kernel(  # noqa: C901
    n: int,
    starts: np.ndarray,
    order: np.ndarray,
    qstarts: np.ndarray,
    qorder: np.ndarray,
    accounts: AccountArrays,
    inquiries: InquiryArrays,
    days: np.ndarray,
    codes: KernelCodes,
    revolving: np.ndarray,
    lender: np.ndarray,
    base: float,
    rules: RuleArrays,
    factor: float,
    n_codes: int,
    out: KernelOutputs,
    want_feats: bool,
    pol: np.ndarray,
    cf_pol: np.ndarray,
    report: np.ndarray,
    keep_adverse: bool,
) -> None:  # pragma: no cover - compiled
    """Every subject: the features (``extract``), the rules (``RuleScorer._evaluate``), the
    reason ranking and triggers, then, for a subject with closures to undo, the features and
    rules once more on the counterfactual accounts (``_assess.counterfactual``): closed
    accounts closed after ``days[DAY_COUNTERFACTUAL]`` read as open again at their last limit
    and balance, without their closure. One function, so that nothing is passed per subject.

    ``accounts``, ``inquiries``, ``codes``, ``rules`` and ``out`` are namedtuples, unpacked once
    here (numba passes them as structs: the loops below read plain local arrays).
    """
    nan = np.nan
    (
        product,
        status,
        opened,
        opened_known,
        closed,
        closed_known,
        limit,
        balance,
        dpd,
        months,
        consec,
        has_event,
        ev_day,
        ev_initiator,
        ev_reason,
        ev_termination,
        ev_balance,
        ev_limit,
        ev_dpd6,
    ) = accounts
    q_on, q_hard = inquiries
    (
        r_index,
        r_at_least,
        r_thr0,
        r_nthr,
        thr,
        steps,
        r_reason,
        r_action,
        r_tcode,
        r_when0,
        r_nwhen,
        r_any0,
        r_nany,
        c_feat,
        c_op,
        c_val,
        c_missing,
        near_feat,
        near_val,
    ) = rules
    log_odds, cf_log_odds, trig, reasons, feats_out, cf_feats_out = out
    as_day = days[DAY_AS_OF]
    d3 = days[DAY_3M]
    d6 = days[DAY_6M]
    d12 = days[DAY_12M]
    d24 = days[DAY_24M]
    d_ret = days[DAY_RETENTION]
    cf_start = days[DAY_COUNTERFACTUAL]
    S_OPEN, S_CLOSED, S_SUSP = codes.s_open, codes.s_closed, codes.s_suspended
    S_CHARGED, S_TRANSF = codes.s_charged_off, codes.s_transferred
    I_UNKNOWN, I_CONSUMER, I_RISK = codes.i_unknown, codes.i_consumer, codes.i_lender_risk
    R_UNKNOWN, R_RISK_CONTROL = codes.r_unknown, codes.r_lender_risk_control
    R_REDUCE = codes.r_reduce_debt
    T_NORMAL, T_ABNORMAL, T_BAD = codes.t_normal, codes.t_abnormal, codes.t_bad_debt
    dpm = _DAYS_PER_MONTH
    widest = 1
    for s in range(n):
        w = starts[s + 1] - starts[s]
        if w > widest:
            widest = w
    bufs = np.empty((8, 2 * widest + 2))
    partials = np.empty(2200)
    f = np.empty(N_FEATURES)
    totals = np.empty(max(n_codes, 1))
    forced = np.zeros(max(n_codes, 1), dtype=np.bool_)
    for s in range(n):
        a0 = starts[s]
        a1 = starts[s + 1]
        q0 = qstarts[s]
        q1 = qstarts[s + 1]
        cf = False
        exact = want_feats  # features handed out are always exact
        while True:
            # buffers: 0 owed (open balances + closed owed), 1 open limits used for utilization,
            # 2 closed balances, 3 ages all, 4 ages open, 5 readd limits 12m, 6 closed limits 12m,
            # 7 open revolving limits + closed limits 12m
            n0 = n1 = n2 = n3 = n4 = n5 = n6 = n7 = 0
            n_open = 0.0
            n_ended = 0.0
            dpd_known = False
            max_dpd = 0.0
            n_delinq = 0.0
            months_known = False
            months_total = 0.0
            consec3 = False
            max_line = -np.inf
            max_closed = -np.inf
            n_abnormal = 0.0
            n_adverse = 0.0
            n_cons_12 = n_cons_24 = n_lend_12 = n_lend_24 = n_risk_24 = n_delev_12 = 0.0
            last_day = -1
            have_last = False
            dpd_flag = 0.0
            dpd_unknown = False
            reopened = False
            for j in range(a0, a1):
                r = j if order.size == 0 else order[j]
                st = status[r]
                lim = limit[r]
                bal = balance[r]
                ck = closed_known[r]
                he = has_event[r]
                if (
                    st == S_CLOSED
                    and (ck or he)
                    and (closed[r] if ck else ev_day[r]) > cf_start
                    and not (
                        keep_adverse
                        and he
                        and (ev_termination[r] == T_ABNORMAL or ev_termination[r] == T_BAD)
                    )
                ):
                    reopened = True
                    if cf:
                        if he:
                            if ev_limit[r] == ev_limit[r]:
                                lim = ev_limit[r]
                            if bal != bal:
                                bal = ev_balance[r]
                        st = S_OPEN
                        ck = False
                        he = False
                open_like = st == S_OPEN or st == S_SUSP
                rev = revolving[product[r]]
                if opened_known[r]:
                    age = (as_day - opened[r]) / dpm
                    bufs[3, n3] = age
                    n3 += 1
                    if open_like:
                        bufs[4, n4] = age
                        n4 += 1
                d = dpd[r]
                if d == d:
                    dpd_known = True
                    if d > max_dpd:
                        max_dpd = d
                    if d >= 30:
                        n_delinq += 1.0
                mo = months[r]
                if mo == mo:
                    months_known = True
                    months_total += mo
                if consec[r] >= 3:
                    consec3 = True
                abnormal = False
                adverse = False  # n_adverse_endings: a transfer alone does not count
                if open_like:
                    n_open += 1.0
                    if rev and lim == lim:
                        bufs[7, n7] = lim
                        n7 += 1
                        if bal == bal and lim > 0:
                            bufs[0, n0] = bal
                            n0 += 1
                            bufs[1, n1] = lim
                            n1 += 1
                            u = bal / lim
                            if u > max_line:
                                max_line = u
                else:
                    n_ended += 1.0
                    if (st == S_CHARGED or st == S_TRANSF) and (not ck or closed[r] > d_ret):
                        abnormal = True
                        if st == S_CHARGED:
                            adverse = True
                    if bal == bal and bal > 0:
                        bufs[2, n2] = bal
                        n2 += 1
                    if rev:
                        owed = bal
                        if owed != owed and he:
                            owed = ev_balance[r]
                        if owed > 0:  # NaN compares False
                            bufs[0, n0] = owed
                            n0 += 1
                            cl = lim
                            if cl != cl and he:
                                cl = ev_limit[r]
                            if cl > 0:
                                u = owed / cl
                                if u > max_closed:
                                    max_closed = u
                # the account's closure: its event, else implied by an ended account's closed_on
                if he or (ck and not open_like):
                    if he:
                        c_day = ev_day[r]
                        init = ev_initiator[r]
                        reason = ev_reason[r]
                        term = ev_termination[r]
                        bal_at = ev_balance[r]
                        lim_at = ev_limit[r]
                        dpd6 = ev_dpd6[r]
                    else:
                        c_day = closed[r]
                        init = I_UNKNOWN
                        reason = R_UNKNOWN
                        term = -1
                        if st == S_CHARGED:
                            term = T_BAD
                        elif st == S_TRANSF:
                            term = T_ABNORMAL
                        bal_at = nan
                        lim_at = nan
                        dpd6 = nan
                    if not have_last or c_day > last_day:
                        last_day = c_day
                        have_last = True
                    if (term == T_ABNORMAL or term == T_BAD) and c_day > d_ret:
                        abnormal = True
                        if he or term == T_BAD:
                            adverse = True
                    if bal != bal and bal_at > 0:
                        bufs[2, n2] = bal_at
                        n2 += 1
                    if c_day > d24:
                        in12 = c_day > d12
                        if init == I_CONSUMER:
                            n_cons_24 += 1.0
                            if in12:
                                n_cons_12 += 1.0
                        elif lender[init]:
                            n_lend_24 += 1.0
                            if in12:
                                n_lend_12 += 1.0
                        if init == I_RISK or reason == R_RISK_CONTROL:
                            n_risk_24 += 1.0
                        dd = dpd6 if dpd6 == dpd6 else d
                        if dd != dd:
                            dpd_unknown = True
                        elif dd >= 30:
                            dpd_flag = 1.0
                        if in12:
                            l12 = lim_at if lim_at == lim_at else lim
                            owed12 = bal if bal == bal else bal_at
                            if rev and l12 == l12:
                                bufs[6, n6] = l12
                                n6 += 1
                                bufs[7, n7] = l12
                                n7 += 1
                                if owed12 == 0 and l12 > 0:
                                    bufs[5, n5] = l12
                                    n5 += 1
                            if (
                                init == I_CONSUMER
                                and reason == R_REDUCE
                                and (term == -1 or term == T_NORMAL)
                                and owed12 == 0
                                and dd == dd
                                and dd < 30
                            ):
                                n_delev_12 += 1.0
                if abnormal:
                    n_abnormal += 1.0
                if adverse:
                    n_adverse += 1.0
            if dpd_flag == 0.0 and dpd_unknown:
                dpd_flag = nan

            owed_all = _xsum(bufs, 0, n0, partials, exact)
            open_lim = _xsum(bufs, 1, n1, partials, exact)
            mc = max_closed if max_closed > -np.inf else nan
            util_total = owed_all / open_lim if open_lim > 0 else mc
            if max_closed > max_line:
                max_line = max_closed
            util_max = max_line if max_line > -np.inf else nan
            if util_total == util_total:
                cf_lim = open_lim + _xsum(bufs, 5, n5, partials, exact)
                util_delta = util_total - (owed_all / cf_lim if cf_lim > 0 else mc)
            else:
                util_delta = nan
            lost_num = _xsum(bufs, 6, n6, partials, exact)
            lost_den = _xsum(bufs, 7, n7, partials, exact)
            n_acc = n_open + n_ended
            if months_known or consec3:
                lian = 1.0 if (consec3 or months_total >= 6) else 0.0
            else:
                lian = nan
            q3 = q6 = q12 = 0.0
            for j in range(q0, q1):
                k = j if qorder.size == 0 else qorder[j]
                if q_hard[k]:
                    on = q_on[k]
                    if on > d12:
                        q12 += 1.0
                        if on > d6:
                            q6 += 1.0
                            if on > d3:
                                q3 += 1.0
            f[F_UTIL_TOTAL] = util_total
            f[F_UTIL_MAX_LINE] = util_max
            f[F_UTIL_DELTA_CLOSURE] = util_delta
            f[F_LOST_LIMIT_SHARE_12M] = lost_num / lost_den if lost_den > 0 else nan
            f[F_N_CONSUMER_CLOSURES_12M] = n_cons_12
            f[F_N_CONSUMER_CLOSURES_24M] = n_cons_24
            f[F_N_LENDER_CLOSURES_12M] = n_lend_12
            f[F_N_LENDER_CLOSURES_24M] = n_lend_24
            f[F_N_LENDER_RISK_CLOSURES_24M] = n_risk_24
            f[F_CLOSED_WITH_BALANCE_AMT] = _xsum(bufs, 2, n2, partials, exact)
            f[F_DPD_BEFORE_CLOSURE] = dpd_flag
            f[F_N_ABNORMAL_TERMINATIONS] = n_abnormal
            f[F_N_ADVERSE_ENDINGS] = n_adverse
            f[F_MONTHS_SINCE_LAST_CLOSURE] = (as_day - last_day) / dpm if have_last else nan
            if n3:
                oldest = bufs[3, 0]
                for k in range(1, n3):
                    if bufs[3, k] > oldest:
                        oldest = bufs[3, k]
                f[F_AGE_OLDEST_MONTHS] = oldest
                f[F_AGE_AVG_MONTHS_INCL_CLOSED] = _xsum(bufs, 3, n3, partials, exact) / n3
            else:
                f[F_AGE_OLDEST_MONTHS] = nan
                f[F_AGE_AVG_MONTHS_INCL_CLOSED] = nan
            f[F_AGE_AVG_MONTHS_OPEN_ONLY] = _xsum(bufs, 4, n4, partials, exact) / n4 if n4 else nan
            f[F_CLOSED_SHARE] = n_ended / n_acc if n_acc else nan
            f[F_MAX_DPD_24M] = max_dpd if dpd_known else nan
            f[F_N_DELINQUENT_ACCOUNTS_24M] = n_delinq if dpd_known else nan
            f[F_LIAN3LEI6_24M] = lian
            f[F_HARD_INQUIRIES_3M] = q3
            f[F_HARD_INQUIRIES_6M] = q6
            f[F_HARD_INQUIRIES_12M] = q12
            f[F_N_DELEVERAGING_CLOSURES_12M] = n_delev_12
            f[F_N_OPEN_ACCOUNTS] = n_open
            for k in _ACTIVITY:
                f[k] = 0.0
            for k in range(len(_POLICY)):
                f[_POLICY[k]] = cf_pol[s, k] if cf else pol[s, k]
            for k in range(report.shape[1]):  # the same for the counterfactual
                f[_REPORT0 + k] = report[s, k]
            if not exact:
                # plain sums are within _NEAR of the exact ones: only a summed feature that
                # close to a value a rule compares it with could compare differently, and
                # then this pass is done again with exact sums
                u0 = abs(f[F_UTIL_TOTAL]) if f[F_UTIL_TOTAL] == f[F_UTIL_TOTAL] else 0.0
                for k in range(near_feat.size):
                    v = f[near_feat[k]]
                    t = near_val[k]
                    if v == v and abs(v - t) <= _NEAR * (abs(v) + abs(t) + u0 + 1.0):
                        exact = True
                        break
                if exact:
                    continue
            lo_sum = base
            trig_s = 0
            n_present = 0
            if not cf:
                for k in range(n_codes):
                    totals[k] = np.nan
                    forced[k] = False
            for i in range(r_index.size):
                v = f[r_index[i]]
                t0 = r_thr0[i]
                nt = r_nthr[i]
                if r_at_least[i]:
                    if not v >= thr[t0]:
                        continue
                    step = 0
                    for k in range(1, nt):
                        if v >= thr[t0 + k]:
                            step = k
                        else:
                            break
                else:
                    if not v < thr[t0]:
                        continue
                    step = 0
                    for k in range(1, nt):
                        if v < thr[t0 + k]:
                            step = k
                        else:
                            break
                ok = True
                for k in range(r_when0[i], r_when0[i] + r_nwhen[i]):
                    if not _cond(f, c_feat[k], c_op[k], c_val[k], c_missing[k]):
                        ok = False
                        break
                if not ok:
                    continue
                if r_nany[i]:
                    ok = False
                    for k in range(r_any0[i], r_any0[i] + r_nany[i]):
                        if _cond(f, c_feat[k], c_op[k], c_val[k], c_missing[k]):
                            ok = True
                            break
                    if not ok:
                        continue
                lo = steps[t0 + step]
                if lo != 0.0:
                    lo_sum += lo
                    if not cf:
                        pts = -factor * lo
                        if pts < 0:
                            c = r_reason[i]
                            if totals[c] != totals[c]:
                                totals[c] = pts
                                n_present += 1
                            else:
                                totals[c] = totals[c] + pts
                if not cf:
                    a = r_action[i]
                    if a != 0:
                        if a > trig_s:
                            trig_s = a
                        if r_tcode[i] >= 0:
                            forced[r_tcode[i]] = True
            tr = trig_s
            if not cf:
                log_odds[s] = lo_sum
                trig[s] = tr
                if want_feats:
                    for k in range(N_FEATURES):
                        feats_out[s, k] = f[k]
                # the best four reasons: forced by a trigger first, most points lost, lower code
                for pick in range(min(n_present, 4), 4):
                    reasons[s, pick] = -1
                for pick in range(min(n_present, 4)):
                    best = -1
                    for c in range(n_codes):
                        t = totals[c]
                        if t != t:
                            continue
                        if (
                            best < 0
                            or (forced[c] and not forced[best])
                            or (forced[c] == forced[best] and t < totals[best])
                        ):
                            best = c
                    reasons[s, pick] = best
                    if best >= 0:
                        totals[best] = np.nan
                if reopened:
                    cf = True
                    exact = want_feats
                    continue
                cf_log_odds[s] = np.nan
            else:
                cf_log_odds[s] = lo_sum
                if want_feats:
                    for k in range(N_FEATURES):
                        cf_feats_out[s, k] = f[k]
            break


def _groups(g: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR offsets of the rows of each subject and the row order that makes them contiguous
    (empty when the rows are in subject order already)."""
    counts = np.bincount(g, minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    if g.size > 1 and np.any(g[1:] < g[:-1]):
        order = np.argsort(g, kind="stable").astype(np.int64)
    else:
        order = np.empty(0, dtype=np.int64)
    return starts, order


_NO_RULES = CompiledRules(RuleArrays(*(np.empty(0, dtype=dt) for dt in _RULE_DTYPES)), [])


def score_subjects(
    acc: dict[str, np.ndarray],
    inq: dict[str, np.ndarray],
    n: int,
    days: np.ndarray,
    codes: KernelCodes,
    revolving: np.ndarray,
    lender: np.ndarray,
    scorer: Any,
    compiled: CompiledRules | None,
    *,
    features: bool = False,
    config: Any = None,
    report: np.ndarray | None = None,
) -> dict[str, Any]:
    """Run the kernel on prepared columns (see ``credit_closure._columnar.prepare._Prepared``).

    ``days`` comes from :func:`~credit_closure._columnar.codes.kernel_days`, ``codes`` from
    :func:`~credit_closure._columnar.codes.kernel_codes`, ``compiled`` from
    :func:`compile_rules`.

    Returns ``log_odds``, ``cf_log_odds`` (``NaN`` for subjects with no closure to undo),
    ``trigger`` (0 none, 1 refer, 2 decline), ``reasons`` (``(n, 4)`` indices into the sorted
    reason codes, -1 for none) and, with ``features``, the ``(n, N_FEATURES)`` feature
    matrices of the subjects (``features``) and of their counterfactuals (``cf_features``,
    rows of subjects with no closure to undo left unset). With ``scorer=None`` no rule is
    applied (features only). ``config``: the feature extractor's parameters (by default the
    scorer's), read by the policy v2 features; ``report``: the ``(n, len(REPORT_INDEX))``
    report features (``report_features_columnar``), ``NaN`` when not given.
    """
    if scorer is None or compiled is None:
        compiled = _NO_RULES
        base, factor = 0.0, 1.0
    else:
        base, factor = float(scorer.policy.base_log_odds), float(scorer._factor)
    if config is None:
        from credit_closure._scoring.features import DEFAULT_CONFIG

        config = DEFAULT_CONFIG if scorer is None else scorer.policy.feature_config
    pol, cf_pol = policy_matrices(acc, inq, n, days, config)
    starts, order = _groups(acc["g"], n)
    qstarts, qorder = _groups(inq["g"], n)
    f64 = np.float64
    accounts = AccountArrays(
        **{
            name: acc[name].astype(f64, copy=False) if name in ("limit", "balance") else acc[name]
            for name in AccountArrays._fields
        }
    )
    accounts = accounts._replace(**v1_columns(acc))  # contract v2 codes scored as v1
    out = KernelOutputs(
        log_odds=np.empty(n),
        cf_log_odds=np.empty(n),
        trig=np.empty(n, dtype=np.int8),
        reasons=np.empty((n, 4), dtype=np.int64),
        feats=np.empty((n if features else 1, N_FEATURES)),
        cf_feats=np.empty((n if features else 1, N_FEATURES)),
    )
    _kernel(
        n,
        starts,
        order,
        qstarts,
        qorder,
        accounts,
        InquiryArrays(on=inq["on"], hard=inq["hard"]),
        days,
        codes,
        revolving,
        lender,
        base,
        compiled.arrays,
        factor,
        len(compiled.codes),
        out,
        features,
        pol,
        cf_pol,
        _report_columns(report, n),
        bool(config.counterfactual_keeps_adverse),
    )
    return {
        "log_odds": out.log_odds,
        "cf_log_odds": out.cf_log_odds,
        "trigger": out.trig,
        "reasons": out.reasons,
        "features": out.feats if features else None,
        "cf_features": out.cf_feats if features else None,
    }


def _report_columns(report: np.ndarray | None, n: int) -> np.ndarray:
    if report is None:
        return np.full((n, len(REPORT_INDEX)), np.nan)
    return np.ascontiguousarray(report, dtype=np.float64)


_ = math  # fsum's reference implementation lives in CPython's math module
