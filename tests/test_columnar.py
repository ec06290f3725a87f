"""Tests of columnar scoring (:func:`credit_closure.columnar.score_columnar`): equality with
assess(), the two engines, chunking, containers and the vectorised scorecard. Every test runs
on both engines (the ``engine`` fixture of conftest.py). The input checks are in
test_tables.py and test_prepare.py, profiles_to_tables and the plugin scorers in
test_convert.py."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from _helpers import (
    PORTFOLIO_AS_OF,
    columnar_problems,
    columnar_profiles,
    expected_rows,
    long_accounts,
    output_rows,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import two_rules_on_one_feature_policy

from credit_closure import (
    CreditProfile,
    InvalidInputError,
    RuleScorer,
    assess,
)
from credit_closure._columnar import (
    ENUM_CODES,
    compute_features,
    group_sum,
    prepare_batch,
    report_features_columnar,
)

# module objects: the engine switch (_HAVE_NUMBA) is set where the code reads it; the kernel's
# compiled entry points are called directly (importing the kernel imports numba)
from credit_closure._columnar import compiled as _columnar_compiled
from credit_closure._columnar import kernel as _columnar_kernel
from credit_closure._scoring import DEFAULT_CONFIG, DEFAULT_POLICY_FILE, FEATURE_NAMES, extract
from credit_closure.columnar import OUTPUT_COLUMNS, profiles_to_tables, score_columnar
from credit_closure.synth import generate_portfolio

pytestmark = pytest.mark.usefixtures("engine")

AS_OF = PORTFOLIO_AS_OF  # the date of the portfolio/tables fixtures
HAVE_NUMBA = _columnar_compiled.available()
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")


def _feature_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


class TestEqualityWithAssess:
    def test_features_bit_identical(self, portfolio, tables):
        """Every feature equals extract() to the last bit on thousands of subjects."""
        prep = prepare_batch(
            tables["accounts"], tables["closures"], tables["inquiries"], None, AS_OF
        )
        report = report_features_columnar(prep.acc, prep.v2, prep.n, AS_OF)
        F = compute_features(prep.acc, prep.inq, prep.n, AS_OF, DEFAULT_CONFIG, report)
        index = {s: i for i, s in enumerate(prep.subjects)}
        F = F[[index[p.subject_id] for p in portfolio]]
        E = np.array([extract(p, AS_OF) for p in portfolio])
        for j, name in enumerate(FEATURE_NAMES):
            assert _feature_equal(F[:, j], E[:, j]).all(), name

    def test_scores_identical_on_thousands(self, portfolio, tables):
        """Scores, probabilities, bands, decisions, reasons and impacts equal assess() exactly."""
        out = score_columnar(
            tables["accounts"],
            tables["closures"],
            tables["inquiries"],
            tables["attributes"],
            as_of=AS_OF,
        )
        assert len(out) == len(portfolio)
        assert output_rows(out) == expected_rows(portfolio)

    def test_fractional_amounts(self):
        """Amounts with cents (compensated sums) still give the same results as assess()."""
        docs = [p.to_dict() for p in columnar_profiles(600, seed=4)]
        rng = np.random.default_rng(0)
        for d in docs:
            for a in d["accounts"]:
                for k in ("credit_limit", "balance"):
                    if a.get(k):
                        a[k] = round(a[k] * float(rng.uniform(0.9, 1.1)), 2)
            for c in d["closures"]:
                if c.get("balance_at_closure"):
                    c["balance_at_closure"] = round(c["balance_at_closure"] * 1.013, 2)
        profiles = [CreditProfile.from_dict(d) for d in docs]
        t = profiles_to_tables(profiles, container="numpy")
        out = score_columnar(t["accounts"], t["closures"], t["inquiries"], as_of=AS_OF)
        assert output_rows(out) == expected_rows(profiles)

    def test_custom_policy_vectorised(self, portfolio):
        """A RuleScorer with another policy is computed vectorised and still equals assess()."""
        with open(DEFAULT_POLICY_FILE, encoding="utf-8") as fh:
            doc = json.load(fh)
        doc["name"] = "tight"
        doc["rules"][0]["steps"][0]["threshold"] = 0.2
        doc["scale"]["approve_at"] = 600
        scorer = RuleScorer(doc)
        sub = portfolio[:500]
        t = profiles_to_tables(sub)
        out = score_columnar(
            t["accounts"], t["closures"], t["inquiries"], scorer=scorer, as_of=AS_OF
        )
        assert output_rows(out) == expected_rows(sub, scorer)

    def test_two_rules_on_one_feature(self, portfolio):
        """A policy with two rules on the same feature ranks both rules' own reasons, in
        assess() (whose factor cache once mixed them up) and here alike."""
        doc = two_rules_on_one_feature_policy()
        scorer = RuleScorer(doc)
        p = CreditProfile.from_dict(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2015-01-01",
                        "credit_limit": 1000,
                        "balance": 400,
                    }
                ],
            }
        )
        a = assess(p, scorer=scorer, as_of=AS_OF)
        assert {r.code for r in a.reasons} >= {"CLOSED_WITH_BALANCE", "UTILIZATION_HIGH"}
        sub = portfolio[:300] + [p]
        t = profiles_to_tables(sub)
        out = score_columnar(
            t["accounts"], t["closures"], t["inquiries"], scorer=scorer, as_of=AS_OF
        )
        assert output_rows(out) == expected_rows(sub, scorer)

    @settings(max_examples=8, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1))
    def test_row_order_does_not_matter(self, tables, seed):
        """Shuffling the rows of every table gives the same output, row for row."""
        rng = np.random.default_rng(seed)
        keep = set(tables["attributes"]["subject_id"].iloc[:300])
        a, c, q = (
            tables[k][tables[k]["subject_id"].isin(keep)]
            for k in ("accounts", "closures", "inquiries")
        )
        ref = score_columnar(a, c, q, as_of=AS_OF)
        shuffled = [t.iloc[rng.permutation(len(t))] for t in (a, c, q)]
        pd.testing.assert_frame_equal(score_columnar(*shuffled, as_of=AS_OF), ref)


class TestEngines:
    @needs_numba
    def test_kernel_features_bit_identical(self, portfolio, tables, engine):
        """The compiled kernel's features equal extract() to the last bit."""
        from credit_closure._columnar import LENDER, REVOLVING, day_number, kernel_codes
        from credit_closure._scoring import CLOSURE_IMPACT_MONTHS, months_before

        prep = prepare_batch(
            tables["accounts"], tables["closures"], tables["inquiries"], None, AS_OF
        )
        scorer = RuleScorer.default()
        days = np.array(
            [day_number(AS_OF)]
            + [
                day_number(months_before(AS_OF, m))
                for m in (3, 6, 12, 24, DEFAULT_CONFIG.retention_months, CLOSURE_IMPACT_MONTHS)
            ]
        )
        saved = _columnar_compiled._HAVE_NUMBA
        _columnar_compiled._HAVE_NUMBA = True
        try:
            res = _columnar_kernel.score_subjects(
                prep.acc,
                prep.inq,
                prep.n,
                days,
                kernel_codes(),
                REVOLVING,
                LENDER,
                scorer,
                _columnar_kernel.compile_rules(scorer),
                features=True,
                report=report_features_columnar(prep.acc, prep.v2, prep.n, AS_OF),
            )
        finally:
            _columnar_compiled._HAVE_NUMBA = saved
        index = {s: i for i, s in enumerate(prep.subjects)}
        F = res["features"][[index[p.subject_id] for p in portfolio]]
        # the kernel reads the scorer's feature settings (policy v2: its retention clock)
        E = np.array([extract(p, AS_OF, scorer.policy.feature_config) for p in portfolio])
        for j, name in enumerate(FEATURE_NAMES):
            assert _feature_equal(F[:, j], E[:, j]).all(), name

    @needs_numba
    def test_engines_agree_to_the_bit(self, tables, engine):
        """engine="numba" and engine="numpy" give the same table, bit for bit."""
        args = (tables["accounts"], tables["closures"], tables["inquiries"], tables["attributes"])
        saved = _columnar_compiled._HAVE_NUMBA
        _columnar_compiled._HAVE_NUMBA = True
        try:
            a = score_columnar(*args, as_of=AS_OF, engine="numba")
            b = score_columnar(*args, as_of=AS_OF, engine="numpy")
        finally:
            _columnar_compiled._HAVE_NUMBA = saved
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        for c in ("score", "probability_of_default", "closure_impact"):
            assert np.array_equal(a[c].to_numpy().view(np.int64), b[c].to_numpy().view(np.int64))

    def test_sums_on_a_threshold(self, engine):
        """Plain sums that miss a rule's threshold by an ulp are redone exactly: ten lines
        owing 0.1 (one open with a limit of 2, nine closed) make a utilization of exactly
        0.5, a step of R2, with exact sums, and 0.49999999999999994 with plain ones."""
        n = 10
        assert sum([0.1] * n) / 2.0 < 0.5 == math.fsum([0.1] * n) / 2.0
        docs = [
            {
                "account_id": f"a{i}",
                "product": "credit_card",
                "status": "open" if i == 0 else "closed",
                "opened_on": "2015-01-01",
                "closed_on": None if i == 0 else "2021-01-01",
                "credit_limit": 2.0 if i == 0 else 1.0,
                "balance": 0.1,
            }
            for i in range(n)
        ]
        profile = CreditProfile.from_dict(
            {
                "subject_id": "s1",
                "accounts": [{k: v for k, v in d.items() if v is not None} for d in docs],
            }
        )
        t = profiles_to_tables([profile], container="numpy")
        out = score_columnar(t["accounts"], t["closures"], t["inquiries"], as_of=AS_OF)
        assert output_rows(out) == expected_rows([profile])

    def test_engine_argument(self, engine):
        """An unknown engine, or numba where it is not installed, is a clear argument error."""
        with pytest.raises(InvalidInputError) as info:
            score_columnar(long_accounts(), as_of=AS_OF, engine="gpu")
        assert info.value.problems[0][0] == "engine"
        if engine == "numpy":  # numba hidden by the fixture
            with pytest.raises(InvalidInputError, match="numba is not installed"):
                score_columnar(long_accounts(), as_of=AS_OF, engine="numba")

    @needs_numba
    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.floats(-1e12, 1e12, allow_nan=False),
                st.floats(-1e-3, 1e-3, allow_nan=False),
                st.integers(-(2**40), 2**40).map(float),
                st.sampled_from(
                    [0.1, 0.2, 0.3, 1e16, -1e16, 1.0, 2.0**-60, 2.0**53, 1e100, -1e100, -0.0, 0.0]
                ),
            ),
            max_size=12,
        )
    )
    def test_kernel_sum_is_fsum(self, values):
        """The compiled exact sum equals math.fsum bit for bit (fast path and partials)."""
        buf = np.zeros((1, max(len(values), 1)))
        buf[0, : len(values)] = values
        got = _columnar_kernel._fsum(buf, 0, len(values), np.empty(2200))
        want = math.fsum(values)
        assert got == want and math.copysign(1, got) == math.copysign(1, want)

    @needs_numba
    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.floats(-60, 60, allow_nan=False),
                st.sampled_from([0.0, -0.0, 1e-300, -700.5, 700.5, 36.9, -36.9]),
            ),
            min_size=1,
            max_size=20,
        ),
        st.booleans(),
    )
    def test_compiled_scale_is_python_scale(self, los, logistic):
        """The compiled scale gives what Scale.scored, band and decide give, bit for bit."""
        from credit_closure._scorecard import sigmoid

        scale = RuleScorer.default().scale
        score, prob, band, dec = _columnar_compiled.scale_many(
            np.array(los), scale, logistic=logistic
        )
        names = [b.name for b in scale.bands]
        for i, lo in enumerate(los):
            p = sigmoid(lo) if logistic else 1.0 / (1.0 + math.exp(-lo))
            s, q = scale.scored(p)
            assert (score[i], prob[i]) == (s, q)
            assert names[band[i]] == scale.band(s)
            assert ("approve", "refer", "decline")[dec[i]] == scale.decide(s)


