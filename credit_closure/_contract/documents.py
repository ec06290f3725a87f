"""Strict JSON structuring of the v1 and v2 documents, collecting every problem with its path.

A document is v2 when it says so (top-level ``"contract_version": 2``); without the key (or
with ``1``) it is a v1 document, read exactly as before: a v2 field or a v2 code in it is
refused, naming the field and the version to declare. v2 fields are the ``_V2`` tables below.

Strict means: the string ``"12"`` is not a number, ``true`` is not ``1``, ``3.0`` is not an
integer, dates are ``YYYY-MM-DD`` strings, unknown keys and duplicate keys are errors, and
``NaN``/``Infinity`` are refused. ``null`` is accepted for an optional field and means
"unknown"; :meth:`to_dict` leaves unknown fields out.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from credit_closure._contract.checks import (
    Problem,
    _check_id,
    _key_path,
    _short,
    _to_number,
    _type_name,
)
from credit_closure._contract.enums import AccountStatus, ClosureInitiator, InquiryKind, ProductType
from credit_closure._contract.fastpath import read_profile
from credit_closure._contract.model import (
    ActivityRecord,
    Attributes,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Enterprise,
    Guarantee,
    Inquiry,
    LimitChange,
    Limits,
    Principal,
    PublicRecord,
    SpecialTransaction,
)
from credit_closure._contract.records import (
    MAX_GUARANTEES,
    MAX_LIMIT_CHANGES,
    MAX_PUBLIC_RECORDS,
    MAX_SPECIAL_TRANSACTIONS,
)
from credit_closure._contract.versioning import V2_ACCOUNT_FIELDS
from credit_closure.exceptions import InvalidInputError

_T = TypeVar("_T")

#: Largest JSON document accepted by :func:`loads_document` (bytes).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: Deepest nesting of arrays and objects accepted by :func:`loads_document`.
MAX_NESTING = 32
#: Most array elements and object members in one document accepted by
#: :func:`loads_document`, all levels together (an empty array or object counts as one).
#: The largest profile the contract allows (every list at its maximum, 500 attributes) holds
#: about 421,500; the limit leaves more than twice that (room for enterprises of several such
#: profiles and for monthly histories), while a document packed with small values (an array
#: of 16 MiB of ``0,``, a 16 MiB object of short keys) is refused by one linear count, before
#: ``json.loads`` builds millions of Python objects (about 10 to 40 times the text's size).
MAX_VALUES = 1_000_000

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)

# --- The pre-parse scan: nesting depth and value count, linear time, bounded memory ---------
#: The bytes that shape a JSON document: a string's quotes, the brackets, the separators.
_STRUCTURE = b'"[]{},'
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)
#: Bytes examined per vectorised step of :func:`_scan` (bounds its memory).
_SCAN_CHUNK = 1 << 18
#: Inputs (and structures) at least this long are handled with numpy; shorter ones with
#: ``bytes`` methods and a byte-by-byte walk.
_VECTOR_FROM = 1 << 16
#: Test hook: when set, the walk calls it with the size of each step it takes.
_scan_trace: Callable[[int], None] | None = None


def _scan(raw: bytes, depth_limit: int, value_limit: int) -> str | None:
    """``"depth"`` when arrays/objects nest deeper than ``depth_limit``, ``"values"`` when
    the document holds more than ``value_limit`` array elements and object members (an empty
    container counts as one: each ``,`` and each opening bracket outside strings is one),
    else ``None``; checked before parsing, so that a hostile document cannot exhaust the
    parser.

    Linear in time and memory, whatever the input. The structure (quotes, brackets, commas)
    is taken with ``bytes.translate`` (escaped quotes resolved in the same pass for a large
    text with backslashes); when its counts are within both limits, strings cannot matter
    (they only hide brackets and commas) and nothing more is done. Otherwise, escapes
    resolved, it is walked, tracking whether each byte is inside a string (the parity of the
    quotes seen), the depth and the count. UTF-8 multi-byte sequences never contain these
    ASCII bytes, so bytes are enough.
    """
    resolved = b"\\" not in raw
    if not resolved and len(raw) >= _VECTOR_FROM:
        structure, resolved = _structure_vectorised(raw), True
    else:
        structure = raw.translate(None, _NOT_STRUCTURE)
    opens = structure.count(b"[") + structure.count(b"{")
    if opens <= depth_limit and opens + structure.count(b",") <= value_limit:
        return None  # upper bounds: escapes and strings only take brackets and commas away
    if not resolved:
        del structure
        structure = _structure_small(raw)
    del raw
    if len(structure) < _VECTOR_FROM:
        return _walk_small(structure, depth_limit, value_limit)
    return _walk_vectorised(structure, depth_limit, value_limit)


def _structure_small(raw: bytes) -> bytes:
    """The structure of ``raw`` with escapes resolved: ``\\\\`` pairs dropped, then escaped
    quotes (what is left of a backslash run escapes the next byte)."""
    return raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)


def _structure_vectorised(raw: bytes) -> bytes:
    """:func:`_structure_small` in fixed-size steps: in a step where no backslash follows
    another, an escaped quote is a quote right after a backslash, turned into a space with
    numpy (no per-escape work in Python: a document of escaped quotes costs about what
    ``json.loads`` spends on it); a step with runs of backslashes is resolved with ``bytes``
    methods. ``escaping`` carries a backslash that escapes the next step's first byte."""
    import numpy as np  # here, not at import: ``import credit_closure`` stays light

    data = np.frombuffer(raw, dtype=np.uint8)
    parts = []
    escaping = False
    for start in range(0, len(data), _SCAN_CHUNK):
        step = data[start : start + _SCAN_CHUNK]
        slash = step == 92
        if not escaping and not slash.any():
            parts.append(step.tobytes().translate(None, _NOT_STRUCTURE))
            continue
        if (escaping and slash[0]) or bool((slash[1:] & slash[:-1]).any()):
            chunk = step.tobytes()[1:] if escaping else step.tobytes()
            chunk = chunk.replace(b"\\\\", b"")
            escaping = chunk.endswith(b"\\")
            parts.append(chunk.replace(b'\\"', b"").translate(None, _NOT_STRUCTURE))
            continue
        quote = step == 34
        quote[1:] &= slash[:-1]
        quote[0] &= escaping
        escaping = bool(slash[-1])  # not escaped itself: no backslash precedes it
        if quote.any():
            step = step - (quote.view(np.uint8) << 1)  # '"' (34) becomes ' ' (32)
        parts.append(step.tobytes().translate(None, _NOT_STRUCTURE))
    return b"".join(parts)


