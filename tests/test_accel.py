"""The compiled build (``credit_closure/_accel.py``, ``hatch_build.py``): what it compiles, the
switch back to the Python source, and that both builds give the same results to the bit.

The cross-build comparison needs the compiled modules: ``python hatch_build.py --inplace``
(``.ci/run`` does, then runs this file with ``CREDIT_CLOSURE_REQUIRE_COMPILED=1``, under which a
missing build fails instead of skipping).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import pathlib
import shutil
import subprocess
import sys
import warnings

import pytest

from credit_closure import _accel

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Assessments, features and what-ifs of generated profiles (contract v1 and v2, read back
# from their documents) with the default policy, the version-1 policy and the shipped
# scorecard, as JSON: repr() of a float round-trips, so equal text is equal bits. Printed
# last: which modules ran compiled.
_PROGRAM = """
import json
import credit_closure as cc
from credit_closure import _accel, features
from credit_closure.synth import generate_portfolio
from importlib.resources import files

card = cc.LogisticScorer.load(str(files("credit_closure") / "data" / "logistic_reference.json"))
scorers = [cc.RuleScorer.default(), cc.RuleScorer(policy="v1"), card, "rules"]
out = []
for version, n in ((1, 150), (2, 60)):
    pf = generate_portfolio(n, seed=11, contract_version=version)
    for built in pf.profiles:
        # through the document reader (compiled too), which must give the same profile
        profile = cc.CreditProfile.from_dict(built.to_dict())
        assert profile == built, built.subject_id
        vec = features.extract(profile, pf.as_of)
        out.append([v if v == v else "nan" for v in vec])
        for scorer in scorers:
            out.append(cc.assess(profile, scorer=scorer, as_of=pf.as_of).to_dict())
        open_ids = [a.account_id for a in profile.accounts if a.status.value == "open"]
        if open_ids:  # closing the first open account: the same what-if in both builds
            out.append(cc.what_if(profile, close=open_ids[0], on=pf.as_of).to_dict())
print(json.dumps(out, sort_keys=True, default=str))
print(json.dumps(_accel.compiled_modules()))
"""


def _python(
    *args: str,
    pure: bool = False,
    path: pathlib.Path | str | None = None,
    cwd: pathlib.Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """``python *args`` in a fresh process: the pure switch set only with ``pure``, and
    ``PYTHONPATH`` set to ``path`` when given."""
    env = {k: v for k, v in os.environ.items() if k != _accel.PURE_ENV}
    if pure:
        env[_accel.PURE_ENV] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _run(pure: bool) -> tuple[str, list[str]]:
    done = _python("-c", _PROGRAM, pure=pure)
    assert done.returncode == 0, done.stderr
    results, modules = done.stdout.strip().split("\n")
    return results, json.loads(modules)


def test_the_build_hook_reads_the_same_list():
    sys.path.insert(0, str(ROOT))
    try:
        import hatch_build
    finally:
        sys.path.remove(str(ROOT))
    assert hatch_build.accelerated() == _accel.ACCELERATED
    assert hatch_build.PURE_ENV == _accel.PURE_ENV
    assert hatch_build.MANIFEST == _accel.MANIFEST
    for rel in _accel.ACCELERATED:
        assert (ROOT / "credit_closure" / rel).is_file(), rel


def test_every_accelerated_module_imports():
    names = _accel._module_names()
    assert len(names) == len(_accel.ACCELERATED)
    loaded = _accel.compiled_modules()
    assert set(loaded) <= set(names)


def test_pure_switch_loads_the_sources():
    """Under ``CREDIT_CLOSURE_PURE_PYTHON=1`` no accelerated module is an extension module,
    whatever is installed."""
    code = (
        "import credit_closure, importlib.machinery as m\n"
        "from credit_closure import _accel\n"
        "assert _accel.compiled_modules() == (), _accel.compiled_modules()\n"
        "import credit_closure._scoring.features as f\n"
        "assert f.__file__.endswith('.py'), f.__file__\n"
        "print('ok')\n"
    )
    done = _python("-c", code, pure=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize(
    ("value", "pure"),
    [("1", True), ("yes", True), ("TRUE", True), (" on ", True)]
    + [("", False), ("0", False), ("no", False), ("false", False), ("Off", False)],
)
def test_pure_switch_values(monkeypatch, value, pure):
    monkeypatch.setenv(_accel.PURE_ENV, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _accel._pure_requested() is pure


@pytest.mark.parametrize("value", ["2", "enable", "pure"])
def test_pure_switch_unreadable_warns_and_runs_the_sources(monkeypatch, value):
    monkeypatch.setenv(_accel.PURE_ENV, value)
    with pytest.warns(RuntimeWarning, match="neither 1/true/yes/on nor 0/false/no/off"):
        assert _accel._pure_requested() is True


def test_warning_points_at_the_caller_line():
    """``warn_at_caller`` names the first frame outside the package, in either build."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        _accel.warn_at_caller(UserWarning("here"))
        line = sys._getframe().f_lineno - 1
    assert [(w.filename, w.lineno, str(w.message)) for w in got] == [(__file__, line, "here")]


