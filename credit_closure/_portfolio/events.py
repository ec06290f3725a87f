"""Closure events to counts per period and segment (:mod:`credit_closure.portfolio`).

Both paths of the public module end here: columns of events
(:func:`~credit_closure.portfolio.closure_counts_from_arrays`, vectorised with
``np.bincount``) and the accounts of profiles
(:func:`~credit_closure.portfolio.closure_counts_from_profiles`). Each returns the rows of
the long counts format, which the public module validates as any other counts.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from credit_closure._contract.model import (
    AccountStatus,
    ClosureInitiator,
    CreditProfile,
    TerminationKind,
)
from credit_closure._portfolio.columns import (
    COUNT_COLUMNS,
    MAX_PROBLEMS,
    IntArray,
    Problem,
    raise_if,
)
from credit_closure.exceptions import InvalidInputError

#: Integer codes of closure initiators for :func:`closure_counts_from_arrays` (its fast path).
#: ``charge_off`` marks an account that ended as a charge-off / bad debt (involuntary).
INITIATOR_CODES: dict[str, int] = {
    "consumer": 0,
    "lender_risk": 1,
    "lender_inactivity": 2,
    "platform_policy": 3,
    "regulator": 4,
    "unknown": 5,
    "charge_off": 6,
}
VOLUNTARY_CODES = (0,)
INVOLUNTARY_CODES = (1, 2, 3, 4, 6)
FREQS = ("M", "Q", "Y")
_INITIATOR_CODE = {ClosureInitiator(k): v for k, v in INITIATOR_CODES.items() if k != "charge_off"}
#: An account still open ends "never"; an unknown opening date is before every period.
_NEVER = np.iinfo(np.int64).max
#: ``date.toordinal()`` of 1970-01-01, to go from ordinals to ``datetime64[D]``.
_EPOCH = 719163

Rows = dict[str, list[Any]]
EventCounts = dict[tuple[Any, str], tuple[int, int, int]]


# ---------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------
def period_index(days: np.ndarray, freq: str) -> np.ndarray:
    """Period number of datetime64[D] values: months, quarters or years since 1970."""
    months = days.astype("datetime64[M]").astype(np.int64)
    if freq == "M":
        return months
    if freq == "Q":
        return months // 3
    return months // 12


def period_label(idx: int, freq: str) -> str:
    if freq == "M":
        y, m = divmod(idx, 12)
        return f"{1970 + y:04d}-{m + 1:02d}"
    if freq == "Q":
        y, q = divmod(idx, 4)
        return f"{1970 + y:04d}Q{q + 1}"
    return f"{1970 + idx:04d}"


def period_start(idx: int, freq: str) -> np.datetime64:
    months = idx if freq == "M" else idx * 3 if freq == "Q" else idx * 12
    day: np.datetime64 = np.datetime64(months, "M").astype("datetime64[D]")
    return day


def check_freq(freq: Any, problems: list[Problem]) -> None:
    if freq not in FREQS:
        problems.append(("freq", "must be 'M' (month), 'Q' (quarter) or 'Y' (year)"))


def codes(values: Any, name: str, problems: list[Problem]) -> tuple[IntArray | None, list[Any]]:
    """Integer codes and their labels; a fast path for small non-negative integer codes."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        problems.append((name, "must be one-dimensional"))
        return None, []
    if arr.dtype.kind in "iu" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 10_000_000:
            present = np.flatnonzero(np.bincount(arr - lo, minlength=hi - lo + 1))
            lut = np.full(hi - lo + 1, -1, dtype=np.int64)
            lut[present] = np.arange(present.size)
            return lut[arr - lo], (present + lo).tolist()
    try:
        uniq, inv = np.unique(arr, return_inverse=True)
    except TypeError:
        problems.append((name, "must hold labels of one type (strings or integers)"))
        return None, []
    return inv.astype(np.int64).ravel(), uniq.tolist()


