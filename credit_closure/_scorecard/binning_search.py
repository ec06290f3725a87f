"""How pre-bins are grouped into bins: the greedy merge engine and the exact search.

* ``method="greedy"`` (:func:`_merge_all`): pool adjacent violators (:func:`_pav`), merge
  the bins below the smallest share into their nearest-rate neighbour (:func:`_merge_small`),
  then merge the adjacent pair losing the least IV until ``max_bins`` remain
  (:func:`_merge_iv`), keeping the shape after every merge.
* ``method="optimal"`` (:func:`_optimal`): the grouping with the largest IV under the same
  limits, found exactly by dynamic programming over bin boundaries.

Both work on per-pre-bin row and bad counts and return one :class:`Bin` (first pre-bin,
rows, bads) per bin, in order; the numeric and categorical fits of
:mod:`credit_closure._scorecard.binning` turn them into cut points or groups. The method and
its numbers are described in that module's docstring.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from credit_closure._scorecard.woe import (
    _DIRECTIONS,
    _iv_terms,
    _terms_vec,
    _unimodal_sides,
    _violates,
)

#: ``method`` choices of :func:`~credit_closure._scorecard.binning.fit_numeric` and
#: :func:`~credit_closure._scorecard.binning.fit_categorical`.
METHODS = ("optimal", "greedy")

#: The exact optimiser works on at most this many pre-bins (its cost grows with their cube);
#: a column with more (a large ``prebins``, a categorical column with many categories) is
#: first reduced to this many by the greedy least-IV-loss merge.
OPTIMAL_MAX_PREBINS = 64


class Bin(NamedTuple):
    """One bin of adjacent pre-bins: the index of its first pre-bin, its rows and bads."""

    start: int
    rows: int
    bads: int


class Turn(NamedTuple):
    """The pair constraint of a unimodal shape: ``left`` on the pairs inside pre-bins
    ``[0, at)``, ``right`` on the pairs inside ``[at, m)`` (see :func:`_pair_direction`)."""

    left: str
    right: str
    at: int


#: The pair constraint of the merge engine: ``None`` (none), a direction, or a
#: :class:`Turn` for a unimodal shape turning at a pre-bin.
Constraint = str | Turn | None

#: A bin inside the merge engine: ``[start, rows, bads]``, a list merged in place (the
#: engine runs once per turning point tried); :func:`_merge_all` and :func:`_optimal`
#: return :class:`Bin` tuples.
_Pooled = list[int]


# --------------------------------------------------------------------------------------
# Pair tests under a constraint
# --------------------------------------------------------------------------------------
def _pair_direction(constraint: Constraint, e: int) -> str | None:
    """The direction required of two adjacent bins whose right one starts at pre-bin ``e``.

    A unimodal constraint ``(left, right, s)`` asks for ``left`` on the pairs inside pre-bins
    ``[0, s)``, ``right`` on the pairs inside ``[s, m)``, and either of the two of the pair
    that meets at ``s`` (``None`` here; :func:`_violates_at` then refuses only a pair whose
    bad rate and WOE move in opposite directions); a bin that straddles ``s`` after a merge
    is the turning bin (rising into it, falling out of it for a peak).
    """
    if constraint is None or isinstance(constraint, str):
        return constraint
    left, right, s = constraint
    if e < s:
        return left
    if e > s:
        return right
    return None


def _violates_at(
    cl: int, bl: int, cr: int, br: int, constraint: Constraint, e: int, a2: int
) -> bool:
    """:func:`_violates` under ``constraint`` for the pair meeting at pre-bin ``e``.

    The turning pair of a unimodal constraint may rise or fall, but its bad rate and its WOE
    must not move in opposite directions (possible when the smoothing outweighs a thin bin's
    rows): it must keep one of the two directions, as every pair of the exact search does.
    """
    d = _pair_direction(constraint, e)
    if d is not None:
        return _violates(cl, bl, cr, br, d, a2)
    if constraint is None or isinstance(constraint, str):
        return False
    return _violates(cl, bl, cr, br, "increasing", a2) and _violates(
        cl, bl, cr, br, "decreasing", a2
    )


def _nearest_is_left(c: int, b: int, cl: int, bl: int, cr: int, br: int) -> bool:
    """Whether the left neighbour's bad rate is at least as near as the right one's.

    Ties go to the smaller neighbour, then to the left.
    """
    dl = abs(b * cl - bl * c) * cr  # |rate - rate_l| * c * cl * cr
    dr = abs(b * cr - br * c) * cl
    if dl != dr:
        return dl < dr
    return cl <= cr


# --------------------------------------------------------------------------------------
# The merge engine (shared by numeric and categorical binning)
# --------------------------------------------------------------------------------------
def _pav(
    counts: Sequence[int], bads: Sequence[int], direction: Constraint, a2: int
) -> list[_Pooled]:
    """Pool adjacent violators; return ``[start, rows, bads]`` per pooled bin.

    A unimodal constraint pools each side of its turning pre-bin separately.
    """
    if isinstance(direction, Turn):
        left, right, s = direction
        head = _pav(counts[:s], bads[:s], left, a2)
        tail = _pav(counts[s:], bads[s:], right, a2)
        return _repair_pairs(head + [[st + s, c, b] for st, c, b in tail], direction, a2)
    assert direction is not None  # pooling needs a direction
    out: list[_Pooled] = []
    for i, (c, b) in enumerate(zip(counts, bads)):
        cur = [i, int(c), int(b)]
        while out and _violates(out[-1][1], out[-1][2], cur[1], cur[2], direction, a2):
            prev = out.pop()
            cur = [prev[0], prev[1] + cur[1], prev[2] + cur[2]]
        out.append(cur)
    return out


def _merge_small(
    bins: list[_Pooled], threshold: float, direction: Constraint, a2: int
) -> list[_Pooled]:
    """Merge bins below ``threshold`` rows, smallest first, into the nearest-rate neighbour.

    A doubly linked list with a lazy heap keeps this O(m log m) for m bins (a categorical
    column can have many categories). With a ``direction``, monotonicity is repaired around
    every merged bin.
    """
    m = len(bins)
    if m <= 1:
        return bins
    start = [s for s, _, _ in bins]
    cnt = [c for _, c, _ in bins]
    bad = [b for _, _, b in bins]
    prev = list(range(-1, m - 1))
    nxt = list(range(1, m)) + [-1]
    alive = [True] * m
    version = [0] * m
    heap = [(cnt[i], i, 0) for i in range(m)]
    heapq.heapify(heap)
    n_alive = m

    def merge(left: int, right: int) -> int:
        nonlocal n_alive
        cnt[left] += cnt[right]
        bad[left] += bad[right]
        alive[right] = False
        after = nxt[right]
        nxt[left] = after
        if after != -1:
            prev[after] = left
        version[left] += 1
        n_alive -= 1
        heapq.heappush(heap, (cnt[left], left, version[left]))
        return left

    def repair(node: int) -> None:
        while True:
            p = prev[node]
            if p != -1 and _violates_at(
                cnt[p], bad[p], cnt[node], bad[node], direction, start[node], a2
            ):
                node = merge(p, node)
                continue
            q = nxt[node]
            if q != -1 and _violates_at(
                cnt[node], bad[node], cnt[q], bad[q], direction, start[q], a2
            ):
                node = merge(node, q)
                continue
            return

    while heap and n_alive > 1:
        c, i, ver = heapq.heappop(heap)
        if not alive[i] or ver != version[i]:
            continue
        if c >= threshold:
            break
        p, q = prev[i], nxt[i]
        if p == -1:
            node = merge(i, q)
        elif q == -1:
            node = merge(p, i)
        elif _nearest_is_left(cnt[i], bad[i], cnt[p], bad[p], cnt[q], bad[q]):
            node = merge(p, i)
        else:
            node = merge(i, q)
        if direction is not None:
            repair(node)

    out = []
    i = 0  # bin 0 is never the right side of a merge, so it heads the list
    while i != -1:
        out.append([start[i], cnt[i], bad[i]])
        i = nxt[i]
    return out


def _merge_iv(
    bins: list[_Pooled],
    max_bins: int,
    direction: Constraint,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[_Pooled]:
    """Merge the adjacent pair losing the least IV until at most ``max_bins`` bins remain.

    ``a`` is the smoothing (a multiple of 0.5).
    """
    start = [s for s, _, _ in bins]
    cnt = [c for _, c, _ in bins]  # exact ints, for the monotonicity tests
    bad = [b for _, _, b in bins]
    c_arr = np.asarray(cnt, dtype=np.float64)  # kept in step, for the vectorised losses
    b_arr = np.asarray(bad, dtype=np.float64)
    a2 = int(2 * a)

    def merge(j: int) -> None:
        nonlocal c_arr, b_arr
        cnt[j] += cnt[j + 1]
        bad[j] += bad[j + 1]
        del start[j + 1], cnt[j + 1], bad[j + 1]
        c_arr[j] += c_arr[j + 1]
        b_arr[j] += b_arr[j + 1]
        c_arr = np.delete(c_arr, j + 1)
        b_arr = np.delete(b_arr, j + 1)

    while len(cnt) > max_bins:
        k_after = len(cnt) - 1 + (1 if missing_nonempty else 0)
        den_b = n_bad + a * k_after
        den_g = n_good + a * k_after
        t = _terms_vec(b_arr, c_arr, den_b, den_g, a)
        t_merged = _terms_vec(b_arr[:-1] + b_arr[1:], c_arr[:-1] + c_arr[1:], den_b, den_g, a)
        loss = t[:-1] + t[1:] - t_merged
        j = int(np.argmin(loss))
        merge(j)
        if direction is not None:
            while True:
                if j > 0 and _violates_at(
                    cnt[j - 1], bad[j - 1], cnt[j], bad[j], direction, start[j], a2
                ):
                    j -= 1
                    merge(j)
                    continue
                if j + 1 < len(cnt) and _violates_at(
                    cnt[j], bad[j], cnt[j + 1], bad[j + 1], direction, start[j + 1], a2
                ):
                    merge(j)
                    continue
                break
    return [[s, c, b] for s, c, b in zip(start, cnt, bad)]


def _merge_all(
    counts: Sequence[int],
    bads: Sequence[int],
    *,
    direction: Constraint,
    threshold: float,
    max_bins: int,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[Bin]:
    """Run the three merge stages; return one :class:`Bin` per final bin."""
    a2 = int(2 * a)
    if direction is not None:
        bins = _pav(counts, bads, direction, a2)
    else:
        bins = [[i, int(c), int(b)] for i, (c, b) in enumerate(zip(counts, bads))]
    bins = _merge_small(bins, threshold, direction, a2)
    merged = _merge_iv(bins, max_bins, direction, n_bad, n_good, missing_nonempty, a)
    return [Bin._make(b) for b in merged]


def _repair_pairs(bins: list[_Pooled], constraint: Constraint, a2: int) -> list[_Pooled]:
    """Merge adjacent bins until no pair violates ``constraint`` (:func:`_violates_at`).

    Once :func:`_pav` has pooled each side of a unimodal constraint, only the pair meeting at
    the turning pre-bin can still violate (its bad rate and WOE moving apart), and merging
    it can only unsettle its neighbours, so this ends after a few merges.
    """
    out = [list(b) for b in bins]
    j = 1
    while j < len(out):
        (_, cl, bl), (s, cr, br) = out[j - 1], out[j]
        if _violates_at(cl, bl, cr, br, constraint, s, a2):
            out[j - 1] = [out[j - 1][0], cl + cr, bl + br]
            del out[j]
            j = max(1, j - 1)
            continue
        j += 1
    return out


# --------------------------------------------------------------------------------------
# The exact search
# --------------------------------------------------------------------------------------
class _Tables(NamedTuple):
    """What the exact search needs of the pre-bins, for every pair of boundaries."""

    starts: list[int]  # first pre-bin of each (reduced) pre-bin
    cum: np.ndarray  # rows of pre-bins [0, e), e = 0..m (int64)
    cum_b: np.ndarray  # bads of pre-bins [0, e)
    cm: np.ndarray  # cm[s, e]: rows of pre-bins [s, e) (int64)
    bm: np.ndarray  # bm[s, e]: bads of pre-bins [s, e)
    fits: np.ndarray  # whether [s, e) is a bin: s < e and at least ``threshold`` rows
    n_missing: int
    b_missing: int


class _Move(NamedTuple):
    """A transition of the search: from phase ``src`` to ``dst`` where ``ok[p, s, e]``."""

    src: int
    dst: int
    ok: np.ndarray


class _Phases(NamedTuple):
    """The transitions of a shape's search and its number of phases (2 for a turn)."""

    moves: list[_Move]
    n_phase: int


