"""The ground truth of the synthetic portfolio: the true default log-odds and the driver.

The terms are documented in :mod:`credit_closure.synth`; :func:`_generate` draws the blocks,
builds the profiles and scores each with :func:`_observable_log_odds`.
"""

from __future__ import annotations

import datetime as _dt
import gc
import math

import numpy as np
import numpy.typing as npt

from credit_closure._contract.model import (
    HARD_INQUIRY_KINDS,
    REVOLVING_PRODUCTS,
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    CreditAccount,
    CreditProfile,
    LoanClassification,
    PublicRecordStatus,
    SpecialTransactionKind,
    TerminationKind,
)
from credit_closure._synth.draws import (
    _draw_block,
    _sigmoid,
)
from credit_closure._synth.subjects import (
    _ENDED,
    _build_subject,
)
from credit_closure._synth.tables import (
    _BLOCK,
    _DAYS_PER_MONTH,
    _FIVE_YEARS,
    _SIX_MONTHS,
    _WINDOW,
    _FloatArray,
)
from credit_closure._synth.v2subjects import _build_v2
from credit_closure._synth.v2tables import _draw_v2_block

# ----------------------------------------------------------------------------------------
# The ground truth
# ----------------------------------------------------------------------------------------
_EMPLOYMENT_TERM = {
    "civil_servant": -0.3,
    "salaried": 0.0,
    "self_employed": 0.15,
    "student": 0.2,
    "other": 0.2,
}
_DEROGATORY_STATUSES = (AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED)
_DEROGATORY_TERMINATIONS = (TerminationKind.ABNORMAL, TerminationKind.BAD_DEBT)


def _is_clean_voluntary(account: CreditAccount, event: ClosureEvent | None) -> bool:
    """True for a closure that, by construction, leaves the true default probability alone.

    Status ``closed``, a closure event by the consumer with termination ``normal``, nothing owed
    at closure or now, and less than 30 DPD in the 6 months before the closure.
    """
    return (
        event is not None
        and account.status is AccountStatus.CLOSED
        and event.initiator is ClosureInitiator.CONSUMER
        and event.termination is TerminationKind.NORMAL
        and not (event.balance_at_closure or 0)
        and not (account.balance or 0)
        and (event.worst_dpd_6m_before or 0) < 30
    )


def _risk_terms(profile: CreditProfile, as_of: _dt.date) -> dict[str, float]:
    """Return each observable term of the true default log-odds (see the module docstring).

    The sum of the values, in order, is :func:`_observable_log_odds`.
    """
    events = {ev.account_id: ev for ev in profile.closures}
    bal_sum = 0.0
    lim_sum = 0.0
    maxed = False
    worst = 0
    l3l6 = False
    derog = 0
    closed_with_balance = False
    oldest = -1
    for acc in profile.accounts:
        ev = events.get(acc.account_id)
        if acc.worst_dpd_24m is not None and acc.worst_dpd_24m > worst:
            worst = acc.worst_dpd_24m
        if (acc.max_consecutive_delinquent_24m or 0) >= 3 or (acc.months_delinquent_24m or 0) >= 6:
            l3l6 = True
        if acc.opened_on is not None:
            oldest = max(oldest, (as_of - acc.opened_on).days)
        ended = acc.status in _ENDED
        if acc.status in _DEROGATORY_STATUSES or (
            ev is not None and ev.termination in _DEROGATORY_TERMINATIONS
        ):
            when = ev.closed_on if ev is not None else acc.closed_on
            if when is None or (as_of - when).days <= _FIVE_YEARS:
                derog += 1
        bal = acc.balance
        if ended and bal:
            closed_with_balance = True
        lim = acc.credit_limit
        if acc.product in REVOLVING_PRODUCTS and lim:
            if not ended or bal:
                if bal is not None:
                    bal_sum += bal
                    lim_sum += lim
                    if bal >= 0.9 * lim:
                        maxed = True
            elif _is_clean_voluntary(acc, ev):
                bal_sum += 0.0
                lim_sum += lim
    n_risk = 0
    after_delinquency = False
    for ev in profile.closures:
        if (as_of - ev.closed_on).days <= _WINDOW:
            if ev.initiator is ClosureInitiator.LENDER_RISK:
                n_risk += 1
            if (ev.worst_dpd_6m_before or 0) >= 30:
                after_delinquency = True
    hard = sum(
        1
        for q in profile.inquiries
        if q.kind in HARD_INQUIRY_KINDS and (as_of - q.on).days <= _SIX_MONTHS
    )
    u = min(bal_sum / lim_sum, 1.2) if lim_sum > 0 else 0.0
    attrs_ = profile.attributes
    income = attrs_.get("monthly_income")
    if isinstance(income, (int, float)) and not isinstance(income, bool) and income > 0:
        income_term = -0.3 * min(1.5, max(-1.5, math.log(income / 7000.0)))
    else:
        income_term = 0.15
    employment = attrs_.get("employment")
    return {
        "utilization": 1.05 * u + 0.7 * max(0.0, u - 0.7),
        "maxed_line": 0.25 if maxed else 0.0,
        "worst_dpd": (
            0.0
            if worst <= 0
            else 0.3
            if worst < 30
            else 0.65
            if worst < 60
            else 0.95
            if worst < 90
            else 1.2
        ),
        "lian3lei6": 0.5 if l3l6 else 0.0,
        "abnormal_termination_5y": 0.0 if derog == 0 else 1.0 if derog == 1 else 1.3,
        "lender_risk_closures_24m": 0.35 * min(n_risk, 2),
        "closed_with_balance": 0.3 if closed_with_balance else 0.0,
        "closure_after_delinquency": 0.3 if after_delinquency else 0.0,
        "hard_inquiries_6m": 0.085 * min(hard, 10) + (0.2 if hard > 6 else 0.0),
        "age_oldest": 0.7 * math.exp(-(oldest / _DAYS_PER_MONTH) / 36.0) if oldest >= 0 else 0.7,
        "income": income_term,
        "employment": _EMPLOYMENT_TERM.get(employment, 0.0) if isinstance(employment, str) else 0.0,
    }


