"""examples/walkthrough.py runs end to end (small sizes), and the quickstart's train and
validate commands then work as written on what it produced."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from credit_closure import cli
from credit_closure.report import charts_available

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "walkthrough.py"


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("walkthrough", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the walkthrough once, into <tmp>/walkthrough-out, with small sizes; its stdout is
    kept in <tmp>/stdout.txt."""
    base = tmp_path_factory.mktemp("wt")
    folder = base / "walkthrough-out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert _load().main([str(folder), "--n-train", "700", "--n-recent", "300"]) == 0
    (base / "stdout.txt").write_text(buf.getvalue(), encoding="utf-8")
    return folder


class TestWalkthrough:
    """The end-to-end script."""

    def test_writes_every_output(self, out: Path) -> None:
        """Data, model, report, scores, and (with matplotlib) charts are written."""
        names = {p.name for p in out.iterdir()}
        assert {"train.jsonl", "recent.jsonl", "model.json", "report.html", "scores.csv"} <= names
        if charts_available():
            assert "closure_rates.png" in names
            assert {p.name for p in (out / "charts").iterdir()} == {
                "roc.png",
                "ks.png",
                "distribution.png",
                "calibration.png",
                "psi.png",
            }

    def test_scores_cover_the_recent_sample(self, out: Path) -> None:
        """scores.csv has one row per recent subject, with valid decisions."""
        with open(out / "scores.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 300
        assert {r["decision"] for r in rows} <= {"approve", "refer", "decline"}

    def test_report_has_the_sections(self, out: Path) -> None:
        """The HTML report has the PSI section (a baseline was given) and the points table."""
        html = (out / "report.html").read_text(encoding="utf-8")
        assert "Population stability" in html and "Scorecard points" in html

    def test_prints_the_steps(self, out: Path) -> None:
        """The script tells the user each of its five steps and where the report is."""
        text = (out.parent / "stdout.txt").read_text(encoding="utf-8")
        assert all(f"[{i}/5]" in text for i in range(1, 6)) and "report.html" in text


def quickstart_commands() -> list:
    text = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M)
    return [
        line
        for b in blocks
        for line in b.splitlines()
        if "credit-closure train" in line or "credit-closure validate" in line
    ]


class TestQuickstartCommands:
    """The quickstart's train and validate commands, on the walkthrough's output."""

    def test_found(self) -> None:
        """The quickstart shows a train and a validate command."""
        assert len(quickstart_commands()) == 2

    @pytest.mark.parametrize("line", quickstart_commands())
    def test_works_as_written(
        self,
        line: str,
        out: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Run from the folder that holds walkthrough-out, the command exits 0."""
        monkeypatch.chdir(out.parent)
        argv = shlex.split(line)[1:]
        if argv[0] == "validate" and not Path("model.json").exists():
            assert cli.main(["train", "walkthrough-out/train.jsonl", "--out", "model.json"]) == 0
        assert cli.main(argv) == 0
        capsys.readouterr()
