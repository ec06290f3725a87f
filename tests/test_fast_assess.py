"""The single assessment's shortcuts outside the feature pass give what the long way gives:
scorer snapshots reused by name and by object only while nothing they were made of changed
(a re-registration, a registry or allow-list change, a scorer changed in place, a method
replaced on the instance or the class), and the ranking of reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from _helpers import full_sort_rank, two_cards
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import CreditProfile, RuleScorer, assess
from credit_closure._scoring import registry
from credit_closure._scoring.assess import MAX_REASONS, _rank, resolved
from credit_closure._scoring.protocol import Factor, ScoreResult, Trigger
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.scale import DEFAULT_SCALE, Scale

AS_OF = dt.date(2025, 6, 30)
PROFILE = two_cards(8000)


@pytest.fixture
def name() -> Iterator[str]:
    yield "fast-assess-test"
    registry.unregister_scorer("fast-assess-test")


def _fresh() -> RuleScorer:
    return RuleScorer()


class TestByName:
    def test_hit_is_the_same_snapshot(self) -> None:
        assert resolved("rules") is resolved("rules")
        assert resolved("rules").scorer is registry.get_scorer("rules")

    def test_every_registry_change_bumps_the_generation(self, name: str) -> None:
        g = registry.GENERATION[0]
        registry.register_scorer(name, _fresh)
        assert registry.GENERATION[0] > g
        g = registry.GENERATION[0]
        registry.get_scorer(name)  # loaded
        assert registry.GENERATION[0] > g
        g = registry.GENERATION[0]
        registry.set_allowed(names=["x"])
        registry.set_allowed()
        assert registry.GENERATION[0] > g
        g = registry.GENERATION[0]
        registry.unregister_scorer(name)
        assert registry.GENERATION[0] > g

    def test_reregistered_name_gives_the_new_scorer(self, name: str) -> None:
        registry.register_scorer(name, _fresh)
        first = resolved(name)
        assert assess(PROFILE, scorer=name, as_of=AS_OF).scorer_version == first.version
        registry.register_scorer(name, lambda: RuleScorer(policy="v1"), replace=True)
        second = resolved(name)
        assert second is not first and second.scorer is registry.get_scorer(name)
        assert assess(PROFILE, scorer=name, as_of=AS_OF).scorer_version == "default@2026.11.0"

    def test_name_and_object_keep_their_own_provenance(self, name: str) -> None:
        """A registered factory's object passed as an object is named as an object is
        (its ``name``), by its registered name when passed by name, in any order."""
        registry.register_scorer(name, _fresh)
        obj = registry.get_scorer(name)
        for _ in range(2):
            assert assess(PROFILE, scorer=name, as_of=AS_OF).scorer == name
            assert assess(PROFILE, scorer=obj, as_of=AS_OF).scorer == "rules"
            assert resolved(obj).dist == "credit-closure" and resolved(name).dist is None

    def test_unregistered_name_is_not_found(self, name: str) -> None:
        registry.register_scorer(name, _fresh)
        resolved(name)
        registry.unregister_scorer(name)
        with pytest.raises(registry.ScorerNotFoundError):
            resolved(name)

    def test_cleared_cache_loads_again(self) -> None:
        before = resolved("logistic")
        registry.clear_cache()
        after = resolved("logistic")
        assert after.scorer is registry.get_scorer("logistic")
        assert after is not before or after.scorer is before.scorer

    def test_plugins_are_not_kept_by_name(self) -> None:
        """A third-party plugin is resolved through the registry on every use (its operator
        controls are read each time); built-ins and registrations are kept."""
        registry.get_scorer("rules")
        assert registry.stable_name("rules")
        assert not registry.stable_name("never-loaded-name")


class TestChangedInPlace:
    """A snapshot reused by name or by object sees the scorer as it is now."""

    @pytest.mark.parametrize("by_name", [True, False])
    def test_scale_version_texts_and_methods(self, name: str, by_name: bool) -> None:
        registry.register_scorer(name, _fresh)
        obj: Any = registry.get_scorer(name)
        ref: Any = name if by_name else obj
        base = assess(PROFILE, scorer=ref, as_of=AS_OF)

        obj.scale = attrs.evolve(DEFAULT_SCALE, approve_at=300.0, decline_below=300.0)
        assert resolved(ref).scale is obj.scale
        assert assess(PROFILE, scorer=ref, as_of=AS_OF).decision == "approve" != base.decision

        obj.version = "changed@1"
        assert assess(PROFILE, scorer=ref, as_of=AS_OF).scorer_version == "changed@1"

        code = base.reasons[0].code
        obj.reason_texts = {code: ("en text", "中文")}  # an attribute it did not have
        got = assess(PROFILE, scorer=ref, as_of=AS_OF).reasons[0]
        assert (got.code, got.message, got.message_zh) == (code, "en text", "中文")
        del obj.reason_texts
        assert assess(PROFILE, scorer=ref, as_of=AS_OF).reasons[0].message == REASONS[code].en

        calls: list[int] = []
        original = obj.score

        def spy(p: CreditProfile, day: dt.date) -> ScoreResult:
            calls.append(1)
            return original(p, day)

        obj.score = spy  # replaced on the instance: the fused path is no longer taken
        assert resolved(ref).fused is None
        assess(PROFILE, scorer=ref, as_of=AS_OF)
        assert calls == [1]
        del obj.score
        assert resolved(ref).fused is not None

    def test_method_replaced_on_the_class(self, monkeypatch: pytest.MonkeyPatch) -> None:
        scorer = RuleScorer.default()
        assert resolved(scorer).fused is not None and resolved("rules").fused is not None
        calls: list[int] = []
        original = RuleScorer.score

        def spy(self: RuleScorer, p: CreditProfile, day: dt.date) -> ScoreResult:
            calls.append(1)
            return original(self, p, day)

        monkeypatch.setattr(RuleScorer, "score", spy)
        assert resolved(scorer).fused is None and resolved("rules").fused is None
        assess(PROFILE, as_of=AS_OF)
        assert calls == [1]
        monkeypatch.undo()
        assert resolved("rules").fused is not None

    def test_attribute_that_starts_raising(self) -> None:
        class Flaky:
            credit_closure_api = 1
            name = "flaky"
            broken = False

            @property
            def version(self) -> str:
                if self.broken:
                    raise RuntimeError("no version")
                return "1"

            def score(self, profile: CreditProfile, as_of: dt.date) -> ScoreResult:
                return ScoreResult(probability_of_default=0.05)

        f = Flaky()
        assert resolved(f) is resolved(f)
        f.broken = True
        with pytest.raises(RuntimeError):
            resolved(f)


# -- ranking -----------------------------------------------------------------------------
def _reference(result: ScoreResult, texts: Any) -> list[tuple[str, str, str, float]]:
    """Every code's summed negative points, sorted in full, with its text."""
    out = []
    for pts, code in full_sort_rank(result, MAX_REASONS):
        text = (texts or {}).get(code) or REASONS.get(code) or (code, code)
        out.append((code, text[0], text[1], pts))
    return out


