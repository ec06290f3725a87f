"""Columnar (portfolio) scoring: one pure function over long tables, one row out per subject.

:func:`score_columnar` is the one batch scoring function of the library: ``assess_many``'s
big brother for tables, and what the Dask (:mod:`credit_closure.dask`) and Spark
(:mod:`credit_closure.spark`) engines call on each partition. Its results equal
:func:`credit_closure.assess` on the same subjects.

The long format (``docs/batch-and-distributed.md`` has the full reference)
--------------------------------------------------------------------------

Each table is a pandas ``DataFrame``, a pyarrow ``Table`` or a ``dict`` of equal-length numpy
arrays (one per column). Column names and enum values are those of the v1 JSON contract.

``accounts`` — one row per account:
    ``subject_id`` (required; strings or integers, the same type in every table),
    ``account_id`` (required; unique within a subject), ``product``, ``status`` (required enum
    strings), and optional ``opened_on``, ``closed_on`` (dates), ``credit_limit``,
    ``balance`` (non-negative numbers), ``worst_dpd_24m``, ``months_delinquent_24m``,
    ``max_consecutive_delinquent_24m`` (whole numbers). ``provider`` is accepted and ignored.
``closures`` — one row per closure event: ``subject_id``, ``account_id``, ``closed_on``
    (required), optional ``initiator``, ``reason`` (default ``unknown``), ``termination``
    (missing = unknown), ``balance_at_closure``, ``limit_at_closure``, ``worst_dpd_6m_before``.
``inquiries`` — one row per inquiry: ``subject_id``, ``on`` (date), ``kind`` (enum).
``attributes`` — one row per subject: ``subject_id`` and one column per attribute (numbers or
    strings; a missing value means the subject does not have that attribute).

Dtypes: dates as ``datetime64`` (any unit, whole days) or ISO ``YYYY-MM-DD`` strings or
``datetime.date`` objects; enums as strings (pandas ``category`` columns are fastest);
missing values as ``NaN``/``None``/``NaT``/nulls. A missing optional column means "unknown"
for every row. Activity records are not part of the format: columnar scores equal ``assess``
on the profiles *without* activity (the security features are 0), and an ``activity`` table
is refused.

The output has one row per subject that appears in any table, sorted by ``subject_id``, with
columns ``subject_id, score, probability_of_default, band, decision, reason_1 .. reason_4``
(reason codes, ``None`` when there are fewer) and ``closure_impact``, in the container kind
of the input (a dict of numpy arrays for dict input).
"""

from __future__ import annotations

import datetime as _dt
import math
import weakref
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from credit_closure._columnar.numpy_engine import ENUM_CODES, compute_features, day_number
from credit_closure._contract.model import (
    _CTRL_RE,
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    ClosureReason,
    CreditAccount,
    CreditProfile,
    Inquiry,
    InquiryKind,
    Limits,
    ProductType,
    TerminationKind,
)
from credit_closure._scorecard.logistic import LogisticScorer
from credit_closure._scoring.assess import _as_of, _assess_profile, _check_profile, resolved
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.rules import RuleScorer
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import InvalidInputError, ScoringError

__all__ = [
    "OUTPUT_COLUMNS",
    "REASON_TEXTS",
    "TABLE_COLUMNS",
    "profiles_to_tables",
    "score_columnar",
]

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
    ),
    "inquiries": ("subject_id", "on", "kind"),
    "attributes": ("subject_id",),
}
_REQUIRED = {
    "accounts": ("subject_id", "account_id", "product", "status"),
    "closures": ("subject_id", "account_id", "closed_on"),
    "inquiries": ("subject_id", "on", "kind"),
    "attributes": ("subject_id",),
}
_MAX_ROWS_SHOWN = 5


def _engine() -> Any:
    """The compiled engine's module (:mod:`credit_closure._columnar.kernel`), imported on first
    use: it imports numba, which the numpy engine never needs."""
    from credit_closure._columnar import kernel as _columnar_kernel

    return _columnar_kernel


