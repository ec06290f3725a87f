"""credit_closure.testing: check_scorer passes conforming scorers and names the failed check,
with a fix, for each kind of broken one."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    CreditClosureError,
    Factor,
    InvalidInputError,
    RuleScorer,
    Scale,
    ScoreResult,
    get_scorer,
)
from credit_closure.features import feature_dict
from credit_closure.testing import (
    CHECKS,
    DEFAULT_AS_OF,
    ConformanceError,
    check_scorer,
    conformance_profiles,
)


class Good:
    """A small conforming scorer: utilization drives the probability."""

    credit_closure_api = 1
    version = "good-1"
    name = "good"

    def score(self, profile: Any, as_of: dt.date) -> ScoreResult:
        u = feature_dict(profile, as_of)["util_total"]
        if u != u:
            return ScoreResult(probability_of_default=0.05)
        return ScoreResult(
            probability_of_default=min(0.9, 0.02 + 0.3 * u),
            factors=[
                Factor(code="UTILIZATION_HIGH", points=-40.0 * u, feature="util_total", value=u)
            ],
        )


class GoodBatch(Good):
    """Good with the optional batch method, computing the same from the feature rows."""

    def score_batch(self, features: Any, attributes: Any, as_of: dt.date) -> list:
        from credit_closure.features import FEATURE_NAMES

        k = FEATURE_NAMES.index("util_total")
        out = []
        for row in features.tolist():
            u = row[k]
            if u != u:
                out.append(ScoreResult(probability_of_default=0.05))
            else:
                out.append(
                    ScoreResult(
                        probability_of_default=min(0.9, 0.02 + 0.3 * u),
                        factors=[
                            Factor(
                                code="UTILIZATION_HIGH",
                                points=-40.0 * u,
                                feature="util_total",
                                value=u,
                            )
                        ],
                    )
                )
        return out


class DriftingBatch(GoodBatch):
    """Its batch method disagrees with score() by a hair."""

    def score_batch(self, features: Any, attributes: Any, as_of: dt.date) -> list:
        return [
            ScoreResult(
                probability_of_default=r.probability_of_default * (1 + 1e-12), factors=r.factors
            )
            for r in super().score_batch(features, attributes, as_of)
        ]


def _fails(scorer: Any, check: str, **kw: Any) -> ConformanceError:
    with pytest.raises(ConformanceError) as info:
        check_scorer(scorer, **kw)
    assert info.value.check == check, str(info.value)
    assert "Fix:" in str(info.value)
    return info.value


class TestPasses:
    def test_rule_scorer(self):
        """The built-in rule scorer conforms."""
        check_scorer(RuleScorer())

    def test_logistic_reference_scorer(self):
        """The built-in logistic reference scorer conforms."""
        check_scorer(get_scorer("logistic"))

    def test_minimal_scorer(self):
        """A minimal duck-typed scorer conforms."""
        check_scorer(Good())

    def test_batch_method_consistent(self):
        """A score_batch that gives what score gives conforms."""
        check_scorer(GoodBatch())

    def test_batch_method_inconsistent(self):
        """A score_batch that differs from score, even by a hair, fails batch_consistent."""
        _fails(DriftingBatch(), "batch_consistent")

    def test_extra_profiles_as_documents(self):
        """Extra profiles may be given as v1 documents."""
        check_scorer(
            Good(),
            profiles=[
                {
                    "subject_id": "x-1",
                    "accounts": [
                        {
                            "account_id": "a",
                            "product": "credit_card",
                            "status": "open",
                            "credit_limit": 1000,
                            "balance": 999,
                        }
                    ],
                }
            ],
        )


class TestDeclarations:
    def test_class_instead_of_instance(self):
        """Passing the class is reported with the call to write instead."""
        err = _fails(Good, "declares_api")
        assert "check_scorer(Good())" in str(err)

    @pytest.mark.parametrize("api", [None, 2, "1", True])
    def test_unsupported_api(self, api: Any):
        """A missing or unsupported credit_closure_api fails declares_api."""

        class S(Good):
            credit_closure_api = api  # type: ignore[assignment]

        err = _fails(S(), "declares_api")
        assert "credit_closure_api = 1" in str(err)

    @pytest.mark.parametrize("version", [None, "", 3])
    def test_version(self, version: Any):
        """A missing or empty version fails declares_version."""

        class S(Good):
            pass

        s = S()
        s.version = version  # type: ignore[assignment]
        _fails(s, "declares_version")

    def test_bad_scale(self):
        """A scale that is not a Scale fails optional_members."""

        class S(Good):
            scale = {"pdo": 20}  # noqa: RUF012 - a plain class attribute, as scorers declare it

        _fails(S(), "optional_members")

    def test_bad_reason_texts(self):
        """reason_texts entries must be (English, Chinese) pairs."""

        class S(Good):
            reason_texts = {"X": ("only english",)}  # noqa: RUF012 - as above

        _fails(S(), "optional_members")


class TestBehaviour:
    def test_wrong_return_type(self):
        """Returning a dict fails returns_score_result."""

        class S(Good):
            def score(self, profile, as_of):
                return {"probability_of_default": 0.1}

        _fails(S(), "returns_score_result")

    def test_empty_profile_crash_names_the_profile(self):
        """A scorer that cannot handle an empty profile is told which one."""

        class S(Good):
            def score(self, profile, as_of):
                return ScoreResult(probability_of_default=1 / len(profile.accounts) / 2)

        err = _fails(S(), "returns_score_result")
        assert err.profile == "conformance-empty"
        assert isinstance(err.__cause__, ZeroDivisionError)

    def test_large_profile_crash(self):
        """A scorer that breaks on 200 accounts fails on the large profile."""

        class S(Good):
            def score(self, profile, as_of):
                if len(profile.accounts) > 50:
                    raise MemoryError("too many")
                return super().score(profile, as_of)

        assert _fails(S(), "returns_score_result").profile == "conformance-large"

    def test_unknown_reason_code(self):
        """A factor code with no text fails known_reason_codes, and a text fixes it."""

        class S(Good):
            def score(self, profile, as_of):
                return ScoreResult(
                    probability_of_default=0.1, factors=[Factor(code="MYSTERY", points=-1.0)]
                )

        _fails(S(), "known_reason_codes")

        class T(S):
            reason_texts = {"MYSTERY": ("A documented factor", "一个有说明的因素")}  # noqa: RUF012 - as above

        check_scorer(T())

    def test_nondeterministic(self):
        """Random output fails deterministic."""

        class S(Good):
            def __init__(self):
                self.rng = random.Random(1)

            def score(self, profile, as_of):
                return ScoreResult(probability_of_default=self.rng.random())

        _fails(S(), "deterministic")

    def test_order_dependent(self):
        """Reading only the first account fails order_invariant."""

        class S(Good):
            def score(self, profile, as_of):
                if len(profile.accounts) < 2:
                    return ScoreResult(probability_of_default=0.05)
                lim = profile.accounts[0].credit_limit or 0.0
                return ScoreResult(probability_of_default=min(0.5, lim / 1e6))

        _fails(S(), "order_invariant")

    def test_mutates_profile(self):
        """Changing the profile fails does_not_mutate."""

        class S(Good):
            def score(self, profile, as_of):
                r = super().score(profile, as_of)
                object.__setattr__(profile, "subject_id", profile.subject_id.rstrip("!") + "!")
                return r

        _fails(S(), "does_not_mutate")

    def test_thread_unsafe(self):
        """Keeping per-call state on the scorer fails thread_safe."""

        class S(Good):
            def score(self, profile, as_of):
                self.current = profile
                time.sleep(0.002)
                return super().score(self.current, as_of)

        _fails(S(), "thread_safe")

    def test_is_an_assertion_error(self):
        """ConformanceError is an AssertionError (pytest shows it as a failure) and ours."""
        err = _fails(Good, "declares_api")
        assert isinstance(err, AssertionError) and isinstance(err, CreditClosureError)
        assert err.check in CHECKS


class TestArguments:
    def test_profile_dated_after_as_of(self):
        """An extra profile dated after as_of is an InvalidInputError with its path."""
        late = {"subject_id": "late", "inquiries": [{"on": "2030-01-01", "kind": "self"}]}
        with pytest.raises(InvalidInputError) as info:
            check_scorer(Good(), profiles=[late, 3])
        paths = [p for p, _ in info.value.problems]
        assert paths[0].startswith("profiles[0].inquiries") and paths[1] == "profiles[1]"

    def test_as_of_must_be_a_date(self):
        """as_of must be a date, not a string or a datetime."""
        with pytest.raises(InvalidInputError):
            check_scorer(Good(), as_of="2025-01-01")  # type: ignore[arg-type]


class TestProfiles:
    def test_deterministic_and_complete(self):
        """The profiles are the same every time and include an empty and a 200-account one."""
        a, b = conformance_profiles(), conformance_profiles()
        assert a == b
        sizes = {p.subject_id: len(p.accounts) for p in a}
        assert sizes["conformance-empty"] == 0 and sizes["conformance-large"] == 200
        assert len({p.subject_id for p in a}) == len(a)

    @settings(max_examples=15, deadline=None)
    @given(as_of=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)))
    def test_never_dated_after_as_of(self, as_of: dt.date):
        """For any as_of, every profile is valid and nothing in it is later than as_of."""
        for p in conformance_profiles(as_of):
            assert p.dated_after(as_of) == []

    def test_default_as_of(self):
        """The default date is fixed, so results are reproducible."""
        assert DEFAULT_AS_OF == dt.date(2025, 6, 30)

    def test_scale_is_optional(self):
        """A scorer with a custom Scale conforms."""

        class S(Good):
            scale = Scale(pdo=40.0)

        check_scorer(S())
