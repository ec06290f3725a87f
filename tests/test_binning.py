"""Tests of :mod:`credit_closure._scorecard.binning`: ``fit_numeric`` and ``fit_categorical``
(monotonic and unimodal fits, limits, missing values, categories, argument checks). The WOE
and IV are in test_woe.py, the binning documents and transforms in test_binning_model.py,
the pre-binning in test_binning_prebins.py and the exact grouping in test_binning_search.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _helpers import (
    HYPO,
    categorical_xy,
    is_unimodal,
    numeric_xy,
    step_data,
    u_data,
    value_rates,
)
from hypothesis import given
from hypothesis import strategies as st

from credit_closure._scorecard import (
    SMOOTHING,
    UNIMODAL_MIN_BINS,
    UNIMODAL_MIN_GAIN,
    NumericBinning,
    fit_categorical,
    fit_numeric,
)
from credit_closure.exceptions import InvalidInputError


class TestNumericFit:
    """Shape of the numeric binning: monotonicity, counts, shares, edge cases."""

    @HYPO
    @given(numeric_xy(), st.sampled_from(["increasing", "decreasing"]))
    def test_monotonic_rates_and_woe(self, xy, direction) -> None:
        """Per-bin bad rates and WOE follow the requested direction."""
        x, y = xy
        b = fit_numeric(x, y, monotonic=direction, max_bins=5, min_bin_share=0.0, prebins=10)
        rates = value_rates(b)
        woe = [w for c, w in zip(b.counts[:-1], b.woe[:-1]) if c > 0]
        if direction == "increasing":
            assert all(r1 <= r2 for r1, r2 in zip(rates, rates[1:]))
            assert all(w1 <= w2 for w1, w2 in zip(woe, woe[1:]))
        else:
            assert all(r1 >= r2 for r1, r2 in zip(rates, rates[1:]))
            assert all(w1 >= w2 for w1, w2 in zip(woe, woe[1:]))
        assert b.direction == direction

    @HYPO
    @given(
        numeric_xy(),
        st.sampled_from(["auto", None]),
        st.integers(1, 6),
        st.sampled_from([0.0, 0.05, 0.2]),
    )
    def test_counts_match_transform(self, xy, monotonic, max_bins, share) -> None:
        """Counts sum to n, re-binning the training data reproduces them, limits hold."""
        x, y = xy
        b = fit_numeric(x, y, monotonic=monotonic, max_bins=max_bins, min_bin_share=share)
        n = len(x)
        assert sum(b.counts) == n
        assert sum(b.bad_counts) == int(y.sum())
        idx = b.transform_index(x)
        assert np.bincount(idx, minlength=b.n_bins).tolist() == list(b.counts)
        bads = np.bincount(idx, weights=y, minlength=b.n_bins).astype(int)
        assert bads.tolist() == list(b.bad_counts)
        n_value = b.n_bins - 1
        assert 1 <= n_value <= max_bins
        assert len(b.cuts) == n_value - 1 and len(b.woe) == b.n_bins == len(b.labels)
        assert b.missing_index == b.n_bins - 1
        if n_value > 1:
            assert all(c >= share * n for c in b.counts[:-1])
        if monotonic == "auto":
            assert b.direction in ("increasing", "decreasing")
        else:
            assert b.direction is None
        assert b.iv >= 0.0

    def test_min_share_respected(self) -> None:
        """Every value bin holds at least min_bin_share of all rows."""
        rng = np.random.default_rng(3)
        x = rng.exponential(size=5000)
        x[:600] = np.nan
        y = (rng.random(5000) < 0.1 + 0.2 * (x > 1)).astype(int)
        for share in (0.05, 0.1, 0.2, 0.3):
            b = fit_numeric(x, y, min_bin_share=share, max_bins=10, prebins=50)
            assert all(c >= share * 5000 for c in b.counts[:-1]), share

    def test_max_bins_respected(self) -> None:
        """At most max_bins value bins, the missing bin coming on top."""
        rng = np.random.default_rng(4)
        x = rng.normal(size=4000)
        y = (rng.random(4000) < 1 / (1 + np.exp(-2 * x))).astype(int)
        for m in (1, 2, 3, 6):
            b = fit_numeric(x, y, max_bins=m, min_bin_share=0.0, prebins=40)
            assert b.n_bins - 1 <= m
        assert fit_numeric(x, y, max_bins=6, min_bin_share=0.0, prebins=40).n_bins == 7

    def test_ties_never_straddle(self) -> None:
        """All rows of one distinct value land in the same bin, even with heavy ties."""
        rng = np.random.default_rng(5)
        x = rng.choice([0.0, 1.0, 2.0, 2.5, 7.0], size=3000, p=[0.7, 0.1, 0.1, 0.05, 0.05])
        y = (rng.random(3000) < 0.05 + 0.05 * x).astype(int)
        b = fit_numeric(x, y, prebins=20, min_bin_share=0.0)
        for v in np.unique(x):
            assert len(set(b.transform_index(x[x == v]).tolist())) == 1
        assert np.bincount(b.transform_index(x), minlength=b.n_bins).tolist() == list(b.counts)

    def test_step_function_recovered(self) -> None:
        """A bad rate jumping at x = 0.5 gives a cut near 0.5 with a large WOE jump there."""
        x, y = step_data()
        b = fit_numeric(x, y)
        assert b.direction == "increasing"
        near = min(b.cuts, key=lambda c: abs(c - 0.5))
        assert abs(near - 0.5) < 0.02
        i = b.cuts.index(near)
        jumps = [b.woe[j + 1] - b.woe[j] for j in range(len(b.cuts))]
        assert max(range(len(jumps)), key=jumps.__getitem__) == i

    def test_auto_picks_decreasing(self) -> None:
        """A risk falling with x is fitted with direction 'decreasing'."""
        x, y = step_data()
        b = fit_numeric(-x, y)
        assert b.direction == "decreasing"
        assert min(abs(c + 0.5) for c in b.cuts) < 0.02

    def test_constant_input_one_bin(self) -> None:
        """A constant column yields one value bin (plus the missing bin)."""
        b = fit_numeric([3.0] * 10, [0, 1] * 5)
        assert b.cuts == () and b.n_bins == 2
        assert b.counts == (10, 0)
        assert b.labels == ("(-inf, +inf)", "missing")
        assert b.bin_index_one(-1e300) == 0 == b.bin_index_one(float("inf"))

    def test_all_missing(self) -> None:
        """An entirely missing column gives an empty value bin with WOE 0.0."""
        b = fit_numeric([math.nan] * 6, [0, 1, 0, 1, 1, 0])
        assert b.counts == (0, 6) and b.woe == (0.0, 0.0) and b.iv == 0.0
        assert b.transform_index([1.0, None]).tolist() == [0, 1]

    def test_missing_bin(self) -> None:
        """Missing values (NaN, None) get their own last bin with its own count and WOE."""
        rng = np.random.default_rng(6)
        x = rng.random(3000)
        miss = rng.random(3000) < 0.2
        x[miss] = np.nan
        y = (rng.random(3000) < np.where(miss, 0.5, 0.1)).astype(int)
        b = fit_numeric(x, y)
        assert b.counts[-1] == int(miss.sum())
        assert b.bad_counts[-1] == int(y[miss].sum())
        assert b.woe[-1] == max(b.woe)  # the riskiest bin here
        assert b.labels[-1] == "missing"
        assert b.bin_index_one(None) == b.bin_index_one(float("nan")) == b.missing_index
        assert b.transform_index(np.array([np.nan])).tolist() == [b.n_bins - 1]

    def test_labels(self) -> None:
        """Labels are half-open intervals with unbounded ends, then 'missing'."""
        b = NumericBinning(
            cuts=(0.3, 0.5),
            counts=(1, 1, 1, 0),
            bad_counts=(0, 1, 1, 0),
            woe=(-1.0, 0.0, 1.0, 0.0),
            iv=0.5,
            direction="increasing",
        )
        assert b.labels == ("(-inf, 0.3)", "[0.3, 0.5)", "[0.5, +inf)", "missing")

    def test_row_order_invariance(self) -> None:
        """Permuting rows gives an identical binning."""
        rng = np.random.default_rng(7)
        x = np.round(rng.normal(size=5000), 1)
        x[rng.random(5000) < 0.1] = np.nan
        x[:50] = -0.0
        x[50:100] = 0.0
        y = (rng.random(5000) < 1 / (1 + np.exp(1 - x))).astype(int)
        ref = fit_numeric(x, y)
        for seed in range(3):
            perm = np.random.default_rng(seed).permutation(5000)
            assert fit_numeric(x[perm], y[perm]) == ref
            assert fit_numeric(list(x[perm]), list(y[perm])).to_dict() == ref.to_dict()


class TestShapes:
    """Peak, valley and auto_shape binnings (unimodal bad rates)."""

    @HYPO
    @given(
        numeric_xy(),
        st.sampled_from(["peak", "valley"]),
        st.integers(1, 6),
        st.sampled_from([0.0, 0.05, 0.2]),
        st.sampled_from([5, 10, 20]),
    )
    def test_unimodal_constraint_holds(self, xy, shape, max_bins, share, prebins) -> None:
        """Bad rates and WOE rise to the turning bin, then fall (peak), or the reverse."""
        x, y = xy
        b = fit_numeric(
            x, y, monotonic=shape, max_bins=max_bins, min_bin_share=share, prebins=prebins
        )
        rates = value_rates(b)
        woe = [w for c, w in zip(b.counts[:-1], b.woe[:-1]) if c > 0]
        assert is_unimodal(rates, shape) and is_unimodal(woe, shape)
        assert b.shape == shape and b.direction is None
        assert sum(b.counts) == len(x) and 1 <= b.n_bins - 1 <= max_bins
        if b.n_bins - 1 > 1:
            assert all(c >= share * len(x) for c in b.counts[:-1])

    @HYPO
    @given(numeric_xy(), st.integers(1, 6), st.sampled_from([0.0, 0.05]))
    def test_auto_shape_is_one_of_four(self, xy, max_bins, share) -> None:
        """auto_shape gives a monotonic binning or a unimodal one that really turns."""
        x, y = xy
        b = fit_numeric(x, y, monotonic="auto_shape", max_bins=max_bins, min_bin_share=share)
        rates = value_rates(b)
        if b.shape in ("increasing", "decreasing"):
            assert b == fit_numeric(x, y, monotonic="auto", max_bins=max_bins, min_bin_share=share)
        else:
            assert b.shape in ("peak", "valley") and b.direction is None
            assert is_unimodal(rates, b.shape) and len(rates) >= UNIMODAL_MIN_BINS
            assert any(r1 < r2 for r1, r2 in zip(rates, rates[1:]))
            assert any(r1 > r2 for r1, r2 in zip(rates, rates[1:]))
            mono = fit_numeric(x, y, monotonic="auto", max_bins=max_bins, min_bin_share=share)
            n_bad = int(y.sum())
            gain = n_bad * (len(y) - n_bad) / len(y) * (b.iv - mono.iv)
            assert gain >= UNIMODAL_MIN_GAIN

    def test_valley_known_answer(self) -> None:
        """A U-shaped risk is fitted as a valley turning near the middle, with a larger IV."""
        x, y = u_data()
        b = fit_numeric(x, y, monotonic="auto_shape")
        mono = fit_numeric(x, y, monotonic="auto")
        assert b.shape == "valley" and b.direction is None
        assert b.iv > 2 * mono.iv
        rates = value_rates(b)
        low = int(np.argmin(rates))
        assert 0 < low < len(rates) - 1
        edges = (-np.inf,) + b.cuts + (np.inf,)
        assert edges[low] < 0.5 < edges[low + 1] or min(abs(c - 0.5) for c in b.cuts) < 0.1
        assert rates[0] > 0.25 and rates[-1] > 0.25 and rates[low] < 0.12

    def test_peak_known_answer(self) -> None:
        """An inverted U is fitted as a peak; asking for a valley there gives less IV."""
        x, y = u_data(sign=-1.0)
        b = fit_numeric(x, y, monotonic="auto_shape")
        assert b.shape == "peak"
        assert fit_numeric(x, y, monotonic="valley").iv < b.iv
        rates = value_rates(b)
        assert rates[0] < 0.2 and rates[-1] < 0.2 and max(rates) > 0.3

    def test_small_table_by_hand(self) -> None:
        """Six values, 100 rows each, with 90, 50, 10, 20, 60, 90 bads: a valley of six bins
        whose WOE is the smoothed formula; the best monotonic fit is far poorer."""
        bads = [90, 50, 10, 20, 60, 90]
        x = [float(v) for v in range(6) for _ in range(100)]
        y = [int(i < b) for b in bads for i in range(100)]
        b = fit_numeric(x, y, monotonic="auto_shape", max_bins=6, min_bin_share=0.0, prebins=6)
        assert b.shape == "valley"
        assert b.counts == (100,) * 6 + (0,) and b.bad_counts == tuple(bads) + (0,)
        a, n_bad, n_good = SMOOTHING, 320, 280
        want = [
            math.log((bb + a) / (n_bad + 6 * a) / ((100 - bb + a) / (n_good + 6 * a)))
            for bb in bads
        ]
        assert b.woe[:-1] == pytest.approx(want, rel=1e-12) and b.woe[-1] == 0.0
        mono = fit_numeric(x, y, monotonic="auto", max_bins=6, min_bin_share=0.0, prebins=6)
        assert mono.iv < b.iv / 2
        assert b == fit_numeric(x, y, monotonic="valley", max_bins=6, min_bin_share=0.0, prebins=6)

    def test_monotonic_data_stays_monotonic(self) -> None:
        """A step-shaped (monotonic) risk keeps a monotonic shape under auto_shape."""
        x, y = step_data()
        b = fit_numeric(x, y, monotonic="auto_shape")
        assert b.shape == b.direction == "increasing"
        assert b == fit_numeric(x, y)

    def test_order_invariance(self) -> None:
        """Permuting rows gives an identical unimodal binning."""
        x, y = u_data(3000, seed=9)
        x = np.round(x, 2)
        x[::17] = np.nan
        ref = fit_numeric(x, y, monotonic="auto_shape")
        assert ref.shape == "valley"
        for seed in range(3):
            perm = np.random.default_rng(seed).permutation(len(x))
            assert fit_numeric(x[perm], y[perm], monotonic="auto_shape") == ref


class TestCategorical:
    """Grouping of categorical columns."""

    def _data(self, n: int = 4000, seed: int = 11):
        return categorical_xy(n, seed)

    def test_groups_by_rate_and_limits(self) -> None:
        """Groups are ordered by bad rate, within max_groups, counts sum to n."""
        x, y = self._data()
        b = fit_categorical(x, y, max_groups=4)
        assert b.n_bins - 1 <= 4
        assert sum(b.counts) == len(x)
        rates = [bb / c for c, bb in zip(b.counts[:-1], b.bad_counts[:-1])]
        assert rates == sorted(rates)
        assert sorted(c for g in b.groups for c in g) == sorted({v for v in x if v is not None})
        idx = b.transform_index(x)
        assert np.bincount(idx, minlength=b.n_bins).tolist() == list(b.counts)

    def test_rare_categories_merged(self) -> None:
        """Categories below min_group_share share a group with a neighbour."""
        x, y = self._data()
        b = fit_categorical(x, y, max_groups=20, min_group_share=0.05)
        assert all(c >= 0.05 * len(x) for c in b.counts[:-1])
        for rare in ("rare1", "rare2"):
            g = b.groups[b.bin_index_one(rare)]
            assert len(g) > 1

    def test_unseen_category_fallback(self) -> None:
        """An unseen category maps to the group with the most rows; ties by sorted label."""
        x = ["b"] * 5 + ["a"] * 5 + ["c"] * 2
        y = [1, 1, 1, 0, 0] + [1, 0, 0, 0, 0] + [0, 1]
        b = fit_categorical(x, y, min_group_share=0.0, max_groups=10)
        assert b.counts[b.unseen_index] == 5
        assert b.groups[b.unseen_index] == ("a",)
        assert b.bin_index_one("never seen") == b.unseen_index
        assert b.bin_index_one(42) == b.unseen_index
        assert b.transform_index(["zzz", "c", None]).tolist() == [
            b.unseen_index,
            b.bin_index_one("c"),
            b.missing_index,
        ]

    def test_missing_values(self) -> None:
        """None and float NaN are missing; the missing bin is last."""
        x = ["a", "b", None, float("nan"), "a", "b"]
        y = [0, 1, 1, 0, 0, 1]
        b = fit_categorical(x, y, min_group_share=0.0)
        assert b.counts[-1] == 2 and b.bad_counts[-1] == 1
        assert b.bin_index_one(None) == b.bin_index_one(float("nan")) == b.n_bins - 1
        assert b.labels[-1] == "missing"

    def test_all_missing(self) -> None:
        """With no category at training, everything maps to the missing bin."""
        b = fit_categorical([None, None, None], [0, 1, 0])
        assert b.groups == () and b.n_bins == 1
        assert b.transform_index(["x", None]).tolist() == [0, 0]

    def test_row_order_invariance(self) -> None:
        """Permuting rows gives an identical grouping."""
        x, y = self._data()
        ref = fit_categorical(x, y)
        for seed in range(3):
            perm = np.random.default_rng(seed).permutation(len(x))
            assert fit_categorical([x[i] for i in perm], [y[i] for i in perm]) == ref

    def test_numpy_strings_accepted(self) -> None:
        """A numpy string array fits like the list of str."""
        x, y = self._data(800)
        x2 = ["" if v is None else v for v in x]
        assert fit_categorical(np.array(x2), y) == fit_categorical(x2, y)

    def test_many_categories_grouped(self) -> None:
        """20,000 distinct categories are grouped down to max_groups (speed is benchmarked)."""
        rng = np.random.default_rng(12)
        x = [f"c{v}" for v in rng.integers(0, 20_000, 60_000)]
        y = (rng.random(60_000) < 0.2).astype(int)
        b = fit_categorical(x, y)
        assert b.n_bins - 1 <= 6


class TestInputChecks:
    """Bad arguments raise InvalidInputError naming the argument."""

    @pytest.mark.parametrize(
        ("x", "y", "path"),
        [
            ([1.0, 2.0, 3.0], [0, 1], "y"),
            ([1.0, 2.0], [0, 2], "y"),
            ([1.0, 2.0], [0.5, 1], "y"),
            ([1.0, 2.0], ["0", "1"], "y"),
            ([1.0, math.inf], [0, 1], "x"),
            ([1.0, -math.inf], [0, 1], "x"),
            ([1.0], [1], "x"),
            ([], [], "x"),
            ([1.0, 2.0, 3.0], [1, 1, 1], "y"),
            (["a", "b"], [0, 1], "x"),
            ([[1.0, 2.0]], [0, 1], "x"),
        ],
    )
    def test_numeric_bad_data(self, x, y, path) -> None:
        """Bad numeric data names the offending argument."""
        with pytest.raises(InvalidInputError) as ei:
            fit_numeric(x, y)
        assert path in {p for p, _ in ei.value.problems}

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"max_bins": 0}, "max_bins"),
            ({"max_bins": 2.5}, "max_bins"),
            ({"max_bins": True}, "max_bins"),
            ({"min_bin_share": -0.1}, "min_bin_share"),
            ({"min_bin_share": 0.9}, "min_bin_share"),
            ({"monotonic": "up"}, "monotonic"),
            ({"prebins": 0}, "prebins"),
            ({"prebinning": "cart"}, "prebinning"),
            ({"prebinning": None}, "prebinning"),
            ({"min_prebin_share": 0.7}, "min_prebin_share"),
            ({"min_prebin_share": "0.1"}, "min_prebin_share"),
            ({"smoothing": 0.0}, "smoothing"),
            ({"smoothing": 0.75}, "smoothing"),
            ({"smoothing": 16.5}, "smoothing"),
            ({"smoothing": math.nan}, "smoothing"),
            ({"smoothing": True}, "smoothing"),
            ({"smoothing": "1"}, "smoothing"),
            ({"smoothing": 10**400}, "smoothing"),
        ],
    )
    def test_numeric_bad_parameters(self, kwargs, path) -> None:
        """Bad numeric parameters name the parameter."""
        with pytest.raises(InvalidInputError) as ei:
            fit_numeric([1.0, 2.0, 3.0], [0, 1, 1], **kwargs)
        assert [p for p, _ in ei.value.problems] == [path]

    def test_all_problems_collected(self) -> None:
        """Several bad arguments are reported together."""
        with pytest.raises(InvalidInputError) as ei:
            fit_numeric([1.0, math.inf, 2.0], [0, 1], max_bins=0, monotonic="x")
        assert {p for p, _ in ei.value.problems} == {"x", "y", "max_bins", "monotonic"}

    @pytest.mark.parametrize(
        ("x", "y", "path"),
        [
            (["a", 1], [0, 1], "x"),
            (["a", ["b"]], [0, 1], "x"),
            ("ab", [0, 1], "x"),
            (["a", "b", "c"], [0, 1], "y"),
            (["a", "b"], [1, 1], "y"),
            (["a"], [1], "x"),
        ],
    )
    def test_categorical_bad_data(self, x, y, path) -> None:
        """Bad categorical data names the offending argument."""
        with pytest.raises(InvalidInputError) as ei:
            fit_categorical(x, y)
        assert path in {p for p, _ in ei.value.problems}

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"max_groups": 0}, "max_groups"),
            ({"min_group_share": 1.0}, "min_group_share"),
            ({"smoothing": 0.3}, "smoothing"),
        ],
    )
    def test_categorical_bad_parameters(self, kwargs, path) -> None:
        """Bad categorical parameters name the parameter."""
        with pytest.raises(InvalidInputError) as ei:
            fit_categorical(["a", "b"], [0, 1], **kwargs)
        assert [p for p, _ in ei.value.problems] == [path]

    def test_module_all_sorted(self) -> None:
        """The module's __all__ is sorted and every name exists."""
        import credit_closure._scorecard.binning as mod

        assert mod.__all__ == sorted(mod.__all__)
        assert all(hasattr(mod, name) for name in mod.__all__)

    def test_error_is_value_error(self) -> None:
        """InvalidInputError is also a ValueError."""
        with pytest.raises(ValueError):
            fit_numeric([1.0, 2.0], [0, 0])


class TestCategoricalObjectArray:
    """An object array is coded once per distinct value (pandas' factorisation): the same
    binning as the list of the same values, and the same refusals."""

    @HYPO
    @given(
        st.lists(
            st.sampled_from(["a", "b", "c", "d", "中文", None, float("nan")]),
            min_size=65,
            max_size=300,
        ),
        st.integers(0, 2**16),
    )
    def test_equals_list(self, values: list[object], seed: int) -> None:
        rng = np.random.default_rng(seed)
        y = (rng.random(len(values)) < 0.4).astype(int)
        y[:2] = [0, 1]
        arr = np.array(values + [None], dtype=object)[:-1]
        kw = {"max_groups": 3, "min_group_share": 0.05}
        assert fit_categorical(arr, y, **kw) == fit_categorical(values, y, **kw)

    def test_other_values_still_refused(self) -> None:
        arr = np.array(["a", "b"] * 40 + [3], dtype=object)
        with pytest.raises(InvalidInputError, match="str or None"):
            fit_categorical(arr, [0, 1] * 40 + [1])
