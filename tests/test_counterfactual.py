"""The counterfactual of closure impact computed from the profile as it is
(``extract_counterfactual``) equals a full re-extraction of the built counterfactual, and
``assess()`` takes that path only for the built-in scorers as they are."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import pytest
from _helpers import REFERENCE_ARTIFACT, full_sort_rank, two_cards
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import AS_OF, profiles, scoring_profiles

from credit_closure import CreditProfile, LogisticScorer, RuleScorer, assess
from credit_closure._scoring import counterfactual
from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS, MAX_REASONS, _rank, resolved
from credit_closure._scoring.features import (
    FeatureConfig,
    extract,
    extract_counterfactual,
    extract_with_counterfactual,
    months_before,
    reopen_plan,
)
from credit_closure._scoring.protocol import Factor, ScoreResult, Trigger

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bits(values: Any) -> list[str]:
    """Each value's exact bits (NaN as one text): equal lists mean equal to the last bit."""
    return ["nan" if math.isnan(v) else float(v).hex() for v in values]


def _same_as_built(profile: CreditProfile, as_of: dt.date, months: int, config: Any) -> None:
    start = months_before(as_of, months)
    fast = extract_counterfactual(profile, as_of, start, config)
    built = counterfactual(profile, as_of, months)
    # the one pass of assess (profile and counterfactual together): the same, bit for bit
    feats, pair_cf = extract_with_counterfactual(profile, as_of, start, config)
    assert bits(feats) == bits(extract(profile, as_of, config))
    assert (pair_cf is None) == (fast is None)
    if fast is not None:
        assert pair_cf is not None
        assert bits(pair_cf) == bits(fast)
    if built is None:
        assert fast is None
        assert not reopen_plan(profile, start)
    else:
        assert fast is not None
        assert bits(fast) == bits(extract(built, as_of, config))


@SETTINGS
@given(
    profile=profiles(),
    months=st.sampled_from([1, 12, 24, 60]),
    retention=st.sampled_from([12, 60]),
)
def test_fast_counterfactual_equals_full_extraction(
    profile: CreditProfile, months: int, retention: int
) -> None:
    """Random profiles (activity records included): the features of the counterfactual
    computed without building it are those of the built counterfactual, bit for bit."""
    _same_as_built(profile, AS_OF, months, FeatureConfig(retention_months=retention))


@SETTINGS
@given(profile=scoring_profiles("s", AS_OF), months=st.sampled_from([12, 24]))
def test_fast_counterfactual_on_window_edges(profile: CreditProfile, months: int) -> None:
    """Dates on window edges and amounts that stress the exact sums."""
    _same_as_built(profile, AS_OF, months, FeatureConfig())


@SETTINGS
@given(profile=scoring_profiles("s", AS_OF))
def test_closure_impact_same_on_both_paths(profile: CreditProfile) -> None:
    """The built-in scorers' counterfactual probability equals probability_of_default of
    the built counterfactual, to the last bit."""
    scorers = [RuleScorer.default(), LogisticScorer.load(REFERENCE_ARTIFACT)]
    for scorer in scorers:
        r = resolved(scorer)
        assert r.cf_probability is not None
        cf = counterfactual(profile, AS_OF)
        cfg = getattr(getattr(scorer, "policy", None), "feature_config", None)
        if cfg is not None and cfg.counterfactual_keeps_adverse:  # default policy v2
            from credit_closure._scoring.features import reopened_profile

            start = months_before(AS_OF, CLOSURE_IMPACT_MONTHS)
            plan = reopen_plan(profile, start, True)
            cf = reopened_profile(profile, plan) if plan else None
        want = None if cf is None else scorer.probability_of_default(cf, AS_OF)
        got = r.counterfactual_probability(profile, AS_OF)
        assert (got is None) == (want is None)
        if want is not None:
            assert float(got).hex() == float(want).hex()  # type: ignore[arg-type]


_SCORERS: dict[str, Any] = {}


def _logistic() -> LogisticScorer:
    if "logistic" not in _SCORERS:
        _SCORERS["logistic"] = LogisticScorer.load(REFERENCE_ARTIFACT)
    return _SCORERS["logistic"]  # type: ignore[no-any-return]


class _OwnProbability(LogisticScorer):
    """A subclass outside the library: its own probability_of_default must be used."""

    calls = 0

    def probability_of_default(self, profile: CreditProfile, as_of: dt.date) -> float:
        type(self).calls += 1
        return super().probability_of_default(profile, as_of)


def _with_closure() -> CreditProfile:
    return two_cards(6000)


