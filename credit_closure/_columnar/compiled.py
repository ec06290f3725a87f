"""The small compiled helpers of columnar scoring (used when numba is installed).

Besides the kernel (:mod:`credit_closure._columnar.kernel`), numba compiles four one-pass
helpers that the input checks and the scorecard use:

- :func:`ticks_to_days` and :func:`number_flags`: the checks of a date or number column in one
  pass (:mod:`credit_closure._columnar.tables` falls back to numpy without numba);
- :func:`search_sorted`: ``np.searchsorted`` by one merge pass when the keys are sorted;
- :func:`scale_many`: probability, points, band and decision of many log-odds values with the
  same C library functions as Python's ``math`` module, hence the same bits as
  :class:`~credit_closure._scoring.scale.Scale` (``tests/test_columnar.py`` checks it).

This module also owns the one numba import of the package: :func:`available` says whether it
succeeded and :func:`njit` is the decorator every compiled function uses (numba's
``cache=True``: compiled once, then loaded from disk; the plain Python function when numba is
missing). The compiled functions carry numpy annotations for the type checker; numba ignores
them and compiles one specialisation per argument type as usual.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

__all__ = ["available", "njit", "number_flags", "scale_many", "search_sorted", "ticks_to_days"]

# numba is optional: typed as Any (it has no type information), None when it is missing.
_numba: Any
try:  # pragma: no cover - exercised when numba is installed (the test extra has it)
    import numba as _numba

    _HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    _numba = None
    _HAVE_NUMBA = False


def available() -> bool:
    """Whether the compiled engine can run here (numba importable)."""
    return _HAVE_NUMBA


_F = TypeVar("_F", bound=Callable[..., Any])


def njit(fn: _F) -> _F:
    """``numba.njit`` with the package's options (cached on disk, no GIL, numpy's error
    model); ``fn`` itself when numba is missing. Typed as returning ``fn``'s own signature:
    the dispatcher numba returns is called with the same arguments and gives the same
    results."""
    if not _HAVE_NUMBA:  # pragma: no cover
        return fn
    return cast(_F, _numba.njit(cache=True, nogil=True, error_model="numpy")(fn))


@njit
def _scale_many(
    lo: np.ndarray,
    logistic: bool,
    offset: float,
    factor: float,
    smin: float,
    smax: float,
    band_min: np.ndarray,
    approve_at: float,
    decline_below: float,
    score: np.ndarray,
    prob: np.ndarray,
    band: np.ndarray,
    dec: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for i in range(lo.size):
        z = lo[i]
        if logistic and z < 0.0:  # LogisticScorer's _sigmoid
            e = math.exp(z)
            p = e / (1.0 + e)
        else:
            p = 1.0 / (1.0 + math.exp(-z))
        if p <= 0.0:  # Scale.points
            s = smax
        elif p >= 1.0:
            s = smin
        else:
            s = offset - factor * (math.log(p) - math.log1p(-p))
            if s < smin:
                s = smin
            elif s > smax:
                s = smax
        if s == smin or s == smax:  # Scale.scored: the probability the clipped score stands for
            p = 1.0 / (1.0 + math.exp(-((offset - s) / factor)))
        score[i] = s
        prob[i] = p
        k = band_min.size - 1  # Scale.band
        for j in range(band_min.size):
            if s >= band_min[j]:
                k = j
                break
        band[i] = k
        if s >= approve_at:  # Scale.decide
            dec[i] = 0
        elif s < decline_below:
            dec[i] = 2
        else:
            dec[i] = 1


def scale_many(
    log_odds: np.ndarray, scale: Any, *, logistic: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score, probability (as ``Scale.scored`` gives them), band index and cutoff decision
    index (0 approve, 1 refer, 2 decline) for every log-odds value: the probability by the
    rule scorer's formula, or ``LogisticScorer``'s with ``logistic``. The same libm functions
    as Python's ``math`` module, so the same bits (``tests/test_columnar.py`` checks it)."""
    lo = np.ascontiguousarray(log_odds, dtype=np.float64)
    score = np.empty(lo.size)
    prob = np.empty(lo.size)
    band = np.empty(lo.size, dtype=np.int64)
    dec = np.empty(lo.size, dtype=np.int8)
    band_min = np.array([b.min_score for b in scale.bands], dtype=np.float64)
    _scale_many(
        lo,
        logistic,
        float(scale.offset),
        float(scale.factor),
        float(scale.min_score),
        float(scale.max_score),
        band_min,
        float(scale.approve_at),
        float(scale.decline_below),
        score,
        prob,
        band,
        dec,
    )
    return score, prob, band, dec


