"""The compiled build of the single-assessment path: which modules it covers, whether they
were loaded compiled, and the switch back to their Python source.

A wheel built from this repository (``pip install .``; not an editable install) compiles the
modules of :data:`ACCELERATED` with Cython from their unchanged ``.py`` source, next to which
they are installed (``hatch_build.py`` reads this tuple). Nothing is restated: the compiled
module *is* the Python module, run without the interpreter's dispatch loop, so every result
is the same to the bit (``tests/test_accel.py`` compares the two builds in two processes).
Without a C compiler or Cython, the build installs the pure-Python package and says so.

A compiled build records the SHA-256 of each source it compiled (``_accel_sources.json``);
when a source no longer matches (a checkout edited after ``python hatch_build.py --inplace``),
importing the package warns and runs every accelerated module from its source, so a stale
compiled module never gives results the code on disk does not.

``CREDIT_CLOSURE_PURE_PYTHON=1`` in the environment, set before ``credit_closure`` is first
imported, loads these modules from their ``.py`` source even where the compiled ones are
installed (to step through them in a debugger, or to compare the builds).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import pathlib
import sys
import warnings
from collections.abc import Sequence
from types import FrameType, ModuleType

__all__ = [
    "ACCELERATED",
    "MANIFEST",
    "PURE_ENV",
    "build_label",
    "check_sources",
    "compiled_modules",
    "stale_sources",
    "use_pure_python",
    "warn_at_caller",
]

#: The modules a wheel compiles, as paths under the package: what one
#: ``CreditProfile.from_dict`` and one ``assess()`` run through (the fast document reader,
#: the feature pass and the report features, the rule program and rule scorer, the
#: scorecard's walk, the scale, the scorer snapshot, reason ranking and ``assess()``
#: itself). Everything else stays Python: it gains little, and stays easy to step through.
ACCELERATED: tuple[str, ...] = (
    "_contract/fastpath.py",
    "_scoring/assess.py",
    "_scoring/features.py",
    "_scoring/policy_features.py",
    "_scoring/report_features.py",
    "_scoring/rule_program.py",
    "_scoring/rules.py",
    "_scoring/scale.py",
    "_scoring/snapshot.py",
    "_scorecard/logistic.py",
)

#: The environment variable that keeps the compiled modules unloaded.
PURE_ENV = "CREDIT_CLOSURE_PURE_PYTHON"

#: The file, next to this module, in which a compiled build records the SHA-256 of each
#: source it compiled: ``{"sources": {path: hex digest}}``.
MANIFEST = "_accel_sources.json"

_PACKAGE = pathlib.Path(__file__).resolve().parent


def _module_names() -> tuple[str, ...]:
    return tuple("credit_closure." + p[:-3].replace("/", ".") for p in ACCELERATED)


def compiled_modules() -> tuple[str, ...]:
    """The names of the :data:`ACCELERATED` modules that are (or, not imported yet, would be)
    loaded compiled.

    Empty for an editable install, a build without a compiler, or under
    ``CREDIT_CLOSURE_PURE_PYTHON=1``.
    """
    out = []
    for name in _module_names():
        module = sys.modules.get(name)
        spec = importlib.util.find_spec(name) if module is None else module.__spec__
        if spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            out.append(name)
    return tuple(out)


def build_label() -> str:
    """``"compiled"``, ``"pure Python"`` or ``"partly compiled (k of n modules)"``: which
    build runs (``credit-closure --version`` prints it)."""
    k, n = len(compiled_modules()), len(ACCELERATED)
    if k == n:
        return "compiled"
    return "pure Python" if k == 0 else f"partly compiled ({k} of {n} modules)"


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the :data:`ACCELERATED` modules' ``.py`` source before the compiled files."""

    def __init__(self, names: dict[str, pathlib.Path]) -> None:
        self._names = names

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self._names.get(fullname)
        if source is None or not source.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def use_pure_python() -> None:
    """Load the :data:`ACCELERATED` modules from their ``.py`` source from now on.

    Only modules not yet imported are affected: ``credit_closure/__init__.py`` calls this
    first thing when ``CREDIT_CLOSURE_PURE_PYTHON`` is set.
    """
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    names = dict(zip(_module_names(), (_PACKAGE / p for p in ACCELERATED)))
    sys.meta_path.insert(0, _SourceFinder(names))


