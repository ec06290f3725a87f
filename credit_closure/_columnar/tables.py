"""Reading and checking the long tables: the input side of columnar scoring.

The column readers (:func:`_ids`, :func:`_enum`, :func:`_dates`, :func:`_numbers`, over
pandas, pyarrow or dicts of numpy arrays through :class:`_Table`; the format is documented in
:mod:`credit_closure.columnar`) turn each column into integer codes, day numbers or floats,
collecting every problem (:class:`_Problems`, with the input's row numbers) before raising one
:class:`~credit_closure.InvalidInputError`. The checks are those of the JSON contract
(:mod:`credit_closure._contract.model`), vectorised: a table that passes scores exactly as the
profiles built from it would through ``assess``. :mod:`credit_closure._columnar.prepare`
(:func:`~credit_closure._columnar.prepare._prepare`) puts the columns together.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from types import MappingProxyType, ModuleType
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import ENUM_CODES, day_number

# _distinct and _has_refused_character stay importable from here, where they were defined
from credit_closure._columnar.text import (  # noqa: F401
    _arrow_codes,
    _arrow_enum,
    _arrow_id_flags,
    _arrow_strings,
    _coded_text,
    _distinct,
    _has_refused_character,
    _id_text_flags,
    _IdColumn,
    _merge_text_ids,
    _report_id_flags,
    _TextIds,
)
from credit_closure._contract.attributes import _valid_name
from credit_closure._contract.checks import (
    _SURROGATE_RE,
    SURROGATE_MESSAGE,
    _key_path,
    _Refused,
    _to_date,
    _to_number,
)
from credit_closure._contract.model import HARD_INQUIRY_KINDS, Limits
from credit_closure._scoring.reasons import REASONS
from credit_closure.exceptions import InvalidInputError

#: The output columns, in order.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "subject_id",
    "score",
    "probability_of_default",
    "band",
    "decision",
    "reason_1",
    "reason_2",
    "reason_3",
    "reason_4",
    "closure_impact",
)

#: Reason code -> ``(en, zh)`` texts of the built-in catalog, for the ``reason_*`` columns.
REASON_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(dict(REASONS))

#: The columns each input table may have (``attributes`` takes any column besides these).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "subject_id",
        "account_id",
        "product",
        "status",
        "provider",
        "opened_on",
        "closed_on",
        "credit_limit",
        "balance",
        "worst_dpd_24m",
        "months_delinquent_24m",
        "max_consecutive_delinquent_24m",
        # ---- contract v2 (credit_closure._columnar.v2) ----
        "classification",
        "liability",
        "institution_type",
        "current_overdue_amount",
        "current_overdue_periods",
        "first_delinquency_on",
        "last_payment_on",
        "repayment_history",
        "history_end",
    ),
    "closures": (
        "subject_id",
        "account_id",
        "closed_on",
        "initiator",
        "reason",
        "termination",
        "balance_at_closure",
        "limit_at_closure",
        "worst_dpd_6m_before",
        "kind",  # contract v2
    ),
    "inquiries": ("subject_id", "on", "kind", "institution_type"),
    "attributes": ("subject_id",),
    # ---- activity records and the contract v2 tables (credit_closure._columnar.v2) ----
    "activity": ("subject_id", "account_id", "at", "kind"),
    "overdue_amounts": ("subject_id", "account_id", "month", "amount"),
    "special_transactions": ("subject_id", "account_id", "kind", "on", "amount", "months"),
    "limit_history": ("subject_id", "account_id", "on", "limit", "initiator"),
    "guarantees": (
        "subject_id",
        "guarantee_id",
        "party",
        "amount",
        "balance",
        "classification",
        "status",
        "institution_type",
        "opened_on",
        "ends_on",
        "overdue_amount",
    ),
    "public_records": ("subject_id", "kind", "on", "amount", "status"),
}
#: The tables besides the four of contract v1, in the order of :func:`score_columnar`'s
#: keyword arguments.
EXTRA_TABLES: tuple[str, ...] = (
    "activity",
    "overdue_amounts",
    "special_transactions",
    "limit_history",
    "guarantees",
    "public_records",
)
_REQUIRED = {
    "accounts": ("subject_id", "account_id", "product", "status"),
    "closures": ("subject_id", "account_id", "closed_on"),
    "inquiries": ("subject_id", "on", "kind"),
    "attributes": ("subject_id",),
    "activity": ("subject_id", "account_id", "at", "kind"),
    "overdue_amounts": ("subject_id", "account_id", "month"),
    "special_transactions": ("subject_id", "account_id", "kind", "on"),
    "limit_history": ("subject_id", "account_id", "on", "limit"),
    "guarantees": ("subject_id", "guarantee_id", "party"),
    "public_records": ("subject_id", "kind", "on"),
}
_MAX_ROWS_SHOWN = 5

#: Fields of the JSON contract kept elsewhere in the long format, with where.
_MOVED_COLUMNS: dict[str, dict[str, str]] = {
    "accounts": {
        "overdue_amounts": "the overdue_amounts table (one row per account and month)",
        "special_transactions": "the special_transactions table",
        "limit_history": "the limit_history table",
    },
}


def _compiled() -> ModuleType:
    """The compiled helpers' module (:mod:`credit_closure._columnar.compiled`), imported on
    first use: it imports numba, which the numpy engine never needs."""
    from credit_closure._columnar import compiled

    return compiled


_FLOAT_MAX_INT = 2**1023  # Python ints above this do not fit a float
_FINE_UNITS = ("D", "h", "m", "s", "ms", "us", "ns")  # datetime64 units a day is a whole number of
_HARD_KIND = np.zeros(len(ENUM_CODES["kind"]), dtype=bool)
_HARD_KIND[[ENUM_CODES["kind"][k.value] for k in HARD_INQUIRY_KINDS]] = True
_MIN_DAY = day_number(Limits.MIN_DATE)


# ------------------------------------------------------------------------------------------
# Reading tables
# ------------------------------------------------------------------------------------------
class _Problems:
    """Problems found so far; row problems keep their row numbers (mapped back to the input
    tables' rows when a chunk of them is being checked) and are formatted at the end."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[np.ndarray] | None] = {}
        self.row_map: dict[str, np.ndarray] = {}
        self.count = 0  # problems reported so far, repeats included

    def rows(
        self,
        table: str,
        column: str,
        bad: np.ndarray,
        message: str,
        row_numbers: np.ndarray | None = None,
    ) -> None:
        """Report rows where ``bad`` holds; the message names the first few row numbers."""
        idx = np.flatnonzero(bad)
        if idx.size == 0:
            return
        if row_numbers is not None:
            idx = row_numbers[idx]
        mapping = self.row_map.get(table)
        if mapping is not None:
            idx = mapping[idx]
        found = self.found.setdefault((f"{table}.{column}", message), [])
        if found is not None:
            found.append(idx)
        self.count += 1

    def add(self, path: str, message: str) -> None:
        self.found.setdefault((path, message), None)
        self.count += 1

    def merge(self, other: _Problems) -> None:
        """Add the problems ``other`` found (a chunk checked on its own, its rows mapped
        already), as if they had been reported here in the same order."""
        for key, rows in other.found.items():
            found = self.found.setdefault(key, None if rows is None else [])
            if found is not None and rows is not None:
                found.extend(rows)
        self.count += other.count

    @property
    def items(self) -> list[tuple[str, str]]:
        out = []
        for (path, message), rows in self.found.items():
            if rows is None:
                out.append((path, message))
                continue
            idx = np.unique(np.concatenate(rows))
            shown = ", ".join(str(int(i)) for i in idx[:_MAX_ROWS_SHOWN])
            more = f" and {idx.size - _MAX_ROWS_SHOWN} more" if idx.size > _MAX_ROWS_SHOWN else ""
            noun = "row" if idx.size == 1 else "rows"
            out.append((path, f"{message} ({noun} {shown}{more})"))
        return out

    def raise_if(self, since: int = 0) -> None:
        """Raise every problem when any was reported after the count ``since``."""
        if self.count > since:
            raise InvalidInputError(self.items, what="columnar input")


def _kind(table: Any) -> str:
    module = type(table).__module__.split(".")[0]
    if module == "pandas" and hasattr(table, "columns"):
        return "pandas"
    if module == "pyarrow" and hasattr(table, "column_names"):
        return "arrow"
    if isinstance(table, Mapping):
        return "numpy"
    return "unknown"


class _Table:
    """Uniform column access over pandas, pyarrow and dicts of arrays."""

    def __init__(self, name: str, table: Any, problems: _Problems) -> None:
        self.name = name
        self.kind = _kind(table)
        self.table = table
        self.ok = True
        #: attribute column -> (per-row value codes, distinct values): see _value_codes
        self.value_codes: dict[str, tuple[np.ndarray, list[Any]]] = {}
        if self.kind == "unknown":
            problems.add(
                name,
                "must be a pandas DataFrame, a pyarrow Table or a dict of numpy "
                f"arrays (got {type(table).__name__})",
            )
            self.ok = False
            self.columns: list[str] = []
            self.n = 0
            return
        if self.kind == "pandas":
            self.columns = [str(c) for c in table.columns]
            self.n = len(table)
        elif self.kind == "arrow":
            self.columns = list(table.column_names)
            self.n = table.num_rows
        else:
            self.columns = [str(c) for c in table]
            lengths = {len(np.asarray(v)) if np.ndim(v) == 1 else -1 for v in table.values()}
            if len(lengths) > 1 or -1 in lengths:
                problems.add(name, "columns must be one-dimensional arrays of equal length")
                self.ok = False
                self.n = 0
                return
            self.n = lengths.pop() if lengths else 0
        if len(set(self.columns)) != len(self.columns):
            problems.add(name, "has duplicate column names")
            self.ok = False
        missing = [c for c in _REQUIRED[name] if c not in self.columns]
        for c in missing:
            problems.add(f"{name}.{c}", "is a required column and is missing")
            self.ok = False
        if name != "attributes":
            unknown = [c for c in self.columns if c not in TABLE_COLUMNS[name]]
            for c in unknown:
                moved = _MOVED_COLUMNS.get(name, {}).get(c)
                if moved is not None:
                    problems.add(
                        _key_path(name, c),
                        f"is not a column of the long format; it is carried by {moved}",
                    )
                else:
                    problems.add(_key_path(name, c), "is not a column of the long format")
            if unknown:
                self.ok = False

    def has(self, column: str) -> bool:
        return column in self.columns

    def raw(self, column: str) -> Any:
        """The column as pandas Series, or numpy array (pyarrow and dict input)."""
        if self.kind == "pandas":
            return self.table[column]
        if self.kind == "arrow":
            import pyarrow as pa

            col = self.table.column(column)
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                return np.asarray(col.to_pylist(), dtype=object)
            return col.to_numpy(zero_copy_only=False)
        return np.asarray(self.table[column])


def _is_series(x: Any) -> bool:
    return type(x).__module__.split(".")[0] == "pandas"


def _missing_mask(arr: np.ndarray) -> np.ndarray:
    """Nulls in an object array: None, NaN, NaT, pandas NA."""
    mask: np.ndarray  # annotated: numpy's stubs give Any for an array of unknown dtype
    if arr.dtype.kind != "O":
        if arr.dtype.kind in "fc":
            mask = np.isnan(arr)
        elif arr.dtype.kind in "mM":
            mask = np.isnat(arr)
        else:
            mask = np.zeros(arr.shape, dtype=bool)
        return mask
    try:
        import pandas as pd

        return np.asarray(pd.isna(arr), dtype=bool)
    except ImportError:  # pragma: no cover - pandas is in every extra that uses this module
        return np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in arr),
            dtype=bool,
            count=arr.size,
        )


