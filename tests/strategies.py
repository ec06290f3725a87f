"""Hypothesis strategies for valid profiles (hand-written: the model's cross-field rules and
non-negative amounts are not inferred from annotations)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from credit_closure import (
    AccountStatus,
    ClosureInitiator,
    ClosureReason,
    CreditAccount,
    CreditProfile,
    Inquiry,
    InquiryKind,
    ProductType,
    TerminationKind,
)
from credit_closure._contract.model import ActivityKind, ActivityRecord, ClosureEvent

AS_OF = dt.date(2025, 12, 31)
EARLIEST = dt.date(2005, 1, 1)

amounts = st.one_of(st.integers(0, 200_000), st.floats(0, 200_000, allow_nan=False))
dates = st.dates(min_value=EARLIEST, max_value=AS_OF)
recent = st.dates(min_value=dt.date(2023, 1, 1), max_value=AS_OF)


@st.composite
def accounts(draw: st.DrawFn, account_id: str) -> tuple[CreditAccount, ClosureEvent | None]:
    """One account and, when it is closed, maybe its closure event."""
    product = draw(st.sampled_from(list(ProductType)))
    status = draw(st.sampled_from(list(AccountStatus)))
    opened = draw(st.one_of(st.none(), dates))
    closed = None
    if status in (AccountStatus.CLOSED, AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED):
        lo = opened or EARLIEST
        closed = draw(st.dates(min_value=lo, max_value=AS_OF))
        if status is not AccountStatus.CLOSED and draw(st.booleans()):
            closed = None
    months = draw(st.one_of(st.none(), st.integers(0, 24)))
    consec = None if months is None else draw(st.one_of(st.none(), st.integers(0, months)))
    acc = CreditAccount(
        account_id=account_id,
        product=product,
        status=status,
        provider=draw(st.one_of(st.none(), st.sampled_from(["huabei", "jiebei", "cmb", "icbc"]))),
        opened_on=opened,
        closed_on=closed,
        credit_limit=draw(st.one_of(st.none(), amounts)),
        balance=draw(st.one_of(st.none(), amounts)),
        worst_dpd_24m=draw(st.one_of(st.none(), st.integers(0, 400))),
        months_delinquent_24m=months,
        max_consecutive_delinquent_24m=consec,
    )
    event = None
    if (
        status is not AccountStatus.OPEN
        and status is not AccountStatus.SUSPENDED
        and draw(st.booleans())
    ):
        day = (
            closed
            if closed is not None
            else draw(st.dates(min_value=opened or EARLIEST, max_value=AS_OF))
        )
        event = ClosureEvent(
            account_id=account_id,
            closed_on=day,
            initiator=draw(st.sampled_from(list(ClosureInitiator))),
            reason=draw(st.sampled_from(list(ClosureReason))),
            termination=draw(st.one_of(st.none(), st.sampled_from(list(TerminationKind)))),
            balance_at_closure=draw(st.one_of(st.none(), amounts)),
            limit_at_closure=draw(st.one_of(st.none(), amounts)),
            worst_dpd_6m_before=draw(st.one_of(st.none(), st.integers(0, 200))),
        )
    return acc, event


@st.composite
def profiles(draw: st.DrawFn, max_accounts: int = 8, activity: bool = True) -> CreditProfile:
    """A valid profile dated no later than :data:`AS_OF`."""
    n = draw(st.integers(0, max_accounts))
    pairs = [draw(accounts(f"a{i}")) for i in range(n)]
    accs = [a for a, _ in pairs]
    events = [e for _, e in pairs if e is not None]
    inquiries = draw(
        st.lists(
            st.builds(Inquiry, on=recent, kind=st.sampled_from(list(InquiryKind))), max_size=10
        )
    )
    acts = []
    if activity and accs:
        for _ in range(draw(st.integers(0, 4))):
            acc = draw(st.sampled_from(accs))
            day = draw(recent)
            at = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), 0))
            acts.append(
                ActivityRecord(
                    account_id=acc.account_id, at=at, kind=draw(st.sampled_from(list(ActivityKind)))
                )
            )
    attributes = draw(
        st.dictionaries(
            st.sampled_from(["monthly_income", "city_tier", "age", "employment"]),
            st.one_of(st.integers(0, 10**6), st.text(max_size=5)),
            max_size=4,
        )
    )
    return CreditProfile(
        subject_id=draw(st.sampled_from(["p-1", "p-2", "主体-3"])),
        accounts=accs,
        closures=events,
        inquiries=inquiries,
        activity=acts,
        attributes=attributes,
    )


def open_revolving_profile(limits: list[float], balances: list[float]) -> CreditProfile:
    """Open revolving lines with the given limits and balances."""
    accs = [
        CreditAccount(
            account_id=f"r{i}",
            product="credit_card",
            status="open",
            opened_on="2015-01-01",
            credit_limit=lim,
            balance=bal,
        )
        for i, (lim, bal) in enumerate(zip(limits, balances))
    ]
    return CreditProfile(subject_id="s", accounts=accs)


def two_rules_on_one_feature_policy() -> dict:
    """The default policy plus a rule X1 on util_total, the feature R2 already uses, with its
    own reason code (for the factor-cache regression tests)."""
    import json

    from credit_closure._scoring.rules import _DEFAULT_POLICY_FILE

    with open(_DEFAULT_POLICY_FILE, encoding="utf-8") as fh:
        doc = json.load(fh)
    doc["name"] = "dup"
    doc["rules"].append(
        {
            "id": "X1",
            "title": "x",
            "feature": "util_total",
            "direction": "at_least",
            "reason": "CLOSED_WITH_BALANCE",
            "steps": [{"threshold": 0.1, "log_odds": 2.0}],
        }
    )
    return doc
