"""MkDocs hooks for the documentation site (``hooks:`` in mkdocs.yml).

The pages in docs/ are written to read well on GitHub, where they link to files outside docs/
(``../README.md``, ``../SECURITY.md``, ``../examples/...``) and cite sources by key
(``[FICO-BLOG-CLOSE]``). On the site:

- the repository's own Markdown pages that docs/ links to (README, SECURITY, CHANGELOG, the
  benchmarks README) are published under ``repo/``, and links to them are rewritten;
- a link to anything else outside docs/ (a folder, a JSON file) becomes its plain text, since
  the site does not carry the repository;
- a citation ``[KEY]`` of a key defined in docs/sources.md becomes a link to that key's row,
  which gets an anchor ``src-key``. An undefined key is left alone, so ``--strict`` still
  catches it.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: Markdown files outside docs/ that the site publishes under ``repo/``.
EXTRA_PAGES = ("README.md", "SECURITY.md", "CHANGELOG.md", "benchmarks/README.md")

_FENCE_RE = re.compile(r"(^(?:```|~~~)[^\n]*\n.*?^(?:```|~~~)[ \t]*$)", re.S | re.M)
_INLINE_CODE_RE = re.compile(r"(`[^`\n]*`)")
# a link (whose text may hold code) or, first come first served, an inline code span
_LINK_RE = re.compile(
    r"(?P<code>`[^`\n]*`)"
    r"|(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]"
    r"\(\s*<?(?P<target>[^)\s>]+)>?(?P<title>\s+\"[^\"]*\")?\s*\)"
)
_KEY_RE = re.compile(r"\[([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*)\](?![(:])")
_SOURCE_ROW_RE = re.compile(r"^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*) \|", re.M)


def source_keys() -> list[str]:
    """The keys of the sources table in docs/sources.md."""
    return _SOURCE_ROW_RE.findall((DOCS / "sources.md").read_text(encoding="utf-8"))


def _anchor(key: str) -> str:
    return "src-" + key.lower()


def on_files(files: Any, config: Any) -> Any:
    """Add the repository pages of :data:`EXTRA_PAGES` under ``repo/``."""
    from mkdocs.structure.files import File

    for rel in EXTRA_PAGES:
        path = ROOT / rel
        if path.is_file():
            files.append(File.generated(config, f"repo/{rel}", abs_src_path=str(path)))
    return files


def _real_path(src_uri: str) -> Path:
    """Where the page's Markdown lives in the repository."""
    if src_uri.startswith("repo/"):
        return ROOT / src_uri[len("repo/") :]
    return DOCS / src_uri


def _rewrite_link(match: re.Match[str], src_uri: str, real: Path) -> str:
    if match.group("code"):
        return match.group(0)
    bang, text, target, title = (
        match.group("bang"),
        match.group("text"),
        match.group("target"),
        match.group("title"),
    )
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
        return match.group(0)
    path_part, hash_, fragment = target.partition("#")
    if not path_part:
        return match.group(0)
    resolved = Path(os.path.normpath(real.parent / path_part))
    here = posixpath.dirname(src_uri)
    try:
        in_docs = resolved.relative_to(DOCS).as_posix()
    except ValueError:
        in_docs = None
    if in_docs is not None:
        site_target = in_docs
    else:
        try:
            in_repo = resolved.relative_to(ROOT).as_posix()
        except ValueError:
            in_repo = None
        if in_repo in EXTRA_PAGES:
            site_target = f"repo/{in_repo}"
        else:
            return text if not bang else match.group(0)
    new = posixpath.relpath(site_target, here or ".") + (hash_ + fragment if hash_ else "")
    return f"{bang}[{text}]({new}{title or ''})"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite links that leave docs/, and turn source keys into links to the sources page."""
    src_uri = page.file.src_uri
    real = _real_path(src_uri)
    keys = set(source_keys())
    to_sources = posixpath.relpath("sources.md", posixpath.dirname(src_uri) or ".")
    is_sources = src_uri == "sources.md"
    parts = _FENCE_RE.split(markdown)
    for i in range(0, len(parts), 2):
        text = _LINK_RE.sub(lambda m: _rewrite_link(m, src_uri, real), parts[i])
        spans = _INLINE_CODE_RE.split(text)
        for j in range(0, len(spans), 2):
            if is_sources:
                spans[j] = _SOURCE_ROW_RE.sub(
                    lambda m: f'| <a id="{_anchor(m.group(1))}"></a>{m.group(1)} |', spans[j]
                )
            spans[j] = _KEY_RE.sub(
                lambda m: (
                    f"[{m.group(1)}]({to_sources}#{_anchor(m.group(1))})"
                    if m.group(1) in keys
                    else m.group(0)
                ),
                spans[j],
            )
        parts[i] = "".join(spans)
    return "".join(parts)


def debug_rewrite(markdown: str, src_uri: str) -> str:
    """:func:`on_page_markdown` for a page at ``src_uri`` (used by tests)."""

    class _F:
        pass

    class _P:
        file = _F()

    _P.file.src_uri = src_uri  # type: ignore[attr-defined]
    return on_page_markdown(markdown, _P(), None, None)