def _factorize(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for missing) and sorted uniques of ``arr``."""
    if arr.dtype.kind in "iu":
        if arr.size and np.all(arr[1:] >= arr[:-1]):
            change = np.r_[True, arr[1:] != arr[:-1]]
            return np.cumsum(change) - 1, arr[change]
        uniques, codes = np.unique(arr, return_inverse=True)
        return codes.reshape(-1), uniques
    try:
        import pandas as pd

        codes, uniques = pd.factorize(arr, sort=True)
        return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)
    except ImportError:  # pragma: no cover
        miss = _missing_mask(arr)
        codes = np.full(arr.size, -1, dtype=np.int64)
        uniques, inv = np.unique(arr[~miss].astype(str), return_inverse=True)
        codes[~miss] = inv
        return codes, uniques.astype(object)


def _subject_codes(sids: Mapping[str, _IdColumn]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Subject index of every row of every table, and the sorted subject ids."""
    if any(isinstance(v, _TextIds) for v in sids.values()):
        names = list(sids)
        coded, subjects = _merge_text_ids([sids[k] for k in names], sort=True)  # type: ignore[misc]
        return dict(zip(names, coded)), subjects
    ints = {k: v for k, v in sids.items() if isinstance(v, np.ndarray)}  # all of them here
    codes_a, subjects = _factorize(ints["accounts"])
    g = {"accounts": codes_a}
    others = [k for k in sids if k != "accounts"]
    if subjects.dtype.kind in "iu" and subjects.size:
        # integer ids: look the other tables up in the accounts' ids (no global sort); with a
        # table indexed by id when the ids are dense enough, else by binary search
        lo_id, hi_id = int(subjects[0]), int(subjects[-1])
        lut = None
        if hi_id - lo_id < 4 * subjects.size + 1024:
            lut = np.full(hi_id - lo_id + 1, -1, dtype=np.int64)
            lut[subjects - lo_id] = np.arange(subjects.size)
        pos = {}
        for k in others:
            v = ints[k]
            if lut is not None:
                if v.size and (int(v.min()) < lo_id or int(v.max()) > hi_id):
                    break
                p = lut[v - lo_id]
                if p.size and p.min() < 0:
                    break
            else:
                p = np.minimum(np.searchsorted(subjects, v), subjects.size - 1)
                if not np.array_equal(subjects[p], v):
                    break
            pos[k] = p
        else:
            g.update(pos)
            return g, subjects
    if not others:
        return g, subjects
    everything = np.concatenate([ints["accounts"]] + [ints[k] for k in others])
    codes, subjects = _factorize(everything)
    bounds = np.cumsum([0, ints["accounts"].size] + [ints[k].size for k in others])
    for i, k in enumerate(["accounts"] + others):
        g[k] = codes[bounds[i] : bounds[i + 1]]
    return g, subjects


