"""Reading and checking the long tables (:mod:`credit_closure._columnar.tables`): hostile cells,
bad shapes and bad types are refused with InvalidInputError; missing, unknown and badly typed
columns, bad values and dates are named with their rows, on both engines (``TestInvalidInput``;
the model's cross-field rules are in test_prepare.py)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _helpers import AS_OF, PORTFOLIO_AS_OF, columnar_problems, long_accounts

from credit_closure import (
    CreditProfile,
    InvalidInputError,
)
from credit_closure.columnar import score_columnar

# --------------------------------------------------------------------------------------
# Columnar scoring: hostile cells in the long tables
# --------------------------------------------------------------------------------------
_HOSTILE_CELLS: dict[str, Any] = {
    "null": None,
    "bool": True,
    "int": 5,
    "huge-int": 10**30,
    "float": 2.5,
    "nan": float("nan"),
    "inf": float("inf"),
    "negative": -3,
    "text": "x",
    "empty": "",
    "feb-30": "2025-02-30",
    "future-date": dt.date(2026, 1, 1),
    "bytes": b"x",
}


_ENUM_COLUMNS = [
    ("accounts", "product"),
    ("accounts", "status"),
    ("closures", "initiator"),
    ("closures", "reason"),
    ("closures", "termination"),
    ("inquiries", "kind"),
]


@functools.lru_cache(maxsize=1)
def _column_tables() -> dict[str, Any]:
    from credit_closure.columnar import profiles_to_tables
    from credit_closure.synth import generate_portfolio

    ps = [
        CreditProfile.from_dict(dict(p.to_dict(), activity=[]))
        for p in generate_portfolio(12, seed=2, as_of=AS_OF).profiles
    ]
    return profiles_to_tables(ps, container="numpy")


def _tables_with(table: str, column: str, change: Callable[[Any], Any]) -> dict[str, Any]:
    base = _column_tables()
    out = {
        k: ({c: a.copy() for c, a in t.items()} if t is not None else None) for k, t in base.items()
    }
    out[table][column] = change(out[table][column])
    return out


def _score_tables(t: dict[str, Any]) -> Any:
    from credit_closure.columnar import score_columnar

    return score_columnar(
        t["accounts"], t["closures"], t["inquiries"], t["attributes"], as_of=AS_OF
    )


def _one_cell(value: Any) -> Callable[[Any], Any]:
    def change(arr: Any) -> Any:
        arr = arr.astype(object)
        arr[0] = value
        return arr

    return change


class TestHostileCells:
    """score_columnar refuses hostile table cells with InvalidInputError, nothing else."""

    def test_valid_tables_score(self) -> None:
        """Sanity: the unmodified tables score, one row per subject."""
        out = _score_tables(_column_tables())
        assert len(out["subject_id"]) == 12

    @pytest.mark.parametrize("label", sorted(_HOSTILE_CELLS))
    def test_hostile_cell_in_every_column(self, label: str) -> None:
        """One hostile value in any column of any table: a result or InvalidInputError."""
        base = _column_tables()
        refused = 0
        for table, cols in base.items():
            if cols is None:
                continue
            for column in cols:
                try:
                    _score_tables(_tables_with(table, column, _one_cell(_HOSTILE_CELLS[label])))
                except InvalidInputError as exc:
                    refused += 1
                    assert type(exc) is InvalidInputError and exc.problems
        if label not in ("int", "float"):  # a number is fine in many columns, not in all
            assert refused > 0

    @pytest.mark.parametrize("table, column", _ENUM_COLUMNS)
    def test_unhashable_cell_in_enum_column(self, table: str, column: str) -> None:
        """A list cell in an enum column is refused with InvalidInputError."""
        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, _one_cell([1])))

    @pytest.mark.parametrize(
        "table, column",
        [
            ("accounts", "subject_id"),
            ("accounts", "account_id"),
            ("accounts", "balance"),
            ("accounts", "opened_on"),
            ("closures", "closed_on"),
            ("inquiries", "on"),
        ],
    )
    def test_two_dimensional_column(self, table: str, column: str) -> None:
        """A 2-D array as a column is refused with InvalidInputError."""
        import numpy as np

        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, lambda a: np.stack([a, a], axis=1)))

    @pytest.mark.parametrize("table", ["accounts", "closures", "inquiries", "attributes"])
    def test_short_column(self, table: str) -> None:
        """A column one row shorter than the others is refused with InvalidInputError."""
        cols = _column_tables()[table]
        column = sorted(c for c in cols if c != "subject_id")[0]
        with pytest.raises(InvalidInputError):
            _score_tables(_tables_with(table, column, lambda a: a[:-1]))


@pytest.mark.usefixtures("engine")
class TestInvalidInput:
    """score_columnar refuses bad long tables with one InvalidInputError naming every column
    and its rows, on both engines (the ``engine`` fixture of conftest.py)."""

    def test_missing_and_unknown_columns(self):
        """A missing required column and an unknown column are both reported."""
        acc = long_accounts()
        del acc["status"]
        acc["colour"] = np.array(["r", "g", "b"], dtype=object)
        probs = columnar_problems(acc)
        assert ("accounts.status", "is a required column and is missing") in probs
        assert ("accounts.colour", "is not a column of the long format") in probs

    def test_bad_enum_names_rows(self):
        """An unknown enum value names the column and the rows."""
        probs = columnar_problems(
            long_accounts(product=np.array(["credit_card", "loan", "loan"], dtype=object))
        )
        assert probs[0][0] == "accounts.product" and "(rows 1, 2)" in probs[0][1]

    def test_bad_values(self):
        """Non-finite and negative amounts, bad dates and late dates each name their rows."""
        probs = columnar_problems(
            long_accounts(
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

    def test_activity_and_bad_container(self):
        """An activity table and a non-table are refused with InvalidInputError."""
        with pytest.raises(InvalidInputError, match="activity"):
            score_columnar(long_accounts(), as_of=PORTFOLIO_AS_OF, activity={"subject_id": []})
        assert columnar_problems([1, 2, 3])[0][0] == "accounts"

    def test_unhashable_enum_cell(self):
        """A list or dict in an enum column is refused, naming the rows."""
        product = np.array(["credit_card", ["x"], {"a": 1}], dtype=object)
        assert columnar_problems(long_accounts(product=product)) == [
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
        probs = dict(columnar_problems(long_accounts(), None, None, attributes))
        assert probs["attributes.flag"] == "must hold numbers or strings (got booleans)"
        assert probs["attributes.ratio"] == "must be a finite number (row 1)"
        assert probs["attributes.note"] == "is longer than 256 characters (row 1)"
        assert probs["attributes.mixed"] == "must be a number or a string (row 0)"
        assert probs["attributes.big"].startswith("is too large an integer")

    def test_out_of_range_numbers_and_ids(self):
        """Python ints beyond the float range, complex numbers and unsigned ids of 2**63 or
        more are refused with their rows, never a raw error or a wrapped id."""
        probs = dict(
            columnar_problems(long_accounts(balance=np.array([10**400, 5, 1], dtype=object)))
        )
        assert (
            probs["accounts.balance"].startswith("must be at most")
            and "(row 0)" in probs["accounts.balance"]
        )
        acc = pd.DataFrame(long_accounts())
        acc["credit_limit"] = np.array([1 + 2j, 3, 4], dtype=complex)
        assert (
            dict(columnar_problems(acc))["accounts.credit_limit"]
            == "must hold real numbers (got dtype complex128)"
        )
        ids = long_accounts(subject_id=np.array([2**63, 2**63, 5], dtype=np.uint64))
        assert (
            dict(columnar_problems(ids))["accounts.subject_id"]
            == "must be an integer below 2**63 (rows 0, 1)"
        )

    def test_wrong_dtype(self):
        """Numbers where dates belong, and strings where numbers belong, are reported."""
        probs = dict(
            columnar_problems(
                long_accounts(
                    opened_on=np.array([1, 2, 3]),
                    credit_limit=np.array(["1", "2", "3"], dtype=object),
                )
            )
        )
        assert "must hold dates" in probs["accounts.opened_on"]
        assert "must be a number" in probs["accounts.credit_limit"]

    def test_nanosecond_dates(self, engine):
        """pandas datetime64[ns] columns: whole days pass, a time of day and an early date
        are each reported with their rows, on both engines."""
        acc = pd.DataFrame(long_accounts())
        acc["opened_on"] = pd.to_datetime(
            ["2020-01-01 00:00", "2020-01-01 12:00", "1850-03-01 00:00"]
        ).astype("datetime64[ns]")
        probs = columnar_problems(acc)
        assert ("accounts.opened_on", "must be whole days (it has a time of day) (row 1)") in probs
        assert any(
            p == "accounts.opened_on" and m.startswith("is before") and m.endswith("(row 2)")
            for p, m in probs
        )
        acc["opened_on"] = pd.to_datetime(["2020-01-01"] * 3).astype("datetime64[ns]")
        good = score_columnar(acc, as_of=PORTFOLIO_AS_OF)
        ref = score_columnar(long_accounts(), as_of=PORTFOLIO_AS_OF)
        assert good["score"].tolist() == ref["score"].tolist()
