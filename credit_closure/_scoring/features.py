"""The one feature extractor every built-in scorer uses.

:data:`FEATURES` documents each feature: its unit, window, direction of risk and the source
key in the domain brief (``docs/concepts.md`` lists the sources). ``NaN`` means the data cannot
tell (no account with a known limit, say), never zero.

``as_of`` semantics: every window is "the last N calendar months up to and including
``as_of``": a date ``d`` is inside when ``as_of - N months < d <= as_of``. Ages and recencies are
in months of 30.436875 days (the mean Gregorian month).

Closures are the profile's closure events plus, for an ended account with a ``closed_on`` and no
event, an implied closure with unknown initiator and reason. A charged-off account ended as bad
debt (B) and a transferred one abnormally (G) when no event says otherwise.

This module is the one source of truth about features. :data:`FEATURES` says, per feature,
what it means and what every engine needs to know (its reason code, whether it is an exact
sum, a count of closure acts, or read from activity records); the derived constants
(:data:`FEATURE_NAMES`, :data:`FEATURE_INDEX`, :data:`N_FEATURES`, :data:`SUMMED_INDEX`,
:data:`ACTIVITY_INDEX`, :data:`REPORT_INDEX`, :data:`CLOSURE_ACT_FEATURES`,
:data:`FEATURE_REASONS`) are what the engines read, never a literal count or position. The
features read from contract v2 report data are defined in
:mod:`credit_closure._scoring.report_features` and appended by :func:`extract`.

:func:`extract` is the scalar reference. Its twins compute the same features, to the last
bit, for many subjects at once and must change with it:

- :func:`credit_closure._columnar.numpy_engine.compute_features`, the vectorised numpy twin;
- ``credit_closure._columnar.kernel._kernel``, the compiled (numba) twin, which also does
  the rule pass of ``credit_closure._scoring.rules.RuleScorer._evaluate`` and the reason
  ranking and counterfactual of ``credit_closure._scoring.assess``.

``tests/test_columnar.py`` checks both against :func:`extract`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import attrs

from credit_closure._contract.enums import V1_INQUIRY_KIND, V1_STATUS
from credit_closure._contract.model import (
    REVOLVING_PRODUCTS,
    AccountStatus,
    ClosureInitiator,
    ClosureReason,
    CreditProfile,
    InquiryKind,
    TerminationKind,
    profile_unchecked,
    reopened_account,
)
from credit_closure._scoring.core_features import CORE_FEATURES
from credit_closure._scoring.feature_spec import FeatureSpec
from credit_closure._scoring.policy_features import (
    _UNDRAWABLE,
    CREDIT_INQUIRY_KINDS,
    POLICY_FEATURES,
    SETTLEMENT_KINDS,
    US_RETENTION_MONTHS,
    _inquiries,
    _retained,
)
from credit_closure._scoring.report_features import (
    REPORT_FEATURE_NAMES,
    REPORT_SPECS,
    report_features,
)
from credit_closure._scoring.security import (
    SecurityConfig,
    security_counts,
    verification_pattern,
)

__all__ = [
    "ACTIVITY_INDEX",
    "CLOSURE_ACT_FEATURES",
    "FEATURES",
    "FEATURE_INDEX",
    "FEATURE_NAMES",
    "FEATURE_REASONS",
    "N_FEATURES",
    "OPTIONAL_INDEX",
    "READ_ALL",
    "REPORT_INDEX",
    "SUMMED_INDEX",
    "FeatureConfig",
    "FeatureSpec",
    "extract",
    "extract_counterfactual",
    "extract_with_counterfactual",
    "feature_dict",
    "reads_of",
    "reopen_plan",
]

NAN = float("nan")
_DAYS_PER_MONTH = 30.436875


FEATURES: tuple[FeatureSpec, ...] = (
    # the features of a contract v1 profile: credit_closure/_scoring/core_features.py
    *CORE_FEATURES,
    # default policy v2 (issue 15): credit_closure/_scoring/policy_features.py
    *POLICY_FEATURES,
    # ---- from contract v2 report data (issue 14 item 15): _scoring/report_features.py ----
    *(FeatureSpec(*spec[:6], reason=spec.reason, from_report=True) for spec in REPORT_SPECS),
)

#: The feature names, in the order of :func:`extract`'s result.
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
#: Feature name -> its position in :data:`FEATURE_NAMES`.
FEATURE_INDEX: dict[str, int] = {n: i for i, n in enumerate(FEATURE_NAMES)}
#: The number of features (the width of every engine's feature matrix).
N_FEATURES: int = len(FEATURES)
#: Feature name -> the reason code that explains it (``FeatureSpec.reason``).
FEATURE_REASONS: dict[str, str] = {f.name: f.reason for f in FEATURES}
#: Positions of the features computed from sums of many values (``FeatureSpec.exact_sum``).
SUMMED_INDEX: frozenset[int] = frozenset(i for i, f in enumerate(FEATURES) if f.exact_sum)
#: Positions of the features read from activity records (``FeatureSpec.needs_activity``).
ACTIVITY_INDEX: tuple[int, ...] = tuple(i for i, f in enumerate(FEATURES) if f.needs_activity)
#: Positions of the features read from contract v2 report data (``FeatureSpec.from_report``):
#: the last block of :data:`FEATURES`, in the order of ``REPORT_FEATURE_NAMES``.
REPORT_INDEX: tuple[int, ...] = tuple(i for i, f in enumerate(FEATURES) if f.from_report)
#: The positions of the policy v2 features (:data:`POLICY_FEATURES`), a block of their own.
POLICY_INDEX: tuple[int, ...] = tuple(FEATURE_INDEX[f.name] for f in POLICY_FEATURES)
#: The positions of the features the single path computes only for a scorer that reads one
#: (``FeatureSpec.optional``).
OPTIONAL_INDEX: tuple[int, ...] = tuple(i for i, f in enumerate(FEATURES) if f.optional)
#: What a scorer reads, by block: (an optional feature, a policy v2 feature, a report feature).
Reads = tuple[bool, bool, bool]
#: Every block (:func:`extract`).
READ_ALL: Reads = (True, True, True)
_NO_POLICY: tuple[float, ...] = (NAN,) * len(POLICY_FEATURES)
_NO_REPORT: tuple[float, ...] = (NAN,) * len(REPORT_FEATURE_NAMES)
assert REPORT_INDEX == tuple(range(N_FEATURES - len(REPORT_INDEX), N_FEATURES))
assert tuple(FEATURE_NAMES[i] for i in REPORT_INDEX) == REPORT_FEATURE_NAMES
#: Names of the features that only count or date closures (``FeatureSpec.closure_act``).
CLOSURE_ACT_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.closure_act)


def reads_of(positions: Iterable[int]) -> Reads:
    """Which blocks a scorer reading the features at ``positions`` needs (:data:`Reads`):
    :func:`extract_with_counterfactual` leaves the others ``NaN``, uncomputed."""
    read = set(positions)
    return (
        bool(read.intersection(OPTIONAL_INDEX)),
        bool(read.intersection(POLICY_INDEX)),
        bool(read.intersection(REPORT_INDEX)),
    )


@attrs.frozen(kw_only=True)
class FeatureConfig:
    """Parameters of the extractor that a policy may change.

    Args:
        retention_months: Lookback for abnormal terminations (negative items are kept 5 years
            in China, ZX-TIAOLI Art.16).
        security_lookback_days: Only security evidence this recent counts for scoring.
        security: Windows of the security detector.
        retention_clock: When an adverse ending's retention starts, for
            ``n_adverse_endings_retained``: ``"closed_on"`` (its closing date, as
            ``n_adverse_endings``) or ``"end_of_bad_act"`` (an ending still owing always counts;
            a paid one from the later of its closing and its last payment).
        jurisdiction: ``"cn"`` or ``"us"`` (adverse endings kept 84 months from
            ``first_delinquency_on``; rate-shopping loan inquiries within 45 days count once).
        counterfactual_keeps_adverse: The counterfactual of closure impact never reopens an
            account whose closure event says it ended abnormally (G) or as bad debt (B), even
            with status ``closed`` (default ``False``: today's counterfactual, which reopens it).
    """

    retention_months: int = attrs.field(default=60, validator=attrs.validators.ge(1))
    security_lookback_days: int = attrs.field(default=180, validator=attrs.validators.ge(1))
    security: SecurityConfig = attrs.field(factory=SecurityConfig)
    retention_clock: str = attrs.field(
        default="closed_on", validator=attrs.validators.in_(("closed_on", "end_of_bad_act"))
    )
    jurisdiction: str = attrs.field(default="cn", validator=attrs.validators.in_(("cn", "us")))
    counterfactual_keeps_adverse: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )


DEFAULT_CONFIG = FeatureConfig()

# contract v2 members get the treatment of their v1 equivalent (V1_STATUS, V1_INITIATOR,
# V1_INQUIRY_KIND in _contract/enums.py): the sets below are built from those tables
_OPEN_LIKE = frozenset(
    s for s, v1 in V1_STATUS.items() if v1 in (AccountStatus.OPEN, AccountStatus.SUSPENDED)
)
_LENDER = frozenset(
    {
        ClosureInitiator.LENDER_RISK,
        ClosureInitiator.LENDER_INACTIVITY,
        ClosureInitiator.PLATFORM_POLICY,
        ClosureInitiator.REGULATOR,
    }
)
_ADVERSE_TERMINATION = frozenset({TerminationKind.ABNORMAL, TerminationKind.BAD_DEBT})
_ADVERSE_STATUS = frozenset(
    s for s, v1 in V1_STATUS.items() if v1 in (AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED)
)
_CHARGED_STATUS = frozenset(s for s, v1 in V1_STATUS.items() if v1 is AccountStatus.CHARGED_OFF)
_BAD_DEBT = TerminationKind.BAD_DEBT
_HARD = frozenset(
    k
    for k, v1 in V1_INQUIRY_KIND.items()
    if v1 in (InquiryKind.LOAN_APPROVAL, InquiryKind.CARD_APPROVAL)
)


@lru_cache(maxsize=4096)
def months_before(as_of: _dt.date, months: int) -> _dt.date:
    """``as_of`` minus ``months`` calendar months (the day clamped to the month's end)."""
    y, m = divmod(as_of.year * 12 + (as_of.month - 1) - months, 12)
    m += 1
    day = as_of.day
    if day > 28:
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        day = min(day, (nxt - _dt.timedelta(days=1)).day)
    return _dt.date(y, m, day)


_EMPTY: dict[str, Any] = {}
# enum members as module constants: class attribute access on an Enum is slow in the hot path
_CONSUMER = ClosureInitiator.CONSUMER
_LENDER_RISK = ClosureInitiator.LENDER_RISK
_INIT_UNKNOWN = ClosureInitiator.UNKNOWN
_REASON_UNKNOWN = ClosureReason.UNKNOWN
_LENDER_RISK_CONTROL = ClosureReason.LENDER_RISK_CONTROL
_REDUCE_DEBT = ClosureReason.REDUCE_DEBT
_NORMAL = TerminationKind.NORMAL
_OPEN = AccountStatus.OPEN
_CLOSED = AccountStatus.CLOSED
_IMPLIED_TERMINATION = {
    s: term
    for s, v1 in V1_STATUS.items()
    for v1_status, term in (
        (AccountStatus.CHARGED_OFF, TerminationKind.BAD_DEBT),
        (AccountStatus.TRANSFERRED, TerminationKind.ABNORMAL),
    )
    if v1 is v1_status
}


@lru_cache(maxsize=1024)
def _windows(as_of: _dt.date, retention_months: int) -> tuple[_dt.date, ...]:
    """Starts of the 3, 6, 12, 24 month, retention and us-retention windows before ``as_of``."""
    return (
        months_before(as_of, 3),
        months_before(as_of, 6),
        months_before(as_of, 12),
        months_before(as_of, 24),
        months_before(as_of, retention_months),
        months_before(as_of, US_RETENTION_MONTHS),
    )


def extract(
    profile: CreditProfile, as_of: _dt.date, config: FeatureConfig = DEFAULT_CONFIG
) -> tuple[float, ...]:
    """Compute every feature of ``profile`` at ``as_of``, in :data:`FEATURE_NAMES` order.

    The profile must be valid and dated no later than ``as_of`` (``assess`` checks both).
    Missing values are ``NaN``. Sums are exact (``math.fsum``), so the result does not depend
    on the order of accounts, closures or records, to the last bit.

    Example:
        >>> import datetime
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "credit_limit": 10000, "balance": 4000, "opened_on": "2020-01-01"}]})
        >>> f = dict(zip(FEATURE_NAMES, extract(p, datetime.date(2025, 1, 1))))
        >>> f["util_total"], round(f["age_oldest_months"], 1)
        (0.4, 60.0)
    """
    return _extract_pass(profile, as_of, config, _EMPTY)[0] + report_features(
        profile, as_of, config
    )


def _closure_items(events: Any) -> list[tuple[Any, ...]]:
    """The closure events as :func:`_extract_pass` reads them: (account, closed_on, initiator,
    reason, termination, balance_at, limit_at, dpd_6m_before)."""
    return [
        (
            ev.account_id,
            ev.closed_on,
            ev.initiator,
            ev.reason,
            ev.termination,
            ev.balance_at_closure,
            ev.limit_at_closure,
            ev.worst_dpd_6m_before,
        )
        for ev in events
    ]


# Documented hot path: extract runs once per profile in assess/assess_many, so it is one
# function with its loops inlined (no helper calls per account); its twins in _columnar/ are
# written against it line by line. Splitting it would cost speed and that correspondence.
def _extract_pass(  # noqa: C901
    profile: CreditProfile,
    as_of: _dt.date,
    config: FeatureConfig,
    plan: dict[str, tuple[float | None, float | None]],
    policy: bool = True,
    events: dict[str, Any] | None = None,
    profile_vector: bool = True,
    optional: bool = True,
) -> list[tuple[float, ...]]:
    """``[extract's first part]``; with a non-empty ``plan`` (a :func:`reopen_plan`),
    ``[the profile's, the counterfactual's]``: the features the profile would have had, had
    the plan's accounts stayed open at their (limit, balance) and their closure events not
    happened (the counterfactual of closure impact), without building it. The security
    features read the profile itself: a ``plan`` is only given for a profile without activity.

    Both vectors come from one pass: every feature is order-invariant (exact sums, counts,
    extremes, sets), so the accounts the plan leaves alone are read once, first; the running
    terms are kept at that point; the plan's accounts are read as they are (the profile's
    vector), then, from the kept terms, as reopened (the counterfactual's). The inquiries and
    security records, the same for both, are read once. Without ``profile_vector``, only
    ``[the counterfactual's]``: the plan's accounts are read as reopened straight away.

    Without ``policy``, the policy v2 features are ``NaN``, uncomputed; without ``optional``,
    those of :data:`OPTIONAL_INDEX` (``FeatureSpec.optional``) are, and so are the running
    terms only they read."""
    windows = _windows(as_of, config.retention_months)
    d3, d6, d12, d24, d_ret = windows[:5]
    as_ord = as_of.toordinal()
    closures_ev = profile.closures
    # every closure event by account (``events``, when the caller has it): the reopened
    # accounts' events are never looked up (those accounts are open), so the counterfactual
    # reads the same map
    if events is None:
        events = _events(closures_ev)
    ev_by_id = events
    accounts: Any = profile.accounts
    tail: list[Any] = []  # the plan's accounts, set aside in the first round and read last
    deferring = bool(plan)

    # ---- accounts: utilization, ages, delinquency ---------------------------------------
    bal_terms: list[float] = []
    lim_terms: list[float] = []
    line_utils: list[float] = []
    ages_all: list[float] = []
    ages_open: list[float] = []
    n_open = 0.0
    n_ended = 0.0
    dpd_known = False
    max_dpd = 0
    n_delinquent = 0.0
    months_known = False
    months_total = 0
    consecutive3 = False
    closed_balances: list[float] = []
    closed_owed: list[float] = []
    closed_utils: list[float] = []
    open_limits: list[float] = []
    abnormal_ids = set()
    adverse_ids = set()  # n_adverse_endings: abnormal_ids without a transfer alone
    # (account, closed_on, initiator, reason, termination, balance_at, limit_at, dpd_6m_before)
    items = _closure_items(closures_ev) if closures_ev else []
    by_id = {}
    # ---- policy v2 (policy_features.py says what each means): read in the same pass -------
    d_us = windows[5]
    num: list[float] = []  # util_revolving's terms
    den: list[float] = []
    line_max = -math.inf
    open_revolving = False
    n_rev12 = n_rev24 = n_delq24 = p_adverse = 0.0
    worst = -1

    # ---- inquiries (policy v2: credit inquiries, merged into runs in jurisdiction us) ---------
    q3 = q6 = q12 = c3 = c6 = c12 = 0.0
    us = config.jurisdiction == "us"
    plain = policy and not us
    for q in profile.inquiries:
        d = q.on
        if d > d12:
            kind = q.kind
            if kind in _HARD:
                q12 += 1.0
                if d > d6:
                    q6 += 1.0
                    if d > d3:
                        q3 += 1.0
            if plain and kind in CREDIT_INQUIRY_KINDS:
                c12 += 1.0
                if d > d6:
                    c6 += 1.0
                    if d > d3:
                        c3 += 1.0
    if policy and us:
        c3, c6, c12 = _inquiries(profile, d3, d6, d12, True)

    # ---- security ------------------------------------------------------------------------
    # the alerts of scan_profile after the look-back start, counted without building them
    if profile.activity:
        since = as_of - _dt.timedelta(days=config.security_lookback_days)
        post_act, reopen, contact = security_counts(profile, config.security, since)
        verify = verification_pattern(profile, config.security, since)
    else:
        post_act = reopen = contact = verify = 0.0

    out: list[tuple[float, ...]] = []
    reopening = False  # reading the plan's accounts as reopened (the counterfactual)
    kept: Any = None  # the running terms before the plan's accounts
    while True:
        for acc in accounts:
            aid = acc.account_id
            if deferring and aid in plan:
                tail.append(acc)
                continue
            by_id[aid] = acc
            status = acc.status
            lim = acc.credit_limit
            bal = acc.balance
            if reopening:  # open again at its last limit, its event gone (counterfactual)
                status = _OPEN
                lim, bal = plan[aid]
                ev = None
            else:
                ev = ev_by_id.get(aid)
            open_like = status in _OPEN_LIKE
            if acc.opened_on is not None:
                age = (as_ord - acc.opened_on.toordinal()) / _DAYS_PER_MONTH
                ages_all.append(age)
                if open_like and optional:
                    ages_open.append(age)
            dpd24 = acc.worst_dpd_24m
            if dpd24 is not None:
                dpd_known = True
                if dpd24 > max_dpd:
                    max_dpd = dpd24
                if dpd24 >= 30:
                    n_delinquent += 1.0
            if acc.months_delinquent_24m is not None:
                months_known = True
                months_total += acc.months_delinquent_24m
            if (
                acc.max_consecutive_delinquent_24m is not None
                and acc.max_consecutive_delinquent_24m >= 3
            ):
                consecutive3 = True
            revolving = acc.product in REVOLVING_PRODUCTS
            if policy:  # worst_dpd_24m (policy v2): delinquency from every source
                if dpd24 is not None and dpd24 > worst:
                    worst = dpd24
                if acc.repayment_history is not None:
                    hs = acc.history_summary
                    if hs is not None and (hs[2] > 0 or hs.known) and hs.worst_dpd() > worst:
                        worst = hs.worst_dpd()
                if ev is not None and ev.worst_dpd_6m_before is not None and ev.closed_on > d24:
                    if ev.worst_dpd_6m_before > worst:
                        worst = ev.worst_dpd_6m_before
            if open_like:
                n_open += 1.0
                if revolving:
                    if lim is not None and optional:
                        open_limits.append(lim)
                        if bal is not None and lim > 0:
                            bal_terms.append(bal)
                            lim_terms.append(lim)
                            line_utils.append(bal / lim)
                    if policy:
                        if status in _UNDRAWABLE:
                            if bal is not None and bal > 0:
                                num.append(bal)  # counted at its balance: fully used
                                den.append(bal)
                        else:
                            open_revolving = True
                            if lim is not None and bal is not None and lim > 0:
                                num.append(bal)
                                den.append(lim)
                                if bal / lim > line_max:
                                    line_max = bal / lim
                continue
            n_ended += 1.0
            closed_on = acc.closed_on
            if optional and status in _ADVERSE_STATUS and (closed_on is None or closed_on > d_ret):
                abnormal_ids.add(aid)
                if status in _CHARGED_STATUS:
                    adverse_ids.add(aid)
            if bal is not None and bal > 0:
                closed_balances.append(bal)
            if ev is None and closed_on is not None:
                items.append(
                    (
                        aid,
                        closed_on,
                        _INIT_UNKNOWN,
                        _REASON_UNKNOWN,
                        _IMPLIED_TERMINATION.get(status),
                        None,
                        None,
                        None,
                    )
                )
            # the balance still owed on an ended account (its closure event's when unknown)
            owed = bal if bal is not None else (ev.balance_at_closure if ev is not None else None)
            if revolving and owed is not None and owed > 0:
                if optional:  # a closed line's balance still counts against open limits
                    closed_owed.append(owed)
                    if lim is None and ev is not None:
                        lim = ev.limit_at_closure
                    if lim is not None and lim > 0:
                        closed_utils.append(owed / lim)
                if policy:
                    num.append(owed)  # an ended line cannot be drawn: counted at its balance
                    den.append(owed)
            if not policy:
                continue
            # ---- policy v2: an ended account ----
            day = ev.closed_on if ev is not None else closed_on
            charged = status in _CHARGED_STATUS
            if (
                charged or (ev is not None and ev.termination in _ADVERSE_TERMINATION)
            ) and _retained(acc, ev, charged, day, owed, config, d_ret, d_us):
                p_adverse += 1.0  # an adverse ending (n_adverse_endings' population), still on file
            if day is not None and day > d24:  # a closure in the 24-month window
                dpd = ev.worst_dpd_6m_before if ev is not None else None
                if dpd is None:
                    dpd = dpd24
                if dpd is not None and dpd >= 30:
                    n_delq24 += 1.0
                if revolving and not (ev is not None and ev.kind in SETTLEMENT_KINDS):
                    n_rev24 += 1.0
                    if day > d12:
                        n_rev12 += 1.0

        if deferring and not profile_vector:  # the counterfactual's alone
            deferring = False
            reopening = True
            items = [it for it in items if it[0] not in plan]
            accounts = tail
            continue
        if deferring:  # the plan's accounts, as they are
            deferring = False
            kept = (
                len(ages_all),
                len(closed_balances),
                len(num),
                len(den),
                len(items),
                (n_open, n_ended, dpd_known, max_dpd, n_delinquent, months_known, months_total),
                (consecutive3, line_max, open_revolving, n_rev12, n_rev24, n_delq24),
                (p_adverse, worst),
                (
                    len(bal_terms),
                    len(lim_terms),
                    len(line_utils),
                    len(ages_open),
                    len(closed_owed),
                    len(closed_utils),
                    len(open_limits),
                    set(abnormal_ids),
                    set(adverse_ids),
                )
                if optional
                else None,
            )
            accounts = tail
            continue

        # ---- closures ------------------------------------------------------------------------
        n_cons_12 = n_cons_24 = n_lend_12 = n_lend_24 = n_risk_24 = n_delev_12 = 0.0
        last_closure: _dt.date | None = None
        dpd_flag = 0.0
        dpd_unknown = False
        closed_lim_12: list[float] = []
        readd_lim_12: list[float] = []
        for aid, d, init, reason, term, bal_at, lim_at, dpd6 in items:
            acc = by_id[aid]
            if optional:
                if last_closure is None or d > last_closure:
                    last_closure = d
                if term in _ADVERSE_TERMINATION and d > d_ret:
                    abnormal_ids.add(aid)
                    # an implied G is a transfer alone: not an adverse ending
                    if term is _BAD_DEBT or aid in ev_by_id:
                        adverse_ids.add(aid)
            if acc.balance is None and bal_at is not None and bal_at > 0:
                closed_balances.append(bal_at)
            if not d > d24:
                continue
            in12 = d > d12
            if optional:
                if init is _CONSUMER:
                    n_cons_24 += 1.0
                    if in12:
                        n_cons_12 += 1.0
                elif init in _LENDER:
                    n_lend_24 += 1.0
                    if in12:
                        n_lend_12 += 1.0
            if init is _LENDER_RISK or reason is _LENDER_RISK_CONTROL:
                n_risk_24 += 1.0
            dpd = dpd6 if dpd6 is not None else acc.worst_dpd_24m
            if dpd is None:
                dpd_unknown = True
            elif dpd >= 30:
                dpd_flag = 1.0
            if in12 and optional:
                lim = lim_at if lim_at is not None else acc.credit_limit
                owed = acc.balance if acc.balance is not None else bal_at
                if acc.product in REVOLVING_PRODUCTS and lim is not None:
                    closed_lim_12.append(lim)
                    if owed is not None and owed == 0 and lim > 0:
                        readd_lim_12.append(lim)
                if (
                    init is _CONSUMER
                    and reason is _REDUCE_DEBT
                    and (term is None or term is _NORMAL)
                    and owed is not None
                    and owed == 0
                    and dpd is not None
                    and dpd < 30
                ):
                    n_delev_12 += 1.0
        if dpd_flag == 0.0 and dpd_unknown:
            dpd_flag = NAN

        if optional:
            owed_all = math.fsum(bal_terms + closed_owed)
            open_lim = math.fsum(lim_terms)
            max_closed = max(closed_utils) if closed_utils else NAN
            # balances owed on revolving lines, closed ones included, over the limits still
            # open; with no open limit, the highest utilization of a closed line that still
            # carries a balance
            util_total = owed_all / open_lim if open_lim > 0 else max_closed
            line_utils.extend(closed_utils)
            util_max = max(line_utils) if line_utils else NAN
            if util_total == util_total:  # the same, had the zero-balance closed limits stayed open
                readd = open_lim + math.fsum(readd_lim_12) if readd_lim_12 else open_lim
                util_delta = util_total - (owed_all / readd if readd > 0 else max_closed)
            else:
                util_delta = NAN
            lost_num = math.fsum(closed_lim_12)
            lost_den = math.fsum(open_limits + closed_lim_12)
            lost_share = lost_num / lost_den if lost_den > 0 else NAN
            n_acc = n_open + n_ended
            n_abnormal = float(len(abnormal_ids))
            since_last = (
                (as_ord - last_closure.toordinal()) / _DAYS_PER_MONTH if last_closure else NAN
            )
            age_avg = math.fsum(ages_all) / len(ages_all) if ages_all else NAN
            age_avg_open = math.fsum(ages_open) / len(ages_open) if ages_open else NAN
            closed_share = n_ended / n_acc if n_acc else NAN
            n_adverse = float(len(adverse_ids))
        else:
            util_total = util_max = util_delta = lost_share = NAN
            n_cons_12 = n_cons_24 = n_lend_12 = n_lend_24 = n_delev_12 = NAN
            n_abnormal = since_last = age_avg = age_avg_open = closed_share = n_adverse = NAN

        if months_known or consecutive3:
            lian = 1.0 if (consecutive3 or months_total >= 6) else 0.0
        else:
            lian = NAN

        policy_v2: tuple[float, ...]
        if policy:
            den_sum = math.fsum(den)
            policy_v2 = (
                min(math.fsum(num) / den_sum, 1.0) if den_sum > 0 else NAN,
                line_max if line_max > -math.inf else NAN,
                (0.0 if open_revolving else 1.0) if profile.accounts else NAN,
                n_rev12,
                n_rev24,
                n_delq24,
                c3,
                c6,
                c12,
                p_adverse,
                float(worst) if worst >= 0 else NAN,
            )
        else:
            policy_v2 = _NO_POLICY

        out.append(
            (
                util_total,
                util_max,
                util_delta,
                lost_share,
                n_cons_12,
                n_cons_24,
                n_lend_12,
                n_lend_24,
                n_risk_24,
                math.fsum(closed_balances),
                dpd_flag,
                n_abnormal,
                since_last,
                max(ages_all) if ages_all else NAN,
                age_avg,
                age_avg_open,
                closed_share,
                float(max_dpd) if dpd_known else NAN,
                n_delinquent if dpd_known else NAN,
                lian,
                q3,
                q6,
                q12,
                n_delev_12,
                n_open,
                post_act,
                reopen,
                contact,
                n_adverse,
                verify,
            )
            + policy_v2
        )
        if not tail or reopening:
            return out
        # the counterfactual: the running terms as they were before the plan's accounts,
        # which are then read as reopened (their closure events are not among the items)
        reopening = True
        accounts = tail
        k = kept
        del ages_all[k[0] :], closed_balances[k[1] :], num[k[2] :], den[k[3] :]
        # the closure events of the accounts left alone, and their implied closures
        items = [it for it in items[: k[4]] if it[0] not in plan]
        n_open, n_ended, dpd_known, max_dpd, n_delinquent, months_known, months_total = k[5]
        consecutive3, line_max, open_revolving, n_rev12, n_rev24, n_delq24 = k[6]
        p_adverse, worst = k[7]
        if optional:
            o = k[8]
            del bal_terms[o[0] :], lim_terms[o[1] :], line_utils[o[2] :], ages_open[o[3] :]
            del closed_owed[o[4] :], closed_utils[o[5] :], open_limits[o[6] :]
            abnormal_ids, adverse_ids = o[7], o[8]


def feature_dict(
    profile: CreditProfile, as_of: _dt.date, config: FeatureConfig = DEFAULT_CONFIG
) -> dict[str, float]:
    """:func:`extract` as a ``{name: value}`` mapping."""
    return dict(zip(FEATURE_NAMES, extract(profile, as_of, config)))


#: What :func:`reopen_plan` gives: account id -> the (limit, balance) it reopens at.
ReopenPlan = dict[str, tuple[float | None, float | None]]


def _events(closures: tuple[Any, ...]) -> dict[str, Any]:
    """The closure events of a profile by account id."""
    return {ev.account_id: ev for ev in closures} if closures else _EMPTY


def reopen_plan(
    profile: CreditProfile,
    start: _dt.date,
    keep_adverse: bool = False,
    events: dict[str, Any] | None = None,
) -> ReopenPlan:
    """The accounts the counterfactual of closure impact reopens, with the limit and balance
    they reopen at (empty when there are none).

    These are the accounts with status ``closed`` whose closing date (``closed_on``, else
    their closure event's date) is after ``start``; each is open again at its last limit (the
    limit at closure when known) with the balance it had (the balance at closure when its own
    is unknown). Charged-off and transferred accounts stay as they are: those are outcomes of
    delinquency, not closures. With ``keep_adverse`` (``FeatureConfig.
    counterfactual_keeps_adverse``), neither is a ``closed`` account whose closure event says
    it ended abnormally or as bad debt: a B/G ending is never undone, however it is coded.
    :func:`credit_closure._scoring.assess.counterfactual` builds that profile;
    :func:`extract_counterfactual` computes its features without building it.
    """
    plan: ReopenPlan = {}
    if events is None:
        events = _events(profile.closures)
    closed = _CLOSED
    for acc in profile.accounts:
        if acc.status is not closed:
            continue
        ev = events.get(acc.account_id)
        day = acc.closed_on if acc.closed_on is not None else (ev.closed_on if ev else None)
        if day is None or day <= start:
            continue
        if keep_adverse and ev is not None and ev.termination in _ADVERSE_TERMINATION:
            continue
        limit = acc.credit_limit
        balance = acc.balance
        if ev is not None:
            if ev.limit_at_closure is not None:
                limit = ev.limit_at_closure
            if balance is None:
                balance = ev.balance_at_closure
        plan[acc.account_id] = (limit, balance)
    return plan


def reopened_profile(profile: CreditProfile, plan: ReopenPlan) -> CreditProfile:
    """``profile`` with the accounts of a non-empty ``plan`` open again and their closure
    events removed (no validation: valid by construction)."""
    accounts = tuple(
        reopened_account(a, *plan[a.account_id]) if a.account_id in plan else a
        for a in profile.accounts
    )
    closures = tuple(c for c in profile.closures if c.account_id not in plan)
    return profile_unchecked(profile, accounts=accounts, closures=closures)


def extract_counterfactual(
    profile: CreditProfile,
    as_of: _dt.date,
    start: _dt.date,
    config: FeatureConfig = DEFAULT_CONFIG,
) -> tuple[float, ...] | None:
    """The features of the counterfactual of closure impact, or ``None`` when there are no
    closures after ``start`` to undo: ``extract(reopened_profile(profile, plan), as_of,
    config)`` to the last bit, with ``plan = reopen_plan(profile, start)``.

    The counterfactual differs from the profile only in the reopened accounts (open again at
    their last limit and balance) and their closure events (gone), so its features are
    computed in one pass over the profile as it is, reading the reopened accounts' new limit,
    balance and status from the plan: no account or profile is built. The features read from
    activity records (``FeatureSpec.needs_activity``) look at the closures themselves, so a
    profile with activity records is extracted from the built counterfactual instead.

    Example:
        >>> import datetime
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "s", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "credit_limit": 10000, "balance": 4000, "opened_on": "2020-01-01"},
        ...     {"account_id": "b", "product": "credit_card", "status": "closed",
        ...      "credit_limit": 10000, "balance": 0, "opened_on": "2020-01-01",
        ...      "closed_on": "2024-10-01"}]})
        >>> day = datetime.date(2025, 1, 1)
        >>> cf = extract_counterfactual(p, day, datetime.date(2023, 1, 1))
        >>> extract(p, day)[0], cf[0]
        (0.4, 0.2)
        >>> extract_counterfactual(p, day, datetime.date(2024, 12, 1)) is None
        True
    """
    plan = reopen_plan(profile, start, config.counterfactual_keeps_adverse)
    if not plan:
        return None
    # the report features are the same for the counterfactual (FeatureSpec.from_report)
    report = report_features(profile, as_of, config)
    if profile.activity and ACTIVITY_INDEX:
        return _extract_pass(reopened_profile(profile, plan), as_of, config, _EMPTY)[0] + report
    return _extract_pass(profile, as_of, config, plan, profile_vector=False)[0] + report


def extract_with_counterfactual(
    profile: CreditProfile,
    as_of: _dt.date,
    start: _dt.date,
    config: FeatureConfig = DEFAULT_CONFIG,
    reads: Reads = READ_ALL,
) -> tuple[tuple[float, ...], tuple[float, ...] | None]:
    """``(extract(profile, as_of, config), extract_counterfactual(profile, as_of, start,
    config))`` to the last bit, in one call (``assess``'s path): the report features
    (:data:`REPORT_INDEX`), the same for both, are computed once.

    ``reads`` (:func:`reads_of`): whether the caller reads (an optional feature, a policy v2
    feature, a report feature); a block it does not read is left ``NaN`` in both vectors,
    uncomputed (a built-in scorer whose rules or inputs read none of it: the default policy
    reads no optional feature, the version-1 policy no policy v2 or report feature)."""
    read_optional, read_policy, read_report = reads
    events = _events(profile.closures)  # one map for the plan and both passes
    plan = reopen_plan(profile, start, config.counterfactual_keeps_adverse, events)
    report = report_features(profile, as_of, config) if read_report else _NO_REPORT
    if not plan:
        feats = _extract_pass(
            profile, as_of, config, _EMPTY, read_policy, events, True, read_optional
        )[0]
        return feats + report, None
    if profile.activity and ACTIVITY_INDEX:
        feats = _extract_pass(
            profile, as_of, config, _EMPTY, read_policy, events, True, read_optional
        )[0]
        cf_profile = reopened_profile(profile, plan)
        cf = _extract_pass(
            cf_profile, as_of, config, _EMPTY, read_policy, None, True, read_optional
        )
        return feats + report, cf[0] + report
    both = _extract_pass(profile, as_of, config, plan, read_policy, events, True, read_optional)
    return both[0] + report, both[1] + report
