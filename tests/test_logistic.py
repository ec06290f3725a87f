"""Tests of the logistic scorecard (:mod:`credit_closure._scorecard.logistic`), its artifact, the
built-in ``"logistic"`` scorer, ``metrics.validation_report`` and ``credit-closure train``."""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
import random
import subprocess
import sys

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    ArtifactError,
    CreditProfile,
    InvalidInputError,
    LogisticScorer,
    NotFittedError,
    Scale,
    ScoringError,
    assess,
    available_scorers,
    get_scorer,
)
from credit_closure._scorecard import attribute_reason_code, canonical
from credit_closure._scoring import FEATURE_INDEX, FEATURE_REASON, FEATURES
from credit_closure.metrics import roc_auc, validation_report
from credit_closure.synth import generate_portfolio

SETTINGS = settings(max_examples=25, deadline=None)
AS_OF = dt.date(2026, 6, 30)
ODD = ["a,b", 'say "hi"', "花呗,用户", "plain"]  # categories with commas, quotes, Chinese


def _with_channel(pf):
    """Add a categorical attribute ``channel`` tied to the true risk, with awkward labels."""
    rng = random.Random(11)
    out = []
    for p, prob in zip(pf.profiles, pf.true_probability.tolist()):
        k = min(3, int(prob * 40 + rng.random() * 1.5))
        attrs_ = dict(p.attributes)
        if rng.random() < 0.97:
            attrs_["channel"] = ODD[k]
        out.append(attrs.evolve(p, attributes=attrs_))
    return out


@pytest.fixture(scope="module")
def data():
    """A small synthetic portfolio (3,000 subjects) with an extra categorical attribute."""
    pf = generate_portfolio(3000, seed=3, as_of=AS_OF)
    return _with_channel(pf), pf.outcomes.tolist()