class TestChunks:
    def test_chunking_does_not_change_results(self, tables):
        """Scoring in chunks of whole subjects (sorted or shuffled rows) gives the same rows."""
        args = (tables["accounts"], tables["closures"], tables["inquiries"], tables["attributes"])
        whole = score_columnar(*args, as_of=AS_OF)
        pd.testing.assert_frame_equal(score_columnar(*args, as_of=AS_OF, chunk_accounts=997), whole)
        rng = np.random.default_rng(3)
        shuffled = [t.iloc[rng.permutation(len(t))] for t in args]
        pd.testing.assert_frame_equal(
            score_columnar(*shuffled, as_of=AS_OF, chunk_accounts=501), whole
        )

    def test_chunked_errors_name_input_rows(self, tables):
        """Problems in several chunks are all reported, with the input tables' row numbers."""
        acc = tables["accounts"].copy()
        acc.loc[[5, len(acc) - 3], "product"] = "loan"
        with pytest.raises(InvalidInputError) as info:
            score_columnar(acc, as_of=AS_OF, chunk_accounts=400)
        assert info.value.problems == [
            (
                "accounts.product",
                f"is not one of: {', '.join(ENUM_CODES['product'])} (rows 5, {len(acc) - 3})",
            )
        ]

    @settings(max_examples=30, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 6), st.floats(0, 1e9, allow_nan=False)), max_size=60))
    def test_group_sums_equal_fsum(self, pairs):
        """The grouped sums equal math.fsum of each group, whatever the order and values."""
        groups = np.array([g for g, _ in pairs], dtype=np.int64)
        values = np.array([v for _, v in pairs], dtype=float)
        got = group_sum(values, groups, 7)
        assert got.tolist() == [math.fsum(values[groups == k]) for k in range(7)]


