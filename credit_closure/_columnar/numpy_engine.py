"""The numpy engine: the vectorised twin of :func:`credit_closure._scoring.features.extract`.

What it is for: columnar scoring without numba. numba comes with the optional ``columnar``
extra (and the ``dask``/``spark`` extras); ``pip install credit-closure`` alone must still
score tables with :func:`credit_closure.columnar.score_columnar`, and this engine is what does
it then (``engine="numpy"``, or ``"auto"`` when numba cannot be imported). It is also the
second, independent implementation the compiled kernel (:mod:`credit_closure._columnar.kernel`)
is tested against: the two give the same table to the last bit
(``tests/test_columnar.py::TestEngines``), so either may be changed only with the other.

Its twins: the scalar reference :func:`credit_closure._scoring.features.extract` (features),
``credit_closure._scoring.rules.RuleScorer._evaluate`` (the rule pass, vectorised in
``credit_closure._columnar.engine``) and the counterfactual of ``credit_closure._scoring.assess``
(closure impact, in ``credit_closure._columnar.engine``).

It computes every feature of :data:`~credit_closure._scoring.features.FEATURE_NAMES` for many subjects
at once, from per-account columns grouped by subject, with numpy only: no Python loop over
rows or subjects. The semantics are those of ``extract`` to the letter (windows, implied
closures of ended accounts with a ``closed_on`` and no event, the delinquency proxy, ``NaN``
for "cannot tell"); ``tests/test_columnar.py`` checks the two against each other on thousands
of synthetic subjects.

Sums that ``extract`` takes with :func:`math.fsum` (exactly rounded) are taken here either
with ``bincount`` when every partial sum is an integer below 2**53 (then exact), or with an
error-free (TwoSum) compensated summation otherwise, whose result is checked against the
rounding boundaries near it (the rare group whose sum lands on a tie is summed again with
``math.fsum``), so they agree to the last bit.

The security features (``FeatureSpec.needs_activity``: ``post_closure_activity``,
``reopen_requests``, ``contact_change_near_closure``) need activity records, which the columnar
format does not carry: they are 0, exactly as ``extract`` gives for a profile without activity.
Which feature sits in which column, and how many there are, comes from
:data:`~credit_closure._scoring.features.FEATURES` only.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from credit_closure._contract.enums import V1_INITIATOR, V1_STATUS
from credit_closure._contract.model import (
    REVOLVING_PRODUCTS,
    AccountStatus,
    ClosureInitiator,
    ClosureReason,
    InquiryKind,
    ProductType,
    TerminationKind,
)
from credit_closure._scoring.features import (
    _DAYS_PER_MONTH,
    _HARD,
    ACTIVITY_INDEX,
    FEATURE_INDEX,
    N_FEATURES,
    REPORT_INDEX,
    FeatureConfig,
    months_before,
)
from credit_closure._scoring.features import _LENDER as _LENDER_INITIATORS

__all__ = [
    "ENUM_CODES",
    "V1_INITIATOR_CODES",
    "V1_STATUS_CODES",
    "compute_features",
    "day_number",
    "v1_codes",
]

_EPOCH = _dt.date(1970, 1, 1)
_EXACT_LIMIT = float(2**53)

#: Integer codes of each enum, in definition order (the columnar extractor works on these).
ENUM_CODES: dict[str, dict[str, int]] = {
    "product": {m.value: i for i, m in enumerate(ProductType)},
    "status": {m.value: i for i, m in enumerate(AccountStatus)},
    "initiator": {m.value: i for i, m in enumerate(ClosureInitiator)},
    "reason": {m.value: i for i, m in enumerate(ClosureReason)},
    "termination": {m.value: i for i, m in enumerate(TerminationKind)},
    "kind": {m.value: i for i, m in enumerate(InquiryKind)},
}

_P = ENUM_CODES["product"]
_S = ENUM_CODES["status"]
_I = ENUM_CODES["initiator"]
_R = ENUM_CODES["reason"]
_T = ENUM_CODES["termination"]
_K = ENUM_CODES["kind"]

#: By status code: the code of the v1 status whose treatment it gets (contract v2 members are
#: scored as their v1 equivalent, :data:`~credit_closure._contract.enums.V1_STATUS`).
V1_STATUS_CODES = np.array([_S[V1_STATUS[m].value] for m in AccountStatus], dtype=np.int8)
#: By initiator code: the code of the v1 initiator whose treatment it gets.
V1_INITIATOR_CODES = np.array([_I[V1_INITIATOR[m].value] for m in ClosureInitiator], dtype=np.int8)


#: Codes below these are v1 members (contract v2 appends): v1 data needs no mapping.
N_V1_STATUSES = 5
N_V1_INITIATORS = 6


def v1_codes(codes: np.ndarray, table: np.ndarray, n_v1: int) -> np.ndarray:
    """``codes`` as the codes of their v1 scoring equivalents by ``table``; ``codes`` itself
    when all are v1 codes already (no copy for v1 data)."""
    if codes.size == 0 or int(codes.max()) < n_v1:
        return codes
    out: np.ndarray = table[codes]
    return out


_REVOLVING = np.zeros(len(_P), dtype=bool)
for _m in REVOLVING_PRODUCTS:
    _REVOLVING[_P[_m.value]] = True
#: By initiator code: closed by the lender or platform (``extract``'s lender initiators).
_LENDER = np.zeros(len(_I), dtype=bool)
for _init in _LENDER_INITIATORS:
    _LENDER[_I[_init.value]] = True
#: By inquiry kind code: a hard (approval) inquiry (``extract``'s hard kinds).
_HARD_KIND = np.zeros(len(_K), dtype=bool)
for _kind in _HARD:
    _HARD_KIND[_K[_kind.value]] = True


def day_number(day: _dt.date) -> int:
    """Days since 1970-01-01 (the integer value of ``datetime64[D]``)."""
    return (day - _EPOCH).days


def _group_sum(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Per-group sums equal to :func:`math.fsum` of each group's values (see module doc)."""
    out = np.zeros(n)
    if values.size == 0:
        return out
    if np.abs(values).sum() < _EXACT_LIMIT and np.array_equal(values, np.trunc(values)):
        # every partial sum is an integer below 2**53: plain float addition is exact
        return np.bincount(groups, weights=values, minlength=n)
    if groups.size > 1 and np.any(groups[1:] < groups[:-1]):
        order = np.argsort(groups, kind="stable")
        gs = groups[order]
        vs = values[order]
    else:
        gs = groups
        vs = values
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    counts = np.diff(np.r_[starts, gs.size])
    # groups by decreasing size: the groups with a k-th value are then a prefix, and step k
    # works on contiguous slices (one step per position within a group, not per row)
    by_size = np.argsort(-counts, kind="stable")
    first = starts[by_size]
    active = np.cumsum(np.bincount(counts)[::-1])[::-1][1:]  # active[k]: groups with > k values
    s = vs[first]
    c = np.zeros(s.size)
    for k in range(1, active.size):
        m = active[k]
        x = vs[first[:m] + k]
        a = s[:m]
        t = a + x
        bp = t - a
        c[:m] += (a - (t - bp)) + (x - bp)  # the exact rounding error of a + x (TwoSum)
        s[:m] = t
    total = s + c
    # s + c is the exactly rounded sum unless the exact sum sits (within the rounding error of
    # c) on a rounding boundary near s: a tie. Those rare groups are summed with math.fsum.
    quarter = np.spacing(np.abs(s)) / 4
    with np.errstate(invalid="ignore", divide="ignore"):
        q = c / quarter
    near = np.flatnonzero((c != 0) & (np.abs(q - np.round(q)) < 2.0**-20))
    if near.size:
        size = counts[by_size]
        for pos in near.tolist():
            at = int(first[pos])
            total[pos] = math.fsum(vs[at : at + int(size[pos])].tolist())
    out[gs[first]] = total
    return out


