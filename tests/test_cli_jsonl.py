"""The command line on JSON Lines: every line checked, good lines assessed in input order,
bad lines reported with their line numbers; --fail-fast; the readable output's details
(scorer header, what-if principals, scan times, monitor scales)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "examples" / "profiles"
EXAMPLE = PROFILES / "01_clean_voluntary_huabei.json"
ENTERPRISE = ROOT / "examples" / "enterprise" / "01_legal_rep_closures.json"
MODEL = ROOT / "credit_closure" / "data" / "logistic_reference.json"


def cli(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> Any:
    """Run ``python -m credit_closure.cli``; return the completed process (text)."""
    return subprocess.run(
        [sys.executable, "-m", "credit_closure.cli", *args],
        input=None if stdin is None else stdin.decode("utf-8"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def _profile(subject: str) -> str:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["subject_id"] = subject
    return json.dumps(doc)


def _book(tmp_path: Path) -> Path:
    """Six lines: good, bad (type), blank, good, not JSON, bad (two problems), good."""
    lines = [
        _profile("s-1"),
        '{"subject_id": 3}',
        "",
        _profile("s-4"),
        "not json",
        json.dumps({"subject_id": "s-6", "accounts": [{"account_id": "a", "product": "boat"}]}),
        _profile("s-7"),
    ]
    path = tmp_path / "book.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestEveryLine:
    def test_good_lines_scored_bad_lines_reported(self, tmp_path: Path) -> None:
        """Every good line is assessed in input order, with its line number; every bad line
        is on stderr with its number and problems; exit 1."""
        r = cli(["assess", str(_book(tmp_path)), "--as-of", "2025-12-31", "--json"])
        assert r.returncode == 1 and "Traceback" not in r.stderr
        docs = [json.loads(x) for x in r.stdout.splitlines()]
        assert [(d["line"], d["subject_id"]) for d in docs] == [(1, "s-1"), (4, "s-4"), (7, "s-7")]
        assert all(d["decision"] in ("approve", "refer", "decline") for d in docs)
        assert "line 2.subject_id: must be a string" in r.stderr
        assert "line 5: is not valid JSON" in r.stderr
        assert "line 6.accounts[0]" in r.stderr
        assert "3 of 6 documents invalid (lines 2, 5, 6); the other 3 were assessed" in r.stderr
        # the problems come in input order
        assert r.stderr.index("line 2.") < r.stderr.index("line 5:") < r.stderr.index("line 6.")

    def test_same_numbers_as_alone(self, tmp_path: Path) -> None:
        """A line's assessment is the one its document gets alone (plus ``line``)."""
        book = cli(["assess", str(_book(tmp_path)), "--as-of", "2025-12-31", "--json"])
        alone = tmp_path / "one.json"
        alone.write_text(_profile("s-4"), encoding="utf-8")
        one = cli(["assess", str(alone), "--as-of", "2025-12-31", "--json"])
        assert one.returncode == 0
        doc = json.loads(one.stdout)
        assert "line" not in doc  # a single document keeps the plain assessment document
        assert json.loads(book.stdout.splitlines()[1]) == {"line": 4, **doc}

    def test_readable_output(self, tmp_path: Path) -> None:
        """Without --json the good lines are printed too, the bad ones reported."""
        r = cli(["assess", str(_book(tmp_path)), "--as-of", "2025-12-31"])
        assert r.returncode == 1
        assert [ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith("subject:")] == [
            "s-1",
            "s-4",
            "s-7",
        ]

    def test_all_good_exits_0(self, tmp_path: Path) -> None:
        path = tmp_path / "ok.ndjson"
        path.write_text(f"{_profile('a')}\n\n{_profile('b')}\n", encoding="utf-8")
        r = cli(["assess", str(path), "--as-of", "2025-12-31", "--json"])
        assert r.returncode == 0 and r.stderr == ""
        assert [json.loads(x)["line"] for x in r.stdout.splitlines()] == [1, 3]

    def test_stdin_lines(self, tmp_path: Path) -> None:
        """``-`` with --lines reads several documents from stdin, the same way."""
        data = _book(tmp_path).read_bytes()
        r = cli(["assess", "-", "--lines", "--as-of", "2025-12-31", "--json"], stdin=data)
        assert r.returncode == 1
        assert [json.loads(x)["line"] for x in r.stdout.splitlines()] == [1, 4, 7]
        assert "<stdin>: 3 of 6 documents invalid" in r.stderr

    def test_stdin_several_documents_hint(self) -> None:
        """Several documents on stdin without --lines: exit 1, with a hint to use --lines."""
        data = f"{_profile('a')}\n{_profile('b')}\n".encode()
        r = cli(["assess", "-", "--as-of", "2025-12-31"], stdin=data)
        assert r.returncode == 1 and "--lines" in r.stderr and r.stdout == ""