# ---------------------------------------------------------------------------------------
# From columns of events
# ---------------------------------------------------------------------------------------
def check_events(
    closed_on: Any, initiator: Any, segment: Any, freq: str
) -> tuple[Any, IntArray, IntArray | None, list[Any]]:
    """The checked event columns: days, initiator codes, segment codes and labels.

    Raises:
        InvalidInputError: listing every problem (``what="closure events"``).
    """
    problems: list[Problem] = []
    check_freq(freq, problems)
    try:
        days = np.asarray(closed_on, dtype="datetime64[D]")
    except (TypeError, ValueError):
        problems.append(("closed_on", "must hold dates (datetime64, date or YYYY-MM-DD)"))
        days = None
    if days is not None and (days.ndim != 1 or np.isnat(days).any()):
        problems.append(("closed_on", "must be one-dimensional with no missing date"))
        days = None
    init = np.asarray(initiator)
    if init.ndim != 1:
        problems.append(("initiator", "must be one-dimensional"))
    elif init.dtype.kind in "iu":
        if init.size and (int(init.min()) < 0 or int(init.max()) > max(INITIATOR_CODES.values())):
            problems.append(("initiator", "has a code not in INITIATOR_CODES"))
    else:
        uniq, inv = np.unique(init.astype(str), return_inverse=True)
        unknown = [u for u in uniq.tolist() if u not in INITIATOR_CODES]
        if unknown:
            problems.append(
                ("initiator", "has unknown values: " + ", ".join(repr(u[:30]) for u in unknown[:5]))
            )
        else:
            init = np.asarray([INITIATOR_CODES[u] for u in uniq.tolist()], dtype=np.int64)[inv]
    n = None if days is None else days.size
    if n is not None and init.ndim == 1 and init.size != n:
        problems.append(("initiator", f"has {init.size} values; closed_on has {n}"))
    seg_codes: IntArray | None
    if segment is not None:
        seg_codes, seg_labels = codes(segment, "segment", problems)
        if seg_codes is not None and n is not None and seg_codes.size != n:
            problems.append(("segment", f"has {seg_codes.size} values; closed_on has {n}"))
    else:
        seg_codes, seg_labels = None, ["all"]
    raise_if(problems, "closure events")
    assert days is not None
    return days, init, seg_codes, seg_labels


def event_counts(
    days: Any, init: IntArray, seg_codes: IntArray | None, seg_labels: list[str], freq: str
) -> EventCounts:
    """``{(period label, segment): (closures, voluntary, involuntary)}`` where closures > 0."""
    n_seg = len(seg_labels)
    pidx = period_index(days, freq)
    if pidx.size:
        p0 = int(pidx.min())
        n_per = int(pidx.max()) - p0 + 1
    else:
        p0, n_per = 0, 0
    key = (pidx - p0) * n_seg
    if seg_codes is not None:
        key += seg_codes
    size = n_per * n_seg
    init = init.astype(np.int64, copy=False)
    vol_lut = np.zeros(len(INITIATOR_CODES), dtype=bool)
    vol_lut[list(VOLUNTARY_CODES)] = True
    inv_lut = np.zeros(len(INITIATOR_CODES), dtype=bool)
    inv_lut[list(INVOLUNTARY_CODES)] = True
    gross = np.bincount(key, minlength=size)
    vol = np.bincount(key, weights=vol_lut[init], minlength=size).astype(np.int64)
    invol = np.bincount(key, weights=inv_lut[init], minlength=size).astype(np.int64)
    counts: EventCounts = {}
    for k in np.flatnonzero(gross).tolist():
        p, s = divmod(k, n_seg)
        counts[(period_label(p + p0, freq), seg_labels[s])] = (
            int(gross[k]),
            int(vol[k]),
            int(invol[k]),
        )
    return counts