def _walk_vectorised(structure: bytes, depth_limit: int, value_limit: int) -> str | None:
    """The walk of :func:`_scan` in fixed-size numpy steps, each carrying over whether it
    starts inside a string, at which depth, and the count so far; it stops at the first step
    over a limit and names the limit passed first."""
    import numpy as np

    marks = np.frombuffer(structure, dtype=np.uint8)
    quoted = 0  # 1 while inside a string
    depth = 0
    count = 0
    for start in range(0, len(marks), _SCAN_CHUNK):
        step = marks[start : start + _SCAN_CHUNK]
        if _scan_trace is not None:
            _scan_trace(len(step))
        inside = ((np.cumsum(step == 34, dtype=np.uint8) + quoted) & 1).view(bool)
        opens = (step == 91) | (step == 123)
        delta = opens.view(np.int8) - ((step == 93) | (step == 125)).view(np.int8)
        delta[inside] = 0
        level = np.cumsum(delta, dtype=np.int32)
        level += depth
        opens |= step == 44
        opens &= ~inside
        counted = count + int(np.count_nonzero(opens))
        deep = int(level.max()) > depth_limit
        if deep or counted > value_limit:  # the first in the text, as a byte-by-byte walk
            first_deep = int(np.argmax(level > depth_limit)) if deep else len(step)
            if counted <= value_limit:
                return "depth"
            running = np.cumsum(opens, dtype=np.int32)
            running += count
            return "depth" if first_deep <= int(np.argmax(running > value_limit)) else "values"
        count = counted
        depth = int(level[-1])
        quoted = int(inside[-1])
    return None


def _walk_small(structure: bytes, depth_limit: int, value_limit: int) -> str | None:
    """The walk of :func:`_scan` one byte at a time: no numpy for everyday documents."""
    if _scan_trace is not None:
        _scan_trace(len(structure))
    quoted = False
    depth = 0
    count = 0
    for c in structure:
        if c == 34:
            quoted = not quoted
        elif quoted:
            continue
        elif c == 44:
            count += 1
            if count > value_limit:
                return "values"
        elif c == 91 or c == 123:
            depth += 1
            if depth > depth_limit:
                return "depth"
            count += 1
            if count > value_limit:
                return "values"
        else:
            depth -= 1
    return None


# --- end of the pre-parse scan ---------------------------------------------------------------