class TestContainers:
    def test_pandas_arrow_numpy_agree(self, portfolio):
        """pandas, pyarrow and dict-of-numpy input give the same rows, in their own kind."""
        pa = pytest.importorskip("pyarrow")
        sub = portfolio[:300]
        outs = {}
        for kind in ("pandas", "arrow", "numpy"):
            t = profiles_to_tables(sub, container=kind)
            outs[kind] = score_columnar(
                t["accounts"], t["closures"], t["inquiries"], t["attributes"], as_of=AS_OF
            )
        assert isinstance(outs["pandas"], pd.DataFrame)
        assert isinstance(outs["arrow"], pa.Table)
        assert isinstance(outs["numpy"], dict)
        assert (
            output_rows(outs["pandas"]) == output_rows(outs["arrow"]) == output_rows(outs["numpy"])
        )

    def test_integer_ids_and_iso_strings(self):
        """Integer subject/account ids and ISO date strings are accepted."""
        accounts = pd.DataFrame(
            {
                "subject_id": [7, 3, 3],
                "account_id": [1, 1, 2],
                "product": ["credit_card", "credit_card", "revolving_consumer"],
                "status": ["open", "open", "closed"],
                "opened_on": ["2015-01-01", "2018-01-01", "2019-03-01"],
                "closed_on": [None, None, "2025-03-01"],
                "credit_limit": [10000, 10000, 20000],
                "balance": [8000, 4000, 0],
            }
        )
        out = score_columnar(accounts, as_of="2025-06-30")
        assert out["subject_id"].tolist() == [3, 7]
        p3 = CreditProfile.from_dict(
            {
                "subject_id": "3",
                "accounts": [
                    {
                        "account_id": "1",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2018-01-01",
                        "credit_limit": 10000,
                        "balance": 4000,
                    },
                    {
                        "account_id": "2",
                        "product": "revolving_consumer",
                        "status": "closed",
                        "opened_on": "2019-03-01",
                        "closed_on": "2025-03-01",
                        "credit_limit": 20000,
                        "balance": 0,
                    },
                ],
            }
        )
        a = assess(p3, as_of="2025-06-30")
        assert out["score"].iloc[0] == a.score and out["closure_impact"].iloc[0] == a.closure_impact

    @pytest.mark.parametrize("base, step", [(0, 1), (10**12, 7_919_000_003)])
    def test_integer_ids_dense_and_sparse(self, tables, base, step):
        """Integer subject ids, dense (looked up in a table) or sparse (binary search), with
        subjects only in the inquiries, give the rows string ids give."""
        ids = {s: base + step * i for i, s in enumerate(sorted(tables["attributes"]["subject_id"]))}
        a, c, q = (tables[k].copy() for k in ("accounts", "closures", "inquiries"))
        keep = set(sorted(ids)[:400])
        a, c = (t[t["subject_id"].isin(keep)] for t in (a, c))
        q = q[q["subject_id"].isin(set(sorted(ids)[300:500]))]  # 100 subjects only here
        ref = score_columnar(a, c, q, as_of=AS_OF)
        for t in (a, c, q):
            t["subject_id"] = t["subject_id"].map(ids).astype(np.int64)
        for chunk in (262_144, 500):
            out = score_columnar(a, c, q, as_of=AS_OF, chunk_accounts=chunk)
            assert out["subject_id"].tolist() == [ids[s] for s in ref["subject_id"]]
            pd.testing.assert_frame_equal(
                out.drop(columns="subject_id"), ref.drop(columns="subject_id")
            )

    def test_subjects_without_accounts(self):
        """A subject that appears only in inquiries or attributes still gets a row."""
        accounts = {
            "subject_id": np.array(["a"], dtype=object),
            "account_id": np.array(["x"], dtype=object),
            "product": np.array(["credit_card"], dtype=object),
            "status": np.array(["open"], dtype=object),
        }
        inquiries = {
            "subject_id": np.array(["b"] * 8, dtype=object),
            "on": np.array(["2025-06-01"] * 8, dtype="datetime64[D]"),
            "kind": np.array(["loan_approval"] * 8, dtype=object),
        }
        attributes = {"subject_id": np.array(["c"], dtype=object), "tier": np.array([1.0])}
        out = score_columnar(accounts, None, inquiries, attributes, as_of="2025-06-30")
        assert out["subject_id"].tolist() == ["a", "b", "c"]
        b = assess(
            CreditProfile.from_dict(
                {
                    "subject_id": "b",
                    "inquiries": [{"on": "2025-06-01", "kind": "loan_approval"}] * 8,
                }
            ),
            as_of="2025-06-30",
        )
        assert out["score"][1] == b.score and out["reason_1"][1] == "TOO_MANY_INQUIRIES"

    def test_empty_accounts(self):
        """An empty accounts table gives an empty output with every column."""
        empty = pd.DataFrame(
            {
                c: pd.Series([], dtype=object)
                for c in ("subject_id", "account_id", "product", "status")
            }
        )
        out = score_columnar(empty, as_of=AS_OF)
        assert list(out.columns) == list(OUTPUT_COLUMNS) and len(out) == 0


