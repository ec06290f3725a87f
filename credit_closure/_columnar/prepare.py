"""Normalising the checked tables into per-account columns: :func:`_prepare`.

:func:`_prepare` reads the ``accounts``, ``closures``, ``inquiries`` and ``attributes`` tables
with the column readers of :mod:`credit_closure._columnar.tables` and gives the
:class:`_Prepared` columns both engines score: per account, integer codes, day numbers and
floats, with the account's closure event joined to it; per inquiry, the day and whether it is
hard. It runs in named steps, each with a named result, in the order their problems are
reported; every problem of a step is collected before it stops.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, NamedTuple

import numpy as np

from credit_closure._columnar.numpy_engine import (
    ENUM_CODES,
    N_V1_STATUSES,
    V1_STATUS_CODES,
    day_number,
    v1_codes,
)
from credit_closure._columnar.policy_engine import policy_columns
from credit_closure._columnar.tables import (
    _HARD_KIND,
    _account_codes,
    _check_attributes,
    _compiled,
    _dates,
    _enum,
    _id_kind,
    _ids,
    _numbers,
    _Problems,
    _subject_codes,
    _Table,
    _too_many,
)
from credit_closure._columnar.text import _IdColumn
from credit_closure._columnar.v2 import (
    V2_CODES,
    V2Data,
    account_v2,
    extra_tables,
    mark_v2_subjects,
    summary_rule,
)
from credit_closure._contract.model import Limits


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
        #: contract v2 content and activity records (credit_closure._columnar.v2)
        self.v2: V2Data = V2Data(0, 0)


class _Ids(NamedTuple):
    """The id step of :func:`_prepare`: the subject index of every row of every table, the
    sorted subjects, and the raw account ids of the accounts and closures tables."""

    g: dict[str, np.ndarray]
    subjects: np.ndarray
    aid_a: _IdColumn
    aid_c: _IdColumn | None


class _AccountKeys(NamedTuple):
    """The account keys of :func:`_prepare`: ``subject * width + account code``, unique per
    account, sorted (``order`` makes them sorted, ``None`` when they are already)."""

    code_a: np.ndarray
    code_c: np.ndarray | None
    ids: np.ndarray
    width: int
    sorted_keys: np.ndarray
    order: np.ndarray | None


class _ClosureColumns(NamedTuple):
    """The closures table's columns, read and checked (one value per closure row)."""

    day: np.ndarray
    known: np.ndarray
    initiator: np.ndarray
    reason: np.ndarray
    termination: np.ndarray
    balance: np.ndarray
    limit: np.ndarray
    dpd6: np.ndarray
    kind: np.ndarray  # contract v2: the closure kind's code, -1 unknown


def _read_tables(given: dict[str, Any], p: _Problems, since: int) -> dict[str, _Table]:
    """The tables given (``None`` ones left out); ``accounts`` is required."""
    tables = {name: _Table(name, value, p) for name, value in given.items() if value is not None}
    if "accounts" not in tables:
        p.add("accounts", "is required")
    p.raise_if(since)
    return tables


def _read_ids(
    tables: dict[str, _Table],
    p: _Problems,
    since: int,
    codes: tuple[dict[str, np.ndarray], np.ndarray] | None,
) -> _Ids:
    """Subject and account ids: checked (one type per id column), subjects coded (unless the
    caller gives ``codes``, having checked the subject ids itself)."""
    sids: dict[str, _IdColumn | None] = (
        {} if codes is not None else {n: _ids(t, "subject_id", p) for n, t in tables.items()}
    )
    aid_a = _ids(tables["accounts"], "account_id", p)
    c = tables.get("closures")
    aid_c = _ids(c, "account_id", p) if c is not None else None
    p.raise_if(since)
    assert aid_a is not None  # raise_if raised otherwise
    known = {k: v for k, v in sids.items() if v is not None}
    if len({_id_kind(v) for v in known.values()}) > 1:
        p.add("subject_id", "must be of one type (all strings or all integers) in every table")
    if aid_c is not None and _id_kind(aid_a) != _id_kind(aid_c):
        p.add("closures.account_id", "must be of the same type as accounts.account_id")
    p.raise_if(since)
    g, subjects = _subject_codes(known) if codes is None else codes
    return _Ids(g, subjects, aid_a, aid_c)