@pytest.fixture(scope="module")
def fitted(data):
    """The scorecard fitted once on :func:`data`."""
    profiles, outcomes = data
    return LogisticScorer().fit(profiles, outcomes, as_of=AS_OF)


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """The fitted scorecard saved to a file; returns the path."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    fitted.save(path)
    return path


def _small_attribute_data(n=400, seed=0):
    """Profiles with no accounts and only attributes (the German-credit shape)."""
    rng = random.Random(seed)
    profiles, outcomes = [], []
    for i in range(n):
        income = rng.choice([3000, 8000, 15000, 30000])
        purpose = rng.choice(["car", "tv", "education"])
        p_bad = 3000 / (income + 6000) + (0.15 if purpose == "education" else 0.0)
        profiles.append(
            CreditProfile(
                subject_id=f"s{i}", attributes={"monthly_income": income, "purpose": purpose}
            )
        )
        outcomes.append(int(rng.random() < p_bad))
    return profiles, outcomes


def _loaded_without(param, value, **params):
    """Fit with ``param=value``, drop ``param`` from the artifact's training parameters (an
    artifact saved before it existed) and load that: ``(profiles, fitted, loaded)``."""
    profiles, outcomes = _small_attribute_data()
    s = LogisticScorer(**{param: value}, **params).fit(profiles, outcomes, as_of="2025-01-01")
    doc = s.to_dict()
    del doc["training"]["params"][param]
    return profiles, s, LogisticScorer.from_dict(_rehash(doc))


def _assert_bad_param_named(param, bad, *, in_artifact=True):
    """``LogisticScorer(param=bad).fit`` raises InvalidInputError naming ``param``; with
    ``in_artifact``, an artifact whose ``training.params`` holds it is refused naming it."""
    profiles, outcomes = _small_attribute_data(n=40)
    with pytest.raises(InvalidInputError) as exc:
        LogisticScorer(**{param: bad}).fit(profiles, outcomes, as_of="2025-01-01")
    assert param in {p for p, _ in exc.value.problems}
    if in_artifact:
        doc = LogisticScorer().fit(*_small_attribute_data(), as_of="2025-01-01").to_dict()
        doc["training"]["params"][param] = bad
        with pytest.raises(ArtifactError, match=f"training.params.{param}"):
            LogisticScorer.from_dict(_rehash(doc))


def _rehash(doc):
    """Recompute the embedded sha256 of an artifact dict after an edit."""
    import hashlib

    body = {k: v for k, v in doc.items() if k != "sha256"}
    doc["sha256"] = hashlib.sha256(canonical(body)).hexdigest()
    return doc


# ----------------------------------------------------------------------------------------
class TestFit:
    def test_fit_returns_self_with_learned_state(self, fitted):
        """fit() returns the scorer with trailing-underscore state and a content version."""
        assert fitted.inputs_ and len(fitted.coef_) == len(fitted.inputs_)
        assert all(c > 0 for c in fitted.coef_)
        assert math.isfinite(fitted.intercept_)
        assert fitted.version == "logistic-" + fitted.sha256_[:12]
        assert fitted.metadata_["rows"] == 3000
        assert 0.6 < fitted.metadata_["metrics"]["auc"] < 1.0

    def test_codes_are_stable_names(self, fitted):
        """Feature inputs use the catalog code, attributes ATTR_<NAME>."""
        for inp in fitted.inputs_:
            if inp.kind == "feature":
                assert inp.reason_code == FEATURE_REASON[inp.name]
            else:
                assert inp.reason_code == attribute_reason_code(inp.name)
        assert attribute_reason_code("a-b c") == "ATTR_A_B_C"

    def test_categorical_attribute_is_selected(self, fitted):
        """The informative categorical attribute becomes an input with grouped categories."""
        channel = [i for i in fitted.inputs_ if i.name == "channel"]
        assert channel and channel[0].categorical
        cats = {c for g in channel[0].binning.groups for c in g}
        assert cats == set(ODD)

    def test_refit_is_deterministic(self):
        """Fitting twice on the same data gives the same artifact hash."""
        profiles, outcomes = _small_attribute_data()
        a = LogisticScorer(min_iv=0.0).fit(profiles, outcomes, as_of="2025-01-01")
        b = LogisticScorer(min_iv=0.0).fit(profiles, outcomes, as_of="2025-01-01")
        assert a.sha256_ == b.sha256_
        assert {i.reason_code for i in a.inputs_} == {"ATTR_MONTHLY_INCOME", "ATTR_PURPOSE"}

    def test_attribute_only_profiles(self):
        """Profiles with no accounts and only attributes can be fitted and scored."""
        profiles, outcomes = _small_attribute_data()
        s = LogisticScorer(min_iv=0.0).fit(profiles, outcomes, as_of=dt.date(2025, 1, 1))
        assert [i.kind for i in s.inputs_] == ["attribute", "attribute"]
        r = s.score(profiles[0], dt.date(2025, 1, 1))
        assert 0.0 <= r.probability_of_default <= 1.0

    def test_every_data_problem_at_once(self, data):
        """Length, outcome, type and date problems are all reported together."""
        profiles, _ = data
        late = CreditProfile.from_dict(
            {
                "subject_id": "x",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2027-01-01",
                    }
                ],
            }
        )
        with pytest.raises(InvalidInputError) as exc:
            LogisticScorer().fit([profiles[0], "nope", late], [0, 2, 1, 1], as_of=AS_OF)
        paths = [p for p, _ in exc.value.problems]
        assert "outcomes" in paths and "C" not in paths
        assert "outcomes[1]" in paths
        assert "profiles[1]" in paths
        assert "profiles[2].accounts[0].opened_on" in paths

    def test_parameter_and_data_problems_together(self, data):
        """Bad parameters and bad data are reported in one error."""
        with pytest.raises(InvalidInputError) as exc:
            LogisticScorer(C=0.0).fit(data[0][:3], [0, 1], as_of="2026-13-01")
        assert {"C", "outcomes", "as_of"} <= {p for p, _ in exc.value.problems}

    def test_single_class_refused(self, data):
        """Outcomes of one class only are refused."""
        profiles, _ = data
        with pytest.raises(InvalidInputError, match="both classes"):
            LogisticScorer().fit(profiles[:10], [0] * 10, as_of=AS_OF)

    def test_bad_parameters_listed(self, data):
        """Every bad parameter is named."""
        profiles, outcomes = data
        with pytest.raises(InvalidInputError) as exc:
            LogisticScorer(max_bins=0, C=-1.0, reason_method="x", attributes=3).fit(
                profiles[:10], outcomes[:10], as_of=AS_OF
            )
        assert {p for p, _ in exc.value.problems} >= {
            "max_bins",
            "C",
            "reason_method",
            "attributes",
        }

    def test_mixed_attribute_types_refused(self):
        """An attribute that is a number for some and a string for others is refused."""
        ps = [
            CreditProfile(subject_id=f"s{i}", attributes={"x": i if i % 2 else str(i)})
            for i in range(20)
        ]
        with pytest.raises(InvalidInputError, match="attributes.x"):
            LogisticScorer().fit(ps, [i % 2 for i in range(20)], as_of=AS_OF)

    def test_get_and_set_params(self):
        """get_params/set_params round-trip the constructor parameters."""
        s = LogisticScorer(C=0.5)
        assert s.get_params()["C"] == 0.5
        assert s.set_params(max_bins=4).max_bins == 4
        with pytest.raises(InvalidInputError):
            s.set_params(nope=1)


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
        s = LogisticScorer().fit(profiles, outcomes, as_of=AS_OF)
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
        mono = LogisticScorer(shapes="monotonic").fit(profiles, outcomes, as_of=AS_OF)
        assert mono.inputs_[0].binning.shape in ("increasing", "decreasing")
        assert mono.inputs_[0].binning.iv < b.iv

    def test_valley_survives_the_artifact(self, tmp_path):
        """The valley's shape is in the artifact and reloads to bit-identical scores."""
        profiles, outcomes = self._u_shaped_age(1500)
        s = LogisticScorer().fit(profiles, outcomes, as_of=AS_OF)
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
        ) == ("greedy", 0.3, 0.0, 8, 0.03, 30)

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
            .fit(*_small_attribute_data(), as_of="2025-01-01")
            .to_dict()
        )
        doc["inputs"][0]["binning"]["smoothing"] = 1.5
        with pytest.raises(ArtifactError, match=r"inputs\[0\]\.binning\.smoothing"):
            LogisticScorer.from_dict(_rehash(doc))
        doc["inputs"][0]["binning"]["smoothing"] = 0.3
        with pytest.raises(ArtifactError, match=r"inputs\[0\]\.binning\.smoothing"):
            LogisticScorer.from_dict(_rehash(doc))


