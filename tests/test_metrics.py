"""Tests of :mod:`credit_closure.metrics`."""

from __future__ import annotations

import doctest
import json
import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import credit_closure.metrics as metrics
from credit_closure.exceptions import InvalidInputError
from credit_closure.metrics import (
    PSI_EPSILON,
    CalibrationBin,
    KSResult,
    PSIResult,
    ValidationReport,
    calibration_by_decile,
    csi,
    gini,
    ks_curve,
    ks_statistic,
    psi,
    psi_band,
    psi_from_counts,
    roc_auc,
    roc_curve,
    validation_report_from_arrays,
)

SETTINGS = settings(max_examples=50, deadline=None)


# ---------------------------------------------------------------------------------------
# Strategies and brute-force references
# ---------------------------------------------------------------------------------------


@st.composite
def labelled_scores(draw, min_size=2, max_size=60, low=-30, high=30):
    """(y, integer-valued scores) with both classes present; ties are frequent."""
    n = draw(st.integers(min_size, max_size))
    y = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    y[i], y[j] = 0, 1
    s = draw(st.lists(st.integers(low, high), min_size=n, max_size=n))
    return np.array(y), np.array(s, dtype=float)


@st.composite
def labelled_probabilities(draw, min_size=1, max_size=60):
    """(y, probabilities on a coarse grid, so ties occur); one class is allowed."""
    n = draw(st.integers(min_size, max_size))
    y = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    p = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    return np.array(y), np.array(p, dtype=float) / 20.0


finite_samples = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=60
)


def brute_auc(y, s):
    """Pairwise Mann-Whitney count, ties counting one half."""
    bad = s[y == 1]
    good = s[y == 0]
    wins = (bad[:, None] > good[None, :]).sum() + 0.5 * (bad[:, None] == good[None, :]).sum()
    return wins / (bad.size * good.size)


def brute_ks(y, s):
    """max over distinct t of |share of goods <= t - share of bads <= t|."""
    return max(abs(np.mean(s[y == 0] <= t) - np.mean(s[y == 1] <= t)) for t in np.unique(s))


def problem_names(exc_info):
    return [name for name, _ in exc_info.value.problems]


# ---------------------------------------------------------------------------------------
# Module surface
# ---------------------------------------------------------------------------------------