def _observable_log_odds(profile: CreditProfile, as_of: _dt.date) -> float:
    """The part of the true default log-odds that the profile shows (no intercept, no ``z``)."""
    total = 0.0
    for value in _risk_terms(profile, as_of).values():
        total += value
    return total


_SERIOUS_CLASSES = (
    LoanClassification.SUBSTANDARD,
    LoanClassification.DOUBTFUL,
    LoanClassification.LOSS,
)
_RESTRUCTURE_KINDS = (SpecialTransactionKind.RESTRUCTURING, SpecialTransactionKind.EXTENSION)


def _v2_terms(profile: CreditProfile, as_of: _dt.date) -> dict[str, float]:
    """The terms the contract v2 detail adds to the true log-odds (see :mod:`credit_closure.synth`)."""
    records = [r for r in profile.public_records if (as_of - r.on).days <= _FIVE_YEARS]
    any_open = any(r.status is PublicRecordStatus.OPEN for r in records)
    troubled = any(
        g.is_outstanding and g.classification in _SERIOUS_CLASSES for g in profile.guarantees
    )
    overdue = any((a.current_overdue_periods or 0) >= 1 for a in profile.accounts)
    restructured = any(
        t.kind in _RESTRUCTURE_KINDS and (as_of - t.on).days <= _WINDOW
        for a in profile.accounts
        for t in a.special_transactions
    )
    return {
        "public_records": 0.6 if any_open else 0.25 if records else 0.0,
        "guarantee_troubled": 0.4 if troubled else 0.0,
        "current_overdue": 0.5 if overdue else 0.0,
        "restructured": 0.3 if restructured else 0.0,
    }


def _solve_intercept(score: npt.NDArray[np.float64], rate: float) -> float:
    """The ``b`` with ``mean(σ(b + score)) == rate`` (bisection; the mean is increasing in b)."""
    lo, hi = -60.0, 60.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if float(np.mean(_sigmoid(mid + score))) < rate:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return 0.5 * (lo + hi)


def _generate(
    n: int, seed: int, as_of: _dt.date, version: int = 1
) -> tuple[tuple[CreditProfile, ...], _FloatArray, _FloatArray, _FloatArray]:
    """Profiles, latent ``z``, observable log-odds and outcome uniforms of ``n`` subjects.

    The cyclic garbage collector is paused while the objects are built (they hold no cycles,
    and a collection pass over the growing heap roughly doubles the run time), then restored.
    With ``version=2`` each profile is the v1 profile with its v2 detail (drawn from the
    block's own v2 seed) and the v2 terms are added to the log-odds of the v1 profile.
    """
    base = as_of.toordinal()
    profiles: list[CreditProfile] = []
    z = np.empty(n)
    obs = np.empty(n)
    u = np.empty(n)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for block in range((n + _BLOCK - 1) // _BLOCK):
            d = _draw_block(seed, block)
            d2 = _draw_v2_block(seed, block) if version == 2 else None
            lo = block * _BLOCK
            m = min(_BLOCK, n - lo)
            z[lo : lo + m] = d["z"][:m]
            u[lo : lo + m] = d["u_out"][:m]
            for i in range(m):
                profile = _build_subject(d, i, base, f"syn-{seed}-{lo + i}")
                obs[lo + i] = _observable_log_odds(profile, as_of)
                if d2 is not None:
                    profile = _build_v2(profile, d, d2, i, as_of)
                    obs[lo + i] += sum(_v2_terms(profile, as_of).values())
                profiles.append(profile)
    finally:
        if gc_was_enabled:
            gc.enable()
    return tuple(profiles), z, obs, u
