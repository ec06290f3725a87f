"""The fitted binnings and their documents: :class:`NumericBinning` (cut points) and
:class:`CategoricalBinning` (groups of categories), their transforms (bin index and WOE of
a value, vectorised and one at a time), their readable labels, and ``to_dict`` /
``from_dict`` / :func:`binning_from_dict` with the validation of every field.

The bin lookups here have twins that must give the same bins:
``LogisticScorer``'s hot-path table (:mod:`credit_closure._scorecard.fitted`, looked up in
:meth:`credit_closure._scorecard.logistic.LogisticScorer._walk`) inlines
:meth:`NumericBinning.bin_index_one` and :meth:`CategoricalBinning.bin_index_one`, and
``credit_closure.columnar._logistic_bins`` bins a whole chunk with numpy (for
``_score_logistic``, whose log-odds the compiled kernel's ``scale_many`` scales). The
conventions (bins, missing bin last, WOE) are in the docstring of
:mod:`credit_closure._scorecard.binning`.
"""

from __future__ import annotations

import json
import math
import sys
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import attrs

from credit_closure._scorecard._validation import (
    Problem,
    finite_number,
    is_int,
    is_number,
    type_name,
)
from credit_closure._scorecard.woe import (
    _DIRECTIONS,
    _SHAPES,
    _UNIMODAL,
    SMOOTHING,
    _check_smoothing,
    _has_shape,
)
from credit_closure.exceptions import InvalidInputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CategoricalBinning", "MISSING_LABEL", "NumericBinning", "binning_from_dict"]

#: Label of the missing bin.
MISSING_LABEL = "missing"


# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------
def _fmt(value: float) -> str:
    return repr(float(value))


def _category_label(group: Sequence[str]) -> str:
    return "{" + ", ".join(json.dumps(c, ensure_ascii=False) for c in group) + "}"


# --------------------------------------------------------------------------------------
# Validation of the persisted fields
# --------------------------------------------------------------------------------------
# numpy is imported only by the vectorised transforms (and fitting): building a binning from
# its document and the per-value lookups of scoring never need it. No numpy scalar exists
# before numpy is imported, so the converters look for numpy's scalar types only when it is.
def _numpy_integer() -> tuple[type[Any], ...]:
    """``(numpy.integer,)`` once numpy is imported, else ``()`` (an ``isinstance`` that is
    always false)."""
    np_ = sys.modules.get("numpy")
    return () if np_ is None else (np_.integer,)


def _numpy_number() -> tuple[type[Any], ...]:
    """``(numpy.integer, numpy.floating)`` once numpy is imported, else ``()``."""
    np_ = sys.modules.get("numpy")
    return () if np_ is None else (np_.integer, np_.floating)