_FLOAT_MAX_INT = 2**1023  # Python ints above this do not fit a float
_FINE_UNITS = ("D", "h", "m", "s", "ms", "us", "ns")  # datetime64 units a day is a whole number of
_HARD_KIND = np.zeros(len(ENUM_CODES["kind"]), dtype=bool)
_HARD_KIND[[ENUM_CODES["kind"]["loan_approval"], ENUM_CODES["kind"]["card_approval"]]] = True
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
                problems.add(f"{name}.{c}", "is not a column of the long format")
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
    if arr.dtype.kind != "O":
        if arr.dtype.kind in "fc":
            return np.isnan(arr)
        if arr.dtype.kind in "mM":
            return np.isnat(arr)
        return np.zeros(arr.shape, dtype=bool)
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
    arr = raw.to_numpy() if _is_series(raw) else raw
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
    if not miss.all():
        bad = np.fromiter(
            (not isinstance(v, str) or not v or len(v) > Limits.MAX_ID_LENGTH for v in arr[~miss]),
            dtype=bool,
            count=int((~miss).sum()),
        )
        p.rows(
            t.name,
            column,
            bad,
            f"must be a non-empty string of at most {Limits.MAX_ID_LENGTH} characters",
            np.flatnonzero(~miss),
        )
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
    out = lookup[codes]  # code -1 (missing) takes the last entry: default
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
            num, known, flags = _engine().ticks_to_days(
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
        for i in np.flatnonzero(~miss):  # object columns are parsed value by value
            v = arr[i]
            if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
                try:
                    days[i] = np.datetime64(_dt.date.fromisoformat(v), "D")
                    continue
                except ValueError:
                    pass
            elif isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
                days[i] = np.datetime64(v, "D")
                continue
            bad[i] = True
        p.rows(t.name, column, bad, "is not a date (datetime64, YYYY-MM-DD or datetime.date)")
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
            miss = _missing_mask(raw)
            ok = np.fromiter(
                (
                    isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                    for v in raw[~miss]
                ),
                dtype=bool,
                count=int((~miss).sum()),
            )
            if not ok.all():
                p.rows(t.name, column, ~ok, "must be a number", np.flatnonzero(~miss))
                return None
            # Python ints beyond the float range cannot be converted: above any limit anyway
            huge = np.fromiter(
                (isinstance(v, int) and abs(v) > _FLOAT_MAX_INT for v in raw[~miss]),
                dtype=bool,
                count=int((~miss).sum()),
            )
            if huge.any():
                p.rows(t.name, column, huge, f"must be at most {hi:g}", np.flatnonzero(~miss))
                return None
            arr = np.full(raw.size, np.nan)
            arr[~miss] = raw[~miss].astype(float)
        elif raw.dtype.kind in "iuf":
            arr = raw.astype(float, copy=False)
        else:
            p.add(f"{t.name}.{column}", f"must hold numbers (got dtype {raw.dtype})")
            return None
    if compiled:
        flags = _engine().number_flags(arr, hi, integer)
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


# ------------------------------------------------------------------------------------------
# Normalising the tables into per-account columns
# ------------------------------------------------------------------------------------------
class _Prepared:
    """The validated, normalised input: per-account columns and inquiry columns."""

    def __init__(self) -> None:
        self.subjects: np.ndarray = np.empty(0)
        self.n = 0
        self.acc: dict[str, np.ndarray] = {}
        self.inq: dict[str, np.ndarray] = {}
        self.kind = "numpy"
        self.attributes: _Table | None = None
        self.attr_g: np.ndarray | None = None
        self.account_ids: np.ndarray = np.empty(0)


def _check_attributes(t: _Table, p: _Problems) -> None:
    """The rules of :class:`~credit_closure.Attributes`, column by column: valid names, and
    values that are finite numbers, integers within 2**53 or strings of bounded length
    (a missing value means the subject lacks the attribute)."""
    for column in t.columns:
        if column == "subject_id":
            continue
        if not column or len(column) > 64 or _CTRL_RE.search(column):
            p.add(
                f"attributes.{column[:40]}",
                "is an invalid attribute name: names are 1-64 characters, no control characters",
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
            for i in idx.tolist():  # object columns are checked value by value
                v = arr[i]
                if isinstance(v, np.generic):
                    v = v.item()
                if isinstance(v, str):
                    bad_len[i] = len(v) > Limits.MAX_STRING_LENGTH
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
        else:
            p.add(f"attributes.{column}", f"must hold numbers or strings (got dtype {arr.dtype})")


def _too_many(p: _Problems, table: str, g: np.ndarray, n: int, limit: int, noun: str) -> None:
    """Report the rows of subjects with more than ``limit`` rows in ``table``."""
    counts = np.bincount(g, minlength=n)
    if counts.size and counts.max() > limit:
        p.rows(table, "subject_id", counts[g] > limit, f"has more than {limit} {noun}")


def _id_kind(arr: np.ndarray) -> str:
    return "int" if arr.dtype.kind in "iu" else "str"


def _prepare(
    accounts: Any,
    closures: Any,
    inquiries: Any,
    attributes: Any,
    as_of: _dt.date,
    p: _Problems | None = None,
    codes: tuple[dict[str, np.ndarray], np.ndarray] | None = None,
    compiled: bool = False,
) -> _Prepared:
    """Validate and normalise the tables. ``codes``: the subject index of every row of every
    table and the subjects, when the caller has them already (the subject ids were then
    checked by the caller). ``compiled``: use the compiled engine where it has a twin."""
    p = _Problems() if p is None else p
    since = p.count  # a chunk stops on its own problems, not on those of earlier chunks
    as_day = day_number(as_of)
    tables: dict[str, _Table] = {}
    for name, value in (
        ("accounts", accounts),
        ("closures", closures),
        ("inquiries", inquiries),
        ("attributes", attributes),
    ):
        if value is not None:
            tables[name] = _Table(name, value, p)
    if "accounts" not in tables:
        p.add("accounts", "is required")
    p.raise_if(since)
    a = tables["accounts"]
    out = _Prepared()
    out.kind = a.kind

    # ---- ids and the subject universe -------------------------------------------------------
    sids: dict[str, np.ndarray | None] = (
        {} if codes is not None else {n: _ids(t, "subject_id", p) for n, t in tables.items()}
    )
    aid_a = _ids(a, "account_id", p)
    c = tables.get("closures")
    aid_c = _ids(c, "account_id", p) if c is not None else None
    p.raise_if(since)
    kinds = {_id_kind(v) for v in sids.values() if v is not None}
    if len(kinds) > 1:
        p.add("subject_id", "must be of one type (all strings or all integers) in every table")
    if aid_c is not None and aid_a is not None and _id_kind(aid_a) != _id_kind(aid_c):
        p.add("closures.account_id", "must be of the same type as accounts.account_id")
    p.raise_if(since)
    if codes is None:
        g, subjects = _subject_codes(sids)  # type: ignore[arg-type]
    else:
        g, subjects = codes
    out.subjects = subjects
    out.n = n = subjects.size

    # ---- accounts ---------------------------------------------------------------------------
    E = ENUM_CODES
    acc: dict[str, Any] = {"g": g["accounts"]}
    acc["product"] = _enum(a, "product", E["product"], p, required=True, default=0)
    acc["status"] = _enum(a, "status", E["status"], p, required=True, default=0)
    od = _dates(a, "opened_on", p, required=False, as_day=as_day, compiled=compiled)
    cd = _dates(a, "closed_on", p, required=False, as_day=as_day, compiled=compiled)
    acc["limit"] = _numbers(a, "credit_limit", p, compiled=compiled)
    acc["balance"] = _numbers(a, "balance", p, compiled=compiled)
    acc["dpd"] = _numbers(a, "worst_dpd_24m", p, integer=True, hi=Limits.MAX_DPD, compiled=compiled)
    acc["months"] = _numbers(a, "months_delinquent_24m", p, integer=True, hi=24, compiled=compiled)
    acc["consec"] = _numbers(
        a, "max_consecutive_delinquent_24m", p, integer=True, hi=24, compiled=compiled
    )
    if any(v is None for v in acc.values()) or od is None or cd is None:
        p.raise_if(since)
    acc["opened"], acc["opened_known"] = od  # type: ignore[misc]
    acc["closed"], acc["closed_known"] = cd  # type: ignore[misc]
    st = acc["status"]
    p.rows(
        "accounts",
        "closed_on",
        acc["opened_known"] & acc["closed_known"] & (acc["closed"] < acc["opened"]),
        "is before opened_on",
    )
    p.rows(
        "accounts",
        "closed_on",
        (st == E["status"]["closed"]) & ~acc["closed_known"],
        "is required when status is 'closed'",
    )
    p.rows(
        "accounts",
        "closed_on",
        (st == E["status"]["open"]) & acc["closed_known"],
        "must be absent when status is 'open'",
    )
    with np.errstate(invalid="ignore"):
        p.rows(
            "accounts",
            "max_consecutive_delinquent_24m",
            acc["consec"] > acc["months"],
            "is larger than months_delinquent_24m",
        )
    _too_many(p, "accounts", acc["g"], n, Limits.MAX_ACCOUNTS, "accounts")

    # account keys: (subject, account id) must be unique
    aid_code_a, aid_code_c, aid_uniques, width = _account_codes(aid_a, aid_c, n)  # type: ignore[arg-type]
    out.account_ids = aid_uniques
    key_a = acc["g"].astype(np.int64) * width + aid_code_a
    if key_a.size > 1 and not np.all(key_a[1:] > key_a[:-1]):
        korder = np.argsort(key_a, kind="stable")
    else:
        korder = None
    sorted_keys = key_a if korder is None else key_a[korder]
    if korder is not None:
        dup = np.zeros(a.n, dtype=bool)
        dup[korder[1:][sorted_keys[1:] == sorted_keys[:-1]]] = True
        p.rows("accounts", "account_id", dup, "duplicates an earlier account id of the subject")

    # ---- closures: join each event to its account ----------------------------------------------
    has_event = np.zeros(a.n, dtype=bool)
    ev = {
        "ev_day": np.zeros(a.n, dtype=np.int64),
        "ev_initiator": np.zeros(a.n, dtype=np.int8),
        "ev_reason": np.zeros(a.n, dtype=np.int8),
        "ev_termination": np.full(a.n, -1, dtype=np.int8),
        "ev_balance": np.full(a.n, np.nan),
        "ev_limit": np.full(a.n, np.nan),
        "ev_dpd6": np.full(a.n, np.nan),
    }
    if c is not None:
        cday = _dates(c, "closed_on", p, required=True, as_day=as_day, compiled=compiled)
        cinit = _enum(
            c, "initiator", E["initiator"], p, required=False, default=E["initiator"]["unknown"]
        )
        creason = _enum(c, "reason", E["reason"], p, required=False, default=E["reason"]["unknown"])
        cterm = _enum(c, "termination", E["termination"], p, required=False, default=-1)
        cbal = _numbers(c, "balance_at_closure", p, compiled=compiled)
        clim = _numbers(c, "limit_at_closure", p, compiled=compiled)
        cdpd = _numbers(
            c, "worst_dpd_6m_before", p, integer=True, hi=Limits.MAX_DPD, compiled=compiled
        )
        parts = (cday, cinit, creason, cterm, cbal, clim, cdpd)
        if any(v is None for v in parts):
            p.raise_if(since)
        key_c = g["closures"].astype(np.int64) * width + aid_code_c  # type: ignore[operator]
        pos = (
            _engine().search_sorted(sorted_keys, key_c)
            if compiled
            else np.searchsorted(sorted_keys, key_c)
        )
        pos_c = np.minimum(pos, max(sorted_keys.size - 1, 0))
        found = (
            (sorted_keys.size > 0) & (sorted_keys[pos_c] == key_c)
            if sorted_keys.size
            else np.zeros(c.n, dtype=bool)
        )
        p.rows("closures", "account_id", ~found, "names no account of the subject in accounts")
        row = pos_c if korder is None else korder[pos_c]
        row_f = row[found]
        counts = np.bincount(row_f, minlength=a.n)
        p.rows(
            "closures",
            "account_id",
            found & (counts[row] > 1),
            "has more than one closure event for the account",
        )
        _too_many(p, "closures", g["closures"], n, Limits.MAX_CLOSURES, "closures")
        day_c, known_c = cday  # type: ignore[misc]
        p.rows(
            "closures",
            "account_id",
            found & (st[row] == E["status"]["open"]),
            "names an account whose status is 'open'",
        )
        p.rows(
            "closures",
            "closed_on",
            found & known_c & acc["opened_known"][row] & (day_c < acc["opened"][row]),
            "is before the account's opened_on",
        )
        p.rows(
            "closures",
            "closed_on",
            found & known_c & acc["closed_known"][row] & (day_c != acc["closed"][row]),
            "differs from the account's closed_on",
        )
        has_event[row_f] = True
        ev["ev_day"][row_f] = day_c[found]
        ev["ev_initiator"][row_f] = cinit[found]  # type: ignore[index]
        ev["ev_reason"][row_f] = creason[found]  # type: ignore[index]
        ev["ev_termination"][row_f] = cterm[found]  # type: ignore[index]
        ev["ev_balance"][row_f] = cbal[found]  # type: ignore[index]
        ev["ev_limit"][row_f] = clim[found]  # type: ignore[index]
        ev["ev_dpd6"][row_f] = cdpd[found]  # type: ignore[index]
    acc["has_event"] = has_event
    acc.update(ev)
    acc["aid"] = aid_code_a
    out.acc = acc

    # ---- inquiries ----------------------------------------------------------------------------
    q = tables.get("inquiries")
    if q is not None:
        qon = _dates(q, "on", p, required=True, as_day=as_day, compiled=compiled)
        qkind = _enum(q, "kind", E["kind"], p, required=True, default=0)
        if qon is None or qkind is None:
            p.raise_if(since)
        _too_many(p, "inquiries", g["inquiries"], n, Limits.MAX_INQUIRIES, "inquiries")
        hard = _HARD_KIND[qkind]
        out.inq = {"g": g["inquiries"], "on": qon[0], "hard": hard, "kind": qkind}  # type: ignore[index]
    else:
        out.inq = {
            "g": np.zeros(0, dtype=np.int64),
            "on": np.zeros(0, dtype=np.int64),
            "hard": np.zeros(0, dtype=bool),
            "kind": np.zeros(0, dtype=np.int8),
        }

    # ---- attributes: one row per subject -------------------------------------------------------
    t = tables.get("attributes")
    if t is not None:
        ga = g["attributes"]
        counts = np.bincount(ga, minlength=n)
        p.rows("attributes", "subject_id", counts[ga] > 1, "has more than one row for the subject")
        if len(t.columns) - 1 > Limits.MAX_ATTRIBUTES:
            p.add("attributes", f"has more than {Limits.MAX_ATTRIBUTES} attribute columns")
        _check_attributes(t, p)
        out.attributes = t
        out.attr_g = ga
    p.raise_if(since)
    return out


# ------------------------------------------------------------------------------------------
# Rule scorer, vectorised
# ------------------------------------------------------------------------------------------
def _condition(F: np.ndarray, c: tuple[int, str, float, bool]) -> np.ndarray:
    v = F[:, c[0]]
    with np.errstate(invalid="ignore"):
        if c[1] == "at_least":
            held = v >= c[2]
        elif c[1] == "below":
            held = v < c[2]
        else:
            held = v == c[2]
    return np.where(np.isnan(v), c[3], held)


def _rule_pass(F: np.ndarray, scorer: RuleScorer) -> dict[str, Any]:
    """Log-odds, fired rules and their log-odds for every subject (RuleScorer.score, vectorised)."""
    policy = scorer.policy
    n = F.shape[0]
    log_odds = np.full(n, policy.base_log_odds)
    fired_all = []
    lo_all = []
    for rule in policy.rules:
        v = F[:, rule.index]
        valid = ~np.isnan(v)
        th = np.asarray(rule.thresholds)
        vv = np.where(valid, v, 0.0)
        if rule.at_least:
            step = np.searchsorted(th, vv, side="right") - 1
        else:
            step = np.searchsorted(-th, -vv, side="left") - 1
        fired = valid & (step >= 0)
        for cond in rule.when:
            fired &= _condition(F, cond)
        if rule.when_any:
            any_ = np.zeros(n, dtype=bool)
            for cond in rule.when_any:
                any_ |= _condition(F, cond)
            fired &= any_
        lo = np.asarray(rule.log_odds)[np.maximum(step, 0)]
        lo = np.where(fired, lo, 0.0)
        log_odds = np.where(lo != 0.0, log_odds + lo, log_odds)
        fired_all.append(fired)
        lo_all.append(lo)
    return {"log_odds": log_odds, "fired": fired_all, "lo": lo_all}


def _rule_probability(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds))


_DECISIONS = ("approve", "refer", "decline")


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and, per element, the index of its value (hash-based when pandas is
    there, else sort-based)."""
    try:
        import pandas as pd

        codes, uniq = pd.factorize(values)
        return np.asarray(uniq, dtype=float), np.asarray(codes)
    except ImportError:  # pragma: no cover
        uniq, inv = np.unique(values, return_inverse=True)
        return uniq, inv.reshape(-1)


def _scores(
    log_odds: np.ndarray,
    scale: Scale,
    memo: dict[float, tuple[float, float, int, int]] | None = None,
    probability: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score, probability, band index and cutoff decision index, exactly as ``assess``
    computes them: the scale's own Python code once per distinct log-odds value, the results
    kept in ``memo`` across chunks (the rules give few distinct values, and the same ones in
    every chunk). ``probability`` maps log-odds to the scorer's probability (the rule
    scorer's formula by default). The first array, ``scale.points(probability)``, is also
    what ``assess`` takes for a counterfactual."""
    if memo is None:
        memo = {}
    uniq, inv = _distinct(log_odds)
    names = [b.name for b in scale.bands]
    prob_of = _rule_probability if probability is None else probability
    rows = []
    for lo in uniq.tolist():
        hit = memo.get(lo)
        if hit is None:
            s, p = scale.scored(prob_of(lo))  # as assess() does
            hit = memo[lo] = (s, p, names.index(scale.band(s)), _DECISIONS.index(scale.decide(s)))
        rows.append(hit)
    if not rows:
        return (np.empty(0), np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int8))
    pts, prob, band, dec = zip(*rows)
    return (
        np.array(pts)[inv],
        np.array(prob)[inv],
        np.array(band, dtype=np.int64)[inv],
        np.array(dec, dtype=np.int8)[inv],
    )


