"""The features read from contract v2 report data (issue 14 item 15), scalar reference.

These features read the monthly repayment history, the current delinquency, the five-level
classification, the institution type, special transactions, guarantees and public records
(``docs/features.md``, "Features from the credit report"). :func:`report_features` computes
them for one profile; :func:`credit_closure._scoring.features.extract` appends its result to
the other features (they are the last block of ``FEATURES``, ``FeatureSpec.from_report``).

Twin: :func:`credit_closure._columnar.report_features.report_features_columnar` computes the
same values, vectorised, for the long format; both columnar engines (the numpy engine and
the numba kernel) only receive its result, so there is one columnar implementation. The
record-level rules (guarantees, public records, special transactions) are the functions of
this module, called by both.

Every feature here is unchanged by the closure-impact counterfactual (reopening a closed
account changes neither its history, classification, institution, special transactions nor
current delinquency, nor the profile's guarantees and public records; a reopened account is
``open``, so it is not an undrawable line before or after, and it was closed within the last
24 months, so its classification is on file closed or reopened, under any retention and
either jurisdiction: :func:`classification_on_file`), so the counterfactual's values are the
profile's own.

Only ``worst_classification`` reads the policy's settings (``FeatureConfig.retention_months``
and ``jurisdiction``, :func:`classification_start`): the retention ``n_adverse_endings_retained``
applies to adverse endings; the other windows are fixed (60 months for guarantor compensations
and public records: ZX-TIAOLI Art.16's five years, which a policy header does not change).

History symbols (``credit_closure._contract.history.HISTORY_SYMBOLS``) read as a *level*:
``1``-``7`` the months overdue; ``B`` (bad debt), ``D`` (repaid by the guarantor) and ``Z``
(repaid with assets) the worst level, 7 (PBOC-CONF ranks B at 7; D and Z follow a default
the borrower did not cure, INFERENCE; PBOC-FLAGS flags them with 呆账); ``N``, ``*``, ``M``,
``C``, ``G`` and ``/`` level 0 (``G``, ended other than by settlement, covers transfers:
not a delinquency by itself, see ``n_adverse_endings``); ``#`` unknown.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from typing import Any, NamedTuple

from credit_closure._contract.enums import (
    REVOLVING_PRODUCTS,
    UNDRAWABLE_STATUSES,
    V1_STATUS,
    AccountStatus,
    InstitutionType,
    LoanClassification,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransactionKind,
)
from credit_closure._scoring.policy_features import US_RETENTION_MONTHS

__all__ = [
    "ADVERSE_GUARANTEE_CLASSES",
    "CLASSIFICATION_MIN_MONTHS",
    "COMPENSATION_KINDS",
    "LEVELS",
    "ONLINE_LENDERS",
    "RECORD_KINDS",
    "REPORT_FEATURE_NAMES",
    "REPORT_SPECS",
    "ReportSpec",
    "adverse_guarantee",
    "classification_on_file",
    "classification_start",
    "guarantee_features",
    "month_number",
    "public_record_counts",
    "report_features",
]

NAN = float("nan")


class ReportSpec(NamedTuple):
    """The fields of the ``FeatureSpec`` of a report feature (built in ``features.py``)."""

    name: str
    unit: str
    window: str
    direction: str
    description: str
    source: str
    reason: str


def _spec(
    name: str,
    unit: str,
    window: str,
    direction: str,
    description: str,
    source: str,
    *,
    reason: str,
) -> ReportSpec:
    return ReportSpec(name, unit, window, direction, description, source, reason)


#: The report features' specs (``FeatureSpec`` fields), in their ``FEATURES`` order: the
#: documentation of each feature (docs/features.md is generated from it).
REPORT_SPECS: tuple[ReportSpec, ...] = (
    _spec(
        "months_since_last_delinquency",
        "months",
        "the histories on file",
        "down",
        "Calendar months from the latest month that was, or may have been, delinquent to "
        "the month of as_of: the latest history month at symbol 1-7, D, Z or B, or unknown "
        "(#), on any account (a clean history gives the months since the month before it "
        "began: a lower bound); 0 when an account is overdue now (current_overdue_periods "
        "or current_overdue_amount above 0); 24 for an account without history whose "
        "24-month summaries are clean. NaN when no account tells, or when an account "
        "without history has a delinquency in its 24-month summaries (its month is not "
        "known) and no account is overdue now. Months after history_end are not read as "
        "unknown.",
        "PBOC-CONF, CSAI-SYM, LENDER-UI (months since last overdue)",
        reason="RECENT_DELINQUENCY",
    ),
    _spec(
        "current_overdue_amt",
        "currency",
        "as_of",
        "up",
        "Sum of current_overdue_amount over the accounts that give it (exact sum); NaN "
        "when none does.",
        "PBOC-CONF (当前逾期金额), LKL-4084 (no current overdue)",
        reason="OVERDUE_NOW",
    ),
    _spec(
        "current_overdue_periods",
        "count",
        "as_of",
        "up",
        "Most periods overdue now on any account: current_overdue_periods, or the level of "
        "an account's latest history symbol (1-7; 0 for a known month without a digit). "
        "NaN when no account tells.",
        "PBOC-CONF (当前逾期期数), CSAI-SYM, LKL-4084",
        reason="OVERDUE_NOW",
    ),
    _spec(
        "worst_status_24m",
        "count",
        "24 months",
        "up",
        "Worst history level in the 24 calendar months to as_of on any account: 1-7 the "
        "months overdue, B, D and Z 7, other symbols 0, # ignored. NaN when no month of the "
        "window is known.",
        "PBOC-CONF, CSAI-SYM, FICO-CODES 02",
        reason="DELINQUENCY_LEVEL",
    ),
    _spec(
        "worst_status_60m",
        "count",
        "60 months",
        "up",
        "worst_status_24m over the 60 calendar months to as_of (the second-generation "
        "report's 5 years).",
        "PBOC-CONF, CSAI-SYM, CBN-2GEN, ZX-TIAOLI Art.16",
        reason="DELINQUENCY_LEVEL",
    ),
    _spec(
        "n_lian3lei6_accounts_24m",
        "count",
        "24 months",
        "up",
        "连三累六 per account: accounts with 3 consecutive or 6 cumulative months 31+ days "
        "past due (history level 2 or worse; a 1-30-day month never counts) in the 24 "
        "calendar months to as_of, read from the history when there is one (# ends a run "
        "and is not counted), else from the summaries: "
        "max_consecutive_delinquent_24m >= 3, months_delinquent_24m >= 6, or "
        "worst_dpd_24m >= 91 (on a monthly-billed account, 91 days past due span 3 "
        "consecutive monthly reports at 31+ days; 61 days only 2). NaN when no account "
        "has a known month in the window or a summary.",
        "LKL-4084, LSLL, PBOC-CONF (default policy v2 item 5)",
        reason="SERIOUS_DELINQUENCY_PATTERN",
    ),
    _spec(
        "worst_classification",
        "count",
        "retention (policy header, at least 24 months; us: 84 months), or open or owing",
        "up",
        "Worst five-level classification of the accounts still on file: 0 正常, 1 关注, "
        "2 次级, 3 可疑, 4 损失. An open account (open, suspended, frozen, stopped and the "
        "other running statuses) always counts; an ended one (closed, charged off, "
        "transferred, judicial recovery, forced liquidation) counts while it owes (balance, "
        "else its closure event's balance_at_closure, above 0) or while its bad act ended "
        "within the policy's retention_months to as_of (60 by default; read as 24 when "
        "fewer): the later of its closing date (closed_on, else its closure event's) and "
        "last_payment_on, any unknown date not read (default policy v2's end_of_bad_act "
        "clock; an unknown balance reads as nothing owed; no date known: it counts). "
        "Jurisdiction us: an account with first_delinquency_on counts while that date is "
        "within the 84 months to as_of, whatever its status, balance or payments; one "
        "without it counts while running, or while its closing date is within the 84 "
        "months (none known: it counts). NaN when no account on file has one (guarantees "
        "are read by n_guarantees_adverse).",
        "PBOC-CONF (五级分类), LENDER-UI, PBOC-FLAGS, ZX-TIAOLI Art.16, EXP-CLOSED",
        reason="LOAN_CLASSIFICATION",
    ),
    _spec(
        "guarantees_outstanding_amt",
        "currency",
        "as_of",
        "up",
        "Sum of the balances of the guarantees the person gave (相关还款责任; exact sum of "
        "the known balances). 0 without guarantees (a v1 profile has none); NaN when no "
        "guarantee gives its balance.",
        "CBN-2GEN, LKL-4084 (F21)",
        reason="GUARANTEE_LIABILITY",
    ),
    _spec(
        "n_guarantees_adverse",
        "count",
        "as_of",
        "up",
        "Guarantees whose debt is classified 次级 or worse, has an overdue amount, or is "
        "overdue, charged off or in judicial recovery. 0 without guarantees.",
        "CBN-2GEN, PBOC-CONF, ZX-TIAOLI Art.44",
        reason="GUARANTEE_LIABILITY",
    ),
    _spec(
        "n_guarantor_compensations_60m",
        "count",
        "retention (60 months)",
        "up",
        "Special transactions of kind guarantor_compensation (担保人代偿), asset_for_debt "
        "(以资抵债) or debt_relief (债务减免) dated in the 60 months to as_of: the lender "
        "was repaid by someone or something other than the borrower, or forgave debt. 0 "
        "without special transactions.",
        "PBOC-CONF, PBOC-FLAGS, ZX-TIAOLI Art.16",
        reason="GUARANTOR_COMPENSATION",
    ),
    *(
        _spec(
            f"n_{kind}_records",
            "count",
            "retention (60 months), or open",
            "up",
            f"Public records of kind {kind} ({zh}) dated in the 60 months to as_of, or "
            "still open at any age (an unpaid or unperformed record has not ended). 0 "
            "without public records.",
            "ZX-TIAOLI Art.16 and Art.44" + (", EXP-CLOSED" if kind == "bankruptcy" else ""),
            reason="PUBLIC_RECORD",
        )
        for kind, zh in (
            ("dishonest_debtor", "失信被执行人"),
            ("enforcement", "强制执行"),
            ("civil_judgment", "民事判决"),
            ("tax_arrears", "欠税"),
            ("administrative_penalty", "行政处罚"),
            ("bankruptcy", "US public record"),
        )
    ),
    _spec(
        "online_lender_share",
        "ratio",
        "as_of",
        "up",
        "Accounts on file (open or ended, any age) with an online platform or a microloan "
        "company, over the accounts whose institution_type is known. NaN when none is.",
        "JB-BLOG-2, LENDER-UI (INFERENCE)",
        reason="ONLINE_LENDERS",
    ),
    _spec(
        "undrawable_limit_amt",
        "currency",
        "as_of",
        "up",
        "Sum of the credit limits of revolving lines that cannot be drawn now (status "
        "suspended, frozen or stopped; exact sum). 0 without such a line.",
        "PBOC-CONF (冻结, 止付), issue 15 item 8",
        reason="UNDRAWABLE_LIMITS",
    ),
)
#: The feature names this module computes, in their ``FEATURES`` order.
REPORT_FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in REPORT_SPECS)

#: History symbol -> level (0 none, 1-7 months overdue or worse; ``#`` is -1, unknown).
LEVELS: dict[str, int] = {
    **{str(k): k for k in range(1, 8)},
    "B": 7,
    "D": 7,
    "Z": 7,
    "#": -1,
}
#: A month counts towards 连三累六 at this level or worse: 31+ days past due (symbol 2 on),
#: never a 1-30-day month (symbol 1 cannot tell 1-29 days from 30).
LIAN_LEVEL = 2
#: Public-record kinds with a feature, in the features' order.
RECORD_KINDS: tuple[PublicRecordKind, ...] = (
    PublicRecordKind.DISHONEST_DEBTOR,
    PublicRecordKind.ENFORCEMENT,
    PublicRecordKind.CIVIL_JUDGMENT,
    PublicRecordKind.TAX_ARREARS,
    PublicRecordKind.ADMINISTRATIVE_PENALTY,
    PublicRecordKind.BANKRUPTCY,
)
#: Special transactions counted by ``n_guarantor_compensations_60m``: the lender was repaid
#: by someone or something other than the borrower's own payments, or forgave the debt.
COMPENSATION_KINDS = frozenset(
    {
        SpecialTransactionKind.GUARANTOR_COMPENSATION,
        SpecialTransactionKind.ASSET_FOR_DEBT,
        SpecialTransactionKind.DEBT_RELIEF,
    }
)
#: Institution types counted by ``online_lender_share``.
ONLINE_LENDERS = frozenset({InstitutionType.ONLINE_PLATFORM, InstitutionType.MICROLOAN})
#: Guarantee classifications that make it adverse (次级, 可疑, 损失).
ADVERSE_GUARANTEE_CLASSES = frozenset(
    {LoanClassification.SUBSTANDARD, LoanClassification.DOUBTFUL, LoanClassification.LOSS}
)
#: Guarantee statuses that make it adverse: overdue, or the v1 charged-off treatment.
_ADVERSE_GUARANTEE_STATUS = frozenset(
    {AccountStatus.OVERDUE} | {s for s, v1 in V1_STATUS.items() if v1 is AccountStatus.CHARGED_OFF}
)
_CLASS_RANK = {m: i for i, m in enumerate(LoanClassification)}
#: Statuses of a running account (scored as open or suspended): its classification counts.
_RUNNING = frozenset(
    s for s, v1 in V1_STATUS.items() if v1 in (AccountStatus.OPEN, AccountStatus.SUSPENDED)
)
_DIGITS = frozenset("1234567")
_RECORD_INDEX = {k: i for i, k in enumerate(RECORD_KINDS)}
_OPEN_RECORD = PublicRecordStatus.OPEN
_WINDOW = 60  # months: guarantor compensations and public records (ZX-TIAOLI Art.16)
#: The shortest window of ``worst_classification`` (months): the closure-impact
#: counterfactual's (``credit_closure._scoring.assess.CLOSURE_IMPACT_MONTHS``, checked by
#: the tests), so that reopening an account never restores a classification
#: (:func:`classification_on_file`).
CLASSIFICATION_MIN_MONTHS = 24


def month_number(d: _dt.date) -> int:
    """The month of ``d`` as a count of months since year 0 (consecutive months differ by 1)."""
    return d.year * 12 + d.month - 1


def adverse_guarantee(g: Any) -> bool:
    """A guarantee whose debt is classified 次级 or worse, has an amount past due, or is overdue
    or charged off (呆账, 司法追偿)."""
    return (
        g.classification in ADVERSE_GUARANTEE_CLASSES
        or (g.overdue_amount is not None and g.overdue_amount > 0)
        or g.status in _ADVERSE_GUARANTEE_STATUS
    )


def guarantee_features(guarantees: Iterable[Any]) -> tuple[float, float]:
    """``(guarantees_outstanding_amt, n_guarantees_adverse)`` of a profile's guarantees: the
    exact sum of the known balances (0 without guarantees, NaN when none gives its balance)
    and the adverse ones (:func:`adverse_guarantee`)."""
    balances: list[float] = []
    n_adverse = 0.0
    n = 0
    for g in guarantees:
        n += 1
        if g.balance is not None:
            balances.append(g.balance)
        if adverse_guarantee(g):
            n_adverse += 1.0
    if balances:
        return math.fsum(balances), n_adverse
    return (NAN if n else 0.0), n_adverse


def public_record_counts(records: Iterable[Any], start: _dt.date) -> list[float]:
    """Per kind of :data:`RECORD_KINDS`, the records dated after ``start`` (the 60-month
    window) or still open at any age (an unpaid or unperformed record has not ended)."""
    out = [0.0] * len(RECORD_KINDS)
    for r in records:
        k = _RECORD_INDEX.get(r.kind)
        if k is not None and (r.on > start or r.status is _OPEN_RECORD):
            out[k] += 1.0
    return out


def classification_start(as_of: _dt.date, config: Any = None) -> tuple[_dt.date, bool]:
    """``(start, us)``: the first day before the window of ``worst_classification`` under
    ``config`` (a :class:`~credit_closure._scoring.features.FeatureConfig`; ``None``: the
    default's) and whether the ``us`` clock reads it (:func:`classification_on_file`).

    ``cn``: ``retention_months`` before ``as_of``, but never fewer than
    :data:`CLASSIFICATION_MIN_MONTHS` (24); ``us``: :data:`US_RETENTION_MONTHS` (84), whatever
    ``retention_months`` says (as ``n_adverse_endings_retained``)."""
    if config is None:
        from credit_closure._scoring.features import DEFAULT_CONFIG

        config = DEFAULT_CONFIG
    if config.jurisdiction == "us":
        return _months_before(as_of, US_RETENTION_MONTHS), True
    months = config.retention_months
    return _months_before(as_of, max(months, CLASSIFICATION_MIN_MONTHS)), False


def classification_on_file(
    acc: Any, closures: Iterable[Any], start: _dt.date, us: bool = False
) -> bool:
    """Whether account ``acc``'s classification is still on file, ``start`` the first day
    before the retention window (``worst_classification``; ``closures`` the profile's closure
    events; ``start`` and ``us`` from :func:`classification_start`).

    ``cn`` (``us`` false): a running account always counts. An ended account counts while it
    owes (its balance, else its closure event's ``balance_at_closure``, above 0: an unpaid
    debt has not ended; unknown reads as nothing owed) or while the end of its bad act, the
    later of its closing date (``closed_on``, else its closure event's) and its
    ``last_payment_on``, is after ``start``; with neither date known it counts. This is
    default policy v2's ``end_of_bad_act`` clock for adverse endings
    (``n_adverse_endings_retained``) with the policy's ``retention_months`` (ZX-TIAOLI
    Art.16: 60 by default), applied to any ended account, and read as 24 when the policy
    sets fewer.

    ``us``: the US clock of ``n_adverse_endings_retained`` (seven years from the first
    delinquency, EXP-CLOSED). An account with a ``first_delinquency_on`` counts while that
    date is after ``start`` (84 months), whatever its status, balance or payments: the seven
    years run from the first delinquency whether the account is open, paid or not. An
    account without it (the date is unknown, or it was never delinquent): a running one
    always counts; an ended one while its closing date (``closed_on``, else its closure
    event's) is after ``start``, or when no closing date is known; what it owes and its last
    payment do not extend it (for an adverse ending this is ``n_adverse_endings_retained``'s
    reading: the closing date stands in for the unknown first delinquency, which precedes
    it, so the classification stays at least as long as the delinquency would).

    The closure-impact counterfactual cannot change the answer, so the report features stay
    the profile's own. It reopens only ``closed`` accounts whose closing date is after
    ``CLOSURE_IMPACT_MONTHS`` (24) before ``as_of``, keeping their other fields. ``cn``: the
    window is at least 24 months and the end of the bad act is no earlier than the closing
    date, so such an account counts ended as it counts reopened (running); a
    ``retention_months`` under 24 would drop a classification the counterfactual restores, so
    closing an account would look like removing its classification: hence the floor. ``us``:
    with a ``first_delinquency_on`` the answer does not depend on the status; without one,
    the closing date is inside the 84 months, so it counts ended and reopened.
    """
    if us:
        first = acc.first_delinquency_on
        if first is not None:
            return bool(first > start)
    if acc.status in _RUNNING:
        return True
    owed = acc.balance
    day = acc.closed_on
    if owed is None or day is None:
        aid = acc.account_id
        for ev in closures:
            if ev.account_id == aid:
                if owed is None:
                    owed = ev.balance_at_closure
                if day is None:
                    day = ev.closed_on
                break
    if us:
        return day is None or day > start
    if owed is not None and owed > 0:
        return True
    paid = acc.last_payment_on
    if paid is not None and (day is None or paid > day):
        day = paid
    return day is None or day > start


def _months_before(as_of: _dt.date, months: int) -> _dt.date:
    from credit_closure._scoring.features import months_before

    return months_before(as_of, months)


def _history(h: str, shift: int) -> tuple[int, int, int, int, bool, float]:
    """One account's history, its last month ``shift`` months before as_of's: (months since
    the latest month that was or may have been delinquent, periods overdue its last month
    shows (-1 unknown), worst level in 24 and in 60 months (-1 none known), whether a month of
    the 24 is known, 1.0 when it is 连三累六 in the 24 months)."""
    last = h[-1]
    periods = ord(last) - 48 if last in _DIGITS else (-1 if last == "#" else 0)
    n = len(h)
    rec = shift + n  # none: the month before the history
    for i in range(n - 1, -1, -1):
        if LEVELS.get(h[i], 0) != 0:
            rec = shift + n - 1 - i
            break
    worst24 = worst60 = -1
    known24 = False
    months = run = longest = 0
    for i in range(n):
        back = shift + n - 1 - i
        if back >= _WINDOW:
            continue
        lv = LEVELS.get(h[i], 0)
        if lv < 0:
            run = 0
            continue
        if lv > worst60:
            worst60 = lv
        if back >= 24:
            continue
        if lv > worst24:
            worst24 = lv
        known24 = True
        if lv >= LIAN_LEVEL:
            months += 1
            run += 1
            if run > longest:
                longest = run
        else:
            run = 0
    return rec, periods, worst24, worst60, known24, 1.0 if longest >= 3 or months >= 6 else 0.0


def report_features(profile: Any, as_of: _dt.date, config: Any = None) -> tuple[float, ...]:
    """The features of :data:`REPORT_FEATURE_NAMES` of ``profile`` at ``as_of`` under
    ``config`` (``None``: the default; only ``worst_classification`` reads it), in order. A
    contract v1 profile has none of the v2 fields (``contract_version`` is 2 whenever one is
    used: ``_contract/versioning.py``), so only its summaries and statuses are read."""
    v2 = profile.contract_version == 2
    if v2:
        a_month = month_number(as_of)
        start60 = _months_before(as_of, _WINDOW)
        cls_start, us = classification_start(as_of, config)
    recency = math.inf
    recency_known = False
    recency_hidden = False  # a summary shows a delinquency whose month is unknown
    overdue: list[float] = []
    periods = -1
    worst24 = worst60 = -1
    n_lian = n_comp = 0.0
    lian_known = False
    worst_class = -1
    online = typed = 0
    undrawable: list[float] = []
    for acc in profile.accounts:
        h = None
        if v2:
            amt = acc.current_overdue_amount
            if amt is not None:
                overdue.append(amt)
                if amt > 0:
                    recency = 0
                    recency_known = True
            per = acc.current_overdue_periods
            if per is not None:
                periods = max(periods, per)
                if per > 0:
                    recency = 0
                    recency_known = True
            h = acc.repayment_history
            c = acc.classification
            if (
                c is not None
                and _CLASS_RANK[c] > worst_class
                and classification_on_file(acc, profile.closures, cls_start, us)
            ):
                worst_class = _CLASS_RANK[c]
            t = acc.institution_type
            if t is not None:
                typed += 1
                if t in ONLINE_LENDERS:
                    online += 1
            for tr in acc.special_transactions:
                if tr.kind in COMPENSATION_KINDS and tr.on > start60:
                    n_comp += 1.0
        if h is not None:
            rec, last, w24, w60, known24, lian = _history(
                h, a_month - month_number(acc.history_end)
            )
            periods = max(periods, last)
            recency = min(recency, rec)
            recency_known = True
            worst24 = max(worst24, w24)
            worst60 = max(worst60, w60)
            lian_known = lian_known or known24
            n_lian += lian
        else:
            # an account without history, from its 24-month summaries: 连三累六 when they
            # prove it; a delinquency they show has no known month
            dpd = acc.worst_dpd_24m
            mo = acc.months_delinquent_24m
            co = acc.max_consecutive_delinquent_24m
            if dpd is not None or mo is not None or co is not None:
                lian_known = True
                if (
                    (co is not None and co >= 3)
                    or (mo is not None and mo >= 6)
                    or (dpd is not None and dpd >= 91)
                ):
                    n_lian += 1.0
                if dpd or mo or co:  # a non-zero summary (each is validated >= 0)
                    recency_hidden = True
                elif recency > 24:
                    recency = 24
                    recency_known = True
        if (
            acc.status in UNDRAWABLE_STATUSES
            and acc.product in REVOLVING_PRODUCTS
            and acc.credit_limit is not None
        ):
            undrawable.append(acc.credit_limit)
    if recency_hidden and recency != 0:
        since = NAN
    else:
        since = float(recency) if recency_known else NAN
    undrawn = math.fsum(undrawable) if undrawable else 0.0
    lian_v = n_lian if lian_known else NAN
    if not v2:  # no overdue amount, history, classification, guarantee, record or lender type
        return (since, NAN, NAN, NAN, NAN, lian_v, *_V1_MIDDLE, undrawn)
    g_out, n_g_adverse = guarantee_features(profile.guarantees)
    return (
        since,
        math.fsum(overdue) if overdue else NAN,
        float(periods) if periods >= 0 else NAN,
        float(worst24) if worst24 >= 0 else NAN,
        float(worst60) if worst60 >= 0 else NAN,
        lian_v,
        float(worst_class) if worst_class >= 0 else NAN,
        g_out,
        n_g_adverse,
        n_comp,
        *public_record_counts(profile.public_records, start60),
        online / typed if typed else NAN,
        undrawn,
    )


# a contract v1 profile's features from worst_classification to online_lender_share
_V1_MIDDLE: tuple[float, ...] = (NAN, 0.0, 0.0, 0.0, *(0.0,) * len(RECORD_KINDS), NAN)