def open_counts(
    open_at_start: Any,
    segment: Any,
    columns: Callable[[Any], dict[str, Any]],
    problems: list[Problem],
) -> dict[tuple[Any, str], Any]:
    """``{(period, segment): open count}`` from a mapping or counts in the long format."""
    opens: dict[tuple[Any, str], Any] = {}
    if isinstance(open_at_start, Mapping) and not any(k in open_at_start for k in COUNT_COLUMNS):
        for k, v in open_at_start.items():
            if isinstance(k, tuple) and len(k) == 2:
                opens[(k[0], str(k[1]))] = v
            elif segment is None:
                opens[(k, "all")] = v
            else:
                problems.append(("open_at_start", "keys must be (period, segment) pairs"))
                break
        return opens
    cols = columns(open_at_start)
    missing = [c for c in ("period", "open_at_start") if c not in cols]
    if missing:
        raise InvalidInputError(
            [("open_at_start", f"needs the column {m}") for m in missing], what="closure events"
        )
    ps = list(cols["period"])
    ss = [str(s) for s in cols["segment"]] if "segment" in cols else ["all"] * len(ps)
    for p, s, v in zip(ps, ss, list(cols["open_at_start"])):
        p = p.item() if isinstance(p, np.generic) else p
        if (p, s) in opens:
            problems.append(("open_at_start", f"repeats period {p!r} of segment {s!r}"))
        opens[(p, s)] = v
    return opens


def count_rows(
    counts: EventCounts, opens: dict[tuple[Any, str], Any], problems: list[Problem]
) -> Rows:
    """The rows of the long format: one per open count, with the closures of its pair.

    Raises:
        InvalidInputError: a (period, segment) with closures has no open count.
    """
    lost = [k for k in counts if k not in opens]
    for p, s in lost[:10]:
        problems.append(
            ("open_at_start", f"has no count for period {p!r}, segment {s!r}, which has closures")
        )
    if len(lost) > 10:
        problems.append(("open_at_start", f"misses {len(lost)} (period, segment) pairs in all"))
    raise_if(problems, "closure events")
    rows: Rows = {
        "period": [],
        "segment": [],
        "open_at_start": [],
        "closures": [],
        "voluntary": [],
        "involuntary": [],
    }
    for (p, s), v in opens.items():
        g, vo, iv = counts.get((p, s), (0, 0, 0))
        rows["period"].append(p)
        rows["segment"].append(s)
        rows["open_at_start"].append(v)
        rows["closures"].append(g)
        rows["voluntary"].append(vo)
        rows["involuntary"].append(iv)
    return rows


# ---------------------------------------------------------------------------------------
# From profiles
# ---------------------------------------------------------------------------------------
def check_profile_options(
    freq: Any, segment_by: Any, start: Any, end: Any
) -> tuple[_dt.date | None, _dt.date | None]:
    """The checked ``start`` and ``end`` dates (``None`` when not given).

    Raises:
        InvalidInputError: a bad ``freq``, ``segment_by``, ``start`` or ``end``.
    """
    problems: list[Problem] = []
    check_freq(freq, problems)
    if segment_by not in ("product", "provider", None):
        problems.append(("segment_by", "must be 'product', 'provider' or None"))
    bounds: list[_dt.date | None] = []
    for name, v in (("start", start), ("end", end)):
        if v is None:
            bounds.append(None)
            continue
        if isinstance(v, str):
            try:
                v = _dt.date.fromisoformat(v)
            except ValueError:
                problems.append((name, "must be a date YYYY-MM-DD"))
                bounds.append(None)
                continue
        if isinstance(v, _dt.datetime) or not isinstance(v, _dt.date):
            problems.append((name, "must be a date"))
            bounds.append(None)
            continue
        bounds.append(v)
    raise_if(problems, "argument")
    return bounds[0], bounds[1]