class TestIntegerBeyondFloatRange:
    @pytest.mark.parametrize(
        "param", ["C", "min_bin_share", "min_iv", "cutoff_band", "woe_smoothing"]
    )
    def test_named_not_overflow(self, param):
        """An int beyond the float range (10**400) is named, in fit and in an artifact,
        instead of escaping as OverflowError."""
        _assert_bad_param_named(param, 10**400)


class TestNotFitted:
    def test_score_raises_not_fitted(self, data):
        """Scoring an unfitted scorer raises NotFittedError naming the class and the fix."""
        with pytest.raises(NotFittedError, match=r"LogisticScorer.*fit\(\)"):
            LogisticScorer().score(data[0][0], AS_OF)

    def test_version_and_save_raise(self, tmp_path):
        """version and save() need a fitted scorer."""
        s = LogisticScorer()
        with pytest.raises(NotFittedError):
            _ = s.version
        with pytest.raises(NotFittedError):
            s.save(tmp_path / "m.json")
        assert repr(s) == "LogisticScorer(unfitted)"

    def test_assess_wraps_not_fitted(self, data):
        """assess() with an unfitted scorer raises ScoringError caused by NotFittedError."""
        with pytest.raises(ScoringError) as exc:
            assess(data[0][0], scorer=LogisticScorer(), as_of=AS_OF)
        assert isinstance(exc.value.__cause__, NotFittedError)


