"""The shared feature extractor: known answers, windows and invariants."""

from __future__ import annotations

import datetime as dt
import math
import random

from hypothesis import given
from hypothesis import strategies as st
from strategies import AS_OF, open_revolving_profile, profiles

from credit_closure import CreditProfile
from credit_closure._scoring import (
    FEATURE_NAMES,
    FEATURE_REASON,
    FEATURES,
    REASONS,
    extract,
    feature_dict,
    months_before,
)

AS = dt.date(2025, 12, 31)


def feats(doc: dict, as_of: dt.date = AS) -> dict[str, float]:
    return feature_dict(CreditProfile.from_dict(doc), as_of)


def nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


class TestCatalog:
    """Every feature is documented and explained by a known reason code."""

    def test_names_unique_and_documented(self) -> None:
        """Feature names are unique and each has unit, window, direction, source."""
        assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES) == len(FEATURES)
        for f in FEATURES:
            assert f.unit and f.window and f.direction in ("up", "down", "?") and f.source

    def test_every_feature_has_a_reason(self) -> None:
        """Each feature maps to a reason code present in the catalog."""
        assert set(FEATURE_REASON) == set(FEATURE_NAMES)
        assert all(code in REASONS for code in FEATURE_REASON.values())

    def test_every_reason_has_both_languages(self) -> None:
        """No reason code lacks English or Chinese text."""
        for code, text in REASONS.items():
            assert text.en.strip() and text.zh.strip(), code