def account_spans(
    profiles: Iterable[CreditProfile], segment_by: str | None
) -> tuple[IntArray, IntArray, IntArray, list[str]]:
    """Opening and ending ordinals, initiator code and segment of every countable account.

    Raises:
        InvalidInputError: an item is not a profile.
    """
    problems: list[Problem] = []
    opened: list[int] = []
    ended: list[int] = []
    kind: list[int] = []
    seg: list[str] = []
    for i, p in enumerate(profiles):
        if not isinstance(p, CreditProfile):
            problems.append((f"profiles[{i}]", "must be a CreditProfile"))
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        events = {ev.account_id: ev for ev in p.closures}
        for acc in p.accounts:
            ev = events.get(acc.account_id)
            day = acc.closed_on if acc.closed_on is not None else (ev.closed_on if ev else None)
            is_open = acc.status in (AccountStatus.OPEN, AccountStatus.SUSPENDED)
            if not is_open and day is None:
                continue
            opened.append(acc.opened_on.toordinal() if acc.opened_on is not None else -_NEVER)
            ended.append(day.toordinal() if (day is not None and not is_open) else _NEVER)
            code = _INITIATOR_CODE[ev.initiator] if ev is not None else INITIATOR_CODES["unknown"]
            if acc.status is AccountStatus.CHARGED_OFF or (
                ev is not None and ev.termination is TerminationKind.BAD_DEBT
            ):
                if code not in INVOLUNTARY_CODES:
                    code = INITIATOR_CODES["charge_off"]
            kind.append(code)
            if segment_by == "product":
                seg.append(acc.product.value)
            elif segment_by == "provider":
                seg.append(acc.provider or "unknown")
            else:
                seg.append("all")
    raise_if(problems, "argument")
    o = np.asarray(opened, dtype=np.int64)
    e = np.asarray(ended, dtype=np.int64)
    k = np.asarray(kind, dtype=np.int64)
    return o, e, k, seg


def _ordinal(day: int) -> Any:
    """A ``date.toordinal()`` value as a one-element ``datetime64[D]`` array."""
    return np.asarray([day - _EPOCH], dtype="datetime64[D]")


def _start_ordinal(pi: int, freq: str) -> int:
    """The ordinal of the first day of period ``pi``."""
    return int((period_start(pi, freq) - np.datetime64("1970-01-01")).astype(np.int64)) + _EPOCH


def period_rows(
    spans: tuple[IntArray, IntArray, IntArray, list[str]],
    bounds: tuple[_dt.date | None, _dt.date | None],
    freq: str,
) -> Rows:
    """The rows of the long format, period by period, for the spans of :func:`account_spans`.

    Raises:
        InvalidInputError: no closure to place in a period (and no ``start`` and ``end``), or
            ``end`` before ``start``.
    """
    o, e, k, seg = spans
    closed_mask = e != _NEVER
    if not o.size or ((bounds[0] is None or bounds[1] is None) and not closed_mask.any()):
        raise InvalidInputError(
            [("profiles", "have no closure to place in a period; give start and end")],
            what="argument",
        )
    first = bounds[0].toordinal() if bounds[0] else int(e[closed_mask].min())
    last = bounds[1].toordinal() if bounds[1] else int(e[closed_mask].max())
    if last < first:
        raise InvalidInputError([("end", "is before start")], what="argument")
    p_first = int(period_index(_ordinal(first), freq)[0])
    p_last = int(period_index(_ordinal(last), freq)[0])
    seg_labels = sorted(set(seg))
    seg_idx = {s: j for j, s in enumerate(seg_labels)}
    sc = np.asarray([seg_idx[s] for s in seg], dtype=np.int64)
    rows: Rows = {c: [] for c in COUNT_COLUMNS}
    is_vol = np.isin(k, VOLUNTARY_CODES)
    is_inv = np.isin(k, INVOLUNTARY_CODES)
    for pi in range(p_first, p_last + 1):
        s0 = _start_ordinal(pi, freq)
        s1 = _start_ordinal(pi + 1, freq)
        at_start = (o < s0) & (e >= s0)
        closed = at_start & (e < s1)
        n_open = np.bincount(sc[at_start], minlength=len(seg_labels))
        n_cl = np.bincount(sc[closed], minlength=len(seg_labels))
        n_vol = np.bincount(sc[closed & is_vol], minlength=len(seg_labels))
        n_inv = np.bincount(sc[closed & is_inv], minlength=len(seg_labels))
        label = period_label(pi, freq)
        for j, s in enumerate(seg_labels):
            if n_open[j] == 0:
                continue
            rows["period"].append(label)
            rows["segment"].append(s)
            rows["open_at_start"].append(int(n_open[j]))
            rows["closures"].append(int(n_cl[j]))
            rows["voluntary"].append(int(n_vol[j]))
            rows["involuntary"].append(int(n_inv[j]))
    if not rows["period"]:
        raise InvalidInputError(
            [("profiles", "have no account open in the periods covered")], what="argument"
        )
    return rows
