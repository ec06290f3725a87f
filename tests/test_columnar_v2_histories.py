"""The repayment histories of the long format, read once (``_columnar.v2._history_column``).

The column is read through one ``bytes.translate`` pass when every value is ASCII without a
newline, and through the code points otherwise; both must give the symbol classes a plain
per-string reading gives (property), and a bad character, ASCII or not, must be named with
its month exactly as ``assess()`` names it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_columnar_v2 import _problems, _tables

from credit_closure._columnar.tables import _Problems, _Table
from credit_closure._columnar.v2 import (
    _CLASS_TABLE,
    CLASS_UNKNOWN,
    CLASS_WORST,
    _history_column,
)
from credit_closure._contract.history import HISTORY_SYMBOLS, MAX_HISTORY_MONTHS

_BAD = 255


def _reference(values: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(has, classes, bad)`` read string by string: month-major, right-aligned, padded."""
    has = np.array(
        [isinstance(v, str) and 0 < len(v) <= MAX_HISTORY_MONTHS for v in values], dtype=bool
    )
    kept = [v for v, h in zip(values, has) if h]
    width = max([24, *map(len, kept)])
    cls = np.full((width, len(kept)), CLASS_UNKNOWN, dtype=np.uint8)
    for j, v in enumerate(kept):
        for i, ch in enumerate(v):
            c = _BAD if ord(ch) >= 127 or ch == "\n" else _CLASS_TABLE[ord(ch)]
            cls[width - len(v) + i, j] = c
    return has, cls, (cls >= 254).any(axis=0)


symbols = st.sampled_from(sorted(HISTORY_SYMBOLS))
odd = st.sampled_from(["X", "é", "\n", "中", "\x7f", " "])
history = st.text(alphabet=st.one_of(symbols, symbols, symbols, odd), max_size=64)
cells = st.one_of(history, st.sampled_from(["N" * 24, "N" * 23 + "1"]), st.none())


@settings(max_examples=200, deadline=None)
@given(values=st.lists(cells, max_size=12), same=st.booleans())
# joined by newlines, these two look like two histories of 4 months ("NNNN", "NN\nN")
@example(values=["NNNN\nNN", "N"], same=False)
def test_classes_equal_a_per_string_reading(values: list[Any], same: bool) -> None:
    if same:  # every string of one length: the reshape path
        size = 1 + len(values) % 30
        values = [v if v is None else (v + "N*12" * 15)[:size] for v in values]
    arr = np.array(values + ["N"], dtype=object)[:-1] if values else np.zeros(0, dtype=object)
    p = _Problems()
    hist = _history_column(_Table("accounts", {"repayment_history": arr}, p), p)
    assert hist is not None
    has, cls, bad = _reference(values)
    assert hist.has.tolist() == has.tolist()
    assert np.array_equal(hist.cls, cls)
    assert hist.bad is None if not bad.any() else hist.bad.tolist() == bad.tolist()
    assert hist.special == bool((cls >= CLASS_WORST).any())
    assert hist.lengths.tolist() == [len(v) if h else 0 for v, h in zip(values, has)]


@pytest.mark.parametrize(
    ("history", "month", "char"),
    [
        ("N" * 20 + "N中2N", 21, "中"),  # beyond ASCII: through the code points
        ("N" * 20 + "N\n2N", 21, "\n"),  # a newline: the joined column cannot be split on it
        ("NN1é", 3, "é"),  # a short history among the padded ones
    ],
)
def test_bad_character_named_with_its_month(history: str, month: int, char: str) -> None:
    h = np.array([history, None], dtype=object)
    ((path, message),) = _problems(_tables(accounts__repayment_history=h))
    assert path == f"accounts.repayment_history[{month}]"
    assert message.startswith(f"{char!r} (month ") and message.endswith("(row 0)")
