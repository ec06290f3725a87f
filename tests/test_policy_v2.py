"""Default policy v2 (issue 15): properties and cases of the items done so far.

Version 1 is pinned by name (``RuleScorer(policy="v1")``) where a test compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from strategies import AS_OF, profiles

from credit_closure import CreditProfile, RuleScorer, assess
from credit_closure._scoring.features import FEATURES, feature_dict
from credit_closure.exceptions import PolicyError

V1 = RuleScorer(policy="v1")
V2 = RuleScorer()
ACTIVITY_FEATURES = {f.name for f in FEATURES if f.needs_activity}


class TestBundledPolicies:
    def test_names(self) -> None:
        """``v2`` and ``default`` are the default policy; ``v1`` the one before it."""
        assert RuleScorer(policy="v2").version == RuleScorer(policy="default").version
        assert V2.version == "default@2026.12.0" and V1.version == "default@2026.11.0"
        assert [r.id for r in V1.policy.rules].count("R8") == 1

    def test_unknown_name(self) -> None:
        """An unknown name is a PolicyError naming the bundled ones."""
        with pytest.raises(PolicyError, match="v1, v2"):
            RuleScorer(policy="v3")

    def test_every_rule_documented(self) -> None:
        """Every rule keeps a rationale and source keys."""
        for r in V2.explain_policy():
            assert r["rationale"] and r["sources"], r["id"]


class TestNoClosureCredit:
    """Item 2: the default policy never gives a closure (or anything else) a credit."""

    def test_no_negative_log_odds(self) -> None:
        for rule in V2.policy.rules:
            assert all(lo >= 0 for lo in rule.log_odds), rule.id

    @settings(max_examples=60, deadline=None)
    @given(profiles(activity=False))
    def test_score_never_above_base(self, profile: CreditProfile) -> None:
        """With no credit in the policy, no profile scores above the base score, so no
        closure can earn points of its own."""
        a = assess(profile, as_of=AS_OF)
        assert a.score <= 600.0


class TestThinFiles:
    """Item 8 (first part): unscorable and thin files are referred with their own trigger,
    never approved at the base score."""

    def test_empty_file_is_unscorable(self) -> None:
        a = assess({"subject_id": "s"}, as_of="2025-01-01")
        assert (a.decision, [t.code for t in a.triggers]) == ("refer", ["UNSCORABLE_FILE"])
        assert assess({"subject_id": "s"}, scorer=V1, as_of="2025-01-01").decision == "approve"

    def test_closed_accounts_without_dates_are_unscorable(self) -> None:
        acc = {"account_id": "a", "product": "cash_loan", "status": "closed", "balance": 0,
               "closed_on": "2020-01-01"}  # fmt: skip
        a = assess({"subject_id": "s", "accounts": [acc]}, as_of="2025-01-01")
        assert "UNSCORABLE_FILE" in {t.code for t in a.triggers}

    def test_thin_file(self) -> None:
        """A 3-month-old single card: referred as thin (R10d's points still apply); at 6
        months it is no longer thin."""
        acc = {"account_id": "a", "product": "credit_card", "status": "open",
               "opened_on": "2024-10-01", "credit_limit": 10000, "balance": 500}  # fmt: skip
        a = assess({"subject_id": "s", "accounts": [acc]}, as_of="2025-01-01")
        assert a.decision == "refer" and [t.code for t in a.triggers] == ["THIN_FILE"]
        assert [r.code for r in a.reasons] == ["SHORT_CREDIT_HISTORY"]
        later = assess({"subject_id": "s", "accounts": [acc]}, as_of="2025-04-15")
        assert "THIN_FILE" not in {t.code for t in later.triggers}

    def test_an_open_account_of_unknown_age_is_scorable(self) -> None:
        acc = {"account_id": "a", "product": "credit_card", "status": "open",
               "credit_limit": 10000, "balance": 500}  # fmt: skip
        a = assess({"subject_id": "s", "accounts": [acc]}, as_of="2025-01-01")
        assert a.triggers == () and a.decision == "approve"


class TestSecurity:
    """Item 9: refer for a contact change near a closure completed by a transaction or a
    reopen request inside the look-back of ``as_of``; a login alone is an alert only; the
    score never moves."""

    @staticmethod
    def _doc(*activity: tuple[str, str]) -> dict[str, Any]:
        return {
            "subject_id": "s",
            "accounts": [
                {"account_id": "hb", "product": "revolving_consumer", "status": "closed",
                 "opened_on": "2018-01-01", "closed_on": "2025-03-01", "credit_limit": 10000,
                 "balance": 0, "worst_dpd_24m": 0},
                {"account_id": "cc", "product": "credit_card", "status": "open",
                 "opened_on": "2012-01-01", "credit_limit": 50000, "balance": 2000,
                 "worst_dpd_24m": 0},
            ],
            "activity": [{"account_id": "hb", "at": at, "kind": kind} for at, kind in activity],
        }  # fmt: skip

    def _codes(self, doc: dict[str, Any], as_of: str, scorer: RuleScorer = V2) -> set[str]:
        return {t.code for t in assess(doc, scorer=scorer, as_of=as_of).triggers}

    def test_login_alone_alerts_only(self) -> None:
        """A login after a contact change: an alert, no referral (v1 referred it)."""
        doc = self._doc(("2025-03-10T10:00:00", "contact_change"), ("2025-06-01T10:00:00", "login"))
        a = assess(doc, as_of="2025-08-31")
        assert a.decision == "approve" and self._codes(doc, "2025-08-31") == {"SECURITY_ALERT"}
        assert "SECURITY_VERIFICATION" in self._codes(doc, "2025-08-31", V1)

    @pytest.mark.parametrize("kind", ["transaction", "reopen_request"])
    def test_completing_record_refers(self, kind: str) -> None:
        doc = self._doc(("2025-03-10T10:00:00", "contact_change"), ("2025-06-01T10:00:00", kind))
        a = assess(doc, as_of="2025-10-31")
        assert a.decision == "refer" and "SECURITY_VERIFICATION" in self._codes(doc, "2025-10-31")

    def test_lookback_applies_to_the_completing_record(self) -> None:
        """An old contact change (outside the 180-day look-back) with a recent reopen request
        is referred (v1 missed it); a reopen request outside the look-back is not."""
        doc = self._doc(
            ("2025-03-10T10:00:00", "contact_change"), ("2025-12-01T10:00:00", "reopen_request")
        )
        assert "SECURITY_VERIFICATION" in self._codes(doc, "2025-12-31")
        assert "SECURITY_VERIFICATION" not in self._codes(doc, "2025-12-31", V1)
        assert "SECURITY_VERIFICATION" not in self._codes(doc, "2026-07-01")

    def test_contact_change_far_from_closure_or_after_the_activity(self) -> None:
        """The change must be within 30 days of a closure and come first."""
        far = self._doc(
            ("2024-06-10T10:00:00", "contact_change"), ("2025-06-01T10:00:00", "transaction")
        )
        assert "SECURITY_VERIFICATION" not in self._codes(far, "2025-10-31")
        late = self._doc(
            ("2025-03-20T10:00:00", "transaction"), ("2025-03-25T10:00:00", "contact_change")
        )
        assert "SECURITY_VERIFICATION" not in self._codes(late, "2025-10-31")

    def test_example_07_still_referred(self) -> None:
        """examples/profiles/07: contact change, then a reopen request: still referred."""
        import json
        import pathlib

        path = (
            pathlib.Path(__file__).parent.parent
            / "examples/profiles/07_security_contact_change.json"
        )
        doc = json.loads(path.read_text(encoding="utf-8"))
        a = assess(doc, as_of="2026-01-01")
        assert a.decision == "refer" and a.score == 600.0

    def test_no_rule_scores_security(self) -> None:
        """Every rule on a security feature, or conditioned on one, adds no points."""
        for rule in V2.policy.rules:
            if rule.feature in ACTIVITY_FEATURES:
                assert set(rule.log_odds) == {0.0}, rule.id

    @settings(max_examples=80, deadline=None)
    @given(profiles())
    def test_security_never_moves_the_score(self, profile: CreditProfile) -> None:
        """Property: the activity records change triggers at most, never the score, the
        probability of default, the band or the reasons."""
        bare = attrs.evolve(profile, activity=())
        a, b = assess(profile, as_of=AS_OF), assess(bare, as_of=AS_OF)
        assert a.score == b.score and a.probability_of_default == b.probability_of_default
        assert a.band == b.band and a.reasons == b.reasons
        assert feature_dict(bare, AS_OF)["security_verification"] == 0.0

    def test_feature_dates(self) -> None:
        """The feature reads the record completing the pattern, dated after the look-back."""
        doc = self._doc(
            ("2025-03-10T10:00:00", "contact_change"), ("2025-06-01T10:00:00", "transaction")
        )
        p = CreditProfile.from_dict(doc)
        assert feature_dict(p, dt.date(2025, 10, 31))["security_verification"] == 1.0
        # 180 days: inside at 2025-11-27 (look-back starts 2025-05-31), out the day after
        assert feature_dict(p, dt.date(2025, 11, 27))["security_verification"] == 1.0
        assert feature_dict(p, dt.date(2025, 11, 28))["security_verification"] == 0.0


class TestCompanies:
    """Item 10: current overdue of the legal representative or a major principal gates the
    company (refer); a minor shareholder's does not; the gate can be switched off."""

    @staticmethod
    def _ent(
        overdue: dict[str, Any], role: str = "legal_representative", stake: Any = None
    ) -> dict[str, Any]:
        acc = {
            "account_id": "l1",
            "product": "cash_loan",
            "status": "open",
            "opened_on": "2015-01-01",
            "balance": 20000,
            "worst_dpd_24m": 0,
            **overdue,
        }
        person = {"contract_version": 2, "subject_id": "p1", "accounts": [acc]}
        principal: dict[str, Any] = {"role": role, "profile": person}
        if stake is not None:
            principal["stake"] = stake
        return {"contract_version": 2, "enterprise_id": "e1", "principals": [principal]}  # fmt: skip

    def _gates(self, doc: dict[str, Any], **policy: Any) -> list[tuple[str, str]]:
        from credit_closure import Enterprise, EnterprisePolicy

        ea = EnterprisePolicy(**policy).assess(Enterprise.from_dict(doc), as_of="2026-01-01")
        return [(g.code, g.action) for g in ea.gates]

    def test_legal_rep_overdue_refers(self) -> None:
        doc = self._ent({"current_overdue_amount": 1200})
        assert self._gates(doc) == [("CURRENT_OVERDUE", "refer")]
        assert self._gates(self._ent({"current_overdue_periods": 2})) == [
            ("CURRENT_OVERDUE", "refer")
        ]
        assert self._gates(doc, overdue_gate=False) == []

    def test_no_overdue_or_minor_shareholder(self) -> None:
        assert self._gates(self._ent({"current_overdue_amount": 0})) == []
        minor = self._ent({"current_overdue_amount": 500}, role="shareholder", stake=0.05)
        assert self._gates(minor) == []
        major = self._ent({"current_overdue_amount": 500}, role="shareholder", stake=0.3)
        assert self._gates(major) == [("CURRENT_OVERDUE", "refer")]

    def test_overdue_gate_setting_is_checked(self) -> None:
        from credit_closure import EnterprisePolicy
        from credit_closure.exceptions import InvalidInputError

        with pytest.raises(InvalidInputError, match="overdue_gate"):
            EnterprisePolicy(overdue_gate="yes")  # type: ignore[arg-type]
