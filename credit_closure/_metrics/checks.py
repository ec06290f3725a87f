"""Input checks of :mod:`credit_closure.metrics`: they collect problems; callers raise once.

Every check appends ``(argument_name, message)`` pairs to a list and returns ``None`` for a
bad value, so that a caller can check all its arguments before raising one
:class:`~credit_closure.exceptions.InvalidInputError` that lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from credit_closure.exceptions import InvalidInputError

Problems = list[tuple[str, str]]


def vector(value: Any, name: str, problems: Problems) -> np.ndarray | None:
    """Return ``value`` as a non-empty 1-D numeric array, or record a problem and None."""
    try:
        arr = np.asarray(value)
    except Exception:  # ragged nesting and the like
        problems.append((name, "must be a one-dimensional array of numbers"))
        return None
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            problems.append((name, "must contain numbers only"))
            return None
    if arr.dtype.kind not in "biuf":
        problems.append((name, f"must contain numbers only (got dtype {arr.dtype})"))
        return None
    if arr.ndim != 1:
        problems.append((name, f"must be one-dimensional (got shape {arr.shape})"))
        return None
    if arr.size == 0:
        problems.append((name, "must not be empty"))
        return None
    return arr


def finite_vector(value: Any, name: str, problems: Problems) -> np.ndarray | None:
    """A non-empty 1-D float64 array without NaN or infinities."""
    arr = vector(value, name, problems)
    if arr is None:
        return None
    arr = arr.astype(np.float64, copy=False)
    finite = np.isfinite(arr)
    if not finite.all():
        nan = np.isnan(arr)
        parts = []
        n_nan = int(nan.sum())
        n_inf = int((~finite).sum()) - n_nan
        if n_nan:
            parts.append(f"{n_nan} NaN, first at index {int(np.argmax(nan))}")
        if n_inf:
            inf = np.isinf(arr)
            parts.append(f"{n_inf} infinite, first at index {int(np.argmax(inf))}")
        problems.append((name, "must be finite; found " + "; ".join(parts)))
        return None
    return arr


def labels(value: Any, name: str, problems: Problems) -> np.ndarray | None:
    """A non-empty 1-D int64 array of 0/1."""
    arr = vector(value, name, problems)
    if arr is None:
        return None
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    ok = (arr == 0) | (arr == 1)
    if not ok.all():
        n_bad = int((~ok).sum())
        first = int(np.argmax(~ok))
        problems.append(
            (
                name,
                f"must contain only 0 (good) and 1 (bad); {n_bad} other value(s), "
                f"first at index {first}",
            )
        )
        return None
    return arr.astype(np.int64)


def labels_and_scores(
    y: Any,
    score: Any,
    problems: Problems,
    *,
    y_name: str = "y",
    score_name: str = "risk",
    both_classes: bool = True,
    unit_interval: bool = False,
) -> tuple[np.ndarray, np.ndarray] | None:
    y_arr = labels(y, y_name, problems)
    s_arr = finite_vector(score, score_name, problems)
    if s_arr is not None and unit_interval:
        outside = (s_arr < 0.0) | (s_arr > 1.0)
        if outside.any():
            problems.append(
                (
                    score_name,
                    f"must lie in [0, 1]; {int(outside.sum())} value(s) outside, "
                    f"first at index {int(np.argmax(outside))}",
                )
            )
            s_arr = None
    if y_arr is not None and both_classes:
        n_bad = int(y_arr.sum())
        if n_bad == 0 or n_bad == y_arr.size:
            only = "1 (bad)" if n_bad else "0 (good)"
            problems.append((y_name, f"must contain both classes 0 and 1; got only {only}"))
            y_arr = None
    n_y = length(y)
    n_s = length(score)
    if n_y is not None and n_s is not None and n_y != n_s:
        problems.append((score_name, f"must have the same length as {y_name} ({n_y}), got {n_s}"))
        return None
    if y_arr is None or s_arr is None:
        return None
    return y_arr, s_arr


def length(value: Any) -> int | None:
    """Length of a 1-D array-like, or None when it has no sensible length."""
    try:
        arr = np.asarray(value)
    except Exception:
        return None
    return int(arr.shape[0]) if arr.ndim == 1 else None


def positive_int(value: Any, name: str, problems: Problems) -> int | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        problems.append((name, f"must be an integer >= 1 (got {type(value).__name__})"))
        return None
    if value < 1:
        problems.append((name, f"must be an integer >= 1 (got {int(value)})"))
        return None
    return int(value)


def counts(value: Any, name: str, problems: Problems) -> np.ndarray | None:
    arr = finite_vector(value, name, problems)
    if arr is None:
        return None
    if (arr < 0).any():
        problems.append((name, "must not contain negative counts"))
        return None
    if arr.sum() <= 0:
        problems.append((name, "must have a positive total"))
        return None
    return arr


def count_pair(
    expected_counts: Any,
    actual_counts: Any,
    problems: Problems,
    *,
    expected_name: str = "expected_counts",
    actual_name: str = "actual_counts",
) -> tuple[np.ndarray, np.ndarray] | None:
    e = counts(expected_counts, expected_name, problems)
    a = counts(actual_counts, actual_name, problems)
    n_e = length(expected_counts)
    n_a = length(actual_counts)
    if n_e is not None and n_a is not None and n_e != n_a:
        problems.append(
            (actual_name, f"must have as many bins as {expected_name} ({n_e}), got {n_a}")
        )
        return None
    if e is None or a is None:
        return None
    return e, a


def raise_if(problems: Problems) -> None:
    if problems:
        raise InvalidInputError(problems)


def input_pairs(input_counts: Any, problems: Problems) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The checked ``(expected, actual)`` count arrays of every input of ``input_counts``."""
    pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if input_counts is None:
        return pairs
    if not isinstance(input_counts, Mapping):
        problems.append(("input_counts", "must be a mapping of name to (expected, actual)"))
        return pairs
    for name, pair in input_counts.items():
        where = f"input_counts[{name!r}]"
        if not isinstance(name, str):
            problems.append((where, "input name must be a string"))
            continue
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            problems.append((where, "must be a pair (expected_counts, actual_counts)"))
            continue
        got = count_pair(
            pair[0],
            pair[1],
            problems,
            expected_name=f"{where}.expected_counts",
            actual_name=f"{where}.actual_counts",
        )
        if got is not None:
            pairs[name] = got
    return pairs
