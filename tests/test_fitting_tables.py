"""``LogisticScorer.fit_tables`` (``credit_closure/_scorecard/fitting_tables.py``): fitting
from the columnar long format and from attribute frames gives the same model as ``fit`` on
the equivalent profiles, bit for bit, and bad input is refused with every problem named."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _helpers import HYPO, ODD, PORTFOLIO_AS_OF, columnar_profiles
from hypothesis import given
from hypothesis import strategies as st

from credit_closure import CreditProfile, InvalidInputError, LogisticScorer
from credit_closure.columnar import profiles_to_tables


def _fit(profiles, outcomes, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticScorer(**params).fit(profiles, outcomes, as_of=PORTFOLIO_AS_OF)


def _fit_tables(params=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticScorer(**(params or {})).fit_tables(as_of=PORTFOLIO_AS_OF, **kwargs)


def _outcomes(profiles, outcomes):
    return {
        "subject_id": np.array([p.subject_id for p in profiles], dtype=object),
        "outcome": np.asarray(outcomes, dtype=np.int64),
    }


@pytest.fixture(scope="module")
def long_data():
    """Profiles with accounts, closures, inquiries and attributes (no activity), a channel
    attribute with awkward labels, and outcomes tied to their risk."""
    import random

    profiles = columnar_profiles(1500, seed=5)
    rng = random.Random(2)
    out, ys = [], []
    for p in profiles:
        k = rng.randrange(4)
        attrs = dict(p.attributes)
        if rng.random() < 0.95:
            attrs["channel"] = ODD[k]
        out.append(
            CreditProfile(
                subject_id=p.subject_id,
                accounts=p.accounts,
                closures=p.closures,
                inquiries=p.inquiries,
                attributes=attrs,
            )
        )
        risky = len(p.closures) + (k == 2) + sum(a.balance or 0 for a in p.accounts) / 1e5
        ys.append(int(rng.random() < 0.15 + 0.1 * min(risky, 5)))
    return out, ys


class TestSameModel:
    @pytest.mark.parametrize("container", ["pandas", "numpy", "arrow"])
    def test_long_format_equals_profiles(self, long_data, container):
        """Same artifact (content, coefficients, sha256) as ``fit`` on the profiles."""
        if container == "arrow":
            pytest.importorskip("pyarrow")
        profiles, ys = long_data
        a = _fit(profiles, ys)
        b = _fit_tables(
            **profiles_to_tables(profiles, container=container),
            outcomes=_outcomes(profiles, ys),
        )
        assert b.coef_ == a.coef_
        assert b.to_dict() == a.to_dict()
        assert b.sha256_ == a.sha256_
        assert any(i.kind == "feature" for i in b.inputs_)

    def test_non_default_params_and_closure_counts(self, long_data):
        profiles, ys = long_data
        params = {
            "allow_closure_counts": True,
            "shapes": "monotonic",
            "max_bins": 5,
            "categorical": ["monthly_income"],
            "binning": "optimal",
        }
        a = _fit(profiles, ys, **params)
        b = _fit_tables(params, **profiles_to_tables(profiles), outcomes=_outcomes(profiles, ys))
        assert b.sha256_ == a.sha256_

    def test_subjects_without_rows_are_empty_profiles(self, long_data):
        """An outcome for a subject in no table trains as a profile with no data."""
        profiles, ys = long_data
        extra = [CreditProfile(subject_id=f"zz-empty-{i}") for i in range(40)]
        all_p, all_y = profiles[:600] + extra, ys[:600] + [0, 1] * 20
        a = _fit(all_p, all_y)
        b = _fit_tables(**profiles_to_tables(profiles[:600]), outcomes=_outcomes(all_p, all_y))
        assert b.sha256_ == a.sha256_

    def test_attribute_frame_with_outcome_column(self):
        """The attributes-only shape, the outcome a column of the frame; the frame is not
        changed."""
        pd = pytest.importorskip("pandas")
        rng = np.random.default_rng(4)
        n = 800
        income = rng.choice([3000.0, 8000.0, 15000.0, 30000.0, np.nan], size=n)
        age = rng.integers(18, 70, size=n)
        score = np.round(rng.normal(600, 50, size=n), 1)
        grade = rng.choice(["A", "B", "C", None], size=n).astype(object)
        zone = rng.choice([1.0, 2.0, 3.5, np.nan], size=n)  # forced categorical: "1", "3.5"
        lo = -1 + (income < 9000) * 0.8 + (age < 30) * 0.5 + (grade == "C") * 0.7
        bad = (rng.random(n) < 1 / (1 + np.exp(-lo))).astype(int)
        frame = pd.DataFrame(
            {
                "subject_id": [f"g{i}" for i in range(n)],
                "income": income,
                "age": age,
                "score": score,
                "grade": grade,
                "zone": zone,
                "bad": bad,
            }
        )
        before = frame.copy()
        params = {"categorical": ["zone"]}
        b = _fit_tables(params, attributes=frame, outcomes="bad")
        pd.testing.assert_frame_equal(frame, before)
        profiles = [
            CreditProfile(
                subject_id=r.subject_id,
                attributes={
                    k: (int(v) if isinstance(v, float) and v.is_integer() else v)
                    for k, v in (
                        ("income", r.income),
                        ("age", int(r.age)),
                        ("score", r.score),
                        ("grade", r.grade),
                        ("zone", r.zone),
                    )
                    if v is not None and v == v
                },
            )
            for r in frame.itertuples()
        ]
        a = _fit(profiles, bad.tolist(), **params)
        assert b.sha256_ == a.sha256_
        assert {i.name for i in b.inputs_} <= {"income", "age", "score", "grade", "zone"}
        zone = next(i for i in b.inputs_ + a.inputs_ if i.name == "zone")
        assert {lab for g in zone.binning.groups for lab in g} <= {"1", "2", "3.5"}

    def test_integer_subject_ids(self):
        rng = np.random.default_rng(9)
        n = 500
        x = rng.integers(0, 10, size=n).astype(float)
        y = (rng.random(n) < 0.1 + 0.05 * x).astype(int)
        ids = np.arange(1000, 1000 + n)
        b = _fit_tables(
            attributes={"subject_id": ids, "x": x},
            outcomes={"subject_id": ids[::-1].copy(), "outcome": y[::-1].copy()},
        )
        profiles = [
            CreditProfile(subject_id=str(i), attributes={"x": int(v)})
            for i, v in zip(ids[::-1].tolist(), x[::-1].tolist())
        ]
        assert b.sha256_ == _fit(profiles, y[::-1].tolist()).sha256_

    @HYPO
    @given(
        n=st.integers(60, 160),
        seed=st.integers(0, 2**16),
        share=st.sampled_from([0.0, 0.03, 0.1]),
    )
    def test_property_random_frames(self, n, seed, share):
        """Random attribute frames (numbers, categories, missing cells, ties): fit_tables
        equals fit on the profiles built from the same rows."""
        rng = np.random.default_rng(seed)
        num = np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 6, size=n) * 1.5)
        cat = np.array(
            [None if v < 0.1 else ODD[int(v * 4) % 4] for v in rng.random(n)], dtype=object
        )
        y = (rng.random(n) < 0.2 + 0.1 * np.nan_to_num(num) / 9).astype(int)
        y[:2] = [0, 1]
        ids = np.array([f"r{i}" for i in range(n)], dtype=object)
        order = rng.permutation(n)
        frame = {"subject_id": ids, "num": num, "cat": cat}
        profiles = [
            CreditProfile(
                subject_id=ids[i],
                attributes={
                    k: v
                    for k, v in (
                        (
                            "num",
                            None
                            if num[i] != num[i]
                            else (int(num[i]) if num[i].is_integer() else float(num[i])),
                        ),
                        ("cat", cat[i]),
                    )
                    if v is not None
                },
            )
            for i in order
        ]
        try:
            a = _fit(profiles, y[order].tolist(), min_bin_share=share)
        except InvalidInputError as exc:
            with pytest.raises(InvalidInputError) as got:
                _fit_tables(
                    {"min_bin_share": share},
                    attributes=frame,
                    outcomes={"subject_id": ids[order], "outcome": y[order]},
                )
            assert got.value.problems[-1][1] == exc.problems[-1][1]
            return
        b = _fit_tables(
            {"min_bin_share": share},
            attributes=frame,
            outcomes={"subject_id": ids[order], "outcome": y[order]},
        )
        assert b.sha256_ == a.sha256_


class TestInvalidInput:
    def _frame(self, n=50):
        ids = np.array([f"s{i}" for i in range(n)], dtype=object)
        return ids, {"subject_id": ids, "x": np.arange(n, dtype=float)}

    def _problems(self, **kwargs):
        with pytest.raises(InvalidInputError) as exc:
            _fit_tables(**kwargs)
        return dict(exc.value.problems)

    def test_outcomes_not_zero_one_and_a_duplicate(self):
        ids, frame = self._frame()
        y = np.array([0, 1] * 25, dtype=float)
        y[[3, 7]] = [2.0, np.nan]
        probs = self._problems(attributes=frame, outcomes={"subject_id": ids, "outcome": y})
        assert "rows 3, 7" in probs["outcomes.outcome"]
        dup = ids.copy()
        dup[5] = dup[4]
        probs = self._problems(
            attributes=frame, outcomes={"subject_id": dup, "outcome": np.zeros(50) + (ids > "s3")}
        )
        assert "twice" in probs["outcomes.subject_id"]

    def test_subject_without_outcome_and_single_class(self):
        ids, frame = self._frame()
        probs = self._problems(
            attributes=frame, outcomes={"subject_id": ids[:40], "outcome": np.arange(40) % 2}
        )
        assert "no outcome for 10 subject" in probs["outcomes"]
        probs = self._problems(
            attributes=frame, outcomes={"subject_id": ids, "outcome": np.zeros(50)}
        )
        assert "both classes" in probs["outcomes"]

    def test_bad_outcome_tables_and_names(self):
        ids, frame = self._frame()
        probs = self._problems(attributes=frame, outcomes={"subject_id": ids, "y": ids})
        assert "outcomes.outcome" in probs and "outcomes.y" in probs
        assert "outcomes" in self._problems(attributes=frame, outcomes=[0, 1])
        assert "names no attribute" in self._problems(attributes=frame, outcomes="bad")["outcomes"]
        assert "outcomes" in self._problems(outcomes="bad")
        probs = self._problems(
            attributes=frame, outcomes={"subject_id": np.arange(50), "outcome": np.arange(50) % 2}
        )
        assert "type" in probs["outcomes.subject_id"]

    def test_parameters_and_dates_reported_together(self):
        ids, frame = self._frame()
        with pytest.raises(InvalidInputError) as exc:
            LogisticScorer(max_bins=0).fit_tables(
                attributes=frame,
                outcomes={"subject_id": ids, "outcome": np.arange(50) % 2},
                as_of=[PORTFOLIO_AS_OF],
            )
        paths = {p for p, _ in exc.value.problems}
        assert paths == {"as_of"} or {"max_bins", "as_of"} <= paths

    def test_table_problems_are_those_of_score_columnar(self):
        ids, frame = self._frame()
        frame = dict(frame, x=np.where(np.arange(50) == 3, np.inf, frame["x"]))
        probs = self._problems(
            attributes=frame, outcomes={"subject_id": ids, "outcome": np.arange(50) % 2}
        )
        assert any(k.startswith("attributes") and "finite" in v for k, v in probs.items())

    def test_mixed_numbers_and_strings(self):
        ids, _ = self._frame()
        x = np.arange(50).astype(object)
        x[4] = "four"
        probs = self._problems(
            attributes={"subject_id": ids, "x": x},
            outcomes={"subject_id": ids, "outcome": np.arange(50) % 2},
        )
        assert "both numbers and strings" in probs["attributes.x"]


def test_reason_text_warning_points_at_the_caller():
    """``fit_tables`` warns like ``fit``: once per attribute without a text, at the caller."""
    from credit_closure.exceptions import ReasonTextWarning

    rng = np.random.default_rng(1)
    x = rng.choice([1.0, 2.0, 3.0], size=300)
    frame = {
        "subject_id": np.array([f"s{i}" for i in range(300)], dtype=object),
        "x": x,
        "bad": (rng.random(300) < 0.1 * x).astype(int),
    }
    with pytest.warns(ReasonTextWarning, match="input 'x' has no reason text") as got:
        LogisticScorer().fit_tables(attributes=frame, outcomes="bad", as_of=PORTFOLIO_AS_OF)
    assert {w.filename for w in got} == {__file__}
