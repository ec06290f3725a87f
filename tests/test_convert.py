"""Tests of :mod:`credit_closure._columnar.convert`: ``profiles_to_tables``, and the plugin
scorers score_columnar calls on a chunk's feature matrix (``score_batch``) or on rebuilt
profiles (the fallback). Every test runs on both engines (the ``engine`` fixture of
conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import PORTFOLIO_AS_OF, expected_rows, output_rows

from credit_closure import InvalidInputError, ScoreResult
from credit_closure._scoring import FEATURE_NAMES, extract
from credit_closure.columnar import profiles_to_tables, score_columnar

pytestmark = pytest.mark.usefixtures("engine")

AS_OF = PORTFOLIO_AS_OF  # the date of the portfolio fixture


class FlatScorer:
    """A plugin-style scorer with no batch method: falls back to per-subject assess()."""

    credit_closure_api = 1
    version = "flat@1"
    name = "flat"

    def score(self, profile, as_of):
        f = extract(profile, as_of)
        income = profile.attributes.get("monthly_income", 8000)
        p = min(
            0.5, 0.01 + 0.02 * f[FEATURE_NAMES.index("n_open_accounts")] + 100.0 / (income + 1000)
        )
        return ScoreResult(probability_of_default=p)


class BatchFlat(FlatScorer):
    """FlatScorer with the optional batch method: the same numbers from the feature matrix."""

    version = "flat-batch@1"
    calls = 0

    def score_batch(self, features, attributes, as_of):
        type(self).calls += 1
        k = FEATURE_NAMES.index("n_open_accounts")
        out = []
        for row, attrs in zip(features.tolist(), attributes):
            income = attrs.get("monthly_income", 8000)
            out.append(
                ScoreResult(
                    probability_of_default=min(0.5, 0.01 + 0.02 * row[k] + 100.0 / (income + 1000))
                )
            )
        return out


class BrokenBatch(FlatScorer):
    def __init__(self, mode):
        self.mode = mode

    def score_batch(self, features, attributes, as_of):
        if self.mode == "raise":
            raise RuntimeError("boom")
        if self.mode == "short":
            return [ScoreResult(probability_of_default=0.1)]
        return ["not a result"] * features.shape[0]


class TestBatchMethod:
    def test_plugin_batch_method_equals_assess(self, portfolio, monkeypatch):
        """A plugin's score_batch is called per chunk (no profiles built) and equals assess()."""
        import credit_closure._columnar.convert as columnar  # monkeypatch target

        sub = portfolio[:300]
        t = profiles_to_tables(sub)
        monkeypatch.setattr(columnar, "build_profiles", lambda *a: pytest.fail("per subject"))
        BatchFlat.calls = 0
        out = score_columnar(
            t["accounts"],
            t["closures"],
            t["inquiries"],
            t["attributes"],
            scorer=BatchFlat(),
            as_of=AS_OF,
            chunk_accounts=400,
        )
        assert BatchFlat.calls >= 2
        monkeypatch.undo()
        assert output_rows(out) == expected_rows(sub, BatchFlat())

    @pytest.mark.parametrize(
        "mode, message",
        [
            # the plugin's exception text is withheld (it may carry subject data): type only
            ("raise", "score_batch\\(\\): RuntimeError(?!: boom)"),
            ("short", "returned 1 results for"),
            ("junk", "score_batch\\(\\) must return a ScoreResult"),
        ],
    )
    def test_broken_batch_method(self, portfolio, mode, message):
        """A failing or malformed score_batch is a ScoringError naming the scorer."""
        from credit_closure import ScoringError

        t = profiles_to_tables(portfolio[:20])
        with pytest.raises(ScoringError, match=message):
            score_columnar(
                t["accounts"],
                t["closures"],
                t["inquiries"],
                t["attributes"],
                scorer=BrokenBatch(mode),
                as_of=AS_OF,
            )


class TestFallback:
    def test_plugin_scorer_falls_back(self, portfolio):
        """A scorer without a vectorised path is called per subject and equals assess()."""
        sub = portfolio[:200]
        t = profiles_to_tables(sub)
        out = score_columnar(
            t["accounts"],
            t["closures"],
            t["inquiries"],
            t["attributes"],
            scorer=FlatScorer(),
            as_of=AS_OF,
        )
        assert output_rows(out) == expected_rows(sub, FlatScorer())


class TestProfilesToTables:
    def test_round_trip_columns(self, portfolio):
        """Every account, closure and inquiry becomes one row; one attribute row per subject."""
        sub = portfolio[:50]
        t = profiles_to_tables(sub, container="numpy")
        assert t["accounts"]["subject_id"].size == sum(len(p.accounts) for p in sub)
        assert t["closures"]["subject_id"].size == sum(len(p.closures) for p in sub)
        assert t["inquiries"]["subject_id"].size == sum(len(p.inquiries) for p in sub)
        assert t["attributes"]["subject_id"].tolist() == [p.subject_id for p in sub]
        assert t["accounts"]["opened_on"].dtype == np.dtype("datetime64[D]")

    def test_bad_arguments(self):
        """A non-profile or an unknown container raises InvalidInputError."""
        with pytest.raises(InvalidInputError):
            profiles_to_tables([{"subject_id": "x"}])
        with pytest.raises(InvalidInputError):
            profiles_to_tables([], container="excel")