def test_compiled_and_pure_builds_agree_to_the_bit():
    """The same assessments, feature vectors and reasons from the compiled modules and from
    their Python source, in two processes."""
    compiled, modules = _run(pure=False)
    if not modules:
        if os.environ.get("CREDIT_CLOSURE_REQUIRE_COMPILED"):
            pytest.fail("CREDIT_CLOSURE_REQUIRE_COMPILED is set but no module ran compiled")
        pytest.skip("no compiled build here (python hatch_build.py --inplace makes one)")
    assert sorted(modules) == sorted(_accel._module_names())
    pure, none = _run(pure=True)
    assert none == []
    assert len(json.loads(compiled)) > 210 * 5  # the what-ifs come on top
    assert compiled == pure


def test_loader_kind_matches_the_report():
    """What ``compiled_modules`` says before an import is what the import loads."""
    before = set(_accel.compiled_modules())
    for name in _accel._module_names():
        module = importlib.import_module(name)
        compiled = isinstance(module.__spec__.loader, importlib.machinery.ExtensionFileLoader)
        assert compiled is (name in before), name
        assert module.__file__.endswith(".py") is not compiled


def test_build_label_says_which_build_runs():
    k = len(_accel.compiled_modules())
    label = _accel.build_label()
    if k == 0:
        assert label == "pure Python"
    elif k == len(_accel.ACCELERATED):
        assert label == "compiled"
    else:
        assert label == f"partly compiled ({k} of {len(_accel.ACCELERATED)} modules)"