def _has_escaped_lone_surrogate(raw: bytes) -> bool:
    """True when a ``\\uXXXX`` escape of ``raw`` decodes to a lone surrogate: a high one not
    followed by a low one, or a low one not preceded by a high one (the pairing rule of the
    parser). A regex over the bytes once escaped backslashes are neutralised (``\\\\`` never
    starts an escape): linear, and no walk over the parsed document."""
    if b"\\" not in raw or _SURROGATE_ESCAPE.search(raw) is None:
        return False
    return _LONE_SURROGATE.search(raw.replace(b"\\\\", b"//")) is not None


_ACCOUNT_FIELDS = {
    "account_id": True,
    "product": True,
    "status": True,
    "provider": False,
    "opened_on": False,
    "closed_on": False,
    "credit_limit": False,
    "balance": False,
    "worst_dpd_24m": False,
    "months_delinquent_24m": False,
    "max_consecutive_delinquent_24m": False,
}
_CLOSURE_FIELDS = {
    "account_id": True,
    "closed_on": True,
    "initiator": False,
    "reason": False,
    "termination": False,
    "balance_at_closure": False,
    "limit_at_closure": False,
    "worst_dpd_6m_before": False,
}
_INQUIRY_FIELDS = {"on": True, "kind": True}
_ACTIVITY_FIELDS = {"account_id": True, "at": True, "kind": True}
_PROFILE_FIELDS = {
    "subject_id": True,
    "accounts": False,
    "closures": False,
    "inquiries": False,
    "activity": False,
    "attributes": False,
}
_PRINCIPAL_FIELDS = {"role": True, "stake": False, "profile": True}
_ENTERPRISE_FIELDS = {"enterprise_id": True, "principals": False, "attributes": False}

# ---- contract v2: the fields each record adds (all optional) ----
_ACCOUNT_V2 = dict.fromkeys(
    (*V2_ACCOUNT_FIELDS, "special_transactions", "limit_history"),
    False,
)
_CLOSURE_V2 = {"kind": False}
_INQUIRY_V2 = {"institution_type": False}
_PROFILE_V2 = dict.fromkeys(("contract_version", "guarantees", "public_records", "currency"), False)
_PRINCIPAL_V2 = {"role_since": False}
_ENTERPRISE_V2 = {
    "contract_version": False,
    "facilities": False,
    "guarantees": False,
    "public_records": False,
    "overdue_interest": False,
    "advances": False,
}
_SPECIAL_FIELDS = {"kind": True, "on": True, "amount": False, "months": False}
_LIMIT_CHANGE_FIELDS = {"on": True, "limit": True, "initiator": False}
_GUARANTEE_FIELDS = {
    "guarantee_id": True,
    "party": True,
    "amount": False,
    "balance": False,
    "classification": False,
    "status": False,
    "institution_type": False,
    "opened_on": False,
    "ends_on": False,
    "overdue_amount": False,
}
_PUBLIC_RECORD_FIELDS = {"kind": True, "on": True, "amount": False, "status": False}

#: (v1 fields, v2 fields) of each record.
_FIELDS_BY_VERSION: dict[str, tuple[dict[str, bool], dict[str, bool]]] = {
    "account": (_ACCOUNT_FIELDS, {**_ACCOUNT_FIELDS, **_ACCOUNT_V2}),
    "closure": (_CLOSURE_FIELDS, {**_CLOSURE_FIELDS, **_CLOSURE_V2}),
    "inquiry": (_INQUIRY_FIELDS, {**_INQUIRY_FIELDS, **_INQUIRY_V2}),
    "profile": (_PROFILE_FIELDS, {**_PROFILE_FIELDS, **_PROFILE_V2}),
    "principal": (_PRINCIPAL_FIELDS, {**_PRINCIPAL_FIELDS, **_PRINCIPAL_V2}),
    "enterprise": (_ENTERPRISE_FIELDS, {**_ENTERPRISE_FIELDS, **_ENTERPRISE_V2}),
}
#: The codes a v1 document may use, for the enum fields contract v2 extended.
_V1_CODES: dict[str, dict[str, frozenset[str]]] = {
    "account": {
        "product": frozenset(m.value for m in list(ProductType)[:7]),
        "status": frozenset(m.value for m in list(AccountStatus)[:5]),
    },
    "closure": {"initiator": frozenset(m.value for m in list(ClosureInitiator)[:6])},
    "inquiry": {"kind": frozenset(m.value for m in list(InquiryKind)[:6])},
}
_DECLARE_V2 = 'is a contract v2 field; declare "contract_version": 2 in the document'

_STRING_FIELDS = {
    "account_id",
    "product",
    "status",
    "provider",
    "opened_on",
    "closed_on",
    "initiator",
    "reason",
    "termination",
    "on",
    "kind",
    "at",
    "role",
    "subject_id",
    "enterprise_id",
    # v2
    "classification",
    "liability",
    "institution_type",
    "first_delinquency_on",
    "last_payment_on",
    "repayment_history",
    "history_end",
    "party",
    "guarantee_id",
    "ends_on",
    "role_since",
    "currency",
}


def _object(
    problems: list[Problem],
    path: str,
    data: Any,
    fields: Mapping[str, bool],
    v2_fields: Mapping[str, bool] | None = None,
    v1_codes: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, Any] | None:
    """Check that ``data`` is an object with known keys and required keys; return kwargs.

    In a v1 document (``v2_fields`` given), a key of ``v2_fields`` is refused as a v2 field,
    and a value of a ``v1_codes`` field outside the v1 codes as a v2 code."""
    if not isinstance(data, Mapping):
        problems.append((path, f"must be an object (got {_type_name(data)})"))
        return None
    ok = True
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            if v2_fields is not None and key in v2_fields:
                problems.append((_key_path(path, key), _DECLARE_V2))
            else:
                problems.append((_key_path(path, key), "is not a known field"))
            ok = False
            continue
        sub = f"{path}.{key}" if path else key
        if value is None:
            if fields[key]:
                problems.append((sub, "is required and must not be null"))
                ok = False
            continue
        if key in _STRING_FIELDS and not isinstance(value, str):
            problems.append((sub, f"must be a string (got {_type_name(value)})"))
            ok = False
            continue
        kwargs[key] = value
    for key, required in fields.items():
        if required and key not in data:
            problems.append((f"{path}.{key}" if path else key, "is required"))
            ok = False
    if v1_codes is not None:  # v2 codes in a v1 document (the v1 fast path: two lookups)
        for key, codes in v1_codes.items():
            value = kwargs.get(key)
            if value is not None and value not in codes and value in _ALL_CODES[key]:
                problems.append(
                    (
                        _key_path(path, key),
                        f'{value!r} is a contract v2 code; declare "contract_version": 2 '
                        "in the document",
                    )
                )
                ok = False
    return kwargs if ok else None


def _build(
    problems: list[Problem], path: str, cls: Callable[..., _T], kwargs: dict[str, Any]
) -> _T | None:
    try:
        return cls(**kwargs)
    except InvalidInputError as exc:
        problems.extend(exc.prefixed(path) if path else exc.problems)
        return None


def _items(
    problems: list[Problem],
    path: str,
    data: Any,
    limit: int,
    one: Callable[[list[Problem], str, Any], Any],
) -> tuple[Any, ...] | None:
    if data is None:
        return ()
    if not isinstance(data, (list, tuple)):
        problems.append((path, f"must be an array (got {_type_name(data)})"))
        return None
    if len(data) > limit:
        problems.append((path, f"has {len(data)} items; the maximum is {limit}"))
        return None
    out = []
    ok = True
    for i, item in enumerate(data):
        built = one(problems, f"{path}[{i}]", item)
        if built is None:
            ok = False
        out.append(built)
    return tuple(out) if ok else None


_ALL_CODES: dict[str, frozenset[str]] = {
    "product": frozenset(m.value for m in ProductType),
    "status": frozenset(m.value for m in AccountStatus),
    "initiator": frozenset(m.value for m in ClosureInitiator),
    "kind": frozenset(m.value for m in InquiryKind),
}

_One = Callable[[list[Problem], str, Any], Any]


def _record(fields: Mapping[str, bool], cls: type) -> _One:
    def one(problems: list[Problem], path: str, data: Any) -> Any:
        kwargs = _object(problems, path, data, fields)
        return None if kwargs is None else _build(problems, path, cls, kwargs)

    return one


def _versioned(
    name: str, cls: type, nested: Mapping[str, tuple[int, _One]] | None = None
) -> tuple[_One, _One]:
    """The (v1, v2) readers of a record; ``nested`` names its lists of v2 records."""
    v1_fields, v2_fields = _FIELDS_BY_VERSION[name]
    codes = _V1_CODES.get(name)

    def v1(problems: list[Problem], path: str, data: Any) -> Any:
        kwargs = _object(problems, path, data, v1_fields, v2_fields, codes)
        return None if kwargs is None else _build(problems, path, cls, kwargs)

    def v2(problems: list[Problem], path: str, data: Any) -> Any:
        kwargs = _object(problems, path, data, v2_fields)
        if kwargs is None:
            if nested and isinstance(data, Mapping):  # still look inside the lists
                for key, (limit, one) in nested.items():
                    if isinstance(data.get(key), (list, tuple)):
                        _items(problems, f"{path}.{key}", data[key], limit, one)
            return None
        if nested:
            ok = True
            for key, (limit, one) in nested.items():
                if key in kwargs:
                    built = _items(problems, f"{path}.{key}", kwargs[key], limit, one)
                    ok = ok and built is not None
                    kwargs[key] = built
            if not ok:
                return None
        return _build(problems, path, cls, kwargs)

    return v1, v2


