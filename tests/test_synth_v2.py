"""Tests of the contract v2 detail of :mod:`credit_closure.synth` (``contract_version=2``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    AccountStatus,
    ClosureInitiator,
    ClosureKind,
    CreditProfile,
    InquiryKind,
    LoanClassification,
    LogisticScorer,
    assess,
)
from credit_closure._contract import V1_INITIATOR, V1_INQUIRY_KIND, V1_STATUS, history_summary
from credit_closure._synth import truth
from credit_closure.exceptions import InvalidInputError
from credit_closure.synth import SyntheticPortfolio, generate_portfolio

AS_OF = dt.date(2026, 6, 30)
LEVEL = {c: k for k, c in enumerate(LoanClassification)}

#: sha256 of the v1 output recorded on main 7cbd9b5 before contract v2 generation existed
#: (profiles as sorted-key JSON, outcomes and true probabilities; see _digest).
V1_DIGESTS = {
    (2500, 0, AS_OF): "72f0e200ceffcad1dae61f97e356253e08e6a7a122001a4f90c3803a132af4aa",
    (300, 12345, dt.date(2025, 3, 1)): (
        "1a5d7965ccabb81b4c8f61aceee82de7b2921ea4a3437f62b23fe386766ce1c7"
    ),
}


def _digest(pf: SyntheticPortfolio) -> str:
    h = hashlib.sha256()
    for p, o, t in zip(pf.profiles, pf.outcomes.tolist(), pf.true_probability.tolist()):
        h.update(json.dumps(p.to_dict(), sort_keys=True, ensure_ascii=False).encode())
        h.update(f"|{o}|{t!r}\n".encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def v1() -> SyntheticPortfolio:
    return generate_portfolio(4000, seed=5)


@pytest.fixture(scope="module")
def v2() -> SyntheticPortfolio:
    """4,000 subjects with v2 detail (the relations below are checked on them)."""
    return generate_portfolio(4000, seed=5, contract_version=2)


class TestV1Unchanged:
    @pytest.mark.parametrize(("key", "expected"), list(V1_DIGESTS.items()))
    def test_v1_output_is_byte_identical(self, key, expected):
        n, seed, as_of = key
        assert _digest(generate_portfolio(n, seed=seed, as_of=as_of)) == expected
        explicit = generate_portfolio(n, seed=seed, as_of=as_of, contract_version=1)
        assert _digest(explicit) == expected

    def test_v1_profiles_are_v1(self, v1):
        assert all(p.contract_version == 1 for p in v1.profiles)
        assert v1.contract_version == 1


class TestDeterminism:
    def test_same_seed_same_portfolio(self, v2):
        again = generate_portfolio(1200, seed=5, contract_version=2)
        assert again.profiles == v2.profiles[:1200]  # prefix-stable across blocks
        assert np.array_equal(again.outcomes, v2.outcomes[:1200])
        assert np.array_equal(again.true_probability, v2.true_probability[:1200])

    def test_other_seed_differs(self, v2):
        other = generate_portfolio(50, seed=6, contract_version=2)
        assert other.profiles != v2.profiles[:50]

    def test_bad_contract_version(self):
        for bad in (3, 0, "2", 2.0, True):
            with pytest.raises(InvalidInputError, match="contract_version"):
                generate_portfolio(10, contract_version=bad)  # type: ignore[arg-type]


class TestValidity:
    def test_profiles_are_v2_and_round_trip(self, v2):
        assert v2.contract_version == 2
        for p in v2.profiles:
            assert p.contract_version == 2
            doc = json.loads(json.dumps(p.to_dict(), ensure_ascii=False))
            assert CreditProfile.from_dict(doc) == p
            assert not p.dated_after(AS_OF)

    def test_jsonl_round_trip(self, v2, tmp_path):
        path = tmp_path / "v2.jsonl"
        small = generate_portfolio(300, seed=9, contract_version=2)
        small.to_jsonl(path)
        from credit_closure.synth import read_jsonl

        back = read_jsonl(path)
        assert back.profiles == small.profiles

    def test_every_profile_assesses_with_rules_and_logistic(self, v2):
        profiles = v2.profiles[:1500]
        scorer = LogisticScorer().fit(profiles, v2.outcomes[:1500], as_of=AS_OF)
        for p in profiles:
            assert assess(p, as_of=AS_OF).score == assess(p, as_of=AS_OF).score
            assess(p, scorer=scorer, as_of=AS_OF)

    def test_every_history_is_24_to_60_months_ending_at_as_of(self, v2):
        for p in v2.profiles:
            for a in p.accounts:
                assert 24 <= len(a.repayment_history) <= 60
                assert a.history_end == AS_OF


class TestAgreesWithV1:
    """The v2 profile of a subject is its v1 profile with detail added."""

    def test_same_subjects_and_summaries(self, v1, v2):
        for p1, p2 in zip(v1.profiles, v2.profiles):
            assert p1.subject_id == p2.subject_id
            assert len(p1.accounts) == len(p2.accounts)
            for a1, a2 in zip(p1.accounts, p2.accounts):
                assert V1_STATUS[a2.status] is a1.status
                for f in ("opened_on", "closed_on", "credit_limit", "balance", "product"):
                    assert getattr(a1, f) == getattr(a2, f)
                for f in (
                    "worst_dpd_24m",
                    "months_delinquent_24m",
                    "max_consecutive_delinquent_24m",
                ):
                    assert getattr(a1, f) == getattr(a2, f)
            for c1, c2 in zip(p1.closures, p2.closures, strict=True):
                assert V1_INITIATOR[c2.initiator] is c1.initiator
            hard1 = sum(q.is_hard for q in p1.inquiries)
            hard2 = sum(q.is_hard for q in p2.inquiries)
            assert hard1 == hard2
            v1_kinds = sorted(q.kind.value for q in p1.inquiries)
            mapped = sorted(
                V1_INQUIRY_KIND[q.kind].value
                for q in p2.inquiries
                if list(InquiryKind).index(q.kind) < 6 or q.kind is InquiryKind.FINANCING_APPROVAL
            )
            assert mapped == v1_kinds

    def test_true_probability_adds_the_v2_terms(self, v1, v2):
        for k in range(0, 4000, 97):
            extra = sum(truth._v2_terms(v2.profiles[k], AS_OF).values())
            b = v1.intercept
            expected = 1 / (
                1 + np.exp(-(np.log(v1.true_probability[k] / (1 - v1.true_probability[k])) + extra))
            )
            assert v2.true_probability[k] == pytest.approx(expected, rel=1e-9)
            assert b == v2.intercept


class TestHistories:
    def test_histories_agree_with_summaries(self, v2):
        unknown = 0
        total = 0
        for p in v2.profiles:
            for a in p.accounts:
                s = history_summary(a.repayment_history)
                total += 1
                if s.known:
                    assert s.months == a.months_delinquent_24m
                    assert s.longest_run == a.max_consecutive_delinquent_24m
                    assert s.worst_dpd() <= a.worst_dpd_24m
                else:
                    unknown += 1
                    assert s.months <= a.months_delinquent_24m <= s.months + s.unknown
        assert unknown / total < 0.01

    def test_current_overdue_matches_the_last_month(self, v2):
        for p in v2.profiles:
            for a in p.accounts:
                if a.is_closed:
                    assert a.current_overdue_periods is None
                    continue
                last = a.repayment_history[-1]
                if last in "1234567":
                    assert a.current_overdue_periods >= int(last)
                    assert a.current_overdue_amount is not None
                else:
                    assert a.current_overdue_periods == 0 and a.current_overdue_amount == 0

    def test_first_delinquency_in_the_first_delinquent_month(self, v2):
        for p in v2.profiles:
            for a in p.accounts:
                h = a.repayment_history
                idx = [k for k, ch in enumerate(h) if ch in "1234567"]
                if not idx:
                    assert a.first_delinquency_on is None
                    continue
                assert a.first_delinquency_on is not None
                assert a.opened_on <= a.first_delinquency_on <= AS_OF
                back = len(h) - 1 - idx[0]
                month = AS_OF.year * 12 + AS_OF.month - 1 - back
                got = a.first_delinquency_on.year * 12 + a.first_delinquency_on.month - 1
                assert got == month or a.first_delinquency_on == a.opened_on


class TestClassification:
    def test_classification_follows_overdue_periods(self, v2):
        for p in v2.profiles:
            for a in p.accounts:
                c = a.classification
                if a.is_closed:
                    if V1_STATUS[a.status] is AccountStatus.CHARGED_OFF:
                        assert c is LoanClassification.LOSS
                    continue
                n = a.current_overdue_periods
                floor = 0 if n == 0 else 1 if n <= 3 else 2 if n <= 6 else 3 if n <= 12 else 4
                assert LEVEL[c] in (floor, max(floor, 1))
                if n == 0 and c is not LoanClassification.NORMAL:
                    watched = a.status in (
                        AccountStatus.FROZEN,
                        AccountStatus.STOPPED,
                        AccountStatus.SUSPENDED,
                        AccountStatus.COLLATERAL_SHORTFALL,
                    ) or any(t.kind.value == "restructuring" for t in a.special_transactions)
                    assert watched


class TestRates:
    def test_bad_rate_rises_with_worst_history_status(self, v2):
        rates = []
        worst = np.array(
            [
                max(
                    (history_summary(a.repayment_history).worst_level for a in p.accounts),
                    default=0,
                )
                for p in v2.profiles
            ]
        )
        for group in ((0,), (1,), (2, 3, 4, 5, 6, 7)):
            mask = np.isin(worst, group)
            assert mask.sum() > 50
            rates.append(v2.true_probability[mask].mean())
        assert rates[0] < rates[1] < rates[2]

    def test_v2_terms_raise_the_bad_rate(self, v2):
        for name in ("public_records", "current_overdue", "guarantee_troubled"):
            has = np.array([truth._v2_terms(p, AS_OF)[name] > 0 for p in v2.profiles])
            assert 10 < has.sum() < len(has) // 2, name
            assert v2.outcomes[has].mean() > v2.outcomes[~has].mean(), name

    def test_documented_status_rates(self, v2):
        suspended = [
            a.status
            for p in v2.profiles
            for a in p.accounts
            if V1_STATUS[a.status] is AccountStatus.SUSPENDED
        ]
        charged = [
            a.status
            for p in v2.profiles
            for a in p.accounts
            if V1_STATUS[a.status] is AccountStatus.CHARGED_OFF
        ]
        assert any(s is AccountStatus.FROZEN for s in suspended)
        assert (
            0.03 < sum(s is AccountStatus.JUDICIAL_RECOVERY for s in charged) / len(charged) < 0.35
        )

    def test_public_records_rise_as_credit_worsens(self, v2):
        has = np.array([bool(p.public_records) for p in v2.profiles])
        assert 0.01 < has.mean() < 0.1
        assert v2.true_probability[has].mean() > 1.5 * v2.true_probability[~has].mean()

    def test_closure_kinds_and_platform_limit_cuts(self, v2):
        kinds = {c.kind for p in v2.profiles for c in p.closures}
        assert {
            ClosureKind.SETTLEMENT,
            ClosureKind.EARLY_SETTLEMENT,
            ClosureKind.LINE_CLOSURE,
        } <= kinds
        for p in v2.profiles:
            for c in p.closures:
                if c.kind is ClosureKind.SETTLEMENT:
                    assert c.initiator is ClosureInitiator.PAID_AS_AGREED
        cuts = 0
        for p in v2.profiles:
            for a in p.accounts:
                lh = a.limit_history
                if lh:
                    assert lh[-1].limit == a.credit_limit
                    assert list(lh) == sorted(lh, key=lambda c: c.on)
                    assert lh[0].on == a.opened_on
                    if lh[-1].initiator is ClosureInitiator.PLATFORM_POLICY and len(lh) > 1:
                        cuts += lh[-2].limit > lh[-1].limit
        assert cuts > 10

    def test_every_v2_code_family_appears(self, v2):
        kinds = {
            t.kind.value for p in v2.profiles for a in p.accounts for t in a.special_transactions
        }
        assert {"early_settlement", "restructuring", "judicial_recovery"} <= kinds
        q = {i.kind for p in v2.profiles for i in p.inquiries}
        assert {InquiryKind.FINANCING_APPROVAL, InquiryKind.PRE_INSURANCE_REVIEW} <= q
        assert any(p.guarantees for p in v2.profiles)
        assert {a.liability.value for p in v2.profiles for a in p.accounts} >= {
            "individual",
            "joint",
        }


@pytest.fixture(scope="module")
def ents():
    from credit_closure.synth import generate_enterprises

    return generate_enterprises(150, seed=3)


class TestEnterprises:
    def test_deterministic_and_valid(self, ents):
        from credit_closure import Enterprise
        from credit_closure.synth import generate_enterprises

        assert generate_enterprises(150, seed=3) == ents
        for e in ents:
            assert e.contract_version == 2
            assert Enterprise.from_dict(json.loads(json.dumps(e.to_dict()))) == e
            assert e.principals[0].role.value == "legal_representative"
            assert all(pr.role_since is not None and pr.role_since <= AS_OF for pr in e.principals)
            assert 1 <= len(e.facilities) <= 6

    def test_enterprises_assess(self, ents):
        for e in ents[:60]:
            a = assess(e, as_of=AS_OF)
            assert a.decision in ("approve", "refer", "decline")

    def test_facility_histories_agree_with_status(self, ents):
        for e in ents:
            for f in e.facilities:
                s = history_summary(f.repayment_history)
                assert f.months_delinquent_24m == s.months
                overdue = f.repayment_history[-1] in "1234567"
                assert (f.status is AccountStatus.OVERDUE) == overdue
                assert (f.current_overdue_periods > 0) == overdue

    def test_bad_arguments(self):
        from credit_closure.synth import generate_enterprises

        with pytest.raises(InvalidInputError, match="n"):
            generate_enterprises(0)
        with pytest.raises(InvalidInputError, match="n"):
            generate_enterprises(2_000_000)


@pytest.mark.parametrize(
    "as_of",
    [dt.date(2025, 3, 1), dt.date(2024, 2, 29), dt.date(1931, 1, 31), dt.date(2030, 12, 31)],
)
def test_valid_at_other_dates(as_of):
    """Month ends, leap days and the earliest dates: every profile validates and assesses."""
    pf = generate_portfolio(400, seed=as_of.day, as_of=as_of, contract_version=2)
    for p in pf.profiles:
        assert CreditProfile.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        assert not p.dated_after(as_of)
        for a in p.accounts:
            assert a.history_end == as_of
    for p in pf.profiles[:100]:
        assess(p, as_of=as_of)


@settings(max_examples=5, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    n=st.integers(1, 25),
    as_of=st.dates(dt.date(1930, 1, 1), dt.date(2100, 12, 31)),
)
def test_any_seed_and_date_gives_valid_deterministic_v2(seed, n, as_of):
    pf = generate_portfolio(n, seed=seed, as_of=as_of, contract_version=2)
    k = min(n, 3)
    assert (
        generate_portfolio(k, seed=seed, as_of=as_of, contract_version=2).profiles
        == (pf.profiles[:k])
    )
    for p in pf.profiles:
        assert CreditProfile.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        assert not p.dated_after(as_of)
