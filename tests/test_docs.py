"""Tests of the documentation: generated tables, links, source keys and runnable examples."""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: Pages other developers are writing. A link to one of them may point nowhere until it is
#: written; once a page exists, its own links and source keys are checked like any other.
PENDING = frozenset(
    {
        "docs/logistic-scorecard.md",
        "docs/plugins.md",
        "docs/enterprise.md",
        "docs/portfolio-monitoring.md",
        "docs/security-monitoring.md",
        "docs/batch-and-distributed.md",
        "docs/benchmarks-quality.md",
        "benchmarks/README.md",
    }
)

#: Pages this documentation set must provide, and the README's documentation links.
REQUIRED = (
    "docs/index.md",
    "docs/concepts.md",
    "docs/json-contract.md",
    "docs/default-policy.md",
    "docs/features.md",
    "docs/sources.md",
)
README_LINKS = (
    "docs/concepts.md",
    "docs/json-contract.md",
    "docs/default-policy.md",
    "docs/features.md",
    "docs/sources.md",
    "benchmarks/README.md",
)

_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_INLINE_CODE_RE = re.compile(r"`[^`\n]*`")
_LINK_RE = re.compile(
    r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?")
_REFDEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_KEY_RE = re.compile(r"\[([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*)\](?!\()")
_SOURCE_ROW_RE = re.compile(
    r"^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*) \| [^|]* \| [^|]* \| (.+) \|$", re.M
)
_HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_ANCHOR_RE = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def _gen_docs():
    """Import tools/gen_docs.py (not a package) as a module."""
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_docs", module)
    spec.loader.exec_module(module)
    return module


GEN = _gen_docs()


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]


