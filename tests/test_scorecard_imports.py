"""Using a saved scorecard imports no numpy (issue 18): loading an artifact, ``assess()``,
``what_if()``, the scorer's own scoring methods, ``save()`` and the ``to_dict`` /
``from_dict`` / ``from_bytes`` round trips run in pure Python, so the first assessment of a
process pays no numpy import. Fitting and the vectorised transforms import numpy on first
use and give the same model as before.

Each check runs in a fresh interpreter (``sys.modules`` of the test session already holds
numpy) with this checkout first on ``PYTHONPATH``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHATIF = ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"
AS_OF = "2026-06-30"

#: The heavy modules scoring with a saved scorecard must not import.
HEAVY = ("numpy", "sklearn", "scipy", "pandas")


#: Prologue of every script: ``heavy()`` lists the heavy packages imported so far; ``AS_OF``
#: and ``DAY`` are the assessment date as a string and as a date.
PROLOGUE = f"""
import datetime, json, sys
HEAVY = {HEAVY!r}
AS_OF = {AS_OF!r}
DAY = datetime.date.fromisoformat(AS_OF)
def heavy():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set(HEAVY))
"""


def _run(code: str, *args: str) -> Any:
    """Run :data:`PROLOGUE` and ``code`` in a fresh interpreter with this checkout first on
    ``PYTHONPATH``; the script prints one JSON document, returned parsed."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROLOGUE + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_saved_scorecard_is_used_without_numpy(saved: Path, tmp_path: Path) -> None:
    """load, assess, what_if, the scorer's methods, save, the round trips, the built-in
    ``"logistic"`` and a registered factory that loads a file import none of numpy,
    scikit-learn, scipy or pandas; each step is checked on its own."""
    code = """
    path, out_path, whatif = sys.argv[1:4]
    steps = {}
    from credit_closure import CreditProfile, LogisticScorer, assess, get_scorer, what_if
    steps["import"] = heavy()
    card = LogisticScorer.load(path)
    steps["load"] = heavy()
    with open(whatif, encoding="utf-8") as f:
        doc = json.load(f)
    doc["attributes"] = {"channel": "a,b"}
    profile = CreditProfile.from_dict(doc)
    a = assess(profile, scorer=card, as_of=AS_OF)
    a.to_dict()
    steps["assess"] = heavy()
    w = what_if(profile, close=["hb1", "cc1"], on=AS_OF, scorer=card)
    w.to_dict()
    steps["what_if"] = heavy()
    r = card.score(profile, DAY)
    [f.points for f in r.factors]
    card.probability_of_default(profile, DAY)
    card.log_odds(profile, DAY)
    card.total_points(profile, DAY)
    card.bin_indices(profile, DAY)
    card.predict_proba([profile, profile], AS_OF)
    [(i.binning.labels, i.binning.bin_index_one(None)) for i in card.inputs_]
    steps["scorer methods"] = heavy()
    sha = card.save(out_path)
    steps["save"] = heavy()
    again = LogisticScorer.from_dict(card.to_dict())
    with open(out_path, "rb") as f:
        raw = f.read()
    third = LogisticScorer.from_bytes(raw, sha256=sha)
    LogisticScorer.load(out_path, sha256=sha)
    steps["round trips"] = heavy()
    assess(profile, scorer="logistic", as_of=AS_OF)
    get_scorer("logistic").score(profile, DAY)
    steps["built-in logistic"] = heavy()
    from credit_closure import register_scorer
    register_scorer("saved-card", lambda: LogisticScorer.load(path))
    assert assess(profile, scorer="saved-card", as_of=AS_OF).score == a.score
    steps["registered factory"] = heavy()
    print(json.dumps({"steps": steps, "sha": [sha, card.sha256_, again.sha256_, third.sha256_],
                      "score": a.score, "after": w.after.score}))
    """
    got = _run(code, str(saved), str(tmp_path / "again.json"), str(WHATIF))
    assert got["steps"] == {
        step: []
        for step in (
            "import",
            "load",
            "assess",
            "what_if",
            "scorer methods",
            "save",
            "round trips",
            "built-in logistic",
            "registered factory",
        )
    }
    assert len(set(got["sha"])) == 1
    # the same numbers as in this (numpy-importing) session
    from credit_closure import CreditProfile, LogisticScorer, assess, what_if

    doc = json.loads(WHATIF.read_text(encoding="utf-8"))
    doc["attributes"] = {"channel": "a,b"}
    profile = CreditProfile.from_dict(doc)
    card = LogisticScorer.load(saved)
    assert got["score"] == assess(profile, scorer=card, as_of=AS_OF).score
    w = what_if(profile, close=["hb1", "cc1"], on=AS_OF, scorer=card)
    assert got["after"] == w.after.score
    assert got["sha"][0] == card.sha256_


