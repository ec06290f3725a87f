"""Reading and checking the long tables (:mod:`credit_closure._columnar.tables`): hostile cells,
bad shapes and bad types are refused with InvalidInputError."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import pytest
from _helpers import AS_OF

from credit_closure import (
    CreditProfile,
    InvalidInputError,
)

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
