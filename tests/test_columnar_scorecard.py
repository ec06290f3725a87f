"""The batch scorecard path of ``score_columnar`` (issue 18): attribute tables checked and
binned once per distinct value, reasons ranked in vectorised code, attributes-only tables cut
into chunks. Properties: equal to ``assess()`` bit for bit, ties in the reasons included, in
every container and string representation, whatever the chunk size.

Ties are made on purpose: the scorecards here have their reason points rounded to whole
multiples (:func:`tied`), so that several codes lose exactly the same points for one subject
and the order between them is decided by the code alone, as ``assess()`` decides it.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import random
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import AS_OF_DATES, profile_batches
from test_engine_agreement import ENGINES, assert_same, columnar_rows, expected_rows

from credit_closure import CreditProfile, InvalidInputError, LogisticScorer, get_scorer
from credit_closure.columnar import profiles_to_tables, score_columnar

AS_OF = dt.date(2026, 6, 30)
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
CATEGORIES = {
    "purpose": ["car", "tv", "education", "business"],
    "housing": ["own", "rent", "free"],
    "job": ["A171", "A172", "A173", "A174"],
    "phone": ["yes", "no"],
}
NUMBERS = {"duration": (4, 72), "amount": (250, 18424), "age": (19, 75)}


def tied(scorer: LogisticScorer, step: float) -> LogisticScorer:
    """A copy of ``scorer`` whose reason points are rounded to multiples of ``step``: codes
    then tie often (the scores stay those of the card, only the reasons change)."""
    from credit_closure._scorecard.fitted import _make_factor

    out = copy.copy(scorer)
    table = tuple(
        row._replace(
            factors=tuple(
                _make_factor(f.code, float(round(f.points / step) * step) + 0.0, f.feature, f.value)
                for f in row.factors
            )
        )
        for row in scorer._table
    )
    out._table = table
    out._rows = tuple(tuple(row) for row in table)
    return out


def attribute_rows(n: int, seed: int) -> tuple[list[dict[str, Any]], list[int]]:
    """German-credit-shaped attribute rows (4 categorical, 3 integer inputs) and outcomes."""
    rng = random.Random(seed)
    rows, y = [], []
    for _ in range(n):
        row: dict[str, Any] = {c: rng.choice(v) for c, v in CATEGORIES.items()}
        row.update({c: rng.randint(lo, hi) for c, (lo, hi) in NUMBERS.items()})
        risk = 0.2 + 0.2 * (row["purpose"] == "education") + 0.15 * (row["housing"] == "rent")
        risk += 0.2 * (row["duration"] > 36) - 0.1 * (row["age"] > 40)
        rows.append(row)
        y.append(int(rng.random() < risk))
    return rows, y


@pytest.fixture(scope="module")
def card() -> LogisticScorer:
    rows, y = attribute_rows(600, seed=3)
    profiles = [CreditProfile(subject_id=f"t{i}", attributes=r) for i, r in enumerate(rows)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no reason texts for these attributes
        return LogisticScorer().fit(profiles, y, as_of=AS_OF)


def no_accounts() -> dict[str, np.ndarray]:
    return {
        "subject_id": np.zeros(0, dtype=object),
        "account_id": np.zeros(0, dtype=object),
        "product": np.zeros(0, dtype=object),
        "status": np.zeros(0, dtype=object),
    }


# values a lender's table holds for the inputs: seen and unseen categories, numbers of every
# representation the contract accepts, and missing values of every kind
_MISSING = st.sampled_from([None, float("nan"), np.nan])
_CATEGORY = {
    c: st.one_of(st.sampled_from(v + ["unseen", "3"]), st.sampled_from([3, 3.0, np.int64(3)]))
    for c, v in CATEGORIES.items()
}
_NUMBER = {
    c: st.one_of(
        st.integers(lo - 5, hi + 5),
        st.integers(lo, hi).map(float),
        st.integers(lo, hi).map(np.int32),
        st.integers(lo, hi).map(lambda v: decimal.Decimal(f"{v}.00")),
        st.floats(lo, hi, allow_nan=False),
    )
    for c, (lo, hi) in NUMBERS.items()
}


@st.composite
def attribute_tables(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of attribute values (``None`` in a row: a missing cell) and their subject ids."""
    n = draw(st.integers(1, 40))
    rows = []
    for _ in range(n):
        row = {}
        for c in CATEGORIES:
            row[c] = (
                draw(st.one_of(_CATEGORY[c], _MISSING))
                if draw(st.booleans())
                else (draw(_CATEGORY[c]))
            )
        for c in NUMBERS:
            row[c] = draw(st.one_of(_NUMBER[c], _MISSING))
        rows.append(row)
    ids = draw(st.permutations([f"s{i:03d}" for i in range(n)]))
    return rows, list(ids)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def profiles_of(rows: list[dict[str, Any]], ids: list[str]) -> list[CreditProfile]:
    return [
        CreditProfile(subject_id=s, attributes={k: v for k, v in r.items() if not _missing(v)})
        for s, r in zip(ids, rows)
    ]


