"""The command line as one tool: help, version, validate, schema, train --report, what-if for
enterprises, --model, Chinese text, and the commands the documentation shows."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credit_closure import __version__, cli
from credit_closure import report as rep
from credit_closure._contract import json_schema

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "examples" / "profiles"
ENTERPRISE = ROOT / "examples" / "enterprise" / "01_legal_rep_closures.json"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command in-process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def subparsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    parser = cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Training and recent JSON Lines files and a saved model, made once for the module."""
    import datetime as dt

    from credit_closure import LogisticScorer
    from credit_closure.synth import generate_portfolio

    d = tmp_path_factory.mktemp("book")
    dev = generate_portfolio(600, seed=11)
    recent = generate_portfolio(250, seed=12, as_of=dt.date(2026, 12, 31))
    dev.to_jsonl(d / "train.jsonl")
    recent.to_jsonl(d / "recent.jsonl")
    LogisticScorer().fit(dev.profiles, dev.outcomes, as_of=dev.as_of).save(d / "model.json")
    return d


class TestConventions:
    """Help, examples and version."""

    def test_every_subcommand_has_an_example(self) -> None:
        """Each subparser's epilog contains an Example."""
        missing = [name for name, p in subparsers() if "Example" not in (p.epilog or "")]
        assert missing == []

    def test_expected_subcommands(self) -> None:
        """The tool offers the subcommands the issue lists."""
        names = {name for name, _ in subparsers()}
        assert names >= {
            "assess",
            "what-if",
            "train",
            "validate",
            "monitor",
            "scan",
            "plugins",
            "schema",
        }

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--version prints the package version and which build runs, and exits 0."""
        from credit_closure._accel import build_label

        code, out, _ = run(["--version"], capsys)
        assert code == 0 and out.strip() == f"credit-closure {__version__} ({build_label()})"

    def test_help_exits_zero(self, capsys: pytest.CaptureFixture[str]) -> None:
        """validate --help prints usage and its example to stdout."""
        code, out, err = run(["validate", "--help"], capsys)
        assert code == 0 and "Example: credit-closure validate" in out and err == ""


class TestSchema:
    """credit-closure schema."""

    @pytest.mark.parametrize("kind", ["profile", "enterprise"])
    def test_prints_the_schema(self, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
        """The printed JSON is json_schema(kind)."""
        code, out, err = run(["schema", kind], capsys)
        assert code == 0 and err == "" and json.loads(out) == json_schema(kind)

    def test_default_is_profile(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without an argument it prints the profile schema."""
        code, out, _ = run(["schema"], capsys)
        assert code == 0 and json.loads(out) == json_schema("profile")

    def test_unknown_kind_is_usage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown kind exits 2 with a usage message, no traceback."""
        code, out, err = run(["schema", "loan"], capsys)
        assert code == 2 and out == "" and "invalid choice" in err and "Traceback" not in err


class TestValidate:
    """credit-closure validate."""

    def test_markdown_and_html(
        self, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The report goes to stdout; the HTML is written and announced on stderr."""
        html = tmp_path / "r.html"
        code, out, err = run(
            [
                "validate",
                str(book / "model.json"),
                str(book / "recent.jsonl"),
                "--baseline",
                str(book / "train.jsonl"),
                "--html",
                str(html),
            ],
            capsys,
        )
        assert code == 0 and out.startswith("# Validation of logistic-")
        assert "## Population stability (score)" in out
        assert f"wrote {html}" in err and html.read_text(encoding="utf-8").startswith("<!DOCTYPE")
        if rep.charts_available():
            assert "(5 charts embedded)" in err

    def test_json(self, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--json prints the report's data; a registered scorer name works as MODEL."""
        code, out, _ = run(["validate", "rules", str(book / "recent.jsonl"), "--json"], capsys)
        data = json.loads(out)
        assert code == 0 and data["n"] == 250 and 0.5 < data["auc"] <= 1.0

    def test_png_dir(self, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--png-dir alone writes one PNG per chart (or says how to get them)."""
        code, _, err = run(
            [
                "validate",
                str(book / "model.json"),
                str(book / "recent.jsonl"),
                "--png-dir",
                str(tmp_path / "png"),
            ],
            capsys,
        )
        assert code == 0
        if rep.charts_available():
            assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
                "calibration.png",
                "distribution.png",
                "ks.png",
                "roc.png",
            ]
        else:
            assert rep.PLOT_HINT in err

    def test_no_matplotlib(
        self,
        book: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Without matplotlib the command still succeeds and names the plot extra."""
        monkeypatch.setattr(rep, "charts_available", lambda: False)
        code, _, err = run(
            [
                "validate",
                str(book / "model.json"),
                str(book / "recent.jsonl"),
                "--html",
                str(tmp_path / "r.html"),
            ],
            capsys,
        )
        assert code == 0 and f"charts need matplotlib: {rep.PLOT_HINT}" in err
        assert "(0 charts embedded)" in err

    def test_missing_model(self, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A model file that does not exist: exit 3 (a configuration fault), the problem on
        stderr, no traceback."""
        code, out, err = run(
            ["validate", str(book / "nope.json"), str(book / "recent.jsonl")], capsys
        )
        assert code == 3 and out == "" and "no such file" in err and "Traceback" not in err

    def test_bad_data_line(
        self, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad line in DATA is named with its line number; exit 1."""
        bad = tmp_path / "bad.jsonl"
        lines = (book / "recent.jsonl").read_text(encoding="utf-8").splitlines()[:3]
        lines[1] = '{"profile": {"subject_id": "x"}, "outcome": 7, "as_of": "2026-06-30"}'
        bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, err = run(["validate", "rules", str(bad)], capsys)
        assert code == 1 and out == "" and "line 2" in err and "Traceback" not in err

    def test_unreadable_data(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A data file that cannot be read: exit 1."""
        code, _, err = run(["validate", "rules", str(tmp_path / "missing.jsonl")], capsys)
        assert code == 1 and "cannot read" in err

    def test_usage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing argument is a usage error: exit 2."""
        code, _, err = run(["validate", "rules"], capsys)
        assert code == 2 and "usage:" in err


class TestTrainReport:
    """credit-closure train --report."""

    def test_train_writes_the_html_report(
        self, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """train --report writes the HTML report of the hold-out rows."""
        html = tmp_path / "t.html"
        code, out, err = run(
            [
                "train",
                str(book / "train.jsonl"),
                "--out",
                str(tmp_path / "m.json"),
                "--holdout",
                "0.3",
                "--report",
                str(html),
            ],
            capsys,
        )
        assert code == 0 and "held-out rows" in out and f"wrote {html}" in err
        assert "<h2>Scorecard points</h2>" in html.read_text(encoding="utf-8")


class TestModelOption:
    """assess --model and what-if for enterprises."""

    def test_assess_with_saved_model(self, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--model scores with the artifact: the scorer line names its version."""
        from credit_closure import LogisticScorer

        version = LogisticScorer.load(book / "model.json").version
        code, out, _ = run(
            [
                "assess",
                str(PROFILES / "01_clean_voluntary_huabei.json"),
                "--model",
                str(book / "model.json"),
                "--as-of",
                "2025-12-31",
                "--json",
            ],
            capsys,
        )
        assert code == 0 and json.loads(out)["scorer_version"] == version

    @pytest.mark.parametrize(
        "lang, words",
        [
            ("en", ["enterprise score", "principal"]),
            ("zh", ["综合评分", "相关自然人", "变动的原因"]),
        ],
    )
    def test_enterprise_what_if(
        self, lang: str, words: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """what-if on an enterprise names the principal and the company score before/after."""
        code, out, err = run(
            [
                "what-if",
                str(ENTERPRISE),
                "--principal",
                "p-51d0",
                "--close",
                "cc1",
                "--on",
                "2025-12-31",
                "--lang",
                lang,
            ],
            capsys,
        )
        assert code == 0 and err == ""
        assert all(w in out for w in words) and "p-51d0" in out

    def test_enterprise_what_if_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--json gives the enterprise what-if document with before and after."""
        code, out, _ = run(
            [
                "what-if",
                str(ENTERPRISE),
                "--principal",
                "p-51d0",
                "--close",
                "cc1",
                "--on",
                "2025-12-31",
                "--json",
            ],
            capsys,
        )
        doc = json.loads(out)
        assert code == 0 and doc["principal"] == "p-51d0" and doc["closed"] == ["cc1"]
        assert doc["delta"] == pytest.approx(doc["after"]["score"] - doc["before"]["score"])

    def test_enterprise_needs_principal(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --principal, an enterprise of several principals is an input problem."""
        code, _, err = run(
            ["what-if", str(ENTERPRISE), "--close", "cc1", "--on", "2025-12-31"], capsys
        )
        assert code == 1 and "principal" in err and "Traceback" not in err

    def test_principal_on_a_profile_is_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--principal with a personal profile: exit 1 naming the option."""
        code, _, err = run(
            [
                "what-if",
                str(PROFILES / "06_open_lines_whatif.json"),
                "--close",
                "hb1",
                "--principal",
                "x",
            ],
            capsys,
        )
        assert code == 1 and "--principal" in err


class TestChinese:
    """Every text a borrower-facing app shows exists in both languages."""

    def test_labels_cover_both_languages(self) -> None:
        """The CLI's labels have the same keys in English and Chinese, all non-empty."""
        from credit_closure.cli.assess import LABELS

        assert set(LABELS["en"]) == set(LABELS["zh"])
        assert all(v.strip() for lang in LABELS.values() for v in lang.values())
        assert all(CJK.search(v) for v in LABELS["zh"].values())

    def test_every_reason_code_has_both_languages(self) -> None:
        """No reason code in the catalog lacks its English or its Chinese text."""
        from credit_closure._scoring import REASONS

        bad = [
            c
            for c, t in REASONS.items()
            if not t.en.strip() or not t.zh.strip() or not CJK.search(t.zh)
        ]
        assert REASONS and bad == []

    @pytest.mark.parametrize("path", sorted(PROFILES.glob("*.json")), ids=lambda p: p.stem)
    def test_chinese_output_has_no_english_labels(
        self, path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--lang zh output of every example uses the Chinese labels and reason texts."""
        code, out, _ = run(["assess", str(path), "--as-of", "2025-12-31", "--lang", "zh"], capsys)
        assert code == 0
        for english in (
            "decision:",
            "reasons:",
            "score:",
            "closure impact",
            "APPROVE",
            "REFER",
            "DECLINE",
        ):
            assert english not in out
        assert "决定" in out


def documented_commands() -> list[tuple[str, str]]:
    """(page, command) for each credit-closure command in the docs' bash blocks that only
    reads files shipped in examples/."""
    found = []
    for page in ("docs/cli.md", "docs/quickstart.md", "docs/zh/quickstart.md", "README.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
            for line in block.splitlines():
                line = line.split("  #")[0].strip()
                if not re.match(r"^(\.venv/bin/)?credit-closure ", line):
                    continue
                if any(ch in line for ch in "|<>&"):
                    continue
                words = shlex.split(line)[1:]
                files = [w for w in words if w.endswith((".json", ".jsonl", ".csv"))]
                if all(w.startswith("examples/") for w in files):
                    found.append((page, line))
    return found


class TestDocumentedCommands:
    """The commands the documentation shows work as written."""

    def test_some_commands_found(self) -> None:
        """The scan finds the documented example commands."""
        assert len(documented_commands()) >= 10

    @pytest.mark.parametrize("page, line", documented_commands())
    def test_command_works(
        self,
        page: str,
        line: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The documented command exits 0 (run from a scratch folder, examples from the repo)."""
        monkeypatch.chdir(tmp_path)
        argv = [str(ROOT / w) if w.startswith("examples/") else w for w in shlex.split(line)[1:]]
        code, out, err = run(argv, capsys)
        assert code == 0, err
        assert out


class TestApiReference:
    """docs/api.md documents the whole public API (mkdocs build --strict checks it renders)."""

    def test_every_public_name_has_a_section(self) -> None:
        """Each name of credit_closure.__all__ has its own ::: directive, under its real path."""
        import credit_closure

        text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
        targets = re.findall(r"^::: (\S+)$", text, re.M)
        leaves = {t.rsplit(".", 1)[-1] for t in targets}
        assert sorted(set(credit_closure.__all__) - leaves) == []

    @pytest.mark.parametrize(
        "module",
        [
            "metrics",
            "synth",
            "features",
            "plugins",
            "testing",
            "portfolio",
            "monitoring",
            "columnar",
            "report",
            "dask",
            "spark",
        ],
    )
    def test_every_submodule_member_is_listed(self, module: str) -> None:
        """Each public submodule is documented with every name of its __all__."""
        import importlib

        text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
        m = re.search(rf"^::: credit_closure\.{module}\n(.*?)(?:\n\n|\Z)", text, re.S | re.M)
        assert m is not None, module
        listed = set(re.findall(r"^\s+- (\S+)$", m.group(1), re.M))
        public = set(importlib.import_module(f"credit_closure.{module}").__all__)
        assert listed == public


def _hooks() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mkdocs_hooks", ROOT / "tools" / "mkdocs_hooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestSiteHooks:
    """tools/mkdocs_hooks.py: how the GitHub-style pages become site pages."""

    def test_links_out_of_docs(self) -> None:
        """Repository pages map to repo/, other files outside docs/ become plain text."""
        text = (
            "[R](../README.md#set-up) [E](../examples/acme-scorer/) [C](concepts.md) "
            "`[x](../README.md)`"
        )
        out = _hooks().debug_rewrite(text, "index.md")
        assert out == ("[R](repo/README.md#set-up) E [C](concepts.md) `[x](../README.md)`")

    def test_links_from_repo_pages(self) -> None:
        """README's links into docs/ are rewritten relative to repo/."""
        out = _hooks().debug_rewrite(
            "[c](docs/concepts.md) [b](benchmarks/README.md)", "repo/README.md"
        )
        assert out == "[c](../concepts.md) [b](benchmarks/README.md)"

    def test_source_keys_link_to_their_row(self) -> None:
        """A defined key links to the sources page; unknown keys and code stay as they are."""
        out = _hooks().debug_rewrite(
            "[FICO-BLOG-CLOSE][NOT-A-KEY] `[FICO-BLOG-CLOSE]`", "zh/quickstart.md"
        )
        assert out == (
            "[FICO-BLOG-CLOSE](../sources.md#src-fico-blog-close)[NOT-A-KEY] `[FICO-BLOG-CLOSE]`"
        )