class TestKnownAnswers:
    """Hand-computed feature values."""

    def test_empty_profile(self) -> None:
        """A profile with nothing on file: counts 0, ratios and ages unknown."""
        f = feats({"subject_id": "s"})
        assert f["hard_inquiries_6m"] == 0.0 and f["n_open_accounts"] == 0.0
        for name in (
            "util_total",
            "util_max_line",
            "age_oldest_months",
            "closed_share",
            "max_dpd_24m",
            "lian3lei6_24m",
            "months_since_last_closure",
        ):
            assert nan(f[name]), name

    def test_utilization_after_closure(self) -> None:
        """Closing a paid-off line removes its limit; F3 measures the rise (FICO-BLOG-CLOSE)."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "hb",
                        "product": "revolving_consumer",
                        "status": "closed",
                        "opened_on": "2019-01-01",
                        "closed_on": "2025-06-30",
                        "credit_limit": 20000,
                        "balance": 0,
                    },
                    {
                        "account_id": "cc",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2016-01-01",
                        "credit_limit": 10000,
                        "balance": 4000,
                    },
                ],
            }
        )
        assert f["util_total"] == 0.4
        assert f["util_delta_closure"] == 0.4 - 4000 / 30000
        assert f["lost_limit_share_12m"] == 20000 / 30000
        assert f["closed_with_balance_amt"] == 0.0
        assert f["closed_share"] == 0.5

    def test_closed_with_balance_still_counts(self) -> None:
        """A closed line's balance still counts, but its limit does not relieve (SOC-PAPERNO)."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "jb",
                        "product": "cash_loan",
                        "status": "closed",
                        "closed_on": "2025-08-01",
                        "credit_limit": 10000,
                        "balance": 5000,
                    },
                    {
                        "account_id": "cc",
                        "product": "credit_card",
                        "status": "open",
                        "credit_limit": 10000,
                        "balance": 1000,
                    },
                ],
            }
        )
        assert f["util_total"] == 6000 / 10000
        assert f["util_max_line"] == 0.5
        assert f["closed_with_balance_amt"] == 5000
        assert f["util_delta_closure"] == 0.0

    def test_balance_at_closure_used_when_balance_unknown(self) -> None:
        """Without a current balance, the balance at closure is the last known amount owed."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "credit_card",
                        "status": "closed",
                        "closed_on": "2025-08-01",
                        "credit_limit": 8000,
                    }
                ],
                "closures": [
                    {"account_id": "a", "closed_on": "2025-08-01", "balance_at_closure": 2000}
                ],
            }
        )
        assert f["closed_with_balance_amt"] == 2000 and f["util_total"] == 0.25

    def test_closure_counts_and_windows(self) -> None:
        """Consumer/lender closures counted in 12 and 24 month windows."""

        def acc(i: str, d: str) -> dict:
            return {
                "account_id": i,
                "product": "credit_card",
                "status": "closed",
                "closed_on": d,
            }

        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    acc("a", "2025-06-01"),
                    acc("b", "2024-06-01"),
                    acc("c", "2023-06-01"),
                    acc("d", "2025-12-31"),
                    acc("e", "2024-12-31"),
                ],
                "closures": [
                    {"account_id": "a", "closed_on": "2025-06-01", "initiator": "consumer"},
                    {"account_id": "b", "closed_on": "2024-06-01", "initiator": "lender_risk"},
                    {"account_id": "c", "closed_on": "2023-06-01", "initiator": "consumer"},
                    {
                        "account_id": "d",
                        "closed_on": "2025-12-31",
                        "initiator": "platform_policy",
                        "reason": "lender_risk_control",
                    },
                    {"account_id": "e", "closed_on": "2024-12-31", "initiator": "consumer"},
                ],
            }
        )
        assert f["n_consumer_closures_12m"] == 1  # 2024-12-31 is exactly 12 months back: outside
        assert f["n_consumer_closures_24m"] == 2
        assert f["n_lender_closures_12m"] == 1 and f["n_lender_closures_24m"] == 2
        assert f["n_lender_risk_closures_24m"] == 2
        assert f["months_since_last_closure"] == 0.0

    def test_abnormal_terminations_within_retention(self) -> None:
        """G/B terminations and charge-offs count inside 60 months, not before (ZX-TIAOLI Art.16)."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "old",
                        "product": "installment",
                        "status": "closed",
                        "closed_on": "2019-01-01",
                    },
                    {
                        "account_id": "new",
                        "product": "installment",
                        "status": "closed",
                        "closed_on": "2022-01-01",
                    },
                    {"account_id": "co", "product": "credit_card", "status": "charged_off"},
                    {
                        "account_id": "tr",
                        "product": "credit_card",
                        "status": "transferred",
                        "closed_on": "2018-01-01",
                    },
                ],
                "closures": [
                    {"account_id": "old", "closed_on": "2019-01-01", "termination": "bad_debt"},
                    {"account_id": "new", "closed_on": "2022-01-01", "termination": "abnormal"},
                ],
            }
        )
        assert f["n_abnormal_terminations"] == 2  # "new" and the undated charge-off

    def test_dpd_before_closure_and_proxy(self) -> None:
        """30+ DPD before a closure flags F8; unknown gives NaN; the account's DPD is the proxy."""
        base = {
            "subject_id": "s",
            "accounts": [
                {
                    "account_id": "a",
                    "product": "credit_card",
                    "status": "closed",
                    "closed_on": "2025-03-01",
                }
            ],
        }
        assert nan(feats(base)["dpd_before_closure"])
        base["accounts"][0]["worst_dpd_24m"] = 45
        assert feats(base)["dpd_before_closure"] == 1.0
        base["closures"] = [
            {"account_id": "a", "closed_on": "2025-03-01", "worst_dpd_6m_before": 0}
        ]
        assert feats(base)["dpd_before_closure"] == 0.0

    def test_lian3lei6(self) -> None:
        """3 consecutive on one account, or 6 cumulative across accounts (LKL-4084)."""

        def mk(m: int, c: int) -> dict:
            return {
                "account_id": f"a{m}{c}",
                "product": "credit_card",
                "status": "open",
                "months_delinquent_24m": m,
                "max_consecutive_delinquent_24m": c,
            }

        assert feats({"subject_id": "s", "accounts": [mk(3, 3)]})["lian3lei6_24m"] == 1.0
        assert feats({"subject_id": "s", "accounts": [mk(2, 1), mk(2, 2)]})["lian3lei6_24m"] == 0.0
        assert feats({"subject_id": "s", "accounts": [mk(3, 1), mk(3, 2)]})["lian3lei6_24m"] == 1.0

    def test_inquiry_windows(self) -> None:
        """Hard inquiries counted in 3/6/12 months; self and post-loan queries are not hard."""
        q = [
            {"on": d, "kind": k}
            for d, k in [
                ("2025-12-01", "loan_approval"),
                ("2025-09-15", "card_approval"),
                ("2025-03-01", "loan_approval"),
                ("2024-06-01", "loan_approval"),
                ("2025-12-30", "self"),
                ("2025-12-30", "post_loan"),
            ]
        ]
        f = feats({"subject_id": "s", "inquiries": q})
        assert (f["hard_inquiries_3m"], f["hard_inquiries_6m"], f["hard_inquiries_12m"]) == (
            1,
            2,
            3,
        )

    def test_ages_with_and_without_closed(self) -> None:
        """Age of history counts closed accounts; the open-only variant does not (CC-AGE)."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "old",
                        "product": "credit_card",
                        "status": "closed",
                        "opened_on": "2005-12-31",
                        "closed_on": "2020-01-01",
                    },
                    {
                        "account_id": "new",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2023-12-31",
                    },
                ],
            }
        )
        assert round(f["age_oldest_months"]) == 240
        assert round(f["age_avg_months_open_only"]) == 24
        assert round(f["age_avg_months_incl_closed"]) == 132

    def test_security_features(self) -> None:
        """Contact change near closure, reopen request and post-closure login are counted."""
        f = feats(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "revolving_consumer",
                        "status": "closed",
                        "closed_on": "2025-09-01",
                    }
                ],
                "activity": [
                    {"account_id": "a", "at": "2025-08-20T09:00:00", "kind": "contact_change"},
                    {"account_id": "a", "at": "2025-10-01T09:00:00", "kind": "reopen_request"},
                    {"account_id": "a", "at": "2025-10-02T09:00:00", "kind": "login"},
                ],
            }
        )
        assert (
            f["contact_change_near_closure"],
            f["reopen_requests"],
            f["post_closure_activity"],
        ) == (1, 1, 1)


class TestInvariants:
    """Properties of the extractor."""

    @given(profiles())
    def test_order_invariant_bitwise(self, profile: CreditProfile) -> None:
        """Shuffling accounts, closures, inquiries and activity changes no bit."""
        rnd = random.Random(7)
        shuffled = CreditProfile(
            subject_id=profile.subject_id,
            accounts=rnd.sample(profile.accounts, len(profile.accounts)),
            closures=rnd.sample(profile.closures, len(profile.closures)),
            inquiries=rnd.sample(profile.inquiries, len(profile.inquiries)),
            activity=rnd.sample(profile.activity, len(profile.activity)),
            attributes=profile.attributes,
        )
        a, b = extract(profile, AS_OF), extract(shuffled, AS_OF)
        assert [x.hex() for x in a] == [x.hex() for x in b]

    @given(profiles())
    def test_counts_non_negative_and_ratios_bounded(self, profile: CreditProfile) -> None:
        """Counts are >= 0, shares within [0, 1], flags 0/1 (or NaN when unknown)."""
        f = feature_dict(profile, AS_OF)
        for spec in FEATURES:
            v = f[spec.name]
            if nan(v):
                continue
            if spec.unit in ("count", "months", "days", "currency"):
                assert v >= 0, spec.name
            if spec.unit == "flag":
                assert v in (0.0, 1.0), spec.name
        for name in ("lost_limit_share_12m", "closed_share"):
            assert nan(f[name]) or 0 <= f[name] <= 1

    @given(
        st.lists(st.tuples(st.integers(1, 50_000), st.integers(0, 60_000)), min_size=1, max_size=5),
        st.integers(0, 4),
        st.integers(1, 10_000),
    )
    def test_more_balance_never_lowers_utilization(self, lines, i, extra) -> None:
        """Adding balance to a line never lowers util_total or util_max_line."""
        lims = [float(lim) for lim, _ in lines]
        bals = [float(min(b, 10 * lim)) for lim, b in lines]
        before = feature_dict(open_revolving_profile(lims, bals), AS_OF)
        bals[i % len(bals)] += extra
        after = feature_dict(open_revolving_profile(lims, bals), AS_OF)
        assert after["util_total"] >= before["util_total"]
        assert after["util_max_line"] >= before["util_max_line"]


class TestMonthsBefore:
    """Calendar month arithmetic used by the windows."""

    def test_clamps_month_end(self) -> None:
        """31 March minus one month is 28 (or 29) February."""
        assert months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
        assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
        assert months_before(dt.date(2025, 1, 15), 24) == dt.date(2023, 1, 15)
        assert months_before(dt.date(2025, 12, 31), 60) == dt.date(2020, 12, 31)
