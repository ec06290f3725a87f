"""A rule policy laid out for evaluation: what :class:`~credit_closure._scoring.rules.RuleScorer`
runs on one feature vector.

The policy is read once, when its scorer is built, into two tables of plain tuples, and two
loops run them:

- :meth:`RuleProgram.explain` ``(feats) -> (log_odds, factors, triggers)``: every rule in policy
  order; a rule fires when its feature reaches the first threshold (``at_least``: ``>=``;
  ``below``: ``<``; ``NaN`` never fires), its ``when`` conditions all hold and one of its
  ``when_any`` holds; its step is the last of the consecutive thresholds the value reaches; a
  step with non-zero log-odds adds them and a :class:`Factor` worth ``-factor * log_odds``
  points; a rule with a trigger adds it whenever it fires, whatever its step's log-odds.
- :meth:`RuleProgram.log_odds` ``(feats) -> float``: the same sum without factors or triggers
  (the counterfactual of closure impact), over the rules that can add something.

A condition on a missing feature takes its ``missing`` value. The log-odds add up in policy order
starting from ``base_log_odds``, as the columnar twins add them (``_columnar/kernel.py``,
``_columnar/engine.py``): the engines agree bit for bit (``tests/test_engine_agreement.py``).

Speed without generated code: the package never calls ``exec`` or ``eval`` (``SECURITY.md``),
so the tables do the work a code generator would. A rule with one threshold and no condition
(most of them) is one comparison; what a rule adds, the points of each step and its trigger are
computed once; the factors are reused across subjects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from credit_closure._scoring.protocol import Factor, Trigger, make_factor, make_trigger

__all__ = ["FACTOR_CACHE_SIZE", "RuleProgram"]

#: Factors are immutable and repeat across subjects (same rule, step and value): reused, up to
#: this many per scorer.
FACTOR_CACHE_SIZE = 4096

_AT_LEAST, _BELOW, _EQUALS = 0, 1, 2
_OPS = {"at_least": _AT_LEAST, "below": _BELOW, "equals": _EQUALS}

# a condition: (feature position, operator code, value, value when the feature is missing)
_Cond = tuple[int, int, float, bool]


def _conditions(conds: Sequence[Any]) -> tuple[_Cond, ...]:
    out = []
    for c in conds:
        op = _OPS.get(c[1])
        if op is None:
            raise ValueError(f"unknown condition operator {c[1]!r}")
        out.append((int(c[0]), op, c[2], bool(c[3])))
    return tuple(out)


def _holds(conds: tuple[_Cond, ...], feats: Sequence[float], need_all: bool) -> bool:
    """Whether all (``need_all``) or any of ``conds`` hold on ``feats``."""
    for index, op, value, missing in conds:
        v = feats[index]
        if v != v:
            h = missing
        elif op == _AT_LEAST:
            h = v >= value
        elif op == _BELOW:
            h = v < value
        else:
            h = v == value
        if need_all:
            if not h:
                return False
        elif h:
            return True
    return need_all


def _step(
    v: float,
    at_least: bool,
    thresholds: tuple[float, ...],
    conds: tuple[_Cond, ...],
    conds_any: tuple[_Cond, ...],
    feats: Sequence[float],
) -> int:
    """The step of a rule whose first threshold ``v`` reaches: the last of the consecutive
    thresholds it reaches; ``-1`` when its conditions do not hold (the rule does not fire)."""
    if conds and not _holds(conds, feats, True):
        return -1
    if conds_any and not _holds(conds_any, feats, False):
        return -1
    step = 0
    for k in range(1, len(thresholds)):
        if v >= thresholds[k] if at_least else v < thresholds[k]:
            step = k
        else:
            break
    return step


class RuleProgram:
    """One rule policy laid out for evaluation (see the module docstring).

    Args:
        rows: The policy's rules in order, each ``(feature_index, at_least, thresholds,
            log_odds, reason, feature, action, trigger_code, id, when, when_any)``.
        base: The policy's ``base_log_odds``.
        factor: The scale's points per unit of log-odds.
    """

    __slots__ = ("_base", "_cache", "_lo_rows", "_rows")

    def __init__(self, rows: Sequence[tuple[Any, ...]], base: float, factor: float) -> None:
        self._base = base
        self._cache: dict[tuple[int, int, float], Factor] = {}
        table: list[tuple[Any, ...]] = []
        lo_table: list[tuple[Any, ...]] = []
        for pos, row in enumerate(rows):
            index, at_least, thresholds, steps, reason, feature, action, tcode, rid, when, any_ = (
                row
            )
            trigger: Trigger | None = (
                make_trigger(tcode, action, rid) if action is not None else None
            )
            conds, conds_any = _conditions(when), _conditions(any_)
            # one threshold and no condition: firing is the whole question
            simple = len(thresholds) == 1 and not conds and not conds_any
            # (feature, at_least, first threshold, the rest): a rule that does not fire (most,
            # on most files) is read no further than its first three fields
            rest = (simple, tuple(thresholds), tuple(steps), conds, conds_any)
            table.append(
                (
                    int(index),
                    bool(at_least),
                    thresholds[0],
                    (*rest, pos, (reason, tuple(-factor * s for s in steps), feature), trigger),
                )
            )
            if any(s != 0.0 for s in steps):  # a rule adding nothing leaves the sum alone
                # a simple rule's log-odds in place of the rest: one comparison, one addition
                lo_table.append(
                    (int(index), bool(at_least), thresholds[0], float(steps[0]) if simple else rest)
                )
        self._rows = tuple(table)
        self._lo_rows = tuple(lo_table)

    def explain(self, feats: Sequence[float]) -> tuple[float, list[Factor], list[Trigger]]:
        """``(log-odds, factors, triggers)`` of the policy on ``feats``."""
        lo = self._base
        factors: list[Factor] = []
        triggers: list[Trigger] = []
        cache = self._cache
        for index, at_least, first, rest in self._rows:
            v = feats[index]
            if at_least:
                if not v >= first:
                    continue
            elif not v < first:
                continue
            simple, thresholds, steps, conds, conds_any, pos, made, trigger = rest
            step = 0
            if not simple:
                step = _step(v, at_least, thresholds, conds, conds_any, feats)
                if step < 0:
                    continue
            x = steps[step]
            if x != 0.0:
                lo += x
                f = cache.get((pos, step, v))
                if f is None:
                    if len(cache) >= FACTOR_CACHE_SIZE:
                        cache.clear()
                    f = cache[(pos, step, v)] = make_factor(made[0], made[1][step], made[2], v)
                factors.append(f)
            if trigger is not None:
                triggers.append(trigger)
        return lo, factors, triggers

    def log_odds(self, feats: Sequence[float]) -> float:
        """The log-odds of the policy on ``feats`` (:meth:`explain`'s first value)."""
        lo = self._base
        for index, at_least, first, rest in self._lo_rows:
            v = feats[index]
            if at_least:
                if not v >= first:
                    continue
            elif not v < first:
                continue
            if rest.__class__ is float:  # a simple rule: its one step's log-odds
                lo += rest
                continue
            _simple, thresholds, steps, conds, conds_any = rest
            step = _step(v, at_least, thresholds, conds, conds_any, feats)
            if step >= 0 and steps[step] != 0.0:
                lo += steps[step]
        return lo