def _rel(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def strip_code(text: str) -> str:
    """``text`` without fenced code blocks and inline code spans."""
    return _INLINE_CODE_RE.sub("", _FENCE_RE.sub("", text))


def links(text: str) -> list[str]:
    """Every link target in Markdown ``text`` (inline, image and reference links), outside
    code."""
    body = strip_code(text)
    return _LINK_RE.findall(body) + _IMAGE_RE.findall(body) + _REFDEF_RE.findall(body)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors a page defines: its headings' slugs (with GitHub's -1, -2 for repeats)
    and explicit ``<a id=...>`` tags."""
    out: set[str] = set(_ANCHOR_RE.findall(text))
    seen: dict[str, int] = {}
    for h in _HEADING_RE.findall(_FENCE_RE.sub("", text)):
        s = slug(h)
        n = seen.get(s, 0)
        out.add(s if n == 0 else f"{s}-{n}")
        seen[s] = n + 1
    return out


def local_targets() -> Iterator[tuple[str, str, Path, str]]:
    """``(page, raw link, resolved path, fragment)`` for every relative link in the pages."""
    for page in _pages():
        for target in links(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
                continue
            path_part, _, fragment = target.partition("#")
            resolved = page if not path_part else (page.parent / path_part)
            yield _rel(page), target, resolved, fragment


def source_keys() -> dict[str, str]:
    """Source key -> address, from the table of docs/sources.md."""
    return dict(_SOURCE_ROW_RE.findall((DOCS / "sources.md").read_text(encoding="utf-8")))


def page_doctest(name: str) -> doctest.DocTest:
    """The ``python`` blocks of ``docs/<name>`` with ``>>>`` examples, as one doctest."""
    text = (DOCS / name).read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
    source = "\n".join(b for b in blocks if ">>>" in b)
    return doctest.DocTestParser().get_doctest(source, {}, f"docs/{name}", str(DOCS / name), 0)


# ------------------------------------------------------------------------------------------
class TestGeneratedTables:
    """tools/gen_docs.py: the generated tables match the code."""

    def test_generated_blocks_are_up_to_date(self) -> None:
        """docs/features.md and docs/default-policy.md match FEATURES and the default policy."""
        assert GEN.outdated() == [], "run: python tools/gen_docs.py"

    def test_check_mode_returns_zero_on_the_tree(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`gen_docs.py --check` exits 0 when nothing is stale."""
        assert GEN.main(["--check"]) == 0
        assert capsys.readouterr().err == ""

    def test_stale_page_is_detected_and_rewritten(self, tmp_path: Path) -> None:
        """An edited generated block is reported stale, and write() restores it."""
        (tmp_path / "docs").mkdir()
        for rel in GEN.PAGES:
            shutil.copy(ROOT / rel, tmp_path / rel)
        page = tmp_path / "docs" / "features.md"
        page.write_text(
            page.read_text(encoding="utf-8").replace("| `util_total` |", "| `util_totl` |", 1),
            encoding="utf-8",
        )
        assert GEN.outdated(tmp_path) == ["docs/features.md"]
        assert GEN.write(tmp_path) == ["docs/features.md"]
        assert GEN.outdated(tmp_path) == []
        assert page.read_text(encoding="utf-8") == (ROOT / "docs" / "features.md").read_text(
            encoding="utf-8"
        )

    def test_missing_markers_count_as_stale(self, tmp_path: Path) -> None:
        """A page without its markers is stale, and replace_block refuses it."""
        (tmp_path / "docs").mkdir()
        for rel in GEN.PAGES:
            shutil.copy(ROOT / rel, tmp_path / rel)
        (tmp_path / "docs" / "default-policy.md").write_text("# no markers\n", encoding="utf-8")
        assert GEN.outdated(tmp_path) == ["docs/default-policy.md"]
        with pytest.raises(ValueError, match="exactly one"):
            GEN.replace_block("# no markers\n", "x")

    def test_text_outside_the_block_is_kept(self) -> None:
        """replace_block changes only what lies between the markers."""
        text = f"intro\n{GEN.BEGIN}\nold\n{GEN.END}\noutro\n"
        assert GEN.replace_block(text, "new\n") == f"intro\n{GEN.BEGIN}\nnew\n{GEN.END}\noutro\n"

    def test_every_feature_and_rule_is_documented(self) -> None:
        """Each feature has a row in features.md and each default rule a section."""
        from credit_closure import RuleScorer
        from credit_closure.features import FEATURE_NAMES

        features = (DOCS / "features.md").read_text(encoding="utf-8")
        for name in FEATURE_NAMES:
            assert f"| `{name}` |" in features, name
        policy = (DOCS / "default-policy.md").read_text(encoding="utf-8")
        for rule in RuleScorer.default().policy.rules:
            assert f"#### {rule.id}: " in policy, rule.id

    def test_points_are_minus_factor_times_log_odds(self) -> None:
        """The policy table states points as -28.8539 x log-odds (R2's top step: -28.85)."""
        policy = (DOCS / "default-policy.md").read_text(encoding="utf-8")
        assert "Points = −28.8539 × log-odds" in policy
        assert "≥ 0.7: 1 (-28.85 pts)" in policy
        assert "≥ 1: 0.25 (-7.21 pts)" in policy  # R4, a clean lender-risk closure
        # policy v2 has no credit; the opt-in R8 is shown as JSON, not in the generated table
        generated = policy.split("<!-- BEGIN GENERATED -->")[1]
        assert " pts)" in generated and "(+" not in generated

    def test_gen_docs_doctests(self) -> None:
        """The examples in tools/gen_docs.py docstrings pass."""
        result = doctest.testmod(GEN, verbose=False)
        assert result.attempted > 0 and result.failed == 0

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("FICO-BLOG-CLOSE, SOC-PAPERNO (F1)", "[FICO-BLOG-CLOSE], [SOC-PAPERNO] (F1)"),
            ("INFERENCE (F10)", "INFERENCE (F10)"),
            ("LKL-4084, LSLL (F15)", "[LKL-4084], [LSLL] (F15)"),
            ("article claim; INFERENCE (R8)", "article claim; INFERENCE (R8)"),
            ("already [RF-26]", "already [RF-26]"),
        ],
    )
    def test_cite_brackets_only_keys(self, text: str, expected: str) -> None:
        """cite() brackets source keys, not INFERENCE, item numbers or bracketed keys."""
        assert GEN.cite(text) == expected


class TestLinks:
    """Every relative link in docs/*.md and README.md points somewhere."""

    def test_relative_links_resolve(self) -> None:
        """Each relative link names an existing file or directory, or a page being written."""
        broken = []
        for page, target, path, _ in local_targets():
            if path.exists():
                continue
            try:
                rel = path.resolve().relative_to(ROOT).as_posix()
            except ValueError:
                rel = str(path)
            if rel not in PENDING:
                broken.append(f"{page}: {target}")
        assert broken == []

    def test_anchors_resolve(self) -> None:
        """A link with #fragment to an existing Markdown page names one of its headings."""
        broken = []
        for page, target, path, fragment in local_targets():
            if not fragment or path.suffix != ".md" or not path.is_file():
                continue
            if fragment not in anchors(path.read_text(encoding="utf-8")):
                broken.append(f"{page}: {target}")
        assert broken == []

    def test_required_pages_exist(self) -> None:
        """The core documentation pages exist."""
        assert [p for p in REQUIRED if not (ROOT / p).is_file()] == []

    def test_readme_documentation_links(self) -> None:
        """README.md links the core pages and the benchmarks, and each exists or is pending."""
        targets = {
            t.partition("#")[0] for t in links((ROOT / "README.md").read_text(encoding="utf-8"))
        }
        for rel in README_LINKS:
            assert rel in targets, rel
            assert (ROOT / rel).exists() or rel in PENDING, rel

    def test_index_links_every_page(self) -> None:
        """docs/index.md links every page in docs/ and every page being written."""
        linked = {
            (DOCS / t.partition("#")[0]).resolve()
            for t in links((DOCS / "index.md").read_text(encoding="utf-8"))
            if not re.match(r"^[a-z]+:", t)
        }
        wanted = {p.resolve() for p in DOCS.glob("*.md") if p.name != "index.md"}
        wanted |= {(ROOT / p).resolve() for p in PENDING}
        assert sorted(_rel(p) for p in wanted - linked) == []

    def test_link_extraction_skips_code_and_urls(self) -> None:
        """The link scanner ignores code blocks and inline code, and finds reference links."""
        text = (
            "[a](x.md) `[b](y.md)` ![i](img.png)\n```python\n[c](z.md)\n```\n"
            "[d]: ref.md\n[e](https://example.com)\n"
        )
        assert sorted(links(text)) == ["https://example.com", "img.png", "ref.md", "x.md"]

    @pytest.mark.parametrize(
        "heading, expected",
        [
            (
                "Utilization: what a closed line still counts",
                "utilization-what-a-closed-line-still-counts",
            ),
            ("The reason-code catalog", "the-reason-code-catalog"),
            ("Profile (`CreditProfile`)", "profile-creditprofile"),
            ("R9: 连三累六 (3 consecutive)", "r9-连三累六-3-consecutive"),
        ],
    )
    def test_slug(self, heading: str, expected: str) -> None:
        """Heading anchors follow GitHub's rules."""
        assert slug(heading) == expected


