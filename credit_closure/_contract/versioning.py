"""Contract v2 bookkeeping: whether a record uses v2, the version a profile or enterprise
declares or implies, and the v2 dates an assessment date must not precede.

Used by :mod:`credit_closure._contract.model` (kept apart so that module stays small).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from credit_closure._contract.checks import Limits, Problem, _check_amount, _check_list
from credit_closure._contract.enums import (
    AccountStatus,
    ClosureInitiator,
    InquiryKind,
    ProductType,
)
from credit_closure._contract.records import (
    check_guarantees,
    check_public_records,
    has_v2_fields,
    summary_problems,
)

__all__ = [
    "CONTRACT_VERSIONS",
    "V2_ACCOUNT_FIELDS",
    "v2_fields_used",
    "account_is_v2",
    "enterprise_v2_problems",
    "settle_version",
    "v2_dated_after",
    "v2_dates",
]

#: The contract versions this library reads; documents without ``contract_version`` are v1.
CONTRACT_VERSIONS = (1, 2)

# the v2 members of v1 enums, by id(): an int set lookup, not a call of Enum.__hash__ (the
# v1 fast path of every profile runs these tests once per account, closure and inquiry)
_V2_MEMBER_IDS = frozenset(
    id(m)
    for members in (
        list(ProductType)[7:],
        list(AccountStatus)[5:],
        list(ClosureInitiator)[6:],
        list(InquiryKind)[6:],
    )
    for m in members
)
V2_ACCOUNT_FIELDS = (
    "classification",
    "liability",
    "institution_type",
    "current_overdue_amount",
    "current_overdue_periods",
    "first_delinquency_on",
    "last_payment_on",
    "repayment_history",
    "history_end",
    "overdue_amounts",
)


def account_is_v2(acc: Any) -> bool:
    """True when ``acc`` uses a v2 field or a v2 product or status."""
    ids = _V2_MEMBER_IDS
    return id(acc.product) in ids or id(acc.status) in ids or has_v2_fields(acc)


def v2_dates(profile: Any) -> list[tuple[str, _dt.date]]:
    """The v2 dates of a profile that must not be after the assessment date, with paths."""
    out: list[tuple[str, _dt.date]] = []
    for i, a in enumerate(profile.accounts):
        pre = f"accounts[{i}]"
        for name in ("first_delinquency_on", "last_payment_on", "history_end"):
            d = getattr(a, name)
            if d is not None:
                out.append((f"{pre}.{name}", d))
        for j, t in enumerate(a.special_transactions):
            out.append((f"{pre}.special_transactions[{j}].on", t.on))
        for j, c in enumerate(a.limit_history):
            out.append((f"{pre}.limit_history[{j}].on", c.on))
    for i, g in enumerate(profile.guarantees):
        if g.opened_on is not None:
            out.append((f"guarantees[{i}].opened_on", g.opened_on))
    for i, r in enumerate(profile.public_records):
        out.append((f"public_records[{i}].on", r.on))
    return out


def v2_dated_after(profile: Any, as_of: _dt.date, msg: str) -> list[Problem]:
    if profile.contract_version != 2:
        return []
    return [(path, msg) for path, d in v2_dates(profile) if d > as_of]


def settle_version(p: list[Problem], profile: Any) -> None:
    """Infer or check ``contract_version`` and, for v2, check the summaries' plausibility."""
    declared = profile.contract_version
    uses_v2 = bool(profile.guarantees or profile.public_records) or profile.currency is not None
    if not uses_v2:
        ids = _V2_MEMBER_IDS
        for a in profile.accounts:
            if id(a.product) in ids or id(a.status) in ids or has_v2_fields(a):
                uses_v2 = True
                break
        else:
            uses_v2 = any(
                ev.kind is not None or id(ev.initiator) in ids for ev in profile.closures
            ) or any(q.institution_type is not None or id(q.kind) in ids for q in profile.inquiries)
    if declared is None:
        object.__setattr__(profile, "contract_version", 2 if uses_v2 else 1)
    elif isinstance(declared, bool) or declared not in CONTRACT_VERSIONS:
        p.append(("contract_version", f"must be 1 or 2 (got {str(declared)[:40]!r})"))
        return
    elif declared == 1 and uses_v2:
        p.append(("contract_version", "is 1 but the profile uses contract v2 fields or codes"))
        return
    if profile.contract_version == 2:
        for i, a in enumerate(profile.accounts):
            if a.repayment_history is not None:
                continue  # the history's own agreement rules apply
            for path, message in summary_problems(
                a.worst_dpd_24m, a.months_delinquent_24m, a.max_consecutive_delinquent_24m
            ):
                p.append((f"accounts[{i}].{path}", message))


def enterprise_v2_problems(
    p: list[Problem], e: Any, account_cls: type[Any], principal_cls: type[Any]
) -> None:
    """Append the problems of an enterprise's v2 fields; infer or check its version."""
    fac_ok = _check_list(p, "facilities", e.facilities, account_cls, Limits.MAX_ACCOUNTS)
    if fac_ok:
        seen: set[str] = set()
        for i, a in enumerate(e.facilities):
            if a.account_id in seen:
                p.append((f"facilities[{i}].account_id", "duplicates an earlier account id"))
            seen.add(a.account_id)
    check_guarantees(p, "guarantees", e.guarantees)
    check_public_records(p, "public_records", e.public_records)
    _check_amount(p, "overdue_interest", e.overdue_interest)
    _check_amount(p, "advances", e.advances)
    uses_v2 = bool(e.facilities or e.guarantees or e.public_records) or (
        e.overdue_interest is not None or e.advances is not None
    )
    if isinstance(e.principals, tuple):
        uses_v2 = uses_v2 or any(
            isinstance(pr, principal_cls) and (pr.role_since is not None or pr.profile.is_v2)
            for pr in e.principals
        )
    declared = e.contract_version
    if declared is None:
        object.__setattr__(e, "contract_version", 2 if uses_v2 else 1)
    elif isinstance(declared, bool) or declared not in CONTRACT_VERSIONS:
        p.append(("contract_version", f"must be 1 or 2 (got {str(declared)[:40]!r})"))
    elif declared == 1 and uses_v2:
        p.append(("contract_version", "is 1 but the enterprise uses contract v2 fields or codes"))


def v2_fields_used(profile: Any) -> list[str]:
    """The paths of the contract v2 *fields* a profile uses (v2 codes in v1 fields are not
    listed: they are carried wherever the v1 field is)."""
    out: list[str] = []
    for i, a in enumerate(profile.accounts):
        for name in V2_ACCOUNT_FIELDS:
            if getattr(a, name) is not None:
                out.append(f"accounts[{i}].{name}")
        if a.special_transactions:
            out.append(f"accounts[{i}].special_transactions")
        if a.limit_history:
            out.append(f"accounts[{i}].limit_history")
    for i, c in enumerate(profile.closures):
        if c.kind is not None:
            out.append(f"closures[{i}].kind")
    for i, q in enumerate(profile.inquiries):
        if q.institution_type is not None:
            out.append(f"inquiries[{i}].institution_type")
    if profile.guarantees:
        out.append("guarantees")
    if profile.public_records:
        out.append("public_records")
    if profile.currency is not None:
        out.append("currency")
    return out