def _group_max(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Per-group maximum; ``NaN`` for a group without values."""
    out = np.full(n, -np.inf)
    if values.size:
        _max_sorted(out, values, groups)
    out[out == -np.inf] = np.nan
    return out


def _max_sorted(out: np.ndarray, values: np.ndarray, groups: np.ndarray) -> None:
    if groups.size > 1 and np.any(groups[1:] < groups[:-1]):
        order = np.argsort(groups, kind="stable")
        groups = groups[order]
        values = values[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    out[groups[starts]] = np.maximum.reduceat(values, starts)


def _count(mask: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(groups[mask], minlength=n)


class _Accounts(NamedTuple):
    """The per-account columns every step of :func:`compute_features` reads."""

    g: np.ndarray
    status: np.ndarray
    open_like: np.ndarray
    ended: np.ndarray
    rev: np.ndarray
    lim: np.ndarray
    bal: np.ndarray
    lim_known: np.ndarray
    bal_known: np.ndarray


class _Closures(NamedTuple):
    """What the utilization step needs from the closures step: per account the event's
    balance and limit (``NaN`` without one) and whether the closure's balance is the one
    still owed; per closure its subject, the 12-month limit (the limit at closure, else the
    account's), the revolving lines closed within 12 months with a known limit, and those
    closed with nothing owed."""

    c_bal: np.ndarray
    c_lim: np.ndarray
    from_closure: np.ndarray
    cg: np.ndarray
    lim12: np.ndarray
    closed_lim_row: np.ndarray
    readd_row: np.ndarray


def _put(out: np.ndarray, name: str, values: np.ndarray) -> None:
    """Write a feature's column, by name (:data:`FEATURE_INDEX`)."""
    out[:, FEATURE_INDEX[name]] = values


def _accounts_view(acc: Mapping[str, np.ndarray]) -> _Accounts:
    g = acc["g"]
    status = v1_codes(acc["status"], V1_STATUS_CODES, N_V1_STATUSES)
    open_like = (status == _S["open"]) | (status == _S["suspended"])
    lim = acc["limit"]
    bal = acc["balance"]
    return _Accounts(
        g=g,
        status=status,
        open_like=open_like,
        ended=~open_like,
        rev=_REVOLVING[acc["product"]],
        lim=lim,
        bal=bal,
        lim_known=~np.isnan(lim),
        bal_known=~np.isnan(bal),
    )


def _count_and_age_features(
    out: np.ndarray, a: _Accounts, acc: Mapping[str, np.ndarray], n: int, as_day: int
) -> None:
    """n_open_accounts, closed_share and the three ages."""
    g, open_like = a.g, a.open_like
    n_open = _count(open_like, g, n).astype(float)
    n_ended = _count(a.ended, g, n).astype(float)
    n_acc = n_open + n_ended
    opened_known = acc["opened_known"]
    age = (as_day - acc["opened"]).astype(float) / _DAYS_PER_MONTH
    ga = g[opened_known]
    ages = age[opened_known]
    n_ages = np.bincount(ga, minlength=n)
    go_mask = opened_known & open_like
    n_ages_open = np.bincount(g[go_mask], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        age_avg = _group_sum(ages, ga, n) / n_ages
        age_avg_open = _group_sum(age[go_mask], g[go_mask], n) / n_ages_open
        closed_share = n_ended / n_acc
    age_avg[n_ages == 0] = np.nan
    age_avg_open[n_ages_open == 0] = np.nan
    closed_share[n_acc == 0] = np.nan
    _put(out, "n_open_accounts", n_open)
    _put(out, "closed_share", closed_share)
    _put(out, "age_oldest_months", _group_max(ages, ga, n))
    _put(out, "age_avg_months_incl_closed", age_avg)
    _put(out, "age_avg_months_open_only", age_avg_open)


def _delinquency_features(
    out: np.ndarray, g: np.ndarray, acc: Mapping[str, np.ndarray], n: int
) -> None:
    """max_dpd_24m, n_delinquent_accounts_24m and lian3lei6_24m."""
    dpd = acc["dpd"]
    dpd_known_row = ~np.isnan(dpd)
    dpd_known = _count(dpd_known_row, g, n) > 0
    max_dpd = _group_max(dpd[dpd_known_row], g[dpd_known_row], n)
    n_delinquent = _count(dpd_known_row & (dpd >= 30), g, n).astype(float)
    max_dpd[~dpd_known] = np.nan
    n_delinquent[~dpd_known] = np.nan
    months = acc["months"]
    months_row = ~np.isnan(months)
    months_known = _count(months_row, g, n) > 0
    months_total = np.bincount(g[months_row], weights=months[months_row], minlength=n)
    consec3 = _count(acc["consec"] >= 3, g, n) > 0
    lian = np.where(consec3 | (months_total >= 6), 1.0, 0.0)
    lian[~(months_known | consec3)] = np.nan
    _put(out, "max_dpd_24m", max_dpd)
    _put(out, "n_delinquent_accounts_24m", n_delinquent)
    _put(out, "lian3lei6_24m", lian)


def _closure_features(
    out: np.ndarray,
    a: _Accounts,
    acc: Mapping[str, np.ndarray],
    n: int,
    days: tuple[int, int, int, int],
) -> _Closures:
    """Every closure feature. Closures are the explicit events, else implied for ended
    accounts with a ``closed_on``; ``days``: as_of, 12 and 24 months back, retention."""
    as_day, d12, d24, d_ret = days
    g, status, ended, bal, bal_known = a.g, a.status, a.ended, a.bal, a.bal_known
    has_ev = acc["has_event"]
    has_c = has_ev | (acc["closed_known"] & ended)
    c_bal = np.where(has_ev, acc["ev_balance"], np.nan)  # per account, NaN without an event
    c_lim = np.where(has_ev, acc["ev_limit"], np.nan)
    ci = np.flatnonzero(has_c)  # the closures, one per account at most; work on them only
    cg = g[ci]
    ev = has_ev[ci]
    c_day = np.where(ev, acc["ev_day"][ci], acc["closed"][ci])
    c_init = np.where(
        ev, v1_codes(acc["ev_initiator"][ci], V1_INITIATOR_CODES, N_V1_INITIATORS), _I["unknown"]
    )
    c_reason = np.where(ev, acc["ev_reason"][ci], _R["unknown"])
    st_c = status[ci]
    implied_term = np.where(
        st_c == _S["charged_off"],
        _T["bad_debt"],
        np.where(st_c == _S["transferred"], _T["abnormal"], -1),
    )
    c_term = np.where(ev, acc["ev_termination"][ci], implied_term)
    c_dpd6 = np.where(ev, acc["ev_dpd6"][ci], np.nan)
    cbal = c_bal[ci]
    bal_c = bal[ci]
    bal_c_known = bal_known[ci]

    since_last = (as_day - _group_max(c_day.astype(float), cg, n)) / _DAYS_PER_MONTH

    adverse_status = (status == _S["charged_off"]) | (status == _S["transferred"])
    abnormal = adverse_status & (~acc["closed_known"] | (acc["closed"] > d_ret))
    adverse_term = (c_term == _T["abnormal"]) | (c_term == _T["bad_debt"])
    abnormal[ci[adverse_term & (c_day > d_ret)]] = True
    # n_adverse_endings (policy v2): as abnormal, but a transfer alone (no event) does not count
    adverse = (status == _S["charged_off"]) & (~acc["closed_known"] | (acc["closed"] > d_ret))
    adverse[ci[adverse_term & (c_day > d_ret) & (ev | (c_term == _T["bad_debt"]))]] = True

    # balance still owed on the ended account: current balance, else the balance at closure
    from_closure_c = ~bal_c_known & (cbal > 0)  # NaN compares False
    from_closure = np.zeros(g.size, dtype=bool)
    from_closure[ci[from_closure_c]] = True
    closed_bal_row = ended & bal_known & (bal > 0)
    cwb_vals = np.concatenate([bal[closed_bal_row], cbal[from_closure_c]])
    cwb_groups = np.concatenate([g[closed_bal_row], cg[from_closure_c]])

    in24 = c_day > d24
    in12 = c_day > d12
    consumer = c_init == _I["consumer"]
    lender = _LENDER[c_init]
    risk = (c_init == _I["lender_risk"]) | (c_reason == _R["lender_risk_control"])

    dpd_c = np.where(np.isnan(c_dpd6), acc["dpd"][ci], c_dpd6)
    dpd_c_known = ~np.isnan(dpd_c)
    flag = _count(in24 & dpd_c_known & (dpd_c >= 30), cg, n) > 0
    unknown = _count(in24 & ~dpd_c_known, cg, n) > 0
    dpd_flag = np.where(flag, 1.0, 0.0)
    dpd_flag[~flag & unknown] = np.nan

    clim = c_lim[ci]
    lim12 = np.where(np.isnan(clim), a.lim[ci], clim)
    owed12 = np.where(bal_c_known, bal_c, cbal)
    closed_lim_row = in12 & a.rev[ci] & ~np.isnan(lim12)
    readd_row = closed_lim_row & (owed12 == 0) & (lim12 > 0)
    term_ok = (c_term == -1) | (c_term == _T["normal"])
    delev = (
        in12
        & consumer
        & (c_reason == _R["reduce_debt"])
        & term_ok
        & (owed12 == 0)
        & dpd_c_known
        & (dpd_c < 30)
    )
    _put(out, "months_since_last_closure", since_last)
    _put(out, "n_abnormal_terminations", _count(abnormal, g, n).astype(float))
    _put(out, "n_adverse_endings", _count(adverse, g, n).astype(float))
    _put(out, "closed_with_balance_amt", _group_sum(cwb_vals, cwb_groups, n))
    _put(out, "n_consumer_closures_24m", _count(in24 & consumer, cg, n).astype(float))
    _put(out, "n_consumer_closures_12m", _count(in12 & consumer, cg, n).astype(float))
    _put(out, "n_lender_closures_24m", _count(in24 & lender, cg, n).astype(float))
    _put(out, "n_lender_closures_12m", _count(in12 & lender, cg, n).astype(float))
    _put(out, "n_lender_risk_closures_24m", _count(in24 & risk, cg, n).astype(float))
    _put(out, "dpd_before_closure", dpd_flag)
    _put(out, "n_deleveraging_closures_12m", _count(delev, cg, n).astype(float))
    return _Closures(c_bal, c_lim, from_closure, cg, lim12, closed_lim_row, readd_row)


def _utilization_features(out: np.ndarray, a: _Accounts, c: _Closures, n: int) -> None:
    """util_total, util_max_line, util_delta_closure and lost_limit_share_12m: balances
    owed (closed lines too) over the limits still open."""
    g, lim, bal, bal_known, lim_known = a.g, a.lim, a.bal, a.bal_known, a.lim_known
    open_rev = a.open_like & a.rev & lim_known
    open_term = open_rev & bal_known & (lim > 0)
    owed_closed = np.where(bal_known, bal, np.where(c.from_closure, c.c_bal, np.nan))
    lim_closed = np.where(lim_known, lim, c.c_lim)
    closed_owed = a.ended & a.rev & (owed_closed > 0)
    closed_util = closed_owed & (lim_closed > 0)
    owed_all = _group_sum(
        np.concatenate([bal[open_term], owed_closed[closed_owed]]),
        np.concatenate([g[open_term], g[closed_owed]]),
        n,
    )
    open_lim = _group_sum(lim[open_term], g[open_term], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        closed_utils = owed_closed[closed_util] / lim_closed[closed_util]
        open_utils = bal[open_term] / lim[open_term]
    max_closed = _group_max(closed_utils, g[closed_util], n)
    util_max = np.fmax(_group_max(open_utils, g[open_term], n), max_closed)
    readd = _group_sum(c.lim12[c.readd_row], c.cg[c.readd_row], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        util_total = np.where(open_lim > 0, owed_all / open_lim, max_closed)
        cf_open_lim = open_lim + readd
        util_cf = np.where(cf_open_lim > 0, owed_all / cf_open_lim, max_closed)
        util_delta = np.where(np.isnan(util_total), np.nan, util_total - util_cf)
    lost_num = _group_sum(c.lim12[c.closed_lim_row], c.cg[c.closed_lim_row], n)
    lost_den = _group_sum(
        np.concatenate([lim[open_rev], c.lim12[c.closed_lim_row]]),
        np.concatenate([g[open_rev], c.cg[c.closed_lim_row]]),
        n,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        lost_share = np.where(lost_den > 0, lost_num / lost_den, np.nan)
    _put(out, "util_total", util_total)
    _put(out, "util_max_line", util_max)
    _put(out, "util_delta_closure", util_delta)
    _put(out, "lost_limit_share_12m", lost_share)


def _inquiry_features(
    out: np.ndarray, inq: Mapping[str, np.ndarray], n: int, d3: int, d6: int, d12: int
) -> None:
    """The hard inquiries of the last 3, 6 and 12 months."""
    qg = inq["g"]
    on = inq["on"]
    hard = inq["hard"]
    _put(out, "hard_inquiries_12m", _count(hard & (on > d12), qg, n).astype(float))
    _put(out, "hard_inquiries_6m", _count(hard & (on > d6), qg, n).astype(float))
    _put(out, "hard_inquiries_3m", _count(hard & (on > d3), qg, n).astype(float))


def compute_features(
    acc: Mapping[str, np.ndarray],
    inq: Mapping[str, np.ndarray],
    n_subjects: int,
    as_of: _dt.date,
    config: FeatureConfig,
    report: np.ndarray | None = None,
) -> np.ndarray:
    """Every feature for ``n_subjects`` subjects, a ``(n_subjects, N_FEATURES)`` array.

    Args:
        acc: Per-account columns (one row per account, any order): ``g`` subject index;
            ``product``, ``status`` enum codes; ``opened``, ``closed`` day numbers with
            ``opened_known``, ``closed_known`` masks; ``limit``, ``balance``, ``dpd``,
            ``months``, ``consec`` floats (``NaN`` unknown); and the account's closure event,
            if any: ``has_event`` mask, ``ev_day``, ``ev_initiator``, ``ev_reason``,
            ``ev_termination`` (-1 unknown), ``ev_balance``, ``ev_limit``, ``ev_dpd6``.
        inq: ``g`` subject index, ``on`` day numbers, ``hard`` mask.
        n_subjects: Number of subjects (subject indices run from 0).
        as_of: The assessment date.
        config: The extractor's windows.
        report: The report features of the subjects (``FeatureSpec.from_report``, computed
            once per batch by ``credit_closure._columnar.report_features``), copied into
            their columns; ``NaN`` when not given.

    Returns:
        The feature matrix, ``NaN`` where ``extract`` gives ``NaN``. Each step writes its
        features by name: counts and ages, delinquency, closures, utilization, inquiries.
    """
    n = n_subjects
    as_day = day_number(as_of)
    d3 = day_number(months_before(as_of, 3))
    d6 = day_number(months_before(as_of, 6))
    d12 = day_number(months_before(as_of, 12))
    d24 = day_number(months_before(as_of, 24))
    d_ret = day_number(months_before(as_of, config.retention_months))
    out = np.empty((n, N_FEATURES))
    a = _accounts_view(acc)
    _count_and_age_features(out, a, acc, n, as_day)
    _delinquency_features(out, a.g, acc, n)
    closures = _closure_features(out, a, acc, n, (as_day, d12, d24, d_ret))
    _utilization_features(out, a, closures, n)
    _inquiry_features(out, inq, n, d3, d6, d12)
    out[:, list(ACTIVITY_INDEX)] = 0.0  # no activity records in the columnar format
    from credit_closure._columnar.policy_engine import policy_features

    policy_features(out, acc, inq, n, as_of, config)  # default policy v2 (issue 15)
    out[:, list(REPORT_INDEX)] = np.nan if report is None else report
    return out