CODES = ["A", "B", "C", "D", "E", "F", "UTILIZATION_HIGH", "DELINQUENCY_LEVEL"]


@settings(max_examples=300, deadline=None)
@given(
    factors=st.lists(
        st.tuples(st.sampled_from(CODES), st.sampled_from([-5.0, -2.5, -1.0, 0.0, 1.0, -3.0])),
        max_size=25,
    ),
    forced=st.lists(
        st.tuples(st.sampled_from(["A", "C", "Z"]), st.sampled_from(["refer", "alert"])),
        max_size=2,
    ),
    texts=st.sampled_from([None, {}, {"A": ["a en", "a zh"], "UTILIZATION_HIGH": ("u", "u zh")}]),
)
def test_rank_equals_full_sort_with_texts(
    factors: list[tuple[str, float]], forced: list[tuple[str, str]], texts: Any
) -> None:
    """Ties at the cut, more than four codes, forced codes, texts held as lists: the same
    reasons as a full sort, to the bit, and each reason object reused across calls."""
    result = ScoreResult(
        probability_of_default=0.1,
        factors=tuple(Factor(code=c, points=p, feature="f", value=0) for c, p in factors),
        triggers=tuple(Trigger(code=c, action=a, rule="r") for c, a in forced),
    )
    got = _rank(result, texts)
    assert [(r.code, r.message, r.message_zh, r.points.hex()) for r in got] == [
        (c, en, zh, float(p).hex()) for c, en, zh, p in _reference(result, texts)
    ]
    assert all(a is b for a, b in zip(got, _rank(result, texts)))


@settings(max_examples=200, deadline=None)
@given(
    factors=st.lists(
        st.tuples(
            st.text("ABCDEFGHIJ", min_size=1, max_size=2),
            st.floats(min_value=-50.0, max_value=5.0, allow_nan=False),
        ),
        max_size=30,
    )
)
def test_rank_with_many_distinct_points(factors: list[tuple[str, float]]) -> None:
    """Many codes, most with points no other code has: the same order as a full sort."""
    result = ScoreResult(
        probability_of_default=0.1,
        factors=tuple(Factor(code=c, points=p, feature="f", value=0) for c, p in factors),
    )
    got = [(r.code, r.points.hex()) for r in _rank(result, None)]
    assert got == [(c, float(p).hex()) for c, _, _, p in _reference(result, None)]


def test_rank_reads_a_table_changed_in_place() -> None:
    result = ScoreResult(
        probability_of_default=0.1, factors=(Factor(code="A", points=-1.0, feature="f", value=0),)
    )
    texts = {"A": ("first", "一")}
    assert _rank(result, texts)[0].message == "first"
    texts["A"] = ("second", "二")
    assert _rank(result, texts)[0].message == "second"


@pytest.mark.parametrize("first", [-3, -3.0])
def test_reason_points_are_floats_whatever_was_cached(first: float) -> None:
    """A plugin may give whole-number points as ints: a reason's points are a float either
    way, and do not depend on which of ``-3`` and ``-3.0`` (equal keys) was ranked first."""
    other = -3.0 if isinstance(first, int) else -3
    for pts in (first, other):
        result = ScoreResult(
            probability_of_default=0.1,
            factors=(Factor(code="INT_POINTS_TEST", points=pts, feature="f", value=0),),
        )
        (reason,) = _rank(result, None)
        assert type(reason.points) is float and reason.points == -3.0


@attrs.frozen(kw_only=True)
class _OwnBands(Scale):
    def band(self, score: float) -> str:
        return "mine"


def test_scale_subclass_keeps_its_own_methods() -> None:
    class WithOwnScale:
        credit_closure_api = 1
        name = "own-scale"
        version = "1"
        scale = _OwnBands()

        def score(self, profile: CreditProfile, as_of: dt.date) -> ScoreResult:
            return ScoreResult(probability_of_default=0.05)

    scorer = WithOwnScale()
    assert assess(PROFILE, scorer=scorer, as_of=AS_OF).band == "mine"