def _top_reasons(totals: np.ndarray, forced: np.ndarray, k: int = 4) -> list[np.ndarray]:
    """Per subject, the codes (rows of the code-major ``totals``) of the ``k`` best reasons:
    forced by a trigger first, then most points lost, then the lower code (codes are sorted);
    -1 where there are fewer. ``totals`` is ``NaN`` where a code lost no points."""
    m, n = totals.shape
    present = ~np.isnan(totals)
    count = present.sum(axis=0)
    out = []
    for step in range(k):
        best = np.full(n, -1)
        rows = np.flatnonzero(count > step)  # only subjects with a reason left
        if rows.size:
            b = np.full(rows.size, -1)
            b_forced = np.zeros(rows.size, dtype=bool)
            b_total = np.full(rows.size, np.inf)
            for j in range(m):
                cand = present[j, rows]
                if not cand.any():
                    continue
                f = forced[j, rows]
                t = totals[j, rows]
                better = cand & ((b < 0) | (f & ~b_forced) | ((f == b_forced) & (t < b_total)))
                b[better] = j
                b_forced[better] = f[better]
                b_total[better] = t[better]
            best[rows] = b
            present[b, rows] = False
        out.append(best)
    return out


def _counterfactual(prep: _Prepared, as_of: _dt.date) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Subjects with closures to undo, and their counterfactual account columns (see
    :func:`credit_closure._scoring.assess.counterfactual`)."""
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.features import months_before

    acc = prep.acc
    start = day_number(months_before(as_of, CLOSURE_IMPACT_MONTHS))
    closed = acc["status"] == ENUM_CODES["status"]["closed"]
    day = np.where(acc["closed_known"], acc["closed"], acc["ev_day"])
    day_known = acc["closed_known"] | acc["has_event"]
    reopen = closed & day_known & (day > start)
    subjects = np.flatnonzero(np.bincount(acc["g"][reopen], minlength=prep.n) > 0)
    if subjects.size == 0:
        return subjects, {}
    member = np.zeros(prep.n, dtype=bool)
    member[subjects] = True
    rows = member[acc["g"]]
    new_index = np.full(prep.n, -1, dtype=np.int64)
    new_index[subjects] = np.arange(subjects.size)
    cf = {k: v[rows].copy() for k, v in acc.items()}
    r = reopen[rows]
    cf["g"] = new_index[cf["g"]]
    ev = cf["has_event"]
    lim = cf["limit"]
    cf["limit"] = np.where(r & ev & ~np.isnan(cf["ev_limit"]), cf["ev_limit"], lim)
    cf["balance"] = np.where(r & ev & np.isnan(cf["balance"]), cf["ev_balance"], cf["balance"])
    cf["status"] = np.where(r, ENUM_CODES["status"]["open"], cf["status"]).astype(np.int8)
    cf["closed_known"] = cf["closed_known"] & ~r
    cf["has_event"] = ev & ~r
    return subjects, cf


def _subset_inquiries(prep: _Prepared, subjects: np.ndarray) -> dict[str, np.ndarray]:
    member = np.full(prep.n, -1, dtype=np.int64)
    member[subjects] = np.arange(subjects.size)
    q = prep.inq
    keep = member[q["g"]] >= 0
    return {"g": member[q["g"][keep]], "on": q["on"][keep], "hard": q["hard"][keep]}


_KERNEL_RULES: weakref.WeakKeyDictionary[RuleScorer, Any] = weakref.WeakKeyDictionary()


def _kernel_codes() -> np.ndarray:
    S, I, R, T = (
        ENUM_CODES["status"],
        ENUM_CODES["initiator"],
        ENUM_CODES["reason"],
        ENUM_CODES["termination"],
    )
    return np.array(
        [
            S["open"],
            S["closed"],
            S["suspended"],
            S["charged_off"],
            S["transferred"],
            I["unknown"],
            I["consumer"],
            I["lender_risk"],
            R["unknown"],
            R["lender_risk_control"],
            R["reduce_debt"],
            T["normal"],
            T["abnormal"],
            T["bad_debt"],
        ],
        dtype=np.int64,
    )


def _score_rules_compiled(
    prep: _Prepared,
    scorer: RuleScorer,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
) -> dict[str, np.ndarray]:
    """:func:`_score_rules` on the compiled engine (one numba pass per subject)."""
    from credit_closure._columnar import kernel as K
    from credit_closure._columnar.numpy_engine import _LENDER, _REVOLVING
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.features import months_before

    # compiled once per policy: a scorer re-initialised with another policy is compiled again
    hit = _KERNEL_RULES.get(scorer)
    if hit is None or hit[0] is not scorer.policy:
        hit = _KERNEL_RULES[scorer] = (scorer.policy, K.compile_rules(scorer))
    compiled = hit[1]
    config = scorer.policy.feature_config
    days = np.array(
        [day_number(as_of)]
        + [
            day_number(months_before(as_of, m))
            for m in (3, 6, 12, 24, config.retention_months, CLOSURE_IMPACT_MONTHS)
        ],
        dtype=np.int64,
    )
    res = K.score_subjects(
        prep.acc, prep.inq, prep.n, days, _kernel_codes(), _REVOLVING, _LENDER, scorer, compiled
    )
    scale = scorer.scale
    # few distinct log-odds values (rule steps): the scale's Python code once per value
    score, prob, band_i, decision_i = _scores(res["log_odds"], scale, memo)
    trig = res["trigger"]
    decision_i[(trig == 1) & (decision_i == 0)] = 1
    decision_i[trig == 2] = 2
    decision = np.array(_DECISIONS, dtype=object)[decision_i]
    band = np.array([b.name for b in scale.bands], dtype=object)[band_i]
    code_arr = np.array(compiled[1] + [None], dtype=object)  # index -1 -> None
    reasons = code_arr[res["reasons"]]
    impact = np.zeros(prep.n)
    cf = res["cf_log_odds"]
    has = np.flatnonzero(~np.isnan(cf))
    if has.size:
        impact[has] = score[has] - _scores(cf[has], scale, memo)[0]
    return {
        "score": score,
        "probability_of_default": prob,
        "band": band,
        "decision": decision,
        "reason_1": reasons[:, 0],
        "reason_2": reasons[:, 1],
        "reason_3": reasons[:, 2],
        "reason_4": reasons[:, 3],
        "closure_impact": impact,
    }


# ------------------------------------------------------------------------------------------
# LogisticScorer, vectorised
# ------------------------------------------------------------------------------------------
def _features_pair(
    prep: _Prepared, as_of: _dt.date, compiled: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The features of every subject (the default extractor, as ``LogisticScorer`` uses),
    the subjects with closures to undo and their counterfactual features."""
    from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS
    from credit_closure._scoring.features import DEFAULT_CONFIG, months_before

    if compiled:
        from credit_closure._columnar.numpy_engine import _LENDER, _REVOLVING

        days = np.array(
            [day_number(as_of)]
            + [
                day_number(months_before(as_of, m))
                for m in (3, 6, 12, 24, DEFAULT_CONFIG.retention_months, CLOSURE_IMPACT_MONTHS)
            ],
            dtype=np.int64,
        )
        res = _engine().score_subjects(
            prep.acc,
            prep.inq,
            prep.n,
            days,
            _kernel_codes(),
            _REVOLVING,
            _LENDER,
            None,
            None,
            features=True,
        )
        has = np.flatnonzero(~np.isnan(res["cf_log_odds"]))
        return res["features"], has, res["cf_features"][has]
    F = compute_features(prep.acc, prep.inq, prep.n, as_of, DEFAULT_CONFIG)
    subjects, cf = _counterfactual(prep, as_of)
    if subjects.size == 0:
        return F, subjects, np.empty((0, F.shape[1]))
    return (
        F,
        subjects,
        compute_features(
            cf, _subset_inquiries(prep, subjects), subjects.size, as_of, DEFAULT_CONFIG
        ),
    )