class TestScore:
    def test_one_factor_per_input(self, fitted, data):
        """score() returns one factor per input, never above the best attainable points."""
        r = fitted.score(data[0][5], AS_OF)
        assert [f.feature for f in r.factors] == [i.name for i in fitted.inputs_]
        assert all(f.points <= 0.0 for f in r.factors)
        assert 0.0 <= r.probability_of_default <= 1.0
        bins = fitted.bin_indices(data[0][5], AS_OF)
        assert [f.value for f in r.factors] == [i.labels[b] for i, b in zip(fitted.inputs_, bins)]
        for inp in fitted.inputs_:
            assert inp.max_points == max(p for p, c in zip(inp.points, inp.binning.counts) if c)

    @SETTINGS
    @given(st.integers(0, 2999), st.sampled_from(ODD + ["unseen", None]))
    def test_bins_match_the_binnings(self, fitted, data, i, channel):
        """The inlined hot path puts every value in the bin its binning gives it."""
        from credit_closure._scoring import extract

        a = dict(data[0][i].attributes)
        a.pop("channel", None)
        if channel is not None:
            a["channel"] = channel
        p = attrs.evolve(data[0][i], attributes=a)
        feats = extract(p, AS_OF)
        want = []
        for inp in fitted.inputs_:
            v = feats[inp.index] if inp.kind == "feature" else p.attributes.get(inp.name)
            want.append(inp.binning.bin_index_one(v))
        assert list(fitted.bin_indices(p, AS_OF)) == want

    def test_assess_gives_reasons(self, fitted, data):
        """assess(profile, scorer=fitted) works and explains the worst profiles."""
        profiles, _ = data
        worst = max(profiles[:300], key=lambda p: fitted.log_odds(p, AS_OF))
        a = assess(worst, scorer=fitted, as_of=AS_OF)
        assert a.scorer_version == fitted.version
        assert a.reason_method == "points_below_max"
        assert 1 <= len(a.reasons) <= 4
        assert all(r.points < 0 and r.message and r.message_zh for r in a.reasons)

    def test_points_sum_to_score_on_every_subject(self, fitted, data):
        """base + sum(points) is the exact affine map of the log-odds, for every subject."""
        s = fitted.scale_
        for p in data[0]:
            lo = fitted.log_odds(p, AS_OF)
            total = fitted.total_points(p, AS_OF)
            assert abs(total - (s.offset - s.factor * lo)) <= 1e-9
            assert (
                abs(fitted.score(p, AS_OF).probability_of_default - 1 / (1 + math.exp(-lo)))
                <= 1e-15
            )

    def test_assessment_score_is_the_points_total(self, fitted, data):
        """The assessment's score equals the points total when inside the scale's range."""
        s = fitted.scale_
        for p in data[0][:200]:
            total = fitted.total_points(p, AS_OF)
            if s.min_score < total < s.max_score:
                assert abs(assess(p, scorer=fitted, as_of=AS_OF).score - total) <= 1e-9

    def test_string_for_numeric_attribute_refused(self, fitted, data):
        """A string where the model expects a number is bad input."""
        p = data[0][0]
        bad = attrs.evolve(p, attributes={**dict(p.attributes), "monthly_income": "high"})
        with pytest.raises(InvalidInputError, match="monthly_income"):
            fitted.score(bad, AS_OF)

    @SETTINGS
    @given(st.lists(st.integers(0, 2999), min_size=1, max_size=8, unique=True))
    def test_batch_equals_single(self, fitted, data, idx):
        """predict_proba over a batch equals score() one by one, to the bit."""
        ps = [data[0][i] for i in idx]
        batch = fitted.predict_proba(ps, AS_OF)
        assert batch == [fitted.score(p, AS_OF).probability_of_default for p in ps]

    @SETTINGS
    @given(
        st.integers(0, 2999),
        st.sampled_from(ODD + ["unseen", None]),
        st.one_of(st.none(), st.integers(0, 200_000)),
    )
    def test_probability_bounded_and_deterministic(self, fitted, data, i, channel, income):
        """Probabilities stay in [0, 1] and scoring twice gives the same bits."""
        a = dict(data[0][i].attributes)
        a.pop("channel", None)
        a.pop("monthly_income", None)
        if channel is not None:
            a["channel"] = channel
        if income is not None:
            a["monthly_income"] = income
        p = attrs.evolve(data[0][i], attributes=a)
        r1, r2 = fitted.score(p, AS_OF), fitted.score(p, AS_OF)
        assert 0.0 <= r1.probability_of_default <= 1.0
        assert r1 == r2

    @SETTINGS
    @given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
    def test_monotonic_inputs_keep_their_direction(self, fitted, x, y):
        """For an "up" feature, a higher value never earns more points; "down" the reverse."""
        lo, hi = min(x, y), max(x, y)
        for inp in fitted.inputs_:
            if inp.kind != "feature":
                continue
            direction = FEATURES[FEATURE_INDEX[inp.name]].direction
            p_lo = inp.points[inp.binning.bin_index_one(lo)]
            p_hi = inp.points[inp.binning.bin_index_one(hi)]
            if direction == "up":
                assert p_hi <= p_lo
            elif direction == "down":
                assert p_hi >= p_lo

    def test_below_cutoff_average_method(self):
        """With Reg B's method, factor points are earned minus the near-cutoff average."""
        profiles, outcomes = _small_attribute_data(600, seed=4)
        s = LogisticScorer(min_iv=0.0, reason_method="below_cutoff_average", cutoff_band=40.0).fit(
            profiles, outcomes, as_of="2025-01-01"
        )
        assert s.reason_method == "below_cutoff_average"
        r = s.score(profiles[0], dt.date(2025, 1, 1))
        idx = s.bin_indices(profiles[0], dt.date(2025, 1, 1))
        for f, inp, b, avg in zip(r.factors, s.inputs_, idx, s.cutoff_averages_):
            assert f.points == inp.points[b] - avg
        a = assess(profiles[0], scorer=s, as_of="2025-01-01")
        assert a.reason_method == "below_cutoff_average"


