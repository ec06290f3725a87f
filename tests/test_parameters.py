"""Tests of the logistic scorecard's parameters (:mod:`credit_closure._scorecard.parameters`):
each reaches the fit (shapes, binning method, pre-bins, WOE smoothing, closure counts), an
artifact saved before it existed loads with the value it was fitted with, and a bad value is
named, in ``fit`` and in an artifact."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import pytest
from _helpers import PORTFOLIO_AS_OF, rehash, small_attribute_data

from credit_closure import ArtifactError, CreditProfile, InvalidInputError, LogisticScorer

AS_OF = PORTFOLIO_AS_OF  # the date of the data/fitted fixtures


def _loaded_without(param, value, **params):
    """Fit with ``param=value``, drop ``param`` from the artifact's training parameters (an
    artifact saved before it existed) and load that: ``(profiles, fitted, loaded)``."""
    profiles, outcomes = small_attribute_data()
    s = LogisticScorer(**{param: value}, **params).fit(profiles, outcomes, as_of="2025-01-01")
    doc = s.to_dict()
    del doc["training"]["params"][param]
    return profiles, s, LogisticScorer.from_dict(rehash(doc))


def _assert_bad_param_named(param, bad, *, in_artifact=True):
    """``LogisticScorer(param=bad).fit`` raises InvalidInputError naming ``param``; with
    ``in_artifact``, an artifact whose ``training.params`` holds it is refused naming it."""
    profiles, outcomes = small_attribute_data(n=40)
    with pytest.raises(InvalidInputError) as exc:
        LogisticScorer(**{param: bad}).fit(profiles, outcomes, as_of="2025-01-01")
    assert param in {p for p, _ in exc.value.problems}
    if in_artifact:
        doc = LogisticScorer().fit(*small_attribute_data(), as_of="2025-01-01").to_dict()
        doc["training"]["params"][param] = bad
        with pytest.raises(ArtifactError, match=f"training.params.{param}"):
            LogisticScorer.from_dict(rehash(doc))


class TestShapes:
    """Peak and valley shapes for inputs without a domain direction."""

    @staticmethod
    def _u_shaped_age(n=3000, seed=12):
        """Profiles whose ``age`` attribute has a U-shaped risk (the young and the old are
        riskier), plus the outcomes."""
        rng = random.Random(seed)
        profiles, outcomes = [], []
        for i in range(n):
            age = rng.randint(18, 80)
            p_bad = 0.06 + 0.5 * ((age - 45) / 35) ** 2
            profiles.append(CreditProfile(subject_id=f"u{i}", attributes={"age": age}))
            outcomes.append(int(rng.random() < p_bad))
        return profiles, outcomes

    def test_u_shaped_attribute_gets_a_valley(self):
        """A directionless attribute with a U-shaped risk is binned as a valley: points
        rise to the safest bin (in the middle of the range), then fall."""
        profiles, outcomes = self._u_shaped_age()
        # the shapes alone (a trend term could bend a monotonic binning: test_trend.py)
        s = LogisticScorer(shapes="auto", numeric_trend="off").fit(profiles, outcomes, as_of=AS_OF)
        (inp,) = s.inputs_
        b = inp.binning
        assert b.shape == "valley" and b.direction is None
        pts = list(inp.points[:-1])
        best = max(range(len(pts)), key=pts.__getitem__)
        assert 0 < best < len(pts) - 1
        assert all(a <= c for a, c in zip(pts[:best], pts[1 : best + 1]))
        assert all(a >= c for a, c in zip(pts[best:], pts[best + 1 :]))
        assert b.bin_index_one(45) == best
        assert s.metadata_["params"]["shapes"] == "auto"
        mono = LogisticScorer(shapes="monotonic", numeric_trend="off").fit(
            profiles, outcomes, as_of=AS_OF
        )
        assert mono.inputs_[0].binning.shape in ("increasing", "decreasing")
        assert mono.inputs_[0].binning.iv < b.iv

    def test_valley_survives_the_artifact(self, tmp_path):
        """The valley's shape is in the artifact and reloads to bit-identical scores."""
        profiles, outcomes = self._u_shaped_age(1500)
        s = LogisticScorer(shapes="auto").fit(profiles, outcomes, as_of=AS_OF)
        path = tmp_path / "u.json"
        s.save(path)
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["inputs"][0]["binning"]["shape"] == "valley"
        loaded = LogisticScorer.load(path)
        assert loaded.inputs_[0].binning.shape == "valley"
        assert loaded.predict_proba(profiles[:200], AS_OF) == s.predict_proba(profiles[:200], AS_OF)

    def test_artifact_without_shapes_param_loads(self, tmp_path):
        """An artifact saved before ``shapes`` existed loads, as ``shapes="monotonic"``."""
        profiles, s, old = _loaded_without("shapes", "monotonic", min_iv=0.0)
        assert old.shapes == "monotonic"
        p = profiles[3]
        assert old.score(p, dt.date(2025, 1, 1)) == s.score(p, dt.date(2025, 1, 1))

    def test_bad_shapes_refused(self):
        """An unknown ``shapes`` value is named, in fit and in an artifact."""
        _assert_bad_param_named("shapes", "wiggly")