_special = _record(_SPECIAL_FIELDS, SpecialTransaction)
_limit_change = _record(_LIMIT_CHANGE_FIELDS, LimitChange)
_guarantee = _record(_GUARANTEE_FIELDS, Guarantee)
_public_record = _record(_PUBLIC_RECORD_FIELDS, PublicRecord)
_account, _account_v2 = _versioned(
    "account",
    CreditAccount,
    {
        "special_transactions": (MAX_SPECIAL_TRANSACTIONS, _special),
        "limit_history": (MAX_LIMIT_CHANGES, _limit_change),
    },
)
_closure, _closure_v2 = _versioned("closure", ClosureEvent)
_inquiry, _inquiry_v2 = _versioned("inquiry", Inquiry)
_activity = _record(_ACTIVITY_FIELDS, ActivityRecord)


def _attributes(problems: list[Problem], path: str, data: Any) -> Any:
    if data is None:
        return Attributes()
    found = Attributes.problems(data, path)
    if found:
        problems.extend(found)
        return None
    return Attributes(data)


def _version(problems: list[Problem], path: str, data: Any) -> int:
    """The document's declared contract version (1 when absent); a bad value is reported and
    the document is read as v2 (so that its v2 fields are checked rather than refused)."""
    if not isinstance(data, Mapping) or data.get("contract_version") is None:
        return 1
    v = _to_number(data["contract_version"])  # the one rule for numbers: np.int8(2) is 2
    if v.__class__ is int and v in (1, 2):
        return int(v)
    problems.append(
        (
            f"{path}.contract_version" if path else "contract_version",
            f"must be 1 or 2 (got {_short(v)})",
        )
    )
    return 2


def _profile(
    problems: list[Problem], path: str, data: Any, version: int | None = None
) -> CreditProfile | None:
    """The profile of ``data``, read by the fast reader (each value checked once) when it is
    a valid plain document, else by :func:`_strict_profile`."""
    fast = read_profile(data, version)
    if fast is not None:
        return fast
    return _strict_profile(problems, path, data, version)


def _strict_profile(
    problems: list[Problem], path: str, data: Any, version: int | None = None
) -> CreditProfile | None:
    """The strict reader: every problem of ``data`` with its path, or the profile."""
    own = _version(problems, path, data)
    if version is None:
        version = own
    elif own != version and isinstance(data, Mapping) and "contract_version" in data:
        problems.append(
            (f"{path}.contract_version", f"differs from the document's contract_version {version}")
        )
    v2 = version == 2
    fields = _FIELDS_BY_VERSION["profile"][1] if v2 else _PROFILE_FIELDS
    if not v2:
        fields = {**_PROFILE_FIELDS, "contract_version": False}
    kwargs = _object(problems, path, data, fields, None if v2 else _PROFILE_V2)
    if kwargs is None:
        # Still look inside the lists, so that one call reports as much as possible.
        if not isinstance(data, Mapping):
            return None
        kwargs = {k: v for k, v in data.items() if k in fields}
        failed = True
    else:
        failed = False
    pre = f"{path}." if path else ""
    account = _account_v2 if v2 else _account
    accounts = _items(
        problems, pre + "accounts", kwargs.get("accounts"), Limits.MAX_ACCOUNTS, account
    )
    closures = _items(
        problems,
        pre + "closures",
        kwargs.get("closures"),
        Limits.MAX_CLOSURES,
        _closure_v2 if v2 else _closure,
    )
    inquiries = _items(
        problems,
        pre + "inquiries",
        kwargs.get("inquiries"),
        Limits.MAX_INQUIRIES,
        _inquiry_v2 if v2 else _inquiry,
    )
    activity = _items(
        problems, pre + "activity", kwargs.get("activity"), Limits.MAX_ACTIVITY, _activity
    )
    attributes = _attributes(problems, pre + "attributes", kwargs.get("attributes"))
    extra: dict[str, Any] = {"contract_version": version}
    if v2:
        extra["guarantees"] = _items(
            problems, pre + "guarantees", kwargs.get("guarantees"), MAX_GUARANTEES, _guarantee
        )
        extra["public_records"] = _items(
            problems,
            pre + "public_records",
            kwargs.get("public_records"),
            MAX_PUBLIC_RECORDS,
            _public_record,
        )
        if kwargs.get("currency") is not None:
            extra["currency"] = kwargs["currency"]
    if failed or None in (accounts, closures, inquiries, activity, attributes, *extra.values()):
        if isinstance(kwargs.get("subject_id"), str):  # other types were reported above
            _check_id(problems, pre + "subject_id", kwargs["subject_id"])
        _raw_cross_checks(problems, pre, kwargs)
        return None
    return _build(
        problems,
        path,
        CreditProfile,
        {
            "subject_id": kwargs["subject_id"],
            "accounts": accounts,
            "closures": closures,
            "inquiries": inquiries,
            "activity": activity,
            "attributes": attributes,
            **extra,
        },
    )


