"""String columns of the long tables, read per distinct value: the coding and checks that
:mod:`credit_closure._columnar.tables` uses for string ids and string enums.

A column of strings is coded by one hashing pass in C (:func:`_coded_text`: ``pd.factorize``,
or Arrow's ``dictionary_encode`` for a column held as Arrow strings: pandas 3's ``str``
columns, pyarrow tables), the checks of the JSON contract run on its distinct values, and
their problems are mapped back to every row that holds them, so that a column of a million
rows and a thousand distinct ids costs a thousand checks. String ids stay coded
(:class:`_TextIds`) until the subjects and accounts are numbered (:func:`_merge_text_ids`);
an enum column held as Arrow strings is looked up among the enum's members by Arrow itself
(:func:`_arrow_enum`). ``tests/test_string_columns.py`` checks that the problems, rows
included, are those of reading value by value.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import repeat
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from credit_closure._contract.checks import (
    _BAD_TEXT_RE,
    CONTROL_MESSAGE,
    SURROGATE_MESSAGE,
    _text_problems,
)
from credit_closure._contract.model import Limits

if TYPE_CHECKING:
    from credit_closure._columnar.tables import _Problems, _Table


class _TextIds(NamedTuple):
    """A column of string ids, coded once: row ``i`` holds ``uniques[codes[i]]`` (the
    distinct ids in order of first appearance: an object array, or an Arrow string array
    when the column is held as Arrow strings). What :func:`_ids` gives for string ids, so
    that the checks and the codes of the subjects and accounts work per distinct id."""

    codes: np.ndarray
    uniques: Any

    @property
    def dtype(self) -> np.dtype[Any]:
        """Object, as the ids' values (what :func:`_id_kind` reads)."""
        return np.dtype(object)

    @property
    def size(self) -> int:
        return int(self.codes.size)


#: An id column as :func:`_ids` gives it: integers, or string ids coded.
_IdColumn = np.ndarray | _TextIds