class TestBinningMethod:
    """The ``binning`` parameter: greedy merges (default) or the exact optimal grouping."""

    def test_defaults(self):
        """The defaults chosen by the evidence in docs/logistic-scorecard.md."""
        p = LogisticScorer().get_params()
        assert (
            p["binning"],
            p["C"],
            p["min_iv"],
            p["max_bins"],
            p["min_bin_share"],
            p["prebins"],
        ) == ("greedy", "auto", 0.0, 8, 0.03, 30)

    def test_optimal_fits_at_least_the_greedy_iv(self, data):
        """With ``binning="optimal"`` (monotonic shapes, so both pick among the same shapes)
        every candidate's IV is at least the greedy one's; the artifact records the method
        and reloads to identical scores."""
        profiles, outcomes = data
        kw = {"shapes": "monotonic"}
        greedy = LogisticScorer(**kw).fit(profiles, outcomes, as_of=AS_OF)
        best = LogisticScorer(binning="optimal", **kw).fit(profiles, outcomes, as_of=AS_OF)
        iv_g = {(r["kind"], r["name"]): r["iv"] for r in greedy.metadata_["selection"]}
        iv_o = {(r["kind"], r["name"]): r["iv"] for r in best.metadata_["selection"]}
        assert iv_g.keys() == iv_o.keys()
        assert all(iv_o[k] >= iv_g[k] - 1e-12 for k in iv_g)
        assert sum(iv_o.values()) > sum(iv_g.values())
        assert best.metadata_["params"]["binning"] == "optimal"
        assert "exactly" in best.metadata_["method"]
        loaded = LogisticScorer.from_dict(best.to_dict())
        assert loaded.binning == "optimal"
        assert loaded.predict_proba(profiles[:300], AS_OF) == best.predict_proba(
            profiles[:300], AS_OF
        )

    def test_artifact_without_binning_param_loads(self):
        """An artifact saved before ``binning`` existed loads, as ``binning="greedy"``."""
        profiles, s, old = _loaded_without("binning", "greedy")
        assert old.binning == "greedy"
        p = profiles[3]
        assert old.score(p, dt.date(2025, 1, 1)) == s.score(p, dt.date(2025, 1, 1))

    def test_bad_binning_refused(self):
        """An unknown ``binning`` value is named, in fit and in an artifact."""
        _assert_bad_param_named("binning", "cp")


def _continuous_attribute_data(n=1200, seed=5):
    """Profiles with one continuous attribute whose risk rises with it."""
    rng = random.Random(seed)
    profiles, outcomes = [], []
    for i in range(n):
        x = round(rng.uniform(0.0, 100.0), 3)
        profiles.append(CreditProfile(subject_id=f"c{i}", attributes={"utilisation": x}))
        outcomes.append(int(rng.random() < 0.1 + 0.4 * x / 100.0))
    return profiles, outcomes


