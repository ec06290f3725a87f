"""Tests of the trend terms of numeric lender attributes (``numeric_trend``,
:mod:`credit_closure._scorecard.trend`): when the fit's CV keeps them, the artifact's points
are the model's log-odds terms exactly, on fine bins that refine the WOE bins; they survive
the artifact, the table fit and the columnar engine; ``"off"`` and old artifacts are the
plain WOE scorecard; bad values are named."""

from __future__ import annotations

import datetime as dt
import math
import random
import warnings

import numpy as np
import pytest
from _helpers import HYPO, rehash, small_attribute_data
from hypothesis import given
from hypothesis import strategies as st
from test_parameters import _assert_bad_param_named, _loaded_without

from credit_closure import ArtifactError, CreditProfile, LogisticScorer
from credit_closure._scorecard import fitting
from credit_closure._scorecard.binning import fit_numeric
from credit_closure._scorecard.binning_model import NumericBinning
from credit_closure._scorecard.trend import (
    combined_binning,
    fine_trend,
    fine_trends,
    regress_with_trends,
)

AS_OF = "2025-06-30"


def _loan_data(n=3000, seed=3):
    """Applicants whose risk follows the loan's share of the price it buys: the amount and
    the price each matter mostly given the other, along a slope within every bin."""
    rng = random.Random(seed)
    profiles, outcomes = [], []
    for i in range(n):
        price = rng.uniform(500.0, 5000.0)
        amount = round(price * rng.uniform(0.2, 1.0), 2)
        lo = -2.0 + 4.0 * (amount / price - 0.6) + rng.choice([0.0, 0.6])
        attrs = {"amount": amount, "price": round(price, 2), "job": rng.choice(["a", "b"])}
        if i % 37 == 0:
            del attrs["price"]  # some missing values
        profiles.append(CreditProfile(subject_id=f"l{i}", attributes=attrs))
        outcomes.append(int(rng.random() < 1.0 / (1.0 + math.exp(-lo))))
    return profiles, outcomes


