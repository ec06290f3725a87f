"""The columnar engines behind :mod:`credit_closure.columnar` (docs/internals.md).

Internal seam for this library's tests and benchmarks; not public API; may change without
notice. The names below are imported lazily (module ``__getattr__``): importing this package
imports none of its submodules, so ``import credit_closure`` stays as light as before. Tests
import internals only from here (``from credit_closure._columnar import compute_features``), never from the
submodules, except a module object that a test monkeypatches or whose state it reads (the name
must be looked up where the code looks it up); docs/internals.md, "Tests".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credit_closure._seams import lazy_names

if TYPE_CHECKING:
    from credit_closure._columnar.codes import kernel_codes as kernel_codes
    from credit_closure._columnar.engine import _features_pair as features_pair
    from credit_closure._columnar.numpy_engine import _LENDER as LENDER
    from credit_closure._columnar.numpy_engine import _REVOLVING as REVOLVING
    from credit_closure._columnar.numpy_engine import ENUM_CODES as ENUM_CODES
    from credit_closure._columnar.numpy_engine import _group_sum as group_sum
    from credit_closure._columnar.numpy_engine import compute_features as compute_features
    from credit_closure._columnar.numpy_engine import day_number as day_number
    from credit_closure._columnar.prepare import _prepare as prepare_batch
    from credit_closure._columnar.report_features import (
        report_features_columnar as report_features_columnar,
    )

#: seam name -> (submodule, name in that submodule)
_SEAM: dict[str, tuple[str, str]] = {
    "ENUM_CODES": ("numpy_engine", "ENUM_CODES"),
    "LENDER": ("numpy_engine", "_LENDER"),
    "REVOLVING": ("numpy_engine", "_REVOLVING"),
    "compute_features": ("numpy_engine", "compute_features"),
    "day_number": ("numpy_engine", "day_number"),
    "features_pair": ("engine", "_features_pair"),
    "group_sum": ("numpy_engine", "_group_sum"),
    "kernel_codes": ("codes", "kernel_codes"),
    "prepare_batch": ("prepare", "_prepare"),
    "report_features_columnar": ("report_features", "report_features_columnar"),
}

__all__ = [  # the seam's names (tests/test_layout.py checks they match _SEAM)
    "ENUM_CODES",
    "LENDER",
    "REVOLVING",
    "compute_features",
    "day_number",
    "features_pair",
    "group_sum",
    "kernel_codes",
    "prepare_batch",
    "report_features_columnar",
]


__getattr__, __dir__ = lazy_names(__name__, _SEAM, globals())