def _raw_cross_checks(problems: list[Problem], pre: str, kwargs: Mapping[str, Any]) -> None:
    """Cross-reference account ids on the raw lists, for a profile that could not be built."""
    accounts = kwargs.get("accounts")
    if not isinstance(accounts, (list, tuple)) or len(accounts) > Limits.MAX_ACCOUNTS:
        return
    ids: set[str] = set()
    for i, a in enumerate(accounts):
        aid = a.get("account_id") if isinstance(a, Mapping) else None
        if isinstance(aid, str):
            if aid in ids:
                problems.append(
                    (f"{pre}accounts[{i}].account_id", "duplicates an earlier account id")
                )
            ids.add(aid)
    for name in ("closures", "activity"):
        items = kwargs.get(name)
        if not isinstance(items, (list, tuple)) or len(items) > Limits.MAX_ACTIVITY:
            continue
        for i, r in enumerate(items):
            aid = r.get("account_id") if isinstance(r, Mapping) else None
            if isinstance(aid, str) and aid not in ids:
                problems.append((f"{pre}{name}[{i}].account_id", "names no account in accounts"))


def _principal(problems: list[Problem], path: str, data: Any, version: int = 1) -> Principal | None:
    v1_fields, v2_fields = _FIELDS_BY_VERSION["principal"]
    if version == 2:
        kwargs = _object(problems, path, data, v2_fields)
    else:
        kwargs = _object(problems, path, data, v1_fields, v2_fields)
    if kwargs is None:
        if isinstance(data, Mapping) and "profile" in data:
            _profile(problems, f"{path}.profile", data["profile"], version)
        return None
    profile = _profile(problems, f"{path}.profile", kwargs["profile"], version)
    if profile is None:
        return None
    kwargs["profile"] = profile
    return _build(problems, path, Principal, kwargs)


def profile_from_dict(data: Any, *, strict: bool = False) -> CreditProfile:
    """Build a :class:`CreditProfile` from a v1 or v2 document, or raise listing every
    problem; ``strict``: by the strict reader alone (the fast reader's tests' reference)."""
    problems: list[Problem] = []
    profile = (_strict_profile if strict else _profile)(problems, "", data)
    if problems or profile is None:
        raise InvalidInputError(
            problems or [("", "is not a valid profile")], what="profile document"
        )
    return profile


def strict_profile_from_dict(data: Any) -> CreditProfile:
    return profile_from_dict(data, strict=True)


def enterprise_from_dict(data: Any) -> Enterprise:
    """Build an :class:`Enterprise` from a v1 or v2 document, or raise listing every
    problem."""
    problems: list[Problem] = []
    version = _version(problems, "", data)
    v1_fields, v2_fields = _FIELDS_BY_VERSION["enterprise"]
    if version == 2:
        kwargs = _object(problems, "", data, v2_fields)
    else:
        kwargs = _object(problems, "", data, {**v1_fields, "contract_version": False}, v2_fields)
    source = kwargs if kwargs is not None else (data if isinstance(data, Mapping) else {})

    def principal(problems: list[Problem], path: str, item: Any) -> Any:
        return _principal(problems, path, item, version)

    principals = _items(
        problems, "principals", source.get("principals"), Limits.MAX_PRINCIPALS, principal
    )
    attributes = _attributes(problems, "attributes", source.get("attributes"))
    lists: dict[str, Any] = {}
    if version == 2:
        for key, limit, one in (
            ("facilities", Limits.MAX_ACCOUNTS, _account_v2),
            ("guarantees", MAX_GUARANTEES, _guarantee),
            ("public_records", MAX_PUBLIC_RECORDS, _public_record),
        ):
            if key in source:
                lists[key] = _items(problems, key, source.get(key), limit, one)
    enterprise = None
    if (
        kwargs is not None
        and principals is not None
        and attributes is not None
        and None not in lists.values()
    ):
        kwargs.update(lists)
        kwargs["principals"] = principals
        kwargs["attributes"] = attributes
        kwargs["contract_version"] = version
        enterprise = _build(problems, "", Enterprise, kwargs)
    if problems or enterprise is None:
        raise InvalidInputError(
            problems or [("", "is not a valid enterprise")], what="enterprise document"
        )
    return enterprise


