"""The features default policy v2 reads (issue 15): hand-built cases, window edges, the
closure property of util_revolving, and the three engines (extract, numpy, compiled) agreeing
to the last bit under every retention clock and jurisdiction."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import AS_OF_DATES, scoring_profiles, v2_profiles

from credit_closure import CreditProfile
from credit_closure._columnar import compiled as _compiled
from credit_closure._columnar import compute_features, prepare_batch
from credit_closure._columnar.codes import kernel_codes, kernel_days
from credit_closure._columnar.numpy_engine import _LENDER, _REVOLVING
from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
from credit_closure._scoring.features import (
    FEATURE_INDEX,
    FEATURE_NAMES,
    FeatureConfig,
    extract,
    extract_counterfactual,
    extract_with_counterfactual,
    feature_dict,
    months_before,
    reopen_plan,
    reopened_profile,
)
from credit_closure._scoring.policy_features import POLICY_FEATURES
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.rules import RulePolicy, RuleScorer
from credit_closure.columnar import profiles_to_tables
from credit_closure.exceptions import InvalidInputError

AS_OF = dt.date(2025, 6, 30)
NAMES = [f.name for f in POLICY_FEATURES]
CONFIGS = [
    FeatureConfig(),
    FeatureConfig(retention_clock="end_of_bad_act"),
    FeatureConfig(jurisdiction="us"),
    FeatureConfig(retention_months=24, retention_clock="end_of_bad_act"),
    FeatureConfig(counterfactual_keeps_adverse=True, jurisdiction="us"),
]


def acc(aid: str, product: str = "credit_card", status: str = "open", **kw: Any) -> dict:
    return {"account_id": aid, "product": product, "status": status, **kw}


def feats(accounts: list[dict], config: FeatureConfig | None = None, **kw: Any) -> dict:
    doc = {"contract_version": 2, "subject_id": "s", "accounts": accounts, **kw}
    p = CreditProfile.from_dict(doc)
    return feature_dict(p, AS_OF, config or FeatureConfig())


def same(a: float, b: float) -> bool:
    return (a == b) or (math.isnan(a) and math.isnan(b))


# ------------------------------------------------------------------------------------------
# util_revolving
# ------------------------------------------------------------------------------------------
class TestUtilRevolving:
    def test_open_lines(self) -> None:
        f = feats(
            [acc("a", credit_limit=1000, balance=300), acc("b", credit_limit=1000, balance=0)]
        )
        assert f["util_revolving"] == 0.15
        assert f["util_revolving_max_line"] == 0.3
        assert f["no_open_revolving"] == 0.0

    def test_closed_line_with_balance_counts_as_fully_used(self) -> None:
        """An ended line still owing cannot be drawn: its balance counts over itself (its
        unused limit is no available credit), so owing on it never lowers utilization."""
        f = feats(
            [
                acc("a", credit_limit=1000, balance=100),
                acc("b", status="closed", credit_limit=1000, balance=500, closed_on="2025-01-01"),
            ]
        )
        assert f["util_revolving"] == 600 / 1500
        assert f["util_revolving_max_line"] == 0.1  # drawable lines only
        assert f["util_total"] == 0.6  # v1: the closed limit does not count

    def test_no_jump_when_the_last_open_line_closes(self) -> None:
        """The v1 util_total switches definition when no open line is left; this one does not."""
        written_off = acc(
            "w", status="closed", credit_limit=1000, balance=800, closed_on="2024-01-01"
        )
        small_open = acc("c", credit_limit=200, balance=0)
        small_closed = acc(
            "c", status="closed", credit_limit=200, balance=0, closed_on="2025-05-01"
        )
        before = feats([written_off, small_open])
        after = feats([written_off, small_closed])
        assert before["util_revolving"] == 800 / 1000
        assert after["util_revolving"] == 1.0
        assert before["util_total"] == 4.0 and after["util_total"] == 0.8  # the v1 jump

    def test_frozen_and_stopped_lines_count_at_their_balance(self) -> None:
        f = feats(
            [
                acc("a", credit_limit=1000, balance=200),
                acc("b", status="frozen", credit_limit=5000, balance=300),
                acc("c", status="stopped", credit_limit=5000, balance=0),
                acc("d", status="suspended", credit_limit=5000, balance=0),
            ]
        )
        # the frozen line owing 300 counts at its balance (fully used), its 5,000 limit and
        # the zero-balance stopped and suspended lines' limits relieve nothing
        assert f["util_revolving"] == 500 / 1300
        assert f["util_revolving_max_line"] == 0.2  # drawable lines only
        only_frozen = feats([acc("b", status="frozen", credit_limit=5000, balance=300)])
        assert only_frozen["util_revolving"] == 1.0
        assert only_frozen["no_open_revolving"] == 1.0

    def test_installments_do_not_count(self) -> None:
        f = feats([acc("l", product="installment", credit_limit=1000, balance=900)])
        assert math.isnan(f["util_revolving"])
        assert f["no_open_revolving"] == 1.0

    def test_balance_at_closure_and_limit_at_closure(self) -> None:
        p = {
            "contract_version": 2,
            "subject_id": "s",
            "accounts": [acc("b", status="closed", closed_on="2025-01-01")],
            "closures": [
                {
                    "account_id": "b",
                    "closed_on": "2025-01-01",
                    "balance_at_closure": 250,
                    "limit_at_closure": 1000,
                }
            ],
        }
        f = feature_dict(CreditProfile.from_dict(p), AS_OF)
        assert f["util_revolving"] == 1.0  # the 250 owed at closure, counted as fully used


def test_capped_at_fully_used() -> None:
    """Over the limit reads 1.0 in the aggregate (how far over shows in the max line): so
    that owing on a line that cannot be drawn never lowers it, whatever the rest owes."""
    f = feats([acc("a", credit_limit=1000, balance=1500)])
    assert f["util_revolving"] == 1.0 and f["util_revolving_max_line"] == 1.5


def _close(profile: CreditProfile, aid: str, day: dt.date) -> CreditProfile:
    doc = profile.to_dict()
    for a in doc["accounts"]:
        if a["account_id"] == aid:
            a["status"] = "closed"
            a["closed_on"] = day.isoformat()
    return CreditProfile.from_dict(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_closing_a_zero_balance_line_never_lowers_util_revolving(data: st.DataObject) -> None:
    """Issue 15 item 1, on the feature: closing any single open revolving line with nothing
    owed moves util_revolving up or leaves it (NaN only when its limit was the last one)."""
    as_of = data.draw(st.sampled_from(AS_OF_DATES))
    p = data.draw(scoring_profiles("s", as_of))
    from credit_closure._contract.enums import REVOLVING_PRODUCTS, V1_STATUS, AccountStatus

    candidates = [
        a.account_id
        for a in p.accounts
        if a.product in REVOLVING_PRODUCTS
        and V1_STATUS[a.status] is AccountStatus.OPEN
        and a.balance == 0
        and (a.opened_on is None or a.opened_on <= as_of)
    ]
    if not candidates:
        return
    aid = data.draw(st.sampled_from(candidates))
    before = feature_dict(p, as_of)["util_revolving"]
    after = feature_dict(_close(p, aid, as_of), as_of)["util_revolving"]
    assert math.isnan(after) or math.isnan(before) or after >= before
    if not math.isnan(before) and before > 0:
        assert not math.isnan(after)  # a balance with a limit keeps a limit


# ------------------------------------------------------------------------------------------
# closures
# ------------------------------------------------------------------------------------------
class TestClosureCounts:
    def _profile(self, closures: list[dict], accounts: list[dict]) -> dict:
        return feature_dict(
            CreditProfile.from_dict(
                {
                    "contract_version": 2,
                    "subject_id": "s",
                    "accounts": accounts,
                    "closures": closures,
                }
            ),
            AS_OF,
        )

    def test_settlements_and_loans_are_not_revolving_closures(self) -> None:
        accounts = [
            acc("c1", status="closed", closed_on="2025-03-01", balance=0),
            acc("c2", status="closed", closed_on="2024-03-01", balance=0),
            acc("c3", status="closed", closed_on="2025-03-01", balance=0),
            acc("l1", product="installment", status="closed", closed_on="2025-03-01"),
        ]
        closures = [
            {"account_id": "c1", "closed_on": "2025-03-01", "initiator": "lender_risk"},
            {"account_id": "c3", "closed_on": "2025-03-01", "kind": "early_settlement"},
        ]
        f = self._profile(closures, accounts)
        assert f["n_revolving_closures_12m"] == 1.0  # c1 (any initiator); c3 settled
        assert f["n_revolving_closures_24m"] == 2.0  # + c2, implied by its closed_on

    def test_window_edges(self) -> None:
        edge12 = months_before(AS_OF, 12)
        edge24 = months_before(AS_OF, 24)
        days = [edge12, edge12 + dt.timedelta(days=1), edge24, edge24 + dt.timedelta(days=1)]
        accounts = [
            acc(f"c{i}", status="closed", closed_on=d.isoformat(), balance=0)
            for i, d in enumerate(days)
        ]
        f = self._profile([], accounts)
        assert f["n_revolving_closures_12m"] == 1.0
        assert f["n_revolving_closures_24m"] == 3.0

    def test_delinquent_closures(self) -> None:
        accounts = [
            acc("c1", status="closed", closed_on="2025-03-01", balance=0, worst_dpd_24m=45),
            acc("c2", status="closed", closed_on="2025-03-01", balance=0, worst_dpd_24m=0),
            acc("c3", status="closed", closed_on="2025-03-01", balance=0),
        ]
        closures = [
            {"account_id": "c2", "closed_on": "2025-03-01", "worst_dpd_6m_before": 31},
            {"account_id": "c3", "closed_on": "2025-03-01"},
        ]
        f = self._profile(closures, accounts)
        assert f["n_delinquent_closures_24m"] == 2.0
        assert f["n_revolving_closures_24m"] == 3.0


# ------------------------------------------------------------------------------------------
# inquiries
# ------------------------------------------------------------------------------------------
class TestCreditInquiries:
    def _f(self, kinds_days: list[tuple[str, str]], config: FeatureConfig | None = None) -> dict:
        inquiries = [{"on": d, "kind": k} for k, d in kinds_days]
        return feats([acc("a", credit_limit=1, balance=0)], config, inquiries=inquiries)

    def test_kinds(self) -> None:
        kinds = [
            "loan_approval",
            "card_approval",
            "guarantee_check",
            "financing_approval",
            "post_loan",
            "self",
            "other",
            "pre_insurance_review",
            "credit_review",
        ]
        f = self._f([(k, "2025-06-01") for k in kinds])
        assert f["credit_inquiries_3m"] == 4.0
        assert f["hard_inquiries_3m"] == 3.0  # v1: no guarantee check, financing as a loan

    def test_windows(self) -> None:
        e3, e6, e12 = (months_before(AS_OF, m) for m in (3, 6, 12))
        one = dt.timedelta(days=1)
        days = [e3, e3 + one, e6, e6 + one, e12, e12 + one]
        f = self._f([("card_approval", d.isoformat()) for d in days])
        assert (f["credit_inquiries_3m"], f["credit_inquiries_6m"], f["credit_inquiries_12m"]) == (
            1.0,
            3.0,
            5.0,
        )

    def test_us_rate_shopping(self) -> None:
        runs = [
            ("loan_approval", "2025-01-01"),
            ("financing_approval", "2025-02-14"),  # day 44 of the run: merged
            ("loan_approval", "2025-02-15"),  # day 45: a new run
            ("card_approval", "2025-02-15"),  # cards are never merged
            ("card_approval", "2025-02-16"),
        ]
        cn = self._f(runs)
        us = self._f(runs, FeatureConfig(jurisdiction="us"))
        assert cn["credit_inquiries_12m"] == 5.0
        assert us["credit_inquiries_12m"] == 4.0


# ------------------------------------------------------------------------------------------
# adverse endings and retention
# ------------------------------------------------------------------------------------------
class TestRetention:
    def _f(self, config: FeatureConfig, **kw: Any) -> float:
        a = acc("b", status="charged_off", closed_on="2019-01-01", **kw)
        return feats([a], config)["n_adverse_endings_retained"]

    def test_default_is_n_adverse_endings(self) -> None:
        f = feats([acc("b", status="charged_off", closed_on="2019-01-01", balance=500)])
        assert f["n_adverse_endings_retained"] == f["n_adverse_endings"] == 0.0

    def test_end_of_bad_act(self) -> None:
        cfg = FeatureConfig(retention_clock="end_of_bad_act")
        assert self._f(cfg, balance=500) == 1.0  # unpaid: has not ended
        assert self._f(cfg, balance=0) == 0.0  # paid at write-off, 6.5 years ago
        assert self._f(cfg, balance=0, last_payment_on="2021-01-01") == 1.0  # paid later
        assert self._f(cfg) == 0.0  # balance unknown: the closing date

    def test_us_seven_years_from_first_delinquency(self) -> None:
        cfg = FeatureConfig(jurisdiction="us")
        edge = months_before(AS_OF, 84)
        assert self._f(cfg, balance=500, first_delinquency_on=edge.isoformat()) == 0.0
        after = (edge + dt.timedelta(days=1)).isoformat()
        assert self._f(cfg, balance=500, first_delinquency_on=after) == 1.0
        assert self._f(cfg, balance=500) == 1.0  # fallback: 84 months from the closing date

    def test_header_fields(self) -> None:
        doc = RuleScorer.default().policy.document
        doc = {**doc, "retention_clock": "end_of_bad_act", "jurisdiction": "us"}
        cfg = RulePolicy.from_dict(doc).feature_config
        assert (cfg.retention_clock, cfg.jurisdiction) == ("end_of_bad_act", "us")
        # the default policy v2 counts from the end of the bad act; version 1 from closed_on
        assert RuleScorer.default().policy.feature_config.retention_clock == "end_of_bad_act"
        assert RuleScorer(policy="v1").policy.feature_config.retention_clock == "closed_on"
        with pytest.raises(InvalidInputError) as e:
            RulePolicy.from_dict({**doc, "retention_clock": "never", "jurisdiction": "uk"})
        paths = {path for path, _ in e.value.problems}
        assert {"retention_clock", "jurisdiction"} <= paths


# ------------------------------------------------------------------------------------------
# worst_dpd_24m and no_open_revolving
# ------------------------------------------------------------------------------------------
class TestWorstDpd:
    def test_every_source(self) -> None:
        accounts = [
            acc("a", credit_limit=1000, balance=0, worst_dpd_24m=10),
            acc(
                "h",
                product="installment",
                repayment_history="#" * 20 + "N2NN",
                history_end="2025-06-01",
            ),
            acc("c", status="closed", closed_on="2025-01-01", balance=0),
        ]
        closures = [{"account_id": "c", "closed_on": "2025-01-01", "worst_dpd_6m_before": 95}]
        p = CreditProfile.from_dict(
            {"contract_version": 2, "subject_id": "s", "accounts": accounts, "closures": []}
        )
        assert feature_dict(p, AS_OF)["worst_dpd_24m"] == 31.0  # the history's 2 proves 31
        assert math.isnan(feature_dict(p, AS_OF)["max_dpd_24m"]) is False
        p = CreditProfile.from_dict(
            {"contract_version": 2, "subject_id": "s", "accounts": accounts, "closures": closures}
        )
        assert feature_dict(p, AS_OF)["worst_dpd_24m"] == 95.0
        assert feature_dict(p, AS_OF)["max_dpd_24m"] == 10.0  # v1 reads summaries only

    def test_unknown(self) -> None:
        assert math.isnan(feats([acc("a")])["worst_dpd_24m"])


def test_no_open_revolving_empty_file() -> None:
    assert math.isnan(feats([])["no_open_revolving"])
    assert "NO_OPEN_REVOLVING" in REASONS


def test_v1_features_unchanged_by_the_new_ones() -> None:
    """The v1 features come first, in their order; the new ones are appended."""
    assert FEATURE_NAMES[-len(NAMES) :] == tuple(NAMES) or set(NAMES) <= set(FEATURE_NAMES)
    assert FEATURE_INDEX["util_total"] == 0


# ------------------------------------------------------------------------------------------
# engines and the counterfactual
# ------------------------------------------------------------------------------------------
def _engines(profiles: list[CreditProfile], as_of: dt.date, config: FeatureConfig) -> None:
    tables = profiles_to_tables(profiles)
    prep = prepare_batch(tables["accounts"], tables["closures"], tables["inquiries"], None, as_of)
    index = {s: i for i, s in enumerate(prep.subjects)}
    profiles = [p for p in profiles if p.subject_id in index]  # an empty file has no row
    rows = [index[p.subject_id] for p in profiles]
    if not rows:
        return
    E = np.array([extract(p, as_of, config) for p in profiles])
    cols = [FEATURE_INDEX[n] for n in NAMES]
    F = compute_features(prep.acc, prep.inq, prep.n, as_of, config)[rows]
    for j, name in zip(cols, NAMES):
        assert _bits(F[:, j]) == _bits(E[:, j]), ("numpy", name)
    if _compiled.available():
        from credit_closure._columnar import kernel as K

        days = kernel_days(as_of, config.retention_months, CLOSURE_IMPACT_MONTHS)
        res = K.score_subjects(  # the counterfactual of the kernel reads config too
            prep.acc,
            prep.inq,
            prep.n,
            days,
            kernel_codes(),
            _REVOLVING,
            _LENDER,
            None,
            None,
            features=True,
            config=config,
        )
        K_f = res["features"][rows]
        for j, name in zip(cols, NAMES):
            assert _bits(K_f[:, j]) == _bits(E[:, j]), ("kernel", name)
        start = months_before(as_of, CLOSURE_IMPACT_MONTHS)
        cf_rows = res["cf_features"]
        for k, p in zip(rows, profiles):
            cf = extract_counterfactual(p, as_of, start, config)
            if cf is None:
                continue
            for j, name in zip(cols, NAMES):
                assert _bits(np.array([cf_rows[k, j]])) == _bits(np.array([cf[j]])), ("cf", name)


def _bits(a: np.ndarray) -> list[Any]:
    return [("nan" if x != x else float(x).hex()) for x in a.tolist()]


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_engines_agree_on_policy_features(config: FeatureConfig, data: st.DataObject) -> None:
    as_of = data.draw(st.sampled_from(AS_OF_DATES))
    n = data.draw(st.integers(3, 12))
    profiles = [data.draw(scoring_profiles(f"s{i}", as_of)) for i in range(n)]
    _engines(profiles, as_of, config)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(v2_profiles(max_accounts=5), min_size=1, max_size=6))
def test_engines_agree_on_v2_profiles(profiles: list[CreditProfile]) -> None:
    from strategies import AS_OF as V2_AS_OF

    profiles = [
        CreditProfile.from_dict({**p.to_dict(), "subject_id": f"s{i}"})
        for i, p in enumerate(profiles)
    ]
    for config in CONFIGS:
        _engines(profiles, V2_AS_OF, config)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_counterfactual_of_policy_features(data: st.DataObject) -> None:
    """extract_counterfactual == extract(reopened_profile) for the new features too."""
    as_of = data.draw(st.sampled_from(AS_OF_DATES))
    p = data.draw(scoring_profiles("s", as_of))
    config = data.draw(st.sampled_from(CONFIGS))
    start = months_before(as_of, CLOSURE_IMPACT_MONTHS)
    plan = reopen_plan(p, start, config.counterfactual_keeps_adverse)
    cf = extract_counterfactual(p, as_of, start, config)
    feats, pair_cf = extract_with_counterfactual(p, as_of, start, config)  # assess's one pass
    assert _bits(np.array(feats)) == _bits(np.array(extract(p, as_of, config)))
    if not plan:
        assert cf is None  # nothing to reopen under this config
        assert pair_cf is None
        return
    ref = extract(reopened_profile(p, plan), as_of, config)
    assert cf is not None
    assert pair_cf is not None
    assert _bits(np.array(pair_cf)) == _bits(np.array(cf))
    for name in NAMES:
        j = FEATURE_INDEX[name]
        assert same(cf[j], ref[j]), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_blocks_a_scorer_does_not_read_are_left_out(data: st.DataObject) -> None:
    """``extract_with_counterfactual(reads=...)``: a block not read (optional features, policy
    v2 features, report features) is NaN in both vectors; every other feature is bit for bit
    the full extraction's (the default policy, the v1 policy and cards fitted without them
    take this path)."""
    from credit_closure._scoring.features import OPTIONAL_INDEX, POLICY_INDEX, REPORT_INDEX

    as_of = data.draw(st.sampled_from(AS_OF_DATES))
    p = data.draw(scoring_profiles("s", as_of))
    config = data.draw(st.sampled_from(CONFIGS))
    reads = data.draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    start = months_before(as_of, CLOSURE_IMPACT_MONTHS)
    full = extract_with_counterfactual(p, as_of, start, config)
    part = extract_with_counterfactual(p, as_of, start, config, reads)
    skipped = (
        set(() if reads[0] else OPTIONAL_INDEX)
        | set(() if reads[1] else POLICY_INDEX)
        | set(() if reads[2] else REPORT_INDEX)
    )
    for f, g in zip(full, part, strict=True):
        assert (f is None) == (g is None)
        if f is None or g is None:
            continue
        for j, (x, y) in enumerate(zip(f, g, strict=True)):
            assert math.isnan(y) if j in skipped else same(x, y), FEATURE_NAMES[j]


def test_which_blocks_the_built_in_policies_read() -> None:
    """The default policy reads no optional feature (``FeatureSpec.optional``: it does not
    pay for the version-1 block), the version-1 policy no policy v2 or report feature, and
    :func:`reads_of` says which block a feature belongs to."""
    from credit_closure._scoring.features import (
        FEATURE_INDEX,
        OPTIONAL_INDEX,
        POLICY_INDEX,
        REPORT_INDEX,
        reads_of,
    )
    from credit_closure._scoring.rules import RuleScorer, _reads_blocks

    assert _reads_blocks(RuleScorer.default().policy) == (False, True, True)
    assert _reads_blocks(RuleScorer(policy="v1").policy) == (True, False, False)
    assert reads_of([FEATURE_INDEX["util_total"]]) == (True, False, False)
    assert reads_of([FEATURE_INDEX["util_revolving"]]) == (False, True, False)
    assert reads_of([REPORT_INDEX[0]]) == (False, False, True)
    assert reads_of([FEATURE_INDEX["age_oldest_months"]]) == (False, False, False)
    # the blocks do not overlap
    assert not set(OPTIONAL_INDEX) & (set(POLICY_INDEX) | set(REPORT_INDEX))


class TestCounterfactualKeepsAdverseEndings:
    """Issue 15 item 4: the counterfactual of a B/G ending never reopens it, however coded."""

    def _profile(self) -> CreditProfile:
        return CreditProfile.from_dict(
            {
                "subject_id": "s",
                "accounts": [
                    acc("a", credit_limit=1000, balance=100),
                    acc("b", status="closed", credit_limit=1000, balance=0, closed_on="2025-03-01"),
                ],
                "closures": [
                    {"account_id": "b", "closed_on": "2025-03-01", "termination": "bad_debt"}
                ],
            }
        )

    def test_plan(self) -> None:
        p = self._profile()
        start = months_before(AS_OF, CLOSURE_IMPACT_MONTHS)
        assert set(reopen_plan(p, start)) == {"b"}  # today's behaviour (v1 numbers)
        assert reopen_plan(p, start, keep_adverse=True) == {}
        keep = FeatureConfig(counterfactual_keeps_adverse=True)
        assert extract_counterfactual(p, AS_OF, start, keep) is None
        assert extract_counterfactual(p, AS_OF, start) is not None

    def test_policy_header_and_engines(self) -> None:
        doc = {**RuleScorer.default().policy.document, "counterfactual_keeps_adverse": True}
        scorer = RuleScorer(policy=RulePolicy.from_dict(doc))
        p = self._profile()
        assert scorer.policy.feature_config.counterfactual_keeps_adverse
        from credit_closure import assess

        assert assess(p, as_of=AS_OF, scorer=scorer).closure_impact == 0.0
        # version 1 reopens it (the default policy v2 sets the header field)
        assert assess(p, as_of=AS_OF, scorer=RuleScorer(policy="v1")).closure_impact != 0.0
        from credit_closure.columnar import score_columnar

        t = profiles_to_tables([p])
        for engine in ("numpy", "auto"):
            out = score_columnar(
                t["accounts"],
                t["closures"],
                t["inquiries"],
                as_of=AS_OF,
                scorer=scorer,
                engine=engine,
            )
            assert out["closure_impact"].tolist() == [0.0]
        with pytest.raises(InvalidInputError):
            RulePolicy.from_dict({**doc, "counterfactual_keeps_adverse": "yes"})
