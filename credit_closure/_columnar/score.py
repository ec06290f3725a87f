"""The driver of columnar scoring: :func:`score_columnar`, chunking and output containers.

:func:`score_columnar` resolves the scorer and the engine, cuts the tables into chunks of
whole subjects (:func:`_run_chunked`), prepares each (:mod:`credit_closure._columnar.tables`),
scores it (:mod:`credit_closure._columnar.engine` or :mod:`credit_closure._columnar.convert`)
and returns one row per subject in the input's container kind. Public through
:mod:`credit_closure.columnar`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from credit_closure._columnar import parallel
from credit_closure._columnar.convert import _score_batch_plugin, _score_fallback
from credit_closure._columnar.engine import _score_logistic, _score_rules, _score_rules_compiled
from credit_closure._columnar.prepare import _prepare, _Prepared
from credit_closure._columnar.tables import (
    EXTRA_TABLES,
    OUTPUT_COLUMNS,
    _compiled,
    _id_kind,
    _ids,
    _Problems,
    _subject_codes,
    _Table,
)
from credit_closure._scorecard.logistic import LogisticScorer
from credit_closure._scoring.assess import _as_of
from credit_closure._scoring.rules import RuleScorer
from credit_closure.exceptions import InvalidInputError, ScoringError


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
    given: dict[str, Any],
    day: _dt.date,
    score: Any,
    chunk_accounts: int,
    compiled: bool = False,
    threads: int = 1,
) -> tuple[str, np.ndarray, dict[str, np.ndarray]]:
    """Validate and score the tables in chunks of whole subjects (on ``threads`` threads,
    see :mod:`credit_closure._columnar.parallel`); every problem of every chunk is collected
    (with the input tables' row numbers) before raising."""
    if (
        isinstance(chunk_accounts, bool)
        or not isinstance(chunk_accounts, int)
        or chunk_accounts < 1
    ):
        raise InvalidInputError([("chunk_accounts", "must be a positive integer")], what="argument")
    # a chunk holds about chunk_accounts rows of accounts and attributes together: an
    # attributes-only table (a scorecard of lender attributes) is cut into chunks too
    n_rows = sum(
        _Table(k, given[k], _Problems()).n
        for k in ("accounts", "attributes")
        if given[k] is not None
    )
    chunk_accounts = parallel.chunk_size(n_rows, chunk_accounts, threads)
    if n_rows <= chunk_accounts or given["accounts"] is None:  # None: _prepare says so
        prep = _prepare(
            given["accounts"],
            given["closures"],
            given["inquiries"],
            given["attributes"],
            day,
            compiled=compiled,
            extra={k: given[k] for k in EXTRA_TABLES if given.get(k) is not None},
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
    bounds, order, sorted_codes = _chunk_plan(g, subjects.size, n_rows, chunk_accounts)

    # every chunk's rows go straight to their place in the output (its subjects are
    # subjects[lo:hi]): no list of parts to concatenate, which would hold the output twice
    cols: dict[str, np.ndarray] = {}
    kind = tables["accounts"].kind

    def prepare(i: int) -> tuple[_Problems, tuple[int, int, _Prepared] | None]:
        lo, hi = bounds[i], bounds[i + 1]
        cp = _Problems()  # this chunk's problems, its rows mapped to the input tables' rows
        chunk: dict[str, Any] = dict.fromkeys(given)
        chunk_g: dict[str, np.ndarray] = {}
        for k, t in tables.items():
            a, b = np.searchsorted(sorted_codes[k], [lo, hi])
            if order[k] is None:
                chunk[k] = _slice(t, slice(int(a), int(b)))
                cp.row_map[k] = np.arange(a, b)
            else:
                rows = order[k][a:b]  # type: ignore[index]  # not None in this branch
                chunk[k] = _slice(t, rows)
                cp.row_map[k] = rows
            chunk_g[k] = sorted_codes[k][a:b] - lo
        try:
            prep = _prepare(
                chunk["accounts"],
                chunk["closures"],
                chunk["inquiries"],
                chunk["attributes"],
                day,
                cp,
                codes=(chunk_g, subjects[lo:hi]),
                compiled=compiled,
                extra={k: chunk[k] for k in EXTRA_TABLES if chunk.get(k) is not None},
            )
        except InvalidInputError:  # recorded in cp; check the other chunks too
            return cp, None
        cp.row_map = {}
        return cp, (int(lo), int(hi), prep)

    parallel.run_chunks(
        bounds.size - 1,
        prepare,
        lambda job: (job[0], job[1], score(job[2])),
        threads,
        p,
        consume=lambda part: _place(cols, part[2], part[0], part[1], subjects.size),
    )
    p.row_map = {}
    p.raise_if()
    return kind, subjects, cols


def _chunk_plan(
    g: dict[str, np.ndarray], n_subjects: int, n_rows: int, chunk_accounts: int
) -> tuple[np.ndarray, dict[str, np.ndarray | None], dict[str, np.ndarray]]:
    """Where the chunks of whole subjects start and end (about ``chunk_accounts`` rows of
    accounts and attributes each), and each table's rows in subject order (``None``: already
    sorted) with their subject codes in that order."""
    per_subject = sum(
        np.bincount(g[k], minlength=n_subjects) for k in ("accounts", "attributes") if k in g
    )
    ends = np.searchsorted(
        np.cumsum(per_subject),
        np.arange(chunk_accounts, n_rows + chunk_accounts, chunk_accounts),
        side="right",
    )
    bounds = np.unique(np.r_[0, np.minimum(ends, n_subjects), n_subjects])
    order: dict[str, np.ndarray | None] = {}
    for k, codes in g.items():
        order[k] = (
            None
            if codes.size < 2 or np.all(codes[1:] >= codes[:-1])
            else np.argsort(codes, kind="stable")
        )
    sorted_codes = {k: (c if order[k] is None else c[order[k]]) for k, c in g.items()}
    return bounds, order, sorted_codes


def _place(
    cols: dict[str, np.ndarray], part: dict[str, np.ndarray], lo: int, hi: int, n: int
) -> None:
    """Write one chunk's output columns into rows ``lo:hi`` of the whole output (made on the
    first chunk; a column is widened when a chunk's values need a wider dtype)."""
    for c in OUTPUT_COLUMNS[1:]:
        values = part[c]
        out = cols.get(c)
        if out is None:
            out = cols[c] = np.empty(n, dtype=values.dtype)
        elif np.result_type(out.dtype, values.dtype) != out.dtype:
            out = cols[c] = out.astype(np.result_type(out.dtype, values.dtype))
        out[lo:hi] = values


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
    overdue_amounts: Any = None,
    special_transactions: Any = None,
    limit_history: Any = None,
    guarantees: Any = None,
    public_records: Any = None,
    chunk_accounts: int = 262_144,
    engine: str = "auto",
    n_jobs: int = 1,
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
        activity: The activity records table (the security features read it), or ``None``.
        overdue_amounts: Contract v2: the amount past due per account and month, or ``None``.
        special_transactions: Contract v2: special transactions per account, or ``None``.
        limit_history: Contract v2: dated limit changes per account, or ``None``.
        guarantees: Contract v2: the subjects' guarantees, or ``None``.
        public_records: Contract v2: the subjects' public records, or ``None``.
        chunk_accounts: Subjects are scored in groups of about this many rows of
            ``accounts`` and ``attributes`` together, which bounds the working memory (a
            subject is never split). The result does not depend on it.
        engine: How the built-in scorers' features and rules are computed: ``"numba"``
            (one compiled pass per subject; needs numba, which the ``columnar`` extra
            installs; the first call in a new environment compiles it, which takes seconds,
            and numba caches the result on disk), ``"numpy"`` (array operations only) or
            ``"auto"`` (numba when it can be imported, else numpy). The results are the same,
            to the last bit; only the speed differs. A plugin scorer ignores it.
        n_jobs: Threads that check and score chunks of subjects at once with the built-in
            scorers on the ``"numba"`` engine: 1 (the default) scores on the calling thread,
            n > 1 on n threads, -1 on one per core. The chunks are then at most a
            ``1 / n_jobs`` share of the accounts (at least 25,000 accounts each: smaller
            inputs are scored on the calling thread). The result is the same, to the last
            bit. The numpy engine and plugin scorers ignore it. On the 2-core development
            machine 2 threads scored 1.6x as many accounts a second as one
            (``benchmarks/bench_batch.py --parts cores``).

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
    if engine not in ("auto", "numba", "numpy"):
        raise InvalidInputError(
            [("engine", f"must be 'auto', 'numba' or 'numpy' (got {str(engine)[:40]!r})")],
            what="argument",
        )
    from credit_closure._scoring.registry import resolve

    if engine == "numba" and not _compiled().available():
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
    parallel.check_n_jobs(n_jobs)
    compiled = engine != "numpy" and _compiled().available()
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
        "activity": activity,
        "overdue_amounts": overdue_amounts,
        "special_transactions": special_transactions,
        "limit_history": limit_history,
        "guarantees": guarantees,
        "public_records": public_records,
    }
    builtin_compiled = compiled and type(obj) in (RuleScorer, LogisticScorer)
    threads = parallel.workers(n_jobs) if builtin_compiled else 1
    kind, subjects, cols = _run_chunked(given, day, score, chunk_accounts, compiled, threads)
    return _to_container(kind, subjects, cols)
