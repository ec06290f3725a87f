"""The credit-closure command: assess and what-if, output, errors and exit codes."""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys

import pytest
from _helpers import AS_OF_TEXT

from credit_closure.cli import main
from credit_closure.cli import main as cli_main

ROOT = pathlib.Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "profiles"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class TestAssessCommand:
    """credit-closure assess."""

    def test_readable_summary(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The summary shows score, decision and reasons in English."""
        code, out, err = run(
            ["assess", str(EX / "02_balance_after_delinquency.json"), "--as-of", "2025-12-31"],
            capsys,
        )
        assert code == 0 and err == ""
        # policy v2: the closed line owing counts at its last limit (549.5, refer)
        assert "decision: REFER" in out and "[CLOSED_AFTER_DELINQUENCY]" in out

    def test_chinese(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--lang zh prints Chinese labels and reasons."""
        code, out, _ = run(
            [
                "assess",
                str(EX / "04_abnormal_termination.json"),
                "--as-of",
                "2025-12-31",
                "--lang",
                "zh",
            ],
            capsys,
        )
        assert code == 0 and "决定：拒绝" in out and "呆账" in out

    def test_json_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--json prints one JSON object per subject."""
        code, out, _ = run(
            [
                "assess",
                str(EX / "01_clean_voluntary_huabei.json"),
                "--as-of",
                "2025-12-31",
                "--json",
            ],
            capsys,
        )
        doc = json.loads(out)
        assert code == 0 and doc["decision"] == "approve" and doc["reasons"] == []

    def test_json_lines_input(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A .jsonl file gives one result per line."""
        lines = [
            json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(EX.glob("*.json"))
        ]
        path = tmp_path / "book.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, _ = run(["assess", str(path), "--as-of", "2025-12-31", "--json"], capsys)
        assert code == 0 and len(out.strip().splitlines()) == len(lines)

    def test_bad_input_exit_1_no_traceback(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad document lists every problem on stderr and exits 1."""
        path = tmp_path / "bad.json"
        path.write_text(
            json.dumps(
                {
                    "subject_id": "s",
                    "accounts": [
                        {"account_id": "a", "product": "boat", "status": "open", "balance": "12"}
                    ],
                }
            )
        )
        code, out, err = run(["assess", str(path)], capsys)
        assert code == 1 and out == ""
        assert "accounts[0].product" in err and "accounts[0].balance" in err
        assert "Traceback" not in err

    def test_bad_line_named(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """In JSON Lines, the bad line is named."""
        path = tmp_path / "b.jsonl"
        path.write_text('{"subject_id": "a"}\n{"subject_id": 3}\n')
        code, _, err = run(["assess", str(path), "--as-of", "2025-01-01"], capsys)
        assert code == 1 and "line 2.subject_id" in err

    def test_missing_file_and_future_dates(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file and dates after --as-of are input problems (exit 1)."""
        assert run(["assess", "/nonexistent.json"], capsys)[0] == 1
        code, _, err = run(
            ["assess", str(EX / "01_clean_voluntary_huabei.json"), "--as-of", "2020-01-01"], capsys
        )
        assert code == 1 and "is after the assessment date" in err

    def test_usage_error_exit_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A usage error exits 2."""
        with pytest.raises(SystemExit) as info:
            main(["assess"])
        assert info.value.code == 2

    def test_stdin(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """- reads the document from standard input."""
        data = (EX / "03_lender_risk_closure.json").read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code, out, _ = run(["assess", "-", "--as-of", "2025-12-31", "--json"], capsys)
        assert code == 0 and json.loads(out)["reasons"][0]["code"] == "CLOSED_BY_LENDER_RISK"


class TestWhatIfCommand:
    """credit-closure what-if."""

    def test_what_if(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Closing the Huabei line shows the score change and the reason that moves."""
        code, out, _ = run(
            [
                "what-if",
                str(EX / "06_open_lines_whatif.json"),
                "--close",
                "hb1",
                "--on",
                "2025-12-31",
            ],
            capsys,
        )
        assert code == 0 and "UTILIZATION_HIGH" in out and "-> " in out

    def test_what_if_json_and_errors(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--json output, and an unknown account is an input problem."""
        code, out, _ = run(
            [
                "what-if",
                str(EX / "06_open_lines_whatif.json"),
                "--close",
                "jb1",
                "--on",
                "2025-12-31",
                "--json",
            ],
            capsys,
        )
        doc = json.loads(out)
        assert code == 0 and doc["delta"] < 0 and doc["closed"] == ["jb1"]
        code, _, err = run(
            [
                "what-if",
                str(EX / "06_open_lines_whatif.json"),
                "--close",
                "zz",
                "--on",
                "2025-12-31",
            ],
            capsys,
        )
        assert code == 1 and "close[0]" in err


def test_console_script_installed() -> None:
    """The installed console script runs and prints the version."""
    exe = pathlib.Path(sys.executable).with_name("credit-closure")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("credit-closure ")


class TestReadLimit:
    """The command line's own read limit is enforced with exit code 1, never a traceback."""

    def test_cli_file_size(
        self, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The CLI refuses a file over its read limit with exit code 1 and no traceback."""
        from credit_closure.cli.assess import _MAX_BYTES

        path = tmp_path / "huge.json"
        with open(path, "wb") as fh:
            fh.truncate(_MAX_BYTES + 10)  # sparse: no disk used
        assert cli_main(["assess", str(path), "--as-of", AS_OF_TEXT]) == 1
        err = capsys.readouterr().err
        assert "larger than" in err and "Traceback" not in err