class _Back(NamedTuple):
    """One layer's back-pointers, per phase: the best previous boundary ``p`` of each bin
    ``[s, e)`` and the phase it was reached in."""

    p: list[np.ndarray]
    phase: list[np.ndarray]


class _Layers(NamedTuple):
    """The last layer of the search (best value per phase of ``k`` bins whose last bin is
    ``[s, e)``) and the back-pointers of every earlier layer."""

    value: list[np.ndarray]
    back: list[_Back]


class _End(NamedTuple):
    """The best last bin ``[s, m)`` of a search and its phase and value."""

    phase: int
    start: int
    value: float


def _compatible(cm: np.ndarray, bm: np.ndarray, direction: str, a2: int) -> np.ndarray:
    """``F[p, s, e]``: whether bin ``[p, s)`` followed by bin ``[s, e)`` keeps ``direction``.

    The test is :func:`_violates` (bad rate and smoothed odds, exact integers), for every
    triple of pre-bin boundaries at once; entries that are not ``p < s < e`` are junk and
    are never reached by the optimiser.
    """
    cl, bl = cm[:, :, None], bm[:, :, None]
    cr, br = cm[None, :, :], bm[None, :, :]
    rate_l, rate_r = bl * cr, br * cl
    odds_l = (2 * bl + a2) * (2 * (cr - br) + a2)
    odds_r = (2 * br + a2) * (2 * (cl - bl) + a2)
    ok: np.ndarray
    if direction == "increasing":
        ok = (rate_l <= rate_r) & (odds_l <= odds_r)
    else:
        ok = (rate_l >= rate_r) & (odds_l >= odds_r)
    return ok


