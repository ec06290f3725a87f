"""Build hook: a wheel of credit_closure carries its single-assessment path compiled.

The modules listed in ``credit_closure/_accel.py`` (``ACCELERATED``) are compiled with Cython
from their unchanged Python source and installed next to it; see that module and
``docs/decision-service.md`` ("The compiled build"). Editable installs stay pure Python (a
compiled module would hide later edits of its source). Without Cython or a C compiler, or
with ``CREDIT_CLOSURE_PURE_PYTHON=1`` in the build's environment, the wheel is the pure-Python
package, with a warning.

The same compilation, for a source checkout (used by ``.ci/run`` and the benchmarks)::

    python hatch_build.py --inplace   # the compiled modules next to their sources
    python hatch_build.py --clean     # remove them again
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import json
import os
import pathlib
import shutil
import sys
import tempfile
from typing import Any

try:  # the command line below needs no hatchling
    _Hook: Any = importlib.import_module(
        "hatchling.builders.hooks.plugin.interface"
    ).BuildHookInterface
except ImportError:
    _Hook = object

ROOT = pathlib.Path(__file__).resolve().parent
PACKAGE = "credit_closure"

# Cython reads the modules as the Python they are: annotations are not C types, and functions
# stay introspectable (signatures, pickling by name).
DIRECTIVES = {
    "language_level": 3,
    "annotation_typing": False,
    "binding": True,
    "embedsignature": False,
    # no __test__ table of the docstrings: the module has the names its source defines, and
    # a doctest runner finds each example once
    "autotestdict": False,
}


def _accel_module(root: pathlib.Path = ROOT) -> Any:
    """``credit_closure/_accel.py`` of ``root``, loaded on its own: it imports the standard
    library only, while the package needs its dependencies, which a build does not have."""
    spec = importlib.util.spec_from_file_location(
        "_credit_closure_accel", root / PACKAGE / "_accel.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {root / PACKAGE / '_accel.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ACCEL = _accel_module()
PURE_ENV: str = _ACCEL.PURE_ENV
MANIFEST: str = _ACCEL.MANIFEST
# a value other than 0/false/no/off or unset builds the pure-Python wheel (as it runs it)
_pure_requested = _ACCEL._pure_requested


def accelerated(root: pathlib.Path = ROOT) -> tuple[str, ...]:
    """``ACCELERATED`` of ``root``'s ``credit_closure/_accel.py``."""
    paths: tuple[str, ...] = (_ACCEL if root == ROOT else _accel_module(root)).ACCELERATED
    return paths


def compile_modules(root: pathlib.Path, work: pathlib.Path) -> dict[str, pathlib.Path]:
    """Compile the accelerated modules under ``work``; ``{path in the wheel: built file}``."""
    cythonize = importlib.import_module("Cython.Build").cythonize
    setuptools = importlib.import_module("setuptools")
    Distribution, Extension = setuptools.Distribution, setuptools.Extension

    extensions = [
        Extension(
            f"{PACKAGE}.{rel[:-3].replace('/', '.')}",
            [f"{PACKAGE}/{rel}"],
            # generated C: its compiler warnings are Cython's business, not this package's;
            # no debug information (a fifth of the size; tracebacks still name the .py lines)
            extra_compile_args=[] if sys.platform == "win32" else ["-w", "-g0"],
        )
        for rel in accelerated(root)
    ]
    here = os.getcwd()
    os.chdir(root)  # Cython names the generated files after the sources' relative paths
    try:
        modules = cythonize(
            extensions,
            compiler_directives=DIRECTIVES,
            build_dir=str(work / "c"),
            quiet=True,
            force=True,
        )
        dist = Distribution({"name": "credit-closure", "ext_modules": modules})
        cmd: Any = dist.get_command_obj("build_ext")
        cmd.build_lib = str(work / "lib")
        cmd.build_temp = str(work / "tmp")
        cmd.parallel = os.cpu_count() or 1
        cmd.ensure_finalized()
        cmd.run()
    finally:
        os.chdir(here)
    lib = work / "lib"
    built = {p.relative_to(lib).as_posix(): p for p in lib.rglob("*") if p.is_file()}
    # what was compiled, so that an import can tell a stale build (credit_closure/_accel.py)
    manifest = lib / PACKAGE / MANIFEST
    sources = {
        rel: hashlib.sha256((root / PACKAGE / rel).read_bytes()).hexdigest()
        for rel in accelerated(root)
    }
    manifest.write_text(json.dumps({"sources": sources}, indent=1, sort_keys=True) + "\n")
    built[f"{PACKAGE}/{MANIFEST}"] = manifest
    return built


class AccelBuildHook(_Hook):  # type: ignore[misc]  # hatchling is untyped here
    """Adds the compiled modules to a standard (not editable) wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        if _pure_requested():
            self.app.display_info(f"{PURE_ENV} is set: building the pure-Python wheel")
            return
        self._work = pathlib.Path(tempfile.mkdtemp(prefix="credit-closure-accel-"))
        try:
            built = compile_modules(pathlib.Path(self.root), self._work)
        except Exception as exc:  # no Cython, no compiler, a compile error: pure Python
            self.app.display_warning(
                "credit_closure: the compiled single-assessment path could not be built "
                f"({type(exc).__name__}: {exc}); installing the pure-Python package, which "
                "gives the same results more slowly"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for rel, path in built.items():
            build_data["force_include"][str(path)] = rel

    def finalize(self, version: str, build_data: dict[str, Any], artifact: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _inplace_files(root: pathlib.Path) -> list[pathlib.Path]:
    out = [p for p in [root / PACKAGE / MANIFEST] if p.exists()]
    for rel in accelerated(root):
        source = root / PACKAGE / rel
        out += [p for p in source.parent.glob(source.stem + ".*") if p.suffix in (".so", ".pyd")]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--inplace", action="store_true", help="compile next to the sources")
    group.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args(argv)
    for stale in _inplace_files(ROOT):
        stale.unlink()
    if args.clean:
        return 0
    with tempfile.TemporaryDirectory(prefix="credit-closure-accel-") as tmp:
        built = compile_modules(ROOT, pathlib.Path(tmp))
        for rel, path in built.items():
            shutil.copy2(path, ROOT / rel)
            print(f"compiled {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