def _attribute_cells(prep: _Prepared, name: str) -> tuple[np.ndarray, np.ndarray]:
    """One attribute's value for every subject and the mask of subjects that have it: a
    float array when the column holds numbers, else an object array holding the values as
    the fallback's profiles hold them (numpy scalars as Python values, whole floats within
    2**53 as ints)."""
    have = np.zeros(prep.n, dtype=bool)
    t = prep.attributes
    if t is None or name not in t.columns:
        return np.full(prep.n, np.nan), have
    raw = t.raw(name)
    arr = raw.to_numpy() if _is_series(raw) else np.asarray(raw)
    g = prep.attr_g
    if arr.dtype.kind in "iuf":
        vals = np.asarray(arr, dtype=float)
        ok = ~np.isnan(vals)
        out = np.full(prep.n, np.nan)
        out[g[ok]] = vals[ok]  # type: ignore[index]
        have[g[ok]] = True  # type: ignore[index]
        return out, have
    arr = arr.astype(object)
    miss = _missing_mask(arr)
    rows = np.flatnonzero(~miss)
    objs = np.full(prep.n, None, dtype=object)
    objs[g[rows]] = arr[rows]  # type: ignore[index]
    have[g[rows]] = True  # type: ignore[index]
    return objs, have


def _normal(v: Any) -> Any:
    """An attribute value as a profile built from the row holds it."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) <= 2**53:
        return int(v)
    return v


def _logistic_bins(
    prep: _Prepared,
    scorer: Any,
    F: np.ndarray,
    rows: np.ndarray | None,
    cells: dict[str, tuple[np.ndarray, np.ndarray]],
    p: _Problems,
) -> list[np.ndarray]:
    """The bin of every input for every subject (``rows`` of the attribute cells: the
    subjects ``F`` belongs to, ``None`` for all), exactly as ``LogisticScorer._walk`` bins."""
    from credit_closure._scorecard.logistic import _category

    out = []
    for kind, idx, name, cuts, lookup, missing, unseen, _lo, _f in scorer._table:
        if kind == 0:
            v = F[:, idx]
            b = np.where(
                np.isnan(v),
                missing,
                np.searchsorted(np.asarray(cuts, dtype=float), v, side="right"),
            )
            out.append(b.astype(np.int64, copy=False))
            continue
        vals, have = cells[name]
        if rows is not None:
            vals, have = vals[rows], have[rows]
        b = np.full(vals.size, missing, dtype=np.int64)
        present = np.flatnonzero(have)
        pv = vals[present]
        if kind == 1:
            if pv.dtype.kind == "O":
                is_str = np.fromiter((isinstance(v, str) for v in pv), dtype=bool, count=pv.size)
                if is_str.any():
                    bad = np.zeros(prep.n, dtype=bool)
                    bad[present[is_str] if rows is None else rows[present[is_str]]] = True
                    p.rows(
                        "attributes",
                        name,
                        bad[prep.attr_g],  # type: ignore[index]
                        "must be a number for this model (got string)",
                    )
                    continue
                pv = np.asarray([float(_normal(v)) for v in pv.tolist()], dtype=float)
            b[present] = np.searchsorted(np.asarray(cuts, dtype=float), pv, side="right")
        else:
            if pv.dtype.kind == "f":
                uniq_f, codes = _distinct(pv)
                uniq: list[Any] = uniq_f.tolist()
            else:
                codes, uniq = _factorize_objects(pv)
            bins = np.array(
                [
                    lookup.get(u if isinstance(u, str) else _category(u), unseen)
                    for u in (_normal(x) for x in uniq)
                ]
                + [unseen],
                dtype=np.int64,
            )
            b[present] = bins[codes]
        out.append(b)
    return out


def _factorize_objects(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Per element the index of its value, and the distinct values (3 and "3" differ)."""
    index: dict[tuple[type, Any], int] = {}
    uniq: list[Any] = []
    inv = np.empty(values.size, dtype=np.int64)
    for i, v in enumerate(values.tolist()):
        key = (type(v), v)
        k = index.get(key)
        if k is None:
            k = index[key] = len(uniq)
            uniq.append(v)
        inv[i] = k
    return inv, uniq


