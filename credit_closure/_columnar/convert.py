"""Between profiles and tables: :func:`profiles_to_tables`, :func:`build_profiles`, and the
plugin paths that need profiles or per-subject results.

A scorer that is neither built-in rule scorer nor scorecard is called through ``assess`` on
profiles rebuilt from the prepared columns (:func:`_score_fallback`), or, when it has a
``score_batch`` method, on the feature matrix of a chunk (:func:`_score_batch_plugin`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from credit_closure._columnar.engine import _features_pair
from credit_closure._columnar.prepare import _Prepared
from credit_closure._columnar.tables import (
    OUTPUT_COLUMNS,
    TABLE_COLUMNS,
    _is_series,
    _missing_mask,
)
from credit_closure._contract.model import (
    AccountStatus,
    ClosureEvent,
    ClosureInitiator,
    ClosureReason,
    CreditAccount,
    CreditProfile,
    Inquiry,
    InquiryKind,
    ProductType,
    TerminationKind,
)
from credit_closure._contract.versioning import v2_fields_used
from credit_closure._scoring.assess import _assess_profile, _check_profile, resolved
from credit_closure.exceptions import InvalidInputError


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
    v2 = [
        (
            f"profiles[{i}].{path}",
            "is a contract v2 field the long format does not carry yet; score the profile "
            "with assess() or assess_many()",
        )
        for i, p in enumerate(profiles)
        if p.contract_version == 2
        for path in v2_fields_used(p)
    ]
    if v2:
        raise InvalidInputError(v2, what="argument")
    tables = {name: _arrays(rows) for name, rows in _long_rows(profiles).items()}
    if container == "numpy":
        return tables
    if container == "pandas":
        import pandas as pd

        return {k: pd.DataFrame(v) for k, v in tables.items()}
    return _arrow_tables(tables)


def _cell(v: Any) -> Any:
    """A field's value in a long-format cell: an enum's string, else the value."""
    if v is None:
        return None
    return getattr(v, "value", v)


def _long_rows(profiles: Sequence[CreditProfile]) -> dict[str, dict[str, list[Any]]]:
    """The rows of the four long tables, column by column, as Python values."""
    A: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["accounts"]}
    C: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["closures"]}
    Q: dict[str, list[Any]] = {c: [] for c in TABLE_COLUMNS["inquiries"]}
    names: dict[str, None] = {}
    for p in profiles:
        for k in p.attributes:
            names.setdefault(k, None)
    T: dict[str, list[Any]] = {"subject_id": []}
    T.update({k: [] for k in names if k != "subject_id"})
    for p in profiles:
        sid = p.subject_id
        for a in p.accounts:
            A["subject_id"].append(sid)
            for c in TABLE_COLUMNS["accounts"][1:]:
                A[c].append(_cell(getattr(a, c)))
        for e in p.closures:
            C["subject_id"].append(sid)
            for c in TABLE_COLUMNS["closures"][1:]:
                C[c].append(_cell(getattr(e, c)))
        for q in p.inquiries:
            Q["subject_id"].append(sid)
            Q["on"].append(q.on)
            Q["kind"].append(q.kind.value)
        T["subject_id"].append(sid)
        for k in T:
            if k != "subject_id":
                T[k].append(p.attributes.get(k))
    return {"accounts": A, "closures": C, "inquiries": Q, "attributes": T}


_DATE_COLUMNS = frozenset({"opened_on", "closed_on", "on"})
_STRING_COLUMNS = frozenset(
    {
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
)


def _arrays(d: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    """One table's columns as numpy arrays: dates ``datetime64[D]`` (``NaT`` unknown), ids,
    enums and string attributes objects (``None`` missing), numbers floats (``NaN``)."""
    out = {}
    for k, v in d.items():
        if k in _DATE_COLUMNS:
            out[k] = np.array(
                [np.datetime64(x, "D") if x is not None else np.datetime64("NaT") for x in v],
                dtype="datetime64[D]",
            )
        elif k in _STRING_COLUMNS or any(isinstance(x, str) for x in v):
            out[k] = np.array(v + [None], dtype=object)[:-1]
        else:
            out[k] = np.array([np.nan if x is None else float(x) for x in v], dtype=float)
    return out


def _arrow_tables(tables: dict[str, dict[str, np.ndarray]]) -> dict[str, Any]:
    """The tables as pyarrow Tables (dates as ``date32``, nulls where missing)."""
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