def _account_codes(
    aid_a: _IdColumn, aid_c: _IdColumn | None, n_subjects: int
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, int]:
    """Account-id codes for the accounts and closures tables, the id of each code, and the
    width that makes ``subject * width + code`` a unique key."""
    if isinstance(aid_a, _TextIds) or isinstance(aid_c, _TextIds):
        cols = [aid_a] if aid_c is None else [aid_a, aid_c]
        coded, uniques = _merge_text_ids(cols, sort=False)  # type: ignore[arg-type]
        width = max(int(uniques.size), 1)
        return coded[0], (coded[1] if aid_c is not None else None), uniques, width
    if aid_a.dtype.kind in "iu" and (aid_c is None or aid_c.dtype.kind in "iu") and aid_a.size:
        lo = int(aid_a.min())
        hi = int(aid_a.max())
        if aid_c is not None and aid_c.size:
            lo, hi = min(lo, int(aid_c.min())), max(hi, int(aid_c.max()))
        width = hi - lo + 1
        if width * max(n_subjects, 1) < 2**62:
            ids = np.arange(lo, hi + 1, dtype=np.int64)
            return (aid_a - lo, None if aid_c is None else aid_c - lo, ids, width)
    if aid_c is not None:
        codes, uniques = _factorize(np.concatenate([aid_a, aid_c]))
        return codes[: aid_a.size], codes[aid_a.size :], uniques, max(int(uniques.size), 1)
    codes, uniques = _factorize(aid_a)
    return codes, None, uniques, max(int(uniques.size), 1)