def _search_tables(base: list[_Pooled], threshold: float, n_bad: int, n_good: int) -> _Tables:
    """The prefix sums and admissible bins of the pre-bins ``base``."""
    m = len(base)
    cum = np.concatenate(([0], np.cumsum([c for _, c, _ in base]))).astype(np.int64)
    cum_b = np.concatenate(([0], np.cumsum([b for _, _, b in base]))).astype(np.int64)
    cm = cum[None, :] - cum[:, None]  # cm[s, e]: rows of pre-bins [s, e)
    bm = cum_b[None, :] - cum_b[:, None]
    upper = np.triu(np.ones((m + 1, m + 1), dtype=bool), 1)
    return _Tables(
        starts=[s for s, _, _ in base],
        cum=cum,
        cum_b=cum_b,
        cm=cm,
        bm=bm,
        fits=upper & (cm >= threshold),
        n_missing=n_bad + n_good - int(cum[-1]),
        b_missing=n_bad - int(cum_b[-1]),
    )


def _moves(shape: str | None, t: _Tables, a2: int) -> _Phases:
    """The transitions between phases of ``shape`` and the number of phases."""
    m = len(t.starts)
    if shape is None:
        every = np.ones((m + 1, m + 1, m + 1), dtype=bool)
        return _Phases([_Move(0, 0, every)], 1)
    if shape in _DIRECTIONS:
        return _Phases([_Move(0, 0, _compatible(t.cm, t.bm, shape, a2))], 1)
    first, second = _unimodal_sides(shape)
    f1, f2 = _compatible(t.cm, t.bm, first, a2), _compatible(t.cm, t.bm, second, a2)
    return _Phases([_Move(0, 0, f1), _Move(0, 1, f2), _Move(1, 1, f2)], 2)