# --------------------------------------------------------------------------------------
# to_dict
# --------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def _record_to_dict(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if value is not None:
            out[name] = _plain(value)
    return out


_V2_ACCOUNT_KEYS = tuple(_FIELDS_BY_VERSION["account"][1])
_V2_CLOSURE_KEYS = tuple(_FIELDS_BY_VERSION["closure"][1])
_V2_INQUIRY_KEYS = tuple(_FIELDS_BY_VERSION["inquiry"][1])
_NESTED = {
    "special_transactions": _SPECIAL_FIELDS,
    "limit_history": _LIMIT_CHANGE_FIELDS,
}


def _account_to_dict(acc: CreditAccount) -> dict[str, Any]:
    out = _record_to_dict(acc, _V2_ACCOUNT_KEYS)
    for key, fields in _NESTED.items():
        items = out.pop(key)
        if items:
            out[key] = [_record_to_dict(x, fields) for x in items]
    if "overdue_amounts" in out:
        out["overdue_amounts"] = list(out["overdue_amounts"])
    return out


def profile_to_dict(profile: CreditProfile) -> dict[str, Any]:
    """Return the document of ``profile`` (v1 for a v1 profile, with ``contract_version`` 2
    and the v2 fields for a v2 profile); unknown (``None``) fields are left out."""
    if profile.contract_version == 2:
        return _profile_to_dict_v2(profile)
    out: dict[str, Any] = {"subject_id": profile.subject_id}
    out["accounts"] = [_record_to_dict(a, _ACCOUNT_FIELDS) for a in profile.accounts]
    out["closures"] = [_record_to_dict(c, _CLOSURE_FIELDS) for c in profile.closures]
    out["inquiries"] = [_record_to_dict(q, _INQUIRY_FIELDS) for q in profile.inquiries]
    out["activity"] = [_record_to_dict(r, _ACTIVITY_FIELDS) for r in profile.activity]
    out["attributes"] = profile.attributes.to_dict()
    return out


def _profile_to_dict_v2(profile: CreditProfile) -> dict[str, Any]:
    out: dict[str, Any] = {"contract_version": 2, "subject_id": profile.subject_id}
    out["accounts"] = [_account_to_dict(a) for a in profile.accounts]
    out["closures"] = [_record_to_dict(c, _V2_CLOSURE_KEYS) for c in profile.closures]
    out["inquiries"] = [_record_to_dict(q, _V2_INQUIRY_KEYS) for q in profile.inquiries]
    out["activity"] = [_record_to_dict(r, _ACTIVITY_FIELDS) for r in profile.activity]
    out["attributes"] = profile.attributes.to_dict()
    out["guarantees"] = [_record_to_dict(g, _GUARANTEE_FIELDS) for g in profile.guarantees]
    out["public_records"] = [
        _record_to_dict(r, _PUBLIC_RECORD_FIELDS) for r in profile.public_records
    ]
    if profile.currency is not None:
        out["currency"] = profile.currency
    return out


def enterprise_to_dict(enterprise: Enterprise) -> dict[str, Any]:
    """Return the document of ``enterprise`` (v1 or v2, as the enterprise is)."""
    v2 = enterprise.contract_version == 2
    principals = []
    for pr in enterprise.principals:
        d: dict[str, Any] = {"role": pr.role.value}
        if pr.stake is not None:
            d["stake"] = pr.stake
        if pr.role_since is not None:
            d["role_since"] = pr.role_since.isoformat()
        d["profile"] = profile_to_dict(pr.profile)
        if v2:
            d["profile"].pop("contract_version", None)  # the document's version applies
        principals.append(d)
    out: dict[str, Any] = {"enterprise_id": enterprise.enterprise_id}
    if v2:
        out = {"contract_version": 2, **out}
    out["principals"] = principals
    out["attributes"] = enterprise.attributes.to_dict()
    if v2:
        out["facilities"] = [_account_to_dict(a) for a in enterprise.facilities]
        out["guarantees"] = [_record_to_dict(g, _GUARANTEE_FIELDS) for g in enterprise.guarantees]
        out["public_records"] = [
            _record_to_dict(r, _PUBLIC_RECORD_FIELDS) for r in enterprise.public_records
        ]
        for key in ("overdue_interest", "advances"):
            value = getattr(enterprise, key)
            if value is not None:
                out[key] = value
    return out