def _ids(t: _Table, column: str, p: _Problems) -> _IdColumn | None:
    """An id column, checked: integers (int64), or string ids coded once (:class:`_TextIds`;
    checked per distinct id, the problems mapped back to every row that holds it)."""
    arrow = _arrow_strings(t, column)
    coded = _arrow_codes(arrow, python=False) if arrow is not None else _coded_text(t, column)
    if coded is not None:
        codes, uniques = coded
        p.rows(t.name, column, codes < 0, "is missing")
        if arrow is not None:
            flags = _arrow_id_flags(uniques)
        else:
            flags = _id_text_flags(uniques.tolist())
        _report_id_flags(t.name, column, flags, lambda per_id: np.append(per_id, False)[codes], p)
        return _TextIds(codes, uniques)
    raw = t.raw(column)
    arr: np.ndarray = raw.to_numpy() if _is_series(raw) else raw
    if arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.size and int(arr.max()) >= 2**63:
            p.rows(t.name, column, arr >= np.uint64(2**63), "must be an integer below 2**63")
            return None
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "U":
        arr = arr.astype(object)
    if arr.dtype.kind != "O":
        p.add(f"{t.name}.{column}", f"must hold strings or integers (got dtype {arr.dtype})")
        return None
    # strings that could not be coded (a cell that cannot be hashed): value by value
    miss = _missing_mask(arr)
    p.rows(t.name, column, miss, "is missing")
    present = np.flatnonzero(~miss)
    flags = _id_text_flags(arr[present].tolist())
    _report_id_flags(t.name, column, flags, lambda per_value: per_value, p, present)
    return arr