def table_of(rows: list[dict[str, Any]], ids: list[str], container: str) -> Any:
    """The rows as an attribute table: object columns (numpy), or pandas with the string
    columns as ``object``, ``str`` or ``category``, or pyarrow where the cells allow it."""
    cols: dict[str, Any] = {"subject_id": np.array(ids, dtype=object)}
    for c in list(CATEGORIES) + list(NUMBERS):
        cols[c] = np.array([r[c] for r in rows], dtype=object)
    if container == "numpy":
        return cols
    import pandas as pd

    frame = pd.DataFrame(cols)
    if container == "pandas":
        return frame
    for c in CATEGORIES:  # the text columns as pandas holds strings: str or category
        values = frame[c]
        if all(isinstance(v, str) or _missing(v) for v in values):
            frame[c] = values.astype("str" if container == "pandas-str" else "category")
    return frame


@settings(max_examples=40, **SETTINGS)
@given(
    data=attribute_tables(),
    container=st.sampled_from(["numpy", "pandas", "pandas-str", "pandas-category"]),
    step=st.sampled_from([None, 1.0, 5.0, 20.0]),
    chunk=st.integers(1, 50),
)
def test_attribute_scorecard_equals_assess(card, data, container, step, chunk):
    """Every cell representation, ties in the reasons (``step``) and chunk size: the
    columnar scorecard equals ``assess()`` row by row, bit for bit, on both engines."""
    rows, ids = data
    scorer = card if step is None else tied(card, step)
    expected = expected_rows(profiles_of(rows, ids), scorer, AS_OF)
    table = table_of(rows, ids, container)
    for engine in ENGINES:
        out = score_columnar(
            no_accounts(),
            attributes=table,
            scorer=scorer,
            as_of=AS_OF,
            engine=engine,
            chunk_accounts=chunk,
        )
        assert_same(expected, columnar_rows(out), f"{container}, {engine}, step {step}")


@settings(max_examples=15, **SETTINGS)
@given(data=st.data(), as_of=st.sampled_from(AS_OF_DATES), step=st.sampled_from([1.0, 10.0]))
def test_reference_scorecard_with_ties_equals_assess(data, as_of, step):
    """The reference scorecard (features from accounts; several inputs share a reason code)
    with tied reason points: reasons in the order ``assess()`` gives, on both engines."""
    profiles = data.draw(profile_batches(as_of, min_size=5, max_size=30))
    scorer = tied(get_scorer("logistic"), step)
    expected = expected_rows(profiles, scorer, as_of)
    tables = profiles_to_tables(profiles, container="numpy")
    chunk = data.draw(st.integers(1, 60))
    for engine in ENGINES:
        out = score_columnar(
            **tables, scorer=scorer, as_of=as_of, engine=engine, chunk_accounts=chunk
        )
        assert_same(expected, columnar_rows(out), f"reference, step {step}, {engine}")


def test_ties_are_present(card):
    """The tied cards do make ties (else the properties above would test nothing new)."""
    rows, _ = attribute_rows(300, seed=9)
    scorer = tied(card, 20.0)
    found = 0
    for i, r in enumerate(rows):
        result = scorer.score(CreditProfile(subject_id=f"x{i}", attributes=r), AS_OF)
        lost = [f.points for f in result.factors if f.points < 0]
        found += len(lost) != len(set(lost))
    assert found > 30