def _account_columns(
    a: _Table, g: np.ndarray, n: int, p: _Problems, since: int, as_day: int, compiled: bool
) -> dict[str, np.ndarray]:
    """The accounts table's columns, read and checked against each other (dates in order,
    ``closed_on`` as the status requires, at most ``Limits.MAX_ACCOUNTS`` per subject)."""
    E = ENUM_CODES
    acc: dict[str, np.ndarray | None] = {"g": g}
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
    out = {k: v for k, v in acc.items() if v is not None}
    assert len(out) == len(acc) and od is not None and cd is not None  # raise_if raised
    out["opened"], out["opened_known"] = od
    out["closed"], out["closed_known"] = cd
    st = v1_codes(out["status"], V1_STATUS_CODES, N_V1_STATUSES)  # v2 statuses as their v1
    p.rows(
        "accounts",
        "closed_on",
        out["opened_known"] & out["closed_known"] & (out["closed"] < out["opened"]),
        "is before opened_on",
    )
    p.rows(
        "accounts",
        "closed_on",
        (st == E["status"]["closed"]) & ~out["closed_known"],
        "is required when status is 'closed'",
    )
    p.rows(
        "accounts",
        "closed_on",
        (st == E["status"]["open"]) & out["closed_known"],
        "must be absent when status is 'open'",
    )
    with np.errstate(invalid="ignore"):
        p.rows(
            "accounts",
            "max_consecutive_delinquent_24m",
            out["consec"] > out["months"],
            "is larger than months_delinquent_24m",
        )
    _too_many(p, "accounts", g, n, Limits.MAX_ACCOUNTS, "accounts")
    return out


def _account_keys(ids: _Ids, g: np.ndarray, n: int, n_rows: int, p: _Problems) -> _AccountKeys:
    """The account keys; a (subject, account id) pair given twice is a problem."""
    code_a, code_c, uniques, width = _account_codes(ids.aid_a, ids.aid_c, n)
    key_a = g.astype(np.int64) * width + code_a
    if key_a.size > 1 and not np.all(key_a[1:] > key_a[:-1]):
        korder = np.argsort(key_a, kind="stable")
    else:
        korder = None
    sorted_keys = key_a if korder is None else key_a[korder]
    if korder is not None:
        dup = np.zeros(n_rows, dtype=bool)
        dup[korder[1:][sorted_keys[1:] == sorted_keys[:-1]]] = True
        p.rows("accounts", "account_id", dup, "duplicates an earlier account id of the subject")
    return _AccountKeys(code_a, code_c, uniques, width, sorted_keys, korder)


def _closure_columns(
    c: _Table, p: _Problems, since: int, as_day: int, compiled: bool
) -> _ClosureColumns:
    """The closures table's columns, read and checked one by one."""
    E = ENUM_CODES
    cday = _dates(c, "closed_on", p, required=True, as_day=as_day, compiled=compiled)
    cinit = _enum(
        c, "initiator", E["initiator"], p, required=False, default=E["initiator"]["unknown"]
    )
    creason = _enum(c, "reason", E["reason"], p, required=False, default=E["reason"]["unknown"])
    cterm = _enum(c, "termination", E["termination"], p, required=False, default=-1)
    cbal = _numbers(c, "balance_at_closure", p, compiled=compiled)
    clim = _numbers(c, "limit_at_closure", p, compiled=compiled)
    cdpd = _numbers(c, "worst_dpd_6m_before", p, integer=True, hi=Limits.MAX_DPD, compiled=compiled)
    ckind = _enum(c, "kind", V2_CODES["closure_kind"], p, required=False, default=-1)
    parts = (cday, cinit, creason, cterm, cbal, clim, cdpd, ckind)
    if any(v is None for v in parts):
        p.raise_if(since)
    assert cday is not None and cinit is not None and creason is not None  # raise_if raised
    assert cterm is not None and cbal is not None and clim is not None and cdpd is not None
    assert ckind is not None
    return _ClosureColumns(cday[0], cday[1], cinit, creason, cterm, cbal, clim, cdpd, ckind)