def _logistic_log_odds(scorer: Any, bins: list[np.ndarray], n: int) -> np.ndarray:
    """Intercept plus each input's log-odds term, added in the inputs' order as ``_walk``
    adds them (so every rounding is the same)."""
    lo = np.full(n, scorer.intercept_)
    for row, b in zip(scorer._table, bins):
        lo = lo + np.asarray(row[7], dtype=float)[b]
    return lo


def _score_logistic(
    prep: _Prepared,
    scorer: Any,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
    compiled: bool,
) -> dict[str, np.ndarray]:
    """:class:`~credit_closure.LogisticScorer` on the whole chunk at once, equal to
    ``assess()`` with it: bins, log-odds, reasons (points below the reference, summed per
    code, worst first) and the closure impact on the counterfactual features."""
    from credit_closure._scorecard.logistic import _sigmoid

    p = _Problems()
    F, cf_subjects, F_cf = _features_pair(prep, as_of, compiled)
    cells = {row[2]: _attribute_cells(prep, row[2]) for row in scorer._table if row[0] != 0}
    bins = _logistic_bins(prep, scorer, F, None, cells, p)
    p.raise_if()
    n = prep.n
    lo = _logistic_log_odds(scorer, bins, n)
    scale = scorer.scale_
    if compiled:
        score, prob, band_i, decision_i = _engine().scale_many(lo, scale, logistic=True)
    else:
        score, prob, band_i, decision_i = _scores(lo, scale, memo, _sigmoid)

    codes = sorted({row[8][0].code for row in scorer._table if row[8]})
    col = {c: k for k, c in enumerate(codes)}
    totals = np.full((len(codes), n), np.nan)
    for row, b in zip(scorer._table, bins):
        pts = np.array([f.points for f in row[8]], dtype=float)[b]
        neg = pts < 0
        if neg.any():
            k = col[row[8][0].code]
            cur = totals[k]
            totals[k] = np.where(neg, np.where(np.isnan(cur), 0.0 + pts, cur + pts), cur)
    code_arr = np.array(codes + [None], dtype=object)
    reasons = [code_arr[best] for best in _top_reasons(totals, np.zeros(totals.shape, bool))]

    impact = np.zeros(n)
    if cf_subjects.size:
        cf_bins = _logistic_bins(prep, scorer, F_cf, cf_subjects, cells, p)
        lo_cf = _logistic_log_odds(scorer, cf_bins, cf_subjects.size)
        if compiled:
            cf_points = _engine().scale_many(lo_cf, scale, logistic=True)[0]
        else:
            cf_points = _scores(lo_cf, scale, memo, _sigmoid)[0]
        impact[cf_subjects] = score[cf_subjects] - cf_points
    return {
        "score": score,
        "probability_of_default": prob,
        "band": np.array([b.name for b in scale.bands], dtype=object)[band_i],
        "decision": np.array(_DECISIONS, dtype=object)[decision_i],
        "reason_1": reasons[0],
        "reason_2": reasons[1],
        "reason_3": reasons[2],
        "reason_4": reasons[3],
        "closure_impact": impact,
    }


def _score_rules(
    prep: _Prepared,
    scorer: RuleScorer,
    as_of: _dt.date,
    memo: dict[float, tuple[float, float, int, int]],
) -> dict[str, np.ndarray]:
    config = scorer.policy.feature_config
    F = compute_features(prep.acc, prep.inq, prep.n, as_of, config)
    rp = _rule_pass(F, scorer)
    scale = scorer.scale
    score, prob, band_i, decision_i = _scores(rp["log_odds"], scale, memo)

    # triggers override the cutoffs: any decline, else a refer turns an approve into refer
    rules = scorer.policy.rules
    for rule, fired in zip(rules, rp["fired"]):
        if rule.trigger_action == "refer":
            decision_i[fired & (decision_i == 0)] = 1
    for rule, fired in zip(rules, rp["fired"]):
        if rule.trigger_action == "decline":
            decision_i[fired] = 2
    decision = np.array(_DECISIONS, dtype=object)[decision_i]
    band = np.array([b.name for b in scale.bands], dtype=object)[band_i]

    # reasons: negative factors summed per code in rule order, ranked as _assess._rank does
    codes = sorted({r.reason for r in rules})
    col = {c: k for k, c in enumerate(codes)}
    totals = np.full((len(codes), prep.n), np.nan)  # code-major: rows are contiguous
    forced = np.zeros((len(codes), prep.n), dtype=bool)
    factor = scorer._factor
    for rule, fired, lo in zip(rules, rp["fired"], rp["lo"]):
        pts = -factor * lo
        neg = fired & (lo != 0.0) & (pts < 0)
        if neg.any():
            k = col[rule.reason]
            cur = totals[k]
            totals[k] = np.where(neg, np.where(np.isnan(cur), pts, cur + pts), cur)
        if rule.trigger_action in ("decline", "refer") and rule.trigger_code in col:
            forced[col[rule.trigger_code]] |= fired
    code_arr = np.array(codes + [None], dtype=object)  # index -1 -> None
    reasons = [code_arr[best] for best in _top_reasons(totals, forced)]

    # closure impact: the same pass on the counterfactual accounts of subjects with closures
    impact = np.zeros(prep.n)
    subjects, cf = _counterfactual(prep, as_of)
    if subjects.size:
        F_cf = compute_features(cf, _subset_inquiries(prep, subjects), subjects.size, as_of, config)
        cf_points = _scores(_rule_pass(F_cf, scorer)["log_odds"], scale, memo)[0]
        impact[subjects] = score[subjects] - cf_points
    return {
        "score": score,
        "probability_of_default": prob,
        "band": band,
        "decision": decision,
        "reason_1": reasons[0],
        "reason_2": reasons[1],
        "reason_3": reasons[2],
        "reason_4": reasons[3],
        "closure_impact": impact,
    }


