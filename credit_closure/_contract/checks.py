"""The contract's documented limits, and the converters and checks its records are built from.

Converters never raise: a value they cannot convert is kept (a bad date string as
``_Unparsed``) for the checks to report. Checks append ``(path, message)`` problems to a list,
so a record reports *every* problem at once; :func:`_raise_if` turns a non-empty list into an
:class:`InvalidInputError`. Used by :mod:`credit_closure._contract.model`,
:mod:`credit_closure._contract.attributes` and :mod:`credit_closure._contract.documents`.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from credit_closure.exceptions import InvalidInputError

__all__ = ["Limits", "Problem"]

#: One problem: the path of the field and the message.
Problem = tuple[str, str]


# --------------------------------------------------------------------------------------
# Resource limits (documented in docs/json-contract.md; enforced before any deep work)
# --------------------------------------------------------------------------------------
class Limits:
    """Documented maximums, enforced with :class:`InvalidInputError` on construction.

    They keep a hostile or broken document from exhausting memory or time.
    """

    MAX_ACCOUNTS = 500
    MAX_CLOSURES = 500
    MAX_INQUIRIES = 5_000
    MAX_ACTIVITY = 100_000
    MAX_ATTRIBUTES = 500
    MAX_PRINCIPALS = 200
    MAX_ID_LENGTH = 128
    MAX_STRING_LENGTH = 256
    MAX_AMOUNT = 1e13
    MAX_DPD = 36_500
    MIN_DATE = _dt.date(1900, 1, 1)


# --------------------------------------------------------------------------------------
# Converters (never raise: a value they cannot convert is left for the checks to report)
# --------------------------------------------------------------------------------------
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
)
#: Control characters: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Lone surrogates (U+D800-U+DFFF): a Python ``str`` holding one cannot be encoded as UTF-8.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
#: The one rule for ids and names, on every path (see :func:`_text_problem`).
_BAD_TEXT_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: The messages of the rule, shared by every path that applies it.
CONTROL_MESSAGE = "must not contain control characters (U+0000-U+001F, U+007F-U+009F)"
SURROGATE_MESSAGE = "must be valid Unicode text (no lone surrogates)"


class _Unparsed(str):
    """A string that failed to parse; kept so the check can report it."""


def _to_date(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, _Unparsed):
        if _DATE_RE.match(value):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        return _Unparsed(value)
    return value


def _to_optional_date(value: Any) -> Any:
    return None if value is None else _to_date(value)


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, _Unparsed):
        if _DATETIME_RE.match(value):
            text = value[:-1] + "+00:00" if value.endswith("Z") else value
            try:
                return _dt.datetime.fromisoformat(text)
            except ValueError:
                pass
        return _Unparsed(value)
    return value


def _to_tuple(value: Any) -> Any:
    if isinstance(value, tuple):
        return value
    if isinstance(value, (list, Iterator)) or (
        isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping))
    ):
        return tuple(value)
    return value


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------
def _type_name(value: Any) -> str:
    """The JSON name of a value's type, for messages (``"string"``, ``"boolean"``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _short(value: Any, limit: int = 40) -> str:
    """A value for a message, cut to ``limit`` characters and escaped (``repr``: controls and
    lone surrogates appear as ``\\x85``, ``\\ud800``, so the message is always valid UTF-8
    and one line). A 4,000-digit number stays short, and is never turned into its digits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        digits = int(value.bit_length() * 0.30103) + 1
        text = f"{'-' if value < 0 else ''}an integer of about {digits} digits"
    elif isinstance(value, str):
        text = repr(value[:limit])
    elif value is None or isinstance(value, (int, float)):
        text = repr(value)
    else:  # a container or an object: its kind, never its (possibly huge or deep) content
        text = f"an {_type_name(value)}" if _type_name(value)[0] in "aeiou" else _type_name(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text_problem(value: str) -> str | None:
    """The one rule for ids and names (API, JSON, CLI, columnar, policies, artifacts): the
    message when ``value`` holds a control character (C0, DEL or C1) or a lone surrogate,
    else ``None``."""
    found = _BAD_TEXT_RE.search(value)
    if found is None:
        return None
    return SURROGATE_MESSAGE if found.group() >= "\ud800" else CONTROL_MESSAGE


#: Tab, line feed and carriage return, which documentation text may hold, as spaces.
_LINE_BREAKS = str.maketrans("\t\n\r", "   ")


def _doc_text_problem(value: str) -> str | None:
    """The rule for documentation text (a policy's description, a rule's rationale, an
    artifact's training notes): as for names, except that tab and line breaks are allowed."""
    message = _text_problem(value.translate(_LINE_BREAKS))
    return None if message is None else message + " (tab and line breaks are allowed in text)"


def _text_problems(texts: list[str]) -> list[str | None]:
    """:func:`_text_problem` of each of ``texts``, with one regex pass over them all when
    none has a problem (the common case: a column of a million ids costs one C-level scan)."""
    if _BAD_TEXT_RE.search("".join(texts)) is None:
        return [None] * len(texts)
    return list(map(_text_problem, texts))


#: A key shown as it is in a problem path; any other key is shown escaped, in brackets.
_PLAIN_KEY_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")


def _key_path(path: str, key: Any) -> str:
    """The path of ``key`` inside ``path``, the one rule for every problem path that names a
    key the caller wrote: ``path.key`` for a plain key (1-64 ASCII letters, digits, ``_``,
    ``-``), else ``path[<the key escaped and cut>]``, so that a key can forge no line, terminal
    escape, bidi override or path separator in a message, and the path is always UTF-8."""
    if isinstance(key, str) and _PLAIN_KEY_RE.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{_short(key, 60)}]"