@pytest.mark.parametrize("container", ["numpy", "pandas", "arrow"])
def test_attributes_only_tables_are_chunked(card, container, monkeypatch):
    """An attributes-only table is scored in chunks of about ``chunk_accounts`` rows (so its
    working memory is bounded), with the same result as in one piece."""
    import credit_closure._columnar.score as score_module

    rows, _ = attribute_rows(500, seed=4)
    ids = [f"s{i:04d}" for i in range(500)]
    random.Random(1).shuffle(ids)
    table = table_of(rows, ids, "numpy" if container == "numpy" else "pandas")
    if container == "arrow":
        import pyarrow as pa

        table = pa.Table.from_pandas(table.astype(dict.fromkeys(CATEGORIES, "str")))
    sizes: list[int] = []
    real = score_module._prepare

    def counting(*args: Any, **kwargs: Any) -> Any:
        prep = real(*args, **kwargs)
        sizes.append(prep.n)
        return prep

    monkeypatch.setattr(score_module, "_prepare", counting)
    whole = score_columnar(no_accounts(), attributes=table, scorer=card, as_of=AS_OF)
    assert sizes == [500]
    sizes.clear()
    parts = score_columnar(
        no_accounts(), attributes=table, scorer=card, as_of=AS_OF, chunk_accounts=64
    )
    assert len(sizes) == 8 and max(sizes) <= 64 and sum(sizes) == 500
    assert columnar_rows(parts) == columnar_rows(whole)  # the output follows the accounts


def test_problems_found_in_every_chunk_with_table_rows(card):
    """Per-distinct-value checks still name every bad row, in the input's row numbers, when
    the table is cut into chunks; ``True`` next to ``1`` and ``"1"`` is still refused."""
    ids = np.array([f"s{i}" for i in range(10)], dtype=object)
    purpose = np.array(["car", 1, True, "1", "tv", 1.0, "x" * 300, "car", "\ud800", 1], object)
    table = {"subject_id": ids, "purpose": purpose}
    for chunk in (3, 1000):
        with pytest.raises(InvalidInputError) as info:
            score_columnar(
                no_accounts(), attributes=table, scorer=card, as_of=AS_OF, chunk_accounts=chunk
            )
        text = str(info.value)
        assert "attributes.purpose: must be a number or a string (row 2)" in text
        assert "(row 6)" in text and "(row 8)" in text
        assert "row 0" not in text and "row 9" not in text


def test_a_string_for_a_numeric_input_names_its_rows(card):
    ids = np.array([f"s{i}" for i in range(6)], dtype=object)
    duration = np.array([12, "24", 36, None, "x", 48], dtype=object)
    with pytest.raises(InvalidInputError) as info:
        score_columnar(
            no_accounts(),
            attributes={"subject_id": ids, "duration": duration},
            scorer=card,
            as_of=AS_OF,
        )
    assert "must be a number for this model (got string) (rows 1, 4)" in str(info.value)


def test_distinct_values_keep_types_apart():
    """The dictionary path (mixed columns, or no pandas): same type and equal is the same
    value; ``1``, ``1.0``, ``True``, ``"1"`` and ``np.int64(1)`` are five values, and every
    kind of missing value is -1."""
    from credit_closure._columnar.tables import _factorize_values

    values = [1, 1.0, True, "1", np.int64(1), None, float("nan"), 1, "1", decimal.Decimal(1)]
    codes, uniques = _factorize_values(np.array(values, dtype=object))
    assert codes.tolist() == [0, 1, 2, 3, 4, -1, -1, 0, 3, 5]
    assert [type(u) for u in uniques] == [int, float, bool, str, np.int64, decimal.Decimal]
    strings = np.array(["b", None, "a", "b", np.nan], dtype=object)  # the pandas path
    codes, uniques = _factorize_values(strings)
    assert [uniques[c] if c >= 0 else None for c in codes] == ["b", None, "a", "b", None]
    unhashable = np.array([[1], "a", [1]] + [None], dtype=object)[:3]
    codes, uniques = _factorize_values(unhashable)
    assert codes.tolist() == [0, 1, 2] and uniques[1] == "a"


def test_unhashable_attribute_values_are_refused(card):
    ids = np.array(["a", "b", "c"], dtype=object)
    purpose = np.empty(3, dtype=object)
    purpose[:] = ["car", ["car"], {"x": 1}]
    with pytest.raises(InvalidInputError) as info:
        score_columnar(
            no_accounts(),
            attributes={"subject_id": ids, "purpose": purpose},
            scorer=card,
            as_of=AS_OF,
        )
    assert "attributes.purpose: must be a number or a string (rows 1, 2)" in str(info.value)