# ------------------------------------------------------------------------------------------
# Fallback: build profiles and call assess() for other scorers (plugins)
# ------------------------------------------------------------------------------------------
def _inverse(mapping: Mapping[str, int]) -> dict[int, str]:
    return {v: k for k, v in mapping.items()}


def _opt_float(v: float) -> float | None:
    return None if v != v else float(v)


def _opt_int(v: float) -> int | None:
    return None if v != v else int(v)


def _date_of(day: int) -> _dt.date:
    return _dt.date.fromordinal(day + 719163)


def _attribute_values(prep: _Prepared) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in range(prep.n)]
    t = prep.attributes
    if t is None:
        return out
    ga = prep.attr_g
    for column in t.columns:
        if column == "subject_id":
            continue
        raw = t.raw(column)
        arr = raw.to_numpy(dtype=object) if _is_series(raw) else np.asarray(raw, dtype=object)
        miss = _missing_mask(arr)
        for i in np.flatnonzero(~miss):
            v = arr[i]
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and v.is_integer() and abs(v) <= 2**53:
                v = int(v)
            out[int(ga[i])][column] = v  # type: ignore[index]
    return out


def build_profiles(prep: _Prepared) -> list[CreditProfile]:
    """The :class:`CreditProfile` of every subject, in subject order (for the fallback path).

    Raises:
        InvalidInputError: when a subject's data breaks a rule of the model, naming the subject
            by its position in the output.
    """
    acc = prep.acc
    products = list(ProductType)
    statuses = list(AccountStatus)
    inits = list(ClosureInitiator)
    reasons = list(ClosureReason)
    terms = list(TerminationKind)
    kinds = list(InquiryKind)
    per_acc: list[list[CreditAccount]] = [[] for _ in range(prep.n)]
    per_clo: list[list[ClosureEvent]] = [[] for _ in range(prep.n)]
    per_inq: list[list[Inquiry]] = [[] for _ in range(prep.n)]
    aids = prep.account_ids
    problems: list[tuple[str, str]] = []
    for i in range(acc["g"].size):
        s = int(acc["g"][i])
        aid = str(aids[acc["aid"][i]])
        try:
            per_acc[s].append(
                CreditAccount(
                    account_id=aid,
                    product=products[acc["product"][i]],
                    status=statuses[acc["status"][i]],
                    opened_on=_date_of(int(acc["opened"][i])) if acc["opened_known"][i] else None,
                    closed_on=_date_of(int(acc["closed"][i])) if acc["closed_known"][i] else None,
                    credit_limit=_opt_float(acc["limit"][i]),
                    balance=_opt_float(acc["balance"][i]),
                    worst_dpd_24m=_opt_int(acc["dpd"][i]),
                    months_delinquent_24m=_opt_int(acc["months"][i]),
                    max_consecutive_delinquent_24m=_opt_int(acc["consec"][i]),
                )
            )
            if acc["has_event"][i]:
                term = int(acc["ev_termination"][i])
                per_clo[s].append(
                    ClosureEvent(
                        account_id=aid,
                        closed_on=_date_of(int(acc["ev_day"][i])),
                        initiator=inits[acc["ev_initiator"][i]],
                        reason=reasons[acc["ev_reason"][i]],
                        termination=terms[term] if term >= 0 else None,
                        balance_at_closure=_opt_float(acc["ev_balance"][i]),
                        limit_at_closure=_opt_float(acc["ev_limit"][i]),
                        worst_dpd_6m_before=_opt_int(acc["ev_dpd6"][i]),
                    )
                )
        except InvalidInputError as exc:
            problems.extend((f"accounts row {i}.{path}", m) for path, m in exc.problems)
    q = prep.inq
    for i in range(q["g"].size):
        per_inq[int(q["g"][i])].append(
            Inquiry(on=_date_of(int(q["on"][i])), kind=kinds[q["kind"][i]])
        )
    if problems:
        raise InvalidInputError(problems, what="columnar input")
    attrs_ = _attribute_values(prep)
    out = []
    for s in range(prep.n):
        sid = prep.subjects[s]
        try:
            out.append(
                CreditProfile(
                    subject_id=str(sid),
                    accounts=per_acc[s],
                    closures=per_clo[s],
                    inquiries=per_inq[s],
                    attributes=attrs_[s],
                )
            )
        except InvalidInputError as exc:
            raise InvalidInputError(exc.prefixed(f"subject[{s}]"), what="columnar input") from None
    return out


def _batch_results(
    r: Any, method: Any, F: np.ndarray, attrs: list[dict[str, Any]], as_of: _dt.date
) -> list[Any]:
    """Call a plugin's ``score_batch``; its results, checked as ``assess()`` checks
    ``score()``'s. A failure is a ScoringError naming the scorer (bad input passes through)."""
    try:
        out = method(F, attrs, as_of)
    except InvalidInputError:
        raise
    except Exception as exc:
        raise r._error(f"score_batch(): {type(exc).__name__}: {exc}", exc) from exc
    try:
        out = list(out)
    except TypeError:
        raise r._error("score_batch() must return a sequence of ScoreResult") from None
    if len(out) != F.shape[0]:
        raise r._error(f"score_batch() returned {len(out)} results for {F.shape[0]} subjects")
    return [r.checked(x, "score_batch()") for x in out]


def _score_batch_plugin(
    prep: _Prepared, scorer: Any, as_of: _dt.date, compiled: bool
) -> dict[str, np.ndarray]:
    """A plugin with a ``score_batch`` method: one call for the chunk's features and one for
    the counterfactual features, then scores, bands, decisions, reasons and closure impact as
    ``assess()`` makes them from a ScoreResult."""
    from credit_closure._scoring.assess import _decide, _rank, _unique_triggers

    r = resolved(scorer)
    method = r.scorer.score_batch
    F, cf_subjects, F_cf = _features_pair(prep, as_of, compiled)
    attrs = _attribute_values(prep)
    results = _batch_results(r, method, F, attrs, as_of)
    scale = r.scale
    n = prep.n
    cols: dict[str, list[Any]] = {c: [] for c in OUTPUT_COLUMNS[1:]}
    for res in results:
        score, p = scale.scored(res.probability_of_default)
        cols["score"].append(score)
        cols["probability_of_default"].append(p)
        cols["band"].append(scale.band(score))
        cols["decision"].append(_decide(scale, score, _unique_triggers(res.triggers)))
        reasons = _rank(res, r.texts)
        for j in range(4):
            cols[f"reason_{j + 1}"].append(reasons[j].code if j < len(reasons) else None)
    impact = np.zeros(n)
    if cf_subjects.size:
        cf_results = _batch_results(
            r, method, F_cf, [attrs[i] for i in cf_subjects.tolist()], as_of
        )
        scores = cols["score"]
        for i, res in zip(cf_subjects.tolist(), cf_results):
            impact[i] = scores[i] - scale.points(res.probability_of_default)
    out: dict[str, np.ndarray] = {"closure_impact": impact}
    for k, v in cols.items():
        if k in ("score", "probability_of_default"):
            out[k] = np.asarray(v, dtype=float)
        elif k != "closure_impact":
            out[k] = np.asarray(v + [None], dtype=object)[:-1]
    return out


def _score_fallback(prep: _Prepared, scorer: Any, as_of: _dt.date) -> dict[str, np.ndarray]:
    r = resolved(scorer)
    cols: dict[str, list[Any]] = {c: [] for c in OUTPUT_COLUMNS[1:]}
    for profile in build_profiles(prep):
        a = _assess_profile(r, _check_profile(profile, as_of), as_of)
        cols["score"].append(a.score)
        cols["probability_of_default"].append(a.probability_of_default)
        cols["band"].append(a.band)
        cols["decision"].append(a.decision)
        for j in range(4):
            cols[f"reason_{j + 1}"].append(a.reasons[j].code if j < len(a.reasons) else None)
        cols["closure_impact"].append(a.closure_impact)
    out: dict[str, np.ndarray] = {}
    for k, v in cols.items():
        if k in ("score", "probability_of_default", "closure_impact"):
            out[k] = np.asarray(v, dtype=float)
        else:
            out[k] = np.asarray(v + [None], dtype=object)[:-1]
    return out


