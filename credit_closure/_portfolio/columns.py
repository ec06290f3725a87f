"""Checks of the long counts format, column by column (:mod:`credit_closure.portfolio`)."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from credit_closure.exceptions import InvalidInputError

#: The columns of the long counts format (``segment`` is optional).
COUNT_COLUMNS = ("period", "segment", "open_at_start", "closures", "voluntary", "involuntary")
MAX_PROBLEMS = 50

Problem = tuple[str, str]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------------------
# Small checked helpers
# ---------------------------------------------------------------------------------------
def raise_if(problems: list[Problem], what: str = "closure counts") -> None:
    if problems:
        raise InvalidInputError(problems, what=what)


def num_in(v: Any, lo: float, hi: float, *, lo_open: bool = False) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return False
    return (v > lo if lo_open else v >= lo) and v <= hi


def float_array(value: Any, name: str, problems: list[Problem]) -> np.ndarray | None:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        problems.append((name, "must be a one-dimensional sequence of numbers"))
        return None
    if arr.ndim != 1:
        problems.append((name, f"must be one-dimensional (got shape {arr.shape})"))
        return None
    if not np.isfinite(arr).all():
        problems.append((name, "must be finite"))
        return None
    return arr


def labels(values: Any, name: str, problems: list[Problem], *, as_str: bool) -> list[Any] | None:
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        if np.isnat(values).any():
            problems.append((name, "must not have missing dates"))
            return None
        values = np.datetime_as_string(values, unit="D")
    arr = values.tolist() if isinstance(values, np.ndarray) else list(values)
    out = []
    bad = 0
    for i, v in enumerate(arr):
        if isinstance(v, (np.generic,)):
            v = v.item()
        if isinstance(v, bool) or v is None or (isinstance(v, float) and not math.isfinite(v)):
            bad += 1
            if bad <= 5:
                problems.append((f"{name}[{i}]", "must be a label (a string or an integer)"))
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, (_dt.date, _dt.datetime)):
            v = v.isoformat()
        if as_str or not isinstance(v, int):
            v = str(v)
        if isinstance(v, str) and (not v or len(v) > 64):
            bad += 1
            if bad <= 5:
                problems.append((f"{name}[{i}]", "must be 1 to 64 characters"))
            continue
        out.append(v)
    if bad:
        return None
    if not as_str and len({type(v) for v in out}) > 1:
        problems.append((name, "must be all integers or all strings"))
        return None
    return out


def count_column(values: Any, name: str, problems: list[Problem]) -> np.ndarray | None:
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):  # pragma: no cover - ragged input
        problems.append((name, "must be a one-dimensional array of integers"))
        return None
    if arr.ndim != 1:
        problems.append((name, "must be a one-dimensional array of integers"))
        return None
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int64)
    elif arr.dtype.kind == "f":
        if not np.isfinite(arr).all() or (arr != np.floor(arr)).any():
            problems.append((name, "must hold whole numbers"))
            return None
        if (np.abs(arr) >= 2.0**63).any():
            problems.append((name, "holds a count beyond the 64-bit integer range"))
            return None
        out = arr.astype(np.int64)
    elif arr.dtype.kind == "O":
        ok = all(not isinstance(v, bool) and isinstance(v, (int, np.integer)) for v in arr.tolist())
        if not ok:
            problems.append((name, "must hold integers"))
            return None
        if any(not -(2**63) <= int(v) < 2**63 for v in arr.tolist()):
            problems.append((name, "holds a count beyond the 64-bit integer range"))
            return None
        out = arr.astype(np.int64)
    else:
        problems.append((name, f"must hold integers (got {arr.dtype})"))
        return None
    neg = np.flatnonzero(out < 0)
    for i in neg[:5].tolist():
        problems.append((f"{name}[{i}]", "must be >= 0"))
    if neg.size > 5:
        problems.append((name, f"has {neg.size} negative values in all"))
    return out if neg.size == 0 else None


def columns(data: Any) -> dict[str, Any]:
    """The columns of a dict of arrays, a DataFrame or a sequence of row mappings."""
    mod = type(data).__module__ or ""
    if mod.startswith("pandas") and hasattr(data, "columns") and hasattr(data, "to_dict"):
        return {str(c): data[c].to_numpy() for c in data.columns}
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(data, (list, tuple)):
        if not data:
            raise InvalidInputError([("counts", "has no rows")], what="closure counts")
        cols: dict[str, list[Any]] = {}
        problems: list[Problem] = []
        keys: set[Any] | None = None
        for i, row in enumerate(data):
            if not isinstance(row, Mapping):
                problems.append((f"rows[{i}]", "must be an object with the count columns"))
                continue
            if keys is None:
                keys = set(row)
            elif set(row) != keys:
                problems.append((f"rows[{i}]", "must have the same columns as rows[0]"))
                continue
            for k, v in row.items():
                cols.setdefault(str(k), []).append(v)
            if len(problems) >= MAX_PROBLEMS:
                break
        raise_if(problems)
        return cols
    raise InvalidInputError(
        [
            (
                "counts",
                "must be a dict of columns, a pandas DataFrame or a sequence of rows "
                f"(got {type(data).__name__})",
            )
        ],
        what="closure counts",
    )


def check_columns(
    cols: dict[str, Any],
) -> tuple[list[Any], list[str], tuple[IntArray, IntArray, IntArray, IntArray], list[int]]:
    """Check the columns of counts in the long format, every problem at once.

    Returns:
        The period and segment labels, the four count arrays (``open_at_start``,
        ``closures``, ``voluntary``, ``involuntary``) and the row order by segment, period.

    Raises:
        InvalidInputError: listing every problem (see
            :func:`credit_closure.portfolio.closure_counts`).
    """
    problems: list[Problem] = []
    for k in cols:
        if k not in COUNT_COLUMNS:
            problems.append(
                (k, "is not a known column; the columns are " + ", ".join(COUNT_COLUMNS))
            )
    for k in COUNT_COLUMNS:
        if k != "segment" and k not in cols:
            problems.append((k, "is a required column"))
    raise_if(problems)
    lengths = {k: len(v) for k, v in cols.items()}
    n = lengths["period"]
    for k, m in lengths.items():
        if m != n:
            problems.append((k, f"has {m} rows; period has {n}"))
    if n == 0:
        problems.append(("period", "has no rows"))
    raise_if(problems)
    period = labels(cols["period"], "period", problems, as_str=False)
    segment = (
        labels(cols["segment"], "segment", problems, as_str=True)
        if "segment" in cols
        else ["all"] * n
    )
    arrays = {
        k: count_column(cols[k], k, problems)
        for k in ("open_at_start", "closures", "voluntary", "involuntary")
    }
    raise_if(problems)
    o, c, v, i = (arrays[k] for k in ("open_at_start", "closures", "voluntary", "involuntary"))
    assert o is not None and c is not None and v is not None and i is not None
    checks = (
        (o < 1, "open_at_start", "must be >= 1 (leave out a period with no open account)"),
        (c > o, "closures", "must not exceed open_at_start"),
        (v + i > c, "voluntary", "plus involuntary must not exceed closures"),
    )
    for mask, name, msg in checks:
        rows = np.flatnonzero(mask)
        for r in rows[:10].tolist():
            problems.append((f"{name}[{r}]", msg))
        if rows.size > 10:
            problems.append((name, f"{msg}: {rows.size} rows in all"))
    assert period is not None and segment is not None
    order = sorted(range(n), key=lambda r: (segment[r], period[r]))
    for a, b in zip(order, order[1:]):
        if segment[a] == segment[b] and period[a] == period[b]:
            problems.append(
                (f"period[{b}]", f"repeats period {period[b]!r} of segment {segment[b]!r}")
            )
            if len(problems) > MAX_PROBLEMS:
                break
    raise_if(problems)
    return period, segment, (o, c, v, i), order
