"""Tests of the logistic scorecard's class (:mod:`credit_closure._scorecard.logistic`):
scoring and its hot path, the unfitted scorer, the built-in ``"logistic"`` scorer, and the
scorecard through ``metrics.validation_report`` and ``credit-closure train``. Fitting is in
test_fitting.py, the parameters in test_parameters.py, the artifact in test_artifact.py; the
fixtures ``data``, ``fitted`` and ``saved`` are in conftest.py."""

from __future__ import annotations

import datetime as dt
import math

import attrs
import pytest
from _helpers import ODD, PORTFOLIO_AS_OF, small_attribute_data
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    InvalidInputError,
    LogisticScorer,
    NotFittedError,
    ScoringError,
    assess,
    available_scorers,
    get_scorer,
)
from credit_closure._scoring import FEATURE_INDEX, FEATURES
from credit_closure.metrics import roc_auc, validation_report
from credit_closure.synth import generate_portfolio

SETTINGS = settings(max_examples=25, deadline=None)
AS_OF = PORTFOLIO_AS_OF  # the date of the data/fitted fixtures


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
        profiles, outcomes = small_attribute_data(600, seed=4)
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


def test_probability_fast_path_equals_score(fitted, data):
    """probability_of_default() gives exactly score().probability_of_default."""
    profiles, _ = data
    for p in profiles[:200]:
        assert (
            fitted.probability_of_default(p, AS_OF) == fitted.score(p, AS_OF).probability_of_default
        )