class TestFailFast:
    def test_stops_at_the_first_bad_line(self, tmp_path: Path) -> None:
        """--fail-fast: the lines before the first bad one are assessed, nothing after."""
        r = cli(["assess", str(_book(tmp_path)), "--as-of", "2025-12-31", "--json", "--fail-fast"])
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert [json.loads(x)["line"] for x in r.stdout.splitlines()] == [1]
        assert "line 2.subject_id" in r.stderr and "line 5" not in r.stderr

    def test_only_for_json_lines(self) -> None:
        """--fail-fast on a single document is a usage error (exit 2)."""
        r = cli(["assess", str(EXAMPLE), "--fail-fast"])
        assert r.returncode == 2 and "--fail-fast" in r.stderr


def _scan_book(tmp_path: Path) -> Path:
    """The same shape as ``_book``, with the security example's profile on the good lines."""
    doc = json.loads((PROFILES / "07_security_contact_change.json").read_text(encoding="utf-8"))
    good = [json.dumps({**doc, "subject_id": s}) for s in ("s-1", "s-4", "s-7")]
    lines = [
        good[0],
        '{"subject_id": 3}',
        "",
        good[1],
        "not json",
        json.dumps({"subject_id": "s-6", "accounts": [{"account_id": "a", "product": "boat"}]}),
        good[2],
    ]
    path = tmp_path / "book.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestScanEveryLine:
    def test_good_lines_scanned_bad_lines_reported(self, tmp_path: Path) -> None:
        """scan checks every line like assess: the good ones scanned in input order (each
        alert with its line), every bad one on stderr with its number; exit 1."""
        r = cli(["scan", str(_scan_book(tmp_path)), "--json"])
        assert r.returncode == 1 and "Traceback" not in r.stderr
        alerts = [json.loads(x) for x in r.stdout.splitlines()]
        assert alerts
        assert sorted({(a["line"], a["subject_id"]) for a in alerts}) == [
            (1, "s-1"),
            (4, "s-4"),
            (7, "s-7"),
        ]
        assert [a["line"] for a in alerts] == sorted(a["line"] for a in alerts)
        assert "line 2.subject_id: must be a string" in r.stderr
        assert "line 5: is not valid JSON" in r.stderr
        assert "line 6.accounts[0]" in r.stderr
        assert "3 of 6 profiles invalid (lines 2, 5, 6); the other 3 were scanned" in r.stderr
        assert r.stderr.index("line 2.") < r.stderr.index("line 5:") < r.stderr.index("line 6.")

    def test_readable_output(self, tmp_path: Path) -> None:
        r = cli(["scan", str(_scan_book(tmp_path))])
        assert r.returncode == 1
        heads = [ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith("subject ")]
        assert heads == ["s-1:", "s-4:", "s-7:"]

    def test_chinese(self, tmp_path: Path) -> None:
        """--lang zh: the problems and the summary in Chinese."""
        r = cli(["scan", str(_scan_book(tmp_path)), "--lang", "zh"])
        assert r.returncode == 1
        assert "6 份档案中 3 份无效（第 2、5、6 行）；其余 3 份已扫描" in r.stderr
        assert "第 2 行" in r.stderr

    def test_all_good_exits_0(self, tmp_path: Path) -> None:
        doc = (PROFILES / "07_security_contact_change.json").read_text(encoding="utf-8")
        path = tmp_path / "ok.ndjson"
        path.write_text(json.dumps(json.loads(doc)) + "\n\n", encoding="utf-8")
        r = cli(["scan", str(path), "--json"])
        assert r.returncode == 0 and r.stderr == ""
        assert {json.loads(x)["line"] for x in r.stdout.splitlines()} == {1}

    def test_fail_fast(self, tmp_path: Path) -> None:
        """--fail-fast: the lines before the first bad one are scanned, nothing after."""
        r = cli(["scan", str(_scan_book(tmp_path)), "--json", "--fail-fast"])
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert {json.loads(x)["line"] for x in r.stdout.splitlines()} == {1}
        assert "line 2.subject_id" in r.stderr and "line 5" not in r.stderr

    def test_fail_fast_only_for_json_lines(self) -> None:
        r = cli(["scan", str(PROFILES / "07_security_contact_change.json"), "--fail-fast"])
        assert r.returncode == 2 and "--fail-fast" in r.stderr

    def test_single_document_has_no_line(self) -> None:
        r = cli(["scan", str(PROFILES / "07_security_contact_change.json"), "--json"])
        assert r.returncode == 0
        assert all("line" not in json.loads(x) for x in r.stdout.splitlines())


class TestHeader:
    def test_model_header_names_the_model(self) -> None:
        """--model: the scorer line names the model version and 'logistic', not the class."""
        from credit_closure import LogisticScorer

        version = LogisticScorer.load(MODEL).version
        r = cli(["assess", str(EXAMPLE), "--model", str(MODEL), "--as-of", "2025-12-31"])
        assert r.returncode == 0, r.stderr
        assert f"scorer: logistic ({version}, credit-closure" in r.stdout
        assert "LogisticScorer" not in r.stdout

    def test_enterprise_header_with_model(self) -> None:
        r = cli(["assess", str(ENTERPRISE), "--model", str(MODEL), "--as-of", "2025-12-31"])
        assert r.returncode == 0, r.stderr
        assert "LogisticScorer" not in r.stdout and ": logistic (logistic-" in r.stdout

    def test_what_if_header_with_model(self) -> None:
        r = cli(
            [
                "what-if",
                str(PROFILES / "06_open_lines_whatif.json"),
                "--close",
                "hb1",
                "--on",
                "2025-12-31",
                "--model",
                str(MODEL),
            ]
        )
        assert r.returncode == 0, r.stderr
        assert "LogisticScorer" not in r.stdout and "scorer: logistic (logistic-" in r.stdout

    def test_registered_scorer_header_unchanged(self) -> None:
        r = cli(["assess", str(EXAMPLE), "--as-of", "2025-12-31"])
        assert "scorer: rules (default@" in r.stdout