def _fit(profiles, outcomes, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticScorer(**params).fit(profiles, outcomes, as_of=AS_OF)


@pytest.fixture(scope="module")
def loan():
    profiles, outcomes = _loan_data()
    return profiles, outcomes, _fit(profiles, outcomes, numeric_trend="auto")


def _columns(profiles):
    """The fit's training columns of ``profiles`` (attributes only)."""
    cols = fitting.attribute_columns(profiles, "auto", None).columns
    feats = np.zeros((len(profiles), len(fitting.FEATURE_NAMES)))
    return fitting.Columns(feats, cols, fitting.coded_columns(cols))


class TestChosen:
    def test_trend_kept_and_recorded(self, loan):
        """The CV keeps the trends where the risk follows a slope; the artifact records the
        choice and both CV AUCs, and the method says so."""
        profiles, outcomes, s = loan
        rec = s.metadata_["numeric_trend"]
        assert rec["chosen"] is True
        assert rec["cv_auc"]["with"] > rec["cv_auc"]["without"]
        assert "trend term" in s.metadata_["method"]
        plain = _fit(profiles, outcomes, numeric_trend="off")
        assert "numeric_trend" not in plain.metadata_
        assert s.metadata_["metrics"]["auc"] > plain.metadata_["metrics"]["auc"]

    def test_fine_bins_refine_the_woe_bins(self, loan):
        """A trend input's bins are its unmerged pre-bins, whose cuts include every cut of
        its WOE binning; its values are the WOE of the coarse bin plus a multiple of the
        standardised median value of the fine bin."""
        profiles, outcomes, s = loan
        y = np.asarray(outcomes)
        amount = next(i for i in s.inputs_ if i.name == "amount")
        x = np.array([p.attributes["amount"] for p in profiles])
        kw = {"prebins": 30, "smoothing": 1.0}
        fine = fit_numeric(x, y, max_bins=30, min_bin_share=0.0, monotonic=None, **kw)
        coarse = fit_numeric(x, y, max_bins=8, min_bin_share=0.03, monotonic="auto", **kw)
        b = amount.binning
        assert b.cuts == fine.cuts and b.counts == fine.counts
        assert set(coarse.cuts) <= set(b.cuts) and len(b.cuts) > len(coarse.cuts)
        lower = np.r_[-np.inf, b.cuts]  # the smallest value of each fine bin
        resid = np.asarray(b.woe[:-1]) - np.asarray(coarse.woe)[coarse.transform_index(lower)]
        steps = np.diff(resid)  # a multiple of the rising median values: one sign
        assert np.all(steps > 0) or np.all(steps < 0)
        # the missing bin carries the WOE of the coarse missing bin (trend value 0)
        assert b.woe[-1] == coarse.woe[-1]

    def test_points_are_the_model(self, loan):
        """The probability of every row is the logistic of the intercept plus each input's
        ``coefficient * woe`` of its bin, and equals the trend regression's own."""
        profiles, outcomes, s = loan
        y = np.asarray(outcomes)
        cols = _columns(profiles)
        params = {**s.get_params(), "numeric_trend": "auto"}
        binned = fitting.bin_candidates(params, cols, y)
        kept = fitting.select_by_iv(binned.candidates, 0.0, None).kept
        trends = fine_trends(kept, cols, y, params)
        assert set(trends) == {("attribute", "amount"), ("attribute", "price")}
        got = regress_with_trends(
            kept,
            trends,
            [fitting._woe_of(c, cols) for c in kept],
            cols,
            y,
            s.metadata_["C"]["chosen"],
        )
        z = np.full(len(y), got.intercept)
        for c, coef in zip(got.selected, got.coefficients):
            z += coef * fitting._woe_of(c, cols)
            key = (c.kind, c.name)
            if key in got.trend_coefficients:
                from credit_closure._scorecard.trend import trend_column

                z += got.trend_coefficients[key] * trend_column(trends[key], c, cols)
        want = 1.0 / (1.0 + np.exp(-z))
        p = np.asarray(s.predict_proba(profiles, as_of=AS_OF), dtype=float)
        np.testing.assert_allclose(p, want, rtol=1e-9, atol=1e-12)

    def test_round_trip_tables_and_columnar(self, loan, tmp_path):
        """The artifact reloads to the same probabilities bit for bit; ``fit_tables`` on
        the same rows gives the same artifact; the columnar engine scores as ``assess``."""
        profiles, outcomes, s = loan
        path = tmp_path / "card.json"
        s.save(path)
        back = LogisticScorer.load(path, sha256=s.sha256_)
        sub = profiles[:300]
        assert back.predict_proba(sub, as_of=AS_OF) == s.predict_proba(sub, as_of=AS_OF)
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            {
                "subject_id": [p.subject_id for p in profiles],
                "amount": [p.attributes["amount"] for p in profiles],
                "price": [p.attributes.get("price", np.nan) for p in profiles],
                "job": [p.attributes["job"] for p in profiles],
                "bad": outcomes,
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = LogisticScorer(numeric_trend="auto").fit_tables(
                attributes=frame, outcomes="bad", as_of=AS_OF
            )
        assert t.sha256_ == s.sha256_
        from credit_closure import assess
        from credit_closure.columnar import score_columnar

        none = {
            k: np.zeros(0, dtype=object) for k in ("subject_id", "account_id", "product", "status")
        }
        table = frame.drop(columns="bad").iloc[:200]
        for engine in ("numpy", "numba"):
            out = score_columnar(none, attributes=table, scorer=s, as_of=AS_OF, engine=engine)
            got = {
                str(i): (float(a), float(b))
                for i, a, b in zip(out["subject_id"], out["score"], out["probability_of_default"])
            }
            want = {
                p.subject_id: (a.score, a.probability_of_default)
                for p, a in ((p, assess(p, scorer=s, as_of=AS_OF)) for p in profiles[:200])
            }
            assert got == want, engine


class TestOff:
    def test_off_is_the_woe_scorecard(self, loan):
        """``"off"`` (and an attribute-free or categorical-only fit with ``"auto"``) fits
        the plain WOE scorecard: no bin beyond ``max_bins`` plus the missing one."""
        profiles, outcomes, _ = loan
        s = _fit(profiles, outcomes, numeric_trend="off")
        assert all(len(i.points) <= 9 for i in s.inputs_)
        assert s.get_params()["numeric_trend"] == "off"
        cats = [
            CreditProfile(subject_id=p.subject_id, attributes={"job": p.attributes["job"]})
            for p in profiles
        ]
        a = _fit(cats, outcomes, numeric_trend="auto")
        b = _fit(cats, outcomes, numeric_trend="off")
        assert "numeric_trend" not in a.metadata_
        assert a.inputs_[0].points == b.inputs_[0].points

    def test_artifact_without_numeric_trend_loads_as_off(self):
        """An artifact saved before ``numeric_trend`` existed loads as ``"off"`` and scores
        as before."""
        profiles, s, old = _loaded_without("numeric_trend", "off")
        assert old.numeric_trend == "off"
        p = profiles[3]
        assert old.score(p, dt.date(2025, 1, 1)) == s.score(p, dt.date(2025, 1, 1))

    @pytest.mark.parametrize("bad", ["on", "AUTO", None, True, 1])
    def test_bad_numeric_trend_refused(self, bad):
        """A ``numeric_trend`` other than ``"auto"`` or ``"off"`` is named, in fit and in an
        artifact."""
        _assert_bad_param_named("numeric_trend", bad)

    def test_bad_training_record_refused(self, loan):
        """A malformed ``training.numeric_trend`` record is named."""
        doc = loan[2].to_dict()
        doc["training"]["numeric_trend"] = {"chosen": "yes", "cv_auc": {}}
        with pytest.raises(ArtifactError, match="training.numeric_trend"):
            LogisticScorer.from_dict(rehash(doc))


class TestUnits:
    @staticmethod
    def _binned(direction="increasing"):
        rng = np.random.default_rng(0)
        x = rng.uniform(0, 100, 2000)
        y = (rng.random(2000) < 0.1 + 0.004 * x).astype(int)
        profiles = [
            CreditProfile(subject_id=f"u{i}", attributes={"x": float(v)}) for i, v in enumerate(x)
        ]
        cols = _columns(profiles)
        coarse = fit_numeric(x, y, max_bins=8, min_bin_share=0.03, monotonic=direction, prebins=30)
        c = fitting.Candidate("attribute", "x", coarse)
        params = {"prebins": 30, "binning": "greedy", "woe_smoothing": 0.5}
        return c, cols, y, params

    def test_direction_kept_only_when_followed(self):
        """The combined values keep the WOE binning's direction when the trend goes the same
        way, and drop it (no shape claimed) when a strong opposite trend breaks it."""
        c, cols, y, params = self._binned()
        ft = fine_trend(c, cols, y, params)
        assert ft is not None and ft.value[-1] == 0.0
        same = combined_binning(c, ft, 0.1)
        assert same.direction == "increasing" and same.shape == "increasing"
        against = combined_binning(c, ft, -5.0)
        assert against.direction is None and against.shape is None
        assert isinstance(against, NumericBinning) and against.iv == c.binning.iv

    def test_non_positive_woe_drops_its_trend(self):
        """An input whose WOE coefficient comes out non-positive is dropped with its trend
        (here a copy of an input the other already explains)."""
        c, cols, y, params = self._binned()
        twin = fitting.Candidate("attribute", "x", c.binning)
        ft = fine_trend(c, cols, y, params)
        woe = fitting._woe_of(c, cols)
        got = regress_with_trends([c, twin], {("attribute", "x"): ft}, [woe, -woe], cols, y, 0.3)
        assert len(got.selected) == 1 and len(got.dropped) == 1
        assert got.coefficients[0] > 0


@HYPO
@given(seed=st.integers(0, 10_000), n=st.integers(120, 600))
def test_property_deterministic_and_round_trips(seed, n):
    """Any small data: the fit with ``numeric_trend="auto"`` is deterministic, loads back
    from its JSON, and every probability is in (0, 1)."""
    profiles, outcomes = small_attribute_data(n=n, seed=seed)
    rng = random.Random(seed)
    profiles = [
        CreditProfile(
            subject_id=p.subject_id,
            attributes={**p.attributes, "age": rng.randint(18, 80)},
        )
        for p in profiles
    ]
    if len(set(outcomes)) < 2:
        return
    a = _fit(profiles, outcomes, numeric_trend="auto")
    b = _fit(profiles, outcomes, numeric_trend="auto")
    assert a.sha256_ == b.sha256_
    back = LogisticScorer.from_dict(a.to_dict())
    p = back.predict_proba(profiles[:20], as_of=AS_OF)
    assert p == a.predict_proba(profiles[:20], as_of=AS_OF)
    assert all(0.0 < v < 1.0 for v in p)
