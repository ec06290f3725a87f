"""Contract v2 and activity records in the long format: read, checked and joined to accounts.

:func:`_prepare <credit_closure._columnar.prepare._prepare>` calls these steps after the v1
columns are read (the layout is documented in ``docs/batch-and-distributed.md``, "Contract v2
and activity"):

- :func:`account_v2` reads the v2 columns of ``accounts`` and the repayment history (one string
  of symbols per account, oldest month first, as in the JSON contract). The 24-month summary
  of every history is computed on a matrix of code points, vectorised
  (:func:`_window_summaries`), checked against the summaries given with it and used to fill the
  absent ones, exactly as :class:`~credit_closure.CreditAccount` does; the messages of the
  (rare) bad rows come from the contract's own functions, so they name the month;
- :func:`extra_tables` reads the tables beside the four of v1: ``overdue_amounts`` (one row per
  account and month), ``special_transactions``, ``limit_history``, ``guarantees``,
  ``public_records`` (row by row, through the contract's classes: each row's problems name the
  table and the row) and ``activity`` (the records of the security features);
- :func:`summary_rule` applies the v2 impossible-summary rule to the v2 subjects;
- :func:`security_features` counts, vectorised, what
  :func:`credit_closure._scoring.security.security_counts` counts per profile.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import day_number
from credit_closure._columnar.tables import (
    _account_codes,
    _dates,
    _enum,
    _id_kind,
    _ids,
    _is_series,
    _missing_mask,
    _numbers,
    _Problems,
    _Table,
    _too_many,
)
from credit_closure._columnar.text import _IdColumn
from credit_closure._contract.checks import Limits
from credit_closure._contract.enums import (
    AccountStatus,
    ActivityKind,
    ClosureInitiator,
    ClosureKind,
    InquiryKind,
    InstitutionType,
    LiabilityType,
    LoanClassification,
    ProductType,
)
from credit_closure._contract.history import (
    HISTORY_SYMBOLS,
    MAX_HISTORY_MONTHS,
    history_problems,
    symbol_problems,
)
from credit_closure._contract.model import ActivityRecord
from credit_closure._contract.records import (
    DOFD_BEFORE_OPENING,
    MAX_GUARANTEES,
    MAX_LIMIT_CHANGES,
    MAX_OVERDUE_PERIODS,
    MAX_PUBLIC_RECORDS,
    MAX_SPECIAL_TRANSACTIONS,
    Guarantee,
    LimitChange,
    PublicRecord,
    SpecialTransaction,
    summary_problems,
)
from credit_closure.exceptions import InvalidInputError

#: Integer codes of the v2 enums read as columns, in definition order.
V2_CODES: dict[str, dict[str, int]] = {
    "classification": {m.value: i for i, m in enumerate(LoanClassification)},
    "liability": {m.value: i for i, m in enumerate(LiabilityType)},
    "institution_type": {m.value: i for i, m in enumerate(InstitutionType)},
    "closure_kind": {m.value: i for i, m in enumerate(ClosureKind)},
    "activity_kind": {m.value: i for i, m in enumerate(ActivityKind)},
}
#: The first code of the v2 members appended to each v1 enum (v1 codes keep their positions;
#: the same slices as ``_contract.versioning``).
_FIRST_V2 = {"product": 7, "status": 5, "initiator": 6, "kind": 6}
assert list(ProductType)[7].value == "overdraft" and list(AccountStatus)[5].value == "frozen"
assert list(ClosureInitiator)[6].value == "paid_as_agreed" and len(InquiryKind) > 6

#: Institution codes whose accounts may date the first delinquency before the opening
#: (``records.DOFD_BEFORE_OPENING``: collected and purchased debts).
_DOFD_BEFORE_OPENING = np.array(
    sorted(V2_CODES["institution_type"][m.value] for m in DOFD_BEFORE_OPENING), dtype=np.int64
)
_ACT = V2_CODES["activity_kind"]
_CONTACT = _ACT[ActivityKind.CONTACT_CHANGE.value]
_REOPEN = _ACT[ActivityKind.REOPEN_REQUEST.value]
_TXN = _ACT[ActivityKind.TRANSACTION.value]
_MIN_DAY = day_number(Limits.MIN_DATE)
_DAY_BITS = 22  # day numbers from MIN_DATE fit 22 bits for 11,000 years

# Every history symbol as one byte, its "class": 0 a month with no delinquency level (N, *, C,
# G, /), 1-7 the delinquency levels of the digits, 8 a symbol without a level that the report
# features count as level 7 (B, D, Z), 9 the unknown month ``#`` (also the padding before a short
# history); 255 no symbol (any other character), 254 the separator of the joined strings.
# ``bytes.translate`` maps a whole column of histories through it in one C pass.
CLASS_NONE, CLASS_WORST, CLASS_UNKNOWN, _CLASS_BAD, _CLASS_SEP = 0, 8, 9, 255, 254
_CLASS = bytearray([_CLASS_BAD]) * 256
for _s in HISTORY_SYMBOLS:
    _CLASS[ord(_s)] = CLASS_NONE
_CLASS[ord("#")] = CLASS_UNKNOWN
for _s in "BDZ":
    _CLASS[ord(_s)] = CLASS_WORST
for _k in range(1, 8):
    _CLASS[ord(str(_k))] = _k
_CLASS[ord("\n")] = _CLASS_SEP
_CLASS_TABLE = bytes(_CLASS)
_BLOCK = 8192  # accounts per block of the transposition of the histories
assert all(ord(c) < 128 for c in HISTORY_SYMBOLS) and "\n" not in HISTORY_SYMBOLS


def date_of(day: int) -> _dt.date:
    """The date of a day number (days since 1970-01-01)."""
    return _dt.date.fromordinal(int(day) + 719163)


def _one(p: _Problems, table: str, row: int, path: str, message: str) -> None:
    """Report one problem of one row (``path`` may carry an index, ``repayment_history[3]``)."""
    p.rows(table, path, np.ones(1, dtype=bool), message, np.array([row], dtype=np.int64))


class V2Data:
    """The contract v2 content and activity records of a prepared batch (``_Prepared.v2``).

    ``acc``: per-account v2 columns (codes -1 and ``NaN`` where unknown; ``history`` the
    symbol strings, ``None`` without one); ``objects``: per account row or subject, the
    records read row by row; ``act``: the activity columns the security features read
    (``None`` without an activity table); ``v2_subject``: which subjects use contract v2.
    """

    def __init__(self, n_acc: int, n: int) -> None:
        self.acc: dict[str, np.ndarray] = {}
        self.n_acc = n_acc
        self.special: dict[int, list[Any]] = {}
        self.limits: dict[int, list[Any]] = {}
        self.overdue: dict[int, dict[int, float | None]] = {}
        self.guarantees: dict[int, list[Any]] = {}
        self.public_records: dict[int, list[Any]] = {}
        self.activity: dict[int, list[ActivityRecord]] = {}
        self.act: dict[str, np.ndarray] | None = None
        self.v2_subject = np.zeros(n, dtype=bool)
        self.has_history = np.zeros(n_acc, dtype=bool)
        #: the histories once read, shared by the checks, the summaries filled in, the report
        #: features and the policy columns: their symbol classes (``CLASS_*``), one row per
        #: month and one column per account with a history (in row order), right-aligned and
        #: padded with ``CLASS_UNKNOWN`` to at least 24 months (``None`` without histories)
        self.hist_cls: np.ndarray | None = None
        #: whether a class above the levels (``CLASS_WORST``, ``CLASS_UNKNOWN``) is in it
        self.hist_special = False
        #: per account with a history: the worst level (1-7, 0 none) of its last 24 months
        self.hist_worst24 = np.zeros(0, dtype=np.int64)
        #: per account row: the months of its history (0 without one)
        self.hist_len = np.zeros(n_acc, dtype=np.int64)


# ------------------------------------------------------------------------------------------
# accounts: the v2 columns and the repayment history
# ------------------------------------------------------------------------------------------
def account_v2(
    a: _Table,
    acc: dict[str, np.ndarray],
    out: V2Data,
    p: _Problems,
    since: int,
    as_day: int,
    compiled: bool,
) -> None:
    """Read and check the v2 columns of ``accounts``; check the histories against the
    summaries and fill the summaries they prove (``acc`` updated, new arrays)."""
    cols: dict[str, Any] = {}
    for name in ("classification", "liability", "institution_type"):
        cols[name] = _enum(a, name, V2_CODES[name], p, required=False, default=-1)
    cols["current_overdue_amount"] = _numbers(a, "current_overdue_amount", p, compiled=compiled)
    cols["current_overdue_periods"] = _numbers(
        a, "current_overdue_periods", p, integer=True, hi=MAX_OVERDUE_PERIODS, compiled=compiled
    )
    for name in ("first_delinquency_on", "last_payment_on", "history_end"):
        cols[name] = _dates(a, name, p, required=False, as_day=as_day, compiled=compiled)
    if any(v is None for v in cols.values()):
        p.raise_if(since)
    for name in ("first_delinquency_on", "last_payment_on", "history_end"):
        cols[name], cols[f"{name}_known"] = cols[name]
    p.rows(
        "accounts",
        "first_delinquency_on",
        cols["first_delinquency_on_known"]
        & acc["opened_known"]
        & (cols["first_delinquency_on"] < acc["opened"])
        & ~np.isin(cols["institution_type"], _DOFD_BEFORE_OPENING),
        "is before opened_on (allowed only on a debt collector's or debt buyer's account: "
        "institution_type 'collection_agency')",
    )
    hist = _history_column(a, p)
    cols["history"] = None if hist is None else hist.strings
    has = np.zeros(a.n, dtype=bool) if hist is None else hist.has
    out.has_history = has
    if hist is not None:
        out.hist_cls, out.hist_special, out.hist_len = hist.cls, hist.special, hist.lengths
    end_known = cols["history_end_known"]
    p.rows("accounts", "history_end", end_known & ~has, "needs repayment_history")
    p.rows(
        "accounts",
        "history_end",
        has & ~end_known,
        "is required with repayment_history (the month of its last symbol)",
    )
    out.acc = cols
    if hist is not None and has.any():
        _check_histories(hist, cols, acc, p, out)


class _Histories:
    """The valid-looking histories of an accounts table: the rows that have one, their
    strings (object array for the profiles, ``None`` elsewhere), their lengths and, for those
    rows, the symbol classes month by month (``V2Data.hist_cls``); ``bad``: per history,
    whether a character is no symbol (``None``: every one is a symbol); ``special``: whether
    a class above the levels appears."""

    def __init__(
        self,
        strings: np.ndarray,
        has: np.ndarray,
        lengths: np.ndarray,
        cls: np.ndarray,
        bad: np.ndarray | None,
        special: bool,
    ) -> None:
        self.strings = strings
        self.has = has
        self.lengths = lengths
        self.cls = cls
        self.bad = bad
        self.special = special


def _history_column(a: _Table, p: _Problems) -> _Histories | None:
    """The ``repayment_history`` column (bad values reported; every bad month named later)."""
    if not a.has("repayment_history"):
        return None
    raw = a.raw("repayment_history")
    arr = raw.to_numpy(dtype=object) if _is_series(raw) else np.asarray(raw)
    if arr.dtype.kind == "U":
        arr = arr.astype(object)
    if arr.dtype.kind != "O":
        p.add("accounts.repayment_history", f"must hold strings (got dtype {arr.dtype})")
        return None
    import pandas as pd

    if pd.api.types.infer_dtype(arr, skipna=False) in ("string", "empty"):
        is_str = np.ones(arr.size, dtype=bool)  # a string in every row: the usual case
    else:
        present = ~_missing_mask(arr)
        values = arr[present]
        if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
            is_str = present
        else:  # some value is no string: find which (the uncommon case)
            is_str = np.zeros(arr.size, dtype=bool)
            is_str[present] = [isinstance(v, str) for v in values]
            p.rows(
                "accounts",
                "repayment_history",
                present & ~is_str,
                "must be a string of repayment symbols",
            )
    every = bool(is_str.all())
    values = (arr if every else arr[is_str]).tolist()
    str_lengths, cls, top = _classes(values, exact=False)
    if top >= _CLASS_SEP:  # a character is no symbol: read again through the code points
        str_lengths, cls, top = _classes(values, exact=True)
    lengths = str_lengths if every else np.zeros(arr.size, dtype=np.int64)
    if not every:
        lengths[is_str] = str_lengths
    p.rows(
        "accounts",
        "repayment_history",
        is_str & (lengths == 0),
        "must not be empty; omit it when there is no history",
    )
    p.rows(
        "accounts",
        "repayment_history",
        is_str & (lengths > MAX_HISTORY_MONTHS),
        f"has more than {MAX_HISTORY_MONTHS} months",
    )
    has = is_str & (lengths > 0) & (lengths <= MAX_HISTORY_MONTHS)
    if has.all():
        strings = arr
    else:
        strings = np.full(arr.size, None, dtype=object)
        strings[has] = arr[has]
    bad: np.ndarray | None = None
    if top >= _CLASS_SEP:
        bad = np.asarray((cls >= _CLASS_SEP).any(axis=0))
    return _Histories(strings, has, np.where(has, lengths, 0), cls, bad, top >= CLASS_WORST)


def _classes(values: list[str], exact: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """``(lengths, classes, top)`` of the strings ``values``: their lengths, the classes of
    those of 1 to ``MAX_HISTORY_MONTHS`` months (:func:`_month_major`) and the largest class.

    Not ``exact``: one ``translate`` pass over the values joined by newlines, when every one
    is ASCII; a value with a newline may then be cut wrong, but the class of a newline (like
    that of any character no symbol) is at least ``_CLASS_SEP``: ``top`` tells the caller to
    read again, ``exact``, through the code points (a character beyond ASCII, or a newline,
    is no symbol)."""
    k = len(values)
    if not exact:
        try:
            joined = ("\n".join(values) + "\n").encode("ascii") if values else b""
        except UnicodeEncodeError:
            joined = None
        if joined is not None:
            flat = np.frombuffer(joined.translate(_CLASS_TABLE), dtype=np.uint8)
            size, rest = divmod(flat.size, k) if k else (1, 1)
            # all of one length (the usual case), each in the classes (so a newline inside
            # one, which would have cut it wrong, shows in ``top``)
            one = not rest and 0 < size - 1 <= MAX_HISTORY_MONTHS
            if one and (flat[size - 1 :: size] == _CLASS_SEP).all():
                lengths = np.full(k, size - 1, dtype=np.int64)
            else:
                lengths = np.diff(np.flatnonzero(flat == _CLASS_SEP), prepend=-1) - 1
            if lengths.size == k:
                return _with_top(lengths, _month_major(flat, 1, lengths))
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=k)
    cp = np.frombuffer("".join(values).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ascii_ = np.where((cp < 127) & (cp != ord("\n")), cp, 127).astype(np.uint8)
    flat = np.frombuffer(ascii_.tobytes().translate(_CLASS_TABLE), dtype=np.uint8)
    return _with_top(lengths, _month_major(flat, 0, lengths))


def _with_top(lengths: np.ndarray, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    return lengths, cls, int(cls.max()) if cls.size else 0


def _month_major(flat: np.ndarray, step: int, lengths: np.ndarray) -> np.ndarray:
    """The classes of the strings of 1 to ``MAX_HISTORY_MONTHS`` months (``flat``: the
    classes of all the strings joined, each followed by ``step`` separators; ``lengths``:
    theirs), one row per month and one column per string, right-aligned and padded with
    ``CLASS_UNKNOWN`` to the longest (at least 24 months): the months before a short
    history are unknown months."""
    take = (lengths > 0) & (lengths <= MAX_HISTORY_MONTHS)
    chosen = lengths[take]
    k = chosen.size
    width = max(24, int(chosen.max()) if k else 0)
    out = np.empty((width, k), dtype=np.uint8)
    if k and k == lengths.size and chosen.min() == chosen.max():  # the usual case: a reshape
        size = int(chosen[0])
        out[: width - size] = CLASS_UNKNOWN
        rows = flat.reshape(k, size + step)
        for i in range(0, k, _BLOCK):  # transposed by blocks that stay in cache: 3x faster
            out[width - size :, i : i + _BLOCK] = rows[i : i + _BLOCK, :size].T
        return out
    out[:] = CLASS_UNKNOWN
    starts = (np.cumsum(lengths + step) - (lengths + step))[take]
    col = np.repeat(np.arange(k), chosen)
    pos = np.arange(col.size) - np.repeat(np.cumsum(chosen) - chosen, chosen)
    out[width - chosen[col] + pos, col] = flat[starts[col] + pos]
    return out


def _window_summaries(
    cls: np.ndarray, special: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(months, longest_run, worst_level, unknown)`` of the last 24 months of every history
    (``cls`` as ``V2Data.hist_cls``; ``special`` its flag: without it every class is a level),
    as :func:`credit_closure._contract.history.history_summary` computes them."""
    w = cls[-24:]
    k = cls.shape[1]
    if special:
        level = np.where(w < CLASS_WORST, w, np.uint8(0))
        unknown = np.add.reduce(w == CLASS_UNKNOWN, axis=0, dtype=np.uint8).astype(np.int64)
    else:
        level = w
        unknown = np.zeros(k, dtype=np.int64)
    delinquent = level > 0
    months = np.add.reduce(delinquent, axis=0, dtype=np.uint8).astype(np.int64)
    worst = level.max(axis=0).astype(np.int64)
    longest = np.minimum(months, 1)  # with fewer than two delinquent months, the run is that
    several = np.flatnonzero(months > 1)  # the runs of the others, month by month
    if several.size:
        longest[several] = longest_run(delinquent[:, several])
    return months, longest, worst, unknown


