"""pytest's configuration for the whole checkout (``tests/conftest.py`` holds the tests' own).

With the compiled build in place (``python hatch_build.py --inplace``), the accelerated modules
that load compiled are not collected for their docstring examples: pytest would import the
``.py`` file under the name the compiled module already holds. The pure build (an editable
install, CI's first run) runs those examples; the compiled build is compared with it to the bit
(``tests/test_accel.py``).
"""

from __future__ import annotations

import pathlib

from credit_closure import _accel

_PACKAGE = pathlib.Path(__file__).resolve().parent / "credit_closure"

collect_ignore = [
    str(_PACKAGE / (name.split(".", 1)[1].replace(".", "/") + ".py"))
    for name in _accel.compiled_modules()
]