def _forward(terms: np.ndarray, phases: _Phases, k_bins: int) -> _Layers:
    """The best value of ``k_bins`` bins ending with each bin ``[s, e)``, per phase."""
    size, n_phase = terms.shape[0], phases.n_phase
    value = [np.full((size, size), -np.inf) for _ in range(n_phase)]
    value[0][0, :] = terms[0, :]
    back: list[_Back] = []
    for _ in range(1, k_bins):
        new = [np.full((size, size), -np.inf) for _ in range(n_phase)]
        arg_p = [np.zeros((size, size), dtype=np.intp) for _ in range(n_phase)]
        arg_q = [np.zeros((size, size), dtype=np.intp) for _ in range(n_phase)]
        for src, dst, ok in phases.moves:
            cand = np.where(ok, value[src][:, :, None], -np.inf)  # [p, s, e]
            p = np.argmax(cand, axis=0)
            got = np.take_along_axis(cand, p[None], axis=0)[0] + terms
            better = got > new[dst]
            new[dst] = np.where(better, got, new[dst])
            arg_p[dst] = np.where(better, p, arg_p[dst])
            arg_q[dst] = np.where(better, src, arg_q[dst])
        value = new
        back.append(_Back(arg_p, arg_q))
    return _Layers(value, back)


def _best_end(value: list[np.ndarray], m: int) -> _End:
    """The phase and start of the best last bin ``[s, m)`` (ties: the first phase, the
    smallest ``s``)."""
    ends = [v[:, m] for v in value]
    q_best = max(range(len(ends)), key=lambda q: (float(ends[q].max()), -q))
    s_best = int(np.argmax(ends[q_best]))
    return _End(q_best, s_best, float(ends[q_best][s_best]))


