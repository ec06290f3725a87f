"""What both adapters share: the result types and a reader that accounts for every field.

The reader walks a bureau-shaped document once. Every leaf it reads is either *mapped* (its
input path recorded, its value put into the contract v2 document being built) or *unmapped*
(its path recorded with the reason); a bad value is a problem named by its input path. The
contract document is then built with :meth:`CreditProfile.from_dict`, and the contract's own
problems (cross-field rules) are reported under the input paths they came from.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from credit_closure._contract.model import CreditProfile
from credit_closure.exceptions import InvalidInputError

__all__ = ["AdapterResult", "UnmappedField"]

_DATE_RE = re.compile(r"^(\d{4})[-./](\d{2})[-./](\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})[-./](\d{2})$")
#: The most records of one list the adapters read (the contract's own limits apply after).
MAX_RECORDS = 5_000


class UnmappedField(NamedTuple):
    """An input field an adapter did not carry into the profile, and why.

    ``path`` is the field's place in the input (``"personal_info.name"``,
    ``"tradelines[0].k1"``); a path naming an object or a list stands for everything in it.
    """

    path: str
    reason: str


class AdapterResult(NamedTuple):
    """What an adapter returns: the profile, what it left out and what it used.

    ``profile`` is a validated contract v2 :class:`~credit_closure.CreditProfile`;
    ``unmapped`` lists every input field not carried into it (nothing is dropped silently);
    ``mapped`` lists the input paths whose values it carries. Every leaf of the input lies
    under exactly one path of the two lists.
    """

    profile: CreditProfile
    unmapped: tuple[UnmappedField, ...]
    mapped: tuple[str, ...]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def join(path: str, key: str | int) -> str:
    """``path`` extended by an object key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Collects problems, unmapped fields, mapped paths and the contract-to-input path map."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.unmapped: list[UnmappedField] = []
        self.mapped: list[str] = []
        #: contract path -> input path (records and fields), to name contract problems
        self.where: dict[str, str] = {}
        #: contract paths left out because their input value was bad
        self.poisoned: set[str] = set()

    # ---- bookkeeping ------------------------------------------------------------------
    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def skip(self, path: str, reason: str) -> None:
        self.unmapped.append(UnmappedField(path, reason))

    def used(self, path: str, cpath: str | None = None) -> None:
        self.mapped.append(path)
        if cpath is not None:
            self.where[cpath] = path

    # ---- structure ----------------------------------------------------------------------
    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(path, f"must be an object (got {_kind(value)})")
        return None

    def arr(self, value: Any, path: str) -> list[Any]:
        if value is None:
            self.used(path)
            return []
        if not isinstance(value, (list, tuple)):
            self.problem(path, f"must be an array (got {_kind(value)})")
            return []
        if len(value) > MAX_RECORDS:
            self.problem(path, f"has {len(value)} records, more than {MAX_RECORDS}")
            return []
        if not value:
            self.used(path)
        return list(value)

    def fields(
        self,
        rec: Mapping[str, Any],
        path: str,
        known: frozenset[str],
        unmapped: Mapping[str, str],
        what: str,
    ) -> dict[str, tuple[Any, str]]:
        """The ``known`` keys of ``rec`` with their values and paths; every other key is
        listed as unmapped (with its reason from ``unmapped``, or as not in the layout)."""
        out: dict[str, tuple[Any, str]] = {}
        for key, value in rec.items():
            p = join(path, str(key))
            if key in known:
                out[key] = (value, p)
            elif key in unmapped:
                self.skip(p, unmapped[key])
            else:
                self.skip(p, f"not a field of the {what} layout")
        return out

    # ---- values -------------------------------------------------------------------------
    def _bad(self, path: str, cpath: str | None, message: str) -> None:
        self.problem(path, message)
        if cpath is not None:
            self.poisoned.add(cpath)

    def text(self, value: Any, path: str, cpath: str | None = None) -> str | None:
        if value is None:
            self.used(path, cpath)
            return None
        if not isinstance(value, str) or not value.strip():
            self._bad(path, cpath, f"must be a non-empty string (got {_kind(value)})")
            return None
        self.used(path, cpath)
        return value

    def date(self, value: Any, path: str, cpath: str | None = None) -> str | None:
        """A ``YYYY-MM-DD`` (or ``YYYY.MM.DD``, ``YYYY/MM/DD``) date as ISO text."""
        if value is None:
            self.used(path, cpath)
            return None
        m = _DATE_RE.match(value) if isinstance(value, str) else None
        if m is None:
            self._bad(path, cpath, "must be a date YYYY-MM-DD")
            return None
        try:
            d = _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            self._bad(path, cpath, "is not a calendar date")
            return None
        self.used(path, cpath)
        return d.isoformat()

    def month(self, value: Any, path: str) -> tuple[int, int] | None:
        """A ``YYYY-MM`` month as ``(year, month)``."""
        m = _MONTH_RE.match(value) if isinstance(value, str) else None
        if m is None or not 1 <= int(m[2]) <= 12:
            self.problem(path, "must be a month YYYY-MM")
            return None
        self.used(path)
        return int(m[1]), int(m[2])

    def number(
        self, value: Any, path: str, cpath: str | None = None, *, integer: bool = False
    ) -> float | int | None:
        """A non-negative number (an integer with ``integer``)."""
        if value is None:
            self.used(path, cpath)
            return None
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if ok and not math.isfinite(float(value)):
            ok = False
        if ok and integer and float(value) != int(value):
            ok = False
        if not ok or value < 0:
            want = "a non-negative integer" if integer else "a non-negative number"
            self._bad(path, cpath, f"must be {want} (got {_kind(value)})")
            return None
        self.used(path, cpath)
        return int(value) if integer else value

    def code(
        self, value: Any, path: str, table: Mapping[str, Any], cpath: str | None = None
    ) -> Any:
        """``table[value]``; a value not in the table is a problem listing the accepted ones."""
        if value is None:
            self.used(path, cpath)
            return None
        if isinstance(value, str) and value in table:
            self.used(path, cpath)
            return table[value]
        shown = ", ".join(sorted(table)[:30])
        what = repr(value) if isinstance(value, str) and len(value) <= 40 else _kind(value)
        self._bad(path, cpath, f"{what} is not one of: {shown}")
        return None


def build(reader: Reader, doc: dict[str, Any]) -> AdapterResult:
    """Build the profile from ``doc``; raise every problem at once, named by input path."""
    problems = list(reader.problems)
    reader.where.setdefault("subject_id", "subject_id")  # the argument
    profile = None
    try:
        profile = CreditProfile.from_dict(doc)
    except InvalidInputError as exc:
        for cpath, message in exc.problems:
            if any(_under(cpath, bad) for bad in reader.poisoned):
                continue  # the input value was bad and is already reported
            problems.append((_input_path(reader.where, cpath), f"{message} (contract {cpath})"))
    if problems or profile is None:
        raise InvalidInputError(problems, what="bureau document")
    return AdapterResult(profile, tuple(reader.unmapped), tuple(reader.mapped))


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


def _input_path(where: Mapping[str, str], cpath: str) -> str:
    """The input path of contract path ``cpath`` (its nearest mapped ancestor's)."""
    p = cpath
    while p:
        if p in where:
            return where[p]
        cut = max(p.rfind("."), p.rfind("["))
        p = p[:cut] if cut > 0 else ""
    return "(document)"
