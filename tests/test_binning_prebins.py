"""Tests of :mod:`credit_closure._scorecard.binning_prebins`: the supervised (tree)
pre-binning of a numeric column and the quantile default."""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import numpy as np
from _helpers import HYPO, numeric_xy, step_data, value_rates
from hypothesis import given
from hypothesis import strategies as st

from credit_closure._scorecard import binning_from_dict, fit_numeric


def _band_data(n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """x evenly spaced on [0, 1); exactly 10% bad everywhere except 60% in [0.50, 0.53)."""
    i = np.arange(n)
    x = i / n
    band = (x >= 0.50) & (x < 0.53)
    return x, np.where(band, i % 10 < 6, i % 10 == 0).astype(int)


class TestTreePrebinning:
    """Supervised (tree) pre-binning, ``prebinning="tree"``."""

    RAW: ClassVar[dict[str, Any]] = {"monotonic": None, "max_bins": 1000, "min_bin_share": 0.0}

    def test_narrow_band_gets_its_own_prebin(self) -> None:
        """A 3%-wide high-risk band in a flat region becomes a pre-bin; quantiles blur it."""
        x, y = _band_data()
        b = fit_numeric(x, y, prebinning="tree", prebins=3, min_prebin_share=0.01, **self.RAW)
        assert b.cuts[0] == 0.5 and abs(b.cuts[1] - 0.53) <= 0.002
        assert b.bad_counts[1] / b.counts[1] >= 0.55
        assert max(value_rates(b)[::2]) <= 0.11
        q = fit_numeric(x, y, prebins=20, **self.RAW)
        assert max(value_rates(q)) <= 0.45

    def test_default_is_quantile(self) -> None:
        """Leaving prebinning out is the quantile pre-binning."""
        x, y = step_data(3000)
        assert fit_numeric(x, y) == fit_numeric(x, y, prebinning="quantile", min_prebin_share=0.3)

    def test_step_found_with_one_split(self) -> None:
        """With two leaves the tree cuts a step in the bad rate at the step."""
        x, y = step_data()
        b = fit_numeric(x, y, prebinning="tree", prebins=2, **self.RAW)
        assert len(b.cuts) == 1 and abs(b.cuts[0] - 0.5) < 0.02

    def test_row_order_invariance(self) -> None:
        """Permuting rows gives an identical tree-pre-binned fit, for every shape."""
        rng = np.random.default_rng(17)
        x = np.round(rng.normal(size=4000), 1)
        x[rng.random(4000) < 0.1] = np.nan
        x[:40] = -0.0
        x[40:80] = 0.0
        y = (rng.random(4000) < 1 / (1 + np.exp(1 - x * x))).astype(int)
        for mono in ("auto_shape", "increasing", None):
            ref = fit_numeric(x, y, prebinning="tree", monotonic=mono)
            for seed in range(2):
                perm = np.random.default_rng(seed).permutation(4000)
                again = fit_numeric(list(x[perm]), list(y[perm]), prebinning="tree", monotonic=mono)
                assert again == ref and again.to_dict() == ref.to_dict()

    def test_constant_and_tiny_inputs(self) -> None:
        """A constant column gives one pre-bin; a leaf share of 0.5 allows only the middle cut."""
        b = fit_numeric([3.0] * 10 + [None], [0, 1] * 5 + [1], prebinning="tree")
        assert b.cuts == () and b.counts == (10, 1)
        b = fit_numeric(
            [1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], prebinning="tree", min_prebin_share=0.5, **self.RAW
        )
        assert b.cuts == (2.5,) and b.counts == (2, 2, 0)

    @HYPO
    @given(numeric_xy(), st.sampled_from([1, 2, 5, 20]), st.sampled_from([0.0, 0.05, 0.2]))
    def test_prebins_partition_rows(self, xy, prebins, share) -> None:
        """Pre-bins hold every row once, at most prebins of them, each >= the leaf share."""
        x, y = xy
        b = fit_numeric(
            x, y, prebinning="tree", prebins=prebins, min_prebin_share=share, **self.RAW
        )
        n_v = int(np.count_nonzero(~np.isnan(x)))
        assert sum(b.counts) == len(x)
        assert b.counts[-1] == len(x) - n_v
        assert 1 <= b.n_bins - 1 <= prebins
        if b.n_bins > 2:
            assert min(b.counts[:-1]) >= max(1, math.ceil(share * n_v))
        assert np.bincount(b.transform_index(x), minlength=b.n_bins).tolist() == list(b.counts)

    @HYPO
    @given(numeric_xy(), st.sampled_from(["auto", "auto_shape", "decreasing"]), st.integers(1, 6))
    def test_merge_stage_unchanged(self, xy, monotonic, max_bins) -> None:
        """After tree pre-bins the usual limits hold: max_bins, shares, JSON round trip."""
        x, y = xy
        b = fit_numeric(
            x, y, prebinning="tree", monotonic=monotonic, max_bins=max_bins, min_bin_share=0.05
        )
        assert b.n_bins - 1 <= max_bins
        if b.n_bins > 2:
            assert min(b.counts[:-1]) >= 0.05 * len(x)
        assert binning_from_dict(json.loads(json.dumps(b.to_dict()))) == b
