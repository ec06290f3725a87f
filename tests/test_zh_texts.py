"""Issue 17, item 6: the Chinese a borrower reads.

One vocabulary (关闭 for lines and cards, 结清 for loans, the PBoC legend's names 结清 (C), 结束 (G)
and 呆账 (B) [PBOC-CONF], 相关自然人 / 主要关系人 for principals, never 销户 or 关联人), reasons with
a direction, full-width punctuation inside Chinese; ``scan``, ``monitor`` and the problem lines
follow ``--lang zh``; the README examples print a reason in both languages.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from credit_closure import cli
from credit_closure._scoring.enterprise import _LABELS as ENTERPRISE_LABELS
from credit_closure._scoring.reasons import REASONS
from credit_closure.cli import _zh
from credit_closure.cli.assess import LABELS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Half-width punctuation touching a Chinese character (``逾期(连三累六)``, ``审核:转``).
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}][,;:!?()]|[,;:!?()][{CJK}]")

#: Every Chinese text a borrower can be shown by the library itself: the reason catalog, the
#: command's labels and the enterprise summary's labels.
ZH_TEXTS: dict[str, str] = {
    **{f"reason {code}": text.zh for code, text in REASONS.items()},
    **{f"label {key}": value for key, value in LABELS["zh"].items()},
    **{f"enterprise label {key}": value for key, value in ENTERPRISE_LABELS["zh"].items()},
}

#: Reasons about a quantity (a ratio, a count, a length of time): the text says which way is
#: the problem.
DIRECTIONAL = {
    "UTILIZATION_HIGH",
    "LINE_UTILIZATION_HIGH",
    "LIMIT_LOST_TO_CLOSURES",
    "DELINQUENCY_LEVEL",
    "DELINQUENT_ACCOUNTS",
    "TOO_MANY_INQUIRIES",
    "RECENT_INQUIRIES",
    "SHORT_CREDIT_HISTORY",
    "SHORT_OPEN_HISTORY",
    "MANY_CLOSURES",
    "RECENT_CLOSURE",
    "CLOSED_SHARE",
    "FEW_OPEN_ACCOUNTS",
    "GUARANTEES_HIGH",
    "RECENT_DELINQUENCY",
    "ONLINE_LENDERS",
    "GUARANTEE_LIABILITY",
}
#: Reasons about an event that happened (its presence is the factor): no direction to state.
EVENTS = {
    "CLOSED_WITH_BALANCE",
    "CLOSED_BY_LENDER_RISK",
    "CLOSED_BY_LENDER",
    "ABNORMAL_TERMINATION",
    "CLOSED_AFTER_DELINQUENCY",
    "SERIOUS_DELINQUENCY_PATTERN",
    "POST_CLOSURE_ACTIVITY",
    "FREQUENT_CLOSURES_REVIEW",
    "SECURITY_VERIFICATION",
    "SECURITY_ALERT",
    "CURRENT_OVERDUE",
    "UNSCORABLE_FILE",
    "THIN_FILE",
    "NO_OPEN_REVOLVING",
    "GUARANTEE_ADVERSE",
    "OVERDUE_NOW",
    "LOAN_CLASSIFICATION",
    "GUARANTOR_COMPENSATION",
    "PUBLIC_RECORD",
    "UNDRAWABLE_LIMITS",
}
DIRECTION_WORDS = ("过高", "较高", "过多", "较多", "较少", "较短", "接近或达到上限", "减少")

#: Reasons whose factor covers every kind of account (loans too): they say 关闭或结清.
ALL_KINDS = {"MANY_CLOSURES", "RECENT_CLOSURE", "CLOSED_SHARE", "CLOSED_AFTER_DELINQUENCY"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command in-process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


class TestVocabulary:
    @pytest.mark.parametrize("where", sorted(ZH_TEXTS))
    def test_no_xiaohu_and_no_guanlianren(self, where: str) -> None:
        """销户 is not the word for every ending (loans are 结清), and 关联人 has a legal meaning."""
        text = ZH_TEXTS[where]
        assert "销户" not in text and "关联人" not in text, (where, text)

    @pytest.mark.parametrize("code", sorted(ALL_KINDS))
    def test_texts_about_every_kind_name_both_endings(self, code: str) -> None:
        """A factor that counts loans too says 关闭或结清, not just 关闭."""
        assert "关闭或结清" in REASONS[code].zh

    def test_closed_after_delinquency_does_not_blame_the_lender(self) -> None:
        """It fires on consumer closures too: no 被关闭 (closed by someone)."""
        assert "被" not in REASONS["CLOSED_AFTER_DELINQUENCY"].zh

    def test_pboc_legend_names(self) -> None:
        """G is 结束 and B is 呆账, as the PBoC legend names them."""
        text = REASONS["ABNORMAL_TERMINATION"].zh
        assert "“结束”（G）" in text and "“呆账”（B）" in text
        assert "异常结束" not in text and "非正常结清" not in text

    def test_principals(self) -> None:
        """Principals are 相关自然人; the major ones 主要关系人."""
        assert LABELS["zh"]["principal"] == "相关自然人"
        assert ENTERPRISE_LABELS["zh"]["major"] == "主要关系人"


class TestPunctuation:
    @pytest.mark.parametrize("where", sorted(ZH_TEXTS))
    def test_full_width_inside_chinese(self, where: str) -> None:
        """No half-width comma, colon, semicolon or parenthesis next to a Chinese character."""
        text = ZH_TEXTS[where]
        assert not HALF_WIDTH_NEXT_TO_CJK.search(text), (where, text)

    def test_the_check_catches_the_old_texts(self) -> None:
        for old in ("逾期(连三累六)", "转人工审核:仅", "提示,不影响"):
            assert HALF_WIDTH_NEXT_TO_CJK.search(old)

    def test_punct_of_the_command_frame(self) -> None:
        assert _zh.punct("评分: 529.3   决定: 拒绝 (-8.7 分) (R7)") == (
            "评分：529.3   决定：拒绝（-8.7 分） (R7)"
        )

    @pytest.mark.parametrize(
        "argv",
        [
            ["assess", "profiles/02_balance_after_delinquency.json", "--as-of", "2025-12-31"],
            [
                "what-if",
                "profiles/06_open_lines_whatif.json",
                "--close",
                "hb1",
                "--on",
                "2025-12-31",
            ],
            ["scan", "profiles/07_security_contact_change.json"],
            ["monitor", "portfolio/closure_counts.csv", "--baseline", "12"],
        ],
    )
    def test_zh_output_is_full_width(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run([argv[0], str(EXAMPLES / argv[1]), *argv[2:], "--lang", "zh"], capsys)
        assert code == 0
        assert not HALF_WIDTH_NEXT_TO_CJK.search(out), out
        assert "销户" not in out and "关联人" not in out


class TestDirection:
    def test_every_reason_is_classified(self) -> None:
        """A new reason code must be put in DIRECTIONAL or EVENTS (and so be reviewed)."""
        assert set(REASONS) == DIRECTIONAL | EVENTS and not DIRECTIONAL & EVENTS

    @pytest.mark.parametrize("code", sorted(DIRECTIONAL))
    def test_quantities_state_a_direction(self, code: str) -> None:
        assert any(w in REASONS[code].zh for w in DIRECTION_WORDS), REASONS[code].zh

    def test_few_open_accounts(self) -> None:
        """The reference scorecard gives fewer points to fewer open accounts: 较少 is the
        problem, in both languages."""
        assert REASONS["FEW_OPEN_ACCOUNTS"].zh == "在用账户数较少"
        assert "few" in REASONS["FEW_OPEN_ACCOUNTS"].en.lower()


class TestLangZh:
    def test_scan(self, capsys: pytest.CaptureFixture[str]) -> None:
        path = str(EXAMPLES / "profiles" / "07_security_contact_change.json")
        code, out, _ = run(["scan", path, "--lang", "zh"], capsys)
        assert code == 0
        # the zone line first (every time in UTC), then the subject
        assert out.startswith(
            "（时间和日期均为 UTC；未注明时区的时间按 UTC 读取）\n主体 p-4a90：3 条安全提示\n"
        )
        assert "[中] 关闭前后联系方式变更 CONTACT_CHANGE_NEAR_CLOSURE 账户 hb1" in out
        assert "alert" not in out and "subject" not in out and " on 20" not in out
        code, en, _ = run(["scan", path], capsys)
        assert en.splitlines()[1].startswith("subject p-4a90: 3 alerts")

    def test_monitor(self, capsys: pytest.CaptureFixture[str]) -> None:
        path = str(EXAMPLES / "portfolio" / "closure_counts.csv")
        code, out, _ = run(["monitor", path, "--baseline", "12", "--lang", "zh"], capsys)
        assert code == 0
        head = out.splitlines()[0]
        assert head.startswith("细分") and "总关闭率" in head and "预警" in head
        assert re.search(r"^预警：\d+ 条$", out, re.M)
        assert "（标准化 z 值）" in out and "segment" not in out and "alerts:" not in out

    def test_monitor_psi(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        doc = {
            "rows": [
                {
                    "period": p,
                    "open_at_start": 1000,
                    "closures": 10,
                    "voluntary": 6,
                    "involuntary": 4,
                }
                for p in ("2025-01", "2025-02", "2025-03")
            ],
            "psi": {
                "expected": [500 + i for i in range(50)],
                "actual": [560 + i for i in range(50)],
            },
        }
        path = tmp_path / "counts.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        code, out, _ = run(["monitor", str(path), "--lang", "zh"], capsys)
        assert code == 0 and "评分稳定性指数 PSI：" in out and "score PSI" not in out

    def test_problem_lines(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "bad.json"
        path.write_text('{"subject_id": "", "accounts": 3}', encoding="utf-8")
        code, _, err = run(["assess", str(path), "--lang", "zh"], capsys)
        assert code == 1
        assert "字段 subject_id：必须是非空字符串" in err
        assert "字段 accounts：必须是数组（实际为 number）" in err
        assert err.startswith("credit-closure: ")  # the program prefix stays as it is
        assert "invalid " not in err and " problem" not in err
        code, _, err = run(["scan", str(path), "--lang", "zh"], capsys)
        assert code == 1 and "字段 subject_id：必须是非空字符串" in err
        code, _, err = run(["assess", str(path)], capsys)
        assert "subject_id: must be a non-empty string" in err

    def test_problem_line_frame(self) -> None:
        assert _zh.problem_line("line 3.accounts[0].balance", "is required") == (
            "第 3 行，字段 accounts[0].balance：缺少此字段"
        )
        assert _zh.problem_line("line 3", "is not valid JSON: x") == "第 3 行：不是有效的 JSON：x"
        assert _zh.problem_line("", "is empty") == "文档：内容为空"
        assert _zh.problem_line("--on", "something new") == "选项 --on：something new"

    def test_covered_messages_are_translated(self) -> None:
        for message in _zh.MESSAGES:
            assert _zh.problem_line("x", message) != f"字段 x：{message}", message

    def test_module_doctests(self) -> None:
        result = doctest.testmod(_zh, optionflags=doctest.ELLIPSIS)
        assert result.attempted >= 5 and result.failed == 0


def _python_block(page: str) -> str:
    text = (ROOT / page).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)[0]


def _printed_block(page: str) -> str:
    text = (ROOT / page).read_text(encoding="utf-8")
    block = re.search(r"^```python\n.*?^```\n\n[^\n]+\n\n```text\n(.*?)^```", text, re.S | re.M)
    assert block is not None, page
    return block.group(1)


class TestReadme:
    @pytest.mark.parametrize("page", ["README.md", "README.zh.md"])
    def test_python_example_prints_a_reason_in_both_languages(self, page: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
        proc = subprocess.run(
            [sys.executable, "-c", _python_block(page)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=True,
        )
        out = proc.stdout
        shown = [code for code in REASONS if re.search(rf"^{code} ", out, re.M)]
        assert shown, out
        for code in shown:
            assert REASONS[code].en in out and REASONS[code].zh in out
        assert out == _printed_block(page), "the pasted output is not what the example prints"

    def test_zh_readme_has_the_same_two_commands(self) -> None:
        def setup_lines(page: str) -> list[str]:
            text = (ROOT / page).read_text(encoding="utf-8")
            return [
                line for line in text.splitlines() if line.startswith("python3 -m venv .venv && ")
            ]

        en = setup_lines("README.md")
        assert len(en) == 2 and setup_lines("README.zh.md") == en

    def test_readmes_link_each_other(self) -> None:
        assert "(README.zh.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
        assert "(README.md)" in (ROOT / "README.zh.md").read_text(encoding="utf-8")

    def test_readme_commands_use_the_venv(self) -> None:
        """After set-up, every command line in README's bash blocks runs .venv/bin/..."""
        text = (ROOT / "README.md").read_text(encoding="utf-8")
        for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
            for line in block.splitlines():
                assert not re.match(r"^(credit-closure|pip|python|mkdocs) ", line), line

    @pytest.mark.parametrize(
        "line",
        [
            line
            for block in re.findall(
                r"^```bash\n(.*?)^```",
                (ROOT / "README.zh.md").read_text(encoding="utf-8"),
                re.S | re.M,
            )
            for line in block.splitlines()
            if line.startswith(".venv/bin/credit-closure ")
        ],
    )
    def test_zh_readme_commands_work(self, line: str, capsys: pytest.CaptureFixture[str]) -> None:
        argv = [str(ROOT / w) if w.startswith("examples/") else w for w in shlex.split(line)[1:]]
        code, out, err = run(argv, capsys)
        assert code == 0, err
        assert re.search(f"[{CJK}]", out)