def _backtrack(layers: _Layers, end: _End, m: int) -> list[int]:
    """The boundaries ``0 = b_0 < b_1 < ... < b_K = m`` of the grouping ending at ``end``."""
    bounds = [m, end.start]
    q, s, e = end.phase, end.start, m
    for arg_p, arg_q in reversed(layers.back):
        p, q = int(arg_p[q][s, e]), int(arg_q[q][s, e])
        e, s = s, p
        bounds.append(s)
    bounds.reverse()
    return bounds


def _missing_term(t: _Tables, den_b: float, den_g: float, a: float) -> float:
    """The IV term of the missing bin (0.0 without missing rows)."""
    if t.n_missing <= 0:
        return 0.0
    return float(
        _iv_terms(
            np.array([t.n_missing], dtype=np.float64),
            np.array([t.b_missing], dtype=np.float64),
            den_b,
            den_g,
            a,
        )[0]
    )


def _optimal(
    counts: Sequence[int],
    bads: Sequence[int],
    *,
    shape: str | None,
    threshold: float,
    max_bins: int,
    n_bad: int,
    n_good: int,
    missing_nonempty: bool,
    a: float,
) -> list[Bin]:
    """The grouping of adjacent pre-bins with the largest IV, exactly; one :class:`Bin`
    per bin.

    Among all partitions of the pre-bins into at most ``max_bins`` contiguous bins whose bad
    rates follow ``shape`` (``None``, ``"increasing"``, ``"decreasing"``, ``"peak"`` or
    ``"valley"``, in the sense of :func:`_violates`) and that hold at least ``threshold`` rows
    each (waived for a single bin), it returns one with the largest IV as the module
    docstring of :mod:`credit_closure._scorecard.binning` defines it (the missing bin's term
    included, the smoothing counted with the final number of bins). Ties go to fewer bins,
    then to the first optimum found.

    Dynamic programming over bin boundaries: for every number of bins ``K``, the best value
    of ``k`` bins covering pre-bins ``[0, e)`` whose last bin is ``[s, e)`` is the IV term of
    ``[s, e)`` plus the best compatible ``k - 1`` bins ending at ``s`` (:func:`_forward`). A
    peak or valley carries a phase (rising or falling; a peak may switch from rising to
    falling once). Cost ``O(K^2 m^3)`` vectorised operations for ``m`` pre-bins; ``m`` is
    capped at :data:`OPTIMAL_MAX_PREBINS`.
    """
    base = [[i, int(c), int(b)] for i, (c, b) in enumerate(zip(counts, bads))]
    if len(base) > OPTIMAL_MAX_PREBINS:
        base = _merge_iv(base, OPTIMAL_MAX_PREBINS, None, n_bad, n_good, missing_nonempty, a)
    m = len(base)
    if m <= 1:
        return [Bin._make(b) for b in base]
    t = _search_tables(base, threshold, n_bad, n_good)
    phases = _moves(shape, t, int(2 * a))
    cmf, bmf = t.cm.astype(np.float64), t.bm.astype(np.float64)
    best_iv, best_bins = -math.inf, [Bin(t.starts[0], int(t.cum[-1]), int(t.cum_b[-1]))]
    for k_bins in range(1, min(int(max_bins), m) + 1):
        k_all = k_bins + (1 if missing_nonempty else 0)
        den_b, den_g = n_bad + a * k_all, n_good + a * k_all
        extra = _missing_term(t, den_b, den_g, a)
        terms = _iv_terms(cmf, bmf, den_b, den_g, a)
        if k_bins == 1:
            iv = float(terms[0, m]) + extra
            if iv > best_iv:
                best_iv = iv
            continue
        layers = _forward(np.where(t.fits, terms, -np.inf), phases, k_bins)
        end = _best_end(layers.value, m)
        iv = end.value + extra
        if not iv > best_iv + 1e-12 * max(1.0, abs(best_iv)):
            continue
        bounds = _backtrack(layers, end, m)
        best_iv = iv
        best_bins = [
            Bin(t.starts[lo], int(t.cum[hi] - t.cum[lo]), int(t.cum_b[hi] - t.cum_b[lo]))
            for lo, hi in zip(bounds, bounds[1:])
        ]
    return best_bins