def _coded_text(t: _Table, column: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes (int64, -1 for missing) and distinct values (object array, in order of first
    appearance) of a column of strings, by one hashing pass in C (``pd.factorize``, or
    pyarrow's ``dictionary_encode`` for an Arrow string column), so that a check or lookup
    runs per distinct value. ``None`` when the column is not one of strings (objects,
    pandas strings, numpy ``U``, Arrow strings) or holds a value that cannot be hashed: the
    caller then reads it value by value."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in every extra that uses this module
        return None
    arrow = _arrow_strings(t, column)
    if arrow is not None:
        return _arrow_codes(arrow)
    if t.kind == "arrow":
        return None
    values: Any = t.raw(column)
    if t.kind == "pandas":
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            return None
    elif values.dtype.kind == "U":
        values = values.astype(object)
    elif values.dtype.kind != "O":
        return None
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable cells (lists, dicts)
        return None
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _arrow_strings(t: _Table, column: str) -> Any:
    """The column as one Arrow string array when it is held as Arrow strings (a pyarrow
    table's string or dictionary-of-string column, a pandas column of pyarrow-backed
    strings), without copying its text; else ``None``."""
    if t.kind == "pandas":
        import pandas as pd

        dtype = t.table[column].dtype
        if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
            return None
        import pyarrow as pa

        col = pa.array(t.table[column].array)
    elif t.kind == "arrow":
        import pyarrow as pa

        col = t.table.column(column)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
    else:
        return None
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _arrow_codes(col: Any, python: bool = True) -> tuple[np.ndarray, Any]:
    """:func:`_coded_text` of an Arrow string array (the distinct values as an Arrow array
    unless ``python``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(col.type):  # its own dictionary may repeat or omit values
        col = col.cast(col.type.value_type)
    if isinstance(col, pa.ChunkedArray):  # one dictionary for the whole column
        col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    enc = pc.dictionary_encode(col)
    codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    if not python:
        return codes, enc.dictionary
    return codes, np.asarray(enc.dictionary.to_pylist(), dtype=object)


#: The characters the one rule for ids and names refuses (``_BAD_TEXT_RE`` but the lone
#: surrogates, which Arrow's UTF-8 cannot hold), in RE2's syntax, for Arrow's regex kernel.
_ARROW_REFUSED = "[\\x{0}-\\x{1f}\\x{7f}-\\x{9f}]"


def _arrow_id_flags(uniques: Any) -> _IdFlags:
    """:func:`_id_text_flags` of distinct ids held as an Arrow string array, in Arrow's C++
    kernels (length in code points, as Python's ``len``); only when one holds a refused
    character are they read into Python, to name the problem exactly."""
    import pyarrow.compute as pc

    lengths = pc.utf8_length(uniques).to_numpy(zero_copy_only=False)
    bad_shape = (lengths == 0) | (lengths > Limits.MAX_ID_LENGTH)
    if len(uniques) and pc.any(pc.match_substring_regex(uniques, _ARROW_REFUSED)).as_py():
        return _id_text_flags(uniques.to_pylist())
    return _IdFlags(bad_shape, None)


def _python_uniques(uniques: Any) -> np.ndarray:
    """Distinct ids as an object array (from an Arrow array when they are one)."""
    if isinstance(uniques, np.ndarray):
        return uniques
    return np.asarray(uniques.to_pylist(), dtype=object)


def _text_order(uniques: np.ndarray) -> np.ndarray:
    """The positions that sort checked string ids as Python sorts them. numpy compares its
    fixed-width strings by code point, as Python does, in C; the checks refuse control
    characters, so no id ends in the NUL padding that numpy would drop."""
    if uniques.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.argsort(uniques.astype(str), kind="stable").astype(np.int64)


def _merge_text_ids(cols: list[_TextIds], sort: bool) -> tuple[list[np.ndarray], np.ndarray]:
    """Codes of several string id columns in one numbering, and its ids (sorted with
    ``sort``, else in order of first appearance): their distinct ids merged, not their rows
    (by Arrow's kernels when they are all Arrow arrays)."""
    if all(not isinstance(c.uniques, np.ndarray) for c in cols):
        glob, uniques = _merge_arrow(cols, sort)
    else:
        import pandas as pd

        everything = np.concatenate([_python_uniques(c.uniques) for c in cols])
        codes, found = pd.factorize(everything)
        glob = np.asarray(codes, dtype=np.int64)
        uniques = np.asarray(found, dtype=object)
        if sort:
            order = _text_order(uniques)
            glob = _rank(order)[glob]
            uniques = uniques[order]
    out = []
    start = 0
    for c in cols:
        out.append(glob[start : start + len(c.uniques)][c.codes])
        start += len(c.uniques)
    return out, uniques


def _rank(order: np.ndarray) -> np.ndarray:
    """The position of each element in the order ``order`` gives."""
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank


def _merge_arrow(cols: list[_TextIds], sort: bool) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_merge_text_ids`' numbering of distinct ids held as Arrow arrays: one
    dictionary encoding of them all, sorted by Arrow (UTF-8 bytes sort as code points, hence
    as Python sorts the strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    merged = pa.concat_arrays([c.uniques.cast(pa.large_string()) for c in cols])
    enc = pc.dictionary_encode(merged)
    glob = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    found = enc.dictionary
    if sort:
        order = pc.array_sort_indices(found).to_numpy(zero_copy_only=False).astype(np.int64)
        glob = _rank(order)[glob]
        found = found.take(pa.array(order))
    return glob, np.asarray(found.to_pylist(), dtype=object)


class _IdFlags(NamedTuple):
    """The problems of some id values (one entry per value): not a string of the right
    length, and the rule's message or ``None`` (``messages`` is ``None`` when no value
    breaks the rule)."""

    bad_shape: np.ndarray
    messages: np.ndarray | None


def _id_text_flags(texts: list[Any]) -> _IdFlags:
    """The contract's checks of ids (:func:`~credit_closure._contract.checks._check_id`) on
    id values: a string of 1 to ``MAX_ID_LENGTH`` characters keeping the one rule for ids
    and names. Type and length are tested by C-level loops, the rule by one scan of all the
    values at once; only when that scan finds a refused character is each value looked at."""
    n = len(texts)
    try:
        joined = "".join(texts)  # succeeds only when every value is a string
        is_str = np.ones(n, dtype=bool)
    except TypeError:
        is_str = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=n)
        texts = [v if isinstance(v, str) else "" for v in texts]
        joined = "".join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    bad_shape = ~is_str | (lengths == 0) | (lengths > Limits.MAX_ID_LENGTH)
    if not _has_refused_character(joined):
        return _IdFlags(bad_shape, None)
    codes, uniques = _distinct(np.array(texts, dtype=object))
    return _IdFlags(bad_shape, np.array(_text_problems(uniques), dtype=object)[codes])


def _report_id_flags(
    table: str,
    column: str,
    flags: _IdFlags,
    to_rows: Any,
    p: _Problems,
    rows: np.ndarray | None = None,
) -> None:
    """Report the rows of the flagged values (``to_rows`` turns a mask over the values into
    one over the rows; ``rows`` their row numbers, when not all of them)."""
    if flags.bad_shape.any():
        p.rows(
            table,
            column,
            to_rows(flags.bad_shape),
            f"must be a non-empty string of at most {Limits.MAX_ID_LENGTH} characters",
            rows,
        )
    if flags.messages is None:
        return
    for message in (CONTROL_MESSAGE, SURROGATE_MESSAGE):
        p.rows(
            table, column, to_rows(~flags.bad_shape & (flags.messages == message)), message, rows
        )


def _has_refused_character(text: str) -> bool:
    """Whether ``text`` holds a character the one rule for ids and names refuses; ASCII text
    (the common case) is scanned as bytes by numpy, any other by the contract's regex."""
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        return bool(((codes < 0x20) | (codes == 0x7F)).any())
    return _BAD_TEXT_RE.search(text) is not None


def _distinct(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of an object array without missing values, so a check runs
    once per distinct value; each row its own value when they cannot be hashed."""
    try:
        import pandas as pd

        codes, uniques = pd.factorize(values)
        return np.asarray(codes, dtype=np.int64), list(uniques)
    except (ImportError, TypeError):  # pragma: no cover - pandas absent, or unhashable cells
        return np.arange(values.size), values.tolist()


def _arrow_enum(
    t: _Table,
    column: str,
    col: Any,
    mapping: Mapping[str, int],
    p: _Problems,
    *,
    required: bool,
    default: int,
) -> np.ndarray:
    """:func:`_enum` of an Arrow string column: each value looked up among the enum's
    members in one pass in C (Arrow's ``index_in``), no Python object per value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = list(mapping)
    unknown, missing = len(names), len(names) + 1
    idx = pc.index_in(col, value_set=pa.array(names, type=col.type)).fill_null(unknown)
    k = idx.to_numpy(zero_copy_only=False).astype(np.int64)
    miss = np.zeros(k.size, dtype=bool)
    if col.null_count:
        miss = col.is_null().to_numpy(zero_copy_only=False)
        k[miss] = missing
    lookup = np.array([mapping[n] for n in names] + [-2, default], dtype=np.int8)
    out: np.ndarray = lookup[k]
    if required:
        p.rows(t.name, column, miss, "is missing")
    if (k == unknown).any():
        p.rows(t.name, column, k == unknown, f"is not one of: {', '.join(mapping)}")
    return out
