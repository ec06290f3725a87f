"""The monthly repayment history of a synthetic v2 account (:mod:`credit_closure.synth`).

A history agrees with the account's v1 summaries by construction: the 24-month window holds
exactly ``months_delinquent_24m`` delinquent months whose longest run is
``max_consecutive_delinquent_24m`` (the run escalates ``1 2 3 ... 7``, so its worst symbol
proves ``worst_dpd_24m``); the other delinquent months are single ``1`` months. Where the open
months of the window cannot hold them apart (a young account with many scattered months), the
separating months are reported unknown (``#``), which the contract's agreement rule allows.
"""

from __future__ import annotations

import datetime as _dt

_RUNS = tuple("1234567"[:r] + "7" * max(0, r - 7) for r in range(25))


def _mi(d: _dt.date) -> int:
    """The month index of a date (``year * 12 + month - 1``)."""
    return d.year * 12 + d.month - 1


def _month_date(m: int, day: int) -> _dt.date:
    y, mo = divmod(m, 12)
    return _dt.date(y, mo + 1, min(day, 28))


def _pattern(k: int, r: int, room: int) -> str:
    """``k`` delinquent months, longest run ``r`` (last), in at most ``room`` months."""
    run = _RUNS[r]
    e = k - r
    singles = 0
    while e > 0 and r + 2 * (singles + 1) <= room:
        singles += 1
        e -= 1
    if e == 0:
        return "1N" * singles + run
    # out of room: the separators become unknown months that may hide the missing ones
    lead = "#" if room - (r + 2 * singles) >= 1 else ""
    return lead + "1#" * singles + run


def _history(
    *,
    as_of_m: int,
    o: int,
    end_m: int,
    ended: bool,
    base: str,
    closure_symbol: str,
    k: int,
    r: int,
    align_end: bool,
    avoid_last: int,
    u_place: float,
    old_chargeoff: bool,
) -> tuple[str, int]:
    """The history string (oldest first, last symbol = the ``as_of`` month) and the month
    index of the end of the window's delinquency pattern (-1 without one)."""
    length = min(60, max(24, as_of_m - o + 1))
    start = as_of_m - length + 1
    syms = ["/"] * length
    for m in range(max(o, start), min(end_m, as_of_m) + 1):
        syms[m - start] = base
    if ended and end_m >= start:
        syms[end_m - start] = closure_symbol
        if old_chargeoff:
            for n, ch in enumerate(reversed("1234567")):
                m = end_m - 1 - n
                if m >= max(o, start):
                    syms[m - start] = ch
    pat_end = -1
    if k > 0:
        a = max(o, as_of_m - 23)
        b = end_m - 1 if ended else as_of_m
        if ended and b - a + 1 < k:
            b = end_m
        room = b - a + 1
        if room < k:  # the calendar months cannot hold v1's day-based count: all unknown
            for m in range(as_of_m - 23, as_of_m + 1):
                syms[m - start] = "#"
            return "".join(syms), -1
        pat = _pattern(k, r, room)
        lo = a + len(pat) - 1
        if align_end:
            e = b
        else:
            b_eff = b if ended else b - 1  # a running account not overdue now
            hi = min(b_eff, avoid_last)
            if hi < lo:
                hi = b_eff if b_eff >= lo else b
            e = lo + int(u_place * (hi - lo + 1))
        for n, ch in enumerate(pat):
            syms[e - len(pat) + 1 + n - start] = ch
        pat_end = e
    return "".join(syms), pat_end
