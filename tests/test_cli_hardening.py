"""Issue 16, items 5 (arguments) and 7 (command line): ``as_of``/``on`` accept only
``YYYY-MM-DD`` within the documented range, the command can pin a model's sha256, and it never
prints a traceback when its streams cannot encode the output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import credit_closure
from credit_closure import InvalidInputError, assess, assess_many, what_if
from credit_closure._scoring.assess import FIRST_DAY, LAST_DAY
from credit_closure.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "profiles" / "01_clean_voluntary_huabei.json"
MODEL = ROOT / "credit_closure" / "data" / "logistic_reference.json"
PROFILE = {
    "subject_id": "p-date",
    "accounts": [
        {
            "account_id": "c1",
            "product": "credit_card",
            "status": "open",
            "opened_on": "1900-01-01",
            "credit_limit": 10000,
            "balance": 7000,
        }
    ],
}

BAD_FORMS = [
    "2025-W01-1",
    "2025-W01",
    "2025-001",
    "20250101",
    "2025-1-1",
    "2025-01-01T00:00:00",
    "2025-01-01 ",
    " 2025-01-01",
    "2025-02-30",
    "2025-13-01",
    "0000-01-01",
    "+2025-01-01",
    "\uff12\uff10\uff12\uff15-01-01",  # fullwidth digits
    "\u0662\u0660\u0662\u0665-01-01",  # Arabic-Indic digits
    "2025-01-01\n",
    "2025\u201101\u201101",  # non-breaking hyphens
    "",
    "today",
    "2025-01-01\ud800",
    "x" * 10_000,
]
OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "1000-06-30"]


def _problems(exc: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [p for p, _m in exc.value.problems]


# ---------------------------------------------------------------------------------------
class TestDateArguments:
    @pytest.mark.parametrize("value", BAD_FORMS + OUT_OF_RANGE)
    def test_as_of_refused(self, value: str):
        """assess(as_of=...) refuses every other form and every date before 1900-01-01 with
        InvalidInputError naming as_of (never a ScoringError from deep inside)."""
        with pytest.raises(InvalidInputError) as info:
            assess(PROFILE, as_of=value)
        assert _problems(info) == ["as_of"]
        message = str(info.value)
        assert message.isascii() and len(message) < 300

    @pytest.mark.parametrize("value", BAD_FORMS[:3] + OUT_OF_RANGE[:1])
    def test_on_refused(self, value: str):
        """what_if(on=...) the same, naming on."""
        with pytest.raises(InvalidInputError) as info:
            what_if(PROFILE, close="c1", on=value)
        assert _problems(info) == ["on"]

    @pytest.mark.parametrize("value", [dt.date(1, 1, 1), dt.date(1899, 12, 31)])
    def test_date_objects_out_of_range(self, value: dt.date):
        """A date object before the range is refused as well."""
        with pytest.raises(InvalidInputError) as info:
            assess(PROFILE, as_of=value)
        assert _problems(info) == ["as_of"]

    def test_batches_and_columnar(self):
        """assess_many (one date or one per subject) and score_columnar use the same check."""
        with pytest.raises(InvalidInputError) as info:
            assess_many([PROFILE], as_of="0001-01-01")
        assert _problems(info) == ["as_of"]
        with pytest.raises(InvalidInputError) as info:
            assess_many([PROFILE, PROFILE], as_of=["2025-01-01", "2025-W01-1"])
        assert _problems(info) == ["as_of[1]"]
        from credit_closure.columnar import profiles_to_tables, score_columnar

        t = profiles_to_tables([credit_closure.CreditProfile.from_dict(PROFILE)])
        with pytest.raises(InvalidInputError) as info:
            score_columnar(
                t["accounts"], t["closures"], t["inquiries"], t["attributes"], as_of="0001-01-01"
            )
        assert _problems(info) == ["as_of"]

    @pytest.mark.parametrize("value", [FIRST_DAY, LAST_DAY])
    def test_range_edges_score(self, value: dt.date):
        """Both ends of the range are accepted, as strings and as dates, with one result."""
        a = assess(PROFILE, as_of=value.isoformat())
        assert a.as_of == value and a == assess(PROFILE, as_of=value)
        w = what_if(PROFILE, close="c1", on=value.isoformat())
        assert w.after.as_of == value

    def test_range_is_the_documented_one(self):
        """The range starts at Limits.MIN_DATE (docs/json-contract.md: 1900-01-01)."""
        from credit_closure._contract.checks import Limits

        assert FIRST_DAY == Limits.MIN_DATE == dt.date(1900, 1, 1)
        assert LAST_DAY == dt.date(9999, 12, 31)


# ---------------------------------------------------------------------------------------
def _run(
    args: list[str], env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    full = dict(os.environ)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full.pop("PYTHONUTF8", None)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", *args],
        input=stdin,
        capture_output=True,
        env=full,
        timeout=120,
        check=False,
    )


ENCODINGS = [
    {"PYTHONIOENCODING": "latin-1"},
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONIOENCODING": "cp1252:strict"},
    {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "", "PYTHONCOERCECLOCALE": "0"},
]


class TestStreams:
    @pytest.mark.parametrize(
        "env", ENCODINGS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items())
    )
    def test_chinese_output_on_a_narrow_stream(self, env: dict[str, str]):
        """Chinese output on a stream that cannot encode it: exit 0, escapes, no traceback."""
        r = _run(["assess", str(EXAMPLE), "--as-of", "2025-12-31", "--lang", "zh"], env)
        assert r.returncode == 0, r.stderr
        assert b"Traceback" not in r.stderr
        assert b"\\u4e3b\\u4f53" in r.stdout or "主体".encode() in r.stdout

    def test_json_output_stays_json(self):
        """--json output escaped for latin-1 still parses, to the same text."""
        r = _run(
            ["assess", str(EXAMPLE), "--as-of", "2025-12-31", "--json"],
            {"PYTHONIOENCODING": "ascii"},
        )
        assert r.returncode == 0 and r.stdout.isascii()
        doc = json.loads(r.stdout)
        expected = assess(json.loads(EXAMPLE.read_text("utf-8")), as_of="2025-12-31")
        assert doc == json.loads(json.dumps(expected.to_dict()))

    def test_json_with_astral_characters_on_an_ascii_stream(self):
        """Characters beyond U+FFFF in --json output are escaped as JSON surrogate pairs."""
        doc = dict(PROFILE, subject_id="p-\U0001f600-\u4e2d")
        r = _run(
            ["assess", "-", "--as-of", "2025-12-31", "--json"],
            {"PYTHONIOENCODING": "ascii"},
            stdin=json.dumps(doc, ensure_ascii=False).encode("utf-8"),
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.isascii() and b"\\ud83d\\ude00" in r.stdout
        assert json.loads(r.stdout)["subject_id"] == "p-\U0001f600-\u4e2d"

    def test_astral_and_surrogate_characters_in_errors(self, tmp_path: Path):
        """A file name with an emoji and a surrogate-escaped byte, on an ASCII stderr: exit 1,
        escaped, no traceback."""
        r = _run(
            ["assess", os.fsdecode(bytes(tmp_path / "x\U0001f600") + b"\xff.json")],
            {"PYTHONIOENCODING": "ascii"},
        )
        assert r.returncode == 1 and b"Traceback" not in r.stderr
        assert r.stderr.isascii() and r.stderr.startswith(b"credit-closure: ")
        assert b"\\ud83d\\ude00" in r.stderr or b"\\U0001f600" in r.stderr

    @pytest.mark.parametrize(
        "args",
        [
            ["assess", "-", "--as-of", "2025-W01-1"],
            ["assess", "-", "--as-of", "0001-01-01"],
            ["assess", "-", "--as-of", "\u4eca\u5929"],
            ["what-if", "-", "--close", "c1", "--on", "1899-12-31"],
            ["assess", "-", "--as-of", "2025-06-30", "--lang", "zh"],
        ],
    )
    def test_bad_input_exits_1_without_traceback(self, args: list[str]):
        """Bad arguments and bad documents on a latin-1 stream: exit 1, one clear message."""
        r = _run(
            args, {"PYTHONIOENCODING": "latin-1"}, stdin=b'{"subject_id": "\xe4\xb8\xad", "x": 1}'
        )
        assert r.returncode == 1, r.stderr
        assert b"Traceback" not in r.stderr and r.stderr.startswith(b"credit-closure: ")

    def test_in_process_streams_are_made_safe(self, monkeypatch: pytest.MonkeyPatch):
        """main() switches strict text streams to escaping ones."""
        import io

        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="latin-1", errors="strict")
        monkeypatch.setattr(sys, "stdout", stream)
        assert cli_main(["assess", str(EXAMPLE), "--as-of", "2025-12-31", "--lang", "zh"]) == 0
        stream.flush()
        assert b"\\u4e3b\\u4f53" in raw.getvalue()


# ---------------------------------------------------------------------------------------
class TestDatesInTheCommand:
    @pytest.mark.parametrize("value", ["2025-W01-1", "0001-01-01", "2025-02-30"])
    def test_as_of_option(self, value: str, capsys: pytest.CaptureFixture[str]):
        """--as-of is checked before any document is read, and named in the message."""
        assert cli_main(["assess", "/nonexistent/never-read.json", "--as-of", value]) == 1
        err = capsys.readouterr().err
        assert "--as-of:" in err and "never-read" not in err

    def test_on_option(self, capsys: pytest.CaptureFixture[str]):
        """--on of what-if likewise."""
        code = cli_main(["what-if", str(EXAMPLE), "--close", "x", "--on", "2025-W01-1"])
        assert code == 1 and "--on:" in capsys.readouterr().err

    def test_jsonl_uses_one_date(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
        """Without --as-of, every document of a run is assessed on the same day."""
        doc = json.dumps(PROFILE)
        path = tmp_path / "many.jsonl"
        path.write_text(f"{doc}\n{doc}\n", encoding="utf-8")
        assert cli_main(["assess", str(path), "--json"]) == 0
        days = {json.loads(line)["as_of"] for line in capsys.readouterr().out.splitlines()}
        assert len(days) == 1


# ---------------------------------------------------------------------------------------
class TestSha256:
    def _sha(self) -> str:
        return str(json.loads(MODEL.read_text("utf-8"))["sha256"])

    def test_matching_hash_scores(self, capsys: pytest.CaptureFixture[str]):
        """--model with its own sha256 scores as without it."""
        base = ["assess", str(EXAMPLE), "--as-of", "2025-12-31", "--json", "--model", str(MODEL)]
        assert cli_main(base) == 0
        plain = capsys.readouterr().out
        assert cli_main([*base, "--sha256", self._sha()]) == 0
        assert capsys.readouterr().out == plain

    def test_other_hash_is_refused(self, capsys: pytest.CaptureFixture[str]):
        """A different well-formed hash: exit 3 (a configuration fault), the artifact is not
        the model asked for."""
        other = "0" * 64
        code = cli_main(
            [
                "assess",
                str(EXAMPLE),
                "--model",
                str(MODEL),
                "--sha256",
                other,
                "--as-of",
                "2025-12-31",
            ]
        )
        cap = capsys.readouterr()
        assert code == 3 and cap.out == "" and "sha256" in cap.err

    @pytest.mark.parametrize("value", ["abc", "g" * 64, "0" * 63, ""])
    def test_malformed_hash_names_the_option(self, value: str, capsys: pytest.CaptureFixture[str]):
        """A malformed hash: exit 1, naming --sha256."""
        code = cli_main(["assess", str(EXAMPLE), "--model", str(MODEL), "--sha256", value])
        assert code == 1 and "--sha256:" in capsys.readouterr().err

    def test_hash_without_a_model_file(self, capsys: pytest.CaptureFixture[str]):
        """--sha256 pins a file: without --model, or with a scorer name, it is refused as a
        usage error (exit 2)."""
        with pytest.raises(SystemExit) as info:
            cli_main(["assess", str(EXAMPLE), "--sha256", self._sha()])
        assert info.value.code == 2 and "--sha256" in capsys.readouterr().err
        with pytest.raises(SystemExit) as info:
            cli_main(["validate", "rules", str(EXAMPLE), "--sha256", self._sha()])
        assert info.value.code == 2 and "--sha256" in capsys.readouterr().err

    def test_what_if_and_validate_accept_it(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        """what-if takes --sha256 with --model; validate takes it for MODEL."""
        code = cli_main(
            [
                "what-if",
                str(ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"),
                "--close",
                "hb1",
                "--on",
                "2025-12-31",
                "--model",
                str(MODEL),
                "--sha256",
                "1" * 64,
            ]
        )
        assert code == 3 and "sha256" in capsys.readouterr().err
        data = tmp_path / "d.jsonl"
        data.write_text("", encoding="utf-8")
        code = cli_main(["validate", str(MODEL), str(data), "--sha256", "1" * 64])
        assert code == 3 and "sha256" in capsys.readouterr().err