class TestLogisticVectorised:
    """LogisticScorer is computed on whole chunks (no per-subject assess) and equals it."""

    def test_reference_scorecard_on_thousands(self, portfolio, tables):
        """The built-in "logistic" scorecard (features and attributes) equals assess()."""
        out = score_columnar(
            tables["accounts"],
            tables["closures"],
            tables["inquiries"],
            tables["attributes"],
            scorer="logistic",
            as_of=AS_OF,
        )
        assert output_rows(out) == expected_rows(portfolio, "logistic")

    def test_no_per_subject_calls(self, tables, monkeypatch):
        """The vectorised path never builds profiles or calls assess per subject."""
        import credit_closure._columnar.convert as columnar  # monkeypatch target

        def boom(*args, **kwargs):
            raise AssertionError("per-subject path used")

        monkeypatch.setattr(columnar, "build_profiles", boom)
        out = score_columnar(
            tables["accounts"],
            tables["closures"],
            tables["inquiries"],
            tables["attributes"],
            scorer="logistic",
            as_of=AS_OF,
            chunk_accounts=3000,
        )
        assert len(out) == len(tables["attributes"])

    def test_attribute_edge_cases(self, portfolio):
        """Missing, unseen and number-valued categories, and whole floats, bin as in assess."""
        from credit_closure import LogisticScorer

        pf = generate_portfolio(1200, seed=8, as_of=AS_OF)
        scorer = LogisticScorer(min_iv=0.0).fit(
            list(pf.profiles), pf.outcomes.tolist(), as_of=AS_OF
        )
        used = {(i.kind, i.name) for i in scorer.inputs_}
        assert {
            ("attribute", "city_tier"),
            ("attribute", "employment"),
            ("attribute", "monthly_income"),
        } <= used
        docs = [p.to_dict() for p in portfolio[1200:1500]]
        for i, d in enumerate(docs):
            a = d["attributes"]
            if i % 5 == 0:
                a.pop("city_tier", None)
            elif i % 5 == 1:
                a["city_tier"] = 2  # a number where categories are strings
            elif i % 5 == 2:
                a["employment"] = "astronaut"  # never seen in training
            elif i % 5 == 3 and "monthly_income" in a:
                a["monthly_income"] = float(a["monthly_income"]) + 0.5
        profiles = [CreditProfile.from_dict(d) for d in docs]
        t = profiles_to_tables(profiles, container="numpy")
        out = score_columnar(
            t["accounts"],
            t["closures"],
            t["inquiries"],
            t["attributes"],
            scorer=scorer,
            as_of=AS_OF,
        )
        assert output_rows(out) == expected_rows(profiles, scorer)

    def test_string_for_a_numeric_input(self):
        """A string where the scorecard bins numbers names the attribute and its rows."""
        attributes = {
            "subject_id": np.array(["s1", "s2"], dtype=object),
            "monthly_income": np.array([5000, "lots"], dtype=object),
        }
        probs = columnar_problems(long_accounts(), None, None, attributes, scorer="logistic")
        assert probs == [
            ("attributes.monthly_income", "must be a number for this model (got string) (row 1)")
        ]

    def test_unfitted_scorer(self):
        """An unfitted LogisticScorer is refused before any work."""
        from credit_closure import LogisticScorer, NotFittedError

        with pytest.raises(NotFittedError):
            score_columnar(long_accounts(), as_of=AS_OF, scorer=LogisticScorer())


class TestScoringErrors:
    """A scorer failing on a chunk fails score_columnar as it fails assess()."""

    def test_scorer_overflow_is_a_scoring_error(self):
        """A policy whose log-odds overflow the probability fails as assess() fails: a
        ScoringError naming the scorer, not a raw OverflowError."""
        from credit_closure import ScoringError

        with open(DEFAULT_POLICY_FILE, encoding="utf-8") as fh:
            doc = json.load(fh)
        doc["name"] = "extreme"
        doc["base_log_odds"] = -800.0
        scorer = RuleScorer(doc)
        with pytest.raises(ScoringError, match="OverflowError"):
            score_columnar(long_accounts(), as_of=AS_OF, scorer=scorer)
