"""The layout of :mod:`credit_closure._scorecard`: the old import paths still give the same
objects, the hot-path table keeps the positional layout its twin in ``columnar`` unpacks,
and every module says what it holds and stays small."""

from __future__ import annotations

import ast
import importlib
import pathlib
from typing import Any

import pytest

import credit_closure._scorecard as package

PACKAGE = pathlib.Path(package.__file__).parent

#: ``(old module, name, new module)``: names other modules, tests, benchmarks and docs import
#: from ``logistic`` and ``binning``, and where they now live.
MOVED = [
    ("logistic", "_sigmoid", "fitted"),
    ("logistic", "_category", "fitted"),
    ("logistic", "ScorecardInput", "fitted"),
    ("logistic", "CLOSURE_ACT_FEATURES", "parameters"),
    ("logistic", "attribute_reason_code", "parameters"),
    ("logistic", "_sha256", "artifact"),
    ("logistic", "_canonical", "artifact"),
    ("logistic", "_MAX_ARTIFACT_BYTES", "artifact"),
    ("logistic", "ARTIFACT_FORMAT", "artifact"),
    ("logistic", "ARTIFACT_FORMAT_VERSION", "artifact"),
    ("binning", "NumericBinning", "binning_model"),
    ("binning", "CategoricalBinning", "binning_model"),
    ("binning", "binning_from_dict", "binning_model"),
    ("binning", "MISSING_LABEL", "binning_model"),
    ("binning", "SMOOTHING", "woe"),
    ("binning", "MAX_SMOOTHING", "woe"),
    ("binning", "MAX_PREBINS", "woe"),
    ("binning", "_woe_iv", "woe"),
    ("binning", "_violates", "woe"),
    ("binning", "_has_shape", "woe"),
    ("binning", "_check_smoothing", "woe"),
    ("binning", "_optimal", "binning_search"),
    ("binning", "OPTIMAL_MAX_PREBINS", "binning_search"),
    ("binning", "METHODS", "binning_search"),
    ("binning", "PREBINNINGS", "binning_prebins"),
]


def _module(name: str) -> Any:
    return importlib.import_module(f"credit_closure._scorecard.{name}")


@pytest.mark.parametrize("old, name, new", MOVED)
def test_old_import_path_gives_the_same_object(old: str, name: str, new: str) -> None:
    """``from credit_closure._scorecard.<old> import <name>`` still works, and is the object
    of the module it moved to."""
    assert getattr(_module(old), name) is getattr(_module(new), name)


def test_logistic_keeps_its_own_names() -> None:
    """The class, the built-in scorer, its cache and the reference file stay in logistic
    (tests patch ``logistic._reference``; pyproject names ``logistic:reference_scorer``)."""
    logistic = _module("logistic")
    for name in ("LogisticScorer", "reference_scorer", "_reference", "_REFERENCE_FILE"):
        assert hasattr(logistic, name)
    assert logistic.LogisticScorer.__module__ == "credit_closure._scorecard.logistic"
    assert logistic._REFERENCE_FILE.is_file()


def test_scoring_row_layout() -> None:
    """``columnar._logistic_bins`` unpacks the rows of ``LogisticScorer._table`` by position
    (``row[2]`` name, ``row[7]`` log-odds, ``row[8]`` factors)."""
    from credit_closure._scorecard.fitted import ScoringRow
    from credit_closure._scorecard.logistic import reference_scorer

    assert ScoringRow._fields == (
        "kind",
        "feature_index",
        "name",
        "cuts",
        "lookup",
        "missing",
        "unseen",
        "log_odds",
        "factors",
    )
    scorer = reference_scorer()
    assert all(type(row) is ScoringRow for row in scorer._table)
    # the scoring loops read the same rows as exact tuples (the faster unpacking)
    assert all(type(row) is tuple for row in scorer._rows) and scorer._rows == scorer._table
    assert [row.name for row in scorer._table] == [i.name for i in scorer.inputs_]


def _modules() -> list[pathlib.Path]:
    return sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_module_says_what_it_holds_and_stays_small(path: pathlib.Path) -> None:
    """A module docstring; at most about 1,000 lines; no function over about 100."""
    source = path.read_text("utf-8")
    tree = ast.parse(source)
    assert ast.get_docstring(tree)
    assert len(source.splitlines()) <= 1000
    long = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 100
    ]
    assert long == []


@pytest.mark.parametrize("name", ["fitted", "logistic", "binning_model"])
def test_scoring_modules_name_their_twins(name: str) -> None:
    """The modules with scoring semantics name the vectorised and compiled twins."""
    doc = ast.get_docstring(ast.parse((PACKAGE / f"{name}.py").read_text("utf-8"))) or ""
    for twin in ("_logistic_bins", "_score_logistic", "scale_many"):
        assert twin in doc
