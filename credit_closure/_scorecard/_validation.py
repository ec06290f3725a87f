"""Small value checks shared by the scorecard modules: the ``(path, message)`` problem pair
every validator collects, the JSON name of a value's type (for messages that never quote
the value), the integer / finite-number tests of parameters and documents, and the parsing
of an ``as_of`` date."""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, TypeGuard

from credit_closure._contract.checks import _type_name

#: One problem found by a validator: the path of the offending field and what is wrong.
Problem = tuple[str, str]


#: The JSON name of a value's type, for messages: the contract's one rule.
type_name = _type_name


def is_int(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is a Python ``int`` (not a ``bool``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is a Python ``int`` or ``float`` (not a ``bool``)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def finite_number(value: Any) -> bool:
    """``math.isfinite`` of a number, False for an int beyond the float range."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def finite(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is an ``int`` or ``float`` (not a ``bool``) and finite."""
    return is_number(value) and finite_number(value)


def parse_date(value: Any, path: str, problems: list[Problem]) -> _dt.date | None:
    """``value`` as a date (a ``date`` or a ``"YYYY-MM-DD"`` string, not a date-time), or
    ``None`` after recording the problem at ``path``."""
    if isinstance(value, _dt.datetime):
        problems.append((path, "must be a date, not a date-time"))
        return None
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append((path, "must be a date or a YYYY-MM-DD string"))
    return None