def _enum(
    t: _Table,
    column: str,
    mapping: Mapping[str, int],
    p: _Problems,
    *,
    required: bool,
    default: int,
) -> np.ndarray | None:
    """Enum codes (int8); ``default`` where missing and allowed."""
    if not t.has(column):
        return np.full(t.n, default, dtype=np.int8)
    raw = t.table[column] if t.kind == "pandas" else None
    if raw is not None and str(raw.dtype) == "category":
        codes = raw.array.codes  # int8/int16/..., -1 for missing
        cats = np.asarray(raw.array.categories, dtype=object)
    elif (arrow := _arrow_strings(t, column)) is not None:
        return _arrow_enum(t, column, arrow, mapping, p, required=required, default=default)
    elif (coded := _coded_text(t, column)) is not None:  # strings: looked up per distinct value
        codes, cats = coded
    else:
        raw = t.raw(column)
        arr = raw.to_numpy(dtype=object) if _is_series(raw) else raw
        if arr.dtype.kind == "U":
            arr = arr.astype(object)
        if arr.dtype.kind != "O":
            p.add(f"{t.name}.{column}", f"must hold strings (got dtype {arr.dtype})")
            return None
        try:
            codes, cats = _factorize(arr)
        except TypeError:  # unhashable cells (lists, dicts): find and report them
            miss = _missing_mask(arr)
            bad = np.fromiter(
                (not m and not isinstance(v, str) for v, m in zip(arr, miss)),
                dtype=bool,
                count=arr.size,
            )
            p.rows(t.name, column, bad, "must be a string")
            return None
    lookup = np.array(
        [mapping.get(c, -2) if isinstance(c, str) else -2 for c in cats] + [default], dtype=np.int8
    )
    out: np.ndarray = lookup[codes]  # code -1 (missing) takes the last entry: default
    if required:
        p.rows(t.name, column, codes < 0, "is missing")
    if (lookup[:-1] == -2).any():
        p.rows(t.name, column, out == -2, f"is not one of: {', '.join(mapping)}")
    return out


def _dates(
    t: _Table, column: str, p: _Problems, *, required: bool, as_day: int, compiled: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """Day numbers (int64) and a known mask."""
    if not t.has(column):
        return np.zeros(t.n, dtype=np.int64), np.zeros(t.n, dtype=bool)
    raw = t.raw(column)
    arr = raw.to_numpy() if _is_series(raw) else raw
    path = f"{t.name}.{column}"
    if arr.dtype.kind == "M" and compiled:
        unit, count = np.datetime_data(arr.dtype)
        if unit in _FINE_UNITS:
            per_day = int(
                np.timedelta64(1, "D").astype(f"timedelta64[{count}{unit}]").astype(np.int64)
            )
            num, known, flags = _compiled().ticks_to_days(
                np.ascontiguousarray(arr).view(np.int64), per_day, _MIN_DAY, as_day
            )
            if flags.any():
                p.rows(
                    t.name, column, (flags & 1) != 0, "must be whole days (it has a time of day)"
                )
                p.rows(t.name, column, (flags & 2) != 0, f"is before {Limits.MIN_DATE.isoformat()}")
                p.rows(t.name, column, (flags & 4) != 0, "is after the assessment date")
            if required:
                p.rows(t.name, column, ~known, "is missing")
            return num, known
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]")
        if np.datetime_data(arr.dtype)[0] not in ("D", "W", "M", "Y"):
            p.rows(
                t.name,
                column,
                ~np.isnat(arr) & (days.astype(arr.dtype) != arr),
                "must be whole days (it has a time of day)",
            )
    elif arr.dtype.kind in "UO":
        arr = arr.astype(object)
        miss = _missing_mask(arr)
        days = np.full(arr.size, np.datetime64("NaT"), dtype="datetime64[D]")
        bad = np.zeros(arr.size, dtype=bool)
        refused: dict[int, str] = {}
        for i in np.flatnonzero(~miss):  # object columns are parsed value by value
            v = arr[i]
            if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
                try:
                    days[i] = np.datetime64(_dt.date.fromisoformat(v), "D")
                    continue
                except ValueError:
                    pass
            elif not isinstance(v, str):  # the contract's one rule for dates
                d = _to_date(v)
                if isinstance(d, _Refused):
                    refused[int(i)] = d.message
                    continue
                if isinstance(d, _dt.date) and not isinstance(d, _dt.datetime):
                    days[i] = np.datetime64(d, "D")
                    continue
            bad[i] = True
        p.rows(t.name, column, bad, "is not a date (datetime64, YYYY-MM-DD or datetime.date)")
        _refused_rows(p, t.name, column, refused)
    else:
        p.add(path, f"must hold dates (got dtype {arr.dtype})")
        return None
    known = ~np.isnat(days)
    num = np.where(known, days.astype(np.int64), 0)
    if required:
        p.rows(t.name, column, ~known, "is missing")
    p.rows(t.name, column, known & (num < _MIN_DAY), f"is before {Limits.MIN_DATE.isoformat()}")
    p.rows(t.name, column, known & (num > as_day), "is after the assessment date")
    return num, known