class TestWhatIfPrincipals:
    def test_missing_principal_lists_the_candidates(self) -> None:
        """No --principal on an enterprise of several: exit 1, listing who holds the account."""
        r = cli(["what-if", str(ENTERPRISE), "--close", "cc1", "--on", "2025-12-31"])
        assert r.returncode == 1 and "Traceback" not in r.stderr
        doc = json.loads(ENTERPRISE.read_text(encoding="utf-8"))
        holders = [
            p["profile"]["subject_id"]
            for p in doc["principals"]
            if any(
                a["account_id"] == "cc1" and a["status"] == "open" for a in p["profile"]["accounts"]
            )
        ]
        others = [
            p["profile"]["subject_id"]
            for p in doc["principals"]
            if p["profile"]["subject_id"] not in holders
        ]
        assert len(holders) > 1 and others
        assert "the principals holding cc1 open: " in r.stderr
        for sid in holders:
            assert sid in r.stderr
        for sid in others:
            assert sid not in r.stderr

    def test_unknown_principal_lists_the_candidates(self) -> None:
        r = cli(
            ["what-if", str(ENTERPRISE), "--close", "cc1", "--on", "2025-12-31"]
            + ["--principal", "nobody"]
        )
        assert r.returncode == 1
        assert "names no principal" in r.stderr and "holding cc1 open" in r.stderr

    def test_nobody_holds_the_account(self) -> None:
        r = cli(["what-if", str(ENTERPRISE), "--close", "zz9", "--on", "2025-12-31"])
        assert r.returncode == 1
        assert "no principal holds zz9 open; the enterprise's principals: " in r.stderr


class TestScanTimes:
    def test_one_zone_stated(self) -> None:
        """Every time of scan's readable output is in UTC, and says so."""
        r = cli(["scan", str(PROFILES / "07_security_contact_change.json")])
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("(times and dates in UTC")
        assert "+08:00" not in r.stdout
        # 2025-10-03T01:05+08:00 is 2025-10-02 in UTC, the evidence's date
        assert "at 2025-10-02T17:05:00Z: login on 2025-10-02" in r.stdout

    def test_json_keeps_the_time_as_given(self) -> None:
        r = cli(["scan", str(PROFILES / "07_security_contact_change.json"), "--json"])
        alerts = [json.loads(x) for x in r.stdout.splitlines()]
        assert alerts and all(a["at_utc"].endswith("Z") for a in alerts)
        assert {a["at"][-6:] for a in alerts} == {"+08:00"}

    def test_naive_time_is_utc(self, tmp_path: Path) -> None:
        doc = {
            "subject_id": "s",
            "accounts": [
                {
                    "account_id": "hb",
                    "product": "revolving_consumer",
                    "status": "closed",
                    "closed_on": "2025-06-10",
                }
            ],
            "activity": [
                {"account_id": "hb", "at": "2025-07-01T09:00:00", "kind": "reopen_request"}
            ],
        }
        path = tmp_path / "p.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        r = cli(["scan", str(path)])
        assert "at 2025-07-01T09:00:00Z" in r.stdout


class TestMonitorScales:
    def test_every_alert_states_its_scale(self) -> None:
        r = cli(["monitor", str(ROOT / "examples" / "portfolio" / "closure_counts.csv")])
        assert r.returncode == 0, r.stderr
        alerts = [ln for ln in r.stdout.splitlines() if ln.startswith("  ")]
        assert alerts
        for ln in alerts:
            if "ewma:" in ln or "cusum:" in ln:
                assert ln.endswith(
                    "(z-units: standard deviations of the rate from the baseline rate)"
                )
            else:
                assert ln.endswith("(rate: closures in the period per account open at its start)")
        assert "z-units" in r.stdout.split("alerts:")[0]  # the table's legend

    def test_json_alerts_carry_their_scale(self) -> None:
        r = cli(["monitor", str(ROOT / "examples" / "portfolio" / "closure_counts.csv"), "--json"])
        doc = json.loads(r.stdout)
        scales = {(a["rule"], a["scale"]) for a in doc["alerts"]}
        assert scales <= {("p_chart", "rate"), ("cusum", "z"), ("ewma", "z")}
        assert ("ewma", "z") in scales

    def test_plot_rate_without_plot_is_usage(self) -> None:
        r = cli(
            ["monitor", str(ROOT / "examples" / "portfolio" / "closure_counts.csv")]
            + ["--plot-rate", "gross"]
        )
        assert r.returncode == 2 and "--plot-rate" in r.stderr
