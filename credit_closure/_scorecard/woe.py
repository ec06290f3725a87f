"""Weight of evidence (WOE), information value (IV) and the exact monotonicity test: the
conventions every binning shares (the formulas are in the docstring of
:mod:`credit_closure._scorecard.binning`).

Holds the smoothing constants and their parameter check, :func:`_woe_iv` (the WOE per bin
and the IV, with products that are exact in floating point), its vectorised IV terms for the
merge engine and the exact search, and the integer tests of adjacent bins
(:func:`_violates`) and of whole shapes (:func:`_has_shape`, :func:`_turns`).

A fitted scorecard's log-odds term of a bin is ``coefficient * woe`` of the WOE computed
here (:class:`credit_closure._scorecard.fitted.ScorecardInput`); scoring only looks those
terms up and never recomputes a WOE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, NamedTuple

from credit_closure._scorecard._validation import Problem, type_name

if TYPE_CHECKING:
    import numpy as np

#: The default additive smoothing ``a`` of the WOE (see the module docstring of
#: :mod:`credit_closure._scorecard.binning`); a binning may be fitted with another multiple
#: of 0.5 up to :data:`MAX_SMOOTHING` (``smoothing=``).
SMOOTHING = 0.5

#: The largest smoothing accepted. Larger pseudo-counts swamp any bin of a few hundred rows;
#: the exact monotonicity tests stay within int64 up to about 3 billion rows either way
#: (the doubled odds multiply two disjoint row counts, and ``2a`` adds at most 32 to each).
MAX_SMOOTHING = 16.0

#: Largest ``prebins`` accepted (the merge stage is quadratic in the number of pre-bins).
#: Here, with the other parameter bounds, so that checking parameters imports no numpy.
MAX_PREBINS = 1000

_DIRECTIONS = ("increasing", "decreasing")
_UNIMODAL = ("peak", "valley")
_SHAPES = _DIRECTIONS + _UNIMODAL


class WoeIv(NamedTuple):
    """The WOE of every bin (missing bin last) and the IV of the binning."""

    woe: tuple[float, ...]
    iv: float


def _check_smoothing(problems: list[Problem], name: str, value: Any) -> None:
    """Record a problem unless ``value`` is a multiple of 0.5 in [0.5, MAX_SMOOTHING]."""
    if isinstance(value, bool) or not isinstance(value, Real):  # numpy's numbers are Real
        problems.append((name, f"must be a number (got {type_name(value)})"))
        return
    try:
        v = float(value)
    except OverflowError:  # an int beyond the float range
        v = math.inf
    if not (0.5 <= v <= MAX_SMOOTHING and (2.0 * v).is_integer()):
        problems.append(
            (
                name,
                f"must be a multiple of 0.5 between 0.5 and {MAX_SMOOTHING:g} "
                f"(got {v!r}), so the monotonicity tests stay exact",
            )
        )


def _woe_iv(counts: Sequence[int], bads: Sequence[int], a: float = SMOOTHING) -> WoeIv:
    """WOE per bin and IV, with the convention of the module docstring.

    The WOE is computed as ``ln(((bad+a)*(G+a*k)) / ((good+a)*(B+a*k)))`` whose products are
    exact in floating point, so two bins with the same smoothed odds get the same WOE and a
    monotonic odds sequence gives a monotonic WOE sequence. ``p - q`` is computed from the
    same exact products, so each IV term is >= 0. ``a`` is the smoothing.
    """
    total = sum(counts)
    n_bad = sum(bads)
    n_good = total - n_bad
    k = sum(1 for c in counts if c > 0)
    den_b = n_bad + a * k
    den_g = n_good + a * k
    woe: list[float] = []
    terms: list[float] = []
    for c, b in zip(counts, bads):
        if c == 0:
            woe.append(0.0)
            continue
        num = (b + a) * den_g
        den = (c - b + a) * den_b
        w = math.log(num / den) + 0.0  # + 0.0 turns a -0.0 into 0.0
        woe.append(w)
        terms.append((num - den) / (den_b * den_g) * w)
    return WoeIv(tuple(woe), float(math.fsum(terms)))


def _terms_vec(b: np.ndarray, c: np.ndarray, den_b: float, den_g: float, a: float) -> np.ndarray:
    """Vectorised IV terms for bins with ``b`` bads out of ``c`` rows (all ``c`` > 0)."""
    import numpy as np  # fitting only: scoring with a fitted binning imports no numpy

    num = (b + a) * den_g
    den = (c - b + a) * den_b
    terms: np.ndarray = (num - den) / (den_b * den_g) * np.log(num / den)
    return terms


def _iv_terms(c: np.ndarray, b: np.ndarray, den_b: float, den_g: float, a: float) -> np.ndarray:
    """IV terms of bins with ``c`` rows and ``b`` bads; ``-inf`` where ``c <= 0``."""
    import numpy as np  # fitting only

    with np.errstate(divide="ignore", invalid="ignore"):
        num = (b + a) * den_g
        den = (c - b + a) * den_b
        t = (num - den) / (den_b * den_g) * np.log(num / den)
    terms: np.ndarray = np.where(c > 0, t, -np.inf)
    return terms


def _violates(cl: int, bl: int, cr: int, br: int, direction: str, a2: int = 1) -> bool:
    """Whether the adjacent bins (left ``cl``/``bl``, right ``cr``/``br``) break monotonicity.

    Both the bad rate and the smoothed odds (hence the WOE) must be monotonic; comparisons are
    exact integer arithmetic: ``a2`` is twice the smoothing ``a`` (a multiple of 0.5), and the
    odds are compared doubled.
    """
    rate_l, rate_r = bl * cr, br * cl
    odds_l = (2 * bl + a2) * (2 * (cr - br) + a2)
    odds_r = (2 * br + a2) * (2 * (cl - bl) + a2)
    if direction == "increasing":
        return rate_l > rate_r or odds_l > odds_r
    return rate_l < rate_r or odds_l < odds_r


def _unimodal_sides(shape: str) -> tuple[str, str]:
    """The directions before and after the turn of a ``"peak"`` or a ``"valley"``."""
    return ("increasing", "decreasing") if shape == "peak" else ("decreasing", "increasing")


def _has_shape(counts: Sequence[int], bads: Sequence[int], shape: str, a2: int = 1) -> bool:
    """Whether the non-empty bins' bad rates and WOE have ``shape`` (a peak: non-decreasing
    up to a turning bin, then non-increasing; a valley: the reverse; a monotonic shape
    is a peak or valley turning at an end). ``a2`` is twice the smoothing."""
    first, second = (shape, shape) if shape in _DIRECTIONS else _unimodal_sides(shape)
    cb = [(int(c), int(b)) for c, b in zip(counts, bads) if c > 0]
    pairs = list(zip(cb, cb[1:]))
    k = next(
        (i for i, (left, right) in enumerate(pairs) if _violates(*left, *right, first, a2)),
        len(pairs),
    )
    return not any(_violates(*left, *right, second, a2) for left, right in pairs[k + 1 :])


def _turns(counts: Sequence[int], bads: Sequence[int]) -> bool:
    """Whether the bad rates of the non-empty bins both rise and fall somewhere."""
    cb = [(int(c), int(b)) for c, b in zip(counts, bads) if c > 0]
    up = any(bl * cr < br * cl for (cl, bl), (cr, br) in zip(cb, cb[1:]))
    down = any(bl * cr > br * cl for (cl, bl), (cr, br) in zip(cb, cb[1:]))
    return up and down