def longest_run(marked: np.ndarray) -> np.ndarray:
    """Per column of ``marked`` (bool, one row per month), the longest run of marked months
    (uint8: at most 60)."""
    run = np.zeros(marked.shape[1], dtype=np.uint8)
    longest = np.zeros(marked.shape[1], dtype=np.uint8)
    for month in marked:
        run += np.uint8(1)
        run *= month
        np.maximum(longest, run, out=longest)
    return longest


def _opt(v: float) -> int | None:
    return None if v != v else int(v)


def _check_histories(
    hist: _Histories,
    cols: dict[str, Any],
    acc: dict[str, np.ndarray],
    p: _Problems,
    out: V2Data,
) -> None:
    """Symbols, agreement with the given summaries, and the summaries the history proves
    (the worst level of every history kept on ``out`` for the policy columns)."""
    rows = np.flatnonzero(hist.has)
    end_known = cols["history_end_known"][rows]
    good = end_known
    if hist.bad is not None:
        for k in np.flatnonzero(hist.bad):
            r = int(rows[k])
            end = date_of(cols["history_end"][r]) if end_known[k] else None
            for path, message in symbol_problems("repayment_history", hist.strings[r], end):
                _one(p, "accounts", r, path, message)
        good = good & ~hist.bad
    months, longest, worst, unknown = _window_summaries(hist.cls, hist.special)
    out.hist_worst24 = worst
    if not good.all():
        rows, months, longest, worst, unknown = (
            x[good] for x in (rows, months, longest, worst, unknown)
        )
    every = rows.size == acc["dpd"].size  # every account has a (checked) history: no gather
    sel = slice(None) if every else rows
    dpd, m_given, c_given = acc["dpd"][sel], acc["months"][sel], acc["consec"][sel]
    lo = np.where(worst == 0, 0, 1 + 30 * (worst - 1))
    known = unknown == 0
    # the histories with a summary given beside them: agreement (the others cannot disagree)
    given = np.flatnonzero(~(np.isnan(dpd) & np.isnan(m_given) & np.isnan(c_given)))
    if given.size:
        _agreement(
            p,
            hist.strings,
            cols["history_end"],
            rows[given],
            *(x[given] for x in (dpd, m_given, c_given, months, longest, worst, unknown)),
        )
    # the summaries a fully known window proves, where absent (CreditAccount._derive_summaries)
    all_known = bool(known.all())
    fill = None if every and all_known else rows[known]
    for name, value in (("dpd", lo), ("months", months), ("consec", longest)):
        col = acc[name]
        if fill is None:
            acc[name] = np.where(np.isnan(col), value.astype(float), col)
            continue
        col = col.copy()
        target = col[fill]
        proved = value if all_known else value[known]
        col[fill] = np.where(np.isnan(target), proved.astype(float), target)
        acc[name] = col