def _to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _to_int_tuple(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    np_int = _numpy_integer()
    return tuple(int(v) if isinstance(v, np_int) else v for v in value)


def _to_float_tuple(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return tuple(_to_float(v) for v in value)


def _to_float(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or isinstance(value, _numpy_number()):
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range: refused as not finite
            return math.inf if value > 0 else -math.inf
    return value


def _to_int(value: Any) -> Any:
    return int(value) if isinstance(value, _numpy_integer()) else value


def _to_groups(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    return tuple(_to_tuple(g) for g in value)


def _check_float_list(problems: list[Problem], path: str, value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        problems.append((path, f"must be a list (got {type_name(value)})"))
        return False
    ok = True
    for i, v in enumerate(value):
        if not is_number(v):
            problems.append((f"{path}[{i}]", f"must be a number (got {type_name(v)})"))
            ok = False
        elif not finite_number(v):
            problems.append((f"{path}[{i}]", "must be a finite number"))
            ok = False
    return ok


def _check_int_list(problems: list[Problem], path: str, value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        problems.append((path, f"must be a list (got {type_name(value)})"))
        return False
    ok = True
    for i, v in enumerate(value):
        if not is_int(v):
            problems.append((f"{path}[{i}]", f"must be an integer (got {type_name(v)})"))
            ok = False
        elif v < 0:
            problems.append((f"{path}[{i}]", "must be >= 0"))
            ok = False
    return ok


def _check_common(
    problems: list[Problem], fields: Mapping[str, Any], n_expected: int | None
) -> None:
    """Checks of ``counts``, ``bad_counts``, ``woe`` and ``iv`` (present keys only)."""
    ok = {
        "counts": "counts" in fields and _check_int_list(problems, "counts", fields["counts"]),
        "bad_counts": "bad_counts" in fields
        and _check_int_list(problems, "bad_counts", fields["bad_counts"]),
        "woe": "woe" in fields and _check_float_list(problems, "woe", fields["woe"]),
    }
    if n_expected is None and isinstance(fields.get("counts"), (list, tuple)):
        n_expected = len(fields["counts"])
    for key in ("counts", "bad_counts", "woe"):
        value = fields.get(key)
        if isinstance(value, (list, tuple)) and n_expected is not None and len(value) != n_expected:
            problems.append((key, f"must have {n_expected} items, one per bin (got {len(value)})"))
            ok[key] = False
    if ok["counts"] and ok["bad_counts"]:
        for i, (c, b) in enumerate(zip(fields["counts"], fields["bad_counts"])):
            if b > c:
                problems.append((f"bad_counts[{i}]", "must not exceed counts"))
    if "iv" in fields:
        iv = fields["iv"]
        if not is_number(iv):
            problems.append(("iv", f"must be a number (got {type_name(iv)})"))
        elif not finite_number(iv) or iv < 0:
            problems.append(("iv", "must be a finite number >= 0"))


def _check_numeric_fields(fields: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    n_expected = None
    if "cuts" in fields:
        cuts = fields["cuts"]
        _check_float_list(problems, "cuts", cuts)
        if isinstance(cuts, (list, tuple)):
            n_expected = len(cuts) + 2
            usable = [(i, c) for i, c in enumerate(cuts) if is_number(c) and finite_number(c)]
            for (_, lo), (i, hi) in zip(usable, usable[1:]):
                if not lo < hi:
                    problems.append((f"cuts[{i}]", "must be greater than the previous cut"))
    _check_common(problems, fields, n_expected)
    if "smoothing" in fields:
        _check_smoothing(problems, "smoothing", fields["smoothing"])
    d = fields.get("direction")
    if "direction" in fields and d is not None and d not in _DIRECTIONS:
        problems.append(("direction", "must be 'increasing', 'decreasing' or null"))
    shape = fields.get("shape")
    if shape is not None:
        if shape not in _SHAPES:
            problems.append(
                ("shape", "must be 'increasing', 'decreasing', 'peak', 'valley' or null")
            )
        elif shape in _DIRECTIONS and d in _SHAPES and d != shape:
            problems.append(("shape", "must equal direction for a monotonic binning"))
        elif shape in _UNIMODAL:
            if d is not None:
                problems.append(("direction", "must be null for a peak or valley binning"))
            if (
                not problems
                and "counts" in fields
                and "bad_counts" in fields
                and not _has_shape(
                    fields["counts"][:-1],
                    fields["bad_counts"][:-1],
                    shape,
                    int(2 * fields.get("smoothing", SMOOTHING)),
                )
            ):
                problems.append(
                    ("shape", f"does not match the bins: their bad rates are not a {shape}")
                )
    return problems


def _check_categorical_fields(fields: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    n_expected = None
    if "groups" in fields:
        groups = fields["groups"]
        if not isinstance(groups, (list, tuple)):
            problems.append(("groups", f"must be a list (got {type_name(groups)})"))
        else:
            n_expected = len(groups) + 1
            seen: set[str] = set()
            for i, g in enumerate(groups):
                if not isinstance(g, (list, tuple)):
                    problems.append((f"groups[{i}]", f"must be a list (got {type_name(g)})"))
                    continue
                if not g:
                    problems.append((f"groups[{i}]", "must hold at least one category"))
                for j, c in enumerate(g):
                    path = f"groups[{i}][{j}]"
                    if not isinstance(c, str):
                        problems.append((path, f"must be a string (got {type_name(c)})"))
                    elif c in seen:
                        problems.append((path, "repeats a category of an earlier position"))
                    else:
                        seen.add(c)
    _check_common(problems, fields, n_expected)
    if "smoothing" in fields:
        _check_smoothing(problems, "smoothing", fields["smoothing"])
    if "unseen_index" in fields:
        u = fields["unseen_index"]
        if not is_int(u):
            problems.append(("unseen_index", f"must be an integer (got {type_name(u)})"))
        elif u < 0 or (n_expected is not None and u >= n_expected):
            hi = "n_bins - 1" if n_expected is None else str(n_expected - 1)
            problems.append(("unseen_index", f"must be between 0 and {hi} (got {u})"))
    return problems


def _fields_from_dict(
    d: Any, kind: str, required: Sequence[str], what: str, optional: Sequence[str] = ()
) -> tuple[dict[str, Any], list[Problem]]:
    """Top-level structure checks of a ``to_dict`` document (kind, required and unknown keys)."""
    if not isinstance(d, Mapping):
        raise InvalidInputError([("", f"must be an object (got {type_name(d)})")], what=what)
    problems: list[Problem] = []
    if "kind" not in d:
        problems.append(("kind", "is required"))
    elif d["kind"] != kind:
        problems.append(("kind", f"must be {kind!r}"))
    for key in required:
        if key not in d:
            problems.append((key, "is required"))
    allowed = set(required) | set(optional) | {"kind"}
    for key in d:
        if key not in allowed:
            problems.append((str(key), "is not a known field"))
    fields = {k: d[k] for k in (*required, *optional) if k in d}
    return fields, problems


def _check_smoothing_key(problems: list[Problem], fields: Mapping[str, Any]) -> None:
    """A document's ``smoothing`` key is written only as :meth:`to_dict` writes it: a float,
    and absent when it is the default (so a document has one canonical form and hash)."""
    if "smoothing" not in fields or any(p == "smoothing" for p, _ in problems):
        return
    v = fields["smoothing"]
    if isinstance(v, int) and not isinstance(v, bool):
        problems.append(("smoothing", f"must be written as a float ({v}.0, not {v})"))
    elif isinstance(v, float) and v == SMOOTHING:
        problems.append(("smoothing", f"must be left out when it is the default {SMOOTHING}"))


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class NumericBinning:
    """The binning of one numeric column (see the module docstring for the conventions).

    Value bins ``0 .. n_bins - 2`` are given by ``cuts`` (bin ``i`` holds
    ``cuts[i-1] <= v < cuts[i]``; the ends are unbounded); the missing bin is the last one,
    ``missing_index == n_bins - 1``.

    Attributes:
        cuts: Sorted finite cut points (``n_bins - 2`` of them).
        counts: Training rows per bin (missing bin last).
        bad_counts: Training bads per bin.
        woe: Risk WOE per bin (larger = riskier; 0.0 for a bin without training rows).
        iv: Information value of the binning.
        direction: ``"increasing"`` (higher value = riskier), ``"decreasing"``, or ``None``
            when no monotonicity was imposed or the shape is a peak or valley.
        shape: The shape the bad rates were constrained to: ``"increasing"``,
            ``"decreasing"``, ``"peak"`` (rising to a turning bin, then falling),
            ``"valley"`` (falling, then rising) or ``None`` (no constraint). Defaults to
            ``direction``; a peak or valley needs ``direction=None`` and is checked against
            the bins' bad rates.
        smoothing: The pseudo-count ``a`` the WOE and the monotonicity tests were computed
            with (a multiple of 0.5; :data:`SMOOTHING` unless fitted with another).

    Raises:
        InvalidInputError: On construction, when the fields are inconsistent.
    """

    cuts: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    bad_counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    woe: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    iv: float = attrs.field(converter=_to_float)
    direction: str | None = None
    shape: str | None = None
    smoothing: float = attrs.field(default=SMOOTHING, converter=_to_float)
    _missing: int = attrs.field(init=False, eq=False, repr=False)
    # float64 copies of ``cuts`` and ``woe`` (read-only), made by the first vectorised call
    _cuts_arr: np.ndarray | None = attrs.field(init=False, default=None, eq=False, repr=False)
    _woe_arr: np.ndarray | None = attrs.field(init=False, default=None, eq=False, repr=False)

    _FIELDS = ("cuts", "counts", "bad_counts", "woe", "iv", "direction")
    _OPTIONAL = ("shape", "smoothing")

    def __attrs_post_init__(self) -> None:
        if self.shape is None and self.direction in _DIRECTIONS:
            object.__setattr__(self, "shape", self.direction)
        problems = _check_numeric_fields(
            {k: getattr(self, k) for k in (*self._FIELDS, *self._OPTIONAL)}
        )
        if problems:
            raise InvalidInputError(problems, what="numeric binning")
        object.__setattr__(self, "_missing", len(self.counts) - 1)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``cuts`` and ``woe`` as read-only float64 arrays, made on first use."""
        cuts, woe = self._cuts_arr, self._woe_arr
        if cuts is None or woe is None:
            cuts, woe = _frozen_floats(self.cuts), _frozen_floats(self.woe)
            object.__setattr__(self, "_cuts_arr", cuts)
            object.__setattr__(self, "_woe_arr", woe)
        return cuts, woe

    @property
    def n_bins(self) -> int:
        """Number of bins, the missing bin included."""
        return len(self.counts)

    @property
    def missing_index(self) -> int:
        """Index of the missing bin (always the last one, ``n_bins - 1``)."""
        return self._missing

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable bin labels.

        ``"(-inf, 0.3)"``, ``"[0.3, 0.5)"``, ``"[0.5, +inf)"``, then ``"missing"``; a single
        value bin is ``"(-inf, +inf)"``.
        """
        c = self.cuts
        if not c:
            return ("(-inf, +inf)", MISSING_LABEL)
        out = [f"(-inf, {_fmt(c[0])})"]
        out += [f"[{_fmt(c[i - 1])}, {_fmt(c[i])})" for i in range(1, len(c))]
        out.append(f"[{_fmt(c[-1])}, +inf)")
        out.append(MISSING_LABEL)
        return tuple(out)

    def transform_index(self, x: Any) -> np.ndarray:
        """Bin index of every value (vectorised).

        Args:
            x: Numbers (any shape); NaN or ``None`` is missing; ``-inf``/``+inf`` fall in the
                first/last value bin.

        Returns:
            An ``np.intp`` array of the shape of ``x``.

        Raises:
            InvalidInputError: When ``x`` is not numeric.
        """
        import numpy as np

        arr = _as_float_array(x)
        idx = np.searchsorted(self._arrays()[0], arr, side="right")
        out: np.ndarray = np.where(np.isnan(arr), self._missing, idx).astype(np.intp)
        return out

    def transform_woe(self, x: Any) -> np.ndarray:
        """WOE of every value (vectorised); see :meth:`transform_index`.

        Args:
            x: Numbers (any shape); NaN or ``None`` is missing.

        Returns:
            A float64 array of the shape of ``x``.

        Raises:
            InvalidInputError: When ``x`` is not numeric.
        """
        woe: np.ndarray = self._arrays()[1][self.transform_index(x)]
        return woe

    def bin_index_one(self, value: Any) -> int:
        """Bin index of one value (pure Python, for the per-subject scoring path).

        Args:
            value: A number; ``None`` or NaN is missing.

        Returns:
            The bin index, equal to ``transform_index([value])[0]``.

        Raises:
            TypeError: When ``value`` cannot be compared with floats.
        """
        if value is None or value != value:
            return self._missing
        return bisect_right(self.cuts, value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (no NaN/inf: the unbounded ends are implied by ``cuts``).

        Returns:
            ``{"kind": "numeric", "cuts", "counts", "bad_counts", "woe", "iv", "direction"}``,
            plus ``"shape"`` (``"peak"`` or ``"valley"``) for a unimodal binning only, so a
            monotonic binning is written exactly as before shapes existed, and
            ``"smoothing"`` only when it is not the default 0.5, so a binning fitted with
            the default is written exactly as before the option existed.
        """
        out: dict[str, Any] = {
            "kind": "numeric",
            "cuts": list(self.cuts),
            "counts": list(self.counts),
            "bad_counts": list(self.bad_counts),
            "woe": list(self.woe),
            "iv": self.iv,
            "direction": self.direction,
        }
        if self.shape in _UNIMODAL:
            out["shape"] = self.shape
        if self.smoothing != SMOOTHING:
            out["smoothing"] = self.smoothing
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NumericBinning:
        """Rebuild a binning from :meth:`to_dict` output, validating every field.

        Args:
            d: The dict (typically parsed JSON).

        Returns:
            The binning.

        Raises:
            InvalidInputError: Listing every problem as ``(path, message)``.
        """
        fields, problems = _fields_from_dict(
            d, "numeric", cls._FIELDS, "numeric binning", cls._OPTIONAL
        )
        problems += _check_numeric_fields(fields)
        _check_smoothing_key(problems, fields)
        if problems:
            raise InvalidInputError(problems, what="numeric binning")
        return cls(**fields)


@attrs.frozen(kw_only=True)
class CategoricalBinning:
    """The binning of one categorical column (see the module docstring for the conventions).

    Group ``i`` (``0 .. n_bins - 2``) holds the categories ``groups[i]``; the groups are in
    increasing order of training bad rate; the missing bin is the last one. A category not
    seen at training maps to ``unseen_index`` (the group with the most training rows).

    Attributes:
        groups: Categories of each group (each sorted).
        counts: Training rows per bin (missing bin last).
        bad_counts: Training bads per bin.
        woe: Risk WOE per bin (larger = riskier; 0.0 for a bin without training rows).
        iv: Information value of the binning.
        unseen_index: Bin of a category not seen at training.
        smoothing: The pseudo-count ``a`` the WOE was computed with (a multiple of 0.5;
            :data:`SMOOTHING` unless fitted with another).

    Raises:
        InvalidInputError: On construction, when the fields are inconsistent.
    """

    groups: tuple[tuple[str, ...], ...] = attrs.field(converter=_to_groups)
    counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    bad_counts: tuple[int, ...] = attrs.field(converter=_to_int_tuple)
    woe: tuple[float, ...] = attrs.field(converter=_to_float_tuple)
    iv: float = attrs.field(converter=_to_float)
    unseen_index: int = attrs.field(converter=_to_int)
    smoothing: float = attrs.field(default=SMOOTHING, converter=_to_float)
    _missing: int = attrs.field(init=False, eq=False, repr=False)
    _lookup: dict[str, int] = attrs.field(init=False, eq=False, repr=False)
    # a float64 copy of ``woe`` (read-only), made by the first vectorised call
    _woe_arr: np.ndarray | None = attrs.field(init=False, default=None, eq=False, repr=False)

    _FIELDS = ("groups", "counts", "bad_counts", "woe", "iv", "unseen_index")
    _OPTIONAL = ("smoothing",)

    def __attrs_post_init__(self) -> None:
        problems = _check_categorical_fields(
            {k: getattr(self, k) for k in (*self._FIELDS, *self._OPTIONAL)}
        )
        if problems:
            raise InvalidInputError(problems, what="categorical binning")
        lookup = {c: i for i, g in enumerate(self.groups) for c in g}
        object.__setattr__(self, "_missing", len(self.counts) - 1)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def n_bins(self) -> int:
        """Number of bins, the missing bin included."""
        return len(self.counts)

    @property
    def missing_index(self) -> int:
        """Index of the missing bin (always the last one, ``n_bins - 1``)."""
        return self._missing

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable bin labels: ``'{"a", "b,c"}'`` per group (JSON-quoted categories), then
        ``"missing"``. The categories themselves are in :attr:`groups`."""
        return tuple(_category_label(g) for g in self.groups) + (MISSING_LABEL,)

    def bin_index_one(self, value: Any) -> int:
        """Bin index of one value (pure Python, for the per-subject scoring path).

        Args:
            value: A category; ``None`` or a float NaN is missing; anything else not seen at
                training goes to :attr:`unseen_index`.

        Returns:
            The bin index.
        """
        idx = self._lookup.get(value)
        if idx is not None:
            return idx
        if value is None or (isinstance(value, float) and value != value):
            return self._missing
        return self.unseen_index

    def transform_index(self, x: Iterable[Any]) -> np.ndarray:
        """Bin index of every value, as :meth:`bin_index_one`.

        Args:
            x: An iterable of categories (not a single ``str``).

        Returns:
            A one-dimensional ``np.intp`` array.

        Raises:
            InvalidInputError: When ``x`` is a single string or not iterable.
        """
        if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
            raise InvalidInputError([("x", "must be a sequence of categories, not one value")])
        import numpy as np

        if isinstance(x, np.ndarray) and x.dtype == object and x.ndim == 1 and x.size > 64:
            fast = self._transform_distinct(x)
            if fast is not None:
                return fast
        one = self.bin_index_one
        return np.fromiter((one(v) for v in x), dtype=np.intp)

    def _transform_distinct(self, x: np.ndarray) -> np.ndarray | None:
        """:meth:`transform_index` of an object array looked up once per distinct value
        (pandas' hash factorisation), when its values are strings, ``None`` and float NaN
        only; ``None`` otherwise (pandas absent, or other values: the caller loops)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is in every extra that fits tables
            return None
        try:
            codes, uniques = pd.factorize(x)
        except TypeError:  # unhashable values
            return None
        labels = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
        if not all(type(u) is str for u in labels):
            return None
        na = codes < 0
        if na.any() and not all(
            v is None or (type(v) is float and v != v) for v in set(x[na].tolist())
        ):
            return None
        import numpy as np

        lookup = self._lookup
        unseen = self.unseen_index
        table = np.array([lookup.get(u, unseen) for u in labels] + [self._missing], dtype=np.intp)
        out: np.ndarray = table[codes]
        return out

    def index_of_codes(self, codes: np.ndarray, keys: Sequence[Any]) -> np.ndarray:
        """:meth:`transform_index` of a column given coded (``keys[codes[i]]`` is row ``i``'s
        value: a ``str``, or ``None`` for missing), looked up once per key."""
        import numpy as np

        lookup, unseen, missing = self._lookup, self.unseen_index, self._missing
        table = np.array(
            [lookup.get(k, unseen) if isinstance(k, str) else missing for k in keys] + [missing],
            dtype=np.intp,
        )
        out: np.ndarray = table[codes]
        return out

    def transform_woe(self, x: Iterable[Any]) -> np.ndarray:
        """WOE of every value; see :meth:`transform_index`.

        Args:
            x: An iterable of categories.

        Returns:
            A one-dimensional float64 array.

        Raises:
            InvalidInputError: When ``x`` is a single string or not iterable.
        """
        table = self._woe_arr
        if table is None:
            table = _frozen_floats(self.woe)
            object.__setattr__(self, "_woe_arr", table)
        woe: np.ndarray = table[self.transform_index(x)]
        return woe

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict.

        Returns:
            ``{"kind": "categorical", "groups", "counts", "bad_counts", "woe", "iv",
            "unseen_index"}``, plus ``"smoothing"`` when it is not the default 0.5.
        """
        out: dict[str, Any] = {
            "kind": "categorical",
            "groups": [list(g) for g in self.groups],
            "counts": list(self.counts),
            "bad_counts": list(self.bad_counts),
            "woe": list(self.woe),
            "iv": self.iv,
            "unseen_index": self.unseen_index,
        }
        if self.smoothing != SMOOTHING:
            out["smoothing"] = self.smoothing
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CategoricalBinning:
        """Rebuild a binning from :meth:`to_dict` output, validating every field.

        Args:
            d: The dict (typically parsed JSON).

        Returns:
            The binning.

        Raises:
            InvalidInputError: Listing every problem as ``(path, message)``.
        """
        fields, problems = _fields_from_dict(
            d, "categorical", cls._FIELDS, "categorical binning", cls._OPTIONAL
        )
        problems += _check_categorical_fields(fields)
        _check_smoothing_key(problems, fields)
        if problems:
            raise InvalidInputError(problems, what="categorical binning")
        return cls(**fields)


def binning_from_dict(d: Mapping[str, Any]) -> NumericBinning | CategoricalBinning:
    """Rebuild either kind of binning from its ``to_dict`` output, dispatching on ``"kind"``.

    Args:
        d: The dict (typically parsed JSON).

    Returns:
        A :class:`NumericBinning` or a :class:`CategoricalBinning`.

    Raises:
        InvalidInputError: When ``kind`` is unknown or the document is malformed.
    """
    kind = d.get("kind") if isinstance(d, Mapping) else None
    if kind == "numeric":
        return NumericBinning.from_dict(d)
    if kind == "categorical":
        return CategoricalBinning.from_dict(d)
    if not isinstance(d, Mapping):
        raise InvalidInputError([("", f"must be an object (got {type_name(d)})")], what="binning")
    raise InvalidInputError([("kind", "must be 'numeric' or 'categorical'")], what="binning")


# --------------------------------------------------------------------------------------
# Input arrays
# --------------------------------------------------------------------------------------
def _frozen_floats(values: Sequence[float]) -> np.ndarray:
    """``values`` as a read-only float64 array."""
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _as_float_array(x: Any) -> np.ndarray:
    """``x`` as a float64 array (None -> NaN); InvalidInputError("x") if it is not numeric."""
    import numpy as np

    try:
        arr = np.asarray(x)
    except Exception as exc:
        raise InvalidInputError([("x", "must be an array of numbers")]) from exc
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "O":
        flat = arr.ravel()
        for v in flat:
            if v is not None and (isinstance(v, bool) or not isinstance(v, (Real, np.number))):
                found = type_name(v)
                raise InvalidInputError([("x", f"must hold numbers or None (found {found})")])
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError([("x", "must hold real numbers")]) from exc
    raise InvalidInputError([("x", f"must hold numbers (got dtype {arr.dtype})")])