class TestModule:
    def test_all_is_sorted_and_complete(self):
        """__all__ is sorted and every listed name exists."""
        assert metrics.__all__ == sorted(metrics.__all__)
        for name in metrics.__all__:
            assert hasattr(metrics, name)

    def test_doctests_pass(self):
        """Every docstring example in the module runs and passes."""
        result = doctest.testmod(metrics)
        assert result.attempted > 20
        assert result.failed == 0

    def test_psi_epsilon_value(self):
        """The documented share floor is 1e-4."""
        assert PSI_EPSILON == 1e-4

    def test_results_are_frozen(self):
        """Result classes cannot be modified."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            KSResult(0.5, 0.1).statistic = 0.2  # type: ignore[misc]

    def test_no_sklearn_import(self):
        """The module source does not import scikit-learn."""
        import inspect

        assert "sklearn" not in inspect.getsource(metrics)


# ---------------------------------------------------------------------------------------
# AUC / Gini / ROC
# ---------------------------------------------------------------------------------------


class TestRocAuc:
    def test_known_answer_with_ties(self):
        """AUC with a tied bad/good pair matches the hand count 7.5 / 9."""
        # bads: 0.5, 0.9, 0.3   goods: 0.2, 0.5, 0.1
        # 0.5 beats 0.2 and 0.1, ties 0.5 -> 2.5; 0.9 beats all -> 3; 0.3 beats 0.2, 0.1 -> 2
        # AUC = 7.5 / 9 = 5/6, Gini = 2 * 5/6 - 1 = 2/3
        y = [0, 0, 1, 1, 0, 1]
        s = [0.2, 0.5, 0.5, 0.9, 0.1, 0.3]
        assert roc_auc(y, s) == pytest.approx(5 / 6, abs=1e-15)
        assert gini(y, s) == pytest.approx(2 / 3, abs=1e-15)

    def test_known_answer_integer_scores(self):
        """AUC for goods 1,2,2 and bads 2,3,3 is 8/9."""
        # bad 2: beats good 1 -> 1, ties two 2s -> 1  => 2
        # bads 3, 3: beat all three goods => 6 ; total 8 / 9
        assert roc_auc([0, 0, 0, 1, 1, 1], [1, 2, 2, 2, 3, 3]) == pytest.approx(8 / 9)

    def test_all_tied_is_exactly_half(self):
        """Identical scores give an AUC of exactly 0.5 and a Gini of exactly 0."""
        assert roc_auc([0, 1, 1, 0, 1], [3.0] * 5) == 0.5
        assert gini([0, 1, 1, 0, 1], [3.0] * 5) == 0.0

    def test_perfect_and_reversed(self):
        """A perfect ranking gives 1, the reversed ranking 0."""
        assert roc_auc([0, 0, 1, 1], [1, 2, 3, 4]) == 1.0
        assert roc_auc([0, 0, 1, 1], [4, 3, 2, 1]) == 0.0
        assert gini([0, 0, 1, 1], [4, 3, 2, 1]) == -1.0

    def test_accepts_bool_and_float_labels(self):
        """Booleans and 0.0/1.0 floats are valid outcomes."""
        s = [0.1, 0.4, 0.35, 0.8]
        assert roc_auc([False, False, True, True], s) == 0.75
        assert roc_auc([0.0, 0.0, 1.0, 1.0], s) == 0.75

    def test_returns_python_float(self):
        """The AUC is a builtin float."""
        assert type(roc_auc([0, 1], [0.0, 1.0])) is float

    def test_matches_sklearn(self):
        """AUC agrees with sklearn.metrics.roc_auc_score on random data with ties."""
        skm = pytest.importorskip("sklearn.metrics")
        rng = np.random.default_rng(20240601)
        for size in (10, 1_000, 20_000):
            y = rng.integers(0, 2, size)
            y[:2] = [0, 1]
            s = np.round(rng.normal(size=size) + 0.7 * y, 1)  # rounding creates ties
            assert roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)

    @SETTINGS
    @given(labelled_scores())
    def test_matches_brute_force(self, data):
        """AUC equals the pairwise Mann-Whitney count."""
        y, s = data
        assert roc_auc(y, s) == pytest.approx(brute_auc(y, s), abs=1e-12)

    @SETTINGS
    @given(labelled_scores())
    def test_in_unit_interval_and_gini_relation(self, data):
        """0 <= AUC <= 1 and Gini = 2 AUC - 1."""
        y, s = data
        auc = roc_auc(y, s)
        assert 0.0 <= auc <= 1.0
        assert gini(y, s) == pytest.approx(2 * auc - 1, abs=1e-15)

    @SETTINGS
    @given(labelled_scores())
    def test_invariant_under_increasing_transforms(self, data):
        """Strictly increasing transforms of the score leave the AUC unchanged."""
        y, s = data
        auc = roc_auc(y, s)
        assert roc_auc(y, 2.0 * s + 7.0) == auc
        assert roc_auc(y, np.exp(s / 10.0)) == auc
        assert roc_auc(y, s**3) == auc

    @SETTINGS
    @given(labelled_scores())
    def test_negated_score_complements(self, data):
        """AUC(y, -s) == 1 - AUC(y, s)."""
        y, s = data
        assert roc_auc(y, -s) == pytest.approx(1.0 - roc_auc(y, s), abs=1e-12)

    @SETTINGS
    @given(labelled_scores(), st.integers(0, 2**32 - 1))
    def test_invariant_to_row_order(self, data, seed):
        """Shuffling rows does not change AUC or KS."""
        y, s = data
        perm = np.random.default_rng(seed).permutation(y.size)
        assert roc_auc(y[perm], s[perm]) == roc_auc(y, s)
        assert ks_statistic(y[perm], s[perm]) == ks_statistic(y, s)

    def test_million_rows(self):
        """A million rows are handled (speed is measured in benchmarks/, not asserted)."""
        rng = np.random.default_rng(7)
        y = rng.integers(0, 2, 1_000_000)
        s = rng.random(1_000_000) + 0.1 * y
        auc = roc_auc(y, s)
        ks_statistic(y, s)
        assert 0.5 < auc < 1.0


class TestRocCurve:
    def test_known_curve_with_ties(self):
        """ROC points step once per distinct score, tied rows together."""
        # descending thresholds inf, 3, 2, 1:
        #   >= 3: 2 bads, 0 goods;  >= 2: 3 bads, 2 goods;  >= 1: everything
        fpr, tpr, thr = roc_curve([0, 0, 0, 1, 1, 1], [1, 2, 2, 2, 3, 3])
        assert thr.tolist() == [math.inf, 3.0, 2.0, 1.0]
        np.testing.assert_allclose(tpr, [0, 2 / 3, 1, 1])
        np.testing.assert_allclose(fpr, [0, 0, 2 / 3, 1])

    @SETTINGS
    @given(labelled_scores())
    def test_trapezoid_area_is_auc(self, data):
        """The trapezoidal area under the ROC points equals the AUC."""
        y, s = data
        fpr, tpr, _ = roc_curve(y, s)
        area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
        assert area == pytest.approx(roc_auc(y, s), abs=1e-12)
        assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)


# ---------------------------------------------------------------------------------------
# KS
# ---------------------------------------------------------------------------------------


class TestKS:
    def test_known_answer_with_ties(self):
        """KS is 2/3 at threshold 2; splitting the tie at 2 would wrongly give 1."""
        # goods 1,2,2  bads 2,3,3
        # t=1: goods 1/3, bads 0   -> 1/3
        # t=2: goods 3/3, bads 1/3 -> 2/3   (max)
        # t=3: 1, 1                -> 0
        result = ks_statistic([0, 0, 0, 1, 1, 1], [1, 2, 2, 2, 3, 3])
        assert result.statistic == pytest.approx(2 / 3)
        assert result.threshold == 2.0
        assert isinstance(result, KSResult)

    def test_known_curve(self):
        """ks_curve gives cumulative shares at each distinct score."""
        t, bad, good = ks_curve([0, 0, 0, 1, 1, 1], [1, 2, 2, 2, 3, 3])
        assert t.tolist() == [1.0, 2.0, 3.0]
        np.testing.assert_allclose(bad, [0, 1 / 3, 1])
        np.testing.assert_allclose(good, [1 / 3, 1, 1])

    def test_lowest_threshold_on_ties_of_maximum(self):
        """When the maximum gap occurs at several cut-offs, the lowest one is reported."""
        # goods 1,2,3 bads 2,3,4 -> gaps 1/3, 1/3, 1/3, 0
        result = ks_statistic([0, 0, 1, 0, 1, 1], [1, 2, 2, 3, 3, 4])
        assert result.statistic == pytest.approx(1 / 3)
        assert result.threshold == 1.0

    def test_perfect_separation_and_all_tied(self):
        """Perfect separation gives KS 1; all-tied scores give KS 0."""
        assert ks_statistic([0, 0, 1, 1], [1, 2, 3, 4]) == KSResult(1.0, 2.0)
        assert ks_statistic([0, 1, 0, 1], [5, 5, 5, 5]).statistic == 0.0

    def test_to_dict(self):
        """KSResult.to_dict holds plain floats."""
        assert KSResult(0.5, 0.25).to_dict() == {"statistic": 0.5, "threshold": 0.25}

    @SETTINGS
    @given(labelled_scores())
    def test_matches_brute_force(self, data):
        """KS equals a direct evaluation at every distinct score value."""
        y, s = data
        result = ks_statistic(y, s)
        assert 0.0 <= result.statistic <= 1.0
        assert result.statistic == pytest.approx(brute_ks(y, s), abs=1e-12)
        assert result.threshold in set(s.tolist())


# ---------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------


class TestCalibration:
    def test_known_answer(self):
        """Quartile bins with ties match the hand computation."""
        # sorted p: .1 .1 .2 .3 .3 .6 .6 .9 ; cuts at sorted[ceil(2k)-1] = sorted[1,3,5]
        #   = 0.1, 0.3, 0.6 -> bins (-inf,.1], (.1,.3], (.3,.6], (.6, inf)
        # bin1: p .1 .1 y 0 0        n2 bad0 mean .1        rate 0
        # bin2: p .2 .3 .3 y 1 0 1   n3 bad2 mean .8/3      rate 2/3
        # bin3: p .6 .6 y 1 0        n2 bad1 mean .6        rate 1/2
        # bin4: p .9 y 1             n1 bad1 mean .9        rate 1
        y = [0, 0, 1, 0, 1, 1, 0, 1]
        p = [0.1, 0.1, 0.2, 0.3, 0.3, 0.6, 0.6, 0.9]
        bins = calibration_by_decile(y, p, n_bins=4)
        assert [(b.n, b.n_bad) for b in bins] == [(2, 0), (3, 2), (2, 1), (1, 1)]
        assert [(b.lower, b.upper) for b in bins] == [
            (0.1, 0.1),
            (0.2, 0.3),
            (0.6, 0.6),
            (0.9, 0.9),
        ]
        expected_mean = [0.1, 0.8 / 3, 0.6, 0.9]
        expected_rate = [0.0, 2 / 3, 0.5, 1.0]
        for b, m, r in zip(bins, expected_mean, expected_rate):
            assert b.mean_predicted == pytest.approx(m)
            assert b.observed_rate == pytest.approx(r)
        assert all(isinstance(b, CalibrationBin) for b in bins)

    def test_deciles_of_distinct_values(self):
        """100 distinct probabilities give ten bins of ten rows."""
        p = np.arange(100) / 100
        y = (np.arange(100) % 3 == 0).astype(int)
        bins = calibration_by_decile(y, p)
        assert [b.n for b in bins] == [10] * 10
        assert bins[0].lower == 0.0 and bins[-1].upper == 0.99

    def test_ties_give_fewer_bins(self):
        """Tied probabilities stay together, so fewer bins than requested may result."""
        assert len(calibration_by_decile([0, 1, 0, 1], [0.3] * 4)) == 1
        bins = calibration_by_decile([0, 1, 0, 1, 1], [0.2, 0.2, 0.2, 0.2, 0.7])
        assert [(b.n, b.n_bad) for b in bins] == [(4, 2), (1, 1)]

    def test_fewer_rows_than_bins_and_single_class(self):
        """Three rows give three bins; a single class is allowed."""
        bins = calibration_by_decile([0, 0, 0], [0.1, 0.2, 0.3])
        assert [b.n for b in bins] == [1, 1, 1]
        assert all(b.observed_rate == 0.0 for b in bins)

    def test_one_bin(self):
        """n_bins=1 puts everything in one bin."""
        (only,) = calibration_by_decile([0, 1, 1], [0.2, 0.4, 0.9], n_bins=1)
        assert (only.n, only.n_bad, only.lower, only.upper) == (3, 2, 0.2, 0.9)
        assert only.mean_predicted == pytest.approx(0.5)

    @SETTINGS
    @given(labelled_probabilities(), st.integers(1, 12))
    def test_bins_partition_rows(self, data, n_bins):
        """Bins are non-empty, ordered, disjoint, at most n_bins, and cover every row."""
        y, p = data
        bins = calibration_by_decile(y, p, n_bins=n_bins)
        assert 1 <= len(bins) <= n_bins
        assert sum(b.n for b in bins) == y.size
        assert sum(b.n_bad for b in bins) == int(y.sum())
        assert all(b.n > 0 and b.lower <= b.mean_predicted <= b.upper for b in bins)
        assert all(a.upper < b.lower for a, b in zip(bins[:-1], bins[1:]))

    @SETTINGS
    @given(labelled_probabilities(), st.integers(0, 2**32 - 1))
    def test_invariant_to_row_order(self, data, seed):
        """Shuffling rows does not change the calibration bins."""
        y, p = data
        perm = np.random.default_rng(seed).permutation(y.size)
        assert calibration_by_decile(y[perm], p[perm]) == calibration_by_decile(y, p)


# ---------------------------------------------------------------------------------------
# PSI / CSI
# ---------------------------------------------------------------------------------------


class TestPSI:
    def test_from_counts_known_value(self):
        """Shares 0.5/0.5 -> 0.75/0.25 give PSI = 0.25 ln 3."""
        # 0.25 * ln(1.5) + (-0.25) * ln(0.5) = 0.25 * ln(3) = 0.274653...
        result = psi_from_counts([50, 50], [75, 25])
        assert result.value == pytest.approx(0.25 * math.log(3))
        assert result.band == "major"
        assert result.edges is None
        assert result.expected_share == (0.5, 0.5)
        assert result.actual_share == (0.75, 0.25)
        assert result.contribution[0] == pytest.approx(0.25 * math.log(1.5))
        assert result.contribution[1] == pytest.approx(-0.25 * math.log(0.5))

    def test_from_samples_known_value(self):
        """Median split of 1..10 vs a sample with 80% low gives PSI = 0.3 ln 4."""
        # bins=2: cut at sorted[ceil(10/2)-1] = 5 -> (-inf, 5], (5, inf)
        # expected 5/5 -> 0.5/0.5; actual 8/2 -> 0.8/0.2
        # 0.3 ln(1.6) + (-0.3) ln(0.4) = 0.3 ln 4 = 0.415888...
        result = psi(np.arange(1, 11), [1, 1, 1, 1, 1, 1, 1, 1, 6, 7], bins=2)
        assert result.edges == (5.0,)
        assert result.expected_share == (0.5, 0.5)
        assert result.actual_share == (0.8, 0.2)
        assert result.value == pytest.approx(0.3 * math.log(4))
        assert result.band == "major"

    def test_default_deciles(self):
        """1..100 gives nine cut points at 10, 20, ..., 90 and ten equal expected shares."""
        result = psi(np.arange(1, 101), np.arange(1, 101))
        assert result.edges == tuple(float(v) for v in range(10, 100, 10))
        assert result.expected_share == pytest.approx([0.1] * 10)
        assert result.value == 0.0 and result.band == "stable"

    def test_explicit_edges_right_closed(self):
        """A value equal to a cut point falls in the bin below it."""
        result = psi([1, 2, 3, 4], [2, 2, 3, 3], edges=[2, 3])
        # expected: <=2: 1,2 ; (2,3]: 3 ; >3: 4  -> .5 .25 .25
        # actual:   <=2: 2,2 ; (2,3]: 3,3 ; >3: -  -> .5 .5 0 (floored to 1e-4)
        assert result.expected_share == (0.5, 0.25, 0.25)
        assert result.actual_share == (0.5, 0.5, PSI_EPSILON)

    def test_empty_bin_is_finite_with_floor(self):
        """An empty actual bin uses the 1e-4 floor and gives a finite value."""
        result = psi_from_counts([50, 50], [100, 0])
        e, a = 0.5, PSI_EPSILON
        expected = (1.0 - 0.5) * math.log(1.0 / 0.5) + (a - e) * math.log(a / e)
        assert math.isfinite(result.value)
        assert result.value == pytest.approx(expected)
        assert result.actual_share == (1.0, PSI_EPSILON)

    def test_single_bin_and_constant_expected(self):
        """Empty edges (one bin) and a constant baseline behave sensibly."""
        assert psi([1, 2], [5, 6], edges=[]).value == 0.0
        result = psi([3, 3, 3], [1, 3, 9])
        # the constant's only cut equals its maximum and is dropped: a single bin
        assert result.edges == () and result.value == 0.0

    def test_band_matches_value(self):
        """PSIResult.band is psi_band(value)."""
        for counts in ([50, 50], [55, 45], [70, 30], [90, 10]):
            result = psi_from_counts([50, 50], counts)
            assert result.band == psi_band(result.value)

    def test_csi_equals_psi_formula_on_counts(self):
        """CSI uses the PSI formula on counts per frozen bin, missing bin included."""
        # bins: missing, low, high; shares .1 .5 .4 -> .2 .5 .3
        # .1 ln 2 + 0 + (-.1) ln(.75)
        result = csi([10, 50, 40], [20, 50, 30])
        assert result.value == pytest.approx(0.1 * math.log(2) - 0.1 * math.log(0.75))
        assert result == psi_from_counts([10, 50, 40], [20, 50, 30])
        assert result.edges is None

    def test_counts_may_be_weights(self):
        """Counts scale freely: only shares matter."""
        assert psi_from_counts([1, 3], [2, 2]).value == pytest.approx(
            psi_from_counts([0.5, 1.5], [10, 10]).value
        )

    def test_to_dict_json_safe(self):
        """PSIResult.to_dict survives a JSON round trip."""
        data = psi([1, 2, 3, 4], [1, 1, 1, 4], edges=[2]).to_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["edges"] == [2.0]

    @SETTINGS
    @given(finite_samples, finite_samples, st.integers(1, 12))
    def test_non_negative(self, expected, actual, bins):
        """PSI and every contribution are >= 0."""
        result = psi(expected, actual, bins=bins)
        assert result.value >= 0.0
        assert all(c >= 0.0 for c in result.contribution)
        assert result.value == pytest.approx(sum(result.contribution))
        assert len(result.expected_share) == len(result.edges) + 1

    @SETTINGS
    @given(finite_samples, st.integers(1, 12))
    def test_identical_samples_give_zero(self, sample, bins):
        """PSI(x, x) == 0."""
        result = psi(sample, sample, bins=bins)
        assert result.value == 0.0
        assert result.band == "stable"

    @SETTINGS
    @given(finite_samples, finite_samples, st.integers(0, 2**32 - 1))
    def test_invariant_to_row_order(self, expected, actual, seed):
        """Shuffling either sample does not change the PSI."""
        rng = np.random.default_rng(seed)
        e = np.array(expected)
        a = np.array(actual)
        assert psi(rng.permutation(e), rng.permutation(a)) == psi(e, a)

    @SETTINGS
    @given(st.lists(st.integers(0, 1000), min_size=1, max_size=12).filter(lambda c: sum(c) > 0))
    def test_counts_identical_give_zero(self, counts):
        """psi_from_counts(c, c) == 0 and csi(c, c) == 0."""
        assert psi_from_counts(counts, counts).value == 0.0
        assert csi(counts, counts).value == 0.0


class TestPSIBand:
    @pytest.mark.parametrize(
        ("value", "band"),
        [
            (0.0, "stable"),
            (0.0999999, "stable"),
            (0.1, "moderate"),
            (0.2, "moderate"),
            (0.25, "moderate"),
            (0.2500001, "major"),
            (3.0, "major"),
        ],
    )
    def test_band_edges(self, value, band):
        """Bands: stable < 0.1 <= moderate <= 0.25 < major."""
        assert psi_band(value) == band

    @pytest.mark.parametrize("value", [-0.01, float("nan"), float("inf"), "high", None])
    def test_invalid_value(self, value):
        """Negative, non-finite and non-numeric values are rejected under 'value'."""
        with pytest.raises(InvalidInputError) as exc_info:
            psi_band(value)
        assert problem_names(exc_info) == ["value"]


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------

BINARY_METRICS = [roc_auc, gini, ks_statistic, roc_curve, ks_curve]


class TestBadInput:
    @pytest.mark.parametrize("func", BINARY_METRICS)
    @pytest.mark.parametrize(
        ("y", "risk", "names"),
        [
            ([0, 1, 1], [0.1, 0.2], ["risk"]),  # different lengths
            ([0, 2, 1], [0.1, 0.2, 0.3], ["y"]),  # label not 0/1
            ([0, 0.5, 1], [0.1, 0.2, 0.3], ["y"]),  # fractional label
            ([0, float("nan"), 1], [0.1, 0.2, 0.3], ["y"]),  # NaN label
            ([0, 1, 1], [0.1, float("nan"), 0.3], ["risk"]),  # NaN score
            ([0, 1, 1], [0.1, float("inf"), 0.3], ["risk"]),  # infinite score
            ([0, 1, 1], [0.1, -np.inf, np.nan], ["risk"]),  # both at once
            ([], [], ["y", "risk"]),  # empty
            ([0, 0, 0], [0.1, 0.2, 0.3], ["y"]),  # only goods
            ([1, 1], [0.1, 0.2], ["y"]),  # only bads
            (["a", "b"], [0.1, 0.2], ["y"]),  # not numeric
            ([[0, 1]], [[0.1, 0.2]], ["y", "risk"]),  # not 1-D
            (0, 0.5, ["y", "risk"]),  # scalars
            ([0, 1], [0.1, None], ["risk"]),  # missing value
        ],
    )
    def test_rejected_with_argument_name(self, func, y, risk, names):
        """Each bad input raises InvalidInputError naming the offending argument."""
        with pytest.raises(InvalidInputError) as exc_info:
            func(y, risk)
        assert sorted(set(problem_names(exc_info))) == sorted(names)

    def test_all_problems_collected(self):
        """Several problems are reported together in one exception."""
        with pytest.raises(InvalidInputError) as exc_info:
            roc_auc([0, 3, 1], [np.nan, 0.2])
        assert problem_names(exc_info) == ["y", "risk", "risk"]
        assert isinstance(exc_info.value, ValueError)

    def test_messages_do_not_echo_values(self):
        """Messages give counts and positions, not the offending values."""
        with pytest.raises(InvalidInputError) as exc_info:
            roc_auc([0, 1, 7], [0.1, 0.2, 0.3])
        assert "7" not in exc_info.value.problems[0][1]

    @pytest.mark.parametrize(
        ("kwargs", "names"),
        [
            ({"y": [0, 1], "probability": [0.1]}, ["probability"]),
            ({"y": [0, 1], "probability": [0.1, 1.2]}, ["probability"]),
            ({"y": [0, 1], "probability": [-0.1, 0.5]}, ["probability"]),
            ({"y": [0, 5], "probability": [0.1, 0.2]}, ["y"]),
            ({"y": [0, 1], "probability": [0.1, np.nan]}, ["probability"]),
            ({"y": [], "probability": []}, ["y", "probability"]),
            ({"y": [0, 1], "probability": [0.1, 0.2], "n_bins": 0}, ["n_bins"]),
            ({"y": [0, 1], "probability": [0.1, 0.2], "n_bins": 2.5}, ["n_bins"]),
            ({"y": [0, 1], "probability": [0.1, 0.2], "n_bins": True}, ["n_bins"]),
        ],
    )
    def test_calibration_rejects(self, kwargs, names):
        """calibration_by_decile names the bad argument."""
        with pytest.raises(InvalidInputError) as exc_info:
            calibration_by_decile(**kwargs)
        assert sorted(set(problem_names(exc_info))) == sorted(names)

    @pytest.mark.parametrize(
        ("expected", "actual", "kwargs", "names"),
        [
            ([], [1.0], {}, ["expected"]),
            ([1.0], [], {}, ["actual"]),
            ([1.0, np.nan], [1.0], {}, ["expected"]),
            ([1.0], [np.inf], {}, ["actual"]),
            ([1.0], [1.0], {"bins": 0}, ["bins"]),
            ([1.0], [1.0], {"edges": [2.0, 1.0]}, ["edges"]),
            ([1.0], [1.0], {"edges": [1.0, 1.0]}, ["edges"]),
            ([1.0], [1.0], {"edges": [1.0, np.nan]}, ["edges"]),
            ([1.0], [1.0], {"edges": [[1.0]]}, ["edges"]),
            ([1.0], [1.0], {"edges": ["x"]}, ["edges"]),
            ([np.nan], [], {"bins": -1}, ["expected", "actual", "bins"]),
        ],
    )
    def test_psi_rejects(self, expected, actual, kwargs, names):
        """psi names the bad argument."""
        with pytest.raises(InvalidInputError) as exc_info:
            psi(expected, actual, **kwargs)
        assert sorted(set(problem_names(exc_info))) == sorted(names)

    @pytest.mark.parametrize("func", [psi_from_counts, csi])
    @pytest.mark.parametrize(
        ("expected", "actual", "names"),
        [
            ([1, 2], [1, 2, 3], ["actual_counts"]),  # different number of bins
            ([1, -2], [1, 2], ["expected_counts"]),  # negative
            ([0, 0], [1, 2], ["expected_counts"]),  # zero total
            ([1, 2], [0, 0], ["actual_counts"]),
            ([], [], ["expected_counts", "actual_counts"]),
            ([1, np.nan], [1, 2], ["expected_counts"]),
        ],
    )
    def test_counts_rejected(self, func, expected, actual, names):
        """psi_from_counts and csi name the bad counts argument."""
        with pytest.raises(InvalidInputError) as exc_info:
            func(expected, actual)
        assert sorted(set(problem_names(exc_info))) == sorted(names)


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def _json_safe(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_safe(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


@pytest.fixture
def sample():
    rng = np.random.default_rng(11)
    n = 2_000
    p = np.clip(rng.beta(2, 8, n), 0, 1)
    y = (rng.random(n) < p).astype(int)
    score = np.round(600 - 50 * np.log(p / (1 - p)))
    baseline = np.round(600 - 50 * np.log(rng.beta(2, 8, n) / (1 - rng.beta(2, 8, n))))
    return y, p, score, baseline


class TestValidationReport:
    def test_figures_match_functions(self, sample):
        """The report's figures equal the stand-alone metric functions."""
        y, p, score, baseline = sample
        inputs = {"age": ([10, 50, 40], [20, 50, 30]), "income": ([5, 95], [5, 95])}
        report = validation_report_from_arrays(
            y, p, score=score, baseline_score=baseline, input_counts=inputs, title="Q1"
        )
        assert isinstance(report, ValidationReport)
        assert (report.n, report.n_bad) == (y.size, int(y.sum()))
        assert report.bad_rate == pytest.approx(y.mean())
        assert report.auc == roc_auc(y, p)
        assert report.gini == gini(y, p)
        assert report.ks == ks_statistic(y, p)
        assert report.calibration == calibration_by_decile(y, p)
        assert report.psi == psi(baseline, score)
        assert report.psi_basis == "score"
        assert dict(report.csi) == {name: csi(*pair) for name, pair in inputs.items()}
        assert report.title == "Q1"

    def test_psi_on_probability_without_score(self, sample):
        """Without score, the PSI compares baseline_score with the probability."""
        y, p, _, _ = sample
        base = p[::-1].copy()
        report = validation_report_from_arrays(y, p, baseline_score=base)
        assert report.psi_basis == "probability"
        assert report.psi == psi(base, p)

    def test_optional_parts_absent(self, sample):
        """Without a baseline or inputs there is no PSI and the CSI mapping is empty."""
        y, p, score, _ = sample
        report = validation_report_from_arrays(y, p, score=score)
        assert report.psi is None and report.psi_basis is None
        assert dict(report.csi) == {}
        text = report.to_markdown()
        assert "Population stability" not in text
        assert "Characteristic stability" not in text

    def test_markdown_contains_figures(self, sample):
        """to_markdown shows the metrics, calibration rows, PSI and CSI figures."""
        y, p, score, baseline = sample
        report = validation_report_from_arrays(
            y,
            p,
            score=score,
            baseline_score=baseline,
            input_counts={"age": ([10, 50, 40], [20, 50, 30])},
            title="Holdout | 2024",
        )
        text = report.to_markdown()
        assert text.startswith("# Holdout \\| 2024\n")
        assert f"| Observations | {y.size} |" in text
        assert f"| Bads | {int(y.sum())} |" in text
        assert f"| AUC | {report.auc:.4f} |" in text
        assert f"| Gini | {report.gini:.4f} |" in text
        assert f"| KS | {report.ks.statistic:.4f} |" in text
        assert f"{report.ks.threshold:.6g}" in text
        first = report.calibration[0]
        assert (
            f"| 1 | {first.lower:.6g} | {first.upper:.6g} | {first.n} | {first.n_bad} | "
            f"{first.mean_predicted:.4f} | {first.observed_rate:.4f} |"
        ) in text
        assert f"PSI = {report.psi.value:.4f} ({report.psi.band})" in text
        assert f"| age | {report.csi['age'].value:.4f} | {report.csi['age'].band} | 3 |" in text
        assert text.count("\n| ") > len(report.calibration) + len(report.psi.contribution)

    def test_markdown_known_small_report(self):
        """A tiny report renders hand-checkable numbers."""
        # AUC 0.75 (see TestRocAuc), Gini 0.5, KS 0.5 at 0.1, bad rate 0.5
        report = validation_report_from_arrays(
            [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], input_counts={"x": ([50, 50], [75, 25])}
        )
        text = report.to_markdown()
        for line in (
            "| Bad rate | 0.5000 |",
            "| AUC | 0.7500 |",
            "| Gini | 0.5000 |",
            "| KS | 0.5000 |",
            "| KS threshold | 0.1 |",
            "| x | 0.2747 | major | 2 |",
        ):
            assert line in text

    def test_to_dict_json_safe(self, sample):
        """to_dict contains only JSON-safe builtins and round-trips through json."""
        y, p, score, baseline = sample
        report = validation_report_from_arrays(
            y,
            p,
            score=score,
            baseline_score=baseline,
            input_counts={"age": (np.array([10, 50, 40]), np.array([20, 50, 30]))},
        )
        data = report.to_dict()
        assert _json_safe(data)
        assert json.loads(json.dumps(data)) == data
        assert data["auc"] == report.auc
        assert data["csi"]["age"]["value"] == report.csi["age"].value
        assert len(data["calibration"]) == len(report.calibration)

    def test_csi_mapping_read_only(self, sample):
        """The csi mapping of a report cannot be modified."""
        y, p, _, _ = sample
        report = validation_report_from_arrays(y, p, input_counts={"a": ([1, 1], [1, 1])})
        with pytest.raises(TypeError):
            report.csi["b"] = report.csi["a"]  # type: ignore[index]

    def test_all_problems_reported_at_once(self):
        """Every bad argument of the report is named in one exception."""
        with pytest.raises(InvalidInputError) as exc_info:
            validation_report_from_arrays(
                [0, 1, 2],
                [0.1, 1.5, 0.2],
                score=[1.0],
                baseline_score=[np.nan],
                input_counts={"age": ([1, -1], [1, 1]), "bad": 3, "short": ([1, 2], [1])},
                title=None,  # type: ignore[arg-type]
                n_bins=0,
                psi_bins=0,
            )
        names = set(problem_names(exc_info))
        assert names == {
            "title",
            "n_bins",
            "psi_bins",
            "y",
            "probability",
            "score",
            "baseline_score",
            "input_counts['age'].expected_counts",
            "input_counts['bad']",
            "input_counts['short'].actual_counts",
        }

    def test_single_class_rejected(self):
        """A report needs both classes (AUC and KS are undefined otherwise)."""
        with pytest.raises(InvalidInputError) as exc_info:
            validation_report_from_arrays([0, 0, 0], [0.1, 0.2, 0.3])
        assert problem_names(exc_info) == ["y"]

    def test_input_counts_must_be_mapping(self):
        """input_counts that is not a mapping is rejected under its own name."""
        with pytest.raises(InvalidInputError) as exc_info:
            validation_report_from_arrays(
                [0, 1],
                [0.1, 0.2],
                input_counts=[([1], [1])],  # type: ignore[arg-type]
            )
        assert problem_names(exc_info) == ["input_counts"]

    def test_report_is_frozen_and_comparable(self, sample):
        """Reports are immutable and equal when built from the same data."""
        y, p, _, _ = sample
        a = validation_report_from_arrays(y, p)
        b = validation_report_from_arrays(y, p)
        assert a == b
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            a.auc = 0.0  # type: ignore[misc]

    def test_psi_result_type(self, sample):
        """The report's PSI is a PSIResult with edges from the baseline."""
        y, p, score, baseline = sample
        report = validation_report_from_arrays(y, p, score=score, baseline_score=baseline)
        assert isinstance(report.psi, PSIResult)
        assert report.psi.edges is not None and len(report.psi.edges) <= 9