# ------------------------------------------------------------------------------------------
# Chunks of subjects
# ------------------------------------------------------------------------------------------
def _slice(t: _Table, rows: Any) -> Any:
    """Rows of a table (a slice or an index array), in the table's own container."""
    if t.kind == "pandas":
        return t.table.iloc[rows]
    if t.kind == "arrow":
        if isinstance(rows, slice):
            return t.table.slice(rows.start, rows.stop - rows.start)
        return t.table.take(rows)
    return {k: np.asarray(v)[rows] for k, v in t.table.items()}


def _run_chunked(
    given: dict[str, Any], day: _dt.date, score: Any, chunk_accounts: int, compiled: bool = False
) -> tuple[str, np.ndarray, dict[str, np.ndarray]]:
    """Validate and score the tables in chunks of whole subjects; every problem of every
    chunk is collected (with the input tables' row numbers) before raising."""
    if (
        isinstance(chunk_accounts, bool)
        or not isinstance(chunk_accounts, int)
        or chunk_accounts < 1
    ):
        raise InvalidInputError([("chunk_accounts", "must be a positive integer")], what="argument")
    n_acc = (
        _Table("accounts", given["accounts"], _Problems()).n if given["accounts"] is not None else 0
    )
    if n_acc <= chunk_accounts:
        prep = _prepare(
            given["accounts"],
            given["closures"],
            given["inquiries"],
            given["attributes"],
            day,
            compiled=compiled,
        )
        return prep.kind, prep.subjects, score(prep)

    # subject codes of every row of every table, once
    p = _Problems()
    tables = {k: _Table(k, v, p) for k, v in given.items() if v is not None}
    p.raise_if()
    sids = {k: _ids(t, "subject_id", p) for k, t in tables.items()}
    p.raise_if()
    if len({_id_kind(v) for v in sids.values()}) > 1:  # type: ignore[arg-type]
        p.add("subject_id", "must be of one type (all strings or all integers) in every table")
        p.raise_if()
    g, subjects = _subject_codes(sids)  # type: ignore[arg-type]
    del sids
    per_subject = np.bincount(g["accounts"], minlength=subjects.size)
    ends = np.searchsorted(
        np.cumsum(per_subject),
        np.arange(chunk_accounts, n_acc + chunk_accounts, chunk_accounts),
        side="right",
    )
    bounds = np.unique(np.r_[0, np.minimum(ends, subjects.size), subjects.size])
    order: dict[str, np.ndarray | None] = {}
    for k, codes in g.items():
        order[k] = (
            None
            if codes.size < 2 or np.all(codes[1:] >= codes[:-1])
            else np.argsort(codes, kind="stable")
        )
    sorted_codes = {k: (c if order[k] is None else c[order[k]]) for k, c in g.items()}

    parts: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    kind = tables["accounts"].kind
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        chunk: dict[str, Any] = dict.fromkeys(given)
        chunk_g: dict[str, np.ndarray] = {}
        for k, t in tables.items():
            a, b = np.searchsorted(sorted_codes[k], [lo, hi])
            if order[k] is None:
                chunk[k] = _slice(t, slice(int(a), int(b)))
                p.row_map[k] = np.arange(a, b)
            else:
                rows = order[k][a:b]
                chunk[k] = _slice(t, rows)
                p.row_map[k] = rows
            chunk_g[k] = sorted_codes[k][a:b] - lo
        try:
            prep = _prepare(
                chunk["accounts"],
                chunk["closures"],
                chunk["inquiries"],
                chunk["attributes"],
                day,
                p,
                codes=(chunk_g, subjects[lo:hi]),
                compiled=compiled,
            )
        except InvalidInputError:  # recorded in p; check the other chunks too
            continue
        if not p.found:
            parts.append((prep.subjects, score(prep)))
    p.row_map = {}
    p.raise_if()
    cols = {c: np.concatenate([part[1][c] for part in parts]) for c in OUTPUT_COLUMNS[1:]}
    return kind, np.concatenate([part[0] for part in parts]), cols


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------
def _empty_output(n: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for c in OUTPUT_COLUMNS[1:]:
        out[c] = (
            np.zeros(n)
            if c in ("score", "probability_of_default", "closure_impact")
            else np.full(n, None, dtype=object)
        )
    return out


def _to_container(kind: str, subjects: np.ndarray, cols: dict[str, np.ndarray]) -> Any:
    data = {"subject_id": subjects}
    data.update(cols)
    if kind == "pandas":
        import pandas as pd

        # copy=False: the columns are fresh arrays of ours; no need to consolidate them
        return pd.DataFrame(
            {
                k: pd.Series(data[k], dtype=object, copy=False)
                if data[k].dtype.kind == "O"
                else pd.Series(data[k], copy=False)
                for k in OUTPUT_COLUMNS
            },
            copy=False,
        )
    if kind == "arrow":
        import pyarrow as pa

        arrays = {}
        for k in OUTPUT_COLUMNS:
            v = data[k]
            arrays[k] = (
                pa.array(v.tolist(), type=pa.string()) if v.dtype.kind == "O" else pa.array(v)
            )
        return pa.table(arrays)
    return {k: data[k] for k in OUTPUT_COLUMNS}


def score_columnar(
    accounts: Any,
    closures: Any = None,
    inquiries: Any = None,
    attributes: Any = None,
    *,
    scorer: Any = "rules",
    as_of: Any,
    activity: Any = None,
    chunk_accounts: int = 262_144,
    engine: str = "auto",
) -> Any:
    """Score every subject in long tables; one output row per subject, equal to ``assess()``.

    The built-in scorers are computed on whole chunks of subjects, closure impact included:
    the rule scorer (``"rules"`` or any :class:`~credit_closure.RuleScorer`) and the
    scorecard (``"logistic"`` or any fitted :class:`~credit_closure.LogisticScorer`). Any
    other scorer (a plugin) is called subject by subject through
    :func:`~credit_closure.assess` on profiles built from the rows (slower, same results).

    Args:
        accounts: The accounts table (see the module documentation for the format).
        closures: The closure events table, or ``None``.
        inquiries: The inquiries table, or ``None``.
        attributes: The attributes table (one row per subject), or ``None``.
        scorer: A registered scorer name or a scorer object, as for ``assess``.
        as_of: The assessment date (``date`` or ``"YYYY-MM-DD"``); required, one for all
            subjects, and no date in the tables may be later.
        activity: Not supported; must be ``None`` (see the module documentation).
        chunk_accounts: Subjects are scored in groups of about this many accounts, which
            bounds the working memory (a subject is never split). The result does not
            depend on it.
        engine: How the built-in scorers' features and rules are computed: ``"numba"``
            (one compiled pass per subject; needs numba, which the ``columnar`` extra
            installs; the first call in a new environment compiles it, which takes seconds,
            and numba caches the result on disk), ``"numpy"`` (array operations only) or
            ``"auto"`` (numba when it can be imported, else numpy). The results are the same,
            to the last bit; only the speed differs. A plugin scorer ignores it.

    Returns:
        A table with :data:`OUTPUT_COLUMNS`, one row per subject sorted by ``subject_id``:
        a pandas ``DataFrame`` or pyarrow ``Table`` when ``accounts`` is one, else a dict of
        numpy arrays.

    Raises:
        InvalidInputError: a missing or unknown column, a bad dtype or value (each problem
            names the table, the column and the first few row numbers), or a bad argument.
        ScorerNotFoundError: no scorer has that name.
        ScoringError: a (fallback) scorer failed.

    Example:
        >>> import numpy as np
        >>> from credit_closure.columnar import score_columnar
        >>> accounts = {
        ...     "subject_id": np.array(["s1", "s2", "s2"], dtype=object),
        ...     "account_id": np.array(["a", "a", "b"], dtype=object),
        ...     "product": np.array(["credit_card", "credit_card", "revolving_consumer"], dtype=object),
        ...     "status": np.array(["open", "open", "closed"], dtype=object),
        ...     "opened_on": np.array(["2015-01-01", "2018-01-01", "2019-03-01"], dtype="datetime64[D]"),
        ...     "closed_on": np.array(["NaT", "NaT", "2025-03-01"], dtype="datetime64[D]"),
        ...     "credit_limit": np.array([10000.0, 10000.0, 20000.0]),
        ...     "balance": np.array([8000.0, 4000.0, 0.0]),
        ... }
        >>> out = score_columnar(accounts, as_of="2025-06-30")
        >>> list(out["subject_id"]), [round(float(s), 1) for s in out["score"]]
        (['s1', 's2'], [571.1, 591.3])
        >>> list(out["decision"]), list(out["reason_1"]), [round(float(x), 2) for x in out["closure_impact"]]
        (['refer', 'approve'], ['UTILIZATION_HIGH', 'UTILIZATION_HIGH'], [0.0, -8.66])
    """
    day = _as_of(as_of)
    if activity is not None:
        raise InvalidInputError(
            [
                (
                    "activity",
                    "is not supported by columnar scoring; score profiles with activity "
                    "through assess() or assess_many()",
                )
            ],
            what="argument",
        )
    if engine not in ("auto", "numba", "numpy"):
        raise InvalidInputError(
            [("engine", f"must be 'auto', 'numba' or 'numpy' (got {str(engine)[:40]!r})")],
            what="argument",
        )
    from credit_closure._scoring.registry import resolve

    if engine == "numba" and not _engine().available():
        raise InvalidInputError(
            [
                (
                    "engine",
                    "is 'numba' but numba is not installed (pip install "
                    "'credit-closure[columnar]')",
                )
            ],
            what="argument",
        )
    compiled = engine != "numpy" and _engine().available()
    obj, name, dist, dist_version = resolve(scorer)
    memo: dict[float, tuple[float, float, int, int]] = {}
    logistic_memo: dict[float, tuple[float, float, int, int]] = {}
    if type(obj) is LogisticScorer:
        obj._check_fitted()

    def builtin(prep: _Prepared) -> dict[str, np.ndarray]:
        if type(obj) is RuleScorer:
            if compiled:
                return _score_rules_compiled(prep, obj, day, memo)
            return _score_rules(prep, obj, day, memo)
        return _score_logistic(prep, obj, day, logistic_memo, compiled)

    def score(prep: _Prepared) -> dict[str, np.ndarray]:
        if prep.n == 0:
            return _empty_output(0)
        if type(obj) is RuleScorer or type(obj) is LogisticScorer:
            try:
                return builtin(prep)
            except (ArithmeticError, ValueError) as exc:  # as assess() reports a scorer failure
                if isinstance(exc, InvalidInputError):
                    raise
                raise ScoringError(
                    name,
                    f"{type(exc).__name__}: {exc}",
                    original=exc,
                    distribution=dist,
                    version=dist_version,
                ) from exc
        if callable(getattr(obj, "score_batch", None)):
            return _score_batch_plugin(prep, scorer, day, compiled)
        return _score_fallback(prep, scorer, day)

    given = {
        "accounts": accounts,
        "closures": closures,
        "inquiries": inquiries,
        "attributes": attributes,
    }
    kind, subjects, cols = _run_chunked(given, day, score, chunk_accounts, compiled)
    return _to_container(kind, subjects, cols)


def profiles_to_tables(
    profiles: Sequence[CreditProfile], *, container: str = "pandas"
) -> dict[str, Any]:
    """Flatten profiles into the long format of :func:`score_columnar`.

    Activity records are left out (columnar scoring does not read them). Whole-number fields
    become ``float64`` columns with ``NaN`` for unknown; dates ``datetime64[D]`` with ``NaT``;
    enums and ids strings. Attribute columns hold numbers (``NaN`` when a subject lacks the
    attribute) or, when any value is a string, objects (``None`` when missing).

    Args:
        profiles: The profiles (validated :class:`CreditProfile` objects).
        container: ``"pandas"`` (DataFrames), ``"arrow"`` (pyarrow Tables) or ``"numpy"``
            (dicts of numpy arrays).

    Returns:
        ``{"accounts": ..., "closures": ..., "inquiries": ..., "attributes": ...}``.

    Raises:
        InvalidInputError: an unknown container or a non-profile in ``profiles``.

    Example:
        >>> from credit_closure import CreditProfile
        >>> p = CreditProfile.from_dict({"subject_id": "p-1", "accounts": [
        ...     {"account_id": "a1", "product": "credit_card", "status": "open",
        ...      "credit_limit": 10000, "balance": 2500}],
        ...     "attributes": {"city_tier": "1"}})
        >>> t = profiles_to_tables([p], container="numpy")
        >>> t["accounts"]["balance"].tolist(), t["attributes"]["city_tier"].tolist()
        ([2500.0], ['1'])
    """
    if container not in ("pandas", "arrow", "numpy"):
        raise InvalidInputError(
            [("container", "must be 'pandas', 'arrow' or 'numpy'")], what="argument"
        )
    bad = [
        (f"profiles[{i}]", "must be a CreditProfile")
        for i, p in enumerate(profiles)
        if not isinstance(p, CreditProfile)
    ]
    if bad:
        raise InvalidInputError(bad, what="argument")
    A: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["accounts"]}
    C: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["closures"]}
    Q: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["inquiries"]}
    names: dict[str, None] = {}
    for p in profiles:
        for k in p.attributes:
            names.setdefault(k, None)
    T: dict[str, list[Any]] = {"subject_id": []}
    T.update({k: [] for k in names if k != "subject_id"})

    def val(v: Any) -> Any:
        if v is None:
            return None
        return getattr(v, "value", v)

    for p in profiles:
        sid = p.subject_id
        for a in p.accounts:
            A["subject_id"].append(sid)
            for c in TABLE_COLUMNS["accounts"][1:]:
                A[c].append(val(getattr(a, c)))
        for e in p.closures:
            C["subject_id"].append(sid)
            for c in TABLE_COLUMNS["closures"][1:]:
                C[c].append(val(getattr(e, c)))
        for q in p.inquiries:
            Q["subject_id"].append(sid)
            Q["on"].append(q.on)
            Q["kind"].append(q.kind.value)
        T["subject_id"].append(sid)
        for k in T:
            if k != "subject_id":
                T[k].append(p.attributes.get(k))

    date_cols = {"opened_on", "closed_on", "on"}
    str_cols = {
        "subject_id",
        "account_id",
        "product",
        "status",
        "provider",
        "initiator",
        "reason",
        "termination",
        "kind",
    }

    def arrays(d: dict[str, list[Any]]) -> dict[str, np.ndarray]:
        out = {}
        for k, v in d.items():
            if k in date_cols:
                out[k] = np.array(
                    [np.datetime64(x, "D") if x is not None else np.datetime64("NaT") for x in v],
                    dtype="datetime64[D]",
                )
            elif k in str_cols or any(isinstance(x, str) for x in v):
                out[k] = np.array(v + [None], dtype=object)[:-1]
            else:
                out[k] = np.array([np.nan if x is None else float(x) for x in v], dtype=float)
        return out

    tables = {
        "accounts": arrays(A),
        "closures": arrays(C),
        "inquiries": arrays(Q),
        "attributes": arrays(T),
    }
    if container == "numpy":
        return tables
    if container == "pandas":
        import pandas as pd

        return {k: pd.DataFrame(v) for k, v in tables.items()}
    import pyarrow as pa

    out = {}
    for k, v in tables.items():
        cols = {}
        for c, arr in v.items():
            if arr.dtype.kind == "O":
                cols[c] = pa.array(arr.tolist())
            elif arr.dtype.kind == "M":
                cols[c] = pa.array(arr, type=pa.date32())
            else:
                cols[c] = pa.array(arr, from_pandas=True)
        out[k] = pa.table(cols) if cols else pa.table({})
    return out