@pytest.mark.parametrize("command", ["assess", "what-if"])
def test_cli_with_a_model_file_imports_no_numpy(saved: Path, command: str) -> None:
    """``credit-closure assess/what-if --model MODEL.json`` scores without numpy."""
    extra = ["--close", "hb1"] if command == "what-if" else []
    day = ["--on", AS_OF] if command == "what-if" else ["--as-of", AS_OF]
    argv = [command, str(WHATIF), "--model", str(saved), *day, "--json", *extra]
    code = """
    import contextlib, io
    from credit_closure.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(sys.argv[1:])
    print(json.dumps({"rc": rc, "heavy": heavy(), "out": json.loads(buf.getvalue())}))
    """
    got = _run(code, *argv)
    assert (got["rc"], got["heavy"]) == (0, [])
    assert got["out"]["scorer_version"] if command == "assess" else got["out"]["after"]


def test_fitting_after_loading_imports_numpy_and_fits_the_same_model(saved: Path) -> None:
    """In a process that loaded and scored without numpy, fitting imports it on first use and
    fits the same scorecard (same sha256) as a fit in this session; the vectorised
    transforms of a loaded binning agree with its per-value lookups."""
    code = """
    from credit_closure import LogisticScorer, assess
    card = LogisticScorer.load(sys.argv[1])
    assess({"subject_id": "s"}, scorer=card, as_of=AS_OF)
    before = heavy()
    from credit_closure.synth import generate_portfolio
    pf = generate_portfolio(600, seed=5, as_of=DAY)
    fitted = LogisticScorer().fit(pf.profiles, pf.outcomes.tolist(), as_of=AS_OF)
    b = card.inputs_[0].binning
    values = [None, *sorted({c for g in getattr(b, "groups", ()) for c in g}), "never seen"]
    if hasattr(b, "cuts"):
        values = [None, float("nan"), -1e9, *b.cuts, 1e9]
    print(json.dumps({"before": before, "after": "numpy" in sys.modules,
                      "sha": fitted.sha256_,
                      "vector": b.transform_index(values).tolist(),
                      "scalar": [b.bin_index_one(v) for v in values]}))
    """
    got = _run(code, str(saved))
    assert got["before"] == [] and got["after"] is True
    assert got["vector"] == got["scalar"]
    from credit_closure import LogisticScorer
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(600, seed=5, as_of=dt.date.fromisoformat(AS_OF))
    here = LogisticScorer().fit(pf.profiles, pf.outcomes.tolist(), as_of=AS_OF)
    assert got["sha"] == here.sha256_


#: The modules a saved scorecard is loaded, scored and saved with.
SCORING_MODULES = (
    "__init__",
    "_validation",
    "artifact",
    "bin_texts",
    "binning_model",
    "fitted",
    "logistic",
    "parameters",
    "woe",
)


@pytest.mark.parametrize("name", SCORING_MODULES)
def test_scoring_modules_import_no_heavy_package_at_module_level(name: str) -> None:
    """No module-level import of numpy & co. (nor of the fitting modules, which import
    numpy) in the modules of the scoring path; a type-only import sits under
    ``if TYPE_CHECKING:``, a run-time one inside the function that needs it."""
    import ast

    import credit_closure._scorecard as package

    path = Path(package.__file__).parent / f"{name}.py"
    fitting = {"binning", "binning_prebins", "binning_search", "fitting", "fitting_tables"}
    fitting |= {"newton"}
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            targets = [node.module]
        else:
            continue
        for t in targets:
            top, _, rest = t.partition(".")
            if top in HEAVY or rest.removeprefix("_scorecard.") in fitting:
                found.append(f"line {node.lineno}: {t}")
    assert found == []
