"""Tests of :mod:`credit_closure._scorecard.woe`: the WOE and IV of fitted binnings against
hand-computed values."""

from __future__ import annotations

import math

import pytest
from _helpers import step_data

from credit_closure._scorecard import SMOOTHING, fit_categorical, fit_numeric


class TestKnownAnswers:
    """WOE and IV against hand-computed values."""

    def test_categorical_table(self) -> None:
        """a: 1 bad / 3 good, b: 3 bad / 1 good, missing: 1 / 1 -> WOE ln(3/7), ln(7/3), 0."""
        x = ["a"] * 4 + ["b"] * 4 + [None] * 2
        y = [1, 0, 0, 0] + [1, 1, 1, 0] + [1, 0]
        b = fit_categorical(x, y, min_group_share=0.0, max_groups=10)
        # B = G = 5, k = 3: both denominators are 5 + 0.5 * 3 = 6.5 and cancel in the WOE.
        assert b.groups == (("a",), ("b",))
        assert b.counts == (4, 4, 2)
        assert b.bad_counts == (1, 3, 1)
        assert b.woe == pytest.approx((math.log(3 / 7), math.log(7 / 3), 0.0), abs=1e-15)
        # IV = (1.5 - 3.5)/6.5 * ln(3/7) + (3.5 - 1.5)/6.5 * ln(7/3) + 0 = 8/13 * ln(7/3).
        assert b.iv == pytest.approx(8 / 13 * math.log(7 / 3), rel=1e-14)
        assert b.labels == ('{"a"}', '{"b"}', "missing")

    def test_numeric_table_unequal_totals(self) -> None:
        """Two value bins and a missing bin with B != G, checked against the formula."""
        x = [1.0] * 5 + [2.0] * 3 + [math.nan] * 2
        y = [0, 0, 0, 0, 1] + [1, 1, 0] + [1, 1]
        b = fit_numeric(x, y, monotonic=None, min_bin_share=0.0, max_bins=10)
        assert b.cuts == (2.0,)
        assert b.counts == (5, 3, 2) and b.bad_counts == (1, 2, 2)
        a = SMOOTHING
        big_b, big_g, k = 5, 5, 3
        bads, goods = (1, 2, 2), (4, 1, 0)
        p = [(bb + a) / (big_b + a * k) for bb in bads]
        q = [(g + a) / (big_g + a * k) for g in goods]
        woe = [math.log(pi / qi) for pi, qi in zip(p, q)]
        assert b.woe == pytest.approx(woe, rel=1e-14)
        assert b.iv == pytest.approx(sum((pi - qi) * w for pi, qi, w in zip(p, q, woe)), rel=1e-14)
        assert b.woe[0] < 0 < b.woe[1] < b.woe[2]  # risk WOE: the riskier bin is larger

    def test_woe_is_neutral_without_training_missing(self) -> None:
        """With no missing value at training, the missing bin has count 0 and WOE 0.0."""
        x, y = step_data(2000)
        b = fit_numeric(x, y)
        assert b.counts[-1] == 0 and b.bad_counts[-1] == 0
        assert b.woe[-1] == 0.0
        assert b.transform_woe([math.nan])[0] == 0.0

    def test_iv_non_negative_and_consistent(self) -> None:
        """The IV equals the sum of smoothed-share terms and is positive on a real signal."""
        x, y = step_data(5000)
        b = fit_numeric(x, y)
        k = sum(1 for c in b.counts if c > 0)
        n_bad = sum(b.bad_counts)
        n_good = sum(b.counts) - n_bad
        iv = 0.0
        for c, bb, w in zip(b.counts, b.bad_counts, b.woe):
            if c:
                p = (bb + SMOOTHING) / (n_bad + SMOOTHING * k)
                q = (c - bb + SMOOTHING) / (n_good + SMOOTHING * k)
                assert w == pytest.approx(math.log(p / q), rel=1e-12, abs=1e-12)
                iv += (p - q) * w
        assert b.iv == pytest.approx(iv, rel=1e-12)
        assert b.iv > 0.3