def _numbers(
    t: _Table,
    column: str,
    p: _Problems,
    *,
    integer: bool = False,
    hi: float = Limits.MAX_AMOUNT,
    compiled: bool = False,
) -> np.ndarray | None:
    """Floats with NaN for missing, checked: finite, >= 0, <= hi, whole when ``integer``."""
    if not t.has(column):
        return np.full(t.n, np.nan)
    raw = t.raw(column)
    arr: np.ndarray
    if _is_series(raw) and raw.dtype == object:
        raw = raw.to_numpy(dtype=object)  # checked value by value below, with row numbers
    if _is_series(raw):
        dtype = raw.dtype
        if str(dtype) in ("bool", "boolean"):
            p.add(f"{t.name}.{column}", "must hold numbers (got booleans)")
            return None
        if getattr(dtype, "kind", "") == "c":
            p.add(f"{t.name}.{column}", f"must hold real numbers (got dtype {dtype})")
            return None
        try:
            arr = raw.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            p.add(f"{t.name}.{column}", f"must hold numbers (got dtype {dtype})")
            return None
    else:
        if raw.dtype.kind == "b":
            p.add(f"{t.name}.{column}", "must hold numbers (got booleans)")
            return None
        if raw.dtype.kind == "O":
            present = _plain_numbers(t.name, column, raw, p, hi)
            if present is None:
                return None
            arr = present
        elif raw.dtype.kind in "iuf":
            arr = raw.astype(float, copy=False)
        else:
            p.add(f"{t.name}.{column}", f"must hold numbers (got dtype {raw.dtype})")
            return None
    if compiled:
        flags = _compiled().number_flags(arr, hi, integer)
        if not flags.any():
            return arr
    p.rows(t.name, column, np.isinf(arr), "must be a finite number")
    with np.errstate(invalid="ignore"):
        p.rows(t.name, column, arr < 0, "must be >= 0")
        p.rows(t.name, column, np.isfinite(arr) & (arr > hi), f"must be at most {hi:g}")
        if integer:
            p.rows(
                t.name, column, np.isfinite(arr) & (arr != np.trunc(arr)), "must be a whole number"
            )
    return arr


def _plain_numbers(
    table: str, column: str, raw: np.ndarray, p: _Problems, hi: float
) -> np.ndarray | None:
    """The floats of an object column of numbers (NaN where missing): every present value
    made plain by the contract's one rule (``_contract.checks._to_number``: numpy scalars,
    ``Decimal``), then converted to float64, which is exact for
    every value within the column's limits; ``None`` after reporting the rows that are no
    number, that the rule refuses, or that no float holds (above any limit anyway)."""
    miss = _missing_mask(raw)
    rows = np.flatnonzero(~miss)
    values = [_to_number(v) for v in raw[rows].tolist()]
    n = len(values)
    ok = np.fromiter(
        (isinstance(v, (int, float)) and not isinstance(v, bool) for v in values),
        dtype=bool,
        count=n,
    )
    refused = {i: v.message for i, v in enumerate(values) if isinstance(v, _Refused)}
    ok[list(refused)] = True  # reported with the rule's own message below
    p.rows(table, column, ~ok, "must be a number", rows)
    _refused_rows(p, table, column, refused, rows)
    # Python ints beyond the float range cannot be converted: above any limit anyway
    huge = np.fromiter(
        (isinstance(v, int) and abs(v) > _FLOAT_MAX_INT for v in values), dtype=bool, count=n
    )
    p.rows(table, column, huge, f"must be at most {hi:g}", rows)
    if refused or not ok.all() or huge.any():
        return None
    arr = np.full(raw.size, np.nan)
    arr[rows] = np.array(values, dtype=float)
    return arr