def _agreement(
    p: _Problems,
    strings: np.ndarray,
    end: np.ndarray,
    rows: np.ndarray,
    dpd: np.ndarray,
    m_given: np.ndarray,
    c_given: np.ndarray,
    months: np.ndarray,
    longest: np.ndarray,
    worst: np.ndarray,
    unknown: np.ndarray,
) -> None:
    """The histories (account ``rows``) whose given summaries their 24 months cannot give:
    every problem named, month by month, by the contract's own check."""
    lo = np.where(worst == 0, 0, 1 + 30 * (worst - 1))
    hi = np.where(worst == 0, 30, np.where(worst == 7, np.inf, 30 * worst + 30))
    known = unknown == 0
    with np.errstate(invalid="ignore"):
        bad = (m_given < months) | (m_given > months + unknown)
        bad |= (c_given < longest) | (c_given > longest + unknown)
        bad |= (dpd < lo) | (known & (dpd > hi))
    for k in np.flatnonzero(bad):
        r = int(rows[k])
        for path, message in history_problems(
            strings[r],
            date_of(end[r]),
            _opt(dpd[k]),
            _opt(m_given[k]),
            _opt(c_given[k]),
        ):
            _one(p, "accounts", r, path, message)


# ------------------------------------------------------------------------------------------
# the v2 impossible-summary rule and which subjects are v2
# ------------------------------------------------------------------------------------------
def mark_v2_subjects(
    acc: dict[str, np.ndarray],
    out: V2Data,
    inq: dict[str, np.ndarray],
    closure_v2: np.ndarray | None,
) -> None:
    """Which subjects use contract v2 content (``settle_version`` infers the version so)."""
    v2_acc = (acc["product"] >= _FIRST_V2["product"]) | (acc["status"] >= _FIRST_V2["status"])
    v2_acc |= out.has_history
    for name in ("classification", "liability", "institution_type"):
        v2_acc |= out.acc[name] >= 0
    for name in ("current_overdue_amount", "current_overdue_periods"):
        v2_acc |= ~np.isnan(out.acc[name])
    for name in ("first_delinquency_on", "last_payment_on", "history_end"):
        v2_acc |= out.acc[f"{name}_known"]
    for row in (*out.special, *out.limits, *out.overdue):
        v2_acc[row] = True
    if closure_v2 is not None:
        v2_acc |= closure_v2
    flag = out.v2_subject
    flag[acc["g"][v2_acc]] = True
    v2_inq = inq["kind"] >= _FIRST_V2["kind"]
    if "institution_type" in inq:
        v2_inq |= inq["institution_type"] >= 0
    flag[inq["g"][v2_inq]] = True
    for s in (*out.guarantees, *out.public_records):
        flag[s] = True