def test_subclass_and_patched_instance_use_their_own_probability() -> None:
    """Only the built-in classes' own probability_of_default is bypassed: a subclass defined
    elsewhere, or an instance whose method was replaced, is asked for the counterfactual."""
    profile = _with_closure()
    sub = _OwnProbability.load(REFERENCE_ARTIFACT)
    assert resolved(sub).cf_probability is None
    before = _OwnProbability.calls
    a = assess(profile, scorer=sub, as_of=AS_OF)
    assert _OwnProbability.calls == before + 1
    b = assess(profile, scorer=_logistic(), as_of=AS_OF)
    assert (a.score, a.closure_impact, a.reasons) == (b.score, b.closure_impact, b.reasons)

    patched = LogisticScorer.load(REFERENCE_ARTIFACT)
    seen: list[CreditProfile] = []
    original = patched.probability_of_default

    def spy(p: CreditProfile, day: dt.date) -> float:
        seen.append(p)
        return original(p, day)

    patched.probability_of_default = spy  # type: ignore[method-assign]
    assert resolved(patched).cf_probability is None
    assess(profile, scorer=patched, as_of=AS_OF)
    assert len(seen) == 1 and seen[0].account("b").status.value == "open"


def test_probability_replaced_on_the_class_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A built-in class whose probability_of_default was replaced is asked about the built
    counterfactual, not bypassed."""
    seen: list[CreditProfile] = []
    original = RuleScorer.probability_of_default

    def spy(self: RuleScorer, p: CreditProfile, day: dt.date) -> float:
        seen.append(p)
        return original(self, p, day)

    monkeypatch.setattr(RuleScorer, "probability_of_default", spy)
    scorer = RuleScorer.default()
    assert resolved(scorer).cf_probability is None
    assess(_with_closure(), scorer=scorer, as_of=AS_OF)
    assert len(seen) == 1 and seen[0].account("b").status.value == "open"


@pytest.mark.parametrize("scorer", ["rules", "logistic"])
def test_no_closure_no_impact(scorer: str) -> None:
    """Nothing to undo: closure impact is exactly 0.0 on the fast path too."""
    p = CreditProfile.from_dict(
        {"subject_id": "s", "accounts": [
            {"account_id": "a", "product": "credit_card", "status": "open",
             "opened_on": "2018-01-01", "credit_limit": 10000, "balance": 6000}]}
    )  # fmt: skip
    assert assess(p, scorer=scorer, as_of=AS_OF).closure_impact == 0.0


@settings(max_examples=300, deadline=None)
@given(
    factors=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D", "E", "F", "G", "UTILIZATION_HIGH"]),
            st.sampled_from([-5.0, -2.5, -1.0, -0.5, 0.0, 1.0, -1e-9, -3.0]),
        ),
        max_size=30,
    ),
    forced=st.lists(
        st.tuples(st.sampled_from(["A", "C", "G", "Z"]), st.sampled_from(["decline", "alert"])),
        max_size=3,
    ),
)
def test_rank_equals_full_sort(
    factors: list[tuple[str, float]], forced: list[tuple[str, str]]
) -> None:
    """The partial selection ranks exactly as sorting every code would (ties included)."""
    result = ScoreResult(
        probability_of_default=0.1,
        factors=tuple(Factor(code=c, points=p, feature="f", value=0) for c, p in factors),
        triggers=tuple(Trigger(code=c, action=a, rule="r") for c, a in forced),
    )
    got = [(r.points, r.code) for r in _rank(result, None)]
    assert [(float(p).hex(), c) for p, c in got] == [
        (float(p).hex(), c) for p, c in full_sort_rank(result, MAX_REASONS)
    ]


def test_many_random_profiles_assess_same_as_built_counterfactual() -> None:
    """A seeded sweep through assess() itself: closure impact equals score minus the points
    of the built counterfactual's probability, for both built-in scorers."""
    rng = random.Random(7)
    for i in range(60):
        accounts = []
        for j in range(rng.randint(1, 6)):
            closed = rng.random() < 0.5
            acc: dict[str, Any] = {
                "account_id": f"a{j}",
                "product": rng.choice(["credit_card", "revolving_consumer", "cash_loan"]),
                "status": "closed" if closed else "open",
                "opened_on": f"{rng.randint(2010, 2022)}-0{rng.randint(1, 9)}-15",
                "credit_limit": rng.choice([None, 5000, 20000.5]),
                "balance": rng.choice([None, 0, 1234.25]),
            }
            if closed:
                acc["closed_on"] = f"{rng.choice([2023, 2024, 2025])}-0{rng.randint(1, 9)}-01"
            accounts.append(acc)
        p = CreditProfile.from_dict({"subject_id": f"s{i}", "accounts": accounts})
        for scorer in (RuleScorer.default(), _logistic()):
            a = assess(p, scorer=scorer, as_of=AS_OF)
            cf = counterfactual(p, AS_OF)
            r = resolved(scorer)
            want = 0.0
            if cf is not None:
                want = a.score - r.scale.points(scorer.probability_of_default(cf, AS_OF))
            assert float(a.closure_impact).hex() == float(want).hex()