def _refused_rows(
    p: _Problems,
    table: str,
    column: str,
    refused: Mapping[int, str],
    row_numbers: np.ndarray | None = None,
) -> None:
    """Report the values the contract's one rule refused (position -> its message), each
    message with its rows."""
    for message in dict.fromkeys(refused.values()):
        where = np.array([i for i, m in refused.items() if m == message], dtype=np.int64)
        rows = where if row_numbers is None else row_numbers[where]
        bad = np.zeros(int(rows.max()) + 1, dtype=bool)
        bad[rows] = True
        p.rows(table, column, bad, message)


# ------------------------------------------------------------------------------------------
# Checks across columns
# ------------------------------------------------------------------------------------------
def _attribute_array(t: _Table, column: str) -> np.ndarray | None:
    """An attribute column as numpy holds it (its kind decides how it is checked and
    scored), or ``None`` for a column of strings that pandas or pyarrow hold as such (coded
    by them, without making Python objects: :func:`_value_codes`)."""
    if t.kind == "arrow":
        import pyarrow as pa

        kind = t.table.schema.field(column).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return None
        return np.asarray(t.raw(column))
    raw = t.raw(column)
    if _is_series(raw):
        import pandas as pd

        if isinstance(raw.dtype, pd.StringDtype):
            return None
        values: np.ndarray = raw.to_numpy(dtype=object) if raw.dtype == object else raw.to_numpy()
        return values
    return np.asarray(raw)


def _value_codes(t: _Table, column: str) -> tuple[np.ndarray, list[Any]]:
    """Per row of an attribute column of strings or mixed values, the index of its value
    among the column's distinct values (-1 where missing), and the distinct values, so a
    check or a bin lookup runs once per distinct value; kept on the table for the engine.

    Two values are the same when they are of the same type and equal (``3`` and ``"3"``,
    ``1`` and ``True`` differ). Strings held by arrow (pyarrow tables, pandas ``str``
    columns) are coded by arrow's dictionary encoding and a ``category`` column by its codes,
    without making a Python string per row; an object column of strings by
    ``pandas.factorize``; any other (and every column without pandas) through one dict keyed
    by type and value, filled by C-level iteration (``np.unique`` on objects would sort with
    Python comparisons)."""
    hit = t.value_codes.get(column)
    if hit is not None:
        return hit
    if t.kind == "arrow" and _attribute_array(t, column) is None:
        codes, found = _arrow_codes(t.table.column(column))
        uniques = list(found)
        t.value_codes[column] = (codes, uniques)
        return codes, uniques
    raw = t.raw(column)
    if _is_series(raw) and not isinstance(raw.dtype, np.dtype):
        import pandas as pd

        if isinstance(raw.dtype, pd.CategoricalDtype):
            codes = raw.cat.codes.to_numpy(dtype=np.int64)
            uniques = raw.cat.categories.tolist()
        elif getattr(raw.dtype, "storage", None) in ("pyarrow", "pyarrow_numpy"):  # arrow codes
            codes, found = _arrow_codes(raw.array.__arrow_array__())
            uniques = list(found)
        else:  # another typed column: pandas' own hash table
            codes, index = pd.factorize(raw)
            codes, uniques = np.asarray(codes, dtype=np.int64), index.tolist()
    else:
        arr = raw.to_numpy(dtype=object) if _is_series(raw) else np.asarray(raw).astype(object)
        codes, uniques = _factorize_values(arr)
    t.value_codes[column] = (codes, uniques)
    return codes, uniques


