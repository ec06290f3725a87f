"""The rule policy laid out for evaluation (credit_closure/_scoring/rule_program.py): the same
log-odds, factors and triggers as reading the rules one by one, to the bit, for any policy and
any feature vector."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import RuleScorer
from credit_closure._scoring.rule_program import RuleProgram

N_FEATURES = 6
NAN = float("nan")


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _holds(cond: tuple[int, str, float, bool], feats: list[float]) -> bool:
    index, op, value, missing = cond
    v = feats[index]
    if math.isnan(v):
        return missing
    if op == "at_least":
        return v >= value
    if op == "below":
        return v < value
    return v == value


def _interpret(
    rows: list[tuple[Any, ...]], base: float, factor: float, feats: list[float]
) -> tuple[float, list[tuple[str, float, str, float]], list[tuple[str, str, str]]]:
    """The rules read one by one, as the module docstring of rule_program.py states them
    (written independently of the program writer): the oracle."""
    lo = base
    factors = []
    triggers = []
    for index, at_least, thresholds, steps, reason, feature, action, code, rid, when, any_ in rows:
        v = feats[index]
        reaches = (lambda t: v >= t) if at_least else (lambda t: v < t)  # noqa: B023
        if not reaches(thresholds[0]):
            continue
        if not all(_holds(c, feats) for c in when):
            continue
        if any_ and not any(_holds(c, feats) for c in any_):
            continue
        step = 0
        while step + 1 < len(thresholds) and reaches(thresholds[step + 1]):
            step += 1
        if steps[step] != 0.0:
            lo += steps[step]
            factors.append((reason, -factor * steps[step], feature, v))
        if action is not None:
            triggers.append((code, action, rid))
    return lo, factors, triggers


_values = st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
_conditions = st.lists(
    st.tuples(
        st.integers(0, N_FEATURES - 1),
        st.sampled_from(["at_least", "below", "equals"]),
        _values,
        st.booleans(),
    ),
    max_size=2,
)


@st.composite
def _rows(draw: Any) -> list[tuple[Any, ...]]:
    rows = []
    for pos in range(draw(st.integers(0, 6))):
        at_least = draw(st.booleans())
        n = draw(st.integers(1, 3))
        thresholds = sorted(draw(st.lists(_values, min_size=n, max_size=n, unique=True)))
        if not at_least:
            thresholds.reverse()
        steps = draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, -0.3, 1.5]), min_size=n, max_size=n))
        action = draw(st.sampled_from([None, "refer", "decline", "alert"]))
        rows.append(
            (
                draw(st.integers(0, N_FEATURES - 1)),
                at_least,
                tuple(thresholds),
                tuple(steps),
                f"REASON_{pos}",
                f"feature_{pos}",
                action,
                f"CODE_{pos}" if action else "",
                f"R{pos}",
                tuple(draw(_conditions)),
                tuple(draw(_conditions)),
            )
        )
    return rows


_feats = st.lists(
    st.sampled_from([NAN, -1.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 7.5]),
    min_size=N_FEATURES,
    max_size=N_FEATURES,
)


@settings(max_examples=300, deadline=None)
@given(_rows(), st.sampled_from([-3.9, 0.0, 1.25]), _feats)
def test_program_is_the_rules_read_one_by_one(
    rows: list[tuple[Any, ...]], base: float, feats: list[float]
) -> None:
    factor = 28.853900817779268
    program = RuleProgram(rows, base, factor)
    want_lo, want_factors, want_triggers = _interpret(rows, base, factor, feats)
    lo, factors, triggers = program.explain(tuple(feats))
    assert _bits(lo) == _bits(want_lo)
    assert _bits(program.log_odds(tuple(feats))) == _bits(want_lo)
    got = [(f.code, f.points, f.feature, f.value) for f in factors]
    assert len(got) == len(want_factors)
    for g, w in zip(got, want_factors):
        assert g[0] == w[0] and g[2] == w[2]
        assert _bits(g[1]) == _bits(w[1]) and _bits(g[3]) == _bits(w[3])
    assert [(t.code, t.action, t.rule) for t in triggers] == want_triggers


def test_factors_are_reused_across_calls() -> None:
    rows = [(0, True, (1.0,), (0.5,), "R", "f", None, "", "R1", (), ())]
    program = RuleProgram(rows, 0.0, 20.0)
    a = program.explain((2.0,))[1][0]
    b = program.explain((2.0,))[1][0]
    assert a is b and a.points == -10.0 and a.value == 2.0


def test_scorers_pickle_with_their_program() -> None:
    """A scorer crosses to a worker process (assess_many, Dask) with its program."""
    import pickle

    for name in ("v1", "v2", "us"):
        scorer = RuleScorer(policy=name)
        back = pickle.loads(pickle.dumps(scorer))
        feats = tuple([0.5] * 80)
        assert back._program.log_odds(feats) == scorer._program.log_odds(feats)


def test_an_unknown_condition_operator_is_refused() -> None:
    rows = [(0, True, (1.0,), (0.5,), "R", "f", None, "", "R1", ((0, "between", 1.0, False),), ())]
    with pytest.raises(ValueError, match="between"):
        RuleProgram(rows, 0.0, 1.0)
