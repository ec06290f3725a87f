"""The contract's documented limits, and the converters and checks its records are built from.

Converters never raise: a value they cannot convert is kept (a bad date string as
``_Unparsed``) for the checks to report. Checks append ``(path, message)`` problems to a list,
so a record reports *every* problem at once; :func:`_raise_if` turns a non-empty list into an
:class:`InvalidInputError`. Used by :mod:`credit_closure._contract.model`,
:mod:`credit_closure._contract.attributes` and :mod:`credit_closure._contract.documents`.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
import numbers
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


class _Refused:
    """A value the one rule for numbers or dates cannot convert (a numpy ``longdouble``
    that no 64-bit float holds exactly, a date-time with a time of day, ``NaT``...); kept,
    with the reason, for the checks to report."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


#: Integers up to this magnitude are exact both as ``int`` and as a 64-bit float.
_EXACT_INT = 2**53


def _to_number(value: Any) -> Any:
    """The one rule for numbers as real data arrives (documented in docs/json-contract.md,
    "Numbers and dates from numpy, pandas and databases"); the stored value is a plain Python
    ``int`` or ``float`` holding the same number:

    - ``int`` and ``float`` are kept as they are (the fast path);
    - a numpy integer (``int8`` ... ``uint64``) becomes the ``int`` of the same value;
    - a numpy float (``float16``, ``float32``, ``float64``) becomes the ``float`` of the same
      value (a ``float32`` ``0.1`` is the float ``0.10000000149011612``, its exact value); a
      ``longdouble`` only when a 64-bit float holds it exactly, else it is refused;
    - a ``decimal.Decimal`` that is a whole number within +-2**53 becomes the ``int`` of the
      same value (``Decimal("3.00")`` is ``3``); a larger whole number the ``float`` of the
      same value when a 64-bit float holds it exactly, else it is refused (a whole number is
      never rounded); any other finite ``Decimal`` becomes the nearest ``float`` (correctly
      rounded: ``Decimal("0.1")`` is ``0.1``); ``NaN``, ``sNaN`` and the infinities become
      the ``float`` ``nan``/``inf`` and are refused like them; a ``Decimal`` beyond the float
      range is refused;
    - anything else, ``bool`` and ``numpy.bool_`` among it, is kept for the checks to refuse.

    Never raises, never imports numpy (numpy scalars are told by their module and the
    :mod:`numbers` ABCs numpy registers them with), and never changes ``value`` itself.
    """
    cls = value.__class__
    if cls is int or cls is float or value is None:
        return value
    if isinstance(value, decimal.Decimal):
        return _from_decimal(value)
    if cls.__module__ == "numpy" and cls.__name__ != "timedelta64":  # a duration is no number
        if isinstance(value, numbers.Integral):  # numpy.bool_ is not Integral: kept, refused
            return int(value)
        if isinstance(value, numbers.Real):
            f = float(value)
            if f == value or f != f:  # the same value, or NaN (refused by the checks)
                return f
            return _Refused(f"is not exactly representable as a 64-bit float (got {cls.__name__})")
    return value


#: A context of our own, so that neither the caller's precision nor its traps apply.
_DECIMAL = decimal.Context(
    prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[]
)


def _from_decimal(value: decimal.Decimal) -> Any:
    if not value.is_finite():
        if value.is_nan():  # NaN and sNaN
            return math.nan
        return -math.inf if value.is_signed() else math.inf
    whole = value == value.to_integral_value(context=_DECIMAL)
    if whole and value.copy_abs() <= _EXACT_INT:
        return int(value)
    f = float(value)  # correctly rounded: the nearest float
    if math.isinf(f):
        return _Refused("is beyond the range of a 64-bit float (got Decimal)")
    if whole and f != value:
        return _Refused("is a whole number that no 64-bit float holds exactly (got Decimal)")
    return f


def _to_date(value: Any) -> Any:
    """The one rule for dates: a ``YYYY-MM-DD`` string or a ``datetime.date`` is that date;
    a date-time that is exactly a day (a naive ``datetime`` or pandas ``Timestamp`` at
    midnight, a numpy ``datetime64`` of whole days) is that day, as a plain
    ``datetime.date``; any other date-time is refused (a time of day or a time zone would
    make the day a guess). Never raises."""
    if isinstance(value, str) and not isinstance(value, _Unparsed):
        if _DATE_RE.match(value):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        return _Unparsed(value)
    if isinstance(value, _dt.datetime):
        return _day_of_datetime(value)
    cls = value.__class__
    if cls.__module__ == "numpy" and cls.__name__ == "datetime64":
        return _day_of_datetime64(value)
    return value


_TIME_OF_DAY = "must be whole days (it has a time of day)"


_NAT = "is not a date (got NaT); use None for an unknown date"


def _day_of_datetime(value: _dt.datetime) -> Any:
    if value != value:  # pandas NaT, a datetime that equals nothing
        return _Refused(_NAT)
    if value.tzinfo is not None:
        return _Refused(
            f"is a date-time with a time zone (got {type(value).__name__}); give the calendar date"
        )
    if value.time() != _dt.time() or getattr(value, "nanosecond", 0) != 0:
        return _Refused(_TIME_OF_DAY)
    return _dt.date(value.year, value.month, value.day)


def _day_of_datetime64(value: Any) -> Any:
    if value != value:  # NaT
        return _Refused(_NAT)
    day = value.astype("datetime64[D]")
    if day != value:
        return _Refused(_TIME_OF_DAY)
    plain = day.item()  # a datetime.date, or an int outside the years 1-9999
    if not isinstance(plain, _dt.date):
        return _Refused("is outside the years 1-9999")
    return plain


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
    if isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
    ):
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
    if isinstance(value, _Refused):
        problems.append((path, value.message))
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
    if isinstance(value, _Refused):
        problems.append((path, value.message))
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
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
    if isinstance(value, _Refused):
        problems.append((path, value.message))
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
