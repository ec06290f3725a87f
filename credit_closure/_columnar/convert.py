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
    EXTRA_TABLES,
    OUTPUT_COLUMNS,
    TABLE_COLUMNS,
    _is_series,
    _missing_mask,
)
from credit_closure._columnar.v2 import V2Data
from credit_closure._contract.enums import (
    ClosureKind,
    InstitutionType,
    LiabilityType,
    LoanClassification,
)
from credit_closure._contract.history import month_of
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


_CLOSURE_KINDS = list(ClosureKind)
_INSTITUTIONS = list(InstitutionType)
_V2_ENUMS: dict[str, list[Any]] = {
    "classification": list(LoanClassification),
    "liability": list(LiabilityType),
    "institution_type": _INSTITUTIONS,
}


def _account_v2(v2: V2Data, i: int) -> dict[str, Any]:
    """The contract v2 fields of account row ``i`` (only those known)."""
    va = v2.acc
    if not va:
        return {}
    out: dict[str, Any] = {}
    for name, members in _V2_ENUMS.items():
        code = int(va[name][i])
        if code >= 0:
            out[name] = members[code]
    if va["current_overdue_amount"][i] == va["current_overdue_amount"][i]:
        out["current_overdue_amount"] = float(va["current_overdue_amount"][i])
    if va["current_overdue_periods"][i] == va["current_overdue_periods"][i]:
        out["current_overdue_periods"] = int(va["current_overdue_periods"][i])
    for name in ("first_delinquency_on", "last_payment_on", "history_end"):
        if va[f"{name}_known"][i]:
            out[name] = _date_of(int(va[name][i]))
    history = va["history"]
    if history is not None and history[i] is not None:
        out["repayment_history"] = h = history[i]
        amounts = v2.overdue.get(i)
        if amounts is not None:
            end = np.datetime64(out["history_end"], "M").astype(np.int64)
            out["overdue_amounts"] = tuple(
                amounts.get(int(end) - len(h) + 1 + k) for k in range(len(h))
            )
    if i in v2.special:
        out["special_transactions"] = tuple(v2.special[i])
    if i in v2.limits:
        out["limit_history"] = tuple(v2.limits[i])
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
                    **_account_v2(prep.v2, i),
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
                        kind=_CLOSURE_KINDS[acc["ev_kind"][i]] if acc["ev_kind"][i] >= 0 else None,
                    )
                )
        except InvalidInputError as exc:
            problems.extend((f"accounts row {i}.{path}", m) for path, m in exc.problems)
    q = prep.inq
    inst = q.get("institution_type")
    for i in range(q["g"].size):
        per_inq[int(q["g"][i])].append(
            Inquiry(
                on=_date_of(int(q["on"][i])),
                kind=kinds[q["kind"][i]],
                institution_type=_INSTITUTIONS[inst[i]]
                if inst is not None and inst[i] >= 0
                else None,
            )
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
                    activity=prep.v2.activity.get(s, ()),
                    guarantees=prep.v2.guarantees.get(s, ()),
                    public_records=prep.v2.public_records.get(s, ()),
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

    Whole-number fields become ``float64`` columns with ``NaN`` for unknown; dates
    ``datetime64[D]`` with ``NaT``; enums, ids and repayment histories strings; activity times
    ISO 8601 strings (their offset kept). Attribute columns hold numbers (``NaN`` when a subject
    lacks the attribute) or, when any value is a string, objects (``None`` when missing). The
    ``activity`` table is there when a profile has activity records; the contract v2 columns
    and tables (``docs/batch-and-distributed.md``, "Contract v2 and activity") when a profile
    is a v2 profile.

    Args:
        profiles: The profiles (validated :class:`CreditProfile` objects).
        container: ``"pandas"`` (DataFrames), ``"arrow"`` (pyarrow Tables) or ``"numpy"``
            (dicts of numpy arrays).

    Returns:
        ``{"accounts": ..., "closures": ..., "inquiries": ..., "attributes": ...}`` and the
        tables of :data:`~credit_closure.columnar.EXTRA_TABLES` it needs, for
        ``score_columnar(**tables, as_of=...)``.

    Raises:
        InvalidInputError: an unknown container, a non-profile in ``profiles``, or a
            profile stating its ``currency`` (the long format has no column for it).

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
    bad.extend(  # not dropped silently: the long format has no column for it
        (
            f"profiles[{i}].currency",
            "is not carried by the long format (a batch is in one currency): leave it out",
        )
        for i, p in enumerate(profiles)
        if isinstance(p, CreditProfile) and p.currency is not None
    )
    if bad:
        raise InvalidInputError(bad, what="argument")
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


_V1_COLUMNS = {
    "accounts": TABLE_COLUMNS["accounts"][:12],
    "closures": TABLE_COLUMNS["closures"][:9],
    "inquiries": TABLE_COLUMNS["inquiries"][:3],
}


def _long_rows(profiles: Sequence[CreditProfile]) -> dict[str, dict[str, list[Any]]]:
    """The rows of the long tables, column by column, as Python values."""
    v2 = any(p.contract_version == 2 for p in profiles)
    cols = TABLE_COLUMNS if v2 else _V1_COLUMNS
    A: dict[str, list[Any]] = {c: [] for c in cols["accounts"]}
    C: dict[str, list[Any]] = {c: [] for c in cols["closures"]}
    Q: dict[str, list[Any]] = {c: [] for c in cols["inquiries"]}
    names: dict[str, None] = {}
    for p in profiles:
        for k in p.attributes:
            names.setdefault(k, None)
    T: dict[str, list[Any]] = {"subject_id": []}
    T.update({k: [] for k in names if k != "subject_id"})
    X: dict[str, dict[str, list[Any]]] = {
        name: {c: [] for c in TABLE_COLUMNS[name]}
        for name in EXTRA_TABLES
        if v2 or (name == "activity" and any(p.activity for p in profiles))
    }
    for p in profiles:
        sid = p.subject_id
        for a in p.accounts:
            A["subject_id"].append(sid)
            for c in cols["accounts"][1:]:
                A[c].append(_cell(getattr(a, c)))
            if v2:
                _account_rows_v2(X, sid, a)
        for e in p.closures:
            C["subject_id"].append(sid)
            for c in cols["closures"][1:]:
                C[c].append(_cell(getattr(e, c)))
        for q in p.inquiries:
            Q["subject_id"].append(sid)
            for c in cols["inquiries"][1:]:
                Q[c].append(_cell(getattr(q, c)))
        T["subject_id"].append(sid)
        for k in T:
            if k != "subject_id":
                T[k].append(p.attributes.get(k))
        if "activity" in X:
            for act in p.activity:
                _append(
                    X["activity"],
                    sid,
                    account_id=act.account_id,
                    at=act.at.isoformat(),
                    kind=act.kind,
                )
        if v2:
            for name, records in (
                ("guarantees", p.guarantees),
                ("public_records", p.public_records),
            ):
                for r in records:
                    _append(X[name], sid, **{c: getattr(r, c) for c in TABLE_COLUMNS[name][1:]})
    return {"accounts": A, "closures": C, "inquiries": Q, "attributes": T, **X}


def _append(table: dict[str, list[Any]], sid: Any, **values: Any) -> None:
    """Append one row (``subject_id`` and the cells given) to a table of columns."""
    table["subject_id"].append(sid)
    for c, v in values.items():
        table[c].append(_cell(v))


def _account_rows_v2(X: dict[str, dict[str, list[Any]]], sid: Any, a: CreditAccount) -> None:
    """The rows of one account in the per-account v2 tables."""
    aid = a.account_id
    for t in a.special_transactions:
        _append(X["special_transactions"], sid, account_id=aid, kind=t.kind, on=t.on,
                amount=t.amount, months=t.months)  # fmt: skip
    for c in a.limit_history:
        _append(X["limit_history"], sid, account_id=aid, on=c.on, limit=c.limit,
                initiator=c.initiator)  # fmt: skip
    if a.overdue_amounts is not None and a.repayment_history is not None:
        n = len(a.repayment_history)
        assert a.history_end is not None  # required with a history
        for k, v in enumerate(a.overdue_amounts):
            if v is not None:
                month = _dt.date.fromisoformat(month_of(a.history_end, n, k) + "-01")
                _append(X["overdue_amounts"], sid, account_id=aid, month=month, amount=v)


_DATE_COLUMNS = frozenset(
    {
        "opened_on",
        "closed_on",
        "on",
        "first_delinquency_on",
        "last_payment_on",
        "history_end",
        "month",
        "ends_on",
    }
)
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
        "classification",
        "liability",
        "institution_type",
        "repayment_history",
        "guarantee_id",
        "party",
        "at",
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