def _binning_of_utilisation(params, **fit_numeric_kw):
    """Fit ``LogisticScorer(**params)`` on :func:`_continuous_attribute_data`; return the
    scorer, its binning of ``utilisation`` and ``fit_numeric``'s on the same column with the
    scorer's default bin limits and ``fit_numeric_kw``."""
    from credit_closure._scorecard import fit_numeric

    profiles, outcomes = _continuous_attribute_data()
    x = [p.attributes["utilisation"] for p in profiles]
    s = LogisticScorer(**params).fit(profiles, outcomes, as_of=AS_OF)
    (inp,) = [i for i in s.inputs_ if i.name == "utilisation"]
    direct = fit_numeric(
        x, outcomes, max_bins=8, min_bin_share=0.03, monotonic="auto_shape", **fit_numeric_kw
    )
    return s, inp.binning, direct


class TestPrebins:
    """The ``prebins`` parameter: how many quantile pre-bins numeric inputs start from."""

    def test_prebins_reach_the_binning(self):
        """The scorer's bins of a numeric attribute are fit_numeric's with the same
        ``prebins``, and a different ``prebins`` gives different bins."""
        cuts = {}
        for k in (6, 30):
            s, got, direct = _binning_of_utilisation({"prebins": k}, prebins=k)
            assert got.cuts == direct.cuts
            assert s.metadata_["params"]["prebins"] == k
            cuts[k] = got.cuts
        assert cuts[6] != cuts[30]

    def test_artifact_without_prebins_loads_as_20(self):
        """An artifact saved before ``prebins`` existed loads, as ``prebins=20``, and scores
        as before."""
        profiles, s, old = _loaded_without("prebins", 20)
        assert old.prebins == 20
        p = profiles[7]
        assert old.score(p, dt.date(2025, 1, 1)) == s.score(p, dt.date(2025, 1, 1))

    @pytest.mark.parametrize("bad", [0, 1001, 2.5, True, "30", None])
    def test_bad_prebins_refused(self, bad):
        """A ``prebins`` that is not an integer from 1 to 1000 is named, in fit and in an
        artifact."""
        _assert_bad_param_named("prebins", bad)