def test_version_names_the_build_under_the_pure_switch():
    done = _python("-m", "credit_closure.cli", "--version", pure=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("(pure Python)")


def _copy_with_manifest(tmp_path: pathlib.Path, sources: dict[str, str] | str) -> pathlib.Path:
    """A copy of the package whose build record says ``sources``."""
    copy = tmp_path / "site"
    shutil.copytree(
        ROOT / "credit_closure",
        copy / "credit_closure",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", _accel.MANIFEST),
    )
    text = sources if isinstance(sources, str) else json.dumps({"sources": sources})
    (copy / "credit_closure" / _accel.MANIFEST).write_text(text, encoding="utf-8")
    return copy


def _import_copy(copy: pathlib.Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import warnings\n"
        "warnings.simplefilter('always')\n"
        "import credit_closure, credit_closure._scoring.features as f\n"
        "from credit_closure import _accel\n"
        "print(f.__file__)\n"
        "print(_accel.build_label())\n"
    )
    return _python("-c", code, path=copy, cwd=copy)


def _digests() -> dict[str, str]:
    return {
        rel: hashlib.sha256((ROOT / "credit_closure" / rel).read_bytes()).hexdigest()
        for rel in _accel.ACCELERATED
    }


def test_matching_record_loads_quietly(tmp_path):
    done = _import_copy(_copy_with_manifest(tmp_path, _digests()))
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" not in done.stderr
    assert done.stdout.split("\n")[0].startswith(str(tmp_path))


@pytest.mark.parametrize("kind", ["edited", "missing", "unreadable"])
def test_stale_build_warns_and_runs_the_sources(tmp_path, kind):
    """A source edited after compiling (or a damaged record): a warning naming the file, and
    every accelerated module runs from its source."""
    digests = _digests()
    if kind == "edited":
        digests["_scoring/features.py"] = "0" * 64
        record: dict[str, str] | str = digests
    elif kind == "missing":
        del digests["_scorecard/logistic.py"]
        record = digests
    else:
        record = "{not json"
    copy = _copy_with_manifest(tmp_path, record)
    # a compiled module in the copy, if this checkout has one: the warning must win over it
    for so in (ROOT / "credit_closure" / "_scoring").glob("features.*"):
        if so.suffix in (".so", ".pyd"):
            shutil.copy2(so, copy / "credit_closure" / "_scoring" / so.name)
    done = _import_copy(copy)
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" in done.stderr and "running the Python sources" in done.stderr
    named = {"edited": "_scoring/features.py", "missing": "_scorecard/logistic.py"}
    if kind in named:
        assert named[kind] in done.stderr
    feature_file, label = done.stdout.strip().split("\n")
    assert feature_file.endswith("features.py")
    assert label == "pure Python"


def test_stale_sources_is_empty_without_a_record():
    if (ROOT / "credit_closure" / _accel.MANIFEST).exists():
        pytest.skip("this checkout has a compiled build")
    assert _accel.stale_sources() == ()


# The examples in the accelerated modules' docstrings: which there are (name, number of
# examples) and how many fail, run on the modules as this process loads them.
_DOCTESTS = """
import doctest, importlib, json
from credit_closure import _accel
found, failed = [], 0
for name in _accel._module_names():
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, name):
        if test.examples:
            found.append([test.name, len(test.examples)])
            failed += runner.run(test, out=lambda text: None).failed
print(json.dumps([sorted(found), failed, _accel.compiled_modules()]))
"""


def _doctests(pure: bool) -> tuple[list[list[object]], int, list[str]]:
    done = _python("-c", _DOCTESTS, pure=pure)
    assert done.returncode == 0, done.stderr
    found, failed, modules = json.loads(done.stdout)
    return found, failed, modules


def test_docstring_examples_pass_in_the_build_that_runs():
    """The same docstring examples, all passing, in the compiled modules as in their source
    (pytest's own doctest collection leaves out the compiled ones: conftest.py). Cython's
    ``__test__`` table of docstrings is not generated, so each example runs once."""
    compiled, failed, modules = _doctests(pure=False)
    assert failed == 0
    if not modules:
        if os.environ.get("CREDIT_CLOSURE_REQUIRE_COMPILED"):
            pytest.fail("CREDIT_CLOSURE_REQUIRE_COMPILED is set but no module ran compiled")
        pytest.skip("no compiled build here (python hatch_build.py --inplace makes one)")
    pure, failed, _ = _doctests(pure=True)
    assert failed == 0
    assert len(pure) >= 10
    assert compiled == pure


def test_plain_pytest_collects_a_checkout_with_the_compiled_build():
    """``pytest`` on the package's folders with the accelerated modules compiled next to their
    sources: no collection error (it was "import file mismatch" for each of them)."""
    if not _accel.compiled_modules():
        pytest.skip("no compiled build here (python hatch_build.py --inplace makes one)")
    paths = sorted({str((ROOT / "credit_closure" / rel).parent) for rel in _accel.ACCELERATED})
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = _python(
        "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths, path=path
    )
    assert "mismatch" not in done.stdout + done.stderr
    assert done.returncode in (0, 5), done.stdout  # 5: nothing collected


def test_compiled_module_without_a_record_is_not_trusted(tmp_path):
    """A compiled module next to its source but no build record (a build older than the
    record, or a file copied in): nothing says what it was built from, so the package warns
    and runs the sources, as for a stale build. (Before: the compiled file was loaded.)"""
    copy = tmp_path / "site"
    shutil.copytree(
        ROOT / "credit_closure",
        copy / "credit_closure",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", _accel.MANIFEST),
    )
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    # not loadable: were it loaded, the import would fail
    (copy / "credit_closure" / "_scoring" / ("features" + suffix)).write_bytes(b"not a module")
    done = _import_copy(copy)
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" in done.stderr and "running the Python sources" in done.stderr
    feature_file, label = done.stdout.strip().split("\n")
    assert feature_file.endswith("features.py")
    assert label == "pure Python"


@pytest.mark.parametrize("target", ["sdist", "wheel"])
def test_distributions_leave_out_a_build_in_place(tmp_path, target, monkeypatch):
    """A source tree with a build in place (compiled files, their C and the build record) and
    no .gitignore to hide them (a copy, or a tree whose path .gitignore itself matches): the
    sdist has none of them, and a wheel that is not compiled has none either. (Before: both
    shipped them.)"""
    pytest.importorskip("hatchling")
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    shutil.copytree(
        ROOT / "credit_closure",
        tree / "credit_closure",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.c", _accel.MANIFEST),
    )
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (tree / "credit_closure" / "_scoring" / ("scale" + suffix)).write_bytes(b"compiled")
    (tree / "credit_closure" / "_scoring" / "scale.c").write_text("/* generated */\n")
    (tree / "credit_closure" / _accel.MANIFEST).write_text('{"sources": {}}\n')
    # pure: the wheel's hook compiles nothing
    out = str(tmp_path / "out")
    done = _python("-m", "hatchling", "build", "-t", target, "-d", out, pure=True, cwd=tree)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (tmp_path / "out").iterdir()
    if target == "sdist":
        import tarfile

        with tarfile.open(built) as archive:
            names = archive.getnames()
    else:
        import zipfile

        with zipfile.ZipFile(built) as archive:
            names = archive.namelist()
    assert any(n.endswith("credit_closure/_scoring/scale.py") for n in names)
    leftovers = [n for n in names if n.endswith((suffix, ".c", _accel.MANIFEST))]
    assert leftovers == []


@pytest.mark.parametrize("globals_name", [None, 3, "absent"])
def test_warning_from_code_whose_globals_have_no_module_name(globals_name):
    """``warn_at_caller`` called from code run with ``exec`` in globals of its own, whose
    ``__name__`` is missing or not a string: the warning names that code's line, as
    ``warnings.warn`` would. (Before: no warning at all without a name, ``warn_explicit``
    drops one whose module is None; AttributeError for a name that is not a string.)"""
    scope: dict[str, object] = {"warn": _accel.warn_at_caller}
    if globals_name != "absent":
        scope["__name__"] = globals_name
    code = compile("\n\nwarn(UserWarning('from exec'))\n", "<review>", "exec")
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        exec(code, scope)
    assert [(w.filename, w.lineno, str(w.message)) for w in got] == [("<review>", 3, "from exec")]


def test_package_imported_from_a_zip_file_is_quiet(tmp_path):
    """The package imported from a zip file (``zipimport``: a PySpark ``--py-files`` archive,
    say), which cannot hold compiled modules: no build record to read, and no warning. (Before:
    reading the record raised NotADirectoryError, taken for a damaged record: a stale-build
    warning on every import.)"""
    import zipfile

    archive = tmp_path / "app.zip"
    package = ROOT / "credit_closure"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                if not path.name.endswith((".so", ".pyd", ".c", _accel.MANIFEST)):
                    z.write(path, path.relative_to(ROOT).as_posix())
    code = (
        "import credit_closure\n"
        "from credit_closure import _accel\n"
        "assert '.zip' in credit_closure.__file__, credit_closure.__file__\n"
        "print(_accel.stale_sources(), _accel.build_label())\n"
    )
    done = _python("-W", "error::RuntimeWarning", "-c", code, path=archive, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "() pure Python"


def test_stale_warning_says_what_to_do_for_an_installed_copy(tmp_path):
    """An installed wheel has no ``hatch_build.py`` to run: the warning says to reinstall."""
    digests = _digests()
    digests["_scoring/scale.py"] = "0" * 64
    done = _import_copy(_copy_with_manifest(tmp_path, digests))
    assert done.returncode == 0, done.stderr
    assert "an installed copy, reinstall it" in done.stderr