def summary_rule(acc: dict[str, np.ndarray], out: V2Data, p: _Problems) -> None:
    """The v2 plausibility of the summaries of accounts without a history, in v2 subjects
    (``records.summary_problems``): messages of the bad rows from the contract itself."""
    rows = np.flatnonzero(out.v2_subject[acc["g"]] & ~out.has_history)
    if rows.size == 0:
        return
    dpd, months, consec = acc["dpd"][rows], acc["months"][rows], acc["consec"][rows]
    need = np.minimum(24, np.floor_divide(np.nan_to_num(dpd), 31))
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(dpd) & ((months < need) | (consec < need) | ((dpd == 0) & (months > 0)))
    for k in np.flatnonzero(bad):
        for path, message in summary_problems(_opt(dpd[k]), _opt(months[k]), _opt(consec[k])):
            _one(p, "accounts", int(rows[k]), path, message)


# ------------------------------------------------------------------------------------------
# the tables beside the four of v1
# ------------------------------------------------------------------------------------------
def join_accounts(
    acc_g: np.ndarray, aid_a: _IdColumn, g_x: np.ndarray, aid_x: _IdColumn
) -> np.ndarray:
    """The account row each (subject, account id) of another table names, -1 for none."""
    n_subjects = int(max(acc_g.max(initial=-1), g_x.max(initial=-1))) + 1
    code_a, code_x, _, width = _account_codes(aid_a, aid_x, n_subjects)
    assert code_x is not None  # aid_x was given
    key_a = acc_g.astype(np.int64) * width + code_a
    key_x = g_x.astype(np.int64) * width + code_x
    order = np.argsort(key_a, kind="stable")
    sorted_keys = key_a[order]
    if sorted_keys.size == 0:
        return np.full(key_x.size, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(sorted_keys, key_x), sorted_keys.size - 1)
    return np.where(sorted_keys[pos] == key_x, order[pos], -1)


