"""The numpy twin of the policy v2 part of ``credit_closure._scoring.features._extract_pass``:
the features of default policy v2 (issue 15) for many subjects at once.

:func:`policy_features` writes the :data:`~credit_closure._scoring.policy_features.POLICY_FEATURES`
columns of a feature matrix, by name, from the prepared per-account and per-inquiry columns;
:func:`credit_closure._columnar.numpy_engine.compute_features` calls it, and the compiled engine
(:mod:`credit_closure._columnar.kernel`) copies its result into the kernel's feature vector
(the kernel computes the v1 features itself; these are computed once, vectorised, for the
subjects and their counterfactuals). :func:`policy_columns` gives the per-account columns it
reads beyond the v1 ones (first delinquency, last payment, the delinquency a history proves).

Sums that the scalar pass takes with :func:`math.fsum` are taken with the numpy engine's exact
group sum, so the two agree to the last bit. The ``us`` rate-shopping merge of inquiries is a
short Python loop over the subjects that have loan-type inquiries (that profile only).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import (
    ENUM_CODES,
    N_V1_STATUSES,
    V1_STATUS_CODES,
    _count,
    _group_max,
    _group_sum,
    _put,
    day_number,
    v1_codes,
)
from credit_closure._contract.model import REVOLVING_PRODUCTS
from credit_closure._scoring.features import POLICY_INDEX, months_before
from credit_closure._scoring.policy_features import (
    CREDIT_INQUIRY_KINDS,
    RATE_SHOPPING_DAYS,
    RATE_SHOPPING_KINDS,
    SETTLEMENT_KINDS,
    US_RETENTION_MONTHS,
)

__all__ = [
    "POLICY_INDEX",
    "policy_columns",
    "policy_features",
    "policy_matrices",
    "reopen_columns",
    "subset_inquiries",
]

_EPOCH = _dt.date(1970, 1, 1)

_S = ENUM_CODES["status"]
_T = ENUM_CODES["termination"]
_K = ENUM_CODES["kind"]
_P = ENUM_CODES["product"]

_REV = np.zeros(len(_P), dtype=bool)
_REV[[_P[m.value] for m in REVOLVING_PRODUCTS]] = True
_CREDIT = np.zeros(len(_K), dtype=bool)
_CREDIT[[_K[m.value] for m in CREDIT_INQUIRY_KINDS]] = True
_RATE = np.zeros(len(_K), dtype=bool)
_RATE[[_K[m.value] for m in RATE_SHOPPING_KINDS]] = True


def _settlement_codes() -> np.ndarray:
    from credit_closure._columnar.v2 import V2_CODES

    return np.array([V2_CODES["closure_kind"][k.value] for k in SETTLEMENT_KINDS])


def policy_columns(v2: Any, n_acc: int) -> dict[str, np.ndarray]:
    """The per-account columns :func:`policy_features` reads beyond v1, from the contract v2
    columns (``credit_closure._columnar.v2.V2Data``): ``fdel``/``fdel_known`` (first
    delinquency), ``lastpay``/``lastpay_known`` (last payment) and ``hist_dpd``, the days past
    due a repayment history proves over its last 24 months when it shows a delinquent month
    (``NaN`` otherwise: a fully known clean window is already in ``worst_dpd_24m``), as
    :func:`credit_closure._contract.history.history_summary` gives it, for every history at
    once."""
    v2acc: Mapping[str, Any] = v2.acc
    out: dict[str, np.ndarray] = {}
    for name, col in (("fdel", "first_delinquency_on"), ("lastpay", "last_payment_on")):
        if col in v2acc:
            out[name] = v2acc[col]
            out[f"{name}_known"] = v2acc[f"{col}_known"]
        else:
            out[name] = np.zeros(n_acc, dtype=np.int64)
            out[f"{name}_known"] = np.zeros(n_acc, dtype=bool)
    worst = v2.hist_worst24  # the checks' worst level of every history (in row order)
    with np.errstate(invalid="ignore"):
        proved = np.where(worst > 0, 30.0 * worst - 29.0, np.nan)  # 1 + 30 * (worst - 1)
    if worst.size == n_acc:  # every account has a history
        hist_dpd = proved
    else:
        hist_dpd = np.full(n_acc, np.nan)
        hist_dpd[np.flatnonzero(v2.has_history)] = proved
    out["hist_dpd"] = hist_dpd
    return out


def _col(acc: Mapping[str, np.ndarray], name: str, fill: Any, n: int) -> np.ndarray:
    v = acc.get(name)
    if v is None:
        return np.full(n, fill)
    return v


def policy_features(
    out: np.ndarray,
    acc: Mapping[str, np.ndarray],
    inq: Mapping[str, np.ndarray],
    n: int,
    as_of: _dt.date,
    config: Any,
) -> None:
    """Write the policy v2 feature columns of ``out`` (``n`` subjects)."""
    g = acc["g"]
    m = g.size
    st = v1_codes(acc["status"], V1_STATUS_CODES, N_V1_STATUSES)
    rev = _REV[acc["product"]]
    bal = acc["balance"]
    he = acc["has_event"]
    open_like = (st == _S["open"]) | (st == _S["suspended"])
    undraw = st == _S["suspended"]
    ended = ~open_like
    w12 = day_number(months_before(as_of, 12))
    d24 = day_number(months_before(as_of, 24))
    d_ret = day_number(months_before(as_of, config.retention_months))
    d_us = day_number(months_before(as_of, US_RETENTION_MONTHS))

    owed = np.where(np.isnan(bal), np.where(he, acc["ev_balance"], np.nan), bal)
    _utilization(out, acc, n, ended, undraw, open_like, owed)

    # ---- closures ----
    closed_known = acc["closed_known"]
    c_exists = ended & (he | closed_known)
    c_day = np.where(he, acc["ev_day"], acc["closed"])
    in24 = c_exists & (c_day > d24)
    dpd = acc["dpd"]
    c_dpd = np.where(he & ~np.isnan(acc["ev_dpd6"]), acc["ev_dpd6"], dpd)
    _put(out, "n_delinquent_closures_24m", _count(in24 & (c_dpd >= 30), g, n).astype(float))
    settled = he & np.isin(acc["ev_kind"], _settlement_codes())
    rev24 = in24 & rev & ~settled
    _put(out, "n_revolving_closures_24m", _count(rev24, g, n).astype(float))
    _put(out, "n_revolving_closures_12m", _count(rev24 & (c_day > w12), g, n).astype(float))

    # ---- adverse endings and their retention clock ----
    term = acc["ev_termination"]
    charged = st == _S["charged_off"]
    by_event = he & ((term == _T["abnormal"]) | (term == _T["bad_debt"]))
    adverse = ended & (charged | by_event)
    day_known = he | closed_known
    if config.jurisdiction == "us":
        fk = _col(acc, "fdel_known", False, m)
        start = np.where(fk, _col(acc, "fdel", 0, m), c_day)
        keep = ~(fk | day_known) | (start > d_us)
    else:
        keep = (charged & (~closed_known | (acc["closed"] > d_ret))) | (
            by_event & (acc["ev_day"] > d_ret)
        )
        if config.retention_clock == "end_of_bad_act":
            pk = _col(acc, "lastpay_known", False, m)
            paid = _col(acc, "lastpay", 0, m)
            later = pk & (~day_known | (paid > c_day))
            end = np.where(later, paid, c_day)
            end_known = day_known | pk
            owed_known = ~np.isnan(owed)
            bad_act = (owed > 0) | ~end_known | (end > d_ret)
            keep = np.where(owed_known, bad_act, keep)
    _put(out, "n_adverse_endings_retained", _count(adverse & keep, g, n).astype(float))

    # ---- worst days past due, every source ----
    hist = _col(acc, "hist_dpd", np.nan, m)
    ev_dpd = np.where(he & (acc["ev_day"] > d24), acc["ev_dpd6"], np.nan)
    worst = np.fmax(np.fmax(dpd, hist), ev_dpd)
    known = ~np.isnan(worst)
    _put(out, "worst_dpd_24m", _group_max(worst[known], g[known], n))

    _inquiries(out, inq, n, as_of, config)


def _utilization(
    out: np.ndarray,
    acc: Mapping[str, np.ndarray],
    n: int,
    ended: np.ndarray,
    undraw: np.ndarray,
    open_like: np.ndarray,
    owed: np.ndarray,
) -> None:
    """util_revolving, util_revolving_max_line and no_open_revolving (the scalar twin:
    the utilization part of the scalar ``_extract_pass``)."""
    g = acc["g"]
    rev = _REV[acc["product"]]
    lim, bal = acc["limit"], acc["balance"]
    drawn = open_like & rev & ~undraw & ~np.isnan(lim) & ~np.isnan(bal) & (lim > 0)
    frozen_owed = open_like & rev & undraw & (bal > 0)
    closed_owed = ended & rev & (owed > 0)
    num = _group_sum(
        np.concatenate([bal[drawn], bal[frozen_owed], owed[closed_owed]]),
        np.concatenate([g[drawn], g[frozen_owed], g[closed_owed]]),
        n,
    )
    # a line that cannot be drawn (frozen, stopped, suspended or ended) counts at its balance
    den = _group_sum(
        np.concatenate([lim[drawn], bal[frozen_owed], owed[closed_owed]]),
        np.concatenate([g[drawn], g[frozen_owed], g[closed_owed]]),
        n,
    )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        util = np.where(den > 0, np.minimum(num / den, 1.0), np.nan)
        line = bal[drawn] / lim[drawn]
    _put(out, "util_revolving", util)
    _put(out, "util_revolving_max_line", _group_max(line, g[drawn], n))
    n_acc = np.bincount(g, minlength=n)
    has_open = _count(open_like & rev & ~undraw, g, n) > 0
    flag = np.where(has_open, 0.0, 1.0)
    flag[n_acc == 0] = np.nan
    _put(out, "no_open_revolving", flag)


def _inquiries(
    out: np.ndarray, inq: Mapping[str, np.ndarray], n: int, as_of: _dt.date, config: Any
) -> None:
    """credit_inquiries_3m/6m/12m (rate-shopping runs merged in the ``us`` profile)."""
    qg, on, kind = inq["g"], inq["on"], inq["kind"]
    credit = _CREDIT[kind]
    merge = _RATE[kind] & credit if config.jurisdiction == "us" else np.zeros(qg.size, bool)
    for months, name in (
        (3, "credit_inquiries_3m"),
        (6, "credit_inquiries_6m"),
        (12, "credit_inquiries_12m"),
    ):
        inside = credit & (on > day_number(months_before(as_of, months)))
        counts = _count(inside & ~merge, qg, n).astype(float)
        runs = inside & merge
        if runs.any():
            for s in np.unique(qg[runs]).tolist():
                days = np.sort(on[runs & (qg == s)])
                start = None
                for d in days.tolist():
                    if start is None or d - start >= RATE_SHOPPING_DAYS:
                        start = d
                        counts[s] += 1.0
        _put(out, name, counts)


def reopen_columns(
    acc: Mapping[str, np.ndarray], n: int, start: int, keep_adverse: bool = False
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Subjects with closures to undo (closed accounts closed after day ``start``; with
    ``keep_adverse``, not those whose event says abnormal or bad debt) and their
    counterfactual account columns (:func:`credit_closure._scoring.features.reopen_plan`)."""
    closed = acc["status"] == _S["closed"]
    day = np.where(acc["closed_known"], acc["closed"], acc["ev_day"])
    day_known = acc["closed_known"] | acc["has_event"]
    reopen = closed & day_known & (day > start)
    if keep_adverse:
        term = acc["ev_termination"]
        reopen &= ~(acc["has_event"] & ((term == _T["abnormal"]) | (term == _T["bad_debt"])))
    subjects = np.flatnonzero(np.bincount(acc["g"][reopen], minlength=n) > 0)
    if subjects.size == 0:
        return subjects, {}
    member = np.zeros(n, dtype=bool)
    member[subjects] = True
    rows = member[acc["g"]]
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[subjects] = np.arange(subjects.size)
    cf = {k: v[rows].copy() for k, v in acc.items()}
    r = reopen[rows]
    cf["g"] = new_index[cf["g"]]
    ev = cf["has_event"]
    lim = cf["limit"]
    cf["limit"] = np.where(r & ev & ~np.isnan(cf["ev_limit"]), cf["ev_limit"], lim)
    cf["balance"] = np.where(r & ev & np.isnan(cf["balance"]), cf["ev_balance"], cf["balance"])
    cf["status"] = np.where(r, _S["open"], cf["status"]).astype(np.int8)
    cf["closed_known"] = cf["closed_known"] & ~r
    cf["has_event"] = ev & ~r
    return subjects, cf


def subset_inquiries(
    inq: Mapping[str, np.ndarray], n: int, subjects: np.ndarray
) -> dict[str, np.ndarray]:
    """The inquiry columns of ``subjects``, renumbered in their order."""
    member = np.full(n, -1, dtype=np.int64)
    member[subjects] = np.arange(subjects.size)
    keep = member[inq["g"]] >= 0
    out = {k: v[keep] for k, v in inq.items()}
    out["g"] = member[inq["g"][keep]]
    return out


def policy_matrices(
    acc: Mapping[str, np.ndarray],
    inq: Mapping[str, np.ndarray],
    n: int,
    days: np.ndarray,
    config: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """For the compiled engine: the policy v2 features of every subject and of its
    counterfactual (rows of subjects with no closure to undo are ``NaN``), one column per
    :data:`POLICY_INDEX` entry. ``days`` as :func:`credit_closure._columnar.codes.kernel_days`."""
    from credit_closure._columnar.codes import DAY_AS_OF, DAY_COUNTERFACTUAL
    from credit_closure._scoring.features import N_FEATURES

    as_of = _EPOCH + _dt.timedelta(days=int(days[DAY_AS_OF]))
    cols = list(POLICY_INDEX)
    full = np.empty((n, N_FEATURES))
    policy_features(full, acc, inq, n, as_of, config)
    pol = np.ascontiguousarray(full[:, cols])
    cf_pol = np.full((n, len(cols)), np.nan)
    keep = bool(config.counterfactual_keeps_adverse)
    subjects, cf = reopen_columns(acc, n, int(days[DAY_COUNTERFACTUAL]), keep)
    if subjects.size:
        cf_full = np.empty((subjects.size, N_FEATURES))
        policy_features(
            cf_full, cf, subset_inquiries(inq, n, subjects), subjects.size, as_of, config
        )
        cf_pol[subjects] = cf_full[:, cols]
    return pol, cf_pol