def _factorize_values(arr: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """:func:`_value_codes` of an object array."""
    try:
        import pandas as pd

        all_text = pd.api.types.infer_dtype(arr, skipna=True) == "string"
    except ImportError:  # pragma: no cover - pandas is in every extra that uses this module
        all_text = False
    if all_text:  # only strings (and missing values, coded -1): equal means the same value
        found, index = pd.factorize(arr)
        return np.asarray(found, dtype=np.int64), list(index)
    miss = _missing_mask(arr)
    codes = np.full(arr.size, -1, dtype=np.int64)
    present = np.flatnonzero(~miss)
    values = arr[present].tolist()
    keys = list(zip(map(type, values), values))
    try:
        distinct = list(dict.fromkeys(keys))
    except TypeError:  # an unhashable value: each row its own value
        codes[present] = np.arange(present.size)
        return codes, values
    position = {k: i for i, k in enumerate(distinct)}
    codes[present] = np.fromiter(map(position.__getitem__, keys), dtype=np.int64, count=len(keys))
    return codes, [v for _, v in distinct]


_ATTRIBUTE_MESSAGES = (
    "must be a number or a string",
    "must be a finite number",
    "is too large an integer to be exact in JSON (|n| > 2**53)",
    f"is longer than {Limits.MAX_STRING_LENGTH} characters",
    SURROGATE_MESSAGE,
)


def _attribute_value_problem(v: Any) -> str | None:
    """The problem of one attribute value (the rules of :class:`~credit_closure.Attributes`),
    or ``None``."""
    if not isinstance(v, str):
        v = _to_number(v)  # the contract's one rule: numpy scalars, Decimal
    if isinstance(v, _Refused):
        return v.message
    if isinstance(v, str):
        if len(v) > Limits.MAX_STRING_LENGTH:
            return _ATTRIBUTE_MESSAGES[3]
        return SURROGATE_MESSAGE if _SURROGATE_RE.search(v) is not None else None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return _ATTRIBUTE_MESSAGES[0]
    if isinstance(v, float):
        return None if math.isfinite(v) else _ATTRIBUTE_MESSAGES[1]
    return _ATTRIBUTE_MESSAGES[2] if abs(v) > 2**53 else None


def _check_attributes(t: _Table, p: _Problems) -> None:
    """The rules of :class:`~credit_closure.Attributes`, column by column: valid names, and
    values that are finite numbers, integers within 2**53 or strings of bounded length
    (a missing value means the subject lacks the attribute). Columns of strings or mixed
    values are checked once per distinct value (:func:`_value_codes`)."""
    for column in t.columns:
        if column == "subject_id":
            continue
        if not _valid_name(column):
            p.add(
                _key_path("attributes", column),
                "is an invalid attribute name: names are 1-64 characters, "
                "no control characters or lone surrogates",
            )
            continue
        arr = _attribute_array(t, column)
        if arr is None:  # strings, held as such by pandas or pyarrow
            arr = np.empty(0, dtype=object)
        kind = arr.dtype.kind
        if kind == "b" or (t.kind == "pandas" and str(t.raw(column).dtype) == "boolean"):
            p.add(f"attributes.{column}", "must hold numbers or strings (got booleans)")
        elif kind == "f":
            p.rows("attributes", column, np.isinf(arr), "must be a finite number")
        elif kind in "iu":
            with np.errstate(over="ignore"):
                p.rows(
                    "attributes",
                    column,
                    (arr > 2**53) | (arr < -(2**53)),
                    "is too large an integer to be exact in JSON (|n| > 2**53)",
                )
        elif kind in "UO":
            codes, uniques = _value_codes(t, column)
            found = [_attribute_value_problem(v) for v in uniques]
            if not any(found):
                continue
            messages = list(_ATTRIBUTE_MESSAGES)
            messages += [m for m in dict.fromkeys(found) if m and m not in messages]
            which = np.array([0 if m is None else messages.index(m) + 1 for m in found] + [0])
            per_row = which[codes]  # -1 (missing) picks the final 0
            for i, message in enumerate(messages, start=1):
                p.rows("attributes", column, per_row == i, message)
        else:
            p.add(f"attributes.{column}", f"must hold numbers or strings (got dtype {arr.dtype})")


def _too_many(p: _Problems, table: str, g: np.ndarray, n: int, limit: int, noun: str) -> None:
    """Report the rows of subjects with more than ``limit`` rows in ``table``."""
    counts = np.bincount(g, minlength=n)
    if counts.size and counts.max() > limit:
        p.rows(table, "subject_id", counts[g] > limit, f"has more than {limit} {noun}")


def _id_kind(arr: _IdColumn) -> str:
    return "int" if arr.dtype.kind in "iu" else "str"
