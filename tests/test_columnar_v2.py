"""Columnar parity for contract v2 and activity records (issue 14, item 14).

Properties: ``assess()`` equals ``score_columnar`` on the numpy engine and on the compiled
engine, to the last bit, on random contract v2 profiles (``v2_profiles``: histories,
classifications, special transactions, limit history, guarantees, public records) mixed
with v1 profiles carrying activity records; ``profiles_to_tables`` round-trips through
``build_profiles``; Dask and Spark give the same table. Examples: bad v2 input is refused
as ``assess()`` refuses it, naming the table, the row and the month.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import struct
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from strategies import AS_OF, profiles, v2_profiles

from credit_closure import CreditProfile, InvalidInputError, assess
from credit_closure.columnar import (
    OUTPUT_COLUMNS,
    build_profiles,
    profiles_to_tables,
    score_columnar,
)
from credit_closure.columnar import _prepare as prepare

pytestmark = pytest.mark.filterwarnings(
    "ignore::FutureWarning:pyspark", "ignore:The copy keyword:Warning"
)
HAS_NUMBA = importlib.util.find_spec("numba") is not None
ENGINES = ["numpy", "numba"] if HAS_NUMBA else ["numpy"]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # shrinking these batches takes minutes
    print_blob=True,
)

batches = st.lists(
    st.one_of(v2_profiles(max_accounts=5), profiles(max_accounts=5)),
    min_size=1,
    max_size=8,
    unique_by=lambda p: p.subject_id,
)


def _bits(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return struct.pack("<d", float(v))
    return v


def _expected(ps: list[CreditProfile], scorer: str = "rules") -> dict[str, list[Any]]:
    rows = sorted(ps, key=lambda p: p.subject_id)
    out: dict[str, list[Any]] = {c: [] for c in OUTPUT_COLUMNS}
    for p in rows:
        a = assess(p, as_of=AS_OF, scorer=scorer)
        out["subject_id"].append(p.subject_id)
        out["score"].append(a.score)
        out["probability_of_default"].append(a.probability_of_default)
        out["band"].append(a.band)
        out["decision"].append(a.decision)
        for j in range(4):
            out[f"reason_{j + 1}"].append(a.reasons[j].code if j < len(a.reasons) else None)
        out["closure_impact"].append(a.closure_impact)
    return out


def _same(got: dict[str, Any], want: dict[str, list[Any]], label: str) -> None:
    for c in OUTPUT_COLUMNS:
        g = [_bits(v) for v in list(got[c])]
        w = [_bits(v) for v in want[c]]
        assert g == w, f"{label}: column {c} differs"


def _plain(out: Any) -> dict[str, Any]:
    if hasattr(out, "columns") and hasattr(out, "to_numpy"):  # pandas (nulls: None, not NaN)
        return {
            c: out[c].tolist()
            if out[c].dtype == float
            else [None if v is None or v != v else v for v in out[c].tolist()]
            for c in out.columns
        }
    return {c: np.asarray(v).tolist() for c, v in out.items()}


@pytest.mark.parametrize("scorer", ["rules", "logistic"])
@SETTINGS
@given(ps=batches, container=st.sampled_from(["numpy", "pandas"]))
def test_score_columnar_equals_assess_on_v2_and_activity(
    ps: list[CreditProfile], container: str, scorer: str
) -> None:
    if scorer == "logistic":  # the reference scorecard reads numeric attributes of its own
        ps = [attrs.evolve(p, attributes={}) for p in ps]
    tables = profiles_to_tables(ps, container=container)
    want = _expected(ps, scorer)
    for engine in ENGINES:
        out = score_columnar(**tables, as_of=AS_OF, engine=engine, scorer=scorer)
        _same(_plain(out), want, f"{engine}/{container}")


@SETTINGS
@given(ps=batches)
def test_chunked_scoring_equals_assess(ps: list[CreditProfile]) -> None:
    tables = profiles_to_tables(ps, container="numpy")
    want = _expected(ps)
    for engine in ENGINES:
        out = score_columnar(**tables, as_of=AS_OF, engine=engine, chunk_accounts=2)
        _same(_plain(out), want, engine)


def _without_version(d: dict[str, Any]) -> dict[str, Any]:
    """The document without its version, the accounts' ``provider`` (which the long format
    accepts and ignores) and overdue amounts that are all unknown (no row in the
    ``overdue_amounts`` table: they come back absent)."""
    d = dict(d)
    d.pop("contract_version", None)
    d["accounts"] = [
        {
            k: v
            for k, v in a.items()
            if k != "provider" and not (k == "overdue_amounts" and all(x is None for x in v))
        }
        for a in d["accounts"]
    ]
    return d


@SETTINGS
@given(ps=batches)
def test_profiles_to_tables_round_trips(ps: list[CreditProfile]) -> None:
    """build_profiles gives back every profile (the version is inferred from the content:
    a profile declared v2 that uses nothing of v2 comes back as v1)."""
    tables = profiles_to_tables(ps, container="numpy")
    extra = {k: v for k, v in tables.items() if k not in ("accounts", "closures", "inquiries")}
    attrs = extra.pop("attributes")
    prep = prepare(
        tables["accounts"], tables["closures"], tables["inquiries"], attrs, AS_OF, extra=extra
    )
    back = {p.subject_id: p for p in build_profiles(prep)}
    for p in ps:
        if not p.accounts:
            continue  # a subject without accounts has no row in accounts: scored, not rebuilt
        q = back[p.subject_id]
        assert _without_version(q.to_dict()) == _without_version(p.to_dict())
        if any(a.is_v2 for a in p.accounts) or p.guarantees or p.public_records:
            assert q.contract_version == 2


def test_plugin_scorer_gets_the_v2_profile() -> None:
    """The fallback path (a plugin scorer) scores profiles rebuilt with everything."""
    p = CreditProfile.from_dict(_V2_DOC)
    tables = profiles_to_tables([p], container="numpy")
    _Spy.seen.clear()
    out = score_columnar(**tables, as_of=AS_OF, scorer=_Spy())
    assert _without_version(_Spy.seen[0]) == _without_version(p.to_dict())
    assert out["score"].size == 1


class _Spy:
    credit_closure_api = 1
    seen: ClassVar[list[dict[str, Any]]] = []

    def score(self, profile: CreditProfile, as_of: dt.date) -> Any:
        from credit_closure import ScoreResult

        _Spy.seen.append(profile.to_dict())
        return ScoreResult(probability_of_default=0.1)


_V2_DOC: dict[str, Any] = {
    "contract_version": 2,
    "subject_id": "s1",
    "accounts": [
        {
            "account_id": "a1",
            "product": "credit_card",
            "status": "closed",
            "opened_on": "2020-01-01",
            "closed_on": "2025-10-01",
            "credit_limit": 10000,
            "balance": 0,
            "classification": "normal",
            "institution_type": "bank",
            "repayment_history": "N" * 20 + "N12N",
            "history_end": "2025-09-30",
            "overdue_amounts": [None] * 21 + [100, 250, None],
            "special_transactions": [{"kind": "extension", "on": "2025-01-05", "amount": 50}],
            "limit_history": [{"on": "2024-05-01", "limit": 8000, "initiator": "lender_risk"}],
        },
        {"account_id": "a2", "product": "overdraft", "status": "frozen", "credit_limit": 500},
    ],
    "closures": [
        {
            "account_id": "a1",
            "closed_on": "2025-10-01",
            "initiator": "consumer",
            "kind": "line_closure",
        }
    ],
    "inquiries": [{"on": "2025-11-01", "kind": "financing_approval", "institution_type": "bank"}],
    "activity": [{"account_id": "a1", "at": "2025-11-02T08:00:00+08:00", "kind": "transaction"}],
    "guarantees": [{"guarantee_id": "g1", "party": "person", "amount": 1000, "balance": 10}],
    "public_records": [{"kind": "tax_arrears", "on": "2024-01-01", "status": "open"}],
}


def test_v2_document_scores_as_assess() -> None:
    p = CreditProfile.from_dict(_V2_DOC)
    for container in ("numpy", "pandas", "arrow"):
        tables = profiles_to_tables([p], container=container)
        assert set(tables) >= {"activity", "overdue_amounts", "guarantees", "public_records"}
        for engine in ENGINES:
            out = score_columnar(**tables, as_of=AS_OF, engine=engine)
            if container == "arrow":
                out = {c: out.column(c).to_pylist() for c in out.column_names}
            _same(_plain(out), _expected([p]), f"{engine}/{container}")
    a = assess(p, as_of=AS_OF)
    assert a.score == float(score_columnar(**profiles_to_tables([p]), as_of=AS_OF)["score"][0])


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_an_empty_activity_table_is_scored_by_the_kernel(monkeypatch: Any) -> None:
    """A contract v2 batch carries an activity table; without a record in it, the compiled
    engine scores the batch itself (the security features are 0 either way), and only a
    record sends it to the numpy twin."""
    from credit_closure._columnar import engine as E

    p = CreditProfile.from_dict({k: v for k, v in _V2_DOC.items() if k != "activity"})
    tables = profiles_to_tables([p], container="numpy")
    assert "activity" in tables and len(tables["activity"]["subject_id"]) == 0
    want = _expected([p])
    calls: list[int] = []
    real = E._score_rules

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(E, "_score_rules", spy)
    _same(_plain(score_columnar(**tables, as_of=AS_OF, engine="numba")), want, "kernel")
    assert calls == []
    with_records = profiles_to_tables([CreditProfile.from_dict(_V2_DOC)], container="numpy")
    assert len(with_records["activity"]["subject_id"]) == 1
    score_columnar(**with_records, as_of=AS_OF, engine="numba")
    assert calls == [1]


# ------------------------------------------------------------------------------------------
# bad input is refused as assess() refuses it
# ------------------------------------------------------------------------------------------
def _tables(**changes: Any) -> dict[str, Any]:
    p = CreditProfile.from_dict(_V2_DOC)
    t = profiles_to_tables([p], container="numpy")
    for key, value in changes.items():
        table, column = key.split("__")
        t[table] = dict(t[table])
        t[table][column] = value
    return t


def _problems(tables: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInputError) as info:
        score_columnar(**tables, as_of=AS_OF)
    return info.value.problems


def test_bad_symbol_names_row_and_month() -> None:
    h = np.array(["N" * 20 + "NX2N", None], dtype=object)
    problems = _problems(_tables(accounts__repayment_history=h))
    assert problems == [
        (
            "accounts.repayment_history[21]",
            "'X' (month 2025-07) is not a repayment symbol (N*1234567MCGDZB#/) (row 0)",
        )
    ]


def test_history_summary_contradiction_names_month() -> None:
    t = _tables(accounts__worst_dpd_24m=np.array([10.0, np.nan]))
    (path, message), *_ = _problems(t)
    assert path == "accounts.worst_dpd_24m"
    assert "symbol 2 (31 days or more) in 2025-08" in message and message.endswith("(row 0)")


def test_impossible_summary_refused_in_v2_subjects_only() -> None:
    accounts = {
        "subject_id": np.array(["v1", "v2", "v2"], dtype=object),
        "account_id": np.array(["a", "a", "b"], dtype=object),
        "product": np.array(["credit_card", "credit_card", "bnpl"], dtype=object),
        "status": np.array(["open", "open", "open"], dtype=object),
        "worst_dpd_24m": np.array([95.0, 95.0, np.nan]),
        "months_delinquent_24m": np.array([1.0, 1.0, np.nan]),
    }
    problems = _problems({"accounts": accounts})
    assert problems == [
        (
            "accounts.months_delinquent_24m",
            "is 1 but worst_dpd_24m 95 spans at least 3 monthly reports (row 1)",
        )
    ]
    v1_only = {k: v[:1] for k, v in accounts.items()}
    score_columnar(v1_only, as_of=AS_OF)  # v1 keeps accepting it, as assess() does


def test_bad_v2_tables_name_table_and_row() -> None:
    t = _tables()
    t["overdue_amounts"] = dict(t["overdue_amounts"])
    t["overdue_amounts"]["month"] = np.array(["2019-01-01", "2025-08-01"], dtype="datetime64[D]")
    t["activity"] = dict(t["activity"])
    t["activity"]["account_id"] = np.array(["zz"], dtype=object)
    t["guarantees"] = dict(t["guarantees"])
    t["guarantees"]["party"] = np.array(["nobody"], dtype=object)
    problems = dict(_problems(t))
    assert problems["overdue_amounts.month"] == "is not a month of the account's history (row 0)"
    assert problems["activity.account_id"] == "names no account of the subject in accounts (row 0)"
    assert problems["guarantees.party"].endswith("(row 0)")


def test_history_end_and_history_go_together() -> None:
    t = _tables(accounts__history_end=np.array(["NaT", "2025-01-01"], dtype="datetime64[D]"))
    problems = dict(_problems(t))
    assert problems["accounts.history_end"].startswith("is required with repayment_history")
    assert "(row 0)" in problems["accounts.history_end"]


def test_accounts_refuse_the_nested_fields_by_name() -> None:
    t = _tables()
    t["accounts"] = dict(t["accounts"])
    t["accounts"]["overdue_amounts"] = np.array([None, None], dtype=object)
    assert _problems(t) == [
        (
            "accounts.overdue_amounts",
            "is not a column of the long format; it is carried by the overdue_amounts table "
            "(one row per account and month)",
        )
    ]


# ------------------------------------------------------------------------------------------
# Dask and Spark
# ------------------------------------------------------------------------------------------
@pytest.mark.skipif(importlib.util.find_spec("dask") is None, reason="dask not installed")
@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(ps=batches)
def test_dask_equals_assess_on_v2(ps: list[CreditProfile]) -> None:
    from credit_closure.dask import score_dask

    tables = profiles_to_tables(ps, container="pandas")
    out = score_dask(**tables, as_of=AS_OF, npartitions=2).compute().sort_values("subject_id")
    _same(_plain(out.reset_index(drop=True)), _expected(ps), "dask")


def _spark_frame(spark: Any, df: Any) -> Any:
    """A Spark frame of a pandas table: dates as ``datetime.date``, nulls as ``None``;
    all-null optional columns left out (a missing optional column means unknown)."""
    import pandas as pd

    out = df.copy()
    for c in list(out.columns):
        if c != "subject_id" and out[c].isna().all():
            out = out.drop(columns=[c])
        elif str(out[c].dtype).startswith("datetime64"):
            out[c] = [None if pd.isna(v) else v.date() for v in out[c]]
    return spark.createDataFrame(out.astype(object).where(out.notna(), None))


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed")
def test_spark_equals_assess_on_v2(spark: Any) -> None:
    from credit_closure.spark import score_spark

    doc2 = dict(_V2_DOC, subject_id="s2", activity=[])
    ps = [CreditProfile.from_dict(_V2_DOC), CreditProfile.from_dict(doc2)]
    tables = profiles_to_tables(ps, container="pandas")
    frames = {k: _spark_frame(spark, v) for k, v in tables.items() if len(v)}
    out = score_spark(**frames, as_of=AS_OF, num_partitions=2).toPandas()
    out = out.sort_values("subject_id").reset_index(drop=True)
    _same(_plain(out), _expected(ps), "spark")


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed")
@settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(ps=batches)
def test_spark_equals_assess_on_v2_batches(spark: Any, ps: list[CreditProfile]) -> None:
    """The property behind the fixed document above: drawn v2 batches (histories, the extra
    tables, every v2 column) score in Spark exactly as ``assess()`` scores them."""
    from credit_closure.spark import score_spark

    tables = profiles_to_tables(ps, container="pandas")
    assume(len(tables["accounts"]) > 0)  # Spark's reader needs a non-empty accounts frame
    frames = {k: _spark_frame(spark, v) for k, v in tables.items() if len(v)}
    # 4 partitions for a few subjects: empty partitions are part of the property
    out = score_spark(**frames, as_of=AS_OF, num_partitions=4).toPandas()
    out = out.sort_values("subject_id").reset_index(drop=True)
    _same(_plain(out), _expected(ps), "spark")
