"""Building one synthetic subject's profile from a drawn block (:mod:`credit_closure.synth`)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from credit_closure._contract.model import (
    AccountStatus,
    ActivityKind,
    ActivityRecord,
    Attributes,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Inquiry,
    InquiryKind,
)
from credit_closure._synth.tables import (
    _CARD,
    _EMPLOYMENTS,
    _I_RISK,
    _INITIATORS,
    _IS_REV,
    _PRODUCTS,
    _PROVIDERS,
    _REASONS,
    _S_CHARGED_OFF,
    _S_CLOSED,
    _S_OPEN,
    _S_TRANSFERRED,
    _SOFT,
    _STATUSES,
    _TERMINATIONS,
    _TIERS,
    _UNIQUE_PROVIDER,
)

# ----------------------------------------------------------------------------------------
# Building one subject
# ----------------------------------------------------------------------------------------
_SOFT_KINDS = (
    InquiryKind.POST_LOAN,
    InquiryKind.SELF,
    InquiryKind.GUARANTEE_CHECK,
    InquiryKind.OTHER,
)
_PROVIDER_NAMES = tuple(tuple(name for name, _ in provs) for provs in _PROVIDERS)
_IS_REV_LIST = _IS_REV.tolist()
_ENDED = (AccountStatus.CLOSED, AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED)


def _at(base: int, days_ago: int, seconds: int) -> _dt.datetime:
    day = _dt.date.fromordinal(base - days_ago)
    return _dt.datetime(
        day.year, day.month, day.day, seconds // 3600, seconds // 60 % 60, seconds % 60
    )


def _build_subject(d: dict[str, Any], i: int, base: int, subject_id: str) -> CreditProfile:
    """Build the profile of row ``i`` of a drawn block; ``base`` is ``as_of.toordinal()``."""
    day = _dt.date.fromordinal
    n = d["n_acc"][i]
    opened = d["opened"][i]
    order = sorted(range(n), key=lambda j: (-opened[j], j))
    prod, prov, limit, balance = d["prod"][i], d["prov"][i], d["limit"][i], d["balance"][i]
    status, cdays, worst, months, run = (
        d["status"][i],
        d["cdays"][i],
        d["worst"][i],
        d["months"][i],
        d["run"][i],
    )
    event, init, reason, tkind = d["event"][i], d["init"][i], d["reason"][i], d["tkind"][i]
    bac, lac, w6 = d["bac"][i], d["limit_at_close"][i], d["w6"][i]
    inq_acc, inq_lag = d["inq_acc"][i], d["inq_lag"][i]

    accounts: list[CreditAccount] = []
    closures: list[ClosureEvent] = []
    inquiries: list[tuple[int, int, InquiryKind]] = []  # (days ago, order, kind)
    used: set[str] = set()
    open_rev: list[str] = []
    latest: tuple[int, str, int] | None = None  # (days ago, account id, initiator)
    for pos, j in enumerate(order):
        aid = f"a{pos + 1}"
        p = prod[j]
        provider = _PROVIDER_NAMES[p][prov[j]]
        if provider in used and provider in _UNIQUE_PROVIDER:
            provider = _UNIQUE_PROVIDER[provider]
        used.add(provider)
        s = status[j]
        ended = s in (_S_CLOSED, _S_CHARGED_OFF, _S_TRANSFERRED)
        closed_on = day(base - cdays[j]) if ended else None
        accounts.append(
            CreditAccount(
                account_id=aid,
                product=_PRODUCTS[p],
                status=_STATUSES[s],
                provider=provider,
                opened_on=day(base - opened[j]),
                closed_on=closed_on,
                credit_limit=int(limit[j]),
                balance=int(balance[j]),
                worst_dpd_24m=worst[j],
                months_delinquent_24m=months[j],
                max_consecutive_delinquent_24m=run[j],
            )
        )
        if ended:
            if event[j]:
                closures.append(
                    ClosureEvent(
                        account_id=aid,
                        closed_on=closed_on,
                        initiator=_INITIATORS[init[j]],
                        reason=_REASONS[reason[j]],
                        termination=_TERMINATIONS[tkind[j]],
                        balance_at_closure=int(bac[j]),
                        limit_at_closure=int(lac[j]) if lac[j] >= 0 else None,
                        worst_dpd_6m_before=w6[j] if w6[j] >= 0 else None,
                    )
                )
            if latest is None or cdays[j] < latest[0]:
                latest = (cdays[j], aid, init[j])
        elif s == _S_OPEN and _IS_REV_LIST[p]:
            open_rev.append(aid)
        if inq_acc[j]:
            kind = InquiryKind.CARD_APPROVAL if p == _CARD else InquiryKind.LOAN_APPROVAL
            inquiries.append((opened[j] + inq_lag[j], len(inquiries), kind))

    _add_bureau_inquiries(d, i, inquiries)

    activity = _activity(d, i, open_rev, latest)

    attributes = _attributes(d, i)

    return CreditProfile(
        subject_id=subject_id,
        accounts=accounts,
        closures=closures,
        inquiries=[Inquiry(on=day(base - q[0]), kind=q[2]) for q in inquiries],
        activity=[
            ActivityRecord(account_id=r[2], at=_at(base, r[0], r[1]), kind=r[3]) for r in activity
        ],
        attributes=Attributes(attributes),
    )


def _add_bureau_inquiries(
    d: dict[str, Any], i: int, inquiries: list[tuple[int, int, InquiryKind]]
) -> None:
    """Append row ``i``'s hard, burst and soft inquiries, then sort by (days ago, order)."""
    for k in range(d["n_hard"][i]):
        kind = InquiryKind.LOAN_APPROVAL if d["hard_loan"][i][k] else InquiryKind.CARD_APPROVAL
        inquiries.append((d["hard_days"][i][k], len(inquiries), kind))
    for k in range(d["n_burst"][i]):
        kind = InquiryKind.LOAN_APPROVAL if d["burst_loan"][i][k] else InquiryKind.CARD_APPROVAL
        inquiries.append((d["burst_days"][i][k], len(inquiries), kind))
    soft_days = d["soft_days"][i]
    start = 0
    for kind, cap, count in zip(_SOFT_KINDS, _SOFT, d["n_soft"][i]):
        for k in range(count):
            inquiries.append((soft_days[start + k], len(inquiries), kind))
        start += cap
    inquiries.sort()