@njit
def _ticks_to_days(
    ticks: np.ndarray,
    per_day: int,
    min_day: int,
    max_day: int,
    days: np.ndarray,
    known: np.ndarray,
    flags: np.ndarray,
) -> None:  # pragma: no cover - compiled
    nat = np.iinfo(np.int64).min
    for i in range(ticks.size):
        t = ticks[i]
        if t == nat:
            days[i] = 0
            known[i] = False
            flags[i] = 0
            continue
        # the usual units with a constant divisor (compiled to a multiplication)
        if per_day == 86_400_000_000_000:  # ns
            d = t // 86_400_000_000_000
        elif per_day == 86_400_000_000:  # us
            d = t // 86_400_000_000
        elif per_day == 86_400:  # s
            d = t // 86_400
        elif per_day == 1:  # D
            d = t
        else:
            d = t // per_day
        fl = 0
        if d * per_day != t:
            fl = 1
        if d < min_day:
            fl |= 2
        if d > max_day:
            fl |= 4
        days[i] = d
        known[i] = True
        flags[i] = fl


def ticks_to_days(
    ticks: np.ndarray, per_day: int, min_day: int, max_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day numbers of ``datetime64`` ticks (``per_day`` ticks a day; 0 where ``NaT``), the
    known mask, and per value the problem bits: 1 not a whole day, 2 before ``min_day``,
    4 after ``max_day`` (the numpy engine's checks, in one pass)."""
    days = np.empty(ticks.size, dtype=np.int64)
    known = np.empty(ticks.size, dtype=np.bool_)
    flags = np.empty(ticks.size, dtype=np.uint8)
    _ticks_to_days(
        ticks, np.int64(per_day), np.int64(min_day), np.int64(max_day), days, known, flags
    )
    return days, known, flags


@njit
def _number_flags(
    arr: np.ndarray, hi: float, integer: bool, flags: np.ndarray
) -> bool:  # pragma: no cover - compiled
    any_ = False
    for i in range(arr.size):
        v = arr[i]
        fl = 0
        if v == v:
            if v - v != 0.0:  # infinite
                fl = 1
            else:
                if v < 0:
                    fl |= 2
                if v > hi:
                    fl |= 4
                if integer and v != np.trunc(v):
                    fl |= 8
        flags[i] = fl
        if fl:
            any_ = True
    return any_


def number_flags(arr: np.ndarray, hi: float, integer: bool) -> np.ndarray:
    """Per value the problem bits of a number column (1 infinite, 2 negative, 4 above ``hi``,
    8 not whole when ``integer``; NaN is none), in one pass. Returns an empty array when no
    value has a problem (the usual case), else the bits."""
    flags = np.empty(arr.size, dtype=np.uint8)
    if _number_flags(np.ascontiguousarray(arr, dtype=np.float64), float(hi), bool(integer), flags):
        return flags
    return flags[:0]


@njit
def _merge_positions(
    hay: np.ndarray, keys: np.ndarray, out: np.ndarray
) -> bool:  # pragma: no cover - compiled
    """``np.searchsorted(hay, keys)`` (side left) by one merge pass; False (``out`` unfinished)
    when ``keys`` are not sorted."""
    j = 0
    m = hay.size
    prev = keys[0] if keys.size else 0
    for i in range(keys.size):
        k = keys[i]
        if k < prev:
            return False
        prev = k
        while j < m and hay[j] < k:
            j += 1
        out[i] = j
    return True


def search_sorted(hay: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(hay, keys)`` for sorted ``hay``: one linear merge when ``keys`` are
    sorted too (the usual layout of the long tables), else numpy's binary search."""
    out = np.empty(keys.size, dtype=np.int64)
    if hay.dtype == keys.dtype == np.int64 and _merge_positions(hay, keys, out):
        return out
    return np.searchsorted(hay, keys)