# --------------------------------------------------------------------------------------
# Reading raw documents
# --------------------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a document")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of ``pairs`` (the parser's list for one object), refused when a key is
    repeated. The dict is built in C; only when it came out shorter than the pairs is the
    first repeated key looked for, so the hook adds no per-member work or memory."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return out


class UnreadableFile(Exception):
    """A file that :func:`read_capped` could not read; ``reason`` says why in words that
    name nothing from the path (each loader turns it into its own documented error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_READ_CHUNK = 1 << 20


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the file at ``path``: all of them when there are at most ``limit``, else
    the first ``limit + 1`` (the caller refuses the file; nothing is ever truncated and
    accepted). Read in 1 MiB chunks, so a small file costs a small buffer.

    Raises:
        UnreadableFile: the file cannot be opened or read, or the path is not a valid one (a
            NUL byte, a lone surrogate).
    """
    chunks: list[bytes] = []
    total = 0
    try:
        with open(path, "rb") as fh:
            while total <= limit:
                chunk = fh.read(min(_READ_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or type(exc).__name__) from None
    except (ValueError, UnicodeError):  # a NUL in the path; a path the OS cannot encode
        raise UnreadableFile("the path is not valid") from None
    return b"".join(chunks)


def loads_document(data: bytes | str, *, what: str = "document") -> Any:
    """Parse one JSON document strictly: UTF-8 without BOM, at most
    :data:`MAX_DOCUMENT_BYTES`, nested at most :data:`MAX_NESTING` deep, at most
    :data:`MAX_VALUES` values, no ``NaN``/``Infinity``, no duplicate keys. The size, nesting
    and value limits are checked in one linear pass before the text is parsed.

    Raises:
        InvalidInputError: naming what is wrong with the text.
    """
    text: str | None = None
    if isinstance(data, str):
        try:  # the text is the caller's string: no second copy of it
            raw, text = data.encode("utf-8"), data
        except UnicodeEncodeError:  # lone surrogates: refused below, by their byte
            raw = data.encode("utf-8", "surrogatepass")
    else:
        raw = bytes(data)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(
            [("", f"is {len(raw)} bytes; the maximum is {MAX_DOCUMENT_BYTES}")], what=what
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InvalidInputError(
            [("", "starts with a byte-order mark; save it as UTF-8 without BOM")], what=what
        )
    too_much = _scan(raw, MAX_NESTING, MAX_VALUES)
    if too_much == "depth":
        raise InvalidInputError(
            [("", f"is nested too deeply (more than {MAX_NESTING} levels)")], what=what
        )
    if too_much == "values":
        raise InvalidInputError(
            [
                (
                    "",
                    f"holds more than {MAX_VALUES:,} values (array elements and object "
                    "members); split it into several documents",
                )
            ],
            what=what,
        )
    if text is None:  # decoded after the scan: a refused text never has a decoded copy
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                [("", f"is not valid UTF-8 (byte {exc.start})")], what=what
            ) from None
    if not text or text.isspace():
        raise InvalidInputError([("", "is empty")], what=what)
    lone_surrogate = _has_escaped_lone_surrogate(raw)  # reported once the JSON is valid
    del raw  # our copy (of a ``str``) is not kept while parsing
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise InvalidInputError([("", "is nested too deeply")], what=what) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            [("", f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
            what=what,
        ) from None
    except ValueError as exc:
        raise InvalidInputError([("", f"is not valid JSON: {exc}")], what=what) from None
    if lone_surrogate:
        raise InvalidInputError(
            [("", "contains an escaped lone surrogate (\\ud800-\\udfff): not valid Unicode text")],
            what=what,
        )
    return doc


def json_schema(kind: str = "profile", version: int = 1) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the ``profile`` or ``enterprise`` document of
    contract ``version`` 1 (the default) or 2.

    The schema checks shapes and types; the library checks cross-field rules on top.
    """
    import os

    if kind not in ("profile", "enterprise"):
        raise InvalidInputError([("kind", "must be 'profile' or 'enterprise'")], what="argument")
    if version.__class__ is not int or version not in (1, 2):
        raise InvalidInputError([("version", "must be 1 or 2")], what="argument")
    path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)), "schema", f"{kind}-v{version}.schema.json"
    )
    with open(path, encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema
