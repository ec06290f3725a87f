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

from credit_closure import (
    CreditProfile,
    InvalidInputError,
    RuleScorer,
    assess,
    what_if,
)

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
    return CreditProfile.from_dict({"contract_version": 2, "subject_id": "s", "accounts": accounts})


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
        doc = {"contract_version": 2, "subject_id": "s", "accounts": [
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


def _acc(aid: str, product: str = "credit_card", status: str = "open", **kw: Any) -> dict[str, Any]:
    out = {"account_id": aid, "product": product, "status": status, "opened_on": "2012-01-01",
           "credit_limit": 50000, "balance": 2000}  # fmt: skip
    out.update(kw)
    return out


def _doc(*accounts: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"subject_id": "s", "accounts": list(accounts), **kw}


def _v2(*accounts: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"contract_version": 2, **_doc(*accounts, **kw)}


def _triggers(doc: dict[str, Any], scorer: RuleScorer = V2, as_of: str = DAY) -> set[str]:
    return {t.code for t in assess(doc, scorer=scorer, as_of=as_of).triggers}


def _reasons(doc: dict[str, Any], scorer: RuleScorer = V2, as_of: str = DAY) -> set[str]:
    return {r.code for r in assess(doc, scorer=scorer, as_of=as_of).reasons}


class TestItem4Retention:
    """The bad-debt clock runs from the end of the bad act; ``us`` counts 7 years from the
    first delinquency."""

    def test_header(self) -> None:
        doc = V2.policy.document
        assert doc["retention_clock"] == "end_of_bad_act"
        assert V2.policy.feature_config.retention_clock == "end_of_bad_act"
        assert [r.feature for r in V2.policy.rules if r.id == "R5"] == [
            "n_adverse_endings_retained"
        ]

    def test_unpaid_bad_debt_never_ages_out(self) -> None:
        """Charged off 7 years ago and still owing: v1 forgot it after 5 years; v2 declines."""
        old = _acc("x", status="charged_off", closed_on="2018-06-30", balance=3000)
        doc = _doc(_acc("cc"), old)
        assert "ABNORMAL_TERMINATION" not in _triggers(doc, V1)
        assert "ABNORMAL_TERMINATION" in _triggers(doc)

    def test_paid_bad_debt_ages_out_from_the_last_payment(self) -> None:
        """Written off in 2019, paid in full 2021-03-15: counted until 2026-03-15."""
        paid = _acc("x", status="charged_off", closed_on="2019-01-31", balance=0,
                    last_payment_on="2021-03-15")  # fmt: skip
        doc = _v2(_acc("cc"), paid)
        assert "ABNORMAL_TERMINATION" in _triggers(doc, as_of="2025-12-31")
        assert "ABNORMAL_TERMINATION" not in _triggers(doc, as_of="2026-03-16")

    def test_us_profile(self) -> None:
        """``RuleScorer(policy="us")``: the default rules with the us jurisdiction: 7 years
        from the first delinquency."""
        us = RuleScorer(policy="us")
        assert us.version == "default-us@" + V2.policy.version
        assert us.policy.feature_config.jurisdiction == "us"
        assert [r.id for r in us.policy.rules] == [r.id for r in V2.policy.rules]
        co = _acc("x", status="charged_off", closed_on="2019-06-30", balance=0,
                  first_delinquency_on="2019-01-01", last_payment_on="2019-01-01")  # fmt: skip
        doc = _v2(_acc("cc"), co)
        assert "ABNORMAL_TERMINATION" in _triggers(doc, us, "2025-12-31")  # 7 y: to 2026-01-01
        assert "ABNORMAL_TERMINATION" not in _triggers(doc, us, "2026-01-02")


class TestItem6FrequentClosures:
    """Closures of revolving lines, not loan settlements; never more lenient after a
    delinquent closure."""

    @staticmethod
    def _closed(aid: str, product: str, **ev: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        acc = _acc(aid, product, "closed", closed_on="2025-06-01", balance=0)
        event = {"account_id": aid, "closed_on": "2025-06-01", "initiator": "consumer",
                 "termination": "normal", "worst_dpd_6m_before": 0, **ev}  # fmt: skip
        return acc, event

    def _doc(self, *pairs: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
        return _v2(_acc("cc"), *[a for a, _ in pairs], closures=[e for _, e in pairs])

    def test_three_line_closures_refer(self) -> None:
        doc = self._doc(*(self._closed(f"h{i}", "revolving_consumer") for i in range(3)))
        assert "FREQUENT_CLOSURES_REVIEW" in _triggers(doc)

    def test_loan_settlements_do_not_count(self) -> None:
        pairs = [self._closed(f"l{i}", "installment", kind="early_settlement") for i in range(4)]
        assert "FREQUENT_CLOSURES_REVIEW" not in _triggers(self._doc(*pairs))
        assert "FREQUENT_CLOSURES_REVIEW" in _triggers(self._doc(*pairs), V1)

    def test_a_delinquent_closure_is_never_more_lenient(self) -> None:
        """Four closures, one after a 60-day delinquency: v1 stopped referring; v2 refers
        and R6 adds its points, so the file is never better off than four clean ones."""
        clean = [self._closed(f"h{i}", "revolving_consumer") for i in range(4)]
        bad = clean[:3] + [self._closed("h3", "revolving_consumer", worst_dpd_6m_before=60)]
        a_clean, a_bad = assess(self._doc(*clean), as_of=DAY), assess(self._doc(*bad), as_of=DAY)
        assert "FREQUENT_CLOSURES_REVIEW" in {t.code for t in a_bad.triggers}
        assert "FREQUENT_CLOSURES_REVIEW" not in _triggers(self._doc(*bad), V1)
        assert a_bad.score < a_clean.score
        order = {"approve": 0, "refer": 1, "decline": 2}
        assert order[a_bad.decision] >= order[a_clean.decision]


class TestItem7Inquiries:
    """Credit inquiries by reason: 担保资格审查 counts with loan and card approvals;
    post-loan and self queries never."""

    @staticmethod
    def _inq(*kinds: str) -> dict[str, Any]:
        inq = [{"on": f"2025-{m:02d}-15", "kind": k} for m, k in zip(range(7, 13), kinds)]
        inq += [{"on": f"2025-12-{d:02d}", "kind": k} for d, k in zip(range(1, 29), kinds[6:])]
        return _v2(_acc("cc"), inquiries=inq)

    def test_guarantee_checks_count(self) -> None:
        doc = self._inq(*(["loan_approval"] * 4 + ["guarantee_check"] * 3))
        assert "TOO_MANY_INQUIRIES" in _reasons(doc)
        assert "TOO_MANY_INQUIRIES" not in _reasons(doc, V1)

    def test_post_loan_and_self_never(self) -> None:
        doc = self._inq(*(["loan_approval"] * 6 + ["post_loan"] * 4 + ["self"] * 4))
        assert "TOO_MANY_INQUIRIES" not in _reasons(doc)

    def test_us_rate_shopping(self) -> None:
        """Seven loan approvals within 45 days: seven inquiries, one in the us profile."""
        inq = [{"on": f"2025-12-{d:02d}", "kind": "loan_approval"} for d in range(1, 8)]
        doc = _v2(_acc("cc"), inquiries=inq)
        assert "TOO_MANY_INQUIRIES" in _reasons(doc)
        assert "TOO_MANY_INQUIRIES" not in _reasons(doc, RuleScorer(policy="us"))


class TestItem8NoOpenRevolving:
    def test_small_deduction_with_reason(self) -> None:
        loans_only = _doc(_acc("l", "installment", balance=1000))
        a = assess(loans_only, as_of=DAY)
        assert [r.code for r in a.reasons] == ["NO_OPEN_REVOLVING"]
        assert -6 < a.score - 600 < 0 and a.decision == "approve"

    def test_frozen_line_is_not_open_revolving(self) -> None:
        doc = _v2(_acc("l", "installment", balance=1000), _acc("f", status="frozen", balance=0))
        assert "NO_OPEN_REVOLVING" in _reasons(doc)
        assert "NO_OPEN_REVOLVING" not in _reasons(_doc(_acc("cc", balance=0)))

    def test_empty_file_is_r10e_not_r2c(self) -> None:
        a = assess({"subject_id": "s"}, as_of=DAY)
        assert a.reasons == () and [t.code for t in a.triggers] == ["UNSCORABLE_FILE"]


class TestItem5Delinquency:
    """Delinquency from the history and the summaries, 连三累六 per account, closure-event
    delinquency, current overdue, classification, guarantor compensation, public records."""

    def test_lian3lei6_per_account_not_across(self) -> None:
        """Two accounts with 3 scattered 1-30-day months each: v1 summed them into 6
        cumulative months and declined; v2 counts per account and 31+ days only."""
        doc = _doc(_acc("a", worst_dpd_24m=25, months_delinquent_24m=3,
                        max_consecutive_delinquent_24m=1),
                   _acc("b", worst_dpd_24m=25, months_delinquent_24m=3,
                        max_consecutive_delinquent_24m=1))  # fmt: skip
        assert "SERIOUS_DELINQUENCY_PATTERN" in _triggers(doc, V1)
        assert assess(doc, as_of=DAY).decision == "approve"

    def test_91_days_with_unknown_months_is_three_consecutive(self) -> None:
        """A 95-day delinquency, month counts unknown: 3 consecutive monthly reports."""
        doc = _doc(_acc("a", worst_dpd_24m=95))
        assert "SERIOUS_DELINQUENCY_PATTERN" not in _triggers(doc, V1)
        a = assess(doc, as_of=DAY)
        assert a.decision == "decline" and "SERIOUS_DELINQUENCY_PATTERN" in _triggers(doc)

    def test_history_three_months_31_plus(self) -> None:
        """History ...2 3 4 (31-120 days in a row): 连三; ...1 2 3: only two months of 31+."""
        three = _v2(_acc("a", repayment_history="N" * 21 + "234", history_end=DAY))
        two = _v2(_acc("a", repayment_history="N" * 21 + "123", history_end=DAY))
        assert "SERIOUS_DELINQUENCY_PATTERN" in _triggers(three)
        assert "SERIOUS_DELINQUENCY_PATTERN" not in _triggers(two)

    def test_across_accounts_option(self) -> None:
        """The opt-in rule of docs/default-policy.md (exactly as shown there) reads
        lian3lei6_24m (across accounts)."""
        import json
        import pathlib

        page = pathlib.Path(__file__).parent.parent / "docs" / "default-policy.md"
        text = page.read_text(encoding="utf-8").split("<!-- R9x opt-in -->")[1]
        r9x = json.loads(text.split("```json")[1].split("```")[0])
        doc = dict(V2.policy.document)
        doc["rules"] = [r9x if r["id"] == "R9" else r for r in doc["rules"]]
        across = RuleScorer(doc)
        two = _doc(_acc("a", worst_dpd_24m=45, months_delinquent_24m=3,
                        max_consecutive_delinquent_24m=1),
                   _acc("b", worst_dpd_24m=45, months_delinquent_24m=3,
                        max_consecutive_delinquent_24m=1))  # fmt: skip
        assert "SERIOUS_DELINQUENCY_PATTERN" in _triggers(two, across)
        assert "SERIOUS_DELINQUENCY_PATTERN" not in _triggers(two)

    def test_closure_event_delinquency_reaches_the_level(self) -> None:
        """65 days past due recorded on a closure event: v1's delinquency level missed it."""
        doc = _doc(_acc("c"), _acc("x", "cash_loan", "closed", closed_on="2025-06-01", balance=0),
                   closures=[{"account_id": "x", "closed_on": "2025-06-01",
                              "initiator": "consumer", "worst_dpd_6m_before": 65}])  # fmt: skip
        assert "DELINQUENCY_LEVEL" in _reasons(doc)
        assert "DELINQUENCY_LEVEL" not in _reasons(doc, V1)

    def test_overdue_now_refers(self) -> None:
        doc = _v2(_acc("a", current_overdue_periods=1, current_overdue_amount=500))
        a = assess(doc, as_of=DAY)
        assert a.decision == "refer" and "OVERDUE_NOW" in _triggers(doc)
        assert "OVERDUE_NOW" in {r.code for r in a.reasons}

    def test_classification_special_mention_vs_non_performing(self) -> None:
        """关注 is a warning (-8.66), 次级 and worse non-performing (-34.62)."""
        pts = {}
        for c in ("normal", "special_mention", "substandard", "doubtful", "loss"):
            pts[c] = assess(_v2(_acc("a", classification=c)), as_of=DAY).score - 600
        assert pts["normal"] == 0
        assert pts["special_mention"] == pytest.approx(-8.6562, abs=1e-3)
        assert pts["substandard"] == pts["doubtful"] == pts["loss"]
        assert pts["loss"] == pytest.approx(-34.6247, abs=1e-3)

    def test_guarantor_compensation_refers(self) -> None:
        comp = [{"kind": "guarantor_compensation", "on": "2023-12-01", "amount": 10000}]
        doc = _v2(_acc("c"), _acc("m", "mortgage", "closed", closed_on="2024-01-01", balance=0,
                                  special_transactions=comp))  # fmt: skip
        assert "GUARANTOR_COMPENSATION" in _triggers(doc)
        assert "GUARANTOR_COMPENSATION" in _reasons(doc)

    @pytest.mark.parametrize(
        ("kind", "points"),
        [("dishonest_debtor", -43.28), ("enforcement", -23.08), ("bankruptcy", -34.62),
         ("civil_judgment", 0.0), ("tax_arrears", 0.0)],
    )  # fmt: skip
    def test_public_records(self, kind: str, points: float) -> None:
        doc = _v2(_acc("c"), public_records=[{"kind": kind, "on": "2024-05-01", "status": "open"}])
        a = assess(doc, as_of=DAY)
        assert a.score - 600 == pytest.approx(points, abs=0.01)
        assert ("PUBLIC_RECORD" in _triggers(doc)) is (points != 0)

    def test_no_public_record_declines(self) -> None:
        """Public records refer, never decline by themselves (no source gives a bright line)."""
        for rule in V2.policy.rules:
            if rule.reason == "PUBLIC_RECORD":
                assert rule.trigger_action == "refer", rule.id


class TestFrozenBalance:
    def test_last_drawable_line_beside_a_frozen_balance(self) -> None:
        """A frozen line still owing counts at its balance (fully used): closing the last
        drawable zero-balance line beside it raises utilization to 1.0, never drops it to
        NaN, so the score cannot rise (the case the first cut of ``util_revolving`` missed)."""
        from credit_closure._scoring.features import feature_dict

        doc = _v2(_acc("f", status="frozen", credit_limit=10000, balance=5000),
                  _acc("c", credit_limit=1000, balance=0))  # fmt: skip
        p = CreditProfile.from_dict(doc)
        f = feature_dict(p, AS_OF)
        assert f["util_revolving"] == pytest.approx(5000 / 6000)
        assert f["util_revolving_max_line"] == 0.0  # drawable lines only
        w = what_if(p, close="c", on=AS_OF)
        assert w.after.score < w.before.score

    def test_ended_line_without_a_limit_counts_at_its_balance(self) -> None:
        from credit_closure._scoring.features import feature_dict

        doc = _v2(_acc("x", status="closed", closed_on="2025-03-01", credit_limit=None,
                       balance=800),
                  _acc("c", credit_limit=1200, balance=0))  # fmt: skip
        f = feature_dict(CreditProfile.from_dict(doc), AS_OF)
        assert f["util_revolving"] == pytest.approx(800 / 2000)


class TestItem4Counterfactual:
    def test_bad_debt_ending_never_reopened_however_coded(self) -> None:
        """Item 4: the counterfactual of closure impact never reopens a B/G ending, whether
        the status says charged_off or a closed account's event says bad_debt (policy
        header ``counterfactual_keeps_adverse``; version 1 reopened the second)."""
        card = _acc("cc")
        as_status = _doc(card, _acc("x", status="charged_off", closed_on="2025-03-01",
                                    balance=3000))  # fmt: skip
        as_event = _doc(card, _acc("x", status="closed", closed_on="2025-03-01", balance=3000),
                        closures=[{"account_id": "x", "closed_on": "2025-03-01",
                                   "initiator": "lender_risk", "termination": "bad_debt"}])  # fmt: skip
        assert assess(as_status, as_of=DAY).closure_impact == 0.0
        assert assess(as_event, as_of=DAY).closure_impact == 0.0
        assert assess(as_event, scorer=V1, as_of=DAY).closure_impact < -50
        assert V2.policy.feature_config.counterfactual_keeps_adverse is True