def _account_rows(
    t: _Table, g: np.ndarray, acc_g: np.ndarray, aid_a: _IdColumn, p: _Problems
) -> np.ndarray | None:
    """The account row of every row of a per-account table (problems reported)."""
    aid = _ids(t, "account_id", p)
    if aid is None:
        return None
    if _id_kind(aid) != _id_kind(aid_a):
        p.add(f"{t.name}.account_id", "must be of the same type as accounts.account_id")
        return None
    row = join_accounts(acc_g, aid_a, g, aid)
    p.rows(t.name, "account_id", row < 0, "names no account of the subject in accounts")
    return row


def _values(t: _Table, column: str, integer: bool = False) -> list[Any]:
    """A column's cells as plain Python values (``None`` where missing; whole floats of an
    integer field as ints), for the contract's classes to check."""
    if not t.has(column):
        return [None] * t.n
    raw = t.raw(column)
    arr = raw.to_numpy(dtype=object) if _is_series(raw) else np.asarray(raw).astype(object)
    miss = _missing_mask(arr)
    out: list[Any] = []
    for v, m in zip(arr.tolist(), miss.tolist()):
        if m:
            out.append(None)
            continue
        if isinstance(v, np.generic):
            v = v.item()
        if integer and isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(v)
    return out


#: The row-by-row tables: class, the date columns (required ones first), the numbers, the
#: whole numbers, whether rows belong to an account, and the limit of rows per owner.
_RECORD_TABLES: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...], tuple[str, ...], int]] = {
    "special_transactions": (
        SpecialTransaction,
        ("on",),
        ("amount",),
        ("months",),
        MAX_SPECIAL_TRANSACTIONS,
    ),
    "limit_history": (LimitChange, ("on",), ("limit",), (), MAX_LIMIT_CHANGES),
    "guarantees": (
        Guarantee,
        ("opened_on", "ends_on"),
        ("amount", "balance", "overdue_amount"),
        (),
        MAX_GUARANTEES,
    ),
    "public_records": (PublicRecord, ("on",), ("amount",), (), MAX_PUBLIC_RECORDS),
}
_REQUIRED_DATES = frozenset({"on"})
_FAR_FUTURE = day_number(_dt.date(9999, 12, 31))


