"""The command line's documented exit codes: 0 ok, 1 input problems, 2 usage (conflicting
options included), 3 scorer or configuration faults."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credit_closure import ScoreResult
from credit_closure.cli import EXIT_CODES, main
from credit_closure.plugins import register_scorer, unregister_scorer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "profiles" / "01_clean_voluntary_huabei.json"
WHATIF = ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"
MODEL = ROOT / "credit_closure" / "data" / "logistic_reference.json"


def cli(args: list[str], env: dict[str, str] | None = None) -> Any:
    """Run ``python -m credit_closure.cli`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=120,
    )


def test_help_states_the_exit_codes() -> None:
    """--help of the command and of assess states every code."""
    for args in (["--help"], ["assess", "--help"], ["what-if", "--help"]):
        r = cli(args)
        text = " ".join(r.stdout.split())
        assert r.returncode == 0 and "Exit codes: 0 ok; 1 input problems" in text
        assert "2 usage" in text and "3 scorer or configuration fault" in text
    assert "3 scorer or configuration fault" in EXIT_CODES


@pytest.mark.parametrize(
    "args",
    [
        ["assess", str(EXAMPLE), "--as-of", "2025-12-31"],
        ["assess", str(EXAMPLE), "--model", str(MODEL), "--as-of", "2025-12-31"],
        ["assess", str(EXAMPLE), "--scorer", "logistic", "--as-of", "2025-12-31"],
    ],
)
def test_ok_is_0(args: list[str]) -> None:
    assert cli(args).returncode == 0


def test_bad_input_is_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"subject_id": 3}', encoding="utf-8")
    r = cli(["assess", str(bad)])
    assert r.returncode == 1 and "subject_id" in r.stderr and "Traceback" not in r.stderr
    assert cli(["assess", str(EXAMPLE), "--as-of", "2025-13-01"]).returncode == 1


@pytest.mark.parametrize(
    "args, needle",
    [
        (["assess", str(EXAMPLE), "--no-such-option"], "unrecognized"),
        (["assess", str(EXAMPLE), "--model", str(MODEL), "--scorer", "rules"], "exclusive"),
        (["assess", str(EXAMPLE), "--sha256", "0" * 64], "--sha256"),
        (
            ["what-if", str(WHATIF), "--close", "hb1", "--model", str(MODEL)]
            + ["--scorer", "logistic"],
            "exclusive",
        ),
        (["validate", "rules", str(EXAMPLE), "--sha256", "0" * 64], "--sha256"),
        (["validate", "rules", str(EXAMPLE), "--png-dir", "x", "--no-plots"], "exclusive"),
        (["assess", str(EXAMPLE), "--fail-fast"], "--fail-fast"),
    ],
)
def test_usage_and_conflicting_options_are_2(args: list[str], needle: str) -> None:
    """Conflicting options are usage errors: exit 2 with the subcommand's usage."""
    r = cli(args)
    assert r.returncode == 2 and needle in r.stderr and "usage:" in r.stderr
    assert "Traceback" not in r.stderr


def test_model_no_longer_overrides_scorer() -> None:
    """--model with --scorer is refused before anything is scored: no output at all."""
    r = cli(["assess", str(EXAMPLE), "--model", str(MODEL), "--scorer", "rules", "--json"])
    assert r.returncode == 2 and r.stdout == ""


class TestScorerFaults:
    def test_unknown_scorer_is_3(self) -> None:
        r = cli(["assess", str(EXAMPLE), "--scorer", "no-such-scorer"])
        assert r.returncode == 3 and "no-such-scorer" in r.stderr and "Traceback" not in r.stderr

    def test_unknown_scorer_before_any_line(self, tmp_path: Path) -> None:
        """The scorer is found before any document is read: a JSON Lines run with an unknown
        scorer prints nothing and exits 3, not 1 per line."""
        path = tmp_path / "b.jsonl"
        path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("\n", "") + "\n")
        r = cli(["assess", str(path), "--scorer", "no-such-scorer", "--json"])
        assert r.returncode == 3 and r.stdout == ""

    def test_missing_model_file_is_3(self, tmp_path: Path) -> None:
        r = cli(["assess", str(EXAMPLE), "--model", str(tmp_path / "gone.json")])
        assert r.returncode == 3 and "no such file" in r.stderr

    def test_wrong_hash_is_3(self) -> None:
        r = cli(["assess", str(EXAMPLE), "--model", str(MODEL), "--sha256", "0" * 64])
        assert r.returncode == 3 and "sha256" in r.stderr and r.stdout == ""

    def test_tampered_artifact_is_3(self, tmp_path: Path) -> None:
        doc = json.loads(MODEL.read_text(encoding="utf-8"))
        doc["intercept"] = 123.0
        bad = tmp_path / "m.json"
        bad.write_text(json.dumps(doc), encoding="utf-8")
        r = cli(["assess", str(EXAMPLE), "--model", str(bad)])
        assert r.returncode == 3 and "Traceback" not in r.stderr

    def test_not_an_artifact_is_3(self, tmp_path: Path) -> None:
        bad = tmp_path / "m.json"
        bad.write_bytes(b"\x80\x04\x95 pickle")
        assert cli(["validate", str(bad), str(EXAMPLE)]).returncode == 3

    def test_bad_environment_variable_is_3(self) -> None:
        """A bad CREDIT_CLOSURE_* variable: 3 wherever plugins are read."""
        env = {"CREDIT_CLOSURE_DISABLE_PLUGINS": "maybe"}
        r = cli(["plugins"], env)
        assert r.returncode == 3 and "CREDIT_CLOSURE_DISABLE_PLUGINS" in r.stderr
        r = cli(["assess", str(EXAMPLE), "--scorer", "acme-gbm"], env)
        assert r.returncode == 3 and "Traceback" not in r.stderr
        # the built-in scorers do not read it
        assert cli(["assess", str(EXAMPLE), "--as-of", "2025-12-31"], env).returncode == 0


class _FailsOnS2:
    """A scorer that raises on subject ``s-2``."""

    credit_closure_api = 1
    version = "boom-1"

    def score(self, profile: Any, as_of: dt.date) -> ScoreResult:
        if profile.subject_id == "s-2":
            raise KeyError("no income for s-2")
        return ScoreResult(probability_of_default=0.02)


@pytest.fixture
def boom() -> Iterator[str]:
    register_scorer("cli-boom", _FailsOnS2)
    yield "cli-boom"
    unregister_scorer("cli-boom")


class TestFailingScorer:
    def test_failing_scorer_is_3(
        self, boom: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        doc["subject_id"] = "s-2"
        path = tmp_path / "p.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        code = main(["assess", str(path), "--scorer", boom, "--as-of", "2025-12-31"])
        err = capsys.readouterr().err
        assert code == 3 and "cli-boom" in err and "no income" not in err

    def test_failing_scorer_stops_a_json_lines_run(
        self, boom: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A scorer fault is not a bad line: the run stops there with exit 3, after printing
        the lines before it and the bad lines found so far."""
        doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        lines = []
        for sid in ("s-1", "bad", "s-2", "s-3"):
            doc["subject_id"] = sid
            lines.append(json.dumps(doc) if sid != "bad" else '{"subject_id": 1}')
        path = tmp_path / "b.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code = main(["assess", str(path), "--scorer", boom, "--as-of", "2025-12-31", "--json"])
        cap = capsys.readouterr()
        assert code == 3
        assert [json.loads(x)["line"] for x in cap.out.splitlines()] == [1]
        assert "line 2.subject_id" in cap.err
        assert "line 3: scorer 'cli-boom'" in cap.err and "stopped at line 3" in cap.err