class TestSourceKeys:
    """Every cited source key is defined in docs/sources.md."""

    def test_cited_keys_are_defined(self) -> None:
        """Each [KEY] in docs/*.md and README.md (outside code) is in the sources table."""
        defined = source_keys()
        missing = []
        for page in _pages():
            for key in _KEY_RE.findall(strip_code(page.read_text(encoding="utf-8"))):
                if key not in defined:
                    missing.append(f"{_rel(page)}: [{key}]")
        assert missing == []

    def test_code_sources_are_defined(self) -> None:
        """Every source key named by the default policy and by FEATURES is in the table."""
        from credit_closure import RuleScorer
        from credit_closure._scoring import FEATURES

        defined = source_keys()
        named = {s for r in RuleScorer.default().explain_policy() for s in r.get("sources", [])}
        for f in FEATURES:
            named |= set(_KEY_RE.findall(GEN.cite(f.source)))
        assert sorted(named - set(defined)) == []

    def test_sources_table_is_well_formed(self) -> None:
        """Keys are unique and each has an address; the tags P/V/S are explained."""
        text = (DOCS / "sources.md").read_text(encoding="utf-8")
        rows = _SOURCE_ROW_RE.findall(text)
        keys = [k for k, _ in rows]
        assert len(keys) >= 100 and len(keys) == len(set(keys))
        assert all(addr.strip() for _, addr in rows)
        for tag in ("**P**", "**V**", "**S**"):
            assert tag in text
        assert "fictional" in text

    def test_key_pattern(self) -> None:
        """The key pattern finds citations, not links, code identifiers or single letters."""
        text = "see [FICO-BLOG-CLOSE][RF-26], [Concepts](concepts.md), [A], [UTILIZATION_HIGH]"
        assert _KEY_RE.findall(text) == ["FICO-BLOG-CLOSE", "RF-26"]


class TestExamples:
    """The examples in docs/concepts.md and docs/features.md are the library's real output."""

    @pytest.mark.parametrize("name, at_least", [("concepts.md", 20), ("features.md", 5)])
    def test_page_doctests_pass(self, name: str, at_least: int) -> None:
        """Every >>> example in the python blocks of the page passes."""
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        out = io.StringIO()
        runner.run(page_doctest(name), out=out.write)
        result = runner.summarize(verbose=False)
        assert result.attempted >= at_least
        assert result.failed == 0, out.getvalue()

    @pytest.mark.parametrize(
        "command",
        [
            "credit-closure assess examples/profiles/02_balance_after_delinquency.json --as-of 2025-12-31",
            "credit-closure assess examples/profiles/02_balance_after_delinquency.json --as-of 2025-12-31 --lang zh",
            "credit-closure what-if examples/profiles/06_open_lines_whatif.json --close hb1 --on 2025-12-31",
        ],
    )
    def test_pasted_cli_output_is_current(self, command: str) -> None:
        """The console output pasted in concepts.md is what the command prints today."""
        from credit_closure import cli

        text = (DOCS / "concepts.md").read_text(encoding="utf-8")
        m = re.search(r"^```console\n\$ " + re.escape(command) + r"\n(.*?)^```", text, re.S | re.M)
        assert m is not None, command
        argv = [str(ROOT / a) if a.startswith("examples/") else a for a in command.split()[1:]]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main(argv) == 0
        version = re.compile(r"credit-closure \d+\.\d+\.\d+\S*")
        assert (
            version.sub("credit-closure X", out.getvalue()).rstrip()
            == version.sub("credit-closure X", m.group(1)).rstrip()
        )