def _records(t: _Table, p: _Problems, since: int, as_day: int, compiled: bool) -> list[Any | None]:
    """The rows of a record table as the contract's objects (``None`` for a bad row; every
    problem reported with the table, the field and the row)."""
    from credit_closure._columnar.tables import TABLE_COLUMNS

    cls, date_cols, number_cols, int_cols, _limit = _RECORD_TABLES[t.name]
    before = p.count
    dates = {
        c: _dates(
            t,
            c,
            p,
            required=c in _REQUIRED_DATES,
            as_day=_FAR_FUTURE if c == "ends_on" else as_day,  # a guarantee may end later
            compiled=compiled,
        )
        for c in date_cols
    }
    for c in number_cols:
        _numbers(t, c, p, compiled=compiled)
    if p.count > before:
        return [None] * t.n
    fields = [c for c in TABLE_COLUMNS[t.name] if c not in ("subject_id", "account_id")]
    values: dict[str, list[Any]] = {}
    for c in fields:
        if c in dates:
            num, known = dates[c]  # type: ignore[misc]
            values[c] = [date_of(d) if k else None for d, k in zip(num.tolist(), known.tolist())]
        else:
            values[c] = _values(t, c, integer=c in int_cols)
    out: list[Any | None] = []
    for i in range(t.n):
        kwargs = {c: values[c][i] for c in fields if values[c][i] is not None}
        try:
            out.append(cls(**kwargs))
        except InvalidInputError as exc:
            for path, message in exc.problems:
                _one(p, t.name, i, path, message)
            out.append(None)
        except TypeError as exc:  # a required field missing
            _one(p, t.name, i, t.name, f"is incomplete ({exc})")
            out.append(None)
    return out


