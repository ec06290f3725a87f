"""Collection of the package's docstring examples (``--doctest-modules``) in a checkout with the
compiled build next to its sources (``python hatch_build.py --inplace``).

pytest collects ``credit_closure/_scoring/assess.py`` by importing the module of that name and
refuses the compiled file it gets instead ("import file mismatch"), so plain ``pytest`` failed
to collect every accelerated module there. Those files are left out of the collection when
their module loads compiled; ``tests/test_accel.py`` runs their examples on the compiled
modules instead (``test_docstring_examples_pass_in_the_build_that_runs``).
"""

from __future__ import annotations

import pathlib
from typing import Any


def pytest_ignore_collect(collection_path: pathlib.Path, config: Any) -> bool | None:
    if collection_path.suffix != ".py":
        return None
    from credit_closure import _accel

    paths = {(_accel._PACKAGE / rel).resolve(): rel for rel in _accel.ACCELERATED}
    rel = paths.get(collection_path.resolve())
    if rel is None:
        return None
    name = "credit_closure." + rel[:-3].replace("/", ".")
    return True if name in _accel.compiled_modules() else None
