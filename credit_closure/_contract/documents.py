"""Strict JSON structuring of the v1 documents, collecting every problem with its path.

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

from credit_closure._contract.checks import Problem, _check_id, _key_path, _type_name
from credit_closure._contract.model import (
    ActivityRecord,
    Attributes,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Enterprise,
    Inquiry,
    Limits,
    Principal,
)
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
}


def _object(
    problems: list[Problem], path: str, data: Any, fields: Mapping[str, bool]
) -> dict[str, Any] | None:
    """Check that ``data`` is an object with known keys and required keys; return kwargs."""
    if not isinstance(data, Mapping):
        problems.append((path, f"must be an object (got {_type_name(data)})"))
        return None
    ok = True
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
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


def _record(fields: Mapping[str, bool], cls: type) -> Callable[[list[Problem], str, Any], Any]:
    def one(problems: list[Problem], path: str, data: Any) -> Any:
        kwargs = _object(problems, path, data, fields)
        return None if kwargs is None else _build(problems, path, cls, kwargs)

    return one


_account = _record(_ACCOUNT_FIELDS, CreditAccount)
_closure = _record(_CLOSURE_FIELDS, ClosureEvent)
_inquiry = _record(_INQUIRY_FIELDS, Inquiry)
_activity = _record(_ACTIVITY_FIELDS, ActivityRecord)


def _attributes(problems: list[Problem], path: str, data: Any) -> Any:
    if data is None:
        return Attributes()
    found = Attributes.problems(data, path)
    if found:
        problems.extend(found)
        return None
    return Attributes(data)


def _profile(problems: list[Problem], path: str, data: Any) -> CreditProfile | None:
    kwargs = _object(problems, path, data, _PROFILE_FIELDS)
    if kwargs is None:
        # Still look inside the lists, so that one call reports as much as possible.
        if not isinstance(data, Mapping):
            return None
        kwargs = {k: v for k, v in data.items() if k in _PROFILE_FIELDS}
        failed = True
    else:
        failed = False
    pre = f"{path}." if path else ""
    accounts = _items(
        problems, pre + "accounts", kwargs.get("accounts"), Limits.MAX_ACCOUNTS, _account
    )
    closures = _items(
        problems, pre + "closures", kwargs.get("closures"), Limits.MAX_CLOSURES, _closure
    )
    inquiries = _items(
        problems, pre + "inquiries", kwargs.get("inquiries"), Limits.MAX_INQUIRIES, _inquiry
    )
    activity = _items(
        problems, pre + "activity", kwargs.get("activity"), Limits.MAX_ACTIVITY, _activity
    )
    attributes = _attributes(problems, pre + "attributes", kwargs.get("attributes"))
    if failed or None in (accounts, closures, inquiries, activity, attributes):
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


def _principal(problems: list[Problem], path: str, data: Any) -> Principal | None:
    kwargs = _object(problems, path, data, _PRINCIPAL_FIELDS)
    if kwargs is None:
        if isinstance(data, Mapping) and "profile" in data:
            _profile(problems, f"{path}.profile", data["profile"])
        return None
    profile = _profile(problems, f"{path}.profile", kwargs["profile"])
    if profile is None:
        return None
    kwargs["profile"] = profile
    return _build(problems, path, Principal, kwargs)


def profile_from_dict(data: Any) -> CreditProfile:
    """Build a :class:`CreditProfile` from a v1 document, or raise listing every problem."""
    problems: list[Problem] = []
    profile = _profile(problems, "", data)
    if problems or profile is None:
        raise InvalidInputError(
            problems or [("", "is not a valid profile")], what="profile document"
        )
    return profile


def enterprise_from_dict(data: Any) -> Enterprise:
    """Build an :class:`Enterprise` from a v1 document, or raise listing every problem."""
    problems: list[Problem] = []
    kwargs = _object(problems, "", data, _ENTERPRISE_FIELDS)
    source = kwargs if kwargs is not None else (data if isinstance(data, Mapping) else {})
    principals = _items(
        problems, "principals", source.get("principals"), Limits.MAX_PRINCIPALS, _principal
    )
    attributes = _attributes(problems, "attributes", source.get("attributes"))
    enterprise = None
    if kwargs is not None and principals is not None and attributes is not None:
        kwargs["principals"] = principals
        kwargs["attributes"] = attributes
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


def profile_to_dict(profile: CreditProfile) -> dict[str, Any]:
    """Return the v1 document of ``profile``; unknown (``None``) fields are left out."""
    out: dict[str, Any] = {"subject_id": profile.subject_id}
    out["accounts"] = [_record_to_dict(a, _ACCOUNT_FIELDS) for a in profile.accounts]
    out["closures"] = [_record_to_dict(c, _CLOSURE_FIELDS) for c in profile.closures]
    out["inquiries"] = [_record_to_dict(q, _INQUIRY_FIELDS) for q in profile.inquiries]
    out["activity"] = [_record_to_dict(r, _ACTIVITY_FIELDS) for r in profile.activity]
    out["attributes"] = profile.attributes.to_dict()
    return out


def enterprise_to_dict(enterprise: Enterprise) -> dict[str, Any]:
    """Return the v1 document of ``enterprise``."""
    principals = []
    for pr in enterprise.principals:
        d: dict[str, Any] = {"role": pr.role.value}
        if pr.stake is not None:
            d["stake"] = pr.stake
        d["profile"] = profile_to_dict(pr.profile)
        principals.append(d)
    return {
        "enterprise_id": enterprise.enterprise_id,
        "principals": principals,
        "attributes": enterprise.attributes.to_dict(),
    }


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


def json_schema(kind: str = "profile") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the v1 ``profile`` or ``enterprise`` document.

    The schema checks shapes and types; the library checks cross-field rules on top.
    """
    import os

    if kind not in ("profile", "enterprise"):
        raise InvalidInputError([("kind", "must be 'profile' or 'enterprise'")], what="argument")
    path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)), "schema", f"{kind}-v1.schema.json"
    )
    with open(path, encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema
