"""Training data from the columnar long format, for
:meth:`~credit_closure._scorecard.logistic.LogisticScorer.fit_tables`.

The tables are those of :func:`credit_closure.columnar.score_columnar` (``accounts``,
``closures``, ``inquiries``, ``attributes``; pandas, pyarrow or dicts of numpy arrays), read
and checked by the columnar engine's own reader (``credit_closure._columnar.prepare``), so a
table that ``score_columnar`` refuses is refused here with the same problems. The features
come from the numpy engine (``credit_closure._columnar.numpy_engine.compute_features``),
which gives the same bits as :func:`credit_closure._scoring.features.extract` on the
profiles the rows describe (``tests/test_engine_agreement.py``), so no profile is built. The
attribute inputs are read column by column, each distinct value once.

The result equals what :meth:`LogisticScorer.fit` makes from the same subjects as profiles:
the training rows are taken in the order of the outcomes (a table with ``subject_id`` and
``outcome``, or a column of the ``attributes`` table), a subject with an outcome but no row
in any table is an empty profile, and every attribute value is read as a profile built from
the row holds it (a whole float is an ``int``, so a forced category ``3.0`` is ``"3"``).

Import note: this module reads the columnar engine, which itself imports the scorecard, so
the engine is imported inside the functions (only when tables are fitted), never at module
level.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from credit_closure._scorecard._validation import Problem, parse_date
from credit_closure._scorecard.fitted import _category
from credit_closure._scorecard.fitting import (
    AttributeColumn,
    AttributeColumns,
    FitRequest,
    TrainingData,
    check_settings,
)
from credit_closure._scoring.scale import DEFAULT_SCALE
from credit_closure.exceptions import InvalidInputError

#: The columns of an outcomes table.
OUTCOME_COLUMNS = ("subject_id", "outcome")


class TableTraining(NamedTuple):
    """Training data read from tables: the rows (outcomes and dates; no profiles), the
    feature matrix (one row per training row) and the attribute inputs."""

    data: TrainingData
    features: np.ndarray
    attributes: AttributeColumns


# --------------------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------------------
def _container_kind(table: Any) -> str:
    module = type(table).__module__.split(".")[0]
    if module == "pandas" and hasattr(table, "columns"):
        return "pandas"
    if module == "pyarrow" and hasattr(table, "column_names"):
        return "arrow"
    if isinstance(table, Mapping):
        return "dict"
    return "unknown"


def _column_names(table: Any, kind: str) -> list[str]:
    if kind == "pandas":
        return [str(c) for c in table.columns]
    if kind == "arrow":
        return list(table.column_names)
    return [str(c) for c in table]


def _column(table: Any, kind: str, name: str) -> np.ndarray:
    """One column as a numpy array (strings as objects, nulls as ``None``/``NaN``)."""
    if kind == "pandas":
        col = table[name]
        out: np.ndarray = col.to_numpy(dtype=object) if col.dtype == object else col.to_numpy()
        return out
    if kind == "arrow":
        import pyarrow as pa

        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            return np.asarray(col.to_pylist(), dtype=object)
        return np.asarray(col.to_numpy(zero_copy_only=False))
    return np.asarray(table[name])


def _without(table: Any, kind: str, name: str) -> Any:
    """``table`` without the column ``name`` (a new container; the caller's is unchanged)."""
    if kind == "pandas":
        return table.drop(columns=[name])
    if kind == "arrow":
        return table.drop([name])
    return {k: v for k, v in table.items() if str(k) != name}


def _id_sample(attributes: Any, ids: np.ndarray) -> np.ndarray:
    """The subject ids whose kind an empty accounts table takes: the attribute table's,
    else the outcomes'."""
    kind = _container_kind(attributes) if attributes is not None else "none"
    if kind not in ("none", "unknown") and "subject_id" in _column_names(attributes, kind):
        return _column(attributes, kind, "subject_id")
    return ids


def _empty_accounts(ids: np.ndarray) -> dict[str, np.ndarray]:
    """An accounts table without rows whose id columns have the kind of ``ids``."""
    dtype = np.int64 if ids.dtype.kind in "iu" else object
    return {
        "subject_id": np.empty(0, dtype=dtype),
        "account_id": np.empty(0, dtype=object),
        "product": np.empty(0, dtype=object),
        "status": np.empty(0, dtype=object),
    }


# --------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------
def _outcome_values(raw: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """The outcomes as int64 0/1, checked in one pass (every bad row named)."""
    path = "outcomes.outcome"
    if raw.dtype.kind == "b":
        return raw.astype(np.int64)
    if raw.dtype.kind in "iuf":
        vals = np.asarray(raw, dtype=float)
        bad = np.flatnonzero(~((vals == 0.0) | (vals == 1.0)))
    else:
        obj = raw.astype(object)
        ok = np.fromiter(
            (
                (not isinstance(v, (str, bytes)))
                and isinstance(v, (int, float, np.integer, np.floating))
                and (v == 0 or v == 1)
                for v in obj.tolist()
            ),
            dtype=bool,
            count=obj.size,
        )
        bad = np.flatnonzero(~ok)
        vals = np.where(ok, obj, 0).astype(float)
    if bad.size:
        rows = ", ".join(str(i) for i in bad[:5].tolist())
        more = f" and {bad.size - 5} more" if bad.size > 5 else ""
        problems.append((path, f"must be 0 or 1 (rows {rows}{more})"))
    y: np.ndarray = (vals == 1.0).astype(np.int64)
    return y


class _Outcomes(NamedTuple):
    ids: np.ndarray
    y: np.ndarray
    attributes: Any  # the attributes table, without the outcome column when it held it


def _read_outcomes(outcomes: Any, attributes: Any, problems: list[Problem]) -> _Outcomes | None:
    """The subject ids and 0/1 outcomes, from an outcomes table or a column of
    ``attributes``; ``None`` after recording the problems."""
    if isinstance(outcomes, str):
        kind = _container_kind(attributes) if attributes is not None else "none"
        if kind in ("none", "unknown"):
            problems.append(
                ("outcomes", "names a column of the attributes table, and there is none")
            )
            return None
        names = _column_names(attributes, kind)
        if outcomes not in names or outcomes == "subject_id":
            problems.append(("outcomes", f"names no attribute column ({outcomes[:64]!r})"))
            return None
        if "subject_id" not in names:
            return None  # the attributes table's own check reports it
        ids = _column(attributes, kind, "subject_id")
        y = _outcome_values(_column(attributes, kind, outcomes), problems)
        return _Outcomes(ids, y, _without(attributes, kind, outcomes))
    kind = _container_kind(outcomes)
    if kind == "unknown":
        problems.append(
            (
                "outcomes",
                "must be a table with subject_id and outcome columns (a pandas DataFrame, "
                "a pyarrow Table or a dict of numpy arrays) or the name of an attribute "
                f"column (got {type(outcomes).__name__})",
            )
        )
        return None
    names = _column_names(outcomes, kind)
    missing = [c for c in OUTCOME_COLUMNS if c not in names]
    for c in missing:
        problems.append((f"outcomes.{c}", "is a required column and is missing"))
    for c in names:
        if c not in OUTCOME_COLUMNS:
            problems.append((f"outcomes.{c[:64]}", "is not a column of the outcomes table"))
    if missing:
        return None
    ids = _column(outcomes, kind, "subject_id")
    y = _outcome_values(_column(outcomes, kind, "outcome"), problems)
    if ids.ndim != 1 or y.shape != ids.shape:
        problems.append(("outcomes", "columns must be one-dimensional arrays of equal length"))
        return None
    return _Outcomes(ids, y, attributes)


def _lookup(subjects: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``ids`` that repeat an earlier row (ascending), and each id's position
    among the sorted, distinct ``subjects`` (``-1``: not there), by hashing (pandas) or,
    without pandas, by sorting."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in every extra that fits tables
        pd = None
    if pd is not None:
        dup_rows = np.flatnonzero(pd.Index(ids).duplicated(keep="first"))
        if dup_rows.size or subjects.size == 0:
            return dup_rows, np.full(ids.size, -1, dtype=np.int64)
        return dup_rows, pd.Index(subjects).get_indexer(ids).astype(np.int64)
    order = np.argsort(ids, kind="stable")
    s = ids[order]
    dup = np.flatnonzero(s[1:] == s[:-1]) if s.size > 1 else np.empty(0, dtype=np.int64)
    if dup.size or subjects.size == 0:
        return np.sort(order[dup + 1]), np.full(ids.size, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(subjects, ids), subjects.size - 1)
    return dup, np.where(subjects[pos] == ids, pos, -1).astype(np.int64)


def _positions(subjects: np.ndarray, ids: np.ndarray, problems: list[Problem]) -> np.ndarray | None:
    """The position of each outcome's subject among the tables' (sorted) subjects, ``-1``
    for a subject in no table; problems for a duplicate, a subject of the tables without an
    outcome, and ids of another type."""
    if ids.dtype.kind == "U":
        ids = ids.astype(object)
    is_int = ids.dtype.kind in "iu"
    if not is_int and ids.dtype.kind != "O":
        problems.append(("outcomes.subject_id", f"must hold strings or integers (got {ids.dtype})"))
        return None
    if subjects.size and (subjects.dtype.kind in "iu") != is_int:
        problems.append(("outcomes.subject_id", "must be of the type of the tables' subject ids"))
        return None
    if not is_int:
        ok = np.fromiter((isinstance(v, str) for v in ids.tolist()), dtype=bool, count=ids.size)
        if not ok.all():
            problems.append(("outcomes.subject_id", "must hold strings or integers"))
            return None
    dup_rows, pos = _lookup(subjects, ids)
    if dup_rows.size:
        rows = ", ".join(str(int(i)) for i in dup_rows[:5].tolist())
        problems.append(("outcomes.subject_id", f"names a subject twice (rows {rows})"))
        return None
    if subjects.size == 0:
        return np.full(ids.size, -1, dtype=np.int64)
    found = pos >= 0
    seen = np.zeros(subjects.size, dtype=bool)
    seen[pos[found]] = True
    if not seen.all():
        n = int((~seen).sum())
        problems.append(
            (
                "outcomes",
                f"has no outcome for {n} subject(s) of the tables; every subject trained on "
                "needs one",
            )
        )
        return None
    return pos


# --------------------------------------------------------------------------------------
# Attributes
# --------------------------------------------------------------------------------------
def _profile_value(v: Any) -> Any:
    """An attribute value as a profile built from the row holds it (a whole float within
    2**53 is an ``int``)."""
    from credit_closure._contract.checks import _to_number

    if not isinstance(v, str):
        v = _to_number(v)
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and v.is_integer() and abs(v) <= 2**53:
            return int(v)
    return v


class _Cells(NamedTuple):
    """One attribute column per subject (in the tables' subject order): numbers (NaN
    missing), or codes (``-1`` missing) into ``uniques``, the column's distinct values."""

    numbers: np.ndarray | None
    codes: np.ndarray | None
    uniques: list[Any]


def _cells(prep: Any, name: str) -> _Cells:
    """The column ``name`` per subject: a numeric column as numbers, any other as the codes
    the columnar reader made when it checked the column (each distinct value once)."""
    from credit_closure._columnar.tables import _is_series, _value_codes

    t = prep.attributes
    g = prep.attr_g
    if t is None or name not in t.columns:
        return _Cells(np.full(prep.n, np.nan), None, [])
    raw = t.raw(name)
    dtype = raw.dtype if _is_series(raw) else np.asarray(raw).dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        arr = raw.to_numpy() if _is_series(raw) else np.asarray(raw)
        vals = np.asarray(arr, dtype=float)
        ok = ~np.isnan(vals)
        out = np.full(prep.n, np.nan)
        out[g[ok]] = vals[ok]
        return _Cells(out, None, [])
    row_codes, uniques = _value_codes(t, name)
    codes = np.full(prep.n, -1, dtype=np.int64)
    present = row_codes >= 0
    codes[g[present]] = row_codes[present]
    return _Cells(None, codes, list(uniques))


def _has_value(cells: _Cells) -> bool:
    """Whether any subject has a value in the column."""
    if cells.codes is not None:
        return bool((cells.codes >= 0).any())
    assert cells.numbers is not None
    return bool((~np.isnan(cells.numbers)).any())


def _attribute_column(
    name: str, cells: _Cells, take: np.ndarray, forced: bool, problems: list[Problem]
) -> AttributeColumn | None:
    """One attribute input of the training rows (``take``: each row's subject position,
    ``-1`` for a subject in no table), as
    :func:`~credit_closure._scorecard.fitting.attribute_columns` reads it from profiles
    (categorical when forced or when it holds strings, else numeric with NaN for missing;
    numbers and strings mixed are a problem)."""
    empty = take < 0
    at = np.where(empty, 0, take)
    if cells.codes is None:
        assert cells.numbers is not None
        nums_all = cells.numbers if cells.numbers.size else np.full(1, np.nan)
        vals = np.where(empty, np.nan, nums_all[at])
        if not forced:
            return AttributeColumn(False, vals)
        have = ~np.isnan(vals)
        codes = np.full(vals.size, -1, dtype=np.int64)
        present = np.flatnonzero(have)
        uniq_raw: list[Any] = []
        if present.size:
            from credit_closure._columnar.text import _distinct

            sub, uniq_raw = _distinct(vals[present].astype(object))
            codes[present] = sub
    else:
        all_codes = cells.codes if cells.codes.size else np.full(1, -1, dtype=np.int64)
        codes = np.where(empty, -1, all_codes[at])
        uniq_raw = cells.uniques
    uniq = [_profile_value(u) for u in uniq_raw]
    is_str = [isinstance(u, str) for u in uniq]
    used = np.zeros(len(uniq), dtype=bool)
    used[codes[codes >= 0]] = True
    if forced:
        labels = [u if st else _category(u) for u, st in zip(uniq, is_str)]
        return AttributeColumn(True, np.array(labels + [None], dtype=object)[codes])
    any_str = any(st for st, u in zip(is_str, used) if u)
    all_str = all(st for st, u in zip(is_str, used) if u)
    if any_str and not all_str:
        problems.append(
            (
                f"attributes.{name}",
                "holds both numbers and strings across profiles; make it one "
                "type, or name it in categorical=[...]",
            )
        )
        return None
    if any_str:
        return AttributeColumn(True, np.array(uniq + [None], dtype=object)[codes])
    nums = np.array([float(u) if ok else np.nan for u, ok in zip(uniq, used)] + [np.nan])
    return AttributeColumn(False, nums[codes])


def _attribute_inputs(
    prep: Any, rows: np.ndarray, attributes: Any, categorical: Any
) -> AttributeColumns:
    """The attribute inputs of the training rows (``rows``: each row's subject position,
    ``-1`` for a subject in no table)."""
    if attributes is None:
        return AttributeColumns({}, [])
    table_names = [
        c for c in (prep.attributes.columns if prep.attributes else []) if c != "subject_id"
    ]
    cells = {name: _cells(prep, name) for name in table_names}
    if attributes == "auto":
        names = sorted(n for n in table_names if _has_value(cells[n]))
    else:
        names = sorted(attributes)
    forced = set(categorical or ())
    out: dict[str, AttributeColumn] = {}
    problems: list[Problem] = []
    for name in names:
        got = cells.get(name, _Cells(np.full(prep.n, np.nan), None, []))
        col = _attribute_column(name, got, rows, name in forced, problems)
        if col is not None:
            out[name] = col
    return AttributeColumns(out, problems)


# --------------------------------------------------------------------------------------
# The training data
# --------------------------------------------------------------------------------------
def _checked_date(as_of: Any) -> _dt.date:
    problems: list[Problem] = []
    if isinstance(as_of, (list, tuple)):
        problems.append(("as_of", "must be one date for every subject of the tables"))
        day = None
    else:
        day = parse_date(as_of, "as_of", problems)
    if problems or day is None:
        raise InvalidInputError(problems, what="training data")
    return day


def table_training(
    tables: Mapping[str, Any],
    outcomes: Any,
    as_of: Any,
    attributes_param: Any,
    categorical: Any,
    problems: list[Problem],
) -> TableTraining:
    """Read and check the tables and the outcomes; raises listing every problem (with
    ``problems``, those found before) at once."""
    from credit_closure._columnar.numpy_engine import compute_features
    from credit_closure._columnar.prepare import _prepare
    from credit_closure._columnar.report_features import report_features_columnar
    from credit_closure._contract.model import CreditProfile
    from credit_closure._scoring.features import DEFAULT_CONFIG, extract

    day = _checked_date(as_of)
    got = _read_outcomes(outcomes, tables.get("attributes"), problems)
    if got is None or problems:
        raise InvalidInputError(problems, what="training data")
    y = got.y
    if y.size < 2:
        problems.append(("outcomes", f"needs at least 2 subjects (got {y.size})"))
    elif y.min() == y.max():
        problems.append(("outcomes", f"must contain both classes 0 and 1 (found only {y[0]})"))
    accounts = tables.get("accounts")
    if accounts is None:
        accounts = _empty_accounts(_id_sample(got.attributes, got.ids))
    if problems:
        raise InvalidInputError(problems, what="training data")
    prep = _prepare(accounts, tables.get("closures"), tables.get("inquiries"), got.attributes, day)
    rows = _positions(prep.subjects, got.ids, problems)
    if rows is None or problems:
        raise InvalidInputError(problems, what="training data")
    report = report_features_columnar(prep.acc, prep.v2, prep.n, day, DEFAULT_CONFIG)
    F = compute_features(prep.acc, prep.inq, prep.n, day, DEFAULT_CONFIG, report)
    if (rows < 0).any():
        blank = np.asarray(extract(CreditProfile(subject_id="-"), day), dtype=np.float64)
        F = np.vstack([F, blank[None, :]])
        rows_f = np.where(rows < 0, prep.n, rows)
    else:
        rows_f = rows
    columns = _attribute_inputs(prep, rows, attributes_param, categorical)
    if columns.problems:
        raise InvalidInputError(columns.problems, what="training data")
    n = int(y.size)
    data = TrainingData([], y.tolist(), [day] * n)
    return TableTraining(data, np.ascontiguousarray(F[rows_f]), columns)


def check_table_request(
    params: Mapping[str, Any],
    *,
    scale: Any,
    reason_texts: Any,
    tables: Mapping[str, Any],
    outcomes: Any,
    as_of: Any,
    training_note: Any,
) -> FitRequest:
    """The checked fit request from tables; raises listing every problem of the parameters
    and the data at once (the tables' own problems as ``score_columnar`` reports them)."""
    params, texts, problems = check_settings(
        params, scale=scale, reason_texts=reason_texts, training_note=training_note
    )
    given = {k: v for k, v in tables.items() if v is not None}
    training = table_training(
        given, outcomes, as_of, params["attributes"], params["categorical"], problems
    )
    return FitRequest(
        params=params,
        scale=scale if scale is not None else DEFAULT_SCALE,
        texts=texts,
        data=training.data,
        attributes=training.attributes.columns,
        training_note=training_note,
        features=training.features,
    )
