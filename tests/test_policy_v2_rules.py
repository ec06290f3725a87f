"""Default policy v2, the rules on the issue-15 features (items 1, 4, 5, 6, 7, 8).

Each numbered behaviour of the issue has a test here; item 1 has a hypothesis property
(closing any single zero-balance line never raises the score, for any file).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import AS_OF, profiles, v2_profiles

from credit_closure import CreditProfile, InvalidInputError, RuleScorer, assess, what_if

V1 = RuleScorer(policy="v1")
V2 = RuleScorer()
DAY = "2025-12-31"

_REVOLVING = ["credit_card", "revolving_consumer", "cash_loan"]
_STATUSES = ["open", "open", "open", "suspended", "frozen", "stopped", "closed", "charged_off"]


@st.composite
def revolving_files(draw: st.DrawFn) -> CreditProfile:
    """Files of revolving lines where utilization's edge cases live: the last open line,
    closed lines still owing, frozen and stopped lines, zero balances."""
    n = draw(st.integers(1, 5))
    accounts = []
    for i in range(n):
        status = draw(st.sampled_from(_STATUSES))
        acc: dict[str, Any] = {
            "account_id": f"r{i}",
            "product": draw(st.sampled_from(_REVOLVING)),
            "status": status,
            "opened_on": draw(st.dates(dt.date(2008, 1, 1), dt.date(2023, 1, 1))).isoformat(),
            "credit_limit": draw(st.sampled_from([None, 0, 1000, 5000, 20000, 80000])),
            "balance": draw(st.sampled_from([0, 0, 0, 100, 900, 4000, 30000])),
        }
        if status in ("closed", "charged_off"):
            acc["closed_on"] = draw(st.dates(dt.date(2023, 2, 1), dt.date(2025, 12, 1))).isoformat()
        accounts.append(acc)
    if draw(st.booleans()):
        accounts.append({"account_id": "l", "product": "installment", "status": "open",
                         "opened_on": "2015-01-01", "credit_limit": 30000,
                         "balance": draw(st.sampled_from([0, 5000]))})  # fmt: skip
    return CreditProfile.from_dict({"subject_id": "s", "accounts": accounts})


def _zero_balance_closable(p: CreditProfile) -> list[str]:
    return [
        a.account_id
        for a in p.accounts
        if a.status.value in ("open", "suspended", "frozen", "stopped") and a.balance == 0
    ]


def _close_never_raises(p: CreditProfile, account_id: str) -> None:
    try:
        w = what_if(p, close=account_id, on=AS_OF)
    except InvalidInputError:  # not closable in the contract (a status what_if refuses)
        return
    assert w.after.score <= w.before.score, (account_id, w.delta, [m.code for m in w.moved])


class TestItem1Utilization:
    """One continuous utilization (``util_revolving``): closing a zero-balance line never
    raises the score."""

    def test_rules_read_util_revolving(self) -> None:
        feats = {r.id: r.feature for r in V2.policy.rules}
        assert feats["R2"] == "util_revolving" and feats["R2b"] == "util_revolving_max_line"

    def test_no_jump_when_the_last_open_line_closes(self) -> None:
        """A written-off card still owing 900 of a 10,000 limit and a paid-off 1,000 card:
        version 1 read 90 % utilization, then 9 % once the small card closed (+28.85
        points); version 2 reads 900 / 11,000 then 900 / 10,000, and closing never helps."""
        doc = {"subject_id": "s", "accounts": [
            {"account_id": "old", "product": "credit_card", "status": "charged_off",
             "opened_on": "2015-01-01", "closed_on": "2024-01-01", "credit_limit": 10000,
             "balance": 900},
            {"account_id": "small", "product": "credit_card", "status": "open",
             "opened_on": "2016-01-01", "credit_limit": 1000, "balance": 0}]}  # fmt: skip
        p = CreditProfile.from_dict(doc)
        assert what_if(p, close="small", on=DAY, scorer=V1).delta > 20
        w = what_if(p, close="small", on=DAY)
        assert w.delta <= 0

    def test_frozen_limit_does_not_relieve(self) -> None:
        """A frozen (冻结) or stopped line's limit does not lower utilization (item 8)."""
        doc = {"subject_id": "s", "accounts": [
            {"account_id": "a", "product": "credit_card", "status": "open",
             "opened_on": "2015-01-01", "credit_limit": 10000, "balance": 8000},
            {"account_id": "b", "product": "credit_card", "status": "frozen",
             "opened_on": "2015-01-01", "credit_limit": 90000, "balance": 0}]}  # fmt: skip
        a = assess(doc, as_of=DAY)
        assert {r.code for r in a.reasons} >= {"UTILIZATION_HIGH"}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(revolving_files(), st.data())
    def test_closing_a_zero_balance_line_never_raises_the_score(
        self, p: CreditProfile, data: st.DataObject
    ) -> None:
        ids = _zero_balance_closable(p)
        if ids:
            _close_never_raises(p, data.draw(st.sampled_from(ids)))

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(profiles(activity=False), v2_profiles()), st.data())
    def test_property_on_any_file(self, p: CreditProfile, data: st.DataObject) -> None:
        ids = _zero_balance_closable(p)
        if ids:
            _close_never_raises(p, data.draw(st.sampled_from(ids)))