class TestZhQuickstart:
    def test_example_02_is_described_as_it_is(self) -> None:
        """Example 02 is a Jiebei-type loan the consumer closed, not a Huabei line closed by the
        lender."""
        profile = json.loads(
            (EXAMPLES / "profiles" / "02_balance_after_delinquency.json").read_text(
                encoding="utf-8"
            )
        )
        (closure,) = profile["closures"]
        closed = next(a for a in profile["accounts"] if a["account_id"] == closure["account_id"])
        assert closed["provider"] == "jiebei" and closure["initiator"] == "consumer"
        text = (ROOT / "docs" / "zh" / "quickstart.md").read_text(encoding="utf-8")
        assert "借呗类现金贷" in text and "本人主动关闭" in text
        assert "花呗额度在逾期后被关闭" not in text

    def test_pasted_outputs_are_current(self, capsys: pytest.CaptureFixture[str]) -> None:
        text = (ROOT / "docs" / "zh" / "quickstart.md").read_text(encoding="utf-8")
        pairs = re.findall(
            r"^```bash\n(\.venv/bin/credit-closure [^\n]*)\n```\n\n```text\n(.*?)^```",
            text,
            re.S | re.M,
        )
        assert len(pairs) >= 2
        version = re.compile(r"credit-closure \d+\.\d+\.\d+\S*")
        for line, pasted in pairs:
            argv = [
                str(ROOT / w) if w.startswith("examples/") else w for w in shlex.split(line)[1:]
            ]
            code, out, _ = run(argv, capsys)
            assert code == 0
            out = version.sub("credit-closure X", out)
            assert out.startswith(version.sub("credit-closure X", pasted)), line

    def test_no_half_width_punctuation_in_the_prose(self) -> None:
        text = (ROOT / "docs" / "zh" / "quickstart.md").read_text(encoding="utf-8")
        prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        prose = re.sub(r"`[^`\n]*`", "", prose)
        prose = re.sub(r"\]\([^)]*\)", "]", prose)
        assert not HALF_WIDTH_NEXT_TO_CJK.search(prose), HALF_WIDTH_NEXT_TO_CJK.findall(prose)
