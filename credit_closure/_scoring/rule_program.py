"""A rule policy as a Python program: what :class:`~credit_closure._scoring.rules.RuleScorer`
runs on one feature vector.

A policy's rules are data; interpreting them rule by rule (unpack the rule, compare, loop over
the steps, look up the conditions) costs more than the arithmetic they stand for. This module
writes each policy once, when its scorer is built, as two straight-line functions:

- ``explain(feats) -> (log_odds, factors, triggers)``: every rule in policy order; a rule fires
  when its feature reaches the first threshold (``at_least``: ``>=``; ``below``: ``<``; ``NaN``
  never fires), its ``when`` conditions all hold and one of its ``when_any`` holds; its step is
  the last of the consecutive thresholds the value reaches; a step with non-zero log-odds adds
  them and a :class:`Factor` worth ``-factor * log_odds`` points; a rule with a trigger adds it
  whenever it fires, whatever its step's log-odds.
- ``log_odds(feats) -> float``: the same sum without factors or triggers (the counterfactual of
  closure impact); a rule whose steps all add nothing is left out of it.

A condition on a missing feature takes its ``missing`` value. The log-odds add up in policy order
starting from ``base_log_odds``, as the columnar twins add them (``_columnar/kernel.py``,
``_columnar/engine.py``): the engines agree bit for bit (``tests/test_engine_agreement.py``).

The program text holds only what the policy's validation guarantees to be plain: feature
positions (``int``) and thresholds, condition values and log-odds (finite numbers, written with
``repr`` of their ``float``, which reads back to the same bits). Names, reasons, codes and
identifiers never enter the text: the factors and triggers are built from the rule's own values,
held by the program's namespace. :attr:`RuleProgram.source` is the text, for a reviewer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from credit_closure._scoring.protocol import Factor, Trigger, make_factor, make_trigger

__all__ = ["FACTOR_CACHE_SIZE", "RuleProgram"]

#: Factors are immutable and repeat across subjects (same rule, step and value): reused, up to
#: this many per scorer.
FACTOR_CACHE_SIZE = 4096

_CONDITION = {
    # (op, value of the condition on a missing feature) -> expression; ``{v}`` is the feature
    # read, ``{x}`` the threshold. NaN compares false: ``not (v < x)`` is ``v >= x`` or NaN.
    ("at_least", False): "{v} >= {x}",
    ("at_least", True): "not {v} < {x}",
    ("below", False): "{v} < {x}",
    ("below", True): "not {v} >= {x}",
    ("equals", False): "{v} == {x}",
    ("equals", True): "({v} == {x} or {v} != {v})",
}


def _number(value: Any) -> str:
    """``value`` (a finite ``int`` or ``float`` of a validated policy) as a float literal."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a rule program holds numbers only (got {type(value).__name__})")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError("a rule program holds finite numbers only")
    return repr(x)


def _condition(cond: Any) -> str:
    index, op, value, missing = cond[0], cond[1], cond[2], cond[3]
    template = _CONDITION.get((op, bool(missing)))
    if template is None:
        raise ValueError(f"unknown condition operator {op!r}")
    return template.format(v=f"feats[{int(index)}]", x=_number(value))


def _leaf(pos: int, step: int, lo: float, trigger: bool, indent: str, explain: bool) -> list[str]:
    """The lines of rule ``pos`` firing at ``step`` (log-odds ``lo``)."""
    out = []
    if lo != 0.0:
        out.append(f"{indent}lo += {_number(lo)}")
        if explain:
            out += [
                f"{indent}f = cget(({pos}, {step}, v))",
                f"{indent}if f is None:",
                f"{indent}    f = mk({pos}, {step}, v)",
                f"{indent}fs.append(f)",
            ]
    if explain and trigger:
        out.append(f"{indent}ts.append(T{pos})")
    return out or [f"{indent}pass"]


def _steps(
    pos: int,
    op: str,
    thresholds: Sequence[float],
    steps: Sequence[float],
    trigger: bool,
    explain: bool,
    step: int = 0,
    indent: str = "        ",
) -> list[str]:
    """The lines choosing the step of a rule that fired (its first threshold reached): the
    next step applies while the value reaches its threshold too."""
    if step == len(thresholds) - 1:
        return _leaf(pos, step, steps[step], trigger, indent, explain)
    deeper = _steps(pos, op, thresholds, steps, trigger, explain, step + 1, indent + "    ")
    return [
        f"{indent}if v {op} {_number(thresholds[step + 1])}:",
        *deeper,
        f"{indent}else:",
        *_leaf(pos, step, steps[step], trigger, indent + "    ", explain),
    ]


class RuleProgram:
    """The compiled program of one rule policy (see the module docstring).

    Args:
        rows: The policy's rules in order, each ``(feature_index, at_least, thresholds,
            log_odds, reason, feature, action, trigger_code, id, when, when_any)``.
        base: The policy's ``base_log_odds``.
        factor: The scale's points per unit of log-odds.
    """

    __slots__ = ("explain", "log_odds", "source")

    explain: Callable[[Sequence[float]], tuple[float, list[Factor], list[Trigger]]]
    log_odds: Callable[[Sequence[float]], float]
    source: str

    def __init__(self, rows: Sequence[tuple[Any, ...]], base: float, factor: float) -> None:
        cache: dict[tuple[int, int, float], Factor] = {}
        made: dict[int, Any] = {}  # rule position -> (reason, points per step, feature)
        triggers: dict[int, Trigger] = {}
        ex = ["def explain(feats):", f"    lo = {_number(base)}", "    fs = []", "    ts = []"]
        lo = ["def log_odds(feats):", f"    lo = {_number(base)}"]
        for pos, row in enumerate(rows):
            index, at_least, thresholds, steps, reason, feature, action, tcode, rid, when, any_ = (
                row
            )
            op = ">=" if at_least else "<"
            made[pos] = (reason, tuple(-factor * s for s in steps), feature)
            if action is not None:
                triggers[pos] = make_trigger(tcode, action, rid)
            test = [f"v {op} {_number(thresholds[0])}"]
            if when:
                test.extend(_condition(c) for c in when)
            if any_:
                test.append("(" + " or ".join(_condition(c) for c in any_) + ")")
            head = [
                f"    # rule {pos}",
                f"    v = feats[{int(index)}]",
                "    if " + " and ".join(test) + ":",
            ]
            trig = pos in triggers
            ex += head + _steps(pos, op, thresholds, steps, trig, True)
            if any(s != 0.0 for s in steps):  # a rule adding nothing leaves log_odds alone
                lo += head + _steps(pos, op, thresholds, steps, trig, False)
        ex.append("    return lo, fs, ts")
        lo.append("    return lo")

        def mk(pos: int, step: int, v: float) -> Factor:
            if len(cache) >= FACTOR_CACHE_SIZE:
                cache.clear()
            reason, points, feature = made[pos]
            f = cache[(pos, step, v)] = make_factor(reason, points[step], feature, v)
            return f

        namespace: dict[str, Any] = {"cget": cache.get, "mk": mk, "__builtins__": {}}
        namespace.update({f"T{pos}": t for pos, t in triggers.items()})
        self.source = "\n".join(ex) + "\n\n\n" + "\n".join(lo) + "\n"
        exec(compile(self.source, "<rule policy program>", "exec"), namespace)
        self.explain = namespace["explain"]
        self.log_odds = namespace["log_odds"]