def _closure_events(
    c: _Table,
    g: np.ndarray,
    acc: dict[str, np.ndarray],
    keys: _AccountKeys,
    n: int,
    p: _Problems,
    since: int,
    as_day: int,
    compiled: bool,
) -> dict[str, np.ndarray]:
    """Join every closure event to its account, checked against it: the ``has_event`` and
    ``ev_*`` columns of the accounts (:func:`_no_events` where an account has none)."""
    cols = _closure_columns(c, p, since, as_day, compiled)
    n_acc = acc["g"].size
    assert keys.code_c is not None  # coded with the closures' account ids
    key_c = g.astype(np.int64) * keys.width + keys.code_c
    sorted_keys = keys.sorted_keys
    pos = (
        _compiled().search_sorted(sorted_keys, key_c)
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
    row = pos_c if keys.order is None else keys.order[pos_c]
    row_f = row[found]
    counts = np.bincount(row_f, minlength=n_acc)
    p.rows(
        "closures",
        "account_id",
        found & (counts[row] > 1),
        "has more than one closure event for the account",
    )
    _too_many(p, "closures", g, n, Limits.MAX_CLOSURES, "closures")
    p.rows(
        "closures",
        "account_id",
        found & (V1_STATUS_CODES[acc["status"][row]] == ENUM_CODES["status"]["open"]),
        "names an account whose status is 'open'",
    )
    p.rows(
        "closures",
        "closed_on",
        found & cols.known & acc["opened_known"][row] & (cols.day < acc["opened"][row]),
        "is before the account's opened_on",
    )
    p.rows(
        "closures",
        "closed_on",
        found & cols.known & acc["closed_known"][row] & (cols.day != acc["closed"][row]),
        "differs from the account's closed_on",
    )
    ev = _no_events(n_acc)
    ev["has_event"][row_f] = True
    for name, values in (
        ("ev_day", cols.day),
        ("ev_initiator", cols.initiator),
        ("ev_reason", cols.reason),
        ("ev_termination", cols.termination),
        ("ev_balance", cols.balance),
        ("ev_limit", cols.limit),
        ("ev_dpd6", cols.dpd6),
        ("ev_kind", cols.kind),
    ):
        ev[name][row_f] = values[found]
    return ev


def _no_events(n_acc: int) -> dict[str, np.ndarray]:
    """The ``has_event`` and ``ev_*`` columns of accounts without a closure event."""
    return {
        "has_event": np.zeros(n_acc, dtype=bool),
        "ev_day": np.zeros(n_acc, dtype=np.int64),
        "ev_initiator": np.zeros(n_acc, dtype=np.int8),
        "ev_reason": np.zeros(n_acc, dtype=np.int8),
        "ev_termination": np.full(n_acc, -1, dtype=np.int8),
        "ev_balance": np.full(n_acc, np.nan),
        "ev_limit": np.full(n_acc, np.nan),
        "ev_dpd6": np.full(n_acc, np.nan),
        "ev_kind": np.full(n_acc, -1, dtype=np.int8),
    }


def _inquiry_columns(
    q: _Table | None,
    g: dict[str, np.ndarray],
    n: int,
    p: _Problems,
    since: int,
    as_day: int,
    compiled: bool,
) -> dict[str, np.ndarray]:
    """The inquiries table's columns, read and checked (empty without the table)."""
    if q is None:
        return {
            "g": np.zeros(0, dtype=np.int64),
            "on": np.zeros(0, dtype=np.int64),
            "hard": np.zeros(0, dtype=bool),
            "kind": np.zeros(0, dtype=np.int8),
        }
    qon = _dates(q, "on", p, required=True, as_day=as_day, compiled=compiled)
    qkind = _enum(q, "kind", ENUM_CODES["kind"], p, required=True, default=0)
    if qon is None or qkind is None:
        p.raise_if(since)
    assert qon is not None and qkind is not None  # raise_if raised otherwise
    _too_many(p, "inquiries", g["inquiries"], n, Limits.MAX_INQUIRIES, "inquiries")
    hard = _HARD_KIND[qkind]
    out = {"g": g["inquiries"], "on": qon[0], "hard": hard, "kind": qkind}
    if q.has("institution_type"):  # contract v2
        inst = _enum(
            q, "institution_type", V2_CODES["institution_type"], p, required=False, default=-1
        )
        if inst is None:
            p.raise_if(since)
        assert inst is not None
        out["institution_type"] = inst
    return out


def _check_attribute_rows(t: _Table, ga: np.ndarray, n: int, p: _Problems) -> None:
    """One row per subject, a bounded number of columns, and valid values."""
    counts = np.bincount(ga, minlength=n)
    p.rows("attributes", "subject_id", counts[ga] > 1, "has more than one row for the subject")
    if len(t.columns) - 1 > Limits.MAX_ATTRIBUTES:
        p.add("attributes", f"has more than {Limits.MAX_ATTRIBUTES} attribute columns")
    _check_attributes(t, p)


def _prepare(
    accounts: Any,
    closures: Any,
    inquiries: Any,
    attributes: Any,
    as_of: _dt.date,
    p: _Problems | None = None,
    codes: tuple[dict[str, np.ndarray], np.ndarray] | None = None,
    compiled: bool = False,
    extra: dict[str, Any] | None = None,
) -> _Prepared:
    """Validate and normalise the tables. ``codes``: the subject index of every row of every
    table and the subjects, when the caller has them already (the subject ids were then
    checked by the caller). ``compiled``: use the compiled engine where it has a twin.
    ``extra``: the tables beside the four of v1 (``tables.EXTRA_TABLES``), by name.

    The steps, in the order their problems are reported: the tables (:func:`_read_tables`),
    the ids (:func:`_read_ids`), the accounts (:func:`_account_columns`,
    :func:`_account_keys`), the closures joined to them (:func:`_closure_events`), the
    inquiries (:func:`_inquiry_columns`) and the attributes (:func:`_check_attribute_rows`).
    """
    p = _Problems() if p is None else p
    since = p.count  # a chunk stops on its own problems, not on those of earlier chunks
    as_day = day_number(as_of)
    given = {
        "accounts": accounts,
        "closures": closures,
        "inquiries": inquiries,
        "attributes": attributes,
        **(extra or {}),
    }
    tables = _read_tables(given, p, since)
    a = tables["accounts"]
    out = _Prepared()
    out.kind = a.kind
    ids = _read_ids(tables, p, since, codes)
    out.subjects = ids.subjects
    out.n = n = ids.subjects.size

    acc = _account_columns(a, ids.g["accounts"], n, p, since, as_day, compiled)
    v2 = V2Data(a.n, n)
    account_v2(a, acc, v2, p, since, as_day, compiled)  # contract v2 columns and histories
    acc.update(policy_columns(v2, a.n))  # what the policy v2 features read (issue 15)
    keys = _account_keys(ids, acc["g"], n, a.n, p)
    out.account_ids = keys.ids
    c = tables.get("closures")
    if c is not None:
        acc.update(_closure_events(c, ids.g["closures"], acc, keys, n, p, since, as_day, compiled))
    else:
        acc.update(_no_events(a.n))
    acc["aid"] = keys.code_a
    out.acc = acc

    out.inq = _inquiry_columns(tables.get("inquiries"), ids.g, n, p, since, as_day, compiled)
    # contract v2 tables and activity records (credit_closure._columnar.v2)
    extra_tables(tables, ids.g, acc, ids.aid_a, v2, n, p, since, as_of, compiled)
    closure_v2 = acc["has_event"] & ((acc["ev_initiator"] >= 6) | (acc["ev_kind"] >= 0))
    mark_v2_subjects(acc, v2, out.inq, closure_v2)
    summary_rule(acc, v2, p)
    out.v2 = v2
    t = tables.get("attributes")
    if t is not None:
        _check_attribute_rows(t, ids.g["attributes"], n, p)
        out.attributes = t
        out.attr_g = ids.g["attributes"]
    p.raise_if(since)
    return out