class TestWoeSmoothing:
    """The ``woe_smoothing`` parameter: the pseudo-count of every bin's WOE."""

    def test_default_and_reach_the_binning(self):
        """Default 1.0; the scorer's bins are fit_numeric's with the same smoothing, their
        WOE follows the formula with that pseudo-count, and the artifact records it."""
        assert LogisticScorer().get_params()["woe_smoothing"] == 1.0
        woes = {}
        for a in (0.5, 2.0):
            s, b, direct = _binning_of_utilisation({"woe_smoothing": a}, prebins=30, smoothing=a)
            assert b == direct and b.smoothing == a
            n_bad, n_good = sum(b.bad_counts), sum(b.counts) - sum(b.bad_counts)
            k = sum(1 for c in b.counts if c > 0)
            for c, bad, w in zip(b.counts, b.bad_counts, b.woe):
                if c:
                    want = math.log(
                        ((bad + a) / (n_bad + a * k)) / ((c - bad + a) / (n_good + a * k))
                    )
                    assert w == pytest.approx(want, rel=1e-12, abs=1e-15)
            doc = s.to_dict()
            assert doc["training"]["params"]["woe_smoothing"] == a
            item = next(i for i in doc["inputs"] if i["name"] == "utilisation")
            assert item["binning"].get("smoothing", 0.5) == a
            assert ("smoothing" in item["binning"]) == (a != 0.5)
            woes[a] = b.woe
        assert woes[0.5] != woes[2.0]

    def test_artifact_without_woe_smoothing_loads_as_half(self):
        """An artifact saved before ``woe_smoothing`` existed (its binnings carry no
        smoothing) loads as ``woe_smoothing=0.5`` and scores as before."""
        profiles, s, old = _loaded_without("woe_smoothing", 0.5)
        assert old.woe_smoothing == 0.5
        assert all(i.binning.smoothing == 0.5 for i in old.inputs_)
        p = profiles[5]
        assert old.score(p, dt.date(2025, 1, 1)) == s.score(p, dt.date(2025, 1, 1))

    @pytest.mark.parametrize("bad", [0, 0.0, 0.25, 1.2, 16.5, -1.0, True, "1", None])
    def test_bad_woe_smoothing_refused(self, bad):
        """A ``woe_smoothing`` that is not a multiple of 0.5 from 0.5 to 16 is named, in fit
        and in an artifact."""
        _assert_bad_param_named("woe_smoothing", bad)

    @pytest.mark.parametrize("bad", [float("nan"), float("inf")])
    def test_non_finite_woe_smoothing_refused(self, bad):
        """NaN and infinity are named too (they cannot be written to an artifact)."""
        _assert_bad_param_named("woe_smoothing", bad, in_artifact=False)

    def test_number_beyond_float_range_refused(self):
        """A number literal beyond the float range (1e400) anywhere in an artifact is an
        ArtifactError, not a crash while hashing."""
        from credit_closure._scorecard import REFERENCE_FILE

        raw = json.dumps(LogisticScorer.load(REFERENCE_FILE).to_dict())
        raw = raw.replace('"rows": ', '"rows": 1e400, "rows_": ', 1)
        with pytest.raises(ArtifactError, match="beyond the float range"):
            LogisticScorer.from_bytes(raw.encode("utf-8"))

    def test_binning_smoothing_must_match_the_parameter(self):
        """An artifact whose bins were computed with another smoothing than its parameter
        says is refused, naming the input; a bad smoothing in a binning is named too."""
        doc = (
            LogisticScorer(woe_smoothing=2.0)
            .fit(*small_attribute_data(), as_of="2025-01-01")
            .to_dict()
        )
        doc["inputs"][0]["binning"]["smoothing"] = 1.5
        with pytest.raises(ArtifactError, match=r"inputs\[0\]\.binning\.smoothing"):
            LogisticScorer.from_dict(rehash(doc))
        doc["inputs"][0]["binning"]["smoothing"] = 0.3
        with pytest.raises(ArtifactError, match=r"inputs\[0\]\.binning\.smoothing"):
            LogisticScorer.from_dict(rehash(doc))


class TestIntegerBeyondFloatRange:
    @pytest.mark.parametrize(
        "param", ["C", "min_bin_share", "min_iv", "cutoff_band", "woe_smoothing"]
    )
    def test_named_not_overflow(self, param):
        """An int beyond the float range (10**400) is named, in fit and in an artifact,
        instead of escaping as OverflowError."""
        _assert_bad_param_named(param, 10**400)


class TestClosureCounts:
    """Closure counts are not inputs unless asked for, so a clean closure is never a reason."""

    def test_excluded_by_default(self, fitted):
        """The default fit leaves every closure-count feature out and says so."""
        from credit_closure._scorecard import CLOSURE_ACT_FEATURES

        names = {i.name for i in fitted.inputs_}
        assert not names & set(CLOSURE_ACT_FEATURES)
        assert fitted.get_params()["allow_closure_counts"] is False

    def test_reference_model_excludes_them(self):
        """The shipped reference scorer uses no closure-count feature."""
        from credit_closure._scorecard import CLOSURE_ACT_FEATURES, reference_scorer

        assert not {i.name for i in reference_scorer().inputs_} & set(CLOSURE_ACT_FEATURES)

    def test_bad_flag(self, data):
        """allow_closure_counts must be a boolean."""
        profiles, outcomes = data
        with pytest.raises(InvalidInputError, match="allow_closure_counts"):
            LogisticScorer(allow_closure_counts="yes").fit(profiles, outcomes, as_of=AS_OF)
