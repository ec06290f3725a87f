"""Tests of columnar scoring: equality with assess(), containers, fallback and input errors."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import two_rules_on_one_feature_policy

from credit_closure import (
    CreditProfile,
    InvalidInputError,
    RuleScorer,
    ScoreResult,
    assess,
)
from credit_closure._columnar import ENUM_CODES, compute_features, group_sum, prepare

# module objects: the engine switch (_HAVE_NUMBA) is set where the code reads it; the kernel's
# compiled entry points are called directly (importing the kernel imports numba)
from credit_closure._columnar import compiled as _columnar_compiled
from credit_closure._columnar import kernel as _columnar_kernel
from credit_closure._contract import profile_unchecked
from credit_closure._scoring import DEFAULT_CONFIG, DEFAULT_POLICY_FILE, FEATURE_NAMES, extract
from credit_closure.columnar import OUTPUT_COLUMNS, profiles_to_tables, score_columnar
from credit_closure.synth import generate_portfolio

AS_OF = dt.date(2026, 6, 30)
HAVE_NUMBA = _columnar_compiled.available()
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")


@pytest.fixture(autouse=True, scope="module", params=["numpy", "numba"])
def engine(request):
    """Every test of this module runs on both engines of score_columnar's default "auto":
    numba (when installed) and numpy (numba hidden)."""
    if request.param == "numba" and not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    saved = _columnar_compiled._HAVE_NUMBA
    if request.param == "numpy":
        _columnar_compiled._HAVE_NUMBA = False
    yield request.param
    _columnar_compiled._HAVE_NUMBA = saved


def _profiles(n: int, seed: int) -> list:
    """Synthetic profiles without activity (the columnar format carries none)."""
    pf = generate_portfolio(n, seed=seed, as_of=AS_OF)
    return [profile_unchecked(p, activity=()) for p in pf.profiles]


@pytest.fixture(scope="module")
def portfolio():
    return _profiles(2500, seed=21)


@pytest.fixture(scope="module")
def tables(portfolio):
    return profiles_to_tables(portfolio)


def _expected(profiles, scorer="rules"):
    rows = {}
    for p in profiles:
        a = assess(p, scorer=scorer, as_of=AS_OF)
        codes = [r.code for r in a.reasons] + [None] * (4 - len(a.reasons))
        rows[p.subject_id] = (
            a.score,
            a.probability_of_default,
            a.band,
            a.decision,
            *codes,
            a.closure_impact,
        )
    return rows


def _rows(out) -> dict:
    if isinstance(out, pd.DataFrame):
        cols = {c: out[c].tolist() for c in out.columns}
    elif hasattr(out, "column_names"):
        cols = out.to_pydict()
    else:
        cols = {c: list(v) for c, v in out.items()}
    assert tuple(cols) == OUTPUT_COLUMNS
    got = {}
    for i, sid in enumerate(cols["subject_id"]):
        vals = []
        for c in OUTPUT_COLUMNS[1:]:
            v = cols[c][i]
            if isinstance(v, float) and c.startswith("reason") and math.isnan(v):
                v = None
            vals.append(float(v) if isinstance(v, (float, np.floating)) else v)
        got[sid] = tuple(vals)
    return got


def _feature_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


class TestEqualityWithAssess:
    def test_features_bit_identical(self, portfolio, tables):
        """Every feature equals extract() to the last bit on thousands of subjects."""
        prep = prepare(tables["accounts"], tables["closures"], tables["inquiries"], None, AS_OF)
        F = compute_features(prep.acc, prep.inq, prep.n, AS_OF, DEFAULT_CONFIG)
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
        assert _rows(out) == _expected(portfolio)

    def test_fractional_amounts(self):
        """Amounts with cents (compensated sums) still give the same results as assess()."""
        docs = [p.to_dict() for p in _profiles(600, seed=4)]
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
        assert _rows(out) == _expected(profiles)

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
        assert _rows(out) == _expected(sub, scorer)

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
        assert _rows(out) == _expected(sub, scorer)

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

        prep = prepare(tables["accounts"], tables["closures"], tables["inquiries"], None, AS_OF)
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
            )
        finally:
            _columnar_compiled._HAVE_NUMBA = saved
        index = {s: i for i, s in enumerate(prep.subjects)}
        F = res["features"][[index[p.subject_id] for p in portfolio]]
        E = np.array([extract(p, AS_OF) for p in portfolio])
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
        assert _rows(out) == _expected([profile])

    def test_engine_argument(self, engine):
        """An unknown engine, or numba where it is not installed, is a clear argument error."""
        with pytest.raises(InvalidInputError) as info:
            score_columnar(_accounts(), as_of=AS_OF, engine="gpu")
        assert info.value.problems[0][0] == "engine"
        if engine == "numpy":  # numba hidden by the fixture
            with pytest.raises(InvalidInputError, match="numba is not installed"):
                score_columnar(_accounts(), as_of=AS_OF, engine="numba")

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

    def test_nanosecond_dates(self, engine):
        """pandas datetime64[ns] columns: whole days pass, a time of day and an early date
        are each reported with their rows, on both engines."""
        acc = pd.DataFrame(_accounts())
        acc["opened_on"] = pd.to_datetime(
            ["2020-01-01 00:00", "2020-01-01 12:00", "1850-03-01 00:00"]
        ).astype("datetime64[ns]")
        probs = _problems(acc)
        assert ("accounts.opened_on", "must be whole days (it has a time of day) (row 1)") in probs
        assert any(
            p == "accounts.opened_on" and m.startswith("is before") and m.endswith("(row 2)")
            for p, m in probs
        )
        acc["opened_on"] = pd.to_datetime(["2020-01-01"] * 3).astype("datetime64[ns]")
        good = score_columnar(acc, as_of=AS_OF)
        ref = score_columnar(_accounts(), as_of=AS_OF)
        assert good["score"].tolist() == ref["score"].tolist()


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
        assert _rows(outs["pandas"]) == _rows(outs["arrow"]) == _rows(outs["numpy"])

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
        assert _rows(out) == _expected(sub, BatchFlat())

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
        assert _rows(out) == _expected(sub, FlatScorer())


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
        assert _rows(out) == _expected(portfolio, "logistic")

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
        assert _rows(out) == _expected(profiles, scorer)

    def test_string_for_a_numeric_input(self):
        """A string where the scorecard bins numbers names the attribute and its rows."""
        attributes = {
            "subject_id": np.array(["s1", "s2"], dtype=object),
            "monthly_income": np.array([5000, "lots"], dtype=object),
        }
        probs = _problems(_accounts(), None, None, attributes, scorer="logistic")
        assert probs == [
            ("attributes.monthly_income", "must be a number for this model (got string) (row 1)")
        ]

    def test_unfitted_scorer(self):
        """An unfitted LogisticScorer is refused before any work."""
        from credit_closure import LogisticScorer, NotFittedError

        with pytest.raises(NotFittedError):
            score_columnar(_accounts(), as_of=AS_OF, scorer=LogisticScorer())


def _accounts(**over):
    base = {
        "subject_id": np.array(["s1", "s1", "s2"], dtype=object),
        "account_id": np.array(["a", "b", "a"], dtype=object),
        "product": np.array(["credit_card"] * 3, dtype=object),
        "status": np.array(["open", "closed", "open"], dtype=object),
        "opened_on": np.array(["2020-01-01"] * 3, dtype="datetime64[D]"),
        "closed_on": np.array(["NaT", "2025-01-01", "NaT"], dtype="datetime64[D]"),
        "credit_limit": np.array([1000.0, 2000.0, 3000.0]),
        "balance": np.array([10.0, 0.0, 20.0]),
    }
    base.update(over)
    return base


def _problems(*args, **kwargs):
    with pytest.raises(InvalidInputError) as info:
        score_columnar(*args, as_of=AS_OF, **kwargs)
    return info.value.problems


class TestInvalidInput:
    def test_missing_and_unknown_columns(self):
        """A missing required column and an unknown column are both reported."""
        acc = _accounts()
        del acc["status"]
        acc["colour"] = np.array(["r", "g", "b"], dtype=object)
        probs = _problems(acc)
        assert ("accounts.status", "is a required column and is missing") in probs
        assert ("accounts.colour", "is not a column of the long format") in probs

    def test_bad_enum_names_rows(self):
        """An unknown enum value names the column and the rows."""
        probs = _problems(
            _accounts(product=np.array(["credit_card", "loan", "loan"], dtype=object))
        )
        assert probs[0][0] == "accounts.product" and "(rows 1, 2)" in probs[0][1]

    def test_bad_values(self):
        """Non-finite and negative amounts, bad dates and late dates each name their rows."""
        probs = _problems(
            _accounts(
                balance=np.array([10.0, -1.0, np.inf]),
                opened_on=np.array(["2020-01-01", "2020-13-01", "2030-01-01"], dtype=object),
            )
        )
        assert ("accounts.balance", "must be a finite number (row 2)") in probs
        assert ("accounts.balance", "must be >= 0 (row 1)") in probs
        assert (
            "accounts.opened_on",
            "is not a date (datetime64, YYYY-MM-DD or datetime.date) (row 1)",
        ) in probs
        assert ("accounts.opened_on", "is after the assessment date (row 2)") in probs
        assert len(probs) == 4

    def test_cross_field_rules(self):
        """Model rules hold: closed needs closed_on, ids unique, closures name an account."""
        acc = _accounts(
            account_id=np.array(["a", "a", "a"], dtype=object),
            closed_on=np.array(["NaT", "NaT", "NaT"], dtype="datetime64[D]"),
        )
        closures = {
            "subject_id": np.array(["s2"], dtype=object),
            "account_id": np.array(["zz"], dtype=object),
            "closed_on": np.array(["2025-01-01"], dtype="datetime64[D]"),
        }
        probs = _problems(acc, closures)
        assert ("accounts.closed_on", "is required when status is 'closed' (row 1)") in probs
        assert (
            "accounts.account_id",
            "duplicates an earlier account id of the subject (row 1)",
        ) in probs
        assert (
            "closures.account_id",
            "names no account of the subject in accounts (row 0)",
        ) in probs

    def test_closure_on_open_account(self):
        """A closure event on an open account is refused."""
        closures = {
            "subject_id": np.array(["s2"], dtype=object),
            "account_id": np.array(["a"], dtype=object),
            "closed_on": np.array(["2025-01-01"], dtype="datetime64[D]"),
        }
        assert (
            "closures.account_id",
            "names an account whose status is 'open' (row 0)",
        ) in _problems(_accounts(), closures)

    def test_activity_and_bad_container(self):
        """An activity table and a non-table are refused with InvalidInputError."""
        with pytest.raises(InvalidInputError, match="activity"):
            score_columnar(_accounts(), as_of=AS_OF, activity={"subject_id": []})
        assert _problems([1, 2, 3])[0][0] == "accounts"

    def test_unhashable_enum_cell(self):
        """A list or dict in an enum column is refused, naming the rows."""
        product = np.array(["credit_card", ["x"], {"a": 1}], dtype=object)
        assert _problems(_accounts(product=product)) == [
            ("accounts.product", "must be a string (rows 1, 2)")
        ]

    def test_bad_attributes(self):
        """Attribute values follow the model's rules, column by column, with rows."""
        attributes = {
            "subject_id": np.array(["s1", "s2"], dtype=object),
            "flag": np.array([True, False]),
            "ratio": np.array([0.5, np.inf]),
            "note": np.array(["ok", "x" * 300], dtype=object),
            "mixed": np.array([[1], 3], dtype=object),
            "big": np.array([2**60, 1], dtype=np.int64),
        }
        probs = dict(_problems(_accounts(), None, None, attributes))
        assert probs["attributes.flag"] == "must hold numbers or strings (got booleans)"
        assert probs["attributes.ratio"] == "must be a finite number (row 1)"
        assert probs["attributes.note"] == "is longer than 256 characters (row 1)"
        assert probs["attributes.mixed"] == "must be a number or a string (row 0)"
        assert probs["attributes.big"].startswith("is too large an integer")

    def test_out_of_range_numbers_and_ids(self):
        """Python ints beyond the float range, complex numbers and unsigned ids of 2**63 or
        more are refused with their rows, never a raw error or a wrapped id."""
        probs = dict(_problems(_accounts(balance=np.array([10**400, 5, 1], dtype=object))))
        assert (
            probs["accounts.balance"].startswith("must be at most")
            and "(row 0)" in probs["accounts.balance"]
        )
        acc = pd.DataFrame(_accounts())
        acc["credit_limit"] = np.array([1 + 2j, 3, 4], dtype=complex)
        assert (
            dict(_problems(acc))["accounts.credit_limit"]
            == "must hold real numbers (got dtype complex128)"
        )
        ids = _accounts(subject_id=np.array([2**63, 2**63, 5], dtype=np.uint64))
        assert (
            dict(_problems(ids))["accounts.subject_id"]
            == "must be an integer below 2**63 (rows 0, 1)"
        )

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
            score_columnar(_accounts(), as_of=AS_OF, scorer=scorer)

    def test_wrong_dtype(self):
        """Numbers where dates belong, and strings where numbers belong, are reported."""
        probs = dict(
            _problems(
                _accounts(
                    opened_on=np.array([1, 2, 3]),
                    credit_limit=np.array(["1", "2", "3"], dtype=object),
                )
            )
        )
        assert "must hold dates" in probs["accounts.opened_on"]
        assert "must be a number" in probs["accounts.credit_limit"]


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
