"""Scoring profiles for :func:`credit_closure.metrics.validation_report`.

The report itself is computed on arrays (:func:`~credit_closure.metrics.validation_report_from_arrays`);
this module turns a scorer and labelled profiles into those arrays: the dates, the
probabilities and scale points of every profile, and the CSI counts of a logistic scorecard
on the bins frozen at training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from credit_closure._metrics.checks import Problems
from credit_closure.exceptions import InvalidInputError


def report_dates(value: Any, n: int, name: str, problems: Problems) -> list[Any]:
    """``value`` as one date per profile (``date`` or ``"YYYY-MM-DD"``, one or a list)."""
    import datetime as _dt

    def one(v: Any, path: str) -> Any:
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return v
        if isinstance(v, str) and len(v) == 10:
            try:
                return _dt.date.fromisoformat(v)
            except ValueError:
                pass
        problems.append((path, "must be a date or a YYYY-MM-DD string"))
        return None

    if isinstance(value, (list, tuple)):
        if len(value) != n:
            problems.append(
                (name, f"must be one date or one per profile (got {len(value)} for {n} profiles)")
            )
            return []
        return [one(v, f"{name}[{i}]") for i, v in enumerate(value)]
    d = one(value, name)
    return [d] * n


def score_all(
    obj: Any, profiles: Any, dates: list[Any], name: str, problems: Problems
) -> tuple[list[Any], list[Any]]:
    """Probabilities and clipped scale points of every profile (problems collected)."""
    from credit_closure._contract.model import CreditProfile
    from credit_closure._scoring.scale import DEFAULT_SCALE, Scale

    scale = getattr(obj, "scale", None)
    if not isinstance(scale, Scale):
        scale = DEFAULT_SCALE
    probs: list[Any] = []
    points: list[Any] = []
    for i, (p, d) in enumerate(zip(profiles, dates)):
        if not isinstance(p, CreditProfile):
            problems.append((f"{name}[{i}]", f"must be a CreditProfile (got {type(p).__name__})"))
            continue
        if d is None:
            continue
        late = p.dated_after(d)
        if late:
            problems.extend((f"{name}[{i}].{path}", msg) for path, msg in late)
            continue
        try:
            pd = obj.score(p, d).probability_of_default
        except InvalidInputError as exc:
            problems.extend(exc.prefixed(f"{name}[{i}]"))
            continue
        probs.append(pd)
        points.append(scale.points(scale.clip_probability(pd)))
    return probs, points


def baseline_points(
    obj: Any,
    baseline_profiles: Any,
    as_of: Any,
    baseline_as_of: Any,
    problems: Problems,
) -> tuple[list[Any] | None, list[tuple[Any, Any]]]:
    """Scale points of the baseline profiles, and the (profile, date) pairs scored."""
    base_points = None
    base_idx: list[tuple[Any, Any]] = []
    if baseline_profiles is None:
        return base_points, base_idx
    if isinstance(baseline_profiles, (str, bytes, Mapping)) or not isinstance(
        baseline_profiles, Sequence
    ):
        problems.append(("baseline_profiles", "must be a sequence of CreditProfile"))
        return base_points, base_idx
    b_as_of = as_of if baseline_as_of is None else baseline_as_of
    if baseline_as_of is None and isinstance(as_of, (list, tuple)):
        problems.append(("baseline_as_of", "is required when as_of is one date per profile"))
        b_dates: list[Any] = []
    else:
        b_dates = report_dates(b_as_of, len(baseline_profiles), "baseline_as_of", problems)
    if b_dates:
        _, base_points = score_all(obj, baseline_profiles, b_dates, "baseline_profiles", problems)
        base_idx = list(zip(baseline_profiles, b_dates))
    return base_points, base_idx


def frozen_bin_counts(
    obj: Any, base_idx: list[tuple[Any, Any]], profiles: Sequence[Any], dates: list[Any]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per input of a fitted logistic scorecard: baseline and recent counts per frozen bin."""
    inputs = obj.inputs_
    expected = [np.zeros(len(i.points)) for i in inputs]
    actual = [np.zeros(len(i.points)) for i in inputs]
    for p, d in base_idx:
        for j, b in enumerate(obj.bin_indices(p, d)):
            expected[j][b] += 1
    for p, d in zip(profiles, dates):
        for j, b in enumerate(obj.bin_indices(p, d)):
            actual[j][b] += 1
    return {inp.key: (expected[j], actual[j]) for j, inp in enumerate(inputs)}
