"""The example plugin ``examples/acme-scorer``, installed for real by pip into a temporary
directory, is found through its entry point and used by ``assess()`` by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-scorer"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pip builds the example's wheel (hatchling) and installs it into a temporary target."""
    target = tmp_path_factory.mktemp("acme-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return target


def _run(target: Path, code: str, extra_env: dict[str, str] | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_CLOSURE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(target), str(ROOT)])
    env.update(extra_env or {})
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=str(target),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


class TestInstalledWheel:
    def test_wheel_contents(self, installed: Path):
        """The installed distribution declares the entry point and ships model.json, no pickle."""
        info = installed / "acme_scorer-1.2.0.dist-info"
        assert "acme-gbm = acme_scorer:AcmeGBMScorer" in (info / "entry_points.txt").read_text()
        files = {p.name for p in (installed / "acme_scorer").iterdir()}
        assert {"__init__.py", "model.json"} <= files
        assert not [p for p in installed.rglob("*") if p.suffix in (".pkl", ".pickle", ".joblib")]

    def test_assess_by_name_through_the_entry_point(self, installed: Path):
        """assess(scorer="acme-gbm") loads the plugin lazily; provenance names it."""
        got = _run(
            installed,
            """
            import json, sys
            from credit_closure import assess, available_scorers
            listed = [tuple(s) for s in available_scorers() if s.name == "acme-gbm"]
            before = "acme_scorer" in sys.modules
            a = assess({"subject_id": "p-1", "accounts": [
                {"account_id": "c1", "product": "credit_card", "status": "open",
                 "opened_on": "2016-01-01", "credit_limit": 10000, "balance": 9500,
                 "worst_dpd_24m": 60, "months_delinquent_24m": 2}]},
                scorer="acme-gbm", as_of="2026-06-30")
            import acme_scorer
            print(json.dumps({"listed": listed, "imported_by_listing": before,
                              "assessment": a.to_dict(), "sklearn": "sklearn" in sys.modules,
                              "numpy": "numpy" in sys.modules,
                              "module_file": acme_scorer.__file__}))
        """,
        )
        a = got["assessment"]
        assert got["listed"] == [["acme-gbm", "acme-scorer", "1.2.0", "acme_scorer:AcmeGBMScorer"]]
        assert got["imported_by_listing"] is False
        assert (
            a["scorer"],
            a["scorer_version"],
            a["scorer_distribution"],
            a["scorer_distribution_version"],
        ) == ("acme-gbm", "acme-gbm@2026.11", "acme-scorer", "1.2.0")
        assert a["reason_method"] == "tree_path_contributions"
        assert a["reasons"] and a["reasons"][0]["points"] < 0
        assert Path(got["module_file"]).is_relative_to(installed)
        assert got["sklearn"] is False  # scoring needs no scikit-learn

    def test_conformance_and_health_check(self, installed: Path):
        """The installed plugin passes check_scorer and check_plugins reports it ok."""
        got = _run(
            installed,
            """
            import json
            from credit_closure import get_scorer
            from credit_closure.plugins import check_plugins
            from credit_closure.testing import check_scorer
            check_scorer(get_scorer("acme-gbm"))
            rows = [r.to_dict() for r in check_plugins() if r.name == "acme-gbm"]
            print(json.dumps(rows))
        """,
        )
        assert got == [
            {
                "name": "acme-gbm",
                "distribution": "acme-scorer",
                "version": "1.2.0",
                "target": "acme_scorer:AcmeGBMScorer",
                "status": "ok",
                "error": None,
            }
        ]

    def test_disabled_by_the_operator(self, installed: Path):
        """With CREDIT_CLOSURE_DISABLE_PLUGINS=1 the plugin is refused and not imported."""
        got = _run(
            installed,
            """
            import json, sys
            from credit_closure import ScorerNotFoundError, get_scorer
            try:
                get_scorer("acme-gbm")
                msg = None
            except ScorerNotFoundError as exc:
                msg = str(exc)
            print(json.dumps({"msg": msg, "imported": "acme_scorer" in sys.modules}))
        """,
            {"CREDIT_CLOSURE_DISABLE_PLUGINS": "1"},
        )
        assert got["imported"] is False
        assert "acme-scorer 1.2.0" in got["msg"] and "disabled" in got["msg"]

    def test_plugins_command(self, installed: Path):
        """credit-closure plugins --json lists the installed plugin with status ok."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_CLOSURE_")}
        env["PYTHONPATH"] = os.pathsep.join([str(installed), str(ROOT)])
        out = subprocess.run(
            [sys.executable, "-m", "credit_closure.cli", "plugins", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        rows = {r["name"]: r for r in json.loads(out.stdout)["scorers"]}
        assert rows["acme-gbm"]["status"] == "ok"
        assert rows["rules"]["distribution"] == "credit-closure"
