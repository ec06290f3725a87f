"""Tests of fitting the logistic scorecard (:mod:`credit_closure._scorecard.fitting`, through
``LogisticScorer.fit``): the learned state, input selection, determinism and every problem of
the training data and parameters reported at once."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from _helpers import ODD, PORTFOLIO_AS_OF, small_attribute_data

from credit_closure import CreditProfile, InvalidInputError, LogisticScorer
from credit_closure._scorecard import attribute_reason_code
from credit_closure._scoring import FEATURE_REASON

AS_OF = PORTFOLIO_AS_OF  # the date of the data/fitted fixtures


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
        profiles, outcomes = small_attribute_data()
        a = LogisticScorer(min_iv=0.0).fit(profiles, outcomes, as_of="2025-01-01")
        b = LogisticScorer(min_iv=0.0).fit(profiles, outcomes, as_of="2025-01-01")
        assert a.sha256_ == b.sha256_
        assert {i.reason_code for i in a.inputs_} == {"ATTR_MONTHLY_INCOME", "ATTR_PURPOSE"}

    def test_attribute_only_profiles(self):
        """Profiles with no accounts and only attributes can be fitted and scored."""
        profiles, outcomes = small_attribute_data()
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


class TestAutoC:
    """``C="auto"``: the penalty chosen by a cross-validation of the whole fit on the
    training rows, recorded in the artifact; the model is the fit with the chosen value."""

    def test_chosen_value_gives_the_same_model(self):
        from credit_closure._scorecard.fitting import C_GRID, C_MARGIN

        profiles, ys = small_attribute_data(n=600, seed=3)
        auto = LogisticScorer(C="auto").fit(profiles, ys, as_of=PORTFOLIO_AS_OF)
        record = auto.metadata_["C"]
        assert record["chosen"] in C_GRID
        assert list(record["cv_auc"]) == [repr(c) for c in C_GRID]
        assert all(0.0 <= a <= 1.0 for a in record["cv_auc"].values())
        cv = record["cv_auc"]
        best = max(cv.values())
        if best - cv[repr(C_GRID[0])] >= C_MARGIN:
            assert cv[repr(record["chosen"])] == best
        else:  # no value gains the margin: the first of the grid stays
            assert record["chosen"] == C_GRID[0]
        fixed = LogisticScorer(C=record["chosen"]).fit(profiles, ys, as_of=PORTFOLIO_AS_OF)
        assert auto.coef_ == fixed.coef_
        assert auto.intercept_ == fixed.intercept_
        assert [i.points for i in auto.inputs_] == [i.points for i in fixed.inputs_]
        assert "C" not in fixed.metadata_
        assert "chosen from" in auto.metadata_["method"]
        again = LogisticScorer(C="auto").fit(profiles, ys, as_of=PORTFOLIO_AS_OF)
        assert again.sha256_ == auto.sha256_

    def test_margin_keeps_the_first_value_unless_another_gains_it(self, monkeypatch):
        from credit_closure._scorecard import fitting as F

        profiles, ys = small_attribute_data(n=600, seed=3)
        request = LogisticScorer(C="auto")  # only its parameters are read
        params = {**request.get_params(), "C": "auto"}
        data = F.check_training_data(profiles, ys, PORTFOLIO_AS_OF)
        columns = F.Columns(
            F.feature_matrix(data),
            F.attribute_columns(data.profiles, params["attributes"], None).columns,
        )
        y = np.asarray(ys, dtype=np.int64)
        free = F.choose_c({**params}, columns, y)
        top = max(free.cv_auc, key=lambda c: free.cv_auc[c])
        gain = free.cv_auc[top] - free.cv_auc[F.C_GRID[0]]
        monkeypatch.setattr(F, "C_MARGIN", gain + 1e-9)  # just out of reach
        assert F.choose_c(params, columns, y).C == F.C_GRID[0]
        monkeypatch.setattr(F, "C_MARGIN", gain)  # just reached
        assert F.choose_c(params, columns, y).C == top

    def test_too_few_bads_fall_back(self):
        from credit_closure._scorecard.fitting import C_FALLBACK

        profiles, ys = small_attribute_data(n=400, seed=1)
        ys = [0] * len(ys)
        ys[:5] = [1] * 5
        ys_profiles = profiles
        with pytest.warns(Warning):
            m = LogisticScorer(C="auto", min_bin_share=0.0).fit(
                ys_profiles, ys, as_of=PORTFOLIO_AS_OF
            )
        assert m.metadata_["C"] == {"chosen": C_FALLBACK, "cv_auc": {}}

    def test_round_trip_and_bad_values(self, tmp_path):
        profiles, ys = small_attribute_data(n=400, seed=2)
        m = LogisticScorer(C="auto").fit(profiles, ys, as_of=PORTFOLIO_AS_OF)
        path = tmp_path / "m.json"
        m.save(path)
        back = LogisticScorer.load(path)
        assert back.sha256_ == m.sha256_ and back.C == "auto"
        with pytest.raises(InvalidInputError) as exc:
            LogisticScorer(C="sometimes").fit(profiles, ys, as_of=PORTFOLIO_AS_OF)
        assert [p for p, _ in exc.value.problems] == ["C"]
