"""String ids and enums are checked and coded per distinct value (credit_closure/_columnar/
tables.py: _coded_text, _arrow_enum, _TextIds): the problems, rows included, are those of the
value-by-value reading, in every container (numpy objects, pandas objects, pandas strings,
pyarrow), and the scores those of the same tables with integer ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_closure import AccountStatus, InvalidInputError, ProductType
from credit_closure._columnar import tables as _tables
from credit_closure.columnar import score_columnar

pa = pytest.importorskip("pyarrow")

AS_OF = "2025-06-30"
LONG = "x" * 129
IDS = ["s1", "s2", "s10", "S1", "é", "s\U0001f600", "", LONG, "s\x01", "a\x7f", None, 7]
AIDS = ["a", "b", "a1", "", "c\x00", None]
PRODUCTS = ["credit_card", "installment", "cash_loan", "loan", "Credit_Card", "", None]
STATUSES = ["open", "suspended", "opened", None]


def _problems(accounts: object) -> list[tuple[str, str]]:
    try:
        score_columnar(accounts, as_of=AS_OF)
    except InvalidInputError as exc:
        return exc.problems
    return []


def _reference(columns: dict[str, list[object]], monkeypatch: pytest.MonkeyPatch) -> list:
    """The problems of the value-by-value reading (the coding per distinct value off)."""
    with monkeypatch.context() as m:
        m.setattr(_tables, "_coded_text", lambda t, c: None)
        m.setattr(_tables, "_arrow_strings", lambda t, c: None)
        return _problems({k: np.array(v, dtype=object) for k, v in columns.items()})


def _containers(columns: dict[str, list[object]]) -> dict[str, object]:
    out: dict[str, object] = {
        "numpy object": {k: np.array(v, dtype=object) for k, v in columns.items()},
        "numpy object in pandas": pd.DataFrame(
            {k: pd.Series(v, dtype=object) for k, v in columns.items()}
        ),
    }
    texts = [v for col in columns.values() for v in col if v is not None]
    if all(isinstance(v, str) for v in texts) and all(
        not any(0xD800 <= ord(ch) <= 0xDFFF for ch in v) for v in texts
    ):
        out["pandas python strings"] = pd.DataFrame(
            {k: pd.Series(v, dtype=pd.StringDtype("python")) for k, v in columns.items()}
        )
        out["pandas arrow strings"] = pd.DataFrame(
            {k: pd.Series(v, dtype=pd.StringDtype("pyarrow")) for k, v in columns.items()}
        )
        out["pyarrow"] = pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
        out["pyarrow dictionary"] = pa.table(
            {k: pa.array(v, type=pa.string()).dictionary_encode() for k, v in columns.items()}
        )
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(IDS),
            st.sampled_from(AIDS),
            st.sampled_from(PRODUCTS),
            st.sampled_from(STATUSES),
        ),
        min_size=1,
        max_size=25,
    ),
    good_ids=st.booleans(),
)
def test_problems_equal_value_by_value(rows, good_ids, monkeypatch):
    """Random good and bad ids and enum values: every container reports the problems,
    rows included, that reading value by value reports (half the examples with good ids
    only, so that the enums are checked too)."""
    columns = {
        name: [r[i] for r in rows]
        for i, name in enumerate(("subject_id", "account_id", "product", "status"))
    }
    if good_ids:
        columns["subject_id"] = [IDS[i % 6] for i in range(len(rows))]
        columns["account_id"] = [f"a{i}" for i in range(len(rows))]
    expected = _reference(columns, monkeypatch)
    for name, table in _containers(columns).items():
        assert _problems(table) == expected, name


def _choices(kind: type) -> str:
    return ", ".join(m.value for m in kind)  # every code, v2 ones included, in enum order


def test_known_problems():
    """The messages and rows of the usual bad ids and enum values."""
    columns = {
        "subject_id": ["s1", None, "", LONG, "s\x01", "s2", "s2", 7],
        "account_id": ["a", "a", "a", "a", "a", "a", None, "b"],
        "product": ["credit_card"] * 8,
        "status": ["open"] * 8,
    }
    assert _problems({k: np.array(v, dtype=object) for k, v in columns.items()}) == [
        ("accounts.subject_id", "is missing (row 1)"),
        (
            "accounts.subject_id",
            "must be a non-empty string of at most 128 characters (rows 2, 3, 7)",
        ),
        (
            "accounts.subject_id",
            "must not contain control characters (U+0000-U+001F, U+007F-U+009F) (row 4)",
        ),
        ("accounts.account_id", "is missing (row 6)"),
    ]
    columns = {
        "subject_id": ["s1", "s2", "s3", "s4"],
        "account_id": ["a", "a", "a", "a"],
        "product": ["credit_card", "loan", None, "loan"],
        "status": ["open", "open", "open", "closed?"],
    }
    for name, table in _containers(columns).items():
        assert _problems(table) == [
            ("accounts.product", "is missing (row 2)"),
            (
                "accounts.product",
                f"is not one of: {_choices(ProductType)} (rows 1, 3)",
            ),
            (
                "accounts.status",
                f"is not one of: {_choices(AccountStatus)} (row 3)",
            ),
        ], name


def test_string_ids_sorted_as_python_sorts_them():
    """Subjects come out in Python's order of their ids (code points), whatever the
    container; the same scores as integer ids."""
    ids = ["b", "a", "é", "B", "a\U0001f600", "ab", "a b", "Z", "10", "9"]
    n = len(ids)
    columns = {
        "subject_id": ids,
        "account_id": ["x"] * n,
        "product": ["credit_card"] * n,
        "status": ["open"] * n,
    }
    by_int = {
        "subject_id": np.arange(n, dtype=np.int64),
        "account_id": np.zeros(n, dtype=np.int64),
        "product": np.array(columns["product"], dtype=object),
        "status": np.array(columns["status"], dtype=object),
        "credit_limit": np.linspace(1000.0, 9000.0, n),
        "balance": np.linspace(900.0, 100.0, n),
    }
    ref = score_columnar(by_int, as_of=AS_OF)
    columns["credit_limit"] = list(by_int["credit_limit"])
    columns["balance"] = list(by_int["balance"])
    for name, table in _containers(columns).items():
        if name.startswith("pyarrow"):
            table = table.set_column(  # numbers as numbers
                table.column_names.index("credit_limit"),
                "credit_limit",
                pa.array(by_int["credit_limit"]),
            ).set_column(
                table.column_names.index("balance"), "balance", pa.array(by_int["balance"])
            )
        elif name != "numpy object":
            table = table.astype({"credit_limit": float, "balance": float})
        else:
            table = {**table, "credit_limit": by_int["credit_limit"], "balance": by_int["balance"]}
        out = score_columnar(table, as_of=AS_OF)
        got = list(out["subject_id"])
        assert got == sorted(ids), name
        order = [ids.index(s) for s in got]
        assert list(np.asarray(out["score"])) == list(np.asarray(ref["score"])[order]), name