def _activity(
    d: dict[str, Any], i: int, open_rev: list[str], latest: tuple[int, str, int] | None
) -> list[tuple[int, int, str, ActivityKind]]:
    """Row ``i``'s activity records, newest last, near its latest closure when there is one."""
    activity: list[tuple[int, int, str, ActivityKind]] = []  # (days ago, second of day, id, kind)
    secs = d["act_secs"][i]
    if open_rev:
        for k in range(d["n_act"][i]):
            aid = open_rev[int(d["act_pick"][i][k] * len(open_rev))]
            u = d["act_kind"][i][k]
            kind = (
                ActivityKind.LOGIN
                if u < 0.5
                else ActivityKind.TRANSACTION
                if u < 0.95
                else ActivityKind.LIMIT_CHANGE
            )
            activity.append((d["act_days"][i][k], secs[k], aid, kind))
    if latest is not None and latest[0] <= 365:
        c, aid, who = latest
        u = d["near"][i]
        if u[0] < (0.15 if who == _I_RISK else 0.05):
            days = max(0, c + 30 - int(u[3] * 61))
            activity.append((days, secs[0], aid, ActivityKind.CONTACT_CHANGE))
        if u[1] < 0.03:
            activity.append((max(0, c - int(u[4] * 61)), secs[1], aid, ActivityKind.REOPEN_REQUEST))
        if u[2] < 0.03:
            kind = ActivityKind.LOGIN if u[6] < 0.7 else ActivityKind.TRANSACTION
            activity.append((int(u[5] * c), secs[2], aid, kind))
    activity.sort(key=lambda r: (-r[0], r[1], r[2]))
    return activity


def _attributes(d: dict[str, Any], i: int) -> dict[str, Any]:
    """Row ``i``'s lender attributes: income (unless missing), city tier, employment, age."""
    attributes: dict[str, Any] = {}
    if not d["income_missing"][i]:
        attributes["monthly_income"] = d["income"][i]
    attributes["city_tier"] = _TIERS[d["tier"][i]]
    attributes["employment"] = _EMPLOYMENTS[d["emp"][i]]
    attributes["age"] = d["age"][i]
    return attributes
