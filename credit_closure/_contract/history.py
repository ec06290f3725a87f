"""Contract v2: the monthly repayment history of an account, and the summaries it implies.

A history is a string of one-character symbols, **oldest month first**; its last symbol is the
month of the account's ``history_end`` date. The symbols are the PBoC report's (DOMAIN.md
[PBOC-CONF][CSAI-SYM]); :data:`METRO2_TO_SYMBOL` maps the Metro 2 Payment History Profile codes
onto them. The string is checked in one pass (one set difference for the common, valid case)
and kept as it is: no per-month objects. Optional overdue amounts per month are a tuple of the
same length (``None`` for an unknown month).

Summary rules (documented in ``docs/json-contract.md``, "Repayment history"):

- the 24-month window is the last 24 symbols; a shorter history leaves its earlier months
  unknown (``#``); pad with ``/`` for months before the account opened;
- a month is *delinquent* when its symbol is ``1``-``7``;
- from a fully known window (24 symbols, no ``#``) the three v1 summaries are derived:
  ``months_delinquent_24m`` (delinquent months), ``max_consecutive_delinquent_24m`` (longest run)
  and ``worst_dpd_24m`` (the fewest days the worst symbol proves: ``1 + 30 * (k - 1)`` for
  symbol ``k``, 0 with no delinquent month);
- a given summary must agree with the history: see :func:`history_problems`.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any

from credit_closure._contract.checks import Problem

__all__ = [
    "DELINQUENT_SYMBOLS",
    "HISTORY_SYMBOLS",
    "MAX_HISTORY_MONTHS",
    "METRO2_TO_SYMBOL",
    "HistorySummary",
    "dpd_range",
    "history_problems",
    "history_summary",
    "min_months_for_dpd",
    "month_of",
]

#: The longest history accepted (the second-generation PBoC report shows 60 months).
MAX_HISTORY_MONTHS = 60

#: Every symbol and its meaning (PBoC second-generation report; DOMAIN.md [PBOC-CONF][CSAI-SYM]).
HISTORY_SYMBOLS: dict[str, str] = {
    "N": "paid as agreed (正常)",
    "*": "no payment due this month",
    "1": "overdue 1-30 days (1 period)",
    "2": "overdue 31-60 days (2 periods)",
    "3": "overdue 61-90 days (3 periods)",
    "4": "overdue 91-120 days (4 periods)",
    "5": "overdue 121-150 days (5 periods)",
    "6": "overdue 151-180 days (6 periods)",
    "7": "overdue more than 180 days (7 or more periods)",
    "M": "paid after the due date, before the month's end",
    "C": "settled (结清), early or by guarantor or assets included",
    "G": "ended other than by settlement (结束)",
    "D": "repaid by the guarantor (担保人代还)",
    "Z": "repaid with assets (以资抵债)",
    "B": "bad debt (呆账)",
    "#": "status unknown this month",
    "/": "account not open this month",
}

#: Symbols of a delinquent month.
DELINQUENT_SYMBOLS = frozenset("1234567")

#: Metro 2 Payment History Profile code -> the PBoC symbol that means the same month status
#: (CDIA Credit Reporting Resource Guide, K2/base segment field 18; checked against the open
#: moov-io/metro2 implementation, reference only).
METRO2_TO_SYMBOL: dict[str, str] = {
    "0": "N",  # 0-29 days past due (current)
    "1": "2",  # 30-59 days past due
    "2": "3",  # 60-89 days past due
    "3": "4",  # 90-119 days past due
    "4": "5",  # 120-149 days past due
    "5": "6",  # 150-179 days past due
    "6": "7",  # 180 or more days past due
    "B": "/",  # no history before this month (not open, or not reported)
    "D": "#",  # no history reported for this month
    "E": "*",  # zero balance and current: nothing due
    "G": "G",  # collection
    "H": "G",  # foreclosure completed
    "J": "G",  # voluntary surrender
    "K": "G",  # repossession
    "L": "B",  # charge-off
}

_ALLOWED = frozenset(HISTORY_SYMBOLS)
_DELINQUENT_RE = re.compile("[1-7]")
#: Days past due a symbol proves (lowest) and allows at the month's report (highest).
_DPD_LO = {str(k): 1 + 30 * (k - 1) for k in range(1, 8)}
_DPD_HI = {str(k): 30 * k for k in range(1, 7)}


def dpd_range(symbol: str) -> tuple[int, int | None]:
    """The days past due a delinquent ``symbol`` stands for (``None``: no upper bound).

    Example:
        >>> dpd_range("3"), dpd_range("7")
        ((61, 90), (181, None))
    """
    return _DPD_LO[symbol], _DPD_HI.get(symbol)


def min_months_for_dpd(dpd: int) -> int:
    """The fewest monthly reports a delinquency of ``dpd`` days spans: ``dpd // 31``.

    A month has at most 31 days, so any 31 consecutive days hold one reporting day of every
    monthly cycle: ``dpd`` overdue days hold at least ``dpd // 31`` reports, each of them
    delinquent and consecutive (95 days: at least 3 months).

    Example:
        >>> min_months_for_dpd(95), min_months_for_dpd(30)
        (3, 0)
    """
    return dpd // 31


def month_of(end: _dt.date, length: int, index: int) -> str:
    """The ``YYYY-MM`` month of position ``index`` in a history of ``length`` symbols whose
    last symbol is the month of ``end``.

    Example:
        >>> month_of(_dt.date(2025, 3, 31), 24, 0)
        '2023-04'
    """
    back = length - 1 - index
    y, m = divmod(end.year * 12 + end.month - 1 - back, 12)
    return f"{y:04d}-{m + 1:02d}"


class HistorySummary(tuple[int, int, int, int, int]):
    """``(months_delinquent, longest_run, worst_symbol_level, unknown_months, window)`` of the
    last 24 months of a history; ``unknown_months`` counts ``#`` and the months before a
    history shorter than 24, ``worst_symbol_level`` is 0-7."""

    __slots__ = ()

    @property
    def months(self) -> int:
        return self[0]

    @property
    def longest_run(self) -> int:
        return self[1]

    @property
    def worst_level(self) -> int:
        return self[2]

    @property
    def unknown(self) -> int:
        return self[3]

    @property
    def known(self) -> bool:
        """True when every month of the 24-month window is known."""
        return self[3] == 0

    def worst_dpd(self) -> int:
        """The fewest days past due the window proves."""
        return 0 if self[2] == 0 else _DPD_LO[str(self[2])]


@lru_cache(maxsize=4096)
def history_summary(history: str, window: int = 24) -> HistorySummary:
    """The delinquency summary of the last ``window`` months of a (valid) history.

    Example:
        >>> s = history_summary("N" * 20 + "123N")
        >>> s.months, s.longest_run, s.worst_dpd(), s.known
        (3, 3, 61, True)
    """
    last = history[-window:]
    unknown = window - len(last) + last.count("#")
    months = run = longest = worst = 0
    if _DELINQUENT_RE.search(last) is None:  # the common case: one regex scan
        return HistorySummary((0, 0, 0, unknown, window))
    for ch in last:
        if ch in DELINQUENT_SYMBOLS:
            months += 1
            run += 1
            if run > longest:
                longest = run
            if ord(ch) - 48 > worst:
                worst = ord(ch) - 48
        else:
            run = 0
    return HistorySummary((months, longest, worst, unknown, window))


def symbol_problems(path: str, history: Any, end: Any) -> list[Problem]:
    """The problems of a history value: type, length, symbols (every bad month named)."""
    if not isinstance(history, str):
        return [(path, f"must be a string of repayment symbols (got {type(history).__name__})")]
    if not history:
        return [(path, "must not be empty; omit it when there is no history")]
    if len(history) > MAX_HISTORY_MONTHS:
        return [(path, f"has {len(history)} months; the maximum is {MAX_HISTORY_MONTHS}")]
    if _ALLOWED.issuperset(history):
        return []
    allowed = "".join(HISTORY_SYMBOLS)
    out: list[Problem] = []
    for i, ch in enumerate(history):
        if ch not in _ALLOWED:
            where = (
                f" (month {month_of(end, len(history), i)})" if isinstance(end, _dt.date) else ""
            )
            out.append((f"{path}[{i}]", f"{ch[:1]!r}{where} is not a repayment symbol ({allowed})"))
    return out


def history_problems(
    history: str,
    end: _dt.date,
    worst_dpd: Any,
    months: Any,
    consecutive: Any,
) -> list[Problem]:
    """The contradictions between a valid history and the v1 summaries given with it.

    With ``s`` the summary of the last 24 months and ``u`` its unknown months:
    ``s.months <= months_delinquent_24m <= s.months + u``;
    ``s.longest_run <= max_consecutive_delinquent_24m <= s.longest_run + u``;
    ``worst_dpd_24m >= `` the lowest days of the worst symbol, and, in a window with no unknown
    month, ``<= `` its highest days + 30 (a delinquency can grow and be cured between two
    reports), or ``<= 30`` when no month is delinquent.
    """
    s = history_summary(history)
    last = month_of(end, 1, 0)
    out: list[Problem] = []
    if isinstance(months, int) and not s.months <= months <= s.months + s.unknown:
        out.append(
            (
                "months_delinquent_24m",
                f"is {months} but the repayment history to {last} shows {s.months} delinquent "
                f"months in 24" + (f" ({s.unknown} unknown)" if s.unknown else ""),
            )
        )
    if isinstance(consecutive, int) and not (
        s.longest_run <= consecutive <= s.longest_run + s.unknown
    ):
        out.append(
            (
                "max_consecutive_delinquent_24m",
                f"is {consecutive} but the repayment history to {last} shows a longest run of "
                f"{s.longest_run} delinquent months in 24"
                + (f" ({s.unknown} unknown)" if s.unknown else ""),
            )
        )
    if isinstance(worst_dpd, int):
        lo = s.worst_dpd()
        hi: int | None = None
        if s.known:
            hi = 30 if s.worst_level == 0 else _DPD_HI.get(str(s.worst_level), -31) + 30
            if hi < 0:
                hi = None
        if worst_dpd < lo:
            month = _worst_month(history, end, s.worst_level)
            out.append(
                (
                    "worst_dpd_24m",
                    f"is {worst_dpd} but the repayment history shows symbol "
                    f"{s.worst_level} ({lo} days or more) in {month}",
                )
            )
        elif hi is not None and worst_dpd > hi:
            out.append(
                (
                    "worst_dpd_24m",
                    f"is {worst_dpd} but the repayment history to {last} allows at most {hi} "
                    "days past due in 24 months",
                )
            )
    return out


def _worst_month(history: str, end: _dt.date, level: int) -> str:
    i = history.rfind(str(level))
    return month_of(end, len(history), i)


def overdue_amounts_problems(path: str, amounts: Any, length: int | None) -> list[Problem]:
    """The problems of per-month overdue amounts (a tuple of numbers or ``None``)."""
    from credit_closure._contract.checks import _check_amount

    if not isinstance(amounts, tuple):
        return [(path, f"must be a list of amounts (got {type(amounts).__name__})")]
    out: list[Problem] = []
    if length is None:
        out.append((path, "needs repayment_history (one amount per month of it)"))
    elif len(amounts) != length:
        out.append((path, f"has {len(amounts)} amounts; repayment_history has {length} months"))
    if len(amounts) > MAX_HISTORY_MONTHS:
        return out
    for i, v in enumerate(amounts):
        _check_amount(out, f"{path}[{i}]", v)
    return out
