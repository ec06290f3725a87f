"""A griffe extension for the API reference (mkdocstrings ``extensions:`` in mkdocs.yml).

The library's docstrings are Google style with doctest examples under ``Example:``, which the
renderer treats as Markdown prose: a doctest's output such as ``[(2, 0), (3, 2)]`` after a
line ending in ``]`` would read as a Markdown reference link. This extension fences every run
of doctest lines as ``pycon`` code, and turns a source key cited in a docstring
(``[PSI-2]``) into a link to its row on the sources page, as tools/mkdocs_hooks.py does for the
pages, and shows Sphinx roles (``:class:`~x.Y```) as plain code. The docstrings in the code are not changed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import griffe

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mkdocs_hooks import _anchor, source_keys

_KEY_RE = re.compile(r"\[([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*)\](?![(:])")
_INLINE_CODE_RE = re.compile(r"(`[^`\n]*`)")
_ROLE_RE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """Sphinx roles as code spans: ``:class:`~a.B``` becomes ```B```, ``:func:`f``` ```f```.

    Example:
        >>> plain_roles("see :class:`~credit_closure.Scale` and :func:`assess`")
        'see `Scale` and `assess`'
    """
    return _ROLE_RE.sub(
        lambda m: "`" + (m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2)) + "`", text
    )


def fence_doctests(text: str) -> str:
    r"""Wrap each run of ``>>>`` lines (with their output, up to a blank line) in a fence.

    Example:
        >>> fence_doctests("Example:\n    >>> 1 + 1\n    2\n").splitlines()
        ['Example:', '    ```pycon', '    >>> 1 + 1', '    2', '    ```']
    """
    out: list[str] = []
    indent = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if indent is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
        elif indent is not None and not stripped:
            out.append(f"{indent}```")
            indent = None
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


def link_keys(text: str, keys: Any) -> str:
    """Turn cited source keys into links to the sources page, outside code."""
    parts = re.split(r"(```.*?```)", text, flags=re.S)
    for i in range(0, len(parts), 2):
        spans = _INLINE_CODE_RE.split(parts[i])
        for j in range(0, len(spans), 2):
            spans[j] = _KEY_RE.sub(
                lambda m: (
                    f"[{m.group(1)}](sources.md#{_anchor(m.group(1))})"
                    if m.group(1) in keys
                    else m.group(0)
                ),
                spans[j],
            )
        parts[i] = "".join(spans)
    return "".join(parts)


class DocExamples(griffe.Extension):
    """Fence doctests and link source keys in every docstring."""

    def __init__(self) -> None:
        super().__init__()
        self._keys = set(source_keys())

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        doc = getattr(obj, "docstring", None)
        if doc is not None and doc.value:
            doc.value = link_keys(plain_roles(fence_doctests(doc.value)), self._keys)
