"""Acme's own tests: protocol conformance, the model file, and parity with scikit-learn."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from acme_scorer import AcmeGBMScorer, load_model

from credit_closure import CreditProfile, assess
from credit_closure.testing import check_scorer

AS_OF = dt.date(2026, 6, 30)
MODEL = Path(__file__).resolve().parents[1] / "acme_scorer" / "model.json"


def _profile(balance: float, dpd: int = 0) -> CreditProfile:
    return CreditProfile.from_dict(
        {
            "subject_id": "t-1",
            "accounts": [
                {
                    "account_id": "c1",
                    "product": "credit_card",
                    "status": "open",
                    "opened_on": "2015-01-01",
                    "credit_limit": 10000,
                    "balance": balance,
                    "worst_dpd_24m": dpd,
                    "months_delinquent_24m": 1 if dpd else 0,
                }
            ],
            "attributes": {"monthly_income": 12000},
        }
    )


class TestConformance:
    def test_check_scorer_passes(self):
        """The scorer passes credit_closure's conformance suite."""
        check_scorer(AcmeGBMScorer(), as_of=AS_OF)

    def test_declares_protocol_version_on_the_class(self):
        """The handshake attribute is on the class, so it is read before construction."""
        assert AcmeGBMScorer.credit_closure_api == 1


class TestModelFile:
    def test_tampered_model_is_refused(self):
        """A model.json edited after training fails its sha256 check."""
        doc = json.loads(MODEL.read_text(encoding="utf-8"))
        doc["learning_rate"] = 0.2
        with pytest.raises(ValueError, match="sha256"):
            load_model(json.dumps(doc))

    def test_is_data_not_pickle(self):
        """The model is JSON with the documented fields."""
        doc = json.loads(MODEL.read_text(encoding="utf-8"))
        assert doc["format"] == "acme-gbm-trees"
        assert 30 <= len(doc["trees"]) <= 60
        assert {"features", "learning_rate", "init_log_odds", "trees"} <= set(doc)


class TestBehaviour:
    def test_more_utilization_and_delinquency_mean_more_risk(self):
        """A maxed-out card with 90 days past due scores worse than a clean, little-used one."""
        s = AcmeGBMScorer()
        low = s.score(_profile(500), AS_OF).probability_of_default
        high = s.score(_profile(9800, dpd=90), AS_OF).probability_of_default
        assert high > low

    def test_contributions_add_up_to_the_log_odds(self):
        """The factors' points add up to the score's distance from the model's expected log-odds."""
        s = AcmeGBMScorer()
        r = s.score(_profile(9800, dpd=90), AS_OF)
        log_odds = math.log(r.probability_of_default / (1 - r.probability_of_default))
        total = sum(f.points for f in r.factors) / -s.scale.factor
        assert total == pytest.approx(log_odds - load_model().base, abs=1e-9)

    def test_income_never_appears_as_a_value(self):
        """The income input is flagged sensitive: its factor carries no value."""
        r = AcmeGBMScorer().score(_profile(500), AS_OF)
        assert [f.value for f in r.factors if f.feature == "attr:monthly_income"] in ([], [None])

    def test_assess_reasons_are_acme_factors(self):
        """assess() with the scorer object ranks Acme's factors as reasons."""
        a = assess(_profile(9800, dpd=90), scorer=AcmeGBMScorer(), as_of=AS_OF)
        assert a.reasons and a.scorer == "acme-gbm"
        assert a.reasons[0].points < 0


class TestParity:
    def test_matches_scikit_learn(self):
        """Pure-Python scoring reproduces the fitted GradientBoostingClassifier's probabilities."""
        pytest.importorskip("sklearn")
        import sys

        sys.path.insert(0, str(MODEL.parents[1]))
        try:
            import numpy as np
            import train
            from sklearn.ensemble import GradientBoostingClassifier

            from credit_closure.synth import generate_portfolio
        finally:
            sys.path.pop(0)
        pf = generate_portfolio(train.N_TRAIN + 300, seed=train.SEED)
        x = train.matrix(pf.profiles, pf.as_of)
        y = np.asarray(pf.outcomes)
        m = GradientBoostingClassifier(
            n_estimators=train.N_TREES,
            max_depth=train.DEPTH,
            learning_rate=train.LEARNING_RATE,
            random_state=0,
        ).fit(x[: train.N_TRAIN], y[: train.N_TRAIN])
        s = AcmeGBMScorer()
        ours = [s.score(p, pf.as_of).probability_of_default for p in pf.profiles[train.N_TRAIN :]]
        ref = m.predict_proba(x[train.N_TRAIN :])[:, 1]
        assert max(abs(a - b) for a, b in zip(ours, ref)) < 1e-12
