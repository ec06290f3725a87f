"""``Attributes``: the immutable, hashable mapping of lender-supplied inputs of a subject.

Re-exported by :mod:`credit_closure._contract.model`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from credit_closure._contract.checks import (
    _SURROGATE_RE,
    SURROGATE_MESSAGE,
    Limits,
    Problem,
    _raise_if,
    _Refused,
    _short,
    _text_problem,
    _to_number,
    _type_name,
)

__all__ = ["AttributeValue", "Attributes"]

AttributeValue = int | float | str


# --------------------------------------------------------------------------------------
# Attributes: an immutable, hashable mapping of lender-supplied inputs
# --------------------------------------------------------------------------------------
class Attributes(Mapping[str, AttributeValue]):
    """Lender-supplied inputs of a subject: name -> number or string. Immutable and hashable.

    Values are kept exactly as given (an ``int`` stays an ``int``); a numpy number or a
    ``decimal.Decimal`` is stored as the plain ``int`` or ``float`` of the contract's one rule
    for numbers (``np.int64(3)`` and ``Decimal("3.00")`` are ``3``, ``np.float32(0.5)`` is
    ``0.5``), and the caller's mapping is never changed. The repr never shows the values,
    only the names' count, so a log line cannot leak them.

    Example:
        >>> a = Attributes({"monthly_income": 15000, "city_tier": "1"})
        >>> a["city_tier"], len(a)
        ('1', 2)
        >>> a
        <Attributes: 2 items>
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        problems = self.problems(data if data is not None else {})
        _raise_if(problems)
        self._data: dict[str, AttributeValue] = _plain_values(data) if data else {}
        self._hash: int | None = None

    @staticmethod
    def problems(data: Any, path: str = "attributes") -> list[Problem]:
        """Return the problems of ``data`` as an attributes mapping (empty when valid)."""
        out: list[Problem] = []
        if isinstance(data, Attributes):
            return out
        if not isinstance(data, Mapping):
            return [
                (
                    path,
                    f"must be an object mapping names to numbers or strings (got {_type_name(data)})",
                )
            ]
        if len(data) > Limits.MAX_ATTRIBUTES:
            return [(path, f"has {len(data)} items; the maximum is {Limits.MAX_ATTRIBUTES}")]
        for key, value in data.items():
            if not _valid_name(key):
                out.append(
                    (
                        path,
                        f"has an invalid name {_short(key)}: names are 1-64 characters, "
                        "no control characters or lone surrogates",
                    )
                )
                continue
            p = f"{path}.{key}"
            if value.__class__ is not str:
                value = _to_number(value)
            if isinstance(value, _Refused):
                out.append((p, value.message))
            elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
                out.append(
                    (
                        p,
                        f"must be a number or a string (got {_type_name(value)}); omit the attribute when it is unknown",
                    )
                )
            elif isinstance(value, float) and not math.isfinite(value):
                out.append((p, "must be a finite number"))
            elif isinstance(value, int) and abs(value) > 2**53:
                out.append((p, "is too large an integer to be exact in JSON (|n| > 2**53)"))
            elif isinstance(value, str) and len(value) > Limits.MAX_STRING_LENGTH:
                out.append((p, f"is longer than {Limits.MAX_STRING_LENGTH} characters"))
            elif isinstance(value, str) and _SURROGATE_RE.search(value):
                out.append((p, SURROGATE_MESSAGE))
        return out

    def __getitem__(self, key: str) -> AttributeValue:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when the subject lacks it (a plain dict
        lookup: scorecards call this once per attribute input on every score)."""
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Attributes):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<Attributes: {len(self._data)} items>"

    def to_dict(self) -> dict[str, AttributeValue]:
        """Return a new plain ``dict`` of the attributes."""
        return dict(self._data)


def _plain_values(data: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """A new dict of ``data`` (checked already) with every number made plain by the one
    rule (:func:`~credit_closure._contract.checks._to_number`)."""
    if isinstance(data, Attributes):
        return dict(data._data)
    return {k: v if v.__class__ is str else _to_number(v) for k, v in data.items()}


def _valid_name(key: Any) -> bool:
    """Whether ``key`` is a valid attribute name: a string of 1-64 characters that keeps the
    one rule for ids and names (no control characters, no lone surrogates)."""
    return isinstance(key, str) and 0 < len(key) <= 64 and _text_problem(key) is None


def _to_attributes(value: Any) -> Any:
    if isinstance(value, Attributes):
        return value
    if value is None:
        return Attributes()
    if isinstance(value, Mapping) and not Attributes.problems(value):
        return Attributes(value)
    return value


def _attributes_repr(value: Any) -> str:
    return f"<{len(value)} attributes>" if isinstance(value, Attributes) else "<invalid attributes>"