def _activity(
    t: _Table, as_of: _dt.date, p: _Problems
) -> tuple[list[ActivityRecord | None], np.ndarray, np.ndarray]:
    """The activity rows as records (``None`` for a bad row), their UTC days and kind codes."""
    at = _values(t, "at")
    kind = _values(t, "kind")
    aid = _values(t, "account_id")
    recs: list[ActivityRecord | None] = []
    day = np.zeros(t.n, dtype=np.int64)
    code = np.zeros(t.n, dtype=np.int64)
    for i in range(t.n):
        if at[i] is None or kind[i] is None:
            _one(p, "activity", i, "at" if at[i] is None else "kind", "is missing")
            recs.append(None)
            continue
        when = at[i]
        if isinstance(when, np.datetime64):  # pragma: no cover - numpy scalars are items above
            when = when.item()
        try:
            rec = ActivityRecord(account_id=str(aid[i]), at=when, kind=kind[i])
        except InvalidInputError as exc:
            for path, message in exc.problems:
                if path != "account_id":  # checked with the subject and account ids
                    _one(p, "activity", i, path, message)
            recs.append(None)
            continue
        d = rec.day
        if d > as_of:
            _one(p, "activity", i, "at", "is after the assessment date")
        day[i] = day_number(d)
        code[i] = _ACT[rec.kind.value]
        recs.append(rec)
    return recs, day, code


def _datetime_cells(t: _Table) -> _Table:
    """``at`` as Python datetimes when it is a datetime64 column (naive, UTC)."""
    if not t.has("at"):
        return t
    raw = t.raw("at")
    arr = raw.to_numpy() if _is_series(raw) else np.asarray(raw)
    if arr.dtype.kind != "M":
        return t
    cells = arr.astype("datetime64[us]").astype(object)
    table = {
        c: (cells if c == "at" else np.asarray(_values(t, c), dtype=object)) for c in t.columns
    }
    return _Table("activity", table, _Problems())


def extra_tables(
    tables: dict[str, _Table],
    g: dict[str, np.ndarray],
    acc: dict[str, np.ndarray],
    aid_a: _IdColumn,
    out: V2Data,
    n: int,
    p: _Problems,
    since: int,
    as_of: _dt.date,
    compiled: bool,
) -> None:
    """Read and check the tables beside the four of v1 into ``out``."""
    as_day = day_number(as_of)
    acc_g = acc["g"]
    for name in ("special_transactions", "limit_history"):
        t = tables.get(name)
        if t is None:
            continue
        row = _account_rows(t, g[name], acc_g, aid_a, p)
        recs = _records(t, p, since, as_day, compiled)
        if row is None:
            continue
        _too_many(p, name, row + 1, out.n_acc + 1, _RECORD_TABLES[name][4], "rows per account")
        target = out.special if name == "special_transactions" else out.limits
        for r, rec in zip(row.tolist(), recs):
            if r >= 0 and rec is not None:
                target.setdefault(r, []).append(rec)
    for name in ("guarantees", "public_records"):
        t = tables.get(name)
        if t is None:
            continue
        recs = _records(t, p, since, as_day, compiled)
        _too_many(p, name, g[name], n, _RECORD_TABLES[name][4], name.replace("_", " "))
        target = out.guarantees if name == "guarantees" else out.public_records
        for s, rec in zip(g[name].tolist(), recs):
            if rec is not None:
                target.setdefault(s, []).append(rec)
    t = tables.get("overdue_amounts")
    if t is not None:
        _overdue_amounts(t, g["overdue_amounts"], acc, aid_a, out, p, as_day, compiled)
    t = tables.get("activity")
    if t is not None:
        _activity_table(t, g["activity"], acc, aid_a, out, n, p, as_of)


def _overdue_amounts(
    t: _Table,
    g: np.ndarray,
    acc: dict[str, np.ndarray],
    aid_a: _IdColumn,
    out: V2Data,
    p: _Problems,
    as_day: int,
    compiled: bool,
) -> None:
    """One row per account and month: the amount past due that month (``None``: unknown)."""
    row = _account_rows(t, g, acc["g"], aid_a, p)
    month = _dates(t, "month", p, required=True, as_day=as_day, compiled=compiled)
    amount = _numbers(t, "amount", p, compiled=compiled)
    if row is None or month is None or amount is None:
        return
    found = row >= 0
    r = np.where(found, row, 0)
    m = np.asarray(month[0]).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    history = out.acc.get("history")
    p.rows("overdue_amounts", "account_id", found & ~out.has_history[r], "needs repayment_history")
    ok = found & out.has_history[r]
    if ok.any() and history is not None:
        lengths = out.hist_len
        end = out.acc["history_end"].astype("datetime64[D]").astype("datetime64[M]")
        end_m = end.astype(np.int64)
        first_m = end_m - lengths + 1
        outside = ok & ((m < first_m[r]) | (m > end_m[r]))
        p.rows("overdue_amounts", "month", outside, "is not a month of the account's history")
        ok &= ~outside
    key = r.astype(np.int64) * 4096 + (m - m.min() if m.size else m)
    order = np.argsort(key, kind="stable")
    dup = np.zeros(t.n, dtype=bool)
    dup[order[1:][key[order][1:] == key[order][:-1]]] = True
    p.rows("overdue_amounts", "month", ok & dup, "repeats an earlier month of the account")
    for i in np.flatnonzero(ok & ~dup).tolist():
        v = amount[i]
        out.overdue.setdefault(int(r[i]), {})[int(m[i])] = None if v != v else float(v)


def _activity_table(
    t: _Table,
    g: np.ndarray,
    acc: dict[str, np.ndarray],
    aid_a: _IdColumn,
    out: V2Data,
    n: int,
    p: _Problems,
    as_of: _dt.date,
) -> None:
    """The activity records: per subject (for profiles) and as columns (for the features)."""
    row = _account_rows(t, g, acc["g"], aid_a, p)
    recs, day, code = _activity(_datetime_cells(t), as_of, p)
    _too_many(p, "activity", g, n, Limits.MAX_ACTIVITY, "activity records")
    if row is None:
        return
    ok = (row >= 0) & np.array([r is not None for r in recs], dtype=bool)
    for s, rec, good in zip(g.tolist(), recs, ok.tolist()):
        if good:
            out.activity.setdefault(s, []).append(rec)  # type: ignore[arg-type]
    out.act = {"g": g[ok], "row": row[ok], "day": day[ok], "kind": code[ok]}


# ------------------------------------------------------------------------------------------
# the security features from activity columns
# ------------------------------------------------------------------------------------------
def security_features(
    acc: dict[str, np.ndarray],
    act: dict[str, np.ndarray],
    n: int,
    as_of: _dt.date,
    config: Any,
) -> np.ndarray:
    """``(post_closure_activity, reopen_requests, contact_change_near_closure,
    security_verification)`` of every subject (the order of ``ACTIVITY_INDEX``), as
    ``security_counts`` and ``verification_pattern`` give them for its profile (``config`` a
    FeatureConfig)."""
    out = np.zeros((n, 4))
    if act["g"].size == 0:
        return out
    since = day_number(as_of - _dt.timedelta(days=config.security_lookback_days))
    window = config.security.window_days
    # each account's closing day: its closed_on, else its closure event's (_closing_days)
    closing_known = acc["closed_known"] | acc["has_event"]
    closing = np.where(acc["closed_known"], acc["closed"], acc["ev_day"])
    g, row, day, kind = act["g"], act["row"], act["day"], act["kind"]
    live = day > since
    ck = closing_known[row]
    cd = closing[row]
    post = live & ck & (kind != _CONTACT) & (kind != _REOPEN) & (day > cd)
    reopen = live & ck & (kind == _REOPEN) & (day >= cd)
    out[:, 0] = np.bincount(g[post], minlength=n)
    out[:, 1] = np.bincount(g[reopen], minlength=n)
    # a contact change within the window of a closing day of its subject: counted when
    # recent (contact_change_near_closure); at any age it opens the verification pattern
    contact = np.flatnonzero(kind == _CONTACT)
    if contact.size and closing_known.any():
        keys = np.sort(
            acc["g"][closing_known].astype(np.int64) << _DAY_BITS
            | (closing[closing_known] - _MIN_DAY)
        )
        q = g[contact].astype(np.int64) << _DAY_BITS | (day[contact] - _MIN_DAY)
        pos = np.searchsorted(keys, q)
        near = np.zeros(contact.size, dtype=bool)
        for cand in (np.minimum(pos, keys.size - 1), np.maximum(pos - 1, 0)):
            k = keys[cand]
            near |= ((k >> _DAY_BITS) == g[contact]) & (np.abs(k - q) <= window)
        out[:, 2] = np.bincount(g[contact[near & live[contact]]], minlength=n) > 0
        # security_verification: a recent transaction after, or reopen request on or after,
        # an account's closing day, no earlier than the subject's first such contact change
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, g[contact[near]], day[contact[near]].astype(np.int64))
        done = live & ck & (((kind == _TXN) & (day > cd)) | ((kind == _REOPEN) & (day >= cd)))
        last = np.full(n, np.iinfo(np.int64).min)
        np.maximum.at(last, g[done], day[done].astype(np.int64))
        out[:, 3] = last >= first
    return out


def counterfactual_activity(
    prep_acc: dict[str, np.ndarray], act: dict[str, np.ndarray], subjects: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    """The activity columns of the counterfactual batch of ``subjects`` (rows renumbered as
    ``engine._counterfactual`` renumbers the accounts)."""
    member = np.full(n, -1, dtype=np.int64)
    member[subjects] = np.arange(subjects.size)
    rows = member[prep_acc["g"]] >= 0
    new_row = np.cumsum(rows) - 1
    keep = member[act["g"]] >= 0
    return {
        "g": member[act["g"][keep]],
        "row": new_row[act["row"][keep]],
        "day": act["day"][keep],
        "kind": act["kind"][keep],
    }