def _check_id(problems: list[Problem], path: str, value: Any) -> None:
    if not isinstance(value, str) or not value:
        problems.append((path, "must be a non-empty string"))
    elif len(value) > Limits.MAX_ID_LENGTH:
        problems.append((path, f"is longer than {Limits.MAX_ID_LENGTH} characters"))
    else:
        _check_text(problems, path, value)


def _check_text(problems: list[Problem], path: str, value: str) -> bool:
    """Report ``value`` when it breaks the one rule for ids and names; True when it is clean."""
    message = _text_problem(value)
    if message is not None:
        problems.append((path, message))
    return message is None


def _check_enum(problems: list[Problem], path: str, value: Any, enum_cls: type[enum.Enum]) -> None:
    if not isinstance(value, enum_cls):
        allowed = ", ".join(m.value for m in enum_cls)
        if isinstance(value, str):
            problems.append((path, f"is not one of: {allowed} (got {value[:40]!r})"))
        else:
            problems.append((path, f"must be one of: {allowed} (got {_type_name(value)})"))


def _check_date(problems: list[Problem], path: str, value: Any, *, optional: bool) -> bool:
    """Report a bad date; return True when ``value`` is a usable date."""
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return False
    if isinstance(value, _Unparsed):
        problems.append((path, f"is not a valid date in YYYY-MM-DD form (got {value[:40]!r})"))
        return False
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        problems.append((path, f"must be a date in YYYY-MM-DD form (got {_type_name(value)})"))
        return False
    if value < Limits.MIN_DATE:
        problems.append((path, f"is before {Limits.MIN_DATE.isoformat()}"))
        return False
    return True


def _check_amount(problems: list[Problem], path: str, value: Any, *, optional: bool = True) -> None:
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append((path, f"must be a number (got {_type_name(value)})"))
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append((path, f"must be a finite number (got {_short(value)})"))
    elif value < 0:
        problems.append((path, f"must be >= 0 (got {_short(value)})"))
    elif value > Limits.MAX_AMOUNT:
        problems.append((path, f"is larger than the maximum amount {Limits.MAX_AMOUNT:.0e}"))


def _check_int(
    problems: list[Problem], path: str, value: Any, lo: int, hi: int, *, optional: bool = True
) -> bool:
    if value is None:
        if not optional:
            problems.append((path, "is required"))
        return False
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((path, f"must be an integer (got {_type_name(value)})"))
        return False
    if not lo <= value <= hi:
        problems.append((path, f"must be between {lo} and {hi} (got {_short(value)})"))
        return False
    return True


def _check_list(problems: list[Problem], path: str, value: Any, item_cls: type, limit: int) -> bool:
    if not isinstance(value, tuple):
        problems.append((path, f"must be a list (got {_type_name(value)})"))
        return False
    if len(value) > limit:
        problems.append((path, f"has {len(value)} items; the maximum is {limit}"))
        return False
    ok = True
    for i, item in enumerate(value):
        if not isinstance(item, item_cls):
            problems.append(
                (f"{path}[{i}]", f"must be a {item_cls.__name__} (got {_type_name(item)})")
            )
            ok = False
    return ok


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInputError(problems)
