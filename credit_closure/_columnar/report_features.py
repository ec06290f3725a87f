"""The features read from contract v2 report data, for the long format, vectorised.

Twin of :func:`credit_closure._scoring.report_features.report_features` (the definition; the
rules are documented there and in ``docs/features.md``). This is the one columnar
implementation: :func:`report_features_columnar` runs once per prepared batch, and both
engines only copy its columns (the numpy engine in ``compute_features``, the numba kernel in
its feature pass), for the subjects and for their closure-impact counterfactuals, whose
values are the same. The histories are read from the code-point matrix the input checks
built (their symbol classes month by month, right-aligned and padded: ``V2Data.hist_cls``); the record tables (special
transactions, guarantees, public records) through the scalar module's record functions.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import (
    _REVOLVING,
    ENUM_CODES,
    N_V1_STATUSES,
    V1_STATUS_CODES,
    _group_sum,
    day_number,
    v1_codes,
)
from credit_closure._columnar.v2 import (
    _CLASS_TABLE,
    CLASS_UNKNOWN,
    CLASS_WORST,
    V2_CODES,
    V2Data,
    longest_run,
)
from credit_closure._contract.enums import UNDRAWABLE_STATUSES
from credit_closure._contract.history import HISTORY_SYMBOLS
from credit_closure._scoring.features import months_before
from credit_closure._scoring.report_features import (
    COMPENSATION_KINDS,
    LEVELS,
    LIAN_LEVEL,
    ONLINE_LENDERS,
    RECORD_KINDS,
    REPORT_FEATURE_NAMES,
    classification_start,
    guarantee_features,
    month_number,
    public_record_counts,
)

__all__ = ["report_features_columnar"]

_COL = {name: k for k, name in enumerate(REPORT_FEATURE_NAMES)}
#: Symbol class (``V2Data.hist_cls``) -> the history level of the report features
#: (``LEVELS``: ``#`` and the padding before a short history -1); a class 0-7 is its level.
_CLASS_LEVEL = {k: k for k in range(8)} | {CLASS_WORST: 7, CLASS_UNKNOWN: -1}
assert all(LEVELS.get(sym, 0) == _CLASS_LEVEL[_CLASS_TABLE[ord(sym)]] for sym in HISTORY_SYMBOLS), (
    "the symbol classes of _columnar.v2 no longer give the report features' LEVELS"
)
_STATUS = ENUM_CODES["status"]
_UNDRAWABLE = np.zeros(len(ENUM_CODES["status"]), dtype=bool)
_UNDRAWABLE[[ENUM_CODES["status"][s.value] for s in UNDRAWABLE_STATUSES]] = True
#: Institution code + 1 (code -1: unknown) -> an online lender.
_ONLINE = np.zeros(len(V2_CODES["institution_type"]) + 1, dtype=bool)
_ONLINE[[V2_CODES["institution_type"][t.value] + 1 for t in ONLINE_LENDERS]] = True
_EPOCH_MONTH = month_number(_dt.date(1970, 1, 1))


def _max_at(n: int, g: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per subject, the largest of ``v`` (-1 where a subject has none; ``v`` >= -1)."""
    out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(out, g, v.astype(np.int64))
    return out


def _nan_below0(v: np.ndarray) -> np.ndarray:
    return np.where(v >= 0, v, np.nan).astype(float)


def report_features_columnar(
    acc: dict[str, np.ndarray], v2: V2Data, n: int, as_of: _dt.date, config: Any = None
) -> np.ndarray:
    """The ``(n, len(REPORT_FEATURE_NAMES))`` report features of a prepared batch
    (``acc`` the prepared account columns, ``v2`` its :class:`V2Data`; ``config`` the
    ``FeatureConfig``, ``None`` the default: ``worst_classification`` reads its retention and
    jurisdiction, as the scalar ``report_features``)."""
    out = np.zeros((n, len(REPORT_FEATURE_NAMES)))
    g = acc["g"]
    cols = v2.acc
    a_month = month_number(as_of)
    start60 = months_before(as_of, 60)

    # ---- current delinquency ---------------------------------------------------------------
    recency = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    periods = np.full(n, -1, dtype=np.int64)
    amt = cols.get("current_overdue_amount")
    if amt is not None and not np.isnan(amt).all():
        known = ~np.isnan(amt)
        sums = _group_sum(amt[known], g[known], n)
        any_known = np.bincount(g[known], minlength=n) > 0
        out[:, _COL["current_overdue_amt"]] = np.where(any_known, sums, np.nan)
        recency[g[known & (amt > 0)]] = 0
    else:
        out[:, _COL["current_overdue_amt"]] = np.nan
    per = cols.get("current_overdue_periods")
    if per is not None and not np.isnan(per).all():
        known = ~np.isnan(per)
        np.maximum.at(periods, g[known], per[known].astype(np.int64))
        recency[g[known & (per > 0)]] = 0

    # ---- histories -------------------------------------------------------------------------
    has = v2.has_history
    worst24, worst60, n_lian, lian_known = _histories(v2, g, n, a_month, recency, periods)

    # ---- accounts without a history: the 24-month summaries -------------------------------
    plain = ~has
    dpd, mo, co = acc["dpd"], acc["months"], acc["consec"]
    given = plain & ~(np.isnan(dpd) & np.isnan(mo) & np.isnan(co))
    with np.errstate(invalid="ignore"):
        lian = given & ((co >= 3) | (mo >= 6) | (dpd >= 91))
        hidden = given & ((dpd > 0) | (mo > 0) | (co > 0))
    n_lian += np.bincount(g[lian], minlength=n)
    lian_known[g[given]] = True
    np.minimum.at(recency, g[given & ~hidden], 24)
    recency_hidden = np.bincount(g[hidden], minlength=n) > 0
    big = np.iinfo(np.int64).max
    since = np.where(recency == big, np.nan, recency.astype(float))
    since[recency_hidden & (recency != 0)] = np.nan
    out[:, _COL["months_since_last_delinquency"]] = since
    out[:, _COL["current_overdue_periods"]] = _nan_below0(periods)
    out[:, _COL["worst_status_24m"]] = _nan_below0(worst24)
    out[:, _COL["worst_status_60m"]] = _nan_below0(worst60)
    out[:, _COL["n_lian3lei6_accounts_24m"]] = np.where(lian_known, n_lian, np.nan)

    # ---- classification, institution, undrawable lines --------------------------------------
    cls = cols.get("classification")
    if cls is not None:
        cls_start, us = classification_start(as_of, config)
        on_file = _classification_on_file(acc, cols, day_number(cls_start), us)
        out[:, _COL["worst_classification"]] = _nan_below0(
            _max_at(n, g, np.where(on_file, cls, -1))
        )
    else:
        out[:, _COL["worst_classification"]] = np.nan
    inst = cols.get("institution_type")
    if inst is not None:
        typed = np.bincount(g[inst >= 0], minlength=n)
        online = np.bincount(g[_ONLINE[inst + 1]], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, _COL["online_lender_share"]] = np.where(typed > 0, online / typed, np.nan)
    else:
        out[:, _COL["online_lender_share"]] = np.nan
    lim = acc["limit"]
    stuck = _UNDRAWABLE[acc["status"]] & _REVOLVING[acc["product"]] & ~np.isnan(lim)
    out[:, _COL["undrawable_limit_amt"]] = _group_sum(lim[stuck], g[stuck], n)

    # ---- the record tables, through the scalar rules ----------------------------------------
    _records(out, v2, g, start60)
    return out


def _classification_on_file(
    acc: dict[str, np.ndarray], cols: dict[str, np.ndarray], start: int, us: bool = False
) -> np.ndarray:
    """Per account, whether its classification is still on file, ``start`` the day number
    before the window (the scalar ``classification_on_file``). ``cn``: running, or owing, or
    the later of its closing and last-payment dates after ``start`` or neither known. ``us``:
    its first delinquency after ``start`` when known, else running, or its closing date after
    ``start`` or unknown."""
    st = v1_codes(acc["status"], V1_STATUS_CODES, N_V1_STATUSES)
    running = (st == _STATUS["open"]) | (st == _STATUS["suspended"])
    he = acc["has_event"]
    closed_known = acc["closed_known"]
    day_known = closed_known | he
    day = np.where(closed_known, acc["closed"], acc["ev_day"])
    on_file: np.ndarray
    if us:
        on_file = running | ~day_known | (day > start)
        first = cols.get("first_delinquency_on")
        if first is not None:
            on_file = np.where(cols["first_delinquency_on_known"], first > start, on_file)
        return on_file
    bal = acc["balance"]
    owed = np.where(np.isnan(bal), np.where(he, acc["ev_balance"], np.nan), bal)
    paid = cols.get("last_payment_on")
    if paid is not None:
        paid_known = cols["last_payment_on_known"]
        later = paid_known & (~day_known | (paid > day))
        day = np.where(later, paid, day)
        day_known = day_known | paid_known
    with np.errstate(invalid="ignore"):
        owing = owed > 0
    on_file = running | owing | ~day_known | (day > start)
    return on_file


def _histories(
    v2: V2Data, g: np.ndarray, n: int, a_month: int, recency: np.ndarray, periods: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The accounts with a history (``recency`` and ``periods`` updated in place): the worst
    level in 24 and 60 months, the 连三累六 accounts and whether a month of the 24 is known,
    per subject (the scalar ``_history``)."""
    cols = v2.acc
    has = v2.has_history
    worst24 = np.full(n, -1, dtype=np.int64)
    worst60 = np.full(n, -1, dtype=np.int64)
    n_lian = np.zeros(n)
    lian_known = np.zeros(n, dtype=bool)
    cls = v2.hist_cls
    if cls is not None and cls.shape[1]:
        rows = np.flatnonzero(has)
        gh = g[rows]
        end = cols["history_end"][rows].astype("datetime64[D]").astype("datetime64[M]")
        shift = a_month - (end.astype(np.int64) + _EPOCH_MONTH)
        width = cls.shape[0]
        # month-major levels (one row of all accounts per month: fast 1-D passes), from the
        # classes the checks read (checked: every one a symbol's)
        lev = _levels(cls, v2.hist_special)
        k = rows.size
        last = np.empty(k, dtype=np.int64)  # latest month that was or may have been bad
        w24 = np.empty(k, dtype=np.int8)
        w60 = np.empty(k, dtype=np.int8)
        lian = np.empty(k, dtype=bool)
        # the histories that end the same number of months before as_of share their windows
        # (usually one or two groups): each group is a few reductions over months
        lo, hi = int(shift.min()), int(shift.max())
        for sh in [lo] if lo == hi else np.unique(shift).tolist():
            sel = shift == sh
            block = lev if sel.all() else lev[:, sel]
            got = _window_stats(block, width, sh)
            if block is lev:
                last, w24, w60, lian = got
            else:
                last[sel], w24[sel], w60[sel], lian[sel] = got
        known24 = w24 >= 0
        rec = np.where(last >= 0, shift + width - 1 - last, shift + width)
        np.minimum.at(recency, gh, rec)
        np.maximum.at(periods, gh, _last_periods(cls))
        worst60 = _max_at(n, gh, w60)
        worst24 = _max_at(n, gh, w24)
        n_lian += np.bincount(gh, weights=lian, minlength=n)
        lian_known[gh[known24]] = True

    return worst24, worst60, n_lian, lian_known


def _window_stats(
    lev: np.ndarray, width: int, shift: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Histories whose last month is ``shift`` months before as_of's (``lev``: their levels,
    one row per month, -1 unknown): the column of the latest month that was or may have
    been delinquent (-1 none), the worst level in 24 and in 60 months (-1 none known) and
    whether each is 连三累六 in the 24 months (the scalar ``_history``)."""
    k = lev.shape[1]
    # the latest marked month: the largest of (month number + 1) over the marked months
    # (uint8 passes: width <= 60)
    months_1 = np.arange(1, width + 1, dtype=np.uint8)[:, None]
    last = (lev != 0).view(np.uint8).__mul__(months_1).max(axis=0).astype(np.int64) - 1
    none = np.full(k, -1, dtype=np.int8)
    c24 = max(0, width - 24 + shift)  # the first column inside the last 24 months
    c60 = max(0, width - 60 + shift)
    w24 = lev[c24:].max(axis=0) if c24 < width else none
    w60 = lev[c60:].max(axis=0) if c60 < width else none
    bad = lev[c24:] >= LIAN_LEVEL
    months = np.add.reduce(bad, axis=0, dtype=np.uint8)
    lian = months >= 6
    # three months in a row: only a history with 3 to 5 such months can tell (few)
    maybe = np.flatnonzero((months >= 3) & ~lian)
    if maybe.size:
        lian[maybe] = longest_run(bad[:, maybe]) >= 3
    return last, w24, w60, lian


def _levels(cls: np.ndarray, special: bool) -> np.ndarray:
    """The report features' levels of the classes ``cls`` (int8; the classes themselves when
    none is above the levels)."""
    if not special:
        return cls.view(np.int8)
    lev = cls.astype(np.int8)
    lev[cls == CLASS_WORST] = 7
    lev[cls == CLASS_UNKNOWN] = -1
    return lev


def _last_periods(cls: np.ndarray) -> np.ndarray:
    """The periods overdue every history's last month shows (its digit; -1 unknown)."""
    last = cls[-1].astype(np.int64)
    return np.where(last < CLASS_WORST, last, np.where(last == CLASS_UNKNOWN, -1, 0))


def _records(out: np.ndarray, v2: V2Data, g: np.ndarray, start60: _dt.date) -> None:
    """Special transactions, guarantees and public records (few rows: read per record)."""
    comp = _COL["n_guarantor_compensations_60m"]
    for row, recs in v2.special.items():
        k = sum(1 for t in recs if t.kind in COMPENSATION_KINDS and t.on > start60)
        out[g[row], comp] += k
    bal_col = _COL["guarantees_outstanding_amt"]
    adv_col = _COL["n_guarantees_adverse"]
    for s, guarantees in v2.guarantees.items():
        out[s, bal_col], out[s, adv_col] = guarantee_features(guarantees)
    first = _COL[f"n_{RECORD_KINDS[0].value}_records"]
    for s, records in v2.public_records.items():
        out[s, first : first + len(RECORD_KINDS)] = public_record_counts(records, start60)
