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
from itertools import repeat
from types import MappingProxyType, ModuleType
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import ENUM_CODES, day_number
from credit_closure._contract.attributes import _valid_name
from credit_closure._contract.checks import (
    _BAD_TEXT_RE,
    _SURROGATE_RE,
    CONTROL_MESSAGE,
    SURROGATE_MESSAGE,
    _key_path,
    _Refused,
    _text_problems,
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


def _subject_codes(sids: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Subject index of every row of every table, and the sorted subject ids."""
    codes_a, subjects = _factorize(sids["accounts"])
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
            v = sids[k]
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
    everything = np.concatenate([sids["accounts"]] + [sids[k] for k in others])
    codes, subjects = _factorize(everything)
    bounds = np.cumsum([0, sids["accounts"].size] + [sids[k].size for k in others])
    for i, k in enumerate(["accounts"] + others):
        g[k] = codes[bounds[i] : bounds[i + 1]]
    return g, subjects


def _account_codes(
    aid_a: np.ndarray, aid_c: np.ndarray | None, n_subjects: int
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, int]:
    """Account-id codes for the accounts and closures tables, the id of each code, and the
    width that makes ``subject * width + code`` a unique key."""
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


def _ids(t: _Table, column: str, p: _Problems) -> np.ndarray | None:
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
    miss = _missing_mask(arr)
    p.rows(t.name, column, miss, "is missing")
    if not miss.any():
        _check_id_texts(t.name, column, arr, None, p)
    elif not miss.all():
        present = np.flatnonzero(~miss)
        _check_id_texts(t.name, column, arr[present], present, p)
    return arr


def _check_id_texts(
    table: str, column: str, values: np.ndarray, rows: np.ndarray | None, p: _Problems
) -> None:
    """The contract's checks of ids (:func:`~credit_closure._contract.checks._check_id`) on
    the present ``values`` of an id column (at ``rows``): a string of 1 to ``MAX_ID_LENGTH``
    characters keeping the one rule for ids and names. Type and length are tested by C-level
    loops over the rows, the rule by one scan of all the ids at once; only when that scan
    finds a refused character is each distinct id looked at, to name the rows."""
    texts = values.tolist()
    n = len(texts)
    try:
        joined = "".join(texts)  # succeeds only when every value is a string
        is_str = np.ones(n, dtype=bool)
    except TypeError:
        is_str = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=n)
        texts = [v if isinstance(v, str) else "" for v in texts]
        joined = "".join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    bad_shape = ~is_str | (lengths == 0) | (lengths > Limits.MAX_ID_LENGTH)
    p.rows(
        table,
        column,
        bad_shape,
        f"must be a non-empty string of at most {Limits.MAX_ID_LENGTH} characters",
        rows,
    )
    if not _has_refused_character(joined):
        return
    codes, uniques = _distinct(np.array(texts, dtype=object))
    messages = np.array(_text_problems(uniques), dtype=object)[codes]
    for message in (CONTROL_MESSAGE, SURROGATE_MESSAGE):
        p.rows(table, column, ~bad_shape & (messages == message), message, rows)


def _has_refused_character(text: str) -> bool:
    """Whether ``text`` holds a character the one rule for ids and names refuses; ASCII text
    (the common case) is scanned as bytes by numpy, any other by the contract's regex."""
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        return bool(((codes < 0x20) | (codes == 0x7F)).any())
    return _BAD_TEXT_RE.search(text) is not None


def _distinct(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of an object array without missing values, so a check runs
    once per distinct value; each row its own value when they cannot be hashed."""
    try:
        import pandas as pd

        codes, uniques = pd.factorize(values)
        return np.asarray(codes, dtype=np.int64), list(uniques)
    except (ImportError, TypeError):  # pragma: no cover - pandas absent, or unhashable cells
        return np.arange(values.size), values.tolist()


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
    raw = t.raw(column)
    if _is_series(raw) and str(raw.dtype) == "category":
        codes = raw.array.codes  # int8/int16/..., -1 for missing
        cats = np.asarray(raw.array.categories, dtype=object)
    else:
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
def _check_attributes(t: _Table, p: _Problems) -> None:
    """The rules of :class:`~credit_closure.Attributes`, column by column: valid names, and
    values that are finite numbers, integers within 2**53 or strings of bounded length
    (a missing value means the subject lacks the attribute)."""
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
        raw = t.raw(column)
        arr = (
            raw.to_numpy(dtype=object)
            if _is_series(raw) and raw.dtype == object
            else (raw.to_numpy() if _is_series(raw) else np.asarray(raw))
        )
        kind = arr.dtype.kind
        if kind == "b" or str(getattr(raw, "dtype", "")) == "boolean":
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
            arr = arr.astype(object)
            miss = _missing_mask(arr)
            idx = np.flatnonzero(~miss)
            bad_type = np.zeros(arr.size, dtype=bool)
            bad_num = np.zeros(arr.size, dtype=bool)
            bad_int = np.zeros(arr.size, dtype=bool)
            bad_len = np.zeros(arr.size, dtype=bool)
            bad_sur = np.zeros(arr.size, dtype=bool)
            refused: dict[int, str] = {}
            for i in idx.tolist():  # object columns are checked value by value
                v = arr[i]
                if not isinstance(v, str):
                    v = _to_number(v)  # the contract's one rule: numpy scalars, Decimal
                if isinstance(v, _Refused):
                    refused[i] = v.message
                elif isinstance(v, str):
                    bad_len[i] = len(v) > Limits.MAX_STRING_LENGTH
                    bad_sur[i] = _SURROGATE_RE.search(v) is not None
                elif isinstance(v, bool) or not isinstance(v, (int, float)):
                    bad_type[i] = True
                elif isinstance(v, float):
                    bad_num[i] = not math.isfinite(v)
                else:
                    bad_int[i] = abs(v) > 2**53
            p.rows("attributes", column, bad_type, "must be a number or a string")
            p.rows("attributes", column, bad_num, "must be a finite number")
            p.rows(
                "attributes",
                column,
                bad_int,
                "is too large an integer to be exact in JSON (|n| > 2**53)",
            )
            p.rows(
                "attributes",
                column,
                bad_len,
                f"is longer than {Limits.MAX_STRING_LENGTH} characters",
            )
            p.rows("attributes", column, bad_sur, SURROGATE_MESSAGE)
            _refused_rows(p, "attributes", column, refused)
        else:
            p.add(f"attributes.{column}", f"must hold numbers or strings (got dtype {arr.dtype})")


def _too_many(p: _Problems, table: str, g: np.ndarray, n: int, limit: int, noun: str) -> None:
    """Report the rows of subjects with more than ``limit`` rows in ``table``."""
    counts = np.bincount(g, minlength=n)
    if counts.size and counts.max() > limit:
        p.rows(table, "subject_id", counts[g] > limit, f"has more than {limit} {noun}")


def _id_kind(arr: np.ndarray) -> str:
    return "int" if arr.dtype.kind in "iu" else "str"