class TestPersistence:
    def test_round_trip_is_bit_identical(self, fitted, saved, data):
        """A reloaded scorer gives the same probabilities and points, to the bit."""
        loaded = LogisticScorer.load(saved)
        assert loaded.sha256_ == fitted.sha256_ and loaded.version == fitted.version
        ps = data[0]
        assert loaded.predict_proba(ps, AS_OF) == fitted.predict_proba(ps, AS_OF)
        assert [loaded.total_points(p, AS_OF) for p in ps[:500]] == [
            fitted.total_points(p, AS_OF) for p in ps[:500]
        ]
        assert loaded.to_dict() == fitted.to_dict()

    def test_awkward_categories_survive(self, fitted, saved, data):
        """Categories with commas, quotes and Chinese characters reload exactly."""
        loaded = LogisticScorer.load(saved)
        g1 = [i.binning.groups for i in fitted.inputs_ if i.name == "channel"]
        g2 = [i.binning.groups for i in loaded.inputs_ if i.name == "channel"]
        assert g1 == g2 and g1
        text = saved.read_text(encoding="utf-8")
        assert "花呗,用户" in text and 'say \\"hi\\"' in text

    def test_scale_parameters_survive(self, tmp_path):
        """A lender's own scale is stored and restored exactly."""
        profiles, outcomes = _small_attribute_data()
        scale = Scale(
            base_points=500.0, base_odds=20.0, pdo=40.0, approve_at=480.0, decline_below=450.0
        )
        s = LogisticScorer(min_iv=0.0, scale=scale).fit(profiles, outcomes, as_of="2025-01-01")
        s.save(tmp_path / "m.json")
        loaded = LogisticScorer.load(tmp_path / "m.json")
        assert loaded.scale == scale and loaded.scale.factor == scale.factor
        d = dt.date(2025, 1, 1)
        assert [loaded.total_points(p, d) for p in profiles] == [
            s.total_points(p, d) for p in profiles
        ]

    def test_tampered_digit_refused(self, saved, tmp_path):
        """Changing one digit of a number is detected by the hash."""
        text = saved.read_text(encoding="utf-8")
        i = text.index('"intercept": ') + len('"intercept": ') + 3
        digit = text[i]
        assert digit.isdigit()
        bad = tmp_path / "bad.json"
        bad.write_text(text[:i] + str((int(digit) + 1) % 10) + text[i + 1 :], encoding="utf-8")
        with pytest.raises(ArtifactError, match="sha256"):
            LogisticScorer.load(bad)

    def test_wrong_format_version_refused(self, saved, tmp_path):
        """A format version this library does not read is refused, by name."""
        doc = json.loads(saved.read_text(encoding="utf-8"))
        doc["format_version"] = 2
        bad = tmp_path / "v2.json"
        bad.write_text(json.dumps(_rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError, match="format_version"):
            LogisticScorer.load(bad)

    def test_truncated_file_refused(self, saved, tmp_path):
        """A truncated artifact is refused."""
        raw = saved.read_bytes()
        bad = tmp_path / "cut.json"
        bad.write_bytes(raw[: len(raw) // 2])
        with pytest.raises(ArtifactError, match="not valid JSON"):
            LogisticScorer.load(bad)

    def test_pickle_refused_without_unpickling(self, tmp_path):
        """A pickle whose unpickling would create a file is refused and never run."""
        marker = tmp_path / "pwned.txt"

        class Bomb:
            def __reduce__(self):
                return (open, (str(marker), "w"))

        for proto in (0, 2, pickle.HIGHEST_PROTOCOL):
            path = tmp_path / f"model{proto}.pkl"
            path.write_bytes(pickle.dumps(Bomb(), protocol=proto))
            with pytest.raises(ArtifactError):
                LogisticScorer.load(path)
        assert not marker.exists()

    @pytest.mark.parametrize("magic", [b"PK\x03\x04rest", b"\x93NUMPY\x01\x00", b"\x1f\x8b\x08"])
    def test_other_binary_formats_refused(self, tmp_path, magic):
        """Zip (npz, joblib), npy and compressed files are refused by their magic bytes."""
        path = tmp_path / "model.bin"
        path.write_bytes(magic)
        with pytest.raises(ArtifactError, match="refused"):
            LogisticScorer.load(path)

    def test_expected_sha256(self, fitted, saved):
        """The caller's expected hash must match; a malformed one is bad input."""
        assert LogisticScorer.load(saved, sha256=fitted.sha256_.upper()).version == fitted.version
        with pytest.raises(ArtifactError, match="not the model you asked for"):
            LogisticScorer.load(saved, sha256="0" * 64)
        with pytest.raises(InvalidInputError):
            LogisticScorer.load(saved, sha256="abc")

    def test_rehashed_edits_still_checked(self, saved, tmp_path):
        """Points that disagree with the coefficients, or unknown fields, are refused even
        when the hash was recomputed."""
        doc = json.loads(saved.read_text(encoding="utf-8"))
        doc["inputs"][0]["points"][0] += 1.0
        doc["extra"] = 1
        bad = tmp_path / "edited.json"
        bad.write_text(json.dumps(_rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError) as exc:
            LogisticScorer.load(bad)
        assert "extra" in str(exc.value)
        del doc["extra"]
        bad.write_text(json.dumps(_rehash(doc)), encoding="utf-8")
        with pytest.raises(ArtifactError, match="the points are the model"):
            LogisticScorer.load(bad)

    def test_missing_file(self, tmp_path):
        """A missing file is an ArtifactError."""
        with pytest.raises(ArtifactError, match="cannot read"):
            LogisticScorer.load(tmp_path / "nope.json")

    def test_load_and_score_import_no_sklearn(self, saved):
        """Loading an artifact and scoring with it never imports scikit-learn."""
        code = (
            "import sys, datetime\n"
            "from credit_closure import LogisticScorer, CreditProfile, assess\n"
            f"s = LogisticScorer.load({str(saved)!r})\n"
            "p = CreditProfile.from_dict({'subject_id': 'x', 'attributes': {'channel': 'a,b'}})\n"
            "a = assess(p, scorer=s, as_of='2026-06-30')\n"
            "assess(p, scorer='logistic', as_of='2026-06-30')\n"
            "print(a.scorer_version, 'sklearn' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split()[1] == "False"


class TestReference:
    def test_registered_and_resolves(self):
        """ "logistic" is a built-in that get_scorer and assess resolve."""
        assert "logistic" in [s.name for s in available_scorers()]
        s = get_scorer("logistic")
        assert isinstance(s, LogisticScorer) and s.version.startswith("logistic-")
        p = generate_portfolio(5, seed=9, as_of=AS_OF).profiles[0]
        a = assess(p, scorer="logistic", as_of=AS_OF)
        assert a.scorer == "logistic" and a.scorer_version == s.version

    def test_says_it_is_synthetic(self):
        """The shipped artifact says plainly that it was trained on synthetic data."""
        note = get_scorer("logistic").metadata_["data"]
        assert "SYNTHETIC" in note and "refit" in note


class TestValidationReport:
    def test_report_through_scorer(self, fitted, data):
        """validation_report scores through the scorer and adds per-input CSI."""
        profiles, outcomes = data
        r = validation_report(
            fitted, profiles[1500:], outcomes[1500:], as_of=AS_OF, baseline_profiles=profiles[:1500]
        )
        probs = fitted.predict_proba(profiles[1500:], AS_OF)
        assert r.auc == roc_auc(outcomes[1500:], probs)
        assert set(r.csi) == {i.key for i in fitted.inputs_}
        assert r.psi is not None and r.psi_basis == "score"
        assert "AUC" in r.to_markdown()

    def test_report_problems(self, fitted, data):
        """Bad profiles and mismatched outcomes are all reported."""
        profiles, _ = data
        with pytest.raises(InvalidInputError) as exc:
            validation_report(fitted, [profiles[0], "x"], [0, 1, 1], as_of=AS_OF)
        paths = {p for p, _ in exc.value.problems}
        assert {"profiles[1]", "outcomes"} <= paths


class TestCLI:
    def test_train_writes_artifact_and_report(self, tmp_path, capsys):
        """credit-closure train fits, saves, prints the report and the hash."""
        from credit_closure.cli import main

        pf = generate_portfolio(800, seed=21, as_of=AS_OF)
        data = tmp_path / "train.jsonl"
        pf.to_jsonl(data)
        out = tmp_path / "model.json"
        code = main(["train", str(data), "--out", str(out), "--holdout", "0.3", "--seed", "1"])
        cap = capsys.readouterr()
        assert code == 0
        loaded = LogisticScorer.load(out)
        assert f"sha256 {loaded.sha256_}" in cap.err
        assert "| AUC |" in cap.out and "held-out" in cap.out

    def test_train_uses_library_defaults_unless_given(self, tmp_path, capsys):
        """Options left out take LogisticScorer's defaults; given ones are passed through."""
        from credit_closure.cli import main

        pf = generate_portfolio(400, seed=22, as_of=AS_OF)
        data = tmp_path / "train.jsonl"
        pf.to_jsonl(data)
        plain, tuned = tmp_path / "plain.json", tmp_path / "tuned.json"
        assert main(["train", str(data), "--out", str(plain)]) == 0
        assert (
            main(
                [
                    "train",
                    str(data),
                    "--out",
                    str(tuned),
                    "--C",
                    "1.5",
                    "--min-iv",
                    "0.05",
                    "--binning",
                    "optimal",
                    "--prebins",
                    "12",
                    "--woe-smoothing",
                    "2",
                ]
            )
            == 0
        )
        capsys.readouterr()
        defaults = LogisticScorer().get_params()
        got = LogisticScorer.load(plain).get_params()
        assert (got["C"], got["min_iv"], got["binning"], got["woe_smoothing"]) == (
            defaults["C"],
            defaults["min_iv"],
            defaults["binning"],
            defaults["woe_smoothing"],
        )
        got = LogisticScorer.load(tuned).get_params()
        assert (got["C"], got["min_iv"], got["binning"], got["prebins"], got["woe_smoothing"]) == (
            1.5,
            0.05,
            "optimal",
            12,
            2.0,
        )

    def test_train_bad_rows(self, tmp_path, capsys):
        """A bad row exits 1 and names its line."""
        from credit_closure.cli import main

        data = tmp_path / "bad.jsonl"
        data.write_text(
            '{"profile": {"subject_id": "a"}, "outcome": 3, "as_of": "2026-01-01"}\n',
            encoding="utf-8",
        )
        code = main(["train", str(data), "--out", str(tmp_path / "m.json")])
        assert code == 1
        assert "line 1.outcome" in capsys.readouterr().err


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


def test_probability_fast_path_equals_score(fitted, data):
    """probability_of_default() gives exactly score().probability_of_default."""
    profiles, _ = data
    for p in profiles[:200]:
        assert (
            fitted.probability_of_default(p, AS_OF) == fitted.score(p, AS_OF).probability_of_default
        )