def _compiled_files() -> bool:
    """Whether a compiled file of an :data:`ACCELERATED` module lies next to its source."""
    for rel in ACCELERATED:
        stem = _PACKAGE / rel[:-3]
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            if stem.with_name(stem.name + suffix).exists():
                return True
    return False


def stale_sources() -> tuple[str, ...]:
    """The :data:`ACCELERATED` paths whose source is not the one the build compiled (every
    path when the record is unreadable, or missing next to a compiled module); empty without
    a compiled build."""
    try:
        recorded = json.loads((_PACKAGE / MANIFEST).read_text(encoding="utf-8"))["sources"]
        if not isinstance(recorded, dict):
            raise TypeError("sources is not an object")
    except (FileNotFoundError, NotADirectoryError):  # the latter: imported from a zip file
        # compiled modules without a record (built before there was one, or copied in):
        # nothing says which sources they were built from
        return ACCELERATED if _compiled_files() else ()
    except (OSError, ValueError, KeyError, TypeError):
        return ACCELERATED
    out = []
    for rel in ACCELERATED:
        try:
            digest: str | None = hashlib.sha256((_PACKAGE / rel).read_bytes()).hexdigest()
        except OSError:
            digest = None
        if recorded.get(rel) != digest:
            out.append(rel)
    return tuple(out)


def check_sources() -> None:
    """Run the sources instead of a stale compiled build, with a ``RuntimeWarning`` that
    names the changed files (``credit_closure/__init__.py`` calls this on import)."""
    stale = stale_sources()
    if stale:
        warnings.warn(
            RuntimeWarning(
                "credit_closure: the compiled modules were built from other sources than "
                f"those installed ({', '.join(stale)}); running the Python sources. In a "
                "checkout, rebuild them (python hatch_build.py --inplace) or remove them "
                "(--clean); an installed copy, reinstall it."
            ),
            stacklevel=3,
        )
        use_pure_python()


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _pure_requested() -> bool:
    """Whether :data:`PURE_ENV` asks for the sources: ``1``/``true``/``yes``/``on``, not
    ``0``/``false``/``no``/``off`` or unset; any other value warns and runs the sources (the
    same results, only slower: the safe reading of a switch that cannot be read)."""
    value = os.environ.get(PURE_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    warnings.warn(
        RuntimeWarning(
            f"credit_closure: {PURE_ENV} is neither 1/true/yes/on nor 0/false/no/off; "
            "running the Python sources"
        ),
        stacklevel=3,
    )
    return True


def warn_at_caller(warning: Warning) -> None:
    """Issue ``warning`` at the first frame outside ``credit_closure`` (the caller's line).

    ``stacklevel`` counts frames, and a compiled function has none of its own, so the same
    count would point elsewhere in the two builds; this finds the caller in both.
    """
    frame = sys._getframe(1)
    while frame.f_back is not None and _module_name(frame).startswith("credit_closure."):
        frame = frame.f_back
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    warnings.warn_explicit(
        warning,
        type(warning),
        frame.f_code.co_filename,
        frame.f_lineno,
        # as warnings.warn: None would make warn_explicit drop the warning without a word
        module=_module_name(frame) or "<string>",
        registry=registry,
    )


def _module_name(frame: FrameType) -> str:
    """The frame's module name; empty when its globals have none, or not a string (code run
    with ``exec`` in globals of its own)."""
    name = frame.f_globals.get("__name__")
    return name if isinstance(name, str) else ""
